// DesktopSettings: what the desktop app remembers between starts — the
// person's choices from the setup assistant and the settings dialog — in
// QSettings. Nothing secret is ever written there: the database password and
// the Salesforce refresh token live in the OS keychain (salesforce::TokenStore),
// found again by the non-secret keys kept here (decision 0015).
#pragma once

#include "lifecycle/enginesettings.h"

#include <QString>
#include <QStringList>

class QSettings;

namespace tether::lifecycle {

struct DesktopChoices
{
    // False until the setup assistant was finished once; the start flow shows
    // the assistant until then.
    bool setupComplete = false;

    // The org. `engine` carries login host, consumer key (empty = built in),
    // org and user id (the keychain key of the refresh token), schema, objects,
    // rate, sync tuning and proxy; `engine.database` is built from the fields
    // below and never stored.
    EngineSettings engine;
    QString username;    // who logged in, to show
    QString instanceUrl; // where the org lives, to show

    // The database: Tether's managed local cluster, or a server the person names.
    bool managedDatabase = true;
    QString databaseHost;
    int databasePort = 5432;
    QString databaseName;
    QString databaseUser;
    QString databaseSslMode = QStringLiteral("prefer");

    QString language; // "" = the system's, "en", "de"

    bool operator==(const DesktopChoices &) const = default;
};

// Shared with the dashboard's rate slider, which writes the same key.
inline constexpr const char *RateSettingsKey = "sync/requestsPerSecond";

// The consumer key of the connected app this build of Tether was given
// (TETHER_OAUTH_CLIENT_ID at build time), used unless the person gives their
// own under "Advanced". Empty when the build has none: then the person's own
// connected app is the only way in, and the assistant says so.
QString builtInClientId();

// The keychain service all of Tether's desktop secrets are stored under.
QString keychainService();

class DesktopSettings
{
public:
    // The choices last saved; defaults (setupComplete false) when none are.
    static DesktopChoices load();
    static void save(const DesktopChoices &choices);
    // Forgets everything (the next start shows the assistant again).
    static void clear();
    // The file the choices are kept in, for tests and the report of what is saved where.
    static QString fileName();

    // The libpq connection string for the existing server (the password goes
    // in here, in memory only); empty for the managed cluster.
    static QString connectionString(const DesktopChoices &choices, const QString &password);
    // The keychain key the database password is stored under.
    static QString databasePasswordKey(const DesktopChoices &choices);
    // The keychain key the refresh token is stored under (login host, org, user).
    static QString refreshTokenKey(const DesktopChoices &choices);

    // What of `after` can only take effect when the sync restarts (a sentence
    // per change; empty = everything applies at once).
    static QStringList restartReasons(const DesktopChoices &before, const DesktopChoices &after);
    // Whether `after` changes the language (takes effect at the next start of Tether).
    static bool languageChanged(const DesktopChoices &before, const DesktopChoices &after)
    {
        return before.language != after.language;
    }
};

} // namespace tether::lifecycle
