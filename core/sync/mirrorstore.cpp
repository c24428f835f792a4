#include "sync/mirrorstore.h"
#include "sync/stateschema.h"

#include "logging.h"
#include "proxy/capturetriggers.h"

#include <QCoreApplication>

namespace tether::sync {

using schema::quoteIdent;
using store::PgError;
using store::PgResult;

namespace {

const char *stateSchemaSql = R"sql(
CREATE SCHEMA IF NOT EXISTS tether;
CREATE TABLE IF NOT EXISTS tether.sync_state (
    object_name            text PRIMARY KEY,
    table_schema           text NOT NULL,
    table_name             text NOT NULL,
    phase                  text NOT NULL DEFAULT 'discovering',
    backfill_method        text,
    backfill_job_id        text,
    backfill_locator       text,
    backfill_last_id       text,
    backfill_started_at    timestamptz,
    backfill_completed_at  timestamptz,
    rows_total             bigint,
    rows_done              bigint NOT NULL DEFAULT 0,
    rows_in_table          bigint NOT NULL DEFAULT 0,
    watermark_field        text,
    watermark              timestamptz,
    last_poll_at           timestamptz,
    last_change_at         timestamptz,
    api_calls              numeric(14,2) NOT NULL DEFAULT 0,
    pages_applied          bigint NOT NULL DEFAULT 0,
    pending_columns        text[] NOT NULL DEFAULT '{}',
    describe_last_modified text,
    last_error             text,
    last_error_at          timestamptz,
    updated_at             timestamptz NOT NULL DEFAULT now()
);
-- Added after the first release; ADD COLUMN IF NOT EXISTS migrates older rows.
ALTER TABLE tether.sync_state ADD COLUMN IF NOT EXISTS backfill_job_fields text[];
ALTER TABLE tether.sync_state ADD COLUMN IF NOT EXISTS describe_json text;
ALTER TABLE tether.sync_state ADD COLUMN IF NOT EXISTS paused boolean NOT NULL DEFAULT false;
-- The proxy names a describe by this fingerprint at every commit: md5 of a
-- 30 kB describe per captured row cost 0.1 ms each (decision 0008). Written
-- with describe_json (MirrorStore::updateState), not generated: a stored generated
-- column is computed again at every update of the row, that is every poll.
ALTER TABLE tether.sync_state ADD COLUMN IF NOT EXISTS describe_md5 text;
UPDATE tether.sync_state SET describe_md5 = md5(describe_json) WHERE describe_md5 IS DISTINCT FROM md5(describe_json);
COMMENT ON TABLE tether.sync_state IS 'Tether sync cursors and progress, one row per synced Salesforce object';
CREATE OR REPLACE VIEW tether.sync_status AS
SELECT object_name                               AS object,
       table_schema || '.' || table_name         AS table_name,
       CASE WHEN paused THEN 'paused' ELSE phase END AS phase,
       rows_in_table,
       rows_total,
       CASE WHEN rows_total > 0 AND backfill_completed_at IS NULL
            THEN round(100.0 * least(rows_done, rows_total) / rows_total, 1)
            WHEN backfill_completed_at IS NOT NULL THEN 100.0 END AS backfill_percent,
       last_poll_at                              AS last_successful_poll,
       CASE WHEN last_poll_at IS NOT NULL THEN now() - last_poll_at END AS freshness_lag,
       api_calls,
       last_error
FROM tether.sync_state;
COMMENT ON VIEW tether.sync_status IS 'Tether: one row per synced table (phase, rows, freshness, API calls, last error)';
)sql";

QString stagingNameFor(const schema::TableSchema &table)
{
    return QStringLiteral("tether_stage_") + table.tableName;
}

QDateTime toDateTime(const PgResult &r, int column)
{
    if (r.isNull(0, column))
        return {};
    return QDateTime::fromString(r.value(0, column), Qt::ISODateWithMs);
}

// A text[] literal for a parameter: {"a","b"}.
QString textArray(const QStringList &items)
{
    QStringList quoted;
    for (QString item : items) {
        item.replace(u'\\', QStringLiteral("\\\\")).replace(u'"', QStringLiteral("\\\""));
        quoted << u'"' + item + u'"';
    }
    return u'{' + quoted.join(u',') + u'}';
}

QStringList fromTextArray(const PgResult &r, int column)
{
    // array_to_string(..., ',') keeps it simple: column and field names hold no commas.
    const QString text = r.value(0, column);
    return text.isEmpty() ? QStringList() : text.split(u',');
}

QVariant timestamp(const QDateTime &at)
{
    return at.isValid() ? QVariant(at.toUTC().toString(Qt::ISODateWithMs)) : QVariant();
}

QVariant textOrNull(const QString &text)
{
    return text.isEmpty() ? QVariant() : QVariant(text);
}

} // namespace

