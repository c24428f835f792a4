// kill -9 of a real `tether --headless` process at moments chosen at random
// (in pages applied) during backfill and right after changes while polling.
// After every kill a new process resumes; in the end the mirror equals the
// simulator record for record, and the data pages fetched exceed those of an
// uninterrupted run by at most two per kill: the page being written (its
// transaction died with the process) and, for Bulk API 2.0, the next page,
// which is fetched while the previous one is written. REST pages: one.
// The kill points come from a seed that is printed; TETHER_CRASH_SEED=<n>
// replays a run.
#include "childprocess.h"
#include "simcontrol.h"
#include "simprocess.h"
#include "store/pgconnection.h"
#include "testpg.h"

#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QTest>
#include <csignal>

using namespace tether;

class TestCrashResume : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void uninterruptedBaseline();
    void killedDuringBackfillAndPolling();

private:
    void startTether(QProcess &process, const QString &database);
    qint64 pagesApplied(store::PgConnection &db);
    bool backfilled(store::PgConnection &db);

    std::unique_ptr<test::SimProcess> m_sim;
    std::unique_ptr<test::SimControl> m_control;
    qint64 dataPageCalls();
    QRandomGenerator m_random;
    qint64 m_baselineCalls = 0;
    qint64 m_baselinePages = 0;
    const QStringList m_objects{QStringLiteral("Account"), QStringLiteral("Contact"), QStringLiteral("Invoice__c")};
};

void TestCrashResume::initTestCase()
{
    bool given = false;
    const quint32 seed = qEnvironmentVariableIntValue("TETHER_CRASH_SEED", &given);
    const quint32 used = given ? seed : QRandomGenerator::system()->generate();
    m_random.seed(used);
    qInfo("kill points from seed %u (replay with TETHER_CRASH_SEED=%u)", used, used);
    QString why;
    // Account (12,000) goes through Bulk API 2.0; Contact and Invoice__c page over REST.
    m_sim = std::make_unique<test::SimProcess>(QStringList{
        QStringLiteral("--seed"), QStringLiteral("11"), QStringLiteral("--generate"),
        QStringLiteral("Account=12000,Contact=9000,Invoice__c=7000")});
    QVERIFY2(m_sim->start(&why), qPrintable(why));
    m_control = std::make_unique<test::SimControl>(m_sim->baseUrl(), m_sim->fetchAccessToken(&why));
    // Slow every data call a little so a kill can land inside one.
    QVERIFY(m_control->addFault({{QStringLiteral("pattern"), QStringLiteral("/services/data/*")},
                                 {QStringLiteral("kind"), QStringLiteral("latency")},
                                 {QStringLiteral("latencyMs"), 150},
                                 {QStringLiteral("count"), -1}}) > 0);
}

void TestCrashResume::startTether(QProcess &process, const QString &database)
{
    process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    test::endsWithTest(process);
    process.start(QStringLiteral(TETHER_EXECUTABLE),
                  {QStringLiteral("--headless"), QStringLiteral("--login-url"), m_sim->baseUrl().toString(),
                   QStringLiteral("--client-id"), QString::fromLatin1(test::SimProcess::DefaultClientId),
                   QStringLiteral("--client-secret"), QString::fromLatin1(test::SimProcess::DefaultClientSecret),
                   QStringLiteral("--database"), database, QStringLiteral("--objects"), m_objects.join(u','),
                   QStringLiteral("--rate"), QStringLiteral("100"), QStringLiteral("--no-proxy")});
    QVERIFY(process.waitForStarted(30000));
}

// Requests that fetch records: REST query pages and Bulk results pages.
qint64 TestCrashResume::dataPageCalls()
{
    const QJsonObject calls = m_control->stats().value(QLatin1String("calls")).toObject();
    qint64 n = 0;
    for (auto it = calls.begin(); it != calls.end(); ++it) {
        const QString key = it.key();
        if (key == QLatin1String("GET /query") || key.startsWith(QLatin1String("GET /query/")) ||
            (key.startsWith(QLatin1String("GET /jobs/query/")) && key.endsWith(QLatin1String("/results"))))
            n += it.value().toInteger();
    }
    return n;
}

qint64 TestCrashResume::pagesApplied(store::PgConnection &db)
{
    const store::PgResult r = db.exec(QStringLiteral("SELECT coalesce(sum(pages_applied), 0) FROM tether.sync_state"));
    return r.ok() ? r.toInt64(0, 0) : 0;
}

bool TestCrashResume::backfilled(store::PgConnection &db)
{
    const store::PgResult r = db.exec(QStringLiteral(
        "SELECT count(*) FROM tether.sync_state WHERE backfill_completed_at IS NOT NULL"));
    return r.ok() && r.toInt64(0, 0) == m_objects.size();
}

