// The server's settings: the configuration file (--config) fills in what the
// command line leaves out and never holds secrets; secrets come from a file
// only its owner reads or from systemd credentials; --health-listen is an
// address and a port; the manual page lists every option --help lists.
#include "commandline.h"
#include "serverconfig.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

class TestServerConfig : public QObject
{
    Q_OBJECT
private slots:
    void configFileFillsIn();
    void commandLineWins();
    void secretsAreRefusedInConfigFile();
    void unknownKeyNamesTheFile();
    void secretsFileMustBePrivate();
    void systemdCredentials();
    void healthListen();
    void manualPageListsEveryOption();
    void shippedConfigFileReads();
    void defaultDataDirIsNotTheServices();

private:
    QString write(const QString &name, const QByteArray &text, QFile::Permissions mode = QFile::ReadOwner |
                                                                                        QFile::WriteOwner |
                                                                                        QFile::ReadGroup |
                                                                                        QFile::ReadOther);
    QTemporaryDir m_dir;
};

QString TestServerConfig::write(const QString &name, const QByteArray &text, QFile::Permissions mode)
{
    const QString path = m_dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        qFatal("cannot write %s", qPrintable(path));
    file.write(text);
    file.close();
    file.setPermissions(mode);
    return path;
}

static QStringList argv(QStringList args)
{
    args.prepend(QStringLiteral("tether"));
    return args;
}

