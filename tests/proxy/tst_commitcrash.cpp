// kill -9 of a real `tether --headless` process in the middle of a COMMIT
// through its proxy: Salesforce has applied the transaction (tether-sim holds
// the answer back), PostgreSQL has not committed it. The client gets a broken
// connection, PostgreSQL rolls the transaction back with the dead session, and
// the next `tether` brings Salesforce's records in with its poll: in the end
// both systems are equal, and nothing was created twice.
#include "childprocess.h"
#include "simcontrol.h"
#include "simprocess.h"
#include "store/conninfo.h"
#include "store/pgconnection.h"
#include "testpg.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTcpServer>
#include <QTest>
#include <csignal>

using namespace tether;

class TestCommitCrash : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void killedWhileSalesforceAnswers();

private:
    void startTether(QProcess &process);
    bool backfilled();
    int simCount(const QString &soql);
    QString rows(const QString &sql);

    std::unique_ptr<test::SimProcess> m_sim;
    std::unique_ptr<test::SimControl> m_control;
    QString m_database;
    QString m_scratch;
    quint16 m_proxyPort = 0;
    store::PgConnection m_db; // straight to PostgreSQL, for checks
    const QStringList m_objects{QStringLiteral("Account"), QStringLiteral("Contact")};
};

void TestCommitCrash::initTestCase()
{
    QString why;
    m_sim = std::make_unique<test::SimProcess>(QStringList{QStringLiteral("--seed"), QStringLiteral("5"),
                                                           QStringLiteral("--generate"), QStringLiteral("Account=200,Contact=300")});
    QVERIFY2(m_sim->start(&why), qPrintable(why));
    m_control = std::make_unique<test::SimControl>(m_sim->baseUrl(), m_sim->fetchAccessToken(&why));
    m_database = test::createScratchDatabase(QStringLiteral("commit_crash"), &why);
    QVERIFY2(!m_database.isEmpty(), qPrintable(why));
    m_scratch = test::createScratchDatabase(QStringLiteral("commit_crash_expected"), &why);
    QVERIFY2(!m_scratch.isEmpty(), qPrintable(why));
    QVERIFY(!m_db.open(m_database));
    // A port nobody listens on, for the proxy (the same one on every start).
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
    m_proxyPort = probe.serverPort();
}

void TestCommitCrash::startTether(QProcess &process)
{
    process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    test::endsWithTest(process);
    process.start(QStringLiteral(TETHER_EXECUTABLE),
                  {QStringLiteral("--headless"), QStringLiteral("--login-url"), m_sim->baseUrl().toString(),
                   QStringLiteral("--client-id"), QString::fromLatin1(test::SimProcess::DefaultClientId),
                   QStringLiteral("--client-secret"), QString::fromLatin1(test::SimProcess::DefaultClientSecret),
                   QStringLiteral("--database"), m_database, QStringLiteral("--objects"), m_objects.join(u','),
                   QStringLiteral("--rate"), QStringLiteral("100"), QStringLiteral("--proxy-port"),
                   QString::number(m_proxyPort)});
    QVERIFY(process.waitForStarted(30000));
}

bool TestCommitCrash::backfilled()
{
    const store::PgResult r = m_db.exec(QStringLiteral("SELECT count(*) FROM tether.sync_state WHERE backfill_completed_at IS NOT NULL"));
    return r.ok() && r.toInt64(0, 0) == m_objects.size();
}

int TestCommitCrash::simCount(const QString &soql)
{
    const test::SimControl::Reply reply = m_control->request("GET", m_control->dataPath() + QStringLiteral("/query?q=")
                                                                        + QString::fromLatin1(QUrl::toPercentEncoding(soql)));
    return reply.status == 200 ? QJsonDocument::fromJson(reply.body).object().value(QLatin1String("totalSize")).toInt() : -1;
}

QString TestCommitCrash::rows(const QString &sql)
{
    const store::PgResult r = m_db.exec(sql);
    return r.ok() ? r.value(0, 0) : QStringLiteral("error: ") + r.error().toString();
}

