// EngineSettings: what the engine controller needs to bring Tether up for one
// org — where the data lives, which database, which org and how much of it.
// No secrets except the connected app's client secret (which never goes to
// QSettings: it comes from the command line or the environment).
#pragma once

#include <QString>
#include <QStringList>
#include <QtGlobal>

namespace tether::lifecycle {

struct EngineSettings
{
    QString dataDir;       // managed PostgreSQL cluster and demo org live here
    QString database;      // libpq connection string; empty = the managed local cluster
    QString schema = QStringLiteral("salesforce");
    QStringList objects;   // empty = the default selection
    double requestsPerSecond = 0; // 0 = the saved (or default) rate

    // The org: the demo (tether-sim run by Tether) or a real one.
    bool demo = false;
    double demoScale = 1.0;      // 1 = 100,000 Accounts, 300,000 Contacts, ...
    int demoChurnPerSecond = 3;  // records the demo org changes by itself
    QString loginHost;           // production, sandbox, a My Domain or URL
    QString clientId;            // connected app consumer key
    QString clientSecret;        // client credentials flow only
    // Who logged in before (not secret): with loginHost they name the refresh
    // token in the keychain, so the desktop app can log in silently.
    QString orgId;
    QString userId;

    // Sync tuning the settings dialog offers; 0 / false = the engine's default.
    double pauseShare = 0;        // share of the daily quota at which background sync pauses (0..1)
    int pollMaxIntervalMs = 0;    // longest wait between two polls of a quiet table
    bool dropRemovedColumns = false; // a field removed in Salesforce: drop its column (else keep it, marked stale)

    // The write-through proxy: where clients connect instead of to PostgreSQL.
    bool proxyEnabled = true;
    QString proxyListen = QStringLiteral("127.0.0.1");
    quint16 proxyPort = 6543; // 0 = a free port
    QString proxyTlsCertificate; // PEM; required when proxyListen is not loopback
    QString proxyTlsKey;

    bool hasOrg() const { return demo || !clientId.isEmpty(); }
    bool operator==(const EngineSettings &) const = default;
};

} // namespace tether::lifecycle
