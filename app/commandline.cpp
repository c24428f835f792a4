#include "commandline.h"
#include "serverconfig.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QHostAddress>
#include <QStandardPaths>
#include <unistd.h>

namespace {

QString tr(const char *text) { return QCoreApplication::translate("CommandLine", text); }

// Root's home is private, and as root the managed server runs as `postgres`,
// so root keeps its data under /var/lib — not in /var/lib/tether, which is the
// packaged service's state directory (user tether): a cluster root made there
// would lock the service out, and systemd would hand root's files to tether.
QString defaultDataDir()
{
    if (::geteuid() == 0)
        return QStringLiteral("/var/lib/tether-root");
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
        option("config", tr("Read settings from this file: `key = value` lines named like these options without the "
                            "dashes (e.g. /etc/tether/tether.conf). Options on the command line win. Re-read on "
                            "SIGHUP (systemctl reload): rate and objects change without a restart."),
               tr("path")),
        option("secrets-file", tr("File (mode 0600) holding client-secret and refresh-token as `key = value` lines. "
                                  "Under systemd, the credentials client-secret and refresh-token are read too."),
               tr("path")),
        option("health-listen", tr("Serve /healthz and /metrics (Prometheus) over HTTP on this address, e.g. "
                                   "127.0.0.1:9187 (port 0 picks a free one and prints it)."),
               tr("address:port")),
    };
}

namespace {

// The options' values with the configuration file filling in what the command
// line leaves out.
class OptionValues
{
public:
    OptionValues(const QCommandLineParser &parser, QHash<QString, QString> config)
        : m_parser(parser), m_config(std::move(config))
    {
    }
    QString value(const char *name) const
    {
        const QString key = QString::fromLatin1(name);
        if (!m_parser.isSet(key) && m_config.contains(key))
            return m_config.value(key);
        return m_parser.value(key);
    }
    bool isSet(const char *name) const
    {
        const QString key = QString::fromLatin1(name);
        if (m_parser.isSet(key))
            return true;
        bool ok = false;
        return m_config.contains(key) && parseSwitch(m_config.value(key), &ok);
    }
    bool isGiven(const char *name) const
    {
        return m_parser.isSet(QString::fromLatin1(name)) || m_config.contains(QString::fromLatin1(name));
    }

private:
    const QCommandLineParser &m_parser;
    QHash<QString, QString> m_config;
};

CommandLine resolve(const QCommandLineParser &parser, QString *error)
{
    CommandLine line;
    QHash<QString, QString> config;
    line.configFile = parser.value(QStringLiteral("config"));
    if (!line.configFile.isEmpty()) {
        QStringList valueKeys, flagKeys;
        for (const QCommandLineOption &o : tetherOptions()) {
            const QString name = o.names().constFirst();
            if (name == u"config")
                continue;
            (o.valueName().isEmpty() ? flagKeys : valueKeys) << name;
        }
        config = readConfigFile(line.configFile, valueKeys, flagKeys, error);
        if (!error->isEmpty())
            return line;
    }
    const OptionValues options(parser, config);

    tether::lifecycle::EngineSettings &s = line.settings;
    line.headless = options.isSet("headless");
    line.refreshTokenFile = options.value("refresh-token-file");
    s.demo = options.isSet("demo");
    s.demoScale = options.value("demo-scale").toDouble();
    s.dataDir = options.value("data-dir");
    s.database = options.value("database");
    s.schema = options.value("schema");
    if (options.isGiven("objects"))
        s.objects = options.value("objects").split(u',', Qt::SkipEmptyParts);
    for (QString &object : s.objects)
        object = object.trimmed();
    s.loginHost = options.value("login-url");
    s.clientId = options.value("client-id");

    // Secrets, first found wins: the command line, the environment, the
    // secrets file, systemd credentials.
    QHash<QString, QString> secrets;
    const QString secretsFile = options.value("secrets-file");
    if (!secretsFile.isEmpty()) {
        secrets = readSecretsFile(secretsFile, error);
        if (!error->isEmpty())
            return line;
    }
    s.clientSecret = parser.value(QStringLiteral("client-secret"));
    if (s.clientSecret.isEmpty())
        s.clientSecret = qEnvironmentVariable("TETHER_SF_CLIENT_SECRET");
    if (s.clientSecret.isEmpty())
        s.clientSecret = secrets.value(QStringLiteral("client-secret"));
    if (s.clientSecret.isEmpty())
        s.clientSecret = systemdCredential(QStringLiteral("client-secret"));
    if (secrets.contains(QStringLiteral("refresh-token"))) {
        line.refreshToken = secrets.value(QStringLiteral("refresh-token"));
        line.refreshTokenSource = secretsFile;
    } else if (line.refreshTokenFile.isEmpty()) {
        line.refreshTokenFile = systemdCredentialPath(QStringLiteral("refresh-token"));
    }

    s.requestsPerSecond = options.value("rate").toDouble();
    s.proxyEnabled = !options.isSet("no-proxy");
    s.proxyListen = options.value("proxy-listen");
    s.proxyTlsCertificate = options.value("proxy-tls-cert");
    s.proxyTlsKey = options.value("proxy-tls-key");
    bool portOk = false;
    const uint port = options.value("proxy-port").toUInt(&portOk);
    s.proxyPort = quint16(port);

    const QString health = options.value("health-listen");
    bool healthOk = true;
    if (!health.isEmpty()) {
        const qsizetype colon = health.lastIndexOf(u':');
        line.healthAddress = colon > 0 ? health.left(colon) : QString();
        if (line.healthAddress.startsWith(u'[') && line.healthAddress.endsWith(u']'))
            line.healthAddress = line.healthAddress.mid(1, line.healthAddress.size() - 2);
        const uint healthPort = colon > 0 ? health.mid(colon + 1).toUInt(&healthOk) : 0;
        healthOk = healthOk && colon > 0 && healthPort <= 65535 &&
                   (line.healthAddress == u"localhost" || !QHostAddress(line.healthAddress).isNull());
        line.healthPort = quint16(healthPort);
        line.healthEnabled = healthOk;
    }

    if (s.demoScale <= 0)
        *error = tr("--demo-scale must be a positive number.");
    else if (!portOk || port > 65535)
        *error = tr("--proxy-port must be a port number from 0 to 65535.");
    else if (options.isGiven("rate") && s.requestsPerSecond <= 0)
        *error = tr("--rate must be a positive number of requests per second.");
    else if (!healthOk)
        *error = tr("--health-listen must be an address and a port, like 127.0.0.1:9187.");
    return line;
}

QCommandLineParser *setUp(QCommandLineParser &parser)
{
    parser.setApplicationDescription(tetherDescription());
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions(tetherOptions());
    return &parser;
}

} // namespace

CommandLine parseCommandLine(const QCoreApplication &app, QString *error)
{
    QCommandLineParser parser;
    setUp(parser)->process(app);
    return resolve(parser, error);
}

CommandLine reparseCommandLine(const QStringList &arguments, QString *error)
{
    QCommandLineParser parser;
    if (!setUp(parser)->parse(arguments)) {
        *error = parser.errorText();
        return {};
    }
    return resolve(parser, error);
}
