#include "sync/purgereconciler.h"

#include "logging.h"
#include "sync/soql.h"

#include <QCoreApplication>

namespace tether::sync {

namespace {
QString tr(const char *text) { return QCoreApplication::translate("PurgeReconciler", text); }
} // namespace

PurgeReconciler::PurgeReconciler(SyncContext &context, SyncEvents &events) : m_context(context), m_events(events) {}

void PurgeReconciler::reconcileNow()
{
    for (auto &task : m_context.tasks)
        task->purge.dueAt = QDateTime::currentDateTimeUtc();
}

bool PurgeReconciler::start(const QDateTime &now, std::function<void()> done)
{
    for (auto &t : m_context.tasks) {
        TableTask &task = *t;
        if (task.phase != Phase::Polling || task.inColumnBackfill() || task.isWaiting(now) || !task.hasSchema())
            continue;
        if (!task.purge.due && task.purge.dueAt.isValid() && task.purge.dueAt <= now) {
            task.purge.due = true;
            if (refreshDriftingFormulas(task))
                continue; // the column backfill goes first; the check follows it
        }
        if (!task.purge.due)
            continue;
        if (task.purge.idJob && task.purge.idJob->notBefore().isValid() && task.purge.idJob->notBefore() > now)
            continue; // waiting for the Id job
        if (!task.purge.counted)
            count(task, std::move(done));
        else if (task.purge.remoteCount > m_context.config.bulkThreshold)
            bulkIdStep(task, std::move(done));
        else
            restIdPage(task, std::move(done));
        return true;
    }
    return false;
}

bool PurgeReconciler::refreshDriftingFormulas(TableTask &task)
{
    // Formulas that read the date or another record change without their own
    // record changing, so polling cannot see it: re-read those columns with
    // each round of reconciliation (docs/decisions/0012).
    QStringList pending = task.pendingColumns;
    for (const QString &column : task.schema.driftingFormulaColumns()) {
        if (!pending.contains(column))
            pending << column;
    }
    if (pending == task.pendingColumns)
        return false;
    StateUpdate state;
    state.pendingColumns = pending;
    if (const store::PgError error = m_context.store->updateState(task.objectName, state)) {
        m_events.databaseFailed(task, error, error.toString());
        return false;
    }
    task.pendingColumns = pending;
    return task.startColumnBackfill();
}

void PurgeReconciler::noteCall(TableTask &task)
{
    task.apiCalls += 1;
    StateUpdate state;
    state.addApiCalls = 1;
    if (const store::PgError error = m_context.store->updateState(task.objectName, state))
        m_events.databaseFailed(task, error, error.toString());
}

void PurgeReconciler::reset(TableTask &task, int nextInMs)
{
    task.purge.due = false;
    task.purge.counted = false;
    task.purge.ids.clear();
    task.purge.nextUrl.clear();
    // Cleared, not destroyed: this may run inside the reader's own callback.
    if (task.purge.idJob)
        task.purge.idJob->clear();
    task.purge.dueAt = QDateTime::currentDateTimeUtc().addMSecs(nextInMs);
}

void PurgeReconciler::failed(TableTask &task, const salesforce::SalesforceError &error, const QString &sentence)
{
    reset(task, 60000);
    m_events.apiFailed(task, error, sentence);
}

void PurgeReconciler::query(TableTask &task, const salesforce::ApiRequest &request, const QString &failure,
                            std::function<void(TableTask &, const salesforce::ApiReply &)> handle, std::function<void()> done)
{
    TableTask *t = &task;
    m_context.client->send(request, salesforce::ApiCategory::Poll,
                           [this, t, failure, handle = std::move(handle), done = std::move(done)](const salesforce::ApiReply &reply) {
                               if (reply.error.kind == salesforce::SalesforceError::Kind::Cancelled)
                                   return;
                               noteCall(*t);
                               if (reply.ok())
                                   handle(*t, reply);
                               else
                                   failed(*t, reply.error, failure.arg(t->objectName, reply.error.toString()));
                               done();
                           });
}

void PurgeReconciler::count(TableTask &task, std::function<void()> done)
{
    // Cheap check first: one COUNT() call; only a mismatch costs an Id scan.
    salesforce::ApiRequest request;
    request.path = QStringLiteral("query");
    request.query << qMakePair(QStringLiteral("q"), QStringLiteral("SELECT COUNT() FROM %1").arg(task.objectName));
    query(task, request, tr("Checking %1 for purged records failed: %2"), [this](TableTask &task, const salesforce::ApiReply &reply) {
        task.purge.remoteCount = reply.json().object().value(QLatin1String("totalSize")).toInteger();
        const store::PgResult local = m_context.store->connection().exec(
            QStringLiteral("SELECT count(*) FROM %1").arg(task.schema.qualifiedName()));
        if (!local.ok()) {
            reset(task, 60000);
            m_events.databaseFailed(task, local.error(), tr("Counting %1 in PostgreSQL failed: %2").arg(task.objectName, local.error().toString()));
            return;
        }
        if (local.toInt64(0, 0) == task.purge.remoteCount) {
            reset(task, m_context.config.reconcileIntervalMs);
            m_events.reportReconciled(task, 0);
        } else {
            task.purge.counted = true;
            task.purge.ids.clear();
            task.purge.nextUrl.clear();
            task.purge.startedAt = serverTime(reply).addSecs(-m_context.config.pollOverlapSeconds);
        }
    }, std::move(done));
}

void PurgeReconciler::restIdPage(TableTask &task, std::function<void()> done)
{
    // Id-only pages of 2,000: one call per page.
    salesforce::ApiRequest request;
    if (!task.purge.nextUrl.isEmpty()) {
        request.path = task.purge.nextUrl;
    } else {
        request.path = QStringLiteral("query");
        request.query << qMakePair(QStringLiteral("q"), QStringLiteral("SELECT Id FROM %1 ORDER BY Id").arg(task.objectName));
    }
    request.headers << qMakePair(QByteArray("Sforce-Query-Options"), QByteArray("batchSize=2000"));
    query(task, request, tr("Scanning %1 for purged records failed: %2"), [this](TableTask &task, const salesforce::ApiReply &reply) {
        const RawJson json(reply.body);
        if (const RawJson::Value *records = json.ok() ? json.root().member("records") : nullptr) {
            for (const RawJson::Value &record : records->elements) {
                if (const RawJson::Value *id = record.member("Id"))
                    task.purge.ids << json.string(*id);
            }
        }
        const RawJson::Value *next = json.ok() ? json.root().member("nextRecordsUrl") : nullptr;
        task.purge.nextUrl = next && !next->isNull() ? json.string(*next) : QString();
        if (task.purge.nextUrl.isEmpty())
            finish(task);
    }, std::move(done));
}

void PurgeReconciler::bulkIdStep(TableTask &task, std::function<void()> done)
{
    // Large tables: one Bulk API 2.0 job lists every Id in a handful of calls.
    if (!task.purge.idJob)
        task.purge.idJob = std::make_unique<BulkQueryReader>(m_context.client, salesforce::ApiCategory::Poll, m_context.config);
    TableTask *t = &task;
    const QStringList fields{QStringLiteral("Id")};
    task.purge.idJob->step(QStringLiteral("SELECT Id FROM %1").arg(task.objectName), fields,
                           [this, t, done = std::move(done)](const BulkQueryReader::Result &result) {
                               using Kind = BulkQueryReader::Result::Kind;
                               TableTask &task = *t;
                               for (int i = 0; i < result.apiCalls; ++i)
                                   noteCall(task);
                               if (result.kind == Kind::Failed) {
                                   failed(task, result.error, tr("Listing %1 Ids for purged records failed: %2").arg(task.objectName, result.error.toString()));
                               } else if (result.kind == Kind::JobGone) {
                                   task.purge.ids.clear(); // a new job lists them all again
                               } else if (result.kind == Kind::Page) {
                                   const QList<QByteArray> lines = result.page.csv.split('\n');
                                   for (qsizetype i = 1; i < lines.size(); ++i) { // line 0 is the header
                                       QByteArray id = lines[i].trimmed();
                                       if (id.startsWith('"'))
                                           id = id.mid(1, id.size() - 2);
                                       if (!id.isEmpty())
                                           task.purge.ids << QString::fromLatin1(id);
                                   }
                                   task.purge.idJob->pageApplied();
                                   if (result.page.isLastPage())
                                       finish(task);
                               }
                               done();
                           });
}

void PurgeReconciler::finish(TableTask &task)
{
    const ApplyResult removed = m_context.store->removeRowsNotIn(task.schema, task.purge.ids, task.purge.startedAt);
    reset(task, m_context.config.reconcileIntervalMs);
    if (removed.error) {
        m_events.databaseFailed(task, removed.error, tr("Removing purged %1 records failed: %2").arg(task.objectName, removed.error.toString()));
        return;
    }
    task.rowsInTable -= removed.deleted;
    qCInfo(lcSync).noquote() << task.objectName << "reconciled:" << removed.deleted << "purged records removed";
    m_events.reportReconciled(task, removed.deleted);
    m_events.publish(task);
}

} // namespace tether::sync