MirrorStore::MirrorStore(store::PgConnection &connection, QString schemaName)
    : m_db(connection), m_schemaName(std::move(schemaName))
{
}

PgError MirrorStore::ensureStateSchema()
{
    // Two engines starting at once must not race on CREATE: take a lock.
    store::Transaction tx(m_db);
    if (tx.beginError())
        return tx.beginError();
    if (PgResult r = m_db.exec(QStringLiteral("SELECT pg_advisory_xact_lock(74657468)")); !r.ok())
        return r.error();
    int version = 0; // a newer layout than this binary knows is refused (stateschema.h)
    if (PgError e = checkStateSchemaVersion(m_db, &version); e)
        return e;
    if (PgResult r = m_db.exec(QString::fromUtf8(stateSchemaSql)); !r.ok())
        return r.error();
    // Writes through the proxy are recorded here (core/proxy/capturetriggers.cpp).
    if (PgResult r = m_db.exec(proxy::CaptureTriggers::schemaSql()); !r.ok())
        return r.error();
    if (PgError e = migrateStateSchema(m_db, version); e)
        return e;
    // For the rest of this session: UTC, and writes that come from Salesforce,
    // which the capture triggers must not send back to it.
    if (PgResult r = m_db.exec(QStringLiteral("SET TIME ZONE 'UTC'; SET tether.writer = 'sync'")); !r.ok())
        return r.error();
    return tx.commit();
}

PgError MirrorStore::prepareTable(const schema::TableSchema &table, const schema::StalePolicy &policy,
                                  const StateUpdate &describeState, QList<schema::SchemaChange> *applied)
{
    store::Transaction tx(m_db);
    if (tx.beginError())
        return tx.beginError();
    PgResult existing = m_db.exec(
        QStringLiteral("SELECT a.attname, format_type(a.atttypid, a.atttypmod) "
                       "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
                       "JOIN pg_namespace n ON n.oid = c.relnamespace "
                       "WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped "
                       "ORDER BY a.attnum"),
        {table.schemaName, table.tableName});
    if (!existing.ok())
        return existing.error();
    QList<schema::SchemaChange> changes;
    if (existing.rowCount() == 0) {
        if (PgResult r = m_db.exec(table.createSql()); !r.ok())
            return r.error();
    } else {
        QList<schema::ExistingColumn> columns;
        for (int row = 0; row < existing.rowCount(); ++row)
            columns << schema::ExistingColumn{existing.value(row, 0), existing.value(row, 1)};
        changes = schema::planMigration(table, columns, policy);
        for (const schema::SchemaChange &change : std::as_const(changes)) {
            qCInfo(lcSchema).noquote() << "migrating" << table.qualifiedName() << ":" << change.sql;
            if (PgResult r = m_db.exec(change.sql); !r.ok())
                return r.error();
        }
    }
    QStringList added;
    for (const schema::SchemaChange &change : std::as_const(changes)) {
        if (change.kind == schema::SchemaChange::Kind::AddColumn)
            added << change.column;
    }
    // Register the table; remember added columns until their backfill ran, and
    // forget pending columns that Salesforce removed again.
    PgResult state = m_db.exec(
        QStringLiteral("INSERT INTO tether.sync_state (object_name, table_schema, table_name, watermark_field, pending_columns) "
                       "VALUES ($1, $2, $3, $4, $5::text[]) "
                       "ON CONFLICT (object_name) DO UPDATE SET table_schema = EXCLUDED.table_schema, "
                       "table_name = EXCLUDED.table_name, watermark_field = EXCLUDED.watermark_field, "
                       "pending_columns = ARRAY(SELECT DISTINCT c FROM unnest(tether.sync_state.pending_columns || EXCLUDED.pending_columns) c "
                       "                        WHERE c = ANY($6::text[]) ORDER BY c), "
                       "updated_at = now()"),
        {table.objectName, table.schemaName, table.tableName, table.watermarkField, textArray(added),
         textArray(table.queriedColumns())});
    if (!state.ok())
        return state.error();
    if (PgError error = updateState(table.objectName, describeState))
        return error;
    // Writes to the table through the proxy reach Salesforce first; others fail at COMMIT.
    if (PgError error = proxy::CaptureTriggers::install(m_db, table))
        return error;
    m_stagingSignature.remove(stagingNameFor(table));
    if (PgError error = tx.commit())
        return error;
    if (applied)
        *applied = changes;
    return {};
}

