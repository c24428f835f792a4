// PurgeReconciler: finds records purged from Salesforce (hard deletes leave no
// IsDeleted row for polling to see). Once an hour per table a COUNT() is
// compared with the mirror; only when they differ are the Ids listed — REST
// Id pages for small tables, one Bulk API 2.0 job for large ones — and the
// rows missing from Salesforce removed. Each round also re-reads formula
// columns that can change without their record changing.
#pragma once

#include "sync/syncparts.h"

namespace tether::sync {

class PurgeReconciler
{
public:
    PurgeReconciler(SyncContext &context, SyncEvents &events);
    bool start(const QDateTime &now, std::function<void()> done);
    void reconcileNow(); // every table, at the next chance

private:
    // Sends one reconciliation request: counted as a call; a failure ends
    // this round with `failure` (%1 object, %2 the error); an answer goes to `handle`.
    void query(TableTask &task, const salesforce::ApiRequest &request, const QString &failure,
               std::function<void(TableTask &, const salesforce::ApiReply &)> handle, std::function<void()> done);
    void count(TableTask &task, std::function<void()> done);
    void restIdPage(TableTask &task, std::function<void()> done);
    void bulkIdStep(TableTask &task, std::function<void()> done);
    bool refreshDriftingFormulas(TableTask &task); // true when a column backfill started
    void noteCall(TableTask &task);
    void failed(TableTask &task, const salesforce::SalesforceError &error, const QString &sentence);
    void finish(TableTask &task);
    void reset(TableTask &task, int nextInMs);

    SyncContext &m_context;
    SyncEvents &m_events;
};

} // namespace tether::sync
