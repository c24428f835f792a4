// What Tether keeps about each synced table in tether.sync_state: the row as it
// is read back after a restart (TableState) and a typed change to it
// (StateUpdate). Cursors live here, and they move only inside the transaction
// that writes their page, so the database always says how far sync really got.
#pragma once

#include "sync/syncstatus.h"

#include <QDateTime>
#include <QStringList>
#include <optional>

namespace tether::sync {

// One row of tether.sync_state.
struct TableState
{
    bool exists = false;
    QString objectName;
    QString phase; // discovering, backfilling, polling, paused, error

    // The backfill run in progress: the main one (backfillCompletedAt unset)
    // or, afterwards, a column backfill of `pendingColumns`.
    QString backfillMethod;      // "rest" or "bulk"
    QString backfillLastId;      // REST: keyset cursor, last Id committed
    QString bulkJobId;           // Bulk: the job being read
    QStringList bulkJobFields;   // Bulk: the job's SELECT list, as created
    QString bulkLocator;         // Bulk: next results page; empty = the first
    QDateTime backfillStartedAt; // server time when the main backfill began
    QDateTime backfillCompletedAt;
    qint64 rowsTotal = -1; // from COUNT(); -1 unknown
    qint64 rowsDone = 0;   // rows read by the current backfill run
    qint64 rowsInTable = 0;
    QStringList pendingColumns; // columns added in Salesforce, still to backfill

    QDateTime watermark;
    QDateTime lastPollAt;
    double apiCalls = 0;
    qint64 pagesApplied = 0;
    QString lastError;

    bool paused = false; // paused by the person

    QString describeLastModified; // Last-Modified of the describe below
    QByteArray describeJson;      // the sObject describe the table was built from
};

// A change to one row of tether.sync_state. Unset members stay as they are; an
// empty string or list clears the column. add* members add to the column.
struct StateUpdate
{
    std::optional<Phase> phase;
    std::optional<QString> backfillMethod;
    std::optional<QString> backfillLastId;
    std::optional<QString> bulkJobId;
    std::optional<QStringList> bulkJobFields;
    std::optional<QString> bulkLocator;
    std::optional<QDateTime> backfillStartedAt;
    std::optional<QDateTime> backfillCompletedAt;
    std::optional<qint64> rowsTotal;
    std::optional<qint64> rowsDone;
    qint64 addRowsDone = 0;
    qint64 addRowsInTable = 0;
    std::optional<QStringList> pendingColumns;
    std::optional<QDateTime> watermark;
    std::optional<QDateTime> lastPollAt;
    std::optional<QDateTime> lastChangeAt;
    double addApiCalls = 0;
    qint64 addPagesApplied = 0;
    std::optional<QString> lastError; // empty = no error
    std::optional<bool> paused;
    std::optional<QString> describeLastModified;
    std::optional<QByteArray> describeJson;

    bool isEmpty() const;
};

} // namespace tether::sync
