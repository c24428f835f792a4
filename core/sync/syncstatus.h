// TableStatus: what the dashboard (and headless progress lines) show about one
// synced table. A value type, safe to send across threads in queued signals.
#pragma once

#include <QDateTime>
#include <QMetaType>
#include <QString>
#include <QStringList>

namespace tether::sync {

enum class Phase { Discovering, Backfilling, Polling, Paused, Error };

QString phaseName(Phase phase); // "discovering", ... as stored in tether.sync_state

struct TableStatus
{
    QString objectName;
    QString tableName; // schema-qualified
    Phase phase = Phase::Discovering;
    QString backfillMethod; // "rest" or "bulk" while backfilling
    qint64 rowsInTable = 0;
    qint64 rowsTotal = -1; // from COUNT(); -1 unknown
    qint64 rowsDone = 0;   // backfill progress
    double recordsPerSecond = 0;
    qint64 etaSeconds = -1; // -1 unknown
    QDateTime lastPoll;
    double apiCalls = 0;
    QString lastError; // a sentence; empty when fine
    QDateTime nextRetry; // while in error: when the table tries again
    bool pausedByPerson = false;
    QStringList pendingColumns; // added in Salesforce, being (or still to be) backfilled
};

} // namespace tether::sync

Q_DECLARE_METATYPE(tether::sync::TableStatus)
