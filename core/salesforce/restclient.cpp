#include "salesforce/restclient.h"

#include "logging.h"
#include "salesforce/apibudget.h"
#include "salesforce/orgsession.h"
#include "salesforce/ratelimiter.h"
#include "salesforce/redact.h"

#include <QCoreApplication>
#include <QLocale>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QTimer>

namespace tether::salesforce {

namespace {

// A request body that can be read once: sequential, so Qt cannot reset it.
class OneShotBody : public QIODevice
{
public:
    explicit OneShotBody(QByteArray data) : m_data(std::move(data)) { open(QIODevice::ReadOnly); }
    bool isSequential() const override { return true; }
    qint64 bytesAvailable() const override { return m_data.size() - m_pos + QIODevice::bytesAvailable(); }

protected:
    qint64 readData(char *out, qint64 max) override
    {
        const qint64 n = qMin(max, qint64(m_data.size()) - m_pos);
        memcpy(out, m_data.constData() + m_pos, size_t(n));
        m_pos += n;
        return n;
    }
    qint64 writeData(const char *, qint64) override { return -1; }

private:
    QByteArray m_data;
    qint64 m_pos = 0;
};

} // namespace


QByteArray ApiReply::header(const QByteArray &name) const
{
    for (const auto &[k, v] : headers) {
        if (k.compare(name, Qt::CaseInsensitive) == 0)
            return v;
    }
    return {};
}

bool ApiRequest::isIdempotent() const
{
    switch (idempotency) {
    case Idempotency::Safe: return true;
    case Idempotency::Unsafe: return false;
    case Idempotency::ByMethod: break;
    }
    return method != "POST";
}

struct RestClient::Pending
{
    RequestId id = 0;
    ApiRequest request;
    ApiCategory category = ApiCategory::Other;
    ReplyCallback done;
    int attempts = 0;
    bool refreshed = false; // the one retry after a session refresh is used up
    bool timedOut = false;
    bool cancelled = false;
    RateLimiter::Ticket ticket = 0;
    QNetworkReply *reply = nullptr;
    QTimer *timer = nullptr;
    QString tokenUsed;
    bool streamed = false;     // part of the body went to request.bodySink
    bool headersSeen = false;  // request.headersSeen was called
    bool sinkStopped = false;  // the sink refused more
};

RestClient::RestClient(OrgSession *session, RateLimiter *limiter, ApiBudget *budget, QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_limiter(limiter)
    , m_budget(budget)
    , m_nam(new QNetworkAccessManager(this))
{
    qRegisterMetaType<tether::salesforce::SalesforceError>();
    if (m_session) {
        connect(m_session, &OrgSession::loginRequired, this, &RestClient::loginRequired,
                Qt::QueuedConnection);
    }
}

RestClient::~RestClient()
{
    for (Pending *p : std::as_const(m_pending)) {
        if (p->ticket && m_limiter)
            m_limiter->cancel(p->ticket);
        if (p->reply) {
            p->reply->disconnect(this);
            p->reply->abort();
        }
        delete p;
    }
    m_pending.clear();
}

void RestClient::setRetryPolicy(const RetryPolicy &policy)
{
    m_policy = policy;
}

RetryPolicy RestClient::retryPolicy() const
{
    return m_policy;
}

int RestClient::pendingCount() const
{
    return int(m_pending.size());
}

QUrl RestClient::urlFor(const ApiRequest &request) const
{
    const OrgConnection conn = m_session ? m_session->connection() : OrgConnection();
    QUrl url = conn.instanceUrl;
    QString path = request.path;
    QString query;
    // nextRecordsUrl and friends may carry their own query string.
    const qsizetype qm = path.indexOf(QLatin1Char('?'));
    if (qm >= 0) {
        query = path.mid(qm + 1);
        path.truncate(qm);
    }
    url.setPath(path.startsWith(QLatin1Char('/')) ? path : conn.dataPath() + QLatin1Char('/') + path,
                QUrl::TolerantMode);
    // Encoded by hand: SOQL holds '+', '%' and '&', which QUrlQuery would keep
    // or misread as escapes. Characters that are harmless in a query value stay
    // readable, as a browser or curl would send them.
    static const QByteArray keep = QByteArrayLiteral(",:/@!$'()*");
    for (const auto &[k, v] : request.query) {
        if (!query.isEmpty())
            query += QLatin1Char('&');
        query += QString::fromLatin1(QUrl::toPercentEncoding(k) + '=' + QUrl::toPercentEncoding(v, keep));
    }
    if (!query.isEmpty())
        url.setQuery(query, QUrl::TolerantMode);
    return url;
}

RequestId RestClient::send(const ApiRequest &request, ApiCategory category, ReplyCallback done)
{
    auto *p = new Pending;
    p->id = m_nextId++;
    p->request = request;
    p->category = category;
    p->done = std::move(done);
    m_pending.insert(p->id, p);
    // Never call back from inside send(): callers may still be setting up.
    QMetaObject::invokeMethod(this, [this, id = p->id] { dispatch(id); }, Qt::QueuedConnection);
    return p->id;
}

void RestClient::dispatch(RequestId id)
{
    Pending *p = m_pending.value(id);
    if (!p || p->cancelled)
        return;
    if (p->request.authenticated && (!m_session || m_session->state() != OrgSession::State::LoggedIn)) {
        ApiReply r;
        r.error = SalesforceError::make(SalesforceError::Kind::LoginRequired,
                                        tr("Tether is not logged in to Salesforce."),
                                        QStringLiteral("LOGGED_OUT"));
        complete(id, r);
        return;
    }
    if (m_limiter) {
        p->ticket = m_limiter->acquire(p->category, this, [this, id] { transmit(id); });
        return;
    }
    if (m_budget && !m_budget->isAllowed(p->category)) {
        ApiReply r;
        r.error = SalesforceError::make(SalesforceError::Kind::QuotaExceeded,
                                        tr("background sync is paused near the daily API quota"),
                                        QStringLiteral("BACKGROUND_PAUSED"));
        complete(id, r);
        return;
    }
    transmit(id);
}

void RestClient::transmit(RequestId id)
{
    Pending *p = m_pending.value(id);
    if (!p || p->cancelled)
        return;
    p->ticket = 0;
    ++p->attempts;
    p->timedOut = false;
    const ApiRequest &rq = p->request;
    const QUrl url = urlFor(rq);
    QNetworkRequest nr(url);
    nr.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    nr.setRawHeader("Accept", "application/json");
    if (rq.authenticated) {
        p->tokenUsed = m_session->accessToken();
        nr.setRawHeader("Authorization", "Bearer " + p->tokenUsed.toLatin1());
    }
    if (!rq.body.isEmpty())
        nr.setHeader(QNetworkRequest::ContentTypeHeader, rq.contentType);
    for (const auto &[k, v] : rq.headers)
        nr.setRawHeader(k, v);
    qCDebug(lcSalesforce, "%s %s [%s, attempt %d]", rq.method.constData(), qPrintable(redactedUrl(url)),
            qPrintable(categoryName(p->category)), p->attempts);

    QNetworkReply *reply = nullptr;
    if (!rq.transportMayResend && !rq.body.isEmpty()) {
        // A body Qt cannot rewind: it reports ContentReSendError instead of
        // sending the request again behind our back.
        auto *body = new OneShotBody(rq.body);
        nr.setAttribute(QNetworkRequest::DoNotBufferUploadDataAttribute, true);
        nr.setHeader(QNetworkRequest::ContentLengthHeader, rq.body.size());
        reply = m_nam->sendCustomRequest(nr, rq.method, body);
        body->setParent(reply);
    } else {
        reply = rq.body.isEmpty() && rq.method != "POST" && rq.method != "PATCH"
            ? m_nam->sendCustomRequest(nr, rq.method)
            : m_nam->sendCustomRequest(nr, rq.method, rq.body);
    }
    p->reply = reply;
    if (!p->timer) {
        p->timer = new QTimer(this);
        p->timer->setSingleShot(true);
        connect(p->timer, &QTimer::timeout, this, [this, id] { onTimeout(id); });
    }
    p->timer->start(qMax(1, rq.timeoutMs));
    connect(reply, &QNetworkReply::finished, this, [this, id, reply] { onFinished(id, reply); });
    if (rq.bodySink) {
        // Qt stops reading the socket while this much is unread: memory stays bounded.
        reply->setReadBufferSize(rq.streamBufferBytes);
        connect(reply, &QNetworkReply::readyRead, this, [this, id, reply] {
            Pending *p = m_pending.value(id);
            if (p && p->reply == reply && !p->sinkStopped && !streamBody(p, reply)) {
                p->sinkStopped = true;
                reply->abort(); // finished() follows
            }
        });
    }
}

bool RestClient::streamBody(Pending *p, QNetworkReply *reply)
{
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status < 200 || status >= 300)
        return true; // an error's body is read whole, as usual
    if (!p->headersSeen) {
        p->headersSeen = true;
        if (p->request.headersSeen) {
            const RequestId id = p->id;
            p->request.headersSeen(reply->rawHeaderPairs());
            if (m_pending.value(id) != p || p->reply != reply)
                return true; // the callback cancelled this request
        }
    }
    if (m_streamBuffer.isEmpty())
        m_streamBuffer.resize(1 << 20);
    while (reply->bytesAvailable() > 0) {
        const qint64 size = reply->read(m_streamBuffer.data(), m_streamBuffer.size());
        if (size <= 0)
            break;
        p->streamed = true;
        if (!p->request.bodySink(m_streamBuffer.constData(), size))
            return false;
    }
    return true;
}

void RestClient::onTimeout(RequestId id)
{
    Pending *p = m_pending.value(id);
    if (!p || !p->reply)
        return;
    p->timedOut = true;
    p->reply->abort(); // finished() follows and reports the timeout
}

bool RestClient::mayRetry(const Pending &p, const SalesforceError &error) const
{
    const int max = p.request.maxAttempts > 0 ? p.request.maxAttempts : m_policy.maxAttempts;
    return p.attempts < max && error.isRetryable() && !p.streamed; // a sink cannot take a body twice
}

void RestClient::onFinished(RequestId id, QNetworkReply *reply)
{
    reply->deleteLater();
    Pending *p = m_pending.value(id);
    if (!p || p->reply != reply)
        return;
    p->reply = nullptr;
    if (p->timer)
        p->timer->stop();

    ApiReply r;
    r.attempts = p->attempts;
    r.httpStatus = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (p->request.bodySink && !p->sinkStopped && !p->timedOut && reply->isOpen() && !streamBody(p, reply))
        p->sinkStopped = true;
    if (reply->isOpen()) // closed after abort()
        r.body = reply->readAll();
    r.headers = reply->rawHeaderPairs();
    bool mayHaveArrived = true;

    if (r.httpStatus > 0 && p->request.authenticated && m_budget) {
        m_budget->recordCall(p->category);
        m_budget->updateFromLimitInfo(r.header("Sforce-Limit-Info"));
    }

    if (p->sinkStopped) {
        r.error = SalesforceError::make(SalesforceError::Kind::Network, tr("the receiver of the answer stopped it"),
                                        QStringLiteral("STREAM_STOPPED"));
    } else if (p->timedOut) {
        r.error = SalesforceError::make(SalesforceError::Kind::Timeout,
                                        tr("no answer within %1 s").arg(p->request.timeoutMs / 1000.0));
        r.httpStatus = 0;
    } else if (r.httpStatus == 0) {
        const auto code = reply->error();
        mayHaveArrived = code != QNetworkReply::ConnectionRefusedError && code != QNetworkReply::HostNotFoundError;
        r.error = SalesforceError::make(SalesforceError::Kind::Network, reply->errorString());
        if (code == QNetworkReply::SslHandshakeFailedError) // a certificate problem does not go away by retrying
            r.error.errorCode = QStringLiteral("TLS_HANDSHAKE_FAILED");
    } else if (r.httpStatus >= 300 && r.httpStatus != 304) {
        r.error = SalesforceError::fromHttp(r.httpStatus, r.body);
    }
    qCDebug(lcSalesforce, "%s %s -> %d%s%s", p->request.method.constData(), qPrintable(redactedUrl(reply->url())),
            r.httpStatus, r.error ? " " : "", qPrintable(r.error.errorCode));

    if (r.httpStatus == 401 && p->request.authenticated && m_session) {
        if (p->refreshed) {
            r.error.kind = SalesforceError::Kind::SessionExpired;
            complete(id, r);
            return;
        }
        p->refreshed = true;
        qCDebug(lcSalesforce, "Session expired; waiting for a renewed access token");
        m_session->refreshAccessToken(p->tokenUsed, this, [this, id, r](const SalesforceError &e) mutable {
            const Pending *p = m_pending.value(id);
            if (!p || p->cancelled)
                return;
            if (e) {
                r.error = e;
                if (e.kind != SalesforceError::Kind::LoginRequired && !e.isRetryable())
                    r.error.kind = SalesforceError::Kind::SessionExpired;
                complete(id, r);
                return;
            }
            dispatch(id); // the one retry with the new token
        });
        return;
    }
    if (r.error.kind == SalesforceError::Kind::QuotaExceeded && m_budget)
        m_budget->noteQuotaExhausted();

    // A request that may have reached Salesforce, and done something there
    // that must not happen twice, is not sent again: the caller reads back.
    if (mayHaveArrived && !p->request.isIdempotent()
        && (r.error.kind == SalesforceError::Kind::Timeout || r.error.kind == SalesforceError::Kind::Network)) {
        r.error = SalesforceError::make(SalesforceError::Kind::OutcomeUnknown,
                                        tr("the answer was lost (%1), so whether Salesforce applied the request is not known")
                                            .arg(r.error.message),
                                        QStringLiteral("OUTCOME_UNKNOWN"));
        complete(id, r);
        return;
    }
    if (r.error && mayRetry(*p, r.error)) {
        scheduleRetry(id, r.error);
        return;
    }
    complete(id, r);
}

void RestClient::scheduleRetry(RequestId id, const SalesforceError &why)
{
    Pending *p = m_pending.value(id);
    if (!p)
        return;
    const qint64 full = qMin<qint64>(m_policy.maxDelayMs, qint64(m_policy.baseDelayMs) << qMin(p->attempts - 1, 20));
    // "Equal jitter": at least half the backoff, so retries still back off,
    // spread over the other half so many clients do not retry in lockstep.
    const qint64 delay = full / 2 + QRandomGenerator::global()->bounded(full / 2 + 1);
    qCWarning(lcSalesforce, "%s %s failed (%s); retry %d in %lld ms", p->request.method.constData(),
              qPrintable(redact(p->request.path)), qPrintable(why.errorCode.isEmpty() ? kindName(why.kind) : why.errorCode),
              p->attempts, delay);
    QTimer::singleShot(delay, this, [this, id] { dispatch(id); });
}

void RestClient::complete(RequestId id, ApiReply reply)
{
    Pending *p = m_pending.take(id);
    if (!p)
        return;
    if (p->ticket && m_limiter)
        m_limiter->cancel(p->ticket);
    if (p->timer)
        p->timer->deleteLater(); // complete() may run inside the timer's own timeout
    ReplyCallback done = std::move(p->done);
    if (reply.attempts == 0)
        reply.attempts = p->attempts;
    delete p;
    if (reply.error.kind == SalesforceError::Kind::LoginRequired)
        qCWarning(lcSalesforce, "Request failed: %s", qPrintable(redact(reply.error.toString())));
    if (done)
        done(reply);
}

bool RestClient::cancel(RequestId id)
{
    Pending *p = m_pending.value(id);
    if (!p || p->cancelled)
        return false;
    p->cancelled = true; // a retry or refresh still scheduled will find this and stop
    if (p->ticket && m_limiter) {
        m_limiter->cancel(p->ticket);
        p->ticket = 0;
    }
    if (p->timer)
        p->timer->stop();
    if (p->reply) {
        p->reply->disconnect(this);
        p->reply->abort();
        p->reply->deleteLater();
        p->reply = nullptr;
    }
    ApiReply r;
    r.error = SalesforceError::make(SalesforceError::Kind::Cancelled, tr("cancelled"));
    r.attempts = p->attempts;
    // Posted, so that cancel() never re-enters the caller.
    QMetaObject::invokeMethod(this, [this, id, r] { complete(id, r); }, Qt::QueuedConnection);
    return true;
}

void RestClient::cancelAll()
{
    const QList<RequestId> ids = m_pending.keys();
    for (RequestId id : ids)
        cancel(id);
}

void RestClient::probeLimits()
{
    // GET /limits feeds the budget, which is what a probe is for.
    ApiRequest request;
    request.path = QStringLiteral("limits");
    QPointer<ApiBudget> budget = m_budget;
    send(request, ApiCategory::Other, [budget](const ApiReply &reply) {
        if (reply.ok() && budget)
            budget->updateFromLimits(reply.json().object());
    });
}

RateLimiter *RestClient::limiter() const { return m_limiter; }
ApiBudget *RestClient::budget() const { return m_budget; }

} // namespace tether::salesforce
