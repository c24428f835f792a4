// Writes through the proxy reach Salesforce before PostgreSQL commits: the
// real sync engine keeps a mirror of tether-sim in the fixture PostgreSQL,
// the proxy relays libpq clients to it, and every check reads Salesforce's
// side from the simulator's own REST answers.
#include "enginerig.h"
#include "proxy/proxyservice.h"
#include "simcontrol.h"
#include "simprocess.h"
#include "store/conninfo.h"
#include "store/pgconnection.h"
#include "testpg.h"

#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>

using namespace tether;

class TestWrites : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void autocommitInsertReturnsSalesforceValues();
    void updateAndDelete();
    void parentAndChildInOneTransaction();
    void rollbackLeavesSalesforceUntouched();
    void refusedWriteIsAPostgresError();
    void readOnlyColumnRefusedBeforeAnyCall();
    void writesToOtherTablesPassThrough();
    void lostUpdateIsRefused();
    void preparedStatementsWithParameters();
    void unmodifiedDrivers_data();
    void unmodifiedDrivers();

private:
    QJsonObject salesforceRecord(const QString &object, const QString &id, int *status = nullptr);
    QString scalar(store::PgConnection &db, const QString &sql);

    std::unique_ptr<test::SimProcess> m_sim;
    std::unique_ptr<test::SimControl> m_control;
    std::unique_ptr<test::EngineRig> m_rig;
    std::unique_ptr<proxy::ProxyService> m_proxy;
    QString m_mirrorInfo;
    QString m_proxyInfo;
    store::PgConnection m_client; // through the proxy
    store::PgConnection m_mirror; // straight, for looking
};

void TestWrites::initTestCase()
{
    QString why;
    m_mirrorInfo = test::createScratchDatabase(QStringLiteral("proxy_writes"), &why);
    QVERIFY2(!m_mirrorInfo.isEmpty(), qPrintable(why));
    m_sim = std::make_unique<test::SimProcess>(QStringList{QStringLiteral("--seed"), QStringLiteral("5"), QStringLiteral("--generate"),
                                                           QStringLiteral("Account=200,Contact=300")});
    QVERIFY2(m_sim->start(&why), qPrintable(why));
    m_control = std::make_unique<test::SimControl>(m_sim->baseUrl(), m_sim->fetchAccessToken(&why));

    sync::SyncConfig config;
    config.databaseConnectionString = m_mirrorInfo;
    config.objects = {QStringLiteral("Account"), QStringLiteral("Contact")};
    config.pollMaxIntervalMs = 300;
    m_rig = std::make_unique<test::EngineRig>(m_sim->baseUrl(), config);
    QVERIFY(m_rig->login());
    QSignalSpy caughtUp(&m_rig->engine, &sync::SyncEngine::caughtUp);
    m_rig->engine.start();
    QVERIFY(caughtUp.wait(120000));

    const store::ServerAddress database = store::serverAddressOf(m_mirrorInfo);
    proxy::ProxyConfig proxyConfig;
    proxyConfig.port = 0;
    proxyConfig.upstreamHost = database.host;
    proxyConfig.upstreamPort = database.port;
    m_proxy = std::make_unique<proxy::ProxyService>(proxyConfig);
    m_proxy->setSalesforce(&m_rig->session, &m_rig->limiter, &m_rig->budget);
    QSignalSpy listening(m_proxy.get(), &proxy::ProxyService::listening);
    m_proxy->start();
    QVERIFY(listening.wait(10000));
    m_proxyInfo = store::withServerAddress(m_mirrorInfo, listening.first().at(0).toString(), quint16(listening.first().at(1).toUInt()));
    QVERIFY(!m_client.open(m_proxyInfo));
    QVERIFY(!m_mirror.open(m_mirrorInfo));
}

void TestWrites::cleanupTestCase()
{
    m_client.close();
    if (m_proxy)
        m_proxy->stop();
    if (m_rig)
        m_rig->engine.stop();
}

