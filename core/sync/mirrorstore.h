// MirrorStore: the PostgreSQL side of sync. Creates and migrates the mirror
// tables, keeps Tether's own state in schema `tether`, and applies pages of
// records exactly once: COPY into a staging table, upsert, deletes and the
// cursor update all commit in one transaction, so a crash at any instant
// leaves either the whole page and its cursor, or neither.
#pragma once

#include "schema/tableschema.h"
#include "store/pgconnection.h"
#include "sync/querypage.h"

#include <QDateTime>
#include <QVariantMap>

namespace tether::sync {

// One row of tether.sync_state, as the engine reads it back after a restart.
struct TableState
{
    QString objectName;
    QString phase; // discovering, backfilling, polling, paused, error
    QString backfillMethod; // "rest" or "bulk"
    QString backfillJobId;
    QString backfillLocator;
    QString backfillLastId;
    QDateTime backfillStartedAt;
    QDateTime backfillCompletedAt;
    qint64 rowsTotal = -1;
    qint64 rowsDone = 0;
    qint64 rowsInTable = 0;
    QDateTime watermark;
    QDateTime lastPollAt;
    double apiCalls = 0;
    qint64 pagesApplied = 0;
    QString lastError;
    QString describeLastModified;
    QStringList pendingColumns; // added columns still to backfill
    bool exists = false;
};

struct ApplyResult
{
    store::PgError error;
    qint64 inserted = 0;
    qint64 updated = 0;
    qint64 deleted = 0;
};

class MirrorStore
{
public:
    MirrorStore(store::PgConnection &connection, QString schemaName);

    QString schemaName() const { return m_schemaName; }

    // Creates schema `tether` (state table, sync_status view); idempotent.
    store::PgError ensureStateSchema();

    // Creates the table, or migrates it to `table`. Columns added to an
    // existing table are returned in `addedColumns` (they need a backfill).
    store::PgError prepareTable(const schema::TableSchema &table, const schema::StalePolicy &policy,
                                QList<schema::SchemaChange> *applied);

    TableState loadState(const QString &objectName);
    // Sets the given sync_state columns of the object's row; a key "+col"
    // adds to the column instead of replacing it.
    store::PgError updateState(const QString &objectName, const QVariantMap &values);

    // Applies one page in one transaction together with `stateUpdate`.
    // columnsOnly: update just those columns of existing rows (column backfill).
    ApplyResult applyPage(const schema::TableSchema &table, const QueryPage &page,
                          const QVariantMap &stateUpdate, bool columnsOnly = false);

    // Deletes local rows whose Id is not in `liveIds` (hard-delete
    // reconciliation), sparing rows changed at or after `changedBefore`.
    ApplyResult removeRowsNotIn(const schema::TableSchema &table, const QStringList &liveIds,
                                const QDateTime &changedBefore, const QVariantMap &stateUpdate);

private:
    store::PgError ensureStaging(const schema::TableSchema &table, const QStringList &columns,
                                 QString *stagingName);

    store::PgConnection &m_db;
    QString m_schemaName;
    QHash<QString, QString> m_stagingSignature; // staging table -> column list it was made for
};

} // namespace tether::sync
