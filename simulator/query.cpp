#include "query.h"

#include "jsonwriter.h"
#include "sfid.h"

#include <QHash>
#include <algorithm>

namespace tether::sim {

namespace {

QString noSuchColumn(const QString &field, const QString &entity)
{
    return QStringLiteral("No such column '%1' on entity '%2'. If you are attempting to use a custom field, be "
                          "sure to append the '__c' after the custom field name. Please reference your WSDL or "
                          "the describe call for the appropriate names.")
        .arg(field, entity);
}

QString noSuchRelation(const QString &relation, const QString &entity)
{
    return QStringLiteral("Didn't understand relationship '%1' in field path. If you are attempting to use a "
                          "custom relationship, be sure to append the '__r' after the custom relationship name. "
                          "Please reference your WSDL or the describe call for the appropriate names.")
        .arg(relation, entity);
}

bool resolve(const Org &org, const Table *root, const FieldPath &path, ResolvedPath &out, const QString &soql,
             SoqlError *error)
{
    out.root = root;
    QList<const Table *> current{root};
    QStringList parts = path.parts;
    // "SELECT Account.Name FROM Account" is allowed: a leading object name is dropped.
    if (parts.size() > 1 && parts.first().compare(root->def.name, Qt::CaseInsensitive) == 0
        && !root->def.byRelationship.contains(parts.first().toLower()))
        parts.removeFirst();
    int offset = path.position;
    for (int i = 0; i + 1 < parts.size(); ++i) {
        const FieldDef *hop = nullptr;
        QList<const Table *> targets;
        for (const Table *t : current) {
            const int index = t->def.byRelationship.value(parts[i].toLower(), -1);
            if (index >= 0) {
                hop = &t->def.fields[index];
                for (const QString &name : hop->referenceTo)
                    if (const Table *target = org.table(name))
                        targets.append(target);
                break;
            }
        }
        if (!hop) {
            *error = {"INVALID_FIELD", soqlErrorMessage(soql, offset, noSuchRelation(parts[i], current.first()->def.name))};
            return false;
        }
        out.hops.append(hop);
        out.hopNames.append(hop->relationshipName);
        current = targets;
        offset += int(parts[i].size()) + 1;
    }
    const QString leaf = parts.last();
    const FieldDef *found = nullptr;
    for (const Table *t : current) {
        if ((found = t->def.field(leaf)))
            break;
    }
    if (!found) {
        *error = {"INVALID_FIELD", soqlErrorMessage(soql, path.position, noSuchColumn(path.text(), current.first()->def.name))};
        return false;
    }
    out.leafName = found->name;
    if (current.size() == 1)
        out.leaf = found;
    return true;
}

// Follows the path from `row` of `table`; returns the target table/row or nullptr.
const Table *walk(const Org &org, const ResolvedPath &path, const Table *table, int &row)
{
    for (const FieldDef *hop : path.hops) {
        const QByteArrayView id = table->stored(row, hop->slot);
        if (id.isEmpty())
            return nullptr;
        const Table *next = org.tableForId(id);
        if (!next)
            return nullptr;
        row = next->rowOf(id);
        if (row < 0)
            return nullptr;
        table = next;
    }
    return table;
}

QByteArray valueAt(const Org &org, const ResolvedPath &path, int row, const FieldDef **type)
{
    const Table *t = path.hops.isEmpty() ? path.root : walk(org, path, path.root, row);
    if (!t)
        return {};
    const FieldDef *f = path.leaf ? path.leaf : t->def.field(path.leafName);
    if (type)
        *type = f;
    return f ? t->value(row, *f) : QByteArray();
}

const FieldDef *leafType(const Org &org, const ResolvedPath &path)
{
    if (path.leaf)
        return path.leaf;
    for (const QString &name : path.hops.last()->referenceTo)
        if (const Table *t = org.table(name))
            if (const FieldDef *f = t->def.field(path.leafName))
                return f;
    return nullptr;
}

int compareValues(FieldType type, QByteArrayView a, QByteArrayView b)
{
    if (isNumeric(type)) {
        const double x = a.toByteArray().toDouble(), y = b.toByteArray().toDouble();
        return x < y ? -1 : (x > y ? 1 : 0);
    }
    if (isTextual(type))
        return a.compare(b, Qt::CaseInsensitive);
    return a.compare(b);
}

bool likeMatch(QByteArrayView text, QByteArrayView pattern)
{
    // Iterative wildcard match, case-insensitive; \% and \_ are literal.
    qsizetype t = 0, p = 0, starP = -1, starT = 0;
    auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? char(c + 32) : c; };
    while (t < text.size()) {
        if (p < pattern.size() && pattern[p] == '\\' && p + 1 < pattern.size()
            && lower(pattern[p + 1]) == lower(text[t])) {
            p += 2;
            ++t;
        } else if (p < pattern.size() && (pattern[p] == '_' || (pattern[p] != '%' && pattern[p] != '\\' && lower(pattern[p]) == lower(text[t])))) {
            ++p;
            ++t;
        } else if (p < pattern.size() && pattern[p] == '%') {
            starP = p++;
            starT = t;
        } else if (starP >= 0) {
            p = starP + 1;
            t = ++starT;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '%')
        ++p;
    return p == pattern.size();
}

} // namespace

struct CompiledQuery::Predicate
{
    Condition::Kind kind = Condition::Kind::Compare;
    QByteArray op;
    ResolvedPath path;
    FieldType type = FieldType::String;
    QList<QByteArray> values; // normalised literal texts; "" = null
    bool rangeLiteral = false;
    QByteArray rangeStart, rangeEnd;
    std::vector<std::shared_ptr<Predicate>> children;