QJsonObject TestWrites::salesforceRecord(const QString &object, const QString &id, int *status)
{
    const test::SimControl::Reply reply = m_control->request("GET", m_control->dataPath() + QStringLiteral("/sobjects/%1/%2").arg(object, id));
    if (status)
        *status = reply.status;
    return reply.json().object();
}

QString TestWrites::scalar(store::PgConnection &db, const QString &sql)
{
    const store::PgResult r = db.exec(sql);
    if (!r.ok())
        qWarning() << sql << r.error().toString();
    return r.value(0, 0);
}

void TestWrites::autocommitInsertReturnsSalesforceValues()
{
    const store::PgResult inserted = m_client.exec(QStringLiteral(
        "INSERT INTO salesforce.account (name, annualrevenue) VALUES ('Through the proxy', 123456789012345) "
        "RETURNING id, name, createddate, systemmodstamp, annualrevenue"));
    QVERIFY2(inserted.ok(), qPrintable(inserted.error().toString()));
    QCOMPARE(inserted.rowCount(), 1);
    const QString id = inserted.value(0, 0);
    QCOMPARE(id.size(), 18);
    QVERIFY2(id.startsWith(QStringLiteral("001")), qPrintable(id)); // a real Account Id, not the provisional one
    QCOMPARE(inserted.value(0, 1), QStringLiteral("Through the proxy"));
    // Columns Salesforce filled in come back filled in (plain columns of
    // RETURNING are rewritten; expressions would keep the statement's values).
    QVERIFY2(!inserted.isNull(0, 2) && !inserted.isNull(0, 3), "CreatedDate and SystemModstamp are empty");
    QCOMPARE(inserted.value(0, 4), QStringLiteral("123456789012345"));

    // Salesforce has it, with the exact number.
    int status = 0;
    const QJsonObject record = salesforceRecord(QStringLiteral("Account"), id, &status);
    QCOMPARE(status, 200);
    QCOMPARE(record.value(QLatin1String("Name")).toString(), QStringLiteral("Through the proxy"));
    QCOMPARE(qint64(record.value(QLatin1String("AnnualRevenue")).toDouble()), qint64(123456789012345));
    // The mirror row carries Salesforce's values; nothing is left pending; the write is logged.
    QCOMPARE(scalar(m_mirror, QStringLiteral("SELECT to_char(systemmodstamp AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS') FROM salesforce.account WHERE id = '%1'").arg(id)),
             record.value(QLatin1String("SystemModstamp")).toString().left(23));
    QCOMPARE(scalar(m_mirror, QStringLiteral("SELECT count(*) FROM tether.pending_write")), QStringLiteral("0"));
    QCOMPARE(scalar(m_mirror, QStringLiteral("SELECT outcome FROM tether.write_log WHERE '%1' = ANY(record_ids)").arg(id)), QStringLiteral("applied"));
    QCOMPARE(scalar(m_mirror, QStringLiteral("SELECT count(*) FROM salesforce.account WHERE id LIKE '~%'")), QStringLiteral("0"));
}

void TestWrites::updateAndDelete()
{
    const QString id = scalar(m_mirror, QStringLiteral("SELECT min(id) FROM salesforce.account WHERE id NOT IN (SELECT unnest(record_ids) FROM tether.write_log)"));
    const store::PgResult updated = m_client.exec(QStringLiteral("UPDATE salesforce.account SET name = 'Renamed through the proxy' WHERE id = '%1'").arg(id));
    QVERIFY2(updated.ok(), qPrintable(updated.error().toString()));
    QCOMPARE(updated.affectedRows(), 1);
    QCOMPARE(salesforceRecord(QStringLiteral("Account"), id).value(QLatin1String("Name")).toString(), QStringLiteral("Renamed through the proxy"));
    QCOMPARE(scalar(m_mirror, QStringLiteral("SELECT name FROM salesforce.account WHERE id = '%1'").arg(id)), QStringLiteral("Renamed through the proxy"));

    const store::PgResult deleted = m_client.exec(QStringLiteral("DELETE FROM salesforce.account WHERE id = '%1'").arg(id));
    QVERIFY2(deleted.ok(), qPrintable(deleted.error().toString()));
    int status = 0;
    salesforceRecord(QStringLiteral("Account"), id, &status);
    QCOMPARE(status, 404);
    QCOMPARE(scalar(m_mirror, QStringLiteral("SELECT count(*) FROM salesforce.account WHERE id = '%1'").arg(id)), QStringLiteral("0"));
}

