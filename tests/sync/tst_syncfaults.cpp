// Faults from the database side and schema changes in the middle of a sync.
// Every scenario ends with the mirror equal to the simulator record for
// record, and checks that the trouble was shown as a sentence while it lasted
// and that tables not involved kept syncing.
//
// Faults are injected into the real fixture PostgreSQL: triggers that raise,
// a held lock, a statement timeout, pg_terminate_backend of the engine's
// connection, a database that refuses connections, an event trigger that
// refuses a migration. Salesforce-side: tether-sim's fault injection,
// including faults on single /composite subrequests.
#include "enginerig.h"
#include "simcontrol.h"
#include "simprocess.h"
#include "store/pgconnection.h"
#include "sync/syncservice.h"
#include "testpg.h"

#include <QJsonObject>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

using namespace tether;
using test::EngineRig;

class TestSyncFaults : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();
    void failedPageWritesAreRetriedNotSkipped();
    void lostDatabaseConnectionResumes();
    void lockedOrSlowTableDoesNotStallOthers();
    void fieldsAddedAndRemovedDuringBackfill();
    void failingObjectDoesNotStarveOthers();
    void failedMigrationIsRetried();
    void stopCancelsALongStatement();
    void expiredBulkJobStartsOverWithinProgress();
    void rowAlreadyThereSendsPagesThroughStaging();

private:
    sync::SyncConfig config(const QString &database, const QStringList &objects) const;
    // A fresh mirror database and an engine on it (not started).
    bool prepare(const QString &name, const QStringList &objects, sync::SyncConfig *tuned = nullptr);
    void startEngine();
    bool waitCaughtUp(int timeoutMs = 180000);
    QString mirrorDiff(const QString &object);
    bool waitEqual(const QString &object, QString *why, int timeoutMs = 90000);
    QString scalar(const QString &sql, const QVariantList &params = {});
    bool admin(const QString &sql); // as the fixture's superuser
    QStringList errorsSeen(const QString &object) const;
    int enginePid();

    std::unique_ptr<test::SimProcess> m_sim;
    std::unique_ptr<test::SimControl> m_control;
    QString m_database;
    QString m_mirrorInfo;
    store::PgConnection m_mirror;
    store::PgConnection m_expected;
    store::PgConnection m_admin;
    std::unique_ptr<EngineRig> m_rig;
    std::unique_ptr<QSignalSpy> m_statuses;
};

void TestSyncFaults::initTestCase()
{
    QString why;
    const QString expected = test::createScratchDatabase(QStringLiteral("faults_expected"), &why);
    QVERIFY2(!expected.isEmpty(), qPrintable(why));
    QVERIFY(!m_expected.open(expected));
    QVERIFY(!m_admin.open(test::fixtureConnectionString()));
    // Accounts and Invoices are large enough for Bulk API 2.0 (threshold 2,500
    // below), Contacts, Leads and Products go over REST.
    m_sim = std::make_unique<test::SimProcess>(QStringList{
        QStringLiteral("--seed"), QStringLiteral("21"), QStringLiteral("--generate"),
        QStringLiteral("Account=3000,Contact=2400,Lead=1500,Product2=300,Invoice__c=4000")});
    QVERIFY2(m_sim->start(&why), qPrintable(why + QString::fromUtf8(m_sim->output())));
    const QByteArray token = m_sim->fetchAccessToken(&why);
    QVERIFY2(!token.isEmpty(), qPrintable(why));
    m_control = std::make_unique<test::SimControl>(m_sim->baseUrl(), token);
}

void TestSyncFaults::cleanup()
{
    if (m_rig)
        m_rig->engine.stop();
    m_statuses.reset();
    m_rig.reset();
    m_mirror.close();
    m_control->clearFaults();
    if (!m_database.isEmpty())
        admin(QStringLiteral("ALTER DATABASE %1 ALLOW_CONNECTIONS true").arg(m_database));
}

sync::SyncConfig TestSyncFaults::config(const QString &database, const QStringList &objects) const
{
    sync::SyncConfig c;
    c.databaseConnectionString = database;
    c.objects = objects;
    c.restBatchSize = 200; // many pages, so faults land in the middle
    c.bulkThreshold = 2500;
    c.bulkMaxRecords = 500;
    c.bulkStatusFirstDelayMs = 100;
    c.pollMaxIntervalMs = 300;
    c.tableRetryFirstMs = 200;
    c.tableRetryMaxMs = 1000;
    c.databaseRetryFirstMs = 200;
    c.databaseRetryMaxMs = 1000;
    c.reconcileIntervalMs = 3600 * 1000;
    return c;
}

