#include "salesforce/orgsession.h"

#include "logging.h"
#include "salesforce/tokenstore.h"

#include <QCoreApplication>
#include <QMutexLocker>

namespace tether::salesforce {

OrgSession::OrgSession(const OrgConnection &conn, QObject *parent)
    : QObject(parent)
    , m_conn(conn)
    , m_endpoint(new TokenEndpoint(conn, this))
{
    qRegisterMetaType<tether::salesforce::SalesforceError>();
    qRegisterMetaType<tether::salesforce::OrgConnection>();
}

OrgSession::~OrgSession()
{
    QMutexLocker lock(&m_mutex);
    for (const Waiter &w : std::as_const(m_waiters))
        QObject::disconnect(w.onDestroyed);
    m_waiters.clear();
}

OrgConnection OrgSession::connection() const
{
    QMutexLocker lock(&m_mutex);
    return m_conn;
}

OrgSession::State OrgSession::state() const
{
    QMutexLocker lock(&m_mutex);
    return m_state;
}

OrgSession::RenewBy OrgSession::renewBy() const
{
    QMutexLocker lock(&m_mutex);
    return m_renewBy;
}

QString OrgSession::accessToken() const
{
    QMutexLocker lock(&m_mutex);
    return m_accessToken;
}

QString OrgSession::refreshToken() const
{
    QMutexLocker lock(&m_mutex);
    return m_refreshToken;
}

int OrgSession::refreshCount() const
{
    QMutexLocker lock(&m_mutex);
    return m_refreshCount;
}

QString OrgSession::tokenStoreKey() const
{
    QMutexLocker lock(&m_mutex);
    return TokenStore::keyFor(m_conn.loginHost, m_conn.orgId, m_conn.userId);
}

void OrgSession::adopt(const TokenResponse &tokens)
{
    {
        QMutexLocker lock(&m_mutex);
        m_conn.instanceUrl = tokens.instanceUrl;
        if (!tokens.orgId.isEmpty()) {
            m_conn.orgId = tokens.orgId;
            m_conn.userId = tokens.userId;
        }
        m_accessToken = tokens.accessToken;
        m_refreshToken = tokens.refreshToken;
        m_renewBy = m_refreshToken.isEmpty() ? RenewBy::Nothing : RenewBy::RefreshToken;
        m_state = State::LoggedIn;
    }
    qCInfo(lcOAuth, "Logged in to org %s as user %s at %s", qPrintable(tokens.orgId),
           qPrintable(tokens.userId), qPrintable(tokens.instanceUrl.host()));
    emit stateChanged(State::LoggedIn);
}

void OrgSession::loginWithRefreshToken(const QString &refreshToken, QObject *context, DoneCallback done)
{
    {
        QMutexLocker lock(&m_mutex);
        m_refreshToken = refreshToken;
        m_renewBy = RenewBy::RefreshToken;
        m_accessToken.clear();
        addWaiterLocked(context, std::move(done));
    }
    kickRenewal();
}

void OrgSession::loginWithClientCredentials(QObject *context, DoneCallback done)
{
    {
        QMutexLocker lock(&m_mutex);
        m_refreshToken.clear();
        m_renewBy = RenewBy::ClientCredentials;
        m_accessToken.clear();
        addWaiterLocked(context, std::move(done));
    }
    kickRenewal();
}

void OrgSession::refreshAccessToken(const QString &staleToken, QObject *context, DoneCallback done)
{
    {
        QMutexLocker lock(&m_mutex);
        if (m_state == State::LoggedIn && !m_renewing && !m_accessToken.isEmpty()
            && m_accessToken != staleToken) {
            // Somebody else renewed it already.
            Waiter w{context, std::move(done), {}};
            postLocked(w, {});
            return;
        }
        if (m_state == State::LoggedOut && !m_renewing) {
            Waiter w{context, std::move(done), {}};
            postLocked(w, SalesforceError::make(SalesforceError::Kind::LoginRequired,
                                                QCoreApplication::translate("OrgSession", "not logged in"),
                                                QStringLiteral("LOGGED_OUT")));
            return;
        }
        addWaiterLocked(context, std::move(done));
    }
    kickRenewal();
}

void OrgSession::addWaiterLocked(QObject *context, DoneCallback done)
{
    Waiter w{context, std::move(done), {}};
    // A context that dies while waiting must be forgotten before anything is
    // posted to it; the mutex makes removal and posting mutually exclusive.
    w.onDestroyed = QObject::connect(context, &QObject::destroyed, context, [this, context] {
        QMutexLocker lock(&m_mutex);
        m_waiters.removeIf([context](const Waiter &x) { return x.context == context; });
    }, Qt::DirectConnection);
    m_waiters.append(std::move(w));
}

void OrgSession::postLocked(const Waiter &w, const SalesforceError &error)
{
    QObject::disconnect(w.onDestroyed);
    if (!w.done)
        return;
    QMetaObject::invokeMethod(w.context, [done = w.done, error] { done(error); }, Qt::QueuedConnection);
}

void OrgSession::kickRenewal()
{
    {
        QMutexLocker lock(&m_mutex);
        if (m_renewing)
            return; // single flight: the running renewal will answer every waiter
        m_renewing = true;
    }
    QMetaObject::invokeMethod(this, &OrgSession::startRenewal, Qt::QueuedConnection);
}

void OrgSession::startRenewal()
{
    RenewBy by;
    QString refresh;
    {
        QMutexLocker lock(&m_mutex);
        by = m_renewBy;
        refresh = m_refreshToken;
        ++m_refreshCount;
    }
    auto finished = [this](const TokenResponse &r) { finishRenewal(r); };
    switch (by) {
    case RenewBy::RefreshToken:
        qCInfo(lcOAuth, "Renewing the access token with the refresh token");
        m_endpoint->refresh(refresh, finished);
        return;
    case RenewBy::ClientCredentials:
        qCInfo(lcOAuth, "Renewing the access token with client credentials");
        m_endpoint->clientCredentials(finished);
        return;
    case RenewBy::Nothing:
        break;
    }
    TokenResponse none;
    none.error = SalesforceError::make(
        SalesforceError::Kind::LoginRequired,
        QCoreApplication::translate("OrgSession", "the session ended and there is no refresh token to renew it"),
        QStringLiteral("NO_REFRESH_TOKEN"));
    finishRenewal(none);
}

void OrgSession::finishRenewal(const TokenResponse &r)
{
    bool loggedOut = false;
    bool loggedIn = false;
    SalesforceError error = r.error;
    {
        QMutexLocker lock(&m_mutex);
        m_renewing = false;
        if (r.ok()) {
            m_accessToken = r.accessToken;
            if (!r.refreshToken.isEmpty()) // rotation: the old one is dead now
                m_refreshToken = r.refreshToken;
            if (r.instanceUrl.isValid())
                m_conn.instanceUrl = r.instanceUrl;
            if (!r.orgId.isEmpty()) {
                m_conn.orgId = r.orgId;
                m_conn.userId = r.userId;
            }
            loggedIn = m_state != State::LoggedIn;
            m_state = State::LoggedIn;
        } else if (error.kind == SalesforceError::Kind::LoginRequired
                   || (error.kind == SalesforceError::Kind::Http && error.httpStatus >= 400
                       && error.httpStatus < 500)) {
            // invalid_grant and friends: the refresh token is dead. End cleanly.
            error.kind = SalesforceError::Kind::LoginRequired;
            loggedOut = m_state != State::LoggedOut;
            m_state = State::LoggedOut;
            m_accessToken.clear();
            m_refreshToken.clear();
            m_renewBy = RenewBy::Nothing;
        }
        for (const Waiter &w : std::as_const(m_waiters))
            postLocked(w, error);
        m_waiters.clear();
    }
    if (r.ok()) {
        qCInfo(lcOAuth, "Access token renewed for org %s", qPrintable(r.orgId));
        if (loggedIn)
            emit stateChanged(State::LoggedIn);
        emit accessTokenRenewed();
        return;
    }
    qCWarning(lcOAuth, "Renewing the access token failed: %s", qPrintable(error.toString()));
    if (error.kind == SalesforceError::Kind::LoginRequired) {
        if (loggedOut)
            emit stateChanged(State::LoggedOut);
        emit loginRequired(error);
    }
}

void OrgSession::saveRefreshToken(TokenStore *store, DoneCallback done)
{
    const QString token = refreshToken();
    if (token.isEmpty()) {
        done(SalesforceError::make(SalesforceError::Kind::Config,
                                   QCoreApplication::translate("OrgSession", "This session has no refresh token to save."),
                                   QStringLiteral("NO_REFRESH_TOKEN")));
        return;
    }
    store->store(tokenStoreKey(), token, std::move(done));
}

void OrgSession::loginFromKeychain(TokenStore *store, QObject *context, DoneCallback done)
{
    QPointer<QObject> guard(context);
    store->load(tokenStoreKey(), [this, guard, done = std::move(done)](const QString &token, const SalesforceError &e) {
        if (!guard)
            return;
        if (e) {
            done(e);
            return;
        }
        loginWithRefreshToken(token, guard, done);
    });
}

void OrgSession::logout(TokenStore *store, QObject *context, DoneCallback done)
{
    QString token;
    QString key;
    {
        QMutexLocker lock(&m_mutex);
        token = m_refreshToken.isEmpty() ? m_accessToken : m_refreshToken;
        key = TokenStore::keyFor(m_conn.loginHost, m_conn.orgId, m_conn.userId);
        m_accessToken.clear();
        m_refreshToken.clear();
        m_renewBy = RenewBy::Nothing;
        m_state = State::LoggedOut;
    }
    emit stateChanged(State::LoggedOut);
    auto result = std::make_shared<SalesforceError>();
    auto finish = [this, context = QPointer<QObject>(context), done, result] {
        qCInfo(lcOAuth, "Logged out%s", *result ? " (with errors)" : "");
        QMutexLocker lock(&m_mutex);
        if (context)
            postLocked(Waiter{context, done, {}}, *result);
    };
    auto removeFromStore = [store = QPointer<TokenStore>(store), key, result, finish] {
        if (!store) {
            finish();
            return;
        }
        store->remove(key, [result, finish](const SalesforceError &e) {
            // Nothing stored is fine: the goal is that nothing is stored.
            if (e && e.errorCode != QLatin1String("EntryNotFound") && !*result)
                *result = e;
            finish();
        });
    };
    QMetaObject::invokeMethod(this, [this, token, result, removeFromStore] {
        if (token.isEmpty()) {
            removeFromStore();
            return;
        }
        m_endpoint->revoke(token, [result, removeFromStore](const SalesforceError &e) {
            if (e)
                *result = e;
            removeFromStore();
        });
    }, Qt::QueuedConnection);
}

} // namespace tether::salesforce
