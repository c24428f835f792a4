// The PostgreSQL half of write-through (proxy/capturetriggers): a client that
// writes to a synced table straight to PostgreSQL fails at COMMIT with a
// sentence naming the proxy, columns Salesforce will not take are refused at
// the statement, and the sync engine's own writes go on unhindered.
// Real fixture PostgreSQL, tether-sim as the org, the real sync engine.
#include "enginerig.h"
#include "simcontrol.h"
#include "simprocess.h"
#include "store/pgconnection.h"
#include "testpg.h"

#include <QSignalSpy>
#include <QTest>

using namespace tether;

class TestCapture : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void bypassingWriteFailsAtCommit_data();
    void bypassingWriteFailsAtCommit();
    void readOnlyColumnsRefusedAtTheStatement_data();
    void readOnlyColumnsRefusedAtTheStatement();
    void insertGetsAProvisionalId();
    void noBeforeRowTriggerSoCopyInsertsInBatches();
    void rollbackAndSavepointsLeaveNothingCaptured();
    void truncateRefused();
    void engineKeepsSyncing();

private:
    QString scalar(store::PgConnection &db, const QString &sql);
    bool mirrorEquals(const QString &object, QString *why, int timeoutMs = 60000);

    std::unique_ptr<test::SimProcess> m_sim;
    std::unique_ptr<test::SimControl> m_control;
    QString m_mirrorInfo;
    store::PgConnection m_client;   // a client that bypasses the proxy
    store::PgConnection m_expected; // scratch database for compareMirror
    std::unique_ptr<test::EngineRig> m_rig;
};

QString TestCapture::scalar(store::PgConnection &db, const QString &sql)
{
    const store::PgResult r = db.exec(sql);
    if (!r.ok())
        qWarning().noquote() << sql << r.error().toString();
    return r.value(0, 0);
}

bool TestCapture::mirrorEquals(const QString &object, QString *why, int timeoutMs)
{
    store::PgConnection mirror;
    if (const store::PgError e = mirror.open(m_mirrorInfo)) {
        *why = e.toString();
        return false;
    }
    QSignalSpy polled(&m_rig->engine, &sync::SyncEngine::pollApplied);
    QElapsedTimer clock;
    clock.start();
    while (!(*why = m_control->compareMirror(object, mirror, m_expected)).isEmpty()) {
        if (clock.elapsed() > timeoutMs)
            return false;
        polled.wait(2000);
    }
    return true;
}

void TestCapture::initTestCase()
{
    QString why;
    m_mirrorInfo = test::createScratchDatabase(QStringLiteral("capture_mirror"), &why);
    QVERIFY2(!m_mirrorInfo.isEmpty(), qPrintable(why));
    const QString expectedInfo = test::createScratchDatabase(QStringLiteral("capture_expected"), &why);
    QVERIFY2(!expectedInfo.isEmpty(), qPrintable(why));
    QVERIFY(!m_expected.open(expectedInfo));

    m_sim = std::make_unique<test::SimProcess>(
        QStringList{QStringLiteral("--generate"), QStringLiteral("Account=200,Contact=300,Opportunity=100")});
    QVERIFY2(m_sim->start(&why), qPrintable(why + QString::fromUtf8(m_sim->output())));
    const QByteArray token = m_sim->fetchAccessToken(&why);
    QVERIFY2(!token.isEmpty(), qPrintable(why));
    m_control = std::make_unique<test::SimControl>(m_sim->baseUrl(), token);

    sync::SyncConfig config;
    config.databaseConnectionString = m_mirrorInfo;
    config.objects = {QStringLiteral("Account"), QStringLiteral("Contact"), QStringLiteral("Opportunity")};
    config.pollMaxIntervalMs = 300;
    config.reconcileIntervalMs = 3600 * 1000;
    m_rig = std::make_unique<test::EngineRig>(m_sim->baseUrl(), config);
    QVERIFY(m_rig->login());
    QSignalSpy caughtUp(&m_rig->engine, &sync::SyncEngine::caughtUp);
    m_rig->engine.start();
    QVERIFY(caughtUp.wait(120000) || caughtUp.count() > 0);

    QVERIFY(!m_client.open(m_mirrorInfo));
    // Where the proxy would listen; the refusal names it.
    QVERIFY(m_client.exec(QStringLiteral("INSERT INTO tether.proxy_endpoint (address) VALUES ('127.0.0.1:6543') "
                                         "ON CONFLICT (singleton) DO UPDATE SET address = EXCLUDED.address")).ok());
}

void TestCapture::cleanupTestCase()
{
    if (m_rig)
        m_rig->engine.stop();
    m_rig.reset();
}

