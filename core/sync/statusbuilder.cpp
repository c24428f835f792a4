#include "sync/statusbuilder.h"

#include "sync/syncconfig.h"
#include "sync/tabletask.h"

#include <QCoreApplication>

namespace tether::sync {

TableStatus buildStatus(const TableTask &task, const SyncConfig &config, const EngineConditions &conditions)
{
    TableStatus s;
    s.objectName = task.objectName;
    s.tableName = config.schemaName + u'.' + task.objectName.toLower();
    s.phase = task.phase;
    s.backfillMethod = task.backfill.method;
    s.rowsInTable = task.rowsInTable;
    s.rowsTotal = task.backfill.rowsTotal;
    // A Bulk job that expired and started over reads rows again; never show more than all.
    s.rowsDone = s.rowsTotal >= 0 ? qMin(task.backfill.rowsDone, s.rowsTotal) : task.backfill.rowsDone;
    s.recordsPerSecond = task.backfill.recordsPerSecond;
    s.lastPoll = task.poll.lastAt;
    s.apiCalls = task.apiCalls;
    s.pendingColumns = task.pendingColumns;
    s.lastError = task.lastError;
    if (!task.lastError.isEmpty()) {
        s.phase = Phase::Error; // the task keeps retrying what `phase` says
        s.nextRetry = task.retryAt;
    }
    if (task.paused) {
        s.phase = Phase::Paused;
        s.pausedByPerson = true;
    }
    const bool working = task.phase == Phase::Backfilling || task.phase == Phase::Polling;
    if (!conditions.databaseError.isEmpty()) {
        s.phase = Phase::Error;
        s.lastError = conditions.databaseError;
    } else if (conditions.quotaPaused && working) {
        s.phase = Phase::Paused;
        if (s.lastError.isEmpty())
            s.lastError = QCoreApplication::translate("StatusBuilder", "Paused: Tether's share of the daily API quota is used up; "
                                                                       "resumes by itself when quota frees up.");
    }
    if (task.phase == Phase::Backfilling && task.backfill.rowsTotal >= 0) {
        // ETA from the API budget: the calls still needed at the limiter's pace.
        const qint64 remaining = qMax<qint64>(0, task.backfill.rowsTotal - s.rowsDone);
        const bool bulk = task.backfill.method == QLatin1String("bulk");
        const qint64 perCall = qMax<qint64>(1, bulk ? config.bulkMaxRecords : config.restBatchSize);
        const qint64 calls = (remaining + perCall - 1) / perCall + (bulk && !task.bulk.hasJob() ? 2 : 0);
        s.etaSeconds = qint64(double(calls) * conditions.secondsPerCall);
    }
    return s;
}

} // namespace tether::sync