void TestWrites::parentAndChildInOneTransaction()
{
    QVERIFY(m_client.exec(QStringLiteral("BEGIN")).ok());
    const store::PgResult parent = m_client.exec(QStringLiteral("INSERT INTO salesforce.account (name) VALUES ('Parent Co') RETURNING id"));
    QVERIFY2(parent.ok(), qPrintable(parent.error().toString()));
    const QString provisional = parent.value(0, 0);
    QVERIFY2(provisional.startsWith(u'~'), qPrintable(provisional)); // until COMMIT (documented)
    const store::PgResult child = m_client.exec(
        QStringLiteral("INSERT INTO salesforce.contact (lastname, accountid) VALUES ('Child of Parent Co', '%1')").arg(provisional));
    QVERIFY2(child.ok(), qPrintable(child.error().toString()));
    // The transaction reads its own writes.
    QCOMPARE(scalar(m_client, QStringLiteral("SELECT count(*) FROM salesforce.contact WHERE accountid = '%1'").arg(provisional)), QStringLiteral("1"));
    const store::PgResult committed = m_client.exec(QStringLiteral("COMMIT"));
    QVERIFY2(committed.ok(), qPrintable(committed.error().toString()));

    const QString accountId = scalar(m_mirror, QStringLiteral("SELECT id FROM salesforce.account WHERE name = 'Parent Co'"));
    const QString contactId = scalar(m_mirror, QStringLiteral("SELECT id FROM salesforce.contact WHERE lastname = 'Child of Parent Co'"));
    QVERIFY(accountId.startsWith(QStringLiteral("001")));
    QVERIFY(contactId.startsWith(QStringLiteral("003")));
    QCOMPARE(scalar(m_mirror, QStringLiteral("SELECT accountid FROM salesforce.contact WHERE id = '%1'").arg(contactId)), accountId);
    QCOMPARE(salesforceRecord(QStringLiteral("Contact"), contactId).value(QLatin1String("AccountId")).toString(), accountId);
    QCOMPARE(salesforceRecord(QStringLiteral("Account"), accountId).value(QLatin1String("Name")).toString(), QStringLiteral("Parent Co"));
}

void TestWrites::rollbackLeavesSalesforceUntouched()
{
    const qint64 callsBefore = m_control->stats().value(QLatin1String("calls")).toObject().value(QLatin1String("POST /composite/graph")).toInteger();
    QVERIFY(m_client.exec(QStringLiteral("BEGIN")).ok());
    QVERIFY(m_client.exec(QStringLiteral("INSERT INTO salesforce.account (name) VALUES ('Never written')")).ok());
    QVERIFY(m_client.exec(QStringLiteral("ROLLBACK")).ok());
    const QList<QByteArray> pages = m_control->queryAllPages(QStringLiteral("SELECT Id FROM Account WHERE Name = 'Never written'"));
    QVERIFY(!pages.isEmpty());
    QVERIFY(pages.first().contains("\"totalSize\":0"));
    QCOMPARE(m_control->stats().value(QLatin1String("calls")).toObject().value(QLatin1String("POST /composite/graph")).toInteger(), callsBefore);
    QCOMPARE(scalar(m_mirror, QStringLiteral("SELECT count(*) FROM salesforce.account WHERE name = 'Never written'")), QStringLiteral("0"));
}

