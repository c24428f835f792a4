// BulkQueryApi: Bulk API 2.0 query jobs — create, check, read results pages
// (CSV, columns in SELECT order), abort. Creating a job is safe to repeat
// (it only reads), so it is resent after a lost answer like a GET.
#pragma once

#include "salesforce/restclient.h"

#include <QJsonObject>

namespace tether::salesforce {

struct BulkJob
{
    SalesforceError error;
    QString id;
    QString operation; // query / queryAll
    QString state;     // UploadComplete, InProgress, JobComplete, Failed, Aborted
    qint64 numberRecordsProcessed = 0;
    QString errorMessage;
    QJsonObject json;
    bool isFinished() const;
};

struct BulkResultsPage
{
    SalesforceError error;
    QByteArray csv;    // header line + rows, columns in SELECT order
    QString locator;   // empty on the last page (Salesforce sends "null")
    qint64 numberOfRecords = 0;
    bool isLastPage() const { return locator.isEmpty(); }
};

class BulkQueryApi
{
public:
    explicit BulkQueryApi(RestClient *client) : m_client(client) {}

    RequestId createJob(const QString &soql, bool queryAll, ApiCategory category, RestClient::Callback<BulkJob> done);
    RequestId job(const QString &jobId, ApiCategory category, RestClient::Callback<BulkJob> done);
    // locator empty = first page; maxRecords 0 = Salesforce's default.
    RequestId results(const QString &jobId, const QString &locator, qint64 maxRecords, ApiCategory category,
                      RestClient::Callback<BulkResultsPage> done);
    // The same, with the CSV handed to `sink` as it arrives (page.csv stays
    // empty): a page of any size passes through bounded memory.
    // `nextLocatorSeen` hears the next page's locator (empty: this is the
    // last) as soon as the answer's headers arrive, before the CSV.
    RequestId results(const QString &jobId, const QString &locator, qint64 maxRecords, ApiCategory category,
                      std::function<bool(const char *data, qsizetype size)> sink, RestClient::Callback<BulkResultsPage> done,
                      std::function<void(const QString &nextLocator)> nextLocatorSeen = {});
    RequestId abort(const QString &jobId, ApiCategory category, RestClient::Callback<BulkJob> done);

private:
    RestClient *m_client;
};

} // namespace tether::salesforce
