#include "salesforce/queryapi.h"

namespace tether::salesforce {

const RawJson::Value *QueryResult::records() const
{
    return json && json->ok() ? json->root().member("records") : nullptr;
}

RequestId QueryApi::run(const QString &resource, const QString &soql, int batchSize, ApiCategory category,
                        RestClient::Callback<QueryResult> done)
{
    ApiRequest rq;
    rq.path = resource;
    if (!soql.isNull())
        rq.query.append(QPair<QString, QString>(QStringLiteral("q"), soql));
    if (batchSize > 0)
        rq.headers.append(QPair<QByteArray, QByteArray>("Sforce-Query-Options",
                                                        "batchSize=" + QByteArray::number(qBound(200, batchSize, 2000))));
    return m_client->send(rq, category, [done = std::move(done)](const ApiReply &r) {
        QueryResult out;
        out.error = r.error;
        if (r.ok()) {
            auto json = std::make_shared<RawJson>(r.body);
            if (!json->ok()) {
                out.error = SalesforceError::make(SalesforceError::Kind::Http,
                                                  QStringLiteral("an unreadable query answer: %1").arg(json->errorString()),
                                                  QStringLiteral("UNREADABLE_ANSWER"), r.httpStatus);
            } else {
                const RawJson::Value &root = json->root();
                if (const RawJson::Value *total = root.member("totalSize"))
                    out.totalSize = json->rawText(*total).toLongLong();
                if (const RawJson::Value *doneFlag = root.member("done"))
                    out.done = doneFlag->type != RawJson::Type::Bool || doneFlag->boolean;
                if (const RawJson::Value *next = root.member("nextRecordsUrl"); next && !next->isNull())
                    out.nextRecordsUrl = json->string(*next);
                out.json = std::move(json);
            }
        }
        done(out);
    });
}

RequestId QueryApi::query(const QString &soql, int batchSize, ApiCategory category, RestClient::Callback<QueryResult> done)
{
    return run(QStringLiteral("query"), soql, batchSize, category, std::move(done));
}

RequestId QueryApi::queryAll(const QString &soql, int batchSize, ApiCategory category, RestClient::Callback<QueryResult> done)
{
    return run(QStringLiteral("queryAll"), soql, batchSize, category, std::move(done));
}

RequestId QueryApi::queryMore(const QString &nextRecordsUrl, int batchSize, ApiCategory category,
                              RestClient::Callback<QueryResult> done)
{
    return run(nextRecordsUrl, QString(), batchSize, category, std::move(done));
}

RequestId QueryApi::count(const QString &soql, ApiCategory category, RestClient::Callback<QueryResult> done)
{
    return run(QStringLiteral("query"), soql, 0, category, std::move(done));
}

} // namespace tether::salesforce