TableState MirrorStore::loadState(const QString &objectName, PgError *error)
{
    TableState state;
    state.objectName = objectName;
    auto utc = [](const char *column) {
        return QStringLiteral("to_char(%1 AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')").arg(QLatin1String(column));
    };
    PgResult r = m_db.exec(
        QStringLiteral("SELECT phase, backfill_method, backfill_job_id, backfill_locator, backfill_last_id, %1, %2, "
                       "rows_total, rows_done, rows_in_table, %3, %4, "
                       "api_calls, pages_applied, last_error, describe_last_modified, "
                       "array_to_string(pending_columns, ','), array_to_string(backfill_job_fields, ','), describe_json, paused "
                       "FROM tether.sync_state WHERE object_name = $1")
            .arg(utc("backfill_started_at"), utc("backfill_completed_at"), utc("watermark"), utc("last_poll_at")),
        {objectName});
    if (error)
        *error = r.error();
    if (!r.ok() || r.rowCount() == 0)
        return state;
    state.exists = true;
    state.phase = r.value(0, 0);
    state.backfillMethod = r.value(0, 1);
    state.bulkJobId = r.value(0, 2);
    state.bulkLocator = r.value(0, 3);
    state.backfillLastId = r.value(0, 4);
    state.backfillStartedAt = toDateTime(r, 5);
    state.backfillCompletedAt = toDateTime(r, 6);
    state.rowsTotal = r.isNull(0, 7) ? -1 : r.toInt64(0, 7);
    state.rowsDone = r.toInt64(0, 8);
    state.rowsInTable = r.toInt64(0, 9);
    state.watermark = toDateTime(r, 10);
    state.lastPollAt = toDateTime(r, 11);
    state.apiCalls = r.value(0, 12).toDouble();
    state.pagesApplied = r.toInt64(0, 13);
    state.lastError = r.value(0, 14);
    state.describeLastModified = r.value(0, 15);
    state.pendingColumns = fromTextArray(r, 16);
    state.bulkJobFields = fromTextArray(r, 17);
    state.describeJson = r.value(0, 18).toUtf8();
    state.paused = r.value(0, 19) == QLatin1String("t");
    return state;
}

bool StateUpdate::isEmpty() const
{
    return !phase && !backfillMethod && !backfillLastId && !bulkJobId && !bulkJobFields && !bulkLocator
        && !backfillStartedAt && !backfillCompletedAt && !rowsTotal && !rowsDone && addRowsDone == 0
        && addRowsInTable == 0 && !pendingColumns && !watermark && !lastPollAt && !lastChangeAt
        && addApiCalls == 0 && addPagesApplied == 0 && !lastError && !describeLastModified && !describeJson && !paused;
}