void TestWrites::refusedWriteIsAPostgresError()
{
    // LastName is required: Salesforce refuses, PostgreSQL keeps nothing.
    const store::PgResult refused = m_client.exec(QStringLiteral("INSERT INTO salesforce.contact (firstname) VALUES ('Nameless')"));
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().sqlState, QStringLiteral("23502"));
    QVERIFY2(refused.error().message.contains(QStringLiteral("Required fields are missing")), qPrintable(refused.error().message));
    QVERIFY2(refused.error().detail.contains(QStringLiteral("REQUIRED_FIELD_MISSING")), qPrintable(refused.error().detail));
    QCOMPARE(scalar(m_mirror, QStringLiteral("SELECT count(*) FROM salesforce.contact WHERE firstname = 'Nameless'")), QStringLiteral("0"));
    QCOMPARE(scalar(m_mirror, QStringLiteral("SELECT count(*) FROM tether.write_log WHERE outcome = 'refused'")).toInt() > 0, true);

    // The same at COMMIT of an explicit transaction; the session goes on.
    QVERIFY(m_client.exec(QStringLiteral("BEGIN")).ok());
    QVERIFY(m_client.exec(QStringLiteral("INSERT INTO salesforce.contact (firstname) VALUES ('Nameless too')")).ok());
    const store::PgResult commit = m_client.exec(QStringLiteral("COMMIT"));
    QCOMPARE(commit.error().sqlState, QStringLiteral("23502"));
    QCOMPARE(scalar(m_client, QStringLiteral("SELECT 1")), QStringLiteral("1"));
    QCOMPARE(scalar(m_mirror, QStringLiteral("SELECT count(*) FROM salesforce.contact WHERE firstname = 'Nameless too'")), QStringLiteral("0"));
}

void TestWrites::readOnlyColumnRefusedBeforeAnyCall()
{
    auto writeCalls = [&] {
        return m_control->stats().value(QLatin1String("calls")).toObject().value(QLatin1String("POST /composite/graph")).toInteger();
    };
    const qint64 before = writeCalls();
    const store::PgResult refused = m_client.exec(
        QStringLiteral("INSERT INTO salesforce.account (name, createddate) VALUES ('Backdated', now() - interval '1 year')"));
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().sqlState, QStringLiteral("428C9"));
    QVERIFY2(refused.error().message.contains(QStringLiteral("createddate")), qPrintable(refused.error().message));
    QCOMPARE(writeCalls(), before); // refused before any call to Salesforce
    QCOMPARE(scalar(m_mirror, QStringLiteral("SELECT count(*) FROM salesforce.account WHERE name = 'Backdated'")), QStringLiteral("0"));
}

