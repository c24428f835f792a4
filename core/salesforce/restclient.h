// RestClient: every REST and Bulk 2.0 call Tether makes to one org.
//
// Asynchronous on its own QNetworkAccessManager; construct it in the thread that
// will use it (e.g. the sync worker): every callback and signal arrives on that
// thread. Each request takes a token from the org's shared RateLimiter (Write
// first), is counted in the org's ApiBudget, and:
//  - is retried with exponential backoff and jitter on network errors, timeouts,
//    5xx, SERVER_UNAVAILABLE and UNABLE_TO_LOCK_ROW — never on validation errors.
//    A POST is not retried after a timeout or a dropped connection, because
//    Salesforce may have applied it (creates are not idempotent). Note that Qt
//    itself resends any request once when a kept-alive connection closes before
//    the first byte of the answer; that case is indistinguishable here.
//  - on 401 INVALID_SESSION_ID asks the OrgSession for a new access token (one
//    single-flight refresh shared by all requests in flight, on every thread)
//    and is retried once; if the refresh is refused the request fails with
//    LoginRequired and loginRequired() is emitted.
//  - has an explicit timeout (ApiRequest::timeoutMs) and can be cancelled.
#pragma once

#include "salesforce/apicategory.h"
#include "salesforce/salesforceerror.h"

#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPointer>
#include <functional>

class QNetworkAccessManager;
class QNetworkReply;
class QTimer;

namespace tether::salesforce {

class ApiBudget;
class OrgSession;
class RateLimiter;

using RequestId = quint64; // 0 = none

struct ApiRequest
{
    QByteArray method = "GET";
    // "/services/..." is taken relative to the instance URL; anything else
    // relative to the data path, e.g. "sobjects/Account/describe".
    QString path;
    QList<QPair<QString, QString>> query; // decoded names and values; encoded when sent
    QByteArray body;
    QByteArray contentType = "application/json";
    QList<QPair<QByteArray, QByteArray>> headers; // extra request headers
    int timeoutMs = 120000; // whole request, per attempt
    int maxAttempts = 0;    // 0 = the client's RetryPolicy
    bool authenticated = true; // false for GET /services/data/
};

struct ApiReply
{
    int httpStatus = 0;
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers; // raw response headers
    SalesforceError error; // kind None for 2xx and 304
    int attempts = 0;      // how many times it was sent

    bool ok() const { return !error; }
    QJsonDocument json() const { return QJsonDocument::fromJson(body); }
    QByteArray header(const QByteArray &name) const; // case-insensitive, empty if absent
};

struct RetryPolicy
{
    int maxAttempts = 4;      // first try included
    int baseDelayMs = 500;    // doubled per attempt, with jitter in [d/2, d]
    int maxDelayMs = 30000;
};

// --- typed results --------------------------------------------------------

struct JsonResult
{
    SalesforceError error;
    int httpStatus = 0;
    QJsonDocument json;
};

struct DescribeResult
{
    SalesforceError error;
    bool notModified = false; // 304 to If-Modified-Since
    QJsonObject json;
};

struct QueryResult
{
    SalesforceError error;
    qint64 totalSize = 0;
    bool done = true;
    QString nextRecordsUrl; // empty when done
    QJsonArray records;
};

struct SaveResult // one record of a create/update/upsert/delete or collection
{
    QString id;
    bool success = false;
    bool created = false; // upsert: 201 vs 200
    QList<SalesforceError> errors; // collections: from `statusCode`
};

struct SaveResults
{
    SalesforceError error; // the request itself failed (HTTP or network)
    QList<SaveResult> results;
};

struct CompositeSubrequest
{
    QString method;      // "GET", "POST", "PATCH", "DELETE"
    QString url;         // "/services/data/v59.0/sobjects/Account"
    QString referenceId; // usable as @{referenceId.id} later
    QJsonValue body;     // undefined = none
    QHash<QString, QString> httpHeaders;
};

struct CompositeSubresponse
{
    QString referenceId;
    int httpStatusCode = 0;
    QJsonValue body;
    QHash<QString, QString> httpHeaders;
    SalesforceError error; // parsed from body when httpStatusCode >= 300
};

struct CompositeResult
{
    SalesforceError error;
    QList<CompositeSubresponse> responses;
};

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

class RestClient : public QObject
{
    Q_OBJECT
public:
    // `session` must outlive the client; `limiter` and `budget` may be null
    // (no rate limiting / no accounting) and are shared by all clients of the org.
    RestClient(OrgSession *session, RateLimiter *limiter, ApiBudget *budget,
               QObject *parent = nullptr);
    ~RestClient() override; // pending callbacks are dropped, not called

    void setRetryPolicy(const RetryPolicy &policy);
    RetryPolicy retryPolicy() const;
    OrgSession *session() const { return m_session; }
    RateLimiter *limiter() const;
    ApiBudget *budget() const;

    using ReplyCallback = std::function<void(const ApiReply &)>;

    // The general form. `done` runs exactly once on this object's thread, also
    // for cancel() (kind Cancelled) — but never after the client is destroyed.
    RequestId send(const ApiRequest &request, ApiCategory category, ReplyCallback done);
    bool cancel(RequestId id);
    void cancelAll();
    int pendingCount() const;