PgError MirrorStore::updateState(const QString &objectName, const StateUpdate &u)
{
    if (u.isEmpty())
        return {};
    QStringList assignments;
    QVariantList params{objectName};
    auto set = [&](const char *column, const QVariant &value, const char *cast = "") {
        params << value;
        assignments << QStringLiteral("%1 = $%2%3").arg(QLatin1String(column)).arg(params.size()).arg(QLatin1String(cast));
    };
    auto add = [&](const char *column, const QVariant &amount) {
        params << amount;
        assignments << QStringLiteral("%1 = %1 + $%2").arg(QLatin1String(column)).arg(params.size());
    };
    if (u.phase)
        set("phase", phaseName(*u.phase));
    if (u.backfillMethod)
        set("backfill_method", textOrNull(*u.backfillMethod));
    if (u.backfillLastId)
        set("backfill_last_id", textOrNull(*u.backfillLastId));
    if (u.bulkJobId)
        set("backfill_job_id", textOrNull(*u.bulkJobId));
    if (u.bulkJobFields)
        set("backfill_job_fields", u.bulkJobFields->isEmpty() ? QVariant() : QVariant(textArray(*u.bulkJobFields)), "::text[]");
    if (u.bulkLocator)
        set("backfill_locator", textOrNull(*u.bulkLocator));
    if (u.backfillStartedAt)
        set("backfill_started_at", timestamp(*u.backfillStartedAt), "::timestamptz");
    if (u.backfillCompletedAt)
        set("backfill_completed_at", timestamp(*u.backfillCompletedAt), "::timestamptz");
    if (u.rowsTotal)
        set("rows_total", *u.rowsTotal < 0 ? QVariant() : QVariant(*u.rowsTotal), "::bigint");
    if (u.rowsDone)
        set("rows_done", *u.rowsDone, "::bigint");
    if (u.addRowsDone)
        add("rows_done", u.addRowsDone);
    if (u.addRowsInTable)
        add("rows_in_table", u.addRowsInTable);
    if (u.pendingColumns)
        set("pending_columns", textArray(*u.pendingColumns), "::text[]");
    if (u.watermark)
        set("watermark", timestamp(*u.watermark), "::timestamptz");
    if (u.lastPollAt)
        set("last_poll_at", timestamp(*u.lastPollAt), "::timestamptz");
    if (u.lastChangeAt)
        set("last_change_at", timestamp(*u.lastChangeAt), "::timestamptz");
    if (u.addApiCalls != 0)
        add("api_calls", u.addApiCalls);
    if (u.addPagesApplied)
        add("pages_applied", u.addPagesApplied);
    if (u.lastError) {
        set("last_error", textOrNull(*u.lastError));
        if (!u.lastError->isEmpty())
            assignments << QStringLiteral("last_error_at = now()");
    }
    if (u.describeLastModified)
        set("describe_last_modified", textOrNull(*u.describeLastModified));
    if (u.paused)
        set("paused", *u.paused);
    if (u.describeJson) {
        set("describe_json", u.describeJson->isEmpty() ? QVariant() : QVariant(QString::fromUtf8(*u.describeJson)));
        assignments << QStringLiteral("describe_md5 = md5($%1::text)").arg(params.size());
    }
    PgResult r = m_db.exec(QStringLiteral("UPDATE tether.sync_state SET %1, updated_at = now() WHERE object_name = $1")
                               .arg(assignments.join(QStringLiteral(", "))),
                           params);
    return r.error();
}

PgError MirrorStore::forgetTable(const QString &objectName)
{
    return m_db.exec(QStringLiteral("DELETE FROM tether.sync_state WHERE object_name = $1"), {objectName}).error();
}

PgError MirrorStore::ensureStaging(const schema::TableSchema &table, const QStringList &columns,
                                   QString *stagingName)
{
    *stagingName = stagingNameFor(table);
    const QString signature = columns.join(u',');
    if (m_stagingSignature.value(*stagingName) == signature)
        return {};
    QStringList definitions;
    for (const QString &column : columns)
        definitions << quoteIdent(column) + QStringLiteral(" text");
    // A temporary table lives as long as this connection and is private to it.
    PgResult r = m_db.exec(QStringLiteral("DROP TABLE IF EXISTS pg_temp.%1; "
                                          "CREATE TEMP TABLE %1 (%2) ON COMMIT DELETE ROWS")
                               .arg(quoteIdent(*stagingName), definitions.join(QStringLiteral(", "))));
    if (!r.ok())
        return r.error();
    m_stagingSignature.insert(*stagingName, signature);
    return {};
}

