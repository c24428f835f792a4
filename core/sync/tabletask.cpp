#include "sync/tabletask.h"

#include "sync/syncconfig.h"

namespace tether::sync {

TableTask::TableTask(QString name, salesforce::RestClient *client, const SyncConfig &config)
    : objectName(std::move(name)), bulk(client, salesforce::ApiCategory::Backfill, config), m_config(config),
      m_backoff(config.tableRetryFirstMs, config.tableRetryMaxMs)
{
}

void TableTask::noteFailure(const QString &sentence)
{
    lastError = sentence;
    retryAt = QDateTime::currentDateTimeUtc().addMSecs(m_backoff.next());
}

void TableTask::noteSuccess()
{
    lastError.clear();
    retryAt = {};
    m_backoff.reset();
}

void TableTask::restore(const TableState &state)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    rowsInTable = state.rowsInTable;
    apiCalls = state.apiCalls;
    paused = state.paused;
    pendingColumns = state.pendingColumns;
    backfill = Backfill{};
    backfill.rowsTotal = state.rowsTotal;
    backfill.rowsDone = state.rowsDone;
    bulk.clear();
    pageStreams.clear();
    poll.watermark = state.watermark;
    poll.lastAt = state.lastPollAt;
    poll.moreUrl.clear();
    poll.dueAt = now;
    poll.changed = false;
    poll.startedAt = {};
    purge.due = false;
    purge.counted = false;
    if (purge.idJob)
        purge.idJob->clear();
    purge.dueAt = now.addMSecs(m_config.reconcileIntervalMs);
    if (state.backfillCompletedAt.isValid()) {
        phase = Phase::Polling;
        // A column backfill starts over: its cursor may belong to another set of columns.
        startColumnBackfill();
        return;
    }
    phase = Phase::Backfilling;
    backfill.method = state.backfillMethod;
    backfill.restLastId = state.backfillLastId;
    backfill.startedAt = state.backfillStartedAt;
    if (backfill.method == QLatin1String("bulk") && !state.bulkJobId.isEmpty())
        bulk.resume({state.bulkJobId, state.bulkJobFields, state.bulkLocator});
    backfill.countDue = state.rowsTotal < 0 || backfill.method.isEmpty();
}

bool TableTask::startColumnBackfill()
{
    if (phase != Phase::Polling || !backfill.columns.isEmpty() || pendingColumns.isEmpty())
        return false;
    backfill = Backfill{};
    backfill.columns = pendingColumns;
    clearBulk();
    // Bulk for large tables, unless a column is one Bulk cannot serve.
    bool bulkPossible = true;
    const QStringList unsupported = schema.fieldsBulkCannotServe();
    for (const QString &column : std::as_const(backfill.columns)) {
        if (const schema::ColumnSpec *c = schema.column(column); c && unsupported.contains(c->fieldName))
            bulkPossible = false;
    }
    backfill.method = bulkPossible && rowsInTable > m_config.bulkThreshold ? QStringLiteral("bulk") : QStringLiteral("rest");
    return true;
}

QDateTime TableTask::nextDueAt() const
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (paused || removed)
        return {};
    if (isWaiting(now))
        return retryAt;
    QDateTime due;
    auto consider = [&](const QDateTime &at) {
        if (at.isValid() && (!due.isValid() || at < due))
            due = at;
    };
    if (describe.due)
        return now;
    if (describe.at.isValid())
        consider(describe.at.addMSecs(m_config.describeIntervalMs));
    if (!hasSchema())
        return due;
    if (backfill.countDue)
        return now;
    if (isBackfilling())
        consider(backfill.method == QLatin1String("bulk") && bulk.notBefore().isValid() ? bulk.notBefore() : now);
    if (phase == Phase::Polling) {
        consider(poll.moreUrl.isEmpty() ? poll.dueAt : now);
        if (inColumnBackfill())
            return due;
        if (!purge.due)
            consider(purge.dueAt);
        else
            consider(purge.idJob && purge.idJob->notBefore().isValid() ? purge.idJob->notBefore() : now);
    }
    return due;
}

} // namespace tether::sync
