#include "org.h"

#include "sfid.h"
#include "simlog.h"

#include <QDataStream>
#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QSaveFile>
#include <QSet>
#include <cmath>
#include <cstring>
#include <optional>

Q_LOGGING_CATEGORY(lcSim, "tether.sim", QtInfoMsg)

namespace tether::sim {

// ---------------------------------------------------------------- time

namespace {
// Days from 1970-01-01 for a civil date (Howard Hinnant's algorithm): fast and
// exact, which matters when a million datetimes are generated or compared.
qint64 daysFromCivil(int y, int m, int d)
{
    y -= m <= 2;
    const qint64 era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = unsigned(y - era * 400);
    const unsigned doy = (153 * unsigned(m + (m > 2 ? -3 : 9)) + 2) / 5 + unsigned(d) - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + qint64(doe) - 719468;
}
void civilFromDays(qint64 z, int &y, int &m, int &d)
{
    z += 719468;
    const qint64 era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = unsigned(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = int(doy - (153 * mp + 2) / 5 + 1);
    m = int(mp < 10 ? mp + 3 : mp - 9);
    y = int(qint64(yoe) + era * 400 + (m <= 2));
}
int digitsAt(QByteArrayView s, qsizetype pos, int count, bool *ok)
{
    int v = 0;
    for (int i = 0; i < count; ++i) {
        if (pos + i >= s.size() || s[pos + i] < '0' || s[pos + i] > '9') {
            *ok = false;
            return 0;
        }
        v = v * 10 + (s[pos + i] - '0');
    }
    return v;
}
} // namespace

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

QByteArray formatDateTime(qint64 msecs)
{
    qint64 days = msecs / 86400000;
    qint64 rest = msecs % 86400000;
    if (rest < 0) {
        rest += 86400000;
        --days;
    }
    int y, mo, d;
    civilFromDays(days, y, mo, d);
    const int h = int(rest / 3600000), mi = int(rest / 60000 % 60), s = int(rest / 1000 % 60),
              ms = int(rest % 1000);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03d+0000", y, mo, d, h, mi, s, ms);
    return QByteArray(buf, 28);
}

bool isValidDate(QByteArrayView t)
{
    bool ok = true;
    if (t.size() != 10 || t[4] != '-' || t[7] != '-')
        return false;
    const int y = digitsAt(t, 0, 4, &ok), m = digitsAt(t, 5, 2, &ok), d = digitsAt(t, 8, 2, &ok);
    if (!ok || m < 1 || m > 12 || d < 1 || d > 31)
        return false;
    int yy, mm, dd;
    civilFromDays(daysFromCivil(y, m, d), yy, mm, dd);
    return mm == m && dd == d;
}

qint64 parseDateTime(QByteArrayView t)
{
    bool ok = true;
    if (t.size() < 19 || !isValidDate(t.first(10)) || (t[10] != 'T' && t[10] != ' ') || t[13] != ':'
        || t[16] != ':')
        return -1;
    const int y = digitsAt(t, 0, 4, &ok), mo = digitsAt(t, 5, 2, &ok), d = digitsAt(t, 8, 2, &ok);
    const int h = digitsAt(t, 11, 2, &ok), mi = digitsAt(t, 14, 2, &ok), s = digitsAt(t, 17, 2, &ok);
    if (!ok || h > 23 || mi > 59 || s > 59)
        return -1;
    qsizetype pos = 19;
    int ms = 0;
    if (pos < t.size() && t[pos] == '.') {
        ++pos;
        int digits = 0;
        while (pos < t.size() && t[pos] >= '0' && t[pos] <= '9') {
            if (digits < 3)
                ms = ms * 10 + (t[pos] - '0');
            ++digits;
            ++pos;
        }
        if (digits == 0)
            return -1;
        for (int i = digits; i < 3; ++i)
            ms *= 10;
    }
    int offsetMinutes = 0;
    if (pos < t.size()) {
        if (t[pos] == 'Z' && pos + 1 == t.size()) {
            ++pos;
        } else if (t[pos] == '+' || t[pos] == '-') {
            const int sign = t[pos] == '-' ? -1 : 1;
            ++pos;
            const int oh = digitsAt(t, pos, 2, &ok);
            pos += 2;
            if (pos < t.size() && t[pos] == ':')
                ++pos;
            const int om = digitsAt(t, pos, 2, &ok);
            pos += 2;
            if (!ok || pos != t.size())
                return -1;
            offsetMinutes = sign * (oh * 60 + om);
        } else {
            return -1;
        }
    }
    if (pos != t.size())
        return -1;
    return (daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - offsetMinutes * 60) * 1000 + ms;
}

// ---------------------------------------------------------------- row blobs

namespace rowblob {

QByteArray encode(const QList<QByteArray> &values)
{
    const quint32 count = quint32(values.size());
    qsizetype total = 4 + 4 * qsizetype(count);
    for (const QByteArray &v : values)
        total += v.size();
    QByteArray blob(total, Qt::Uninitialized);
    char *p = blob.data();
    std::memcpy(p, &count, 4);
    quint32 end = 0;
    char *data = p + 4 + 4 * count;
    for (quint32 i = 0; i < count; ++i) {
        const QByteArray &v = values[i];
        std::memcpy(data + end, v.constData(), size_t(v.size()));
        end += quint32(v.size());
        std::memcpy(p + 4 + 4 * i, &end, 4);
    }
    return blob;
}

QByteArrayView value(const QByteArray &blob, int slot)
{
    if (blob.size() < 4)
        return {};
    const char *p = blob.constData();
    quint32 count;
    std::memcpy(&count, p, 4);
    if (quint32(slot) >= count)
        return {};
    quint32 begin = 0, end;
    if (slot > 0)
        std::memcpy(&begin, p + 4 + 4 * (slot - 1), 4);
    std::memcpy(&end, p + 4 + 4 * slot, 4);
    return QByteArrayView(p + 4 + 4 * count + begin, end - begin);
}

QList<QByteArray> decode(const QByteArray &blob, int slotCount)
{
    QList<QByteArray> values(slotCount);
    for (int i = 0; i < slotCount; ++i)
        values[i] = value(blob, i).toByteArray();
    return values;
}

} // namespace rowblob

void Table::resolveSystemSlots()
{
    idSlot = slot(QStringLiteral("Id"));
    isDeletedSlot = slot(QStringLiteral("IsDeleted"));
    createdDateSlot = slot(QStringLiteral("CreatedDate"));
    createdByIdSlot = slot(QStringLiteral("CreatedById"));
    lastModifiedDateSlot = slot(QStringLiteral("LastModifiedDate"));
    lastModifiedByIdSlot = slot(QStringLiteral("LastModifiedById"));
    systemModstampSlot = slot(QStringLiteral("SystemModstamp"));
    uniqueIndexes.clear();
    for (const FieldDef &f : def.fields) {
        if (f.unique && f.slot >= 0)
            uniqueIndexes.insert(f.slot, {});
    }
}

// ---------------------------------------------------------------- org

Org::Org()
{
    m_orgId = makeId("00D", 0x2a7c9);
    buildTables();
}

Org::~Org() = default;

void Org::buildTables()
{
    m_tables.clear();
    m_byName.clear();
    m_byPrefix.clear();
    for (ObjectDef &def : buildCatalogue()) {
        auto table = std::make_unique<Table>();
        table->def = std::move(def);
        // Compiled queries (open locators, Bulk jobs) point at FieldDefs: room
        // for every field an object may get (Salesforce allows 800 custom
        // ones) keeps a field added at runtime from moving the others.
        table->def.fields.reserve(table->def.fields.size() + 800);
        table->resolveSystemSlots();
        m_byName.insert(table->def.name.toLower(), table.get());
        m_byPrefix.insert(table->def.keyPrefix, table.get());
        m_tables.push_back(std::move(table));
    }
    m_adminUserId = makeId("005", 1);
    m_integrationUserId = makeId("005", 2);
}

QList<Table *> Org::tables() const
{
    QList<Table *> list;
    for (const auto &t : m_tables)
        list.append(t.get());
    return list;
}

Table *Org::table(const QString &name) const
{
    return m_byName.value(name.toLower());
}

Table *Org::tableForId(QByteArrayView id) const
{
    return id.size() < 3 ? nullptr : m_byPrefix.value(id.first(3).toByteArray());
}

qint64 Org::nextModstampMs()
{
    m_lastModstampMs = std::max(nowMs(), m_lastModstampMs + 1);
    return m_lastModstampMs;
}

qint64 Org::recordCount() const
{
    qint64 n = 0;
    for (const auto &t : m_tables)
        n += qint64(t->byId.size());
    return n;
}

void Org::indexRow(Table &table, int row, bool add)
{
    const QByteArray &blob = table.rows[size_t(row)];
    if (blob.isEmpty())
        return;
    const QByteArray id = rowblob::value(blob, table.idSlot).toByteArray();
    if (add)
        table.byId.insert(id, row);
    else
        table.byId.remove(id);
    for (auto it = table.uniqueIndexes.begin(); it != table.uniqueIndexes.end(); ++it) {
        const QByteArray key = rowblob::value(blob, it.key()).toByteArray().toLower();
        if (key.isEmpty())
            continue;
        if (add)
            it->insert(key, row);
        else if (it->value(key, -1) == row)
            it->remove(key);
    }
}

void Org::setRow(Table &table, int row, QByteArray blob)
{
    if (m_transactionDepth > 0)
        m_undo.push_back({&table, row, table.rows[size_t(row)], false});
    indexRow(table, row, false);
    table.rows[size_t(row)] = std::move(blob);
    indexRow(table, row, true);
}

int Org::appendRow(Table &table, QByteArray blob)
{
    const int row = int(table.rows.size());
    table.rows.push_back(std::move(blob));
    indexRow(table, row, true);
    if (m_transactionDepth > 0)
        m_undo.push_back({&table, row, {}, true});
    return row;
}

void Org::begin()
{
    if (m_transactionDepth++ == 0)
        m_undo.clear();
}

void Org::commit()
{
    if (m_transactionDepth > 0 && --m_transactionDepth == 0)
        m_undo.clear();
}

void Org::rollback()
{
    for (auto it = m_undo.rbegin(); it != m_undo.rend(); ++it) {
        Table &t = *it->table;
        indexRow(t, it->row, false);
        if (it->inserted) {
            t.rows[size_t(it->row)].clear();
            if (it->row == int(t.rows.size()) - 1)
                t.rows.pop_back();
        } else {
            t.rows[size_t(it->row)] = it->oldBlob;
            indexRow(t, it->row, true);
        }
    }
    m_undo.clear();
    m_transactionDepth = 0;
}

// ---------------------------------------------------------------- validation

namespace {

QString valueText(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::String: return v.toString();
    case QJsonValue::Double: return QString::number(v.toDouble(), 'g', 17);
    case QJsonValue::Bool: return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Null: return {};
    default: return QString::fromUtf8(QJsonDocument(v.isArray() ? QJsonDocument(v.toArray()) : QJsonDocument(v.toObject())).toJson(QJsonDocument::Compact));
    }
}

SfError typeError(const FieldDef &f, const QString &text)
{
    return {"INVALID_TYPE_ON_FIELD_IN_RECORD",
            QStringLiteral("%1: value not of required type: %2").arg(f.label, text), {f.name}};
}

// Converts one JSON value to the stored text of field `f`; returns an error or nothing.
std::optional<SfError> toStored(const FieldDef &f, const QJsonValue &v, QByteArray &out)
{
    out.clear();
    if (v.isNull() || v.isUndefined() || (v.isString() && v.toString().isEmpty()))
        return std::nullopt;
    const QString text = valueText(v);
    switch (f.type) {
    case FieldType::Boolean:
        if (v.isBool())
            out = v.toBool() ? "true" : "false";
        else if (text.compare(QLatin1String("true"), Qt::CaseInsensitive) == 0)
            out = "true";
        else if (text.compare(QLatin1String("false"), Qt::CaseInsensitive) == 0)
            out = "false";
        else
            return typeError(f, text);
        return std::nullopt;
    case FieldType::Int:
    case FieldType::Long:
    case FieldType::Double:
    case FieldType::Currency:
    case FieldType::Percent: {
        bool ok = false;
        const double d = v.isDouble() ? (ok = true, v.toDouble()) : text.toDouble(&ok);
        if (!ok || !std::isfinite(d))
            return typeError(f, text);
        if (f.type == FieldType::Int || f.type == FieldType::Long) {
            if (d != std::floor(d))
                return typeError(f, text);
            out = QByteArray::number(qint64(d));
        } else {
            out = QByteArray::number(d, 'f', f.scale);
        }
        const int intDigits = f.precision - f.scale;
        if (f.precision > 0 && std::fabs(d) >= std::pow(10.0, intDigits))
            return SfError{"NUMBER_OUTSIDE_VALID_RANGE",
                           QStringLiteral("%1: value outside of valid range on numeric field: %2").arg(f.label, text),
                           {f.name}};
        return std::nullopt;
    }
    case FieldType::Date:
        if (!isValidDate(text.toLatin1().left(10)) || (text.size() != 10 && parseDateTime(text.toLatin1()) < 0))
            return typeError(f, text);
        out = text.toLatin1().left(10);
        return std::nullopt;
    case FieldType::DateTime: {
        QByteArray t = text.toLatin1();
        if (t.size() == 10 && isValidDate(t))
            t += "T00:00:00Z";
        const qint64 ms = parseDateTime(t);
        if (ms < 0)
            return typeError(f, text);
        out = formatDateTime(ms);
        return std::nullopt;
    }
    case FieldType::Time: {
        const QByteArray t = text.toLatin1();
        const qint64 ms = parseDateTime("1970-01-01T" + (t.endsWith('Z') ? t : t + 'Z'));
        if (ms < 0 || ms >= 86400000)
            return typeError(f, text);
        out = formatDateTime(ms).mid(11, 12) + 'Z';
        return std::nullopt;
    }
    case FieldType::Reference: {
        out = normalizeId(text.toLatin1());
        if (out.isEmpty())
            return SfError{"MALFORMED_ID", QStringLiteral("%1: id value of incorrect type: %2").arg(f.label, text), {f.name}};
        return std::nullopt;
    }
    case FieldType::Email:
        if (!text.contains(QLatin1Char('@')) || text.startsWith(QLatin1Char('@')) || text.endsWith(QLatin1Char('@')))
            return SfError{"INVALID_EMAIL_ADDRESS", QStringLiteral("%1: invalid email address: %2").arg(f.label, text), {f.name}};
        break;
    default:
        break;
    }
    out = text.toUtf8();
    if (f.length > 0 && text.size() > f.length && f.type != FieldType::Base64)
        return SfError{"STRING_TOO_LONG",
                       QStringLiteral("%1: data value too large: %2 (max length=%3)").arg(f.label, text.left(80)).arg(f.length),
                       {f.name}};
    if ((f.type == FieldType::Picklist || f.type == FieldType::MultiPicklist) && f.restrictedPicklist) {
        const QStringList parts = f.type == FieldType::MultiPicklist ? text.split(QLatin1Char(';')) : QStringList{text};
        for (const QString &part : parts) {
            if (!f.picklistValues.contains(part))
                return SfError{"INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                               QStringLiteral("%1: bad value for restricted picklist field: %2").arg(f.label, part),
                               {f.name}};
        }
    }
    return std::nullopt;
}

} // namespace

QList<SfError> Org::convert(const Table &table, const QJsonObject &values, bool creating,
                            QList<QByteArray> &cells) const
{
    QList<SfError> errors;
    for (auto it = values.begin(); it != values.end(); ++it) {
        if (it.key() == QLatin1String("attributes"))
            continue;
        const FieldDef *f = table.def.field(it.key());
        if (!f) {
            errors.append({"INVALID_FIELD",
                           QStringLiteral("No such column '%1' on sobject of type %2").arg(it.key(), table.def.name), {}});
            continue;
        }
        if (f->type == FieldType::Id) {
            if (creating)
                errors.append({"INVALID_FIELD", QStringLiteral("Cannot specify Id in an insert call"), {f->name}});
            continue; // on update the Id in the body must match; callers check that
        }
        if (creating ? !f->createable : !f->updateable) {
            errors.append({"INVALID_FIELD_FOR_INSERT_UPDATE",
                           QStringLiteral("Unable to create/update fields: %1. Please check the security settings of "
                                          "this field and verify that it is read/write for your profile or "
                                          "permission set.").arg(f->name),
                           {f->name}});
            continue;
        }
        QByteArray stored;
        if (auto error = toStored(*f, it.value(), stored)) {
            errors.append(*error);
            continue;
        }
        if (f->type == FieldType::Reference && !stored.isEmpty()) {
            Table *target = tableForId(stored);
            const int targetRow = target ? target->rowOf(stored) : -1;
            if (!target || !f->referenceTo.contains(target->def.name) || targetRow < 0
                || target->isDeleted(targetRow)) {
                errors.append({"INVALID_CROSS_REFERENCE_KEY",
                               QStringLiteral("%1: id value of incorrect type: %2").arg(f->label, QString::fromLatin1(stored)),
                               {f->name}});
                continue;
            }
        }
        cells[f->slot] = stored;
    }
    return errors;
}

QList<SfError> Org::checkRules(const Table &table, int exceptRow, const QList<QByteArray> &cells) const
{
    QList<SfError> errors;
    QStringList missing;
    for (const FieldDef &f : table.def.fields) {
        if (f.slot >= 0 && !f.removed && !f.nillable && f.type != FieldType::Id && cells[f.slot].isEmpty()
            && f.createable)
            missing.append(f.name);
    }
    if (!missing.isEmpty())
        errors.append({"REQUIRED_FIELD_MISSING",
                       QStringLiteral("Required fields are missing: [%1]").arg(missing.join(QStringLiteral(", "))),
                       missing});
    for (auto it = table.uniqueIndexes.begin(); it != table.uniqueIndexes.end(); ++it) {
        const QByteArray key = cells[it.key()].toLower();
        if (key.isEmpty())
            continue;
        const int other = it->value(key, -1);
        if (other >= 0 && other != exceptRow) {
            const FieldDef *f = nullptr;
            for (const FieldDef &candidate : table.def.fields)
                if (candidate.slot == it.key())
                    f = &candidate;
            errors.append({"DUPLICATE_VALUE",
                           QStringLiteral("duplicate value found: %1 duplicates value on record with id: %2")
                               .arg(f ? f->name : QString(), QString::fromLatin1(table.stored(other, table.idSlot))),
                           {}});
        }
    }
    if (table.def.name == QLatin1String("Opportunity")) {
        const int amountSlot = table.slot(QStringLiteral("Amount"));
        if (!cells[amountSlot].isEmpty() && cells[amountSlot].toDouble() < 0)
            errors.append({"FIELD_CUSTOM_VALIDATION_EXCEPTION", QStringLiteral("Amount must not be negative."),
                           {QStringLiteral("Amount")}});
    }
    return errors;
}

namespace {
WriteResult readOnlyEntity(const Table &table, const char *verb)
{
    WriteResult r;
    r.httpStatus = 400;
    r.errors.append({"INVALID_TYPE", QStringLiteral("entity type cannot be %1: %2").arg(QLatin1String(verb), table.def.label), {}});
    return r;
}
} // namespace

WriteResult Org::create(Table &table, const QJsonObject &values, const QByteArray &actor)
{
    if (table.def.readOnly)
        return readOnlyEntity(table, "inserted");
    WriteResult result;
    result.created = true;
    result.httpStatus = 201;
    QList<QByteArray> cells(table.def.slotCount);
    for (const FieldDef &f : table.def.fields) {
        if (f.slot >= 0 && !f.removed && !f.defaultValue.isEmpty())
            cells[f.slot] = f.defaultValue.toUtf8();
    }
    const int ownerSlot = table.slot(QStringLiteral("OwnerId"));
    if (ownerSlot >= 0)
        cells[ownerSlot] = actor;
    result.errors = convert(table, values, true, cells);
    if (result.errors.isEmpty())
        result.errors = checkRules(table, -1, cells);
    if (!result.errors.isEmpty()) {
        result.httpStatus = 400;
        return result;
    }
    for (const FieldDef &f : table.def.fields) {
        if (f.autoNumber && f.slot >= 0) {
            const quint64 n = table.autoNumberNext.value(f.slot, 1);
            table.autoNumberNext.insert(f.slot, n + 1);
            const int open = f.autoNumberFormat.indexOf(QLatin1Char('{'));
            const int close = f.autoNumberFormat.indexOf(QLatin1Char('}'));
            const int width = close - open - 1;
            cells[f.slot] = (f.autoNumberFormat.left(open) + QString::number(n).rightJustified(width, QLatin1Char('0'))
                             + f.autoNumberFormat.mid(close + 1)).toUtf8();
        }
    }
    const QByteArray stamp = formatDateTime(nextModstampMs());
    result.id = makeId(table.def.keyPrefix, table.nextIdNumber++);
    cells[table.idSlot] = result.id;
    cells[table.isDeletedSlot] = "false";
    cells[table.createdDateSlot] = stamp;
    cells[table.lastModifiedDateSlot] = stamp;
    cells[table.systemModstampSlot] = stamp;
    cells[table.createdByIdSlot] = actor;
    cells[table.lastModifiedByIdSlot] = actor;
    appendRow(table, rowblob::encode(cells));
    return result;
}

// If-Unmodified-Since on PATCH/DELETE: 412 when the record changed after
// that instant (HTTP dates have whole seconds). False when the write may go on.
static bool modifiedAfter(const Table &table, int row, qint64 ifUnmodifiedSinceMs, WriteResult &result)
{
    if (ifUnmodifiedSinceMs < 0
        || parseDateTime(table.stored(row, table.lastModifiedDateSlot)) / 1000 <= ifUnmodifiedSinceMs / 1000)
        return false;
    result.httpStatus = 412;
    result.errors.append({"PRECONDITION_FAILED", QStringLiteral("The record was modified after the If-Unmodified-Since time."), {}});
    return true;
}

WriteResult Org::update(Table &table, const QByteArray &id, const QJsonObject &values,
                        const QByteArray &actor, qint64 ifUnmodifiedSinceMs)
{
    if (table.def.readOnly)
        return readOnlyEntity(table, "updated");
    WriteResult result;
    result.httpStatus = 204;
    result.id = normalizeId(id);
    const int row = result.id.isEmpty() ? -1 : table.rowOf(result.id);
    if (result.id.isEmpty() || !result.id.startsWith(table.def.keyPrefix)) {
        result.httpStatus = 400;
        result.errors.append({"MALFORMED_ID", QStringLiteral("%1 ID: id value of incorrect type: %2").arg(table.def.name, QString::fromUtf8(id)), {QStringLiteral("Id")}});
        return result;
    }
    if (row < 0 || table.isDeleted(row)) {
        result.httpStatus = 404;
        result.errors.append(row < 0 ? SfError{"NOT_FOUND", QStringLiteral("The requested resource does not exist"), {}}
                                     : SfError{"ENTITY_IS_DELETED", QStringLiteral("entity is deleted"), {}});
        return result;
    }
    if (modifiedAfter(table, row, ifUnmodifiedSinceMs, result))
        return result;
    QList<QByteArray> cells = rowblob::decode(table.rows[size_t(row)], table.def.slotCount);
    result.errors = convert(table, values, false, cells);
    if (result.errors.isEmpty())
        result.errors = checkRules(table, row, cells);
    if (!result.errors.isEmpty()) {
        result.httpStatus = 400;
        return result;
    }
    const QByteArray stamp = formatDateTime(nextModstampMs());
    if (table.def.name == QLatin1String("Account"))
        recordHistory(table, row, cells, stamp, actor);
    cells[table.lastModifiedDateSlot] = stamp;
    cells[table.systemModstampSlot] = stamp;
    cells[table.lastModifiedByIdSlot] = actor;
    setRow(table, row, rowblob::encode(cells));
    return result;
}

void Org::recordHistory(Table &account, int row, const QList<QByteArray> &after, const QByteArray &stamp,
                        const QByteArray &actor)
{
    Table *history = table(QStringLiteral("AccountHistory"));
    static const char *const tracked[][3] = {{"Name", "Name", "Text"}, {"Type", "Type", "Text"},
                                             {"Industry", "Industry", "Text"}, {"Rating", "Rating", "Text"},
                                             {"Phone", "Phone", "Text"}, {"AnnualRevenue", "AnnualRevenue", "Currency"},
                                             {"OwnerId", "Owner", "EntityId"}};
    for (const auto &t : tracked) {
        const int slot = account.slot(QString::fromLatin1(t[0]));
        const QByteArray before = account.stored(row, slot).toByteArray();
        if (before == after[slot])
            continue;
        QList<QByteArray> cells(history->def.slotCount);
        cells[history->idSlot] = makeId(history->def.keyPrefix, history->nextIdNumber++);
        cells[history->isDeletedSlot] = "false";
        cells[history->slot(QStringLiteral("AccountId"))] = account.stored(row, account.idSlot).toByteArray();
        cells[history->createdByIdSlot] = actor;
        cells[history->createdDateSlot] = stamp;
        cells[history->slot(QStringLiteral("Field"))] = t[1];
        cells[history->slot(QStringLiteral("DataType"))] = t[2];
        cells[history->slot(QStringLiteral("OldValue"))] = before;
        cells[history->slot(QStringLiteral("NewValue"))] = after[slot];
        appendRow(*history, rowblob::encode(cells));
    }
}

WriteResult Org::remove(Table &table, const QByteArray &id, const QByteArray &actor, qint64 ifUnmodifiedSinceMs)
{
    if (table.def.readOnly)
        return readOnlyEntity(table, "deleted");
    WriteResult result;
    result.httpStatus = 204;
    result.id = normalizeId(id);
    if (result.id.isEmpty() || !result.id.startsWith(table.def.keyPrefix)) {
        result.httpStatus = 400;
        result.errors.append({"MALFORMED_ID", QStringLiteral("%1 ID: id value of incorrect type: %2").arg(table.def.name, QString::fromUtf8(id)), {}});
        return result;
    }
    const int row = table.rowOf(result.id);
    if (row < 0) {
        result.httpStatus = 404;
        result.errors.append({"NOT_FOUND", QStringLiteral("The requested resource does not exist"), {}});
        return result;
    }
    if (table.isDeleted(row)) {
        result.httpStatus = 404;
        result.errors.append({"ENTITY_IS_DELETED", QStringLiteral("entity is deleted"), {}});
        return result;
    }
    if (modifiedAfter(table, row, ifUnmodifiedSinceMs, result))
        return result;
    setDeleted(table, row, true, actor);
    return result;
}

// Soft delete and undelete: flip IsDeleted and stamp the record as modified
// now, so replication and queryAll see the change.
void Org::setDeleted(Table &table, int row, bool deleted, const QByteArray &actor)
{
    QList<QByteArray> cells = rowblob::decode(table.rows[size_t(row)], table.def.slotCount);
    const QByteArray stamp = formatDateTime(nextModstampMs());
    cells[table.isDeletedSlot] = deleted ? "true" : "false";
    cells[table.lastModifiedDateSlot] = stamp;
    cells[table.systemModstampSlot] = stamp;
    cells[table.lastModifiedByIdSlot] = actor;
    setRow(table, row, rowblob::encode(cells));
}

WriteResult Org::undelete(Table &table, const QByteArray &id, const QByteArray &actor)
{
    if (table.def.readOnly)
        return readOnlyEntity(table, "undeleted");
    WriteResult result;
    result.id = normalizeId(id);
    const int row = result.id.isEmpty() ? -1 : table.rowOf(result.id);
    if (row < 0 || !table.isDeleted(row)) {
        result.httpStatus = 404;
        result.errors.append({"UNDELETE_FAILED", QStringLiteral("Entity is not in the recycle bin"), {}});
        return result;
    }
    setDeleted(table, row, false, actor);
    return result;
}

WriteResult Org::upsert(Table &table, const QString &keyField, const QString &keyValue,
                        const QJsonObject &values, const QByteArray &actor)
{
    const FieldDef *key = table.def.field(keyField);
    if (key && key->type == FieldType::Id) {
        if (keyValue.isEmpty())
            return create(table, values, actor);
        WriteResult r = update(table, keyValue.toLatin1(), values, actor);
        if (r.ok())
            r.httpStatus = 200;
        return r;
    }
    if (!key || !key->externalId) {
        WriteResult r;
        r.httpStatus = 404;
        r.errors.append({"NOT_FOUND", QStringLiteral("Provided external ID field does not exist or is not accessible: %1").arg(keyField), {}});
        return r;
    }
    QList<int> matches;
    const QByteArray wanted = keyValue.toUtf8().toLower();
    if (auto it = table.uniqueIndexes.constFind(key->slot); it != table.uniqueIndexes.cend()) {
        if (const int row = it->value(wanted, -1); row >= 0 && !table.isDeleted(row))
            matches.append(row);
    } else {
        for (int row = 0; row < int(table.rows.size()); ++row)
            if (table.isLive(row) && !table.isDeleted(row) && table.stored(row, key->slot).toByteArray().toLower() == wanted)
                matches.append(row);
    }
    QJsonObject body = values;
    body.remove(key->name);
    if (matches.size() > 1) {
        WriteResult r;
        r.httpStatus = 300;
        for (int row : matches)
            r.errors.append({"MULTIPLE_CHOICES", QString::fromLatin1(table.stored(row, table.idSlot)), {}});
        return r;
    }
    if (matches.isEmpty()) {
        body.insert(key->name, keyValue);
        return create(table, body, actor);
    }
    WriteResult r = update(table, table.stored(matches.first(), table.idSlot).toByteArray(), body, actor);
    if (r.ok())
        r.httpStatus = 200;
    return r;
}

bool Org::purge(Table &table, const QByteArray &id)
{
    const int row = table.rowOf(normalizeId(id));
    if (row < 0)
        return false;
    indexRow(table, row, false);
    table.rows[size_t(row)].clear();
    return true;
}

bool Org::addField(Table &table, const QJsonObject &spec, QString *why)
{
    const QString name = spec.value(QStringLiteral("name")).toString();
    static const QHash<QString, FieldType> types = {
        {QStringLiteral("string"), FieldType::String}, {QStringLiteral("textarea"), FieldType::TextArea},
        {QStringLiteral("boolean"), FieldType::Boolean}, {QStringLiteral("int"), FieldType::Int},
        {QStringLiteral("double"), FieldType::Double}, {QStringLiteral("currency"), FieldType::Currency},
        {QStringLiteral("percent"), FieldType::Percent}, {QStringLiteral("date"), FieldType::Date},
        {QStringLiteral("datetime"), FieldType::DateTime}, {QStringLiteral("time"), FieldType::Time},
        {QStringLiteral("picklist"), FieldType::Picklist}, {QStringLiteral("multipicklist"), FieldType::MultiPicklist},
        {QStringLiteral("email"), FieldType::Email}, {QStringLiteral("phone"), FieldType::Phone},
        {QStringLiteral("url"), FieldType::Url}, {QStringLiteral("reference"), FieldType::Reference}};
    const QString typeName = spec.value(QStringLiteral("type")).toString(QStringLiteral("string"));
    if (!name.endsWith(QLatin1String("__c")) || name.size() < 4 || table.def.field(name)) {
        if (why)
            *why = QStringLiteral("Field name '%1' must end in __c and be new on %2.").arg(name, table.def.name);
        return false;
    }
    if (!types.contains(typeName)) {
        if (why)
            *why = QStringLiteral("Unknown field type '%1'.").arg(typeName);
        return false;
    }
    FieldDef f;
    f.name = name;
    f.label = spec.value(QStringLiteral("label")).toString(name.chopped(3).replace(QLatin1Char('_'), QLatin1Char(' ')));
    f.type = types.value(typeName);
    f.custom = true;
    f.length = spec.value(QStringLiteral("length")).toInt(f.type == FieldType::String ? 255 : (f.type == FieldType::TextArea ? 32768 : (f.type == FieldType::Reference ? 18 : 0)));
    f.precision = spec.value(QStringLiteral("precision")).toInt(isNumeric(f.type) ? 18 : 0);
    f.scale = spec.value(QStringLiteral("scale")).toInt(0);
    f.externalId = spec.value(QStringLiteral("externalId")).toBool(false);
    // External ids are unique unless the spec says otherwise; non-unique ones
    // make upserts that match several records answer 300.
    f.unique = spec.value(QStringLiteral("unique")).toBool(f.externalId);
    for (const QJsonValue &v : spec.value(QStringLiteral("picklistValues")).toArray())
        f.picklistValues.append(v.toString());
    f.restrictedPicklist = spec.value(QStringLiteral("restrictedPicklist")).toBool(false);
    if (f.type == FieldType::Reference) {
        const QString to = spec.value(QStringLiteral("referenceTo")).toString();
        if (!this->table(to)) {
            if (why)
                *why = QStringLiteral("referenceTo '%1' is not an object of this org.").arg(to);
            return false;
        }
        f.referenceTo = {this->table(to)->def.name};
        f.relationshipName = name.chopped(3) + QStringLiteral("__r");
    }
    if (f.type == FieldType::Boolean) {
        f.nillable = false;
        f.defaultedOnCreate = true;
        f.defaultValue = QStringLiteral("false");
    }
    table.def.addField(f);
    table.def.schemaChangedMs = nowMs();
    table.resolveSystemSlots();
    for (int row = 0; row < int(table.rows.size()); ++row)
        indexRow(table, row, true);
    // Existing rows read the new slot as null; booleans must read false.
    if (f.type == FieldType::Boolean) {
        const int slot = table.def.fields.last().slot;
        for (QByteArray &blob : table.rows) {
            if (blob.isEmpty())
                continue;
            QList<QByteArray> values = rowblob::decode(blob, table.def.slotCount);
            values[slot] = "false";
            blob = rowblob::encode(values);
        }
    }
    return true;
}

bool Org::removeField(Table &table, const QString &name, QString *why)
{
    const int index = table.def.fieldIndex(name);
    if (index < 0 || !table.def.fields[index].custom) {
        if (why)
            *why = QStringLiteral("'%1' is not a custom field of %2.").arg(name, table.def.name);
        return false;
    }
    FieldDef &f = table.def.fields[index];
    f.removed = true;
    table.def.byName.remove(f.name.toLower());
    if (!f.relationshipName.isEmpty())
        table.def.byRelationship.remove(f.relationshipName.toLower());
    table.uniqueIndexes.remove(f.slot);
    table.def.schemaChangedMs = nowMs();
    return true;
}

bool Org::changeField(Table &table, const QString &name, const QJsonObject &spec, QString *why)
{
    const int index = table.def.fieldIndex(name);
    if (index < 0 || !table.def.fields[index].custom) {
        if (why)
            *why = QStringLiteral("'%1' is not a custom field of %2.").arg(name, table.def.name);
        return false;
    }
    // Length, precision, scale and label, as Setup lets an admin edit them.
    // Stored values are left as they are; new writes must fit.
    FieldDef &f = table.def.fields[index];
    f.label = spec.value(QStringLiteral("label")).toString(f.label);
    f.length = spec.value(QStringLiteral("length")).toInt(f.length);
    f.precision = spec.value(QStringLiteral("precision")).toInt(f.precision);
    f.scale = spec.value(QStringLiteral("scale")).toInt(f.scale);
    table.def.schemaChangedMs = nowMs();
    return true;
}

int Org::churn(int count)
{
    static const QStringList candidates = {QStringLiteral("Account"), QStringLiteral("Contact"),
                                           QStringLiteral("Opportunity"), QStringLiteral("Lead"),
                                           QStringLiteral("Case")};
    int changed = 0;
    for (int i = 0; i < count; ++i) {
        m_churnState = m_churnState * 6364136223846793005ULL + 1442695040888963407ULL;
        Table *t = table(candidates[int((m_churnState >> 33) % quint64(candidates.size()))]);
        if (!t || t->rows.empty())
            continue;
        const int row = int((m_churnState >> 17) % t->rows.size());
        if (!t->isLive(row) || t->isDeleted(row))
            continue;
        QJsonObject change;
        const QString stamp = QString::fromLatin1(formatDateTime(nowMs()).left(19));
        if (t->def.name == QLatin1String("Opportunity"))
            change.insert(QStringLiteral("NextStep"), QStringLiteral("Follow up ") + stamp);
        else if (t->def.name == QLatin1String("Case"))
            change.insert(QStringLiteral("Subject"), QStringLiteral("Customer update ") + stamp);
        else if (t->def.field(QStringLiteral("Description")))
            change.insert(QStringLiteral("Description"), QStringLiteral("Changed in Salesforce at ") + stamp);
        else
            change.insert(QStringLiteral("Title"), QStringLiteral("Updated ") + stamp);
        if (update(*t, t->stored(row, t->idSlot).toByteArray(), change, m_integrationUserId).ok())
            ++changed;
    }
    return changed;
}

// ---------------------------------------------------------------- snapshot

namespace {
constexpr quint32 SnapshotMagic = 0x54534e31; // "TSN1"
}

bool Org::save(const QString &path, QString *why) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        if (why)
            *why = QStringLiteral("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    QDataStream out(&file);
    out << SnapshotMagic << m_lastModstampMs << quint32(m_tables.size());
    for (const auto &t : m_tables) {
        out << t->def.name << t->nextIdNumber;
        out << quint32(t->autoNumberNext.size());
        for (auto it = t->autoNumberNext.begin(); it != t->autoNumberNext.end(); ++it)
            out << qint32(it.key()) << it.value();
        // Runtime-added fields, so their cells line up again on load.
        QList<QByteArray> added;
        for (const FieldDef &f : t->def.fields) {
            if (f.custom && f.slot >= 0) {
                const QJsonObject spec{{QStringLiteral("name"), f.name}, {QStringLiteral("type"), QString::fromLatin1(fieldTypeName(f.type))},
                                       {QStringLiteral("unique"), f.unique},
                                       {QStringLiteral("label"), f.label}, {QStringLiteral("length"), f.length},
                                       {QStringLiteral("precision"), f.precision}, {QStringLiteral("scale"), f.scale},
                                       {QStringLiteral("externalId"), f.externalId},
                                       {QStringLiteral("referenceTo"), f.referenceTo.value(0)},
                                       {QStringLiteral("picklistValues"), QJsonArray::fromStringList(f.picklistValues)},
                                       {QStringLiteral("removed"), f.removed}};
                added.append(QJsonDocument(spec).toJson(QJsonDocument::Compact));
            }
        }
        out << added;
        quint64 live = 0;
        for (const QByteArray &blob : t->rows)
            live += blob.isEmpty() ? 0 : 1;
        out << live;
        for (const QByteArray &blob : t->rows) {
            if (!blob.isEmpty())
                out << blob;
        }
    }
    if (out.status() != QDataStream::Ok || !file.commit()) {
        if (why)
            *why = QStringLiteral("Writing %1 failed: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

bool Org::load(const QString &path, QString *why)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (why)
            *why = QStringLiteral("Cannot read %1: %2").arg(path, file.errorString());
        return false;
    }
    buildTables();
    QDataStream in(&file);
    quint32 magic = 0, tableCount = 0;
    in >> magic >> m_lastModstampMs >> tableCount;
    if (magic != SnapshotMagic) {
        if (why)
            *why = QStringLiteral("%1 is not a tether-sim data file.").arg(path);
        return false;
    }
    for (quint32 i = 0; i < tableCount && in.status() == QDataStream::Ok; ++i) {
        QString name;
        quint64 nextId = 0, live = 0;
        quint32 counters = 0;
        in >> name >> nextId >> counters;
        Table *t = table(name);
        Table scratch;
        if (!t)
            t = &scratch; // an object this build no longer has: read and drop
        t->nextIdNumber = nextId;
        for (quint32 c = 0; c < counters; ++c) {
            qint32 slot;
            quint64 next;
            in >> slot >> next;
            t->autoNumberNext.insert(slot, next);
        }
        QList<QByteArray> added;
        in >> added;
        for (const QByteArray &spec : added) {
            const QJsonObject o = QJsonDocument::fromJson(spec).object();
            if (!t->def.field(o.value(QStringLiteral("name")).toString()) && addField(*t, o, nullptr)
                && o.value(QStringLiteral("removed")).toBool())
                removeField(*t, o.value(QStringLiteral("name")).toString(), nullptr);
        }
        in >> live;
        t->rows.reserve(size_t(live));
        t->byId.reserve(qsizetype(live));
        for (quint64 r = 0; r < live; ++r) {
            QByteArray blob;
            in >> blob;
            t->rows.push_back(std::move(blob));
            indexRow(*t, int(t->rows.size()) - 1, true);
        }
    }
    if (in.status() != QDataStream::Ok) {
        if (why)
            *why = QStringLiteral("%1 is truncated or damaged; delete it to start from generated data.").arg(path);
        return false;
    }
    return true;
}

} // namespace tether::sim
