// StatusBuilder: what a person is shown about one table (TableStatus), from
// the task's state, the quota pause and the database's reachability.
#pragma once

#include "sync/syncstatus.h"

namespace tether::sync {

class TableTask;
struct SyncConfig;

struct EngineConditions
{
    bool quotaPaused = false;
    QString databaseError; // non-empty while PostgreSQL is unreachable
    double secondsPerCall = 3.0; // the rate limiter's pace, for ETAs
};

TableStatus buildStatus(const TableTask &task, const SyncConfig &config, const EngineConditions &conditions);

} // namespace tether::sync