PgResult MirrorStore::upsertStaged(const schema::TableSchema &table, const QStringList &columns, const QString &staging,
                                   bool columnsOnly, ApplyResult *result)
{
    // The columns of the page the table still has, cast to their types.
    QStringList targetColumns;
    QStringList selects;
    for (const QString &name : columns) {
        if (const schema::ColumnSpec *column = table.column(name)) {
            targetColumns << name;
            selects << column->castFromText(QStringLiteral("s.") + quoteIdent(name));
        }
    }
    const QString target = table.qualifiedName();
    const QString wm = table.watermarkField.toLower();
    const bool guarded = !wm.isEmpty() && targetColumns.contains(wm);
    PgResult applied;
    if (columnsOnly) {
        QStringList sets;
        for (int i = 0; i < targetColumns.size(); ++i) {
            if (targetColumns[i] != QLatin1String("id"))
                sets << QStringLiteral("%1 = %2").arg(quoteIdent(targetColumns[i]), selects[i]);
        }
        // A poll may already have written a newer version of the record.
        const QString guard = guarded ? QStringLiteral(" AND (t.%1 IS NULL OR t.%1 <= CAST(s.%1 AS timestamptz))").arg(quoteIdent(wm))
                                      : QString();
        applied = m_db.exec(QStringLiteral("UPDATE %1 t SET %2 FROM %3 s WHERE t.id = s.id%4")
                                .arg(target, sets.join(QStringLiteral(", ")), quoteIdent(staging), guard));
        result->updated = applied.affectedRows();
    } else {
        QStringList quotedTargets;
        QStringList assignments;
        QStringList mine;
        QStringList theirs;
        for (const QString &name : std::as_const(targetColumns)) {
            quotedTargets << quoteIdent(name);
            mine << QStringLiteral("t.") + quoteIdent(name);
            theirs << QStringLiteral("EXCLUDED.") + quoteIdent(name);
            if (name != QLatin1String("id"))
                assignments << QStringLiteral("%1 = EXCLUDED.%1").arg(quoteIdent(name));
        }
        // Never let an older copy of a record overwrite a newer one (pages
        // can overlap when polling), and skip rows whose written columns did
        // not change. Only the page's columns are compared: a column the
        // page does not carry (kept after Salesforce removed its field)
        // would make every row look changed.
        const QString guard =
            guarded ? QStringLiteral(" WHERE t.%1 IS NULL OR t.%1 < EXCLUDED.%1 OR "
                                     "(t.%1 = EXCLUDED.%1 AND ROW(%2) IS DISTINCT FROM ROW(%3))")
                          .arg(quoteIdent(wm), mine.join(QStringLiteral(", ")), theirs.join(QStringLiteral(", ")))
                    : QString();
        // One page is one query result, in which an Id never repeats, so
        // the staged rows go straight in without de-duplication. Counted in
        // the server: a page of 500,000 rows returns one row, not 500,000.
        applied = m_db.exec(
            QStringLiteral("WITH w AS (INSERT INTO %1 AS t (%2) SELECT %3 FROM %4 s "
                           "ON CONFLICT (id) DO UPDATE SET %5%6 RETURNING (xmax = 0) AS inserted) "
                           "SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM w")
                .arg(target, quotedTargets.join(QStringLiteral(", ")), selects.join(QStringLiteral(", ")), quoteIdent(staging),
                     assignments.isEmpty() ? QStringLiteral("id = EXCLUDED.id") : assignments.join(QStringLiteral(", ")),
                     guard));
        if (applied.ok() && applied.rowCount() == 1) {
            result->inserted = applied.toInt64(0, 0);
            result->updated = applied.toInt64(0, 1);
        }
    }
    return applied;
}

