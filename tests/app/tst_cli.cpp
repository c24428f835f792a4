// The tether executable as a person runs it: --help, --version, and a headless
// run that stops cleanly on SIGTERM and SIGINT.
#include <QProcess>
#include <QTest>
#include <csignal>

class TestCli : public QObject
{
    Q_OBJECT

private slots:
    void helpListsOptions();
    void versionPrintsVersion();
    void headlessStopsOnSignal_data();
    void headlessStopsOnSignal();
    void unknownOptionIsAnError();
};

static QProcess *startTether(const QStringList &args, QObject *parent)
{
    auto *process = new QProcess(parent);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("DISPLAY"));
    process->setProcessEnvironment(env);
    process->start(QStringLiteral(TETHER_EXECUTABLE), args);
    return process;
}

void TestCli::helpListsOptions()
{
    QProcess *p = startTether({QStringLiteral("--help")}, this);
    QVERIFY(p->waitForFinished(30000));
    QCOMPARE(p->exitCode(), 0);
    const QString out = QString::fromUtf8(p->readAllStandardOutput());
    QVERIFY2(out.contains(QStringLiteral("--headless")), qPrintable(out));
    QVERIFY(out.contains(QStringLiteral("--version")));
}

void TestCli::versionPrintsVersion()
{
    QProcess *p = startTether({QStringLiteral("--version")}, this);
    QVERIFY(p->waitForFinished(30000));
    QCOMPARE(p->exitCode(), 0);
    QCOMPARE(QString::fromUtf8(p->readAllStandardOutput()).trimmed(),
             QStringLiteral("tether " TETHER_VERSION));
}

void TestCli::headlessStopsOnSignal_data()
{
    QTest::addColumn<int>("signalNumber");
    QTest::newRow("SIGTERM") << int(SIGTERM);
    QTest::newRow("SIGINT") << int(SIGINT);
}

void TestCli::headlessStopsOnSignal()
{
    QFETCH(int, signalNumber);
    QProcess *p = startTether({QStringLiteral("--headless")}, this);
    QVERIFY(p->waitForStarted(30000));
    QByteArray err;
    // Wait until it says it is running, so the signal handler is installed.
    QTRY_VERIFY_WITH_TIMEOUT((err += p->readAllStandardError()).contains("running headless"), 30000);
    ::kill(pid_t(p->processId()), signalNumber);
    QVERIFY(p->waitForFinished(30000));
    err += p->readAllStandardError();
    QCOMPARE(p->exitStatus(), QProcess::NormalExit);
    QCOMPARE(p->exitCode(), 0);
    QVERIFY2(err.contains("stopped cleanly"), err.constData());
}

void TestCli::unknownOptionIsAnError()
{
    QProcess *p = startTether({QStringLiteral("--headless"), QStringLiteral("--no-such-option")}, this);
    QVERIFY(p->waitForFinished(30000));
    QVERIFY(p->exitCode() != 0);
    QVERIFY(p->readAllStandardError().contains("no-such-option"));
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
