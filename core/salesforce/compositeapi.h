// CompositeApi: several operations in one API call — /composite (up to 25
// subrequests, later ones may use @{ref.id}), sObject collections (up to 200
// records: create, update, delete) and /composite/graph (up to 500 nodes per
// graph, each graph one Salesforce transaction). Bodies go and come as JSON
// text, so numbers stay exact.
#pragma once

#include "salesforce/apiresults.h"

#include <QHash>

namespace tether::salesforce {

struct CompositeSubrequest
{
    QString method;      // "GET", "POST", "PATCH", "DELETE"
    QString url;         // "/services/data/v59.0/sobjects/Account"
    QString referenceId; // usable as @{referenceId.id} later
    QByteArray body;     // JSON text; empty = none
    QHash<QString, QString> httpHeaders;
};

struct CompositeSubresponse
{
    QString referenceId;
    int httpStatusCode = 0;
    QByteArray body; // JSON text as sent
    QHash<QString, QString> httpHeaders;
    SalesforceError error; // parsed from body when httpStatusCode >= 300 (and not 304)
};

struct CompositeResult
{
    SalesforceError error;
    QList<CompositeSubresponse> responses;
};

class CompositeApi
{
public:
    explicit CompositeApi(RestClient *client) : m_client(client) {}

    // One API call. `idempotency`: Safe when every subrequest only reads.
    RequestId composite(bool allOrNone, const QList<CompositeSubrequest> &subrequests, ApiCategory category,
                        ApiRequest::Idempotency idempotency, RestClient::Callback<CompositeResult> done);
    // `records`: a JSON array of records, each with attributes.type (and Id for updates).
    RequestId collectionsCreate(bool allOrNone, const QByteArray &records, RestClient::Callback<SaveResults> done);
    RequestId collectionsUpdate(bool allOrNone, const QByteArray &records, RestClient::Callback<SaveResults> done);
    RequestId collectionsDelete(bool allOrNone, const QStringList &ids, RestClient::Callback<SaveResults> done);
    // `graphs`: the JSON array for "graphs"; the answer is the raw JSON.
    RequestId graph(const QByteArray &graphs, RestClient::Callback<JsonResult> done);

private:
    RestClient *m_client;
};

} // namespace tether::salesforce
