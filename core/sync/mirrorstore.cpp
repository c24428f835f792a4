#include "sync/mirrorstore.h"

#include "logging.h"

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
COMMENT ON TABLE tether.sync_state IS 'Tether sync cursors and progress, one row per synced Salesforce object';
CREATE OR REPLACE VIEW tether.sync_status AS
SELECT object_name                               AS object,
       table_schema || '.' || table_name         AS table_name,
       phase,
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

QString castExpression(const schema::ColumnSpec &column, const QString &source)
{
    if (column.conversion == schema::Conversion::SplitSemicolon)
        return QStringLiteral("string_to_array(%1, ';')").arg(source);
    return QStringLiteral("CAST(%1 AS %2)").arg(source, column.pgType);
}

// The JSON object Salesforce returns for a compound field, built from the
// staged component values; NULL when every component is empty.
QString compoundExpression(const schema::TableSchema &table, const schema::ColumnSpec &compound,
                           const QStringList &staged)
{
    QStringList pairs;
    QStringList present;
    for (const auto &[key, componentColumn] : compound.derivedFrom) {
        QString value = QStringLiteral("NULL::text");
        if (!componentColumn.isEmpty() && staged.contains(componentColumn)) {
            const QString source = QStringLiteral("s.") + quoteIdent(componentColumn);
            const schema::ColumnSpec *component = table.column(componentColumn);
            const bool numeric = component && (component->pgType.startsWith(QLatin1String("numeric")) ||
                                               component->pgType == QLatin1String("double precision"));
            value = numeric ? QStringLiteral("CAST(%1 AS numeric)").arg(source) : source;
            present << source;
        }
        pairs << schema::sqlLiteral(key) << value;
    }
    if (present.isEmpty())
        return QStringLiteral("NULL::jsonb");
    return QStringLiteral("CASE WHEN num_nonnulls(%1) = 0 THEN NULL ELSE jsonb_build_object(%2) END")
        .arg(present.join(QStringLiteral(", ")), pairs.join(QStringLiteral(", ")));
}

QDateTime toDateTime(const PgResult &r, int column)
{
    if (r.isNull(0, column))
        return {};
    return QDateTime::fromString(r.value(0, column), Qt::ISODateWithMs);
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
    if (PgResult r = m_db.exec(QString::fromUtf8(stateSchemaSql)); !r.ok())
        return r.error();
    if (PgResult r = m_db.exec(QStringLiteral("SET TIME ZONE 'UTC'")); !r.ok())
        return r.error();
    return tx.commit();
}

PgError MirrorStore::prepareTable(const schema::TableSchema &table, const schema::StalePolicy &policy,
                                  QList<schema::SchemaChange> *applied)
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
    // Register the table; remember added columns until their backfill ran.
    PgResult state = m_db.exec(
        QStringLiteral("INSERT INTO tether.sync_state (object_name, table_schema, table_name, watermark_field, pending_columns) "
                       "VALUES ($1, $2, $3, $4, $5::text[]) "
                       "ON CONFLICT (object_name) DO UPDATE SET table_schema = EXCLUDED.table_schema, "
                       "table_name = EXCLUDED.table_name, watermark_field = EXCLUDED.watermark_field, "
                       "pending_columns = ARRAY(SELECT DISTINCT unnest(tether.sync_state.pending_columns || EXCLUDED.pending_columns)), "
                       "updated_at = now()"),
        {table.objectName, table.schemaName, table.tableName, table.watermarkField,
         QStringLiteral("{%1}").arg(added.join(u','))});
    if (!state.ok())
        return state.error();
    m_stagingSignature.remove(stagingNameFor(table));
    if (PgError error = tx.commit())
        return error;
    if (applied)
        *applied = changes;
    return {};
}

TableState MirrorStore::loadState(const QString &objectName)
{
    TableState state;
    state.objectName = objectName;
    PgResult r = m_db.exec(
        QStringLiteral("SELECT phase, backfill_method, backfill_job_id, backfill_locator, backfill_last_id, "
                       "to_char(backfill_started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), "
                       "to_char(backfill_completed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), "
                       "rows_total, rows_done, rows_in_table, "
                       "to_char(watermark AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), "
                       "to_char(last_poll_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), "
                       "api_calls, pages_applied, last_error, describe_last_modified, "
                       "array_to_string(pending_columns, ',') "
                       "FROM tether.sync_state WHERE object_name = $1"),
        {objectName});
    if (!r.ok() || r.rowCount() == 0)
        return state;
    state.exists = true;
    state.phase = r.value(0, 0);
    state.backfillMethod = r.value(0, 1);
    state.backfillJobId = r.value(0, 2);
    state.backfillLocator = r.value(0, 3);
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
    const QString pending = r.value(0, 16);
    state.pendingColumns = pending.isEmpty() ? QStringList() : pending.split(u',');
    return state;
}

