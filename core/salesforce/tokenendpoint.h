// TokenEndpoint: the OAuth 2.0 calls to a Salesforce login host
// (/services/oauth2/token, /revoke, /userinfo). Asynchronous; callbacks run on
// the thread that owns the TokenEndpoint. Never logs a token.
#pragma once

#include "salesforce/orgconnection.h"
#include "salesforce/salesforceerror.h"

#include <QObject>
#include <QString>
#include <functional>

class QNetworkAccessManager;
class QNetworkReply;

namespace tether::salesforce {

// A successful token response. There is no expires_in at Salesforce: the
// session lives until the org's timeout, and a 401 tells us when it ended.
struct TokenResponse
{
    SalesforceError error; // kind LoginRequired for invalid_grant, Http/Network otherwise
    QString accessToken;
    QString refreshToken; // code flow (and rotation) only; empty on refresh
    QUrl instanceUrl;
    QString identityUrl; // https://login.salesforce.com/id/<orgId>/<userId>
    QString orgId;
    QString userId;
    QString scope;
    QString issuedAt; // epoch milliseconds, as text

    bool ok() const { return !error && !accessToken.isEmpty(); }
};

class TokenEndpoint : public QObject
{
    Q_OBJECT
public:
    // Uses conn.loginHost, clientId and clientSecret.
    explicit TokenEndpoint(const OrgConnection &conn, QObject *parent = nullptr);

    void setTimeoutMs(int ms); // default 30000

    using TokenCallback = std::function<void(const TokenResponse &)>;
    using DoneCallback = std::function<void(const SalesforceError &)>;

    void exchangeCode(const QString &code, const QString &codeVerifier,
                      const QString &redirectUri, TokenCallback done);
    void refresh(const QString &refreshToken, TokenCallback done);
    void clientCredentials(TokenCallback done);
    // Revoking a refresh token kills its access tokens too.
    void revoke(const QString &token, DoneCallback done);

    // GET {instanceUrl}/services/oauth2/userinfo: who is logged in (for display).
    struct UserInfo
    {
        SalesforceError error;
        QString username; // preferred_username
        QString name;
        QString email;
        QString orgId;
        QString userId;
    };
    void userInfo(const QUrl &instanceUrl, const QString &accessToken, std::function<void(const UserInfo &)> done);

private:
    void postForm(const QString &path, const QList<QPair<QString, QString>> &form,
                  std::function<void(int status, const QByteArray &body, const SalesforceError &net)> done);

    OrgConnection m_conn;
    QNetworkAccessManager *m_nam;
    int m_timeoutMs = 30000;
};

} // namespace tether::salesforce
