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

QByteArray httpDate(const QDateTime &t)
{
    return QLocale::c().toString(t.toUTC(), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'")).toLatin1();
}

// Replication windows: "2024-05-20T20:49:32+00:00", seconds as Salesforce wants.
QString replicationDate(const QDateTime &t)
{
    return t.toUTC().toString(QStringLiteral("yyyy-MM-dd'T'HH:mm:ss'+00:00'"));
}

QJsonDocument object(std::initializer_list<QPair<QString, QJsonValue>> pairs)
{
    QJsonObject o;
    for (const auto &[k, v] : pairs)
        o.insert(k, v);
    return QJsonDocument(o);
}

SaveResult saveFromObject(const QJsonObject &o)
{
    SaveResult r;
    r.id = o.value(QLatin1String("id")).toString();
    r.success = o.value(QLatin1String("success")).toBool();
    r.created = o.value(QLatin1String("created")).toBool();
    const QJsonArray errors = o.value(QLatin1String("errors")).toArray();
    for (const QJsonValue &e : errors) {
        QJsonArray one;
        one.append(e);
        r.errors.append(SalesforceError::fromHttp(400, QJsonDocument(one).toJson(QJsonDocument::Compact)));
    }
    return r;
}

SaveResult saveFromReply(const ApiReply &reply)
{
    SaveResult r;
    if (reply.error) {
        QList<SalesforceError> more;
        r.errors.append(reply.error);
        if (reply.error.kind == SalesforceError::Kind::Http)
            SalesforceError::fromHttp(reply.httpStatus, reply.body, &more);
        r.errors.append(more);
        return r;
    }
    r.success = true;
    r.created = reply.httpStatus == 201;
    const QJsonObject o = reply.json().object();
    r.id = o.value(QLatin1String("id")).toString();
    return r;
}

BulkJob bulkJobFromReply(const ApiReply &reply)
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

QByteArray ApiReply::header(const QByteArray &name) const
{
    for (const auto &[k, v] : headers) {
        if (k.compare(name, Qt::CaseInsensitive) == 0)
            return v;
    }
    return {};
}

bool BulkJob::isFinished() const
{
    return state == QLatin1String("JobComplete") || state == QLatin1String("Failed")
        || state == QLatin1String("Aborted");
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

    QNetworkReply *reply = rq.body.isEmpty() && rq.method != "POST" && rq.method != "PATCH"
        ? m_nam->sendCustomRequest(nr, rq.method)
        : m_nam->sendCustomRequest(nr, rq.method, rq.body);
    p->reply = reply;
    if (!p->timer) {
        p->timer = new QTimer(this);
        p->timer->setSingleShot(true);
        connect(p->timer, &QTimer::timeout, this, [this, id] { onTimeout(id); });
    }
    p->timer->start(qMax(1, rq.timeoutMs));
    connect(reply, &QNetworkReply::finished, this, [this, id, reply] { onFinished(id, reply); });
}

void RestClient::onTimeout(RequestId id)
{
    Pending *p = m_pending.value(id);
    if (!p || !p->reply)
        return;
    p->timedOut = true;
    p->reply->abort(); // finished() follows and reports the timeout
}

bool RestClient::mayRetry(const Pending &p, const SalesforceError &error, bool requestMayHaveArrived) const
{
    const int max = p.request.maxAttempts > 0 ? p.request.maxAttempts : m_policy.maxAttempts;
    if (p.attempts >= max || !error.isRetryable())
        return false;
    // A POST that may have reached Salesforce may also have been applied there:
    // a second create would duplicate the record.
    if (p.request.method == "POST" && requestMayHaveArrived
        && (error.kind == SalesforceError::Kind::Timeout || error.kind == SalesforceError::Kind::Network))
        return false;
    return true;
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
    if (reply->isOpen()) // closed after abort()
        r.body = reply->readAll();
    r.headers = reply->rawHeaderPairs();
    bool mayHaveArrived = true;

    if (r.httpStatus > 0 && p->request.authenticated && m_budget) {
        m_budget->recordCall(p->category);
        m_budget->updateFromLimitInfo(r.header("Sforce-Limit-Info"));
    }

    if (p->timedOut) {
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

    if (r.error && mayRetry(*p, r.error, mayHaveArrived)) {
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
    limits([](const JsonResult &) {});
}

// --- typed helpers ------------------------------------------------------------

RequestId RestClient::sendJson(const QByteArray &method, const QString &path, const QJsonDocument &body,
                               ApiCategory category, Callback<JsonResult> done,
                               const QList<QPair<QByteArray, QByteArray>> &headers)
{
    ApiRequest rq;
    rq.method = method;
    rq.path = path;
    if (!body.isNull())
        rq.body = body.toJson(QJsonDocument::Compact);
    rq.headers = headers;
    return send(rq, category, [done = std::move(done)](const ApiReply &r) {
        JsonResult out;
        out.error = r.error;
        out.httpStatus = r.httpStatus;
        out.json = r.json();
        done(out);
    });
}

RequestId RestClient::versions(Callback<JsonResult> done)
{
    ApiRequest rq;
    rq.path = QStringLiteral("/services/data/");
    rq.authenticated = false;
    return send(rq, ApiCategory::Other, [done = std::move(done)](const ApiReply &r) {
        done(JsonResult{r.error, r.httpStatus, r.json()});
    });
}

RequestId RestClient::limits(Callback<JsonResult> done)
{
    ApiRequest rq;
    rq.path = QStringLiteral("limits");
    QPointer<ApiBudget> budget = m_budget;
    return send(rq, ApiCategory::Other, [done = std::move(done), budget](const ApiReply &r) {
        const QJsonDocument json = r.json();
        if (r.ok() && budget)
            budget->updateFromLimits(json.object());
        done(JsonResult{r.error, r.httpStatus, json});
    });
}

static RestClient::ReplyCallback describeCallback(std::function<void(const DescribeResult &)> done)
{
    return [done = std::move(done)](const ApiReply &r) {
        DescribeResult out;
        out.error = r.error;
        out.notModified = r.httpStatus == 304;
        if (r.ok() && !out.notModified)
            out.json = r.json().object();
        done(out);
    };
}

RequestId RestClient::describeGlobal(const QDateTime &ifModifiedSince, Callback<DescribeResult> done)
{
    ApiRequest rq;
    rq.path = QStringLiteral("sobjects");
    if (ifModifiedSince.isValid())
        rq.headers.append(QPair<QByteArray, QByteArray>("If-Modified-Since", httpDate(ifModifiedSince)));
    return send(rq, ApiCategory::Schema, describeCallback(std::move(done)));
}

RequestId RestClient::describeSObject(const QString &object, const QDateTime &ifModifiedSince,
                                      Callback<DescribeResult> done)
{
    ApiRequest rq;
    rq.path = QStringLiteral("sobjects/%1/describe").arg(object);
    if (ifModifiedSince.isValid())
        rq.headers.append(QPair<QByteArray, QByteArray>("If-Modified-Since", httpDate(ifModifiedSince)));
    return send(rq, ApiCategory::Schema, describeCallback(std::move(done)));
}

RequestId RestClient::queryImpl(const QString &resource, const QString &soql, int batchSize,
                                ApiCategory category, Callback<QueryResult> done)
{
    ApiRequest rq;
    rq.path = resource;
    if (!soql.isNull())
        rq.query.append(QPair<QString, QString>(QStringLiteral("q"), soql));
    if (batchSize > 0)
        rq.headers.append(QPair<QByteArray, QByteArray>("Sforce-Query-Options", "batchSize=" + QByteArray::number(qBound(200, batchSize, 2000))));
    return send(rq, category, [done = std::move(done)](const ApiReply &r) {
        QueryResult out;
        out.error = r.error;
        if (r.ok()) {
            const QJsonObject o = r.json().object();
            out.totalSize = o.value(QLatin1String("totalSize")).toInteger();
            out.done = o.value(QLatin1String("done")).toBool(true);
            out.nextRecordsUrl = o.value(QLatin1String("nextRecordsUrl")).toString();
            out.records = o.value(QLatin1String("records")).toArray();
        }
        done(out);
    });
}

RequestId RestClient::query(const QString &soql, int batchSize, ApiCategory category, Callback<QueryResult> done)
{
    return queryImpl(QStringLiteral("query"), soql, batchSize, category, std::move(done));
}

RequestId RestClient::queryAll(const QString &soql, int batchSize, ApiCategory category, Callback<QueryResult> done)
{
    return queryImpl(QStringLiteral("queryAll"), soql, batchSize, category, std::move(done));
}

RequestId RestClient::queryMore(const QString &nextRecordsUrl, int batchSize, ApiCategory category,
                                Callback<QueryResult> done)
{
    return queryImpl(nextRecordsUrl, QString(), batchSize, category, std::move(done));
}

RequestId RestClient::getUpdated(const QString &object, const QDateTime &start, const QDateTime &end,
                                 ApiCategory category, Callback<JsonResult> done)
{
    ApiRequest rq;
    rq.path = QStringLiteral("sobjects/%1/updated/").arg(object);
    rq.query = {{QStringLiteral("start"), replicationDate(start)}, {QStringLiteral("end"), replicationDate(end)}};
    return send(rq, category, [done = std::move(done)](const ApiReply &r) {
        done(JsonResult{r.error, r.httpStatus, r.json()});
    });
}

RequestId RestClient::getDeleted(const QString &object, const QDateTime &start, const QDateTime &end,
                                 ApiCategory category, Callback<JsonResult> done)
{
    ApiRequest rq;
    rq.path = QStringLiteral("sobjects/%1/deleted/").arg(object);
    rq.query = {{QStringLiteral("start"), replicationDate(start)}, {QStringLiteral("end"), replicationDate(end)}};
    return send(rq, category, [done = std::move(done)](const ApiReply &r) {
        done(JsonResult{r.error, r.httpStatus, r.json()});
    });
}

RequestId RestClient::retrieve(const QString &object, const QString &id, const QStringList &fields,
                               ApiCategory category, Callback<JsonResult> done)
{
    ApiRequest rq;
    rq.path = QStringLiteral("sobjects/%1/%2").arg(object, id);
    if (!fields.isEmpty())
        rq.query.append(QPair<QString, QString>(QStringLiteral("fields"), fields.join(QLatin1Char(','))));
    return send(rq, category, [done = std::move(done)](const ApiReply &r) {
        done(JsonResult{r.error, r.httpStatus, r.json()});
    });
}

RequestId RestClient::create(const QString &object, const QJsonObject &fields, Callback<SaveResult> done)
{
    ApiRequest rq;
    rq.method = "POST";
    rq.path = QStringLiteral("sobjects/%1").arg(object);
    rq.body = QJsonDocument(fields).toJson(QJsonDocument::Compact);
    return send(rq, ApiCategory::Write, [done = std::move(done)](const ApiReply &r) { done(saveFromReply(r)); });
}

RequestId RestClient::update(const QString &object, const QString &id, const QJsonObject &fields,
                             const QDateTime &ifUnmodifiedSince, Callback<SaveResult> done)
{
    ApiRequest rq;
    rq.method = "PATCH";
    rq.path = QStringLiteral("sobjects/%1/%2").arg(object, id);
    rq.body = QJsonDocument(fields).toJson(QJsonDocument::Compact);
    if (ifUnmodifiedSince.isValid())
        rq.headers.append(QPair<QByteArray, QByteArray>("If-Unmodified-Since", httpDate(ifUnmodifiedSince)));
    return send(rq, ApiCategory::Write, [done = std::move(done), id](const ApiReply &r) {
        SaveResult s = saveFromReply(r);
        if (s.id.isEmpty())
            s.id = id;
        done(s);
    });
}

RequestId RestClient::remove(const QString &object, const QString &id, const QDateTime &ifUnmodifiedSince,
                             Callback<SaveResult> done)
{
    ApiRequest rq;
    rq.method = "DELETE";
    rq.path = QStringLiteral("sobjects/%1/%2").arg(object, id);
    if (ifUnmodifiedSince.isValid())
        rq.headers.append(QPair<QByteArray, QByteArray>("If-Unmodified-Since", httpDate(ifUnmodifiedSince)));
    return send(rq, ApiCategory::Write, [done = std::move(done), id](const ApiReply &r) {
        SaveResult s = saveFromReply(r);
        s.id = id;
        done(s);
    });
}

RequestId RestClient::upsert(const QString &object, const QString &externalIdField, const QString &value,
                             const QJsonObject &fields, Callback<SaveResult> done)
{
    ApiRequest rq;
    rq.method = "PATCH";
    rq.path = QStringLiteral("sobjects/%1/%2/%3")
                  .arg(object, externalIdField, QString::fromLatin1(QUrl::toPercentEncoding(value)));
    rq.body = QJsonDocument(fields).toJson(QJsonDocument::Compact);
    return send(rq, ApiCategory::Write, [done = std::move(done)](const ApiReply &r) { done(saveFromReply(r)); });
}

RequestId RestClient::composite(bool allOrNone, const QList<CompositeSubrequest> &subrequests,
                                ApiCategory category, Callback<CompositeResult> done)
{
    QJsonArray list;
    for (const CompositeSubrequest &s : subrequests) {
        QJsonObject o{{QStringLiteral("method"), s.method},
                      {QStringLiteral("url"), s.url},
                      {QStringLiteral("referenceId"), s.referenceId}};
        if (!s.body.isUndefined())
            o.insert(QStringLiteral("body"), s.body);
        if (!s.httpHeaders.isEmpty()) {
            QJsonObject h;
            for (auto it = s.httpHeaders.cbegin(); it != s.httpHeaders.cend(); ++it)
                h.insert(it.key(), it.value());
            o.insert(QStringLiteral("httpHeaders"), h);
        }
        list.append(o);
    }
    ApiRequest rq;
    rq.method = "POST";
    rq.path = QStringLiteral("composite");
    rq.body = object({{QStringLiteral("allOrNone"), allOrNone}, {QStringLiteral("compositeRequest"), list}})
                  .toJson(QJsonDocument::Compact);
    return send(rq, category, [done = std::move(done)](const ApiReply &r) {
        CompositeResult out;
        out.error = r.error;
        const QJsonArray responses = r.json().object().value(QLatin1String("compositeResponse")).toArray();
        for (const QJsonValue &v : responses) {
            const QJsonObject o = v.toObject();
            CompositeSubresponse s;
            s.referenceId = o.value(QLatin1String("referenceId")).toString();
            s.httpStatusCode = o.value(QLatin1String("httpStatusCode")).toInt();
            s.body = o.value(QLatin1String("body"));
            const QJsonObject h = o.value(QLatin1String("httpHeaders")).toObject();
            for (auto it = h.begin(); it != h.end(); ++it)
                s.httpHeaders.insert(it.key(), it.value().toString());
            if (s.httpStatusCode >= 300 && s.httpStatusCode != 304)
                s.error = SalesforceError::fromHttp(s.httpStatusCode, QJsonDocument(s.body.toArray()).toJson());
            out.responses.append(s);
        }
        done(out);
    });
}

static RestClient::ReplyCallback collectionsCallback(std::function<void(const SaveResults &)> done)
{
    return [done = std::move(done)](const ApiReply &r) {
        SaveResults out;
        out.error = r.error;
        const QJsonArray a = r.json().array();
        if (r.ok()) {
            for (const QJsonValue &v : a)
                out.results.append(saveFromObject(v.toObject()));
        }
        done(out);
    };
}

RequestId RestClient::collectionsCreate(bool allOrNone, const QJsonArray &records, Callback<SaveResults> done)
{
    ApiRequest rq;
    rq.method = "POST";
    rq.path = QStringLiteral("composite/sobjects");
    rq.body = object({{QStringLiteral("allOrNone"), allOrNone}, {QStringLiteral("records"), records}})
                  .toJson(QJsonDocument::Compact);
    return send(rq, ApiCategory::Write, collectionsCallback(std::move(done)));
}

RequestId RestClient::collectionsUpdate(bool allOrNone, const QJsonArray &records, Callback<SaveResults> done)
{
    ApiRequest rq;
    rq.method = "PATCH";
    rq.path = QStringLiteral("composite/sobjects");
    rq.body = object({{QStringLiteral("allOrNone"), allOrNone}, {QStringLiteral("records"), records}})
                  .toJson(QJsonDocument::Compact);
    return send(rq, ApiCategory::Write, collectionsCallback(std::move(done)));
}

RequestId RestClient::collectionsDelete(bool allOrNone, const QStringList &ids, Callback<SaveResults> done)
{
    ApiRequest rq;
    rq.method = "DELETE";
    rq.path = QStringLiteral("composite/sobjects");
    rq.query = {{QStringLiteral("ids"), ids.join(QLatin1Char(','))},
                {QStringLiteral("allOrNone"), allOrNone ? QStringLiteral("true") : QStringLiteral("false")}};
    return send(rq, ApiCategory::Write, collectionsCallback(std::move(done)));
}

RequestId RestClient::compositeGraph(const QJsonArray &graphs, Callback<JsonResult> done)
{
    return sendJson("POST", QStringLiteral("composite/graph"), object({{QStringLiteral("graphs"), graphs}}),
                    ApiCategory::Write, std::move(done));
}

RequestId RestClient::createQueryJob(const QString &soql, bool queryAll, Callback<BulkJob> done, ApiCategory category)
{
    ApiRequest rq;
    rq.method = "POST";
    rq.path = QStringLiteral("jobs/query");
    rq.body = object({{QStringLiteral("operation"), queryAll ? QStringLiteral("queryAll") : QStringLiteral("query")},
                      {QStringLiteral("query"), soql}})
                  .toJson(QJsonDocument::Compact);
    return send(rq, category, [done = std::move(done)](const ApiReply &r) { done(bulkJobFromReply(r)); });
}

RequestId RestClient::getQueryJob(const QString &jobId, Callback<BulkJob> done, ApiCategory category)
{
    ApiRequest rq;
    rq.path = QStringLiteral("jobs/query/%1").arg(jobId);
    return send(rq, category, [done = std::move(done)](const ApiReply &r) { done(bulkJobFromReply(r)); });
}

RequestId RestClient::getQueryJobResults(const QString &jobId, const QString &locator, qint64 maxRecords,
                                         Callback<BulkResultsPage> done, ApiCategory category)
{
    ApiRequest rq;
    rq.path = QStringLiteral("jobs/query/%1/results").arg(jobId);
    if (maxRecords > 0)
        rq.query.append(QPair<QString, QString>(QStringLiteral("maxRecords"), QString::number(maxRecords)));
    if (!locator.isEmpty())
        rq.query.append(QPair<QString, QString>(QStringLiteral("locator"), locator));
    rq.headers.append(QPair<QByteArray, QByteArray>("Accept", "text/csv"));
    return send(rq, category, [done = std::move(done)](const ApiReply &r) {
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

RequestId RestClient::abortQueryJob(const QString &jobId, Callback<BulkJob> done, ApiCategory category)
{
    ApiRequest rq;
    rq.method = "PATCH";
    rq.path = QStringLiteral("jobs/query/%1").arg(jobId);
    rq.body = object({{QStringLiteral("state"), QStringLiteral("Aborted")}}).toJson(QJsonDocument::Compact);
    return send(rq, category, [done = std::move(done)](const ApiReply &r) { done(bulkJobFromReply(r)); });
}

RateLimiter *RestClient::limiter() const { return m_limiter; }
ApiBudget *RestClient::budget() const { return m_budget; }

} // namespace tether::salesforce
