#include "salesforce/oauthlogin.h"

#include "logging.h"
#include "salesforce/redact.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDesktopServices>
#include <QGuiApplication>
#include <QRandomGenerator>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QUrlQuery>

namespace tether::salesforce {

namespace {

QByteArray randomBase64Url(int bytes)
{
    QByteArray raw(bytes, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(raw.data()), bytes / 4);
    return raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

SalesforceError loginError(const QString &code, const QString &message)
{
    return SalesforceError::make(SalesforceError::Kind::LoginFailed, message, code);
}

} // namespace

namespace Pkce {

QByteArray makeVerifier()
{
    return randomBase64Url(32); // 43 characters, inside RFC 7636's 43..128
}

QByteArray challengeFor(const QByteArray &verifier)
{
    return QCryptographicHash::hash(verifier, QCryptographicHash::Sha256)
        .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

} // namespace Pkce

OAuthLogin::OAuthLogin(const OrgConnection &conn, QObject *parent)
    : QObject(parent)
    , m_conn(conn)
    , m_timeout(new QTimer(this))
{
    qRegisterMetaType<tether::salesforce::SalesforceError>();
    qRegisterMetaType<tether::salesforce::OrgConnection>();
    m_timeout->setSingleShot(true);
    connect(m_timeout, &QTimer::timeout, this, [this] {
        finish(loginError(QStringLiteral("LOGIN_TIMEOUT"),
                          tr("The login was not completed in the browser within %n second(s). Start the login again.",
                             nullptr, qMax(1, m_timeoutMs / 1000))));
    });
}

OAuthLogin::~OAuthLogin() = default;

void OAuthLogin::setRedirectPort(quint16 port) { m_port = port; }
void OAuthLogin::setRedirectHost(const QString &host) { m_host = host; }
void OAuthLogin::setCallbackPath(const QString &path) { m_path = path.startsWith(QLatin1Char('/')) ? path : QLatin1Char('/') + path; }
void OAuthLogin::setScopes(const QStringList &scopes) { m_scopes = scopes; }
void OAuthLogin::setTimeoutMs(int ms) { m_timeoutMs = ms; }
void OAuthLogin::setOpenBrowser(bool open) { m_openBrowser = open; }
bool OAuthLogin::isRunning() const { return m_running; }
QUrl OAuthLogin::authorizationUrl() const { return m_authUrl; }

QString OAuthLogin::redirectUri() const
{
    if (!m_server)
        return {};
    return QStringLiteral("http://%1:%2%3").arg(m_host).arg(m_server->serverPort()).arg(m_path);
}

void OAuthLogin::start()
{
    if (m_running)
        return;
    m_running = true;
    m_exchanging = false;
    m_server = new QTcpServer(this);
    // 127.0.0.1 only: the code must not be deliverable from another machine.
    if (!m_server->listen(QHostAddress::LocalHost, m_port)) {
        const QString why = m_server->errorString();
        finish(SalesforceError::make(
            SalesforceError::Kind::Config,
            tr("Could not listen on 127.0.0.1 port %1 for the login redirect (%2). Close the program using "
               "that port, or configure another redirect port in the connected app and in Tether.")
                .arg(m_port)
                .arg(why),
            QStringLiteral("REDIRECT_LISTEN_FAILED")));
        return;
    }
    connect(m_server, &QTcpServer::newConnection, this, [this] { onNewConnection(m_server); });
    // "localhost" may resolve to ::1 first in the browser; listen there too
    // (still loopback only). Best effort: IPv6 may be off on this machine.
    if (m_host == QLatin1String("localhost")) {
        m_server6 = new QTcpServer(this);
        if (m_server6->listen(QHostAddress::LocalHostIPv6, m_server->serverPort())) {
            connect(m_server6, &QTcpServer::newConnection, this, [this] { onNewConnection(m_server6); });
        } else {
            delete m_server6;
            m_server6 = nullptr;
        }
    }

    m_state = randomBase64Url(24);
    m_verifier = Pkce::makeVerifier();
    QUrl url = m_conn.loginHost;
    url.setPath(QStringLiteral("/services/oauth2/authorize"));
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("response_type"), QStringLiteral("code"));
    q.addQueryItem(QStringLiteral("client_id"), m_conn.clientId);
    q.addQueryItem(QStringLiteral("redirect_uri"), QString::fromLatin1(QUrl::toPercentEncoding(redirectUri())));
    q.addQueryItem(QStringLiteral("code_challenge"), QString::fromLatin1(Pkce::challengeFor(m_verifier)));
    q.addQueryItem(QStringLiteral("code_challenge_method"), QStringLiteral("S256"));
    q.addQueryItem(QStringLiteral("state"), QString::fromLatin1(m_state));
    if (!m_scopes.isEmpty())
        q.addQueryItem(QStringLiteral("scope"), QString::fromLatin1(QUrl::toPercentEncoding(m_scopes.join(QLatin1Char(' ')))));
    url.setQuery(q);
    m_authUrl = url;
    m_timeout->start(m_timeoutMs);
    qCInfo(lcOAuth, "Browser login started at %s, redirect %s", qPrintable(m_conn.loginHost.host()),
           qPrintable(redirectUri()));
    emit authorizationUrlReady(url);
    // QDesktopServices needs a QGuiApplication (or a URL handler, as in tests);
    // headless front ends show the URL from authorizationUrlReady instead.
    if (m_openBrowser && qobject_cast<QGuiApplication *>(QCoreApplication::instance())) {
        if (!QDesktopServices::openUrl(url))
            qCWarning(lcOAuth, "Could not open a browser; open the login URL by hand");
    }
}

void OAuthLogin::cancel()
{
    if (!m_running)
        return;
    finish(SalesforceError::make(SalesforceError::Kind::Cancelled, tr("The login was cancelled."),
                                 QStringLiteral("LOGIN_CANCELLED")));
}

void OAuthLogin::onNewConnection(QTcpServer *server)
{
    while (QTcpSocket *socket = server->nextPendingConnection()) {
        // Owned by the login, not the server: the answer page must still be
        // delivered after finish() closes and deletes the listener.
        socket->setParent(this);
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        // Browsers may open speculative connections that never send anything.
        QTimer::singleShot(10000, socket, [socket] { socket->abort(); });
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] {
            if (socket->property("handled").toBool())
                return;
            if (!socket->canReadLine()) {
                if (socket->bytesAvailable() > 8192)
                    socket->abort();
                return;
            }
            socket->setProperty("handled", true);
            handleCallback(socket, socket->readLine().trimmed());
        });
    }
}

