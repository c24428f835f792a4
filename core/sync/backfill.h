// Backfill: copies a table from Salesforce page by page — REST query pages in
// Id order (WHERE Id > cursor) for small tables, a Bulk API 2.0 job for large
// ones — and writes each page together with its cursor in one transaction.
// The cursor in memory moves only after that commit, so a page that could not
// be written is asked for again, never skipped. The same path fills columns
// that Salesforce added after the main backfill (a column backfill).
#pragma once

#include "sync/querypage.h"
#include "sync/syncparts.h"

namespace tether::sync {

class Backfill
{
public:
    Backfill(SyncContext &context, SyncEvents &events);
    // Reads the next page of the first table that is due; false when none is.
    bool start(const QDateTime &now, std::function<void()> done);

private:
    void restStep(TableTask &task, std::function<void()> done);
    void bulkStep(TableTask &task, std::function<void()> done);
    void onBulkResult(TableTask &task, const BulkQueryReader::Result &result);
    // Writes the page with `state` in one transaction; on the last page the
    // run's completion commits with it. False when nothing was kept.
    bool apply(TableTask &task, const QueryPage &page, StateUpdate state, bool last);
    // The same around `write`, which commits the page with the state it is given.
    // With `failure`, a failed write is left there for the caller instead of reported.
    bool apply(TableTask &task, StateUpdate state, bool last, const std::function<ApplyResult(const StateUpdate &)> &write,
               store::PgError *failure = nullptr);
    // Whether this run's next Bulk page may be copied straight into the table.
    bool pageIntoTable(const TableTask &task) const;
    // A page copied straight into the table failed in a way staging + upsert
    // does not (`why`): true when the page is to be read again through staging.
    bool stageAfter(TableTask &task, const store::PgError &error, const QString &problem);
    void finishRun(TableTask &task);
    QStringList selectFields(const TableTask &task, bool forBulk) const;
    QStringList pageColumns(const TableTask &task) const; // column backfill: which columns a page carries

    SyncContext &m_context;
    SyncEvents &m_events;
};

} // namespace tether::sync
