// SObjectApi: the org's metadata and single records — API versions, limits,
// describes (with If-Modified-Since), retrieve, create, update and delete
// (with If-Unmodified-Since), upsert by external id, and the replication
// windows (updated/deleted). Write bodies are JSON text, so callers can keep
// numbers exact; a create is Unsafe to resend, updates and deletes are not.
#pragma once

#include "salesforce/apiresults.h"

#include <QJsonObject>

namespace tether::salesforce {

struct DescribeResult
{
    SalesforceError error;
    bool notModified = false; // 304 to If-Modified-Since
    QJsonObject json;
    QString lastModified; // the Last-Modified header, for the next If-Modified-Since
};

class SObjectApi
{
public:
    explicit SObjectApi(RestClient *client) : m_client(client) {}

    RequestId versions(RestClient::Callback<JsonResult> done); // GET /services/data/ (no auth)
    RequestId limits(RestClient::Callback<JsonResult> done);   // also feeds the ApiBudget
    RequestId describeGlobal(const QDateTime &ifModifiedSince, RestClient::Callback<DescribeResult> done);
    RequestId describe(const QString &object, const QDateTime &ifModifiedSince, RestClient::Callback<DescribeResult> done);

    RequestId retrieve(const QString &object, const QString &id, const QStringList &fields, ApiCategory category,
                       RestClient::Callback<JsonResult> done);
    // The org's name (Organization.Name; no login answer carries it): one
    // retrieve of the Organization record whose Id is the org's.
    RequestId organizationName(const QString &orgId, std::function<void(const QString &name, const SalesforceError &)> done);
    // `fields`: a JSON object as text. `ifUnmodifiedSince` valid → conditional; 412 when the record changed since.
    RequestId create(const QString &object, const QByteArray &fields, RestClient::Callback<SaveResult> done);
    RequestId update(const QString &object, const QString &id, const QByteArray &fields,
                     const QDateTime &ifUnmodifiedSince, RestClient::Callback<SaveResult> done);
    RequestId remove(const QString &object, const QString &id, const QDateTime &ifUnmodifiedSince,
                     RestClient::Callback<SaveResult> done);
    RequestId upsert(const QString &object, const QString &externalIdField, const QString &value, const QByteArray &fields,
                     RestClient::Callback<SaveResult> done);

    // Replication: {"ids","latestDateCovered"} / {"deletedRecords",...}.
    RequestId getUpdated(const QString &object, const QDateTime &start, const QDateTime &end, ApiCategory category,
                         RestClient::Callback<JsonResult> done);
    RequestId getDeleted(const QString &object, const QDateTime &start, const QDateTime &end, ApiCategory category,
                         RestClient::Callback<JsonResult> done);

private:
    RestClient *m_client;
};

} // namespace tether::salesforce