void TestCrashResume::uninterruptedBaseline()
{
    QString why;
    const QString info = test::createScratchDatabase(QStringLiteral("crash_baseline"), &why);
    QVERIFY2(!info.isEmpty(), qPrintable(why));
    store::PgConnection db;
    QVERIFY(!db.open(info));
    const qint64 before = m_control->apiUsage();
    const qint64 pagesBefore = dataPageCalls();
    QProcess tether;
    startTether(tether, info);
    QTRY_VERIFY_WITH_TIMEOUT(backfilled(db), 180000);
    m_baselineCalls = m_control->apiUsage() - before;
    m_baselinePages = dataPageCalls() - pagesBefore;
    tether.terminate();
    QVERIFY(tether.waitForFinished(30000));
    QCOMPARE(tether.exitCode(), 0);
    QVERIFY(m_baselineCalls > 0);
}

void TestCrashResume::killedDuringBackfillAndPolling()
{
    QString why;
    const QString info = test::createScratchDatabase(QStringLiteral("crash_mirror"), &why);
    QVERIFY2(!info.isEmpty(), qPrintable(why));
    const QString scratchInfo = test::createScratchDatabase(QStringLiteral("crash_expected"), &why);
    store::PgConnection db;
    QVERIFY(!db.open(info));
    store::PgConnection scratch;
    QVERIFY(!scratch.open(scratchInfo));

    const qint64 before = m_control->apiUsage();
    const qint64 pagesBefore = dataPageCalls();
    int kills = 0;
    // Backfill: kill after a random number of newly applied pages (0 = while
    // the first request of the run is still in flight).
    while (!backfilled(db) && kills < 12) {
        QProcess tether;
        startTether(tether, info);
        const qint64 start = pagesApplied(db);
        const qint64 target = start + m_random.bounded(4);
        QTRY_VERIFY_WITH_TIMEOUT(pagesApplied(db) >= target || backfilled(db), 120000);
        ::kill(pid_t(tether.processId()), SIGKILL);
        QVERIFY(tether.waitForFinished(30000));
        QCOMPARE(tether.exitStatus(), QProcess::CrashExit);
        ++kills;
    }
    if (!backfilled(db)) { // the last kill came before the end: let a run finish it
        QProcess tether;
        startTether(tether, info);
        QTRY_VERIFY_WITH_TIMEOUT(backfilled(db), 120000);
        ::kill(pid_t(tether.processId()), SIGKILL);
        QVERIFY(tether.waitForFinished(30000));
        ++kills;
    }
    const qint64 backfillCalls = m_control->apiUsage() - before;
    const qint64 backfillPages = dataPageCalls() - pagesBefore;
    QVERIFY2(backfillPages <= m_baselinePages + 2 * kills,
             qPrintable(QStringLiteral("%1 data pages with %2 kills, %3 without").arg(backfillPages).arg(kills).arg(m_baselinePages)));
    qInfo("backfill with %d kills: %lld data pages (uninterrupted %lld), %lld API calls in all (uninterrupted %lld)",
          kills, backfillPages, m_baselinePages, backfillCalls, m_baselineCalls);

    // Polling: change records, kill right away, change more, resume.
    for (int round = 0; round < 3; ++round) {
        QProcess tether;
        startTether(tether, info);
        const QString id = m_control->create(QStringLiteral("Contact"),
                                             {{QStringLiteral("LastName"), QStringLiteral("Crash round %1").arg(round)}});
        QVERIFY(!id.isEmpty());
        const QString existing = db.exec(QStringLiteral("SELECT id FROM salesforce.invoice__c ORDER BY id OFFSET %1 LIMIT 1").arg(round)).value(0, 0);
        QVERIFY2(!existing.isEmpty(), "the mirror has no Invoice__c rows");
        QVERIFY(m_control->update(QStringLiteral("Invoice__c"), existing, {{QStringLiteral("Notes__c"), QStringLiteral("edited %1").arg(round)}}));
        QVERIFY(m_control->remove(QStringLiteral("Account"), db.exec(QStringLiteral("SELECT id FROM salesforce.account ORDER BY id OFFSET %1 LIMIT 1").arg(round)).value(0, 0)));
        if (round % 2 == 0) // sometimes before the change arrived, sometimes after
            QTRY_VERIFY_WITH_TIMEOUT(db.exec(QStringLiteral("SELECT 1 FROM salesforce.contact WHERE id = $1"), {id}).rowCount() == 1, 60000);
        ::kill(pid_t(tether.processId()), SIGKILL);
        QVERIFY(tether.waitForFinished(30000));
        ++kills;
    }

    QProcess tether;
    startTether(tether, info);
    for (const QString &object : m_objects)
        QTRY_VERIFY2_WITH_TIMEOUT((why = m_control->compareMirror(object, db, scratch)).isEmpty(), qPrintable(why), 120000);
    tether.terminate();
    QVERIFY(tether.waitForFinished(30000));
    QCOMPARE(tether.exitCode(), 0);
}

QTEST_GUILESS_MAIN(TestCrashResume)
#include "tst_crashresume.moc"
