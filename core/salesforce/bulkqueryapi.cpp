#include "salesforce/bulkqueryapi.h"

#include "salesforce/apiresults.h"

namespace tether::salesforce {

namespace {

BulkJob jobFrom(const ApiReply &reply)
{
    BulkJob j;
    j.error = reply.error;
    if (reply.error)
        return j;
    j.json = reply.json().object();
    j.id = j.json.value(QLatin1String("id")).toString();
    j.operation = j.json.value(QLatin1String("operation")).toString();
    j.state = j.json.value(QLatin1String("state")).toString();
    j.numberRecordsProcessed = j.json.value(QLatin1String("numberRecordsProcessed")).toInteger();
    j.errorMessage = j.json.value(QLatin1String("errorMessage")).toString();
    return j;
}

} // namespace

bool BulkJob::isFinished() const
{
    return state == QLatin1String("JobComplete") || state == QLatin1String("Failed") || state == QLatin1String("Aborted");
}

RequestId BulkQueryApi::createJob(const QString &soql, bool queryAll, ApiCategory category, RestClient::Callback<BulkJob> done)
{
    ApiRequest rq;
    rq.method = "POST";
    rq.path = QStringLiteral("jobs/query");
    rq.idempotency = ApiRequest::Idempotency::Safe; // a second job only reads the same records again
    rq.body = jsonBody(QJsonObject{{QStringLiteral("operation"), queryAll ? QStringLiteral("queryAll") : QStringLiteral("query")},
                                   {QStringLiteral("query"), soql}});
    return m_client->send(rq, category, [done = std::move(done)](const ApiReply &r) { done(jobFrom(r)); });
}

RequestId BulkQueryApi::job(const QString &jobId, ApiCategory category, RestClient::Callback<BulkJob> done)
{
    ApiRequest rq;
    rq.path = QStringLiteral("jobs/query/%1").arg(jobId);
    return m_client->send(rq, category, [done = std::move(done)](const ApiReply &r) { done(jobFrom(r)); });
}

RequestId BulkQueryApi::results(const QString &jobId, const QString &locator, qint64 maxRecords, ApiCategory category,
                                RestClient::Callback<BulkResultsPage> done)
{
    return results(jobId, locator, maxRecords, category, nullptr, std::move(done));
}

RequestId BulkQueryApi::results(const QString &jobId, const QString &locator, qint64 maxRecords, ApiCategory category,
                                std::function<bool(const char *data, qsizetype size)> sink,
                                RestClient::Callback<BulkResultsPage> done,
                                std::function<void(const QString &nextLocator)> nextLocatorSeen)
{
    ApiRequest rq;
    rq.path = QStringLiteral("jobs/query/%1/results").arg(jobId);
    if (maxRecords > 0)
        rq.query.append(QPair<QString, QString>(QStringLiteral("maxRecords"), QString::number(maxRecords)));
    if (!locator.isEmpty())
        rq.query.append(QPair<QString, QString>(QStringLiteral("locator"), locator));
    rq.headers.append(QPair<QByteArray, QByteArray>("Accept", "text/csv"));
    rq.bodySink = std::move(sink);
    if (rq.bodySink && nextLocatorSeen) {
        rq.headersSeen = [seen = std::move(nextLocatorSeen)](const QList<QPair<QByteArray, QByteArray>> &headers) {
            for (const auto &[name, value] : headers) {
                if (name.compare("Sforce-Locator", Qt::CaseInsensitive) == 0) {
                    const QByteArray loc = value.trimmed();
                    return seen(loc == "null" ? QString() : QString::fromLatin1(loc));
                }
            }
        };
    }
    // A large page streamed at the pace of COPY takes longer than a JSON answer.
    if (rq.bodySink)
        rq.timeoutMs = 30 * 60 * 1000;
    return m_client->send(rq, category, [done = std::move(done)](const ApiReply &r) {
        BulkResultsPage page;
        page.error = r.error;
        if (r.ok()) {
            page.csv = r.body;
            const QByteArray loc = r.header("Sforce-Locator").trimmed();
            // The last page says the literal "null".
            page.locator = loc == "null" ? QString() : QString::fromLatin1(loc);
            page.numberOfRecords = r.header("Sforce-NumberOfRecords").trimmed().toLongLong();
        }
        done(page);
    });
}

RequestId BulkQueryApi::abort(const QString &jobId, ApiCategory category, RestClient::Callback<BulkJob> done)
{
    ApiRequest rq;
    rq.method = "PATCH";
    rq.path = QStringLiteral("jobs/query/%1").arg(jobId);
    rq.body = jsonBody(QJsonObject{{QStringLiteral("state"), QStringLiteral("Aborted")}});
    return m_client->send(rq, category, [done = std::move(done)](const ApiReply &r) { done(jobFrom(r)); });
}

} // namespace tether::salesforce
