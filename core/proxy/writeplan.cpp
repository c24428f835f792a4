#include "proxy/writeplan.h"

#include "proxy/capturetriggers.h"
#include "salesforce/rawjson.h"

#include <QCoreApplication>
#include <QLocale>
#include <QSet>

namespace tether::proxy {

using salesforce::RawJson;

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("WritePlan", text);
}

QByteArray jsonString(const QString &text)
{
    QByteArray out = "\"";
    for (const QChar c : text) {
        switch (c.unicode()) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (c.unicode() < 0x20)
                out += QStringLiteral("\\u%1").arg(c.unicode(), 4, 16, QLatin1Char('0')).toLatin1();
            else
                out += QString(c).toUtf8();
        }
    }
    return out + '"';
}

// Column values of one to_jsonb(row) text, keyed by column name, as raw JSON.
QHash<QString, QByteArray> rowValues(const QByteArray &json)
{
    QHash<QString, QByteArray> values;
    if (json.isEmpty())
        return values;
    const RawJson parsed(json);
    if (!parsed.ok() || parsed.root().type != RawJson::Type::Object)
        return values;
    for (const RawJson::Member &m : parsed.root().members)
        values.insert(QString::fromUtf8(m.key), parsed.rawText(m.value));
    return values;
}

QString stringOf(const QByteArray &jsonValue)
{
    const RawJson parsed(jsonValue);
    return parsed.ok() ? parsed.string(parsed.root()) : QString();
}

Refusal refusalFor(const SyncedTable &table, const char *sqlState, const QString &message, const QString &hint,
                   const QString &column = {})
{
    Refusal r;
    r.sqlState = sqlState;
    r.message = message;
    r.hint = hint;
    r.schema = table.table().schemaName;
    r.table = table.table().tableName;
    r.column = column;
    r.detail = tr("Nothing was sent to Salesforce.");
    return r;
}

struct RecordChanges
{
    quint32 tableOid = 0;
    QString recordId;
    qint64 firstSeq = 0;
    CapturedChange::Op firstOp = CapturedChange::Op::Insert;
    QByteArray firstOldRow;
    QByteArray currentRow;
};

} // namespace

QString RecordWrite::operationName() const
{
    switch (op) {
    case Op::Create: return QStringLiteral("insert");
    case Op::Update: return QStringLiteral("update");
    case Op::Delete: return QStringLiteral("delete");
    }
    return {};
}

