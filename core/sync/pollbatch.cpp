#include "sync/pollbatch.h"

#include "logging.h"
#include "salesforce/ratelimiter.h"
#include "sync/soql.h"

#include <QCoreApplication>
#include <QUrl>

namespace tether::sync {

namespace {
QString tr(const char *text) { return QCoreApplication::translate("PollBatch", text); }

bool pollable(const TableTask &task, const QDateTime &now)
{
    return task.phase == Phase::Polling && task.hasSchema() && !task.isWaiting(now);
}
} // namespace

PollBatch::PollBatch(SyncContext &context, SyncEvents &events) : m_context(context), m_events(events) {}

QString PollBatch::soql(const TableTask &task) const
{
    QString text = QStringLiteral("SELECT %1 FROM %2").arg(task.schema.fieldNames().join(QStringLiteral(", ")), task.objectName);
    const QString wm = task.schema.watermarkField;
    if (!wm.isEmpty() && task.poll.watermark.isValid())
        text += QStringLiteral(" WHERE %1 >= %2").arg(wm, soqlDateTime(task.poll.watermark.addSecs(-m_context.config.pollOverlapSeconds)));
    if (!wm.isEmpty())
        text += QStringLiteral(" ORDER BY %1, Id").arg(wm);
    return text;
}

bool PollBatch::startFollowUp(const QDateTime &now, std::function<void()> done)
{
    for (auto &t : m_context.tasks) {
        TableTask &task = *t;
        if (task.poll.moreUrl.isEmpty() || !pollable(task, now))
            continue;
        salesforce::ApiRequest request;
        request.path = task.poll.moreUrl;
        TableTask *tp = &task;
        m_context.client->send(request, salesforce::ApiCategory::Poll, [this, tp, done = std::move(done)](const salesforce::ApiReply &reply) {
            if (reply.error.kind == salesforce::SalesforceError::Kind::Cancelled)
                return;
            TableTask &task = *tp;
            if (!reply.ok()) {
                task.poll.moreUrl.clear(); // the next poll reads again from the watermark
                task.apiCalls += 1;
                m_events.apiFailed(task, reply.error, tr("Polling %1 failed: %2").arg(task.objectName, reply.error.toString()));
                return done();
            }
            const QueryPage page = pageFromQueryJson(reply.body, task.schema);
            task.poll.moreUrl = page.done ? QString() : page.nextRecordsUrl;
            apply(task, page, 1.0);
            done();
        });
        return true;
    }
    return false;
}

bool PollBatch::start(const QDateTime &now, std::function<void()> done)
{
    QList<TableTask *> busy;  // changed in their last poll, due again
    QList<TableTask *> quiet; // the others, in the order they fall due
    for (auto &t : m_context.tasks) {
        if (!pollable(*t, now) || !t->poll.moreUrl.isEmpty())
            continue;
        (t->poll.changed && t->poll.dueAt <= now ? busy : quiet) << t.get();
    }
    auto byDue = [](TableTask *a, TableTask *b) { return a->poll.dueAt < b->poll.dueAt; };
    std::sort(busy.begin(), busy.end(), byDue);
    std::sort(quiet.begin(), quiet.end(), byDue);
    if (busy.isEmpty() && (quiet.isEmpty() || quiet.first()->poll.dueAt > now))
        return false;
    // A table that just changed rides in the very next call, ahead of quiet
    // tables however overdue they are (a busy table is in every call), but
    // keeps at least one place for the quiet ones so that none starves. A
    // /composite call costs one API call whether it carries one query or
    // five, so the other places go to the quiet tables due soonest — in the
    // order they fall due, which is the order they were last polled in: a
    // round robin, so each waits one round and no longer.
    const int places = qMax(1, m_context.config.pollBatchTables);
    QList<TableTask *> batch = busy.mid(0, qMax(1, places - 1));
    for (TableTask *task : std::as_const(quiet)) {
        if (batch.size() >= places)
            break;
        batch << task;
    }
    for (TableTask *task : std::as_const(busy)) {
        if (batch.size() >= places)
            break;
        if (!batch.contains(task))
            batch << task;
    }
    for (TableTask *task : std::as_const(batch))
        task->poll.startedAt = now;
    if (lcSync().isDebugEnabled()) {
        QStringList names;
        for (TableTask *task : std::as_const(batch))
            names << QStringLiteral("%1%2(%3)").arg(task->objectName, task->poll.changed ? QStringLiteral("*") : QString()).arg(now.msecsTo(task->poll.dueAt));
        qCDebug(lcSync).noquote() << "poll call for" << names.join(QStringLiteral(" "));
    }
    QList<CompositeGet> gets;
    for (TableTask *task : batch) {
        // queryAll also returns soft-deleted rows (IsDeleted = true): deletes.
        const QString resource = task->schema.softDelete ? QStringLiteral("/queryAll?q=") : QStringLiteral("/query?q=");
        gets << CompositeGet{m_context.dataPath() + resource + QString::fromLatin1(QUrl::toPercentEncoding(soql(*task))), {}};
    }
    sendCompositeRead(m_context.client, gets, salesforce::ApiCategory::Poll,
                      [this, batch, done = std::move(done)](const CompositeReadReply &reply) {
                          onBatch(batch, reply);
                          done();
                      });
    return true;
}

void PollBatch::onBatch(const QList<TableTask *> &tasks, const CompositeReadReply &reply)
{
    qCDebug(lcSync) << "poll answered," << tasks.size() << "tables";
    const double share = 1.0 / tasks.size();
    for (int i = 0; i < tasks.size(); ++i) {
        TableTask &task = *tasks[i];
        if (task.paused || task.removed) {
            // Paused (or dropped) while the call was on its way: the table
            // stays as it was when the person paused it. The watermark did not
            // move, so the next poll after resuming reads the same changes.
            task.apiCalls += share;
            continue;
        }
        if (!reply.http.ok()) {
            task.apiCalls += share;
            m_events.apiFailed(task, reply.http.error, tr("Polling %1 failed: %2").arg(task.objectName, reply.http.error.toString()));
            continue;
        }
        const CompositeAnswer &answer = reply.answers[i];
        if (answer.status != 200 || !answer.body) {
            task.apiCalls += share;
            // A field may have been removed in Salesforce: describe again.
            if (answer.status == 400)
                task.describe.due = true;
            m_events.taskFailed(task, tr("Polling %1 failed. %2").arg(task.objectName, answer.error));
            continue;
        }
        const QueryPage page = pageFromQueryResult(*reply.json, *answer.body, task.schema);
        task.poll.moreUrl = page.done ? QString() : page.nextRecordsUrl;
        if (!apply(task, page, share))
            return; // the database is gone
    }
}

int PollBatch::quietIntervalMs() const
{
    // A quiet table waits, but not beyond the round in which the rate limiter
    // can poll every table once (five per call): then no slot of the limiter
    // goes unused while a table waits, and a change to a quiet table waits at
    // most one round. At 1 request / 3 s, 10 tables are one round every 6 s.
    // A busy table takes a place in every call, so the quiet ones then wait a
    // little longer than the round (they are overdue, never skipped). With the
    // limit off, the floor keeps quiet tables to one poll every 2 s.
    const int cap = qMax(1, m_context.config.pollMaxIntervalMs);
    const salesforce::RateLimiter *limiter = m_context.client->limiter();
    if (!limiter)
        return cap;
    qsizetype tables = 0;
    for (const auto &t : m_context.tasks) {
        if (t->phase == Phase::Polling && !t->paused && !t->removed)
            ++tables;
    }
    const double calls = double(tables) / qMax(1, m_context.config.pollBatchTables);
    const double round = calls * 1000.0 / qMax(0.001, limiter->requestsPerSecond());
    return int(qBound(double(qMin(2000, cap)), round, double(cap)));
}

bool PollBatch::apply(TableTask &task, const QueryPage &page, double apiCallShare)
{
    if (!page.error.isEmpty()) {
        task.apiCalls += apiCallShare;
        task.poll.moreUrl.clear();
        m_events.taskFailed(task, tr("Salesforce's answer to a poll of %1 was unreadable: %2").arg(task.objectName, page.error));
        return true;
    }
    QDateTime watermark = task.poll.watermark;
    if (!page.maxWatermark.isEmpty()) {
        const QDateTime seen = parseSalesforceDateTime(page.maxWatermark);
        if (seen.isValid() && (!watermark.isValid() || seen > watermark))
            watermark = seen;
    }
    const QDateTime now = QDateTime::currentDateTimeUtc();
    StateUpdate state;
    state.addApiCalls = apiCallShare;
    state.lastPollAt = now;
    state.lastError = QString();
    state.phase = Phase::Polling;
    if (watermark.isValid())
        state.watermark = watermark;
    const ApplyResult applied = m_context.store->applyPage(task.schema, page, state);
    task.apiCalls += apiCallShare;
    if (applied.error) {
        task.poll.moreUrl.clear(); // read again from the committed watermark
        return !m_events.databaseFailed(task, applied.error,
                                        tr("Writing %1 to PostgreSQL failed: %2").arg(task.objectName, applied.error.toString()));
    }
    task.poll.watermark = watermark;
    task.poll.lastAt = now;
    task.rowsInTable += applied.inserted - applied.deleted;
    const qint64 changed = applied.inserted + applied.updated;
    // A table that changed is due again at once (it rides in the next call);
    // a quiet one waits one round, counted from when its call was started so
    // that the call waiting for the limiter's next slot is not counted twice.
    // No shorter steps in between: each would take a place from a table that
    // has waited a whole round (decision 0027).
    task.poll.changed = changed + applied.deleted > 0;
    if (task.poll.changed) {
        task.poll.intervalMs = m_context.config.pollMinIntervalMs;
        task.poll.dueAt = now.addMSecs(task.poll.intervalMs);
    } else {
        task.poll.intervalMs = quietIntervalMs();
        const QDateTime from = task.poll.startedAt.isValid() && task.poll.startedAt < now ? task.poll.startedAt : now;
        task.poll.dueAt = from.addMSecs(task.poll.intervalMs);
    }
    if (changed + applied.deleted > 0) {
        StateUpdate changedAt;
        changedAt.lastChangeAt = now;
        if (const store::PgError error = m_context.store->updateState(task.objectName, changedAt); error && m_events.databaseFailed(task, error, error.toString()))
            return false;
        qCDebug(lcSync).noquote() << task.objectName << "poll:" << changed << "changed," << applied.deleted << "deleted";
    }
    m_events.reportPollApplied(task, changed, applied.deleted);
    m_events.taskSucceeded(task);
    return true;
}

} // namespace tether::sync
