#include "grid/gridquery.h"

#include "schema/tableschema.h"

namespace tether::ui::gridquery {

using schema::quoteIdent;

namespace {

QString columnRef(const GridColumn &c)
{
    return QStringLiteral("t.") + quoteIdent(c.name);
}

QString selectList(const GridTable &table)
{
    QStringList items;
    for (const GridColumn &c : table.columns) {
        // Multipicklists are text[] in the mirror; people read and write them
        // as Salesforce does, values separated by ';'.
        items << (c.isArray() ? QStringLiteral("array_to_string(%1, ';')").arg(columnRef(c)) : columnRef(c));
    }
    for (int i : nameColumns(table)) {
        const GridColumn &c = table.columns[i];
        items << QStringLiteral("(SELECT r.name FROM %1 r WHERE r.id = %2)").arg(c.referenceTable, columnRef(c));
    }
    return items.join(QStringLiteral(", "));
}

// WHERE conditions of the filters, parameters appended to `params`.
QStringList filterConditions(const GridTable &table, const GridView &view, QVariantList &params)
{
    QStringList where;
    auto like = [](QString text) {
        text.replace(u'\\', QStringLiteral("\\\\")).replace(u'%', QStringLiteral("\\%")).replace(u'_', QStringLiteral("\\_"));
        return QVariant(u'%' + text + u'%');
    };
    if (!view.quickSearch.trimmed().isEmpty()) {
        params << like(view.quickSearch.trimmed());
        QStringList any;
        for (const GridColumn &c : table.columns) {
            if (c.isText())
                any << QStringLiteral("%1 ILIKE $%2").arg(columnRef(c)).arg(params.size());
        }
        if (!any.isEmpty())
            where << u'(' + any.join(QStringLiteral(" OR ")) + u')';
    }
    for (auto it = view.columnFilters.begin(); it != view.columnFilters.end(); ++it) {
        if (it.key() < 0 || it.key() >= table.columns.size() || it.value().isEmpty())
            continue;
        params << like(it.value());
        where << QStringLiteral("%1::text ILIKE $%2").arg(columnRef(table.columns[it.key()])).arg(params.size());
    }
    return where;
}

} // namespace

QList<int> nameColumns(const GridTable &table)
{
    QList<int> result;
    for (int i = 0; i < table.columns.size(); ++i) {
        if (!table.columns[i].referenceTable.isEmpty())
            result << i;
    }
    return result;
}

GridSql window(const GridTable &table, const GridView &view, const GridKeyset *after, qint64 offset, int limit)
{
    GridSql sql;
    QStringList where = filterConditions(table, view, sql.params);
    const GridColumn &sort = table.columns.value(view.sortColumn, table.columns.first());
    const QString s = columnRef(sort);
    const QString id = QStringLiteral("t.id");
    const bool ascending = view.order == Qt::AscendingOrder;
    const bool byId = sort.name == QLatin1String("id");
    // NULLs sort last ascending and first descending (PostgreSQL's default),
    // so the keyset condition is the exact complement of what came before.
    if (after) {
        sql.params << after->id;
        const QString idParam = QStringLiteral("$%1").arg(sql.params.size());
        const QString cmp = ascending ? QStringLiteral(">") : QStringLiteral("<");
        if (byId) {
            where << QStringLiteral("%1 %2 %3").arg(id, cmp, idParam);
        } else if (after->sortValue.isNull()) {
            where << (ascending ? QStringLiteral("(%1 IS NULL AND %2 > %3)").arg(s, id, idParam)
                                : QStringLiteral("((%1 IS NULL AND %2 < %3) OR %1 IS NOT NULL)").arg(s, id, idParam));
        } else {
            sql.params << after->sortValue;
            const QString v = QStringLiteral("$%1::%2").arg(sql.params.size()).arg(sort.isArray() ? QStringLiteral("text") : sort.pgType);
            const QString value = sort.isArray() ? QStringLiteral("array_to_string(%1, ';')").arg(s) : s;
            where << (ascending ? QStringLiteral("(%1 > %2 OR (%1 = %2 AND %3 > %4) OR %1 IS NULL)").arg(value, v, id, idParam)
                                : QStringLiteral("(%1 < %2 OR (%1 = %2 AND %3 < %4))").arg(value, v, id, idParam));
        }
    }
    sql.text = QStringLiteral("SELECT %1 FROM %2 t").arg(selectList(table), table.qualifiedName());
    if (!where.isEmpty())
        sql.text += QStringLiteral(" WHERE ") + where.join(QStringLiteral(" AND "));
    const QString direction = ascending ? QStringLiteral("ASC") : QStringLiteral("DESC");
    if (byId)
        sql.text += QStringLiteral(" ORDER BY t.id %1").arg(direction);
    else
        sql.text += QStringLiteral(" ORDER BY %1 %2, t.id %2").arg(sort.isArray() ? QStringLiteral("array_to_string(%1, ';')").arg(s) : s, direction);
    sql.text += QStringLiteral(" LIMIT %1").arg(limit);
    if (!after && offset > 0)
        sql.text += QStringLiteral(" OFFSET %1").arg(offset);
    return sql;
}

GridSql rows(const GridTable &table, const QStringList &ids)
{
    GridSql sql;
    sql.text = QStringLiteral("SELECT %1 FROM %2 t WHERE t.id = ANY($1::text[])").arg(selectList(table), table.qualifiedName());
    QStringList quoted;
    for (const QString &id : ids)
        quoted << u'"' + id + u'"'; // Salesforce Ids are alphanumeric
    sql.params << QVariant(u'{' + quoted.join(u',') + u'}');
    return sql;
}

QString readable(const GridSql &sql)
{
    QString text = sql.text;
    // Highest number first, so $1 does not replace the start of $12.
    for (qsizetype i = sql.params.size(); i >= 1; --i) {
        const QVariant &p = sql.params[i - 1];
        text.replace(QStringLiteral("$%1").arg(i), p.isNull() ? QStringLiteral("NULL") : schema::sqlLiteral(p.toString()));
    }
    return text;
}

} // namespace tether::ui::gridquery
