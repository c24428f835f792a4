#include "salesforce/tokenstore.h"

#include "logging.h"

#include <QCoreApplication>
#include <qt6keychain/keychain.h>

namespace tether::salesforce {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("TokenStore", text);
}

QString errorCodeName(QKeychain::Error e)
{
    switch (e) {
    case QKeychain::NoError: return {};
    case QKeychain::EntryNotFound: return QStringLiteral("EntryNotFound");
    case QKeychain::CouldNotDeleteEntry: return QStringLiteral("CouldNotDeleteEntry");
    case QKeychain::AccessDeniedByUser: return QStringLiteral("AccessDeniedByUser");
    case QKeychain::AccessDenied: return QStringLiteral("AccessDenied");
    case QKeychain::NoBackendAvailable: return QStringLiteral("NoBackendAvailable");
    case QKeychain::NotImplemented: return QStringLiteral("NotImplemented");
    case QKeychain::OtherError: return QStringLiteral("OtherError");
    }
    return QStringLiteral("OtherError");
}

// On Linux a missing Secret Service often surfaces as OtherError with a D-Bus
// message rather than NoBackendAvailable; both mean "there is no keychain here".
bool meansNoBackend(QKeychain::Error e, const QString &text)
{
    if (e == QKeychain::NoBackendAvailable || e == QKeychain::NotImplemented)
        return true;
    if (e != QKeychain::OtherError && e != QKeychain::AccessDenied)
        return false;
    static const char *const hints[] = {"dbus", "d-bus", "secret service", "secrets service",
                                        "org.freedesktop.secrets", "no such interface", "not provided by any",
                                        "cannot autolaunch", "kwallet", "backend"};
    const QString lower = text.toLower();
    for (const char *h : hints) {
        if (lower.contains(QLatin1String(h)))
            return true;
    }
    return false;
}

SalesforceError toError(QKeychain::Job *job, const char *what)
{
    const QKeychain::Error e = job->error();
    if (e == QKeychain::NoError)
        return {};
    SalesforceError err;
    err.kind = SalesforceError::Kind::Keychain;
    err.errorCode = errorCodeName(e);
    if (meansNoBackend(e, job->errorString())) {
        err.errorCode = QStringLiteral("NoBackendAvailable");
        err.message = tr("No system keychain is available (%1), so Tether cannot keep the Salesforce login "
                         "between runs and will not store it in plain text. Start a Secret Service such as "
                         "GNOME Keyring or KWallet, or log in headless: set TETHER_SF_REFRESH_TOKEN, use a "
                         "refresh token file with mode 0600, or use client credentials.")
                          .arg(job->errorString());
    } else if (e == QKeychain::EntryNotFound) {
        err.message = tr("No saved Salesforce login was found in the keychain. Log in again.");
    } else {
        err.message = tr("The keychain could not %1 the Salesforce login: %2.")
                          .arg(QString::fromLatin1(what), job->errorString());
    }
    return err;
}

} // namespace

TokenStore::TokenStore(const QString &service, QObject *parent)
    : QObject(parent)
    , m_service(service)
{
}

QString TokenStore::keyFor(const QUrl &loginHost, const QString &orgId, const QString &userId)
{
    return QStringLiteral("%1|%2|%3")
        .arg(loginHost.adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::StripTrailingSlash)
                 .toString(QUrl::RemoveUserInfo),
             orgId, userId);
}

void TokenStore::store(const QString &key, const QString &refreshToken, DoneCallback done)
{
    auto *job = new QKeychain::WritePasswordJob(m_service, this);
    job->setInsecureFallback(false); // never plaintext on disk
    job->setAutoDelete(true);
    job->setKey(key);
    job->setTextData(refreshToken);
    connect(job, &QKeychain::Job::finished, this, [done = std::move(done), key](QKeychain::Job *j) {
        const SalesforceError err = toError(j, "save");
        if (err)
            qCWarning(lcOAuth, "Keychain: storing the refresh token for %s failed: %s", qPrintable(key),
                      qPrintable(err.message));
        else
            qCInfo(lcOAuth, "Keychain: stored the refresh token for %s", qPrintable(key));
        if (done)
            done(err);
    });
    job->start();
}

void TokenStore::load(const QString &key, LoadCallback done)
{
    auto *job = new QKeychain::ReadPasswordJob(m_service, this);
    job->setInsecureFallback(false);
    job->setAutoDelete(true);
    job->setKey(key);
    connect(job, &QKeychain::Job::finished, this, [done = std::move(done)](QKeychain::Job *j) {
        const SalesforceError err = toError(j, "read");
        const QString token = err ? QString() : static_cast<QKeychain::ReadPasswordJob *>(j)->textData();
        if (done)
            done(token, err);
    });
    job->start();
}

void TokenStore::remove(const QString &key, DoneCallback done)
{
    auto *job = new QKeychain::DeletePasswordJob(m_service, this);
    job->setInsecureFallback(false);
    job->setAutoDelete(true);
    job->setKey(key);
    connect(job, &QKeychain::Job::finished, this, [done = std::move(done), key](QKeychain::Job *j) {
        const SalesforceError err = toError(j, "delete");
        if (!err)
            qCInfo(lcOAuth, "Keychain: deleted the refresh token for %s", qPrintable(key));
        if (done)
            done(err);
    });
    job->start();
}

} // namespace tether::salesforce