void TestWrites::writesToOtherTablesPassThrough()
{
    QVERIFY(m_client.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS public.notes (n int)")).ok());
    const store::PgResult inserted = m_client.exec(QStringLiteral("INSERT INTO public.notes VALUES (1), (2) RETURNING n"));
    QVERIFY2(inserted.ok(), qPrintable(inserted.error().toString()));
    QCOMPARE(inserted.rowCount(), 2);
    QCOMPARE(scalar(m_mirror, QStringLiteral("SELECT count(*) FROM public.notes")), QStringLiteral("2"));
}

void TestWrites::lostUpdateIsRefused()
{
    // Someone changes the record in Salesforce after the mirror last saw it
    // (the table's sync is paused, so the mirror cannot catch up meanwhile):
    // an UPDATE through the proxy must not overwrite that change.
    // A record nobody touched in this test run (If-Unmodified-Since has a resolution of seconds).
    const QString id = scalar(m_mirror, QStringLiteral("SELECT min(id) FROM salesforce.account "
                                                       "WHERE id NOT IN (SELECT unnest(record_ids) FROM tether.write_log)"));
    m_rig->engine.setPaused(QStringLiteral("Account"), true);
    QVERIFY(m_control->update(QStringLiteral("Account"), id, {{QStringLiteral("Name"), QStringLiteral("Changed in Salesforce")}}));
    const store::PgResult stale = m_client.exec(QStringLiteral("UPDATE salesforce.account SET name = 'Stale write' WHERE id = '%1'").arg(id));
    QVERIFY(!stale.ok());
    QCOMPARE(stale.error().sqlState, QStringLiteral("40001"));
    QCOMPARE(salesforceRecord(QStringLiteral("Account"), id).value(QLatin1String("Name")).toString(), QStringLiteral("Changed in Salesforce"));
    // Once the mirror has the change, the retry goes through.
    m_rig->engine.setPaused(QStringLiteral("Account"), false);
    QTRY_COMPARE_WITH_TIMEOUT(scalar(m_mirror, QStringLiteral("SELECT name FROM salesforce.account WHERE id = '%1'").arg(id)),
                              QStringLiteral("Changed in Salesforce"), 30000);
    const store::PgResult retry = m_client.exec(QStringLiteral("UPDATE salesforce.account SET name = 'Retried write' WHERE id = '%1'").arg(id));
    QVERIFY2(retry.ok(), qPrintable(retry.error().toString()));
    QCOMPARE(salesforceRecord(QStringLiteral("Account"), id).value(QLatin1String("Name")).toString(), QStringLiteral("Retried write"));
}

void TestWrites::preparedStatementsWithParameters()
{
    // The extended protocol (Parse/Bind/Execute/Sync, as drivers send
    // parameterised statements): autocommit, refused, and a COMMIT sent that way.
    const store::PgResult inserted = m_client.exec(
        QStringLiteral("INSERT INTO salesforce.account (name, numberofemployees) VALUES ($1, $2) RETURNING id, name, createddate"),
        {QStringLiteral("Prepared Ltd"), 42});
    QVERIFY2(inserted.ok(), qPrintable(inserted.error().toString()));
    const QString id = inserted.value(0, 0);
    QVERIFY2(id.startsWith(QStringLiteral("001")), qPrintable(id));
    QVERIFY(!inserted.isNull(0, 2));
    const QJsonObject record = salesforceRecord(QStringLiteral("Account"), id);
    QCOMPARE(record.value(QLatin1String("Name")).toString(), QStringLiteral("Prepared Ltd"));
    QCOMPARE(record.value(QLatin1String("NumberOfEmployees")).toInt(), 42);

    const store::PgResult refused = m_client.exec(QStringLiteral("INSERT INTO salesforce.contact (firstname) VALUES ($1)"),
                                                  {QStringLiteral("Nameless prepared")});
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().sqlState, QStringLiteral("23502"));
    QCOMPARE(scalar(m_mirror, QStringLiteral("SELECT count(*) FROM salesforce.contact WHERE firstname = 'Nameless prepared'")), QStringLiteral("0"));
    QCOMPARE(scalar(m_client, QStringLiteral("SELECT 2")), QStringLiteral("2")); // the session goes on

    // A transaction committed through the extended protocol.
    QVERIFY(m_client.exec(QStringLiteral("BEGIN")).ok());
    QVERIFY(m_client.exec(QStringLiteral("UPDATE salesforce.account SET name = $1 WHERE id = $2"), {QStringLiteral("Prepared and committed"), id}).ok());
    const store::PgResult commit = m_client.exec(QStringLiteral("COMMIT"), QVariantList{});
    QVERIFY2(commit.ok(), qPrintable(commit.error().toString()));
    QCOMPARE(salesforceRecord(QStringLiteral("Account"), id).value(QLatin1String("Name")).toString(), QStringLiteral("Prepared and committed"));
    // ... and one that Salesforce refuses: the COMMIT itself fails with Salesforce's reason.
    QVERIFY(m_client.exec(QStringLiteral("BEGIN")).ok());
    QVERIFY(m_client.exec(QStringLiteral("INSERT INTO salesforce.contact (firstname) VALUES ($1)"), {QStringLiteral("Nameless at commit")}).ok());
    const store::PgResult refusedCommit = m_client.exec(QStringLiteral("COMMIT"), QVariantList{});
    QVERIFY(!refusedCommit.ok());
    QCOMPARE(refusedCommit.error().sqlState, QStringLiteral("23502"));
    QVERIFY2(refusedCommit.error().message.contains(QStringLiteral("Required fields are missing")), qPrintable(refusedCommit.error().message));
    QCOMPARE(scalar(m_mirror, QStringLiteral("SELECT count(*) FROM salesforce.contact WHERE firstname = 'Nameless at commit'")), QStringLiteral("0"));
}