bool TestSyncFaults::prepare(const QString &name, const QStringList &objects, sync::SyncConfig *tuned)
{
    QString why;
    m_database = name;
    m_mirrorInfo = test::createScratchDatabase(name, &why);
    if (m_mirrorInfo.isEmpty() || m_mirror.open(m_mirrorInfo)) {
        qWarning() << why;
        return false;
    }
    // Told apart from the engine's connection, which the tests terminate.
    m_mirror.exec(QStringLiteral("SET application_name = 'tether-test'"));
    sync::SyncConfig c = config(m_mirrorInfo, objects);
    if (tuned) {
        tuned->databaseConnectionString = m_mirrorInfo;
        tuned->objects = objects;
        c = *tuned;
    }
    m_rig = std::make_unique<EngineRig>(m_sim->baseUrl(), c);
    m_statuses = std::make_unique<QSignalSpy>(&m_rig->engine, &sync::SyncEngine::tableStatusChanged);
    return m_rig->login();
}

void TestSyncFaults::startEngine() { m_rig->engine.start(); }

bool TestSyncFaults::waitCaughtUp(int timeoutMs)
{
    QSignalSpy caughtUp(&m_rig->engine, &sync::SyncEngine::caughtUp);
    return caughtUp.wait(timeoutMs) || caughtUp.count() > 0;
}

QString TestSyncFaults::mirrorDiff(const QString &object) { return m_control->compareMirror(object, m_mirror, m_expected); }

bool TestSyncFaults::waitEqual(const QString &object, QString *why, int timeoutMs)
{
    QSignalSpy polled(&m_rig->engine, &sync::SyncEngine::pollApplied);
    QElapsedTimer clock;
    clock.start();
    while (!(*why = mirrorDiff(object)).isEmpty()) {
        if (clock.elapsed() > timeoutMs)
            return false;
        polled.wait(2000);
    }
    return true;
}

QString TestSyncFaults::scalar(const QString &sql, const QVariantList &params)
{
    const store::PgResult r = params.isEmpty() ? m_mirror.exec(sql) : m_mirror.exec(sql, params);
    if (!r.ok())
        qWarning() << sql << r.error().toString();
    return r.value(0, 0);
}

bool TestSyncFaults::admin(const QString &sql)
{
    const store::PgResult r = m_admin.exec(sql);
    if (!r.ok())
        qWarning() << sql << r.error().toString();
    return r.ok();
}

QStringList TestSyncFaults::errorsSeen(const QString &object) const
{
    QStringList sentences;
    for (const QList<QVariant> &args : *m_statuses) {
        const auto status = args.at(0).value<sync::TableStatus>();
        if (status.objectName == object && status.phase == sync::Phase::Error && !status.lastError.isEmpty())
            sentences << status.lastError;
    }
    return sentences;
}

int TestSyncFaults::enginePid()
{
    const store::PgResult r = m_admin.exec(
        QStringLiteral("SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = 'tether' AND pid <> pg_backend_pid()"),
        {m_database});
    return r.ok() && r.rowCount() > 0 ? r.value(0, 0).toInt() : 0;
}

