// MirrorStore: the PostgreSQL side of sync. Creates and migrates the mirror
// tables, keeps Tether's own state in schema `tether`, and applies pages of
// records exactly once: COPY into a staging table, upsert, deletes and the
// cursor update all commit in one transaction, so a crash at any instant
// leaves either the whole page and its cursor, or neither.
#pragma once

#include "schema/tableschema.h"
#include "store/pgconnection.h"
#include "sync/querypage.h"
#include "sync/syncstate.h"

#include <QDateTime>

namespace tether::sync {

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
    store::PgConnection &connection() { return m_db; }

    // Creates schema `tether` (state table, sync_status view, the proxy's
    // capture tables); idempotent. Marks this connection as the sync writer.
    store::PgError ensureStateSchema();

    // Creates the table, or migrates it to `table`, in one transaction with the
    // describe it came from. Columns added to an existing table join
    // pending_columns (they need a backfill); pending columns Salesforce no
    // longer has leave it.
    store::PgError prepareTable(const schema::TableSchema &table, const schema::StalePolicy &policy,
                                const StateUpdate &describeState, QList<schema::SchemaChange> *applied);

    // The object's row; exists is false when there is none (or on error).
    TableState loadState(const QString &objectName, store::PgError *error = nullptr);
    store::PgError updateState(const QString &objectName, const StateUpdate &update);
    // The table is no longer synced: its state goes, its rows stay.
    store::PgError forgetTable(const QString &objectName);

    // Applies one page in one transaction together with `stateUpdate`.
    // Page columns the table no longer has (a field removed in Salesforce while
    // a Bulk job was running) are ignored. columnsOnly: update just the page's
    // columns of existing rows (column backfill).
    ApplyResult applyPage(const schema::TableSchema &table, const QueryPage &page,
                          const StateUpdate &stateUpdate, bool columnsOnly = false);

    // The same for a page that arrives over time (a Bulk CSV page streamed
    // from the socket): begin with the page's columns, feed it CSV rows
    // (no header) as they arrive, then finish — the rows, their upsert and
    // `stateUpdate` commit in one transaction — or abort (nothing is kept).
    // Nothing else may use the connection in between.
    //
    // intoTable: the rows go straight into the table (`columns` are its
    // columns, the values already in their COPY form: BulkCsvRows), for a
    // first backfill whose rows cannot be there yet (decision 0028). A row
    // that is there after all fails the page with 23505; the caller writes it
    // again through staging.
    store::PgError beginStreamedPage(const schema::TableSchema &table, const QStringList &columns, bool intoTable = false);
    store::PgError streamPageData(const char *data, qsizetype size);
    ApplyResult finishStreamedPage(const schema::TableSchema &table, const QStringList &columns,
                                   const StateUpdate &stateUpdate, bool columnsOnly = false);
    void abortStreamedPage();

    // Deletes local rows whose Id is not in `liveIds` (hard-delete
    // reconciliation), sparing rows changed at or after `changedBefore`.
    ApplyResult removeRowsNotIn(const schema::TableSchema &table, const QStringList &liveIds,
                                const QDateTime &changedBefore);

private:
    store::PgError skipOwnTriggers(const schema::TableSchema &table);
    store::PgError ensureStaging(const schema::TableSchema &table, const QStringList &columns,
                                 QString *stagingName);
    store::PgResult upsertStaged(const schema::TableSchema &table, const QStringList &columns, const QString &staging,
                                 bool columnsOnly, ApplyResult *result);

    store::PgConnection &m_db;
    QString m_schemaName;
    QHash<QString, QString> m_stagingSignature; // staging table -> column list it was made for
    bool m_streaming = false; // a streamed page's COPY is open
    bool m_streamingIntoTable = false; // ... straight into the table
    bool m_triggersSkipped = false;    // ... with session_replication_role = replica
};

} // namespace tether::sync
