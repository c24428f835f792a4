// GridQuery: the SQL behind what the grid shows — one window of rows in the
// current sort order (by keyset after a row already loaded, by OFFSET for a
// jump), the current rows of some records, the filters and what a person
// types as a column's condition, the candidates of a lookup search — and the
// same SQL as text a person can copy. Pure functions: no connection, no widgets.
#pragma once

#include "grid/gridtable.h"

#include <QMap>
#include <optional>
#include <QVariantList>

namespace tether::ui {

struct GridView
{
    int sortColumn = 0; // index into GridTable::columns; id (column 0) is always the tie-break
    Qt::SortOrder order = Qt::AscendingOrder;
    QString quickSearch;           // any text column contains it
    QMap<int, QString> columnFilters; // column -> its condition as typed (see gridquery::parseCondition)
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

// One column's filter, read from what a person typed.
struct GridCondition
{
    enum class Op { Contains, Equal, NotEqual, Less, LessOrEqual, Greater, GreaterOrEqual, Like, NotLike, ILike, NotILike, IsNull, IsNotNull };
    Op op = Op::Contains;
    QString value; // the operand as typed, quotes removed; a query parameter, never SQL text
    bool operator==(const GridCondition &) const = default;
};

namespace gridquery {

// Reads a column filter: "= x", "!= x" (or "<> x"), "> 5", ">= 5", "< 5",
// "<= 5", "like a%", "not like a%", "ilike a%", "not ilike a%", "is null",
// "is not null" (keywords in any case; the operand may be quoted); any other
// text means "contains it", ignoring case. Empty text is no filter. nullopt,
// with `why` saying what to type instead, when the operand is no value of the
// column's type (a number, a date, true/false) or an operator lacks one.
std::optional<GridCondition> parseCondition(const GridColumn &column, const QString &text, QString *why = nullptr);

// SELECT of one window: `after` set → keyset, else OFFSET `offset`.
GridSql window(const GridTable &table, const GridView &view, const GridKeyset *after, qint64 offset, int limit);
// The rows of these records, in no particular order (live update, conflict).
GridSql rows(const GridTable &table, const QStringList &ids);
// Columns a window returns after the table's own: the referenced Name per reference column.
QList<int> nameColumns(const GridTable &table);
// A lookup search for a reference column: the records of each referenced
// table that is synced and has a Name whose Name contains `text` (ignoring
// case; those starting with it first) or whose Id is `text`, as rows of
// (id, name, object name), at most `limit`. Empty text when no referenced
// table can be searched.
GridSql lookup(const GridColumn &column, const QString &text, int limit);
// An Id as the mirror stores it: 18 characters; a 15-character Id gets its
// case-safe suffix. Empty when `text` is no Salesforce Id (15 or 18 letters
// and digits, at least one digit).
QString salesforceId18(const QString &text);
// The SQL with its parameters written in as literals, for people to read and copy.
QString readable(const GridSql &sql);

} // namespace gridquery
} // namespace tether::ui
