#include "sync/stateschema.h"

#include "logging.h"
#include "store/pgconnection.h"
#include "store/pgresult.h"

#include <QCoreApplication>

namespace tether::sync {

using store::PgError;
using store::PgResult;

namespace {

// Steps that idempotent DDL cannot express: `sql` brings version to-1 to `to`.
// Version 1 is the baseline the DDL itself creates, so there is none yet.
struct Step
{
    int to;
    const char *sql;
};
constexpr Step steps[] = {
    {1, ""},
};

PgError clientError(const QString &sentence)
{
    PgError error;
    error.kind = PgError::Kind::Client;
    error.message = sentence;
    return error;
}

} // namespace

PgError checkStateSchemaVersion(store::PgConnection &db, int *found)
{
    // Asked first, so that a missing table never aborts the caller's transaction.
    PgResult exists = db.exec(QStringLiteral("SELECT to_regclass('tether.schema_version') IS NOT NULL"));
    if (!exists.ok())
        return exists.error();
    int version = 0; // predates versioning, or an empty database
    if (exists.value(0, 0) == QLatin1String("t")) {
        PgResult r = db.exec(QStringLiteral("SELECT version FROM tether.schema_version"));
        if (!r.ok())
            return r.error();
        if (r.rowCount() > 0)
            version = int(r.toInt64(0, 0));
    }
    if (found)
        *found = version;
    if (version > StateSchemaVersion) {
        return clientError(QCoreApplication::translate(
                               "StateSchema",
                               "This database's tether schema is at version %1, written by a newer Tether; this "
                               "Tether understands version %2 at most. Install the newer Tether again, or point "
                               "this one at another database.")
                               .arg(version)
                               .arg(StateSchemaVersion));
    }
    return {};
}

PgError migrateStateSchema(store::PgConnection &db, int found)
{
    for (const Step &step : steps) {
        if (step.to <= found || !*step.sql)
            continue;
        qCInfo(lcSync) << "migrating the tether schema to version" << step.to;
        if (PgResult r = db.exec(QString::fromUtf8(step.sql)); !r.ok())
            return r.error();
    }
    PgResult r = db.exec(
        QStringLiteral("CREATE TABLE IF NOT EXISTS tether.schema_version ("
                       " one boolean PRIMARY KEY DEFAULT true CHECK (one),"
                       " version integer NOT NULL,"
                       " written_by text NOT NULL,"
                       " updated_at timestamptz NOT NULL DEFAULT now());"
                       "COMMENT ON TABLE tether.schema_version IS "
                       "'Layout version of the tether schema; a Tether that knows an older one refuses to use it'"));
    if (!r.ok())
        return r.error();
    if (found == StateSchemaVersion)
        return {};
    if (found > 0)
        qCInfo(lcSync) << "tether schema migrated from version" << found << "to" << StateSchemaVersion;
    r = db.exec(QStringLiteral("INSERT INTO tether.schema_version (version, written_by) VALUES ($1, $2) "
                               "ON CONFLICT (one) DO UPDATE SET version = EXCLUDED.version, "
                               "written_by = EXCLUDED.written_by, updated_at = now()"),
                {StateSchemaVersion, QCoreApplication::applicationName() + u' ' +
                                         QCoreApplication::applicationVersion()});
    return r.error();
}

} // namespace tether::sync
