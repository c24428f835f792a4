// EngineController: the order Tether comes up and goes down in, observed as
// its states, with a real managed PostgreSQL cluster, tether-sim (demo mode
// and a separately started one) and the real sync engine.
#include "lifecycle/enginecontroller.h"
#include "simprocess.h"
#include "store/localcluster.h"
#include "store/pgconnection.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QThreadPool>
#include <QTest>
#include <QTimer>
#include <sys/stat.h>

using namespace tether;
using lifecycle::EngineController;
using State = EngineController::State;

class TestEngineController : public QObject
{
    Q_OBJECT

private slots:
    void noOrgSaysSo();
    void demoComesUpAndGoesDown();
    void refusedLoginFailsWithASentence();
    void unusableDataDirectoryFailsRetryably();
    void destroyedWhileTheDatabaseStartsLeavesNoServer();

private:
    static QList<State> states(const QSignalSpy &spy);
    static QString privateDataDir(QTemporaryDir &dir);
    static lifecycle::EngineSettings demoSettings(QTemporaryDir &dir, const QStringList &objects);
};

QList<State> TestEngineController::states(const QSignalSpy &spy)
{
    QList<State> list;
    for (const QList<QVariant> &args : spy)
        list << args.at(0).value<State>();
    return list;
}

QString TestEngineController::privateDataDir(QTemporaryDir &dir)
{
    // As root the cluster runs as `postgres`, which must reach the directory.
    ::chmod(QFile::encodeName(dir.path()).constData(), 0755);
    return dir.path();
}

// The demo org, tiny, in a data directory of its own.
lifecycle::EngineSettings TestEngineController::demoSettings(QTemporaryDir &dir, const QStringList &objects)
{
    lifecycle::EngineSettings settings;
    settings.dataDir = privateDataDir(dir);
    settings.demo = true;
    settings.demoScale = 0.002;
    settings.objects = objects;
    return settings;
}

void TestEngineController::noOrgSaysSo()
{
    EngineController controller;
    QSignalSpy changed(&controller, &EngineController::stateChanged);
    controller.start();
    QCOMPARE(controller.state(), State::NoOrg);
    QCOMPARE(controller.sentence(), QStringLiteral("No Salesforce org is set up yet."));
    QSignalSpy stopped(&controller, &EngineController::stopped);
    controller.stop();
    QVERIFY(stopped.wait(5000));
}

void TestEngineController::demoComesUpAndGoesDown()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    lifecycle::EngineSettings settings = demoSettings(dir, {QStringLiteral("Account"), QStringLiteral("Contact")});
    settings.requestsPerSecond = 50;
    settings.proxyPort = 0; // a free port: tests run side by side
    EngineController controller;
    controller.configure(settings, nullptr);
    QSignalSpy changed(&controller, &EngineController::stateChanged);
    QSignalSpy caughtUp(&controller, &EngineController::caughtUp);
    QSignalSpy notices(&controller, &EngineController::notice);

    // The event loop keeps turning while the cluster initialises and starts.
    int ticks = 0;
    int ticksWhileStartingDatabase = 0;
    QTimer ticker;
    connect(&ticker, &QTimer::timeout, this, [&] {
        ++ticks;
        if (controller.state() == State::StartingDatabase)
            ++ticksWhileStartingDatabase;
    });
    ticker.start(10);
    controller.start();
    QCOMPARE(controller.state(), State::StartingDatabase);
    QVERIFY2(caughtUp.wait(180000) || caughtUp.count() > 0, qPrintable(controller.sentence()));
    QVERIFY2(ticksWhileStartingDatabase > 5, qPrintable(QString::number(ticksWhileStartingDatabase)));
    QCOMPARE(states(changed), (QList<State>{State::StartingDatabase, State::LoggingIn, State::LoggingIn, State::Syncing}));
    QCOMPARE(controller.state(), State::Syncing);

    // A window opened now sees every table at once.
    const QList<sync::TableStatus> snapshot = controller.tableStatuses();
    QCOMPARE(snapshot.size(), 2);
    for (const sync::TableStatus &s : snapshot) {
        QCOMPARE(s.phase, sync::Phase::Polling);
        QVERIFY(s.rowsInTable > 0);
    }
    bool psqlShown = false;
    for (const QList<QVariant> &args : notices)
        psqlShown = psqlShown || args.at(0).toString().contains(QStringLiteral("psql"));
    QVERIFY(psqlShown);
    QVERIFY(controller.psqlCommand().startsWith(QStringLiteral("psql ")));

    // The write-through proxy came up last; clients read the mirror through it.
    QTRY_VERIFY_WITH_TIMEOUT(controller.proxyPort() > 0, 30000);
    store::PgConnection client;
    const store::PgError error = client.open(controller.proxyConnectionString());
    QVERIFY2(!error, qPrintable(error.toString()));
    QCOMPARE(client.port(), int(controller.proxyPort()));
    QCOMPARE(client.exec(QStringLiteral("SELECT count(*) FROM salesforce.account")).value(0, 0), QString::number(snapshot.first().rowsInTable));
    // ... and write through it to the demo org: the row gets its Salesforce
    // Id, and the org answers for the record over its own REST API.
    const store::PgResult written = client.exec(
        QStringLiteral("INSERT INTO salesforce.account (name) VALUES ('Written through the demo proxy') RETURNING id"));
    QVERIFY2(written.ok(), qPrintable(written.error().toString()));
    const QString id = written.value(0, 0);
    QVERIFY2(id.startsWith(QLatin1String("001")), qPrintable(id));
    const salesforce::OrgConnection org = controller.session()->connection();
    QNetworkAccessManager nam;
    QNetworkRequest request(QUrl(org.instanceUrl.toString() + org.dataPath() + QStringLiteral("/sobjects/Account/") + id));
    request.setRawHeader("Authorization", "Bearer " + controller.session()->accessToken().toLatin1());
    QNetworkReply *reply = nam.get(request);
    QSignalSpy answered(reply, &QNetworkReply::finished);
    QVERIFY(answered.wait(30000));
    QCOMPARE(QJsonDocument::fromJson(reply->readAll()).object().value(QLatin1String("Name")).toString(),
             QStringLiteral("Written through the demo proxy"));
    reply->deleteLater();
    client.close();

    QSignalSpy stopped(&controller, &EngineController::stopped);
    changed.clear();
    controller.stop();
    QCOMPARE(controller.state(), State::Stopping);
    QVERIFY(stopped.wait(60000));
    QCOMPARE(states(changed), (QList<State>{State::Stopping, State::Stopped}));
    QCOMPARE(controller.proxyPort(), quint16(0));
    QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("postgres/postmaster.pid"))));
}

