// CountBatch: COUNT() of the tables about to be backfilled, five per
// /composite call. The size picks the backfill's method: REST query pages for
// small tables, a Bulk API 2.0 job above SyncConfig::bulkThreshold.
#pragma once

#include "sync/compositeread.h"
#include "sync/syncparts.h"

namespace tether::sync {

class CountBatch
{
public:
    CountBatch(SyncContext &context, SyncEvents &events);
    bool start(const QDateTime &now, std::function<void()> done);

    // A COUNT() sent in someone else's /composite call (the describe's, at
    // start: one call instead of two).
    QString countUrl(const TableTask &task) const;
    // Takes the count in `answer`; false when the database connection is gone.
    bool apply(TableTask &task, const CompositeReadReply &reply, const CompositeAnswer &answer, const QDateTime &serverNow,
               double apiCallShare);

private:
    void onCounts(const QList<TableTask *> &tasks, const CompositeReadReply &reply);

    SyncContext &m_context;
    SyncEvents &m_events;
};

} // namespace tether::sync