void TestCapture::bypassingWriteFailsAtCommit_data()
{
    QTest::addColumn<QString>("statement");
    QTest::addColumn<bool>("explicitTransaction");
    const QString insert = QStringLiteral("INSERT INTO salesforce.account (name) VALUES ('Bypass Ltd')");
    const QString update = QStringLiteral("UPDATE salesforce.account SET name = 'Bypassed' WHERE id = (SELECT min(id) FROM salesforce.account)");
    const QString remove = QStringLiteral("DELETE FROM salesforce.opportunity WHERE id = (SELECT min(id) FROM salesforce.opportunity)");
    QTest::newRow("insert, autocommit") << insert << false;
    QTest::newRow("update, autocommit") << update << false;
    QTest::newRow("delete, autocommit") << remove << false;
    QTest::newRow("insert, transaction") << insert << true;
    QTest::newRow("update, transaction") << update << true;
    QTest::newRow("delete, transaction") << remove << true;
}

void TestCapture::bypassingWriteFailsAtCommit()
{
    QFETCH(QString, statement);
    QFETCH(bool, explicitTransaction);
    const QString fingerprint = QStringLiteral(
        "SELECT (SELECT md5(string_agg(a::text, ',' ORDER BY id)) FROM salesforce.account a) || "
        "(SELECT md5(string_agg(o::text, ',' ORDER BY id)) FROM salesforce.opportunity o)");
    const QString before = scalar(m_client, fingerprint);
    store::PgResult r;
    if (explicitTransaction) {
        QVERIFY(m_client.exec(QStringLiteral("BEGIN")).ok());
        QVERIFY2(m_client.exec(statement).ok(), "the statement itself runs; COMMIT refuses it");
        r = m_client.exec(QStringLiteral("COMMIT"));
    } else {
        r = m_client.exec(statement);
    }
    QVERIFY(!r.ok());
    QCOMPARE(r.error().sqlState, QStringLiteral("42501"));
    QVERIFY2(r.error().message.contains(QLatin1String("must go through Tether's proxy at 127.0.0.1:6543")),
             qPrintable(r.error().message));
    QVERIFY2(r.error().hint.contains(QLatin1String("Connect to 127.0.0.1:6543")), qPrintable(r.error().hint));
    QCOMPARE(scalar(m_client, QStringLiteral("SELECT count(*) FROM salesforce.account WHERE name LIKE 'Bypass%'")), QStringLiteral("0"));
    QCOMPARE(scalar(m_client, fingerprint), before);
}

void TestCapture::readOnlyColumnsRefusedAtTheStatement_data()
{
    QTest::addColumn<QString>("statement");
    QTest::addColumn<QString>("column");
    QTest::newRow("system field on insert")
        << QStringLiteral("INSERT INTO salesforce.account (name, createddate) VALUES ('X', now())") << QStringLiteral("createddate");
    QTest::newRow("id on insert") << QStringLiteral("INSERT INTO salesforce.account (id, name) VALUES ('001000000000001AAA', 'X')")
                                  << QStringLiteral("id");
    QTest::newRow("system field on update")
        << QStringLiteral("UPDATE salesforce.account SET systemmodstamp = now() WHERE id = (SELECT min(id) FROM salesforce.account)")
        << QStringLiteral("systemmodstamp");
    QTest::newRow("id on update")
        << QStringLiteral("UPDATE salesforce.account SET id = '001000000000002AAA' WHERE id = (SELECT min(id) FROM salesforce.account)")
        << QStringLiteral("id");
    QTest::newRow("audit field on update")
        << QStringLiteral("UPDATE salesforce.account SET lastmodifiedbyid = ownerid WHERE id = (SELECT min(id) FROM salesforce.account)")
        << QStringLiteral("lastmodifiedbyid");
}

void TestCapture::readOnlyColumnsRefusedAtTheStatement()
{
    QFETCH(QString, statement);
    QFETCH(QString, column);
    QVERIFY(m_client.exec(QStringLiteral("BEGIN")).ok());
    const store::PgResult r = m_client.exec(statement);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().sqlState, QStringLiteral("428C9"));
    QVERIFY2(r.error().message.contains(QLatin1Char('"') + column + QLatin1Char('"')), qPrintable(r.error().message));
    QVERIFY(m_client.exec(QStringLiteral("ROLLBACK")).ok());
}

void TestCapture::insertGetsAProvisionalId()
{
    QVERIFY(m_client.exec(QStringLiteral("BEGIN")).ok());
    const store::PgResult r = m_client.exec(QStringLiteral("INSERT INTO salesforce.account (name) VALUES ('Provisional') RETURNING id"));
    QVERIFY(r.ok());
    const QString id = r.value(0, 0);
    QCOMPARE(id.size(), 18);
    QVERIFY2(id.startsWith(QLatin1String("_new_")), qPrintable(id));
    // The transaction reads its own write under that id, and the change is captured.
    QCOMPARE(scalar(m_client, QStringLiteral("SELECT name FROM salesforce.account WHERE id = '%1'").arg(id)), QStringLiteral("Provisional"));
    QCOMPARE(scalar(m_client, QStringLiteral("SELECT op || ':' || record_id FROM tether.captured_changes()")),
             QStringLiteral("insert:") + id);
    QVERIFY(m_client.exec(QStringLiteral("ROLLBACK")).ok());
}