void TestEngineController::refusedLoginFailsWithASentence()
{
    test::SimProcess sim({QStringLiteral("--generate"), QStringLiteral("Account=10")});
    QString why;
    QVERIFY2(sim.start(&why), qPrintable(why));
    QTemporaryDir dir;
    lifecycle::EngineSettings settings;
    settings.dataDir = privateDataDir(dir);
    settings.loginHost = sim.baseUrl().toString();
    settings.clientId = QString::fromLatin1(test::SimProcess::DefaultClientId);
    settings.clientSecret = QStringLiteral("not-the-secret");
    EngineController controller;
    controller.configure(settings, std::make_unique<lifecycle::ClientCredentialsLogin>());
    QSignalSpy changed(&controller, &EngineController::stateChanged);
    controller.start();
    QTRY_COMPARE_WITH_TIMEOUT(controller.state(), State::Failed, 120000);
    QVERIFY2(controller.sentence().startsWith(QStringLiteral("Salesforce login failed:")), qPrintable(controller.sentence()));
    QVERIFY(!controller.isRetryable());
    QSignalSpy stopped(&controller, &EngineController::stopped);
    controller.stop();
    QVERIFY(stopped.wait(60000));
    QCOMPARE(controller.state(), State::Stopped);
}

void TestEngineController::unusableDataDirectoryFailsRetryably()
{
    QTemporaryDir dir;
    QFile blocker(dir.filePath(QStringLiteral("not-a-directory")));
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    lifecycle::EngineSettings settings;
    settings.dataDir = blocker.fileName(); // a file where the data directory should be
    settings.demo = true;
    EngineController controller;
    controller.configure(settings, nullptr);
    controller.start();
    QTRY_COMPARE_WITH_TIMEOUT(controller.state(), State::Failed, 60000);
    QVERIFY2(controller.sentence().startsWith(QStringLiteral("Could not start Tether's local PostgreSQL")),
             qPrintable(controller.sentence()));
    QVERIFY(controller.isRetryable());
    QSignalSpy stopped(&controller, &EngineController::stopped);
    controller.stop();
    QVERIFY(stopped.wait(30000));
}

void TestEngineController::destroyedWhileTheDatabaseStartsLeavesNoServer()
{
    // An owner that quits while initdb and pg_ctl run on a pool thread (the
    // window closed during the first start) must not leave a server running
    // nor free the cluster under that thread.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const lifecycle::EngineSettings settings = demoSettings(dir, {QStringLiteral("Account")});
    const QString clusterDir = dir.filePath(QStringLiteral("postgres"));
    auto stray = qScopeGuard([&clusterDir] {
        QString error;
        store::LocalCluster({clusterDir, false, 0}).stop(&error); // only if the test failed
    });
    {
        EngineController controller;
        controller.configure(settings, nullptr);
        controller.start();
        QCOMPARE(controller.state(), State::StartingDatabase);
    }
    // Whatever the start was doing has ended by now, had it been left running.
    QThreadPool::globalInstance()->waitForDone();
    QVERIFY(!store::LocalCluster({clusterDir, false, 0}).isRunning());
    QVERIFY(!QFile::exists(clusterDir + QStringLiteral("/postmaster.pid")));
}

QTEST_GUILESS_MAIN(TestEngineController)
#include "tst_enginecontroller.moc"