void TestSyncFaults::failedPageWritesAreRetriedNotSkipped()
{
    // Page writes fail inside PostgreSQL: the third page of the Bulk backfill
    // of Invoice__c twice (disk full), the fourth page of the REST backfill of
    // Contact three times (a trigger raising), and a record of Lead (a poison
    // row) until the database's owner removes the trigger. The old engine
    // skipped such pages: the Bulk page fetched early was written in place of
    // the failed one, and the REST cursor had moved before the write.
    const QStringList objects{QStringLiteral("Contact"), QStringLiteral("Invoice__c"), QStringLiteral("Lead"),
                              QStringLiteral("Product2")};
    QVERIFY(prepare(QStringLiteral("faults_writes"), objects));
    const QString poison = m_control->create(QStringLiteral("Lead"), {{QStringLiteral("LastName"), QStringLiteral("Poison")},
                                                                      {QStringLiteral("Company"), QStringLiteral("Bad Data Ltd")}});
    QVERIFY(!poison.isEmpty());
    // tether.sync_state exists before the engine starts, so the fault can hook it.
    sync::MirrorStore store(m_mirror, QStringLiteral("salesforce"));
    QVERIFY(!store.ensureStateSchema());
    QVERIFY(m_mirror.exec(QStringLiteral(R"sql(
        CREATE SCHEMA faults;
        -- Sequences are not rolled back with the failing transaction: they count attempts.
        CREATE SEQUENCE faults.invoice_tries; CREATE SEQUENCE faults.contact_tries;
        CREATE FUNCTION faults.fail_page() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.pages_applied IS DISTINCT FROM OLD.pages_applied THEN
            IF NEW.object_name = 'Invoice__c' AND NEW.pages_applied = 3 AND nextval('faults.invoice_tries') <= 2 THEN
              RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = 'disk_full';
            END IF;
            IF NEW.object_name = 'Contact' AND NEW.pages_applied = 4 AND nextval('faults.contact_tries') <= 3 THEN
              RAISE EXCEPTION 'injected failure writing Contact page 4';
            END IF;
          END IF;
          RETURN NEW;
        END $$;
        CREATE TRIGGER fail_page BEFORE UPDATE ON tether.sync_state FOR EACH ROW EXECUTE FUNCTION faults.fail_page();
        CREATE FUNCTION faults.poison() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.lastname = 'Poison' THEN RAISE EXCEPTION 'row rejected: %', NEW.id USING ERRCODE = 'check_violation'; END IF;
          RETURN NEW;
        END $$;
        -- Lead's table is created by the engine; an event trigger arms the poison when it appears.
        CREATE FUNCTION faults.arm_poison() RETURNS event_trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF to_regclass('salesforce.lead') IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'poison') THEN
            CREATE TRIGGER poison BEFORE INSERT OR UPDATE ON salesforce.lead FOR EACH ROW EXECUTE FUNCTION faults.poison();
          END IF;
        END $$;
    )sql")).ok());
    // Event triggers belong to a database: created on the mirror (as the fixture's superuser).
    QVERIFY(m_mirror.exec(QStringLiteral("CREATE EVENT TRIGGER arm_poison ON ddl_command_end WHEN TAG IN ('CREATE TABLE') "
                                         "EXECUTE FUNCTION faults.arm_poison()")).ok());
    startEngine();

    // Lead stays in error, with a sentence, while the other tables finish.
    QTRY_VERIFY_WITH_TIMEOUT(!errorsSeen(QStringLiteral("Lead")).isEmpty(), 60000);
    QVERIFY2(errorsSeen(QStringLiteral("Lead")).first().contains(QStringLiteral("Writing Lead to PostgreSQL failed")),
             qPrintable(errorsSeen(QStringLiteral("Lead")).first()));
    QTRY_COMPARE_WITH_TIMEOUT(scalar(QStringLiteral("SELECT count(*) FROM tether.sync_state WHERE backfill_completed_at IS NOT NULL "
                                                    "AND object_name IN ('Contact', 'Invoice__c', 'Product2')")),
                              QStringLiteral("3"), 120000);
    QCOMPARE(scalar(QStringLiteral("SELECT phase FROM tether.sync_status WHERE object = 'Lead'")), QStringLiteral("error"));
    QVERIFY(scalar(QStringLiteral("SELECT last_error FROM tether.sync_status WHERE object = 'Lead'")).contains(QStringLiteral("row rejected")));
    QVERIFY(!errorsSeen(QStringLiteral("Invoice__c")).isEmpty());
    QVERIFY(errorsSeen(QStringLiteral("Invoice__c")).first().contains(QStringLiteral("No space left on device")));
    QVERIFY(!errorsSeen(QStringLiteral("Contact")).isEmpty());

    // The owner removes the bad trigger: Lead recovers by itself.
    QVERIFY(m_mirror.exec(QStringLiteral("DROP TRIGGER poison ON salesforce.lead")).ok());
    QVERIFY(m_mirror.exec(QStringLiteral("DROP EVENT TRIGGER arm_poison")).ok());
    QVERIFY(waitCaughtUp());
    QString why;
    for (const QString &object : objects)
        QVERIFY2(waitEqual(object, &why), qPrintable(why));
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM tether.sync_status WHERE phase = 'polling' AND last_error IS NULL")),
             QString::number(objects.size()));
}

void TestSyncFaults::lostDatabaseConnectionResumes()
{
    // The engine's connection is terminated three times during the backfills;
    // then the database refuses connections for a while. Meanwhile every
    // table says the database is unreachable; afterwards all is equal.
    const QStringList objects{QStringLiteral("Account"), QStringLiteral("Contact")};
    QVERIFY(prepare(QStringLiteral("faults_connection"), objects));
    QVERIFY(m_control->addFault({{QStringLiteral("pattern"), QStringLiteral("/services/data/*")},
                                 {QStringLiteral("kind"), QStringLiteral("latency")},
                                 {QStringLiteral("latencyMs"), 60},
                                 {QStringLiteral("count"), -1}}) > 0);
    QSignalSpy database(&m_rig->engine, &sync::SyncEngine::databaseStateChanged);
    startEngine();
    auto pages = [&] { return scalar(QStringLiteral("SELECT coalesce(sum(pages_applied), 0) FROM tether.sync_state")).toInt(); };
    for (int round = 1; round <= 3; ++round) {
        QTRY_VERIFY_WITH_TIMEOUT(pages() >= round * 3 && enginePid() > 0, 60000);
        QVERIFY(admin(QStringLiteral("SELECT pg_terminate_backend(%1)").arg(enginePid())));
        QTRY_VERIFY_WITH_TIMEOUT(database.count() >= 2 * round, 30000); // lost, then back
    }
    // Now a longer outage: nobody may connect.
    QVERIFY(admin(QStringLiteral("ALTER DATABASE %1 ALLOW_CONNECTIONS false").arg(m_database)));
    m_mirror.close();
    QTRY_VERIFY_WITH_TIMEOUT(enginePid() > 0, 30000);
    const int before = int(database.count());
    QVERIFY(admin(QStringLiteral("SELECT pg_terminate_backend(%1)").arg(enginePid())));
    QTRY_VERIFY_WITH_TIMEOUT(database.count() > before, 30000);
    QCOMPARE(database.last().at(0).toBool(), false);
    const QString sentence = database.last().at(1).toString();
    QVERIFY2(sentence.startsWith(QStringLiteral("PostgreSQL is unreachable")) && sentence.contains(QStringLiteral("reconnects by itself")),
             qPrintable(sentence));
    for (const sync::TableStatus &s : m_rig->engine.statuses()) {
        QCOMPARE(s.phase, sync::Phase::Error);
        QVERIFY(s.lastError.startsWith(QStringLiteral("PostgreSQL is unreachable")));
    }
    // Several reconnect attempts fail...
    QTRY_VERIFY_WITH_TIMEOUT(database.count() > before + 2, 30000);
    QCOMPARE(database.last().at(0).toBool(), false);
    QVERIFY(!m_rig->engine.isDatabaseReachable());
    // ...until the database accepts connections again.
    QVERIFY(admin(QStringLiteral("ALTER DATABASE %1 ALLOW_CONNECTIONS true").arg(m_database)));
    QTRY_VERIFY_WITH_TIMEOUT(m_rig->engine.isDatabaseReachable(), 30000);
    QVERIFY(database.last().at(0).toBool());
    QVERIFY(!m_mirror.open(m_mirrorInfo));
    m_mirror.exec(QStringLiteral("SET application_name = 'tether-test'"));
    QVERIFY(waitCaughtUp());
    QVERIFY(m_control->clearFaults());
    QString why;
    for (const QString &object : objects)
        QVERIFY2(waitEqual(object, &why), qPrintable(why));
}

