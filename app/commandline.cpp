#include "commandline.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QStandardPaths>
#include <unistd.h>

namespace {

QString tr(const char *text) { return QCoreApplication::translate("CommandLine", text); }

// Root's home is private, and as root the managed server runs as `postgres`,
// so root keeps its data under /var/lib.
QString defaultDataDir()
{
    if (::geteuid() == 0)
        return QStringLiteral("/var/lib/tether");
    return QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation);
}

QCommandLineOption option(const char *name, const QString &description, const QString &valueName = {},
                          const QString &defaultValue = {})
{
    return QCommandLineOption(QString::fromLatin1(name), description, valueName, defaultValue);
}

} // namespace

QString tetherDescription()
{
    return tr("Mirrors a Salesforce org into PostgreSQL and writes back through a Postgres wire-protocol proxy.");
}

QList<QCommandLineOption> tetherOptions()
{
    return {
        option("headless", tr("Run the sync engine without a window.")),
        option("demo", tr("Demo mode: sync a local simulated Salesforce org (tether-sim) into a managed local "
                          "PostgreSQL cluster.")),
        option("demo-scale", tr("Size of the demo org; 1 = 100,000 Accounts, 300,000 Contacts, 50,000 Opportunities "
                                "and more (default 1). Another scale generates the demo org again."),
               tr("factor"), QStringLiteral("1")),
        option("data-dir", tr("Directory for Tether's managed PostgreSQL cluster and demo org."), tr("path"),
               defaultDataDir()),
        option("database", tr("Sync into this PostgreSQL server (libpq connection string or URI) instead of the "
                              "managed local cluster."),
               tr("conninfo")),
        option("schema", tr("Schema for the mirrored tables (default salesforce)."), tr("name"), QStringLiteral("salesforce")),
        option("objects", tr("Comma-separated Salesforce objects to sync (default: Account, Contact, Lead, Opportunity, "
                             "User, Product2 and every custom object)."),
               tr("list")),
        option("login-url", tr("Salesforce login host: production, sandbox, or your My Domain URL."), tr("url"),
               QStringLiteral("production")),
        option("client-id", tr("Connected app consumer key."), tr("id")),
        option("client-secret", tr("Connected app consumer secret (client credentials flow); also read from "
                                   "TETHER_SF_CLIENT_SECRET."),
               tr("secret")),
        option("refresh-token-file", tr("File (mode 0600) holding a refresh token; also read from "
                                        "TETHER_SF_REFRESH_TOKEN."),
               tr("path")),
        option("rate", tr("Salesforce API requests per second (default: saved setting, else 1 per 3 s)."), tr("n")),
        option("proxy-port", tr("Port of the write-through proxy that Postgres clients connect to (default 6543; 0 picks "
                                "a free port)."),
               tr("port"), QStringLiteral("6543")),
        option("proxy-listen", tr("Address the proxy listens on (default 127.0.0.1). Any other than loopback needs "
                                  "--proxy-tls-cert and --proxy-tls-key."),
               tr("address"), QStringLiteral("127.0.0.1")),
        option("proxy-tls-cert", tr("PEM certificate the proxy serves TLS with."), tr("path")),
        option("proxy-tls-key", tr("PEM private key for --proxy-tls-cert."), tr("path")),
        option("no-proxy", tr("Do not run the write-through proxy.")),
    };
}

CommandLine parseCommandLine(const QCoreApplication &app, QString *error)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(tetherDescription());
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions(tetherOptions());
    parser.process(app);

    CommandLine line;
    tether::lifecycle::EngineSettings &s = line.settings;
    line.headless = parser.isSet(QStringLiteral("headless"));
    line.refreshTokenFile = parser.value(QStringLiteral("refresh-token-file"));
    s.demo = parser.isSet(QStringLiteral("demo"));
    s.demoScale = parser.value(QStringLiteral("demo-scale")).toDouble();
    s.dataDir = parser.value(QStringLiteral("data-dir"));
    s.database = parser.value(QStringLiteral("database"));
    s.schema = parser.value(QStringLiteral("schema"));
    if (parser.isSet(QStringLiteral("objects")))
        s.objects = parser.value(QStringLiteral("objects")).split(u',', Qt::SkipEmptyParts);
    s.loginHost = parser.value(QStringLiteral("login-url"));
    s.clientId = parser.value(QStringLiteral("client-id"));
    s.clientSecret = parser.isSet(QStringLiteral("client-secret")) ? parser.value(QStringLiteral("client-secret"))
                                                                   : qEnvironmentVariable("TETHER_SF_CLIENT_SECRET");
    s.requestsPerSecond = parser.value(QStringLiteral("rate")).toDouble();
    s.proxyEnabled = !parser.isSet(QStringLiteral("no-proxy"));
    s.proxyListen = parser.value(QStringLiteral("proxy-listen"));
    s.proxyTlsCertificate = parser.value(QStringLiteral("proxy-tls-cert"));
    s.proxyTlsKey = parser.value(QStringLiteral("proxy-tls-key"));
    bool portOk = false;
    const uint port = parser.value(QStringLiteral("proxy-port")).toUInt(&portOk);
    s.proxyPort = quint16(port);
    if (s.demoScale <= 0)
        *error = tr("--demo-scale must be a positive number.");
    else if (!portOk || port > 65535)
        *error = tr("--proxy-port must be a port number from 0 to 65535.");
    return line;
}