void TestServerConfig::configFileFillsIn()
{
    const QString conf = write(QStringLiteral("tether.conf"),
                               "# a comment\n\n"
                               "database = \"host=db.example.com dbname=mirror user=tether\"\n"
                               "objects = Account, Contact,Opportunity\n"
                               "rate = 0.5\n"
                               "proxy-port = 7000\n"
                               "client-id = 3MVG9abc\n"
                               "headless = yes\n"
                               "no-proxy = false\n");
    QString error;
    const CommandLine line = reparseCommandLine(argv({QStringLiteral("--config"), conf}), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(line.settings.database, QStringLiteral("host=db.example.com dbname=mirror user=tether"));
    QCOMPARE(line.settings.objects,
             (QStringList{QStringLiteral("Account"), QStringLiteral("Contact"), QStringLiteral("Opportunity")}));
    QCOMPARE(line.settings.requestsPerSecond, 0.5);
    QCOMPARE(line.settings.proxyPort, quint16(7000));
    QCOMPARE(line.settings.clientId, QStringLiteral("3MVG9abc"));
    QVERIFY(line.headless);
    QVERIFY(line.settings.proxyEnabled);
    QCOMPARE(line.configFile, conf);
    // What the file leaves out keeps the option's default.
    QCOMPARE(line.settings.proxyListen, QStringLiteral("127.0.0.1"));
    QCOMPARE(line.settings.schema, QStringLiteral("salesforce"));
}

void TestServerConfig::commandLineWins()
{
    const QString conf = write(QStringLiteral("wins.conf"), "rate = 0.5\nobjects = Account\n");
    QString error;
    const CommandLine line = reparseCommandLine(
        argv({QStringLiteral("--config"), conf, QStringLiteral("--rate"), QStringLiteral("3")}), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(line.settings.requestsPerSecond, 3.0);
    QCOMPARE(line.settings.objects, QStringList{QStringLiteral("Account")});
}

void TestServerConfig::secretsAreRefusedInConfigFile()
{
    const QString conf = write(QStringLiteral("secret.conf"), "client-secret = hunter2\n");
    QString error;
    reparseCommandLine(argv({QStringLiteral("--config"), conf}), &error);
    QVERIFY2(error.contains(QStringLiteral("must not hold client-secret")), qPrintable(error));
    QVERIFY(!error.contains(QStringLiteral("hunter2")));
}

void TestServerConfig::unknownKeyNamesTheFile()
{
    const QString conf = write(QStringLiteral("typo.conf"), "rat = 2\n");
    QString error;
    reparseCommandLine(argv({QStringLiteral("--config"), conf}), &error);
    QVERIFY2(error.contains(conf) && error.contains(QStringLiteral("unknown setting \"rat\"")), qPrintable(error));

    const QString broken = write(QStringLiteral("broken.conf"), "rate = 2\njust words\n");
    reparseCommandLine(argv({QStringLiteral("--config"), broken}), &(error = QString()));
    QVERIFY2(error.contains(QStringLiteral("line 2")), qPrintable(error));

    reparseCommandLine(argv({QStringLiteral("--config"), m_dir.filePath(QStringLiteral("absent.conf"))}),
                       &(error = QString()));
    QVERIFY2(error.startsWith(QStringLiteral("Cannot read")), qPrintable(error));

    const QString badRate = write(QStringLiteral("rate.conf"), "rate = fast\n");
    reparseCommandLine(argv({QStringLiteral("--config"), badRate}), &(error = QString()));
    QVERIFY2(error.contains(QStringLiteral("--rate must be a positive number")), qPrintable(error));
}

void TestServerConfig::secretsFileMustBePrivate()
{
    const QString open = write(QStringLiteral("open-secrets"), "client-secret = s3cret\n");
    QString error;
    reparseCommandLine(argv({QStringLiteral("--secrets-file"), open}), &error);
    QVERIFY2(error.contains(QStringLiteral("chmod 600")), qPrintable(error));

    const QString closed = write(QStringLiteral("secrets"), "client-secret = s3cret\nrefresh-token = 5Aep861\n",
                                 QFile::ReadOwner | QFile::WriteOwner);
    const QString conf = write(QStringLiteral("with-secrets.conf"), "secrets-file = " + closed.toUtf8() + '\n');
    qunsetenv("TETHER_SF_CLIENT_SECRET");
    const CommandLine line = reparseCommandLine(argv({QStringLiteral("--config"), conf}), &(error = QString()));
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(line.settings.clientSecret, QStringLiteral("s3cret"));
    QCOMPARE(line.refreshToken, QStringLiteral("5Aep861"));
    QCOMPARE(line.refreshTokenSource, closed);
}

void TestServerConfig::systemdCredentials()
{
    QTemporaryDir credentials;
    QVERIFY(credentials.isValid());
    QFile secret(credentials.filePath(QStringLiteral("client-secret")));
    QVERIFY(secret.open(QIODevice::WriteOnly));
    secret.write("from-systemd\n");
    secret.close();
    QFile token(credentials.filePath(QStringLiteral("refresh-token")));
    QVERIFY(token.open(QIODevice::WriteOnly));
    token.write("token-from-systemd\n");
    token.close();
    qputenv("CREDENTIALS_DIRECTORY", QFile::encodeName(credentials.path()));
    qunsetenv("TETHER_SF_CLIENT_SECRET");
    QString error;
    const CommandLine line = reparseCommandLine(argv({}), &error);
    qunsetenv("CREDENTIALS_DIRECTORY");
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(line.settings.clientSecret, QStringLiteral("from-systemd"));
    // The token is read by the headless login from this file (never copied).
    QCOMPARE(line.refreshTokenFile, token.fileName());
}

void TestServerConfig::healthListen()
{
    QString error;
    CommandLine line = reparseCommandLine(argv({QStringLiteral("--health-listen"), QStringLiteral("127.0.0.1:9187")}),
                                          &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(line.healthEnabled);
    QCOMPARE(line.healthAddress, QStringLiteral("127.0.0.1"));
    QCOMPARE(line.healthPort, quint16(9187));

    line = reparseCommandLine(argv({QStringLiteral("--health-listen"), QStringLiteral("[::1]:0")}), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(line.healthAddress, QStringLiteral("::1"));
    QCOMPARE(line.healthPort, quint16(0));

    line = reparseCommandLine(argv({}), &error);
    QVERIFY(!line.healthEnabled);

    for (const char *bad : {"9187", "somewhere:9187", "127.0.0.1:99999", "127.0.0.1:"}) {
        reparseCommandLine(argv({QStringLiteral("--health-listen"), QString::fromLatin1(bad)}), &(error = QString()));
        QVERIFY2(error.contains(QStringLiteral("--health-listen must be")), bad);
    }
}

void TestServerConfig::manualPageListsEveryOption()
{
    QProcess manpage;
    manpage.start(QStringLiteral(TETHER_MANPAGE_EXECUTABLE), {});
    QVERIFY(manpage.waitForFinished(30000));
    QCOMPARE(manpage.exitCode(), 0);
    const QString page = QString::fromUtf8(manpage.readAllStandardOutput());
    QVERIFY(page.startsWith(QStringLiteral(".TH TETHER 1")));
    for (const QCommandLineOption &option : tetherOptions()) {
        QString name = option.names().constFirst();
        QVERIFY2(page.contains(QStringLiteral(".B \\-\\-") + name.replace(u'-', QStringLiteral("\\-"))),
                 qPrintable(option.names().constFirst()));
    }
    QVERIFY(page.contains(QStringLiteral("/etc/tether/tether.conf")));
}

// The file the package installs as /etc/tether/tether.conf reads without
// error and points the service's data at /var/lib/tether.
void TestServerConfig::shippedConfigFileReads()
{
    const QString shipped = qEnvironmentVariable("TETHER_SOURCE_DIR") + QStringLiteral("/resources/packaging/tether.conf");
    QVERIFY2(QFile::exists(shipped), qPrintable(shipped));
    QString error;
    const CommandLine line =
        reparseCommandLine(argv({QStringLiteral("--headless"), QStringLiteral("--config"), shipped}), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(line.settings.dataDir, QStringLiteral("/var/lib/tether"));
    QVERIFY(!line.settings.hasOrg()); // nothing to sync until a person fills it in
}

// Whoever runs tether without --data-dir (root too, e.g. `bash scripts/demo`)
// keeps its cluster out of the service's state directory: a cluster made
// there by root locked the service out ("Peer authentication failed").
void TestServerConfig::defaultDataDirIsNotTheServices()
{
    QString error;
    const CommandLine line = reparseCommandLine(argv({QStringLiteral("--headless")}), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(!line.settings.dataDir.isEmpty());
    QVERIFY2(QDir::cleanPath(line.settings.dataDir) != QLatin1String("/var/lib/tether")
                 && !line.settings.dataDir.startsWith(QLatin1String("/var/lib/tether/")),
             qPrintable(line.settings.dataDir));
}

QTEST_GUILESS_MAIN(TestServerConfig)
#include "tst_serverconfig.moc"
