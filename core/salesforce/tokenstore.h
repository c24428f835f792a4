// TokenStore: refresh tokens in the OS keychain (Secret Service, macOS
// Keychain, Windows Credential Manager) through QtKeychain, with the insecure
// plaintext fallback off. Keyed by login host + org id + user id.
//
// When no keychain backend exists (common on headless Linux) every call fails
// with a SalesforceError of kind Keychain whose sentence says so and names the
// headless alternatives; nothing is ever written in plain text instead.
#pragma once

#include "salesforce/salesforceerror.h"

#include <QObject>
#include <QUrl>
#include <functional>

namespace tether::salesforce {

class TokenStore : public QObject
{
    Q_OBJECT
public:
    explicit TokenStore(const QString &service = QStringLiteral("Tether"), QObject *parent = nullptr);

    static QString keyFor(const QUrl &loginHost, const QString &orgId, const QString &userId);

    using DoneCallback = std::function<void(const SalesforceError &)>;
    using LoadCallback = std::function<void(const QString &refreshToken, const SalesforceError &)>;

    // Callbacks run on this object's thread. A missing entry on load is an error
    // with errorCode "EntryNotFound" (not a crash, not an empty success).
    void store(const QString &key, const QString &refreshToken, DoneCallback done);
    void load(const QString &key, LoadCallback done);
    void remove(const QString &key, DoneCallback done);

private:
    QString m_service;
};

} // namespace tether::salesforce
