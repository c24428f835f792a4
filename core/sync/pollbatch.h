// PollBatch: incremental sync. Asks up to five tables for what changed since
// their watermark (less an overlap window, ordered by SystemModstamp and Id)
// in one /composite call, through queryAll so soft deletes come along, and
// follows further pages of a table that changed a lot. A table that changed
// rides in the next call; a quiet one waits the round in which the rate
// limiter can poll every table (quietIntervalMs), at most
// SyncConfig::pollMaxIntervalMs, and quiet tables take their turns in the
// order they were last polled (decision 0027).
#pragma once

#include "sync/compositeread.h"
#include "sync/querypage.h"
#include "sync/syncparts.h"

namespace tether::sync {

class PollBatch
{
public:
    PollBatch(SyncContext &context, SyncEvents &events);
    // Reads the next page of a poll that returned more than one; false when none.
    bool startFollowUp(const QDateTime &now, std::function<void()> done);
    // Polls the due tables (and those due soonest after them: the call costs
    // the same); false when none is due.
    bool start(const QDateTime &now, std::function<void()> done);

private:
    QString soql(const TableTask &task) const;
    void onBatch(const QList<TableTask *> &tasks, const CompositeReadReply &reply);
    // False when the database connection is gone.
    bool apply(TableTask &task, const QueryPage &page, double apiCallShare);
    // How long a quiet table waits at most between polls.
    int quietIntervalMs() const;

    SyncContext &m_context;
    SyncEvents &m_events;
};

} // namespace tether::sync