void OAuthLogin::respond(QTcpSocket *socket, int status, const QString &title, const QString &text)
{
    const QByteArray html = QStringLiteral(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>%1</title>"
        "<style>body{font-family:sans-serif;margin:4em auto;max-width:32em;color:#222}</style></head>"
        "<body><h1>%1</h1><p>%2</p></body></html>")
        .arg(title.toHtmlEscaped(), text.toHtmlEscaped()).toUtf8();
    QByteArray response = "HTTP/1.1 " + QByteArray::number(status) + (status == 200 ? " OK" : " Bad Request")
        + "\r\nContent-Type: text/html; charset=utf-8\r\nCache-Control: no-store\r\nConnection: close\r\n"
          "Content-Length: " + QByteArray::number(html.size()) + "\r\n\r\n" + html;
    socket->write(response);
    socket->disconnectFromHost();
}

void OAuthLogin::handleCallback(QTcpSocket *socket, const QByteArray &requestLine)
{
    // "GET /callback?code=...&state=... HTTP/1.1"
    const QList<QByteArray> parts = requestLine.split(' ');
    if (parts.size() < 2 || parts.at(0) != "GET") {
        respond(socket, 400, tr("Not a login redirect"), tr("This address only receives the Salesforce login redirect."));
        return;
    }
    const QUrl target(QString::fromLatin1(parts.at(1)));
    if (target.path() != m_path || !m_running || m_exchanging) {
        // Favicon requests and stray visits; do not end the login for those.
        respond(socket, 400, tr("Not a login redirect"), tr("This address only receives the Salesforce login redirect."));
        return;
    }
    const QUrlQuery q(target);
    const QString state = q.queryItemValue(QStringLiteral("state"), QUrl::FullyDecoded);
    const QString error = q.queryItemValue(QStringLiteral("error"), QUrl::FullyDecoded);
    const QString code = q.queryItemValue(QStringLiteral("code"), QUrl::FullyDecoded);

    if (state.toLatin1() != m_state) {
        // Not the redirect of the login we started (or a forged one): refuse it.
        qCWarning(lcOAuth, "Login redirect with a wrong state refused");
        respond(socket, 400, tr("Login refused"),
                tr("This login answer does not belong to the login Tether started, so it was refused. "
                   "Start the login again from Tether."));
        finish(loginError(QStringLiteral("STATE_MISMATCH"),
                          tr("The login answer did not carry the state Tether sent, so it was refused (it may be "
                             "stale or forged). Start the login again.")));
        return;
    }
    if (!error.isEmpty()) {
        const QString description = q.queryItemValue(QStringLiteral("error_description"), QUrl::FullyDecoded);
        const bool denied = error == QLatin1String("access_denied") || error == QLatin1String("access-denied");
        respond(socket, 200, tr("Login not completed"), tr("Salesforce did not grant access. You can close this tab."));
        finish(loginError(error, denied ? tr("Access was denied in the browser, so Tether is not logged in.")
                                        : tr("Salesforce refused the login: %1 %2").arg(error, description)));
        return;
    }
    if (code.isEmpty()) {
        respond(socket, 400, tr("Login refused"), tr("The login answer carried no authorization code."));
        finish(loginError(QStringLiteral("NO_CODE"), tr("The login answer carried no authorization code. Start the login again.")));
        return;
    }
    respond(socket, 200, tr("Tether is logged in"),
            tr("Tether received the login. You can close this tab and return to Tether."));
    m_exchanging = true;
    m_endpoint = new TokenEndpoint(m_conn, this);
    m_endpoint->exchangeCode(code, QString::fromLatin1(m_verifier), redirectUri(), [this](const TokenResponse &r) {
        if (!m_running)
            return; // cancelled while the exchange ran
        if (r.error.kind == SalesforceError::Kind::LoginRequired || r.error.kind == SalesforceError::Kind::Http) {
            // Refused at the token endpoint: this login failed, nothing to renew.
            SalesforceError e = r.error;
            e.kind = SalesforceError::Kind::LoginFailed;
            e.message = tr("Salesforce refused to exchange the login code (%1: %2). Start the login again.")
                            .arg(r.error.errorCode, r.error.message);
            finish(e, r);
            return;
        }
        finish(r.error, r);
    });
}