void TestCapture::noBeforeRowTriggerSoCopyInsertsInBatches()
{
    // PostgreSQL's COPY inserts row by row into a table with any BEFORE (or
    // INSTEAD OF) row trigger on INSERT, enabled or not, whatever its WHEN;
    // the backfill's pages then cost about a fifth more server time.
    // pg_trigger.tgtype bits: 1 row, 2 before, 4 insert, 64 instead.
    QCOMPARE(scalar(m_client, QStringLiteral("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'salesforce.account'::regclass "
                                             "AND tgtype & 1 = 1 AND tgtype & 4 = 4 AND tgtype & (2 | 64) <> 0")),
             QStringLiteral("0"));
    // The capture is still there (the AFTER trigger).
    QCOMPARE(scalar(m_client, QStringLiteral("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'salesforce.account'::regclass "
                                             "AND tgname = 'tether_capture'")),
             QStringLiteral("1"));
}

void TestCapture::rollbackAndSavepointsLeaveNothingCaptured()
{
    QVERIFY(m_client.exec(QStringLiteral("BEGIN")).ok());
    QVERIFY(m_client.exec(QStringLiteral("UPDATE salesforce.account SET name = name || '!' WHERE id = (SELECT min(id) FROM salesforce.account)")).ok());
    QVERIFY(m_client.exec(QStringLiteral("SAVEPOINT s")).ok());
    QVERIFY(m_client.exec(QStringLiteral("INSERT INTO salesforce.contact (lastname) VALUES ('After savepoint')")).ok());
    QCOMPARE(scalar(m_client, QStringLiteral("SELECT string_agg(op, ',' ORDER BY seq) FROM tether.captured_changes()")),
             QStringLiteral("update,insert"));
    QVERIFY(m_client.exec(QStringLiteral("ROLLBACK TO SAVEPOINT s")).ok());
    QCOMPARE(scalar(m_client, QStringLiteral("SELECT string_agg(op, ',' ORDER BY seq) FROM tether.captured_changes()")),
             QStringLiteral("update"));
    // An update that changes nothing is not a change.
    QVERIFY(m_client.exec(QStringLiteral("UPDATE salesforce.contact SET lastname = lastname WHERE id = (SELECT min(id) FROM salesforce.contact)")).ok());
    QCOMPARE(scalar(m_client, QStringLiteral("SELECT count(*) FROM tether.captured_changes()")), QStringLiteral("1"));
    QCOMPARE(scalar(m_client, QStringLiteral("SELECT array_to_string(changed, ',') FROM tether.captured_changes()")), QStringLiteral("name"));
    QVERIFY(m_client.exec(QStringLiteral("ROLLBACK")).ok());
    QCOMPARE(scalar(m_client, QStringLiteral("SELECT count(*) FROM tether.capture")), QStringLiteral("0"));
}

void TestCapture::truncateRefused()
{
    const store::PgResult r = m_client.exec(QStringLiteral("TRUNCATE salesforce.opportunity"));
    QVERIFY(!r.ok());
    QCOMPARE(r.error().sqlState, QStringLiteral("0A000"));
    QVERIFY(scalar(m_client, QStringLiteral("SELECT count(*) FROM salesforce.opportunity")).toInt() > 0);
}

void TestCapture::engineKeepsSyncing()
{
    // Changes made in Salesforce reach the mirror through the engine's
    // connection (tether.writer = 'sync'), triggers and all.
    const QString account = scalar(m_client, QStringLiteral("SELECT max(id) FROM salesforce.account"));
    QVERIFY(m_control->update(QStringLiteral("Account"), account, {{QStringLiteral("Name"), QStringLiteral("Renamed in Salesforce")}}));
    const QString created = m_control->create(QStringLiteral("Contact"), {{QStringLiteral("LastName"), QStringLiteral("Made in Salesforce")}});
    QVERIFY(!created.isEmpty());
    const QString opportunity = scalar(m_client, QStringLiteral("SELECT max(id) FROM salesforce.opportunity"));
    QVERIFY(m_control->remove(QStringLiteral("Opportunity"), opportunity));
    QString why;
    for (const QString &object : {QStringLiteral("Account"), QStringLiteral("Contact"), QStringLiteral("Opportunity")})
        QVERIFY2(mirrorEquals(object, &why), qPrintable(why));
    QCOMPARE(scalar(m_client, QStringLiteral("SELECT count(*) FROM tether.capture")), QStringLiteral("0"));
}

QTEST_GUILESS_MAIN(TestCapture)
#include "tst_capture.moc"
