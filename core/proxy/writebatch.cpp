#include "proxy/writebatch.h"

#include "salesforce/apiresults.h"

#include <QCoreApplication>

namespace tether::proxy {

using salesforce::RawJson;

namespace {

QString tr(const char *text) { return QCoreApplication::translate("WriteBatch", text); }

// A column's value in a row's JSON text (to_jsonb), as raw JSON text.
QHash<QString, QByteArray> columnsOf(const QByteArray &row, QHash<QString, RawJson::Type> *types = nullptr)
{
    QHash<QString, QByteArray> values;
    if (row.isEmpty())
        return values;
    const RawJson json(row);
    if (!json.ok())
        return values;
    for (const RawJson::Member &m : json.root().members) {
        values.insert(QString::fromUtf8(m.key), json.rawText(m.value));
        if (types)
            types->insert(QString::fromUtf8(m.key), m.value.type);
    }
    return values;
}

// A value as Salesforce wants it for a field, from PostgreSQL's JSON of it.
// Empty when the value is not written (compound fields are read-only).
QByteArray salesforceValue(const SyncedTable::Field &field, const QByteArray &raw, const QHash<QString, QString> &references)
{
    const RawJson json(raw);
    if (!json.ok())
        return {};
    const RawJson::Value &v = json.root();
    switch (v.type) {
    case RawJson::Type::Null:
        return "null";
    case RawJson::Type::String: {
        QString text = json.string(v);
        if (const auto it = references.constFind(text); it != references.cend())
            return "\"@{" + it.value().toUtf8() + ".id}\""; // the Id of a record created earlier in this graph
        if (field.type == QLatin1String("time") && !text.endsWith(u'Z')) {
            if (!text.contains(u'.'))
                text += QStringLiteral(".000");
            text += u'Z';
        }
        return salesforce::jsonString(text);
    }
    case RawJson::Type::Array: { // a multi-select picklist: text[] -> "a;b"
        QStringList items;
        for (const RawJson::Value &item : v.elements)
            items << json.string(item);
        return salesforce::jsonString(items.join(u';'));
    }
    case RawJson::Type::Object:
        return {};
    default: // numbers and booleans, exactly as PostgreSQL wrote them
        return raw;
    }
}

QDateTime modstampOf(const QByteArray &row)
{
    const QHash<QString, QByteArray> values = columnsOf(row);
    const RawJson json(values.value(QStringLiteral("systemmodstamp")));
    if (!json.ok() || json.root().type != RawJson::Type::String)
        return {};
    return QDateTime::fromString(json.string(json.root()), Qt::ISODateWithMs);
}

} // namespace

std::optional<WriteRefusal> WriteBatch::build(const QList<CapturedChange> &changes,
                                              const QHash<QString, const SyncedTable *> &tables, const QString &dataPath,
                                              WriteBatch *batch)
{
    batch->m_dataPath = dataPath;
    QHash<QString, int> byRecord;
    QList<Record> &records = batch->m_records;
    for (const CapturedChange &change : changes) {
        const SyncedTable *table = tables.value(change.objectName);
        if (!table) {
            WriteRefusal refusal;
            refusal.sqlState = "55000";
            refusal.message = tr("Tether does not know the synced table %1 yet; try again in a moment.").arg(change.table);
            return refusal;
        }
        const QString key = change.objectName + u'|' + change.recordId;
        const auto found = byRecord.constFind(key);
        if (change.op == QLatin1String("INSERT") || found == byRecord.cend()) {
            Record record;
            record.table = table;
            record.op = change.op;
            record.id = change.recordId;
            record.oldRow = change.oldRow;
            record.newRow = change.newRow;
            byRecord.insert(key, int(records.size()));
            records << record;
            continue;
        }
        Record &record = records[*found];
        if (change.op == QLatin1String("UPDATE")) {
            record.newRow = change.newRow; // an insert or update takes its latest values
        } else if (change.op == QLatin1String("DELETE")) {
            record.op = record.op == QLatin1String("INSERT") ? QString() : QStringLiteral("DELETE");
            record.newRow.clear();
        }
    }
    records.erase(std::remove_if(records.begin(), records.end(), [](const Record &r) { return r.op.isEmpty(); }), records.end());

    QHash<QString, QString> provisional; // provisional Id -> reference
    for (int i = 0; i < records.size(); ++i) {
        records[i].referenceId = QStringLiteral("w%1").arg(i);
        if (records[i].op == QLatin1String("INSERT"))
            provisional.insert(records[i].id, records[i].referenceId);
    }
    for (Record &record : records) {
        if (std::optional<WriteRefusal> refusal = batch->prepare(record, provisional))
            return refusal;
    }
    // An update that changed nothing Salesforce stores needs no call.
    records.erase(std::remove_if(records.begin(), records.end(),
                                 [](const Record &r) { return r.op == QLatin1String("UPDATE") && r.changedColumns.isEmpty(); }),
                  records.end());
    return std::nullopt;
}

std::optional<WriteRefusal> WriteBatch::prepare(Record &record, const QHash<QString, QString> &provisionalRefs)
{
    auto refuse = [&](const QString &column, const QString &why) {
        WriteRefusal refusal;
        refusal.sqlState = "428C9";
        refusal.message = why;
        refusal.hint = tr("Leave the column out; Salesforce fills it in.");
        refusal.schema = record.table->schema;
        refusal.table = record.table->table;
        refusal.column = column;
        return refusal;
    };
    if (record.op == QLatin1String("DELETE")) {
        record.ifUnmodifiedSince = modstampOf(record.oldRow);
        return std::nullopt;
    }
    const QHash<QString, QByteArray> now = columnsOf(record.newRow);
    const QHash<QString, QByteArray> before = columnsOf(record.oldRow);
    const bool creating = record.op == QLatin1String("INSERT");
    QByteArray body;
    for (auto it = now.cbegin(); it != now.cend(); ++it) {
        const QString &column = it.key();
        if (column == QLatin1String("id")) {
            if (!creating && before.value(column) != it.value())
                return refuse(column, tr("The id of a Salesforce record cannot change."));
            continue;
        }
        if (creating ? it.value() == "null" : before.value(column) == it.value())
            continue;
        const auto field = record.table->fields.constFind(column);
        if (field == record.table->fields.cend())
            continue; // a column Salesforce no longer has (kept, marked stale)
        if (creating ? !field->createable : !field->updateable)
            return refuse(column, creating ? tr("Column \"%1\" of %2 cannot be set: Salesforce does not accept a value for %3 on create.")
                                                 .arg(column, record.table->qualified, field->name)
                                           : tr("Column \"%1\" of %2 cannot be changed: Salesforce does not accept a new value for %3.")
                                                 .arg(column, record.table->qualified, field->name));
        const QByteArray value = salesforceValue(*field, it.value(), provisionalRefs);
        if (value.isEmpty())
            continue;
        body += (body.isEmpty() ? "" : ",") + salesforce::jsonString(field->name) + ':' + value;
        record.changedColumns << column;
    }
    record.body = '{' + body + '}';
    if (!creating)
        record.ifUnmodifiedSince = modstampOf(record.oldRow);
    return std::nullopt;
}

int WriteBatch::nodeCount() const
{
    int nodes = 0;
    for (const Record &r : m_records)
        nodes += r.op == QLatin1String("DELETE") ? 1 : 2; // the write and its read-back
    return nodes;
}

QByteArray WriteBatch::graphsJson() const
{
    QByteArray nodes;
    auto node = [&](const QString &method, const QString &url, const QString &ref, const QByteArray &body, const QDateTime &condition) {
        nodes += (nodes.isEmpty() ? "{" : ",{") + QByteArray("\"method\":") + salesforce::jsonString(method) + ",\"url\":" +
                 salesforce::jsonString(url) + ",\"referenceId\":" + salesforce::jsonString(ref);
        if (condition.isValid())
            nodes += ",\"httpHeaders\":{\"If-Unmodified-Since\":" + salesforce::jsonString(QString::fromLatin1(salesforce::httpDate(condition))) + '}';
        if (!body.isEmpty())
            nodes += ",\"body\":" + body;
        nodes += '}';
    };
    for (const Record &r : m_records) {
        const QString base = m_dataPath + QStringLiteral("/sobjects/") + r.table->objectName;
        if (r.op == QLatin1String("INSERT"))
            node(QStringLiteral("POST"), base, r.referenceId, r.body, {});
        else if (r.op == QLatin1String("UPDATE"))
            node(QStringLiteral("PATCH"), base + u'/' + r.id, r.referenceId, r.body, r.ifUnmodifiedSince);
        else
            node(QStringLiteral("DELETE"), base + u'/' + r.id, r.referenceId, {}, r.ifUnmodifiedSince);
    }
    // Read back what Salesforce made of them, in the same transaction.
    for (const Record &r : m_records) {
        const QString base = m_dataPath + QStringLiteral("/sobjects/") + r.table->objectName;
        if (r.op == QLatin1String("INSERT"))
            node(QStringLiteral("GET"), base + QStringLiteral("/@{%1.id}").arg(r.referenceId), r.referenceId + QStringLiteral("r"), {}, {});
        else if (r.op == QLatin1String("UPDATE"))
            node(QStringLiteral("GET"), base + u'/' + r.id, r.referenceId + QStringLiteral("r"), {}, {});
    }
    return "[{\"graphId\":\"tether\",\"compositeRequest\":[" + nodes + "]}]";
}

std::optional<WriteRefusal> WriteBatch::readAnswer(const QByteArray &body)
{
    const RawJson json(body);
    const RawJson::Value *graphs = json.ok() ? json.root().member("graphs") : nullptr;
    if (!graphs || graphs->elements.empty()) {
        WriteRefusal refusal;
        refusal.error = salesforce::SalesforceError::make(salesforce::SalesforceError::Kind::Http,
                                                          tr("Salesforce's answer to the write could not be read."));
        refusal.message = refusal.error.message;
        return refusal;
    }
    const RawJson::Value &graph = graphs->elements.front();
    const RawJson::Value *ok = graph.member("isSuccessful");
    const RawJson::Value *responses = graph.member("graphResponse") ? graph.member("graphResponse")->member("compositeResponse") : nullptr;
    QHash<QString, QPair<int, QByteArray>> byReference;
    if (responses) {
        for (const RawJson::Value &r : responses->elements) {
            const RawJson::Value *ref = r.member("referenceId");
            const RawJson::Value *status = r.member("httpStatusCode");
            const RawJson::Value *answer = r.member("body");
            byReference.insert(ref ? json.string(*ref) : QString(),
                               {status ? json.rawText(*status).toInt() : 0, answer ? json.rawText(*answer) : QByteArray()});
        }
    }
    if (!ok || !ok->boolean) {
        // The cause, not the subrequests rolled back because of it.
        for (const Record &r : m_records) {
            const QPair<int, QByteArray> answer = byReference.value(r.referenceId);
            const salesforce::SalesforceError error = salesforce::SalesforceError::fromHttp(answer.first, answer.second);
            if (answer.first < 400 || error.errorCode == QLatin1String("PROCESSING_HALTED")
                || error.errorCode == QLatin1String("ALL_OR_NONE_OPERATION_ROLLED_BACK"))
                continue;
            WriteRefusal refusal;
            refusal.error = error;
            refusal.message = error.message;
            refusal.detail = tr("Salesforce refused the %1 of %2 %3 with %4%5.")
                                 .arg(r.op.toLower(), r.table->objectName, r.id, error.errorCode,
                                      error.fields.isEmpty() ? QString() : tr(" on %1").arg(error.fields.join(QStringLiteral(", "))));
            refusal.schema = r.table->schema;
            refusal.table = r.table->table;
            refusal.column = error.fields.isEmpty() ? QString() : error.fields.first().toLower();
            return refusal;
        }
        WriteRefusal refusal;
        refusal.error = salesforce::SalesforceError::make(salesforce::SalesforceError::Kind::Http, tr("Salesforce refused the write."));
        refusal.message = refusal.error.message;
        return refusal;
    }
    for (const Record &r : m_records) {
        Result result;
        result.table = r.table;
        result.op = r.op;
        result.changedColumns = r.changedColumns;
        result.id = r.id;
        if (r.op == QLatin1String("INSERT")) {
            result.provisionalId = r.id;
            const RawJson created(byReference.value(r.referenceId).second);
            if (const RawJson::Value *id = created.ok() ? created.root().member("id") : nullptr)
                result.id = created.string(*id);
        }
        if (r.op != QLatin1String("DELETE"))
            result.record = byReference.value(r.referenceId + QStringLiteral("r")).second;
        m_results << result;
    }
    return std::nullopt;
}

} // namespace tether::proxy
