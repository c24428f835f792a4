#include "salesforce/compositeapi.h"

#include "salesforce/rawjson.h"

namespace tether::salesforce {

RequestId CompositeApi::composite(bool allOrNone, const QList<CompositeSubrequest> &subrequests, ApiCategory category,
                                  ApiRequest::Idempotency idempotency, RestClient::Callback<CompositeResult> done)
{
    QByteArray list;
    for (const CompositeSubrequest &s : subrequests) {
        if (!list.isEmpty())
            list += ',';
        list += "{\"method\":" + jsonString(s.method) + ",\"url\":" + jsonString(s.url) + ",\"referenceId\":" + jsonString(s.referenceId);
        if (!s.httpHeaders.isEmpty()) {
            QByteArray headers;
            for (auto it = s.httpHeaders.cbegin(); it != s.httpHeaders.cend(); ++it)
                headers += (headers.isEmpty() ? "" : ",") + jsonString(it.key()) + ':' + jsonString(it.value());
            list += ",\"httpHeaders\":{" + headers + '}';
        }
        if (!s.body.isEmpty())
            list += ",\"body\":" + s.body;
        list += '}';
    }
    ApiRequest rq;
    rq.method = "POST";
    rq.path = QStringLiteral("composite");
    rq.idempotency = idempotency;
    rq.body = "{\"allOrNone\":" + QByteArray(allOrNone ? "true" : "false") + ",\"compositeRequest\":[" + list + "]}";
    return m_client->send(rq, category, [done = std::move(done)](const ApiReply &r) {
        CompositeResult out;
        out.error = r.error;
        const RawJson json(r.body);
        const RawJson::Value *responses = r.ok() && json.ok() ? json.root().member("compositeResponse") : nullptr;
        if (responses) {
            for (const RawJson::Value &v : responses->elements) {
                CompositeSubresponse s;
                if (const RawJson::Value *ref = v.member("referenceId"))
                    s.referenceId = json.string(*ref);
                if (const RawJson::Value *status = v.member("httpStatusCode"))
                    s.httpStatusCode = json.rawText(*status).toInt();
                if (const RawJson::Value *body = v.member("body"))
                    s.body = json.rawText(*body);
                if (const RawJson::Value *headers = v.member("httpHeaders")) {
                    for (const RawJson::Member &m : headers->members)
                        s.httpHeaders.insert(QString::fromUtf8(m.key), json.string(m.value));
                }
                if (s.httpStatusCode >= 300 && s.httpStatusCode != 304)
                    s.error = SalesforceError::fromHttp(s.httpStatusCode, s.body);
                out.responses.append(s);
            }
        }
        done(out);
    });
}

namespace {
ApiRequest collectionsRequest(const QByteArray &method, bool allOrNone, const QByteArray &records)
{
    ApiRequest rq;
    rq.method = method;
    rq.path = QStringLiteral("composite/sobjects");
    rq.body = "{\"allOrNone\":" + QByteArray(allOrNone ? "true" : "false") + ",\"records\":" + records + '}';
    return rq;
}
} // namespace

RequestId CompositeApi::collectionsCreate(bool allOrNone, const QByteArray &records, RestClient::Callback<SaveResults> done)
{
    ApiRequest rq = collectionsRequest("POST", allOrNone, records);
    rq.idempotency = ApiRequest::Idempotency::Unsafe; // a second create makes second records
    return m_client->send(rq, ApiCategory::Write, [done = std::move(done)](const ApiReply &r) { done(saveResultsFrom(r)); });
}

RequestId CompositeApi::collectionsUpdate(bool allOrNone, const QByteArray &records, RestClient::Callback<SaveResults> done)
{
    return m_client->send(collectionsRequest("PATCH", allOrNone, records), ApiCategory::Write,
                          [done = std::move(done)](const ApiReply &r) { done(saveResultsFrom(r)); });
}

RequestId CompositeApi::collectionsDelete(bool allOrNone, const QStringList &ids, RestClient::Callback<SaveResults> done)
{
    ApiRequest rq;
    rq.method = "DELETE";
    rq.path = QStringLiteral("composite/sobjects");
    rq.query = {{QStringLiteral("ids"), ids.join(QLatin1Char(','))},
                {QStringLiteral("allOrNone"), allOrNone ? QStringLiteral("true") : QStringLiteral("false")}};
    return m_client->send(rq, ApiCategory::Write, [done = std::move(done)](const ApiReply &r) { done(saveResultsFrom(r)); });
}

RequestId CompositeApi::graph(const QByteArray &graphs, RestClient::Callback<JsonResult> done)
{
    ApiRequest rq;
    rq.method = "POST";
    rq.path = QStringLiteral("composite/graph");
    rq.idempotency = ApiRequest::Idempotency::Unsafe;
    rq.body = "{\"graphs\":" + graphs + '}';
    return m_client->send(rq, ApiCategory::Write, [done = std::move(done)](const ApiReply &r) { done(jsonResultFrom(r)); });
}

} // namespace tether::salesforce
