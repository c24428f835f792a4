// OAuthLogin: the browser login of a desktop app (RFC 8252): authorization code
// flow with PKCE (S256) and a loopback redirect.
//
// Hand-written rather than QOAuth2AuthorizationCodeFlow because on Qt 6.4 that
// class has no PKCE, its QOAuthHttpServerReplyHandler(port) form listens on
// every interface, and token-endpoint errors (e.g. invalid_grant for a wrong
// verifier) are only logged, never reported. Here the listener binds loopback
// only (127.0.0.1, plus ::1 when the redirect host is "localhost"), checks
// `state`, times out, can be cancelled, answers the browser with a "you can
// close this tab" page, and every failure arrives as a SalesforceError.
#pragma once

#include "salesforce/orgconnection.h"
#include "salesforce/salesforceerror.h"
#include "salesforce/tokenendpoint.h"

#include <QObject>
#include <QStringList>

class QTcpServer;
class QTcpSocket;
class QTimer;

namespace tether::salesforce {

// PKCE helpers (RFC 7636), public for tests.
namespace Pkce {
QByteArray makeVerifier();                       // 43 characters of base64url
QByteArray challengeFor(const QByteArray &verifier); // base64url(SHA-256), no padding
} // namespace Pkce

class OAuthLogin : public QObject
{
    Q_OBJECT
public:
    // Uses conn.loginHost, clientId and (optional) clientSecret.
    explicit OAuthLogin(const OrgConnection &conn, QObject *parent = nullptr);
    ~OAuthLogin() override;

    // The connected app's callback must match exactly, port included. The
    // default, http://localhost:1717/OauthRedirect, is the Salesforce CLI's
    // convention and is registered in tether-sim's default app. Port 0 picks a
    // free port (only useful when the app accepts any loopback port).
    void setRedirectPort(quint16 port);        // default 1717
    void setRedirectHost(const QString &host); // "localhost" (default) or "127.0.0.1"
    void setCallbackPath(const QString &path); // default "/OauthRedirect"
    void setScopes(const QStringList &scopes); // default "api refresh_token"
    void setTimeoutMs(int ms);                 // default 5 minutes
    // False: do not call QDesktopServices, only emit authorizationUrlReady
    // (headless front ends print it instead).
    void setOpenBrowser(bool open);

    // Listens, builds the authorization URL, opens the browser. Ends with
    // exactly one of succeeded() or failed(); succeeded() carries the username
    // from /userinfo when it could be read.
    void start();
    void cancel();
    bool isRunning() const;

    QString redirectUri() const; // valid after start()
    QUrl authorizationUrl() const;

signals:
    void authorizationUrlReady(const QUrl &url);
    void succeeded(const tether::salesforce::OrgConnection &conn,
                   const tether::salesforce::TokenResponse &tokens);
    void failed(const tether::salesforce::SalesforceError &error);

private:
    void onNewConnection(QTcpServer *server);
    void handleCallback(QTcpSocket *socket, const QByteArray &requestLine);
    void respond(QTcpSocket *socket, int status, const QString &title, const QString &text);
    void finish(const SalesforceError &error, const TokenResponse &tokens = {});

    OrgConnection m_conn;
    QTcpServer *m_server = nullptr;  // 127.0.0.1
    QTcpServer *m_server6 = nullptr; // ::1, when the redirect host is "localhost"
    QTimer *m_timeout = nullptr;
    TokenEndpoint *m_endpoint = nullptr;
    quint16 m_port = 1717;
    QString m_host = QStringLiteral("localhost");
    QString m_path = QStringLiteral("/OauthRedirect");
    QStringList m_scopes{QStringLiteral("api"), QStringLiteral("refresh_token")};
    int m_timeoutMs = 5 * 60 * 1000;
    bool m_openBrowser = true;
    bool m_running = false;
    bool m_exchanging = false;
    QByteArray m_state;
    QByteArray m_verifier;
    QUrl m_authUrl;
};

} // namespace tether::salesforce