void TestCommitCrash::killedWhileSalesforceAnswers()
{
    QProcess tether;
    startTether(tether);
    QTRY_VERIFY_WITH_TIMEOUT(backfilled(), 120000);
    const QString proxyInfo = store::withServerAddress(m_database, QStringLiteral("127.0.0.1"), m_proxyPort);
    store::PgConnection probe;
    QTRY_VERIFY_WITH_TIMEOUT(!probe.open(proxyInfo), 30000);
    probe.close();

    const QString contactId = rows(QStringLiteral("SELECT id FROM salesforce.contact ORDER BY id LIMIT 1"));
    QVERIFY(contactId.startsWith(QLatin1String("003")));
    // Salesforce applies the graph at once and answers a minute later.
    QVERIFY(m_control->addFault({{QStringLiteral("pattern"), QStringLiteral("*/composite/graph")},
                                 {QStringLiteral("kind"), QStringLiteral("latency")},
                                 {QStringLiteral("latencyMs"), 60000},
                                 {QStringLiteral("count"), 1}}) > 0);

    // An ordinary client, in its own process, commits a parent, a child and an update.
    QProcess client;
    client.setProcessChannelMode(QProcess::MergedChannels);
    client.start(QStringLiteral("psql"),
                 {QStringLiteral("-X"), QStringLiteral("-v"), QStringLiteral("ON_ERROR_STOP=1"), proxyInfo, QStringLiteral("-c"),
                  QStringLiteral("BEGIN; INSERT INTO salesforce.account (name) VALUES ('Crash mid-commit'); "
                                 "INSERT INTO salesforce.contact (lastname, accountid) "
                                 "SELECT 'Crash child', id FROM salesforce.account WHERE name = 'Crash mid-commit'; "
                                 "UPDATE salesforce.contact SET title = 'Crash edit' WHERE id = '%1'; COMMIT")
                      .arg(contactId)});
    QVERIFY(client.waitForStarted(10000));
    // Salesforce has the transaction; the proxy still waits for its answer.
    QTRY_COMPARE_WITH_TIMEOUT(simCount(QStringLiteral("SELECT Id FROM Account WHERE Name = 'Crash mid-commit'")), 1, 30000);
    QCOMPARE(client.state(), QProcess::Running);
    ::kill(pid_t(tether.processId()), SIGKILL);
    QVERIFY(tether.waitForFinished(30000));
    QCOMPARE(tether.exitStatus(), QProcess::CrashExit);

    // The client hears that its connection broke, not that it committed.
    QVERIFY(client.waitForFinished(30000));
    const QString said = QString::fromUtf8(client.readAll());
    QVERIFY2(client.exitCode() != 0, qPrintable(said));
    QVERIFY2(!said.contains(QLatin1String("COMMIT")), qPrintable(said));
    // PostgreSQL ends the dead proxy's sessions and rolls their transaction
    // back. Wait for every session on this database but ours to be gone: a
    // count of 'idle in transaction' alone can read 0 while a backend still
    // finishes the statement it was running, and 1 just after.
    QTRY_COMPARE_WITH_TIMEOUT(rows(QStringLiteral("SELECT count(*) FROM pg_stat_activity "
                                                  "WHERE datname = current_database() AND pid <> pg_backend_pid()")),
                              QStringLiteral("0"), 30000);
    QCOMPARE(rows(QStringLiteral("SELECT count(*) FROM salesforce.account WHERE name = 'Crash mid-commit'")), QStringLiteral("0"));
    QVERIFY(m_control->clearFaults());

    // The next run brings Salesforce's records in; nothing twice.
    startTether(tether);
    QTRY_COMPARE_WITH_TIMEOUT(rows(QStringLiteral("SELECT count(*) FROM salesforce.account WHERE name = 'Crash mid-commit'")),
                              QStringLiteral("1"), 120000);
    QTRY_COMPARE_WITH_TIMEOUT(rows(QStringLiteral("SELECT title FROM salesforce.contact WHERE id = '%1'").arg(contactId)),
                              QStringLiteral("Crash edit"), 120000);
    QCOMPARE(simCount(QStringLiteral("SELECT Id FROM Account WHERE Name = 'Crash mid-commit'")), 1);
    QCOMPARE(simCount(QStringLiteral("SELECT Id FROM Contact WHERE LastName = 'Crash child'")), 1);
    store::PgConnection scratch;
    QVERIFY(!scratch.open(m_scratch));
    QString why;
    for (const QString &object : m_objects)
        QTRY_VERIFY2_WITH_TIMEOUT((why = m_control->compareMirror(object, m_db, scratch)).isEmpty(), qPrintable(why), 120000);
    tether.terminate();
    QVERIFY(tether.waitForFinished(30000));
    QCOMPARE(tether.exitCode(), 0);
}

QTEST_GUILESS_MAIN(TestCommitCrash)
#include "tst_commitcrash.moc"
