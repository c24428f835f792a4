#include "sync/backfill.h"

#include "logging.h"
#include "sync/bulkpagestream.h"
#include "sync/soql.h"

#include <QCoreApplication>

namespace tether::sync {

namespace {
QString tr(const char *text) { return QCoreApplication::translate("Backfill", text); }
} // namespace

Backfill::Backfill(SyncContext &context, SyncEvents &events) : m_context(context), m_events(events) {}

bool Backfill::start(const QDateTime &now, std::function<void()> done)
{
    for (auto &t : m_context.tasks) {
        TableTask &task = *t;
        if (!task.hasSchema() || task.backfill.countDue || !task.isBackfilling() || task.isWaiting(now))
            continue;
        if (task.backfill.method == QLatin1String("bulk")) {
            if (task.bulk.notBefore().isValid() && task.bulk.notBefore() > now)
                continue; // the job still runs; look at the next table
            bulkStep(task, std::move(done));
        } else {
            restStep(task, std::move(done));
        }
        return true;
    }
    return false;
}

QStringList Backfill::pageColumns(const TableTask &task) const
{
    QStringList columns{QStringLiteral("id")};
    for (const QString &column : task.backfill.columns) {
        if (const schema::ColumnSpec *c = task.schema.column(column); c && !columns.contains(column))
            columns << column;
    }
    const QString watermark = task.schema.watermarkField.toLower();
    if (!watermark.isEmpty() && !columns.contains(watermark))
        columns << watermark;
    return columns;
}

QStringList Backfill::selectFields(const TableTask &task, bool forBulk) const
{
    QStringList fields;
    if (task.inColumnBackfill()) {
        for (const QString &column : pageColumns(task))
            fields << task.schema.column(column)->fieldName;
    } else {
        fields = task.schema.fieldNames();
    }
    if (forBulk) {
        const QStringList unsupported = task.schema.fieldsBulkCannotServe();
        fields.erase(std::remove_if(fields.begin(), fields.end(), [&](const QString &f) { return unsupported.contains(f); }),
                     fields.end());
    }
    return fields;
}

void Backfill::restStep(TableTask &task, std::function<void()> done)
{
    salesforce::ApiRequest request;
    if (!task.backfill.restNextUrl.isEmpty()) {
        request.path = task.backfill.restNextUrl;
    } else {
        // Keyset on Id: a restart or a failed write re-asks at most one page.
        QString soql = QStringLiteral("SELECT %1 FROM %2").arg(selectFields(task, false).join(QStringLiteral(", ")), task.objectName);
        if (!task.backfill.restLastId.isEmpty())
            soql += QStringLiteral(" WHERE Id > %1").arg(quoteSoql(task.backfill.restLastId));
        soql += QStringLiteral(" ORDER BY Id");
        request.path = QStringLiteral("query");
        request.query << qMakePair(QStringLiteral("q"), soql);
    }
    request.headers << qMakePair(QByteArray("Sforce-Query-Options"),
                                 QByteArray("batchSize=") + QByteArray::number(m_context.config.restBatchSize));
    TableTask *t = &task;
    m_context.client->send(request, salesforce::ApiCategory::Backfill, [this, t, done = std::move(done)](const salesforce::ApiReply &reply) {
        if (reply.error.kind == salesforce::SalesforceError::Kind::Cancelled)
            return;
        TableTask &task = *t;
        task.apiCalls += 1;
        if (!reply.ok()) {
            const QString code = reply.error.errorCode;
            if (code == QLatin1String("INVALID_QUERY_LOCATOR"))
                task.backfill.restNextUrl.clear(); // the locator expired: continue from the cursor
            if (code == QLatin1String("INVALID_FIELD")) {
                task.backfill.restNextUrl.clear();
                task.describe.due = true; // a field went away in Salesforce
            }
            m_events.apiFailed(task, reply.error, tr("Backfill of %1 failed: %2").arg(task.objectName, reply.error.toString()));
            return done();
        }
        const bool columns = task.inColumnBackfill();
        const QueryPage page = pageFromQueryJson(reply.body, task.schema, columns ? pageColumns(task) : QStringList());
        if (!page.error.isEmpty()) {
            task.backfill.restNextUrl.clear();
            m_events.taskFailed(task, tr("Backfill of %1 got an unreadable page: %2").arg(task.objectName, page.error));
            return done();
        }
        StateUpdate state;
        state.backfillLastId = page.lastId.isEmpty() ? task.backfill.restLastId : page.lastId;
        state.addApiCalls = 1;
        if (!columns)
            state.addRowsDone = page.rowCount;
        const bool last = page.done || page.nextRecordsUrl.isEmpty();
        if (apply(task, page, state, last)) {
            // Committed: now the cursor may move.
            if (!page.lastId.isEmpty())
                task.backfill.restLastId = page.lastId;
            task.backfill.restNextUrl = page.nextRecordsUrl;
            if (last)
                finishRun(task);
        } else {
            task.backfill.restNextUrl.clear(); // ask for the page again, from the committed cursor
        }
        done();
    });
}

void Backfill::bulkStep(TableTask &task, std::function<void()> done)
{
    const QStringList fields = selectFields(task, true);
    const QString soql = QStringLiteral("SELECT %1 FROM %2").arg(fields.join(QStringLiteral(", ")), task.objectName);
    TableTask *t = &task;
    // Results pages go from the socket into COPY as they download, each on a
    // connection of its own: the page after this one may already be on its
    // way. A page asked for again gets a new stream (the old one rolls back).
    task.bulk.setPageSinks([this, t](const QString &locator) -> BulkQueryReader::PageSink {
        auto stream = std::make_shared<BulkPageStream>(m_context.config, t->schema, t->bulk.job().fields, pageIntoTable(*t));
        t->pageStreams[locator] = stream;
        return [stream](const char *data, qsizetype size) { return stream->take(data, size); };
    });
    task.bulk.step(soql, fields, [this, t, done = std::move(done)](const BulkQueryReader::Result &result) {
        onBulkResult(*t, result);
        done();
    });
}

void Backfill::onBulkResult(TableTask &task, const BulkQueryReader::Result &result)
{
    using Kind = BulkQueryReader::Result::Kind;
    task.apiCalls += result.apiCalls;
    const bool columns = task.inColumnBackfill();
    StateUpdate state;
    state.addApiCalls = result.apiCalls;
    // The stream of the page this result is about (the page at the committed
    // locator); whatever it wrote is rolled back unless it commits below.
    std::shared_ptr<BulkPageStream> stream;
    if (auto it = task.pageStreams.find(task.bulk.job().locator); it != task.pageStreams.end()) {
        stream = std::move(it->second);
        task.pageStreams.erase(it);
    }
    if (result.kind == Kind::JobCreated || result.kind == Kind::JobGone)
        task.pageStreams.clear(); // pages of another job
    switch (result.kind) {
    case Kind::JobCreated:
    case Kind::JobGone: {
        task.backfill.stagePages = false; // a new run: its pages may go straight in again
        // A new job reads everything again: progress starts over with it.
        const BulkQueryReader::Job &job = task.bulk.job();
        state.bulkJobId = job.id;
        state.bulkJobFields = job.fields;
        state.bulkLocator = QString();
        if (!columns) {
            state.rowsDone = 0;
            task.backfill.rowsDone = 0;
        }
        if (const store::PgError error = m_context.store->updateState(task.objectName, state)) {
            task.clearBulk(); // a job nobody can find after a restart is not used
            m_events.databaseFailed(task, error, tr("Cannot save the sync state of %1: %2").arg(task.objectName, error.toString()));
        }
        return;
    }
    case Kind::Waiting:
        if (const store::PgError error = m_context.store->updateState(task.objectName, state))
            m_events.databaseFailed(task, error, tr("Cannot save the sync state of %1: %2").arg(task.objectName, error.toString()));
        return;
    case Kind::Failed: {
        // A page whose download was stopped because it could not be written
        // fails for the database's reason, not the download's. The page after
        // it, asked for early, is abandoned with it.
        task.pageStreams.clear();
        if (stream && stream->abandoned())
            return; // the engine changed the table meanwhile: the page is read again
        if (stream && stream->intoTable() && stageAfter(task, stream->databaseError(), stream->problem()))
            return; // the same page is read again, through staging
        if (stream && stream->databaseError()) {
            m_events.databaseFailed(task, stream->databaseError(),
                                    tr("Writing %1 to PostgreSQL failed: %2").arg(task.objectName, stream->databaseError().toString()));
        } else if (stream && !stream->problem().isEmpty()) {
            task.clearBulk(); // a job whose pages cannot be read is not read again
            m_events.taskFailed(task, tr("Bulk backfill of %1 got an unreadable page: %2 A new job starts.").arg(task.objectName, stream->problem()));
        } else {
            m_events.apiFailed(task, result.error, tr("Bulk backfill of %1 failed: %2").arg(task.objectName, result.error.toString()));
        }
        return;
    }
    case Kind::Page:
        break;
    }

    state.bulkLocator = result.page.locator;
    if (!columns)
        state.addRowsDone = result.page.numberOfRecords;
    const bool last = result.page.isLastPage();
    bool applied = false;
    if (result.page.csv.isEmpty()) {
        // Streamed: the rows are in the page's COPY, waiting for its commit.
        // (No stream at all: the page had no body, which still moves the cursor.)
        if (stream && stream->abandoned()) {
            task.bulk.pageRejected(); // the engine changed the table meanwhile: the page is read again
            task.pageStreams.clear();
            return;
        }
        if (!stream)
            stream = std::make_shared<BulkPageStream>(m_context.config, task.schema, task.bulk.job().fields);
        if (!stream->databaseError() && !stream->problem().isEmpty()) {
            task.bulk.pageRejected();
            task.clearBulk();
            m_events.taskFailed(task, tr("Bulk backfill of %1 got an unreadable page: %2 A new job starts.").arg(task.objectName, stream->problem()));
            return;
        }
        store::PgError failure;
        applied = apply(task, state, last, [&](const StateUpdate &s) { return stream->finish(s, columns); }, &failure);
        if (!applied && !(stream->intoTable() && stageAfter(task, failure, stream->problem()))) {
            m_events.databaseFailed(task, failure,
                                    tr("Writing %1 to PostgreSQL failed: %2").arg(task.objectName, failure.toString()));
        }
    } else {
        // The CSV's columns are the job's, as it was created: a field added or
        // removed since does not make the page unreadable.
        const QueryPage page = pageFromBulkCsv(result.page.csv, task.schema, task.bulk.job().fields);
        if (!page.error.isEmpty()) {
            task.bulk.pageRejected();
            task.clearBulk(); // a job whose pages cannot be read is not read again
            m_events.taskFailed(task, tr("Bulk backfill of %1 got an unreadable page: %2 A new job starts.").arg(task.objectName, page.error));
            return;
        }
        applied = apply(task, page, state, last);
    }
    if (!applied) {
        task.bulk.pageRejected(); // the early request for the next page goes too
        task.pageStreams.clear();
        return;
    }
    task.bulk.pageApplied();
    if (last)
        finishRun(task);
}

bool Backfill::pageIntoTable(const TableTask &task) const
{
    // Only a main backfill whose every row so far came from this run's own
    // pages: then a page's rows cannot be in the table yet. A re-sync, a
    // column backfill, or rows written some other way (a write through the
    // proxy meanwhile) go through staging + upsert.
    return !task.inColumnBackfill() && !task.backfill.stagePages && task.rowsInTable <= task.backfill.rowsDone;
}

bool Backfill::stageAfter(TableTask &task, const store::PgError &error, const QString &problem)
{
    // 23xxx: a row is there already (23505); 22xxx: a value COPY refused where
    // the upsert's CAST takes it (a text longer than its varchar). A rewrite
    // problem: the CSV was not what BulkCsvRows reads. Anything else (the
    // connection, a trigger, a timeout) would fail the upsert too.
    const bool staging = (error.kind == store::PgError::Kind::Server
                          && (error.sqlState.startsWith(QLatin1String("23")) || error.sqlState.startsWith(QLatin1String("22"))))
                         || !problem.isEmpty();
    if (!staging)
        return false;
    task.backfill.stagePages = true;
    qCInfo(lcSync).noquote() << QStringLiteral("%1 page could not be copied straight into its table (%2); it is read again "
                                               "and written through staging")
                                    .arg(task.objectName, error ? error.toString() : problem);
    return true;
}

bool Backfill::apply(TableTask &task, const QueryPage &page, StateUpdate state, bool last)
{
    const bool columns = task.inColumnBackfill();
    return apply(task, state, last, [&](const StateUpdate &s) { return m_context.store->applyPage(task.schema, page, s, columns); });
}

bool Backfill::apply(TableTask &task, StateUpdate state, bool last, const std::function<ApplyResult(const StateUpdate &)> &write,
                     store::PgError *failure)
{
    const bool columns = task.inColumnBackfill();
    state.lastError = QString();
    state.phase = task.phase;
    if (last && columns) {
        QStringList remaining = task.pendingColumns;
        for (const QString &column : std::as_const(task.backfill.columns))
            remaining.removeAll(column);
        state.pendingColumns = remaining;
    }
    if (last && !columns) {
        // The backfill's end commits with its last page. Changes made while it
        // ran are picked up by polling from the moment it began.
        state.phase = Phase::Polling;
        state.backfillCompletedAt = QDateTime::currentDateTimeUtc();
        state.watermark = task.backfill.startedAt.isValid() ? task.backfill.startedAt : QDateTime::currentDateTimeUtc();
        state.bulkJobId = QString();
        state.bulkJobFields = QStringList();
        state.bulkLocator = QString();
    }
    const ApplyResult applied = write(state);
    if (applied.error && failure) {
        *failure = applied.error;
        return false;
    }
    if (applied.error) {
        m_events.databaseFailed(task, applied.error,
                                tr("Writing %1 to PostgreSQL failed: %2").arg(task.objectName, applied.error.toString()));
        return false;
    }
    task.rowsInTable += applied.inserted - applied.deleted;
    if (!columns) {
        TableTask::Backfill &b = task.backfill;
        b.rowsDone += state.addRowsDone;
        const qint64 elapsed = b.rateClock.isValid() ? b.rateClock.elapsed() : 0;
        if (elapsed > 0)
            b.recordsPerSecond = double(b.rowsDone - b.rateBaseRows) * 1000.0 / double(elapsed);
    }
    if (state.pendingColumns)
        task.pendingColumns = *state.pendingColumns;
    if (state.watermark)
        task.poll.watermark = *state.watermark;
    m_events.taskSucceeded(task);
    return true;
}

void Backfill::finishRun(TableTask &task)
{
    if (task.inColumnBackfill()) {
        qCInfo(lcSync).noquote() << task.objectName << "column backfill done:" << task.backfill.columns.join(u',');
        task.backfill.columns.clear();
        task.clearBulk();
        task.startColumnBackfill(); // columns added meanwhile
        m_events.publish(task);
        return;
    }
    const QDateTime now = QDateTime::currentDateTimeUtc();
    task.phase = Phase::Polling;
    task.poll.dueAt = now;
    // A re-sync asked for a reconciliation right after it; keep the earlier one.
    const QDateTime regular = now.addMSecs(m_context.config.reconcileIntervalMs);
    if (!task.purge.dueAt.isValid() || task.purge.dueAt > regular)
        task.purge.dueAt = regular;
    task.clearBulk();
    qCInfo(lcSync).noquote() << task.objectName << "backfill complete:" << task.rowsInTable << "rows," << task.apiCalls << "API calls";
    m_events.reportBackfillCompleted(task);
    // Fields added while the main backfill ran are missing from its early pages.
    task.startColumnBackfill();
    m_events.publish(task);
}

} // namespace tether::sync
