#include "lifecycle/loginmethod.h"

#include "lifecycle/enginesettings.h"
#include "salesforce/headlesscredentials.h"
#include "salesforce/oauthlogin.h"
#include "salesforce/tokenstore.h"
#include "salesforce/tokenendpoint.h"

#include <QCoreApplication>

namespace tether::lifecycle {

using salesforce::OrgSession;
using salesforce::SalesforceError;

namespace {
QString tr(const char *text) { return QCoreApplication::translate("LoginMethod", text); }
} // namespace

QString ClientCredentialsLogin::description() const { return tr("client credentials"); }

void ClientCredentialsLogin::logIn(OrgSession *session, QObject *context, OrgSession::DoneCallback done)
{
    session->loginWithClientCredentials(context, std::move(done));
}

QString RefreshTokenLogin::description() const { return tr("the refresh token from %1").arg(m_source); }

void RefreshTokenLogin::logIn(OrgSession *session, QObject *context, OrgSession::DoneCallback done)
{
    session->loginWithRefreshToken(m_token, context, std::move(done));
}

QString KeychainLogin::description() const { return tr("the login saved in the keychain"); }

void KeychainLogin::logIn(OrgSession *session, QObject *context, OrgSession::DoneCallback done)
{
    session->loginFromKeychain(m_store, context, std::move(done));
}

BrowserLogin::~BrowserLogin() { delete m_login; }

QString BrowserLogin::description() const { return tr("the browser"); }

void BrowserLogin::logIn(OrgSession *session, QObject *context, OrgSession::DoneCallback done)
{
    delete m_login;
    m_login = new salesforce::OAuthLogin(session->connection(), context);
    m_login->setOpenBrowser(m_openBrowser);
    auto finish = std::make_shared<OrgSession::DoneCallback>(std::move(done));
    QObject::connect(m_login, &salesforce::OAuthLogin::failed, context, [finish](const SalesforceError &error) {
        if (*finish)
            std::exchange(*finish, nullptr)(error);
    });
    QObject::connect(m_login, &salesforce::OAuthLogin::succeeded, context,
                     [this, session, finish](const salesforce::OrgConnection &, const salesforce::TokenResponse &tokens) {
                         session->adopt(tokens);
                         if (!m_store) {
                             if (*finish)
                                 std::exchange(*finish, nullptr)(SalesforceError());
                             return;
                         }
                         // Logged in either way; a keychain problem only costs the silent login next time.
                         session->saveRefreshToken(m_store, [finish](const SalesforceError &) {
                             if (*finish)
                                 std::exchange(*finish, nullptr)(SalesforceError());
                         });
                     });
    m_login->start();
}

void BrowserLogin::cancel()
{
    if (m_login)
        m_login->cancel();
}

std::unique_ptr<LoginMethod> headlessLoginMethod(const EngineSettings &settings, const QString &refreshTokenFile, QString *why)
{
    const salesforce::HeadlessRefreshToken token = salesforce::loadHeadlessRefreshToken(refreshTokenFile);
    if (token.error) {
        *why = token.error.toString();
        return {};
    }
    if (!token.token.isEmpty())
        return std::make_unique<RefreshTokenLogin>(token.token, token.source);
    if (!settings.clientSecret.isEmpty())
        return std::make_unique<ClientCredentialsLogin>();
    *why = tr("No way to log in without a browser: give a client secret for the client credentials flow "
              "(--client-secret, client-secret in the --secrets-file, or the systemd credential client-secret), "
              "or a refresh token (%1, --refresh-token-file, or refresh-token in the secrets file).")
               .arg(QString::fromLatin1(salesforce::RefreshTokenEnvVar));
    return {};
}

} // namespace tether::lifecycle
