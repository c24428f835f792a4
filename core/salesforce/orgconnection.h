// OrgConnection: where an org lives and which connected app Tether logs in with.
// A plain value type with no tokens in it: access and refresh tokens belong to
// OrgSession (memory) and TokenStore (keychain), so copying an OrgConnection
// into settings, logs or signals can never leak a secret.
#pragma once

#include <QMetaType>
#include <QString>
#include <QUrl>

namespace tether::salesforce {

// Login hosts Salesforce offers, plus a custom My Domain.
namespace LoginHost {
QUrl production(); // https://login.salesforce.com
QUrl sandbox();    // https://test.salesforce.com
// Accepts "production" (or empty), "sandbox", "acme.my.salesforce.com", "https://acme.my.salesforce.com/" or a
// full URL (http allowed only for loopback hosts, i.e. the simulator). Returns an
// invalid QUrl and a sentence in `why` when the text is not a usable host.
QUrl fromText(const QString &text, QString *why = nullptr);
} // namespace LoginHost

struct OrgConnection
{
    QUrl loginHost = LoginHost::production(); // where OAuth happens
    QUrl instanceUrl;                         // from the token response
    QString apiVersion = QStringLiteral("v59.0");
    QString orgId;  // 18 characters, from the identity URL
    QString userId; // 18 characters, from the identity URL
    QString username;
    QString clientId;     // connected app consumer key
    QString clientSecret; // optional for PKCE; needed for client_credentials. Keep it out of QSettings.

    // "/services/data/v59.0" — the base every data path hangs off.
    QString dataPath() const { return QStringLiteral("/services/data/") + apiVersion; }
    bool isValid() const { return instanceUrl.isValid() && !instanceUrl.isEmpty(); }

    // Fills orgId/userId from "https://login.salesforce.com/id/<orgId>/<userId>".
    bool setIdentityUrl(const QString &idUrl);

    // The connected app of tether-sim, used by demo mode.
    static OrgConnection simulatorDemo(const QUrl &simulatorBaseUrl);
};

} // namespace tether::salesforce

Q_DECLARE_METATYPE(tether::salesforce::OrgConnection)
