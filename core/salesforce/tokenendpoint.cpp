#include "salesforce/tokenendpoint.h"

#include "logging.h"
#include "salesforce/redact.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>

namespace tether::salesforce {

namespace {

TokenResponse parseToken(int status, const QByteArray &body, const SalesforceError &net)
{
    TokenResponse r;
    if (net) {
        r.error = net;
        return r;
    }
    if (status != 200) {
        r.error = SalesforceError::fromHttp(status, body);
        return r;
    }
    const QJsonObject o = QJsonDocument::fromJson(body).object();
    r.accessToken = o.value(QLatin1String("access_token")).toString();
    r.refreshToken = o.value(QLatin1String("refresh_token")).toString();
    r.instanceUrl = QUrl(o.value(QLatin1String("instance_url")).toString());
    r.identityUrl = o.value(QLatin1String("id")).toString();
    r.scope = o.value(QLatin1String("scope")).toString();
    r.issuedAt = o.value(QLatin1String("issued_at")).toString();
    OrgConnection ids;
    if (ids.setIdentityUrl(r.identityUrl)) {
        r.orgId = ids.orgId;
        r.userId = ids.userId;
    }
    if (r.accessToken.isEmpty() || !r.instanceUrl.isValid()) {
        r.error = SalesforceError::make(
            SalesforceError::Kind::Http,
            QCoreApplication::translate("TokenEndpoint",
                                        "The login server answered without an access token or instance URL."),
            {}, status);
    }
    return r;
}

} // namespace

TokenEndpoint::TokenEndpoint(const OrgConnection &conn, QObject *parent)
    : QObject(parent)
    , m_conn(conn)
    , m_nam(new QNetworkAccessManager(this))
{
}

void TokenEndpoint::setTimeoutMs(int ms)
{
    m_timeoutMs = ms;
}

void TokenEndpoint::postForm(const QString &path, const QList<QPair<QString, QString>> &form,
                             std::function<void(int, const QByteArray &, const SalesforceError &)> done)
{
    QUrl url = m_conn.loginHost;
    url.setPath(path);
    // Built by hand: QUrlQuery leaves '+' alone, which a form decoder reads as a space.
    QByteArray body;
    for (const auto &[k, v] : form) {
        if (!body.isEmpty())
            body += '&';
        body += QUrl::toPercentEncoding(k) + '=' + QUrl::toPercentEncoding(v);
    }
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
    request.setRawHeader("Accept", "application/json");
    qCDebug(lcOAuth, "POST %s (%s)", qPrintable(redactedUrl(url)), qPrintable(redact(body)));
    QNetworkReply *reply = m_nam->post(request, body);
    auto *timer = new QTimer(reply);
    timer->setSingleShot(true);
    auto timedOut = std::make_shared<bool>(false);
    connect(timer, &QTimer::timeout, reply, [reply, timedOut] {
        *timedOut = true;
        reply->abort();
    });
    timer->start(m_timeoutMs);
    connect(reply, &QNetworkReply::finished, this, [reply, done = std::move(done), timedOut, url] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray body = reply->readAll();
        SalesforceError net;
        if (*timedOut) {
            net = SalesforceError::make(SalesforceError::Kind::Timeout,
                                        QCoreApplication::translate("TokenEndpoint", "no answer from %1")
                                            .arg(url.host()));
        } else if (status == 0) {
            net = SalesforceError::make(SalesforceError::Kind::Network, reply->errorString());
        }
        qCDebug(lcOAuth, "POST %s -> %d", qPrintable(redactedUrl(url)), status);
        done(status, body, net);
    });
}

void TokenEndpoint::exchangeCode(const QString &code, const QString &codeVerifier,
                                 const QString &redirectUri, TokenCallback done)
{
    QList<QPair<QString, QString>> form{{QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
                                        {QStringLiteral("code"), code},
                                        {QStringLiteral("client_id"), m_conn.clientId},
                                        {QStringLiteral("redirect_uri"), redirectUri},
                                        {QStringLiteral("code_verifier"), codeVerifier}};
    if (!m_conn.clientSecret.isEmpty())
        form.append({QStringLiteral("client_secret"), m_conn.clientSecret});
    postForm(QStringLiteral("/services/oauth2/token"), form,
             [done = std::move(done)](int s, const QByteArray &b, const SalesforceError &n) {
                 done(parseToken(s, b, n));
             });
}

void TokenEndpoint::refresh(const QString &refreshToken, TokenCallback done)
{
    QList<QPair<QString, QString>> form{{QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
                                        {QStringLiteral("refresh_token"), refreshToken},
                                        {QStringLiteral("client_id"), m_conn.clientId}};
    if (!m_conn.clientSecret.isEmpty())
        form.append({QStringLiteral("client_secret"), m_conn.clientSecret});
    postForm(QStringLiteral("/services/oauth2/token"), form,
             [done = std::move(done)](int s, const QByteArray &b, const SalesforceError &n) {
                 done(parseToken(s, b, n));
             });
}

void TokenEndpoint::clientCredentials(TokenCallback done)
{
    const QList<QPair<QString, QString>> form{
        {QStringLiteral("grant_type"), QStringLiteral("client_credentials")},
        {QStringLiteral("client_id"), m_conn.clientId},
        {QStringLiteral("client_secret"), m_conn.clientSecret}};
    postForm(QStringLiteral("/services/oauth2/token"), form,
             [done = std::move(done)](int s, const QByteArray &b, const SalesforceError &n) {
                 done(parseToken(s, b, n));
             });
}

void TokenEndpoint::revoke(const QString &token, DoneCallback done)
{
    postForm(QStringLiteral("/services/oauth2/revoke"), {{QStringLiteral("token"), token}},
             [done = std::move(done)](int s, const QByteArray &b, const SalesforceError &n) {
                 if (n)
                     done(n);
                 else if (s != 200)
                     done(SalesforceError::fromHttp(s, b));
                 else
                     done({});
             });
}

void TokenEndpoint::userInfo(const QUrl &instanceUrl, const QString &accessToken,
                             std::function<void(const UserInfo &)> done)
{
    QUrl url = instanceUrl;
    url.setPath(QStringLiteral("/services/oauth2/userinfo"));
    QNetworkRequest request(url);
    request.setRawHeader("Accept", "application/json");
    request.setRawHeader("Authorization", "Bearer " + accessToken.toLatin1());
    request.setTransferTimeout(m_timeoutMs);
    QNetworkReply *reply = m_nam->get(request);
    connect(reply, &QNetworkReply::finished, this, [reply, done = std::move(done)] {
        reply->deleteLater();
        UserInfo info;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray body = reply->readAll();
        if (status == 0) {
            info.error = SalesforceError::make(SalesforceError::Kind::Network, reply->errorString());
        } else if (status != 200) {
            info.error = SalesforceError::fromHttp(status, body);
        } else {
            const QJsonObject o = QJsonDocument::fromJson(body).object();
            info.username = o.value(QLatin1String("preferred_username")).toString();
            info.name = o.value(QLatin1String("name")).toString();
            info.email = o.value(QLatin1String("email")).toString();
            info.orgId = o.value(QLatin1String("organization_id")).toString();
            info.userId = o.value(QLatin1String("user_id")).toString();
        }
        done(info);
    });
}

} // namespace tether::salesforce