void OAuthLogin::finish(const SalesforceError &error, const TokenResponse &tokens)
{
    if (!m_running)
        return;
    m_running = false;
    m_timeout->stop();
    for (QTcpServer **server : {&m_server, &m_server6}) {
        if (*server) {
            (*server)->close();
            (*server)->deleteLater();
            *server = nullptr;
        }
    }
    if (m_endpoint) {
        m_endpoint->deleteLater();
        m_endpoint = nullptr;
    }
    m_verifier.clear();
    m_state.clear();
    if (error) {
        qCWarning(lcOAuth, "Browser login failed: %s", qPrintable(redact(error.toString())));
        emit failed(error);
        return;
    }
    OrgConnection conn = m_conn;
    conn.instanceUrl = tokens.instanceUrl;
    conn.orgId = tokens.orgId;
    conn.userId = tokens.userId;
    // Who logged in, for the person to see; a failure here does not undo the login.
    auto *endpoint = new TokenEndpoint(m_conn, this);
    endpoint->userInfo(tokens.instanceUrl, tokens.accessToken, [this, endpoint, conn, tokens](const TokenEndpoint::UserInfo &info) mutable {
        endpoint->deleteLater();
        if (info.error)
            qCWarning(lcOAuth, "Could not read who logged in: %s", qPrintable(redact(info.error.toString())));
        conn.username = info.username;
        qCInfo(lcOAuth, "Browser login succeeded for org %s as %s", qPrintable(conn.orgId), qPrintable(conn.username));
        emit succeeded(conn, tokens);
    });
}

} // namespace tether::salesforce
