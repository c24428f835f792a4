#include "grid/gridquery.h"

#include "schema/tableschema.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QLocale>
#include <QRegularExpression>

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

// A LIKE pattern that matches `text` literally: at the start, or anywhere.
enum class Match { Prefix, Contains };
QVariant likePattern(QString text, Match match)
{
    text.replace(u'\\', QStringLiteral("\\\\")).replace(u'%', QStringLiteral("\\%")).replace(u'_', QStringLiteral("\\_"));
    return QVariant(match == Match::Prefix ? text + u'%' : u'%' + text + u'%');
}

// How a column's value is compared: multipicklists (text[]) as the text people see, "a;b".
QString comparedValue(const GridColumn &c)
{
    return c.isArray() ? QStringLiteral("array_to_string(%1, ';')").arg(columnRef(c)) : columnRef(c);
}

// The SQL of one parsed condition on a column; its operand becomes parameter $n.
QString conditionSql(const GridColumn &c, const GridCondition &condition, QVariantList &params)
{
    using Op = GridCondition::Op;
    const QString value = comparedValue(c);
    // Pattern matches read every type as its text; comparisons let PostgreSQL
    // type the parameter as the column, so "> 5" compares numbers, not text.
    const QString text = c.isText() || c.isArray() ? value : value + QStringLiteral("::text");
    auto param = [&](const QVariant &v) {
        params << v;
        return QStringLiteral("$%1").arg(params.size());
    };
    // Numbers compare as numeric, so "> 5.5" works on an integer column too.
    auto operand = [&](const QVariant &v) { return c.isNumber() ? param(v) + QStringLiteral("::numeric") : param(v); };
    switch (condition.op) {
    case Op::IsNull: return columnRef(c) + QStringLiteral(" IS NULL");
    case Op::IsNotNull: return columnRef(c) + QStringLiteral(" IS NOT NULL");
    case Op::Contains: return QStringLiteral("%1 ILIKE %2").arg(text, param(likePattern(condition.value, Match::Contains)));
    case Op::Like: return QStringLiteral("%1 LIKE %2").arg(text, param(condition.value));
    case Op::NotLike: return QStringLiteral("%1 NOT LIKE %2").arg(text, param(condition.value));
    case Op::ILike: return QStringLiteral("%1 ILIKE %2").arg(text, param(condition.value));
    case Op::NotILike: return QStringLiteral("%1 NOT ILIKE %2").arg(text, param(condition.value));
    case Op::Equal: return QStringLiteral("%1 = %2").arg(value, operand(condition.value));
    case Op::NotEqual: return QStringLiteral("%1 <> %2").arg(value, operand(condition.value));
    case Op::Less: return QStringLiteral("%1 < %2").arg(value, operand(condition.value));
    case Op::LessOrEqual: return QStringLiteral("%1 <= %2").arg(value, operand(condition.value));
    case Op::Greater: return QStringLiteral("%1 > %2").arg(value, operand(condition.value));
    case Op::GreaterOrEqual: return QStringLiteral("%1 >= %2").arg(value, operand(condition.value));
    }
    return {};
}

// WHERE conditions of the filters, parameters appended to `params`.
QStringList filterConditions(const GridTable &table, const GridView &view, QVariantList &params)
{
    QStringList where;
    if (!view.quickSearch.trimmed().isEmpty()) {
        params << likePattern(view.quickSearch.trimmed(), Match::Contains);
        QStringList any;
        for (const GridColumn &c : table.columns) {
            if (c.isText())
                any << QStringLiteral("%1 ILIKE $%2").arg(columnRef(c)).arg(params.size());
        }
        if (!any.isEmpty())
            where << u'(' + any.join(QStringLiteral(" OR ")) + u')';
    }
    for (auto it = view.columnFilters.begin(); it != view.columnFilters.end(); ++it) {
        if (it.key() < 0 || it.key() >= table.columns.size())
            continue;
        const GridColumn &c = table.columns[it.key()];
        // A condition that does not parse was refused where it was typed; one
        // that slipped through filters nothing rather than everything.
        if (const std::optional<GridCondition> condition = parseCondition(c, it.value()))
            where << conditionSql(c, *condition, params);
    }
    return where;
}

// Is `value` something PostgreSQL reads as the column's type? `why` says what it takes.
bool suitsType(const GridColumn &c, const QString &value, QString *why)
{
    if (c.isNumber()) {
        bool ok = false;
        QLocale::c().toDouble(value, &ok);
        if (!ok)
            *why = QCoreApplication::translate("tether::ui::GridQuery", "%1 holds numbers: write one with a point for decimals, e.g. > 1500.50").arg(c.label);
        return ok;
    }
    if (c.isBoolean()) {
        static const QStringList words = {QStringLiteral("true"), QStringLiteral("false"), QStringLiteral("t"), QStringLiteral("f"),
                                          QStringLiteral("yes"), QStringLiteral("no"), QStringLiteral("1"), QStringLiteral("0")};
        const bool ok = words.contains(value.toLower());
        if (!ok)
            *why = QCoreApplication::translate("tether::ui::GridQuery", "%1 is true or false, e.g. = true").arg(c.label);
        return ok;
    }
    if (c.pgType == QLatin1String("date")) {
        const bool ok = QDate::fromString(value, Qt::ISODate).isValid();
        if (!ok)
            *why = QCoreApplication::translate("tether::ui::GridQuery", "%1 holds dates: write them as year-month-day, e.g. >= 2024-01-31").arg(c.label);
        return ok;
    }
    if (c.pgType.startsWith(QLatin1String("timestamp"))) {
        const bool ok = QDate::fromString(value, Qt::ISODate).isValid() || QDateTime::fromString(value, Qt::ISODate).isValid() ||
                        QDateTime::fromString(value, QStringLiteral("yyyy-MM-dd HH:mm:ss")).isValid() ||
                        QDateTime::fromString(value, QStringLiteral("yyyy-MM-dd HH:mm")).isValid();
        if (!ok)
            *why = QCoreApplication::translate("tether::ui::GridQuery", "%1 holds dates and times: write them as 2024-01-31 or 2024-01-31 14:30").arg(c.label);
        return ok;
    }
    return true;
}

} // namespace

