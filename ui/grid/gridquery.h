// GridQuery: the SQL behind what the grid shows — one window of rows in the
// current sort order (by keyset after a row already loaded, by OFFSET for a
// jump), the current rows of some records, the filters — and the same SQL as
// text a person can copy. Pure functions: no connection, no widgets.
#pragma once

#include "grid/gridtable.h"

#include <QMap>
#include <QVariantList>

namespace tether::ui {

struct GridView
{
    int sortColumn = 0; // index into GridTable::columns; id (column 0) is always the tie-break
    Qt::SortOrder order = Qt::AscendingOrder;
    QString quickSearch;           // any text column contains it
    QMap<int, QString> columnFilters; // column -> its text contains this
    bool operator==(const GridView &) const = default;
};

struct GridSql
{
    QString text;
    QVariantList params; // $1..$n, text format; a null QVariant is SQL NULL
};

// Where a window starts: after the row with this sort value and id.
struct GridKeyset
{
    QVariant sortValue; // null QVariant: the row's sort value is NULL
    QString id;
};

namespace gridquery {

// SELECT of one window: `after` set → keyset, else OFFSET `offset`.
GridSql window(const GridTable &table, const GridView &view, const GridKeyset *after, qint64 offset, int limit);
// The rows of these records, in no particular order (live update, conflict).
GridSql rows(const GridTable &table, const QStringList &ids);
// Columns a window returns after the table's own: the referenced Name per reference column.
QList<int> nameColumns(const GridTable &table);
// The SQL with its parameters written in as literals, for people to read and copy.
QString readable(const GridSql &sql);

} // namespace gridquery
} // namespace tether::ui
