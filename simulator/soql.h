// SOQL parser for the subset Tether and common clients use: field lists with
// parent relationship paths, COUNT(), WHERE with AND/OR/NOT/parentheses,
// comparison operators, IN/NOT IN, LIKE, null, booleans, unquoted date and
// datetime literals (and a few date keywords), ORDER BY with ASC/DESC and
// NULLS FIRST/LAST, LIMIT, OFFSET. Errors carry Salesforce's row/column text.
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <memory>
#include <optional>

namespace tether::sim {

struct SoqlError
{
    QByteArray errorCode; // MALFORMED_QUERY, INVALID_FIELD, INVALID_TYPE, ...
    QString message;      // the full Salesforce message (SOQL, caret line, ERROR at Row:..)
};

// Builds "\n<line>\n<caret>\nERROR at Row:R:Column:C\n<text>" for `position` (0-based) in `soql`.
QString soqlErrorMessage(const QString &soql, int position, const QString &text);

struct FieldPath
{
    QStringList parts; // "Account", "Owner", "Name"
    int position = 0;  // offset of the path in the statement
    QString text() const { return parts.join(QLatin1Char('.')); }
};

struct Literal
{
    enum class Kind { String, Number, Boolean, Null, Date, DateTime, DateRange };
    Kind kind = Kind::Null;
    QString text;         // string contents, number text, "true"/"false", date/datetime text
    qint64 rangeStartMs = 0; // DateRange: [start, end) in UTC ms
    qint64 rangeEndMs = 0;
    int position = 0;
};

struct Condition
{
    enum class Kind { And, Or, Not, Compare, In, NotIn, Like };
    Kind kind = Kind::Compare;
    QByteArray op; // "=", "!=", "<", "<=", ">", ">=" for Compare
    FieldPath path;
    QList<Literal> values;
    std::vector<std::unique_ptr<Condition>> children;
    bool grouped = false;    // written in parentheses
    int operatorPosition = 0; // And/Or: where the first AND/OR is
};

struct SelectItem
{
    enum class Kind { Field, Count, CountField };
    Kind kind = Kind::Field;
    FieldPath path;
    QString alias;
};

struct OrderItem
{
    FieldPath path;
    bool descending = false;
    bool nullsLast = false;
};

struct SoqlQuery
{
    QString text;
    QList<SelectItem> select;
    QString from;
    int fromPosition = 0;
    std::unique_ptr<Condition> where;
    QList<OrderItem> orderBy;
    qint64 limit = -1;
    qint64 offset = 0;
    int offsetPosition = 0;
    bool countOnly() const { return select.size() == 1 && select[0].kind == SelectItem::Kind::Count; }
};

std::shared_ptr<SoqlQuery> parseSoql(const QString &soql, SoqlError *error);

} // namespace tether::sim