PgError MirrorStore::updateState(const QString &objectName, const QVariantMap &values)
{
    if (values.isEmpty())
        return {};
    QStringList assignments;
    QVariantList params{objectName};
    for (auto it = values.constBegin(); it != values.constEnd(); ++it) {
        // "+api_calls" adds to the column instead of replacing it.
        if (it.key().startsWith(u'+')) {
            const QString column = it.key().mid(1);
            params << it.value();
            assignments << QStringLiteral("%1 = %1 + $%2").arg(quoteIdent(column)).arg(params.size());
        } else {
            params << it.value();
            assignments << QStringLiteral("%1 = $%2").arg(quoteIdent(it.key())).arg(params.size());
        }
    }
    PgResult r = m_db.exec(QStringLiteral("UPDATE tether.sync_state SET %1, updated_at = now() WHERE object_name = $1")
                               .arg(assignments.join(QStringLiteral(", "))),
                           params);
    return r.error();
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

ApplyResult MirrorStore::applyPage(const schema::TableSchema &table, const QueryPage &page,
                                   const QVariantMap &stateUpdate, bool columnsOnly)
{
    ApplyResult result;
    QString staging;
    if ((result.error = ensureStaging(table, page.columns, &staging)))
        return result;

    store::Transaction tx(m_db);
    if ((result.error = tx.beginError()))
        return result;

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

        QStringList selects;
        QStringList assignments;
        QStringList targetColumns = page.columns;
        for (const QString &name : page.columns) {
            const schema::ColumnSpec *column = table.column(name);
            const QString source = QStringLiteral("s.") + quoteIdent(name);
            selects << (column ? castExpression(*column, source) : source);
        }
        if (!columnsOnly) {
            for (const schema::ColumnSpec &column : table.columns) {
                if (column.isDerived() && !page.columns.contains(column.name)) {
                    targetColumns << column.name;
                    selects << compoundExpression(table, column, page.columns);
                }
            }
        }
        QStringList quotedTargets;
        for (const QString &name : std::as_const(targetColumns)) {
            quotedTargets << quoteIdent(name);
            if (name != QLatin1String("id"))
                assignments << QStringLiteral("%1 = EXCLUDED.%1").arg(quoteIdent(name));
        }
        const QString target = table.qualifiedName();
        PgResult applied;
        if (columnsOnly) {
            QStringList sets;
            for (int i = 0; i < page.columns.size(); ++i) {
                if (page.columns[i] != QLatin1String("id"))
                    sets << QStringLiteral("%1 = %2").arg(quoteIdent(page.columns[i]), selects[i]);
            }
            // A poll may already have written a newer version of the record.
            QString guard;
            const QString wm = table.watermarkField.toLower();
            if (!wm.isEmpty() && page.columns.contains(wm))
                guard = QStringLiteral(" AND (t.%1 IS NULL OR t.%1 <= CAST(s.%1 AS timestamptz))").arg(quoteIdent(wm));
            applied = m_db.exec(QStringLiteral("UPDATE %1 t SET %2 FROM %3 s WHERE t.id = s.id%4")
                                    .arg(target, sets.join(QStringLiteral(", ")), quoteIdent(staging), guard));
            result.updated = applied.affectedRows();
        } else {
            // Never let an older copy of a record overwrite a newer one (pages
            // can overlap when polling), and skip rows that did not change.
            QString guard;
            const QString wm = table.watermarkField.toLower();
            if (!wm.isEmpty() && page.columns.contains(wm)) {
                guard = QStringLiteral(" WHERE t.%1 IS NULL OR t.%1 < EXCLUDED.%1 OR "
                                       "(t.%1 = EXCLUDED.%1 AND (t.*) IS DISTINCT FROM (EXCLUDED.*))")
                            .arg(quoteIdent(wm));
            }
            // One page is one query result, in which an Id never repeats, so
            // the staged rows go straight in without de-duplication.
            applied = m_db.exec(
                QStringLiteral("INSERT INTO %1 AS t (%2) SELECT %3 FROM %4 s "
                               "ON CONFLICT (id) DO UPDATE SET %5%6 RETURNING (xmax = 0)")
                    .arg(target, quotedTargets.join(QStringLiteral(", ")), selects.join(QStringLiteral(", ")), quoteIdent(staging),
                         assignments.isEmpty() ? QStringLiteral("id = EXCLUDED.id") : assignments.join(QStringLiteral(", ")),
                         guard));
            for (int row = 0; row < applied.rowCount(); ++row) {
                if (applied.value(row, 0) == QLatin1String("t"))
                    ++result.inserted;
                else
                    ++result.updated;
            }
        }
        if (!applied.ok()) {
            result.error = applied.error();
            return result;
        }
    }

    if (!page.deletedIds.isEmpty()) {
        PgResult deleted = m_db.exec(QStringLiteral("DELETE FROM %1 WHERE id = ANY($1::varchar[])").arg(table.qualifiedName()),
                                     {QStringLiteral("{%1}").arg(page.deletedIds.join(u','))});
        if (!deleted.ok()) {
            result.error = deleted.error();
            return result;
        }
        result.deleted = deleted.affectedRows();
    }

    QVariantMap state = stateUpdate;
    state.insert(QStringLiteral("+rows_in_table"), result.inserted - result.deleted);
    state.insert(QStringLiteral("+pages_applied"), 1);
    if ((result.error = updateState(table.objectName, state)))
        return result;
    result.error = tx.commit();
    return result;
}

ApplyResult MirrorStore::removeRowsNotIn(const schema::TableSchema &table, const QStringList &liveIds,
                                         const QDateTime &changedBefore, const QVariantMap &stateUpdate)
{
    ApplyResult result;
    store::Transaction tx(m_db);
    if ((result.error = tx.beginError()))
        return result;
    // Rows that changed after the Id scan began may be missing from it only
    // because they are new; they stay.
    QString guard;
    QVariantList params{QStringLiteral("{%1}").arg(liveIds.join(u','))};
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
    QVariantMap state = stateUpdate;
    state.insert(QStringLiteral("+rows_in_table"), -result.deleted);
    if ((result.error = updateState(table.objectName, state)))
        return result;
    result.error = tx.commit();
    return result;
}

} // namespace tether::sync
