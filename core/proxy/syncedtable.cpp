#include "proxy/syncedtable.h"

#include <QJsonDocument>

namespace tether::proxy {

using schema::quoteIdent;
using schema::sqlLiteral;

std::shared_ptr<const SyncedTable> SyncedTable::fromDescribe(const QString &objectName, const QString &schemaName,
                                                             const QString &tableName, const QByteArray &describeJson)
{
    auto table = std::make_shared<SyncedTable>();
    table->m_describe = schema::ObjectDescribe::fromJson(QJsonDocument::fromJson(describeJson).object());
    if (table->m_describe.name.isEmpty())
        table->m_describe.name = objectName;
    table->m_table = schema::TableSchema::fromDescribe(table->m_describe, schemaName);
    table->m_table.tableName = tableName;
    return table;
}

const schema::FieldDescribe *SyncedTable::field(const QString &column) const
{
    const schema::ColumnSpec *spec = m_table.column(column);
    return spec ? m_describe.field(spec->fieldName) : nullptr;
}

QString SyncedTable::valueExpression(const schema::ColumnSpec &column, const QString &record) const
{
    // As the sync engine writes a staged value (MirrorStore).
    return column.castFromText(QStringLiteral("(%1 ->> %2)").arg(record, sqlLiteral(column.fieldName)));
}

QByteArray SyncedTable::writeBackSql(const QStringList &returning) const
{
    QStringList assignments;
    for (const schema::ColumnSpec &column : m_table.columns)
        assignments << QStringLiteral("%1 = %2").arg(quoteIdent(column.name), valueExpression(column, QStringLiteral("e.v -> 'row'")));
    QString guard;
    if (const QString wm = watermarkColumn(); !wm.isEmpty() && m_table.column(wm)) {
        const schema::ColumnSpec *spec = m_table.column(wm);
        guard = QStringLiteral(" AND (t.%1 IS NULL OR t.%1 <= %2)").arg(quoteIdent(wm), valueExpression(*spec, QStringLiteral("e.v -> 'row'")));
    }
    QStringList items{QStringLiteral("e.v ->> 'key'")};
    items += returning;
    // $2 (the keys again) lets the planner find the rows by primary key
    // instead of joining the whole table with a function it cannot estimate.
    return QStringLiteral("UPDATE %1 AS t SET %2 FROM jsonb_array_elements($1::jsonb) AS e(v) "
                          "WHERE t.id = ANY($2::varchar[]) AND t.id = e.v ->> 'key'%3 RETURNING %4")
        .arg(m_table.qualifiedName(), assignments.join(QStringLiteral(", ")), guard, items.join(QStringLiteral(", ")))
        .toUtf8();
}

QByteArray SyncedTable::upsertSql() const
{
    QStringList columns;
    QStringList values;
    QStringList assignments;
    for (const schema::ColumnSpec &column : m_table.columns) {
        columns << quoteIdent(column.name);
        values << valueExpression(column, QStringLiteral("e.v"));
        if (column.name != QLatin1String("id"))
            assignments << QStringLiteral("%1 = EXCLUDED.%1").arg(quoteIdent(column.name));
    }
    QString guard;
    if (const QString wm = watermarkColumn(); !wm.isEmpty() && m_table.column(wm))
        guard = QStringLiteral(" WHERE t.%1 IS NULL OR t.%1 <= EXCLUDED.%1").arg(quoteIdent(wm));
    return QStringLiteral("INSERT INTO %1 AS t (%2) SELECT %3 FROM jsonb_array_elements($1::jsonb) AS e(v) "
                          "ON CONFLICT (id) DO UPDATE SET %4%5")
        .arg(m_table.qualifiedName(), columns.join(QStringLiteral(", ")), values.join(QStringLiteral(", ")),
             assignments.join(QStringLiteral(", ")), guard)
        .toUtf8();
}

} // namespace tether::proxy