    bool eval(const Org &org, int row) const
    {
        switch (kind) {
        case Condition::Kind::And:
            for (const auto &c : children)
                if (!c->eval(org, row))
                    return false;
            return true;
        case Condition::Kind::Or:
            for (const auto &c : children)
                if (c->eval(org, row))
                    return true;
            return false;
        case Condition::Kind::Not:
            return !children.front()->eval(org, row);
        default:
            break;
        }
        QByteArray owned;
        QByteArrayView v;
        if (path.hops.isEmpty() && path.leaf && path.leaf->slot >= 0) {
            v = path.root->stored(row, path.leaf->slot);
        } else {
            owned = valueAt(org, path, row, nullptr);
            v = owned;
        }
        switch (kind) {
        case Condition::Kind::Like:
            return !v.isEmpty() && likeMatch(v, values.front());
        case Condition::Kind::In:
        case Condition::Kind::NotIn: {
            bool hit = false;
            for (const QByteArray &value : values) {
                if (value.isEmpty() ? v.isEmpty() : (!v.isEmpty() && compareValues(type, v, value) == 0)) {
                    hit = true;
                    break;
                }
            }
            return kind == Condition::Kind::In ? hit : !hit;
        }
        default:
            break;
        }
        if (rangeLiteral) {
            if (v.isEmpty())
                return op == "!=";
            const bool before = v.compare(rangeStart) < 0, after = v.compare(rangeEnd) >= 0;
            if (op == "=") return !before && !after;
            if (op == "!=") return before || after;
            if (op == "<") return before;
            if (op == "<=") return !after;
            if (op == ">") return after;
            return !before; // >=
        }
        const QByteArray &literal = values.front();
        if (literal.isEmpty() || v.isEmpty()) {
            const bool bothNull = literal.isEmpty() && v.isEmpty();
            if (op == "=") return bothNull;
            if (op == "!=") return !bothNull;
            return false;
        }
        const int c = compareValues(type, v, literal);
        if (op == "=") return c == 0;
        if (op == "!=") return c != 0;
        if (op == "<") return c < 0;
        if (op == "<=") return c <= 0;
        if (op == ">") return c > 0;
        return c >= 0;
    }
};

namespace {

bool normaliseLiteral(const FieldDef &f, const Literal &lit, const QString &soql, QByteArray &out, SoqlError *error)
{
    auto wrongType = [&](const char *typeName, bool quoted) {
        *error = {"INVALID_QUERY_FILTER_OPERATOR",
                  soqlErrorMessage(soql, lit.position,
                                   quoted ? QStringLiteral("value of filter criterion for field '%1' must be of type %2 and should not be enclosed in quotes").arg(f.name, QString::fromLatin1(typeName))
                                          : QStringLiteral("value of filter criterion for field '%1' must be of type %2").arg(f.name, QString::fromLatin1(typeName)))};
        return false;
    };
    out.clear();
    if (lit.kind == Literal::Kind::Null)
        return true;
    switch (f.type) {
    case FieldType::Boolean:
        if (lit.kind != Literal::Kind::Boolean)
            return wrongType("boolean", lit.kind == Literal::Kind::String);
        out = lit.text.toLatin1();
        return true;
    case FieldType::Int: case FieldType::Long: case FieldType::Double: case FieldType::Currency: case FieldType::Percent:
        if (lit.kind != Literal::Kind::Number)
            return wrongType(f.type == FieldType::Int ? "integer" : "double", lit.kind == Literal::Kind::String);
        out = lit.text.toLatin1();
        return true;
    case FieldType::Date:
        if (lit.kind != Literal::Kind::Date)
            return wrongType("date", lit.kind == Literal::Kind::String);
        out = lit.text.toLatin1();
        return true;
    case FieldType::DateTime:
        if (lit.kind != Literal::Kind::DateTime)
            return wrongType("dateTime", lit.kind == Literal::Kind::String);
        out = formatDateTime(parseDateTime(lit.text.toLatin1()));
        return true;
    case FieldType::Id:
    case FieldType::Reference:
        if (lit.kind != Literal::Kind::String)
            return wrongType("reference", false);
        out = normalizeId(lit.text.toLatin1());
        if (out.isEmpty()) {
            *error = {"INVALID_QUERY_FILTER_OPERATOR",
                      soqlErrorMessage(soql, lit.position, QStringLiteral("invalid ID field: %1").arg(lit.text))};
            return false;
        }
        return true;
    default:
        if (lit.kind != Literal::Kind::String)
            return wrongType("string", false);
        out = lit.text.toUtf8();
        return true;
    }
}

std::shared_ptr<CompiledQuery::Predicate> compileCondition(const Org &org, const Table *table, const Condition &c,
                                                           const QString &soql, SoqlError *error)
{
    auto p = std::make_shared<CompiledQuery::Predicate>();
    p->kind = c.kind;
    p->op = c.op;
    if (c.kind == Condition::Kind::And || c.kind == Condition::Kind::Or || c.kind == Condition::Kind::Not) {
        for (const auto &child : c.children) {
            auto compiled = compileCondition(org, table, *child, soql, error);
            if (!compiled)
                return {};
            p->children.push_back(compiled);
        }
        return p;
    }
    if (!resolve(org, table, c.path, p->path, soql, error))
        return {};
    const FieldDef *f = leafType(org, p->path);
    if (!f)
        return {};
    if (f->compound() || (!f->calculated && f->type == FieldType::TextArea && f->length > 255)) {
        *error = {"INVALID_FIELD", soqlErrorMessage(soql, c.path.position,
                                                    QStringLiteral("field '%1' can not be filtered in a query call").arg(f->name))};
        return {};
    }
    p->type = f->type;
    for (const Literal &lit : c.values) {
        if (lit.kind == Literal::Kind::DateRange) {
            if (f->type != FieldType::Date && f->type != FieldType::DateTime) {
                *error = {"INVALID_QUERY_FILTER_OPERATOR", soqlErrorMessage(soql, lit.position, QStringLiteral("value of filter criterion for field '%1' must be of type %2").arg(f->name, QLatin1String(fieldTypeName(f->type))))};
                return {};
            }
            if (c.kind != Condition::Kind::Compare) {
                *error = {"MALFORMED_QUERY", soqlErrorMessage(soql, lit.position, QStringLiteral("Date keywords are only supported with comparison operators in tether-sim"))};
                return {};
            }
            p->rangeLiteral = true;
            const int width = f->type == FieldType::Date ? 10 : 28;
            p->rangeStart = formatDateTime(lit.rangeStartMs).left(width);
            p->rangeEnd = formatDateTime(lit.rangeEndMs).left(width);
            continue;
        }
        QByteArray value;
        if (!normaliseLiteral(*f, lit, soql, value, error))
            return {};
        p->values.append(value);
    }
    return p;
}

void appendValue(QByteArray &out, const FieldDef *f, QByteArrayView v)
{
    if (v.isEmpty() || !f) {
        out += "null";
        return;
    }
    if (isNumeric(f->type) || f->type == FieldType::Boolean || f->compound())
        out += v;
    else
        appendJsonString(out, QByteArrayView(v));
}

} // namespace

std::shared_ptr<CompiledQuery> compileSoql(const Org &org, std::shared_ptr<SoqlQuery> query, SoqlError *error)
{
    auto q = std::make_shared<CompiledQuery>();
    q->soql = query;
    const QString &soql = query->text;
    q->table = org.table(query->from);
    if (!q->table) {
        *error = {"INVALID_TYPE",
                  soqlErrorMessage(soql, query->fromPosition,
                                   QStringLiteral("sObject type '%1' is not supported. If you are attempting to use a "
                                                  "custom object, be sure to append the '__c' after the entity name. "
                                                  "Please reference your WSDL or the describe call for the appropriate names.")
                                       .arg(query->from))};
        return {};
    }
    q->countOnly = query->countOnly();
    for (const SelectItem &item : query->select) {
        if (item.kind == SelectItem::Kind::Count)
            continue;
        ResolvedPath path;
        if (!resolve(org, q->table, item.path, path, soql, error))
            return {};
        if (item.kind == SelectItem::Kind::CountField) {
            if (query->select.size() != 1) {
                *error = {"MALFORMED_QUERY", soqlErrorMessage(soql, item.path.position, QStringLiteral("Field must be grouped or aggregated: %1").arg(query->select[1].path.text()))};
                return {};
            }
            q->aggregateCount = true;
            q->aggregateAlias = item.alias.isEmpty() ? QStringLiteral("expr0") : item.alias;
            continue;
        }
        bool duplicate = false;
        for (const ResolvedPath &existing : q->select)
            duplicate |= existing.hopNames == path.hopNames && existing.leafName == path.leafName;
        if (duplicate) {
            *error = {"MALFORMED_QUERY", soqlErrorMessage(soql, item.path.position, QStringLiteral("duplicate field selected: %1").arg(item.path.text()))};
            return {};
        }
        QStringList column = path.hopNames;
        column.append(path.leafName);
        q->columnNames.append(column.join(QLatin1Char('.')));
        q->select.push_back(path);
    }
    for (const ResolvedPath &p : q->select)
        q->jsonKeys.append(",\"" + p.leafName.toUtf8() + "\":");
    if (query->where) {
        q->where = compileCondition(org, q->table, *query->where, soql, error);
        if (!q->where)
            return {};
    }
    for (const OrderItem &item : query->orderBy) {
        ResolvedPath path;
        if (!resolve(org, q->table, item.path, path, soql, error))
            return {};
        const FieldDef *f = leafType(org, path);
        if (f && (f->compound() || f->type == FieldType::MultiPicklist || (f->type == FieldType::TextArea && f->length > 255))) {
            *error = {"INVALID_FIELD", soqlErrorMessage(soql, item.path.position, QStringLiteral("field '%1' can not be sorted in a query call").arg(f->name))};
            return {};
        }
        q->order.emplace_back(path, item);
    }
    return q;
}

std::vector<int> CompiledQuery::run(const Org &org, bool includeDeleted) const
{
    std::vector<int> rows;
    const Table &t = *table;
    const int n = int(t.rows.size());
    for (int row = 0; row < n; ++row) {
        if (!t.isLive(row) || (!includeDeleted && t.isDeleted(row)))
            continue;
        if (where && !where->eval(org, row))
            continue;
        rows.push_back(row);
    }
    if (!order.empty()) {
        struct Key
        {
            const ResolvedPath *path;
            const FieldDef *field;
            bool descending;
            bool nullsLast;
        };
        std::vector<Key> keys;
        for (const auto &[path, item] : order)
            keys.push_back({&path, leafType(org, path), item.descending, item.nullsLast});
        auto value = [&org](const Key &k, int row) -> QByteArray {
            if (k.path->hops.isEmpty() && k.field && k.field->slot >= 0)
                return k.path->root->stored(row, k.field->slot).toByteArray();
            return valueAt(org, *k.path, row, nullptr);
        };
        // Sort keys once per row, not once per comparison.
        std::vector<std::pair<int, std::vector<QByteArray>>> decorated;
        decorated.reserve(rows.size());
        for (int row : rows) {
            std::vector<QByteArray> values;
            values.reserve(keys.size());
            for (const Key &k : keys)
                values.push_back(value(k, row));
            decorated.emplace_back(row, std::move(values));
        }
        std::stable_sort(decorated.begin(), decorated.end(), [&keys](const auto &a, const auto &b) {
            for (size_t i = 0; i < keys.size(); ++i) {
                const QByteArray &x = a.second[i], &y = b.second[i];
                if (x.isEmpty() != y.isEmpty())
                    return x.isEmpty() != keys[i].nullsLast;
                if (x.isEmpty())
                    continue;
                int c = compareValues(keys[i].field ? keys[i].field->type : FieldType::String, x, y);
                if (keys[i].descending)
                    c = -c;
                if (c != 0)
                    return c < 0;
            }
            return false;
        });
        for (size_t i = 0; i < decorated.size(); ++i)
            rows[i] = decorated[i].first;
    }
    const qint64 offset = std::min<qint64>(soql->offset, qint64(rows.size()));
    rows.erase(rows.begin(), rows.begin() + offset);
    if (soql->limit >= 0 && qint64(rows.size()) > soql->limit)
        rows.resize(size_t(soql->limit));
    return rows;
}

void CompiledQuery::appendJson(QByteArray &out, const Org &org, int row, const QByteArray &version) const
{
    if (version != cachedVersion) {
        cachedVersion = version;
        const QByteArray name = table->def.name.toUtf8();
        attributesPrefix = "{\"attributes\":{\"type\":\"" + name + "\",\"url\":\"/services/data/v" + version + "/sobjects/" + name + '/';
    }
    const Table &t = *table;
    const QByteArrayView id = t.stored(row, t.idSlot);
    auto attributes = [&out, &version, this](const Table &of, QByteArrayView recordId) {
        if (&of == table && version == cachedVersion) {
            out += attributesPrefix; // the common case, built once per query
        } else {
            const QByteArray name = of.def.name.toUtf8();
            out += "{\"attributes\":{\"type\":\"" + name + "\",\"url\":\"/services/data/v" + version + "/sobjects/" + name + '/';
        }
        out += recordId;
        out += "\"}";
    };
    attributes(t, id);
    // Fields in SELECT order; parent fields nest under their relationship, each
    // relationship written once with all of its selected fields.
    QList<int> written;
    for (size_t i = 0; i < select.size(); ++i) {
        const ResolvedPath &p = select[i];
        if (p.hops.isEmpty()) {
            out += jsonKeys[i];
            if (p.leaf->slot >= 0)
                appendValue(out, p.leaf, t.stored(row, p.leaf->slot));
            else
                appendValue(out, p.leaf, t.value(row, *p.leaf));
            continue;
        }
        if (written.contains(int(i)))
            continue;
        // Group every selected path that starts with the same first hop.
        std::function<void(const Table *, int, const QList<int> &, int)> writeNode =
            [&](const Table *node, int nodeRow, const QList<int> &members, int depth) {
                QList<int> done;
                for (int m : members) {
                    if (done.contains(m))
                        continue;
                    const ResolvedPath &mp = select[size_t(m)];
                    if (mp.hops.size() == depth) {
                        const FieldDef *f = node->def.field(mp.leafName);
                        out += ",\"";
                        out += mp.leafName.toUtf8();
                        out += "\":";
                        appendValue(out, f, f ? node->value(nodeRow, *f) : QByteArray());
                        done.append(m);
                        continue;
                    }
                    const QString rel = mp.hopNames[depth];
                    QList<int> group;
                    for (int other : members) {
                        const ResolvedPath &op = select[size_t(other)];
                        if (!done.contains(other) && op.hops.size() > depth && op.hopNames[depth] == rel)
                            group.append(other);
                    }
                    done += group;
                    out += ",\"";
                    out += rel.toUtf8();
                    out += "\":";
                    const int hopIndex = node->def.byRelationship.value(rel.toLower(), -1);
                    const FieldDef *hop = hopIndex >= 0 ? &node->def.fields[hopIndex] : nullptr;
                    const QByteArrayView parentId = hop ? node->stored(nodeRow, hop->slot) : QByteArrayView();
                    const Table *parent = parentId.isEmpty() ? nullptr : org.tableForId(parentId);
                    const int parentRow = parent ? parent->rowOf(parentId) : -1;
                    if (parentRow < 0) {
                        out += "null";
                        continue;
                    }
                    attributes(*parent, parentId);
                    writeNode(parent, parentRow, group, depth + 1);
                    out += '}';
                }
            };
        QList<int> members;
        for (size_t j = i; j < select.size(); ++j)
            if (!select[j].hops.isEmpty() && select[j].hopNames[0] == p.hopNames[0])
                members.append(int(j));
        written += members;
        writeNode(&t, row, members, 0);
    }
    out += '}';
}

void CompiledQuery::appendCsvHeader(QByteArray &out) const
{
    for (int i = 0; i < columnNames.size(); ++i) {
        if (i)
            out += ',';
        appendCsvCell(out, columnNames[i].toUtf8());
    }
    out += '\n';
}

void CompiledQuery::appendCsv(QByteArray &out, const Org &org, int row) const
{
    for (size_t i = 0; i < select.size(); ++i) {
        if (i)
            out += ',';
        const ResolvedPath &p = select[i];
        if (p.hops.isEmpty() && p.leaf->slot >= 0)
            appendCsvCell(out, table->stored(row, p.leaf->slot));
        else
            appendCsvCell(out, valueAt(org, p, row, nullptr));
    }
    out += '\n';
}

} // namespace tether::sim