void TestSyncFaults::lockedOrSlowTableDoesNotStallOthers()
{
    // Once polling: someone holds a lock on the Contact table, and a trigger
    // makes writes to Lead slower than the statement timeout. Both tables
    // show why; Account changes keep arriving; then all recovers.
    const QStringList objects{QStringLiteral("Account"), QStringLiteral("Contact"), QStringLiteral("Lead")};
    sync::SyncConfig tuned = config({}, objects);
    tuned.lockTimeoutMs = 300;
    tuned.statementTimeoutMs = 1500;
    QVERIFY(prepare(QStringLiteral("faults_locks"), objects, &tuned));
    startEngine();
    QVERIFY(waitCaughtUp());

    store::PgConnection locker;
    QVERIFY(!locker.open(m_mirrorInfo));
    QVERIFY(locker.exec(QStringLiteral("BEGIN; LOCK TABLE salesforce.contact IN ACCESS EXCLUSIVE MODE")).ok());
    QVERIFY(m_mirror.exec(QStringLiteral(R"sql(
        CREATE FUNCTION public.slow_lead() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.lastname = 'Slow' THEN PERFORM pg_sleep(3); END IF; RETURN NEW; END $$;
        CREATE TRIGGER slow_lead BEFORE INSERT OR UPDATE ON salesforce.lead FOR EACH ROW EXECUTE FUNCTION public.slow_lead();
    )sql")).ok());
    m_statuses->clear();
    const QString contact = m_control->create(QStringLiteral("Contact"), {{QStringLiteral("LastName"), QStringLiteral("Behind a lock")}});
    const QString lead = m_control->create(QStringLiteral("Lead"), {{QStringLiteral("LastName"), QStringLiteral("Slow")},
                                                                     {QStringLiteral("Company"), QStringLiteral("Molasses Inc")}});
    QVERIFY(!contact.isEmpty() && !lead.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(!errorsSeen(QStringLiteral("Contact")).isEmpty(), 30000);
    QVERIFY2(errorsSeen(QStringLiteral("Contact")).first().contains(QStringLiteral("lock timeout")), qPrintable(errorsSeen(QStringLiteral("Contact")).first()));
    QTRY_VERIFY_WITH_TIMEOUT(!errorsSeen(QStringLiteral("Lead")).isEmpty(), 30000);
    QVERIFY2(errorsSeen(QStringLiteral("Lead")).first().contains(QStringLiteral("statement timeout")), qPrintable(errorsSeen(QStringLiteral("Lead")).first()));

    // Account is not held up by either.
    const QString account = m_control->create(QStringLiteral("Account"), {{QStringLiteral("Name"), QStringLiteral("Unaffected AG")}});
    QTRY_COMPARE_WITH_TIMEOUT(scalar(QStringLiteral("SELECT name FROM salesforce.account WHERE id = $1"), {account}),
                              QStringLiteral("Unaffected AG"), 30000);
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM salesforce.lead WHERE id = $1"), {lead}), QStringLiteral("0"));

    QVERIFY(locker.exec(QStringLiteral("ROLLBACK")).ok());
    QVERIFY(m_mirror.exec(QStringLiteral("DROP TRIGGER slow_lead ON salesforce.lead")).ok());
    QString why;
    for (const QString &object : objects)
        QVERIFY2(waitEqual(object, &why), qPrintable(why));
    QTRY_COMPARE_WITH_TIMEOUT(scalar(QStringLiteral("SELECT count(*) FROM tether.sync_status WHERE phase = 'polling' AND last_error IS NULL")),
                              QStringLiteral("3"), 30000);
}

void TestSyncFaults::fieldsAddedAndRemovedDuringBackfill()
{
    // A field is added and another removed while Contact (REST) and
    // Invoice__c (Bulk) are half way through their backfills. Afterwards the
    // new field is filled for every record, also those written before it
    // existed, and polls of unchanged records find nothing changed.
    for (const char *object : {"Contact", "Invoice__c"}) {
        QVERIFY(m_control->addField(QString::fromLatin1(object), {{QStringLiteral("name"), QStringLiteral("Old_Code__c")},
                                                                  {QStringLiteral("type"), QStringLiteral("string")},
                                                                  {QStringLiteral("length"), 30}}));
    }
    auto firstIds = [&](const QString &object, int n) {
        QStringList ids;
        const test::SimControl::Reply r = m_control->request(
            "GET", m_control->dataPath() + QStringLiteral("/query?q=") +
                       QString::fromLatin1(QUrl::toPercentEncoding(QStringLiteral("SELECT Id FROM %1 ORDER BY Id LIMIT %2").arg(object).arg(n))));
        for (const QJsonValue &record : r.json().object().value(QLatin1String("records")).toArray())
            ids << record.toObject().value(QLatin1String("Id")).toString();
        return ids;
    };
    const QStringList contacts = firstIds(QStringLiteral("Contact"), 5);
    const QStringList invoices = firstIds(QStringLiteral("Invoice__c"), 5);
    QCOMPARE(contacts.size(), 5);
    for (const QString &id : contacts)
        QVERIFY(m_control->update(QStringLiteral("Contact"), id, {{QStringLiteral("Old_Code__c"), QStringLiteral("old")}}));

    const QStringList objects{QStringLiteral("Contact"), QStringLiteral("Invoice__c")};
    QVERIFY(prepare(QStringLiteral("faults_schema"), objects));
    QVERIFY(m_control->addFault({{QStringLiteral("pattern"), QStringLiteral("/services/data/*")},
                                 {QStringLiteral("kind"), QStringLiteral("latency")},
                                 {QStringLiteral("latencyMs"), 150},
                                 {QStringLiteral("count"), -1}}) > 0);
    QSignalSpy schemaChanged(&m_rig->engine, &sync::SyncEngine::schemaChanged);
    startEngine();
    auto pagesOf = [&](const char *object) {
        return scalar(QStringLiteral("SELECT pages_applied FROM tether.sync_state WHERE object_name = $1"), {QString::fromLatin1(object)}).toInt();
    };
    // Tables are backfilled one after the other: each changes during its own.
    for (const char *object : {"Contact", "Invoice__c"}) {
        const QString name = QString::fromLatin1(object);
        QTRY_VERIFY_WITH_TIMEOUT(pagesOf(object) >= 2, 60000);
        QCOMPARE(scalar(QStringLiteral("SELECT backfill_completed_at IS NULL FROM tether.sync_state WHERE object_name = $1"), {name}),
                 QStringLiteral("t"));
        QVERIFY(m_control->addField(name, {{QStringLiteral("name"), QStringLiteral("New_Code__c")},
                                           {QStringLiteral("type"), QStringLiteral("string")},
                                           {QStringLiteral("length"), 255}}));
        QCOMPARE(m_control->request("DELETE", QStringLiteral("/__sim/fields/%1/Old_Code__c").arg(name)).status, 200);
        // Records on pages already written get a value for the new field.
        for (const QString &id : name == QLatin1String("Contact") ? contacts : invoices)
            QVERIFY(m_control->update(name, id, {{QStringLiteral("New_Code__c"), name.left(1) + u'-' + id.right(4)}}));
        const qsizetype changesBefore = schemaChanged.count();
        m_rig->engine.describeNow();
        QTRY_VERIFY_WITH_TIMEOUT(schemaChanged.count() > changesBefore, 60000);
        QCOMPARE(schemaChanged.last().at(0).toString(), name);
    }
    QVERIFY(m_control->clearFaults());
    QVERIFY(waitCaughtUp());

    QString why;
    for (const QString &object : objects)
        QVERIFY2(waitEqual(object, &why), qPrintable(why));
    QCOMPARE(scalar(QStringLiteral("SELECT new_code__c FROM salesforce.contact WHERE id = $1"), {contacts.first()}),
             QStringLiteral("C-") + contacts.first().right(4));
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM salesforce.invoice__c WHERE new_code__c LIKE 'I-%'")), QStringLiteral("5"));
    QCOMPARE(scalar(QStringLiteral("SELECT sum(cardinality(pending_columns)) FROM tether.sync_state")), QStringLiteral("0"));
    // The removed field's column stays, marked stale.
    QVERIFY(scalar(QStringLiteral("SELECT col_description('salesforce.contact'::regclass, "
                                  "(SELECT attnum FROM pg_attribute WHERE attrelid = 'salesforce.contact'::regclass AND attname = 'old_code__c'))"))
                .startsWith(QStringLiteral("[stale]")));

    // Quiet polls: the overlap window re-reads the records changed above,
    // and none of them counts as a change (the stale column is not compared).
    QSignalSpy polls(&m_rig->engine, &sync::SyncEngine::pollApplied);
    QTRY_VERIFY_WITH_TIMEOUT(polls.count() >= 6, 30000);
    for (const QList<QVariant> &poll : polls)
        QVERIFY2(poll.at(1).toLongLong() == 0 && poll.at(2).toLongLong() == 0,
                 qPrintable(QStringLiteral("%1 reported %2 changes").arg(poll.at(0).toString()).arg(poll.at(1).toLongLong())));

    // A narrowing change keeps the wider column; nothing fails, nothing is cut.
    QCOMPARE(m_control->request("PATCH", QStringLiteral("/__sim/fields/Contact/New_Code__c"), R"({"length":20})").status, 200);
    m_statuses->clear();
    m_rig->engine.describeNow();
    QTRY_VERIFY_WITH_TIMEOUT(polls.count() >= 10, 30000);
    QVERIFY(errorsSeen(QStringLiteral("Contact")).isEmpty());
    QCOMPARE(scalar(QStringLiteral("SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                                   "WHERE attrelid = 'salesforce.contact'::regclass AND attname = 'new_code__c'")),
             QStringLiteral("character varying(255)"));
    QVERIFY2(waitEqual(QStringLiteral("Contact"), &why), qPrintable(why));
}

void TestSyncFaults::failingObjectDoesNotStarveOthers()
{
    // Lead's COUNT() keeps failing inside the /composite call it shares with
    // the others, and Product2's describe fails three times: both say so and
    // back off, Contact and Account sync regardless; then both recover.
    QVERIFY(m_control->addFault({{QStringLiteral("pattern"), QStringLiteral("*COUNT() FROM Lead*")},
                                 {QStringLiteral("kind"), QStringLiteral("http500")},
                                 {QStringLiteral("subrequests"), true},
                                 {QStringLiteral("count"), -1}}) > 0);
    QVERIFY(m_control->addFault({{QStringLiteral("pattern"), QStringLiteral("/services/data/*/sobjects/Product2/describe")},
                                 {QStringLiteral("kind"), QStringLiteral("http503")},
                                 {QStringLiteral("subrequests"), true},
                                 {QStringLiteral("count"), 3}}) > 0);
    const QStringList objects{QStringLiteral("Lead"), QStringLiteral("Product2"), QStringLiteral("Contact"), QStringLiteral("Account")};
    QVERIFY(prepare(QStringLiteral("faults_starve"), objects));
    startEngine();
    QTRY_COMPARE_WITH_TIMEOUT(scalar(QStringLiteral("SELECT count(*) FROM tether.sync_state WHERE backfill_completed_at IS NOT NULL "
                                                    "AND object_name IN ('Contact', 'Account', 'Product2')")),
                              QStringLiteral("3"), 120000);
    QVERIFY(!errorsSeen(QStringLiteral("Product2")).isEmpty());
    QVERIFY2(errorsSeen(QStringLiteral("Product2")).first().startsWith(QStringLiteral("Describing Product2 failed")),
             qPrintable(errorsSeen(QStringLiteral("Product2")).first()));
    const QStringList leadErrors = errorsSeen(QStringLiteral("Lead"));
    QVERIFY(!leadErrors.isEmpty());
    QVERIFY2(leadErrors.last().contains(QStringLiteral("Counting Lead records failed")) && leadErrors.last().contains(QStringLiteral("UNKNOWN_EXCEPTION")),
             qPrintable(leadErrors.last()));
    // It backs off: each error names when it tries again.
    QVERIFY(m_statuses->size() > 0);
    for (const QList<QVariant> &args : *m_statuses) {
        const auto s = args.at(0).value<sync::TableStatus>();
        if (s.objectName == QLatin1String("Lead") && s.phase == sync::Phase::Error)
            QVERIFY(s.nextRetry.isValid());
    }
    QCOMPARE(scalar(QStringLiteral("SELECT phase FROM tether.sync_status WHERE object = 'Lead'")), QStringLiteral("error"));
    // A change to a healthy table arrives while Lead is failing.
    const QString contact = m_control->create(QStringLiteral("Contact"), {{QStringLiteral("LastName"), QStringLiteral("Meanwhile")}});
    QTRY_COMPARE_WITH_TIMEOUT(scalar(QStringLiteral("SELECT lastname FROM salesforce.contact WHERE id = $1"), {contact}),
                              QStringLiteral("Meanwhile"), 30000);

    QVERIFY(m_control->clearFaults());
    QVERIFY(waitCaughtUp());
    QString why;
    for (const QString &object : objects)
        QVERIFY2(waitEqual(object, &why), qPrintable(why));
}

void TestSyncFaults::failedMigrationIsRetried()
{
    // A migration of Contact's table is refused by the database (an event
    // trigger): Contact shows the sentence and retries, Account gets its new
    // column meanwhile; once the trigger is gone Contact catches up.
    const QStringList objects{QStringLiteral("Account"), QStringLiteral("Contact")};
    QVERIFY(prepare(QStringLiteral("faults_migration"), objects));
    startEngine();
    QVERIFY(waitCaughtUp());
    QVERIFY(m_mirror.exec(QStringLiteral(R"sql(
        CREATE FUNCTION public.refuse_contact_change() RETURNS event_trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF current_query() ~* 'ALTER TABLE "?salesforce"?\."?contact"? ' THEN
            RAISE EXCEPTION 'changes to salesforce.contact are frozen for the audit';
          END IF;
        END $$;
    )sql")).ok());
    QVERIFY(m_mirror.exec(QStringLiteral("CREATE EVENT TRIGGER refuse_contact ON ddl_command_start WHEN TAG IN ('ALTER TABLE') "
                                         "EXECUTE FUNCTION public.refuse_contact_change()")).ok());
    for (const char *object : {"Account", "Contact"}) {
        QVERIFY(m_control->addField(QString::fromLatin1(object), {{QStringLiteral("name"), QStringLiteral("Region__c")},
                                                                  {QStringLiteral("type"), QStringLiteral("string")},
                                                                  {QStringLiteral("length"), 40}}));
    }
    const QString contact = scalar(QStringLiteral("SELECT id FROM salesforce.contact ORDER BY id LIMIT 1"));
    QVERIFY(m_control->update(QStringLiteral("Contact"), contact, {{QStringLiteral("Region__c"), QStringLiteral("North")}}));
    m_statuses->clear();
    m_rig->engine.describeNow();
    QTRY_VERIFY_WITH_TIMEOUT(!errorsSeen(QStringLiteral("Contact")).isEmpty(), 30000);
    QVERIFY2(errorsSeen(QStringLiteral("Contact")).first().contains(QStringLiteral("frozen for the audit")),
             qPrintable(errorsSeen(QStringLiteral("Contact")).first()));
    QTRY_COMPARE_WITH_TIMEOUT(scalar(QStringLiteral("SELECT count(*) FROM pg_attribute WHERE attrelid = 'salesforce.account'::regclass "
                                                    "AND attname = 'region__c'")),
                              QStringLiteral("1"), 30000);
    QVERIFY(m_mirror.exec(QStringLiteral("DROP EVENT TRIGGER refuse_contact")).ok());
    QTRY_COMPARE_WITH_TIMEOUT(scalar(QStringLiteral("SELECT region__c FROM salesforce.contact WHERE id = $1"), {contact}),
                              QStringLiteral("North"), 60000);
    QString why;
    for (const QString &object : objects)
        QVERIFY2(waitEqual(object, &why), qPrintable(why));
}

void TestSyncFaults::stopCancelsALongStatement()
{
    // The engine runs on its worker thread (as in the app) and is in the
    // middle of a write that a trigger makes take a minute. Stopping cancels
    // that statement instead of waiting for it, and the cancellation is not
    // recorded as the table's error.
    QString why;
    m_database = QStringLiteral("faults_stop");
    m_mirrorInfo = test::createScratchDatabase(m_database, &why);
    QVERIFY2(!m_mirrorInfo.isEmpty(), qPrintable(why));
    QVERIFY(!m_mirror.open(m_mirrorInfo));
    m_mirror.exec(QStringLiteral("SET application_name = 'tether-test'"));
    salesforce::OrgSession session(salesforce::OrgConnection::simulatorDemo(m_sim->baseUrl()));
    salesforce::RateLimiter limiter;
    limiter.setRequestsPerSecond(200);
    salesforce::ApiBudget budget(&limiter);
    bool loggedIn = false;
    session.loginWithClientCredentials(this, [&](const salesforce::SalesforceError &e) { loggedIn = !e; });
    QTRY_VERIFY_WITH_TIMEOUT(loggedIn, 30000);
    sync::SyncService service(&session, &limiter, &budget, config(m_mirrorInfo, {QStringLiteral("Contact")}));
    QSignalSpy caughtUp(&service, &sync::SyncService::caughtUp);
    service.start();
    QVERIFY(caughtUp.wait(120000));
    QVERIFY(m_mirror.exec(QStringLiteral(R"sql(
        CREATE FUNCTION public.sleepy() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.lastname = 'Sleepy' THEN PERFORM pg_sleep(60); END IF; RETURN NEW; END $$;
        CREATE TRIGGER sleepy BEFORE INSERT OR UPDATE ON salesforce.contact FOR EACH ROW EXECUTE FUNCTION public.sleepy();
    )sql")).ok());
    QVERIFY(!m_control->create(QStringLiteral("Contact"), {{QStringLiteral("LastName"), QStringLiteral("Sleepy")}}).isEmpty());
    const QString sleeping = QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE datname = '%1' AND wait_event = 'PgSleep'").arg(m_database);
    QTRY_COMPARE_WITH_TIMEOUT(m_admin.exec(sleeping).value(0, 0), QStringLiteral("1"), 30000);
    QElapsedTimer clock;
    clock.start();
    service.stop();
    // Well before the trigger's minute is up (a bound, not a speed target).
    QVERIFY2(clock.elapsed() < 30000, qPrintable(QString::number(clock.elapsed())));
    QCOMPARE(m_admin.exec(sleeping).value(0, 0), QStringLiteral("0"));
    QCOMPARE(scalar(QStringLiteral("SELECT coalesce(last_error, '') FROM tether.sync_state WHERE object_name = 'Contact'")), QString());
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM salesforce.contact WHERE lastname = 'Sleepy'")), QStringLiteral("0"));
}

void TestSyncFaults::expiredBulkJobStartsOverWithinProgress()
{
    // The results of the Bulk job behind Invoice__c's backfill vanish half
    // way (as after their 7 days): a new job reads everything again. Progress
    // starts over with it and never shows more than all the rows.
    QVERIFY(prepare(QStringLiteral("faults_expired_job"), {QStringLiteral("Invoice__c")}));
    QVERIFY(m_control->addFault({{QStringLiteral("pattern"), QStringLiteral("/services/data/*")},
                                 {QStringLiteral("kind"), QStringLiteral("latency")},
                                 {QStringLiteral("latencyMs"), 100},
                                 {QStringLiteral("count"), -1}}) > 0);
    const qint64 jobsBefore = m_control->stats().value(QLatin1String("bulkJobs")).toInteger();
    startEngine();
    QTRY_VERIFY_WITH_TIMEOUT(scalar(QStringLiteral("SELECT pages_applied FROM tether.sync_state WHERE object_name = 'Invoice__c'")).toInt() >= 3,
                             60000);
    QVERIFY(m_control->addFault({{QStringLiteral("pattern"), QStringLiteral("/services/data/*/jobs/query/*/results")},
                                 {QStringLiteral("kind"), QStringLiteral("not_found")},
                                 {QStringLiteral("count"), 1}}) > 0);
    QVERIFY(waitCaughtUp());
    QCOMPARE(m_control->stats().value(QLatin1String("bulkJobs")).toInteger(), jobsBefore + 2);
    for (const QList<QVariant> &args : *m_statuses) {
        const auto status = args.at(0).value<sync::TableStatus>();
        QVERIFY2(status.rowsTotal < 0 || status.rowsDone <= status.rowsTotal,
                 qPrintable(QStringLiteral("%1 of %2").arg(status.rowsDone).arg(status.rowsTotal)));
    }
    QCOMPARE(scalar(QStringLiteral("SELECT rows_done <= rows_total FROM tether.sync_state WHERE object_name = 'Invoice__c'")),
             QStringLiteral("t"));
    QVERIFY(m_control->clearFaults());
    QString why;
    QVERIFY2(waitEqual(QStringLiteral("Invoice__c"), &why), qPrintable(why));
}

void TestSyncFaults::rowAlreadyThereSendsPagesThroughStaging()
{
    // A first Bulk backfill copies its pages straight into the empty table.
    // A row that got into the table some other way meanwhile (here: written
    // around the engine, with an old name) makes its page fail with 23505:
    // that page is read again through staging + upsert, which overwrites the
    // row with Salesforce's copy; nothing is reported to the person, and the
    // mirror ends equal to the simulator.
    QVERIFY(prepare(QStringLiteral("faults_row_there"), {QStringLiteral("Account")}));
    const QList<QByteArray> pages = m_control->queryAllPages(QStringLiteral("SELECT Id, Name FROM Account ORDER BY Id DESC LIMIT 1"));
    QVERIFY(!pages.isEmpty());
    const QJsonObject last = QJsonDocument::fromJson(pages.first()).object().value(QLatin1String("records")).toArray().first().toObject();
    const QString lastId = last.value(QLatin1String("Id")).toString();
    QVERIFY(!lastId.isEmpty());
    // The pages come slowly enough for the row to be there before its page.
    QVERIFY(m_control->addFault({{QStringLiteral("pattern"), QStringLiteral("/services/data/*/jobs/query/*/results")},
                                 {QStringLiteral("kind"), QStringLiteral("latency")},
                                 {QStringLiteral("latencyMs"), 300},
                                 {QStringLiteral("count"), -1}}) > 0);
    startEngine();
    QTRY_VERIFY_WITH_TIMEOUT(scalar(QStringLiteral("SELECT to_regclass('salesforce.account') IS NOT NULL")) == QLatin1String("t"), 60000);
    QCOMPARE(scalar(QStringLiteral("SELECT pages_applied FROM tether.sync_state WHERE object_name = 'Account'")), QStringLiteral("0"));
    const store::PgResult written = m_mirror.exec(
        QStringLiteral("BEGIN; SET LOCAL tether.writer = 'sync'; INSERT INTO salesforce.account (id, name) VALUES ('%1', 'an old copy'); COMMIT")
            .arg(lastId));
    QVERIFY2(written.ok(), qPrintable(written.error().toString()));
    QVERIFY(waitCaughtUp());
    QCOMPARE(scalar(QStringLiteral("SELECT name FROM salesforce.account WHERE id = $1"), {lastId}), last.value(QLatin1String("Name")).toString());
    QVERIFY2(errorsSeen(QStringLiteral("Account")).isEmpty(), qPrintable(errorsSeen(QStringLiteral("Account")).join(u'\n')));
    QVERIFY(m_control->clearFaults());
    QString why;
    QVERIFY2(waitEqual(QStringLiteral("Account"), &why), qPrintable(why));
}

QTEST_GUILESS_MAIN(TestSyncFaults)
#include "tst_syncfaults.moc"
