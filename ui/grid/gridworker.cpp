#include "grid/gridworker.h"

#include "grid/gridlog.h"
#include "schema/tableschema.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QSaveFile>
#include <QTimeZone>

namespace tether::ui {

GridWorker::GridWorker(QObject *parent)
    : QObject(parent), m_canceller(m_db.canceller())
{
}

GridWorker::~GridWorker() = default;

void GridWorker::cancelRunning()
{
    m_canceller->cancel();
}

bool GridWorker::ensureOpen(QString *why)
{
    if (m_db.isOpen())
        return true;
    if (const store::PgError e = m_db.open(m_connectionString)) {
        *why = e.toString();
        return false;
    }
    // Dates and times are shown in the person's time zone; the session's
    // setting makes PostgreSQL print and read them that way.
    const QByteArray zone = QTimeZone::systemTimeZoneId();
    if (!zone.isEmpty())
        m_db.exec(QStringLiteral("SET TimeZone = %1").arg(schema::sqlLiteral(QString::fromUtf8(zone))));
    return true;
}

GridRows GridWorker::rowsOf(const store::PgResult &r) const
{
    GridRows rows;
    rows.reserve(r.rowCount());
    const int columns = r.columnCount();
    for (int row = 0; row < r.rowCount(); ++row) {
        QVariantList values;
        values.reserve(columns);
        for (int c = 0; c < columns; ++c)
            values << (r.isNull(row, c) ? QVariant() : QVariant(r.value(row, c)));
        rows << values;
    }
    return rows;
}

void GridWorker::open(const QString &connectionString, const QString &objectName)
{
    m_connectionString = connectionString;
    QElapsedTimer clock;
    clock.start();
    QString why;
    if (!ensureOpen(&why))
        return emit openFailed(tr("Could not connect to Tether's proxy: %1").arg(why));
    const store::PgResult state = m_db.exec(
        QStringLiteral("SELECT table_schema, table_name, coalesce(describe_json, ''), rows_in_table FROM tether.sync_state WHERE object_name = $1"),
        {objectName});
    if (!state.ok())
        return emit openFailed(tr("Could not read which table mirrors %1: %2").arg(objectName, state.error().toString()));
    if (state.rowCount() == 0)
        return emit openFailed(tr("%1 is not synced, so there is no table to open.").arg(objectName));
    qCDebug(lcGrid) << "connected and read sync_state in" << clock.elapsed() << "ms";
    const QString schemaName = state.value(0, 0);
    const QString tableName = state.value(0, 1);
    const store::PgResult columns = m_db.exec(
        QStringLiteral("SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
                       "WHERE a.attrelid = (quote_ident($1) || '.' || quote_ident($2))::regclass AND a.attnum > 0 "
                       "AND NOT a.attisdropped ORDER BY a.attnum"),
        {schemaName, tableName});
    if (!columns.ok() || columns.rowCount() == 0)
        return emit openFailed(tr("Could not read the columns of %1.%2: %3").arg(schemaName, tableName, columns.error().toString()));
    QList<QPair<QString, QString>> catalog;
    for (int i = 0; i < columns.rowCount(); ++i)
        catalog << qMakePair(columns.value(i, 0), columns.value(i, 1));
    // Every synced table, and whether it has a name column: reference fields
    // show the Name of the record they point to, and their editor searches it.
    QHash<QString, GridLookupTarget> syncedTables;
    const store::PgResult synced = m_db.exec(QStringLiteral(
        "SELECT s.object_name, quote_ident(s.table_schema) || '.' || quote_ident(s.table_name), "
        "EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = to_regclass(quote_ident(s.table_schema) || '.' || "
        "quote_ident(s.table_name)) AND a.attname = 'name' AND NOT a.attisdropped) FROM tether.sync_state s "
        "WHERE to_regclass(quote_ident(s.table_schema) || '.' || quote_ident(s.table_name)) IS NOT NULL"));
    for (int i = 0; synced.ok() && i < synced.rowCount(); ++i)
        syncedTables.insert(synced.value(i, 0), GridLookupTarget{synced.value(i, 0), synced.value(i, 1), synced.value(i, 2) == QLatin1String("t")});
    GridTable table = GridTable::build(objectName, schemaName, tableName, catalog, state.value(0, 2).toUtf8(), syncedTables);
    table.rowsInTable = state.isNull(0, 3) ? -1 : state.toInt64(0, 3);
    qCDebug(lcGrid) << "grid opened in" << clock.elapsed() << "ms:" << objectName << table.columns.size() << "columns," << table.rowsInTable << "rows";
    emit opened(table);
}

void GridWorker::loadWindow(quint64 ticket, const GridSql &sql)
{
    QString why;
    if (!ensureOpen(&why))
        return emit windowLoaded(ticket, {}, why);
    const store::PgResult r = m_db.exec(sql.text, sql.params);
    emit windowLoaded(ticket, rowsOf(r), r.ok() ? QString() : r.error().toString());
}

void GridWorker::loadRows(quint64 ticket, const GridSql &sql)
{
    QString why;
    if (!ensureOpen(&why))
        return emit rowsLoaded(ticket, {}, why);
    const store::PgResult r = m_db.exec(sql.text, sql.params);
    emit rowsLoaded(ticket, rowsOf(r), r.ok() ? QString() : r.error().toString());
}

void GridWorker::searchLookup(quint64 ticket, const GridSql &sql)
{
    QString why;
    if (!ensureOpen(&why))
        return emit lookupFound(ticket, {}, why);
    const store::PgResult r = m_db.exec(sql.text, sql.params);
    emit lookupFound(ticket, rowsOf(r), r.ok() ? QString() : r.error().toString());
}

void GridWorker::readSyncState(const QString &objectName)
{
    QString why;
    if (!ensureOpen(&why))
        return;
    const store::PgResult r = m_db.exec(
        QStringLiteral("SELECT rows_in_table, coalesce(last_change_at::text, '') || '/' || updated_at::text "
                       "FROM tether.sync_state WHERE object_name = $1"),
        {objectName});
    if (r.ok() && r.rowCount() == 1)
        emit syncStateRead(r.toInt64(0, 0), r.value(0, 1));
}

void GridWorker::save(quint64 ticket, const QList<GridStatement> &statements, int records)
{
    GridSaveResult result;
    result.records = records;
    QString why;
    if (!ensureOpen(&why)) {
        result.error.kind = store::PgError::Kind::ConnectFailed;
        result.error.message = why;
        return emit saveFinished(ticket, result);
    }
    auto fail = [&](const store::PgError &error, const QString &key) {
        result.error = error;
        result.failedKey = key;
        if (m_db.isOpen())
            m_db.exec(QStringLiteral("ROLLBACK"));
        emit saveFinished(ticket, result);
    };
    if (const store::PgResult begin = m_db.exec(QStringLiteral("BEGIN")); !begin.ok())
        return fail(begin.error(), {});
    for (const GridStatement &s : statements) {
        const store::PgResult r = s.sql.params.isEmpty() ? m_db.exec(s.sql.text) : m_db.exec(s.sql.text, s.sql.params);
        if (!r.ok())
            return fail(r.error(), s.key);
        if (s.returnsId && r.rowCount() == 1)
            result.provisionalIds.insert(s.key, r.value(0, 0));
    }
    // The proxy holds this COMMIT until Salesforce has applied every change
    // (or refused them all); only its answer says whether anything was saved.
    const store::PgResult commit = m_db.exec(QStringLiteral("COMMIT"));
    if (!commit.ok()) {
        result.error = commit.error();
        result.outcomeUnknown = commit.error().kind == store::PgError::Kind::ConnectionLost;
        if (result.outcomeUnknown)
            m_db.close(); // reconnect on the next request
        return emit saveFinished(ticket, result);
    }
    result.committed = true;
    emit saveFinished(ticket, result);
}

namespace {
QByteArray csvField(const QVariant &value)
{
    if (value.isNull())
        return {};
    QByteArray text = value.toString().toUtf8();
    if (text.contains(',') || text.contains('"') || text.contains('\n') || text.contains('\r'))
        text = '"' + text.replace("\"", "\"\"") + '"';
    return text;
}
} // namespace

void GridWorker::exportCsv(const GridTable &table, const GridView &view, const QString &path)
{
    QString why;
    if (!ensureOpen(&why))
        return emit exportFinished(0, path, why);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return emit exportFinished(0, path, file.errorString());
    QByteArrayList header;
    for (const GridColumn &c : table.columns)
        header << csvField(c.apiName);
    file.write(header.join(',') + "\r\n");
    constexpr int chunk = 5000;
    qint64 rows = 0;
    GridKeyset after;
    bool first = true;
    for (;;) {
        const GridSql sql = gridquery::window(table, view, first ? nullptr : &after, 0, chunk);
        const store::PgResult r = m_db.exec(sql.text, sql.params);
        if (!r.ok())
            return emit exportFinished(rows, path, r.error().toString());
        for (int i = 0; i < r.rowCount(); ++i) {
            QByteArrayList line;
            for (int c = 0; c < table.columns.size(); ++c)
                line << (r.isNull(i, c) ? QByteArray() : csvField(r.value(i, c)));
            file.write(line.join(',') + "\r\n");
        }
        rows += r.rowCount();
        if (r.rowCount() < chunk)
            break;
        const int last = r.rowCount() - 1;
        after.id = r.value(last, 0);
        after.sortValue = r.isNull(last, view.sortColumn) ? QVariant() : QVariant(r.value(last, view.sortColumn));
        first = false;
    }
    if (!file.commit())
        return emit exportFinished(rows, path, file.errorString());
    emit exportFinished(rows, path, {});
}

} // namespace tether::ui
