// Real client libraries, unmodified, through the proxy: psql, psycopg2,
// node-postgres and pgJDBC each run one script (tests/proxy/drivers/) once
// straight against PostgreSQL and once through the proxy; the outputs must be
// identical. The scripts cover types and NULLs, parameters and prepared
// statements, transactions with rollback, errors, notices, large results,
// COPY, cursors or fetch sizes, batches and LISTEN/NOTIFY.
#include "proxy/proxyservice.h"
#include "rawclient.h"
#include "testpg.h"

#include <QDir>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace tether::proxy;
using namespace tether::test;

class TestDrivers : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void run_data();
    void run();

private:
    QString runScript(const QStringList &command, const PgAddress &address, QString *why);

    PgAddress m_direct;
    PgAddress m_proxied;
    std::unique_ptr<ProxyService> m_service;
    QString m_drivers;
};

void TestDrivers::initTestCase()
{
    m_drivers = qEnvironmentVariable("TETHER_SOURCE_DIR") + QStringLiteral("/tests/proxy/drivers");
    QVERIFY2(QFile::exists(m_drivers + QStringLiteral("/script.sql")), qPrintable(m_drivers));
    QString why;
    // ctest runs each driver as a test of its own ("run:psycopg2"), in
    // parallel: each gets a database of its own, or creating one would end
    // the other's connections (DROP DATABASE ... WITH (FORCE)).
    QString database = QStringLiteral("proxy_drivers");
    for (const QString &argument : QCoreApplication::arguments()) {
        if (argument.startsWith(QLatin1String("run:")))
            database += u'_' + argument.mid(4).replace(u'-', u'_');
    }
    const QString info = createScratchDatabase(database, &why);
    QVERIFY2(!info.isEmpty(), qPrintable(why));
    m_direct = PgAddress::fromConnectionString(info);
    ProxyConfig config;
    config.port = 0;
    config.upstreamHost = m_direct.host;
    config.upstreamPort = m_direct.port;
    m_service = std::make_unique<ProxyService>(config);
    QSignalSpy listening(m_service.get(), &ProxyService::listening);
    QSignalSpy failed(m_service.get(), &ProxyService::failed);
    m_service->start();
    QTRY_VERIFY(!listening.isEmpty() || !failed.isEmpty());
    QVERIFY2(failed.isEmpty(), qPrintable(failed.value(0).value(0).toString()));
    m_proxied = m_direct;
    m_proxied.port = listening.at(0).at(1).value<quint16>();
}

void TestDrivers::cleanupTestCase()
{
    if (m_service)
        m_service->stop();
}

QString TestDrivers::runScript(const QStringList &command, const PgAddress &address, QString *why)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("PGHOST"), address.host);
    env.insert(QStringLiteral("PGPORT"), QString::number(address.port));
    env.insert(QStringLiteral("PGUSER"), address.user);
    env.insert(QStringLiteral("PGDATABASE"), address.database);
    env.insert(QStringLiteral("PGSSLMODE"), QStringLiteral("disable"));
    env.insert(QStringLiteral("PGAPPNAME"), QStringLiteral("tether-driver-test"));
    env.insert(QStringLiteral("PYTHONIOENCODING"), QStringLiteral("utf-8"));
    process.setProcessEnvironment(env);
    process.setWorkingDirectory(m_drivers);
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(command.first(), command.mid(1));
    if (!process.waitForFinished(180000)) {
        *why = QStringLiteral("%1 did not finish: %2").arg(command.join(u' '), process.errorString());
        process.kill();
        process.waitForFinished();
        return {};
    }
    QString output = QString::fromUtf8(process.readAll());
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        *why = QStringLiteral("%1 exited with %2:\n%3").arg(command.join(u' ')).arg(process.exitCode()).arg(output);
        return {};
    }
    // psql names the notifying server process; that pid differs per connection.
    static const QRegularExpression pid(QStringLiteral("PID \\d+"));
    output.replace(pid, QStringLiteral("PID n"));
    return output;
}

void TestDrivers::run_data()
{
    QTest::addColumn<QStringList>("command");
    QTest::addColumn<QString>("needs");
    QTest::newRow("psql") << QStringList{QStringLiteral("psql"), QStringLiteral("-X"), QStringLiteral("-q"),
                                         QStringLiteral("-v"), QStringLiteral("ON_ERROR_STOP=0"),
                                         QStringLiteral("-f"), QStringLiteral("script.sql")}
                          << QString();
    // Debian's python3-psycopg2 belongs to the system Python, not to a pyenv one.
    QTest::newRow("psycopg2") << QStringList{QStringLiteral("/usr/bin/python3"), QStringLiteral("psycopg2_script.py")}
                              << QString();
    QTest::newRow("node-postgres") << QStringList{QStringLiteral("node"), QStringLiteral("node/node_script.mjs")}
                                   << QStringLiteral("node/node_modules/pg/package.json");
    QTest::newRow("pgjdbc") << QStringList{QStringLiteral("java"), QStringLiteral("-cp"),
                                           QStringLiteral("/usr/share/java/postgresql.jar"), QStringLiteral("Jdbc.java")}
                            << QStringLiteral("/usr/share/java/postgresql.jar");
}

void TestDrivers::run()
{
    QFETCH(QStringList, command);
    QFETCH(QString, needs);
    QVERIFY2(!QStandardPaths::findExecutable(command.first()).isEmpty(),
             qPrintable(QStringLiteral("%1 is not installed; run bash scripts/setup").arg(command.first())));
    if (!needs.isEmpty())
        QVERIFY2(QFile::exists(QDir(m_drivers).absoluteFilePath(needs)),
                 qPrintable(QStringLiteral("%1 is missing; run bash scripts/setup").arg(needs)));

    QString why;
    const QString direct = runScript(command, m_direct, &why);
    QVERIFY2(!direct.isEmpty(), qPrintable(why));
    const qint64 proxiedBefore = m_service->counts().total;
    const QString proxied = runScript(command, m_proxied, &why);
    QVERIFY2(!proxied.isEmpty(), qPrintable(why));
    QVERIFY2(m_service->counts().total > proxiedBefore, "the proxied run did not go through the proxy");
    QVERIFY2(direct.contains(QLatin1String("done")), qPrintable(direct.right(2000)));
    if (proxied != direct) {
        qWarning().noquote() << "direct:\n" << direct << "\nproxied:\n" << proxied;
        QFAIL("the outputs differ");
    }
}

QTEST_GUILESS_MAIN(TestDrivers)
#include "tst_drivers.moc"