ApplyResult MirrorStore::applyPage(const schema::TableSchema &table, const QueryPage &page,
                                   const StateUpdate &stateUpdate, bool columnsOnly)
{
    ApplyResult result;
    QString staging;
    if ((result.error = ensureStaging(table, page.columns, &staging)))
        return result;

    store::Transaction tx(m_db);
    if ((result.error = tx.beginError()))
        return result;
    // Waits while the proxy writes Salesforce's answer into this table. The
    // engine gives way to writers: a page that waits longer than
    // lock_timeout for a lock a client's transaction holds (shorter than the
    // server's deadlock_timeout, so a deadlock always ends on this side) fails
    // and is applied again a moment later, instead of the client's COMMIT.
    if (PgResult yielding = m_db.exec(QStringLiteral("SET LOCAL lock_timeout = '300ms'")); !yielding.ok()) {
        result.error = yielding.error();
        return result;
    }
    if (PgResult locked = m_db.exec(proxy::CaptureTriggers::mirrorWriteLockSql(table.qualifiedName(), true)); !locked.ok()) {
        result.error = locked.error();
        return result;
    }

    if (!page.csv.isEmpty()) {
        QStringList quoted;
        for (const QString &column : page.columns)
            quoted << quoteIdent(column);
        const QString columnList = quoted.join(QStringLiteral(", "));
        PgResult copied = m_db.copyIn(QStringLiteral("COPY %1 (%2) FROM STDIN WITH (FORMAT csv, FORCE_NULL (%2))")
                                          .arg(quoteIdent(staging), columnList),
                                      page.csv);
        if (!copied.ok()) {
            result.error = copied.error();
            return result;
        }

        const PgResult applied = upsertStaged(table, page.columns, staging, columnsOnly, &result);
        if (!applied.ok()) {
            result.error = applied.error();
            return result;
        }
    }

    if (!page.deletedIds.isEmpty()) {
        PgResult deleted = m_db.exec(QStringLiteral("DELETE FROM %1 WHERE id = ANY($1::varchar[])").arg(table.qualifiedName()),
                                     {textArray(page.deletedIds)});
        if (!deleted.ok()) {
            result.error = deleted.error();
            return result;
        }
        result.deleted = deleted.affectedRows();
    }

    StateUpdate state = stateUpdate;
    state.addRowsInTable += result.inserted - result.deleted;
    state.addPagesApplied += 1;
    if ((result.error = updateState(table.objectName, state)))
        return result;
    result.error = tx.commit();
    return result;
}

PgError MirrorStore::beginStreamedPage(const schema::TableSchema &table, const QStringList &columns, bool intoTable)
{
    QString staging;
    if (!intoTable) {
        if (PgError error = ensureStaging(table, columns, &staging))
            return error;
    }
    const QString target = intoTable ? table.qualifiedName() : quoteIdent(staging);
    if (PgError error = m_db.begin())
        return error;
    if (intoTable) {
        if (PgError error = skipOwnTriggers(table)) {
            m_db.rollback();
            return error;
        }
    }
    QStringList quoted;
    for (const QString &column : columns)
        quoted << quoteIdent(column);
    const QString columnList = quoted.join(QStringLiteral(", "));
    PgResult started = m_db.startCopyIn(QStringLiteral("COPY %1 (%2) FROM STDIN WITH (FORMAT csv, FORCE_NULL (%2))")
                                            .arg(target, columnList));
    if (!started.ok()) {
        m_triggersSkipped = false;
        m_db.rollback();
        return started.error();
    }
    m_streaming = true;
    m_streamingIntoTable = intoTable;
    return {};
}

PgError MirrorStore::streamPageData(const char *data, qsizetype size)
{
    Q_ASSERT(m_streaming);
    return m_db.putCopyData(data, size);
}

