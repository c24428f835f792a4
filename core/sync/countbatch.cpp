#include "sync/countbatch.h"

#include "sync/soql.h"

#include <QCoreApplication>
#include <QUrl>

namespace tether::sync {

namespace {
QString tr(const char *text) { return QCoreApplication::translate("CountBatch", text); }
}

CountBatch::CountBatch(SyncContext &context, SyncEvents &events) : m_context(context), m_events(events) {}

bool CountBatch::start(const QDateTime &now, std::function<void()> done)
{
    QList<TableTask *> batch;
    for (auto &task : m_context.tasks) {
        if (task->hasSchema() && task->backfill.countDue && !task->isWaiting(now) && batch.size() < m_context.config.pollBatchTables)
            batch << task.get();
    }
    if (batch.isEmpty())
        return false;
    QList<CompositeGet> gets;
    for (TableTask *task : std::as_const(batch))
        gets << CompositeGet{countUrl(*task), {}};
    sendCompositeRead(m_context.client, gets, salesforce::ApiCategory::Backfill,
                      [this, batch, done = std::move(done)](const CompositeReadReply &reply) {
                          onCounts(batch, reply);
                          done();
                      });
    return true;
}

QString CountBatch::countUrl(const TableTask &task) const
{
    const QString soql = QStringLiteral("SELECT COUNT() FROM %1").arg(task.objectName);
    return m_context.dataPath() + QStringLiteral("/query?q=") + QString::fromLatin1(QUrl::toPercentEncoding(soql));
}

void CountBatch::onCounts(const QList<TableTask *> &tasks, const CompositeReadReply &reply)
{
    const double share = 1.0 / tasks.size();
    const QDateTime serverNow = serverTime(reply.http);
    for (int i = 0; i < tasks.size(); ++i) {
        TableTask &task = *tasks[i];
        task.apiCalls += share;
        if (!reply.http.ok()) {
            m_events.apiFailed(task, reply.http.error, tr("Counting %1 records failed: %2").arg(task.objectName, reply.http.error.toString()));
            continue;
        }
        if (!apply(task, reply, reply.answers[i], serverNow, share))
            return;
    }
}

bool CountBatch::apply(TableTask &task, const CompositeReadReply &reply, const CompositeAnswer &answer,
                       const QDateTime &serverNow, double apiCallShare)
{
    const RawJson::Value *total = answer.body ? answer.body->member("totalSize") : nullptr;
    if (answer.status != 200 || !total) {
        m_events.taskFailed(task, tr("Counting %1 records failed. %2").arg(task.objectName, answer.error));
        return true;
    }
    TableTask::Backfill &backfill = task.backfill;
    backfill.countDue = false;
    backfill.rowsTotal = reply.json->rawText(*total).toLongLong();
    if (backfill.method.isEmpty()) {
        // Bulk cannot serve base64; such objects stay on REST.
        const bool bulkPossible = task.schema.fieldsBulkCannotServe().isEmpty();
        backfill.method = bulkPossible && backfill.rowsTotal > m_context.config.bulkThreshold ? QStringLiteral("bulk")
                                                                                           : QStringLiteral("rest");
    }
    if (!backfill.startedAt.isValid())
        backfill.startedAt = serverNow;
    StateUpdate state;
    state.rowsTotal = backfill.rowsTotal;
    state.backfillMethod = backfill.method;
    state.phase = Phase::Backfilling;
    state.backfillStartedAt = backfill.startedAt;
    state.addApiCalls = apiCallShare;
    if (const store::PgError error = m_context.store->updateState(task.objectName, state)) {
        if (m_events.databaseFailed(task, error, tr("Cannot save the sync state of %1: %2").arg(task.objectName, error.toString())))
            return false;
        backfill.countDue = true;
        return true;
    }
    backfill.rateClock.start();
    backfill.rateBaseRows = backfill.rowsDone;
    m_events.taskSucceeded(task);
    return true;
}

} // namespace tether::sync
