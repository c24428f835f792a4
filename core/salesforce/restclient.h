// RestClient: the transport every REST and Bulk 2.0 call to one org goes
// through. The calls themselves are typed modules on top of it (QueryApi,
// BulkQueryApi, SObjectApi, CompositeApi), whose results keep numbers exact.
//
// Asynchronous on its own QNetworkAccessManager; construct it in the thread that
// will use it (e.g. the sync worker): every callback and signal arrives on that
// thread. Each request takes a token from the org's shared RateLimiter (Write
// first), is counted in the org's ApiBudget, and:
//  - is retried with exponential backoff and jitter on network errors, timeouts,
//    5xx, SERVER_UNAVAILABLE and UNABLE_TO_LOCK_ROW — never on validation errors.
//    A request that is not safe to repeat (ApiRequest::idempotency; a create
//    is not) is not resent after a timeout or a dropped connection that may
//    have come after Salesforce applied it: it fails with OutcomeUnknown, and
//    the caller finds out by reading back. Note that Qt itself resends any
//    request once when a kept-alive connection closes before the first byte of
//    the answer; that case is indistinguishable here.
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
    // false: Qt must not send the body a second time by itself when a
    // connection closes before the answer (it does so for any method); the
    // request then fails as a network error whose outcome is unknown. For
    // writes that must never be applied twice.
    bool transportMayResend = true;
    bool authenticated = true; // false for GET /services/data/
    // Whether sending it twice does no harm: a POST of reads (/composite of
    // GETs, a Bulk query job) is Safe, a create is Unsafe. ByMethod: GET,
    // HEAD, PUT, PATCH and DELETE are safe, POST is not.
    enum class Idempotency { ByMethod, Safe, Unsafe };
    Idempotency idempotency = Idempotency::ByMethod;
    bool isIdempotent() const;
    // When set, the body of a 2xx answer is handed to this function as it
    // arrives instead of being collected in ApiReply::body (a Bulk results
    // page streamed into COPY), and at most `streamBufferBytes` of it wait in
    // memory. Returning false stops the request (it fails, kind Network,
    // code STREAM_STOPPED). Once a byte was handed over it is not retried.
    std::function<bool(const char *data, qsizetype size)> bodySink;
    qint64 streamBufferBytes = 4 << 20;
    // With bodySink: called once with a 2xx answer's headers, before its first
    // byte goes to the sink (a Bulk page's locator names the next page early).
    std::function<void(const QList<QPair<QByteArray, QByteArray>> &headers)> headersSeen;
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
    template<class R> using Callback = std::function<void(const R &)>;

    // The general form. `done` runs exactly once on this object's thread, also
    // for cancel() (kind Cancelled) — but never after the client is destroyed.
    RequestId send(const ApiRequest &request, ApiCategory category, ReplyCallback done);
    bool cancel(RequestId id);
    void cancelAll();
    int pendingCount() const;

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
    bool streamBody(Pending *p, QNetworkReply *reply); // false: the sink stopped it
    void onTimeout(RequestId id);
    void complete(RequestId id, ApiReply reply);
    void scheduleRetry(RequestId id, const SalesforceError &why);
    bool mayRetry(const Pending &p, const SalesforceError &error) const;
    QUrl urlFor(const ApiRequest &request) const;


    OrgSession *m_session;
    QPointer<RateLimiter> m_limiter;
    QPointer<ApiBudget> m_budget;
    QNetworkAccessManager *m_nam;
    RetryPolicy m_policy;
    RequestId m_nextId = 1;
    QHash<RequestId, Pending *> m_pending;
    // Where streamBody() reads a body's bytes before handing them to the sink:
    // one buffer for every streamed reply, so a page does not allocate (and
    // fault in) fresh memory for each piece it reads.
    QByteArray m_streamBuffer;
};

} // namespace tether::salesforce