QByteArray httpDate(const QDateTime &at)
{
    return QLocale::c().toString(at.toUTC(), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'")).toLatin1();
}

QByteArray salesforceJsonValue(const QString &type, const QByteArray &jsonbValue)
{
    const RawJson parsed(jsonbValue);
    if (!parsed.ok())
        return "null";
    const RawJson::Value &v = parsed.root();
    switch (v.type) {
    case RawJson::Type::Null:
        return "null";
    case RawJson::Type::Array: {
        // text[] of a multipicklist: "a;b"
        QStringList items;
        for (const RawJson::Value &item : v.elements)
            items << parsed.string(item);
        return jsonString(items.join(u';'));
    }
    case RawJson::Type::String: {
        const QString text = parsed.string(v);
        if (type == QLatin1String("datetime")) {
            const QDateTime at = QDateTime::fromString(text, Qt::ISODateWithMs);
            if (at.isValid())
                return jsonString(at.toUTC().toString(QStringLiteral("yyyy-MM-dd'T'HH:mm:ss.zzz'+0000'")));
        } else if (type == QLatin1String("time")) {
            const QTime t = QTime::fromString(text.left(12), Qt::ISODateWithMs);
            if (t.isValid())
                return jsonString(t.toString(QStringLiteral("HH:mm:ss.zzz'Z'")));
        }
        return parsed.rawText(v); // already a JSON string, escapes and all
    }
    default: // numbers keep their digits; booleans and JSON values as they are
        return parsed.rawText(v);
    }
}

WritePlan buildWritePlan(const QList<CapturedChange> &changes, const SyncedTables &tables)
{
    WritePlan plan;
    // Collapse the changes of each record, in the order records were first touched.
    QList<RecordChanges> records;
    QHash<QPair<quint32, QString>, qsizetype> index;
    for (const CapturedChange &c : changes) {
        const auto key = qMakePair(c.tableOid, c.recordId);
        auto it = index.constFind(key);
        if (it == index.constEnd()) {
            RecordChanges r;
            r.tableOid = c.tableOid;
            r.recordId = c.recordId;
            r.firstSeq = c.seq;
            r.firstOp = c.op;
            r.firstOldRow = c.oldRow;
            index.insert(key, records.size());
            records << r;
            it = index.constFind(key);
        }
        records[*it].currentRow = c.currentRow; // the row as it is now (same in every capture of it)
        if (!tables.value(c.tableOid)) {
            Refusal r;
            r.sqlState = sqlstate::NotSynced;
            r.schema = c.schemaName;
            r.table = c.tableName;
            r.message = tr("%1.%2 is not a synced table any more, so Tether's proxy cannot send this write to Salesforce.")
                            .arg(c.schemaName, c.tableName);
            r.detail = tr("Nothing was sent to Salesforce.");
            r.hint = tr("Add the object to the sync again, or write to it only in Salesforce.");
            plan.refusal = r;
            return plan;
        }
    }

    // Provisional id -> the create that gives it its real Id.
    QHash<QString, QString> createdBy;
    int counter = 0;
    QList<RecordWrite> writes;
    QList<RecordChanges> sources;
    for (const RecordChanges &r : std::as_const(records)) {
        const std::shared_ptr<const SyncedTable> table = tables.value(r.tableOid);
        const bool exists = !r.currentRow.isEmpty();
        RecordWrite w;
        w.table = table;
        w.tableOid = r.tableOid;
        w.key = r.recordId;
        if (r.firstOp == CapturedChange::Op::Insert) {
            if (!exists)
                continue; // created and deleted again: Salesforce never needs to know
            w.op = RecordWrite::Op::Create;
        } else if (!exists) {
            w.op = RecordWrite::Op::Delete;
        } else {
            w.op = RecordWrite::Op::Update;
        }
        w.referenceId = QStringLiteral("r%1").arg(++counter);
        if (w.op == RecordWrite::Op::Create)
            createdBy.insert(r.recordId, w.referenceId);
        if (w.op != RecordWrite::Op::Create) {
            const QHash<QString, QByteArray> old = rowValues(r.firstOldRow);
            for (const char *column : {"lastmodifieddate", "systemmodstamp"}) {
                const QString text = stringOf(old.value(QLatin1String(column)));
                const QDateTime at = QDateTime::fromString(text, Qt::ISODateWithMs);
                if (at.isValid()) {
                    w.unmodifiedSince = at;
                    break;
                }
            }
        }
        writes << w;
        sources << r;
    }

    // Bodies: what the record looks like now, in Salesforce's terms.
    for (qsizetype i = 0; i < writes.size(); ++i) {
        RecordWrite &w = writes[i];
        if (w.op == RecordWrite::Op::Delete)
            continue;
        const SyncedTable &table = *w.table;
        const QHash<QString, QByteArray> now = rowValues(sources[i].currentRow);
        const QHash<QString, QByteArray> before = rowValues(sources[i].firstOldRow);
        QByteArray body = "{";
        for (const schema::ColumnSpec &column : table.table().columns) {
            if (column.name == QLatin1String("id"))
                continue;
            const QByteArray value = now.value(column.name, QByteArrayLiteral("null"));
            bool send = false;
            if (w.op == RecordWrite::Op::Create)
                send = value != "null";
            else
                send = value != before.value(column.name, QByteArrayLiteral("null"));
            if (!send)
                continue;
            const schema::FieldDescribe *field = table.field(column.name);
            const bool allowed = field
                                 && (w.op == RecordWrite::Op::Create ? field->createable : field->updateable);
            if (!allowed) {
                plan.refusal = refusalFor(
                    table, sqlstate::ReadOnlyColumn,
                    w.op == RecordWrite::Op::Create
                        ? tr("Salesforce does not accept a value for column \"%1\" of %2.%3 in a new record.")
                              .arg(column.name, table.table().schemaName, table.table().tableName)
                        : tr("Salesforce does not let column \"%1\" of %2.%3 be changed.")
                              .arg(column.name, table.table().schemaName, table.table().tableName),
                    tr("Leave it out: Salesforce sets it (a system field, formula or auto-number, or a field this user may not set)."),
                    column.name);
                return plan;
            }
            QByteArray json = salesforceJsonValue(field->type, value);
            if (field->type == QLatin1String("reference") && value != "null") {
                const QString target = stringOf(value);
                if (CaptureTriggers::isProvisionalId(target)) {
                    const QString ref = createdBy.value(target);
                    if (ref.isEmpty()) {
                        plan.refusal = refusalFor(
                            table, "23503",
                            tr("Column \"%1\" of %2.%3 refers to %4, a provisional id of no record created in this transaction.")
                                .arg(column.name, table.table().schemaName, table.table().tableName, target),
                            tr("Use the id of a record that exists, or create the record in the same transaction."), column.name);
                        return plan;
                    }
                    json = "\"@{" + ref.toLatin1() + ".id}\"";
                    if (!w.dependsOn.contains(ref))
                        w.dependsOn << ref;
                }
            }
            if (body.size() > 1)
                body += ',';
            body += jsonString(column.fieldName) + ':' + json;
            w.fields << column.fieldName;
        }
        body += '}';
        if (w.op == RecordWrite::Op::Update && w.fields.isEmpty()) {
            w.referenceId.clear(); // changed back to what it was: nothing to send
            continue;
        }
        w.body = body;
    }
    writes.removeIf([](const RecordWrite &w) { return w.referenceId.isEmpty(); });

    // Order: as first touched, but a create before everything that refers to it.
    QSet<QString> placed;
    while (!writes.isEmpty()) {
        qsizetype next = -1;
        for (qsizetype i = 0; i < writes.size() && next < 0; ++i) {
            bool ready = true;
            for (const QString &dependency : std::as_const(writes[i].dependsOn))
                ready = ready && placed.contains(dependency);
            if (ready)
                next = i;
        }
        if (next < 0) {
            plan.refusal = refusalFor(*writes.first().table, sqlstate::Unsupported,
                                      tr("The records created in this transaction refer to each other in a circle, "
                                         "which Salesforce cannot create in one request."),
                                      tr("Create them first and set the references in a second transaction."));
            plan.writes.clear();
            return plan;
        }
        placed.insert(writes[next].referenceId);
        plan.writes << writes.takeAt(next);
    }
    return plan;
}

} // namespace tether::proxy
