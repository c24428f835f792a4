// LoginMethod: how the engine controller logs an OrgSession in. The controller
// does not care which: headless runs use client credentials or a refresh
// token from the environment or a 0600 file; the desktop app uses the token
// saved in the keychain, or the browser (authorization code + PKCE).
#pragma once

#include "salesforce/oauthlogin.h"
#include "salesforce/orgsession.h"

#include <QObject>
#include <QPointer>
#include <memory>

namespace tether::salesforce {

class TokenStore;
} // namespace tether::salesforce

namespace tether::lifecycle {

struct EngineSettings;

class LoginMethod
{
public:
    virtual ~LoginMethod() = default;
    // For progress lines: "client credentials", "the refresh token in /etc/...".
    virtual QString description() const = 0;
    // Logs `session` in. `done` runs once, on `context`'s thread.
    virtual void logIn(salesforce::OrgSession *session, QObject *context, salesforce::OrgSession::DoneCallback done) = 0;
    // Gives up a login in progress (`done` then reports a cancellation).
    virtual void cancel() {}
};

class ClientCredentialsLogin : public LoginMethod
{
public:
    QString description() const override;
    void logIn(salesforce::OrgSession *session, QObject *context, salesforce::OrgSession::DoneCallback done) override;
};

class RefreshTokenLogin : public LoginMethod
{
public:
    RefreshTokenLogin(QString token, QString source) : m_token(std::move(token)), m_source(std::move(source)) {}
    QString description() const override;
    void logIn(salesforce::OrgSession *session, QObject *context, salesforce::OrgSession::DoneCallback done) override;

private:
    QString m_token;
    QString m_source; // never the token itself
};

// The refresh token saved in the OS keychain at an earlier browser login.
class KeychainLogin : public LoginMethod
{
public:
    explicit KeychainLogin(salesforce::TokenStore *store) : m_store(store) {}
    QString description() const override;
    void logIn(salesforce::OrgSession *session, QObject *context, salesforce::OrgSession::DoneCallback done) override;

private:
    salesforce::TokenStore *m_store;
};

// The system browser: authorization code + PKCE on the loopback redirect.
// On success the session adopts the tokens and the refresh token is saved to
// `store` (when given) so the next start logs in silently.
class BrowserLogin : public LoginMethod
{
public:
    explicit BrowserLogin(salesforce::TokenStore *store = nullptr, bool openBrowser = true)
        : m_store(store), m_openBrowser(openBrowser)
    {
    }
    ~BrowserLogin() override;
    QString description() const override;
    void logIn(salesforce::OrgSession *session, QObject *context, salesforce::OrgSession::DoneCallback done) override;
    void cancel() override;
    // The login in progress (to show its URL or wait state), null otherwise.
    salesforce::OAuthLogin *current() const { return m_login; }

private:
    salesforce::TokenStore *m_store;
    bool m_openBrowser;
    QPointer<salesforce::OAuthLogin> m_login;
};

// The headless choice: a refresh token from TETHER_SF_REFRESH_TOKEN or
// `refreshTokenFile`, else client credentials when there is a client secret.
// Null and a sentence in `why` when there is no way to log in without a browser.
std::unique_ptr<LoginMethod> headlessLoginMethod(const EngineSettings &settings, const QString &refreshTokenFile,
                                                 QString *why);

} // namespace tether::lifecycle
