// OrgSession: the live login to one org — the access token (memory only), the
// refresh token, and the single-flight refresh that every RestClient of the org
// shares.
//
// Thread-safe. Several RestClients on several threads hit 401 INVALID_SESSION_ID
// at once when a session expires; each calls refreshAccessToken() with the token
// it used, exactly one refresh goes to Salesforce, and all of them get the
// outcome on their own thread. A refresh refused with invalid_grant ends the
// session (state LoggedOut) and emits loginRequired().
#pragma once

#include "salesforce/orgconnection.h"
#include "salesforce/salesforceerror.h"
#include "salesforce/tokenendpoint.h"

#include <QMutex>
#include <QObject>
#include <QPointer>
#include <functional>

namespace tether::salesforce {

class TokenStore;

class OrgSession : public QObject
{
    Q_OBJECT
public:
    enum class State { LoggedOut, LoggedIn };
    Q_ENUM(State)

    // How a new access token is obtained when the old one dies.
    enum class RenewBy { Nothing, RefreshToken, ClientCredentials };

    explicit OrgSession(const OrgConnection &conn, QObject *parent = nullptr);
    ~OrgSession() override;

    OrgConnection connection() const;
    State state() const;
    RenewBy renewBy() const;
    QString accessToken() const;  // empty when logged out
    QString refreshToken() const; // empty for client_credentials sessions
    int refreshCount() const;     // refreshes actually sent to Salesforce

    // After a browser login: takes instance URL, ids and both tokens.
    void adopt(const TokenResponse &tokens);

    using DoneCallback = std::function<void(const SalesforceError &)>;

    // Headless logins. `done` runs on `context`'s thread. Callable from any
    // thread; the network work happens on this object's thread.
    void loginWithRefreshToken(const QString &refreshToken, QObject *context, DoneCallback done);
    void loginWithClientCredentials(QObject *context, DoneCallback done);

    // Single-flight renewal. `staleToken` is the access token that got the 401:
    // if the session already holds a different one, `done` runs at once with no
    // error. `done` runs on `context`'s thread (skipped if it was destroyed).
    void refreshAccessToken(const QString &staleToken, QObject *context, DoneCallback done);

    // Revokes the refresh token (or the access token if there is none), deletes
    // it from `store` (may be null; must live in this object's thread) and
    // forgets everything. Local state is cleared
    // even when revoking fails; the error says so.
    void logout(TokenStore *store, QObject *context, DoneCallback done);

    // Keychain key for this session's refresh token (see TokenStore::keyFor);
    // needs loginHost, orgId and userId, which are not secret and may be kept in
    // settings to find the token again at the next start.
    QString tokenStoreKey() const;

    // Saves the refresh token under tokenStoreKey(). `store` must live in the
    // caller's thread; `done` runs there. Fails (kind Keychain) without a backend.
    void saveRefreshToken(TokenStore *store, DoneCallback done);
    // The next start: loads the refresh token saved for connection() and logs
    // in with it. `done` runs on `context`'s thread.
    void loginFromKeychain(TokenStore *store, QObject *context, DoneCallback done);

signals:
    void stateChanged(tether::salesforce::OrgSession::State state);
    void accessTokenRenewed();
    // The refresh token was refused: a person has to log in again.
    void loginRequired(const tether::salesforce::SalesforceError &reason);

private:
    struct Waiter
    {
        QObject *context;
        DoneCallback done;
        QMetaObject::Connection onDestroyed;
    };
    void addWaiterLocked(QObject *context, DoneCallback done);
    void postLocked(const Waiter &w, const SalesforceError &error); // m_mutex held
    void kickRenewal();
    void startRenewal(); // runs in this object's thread
    void finishRenewal(const TokenResponse &response);

    mutable QMutex m_mutex;
    OrgConnection m_conn;
    State m_state = State::LoggedOut;
    RenewBy m_renewBy = RenewBy::Nothing;
    QString m_accessToken;
    QString m_refreshToken;
    bool m_renewing = false;
    int m_refreshCount = 0;
    QList<Waiter> m_waiters;
    TokenEndpoint *m_endpoint = nullptr; // lives in this object's thread
};

} // namespace tether::salesforce