    // --- typed helpers ---------------------------------------------------
    template<class R> using Callback = std::function<void(const R &)>;

    RequestId versions(Callback<JsonResult> done); // GET /services/data/ (no auth)
    RequestId limits(Callback<JsonResult> done);   // also feeds the ApiBudget
    RequestId describeGlobal(const QDateTime &ifModifiedSince, Callback<DescribeResult> done);
    RequestId describeSObject(const QString &object, const QDateTime &ifModifiedSince,
                              Callback<DescribeResult> done);

    // batchSize 200..2000 (Sforce-Query-Options), 0 = Salesforce's default.
    RequestId query(const QString &soql, int batchSize, ApiCategory category, Callback<QueryResult> done);
    RequestId queryAll(const QString &soql, int batchSize, ApiCategory category, Callback<QueryResult> done);
    RequestId queryMore(const QString &nextRecordsUrl, int batchSize, ApiCategory category,
                        Callback<QueryResult> done);

    // Replication: raw JSON ({"ids","latestDateCovered"} / {"deletedRecords",...}).
    RequestId getUpdated(const QString &object, const QDateTime &start, const QDateTime &end,
                         ApiCategory category, Callback<JsonResult> done);
    RequestId getDeleted(const QString &object, const QDateTime &start, const QDateTime &end,
                         ApiCategory category, Callback<JsonResult> done);

    // Single records (Write category unless stated). `ifUnmodifiedSince` valid →
    // conditional request; 412 when the record changed since.
    RequestId retrieve(const QString &object, const QString &id, const QStringList &fields,
                       ApiCategory category, Callback<JsonResult> done);
    RequestId create(const QString &object, const QJsonObject &fields, Callback<SaveResult> done);
    RequestId update(const QString &object, const QString &id, const QJsonObject &fields,
                     const QDateTime &ifUnmodifiedSince, Callback<SaveResult> done);
    RequestId remove(const QString &object, const QString &id, const QDateTime &ifUnmodifiedSince,
                     Callback<SaveResult> done);
    RequestId upsert(const QString &object, const QString &externalIdField, const QString &value,
                     const QJsonObject &fields, Callback<SaveResult> done);

    // Composite: at most 25 subrequests, one API call.
    RequestId composite(bool allOrNone, const QList<CompositeSubrequest> &subrequests,
                        ApiCategory category, Callback<CompositeResult> done);
    // sObject collections, at most 200 records; each record needs attributes.type.
    RequestId collectionsCreate(bool allOrNone, const QJsonArray &records, Callback<SaveResults> done);
    RequestId collectionsUpdate(bool allOrNone, const QJsonArray &records, Callback<SaveResults> done);
    RequestId collectionsDelete(bool allOrNone, const QStringList &ids, Callback<SaveResults> done);
    // Composite graph: `graphs` is the "graphs" array; answer is the raw JSON.
    RequestId compositeGraph(const QJsonArray &graphs, Callback<JsonResult> done);

    // Bulk API 2.0 query jobs (category Backfill unless stated).
    RequestId createQueryJob(const QString &soql, bool queryAll, Callback<BulkJob> done,
                             ApiCategory category = ApiCategory::Backfill);
    RequestId getQueryJob(const QString &jobId, Callback<BulkJob> done,
                          ApiCategory category = ApiCategory::Backfill);
    // locator empty = first page; maxRecords 0 = Salesforce's default.
    RequestId getQueryJobResults(const QString &jobId, const QString &locator, qint64 maxRecords,
                                 Callback<BulkResultsPage> done,
                                 ApiCategory category = ApiCategory::Backfill);
    RequestId abortQueryJob(const QString &jobId, Callback<BulkJob> done,
                            ApiCategory category = ApiCategory::Backfill);

public slots:
    // GET /limits in category Other (allowed while background is paused); wire
    // ApiBudget::probeRequested to this on one client per org.
    void probeLimits();

signals:
    // A refresh was refused: the person must log in again (also on OrgSession).
    void loginRequired(const tether::salesforce::SalesforceError &reason);

private:
    struct Pending;
    void dispatch(RequestId id);        // acquire a token, then transmit
    void transmit(RequestId id);        // put it on the wire
    void onFinished(RequestId id, QNetworkReply *reply);
    void onTimeout(RequestId id);
    void complete(RequestId id, ApiReply reply);
    void scheduleRetry(RequestId id, const SalesforceError &why);
    bool mayRetry(const Pending &p, const SalesforceError &error, bool requestMayHaveArrived) const;
    QUrl urlFor(const ApiRequest &request) const;

    RequestId queryImpl(const QString &resource, const QString &soql, int batchSize,
                        ApiCategory category, Callback<QueryResult> done);
    RequestId sendJson(const QByteArray &method, const QString &path, const QJsonDocument &body,
                       ApiCategory category, Callback<JsonResult> done,
                       const QList<QPair<QByteArray, QByteArray>> &headers = {});

    OrgSession *m_session;
    QPointer<RateLimiter> m_limiter;
    QPointer<ApiBudget> m_budget;
    QNetworkAccessManager *m_nam;
    RetryPolicy m_policy;
    RequestId m_nextId = 1;
    QHash<RequestId, Pending *> m_pending;
};

} // namespace tether::salesforce