std::optional<GridCondition> parseCondition(const GridColumn &column, const QString &text, QString *why)
{
    QString unused;
    if (!why)
        why = &unused;
    const QString typed = text.trimmed();
    if (typed.isEmpty())
        return std::nullopt;
    using Op = GridCondition::Op;
    static const QRegularExpression isNull(QStringLiteral("^is\\s+(not\\s+)?null$"), QRegularExpression::CaseInsensitiveOption);
    if (const QRegularExpressionMatch m = isNull.match(typed); m.hasMatch())
        return GridCondition{m.capturedLength(1) > 0 ? Op::IsNotNull : Op::IsNull, {}};
    // Longest operators first, so ">=" is not read as ">" and "=5".
    static const QList<QPair<QRegularExpression, Op>> operators = [] {
        QList<QPair<QRegularExpression, Op>> list;
        auto add = [&](const char *pattern, Op op) {
            list << qMakePair(QRegularExpression(QLatin1String(pattern), QRegularExpression::CaseInsensitiveOption), op);
        };
        add("^(>=)\\s*", Op::GreaterOrEqual);
        add("^(<=)\\s*", Op::LessOrEqual);
        add("^(<>|!=)\\s*", Op::NotEqual);
        add("^(=)\\s*", Op::Equal);
        add("^(>)\\s*", Op::Greater);
        add("^(<)\\s*", Op::Less);
        add("^(not\\s+ilike)(\\s+|$)", Op::NotILike);
        add("^(not\\s+like)(\\s+|$)", Op::NotLike);
        add("^(ilike)(\\s+|$)", Op::ILike);
        add("^(like)(\\s+|$)", Op::Like);
        return list;
    }();
    for (const auto &[pattern, op] : operators) {
        const QRegularExpressionMatch m = pattern.match(typed);
        if (!m.hasMatch())
            continue;
        QString value = typed.mid(m.capturedLength(0)).trimmed();
        // 'a b' and "a b" are the text between the quotes ('' inside is one ').
        if (value.size() >= 2 && (value.front() == u'\'' || value.front() == u'"') && value.back() == value.front()) {
            const QChar quote = value.front();
            value = value.mid(1, value.size() - 2).replace(QString(2, quote), QString(quote));
        }
        if (value.isEmpty()) {
            *why = QCoreApplication::translate("tether::ui::GridQuery", "“%1” needs a value after it, e.g. %1 Acme; to find empty fields write: is null").arg(m.captured(1));
            return std::nullopt;
        }
        const bool isPattern = op == Op::Like || op == Op::NotLike || op == Op::ILike || op == Op::NotILike;
        if (!isPattern && !suitsType(column, value, why))
            return std::nullopt;
        return GridCondition{op, value};
    }
    return GridCondition{Op::Contains, typed};
}

GridSql lookup(const GridColumn &column, const QString &text, int limit)
{
    GridSql sql;
    const QString typed = text.trimmed();
    QStringList branches;
    for (const GridLookupTarget &target : column.lookupTargets) {
        if (target.table.isEmpty() || !target.hasName)
            continue;
        if (sql.params.isEmpty()) {
            // The same four parameters serve every table searched.
            const QString id = salesforceId18(typed);
            sql.params << likePattern(typed, Match::Prefix) << likePattern(typed, Match::Contains)
                       << (id.isEmpty() ? QVariant() : QVariant(id));
        }
        sql.params << target.objectName;
        // Each table gives its best `limit` (the Id itself, then names that
        // start with the text, then names that contain it); the union is cut again.
        branches << QStringLiteral("(SELECT r.id, r.name, $%1::text AS object, "
                                   "CASE WHEN r.id = $3 THEN 0 WHEN r.name ILIKE $1 THEN 1 ELSE 2 END AS rank "
                                   "FROM %2 r WHERE r.id = $3 OR r.name ILIKE $2 ORDER BY rank, r.name, r.id LIMIT %3)")
                        .arg(sql.params.size())
                        .arg(target.table)
                        .arg(limit);
    }
    if (branches.isEmpty())
        return {};
    sql.text = QStringLiteral("SELECT id, name, object FROM (%1) c ORDER BY rank, name, id LIMIT %2")
                   .arg(branches.join(QStringLiteral(" UNION ALL ")))
                   .arg(limit);
    return sql;
}

QString salesforceId18(const QString &text)
{
    static const QRegularExpression idPattern(QStringLiteral("^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$"));
    // A record number is part of every Id, so a one-word name of 15 letters is not taken for one.
    static const QRegularExpression digit(QStringLiteral("[0-9]"));
    if (!idPattern.match(text).hasMatch() || !text.contains(digit))
        return {};
    if (text.size() == 18)
        return text;
    // Salesforce's case-safe suffix: per 5-character chunk, a bit for each
    // upper-case letter, the 5 bits as one of A-Z0-5.
    static const QLatin1String alphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345");
    QString id = text;
    for (int chunk = 0; chunk < 3; ++chunk) {
        int bits = 0;
        for (int i = 0; i < 5; ++i) {
            const QChar ch = text[chunk * 5 + i];
            if (ch >= u'A' && ch <= u'Z')
                bits |= 1 << i;
        }
        id += alphabet[bits];
    }
    return id;
}

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