PgError MirrorStore::skipOwnTriggers(const schema::TableSchema &table)
{
    // The proxy's capture triggers skip the engine's writes in their WHEN,
    // but evaluating it costs every copied row (15.2 s -> 18.4 s for a 1M
    // psql \copy). When the table has no trigger but Tether's own, and the
    // role may, the page's transaction does not fire triggers at all. The
    // lock comes first: no trigger can be created between the check and the
    // COPY. Any other trigger (a person's, a foreign key's) keeps them all.
    const QString target = table.qualifiedName();
    if (PgResult locked = m_db.exec(QStringLiteral("LOCK TABLE %1 IN ROW EXCLUSIVE MODE").arg(target)); !locked.ok())
        return locked.error();
    const PgResult others = m_db.exec(
        QStringLiteral("SELECT count(*) FROM pg_trigger WHERE tgrelid = $1::regclass AND tgname NOT LIKE 'tether\\_%'"), {target});
    if (!others.ok())
        return others.error();
    if (others.toInt64(0, 0) != 0)
        return {};
    // Needs superuser or SET on the parameter; without, the WHEN stays the guard.
    if (PgResult r = m_db.exec(QStringLiteral("SAVEPOINT own_triggers")); !r.ok())
        return r.error();
    if (m_db.exec(QStringLiteral("SET LOCAL session_replication_role = replica")).ok()) {
        m_triggersSkipped = true; // until the COPY ends: finishStreamedPage turns them back on
        return m_db.exec(QStringLiteral("RELEASE SAVEPOINT own_triggers")).error();
    }
    return m_db.exec(QStringLiteral("ROLLBACK TO SAVEPOINT own_triggers")).error();
}

void MirrorStore::abortStreamedPage()
{
    m_triggersSkipped = false;
    if (!m_streaming)
        return;
    m_streaming = false;
    m_db.endCopyIn("the download of the page failed");
    m_db.rollback();
}

ApplyResult MirrorStore::finishStreamedPage(const schema::TableSchema &table, const QStringList &columns,
                                            const StateUpdate &stateUpdate, bool columnsOnly)
{
    ApplyResult result;
    Q_ASSERT(m_streaming);
    m_streaming = false;
    auto fail = [&](const PgError &error) {
        result.error = error;
        m_db.rollback();
        return result;
    };
    const PgResult copied = m_db.endCopyIn();
    if (!copied.ok())
        return fail(copied.error());
    if (m_triggersSkipped) {
        // Only the page's own rows skipped triggers; the state update fires them.
        m_triggersSkipped = false;
        if (PgResult r = m_db.exec(QStringLiteral("SET LOCAL session_replication_role = origin")); !r.ok())
            return fail(r.error());
    }
    // Waits while the proxy writes Salesforce's answer into this table. Taken
    // only now: the download went to the staging table, and a proxy COMMIT
    // must not wait for a whole page to download.
    if (PgResult locked = m_db.exec(proxy::CaptureTriggers::mirrorWriteLockSql(table.qualifiedName(), true)); !locked.ok())
        return fail(locked.error());
    if (m_streamingIntoTable) {
        result.inserted = copied.affectedRows(); // the rows are in the table already
    } else {
        const PgResult applied = upsertStaged(table, columns, stagingNameFor(table), columnsOnly, &result);
        if (!applied.ok())
            return fail(applied.error());
    }
    StateUpdate state = stateUpdate;
    state.addRowsInTable += result.inserted;
    state.addPagesApplied += 1;
    if (PgError error = updateState(table.objectName, state))
        return fail(error);
    if (PgError error = m_db.commit())
        return fail(error);
    return result;
}

ApplyResult MirrorStore::removeRowsNotIn(const schema::TableSchema &table, const QStringList &liveIds,
                                         const QDateTime &changedBefore)
{
    ApplyResult result;
    store::Transaction tx(m_db);
    if ((result.error = tx.beginError()))
        return result;
    // Rows that changed after the Id scan began may be missing from it only
    // because they are new; they stay.
    QString guard;
    QVariantList params{textArray(liveIds)};
    if (!table.watermarkField.isEmpty() && changedBefore.isValid()) {
        guard = QStringLiteral(" AND %1 < $2").arg(quoteIdent(table.watermarkField.toLower()));
        params << changedBefore.toUTC().toString(Qt::ISODateWithMs);
    }
    PgResult deleted = m_db.exec(
        QStringLiteral("DELETE FROM %1 WHERE NOT (id = ANY($1::varchar[]))%2").arg(table.qualifiedName(), guard), params);
    if (!deleted.ok()) {
        result.error = deleted.error();
        return result;
    }
    result.deleted = deleted.affectedRows();
    StateUpdate state;
    state.addRowsInTable = -result.deleted;
    if ((result.error = updateState(table.objectName, state)))
        return result;
    result.error = tx.commit();
    return result;
}

} // namespace tether::sync