void TestWrites::unmodifiedDrivers_data()
{
    QTest::addColumn<QStringList>("command");
    QTest::addColumn<QString>("prefix"); // names this driver's records
    // Debian's python3-psycopg2 belongs to the system Python.
    QTest::newRow("psycopg2") << QStringList{QStringLiteral("/usr/bin/python3"), QStringLiteral("writes_psycopg2.py")} << QStringLiteral("psycopg2");
    QTest::newRow("pgjdbc") << QStringList{QStringLiteral("java"), QStringLiteral("-cp"), QStringLiteral("/usr/share/java/postgresql.jar"),
                                           QStringLiteral("WritesJdbc.java")}
                            << QStringLiteral("JDBC");
}

void TestWrites::unmodifiedDrivers()
{
    QFETCH(QStringList, command);
    QFETCH(QString, prefix);
    const store::ServerAddress address = store::serverAddressOf(m_proxyInfo);
    QProcess driver;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("PGHOST"), address.host);
    env.insert(QStringLiteral("PGPORT"), QString::number(address.port));
    env.insert(QStringLiteral("PGUSER"), m_mirror.exec(QStringLiteral("SELECT current_user")).value(0, 0));
    env.insert(QStringLiteral("PGDATABASE"), QStringLiteral("proxy_writes"));
    driver.setProcessEnvironment(env);
    driver.setWorkingDirectory(qEnvironmentVariable("TETHER_SOURCE_DIR") + QStringLiteral("/tests/proxy/drivers"));
    driver.start(command.first(), command.mid(1));
    QVERIFY(driver.waitForFinished(180000));
    const QString out = QString::fromUtf8(driver.readAllStandardOutput());
    QVERIFY2(driver.exitCode() == 0, qPrintable(out + QString::fromUtf8(driver.readAllStandardError())));
    const QStringList lines = out.split(u'\n', Qt::SkipEmptyParts);
    auto line = [&](const QString &label) {
        for (const QString &l : lines) {
            if (l.startsWith(label + u' '))
                return l.mid(label.size() + 1);
        }
        return QString();
    };
    // Insert gave a real Id; Salesforce has the record, renamed, then deleted.
    const QString account = line(QStringLiteral("inserted"));
    QVERIFY2(account.startsWith(QStringLiteral("001")), qPrintable(out));
    QVERIFY2(line(QStringLiteral("updated")) == QStringLiteral("1"), qPrintable(out));
    QCOMPARE(line(QStringLiteral("deleted")), QStringLiteral("1"));
    int status = 0;
    salesforceRecord(QStringLiteral("Account"), account, &status);
    QCOMPARE(status, 404);
    // Parent and child in one transaction: linked by the real Id in both systems.
    const QStringList child = line(QStringLiteral("child")).split(u' ');
    QCOMPARE(child.value(1), prefix == QLatin1String("JDBC") ? QStringLiteral("true") : QStringLiteral("True"));
    const QString parent = salesforceRecord(QStringLiteral("Contact"), child.value(0)).value(QLatin1String("AccountId")).toString();
    QCOMPARE(salesforceRecord(QStringLiteral("Account"), parent).value(QLatin1String("Name")).toString(), prefix + QStringLiteral(" Parent"));
    // Rolled back: never in Salesforce. Refused: the SQLSTATE drivers know.
    const QList<QByteArray> rolledBack = m_control->queryAllPages(QStringLiteral("SELECT Id FROM Account WHERE Name = '%1 Rolled back'").arg(prefix));
    QVERIFY(!rolledBack.isEmpty() && rolledBack.first().contains("\"totalSize\":0"));
    QCOMPARE(line(QStringLiteral("refused")), QStringLiteral("23502"));
    QCOMPARE(scalar(m_mirror, QStringLiteral("SELECT count(*) FROM tether.pending_write")), QStringLiteral("0"));
}

QTEST_GUILESS_MAIN(TestWrites)
#include "tst_writes.moc"
