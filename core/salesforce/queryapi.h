// QueryApi: SOQL through REST — query, queryAll (soft-deleted rows too),
// the next pages of a result, and COUNT(). Records stay in the raw answer and
// are read with RawJson, so an 18-digit currency value arrives as its digits.
#pragma once

#include "salesforce/rawjson.h"
#include "salesforce/restclient.h"

#include <memory>

namespace tether::salesforce {

struct QueryResult
{
    SalesforceError error;
    qint64 totalSize = 0;
    bool done = true;
    QString nextRecordsUrl; // empty when done
    std::shared_ptr<const RawJson> json; // the whole answer; null on error
    // The records array inside `json` (null when there is none).
    const RawJson::Value *records() const;
};

class QueryApi
{
public:
    explicit QueryApi(RestClient *client) : m_client(client) {}

    // batchSize 200..2000 (Sforce-Query-Options), 0 = Salesforce's default.
    RequestId query(const QString &soql, int batchSize, ApiCategory category, RestClient::Callback<QueryResult> done);
    RequestId queryAll(const QString &soql, int batchSize, ApiCategory category, RestClient::Callback<QueryResult> done);
    RequestId queryMore(const QString &nextRecordsUrl, int batchSize, ApiCategory category,
                        RestClient::Callback<QueryResult> done);
    // SELECT COUNT() FROM <object> [WHERE ...]: `done` gets totalSize.
    RequestId count(const QString &soql, ApiCategory category, RestClient::Callback<QueryResult> done);

private:
    RequestId run(const QString &resource, const QString &soql, int batchSize, ApiCategory category,
                  RestClient::Callback<QueryResult> done);
    RestClient *m_client;
};

} // namespace tether::salesforce
