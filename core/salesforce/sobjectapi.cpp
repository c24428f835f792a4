#include "salesforce/sobjectapi.h"

#include "salesforce/apibudget.h"

#include <QPointer>
#include <QUrl>

namespace tether::salesforce {

namespace {

// Replication windows: "2024-05-20T20:49:32+00:00", seconds as Salesforce wants.
QString replicationDate(const QDateTime &t) { return t.toUTC().toString(QStringLiteral("yyyy-MM-dd'T'HH:mm:ss'+00:00'")); }

RestClient::ReplyCallback describeCallback(RestClient::Callback<DescribeResult> done)
{
    return [done = std::move(done)](const ApiReply &r) {
        DescribeResult out;
        out.error = r.error;
        out.notModified = r.httpStatus == 304;
        if (r.ok() && !out.notModified)
            out.json = r.json().object();
        out.lastModified = QString::fromLatin1(r.header("Last-Modified"));
        done(out);
    };
}

ApiRequest conditional(ApiRequest rq, const QDateTime &ifUnmodifiedSince)
{
    if (ifUnmodifiedSince.isValid())
        rq.headers.append(QPair<QByteArray, QByteArray>("If-Unmodified-Since", httpDate(ifUnmodifiedSince)));
    return rq;
}

} // namespace

RequestId SObjectApi::versions(RestClient::Callback<JsonResult> done)
{
    ApiRequest rq;
    rq.path = QStringLiteral("/services/data/");
    rq.authenticated = false;
    return m_client->send(rq, ApiCategory::Other, [done = std::move(done)](const ApiReply &r) { done(jsonResultFrom(r)); });
}

RequestId SObjectApi::limits(RestClient::Callback<JsonResult> done)
{
    ApiRequest rq;
    rq.path = QStringLiteral("limits");
    QPointer<ApiBudget> budget = m_client->budget();
    return m_client->send(rq, ApiCategory::Other, [done = std::move(done), budget](const ApiReply &r) {
        const JsonResult result = jsonResultFrom(r);
        if (r.ok() && budget)
            budget->updateFromLimits(result.json().object());
        done(result);
    });
}

RequestId SObjectApi::describeGlobal(const QDateTime &ifModifiedSince, RestClient::Callback<DescribeResult> done)
{
    ApiRequest rq;
    rq.path = QStringLiteral("sobjects");
    if (ifModifiedSince.isValid())
        rq.headers.append(QPair<QByteArray, QByteArray>("If-Modified-Since", httpDate(ifModifiedSince)));
    return m_client->send(rq, ApiCategory::Schema, describeCallback(std::move(done)));
}

RequestId SObjectApi::describe(const QString &object, const QDateTime &ifModifiedSince, RestClient::Callback<DescribeResult> done)
{
    ApiRequest rq;
    rq.path = QStringLiteral("sobjects/%1/describe").arg(object);
    if (ifModifiedSince.isValid())
        rq.headers.append(QPair<QByteArray, QByteArray>("If-Modified-Since", httpDate(ifModifiedSince)));
    return m_client->send(rq, ApiCategory::Schema, describeCallback(std::move(done)));
}

RequestId SObjectApi::retrieve(const QString &object, const QString &id, const QStringList &fields, ApiCategory category,
                               RestClient::Callback<JsonResult> done)
{
    ApiRequest rq;
    rq.path = QStringLiteral("sobjects/%1/%2").arg(object, id);
    if (!fields.isEmpty())
        rq.query.append(QPair<QString, QString>(QStringLiteral("fields"), fields.join(QLatin1Char(','))));
    return m_client->send(rq, category, [done = std::move(done)](const ApiReply &r) { done(jsonResultFrom(r)); });
}

RequestId SObjectApi::organizationName(const QString &orgId,
                                       std::function<void(const QString &name, const SalesforceError &)> done)
{
    return retrieve(QStringLiteral("Organization"), orgId, {QStringLiteral("Name")}, ApiCategory::Schema,
                    [done = std::move(done)](const JsonResult &result) {
                        done(result.error ? QString() : result.json().object().value(QLatin1String("Name")).toString(),
                             result.error);
                    });
}

RequestId SObjectApi::create(const QString &object, const QByteArray &fields, RestClient::Callback<SaveResult> done)
{
    ApiRequest rq;
    rq.method = "POST";
    rq.path = QStringLiteral("sobjects/%1").arg(object);
    rq.body = fields;
    rq.idempotency = ApiRequest::Idempotency::Unsafe; // a second create makes a second record
    return m_client->send(rq, ApiCategory::Write, [done = std::move(done)](const ApiReply &r) { done(saveResultFrom(r)); });
}

RequestId SObjectApi::update(const QString &object, const QString &id, const QByteArray &fields,
                             const QDateTime &ifUnmodifiedSince, RestClient::Callback<SaveResult> done)
{
    ApiRequest rq;
    rq.method = "PATCH";
    rq.path = QStringLiteral("sobjects/%1/%2").arg(object, id);
    rq.body = fields;
    return m_client->send(conditional(rq, ifUnmodifiedSince), ApiCategory::Write, [done = std::move(done), id](const ApiReply &r) {
        SaveResult s = saveResultFrom(r);
        if (s.id.isEmpty())
            s.id = id;
        done(s);
    });
}

RequestId SObjectApi::remove(const QString &object, const QString &id, const QDateTime &ifUnmodifiedSince,
                             RestClient::Callback<SaveResult> done)
{
    ApiRequest rq;
    rq.method = "DELETE";
    rq.path = QStringLiteral("sobjects/%1/%2").arg(object, id);
    return m_client->send(conditional(rq, ifUnmodifiedSince), ApiCategory::Write, [done = std::move(done), id](const ApiReply &r) {
        SaveResult s = saveResultFrom(r);
        s.id = id;
        done(s);
    });
}

RequestId SObjectApi::upsert(const QString &object, const QString &externalIdField, const QString &value,
                             const QByteArray &fields, RestClient::Callback<SaveResult> done)
{
    ApiRequest rq;
    rq.method = "PATCH"; // by external id: repeating it finds the same record
    rq.path = QStringLiteral("sobjects/%1/%2/%3").arg(object, externalIdField, QString::fromLatin1(QUrl::toPercentEncoding(value)));
    rq.body = fields;
    return m_client->send(rq, ApiCategory::Write, [done = std::move(done)](const ApiReply &r) { done(saveResultFrom(r)); });
}

RequestId SObjectApi::getUpdated(const QString &object, const QDateTime &start, const QDateTime &end, ApiCategory category,
                                 RestClient::Callback<JsonResult> done)
{
    ApiRequest rq;
    rq.path = QStringLiteral("sobjects/%1/updated/").arg(object);
    rq.query = {{QStringLiteral("start"), replicationDate(start)}, {QStringLiteral("end"), replicationDate(end)}};
    return m_client->send(rq, category, [done = std::move(done)](const ApiReply &r) { done(jsonResultFrom(r)); });
}

RequestId SObjectApi::getDeleted(const QString &object, const QDateTime &start, const QDateTime &end, ApiCategory category,
                                 RestClient::Callback<JsonResult> done)
{
    ApiRequest rq;
    rq.path = QStringLiteral("sobjects/%1/deleted/").arg(object);
    rq.query = {{QStringLiteral("start"), replicationDate(start)}, {QStringLiteral("end"), replicationDate(end)}};
    return m_client->send(rq, category, [done = std::move(done)](const ApiReply &r) { done(jsonResultFrom(r)); });
}

} // namespace tether::salesforce
