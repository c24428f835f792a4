// CaptureTriggers: the PostgreSQL half of the write-through proxy. Writes to a
// synced table are recorded by row triggers in tether.capture, inside the
// writer's own transaction, and a deferred constraint trigger refuses to
// COMMIT while any of them is still there. The proxy applies the captured
// changes to Salesforce, writes Salesforce's answer back, deletes them and
// only then lets the COMMIT through; a client that bypasses the proxy fails
// at COMMIT with a sentence naming the proxy's address. Savepoints, ROLLBACK
// and disconnects need nothing special: the captured rows belong to the
// transaction. Why this route: docs/decisions/0019-write-through-capture.md.
//
// Writers that must not be captured say so with the session setting
// tether.writer: 'sync' (the sync engine's connection, set by MirrorStore) and
// 'proxy' (the proxy writing Salesforce's answer back, transaction-local).
#pragma once

#include "schema/describe.h"
#include "schema/tableschema.h"
#include "store/pgerror.h"

namespace tether::store {
class PgConnection;
}

namespace tether::proxy {

class CaptureTriggers
{
public:
    // Creates (or refreshes) tether.capture, tether.write_log,
    // tether.proxy_endpoint and the trigger functions, and installs the
    // triggers on `table` with the column lists its describe allows. Runs in
    // the caller's transaction; idempotent. The describe is read from
    // tether.sync_state (describe_json) when it holds one for the object;
    // without it no column is refused at statement time (the proxy still
    // checks at COMMIT).
    static store::PgError install(store::PgConnection &db, const schema::TableSchema &table);

    // The SQL that creates the shared objects (schema tether), on its own.
    static QString schemaSql();
    // Just tether.proxy_endpoint (the proxy may start before any table is synced).
    static QString endpointSql();
    // The SQL that (re)installs the triggers of one table. Columns Salesforce
    // will not take in a create or an update are refused by the triggers.
    static QString tableSql(const schema::TableSchema &table, const QStringList &notCreateable,
                            const QStringList &notUpdateable);
    // Column lists for tableSql from a describe: every column of `table`
    // whose field is not createable (not updateable); id is never listed.
    static void readOnlyColumns(const schema::TableSchema &table, const schema::ObjectDescribe &describe,
                                QStringList *notCreateable, QStringList *notUpdateable);

    // The lock that keeps the sync engine from writing rows of a table while
    // the proxy puts Salesforce's answer into it: the engine holds it shared
    // for each page it applies, the proxy exclusively from its write-back to
    // its COMMIT. Without it a poll that brings in a just-created record
    // between the proxy's clean-up and its rename collides on the id.
    static QString mirrorWriteLockSql(const QString &qualifiedTable, bool shared);

    // Prefix of provisional ids: no Salesforce Id starts with '_'.
    static constexpr const char *ProvisionalPrefix = "_new_";
    static bool isProvisionalId(QStringView id) { return id.startsWith(QLatin1String(ProvisionalPrefix)); }
};

} // namespace tether::proxy
