// The Salesforce data API of tether-sim (/services/data/vXX.X/...): describe,
// limits, record CRUD and upsert, replication, SOQL query with locators,
// composite, collections, graph, batch and Bulk API 2.0 query jobs.
#include "jsonwriter.h"
#include "server.h"
#include "sfid.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QDateTime>

namespace tether::sim {

Reply jsonReply(int status, QByteArray body);
Reply errorReply(int status, const QByteArray &code, const QString &message, const QStringList &fields = {});

namespace {

Reply notFound()
{
    return errorReply(404, "NOT_FOUND", QStringLiteral("The requested resource does not exist"));
}

Reply methodNotAllowed(const QByteArray &method, const QStringList &allowed)
{
    return errorReply(405, "METHOD_NOT_ALLOWED",
                      QStringLiteral("HTTP Method '%1' not allowed. Allowed are %2").arg(QString::fromLatin1(method), allowed.join(QStringLiteral(","))));
}

qint64 parseHttpDateRest(const QByteArray &text)
{
    QDateTime dt = QLocale::c().toDateTime(QString::fromLatin1(text.trimmed()), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"));
    if (!dt.isValid())
        return -1;
    dt.setTimeSpec(Qt::UTC);
    return dt.toMSecsSinceEpoch();
}

QByteArray httpDateRest(qint64 ms)
{
    return QLocale::c().toString(QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'")).toLatin1();
}

bool parseJsonBody(const QByteArray &body, QJsonDocument &doc, Reply &error)
{
    QJsonParseError e{};
    doc = QJsonDocument::fromJson(body, &e);
    if (e.error != QJsonParseError::NoError) {
        error = errorReply(400, "JSON_PARSER_ERROR", QStringLiteral("Unexpected character in the request body at [line:1, column:%1]: %2").arg(e.offset + 1).arg(e.errorString()));
        return false;
    }
    return true;
}

QByteArray saveResult(const WriteResult &w, bool withCreated)
{
    QByteArray out = "{\"id\":";
    if (w.id.isEmpty())
        out += "null";
    else
        out += '"' + w.id + '"';
    out += w.ok() ? ",\"success\":true,\"errors\":[]" : ",\"success\":false,\"errors\":[]";
    if (withCreated)
        out += w.created ? ",\"created\":true" : ",\"created\":false";
    out += '}';
    return out;
}

} // namespace

Reply SimServer::dispatchData(DataRequest &r)
{
    const QString &p = r.path;
    const QStringList parts = p.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    const QString head = parts.value(0);
    if (parts.isEmpty()) {
        const QByteArray base = "/services/data/v" + r.version;
        return jsonReply(200, "{\"tooling\":\"" + base + "/tooling\",\"metadata\":\"" + base + "/metadata\",\"eclair\":\"" + base
                                  + "/eclair\",\"jobs\":\"" + base + "/jobs\",\"query\":\"" + base + "/query\",\"queryAll\":\"" + base
                                  + "/queryAll\",\"limits\":\"" + base + "/limits\",\"sobjects\":\"" + base + "/sobjects\",\"composite\":\""
                                  + base + "/composite\",\"recent\":\"" + base + "/recent\",\"search\":\"" + base + "/search\"}");
    }
    if (head == QLatin1String("limits") && parts.size() == 1)
        return r.method == "GET" ? limits() : methodNotAllowed(r.method, {QStringLiteral("GET"), QStringLiteral("HEAD")});
    if (head == QLatin1String("sobjects"))
        return sobjects(r);
    if (head == QLatin1String("query") || head == QLatin1String("queryAll")) {
        const bool all = head == QLatin1String("queryAll");
        if (r.method != "GET")
            return methodNotAllowed(r.method, {QStringLiteral("GET"), QStringLiteral("HEAD")});
        if (parts.size() == 1)
            return query(r, all);
        if (parts.size() == 2)
            return queryMore(r, parts[1], all);
        return notFound();
    }
    if (head == QLatin1String("composite")) {
        if (parts.size() == 1)
            return r.method == "POST" ? composite(r) : methodNotAllowed(r.method, {QStringLiteral("POST")});
        if (parts[1] == QLatin1String("sobjects"))
            return collections(r);
        if (parts[1] == QLatin1String("graph") && parts.size() == 2)
            return r.method == "POST" ? graph(r) : methodNotAllowed(r.method, {QStringLiteral("POST")});
        if (parts[1] == QLatin1String("batch") && parts.size() == 2)
            return r.method == "POST" ? compositeBatch(r) : methodNotAllowed(r.method, {QStringLiteral("POST")});
        return notFound();
    }
    if (head == QLatin1String("jobs") && parts.value(1) == QLatin1String("query"))
        return bulk(r, parts.mid(2));
    return notFound();
}

Reply SimServer::limits()
{
    const qint64 bulkMax = 10000;
    auto entry = [](const char *name, qint64 max, qint64 remaining) {
        return '"' + QByteArray(name) + "\":{\"Max\":" + QByteArray::number(max) + ",\"Remaining\":" + QByteArray::number(remaining) + '}';
    };
    QByteArray body = '{' + entry("ActiveScratchOrgs", 3, 3) + ',' + entry("ConcurrentAsyncGetReportInstances", 200, 200) + ','
                      + entry("DailyApiRequests", m_options.dailyLimit, std::max<qint64>(0, m_options.dailyLimit - m_apiUsed)) + ','
                      + entry("DailyAsyncApexExecutions", 250000, 250000) + ',' + entry("DailyBulkApiBatches", 15000, 15000) + ','
                      + entry("DailyBulkV2QueryFileStorageMB", 976562, 976562) + ','
                      + entry("DailyBulkV2QueryJobs", bulkMax, std::max<qint64>(0, bulkMax - m_bulkJobsCreated)) + ','
                      + entry("DataStorageMB", 1024, std::max<qint64>(0, 1024 - m_org->recordCount() * 2 / 1024)) + ','
                      + entry("FileStorageMB", 1024, 1024) + ',' + entry("HourlyPublishedPlatformEvents", 50000, 50000) + '}';
    return jsonReply(200, body);
}

// ---------------------------------------------------------------- sobjects

QByteArray SimServer::recordJson(const Table &t, int row, const QByteArray &version, const QStringList &fields) const
{
    QByteArray out = "{\"attributes\":{\"type\":\"" + t.def.name.toUtf8() + "\",\"url\":\"/services/data/v" + version + "/sobjects/"
                     + t.def.name.toUtf8() + '/' + t.stored(row, t.idSlot).toByteArray() + "\"}";
    for (const FieldDef &f : t.def.fields) {
        if (f.removed || (!fields.isEmpty() && !fields.contains(f.name, Qt::CaseInsensitive)))
            continue;
        out += ",\"" + f.name.toUtf8() + "\":";
        const QByteArray v = t.value(row, f);
        if (v.isEmpty())
            out += "null";
        else if (isNumeric(f.type) || f.type == FieldType::Boolean || f.compound())
            out += v;
        else
            appendJsonString(out, QByteArrayView(v));
    }
    out += '}';
    return out;
}

Reply SimServer::sobjects(DataRequest &r)
{
    const QStringList parts = r.path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    const qint64 since = r.headers.contains("if-modified-since") ? parseHttpDateRest(r.headers.value("if-modified-since")) : -1;
    if (parts.size() == 1) {
        if (r.method != "GET")
            return methodNotAllowed(r.method, {QStringLiteral("GET"), QStringLiteral("HEAD")});
        qint64 changed = 0;
        for (Table *t : m_org->tables())
            changed = std::max(changed, t->def.schemaChangedMs);
        if (since >= 0 && changed / 1000 <= since / 1000) {
            Reply reply;
            reply.status = 304;
            return reply;
        }
        QByteArray body = "{\"encoding\":\"UTF-8\",\"maxBatchSize\":200,\"sobjects\":[";
        bool first = true;
        for (Table *t : m_org->tables()) {
            if (!first)
                body += ',';
            first = false;
            body += globalDescribeEntryJson(t->def, r.version);
        }
        body += "]}";
        Reply reply = jsonReply(200, body);
        reply.headers.append({"Last-Modified", httpDateRest(changed)});
        return reply;
    }
    Table *table = m_org->table(parts[1]);
    if (!table)
        return errorReply(404, "NOT_FOUND", QStringLiteral("The requested resource does not exist"));
    if (parts.size() == 2) {
        if (r.method == "GET") {
            QByteArray body = "{\"objectDescribe\":" + globalDescribeEntryJson(table->def, r.version) + ",\"recentItems\":[";
            int shown = 0;
            for (int row = int(table->rows.size()) - 1; row >= 0 && shown < 3; --row) {
                if (!table->isLive(row) || table->isDeleted(row))
                    continue;
                const FieldDef *name = nullptr;
                for (const FieldDef &f : table->def.fields)
                    if (f.nameField)
                        name = &f;
                body += shown++ ? "," : "";
                body += recordJson(*table, row, r.version, name ? QStringList{QStringLiteral("Id"), name->name} : QStringList{QStringLiteral("Id")});
            }
            body += "]}";
            return jsonReply(200, body);
        }
        if (r.method != "POST")
            return methodNotAllowed(r.method, {QStringLiteral("GET"), QStringLiteral("HEAD"), QStringLiteral("POST")});
        QJsonDocument doc;
        Reply error;
        if (!parseJsonBody(r.body, doc, error))
            return error;
        if (!doc.isObject())
            return errorReply(400, "JSON_PARSER_ERROR", QStringLiteral("Cannot deserialize instance of %1 from START_ARRAY value").arg(table->def.name));
        const WriteResult w = m_org->create(*table, doc.object(), r.userId);
        if (!w.ok())
            return jsonReply(w.httpStatus, errorsJson(w.errors, false));
        Reply reply = jsonReply(201, saveResult(w, false));
        reply.headers.append({"Location", "/services/data/v" + r.version + "/sobjects/" + table->def.name.toUtf8() + '/' + w.id});
        return reply;
    }
    if (parts[2] == QLatin1String("describe") && parts.size() == 3) {
        if (r.method != "GET")
            return methodNotAllowed(r.method, {QStringLiteral("GET"), QStringLiteral("HEAD")});
        if (since >= 0 && table->def.schemaChangedMs / 1000 <= since / 1000) {
            Reply reply;
            reply.status = 304;
            return reply;
        }
        Reply reply = jsonReply(200, describeJson(table->def, r.version));
        reply.headers.append({"Last-Modified", httpDateRest(table->def.schemaChangedMs)});
        return reply;
    }
    if ((parts[2] == QLatin1String("updated") || parts[2] == QLatin1String("deleted")) && parts.size() == 3)
        return r.method == "GET" ? replication(r, *table, parts[2] == QLatin1String("deleted"))
                                 : methodNotAllowed(r.method, {QStringLiteral("GET"), QStringLiteral("HEAD")});
    return record(r, *table, parts.mid(2));
}

Reply SimServer::record(DataRequest &r, Table &table, const QStringList &rest)
{
    const qint64 ifUnmodified = ifUnmodifiedSince(r);
    QJsonObject body;
    if (r.method == "PATCH" || r.method == "POST") {
        QJsonDocument doc;
        Reply error;
        if (!parseJsonBody(r.body, doc, error))
            return error;
        body = doc.object();
    }
    if (rest.size() == 1) {
        const QByteArray id = normalizeId(rest[0].toLatin1());
        const int row = id.isEmpty() || !id.startsWith(table.def.keyPrefix) ? -1 : table.rowOf(id);
        if (r.method == "GET") {
            if (row < 0 || table.isDeleted(row))
                return notFound();
            QStringList fields;
            if (r.query.hasQueryItem(QStringLiteral("fields"))) {
                fields = r.query.queryItemValue(QStringLiteral("fields")).split(QLatin1Char(','), Qt::SkipEmptyParts);
                for (QString &f : fields) {
                    f = f.trimmed();
                    if (!table.def.field(f))
                        return errorReply(400, "INVALID_FIELD", QStringLiteral("No such column '%1' on sobject of type %2").arg(f, table.def.name));
                }
            }
            return jsonReply(200, recordJson(table, row, r.version, fields));
        }
        if (r.method == "PATCH") {
            const WriteResult w = m_org->update(table, rest[0].toLatin1(), body, r.userId, ifUnmodified);
            if (!w.ok())
                return jsonReply(w.httpStatus, errorsJson(w.errors, false));
            Reply reply;
            reply.status = 204;
            return reply;
        }
        if (r.method == "DELETE") {
            const WriteResult w = m_org->remove(table, rest[0].toLatin1(), r.userId, ifUnmodified);
            if (!w.ok())
                return jsonReply(w.httpStatus, errorsJson(w.errors, false));
            Reply reply;
            reply.status = 204;
            return reply;
        }
        return methodNotAllowed(r.method, {QStringLiteral("GET"), QStringLiteral("HEAD"), QStringLiteral("PATCH"), QStringLiteral("DELETE")});
    }
    if (rest.size() == 2) {
        const FieldDef *key = table.def.field(rest[0]);
        if (!key || (!key->externalId && key->type != FieldType::Id))
            return errorReply(404, "NOT_FOUND", QStringLiteral("Provided external ID field does not exist or is not accessible: %1").arg(rest[0]));
        if (r.method == "PATCH" || (r.method == "POST" && key->type == FieldType::Id)) {
            const WriteResult w = m_org->upsert(table, key->name, rest[1], body, r.userId);
            if (w.httpStatus == 300) {
                QByteArray urls = "[";
                for (int i = 0; i < w.errors.size(); ++i)
                    urls += (i ? ",\"" : "\"") + ("/services/data/v" + r.version + "/sobjects/" + table.def.name.toUtf8() + '/' + w.errors[i].message.toLatin1()) + '"';
                return jsonReply(300, urls + ']');
            }
            if (!w.ok())
                return jsonReply(w.httpStatus, errorsJson(w.errors, false));
            Reply reply = jsonReply(w.created ? 201 : 200, saveResult(w, true));
            if (w.created)
                reply.headers.append({"Location", "/services/data/v" + r.version + "/sobjects/" + table.def.name.toUtf8() + '/' + w.id});
            return reply;
        }
        // GET / DELETE by external id
        int found = -1;
        const QByteArray wanted = rest[1].toUtf8().toLower();
        for (int row = 0; row < int(table.rows.size()) && found < 0; ++row)
            if (table.isLive(row) && !table.isDeleted(row) && table.stored(row, key->slot).toByteArray().toLower() == wanted)
                found = row;
        if (found < 0)
            return notFound();
        if (r.method == "GET")
            return jsonReply(200, recordJson(table, found, r.version, {}));
        if (r.method == "DELETE") {
            const WriteResult w = m_org->remove(table, table.stored(found, table.idSlot).toByteArray(), r.userId, ifUnmodified);
            if (!w.ok())
                return jsonReply(w.httpStatus, errorsJson(w.errors, false));
            Reply reply;
            reply.status = 204;
            return reply;
        }
        return methodNotAllowed(r.method, {QStringLiteral("GET"), QStringLiteral("PATCH"), QStringLiteral("DELETE")});
    }
    return notFound();
}

Reply SimServer::replication(DataRequest &r, Table &table, bool deleted)
{
    auto param = [&r](const char *name) {
        return r.query.queryItemValue(QString::fromLatin1(name), QUrl::FullyDecoded).replace(QLatin1Char(' '), QLatin1Char('+')).toLatin1();
    };
    const QByteArray startText = param("start"), endText = param("end");
    if (startText.isEmpty() || endText.isEmpty())
        return errorReply(400, "MISSING_ARGUMENT", QStringLiteral("Both start and end must be provided, for example ?start=2024-05-01T00:00:00Z&end=2024-05-02T00:00:00Z"));
    qint64 start = parseDateTime(startText), end = parseDateTime(endText);
    if (start < 0 || end < 0)
        return errorReply(400, "INVALID_REPLICATION_DATE", QStringLiteral("start and end must be ISO 8601 datetimes such as 2024-05-20T20:49:00+00:00"));
    // Salesforce truncates the seconds and never covers the future.
    start -= start % 60000;
    end -= end % 60000;
    const qint64 now = nowMs();
    end = std::min(end, now - now % 60000);
    if (start >= end)
        return errorReply(400, "INVALID_REPLICATION_DATE", QStringLiteral("startDate must chronologically precede endDate by more than one minute"));
    const qint64 window = qint64(deleted ? 15 : 30) * 86400000;
    if (start < now - window)
        return errorReply(400, "INVALID_REPLICATION_DATE",
                          deleted ? QStringLiteral("startDate cannot be more than 15 days ago") : QStringLiteral("startDate cannot be more than 30 days ago"));
    const QByteArray from = formatDateTime(start), to = formatDateTime(end);
    QByteArray body = deleted ? "{\"deletedRecords\":[" : "{\"ids\":[";
    qint64 count = 0;
    for (int row = 0; row < int(table.rows.size()); ++row) {
        if (!table.isLive(row) || table.isDeleted(row) != deleted)
            continue;
        const QByteArrayView stamp = table.stored(row, table.systemModstampSlot);
        if (stamp.compare(from) < 0 || stamp.compare(to) >= 0)
            continue;
        if (++count > 600000)
            return errorReply(400, "EXCEEDED_ID_LIMIT", QStringLiteral("Too many ids: more than 600,000 records changed in this window; use a shorter window."));
        if (count > 1)
            body += ',';
        if (deleted) {
            body += "{\"deletedDate\":\"";
            body += stamp;
            body += "\",\"id\":\"";
            body += table.stored(row, table.idSlot);
            body += "\"}";
        } else {
            body += '"';
            body += table.stored(row, table.idSlot);
            body += '"';
        }
    }
    body += "],";
    if (deleted)
        body += "\"earliestDateAvailable\":\"" + formatDateTime(now - window - (now - window) % 60000) + "\",";
    body += "\"latestDateCovered\":\"" + to + "\"}";
    return jsonReply(200, body);
}

// ---------------------------------------------------------------- query

Reply SimServer::query(DataRequest &r, bool all)
{
    const QString soql = r.query.queryItemValue(QStringLiteral("q"), QUrl::FullyDecoded);
    if (soql.trimmed().isEmpty())
        return errorReply(400, "MALFORMED_QUERY", QStringLiteral("A query string has to be specified"));
    if (soql.size() > 100000)
        return errorReply(400, "MALFORMED_QUERY", QStringLiteral("SOQL statements cannot be longer than 100,000 characters."));
    SoqlError error;
    auto parsed = parseSoql(soql, &error);
    std::shared_ptr<CompiledQuery> compiled = parsed ? compileSoql(*m_org, parsed, &error) : nullptr;
    if (!compiled)
        return errorReply(400, error.errorCode, error.message);
    auto rows = std::make_shared<std::vector<int>>(compiled->run(*m_org, all));
    if (compiled->countOnly)
        return jsonReply(200, "{\"totalSize\":" + QByteArray::number(qint64(rows->size())) + ",\"done\":true,\"records\":[]}");
    if (compiled->aggregateCount) {
        QByteArray body = "{\"totalSize\":1,\"done\":true,\"records\":[{\"attributes\":{\"type\":\"AggregateResult\"},";
        appendJsonString(body, compiled->aggregateAlias);
        body += ':' + QByteArray::number(qint64(rows->size())) + "}]}";
        return jsonReply(200, body);
    }
    int batch = 2000;
    const QByteArray options = r.headers.value("sforce-query-options");
    const qsizetype at = options.toLower().indexOf("batchsize=");
    if (at >= 0) {
        bool ok = false;
        const int wanted = options.mid(at + 10).split(',').value(0).trimmed().toInt(&ok);
        if (ok)
            batch = std::clamp(wanted, 200, 2000);
    }
    // Like Salesforce, lower the page size for wide rows: two or more long
    // text fields in the SELECT give pages of 200 whatever was asked for.
    int longText = 0;
    for (const ResolvedPath &p : compiled->select)
        if (p.leaf && p.leaf->type == FieldType::TextArea && p.leaf->length > 255)
            ++longText;
    if (longText >= 2)
        batch = 200;
    Cursor cursor{compiled, rows, batch, all};
    QByteArray locator;
    if (qint64(rows->size()) > batch) {
        locator = makeId("01g", m_nextCursor++);
        m_cursors.insert(locator, cursor);
        m_cursorOrder.push_back(locator);
        while (m_cursorOrder.size() > 50) { // Salesforce also limits open cursors per user
            m_cursors.remove(m_cursorOrder.front());
            m_cursorOrder.pop_front();
        }
    }
    return queryPage(locator, cursor, 0, r.version);
}

Reply SimServer::queryMore(DataRequest &r, const QString &locator, bool all)
{
    const qsizetype dash = locator.lastIndexOf(QLatin1Char('-'));
    const QByteArray id = locator.left(dash).toLatin1();
    bool ok = false;
    const qint64 start = dash > 0 ? locator.mid(dash + 1).toLongLong(&ok) : 0;
    auto it = m_cursors.find(id);
    if (!ok || it == m_cursors.end() || it->all != all || start <= 0 || start >= qint64(it->rows->size()))
        return errorReply(400, "INVALID_QUERY_LOCATOR", QStringLiteral("invalid query locator"));
    return queryPage(id, *it, start, r.version);
}

Reply SimServer::queryPage(const QByteArray &locatorId, Cursor &cursor, qint64 start, const QByteArray &version)
{
    const qint64 total = qint64(cursor.rows->size());
    const qint64 end = std::min(total, start + cursor.batchSize);
    QByteArray body;
    body.reserve(qsizetype((end - start) * 700 + 256));
    body += "{\"totalSize\":" + QByteArray::number(total) + ",\"done\":" + (end >= total ? "true" : "false");
    if (end < total)
        body += ",\"nextRecordsUrl\":\"/services/data/v" + version + (cursor.all ? "/queryAll/" : "/query/") + locatorId + '-'
                + QByteArray::number(end) + '"';
    body += ",\"records\":[";
    for (qint64 i = start; i < end; ++i) {
        if (i > start)
            body += ',';
        cursor.query->appendJson(body, *m_org, (*cursor.rows)[size_t(i)], version);
    }
    body += "]}";
    Reply reply = jsonReply(200, body);
    reply.recordsServed = end - start;
    return reply;
}

// ---------------------------------------------------------------- composite

namespace {

struct SubResult
{
    QByteArray referenceId;
    int status = 0;
    QByteArray body; // raw JSON or empty
    QByteArray location;
    mutable std::optional<QJsonValue> parsed;

    QJsonValue json() const
    {
        if (!parsed)
            parsed = body.isEmpty() ? QJsonValue() : (QJsonDocument::fromJson(body).isArray() ? QJsonValue(QJsonDocument::fromJson(body).array())
                                                                                              : QJsonValue(QJsonDocument::fromJson(body).object()));
        return *parsed;
    }
};

// Resolves "ref.path[0].Field" against prior results; false when it does not resolve.
bool resolveReference(const QList<SubResult> &results, const QString &expr, QString &out)
{
    static const QRegularExpression step(QStringLiteral("^([A-Za-z0-9_]+)(?:\\[(\\d+)\\])?$"));
    QStringList path = expr.split(QLatin1Char('.'));
    const SubResult *base = nullptr;
    for (const SubResult &r : results)
        if (QString::fromLatin1(r.referenceId) == path.first())
            base = &r;
    if (!base || base->status >= 400)
        return false;
    QJsonValue v = base->json();
    for (int i = 1; i < path.size(); ++i) {
        const QRegularExpressionMatch m = step.match(path[i]);
        if (!m.hasMatch())
            return false;
        v = v.toObject().value(m.captured(1));
        if (!m.captured(2).isEmpty())
            v = v.toArray().at(m.captured(2).toInt());
    }
    if (v.isString())
        out = v.toString();
    else if (v.isDouble())
        out = QString::number(v.toDouble(), 'g', 17);
    else if (v.isBool())
        out = v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    else
        return false;
    return true;
}

QByteArray substitute(const QList<SubResult> &results, const QByteArray &text, QString *unresolved)
{
    static const QRegularExpression ref(QStringLiteral("@\\{([^}]+)\\}"));
    QString s = QString::fromUtf8(text);
    QString out;
    qsizetype last = 0;
    auto it = ref.globalMatch(s);
    while (it.hasNext()) {
        const QRegularExpressionMatch m = it.next();
        out += s.mid(last, m.capturedStart() - last);
        QString value;
        if (!resolveReference(results, m.captured(1), value)) {
            if (unresolved->isEmpty())
                *unresolved = m.captured(1);
            value = m.captured(0);
        }
        out += value;
        last = m.capturedEnd();
    }
    out += s.mid(last);
    return out.toUtf8();
}

const char RolledBack[] = "[{\"errorCode\":\"PROCESSING_HALTED\",\"message\":\"The transaction was rolled back since another operation in the same transaction failed.\"}]";

} // namespace

// Runs composite subrequests; `allOrNone` undoes everything on the first failure.
static QByteArray runComposite(SimServer *server, const QJsonArray &subs, bool allOrNone, const DataRequest &outer,
                               Org &org, bool *success,
                               const std::function<Reply(DataRequest &)> &dispatch)
{
    QList<SubResult> results;
    bool failed = false;
    if (allOrNone)
        org.begin();
    for (const QJsonValue &value : subs) {
        const QJsonObject sub = value.toObject();
        SubResult result;
        result.referenceId = sub.value(QStringLiteral("referenceId")).toString().toUtf8();
        if (failed && allOrNone) {
            result.status = 400;
            result.body = RolledBack;
            results.append(result);
            continue;
        }
        QString unresolved;
        const QByteArray url = substitute(results, sub.value(QStringLiteral("url")).toString().toUtf8(), &unresolved);
        QByteArray body;
        if (sub.contains(QStringLiteral("body"))) {
            const QJsonValue b = sub.value(QStringLiteral("body"));
            body = substitute(results, b.isArray() ? QJsonDocument(b.toArray()).toJson(QJsonDocument::Compact)
                                                   : QJsonDocument(b.toObject()).toJson(QJsonDocument::Compact), &unresolved);
        }
        static const QRegularExpression versioned(QStringLiteral("^/services/data/v(\\d+\\.\\d)(/[^?]*)(?:\\?(.*))?$"));
        const QRegularExpressionMatch m = versioned.match(QString::fromUtf8(url));
        if (!unresolved.isEmpty()) {
            result.status = 400;
            result.body = "[{\"errorCode\":\"PROCESSING_HALTED\",\"message\":\"Invalid reference specified. No value for "
                          + unresolved.toUtf8() + " found in a prior response.\"}]";
        } else if (!m.hasMatch() || m.captured(2).startsWith(QLatin1String("/composite"))) {
            result.status = 400;
            result.body = "[{\"errorCode\":\"INVALID_API_INPUT\",\"message\":\"The url of a subrequest must be a /services/data/vXX.X resource other than composite.\"}]";
        } else {
            DataRequest r;
            r.method = sub.value(QStringLiteral("method")).toString().toUpper().toLatin1();
            r.version = m.captured(1).toLatin1();
            r.path = m.captured(2);
            r.query = QUrlQuery(QString(m.captured(3)).replace(QLatin1Char('+'), QStringLiteral("%20")));
            r.body = body;
            r.userId = outer.userId;
            r.headers = outer.headers;
            const QJsonObject headers = sub.value(QStringLiteral("httpHeaders")).toObject();
            for (auto it = headers.begin(); it != headers.end(); ++it)
                r.headers.insert(it.key().toLower().toLatin1(), it.value().toString().toUtf8());
            const Reply reply = dispatch(r);
            result.status = reply.status;
            result.body = reply.wholeBody();
            for (const auto &h : reply.headers)
                if (h.first == "Location")
                    result.location = h.second;
        }
        if (result.status >= 400) {
            failed = true;
            if (allOrNone) {
                org.rollback();
                for (SubResult &earlier : results) {
                    earlier.status = 400;
                    earlier.body = RolledBack;
                    earlier.location.clear();
                }
            }
        }
        results.append(result);
    }
    if (allOrNone && !failed)
        org.commit();
    Q_UNUSED(server);
    *success = !failed;
    QByteArray out = "[";
    for (int i = 0; i < results.size(); ++i) {
        const SubResult &r = results[i];
        if (i)
            out += ',';
        out += "{\"body\":" + (r.body.isEmpty() ? QByteArray("null") : r.body) + ",\"httpHeaders\":{";
        if (!r.location.isEmpty())
            out += "\"Location\":\"" + r.location + '"';
        out += "},\"httpStatusCode\":" + QByteArray::number(r.status) + ",\"referenceId\":";
        appendJsonString(out, QByteArrayView(r.referenceId));
        out += '}';
    }
    out += ']';
    return out;
}

Reply SimServer::composite(DataRequest &r)
{
    QJsonDocument doc;
    Reply error;
    if (!parseJsonBody(r.body, doc, error))
        return error;
    const QJsonObject o = doc.object();
    const QJsonArray subs = o.value(QStringLiteral("compositeRequest")).toArray();
    if (subs.isEmpty())
        return errorReply(400, "INVALID_API_INPUT", QStringLiteral("compositeRequest must hold at least one subrequest"));
    if (subs.size() > 25)
        return errorReply(400, "INVALID_API_INPUT", QStringLiteral("Composite request can only have up to 25 subrequests"));
    int heavy = 0;
    QSet<QString> refs;
    for (const QJsonValue &v : subs) {
        const QString url = v.toObject().value(QStringLiteral("url")).toString();
        if (url.contains(QLatin1String("/query")) || url.contains(QLatin1String("/composite/sobjects")))
            ++heavy;
        const QString ref = v.toObject().value(QStringLiteral("referenceId")).toString();
        static const QRegularExpression validRef(QStringLiteral("^[A-Za-z0-9_]+$"));
        if (!validRef.match(ref).hasMatch())
            return errorReply(400, "INVALID_API_INPUT", QStringLiteral("Invalid referenceId '%1': use letters, digits and underscores").arg(ref));
        if (refs.contains(ref))
            return errorReply(400, "INVALID_API_INPUT", QStringLiteral("Duplicate referenceId provided in the request: %1").arg(ref));
        refs.insert(ref);
    }
    if (heavy > 5)
        return errorReply(400, "INVALID_API_INPUT", QStringLiteral("A composite request can have at most 5 query or sObject Collection subrequests"));
    bool success = false;
    qint64 served = 0;
    const QByteArray responses = runComposite(this, subs, o.value(QStringLiteral("allOrNone")).toBool(false), r, *m_org, &success,
                                              [this, &served](DataRequest &sub) {
                                                  Reply reply = handleData(sub, false);
                                                  served += reply.recordsServed;
                                                  return reply;
                                              });
    Reply reply = jsonReply(200, "{\"compositeResponse\":" + responses + '}');
    reply.recordsServed = served;
    return reply;
}

Reply SimServer::graph(DataRequest &r)
{
    QJsonDocument doc;
    Reply error;
    if (!parseJsonBody(r.body, doc, error))
        return error;
    const QJsonArray graphs = doc.object().value(QStringLiteral("graphs")).toArray();
    if (graphs.isEmpty())
        return errorReply(400, "INVALID_API_INPUT", QStringLiteral("graphs must hold at least one graph"));
    int nodes = 0;
    for (const QJsonValue &g : graphs)
        nodes += int(g.toObject().value(QStringLiteral("compositeRequest")).toArray().size());
    if (nodes > 500)
        return errorReply(400, "INVALID_API_INPUT", QStringLiteral("A composite graph request can have at most 500 nodes"));
    QByteArray out = "{\"graphs\":[";
    for (int i = 0; i < graphs.size(); ++i) {
        const QJsonObject g = graphs[i].toObject();
        bool success = false;
        const QByteArray responses = runComposite(this, g.value(QStringLiteral("compositeRequest")).toArray(), true, r, *m_org, &success,
                                                  [this](DataRequest &sub) { return handleData(sub, false); });
        if (i)
            out += ',';
        out += "{\"graphId\":";
        appendJsonString(out, g.value(QStringLiteral("graphId")).toString());
        out += ",\"graphResponse\":{\"compositeResponse\":" + responses + "},\"isSuccessful\":" + (success ? "true" : "false") + '}';
    }
    out += "]}";
    return jsonReply(200, out);
}

Reply SimServer::compositeBatch(DataRequest &r)
{
    QJsonDocument doc;
    Reply error;
    if (!parseJsonBody(r.body, doc, error))
        return error;
    const QJsonObject o = doc.object();
    const QJsonArray subs = o.value(QStringLiteral("batchRequests")).toArray();
    if (subs.isEmpty() || subs.size() > 25)
        return errorReply(400, "INVALID_API_INPUT", QStringLiteral("A batch request must have between 1 and 25 subrequests"));
    m_apiUsed += subs.size() - 1; // composite/batch counts every subrequest
    const bool haltOnError = o.value(QStringLiteral("haltOnError")).toBool(false);
    bool hasErrors = false, halted = false;
    QByteArray out = "{\"hasErrors\":";
    QByteArray results = "[";
    for (int i = 0; i < subs.size(); ++i) {
        const QJsonObject sub = subs[i].toObject();
        int status;
        QByteArray body;
        static const QRegularExpression versioned(QStringLiteral("^/?(?:services/data/)?v(\\d+\\.\\d)(/[^?]*)(?:\\?(.*))?$"));
        const QRegularExpressionMatch m = versioned.match(sub.value(QStringLiteral("url")).toString());
        if (halted) {
            status = 412;
            body = "[{\"errorCode\":\"BATCH_PROCESSING_HALTED\",\"message\":\"Batch processing halted per request\"}]";
        } else if (!m.hasMatch()) {
            status = 400;
            body = "[{\"errorCode\":\"INVALID_API_INPUT\",\"message\":\"Invalid subrequest url\"}]";
        } else {
            DataRequest d;
            d.method = sub.value(QStringLiteral("method")).toString().toUpper().toLatin1();
            d.version = m.captured(1).toLatin1();
            d.path = m.captured(2);
            d.query = QUrlQuery(QString(m.captured(3)).replace(QLatin1Char('+'), QStringLiteral("%20")));
            d.userId = r.userId;
            d.headers = r.headers;
            if (sub.contains(QStringLiteral("richInput")))
                d.body = QJsonDocument(sub.value(QStringLiteral("richInput")).toObject()).toJson(QJsonDocument::Compact);
            const Reply reply = dispatchData(d);
            status = reply.status;
            body = reply.wholeBody();
        }
        if (status >= 400) {
            hasErrors = true;
            halted = haltOnError;
        }
        if (i)
            results += ',';
        results += "{\"statusCode\":" + QByteArray::number(status) + ",\"result\":" + (body.isEmpty() ? QByteArray("null") : body) + '}';
    }
    out += QByteArray(hasErrors ? "true" : "false") + ",\"results\":" + results + "]}";
    return jsonReply(200, out);
}

Reply SimServer::collections(DataRequest &r)
{
    const QStringList parts = r.path.split(QLatin1Char('/'), Qt::SkipEmptyParts); // composite, sobjects, [X, [ExtField]]
    bool allOrNone = false;
    QJsonArray records;
    QList<QByteArray> deleteIds;
    if (r.method == "DELETE") {
        allOrNone = r.query.queryItemValue(QStringLiteral("allOrNone")) == QLatin1String("true");
        for (const QString &id : r.query.queryItemValue(QStringLiteral("ids")).split(QLatin1Char(','), Qt::SkipEmptyParts))
            deleteIds.append(id.trimmed().toLatin1());
        if (deleteIds.isEmpty())
            return errorReply(400, "INVALID_API_INPUT", QStringLiteral("ids is required: ?ids=001...,001..."));
    } else if (r.method == "POST" || r.method == "PATCH") {
        QJsonDocument doc;
        Reply error;
        if (!parseJsonBody(r.body, doc, error))
            return error;
        allOrNone = doc.object().value(QStringLiteral("allOrNone")).toBool(false);
        records = doc.object().value(QStringLiteral("records")).toArray();
        if (records.isEmpty())
            return errorReply(400, "INVALID_API_INPUT", QStringLiteral("records is required and must not be empty"));
    } else if (r.method == "GET" && parts.size() == 3) {
        Table *t = m_org->table(parts[2]);
        if (!t)
            return notFound();
        const QStringList fields = r.query.queryItemValue(QStringLiteral("fields")).split(QLatin1Char(','), Qt::SkipEmptyParts);
        QByteArray out = "[";
        const QStringList ids = r.query.queryItemValue(QStringLiteral("ids")).split(QLatin1Char(','), Qt::SkipEmptyParts);
        for (int i = 0; i < ids.size(); ++i) {
            const int row = t->rowOf(normalizeId(ids[i].toLatin1()));
            out += i ? "," : "";
            out += row < 0 || t->isDeleted(row) ? QByteArray("null") : recordJson(*t, row, r.version, fields);
        }
        return jsonReply(200, out + ']');
    } else {
        return methodNotAllowed(r.method, {QStringLiteral("GET"), QStringLiteral("POST"), QStringLiteral("PATCH"), QStringLiteral("DELETE")});
    }
    const qsizetype count = r.method == "DELETE" ? deleteIds.size() : records.size();
    if (count > 200)
        return errorReply(400, "EXCEEDED_ID_LIMIT", QStringLiteral("record limit reached. cannot submit more than 200 records into this call"));
    const bool upsert = r.method == "PATCH" && parts.size() == 4;
    Table *upsertTable = upsert ? m_org->table(parts[2]) : nullptr;
    if (upsert && !upsertTable)
        return notFound();

    if (allOrNone)
        m_org->begin();
    QList<WriteResult> results;
    bool failed = false;
    for (qsizetype i = 0; i < count; ++i) {
        WriteResult w;
        if (r.method == "DELETE") {
            Table *t = m_org->tableForId(deleteIds[i]);
            if (!t) {
                w.id = deleteIds[i];
                w.errors.append({"MALFORMED_ID", QStringLiteral("malformed id %1").arg(QString::fromLatin1(deleteIds[i])), {}});
            } else {
                w = m_org->remove(*t, deleteIds[i], r.userId);
                if (!w.ok() && w.id.isEmpty())
                    w.id = deleteIds[i];
                if (!w.ok() && w.errors.first().statusCode == "NOT_FOUND")
                    w.errors.first() = {"ENTITY_IS_DELETED", QStringLiteral("entity is deleted"), {}};
            }
        } else {
            QJsonObject rec = records[i].toObject();
            const QString type = rec.value(QStringLiteral("attributes")).toObject().value(QStringLiteral("type")).toString();
            Table *t = upsert ? upsertTable : m_org->table(type);
            rec.remove(QStringLiteral("attributes"));
            if (!t) {
                w.errors.append({"INVALID_TYPE", type.isEmpty() ? QStringLiteral("No SObject Type defined in the attributes of the record")
                                                                : QStringLiteral("sObject type '%1' is not supported.").arg(type), {}});
            } else if (upsert) {
                const QString key = parts[3];
                w = m_org->upsert(*t, key, rec.value(key).toVariant().toString(), rec, r.userId);
            } else if (r.method == "POST") {
                if (rec.contains(QStringLiteral("Id")) || rec.contains(QStringLiteral("id")))
                    w.errors.append({"INVALID_FIELD", QStringLiteral("cannot specify Id in an insert call"), {QStringLiteral("Id")}});
                else
                    w = m_org->create(*t, rec, r.userId);
            } else {
                // Field names are case-insensitive: jsforce sends "id".
                QByteArray id;
                for (const QString &key : rec.keys()) {
                    if (key.compare(QLatin1String("Id"), Qt::CaseInsensitive) == 0) {
                        id = rec.value(key).toString().toLatin1();
                        rec.remove(key);
                    }
                }
                if (id.isEmpty())
                    w.errors.append({"MISSING_ARGUMENT", QStringLiteral("Id not specified in an update call"), {}});
                else
                    w = m_org->update(*t, id, rec, r.userId);
            }
        }
        if (!w.ok())
            failed = true;
        results.append(w);
    }
    if (allOrNone) {
        if (failed) {
            m_org->rollback();
            for (WriteResult &w : results) {
                if (w.ok()) {
                    if (w.created)
                        w.id.clear();
                    w.errors = {{"ALL_OR_NONE_OPERATION_ROLLED_BACK",
                                 QStringLiteral("Record rolled back because not all records were valid and the request was using AllOrNone header"), {}}};
                }
            }
        } else {
            m_org->commit();
        }
    }
    QByteArray out = "[";
    for (int i = 0; i < results.size(); ++i) {
        const WriteResult &w = results[i];
        if (i)
            out += ',';
        out += "{\"id\":" + (w.id.isEmpty() ? QByteArray("null") : '"' + w.id + '"') + ",\"success\":" + (w.ok() ? "true" : "false");
        if (upsert)
            out += QByteArray(",\"created\":") + (w.created && w.ok() ? "true" : "false");
        out += ",\"errors\":" + errorsJson(w.errors, true) + '}';
    }
    out += ']';
    return jsonReply(200, out);
}

// ---------------------------------------------------------------- Bulk API 2.0

QByteArray SimServer::BulkJob::state(qint64 now) const
{
    if (aborted)
        return "Aborted";
    if (now >= completeMs)
        return "JobComplete";
    if (now >= inProgressMs)
        return "InProgress";
    return "UploadComplete";
}

Reply SimServer::bulk(DataRequest &r, const QStringList &parts)
{
    const qint64 now = nowMs();
    auto jobJson = [this, now](const BulkJob &job, bool full) {
        const QByteArray created = formatDateTime(job.createdMs);
        QByteArray out = "{\"id\":\"" + job.id + "\",\"operation\":\"" + job.operation + "\",\"object\":\"" + job.query->table->def.name.toUtf8()
                         + "\",\"createdById\":\"" + job.createdBy + "\",\"createdDate\":\"" + created + "\",\"systemModstamp\":\""
                         + formatDateTime(std::min(now, job.completeMs)) + "\",\"state\":\"" + job.state(now)
                         + "\",\"concurrencyMode\":\"Parallel\",\"contentType\":\"CSV\",\"apiVersion\":" + job.version + ",";
        if (full) {
            const bool done = job.state(now) == "JobComplete";
            out += "\"jobType\":\"V2Query\",\"lineEnding\":\"" + job.lineEnding + "\",\"columnDelimiter\":\"" + job.delimiter
                   + "\",\"numberRecordsProcessed\":" + QByteArray::number(done ? qint64(job.rows.size()) : 0)
                   + ",\"retries\":0,\"totalProcessingTime\":" + QByteArray::number(done ? job.completeMs - job.createdMs : 0)
                   + ",\"isPkChunkingSupported\":true}";
        } else {
            out += "\"lineEnding\":\"" + job.lineEnding + "\",\"columnDelimiter\":\"" + job.delimiter + "\"}";
        }
        return out;
    };
    if (parts.isEmpty()) {
        if (r.method == "GET") {
            QByteArray out = "{\"done\":true,\"records\":[";
            bool first = true;
            for (const BulkJob &job : std::as_const(m_jobs)) {
                out += first ? "" : ",";
                first = false;
                out += jobJson(job, false);
            }
            return jsonReply(200, out + "],\"nextRecordsUrl\":null}");
        }
        if (r.method != "POST")
            return methodNotAllowed(r.method, {QStringLiteral("GET"), QStringLiteral("POST")});
        QJsonDocument doc;
        Reply error;
        if (!parseJsonBody(r.body, doc, error))
            return error;
        const QJsonObject o = doc.object();
        const QString operation = o.value(QStringLiteral("operation")).toString();
        if (operation != QLatin1String("query") && operation != QLatin1String("queryAll"))
            return errorReply(400, "INVALIDJOB", QStringLiteral("InvalidJob : Invalid value for operation: '%1'; use query or queryAll").arg(operation));
        const QString delimiter = o.value(QStringLiteral("columnDelimiter")).toString(QStringLiteral("COMMA"));
        if (delimiter != QLatin1String("COMMA"))
            return errorReply(400, "INVALIDJOB", QStringLiteral("InvalidJob : tether-sim supports columnDelimiter COMMA only, not %1").arg(delimiter));
        const QString lineEnding = o.value(QStringLiteral("lineEnding")).toString(QStringLiteral("LF"));
        if (lineEnding != QLatin1String("LF") && lineEnding != QLatin1String("CRLF"))
            return errorReply(400, "INVALIDJOB", QStringLiteral("InvalidJob : Invalid lineEnding '%1'; use LF or CRLF").arg(lineEnding));
        SoqlError soqlError;
        auto parsed = parseSoql(o.value(QStringLiteral("query")).toString(), &soqlError);
        auto compiled = parsed ? compileSoql(*m_org, parsed, &soqlError) : nullptr;
        if (!compiled)
            return errorReply(400, soqlError.errorCode, soqlError.message);
        if (compiled->countOnly || compiled->aggregateCount)
            return errorReply(400, "API_ERROR", QStringLiteral("Aggregate queries (COUNT) are not supported by Bulk API 2.0 query"));
        if (parsed->offset > 0)
            return errorReply(400, "API_ERROR", QStringLiteral("OFFSET is not supported by Bulk API 2.0 query"));
        for (const ResolvedPath &p : compiled->select) {
            if (p.leaf && p.leaf->compound())
                return errorReply(400, "API_ERROR", QStringLiteral("Selecting compound data not supported in Bulk Query: %1").arg(p.leafName));
        }
        BulkJob job;
        job.id = makeId("750", m_nextJob++);
        job.operation = operation.toLatin1();
        job.query = compiled;
        job.rows = compiled->run(*m_org, operation == QLatin1String("queryAll"));
        job.createdBy = r.userId;
        job.createdMs = now;
        job.inProgressMs = now + m_options.bulkDelayMs / 5;
        job.completeMs = now + m_options.bulkDelayMs + qint64(job.rows.size()) / 2000;
        job.lineEnding = lineEnding.toLatin1();
        job.version = r.version;
        ++m_bulkJobsCreated;
        m_jobs.insert(job.id, job);
        return jsonReply(200, jobJson(job, false));
    }
    auto it = m_jobs.find(parts[0].toLatin1());
    if (it == m_jobs.end())
        return errorReply(404, "NOT_FOUND", QStringLiteral("The requested resource does not exist"));
    BulkJob &job = *it;
    if (parts.size() == 1) {
        if (r.method == "GET")
            return jsonReply(200, jobJson(job, true));
        if (r.method == "DELETE") {
            m_jobs.erase(it);
            Reply reply;
            reply.status = 204;
            return reply;
        }
        if (r.method == "PATCH") {
            QJsonDocument doc;
            Reply error;
            if (!parseJsonBody(r.body, doc, error))
                return error;
            if (doc.object().value(QStringLiteral("state")).toString() != QLatin1String("Aborted"))
                return errorReply(400, "INVALIDJOBSTATE", QStringLiteral("Only state Aborted can be set on a query job"));
            const QByteArray state = job.state(now);
            if (state == "JobComplete" || state == "Aborted")
                return errorReply(400, "INVALIDJOBSTATE", QStringLiteral("Job is already in a final state: %1").arg(QString::fromLatin1(state)));
            job.aborted = true;
            return jsonReply(200, jobJson(job, false));
        }
        return methodNotAllowed(r.method, {QStringLiteral("GET"), QStringLiteral("PATCH"), QStringLiteral("DELETE")});
    }
    if (parts.size() == 2 && parts[1] == QLatin1String("results")) {
        if (r.method != "GET")
            return methodNotAllowed(r.method, {QStringLiteral("GET")});
        const QByteArray state = job.state(now);
        if (state == "Aborted")
            return errorReply(400, "INVALIDJOBSTATE", QStringLiteral("The job was aborted; its results are not available."));
        if (state != "JobComplete")
            return errorReply(412, "JOB_NOT_COMPLETE", QStringLiteral("Job is not complete: its state is %1. Poll the job until JobComplete.").arg(QString::fromLatin1(state)));
        qint64 start = 0;
        const QString locator = r.query.queryItemValue(QStringLiteral("locator"));
        if (!locator.isEmpty()) {
            bool ok = false;
            start = QByteArray::fromBase64(locator.toLatin1(), QByteArray::Base64UrlEncoding).toLongLong(&ok);
            if (!ok || start <= 0 || start >= qint64(job.rows.size()))
                return errorReply(400, "INVALID_LOCATOR", QStringLiteral("Invalid locator: %1").arg(locator));
        }
        qint64 max = 100000;
        if (r.query.hasQueryItem(QStringLiteral("maxRecords"))) {
            bool ok = false;
            max = r.query.queryItemValue(QStringLiteral("maxRecords")).toLongLong(&ok);
            if (!ok || max <= 0)
                return errorReply(400, "INVALIDMAXRECORDS", QStringLiteral("maxRecords must be a positive integer"));
        }
        const qint64 end = std::min(qint64(job.rows.size()), start + max);
        // The page is built as it is sent, a few hundred kilobytes at a time.
        Reply reply;
        reply.contentType = "text/csv";
        reply.bodyParts = [query = job.query, rows = std::make_shared<const std::vector<int>>(job.rows.begin() + start, job.rows.begin() + end),
                           org = m_org.get(), crlf = job.lineEnding == "CRLF", next = size_t(0),
                           header = true](QByteArray &out) mutable {
            constexpr qsizetype PartBytes = 256 << 10;
            QByteArray part;
            if (std::exchange(header, false))
                query->appendCsvHeader(part);
            while (next < rows->size() && part.size() < PartBytes)
                query->appendCsv(part, *org, (*rows)[next++]);
            out += crlf ? part.replace("\n", "\r\n") : part;
            return next < rows->size();
        };
        reply.headers.append({"Sforce-NumberOfRecords", QByteArray::number(end - start)});
        reply.headers.append({"Sforce-Locator", end >= qint64(job.rows.size()) ? QByteArray("null") : QByteArray::number(end).toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals)});
        reply.recordsServed = end - start;
        m_bulkRecordsServed += end - start;
        return reply;
    }
    return notFound();
}

} // namespace tether::sim
