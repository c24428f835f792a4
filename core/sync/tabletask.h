// TableTask: one synced table as the engine works on it — its phase, schema,
// cursors, poll timing, purge check, and its own back-off after errors. The
// engine's parts (schema tracker, counts, backfill, polls, purge reconciler)
// act on tasks; a task that fails waits out its own back-off while the others
// keep syncing.
#pragma once

#include "schema/tableschema.h"
#include "sync/backoff.h"
#include "sync/bulkpagestream.h"
#include "sync/bulkqueryreader.h"
#include "sync/syncstate.h"
#include "sync/syncstatus.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <map>
#include <memory>

namespace tether::sync {

struct SyncConfig;

class TableTask
{
public:
    TableTask(QString objectName, salesforce::RestClient *client, const SyncConfig &config);

    const QString objectName;
    schema::TableSchema schema; // empty until described
    Phase phase = Phase::Discovering; // what it does; an error shows on top of it
    qint64 rowsInTable = 0;
    double apiCalls = 0;
    QStringList pendingColumns; // added in Salesforce, still to backfill

    struct Describe
    {
        bool due = true;
        QDateTime at;         // last answer, 304 included
        QString lastModified; // for If-Modified-Since
    } describe;

    // The backfill run in progress: the main one while phase is Backfilling,
    // afterwards a column backfill of `columns`.
    struct Backfill
    {
        bool countDue = false;
        QString method;      // "rest" or "bulk"
        QStringList columns; // column backfill: these columns (plus id and watermark)
        QString restLastId;  // committed keyset cursor
        QString restNextUrl; // locator of the page after restLastId, in memory only
        QDateTime startedAt; // server time the main backfill began
        qint64 rowsTotal = -1;
        qint64 rowsDone = 0;
        QElapsedTimer rateClock;
        qint64 rateBaseRows = 0;
        double recordsPerSecond = 0;
        // A Bulk page of this run could not be copied straight into the
        // table (a row was there already, or a value needed the upsert's
        // casts): the run's other pages go through staging (decision 0028).
        bool stagePages = false;
    } backfill;
    BulkQueryReader bulk; // the Bulk job of the run
    // Its pages being written while they download, by locator (empty: the
    // first page): the page step() reads, and the one after it asked for early.
    std::map<QString, std::shared_ptr<BulkPageStream>> pageStreams;
    // Abandons the Bulk job's requests in flight and the pages they were writing.
    void stopBulk()
    {
        bulk.cancel();
        pageStreams.clear();
    }
    // Rolls back the pages being written (they are read again), so that the
    // table can be changed: their COPY holds a lock on it.
    void releaseTable()
    {
        for (auto &[locator, stream] : pageStreams)
            stream->abandon();
    }
    // Forgets the Bulk job too.
    void clearBulk()
    {
        bulk.clear();
        pageStreams.clear();
    }

    struct Poll
    {
        QDateTime watermark; // greatest SystemModstamp applied
        QDateTime dueAt;
        QDateTime lastAt;
        int intervalMs = 0;
        bool changed = false; // its last poll found changes: it rides in the next call
        QDateTime startedAt;  // when its last poll call was started (rounds count from here)
        QString moreUrl; // next page of the current poll
    } poll;

    struct Purge
    {
        bool due = false;
        QDateTime dueAt;
        bool counted = false; // COUNT() differed: Ids are being listed
        qint64 remoteCount = 0;
        QString nextUrl;      // REST Id pages
        QStringList ids;
        QDateTime startedAt;
        std::unique_ptr<BulkQueryReader> idJob; // large tables
    } purge;

    bool hasSchema() const { return !schema.columns.isEmpty(); }
    bool inColumnBackfill() const { return phase == Phase::Polling && !backfill.columns.isEmpty(); }
    bool isBackfilling() const { return phase == Phase::Backfilling || inColumnBackfill(); }

    // Errors: the sentence stays shown until the work succeeds again; until
    // retryAt the task is left alone. A paused task (the person paused it) and
    // a removed one (no longer in the selection) are left alone too.
    QString lastError;
    QDateTime retryAt;
    bool paused = false;
    bool removed = false; // kept, not deleted: requests in flight may still answer for it
    bool isWaiting(const QDateTime &now) const
    {
        return paused || removed || (retryAt.isValid() && retryAt > now);
    }
    void noteFailure(const QString &sentence);
    void noteSuccess();

    // Takes over what tether.sync_state says (after a start or a reconnect):
    // phase, cursors and counters. In-memory locators are dropped.
    void restore(const TableState &state);
    // Starts a column backfill of the pending columns, if there are any and
    // nothing else is being backfilled.
    bool startColumnBackfill();
    // The earliest moment this task has something to do (invalid: nothing).
    QDateTime nextDueAt() const;

private:
    const SyncConfig &m_config;
    Backoff m_backoff;
};

} // namespace tether::sync
