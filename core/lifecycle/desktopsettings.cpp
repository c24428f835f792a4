#include "lifecycle/desktopsettings.h"

#include "salesforce/orgconnection.h"
#include "salesforce/tokenstore.h"

#include <QCoreApplication>
#include <QSettings>

namespace tether::lifecycle {

namespace {

// libpq's quoting of a value in a key=value connection string.
QString conninfoValue(const QString &value)
{
    QString escaped = value;
    escaped.replace(QLatin1Char('\\'), QStringLiteral("\\\\")).replace(QLatin1Char('\''), QStringLiteral("\\'"));
    return QLatin1Char('\'') + escaped + QLatin1Char('\'');
}

} // namespace

QString builtInClientId()
{
    // The distributor's connected app, set at build time (TETHER_OAUTH_CLIENT_ID).
    // Its callback is http://localhost:1717/OauthRedirect (the same loopback
    // convention as the Salesforce CLI), with PKCE.
    return QStringLiteral(TETHER_OAUTH_CLIENT_ID);
}

QString keychainService() { return QStringLiteral("Tether"); }

QString DesktopSettings::fileName() { return QSettings().fileName(); }

DesktopChoices DesktopSettings::load()
{
    QSettings s;
    DesktopChoices c;
    EngineSettings &e = c.engine;
    c.setupComplete = s.value(QStringLiteral("setup/complete"), false).toBool();

    s.beginGroup(QStringLiteral("org"));
    e.demo = s.value(QStringLiteral("demo"), false).toBool();
    e.loginHost = s.value(QStringLiteral("loginHost")).toString();
    e.clientId = s.value(QStringLiteral("clientId")).toString();
    e.orgId = s.value(QStringLiteral("orgId")).toString();
    e.userId = s.value(QStringLiteral("userId")).toString();
    c.username = s.value(QStringLiteral("username")).toString();
    c.instanceUrl = s.value(QStringLiteral("instanceUrl")).toString();
    s.endGroup();

    s.beginGroup(QStringLiteral("database"));
    c.managedDatabase = s.value(QStringLiteral("managed"), true).toBool();
    c.databaseHost = s.value(QStringLiteral("host")).toString();
    c.databasePort = s.value(QStringLiteral("port"), 5432).toInt();
    c.databaseName = s.value(QStringLiteral("name")).toString();
    c.databaseUser = s.value(QStringLiteral("user")).toString();
    c.databaseSslMode = s.value(QStringLiteral("sslMode"), QStringLiteral("prefer")).toString();
    e.schema = s.value(QStringLiteral("schema"), QStringLiteral("salesforce")).toString();
    s.endGroup();

    e.objects = s.value(QStringLiteral("sync/objects")).toStringList();
    e.requestsPerSecond = s.value(QLatin1String(RateSettingsKey), 0.0).toDouble();
    e.pauseShare = s.value(QStringLiteral("sync/pauseShare"), 0.0).toDouble();
    e.pollMaxIntervalMs = s.value(QStringLiteral("sync/pollMaxIntervalMs"), 0).toInt();
    e.dropRemovedColumns = s.value(QStringLiteral("sync/dropRemovedColumns"), false).toBool();

    s.beginGroup(QStringLiteral("proxy"));
    e.proxyEnabled = s.value(QStringLiteral("enabled"), true).toBool();
    e.proxyPort = quint16(s.value(QStringLiteral("port"), 6543).toUInt());
    e.proxyListen = s.value(QStringLiteral("listen"), QStringLiteral("127.0.0.1")).toString();
    e.proxyTlsCertificate = s.value(QStringLiteral("tlsCertificate")).toString();
    e.proxyTlsKey = s.value(QStringLiteral("tlsKey")).toString();
    s.endGroup();

    c.language = s.value(QStringLiteral("ui/language")).toString();
    return c;
}

void DesktopSettings::save(const DesktopChoices &c)
{
    QSettings s;
    const EngineSettings &e = c.engine;
    s.setValue(QStringLiteral("setup/complete"), c.setupComplete);

    // Identifiers only: the refresh token is in the keychain under these.
    s.beginGroup(QStringLiteral("org"));
    s.setValue(QStringLiteral("demo"), e.demo);
    s.setValue(QStringLiteral("loginHost"), e.loginHost);
    s.setValue(QStringLiteral("clientId"), e.clientId);
    s.setValue(QStringLiteral("orgId"), e.orgId);
    s.setValue(QStringLiteral("userId"), e.userId);
    s.setValue(QStringLiteral("username"), c.username);
    s.setValue(QStringLiteral("instanceUrl"), c.instanceUrl);
    s.endGroup();

    // No password: it is in the keychain under databasePasswordKey().
    s.beginGroup(QStringLiteral("database"));
    s.setValue(QStringLiteral("managed"), c.managedDatabase);
    s.setValue(QStringLiteral("host"), c.databaseHost);
    s.setValue(QStringLiteral("port"), c.databasePort);
    s.setValue(QStringLiteral("name"), c.databaseName);
    s.setValue(QStringLiteral("user"), c.databaseUser);
    s.setValue(QStringLiteral("sslMode"), c.databaseSslMode);
    s.setValue(QStringLiteral("schema"), e.schema);
    s.endGroup();

    s.setValue(QStringLiteral("sync/objects"), e.objects);
    if (e.requestsPerSecond > 0)
        s.setValue(QLatin1String(RateSettingsKey), e.requestsPerSecond);
    s.setValue(QStringLiteral("sync/pauseShare"), e.pauseShare);
    s.setValue(QStringLiteral("sync/pollMaxIntervalMs"), e.pollMaxIntervalMs);
    s.setValue(QStringLiteral("sync/dropRemovedColumns"), e.dropRemovedColumns);

    s.beginGroup(QStringLiteral("proxy"));
    s.setValue(QStringLiteral("enabled"), e.proxyEnabled);
    s.setValue(QStringLiteral("port"), e.proxyPort);
    s.setValue(QStringLiteral("listen"), e.proxyListen);
    s.setValue(QStringLiteral("tlsCertificate"), e.proxyTlsCertificate);
    s.setValue(QStringLiteral("tlsKey"), e.proxyTlsKey);
    s.endGroup();

    s.setValue(QStringLiteral("ui/language"), c.language);
    s.sync();
}

void DesktopSettings::clear()
{
    QSettings s;
    for (const char *group : {"setup", "org", "database", "sync", "proxy", "ui"})
        s.remove(QLatin1String(group));
    s.sync();
}

QString DesktopSettings::connectionString(const DesktopChoices &c, const QString &password)
{
    if (c.managedDatabase)
        return {};
    QStringList parts;
    auto add = [&parts](const char *key, const QString &value) {
        if (!value.isEmpty())
            parts << QLatin1String(key) + QLatin1Char('=') + conninfoValue(value);
    };
    add("host", c.databaseHost);
    add("port", QString::number(c.databasePort));
    add("dbname", c.databaseName);
    add("user", c.databaseUser);
    add("password", password);
    add("sslmode", c.databaseSslMode);
    add("application_name", QStringLiteral("tether"));
    return parts.join(QLatin1Char(' '));
}

QString DesktopSettings::databasePasswordKey(const DesktopChoices &c)
{
    return QStringLiteral("postgres|%1|%2|%3|%4").arg(c.databaseHost).arg(c.databasePort).arg(c.databaseName, c.databaseUser);
}

QString DesktopSettings::refreshTokenKey(const DesktopChoices &c)
{
    return salesforce::TokenStore::keyFor(salesforce::LoginHost::fromText(c.engine.loginHost), c.engine.orgId, c.engine.userId);
}

QStringList DesktopSettings::restartReasons(const DesktopChoices &before, const DesktopChoices &after)
{
    const EngineSettings &b = before.engine;
    const EngineSettings &a = after.engine;
    QStringList reasons;
    if (before.managedDatabase != after.managedDatabase || before.databaseHost != after.databaseHost
        || before.databasePort != after.databasePort || before.databaseName != after.databaseName
        || before.databaseUser != after.databaseUser || before.databaseSslMode != after.databaseSslMode)
        reasons << QCoreApplication::translate("DesktopSettings", "the database connection");
    if (b.schema != a.schema)
        reasons << QCoreApplication::translate("DesktopSettings", "the schema name");
    if (b.pollMaxIntervalMs != a.pollMaxIntervalMs)
        reasons << QCoreApplication::translate("DesktopSettings", "the longest polling interval");
    if (b.dropRemovedColumns != a.dropRemovedColumns)
        reasons << QCoreApplication::translate("DesktopSettings", "what happens to removed fields");
    if (b.proxyEnabled != a.proxyEnabled || b.proxyPort != a.proxyPort || b.proxyListen != a.proxyListen
        || b.proxyTlsCertificate != a.proxyTlsCertificate || b.proxyTlsKey != a.proxyTlsKey)
        reasons << QCoreApplication::translate("DesktopSettings", "the proxy");
    return reasons;
}

} // namespace tether::lifecycle
