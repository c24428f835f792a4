// Tether's own schema carries a version: a new database is recorded at the
// current version, a database from before versioning is migrated forward
// keeping its cursors, and a database a newer Tether migrated is refused
// with a sentence instead of being misread. Checked with plain SQL on a
// scratch database of the fixture cluster.
#include "store/pgconnection.h"
#include "store/pgresult.h"
#include "sync/mirrorstore.h"
#include "sync/stateschema.h"
#include "testpg.h"

#include <QTest>

using namespace tether;

class TestStateSchema : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void newDatabaseIsRecorded();
    void olderDatabaseMigratesForward();
    void newerDatabaseIsRefused();

private:
    QString scalar(const QString &sql);
    store::PgConnection m_db;
};

void TestStateSchema::initTestCase()
{
    QString why;
    const QString info = test::createScratchDatabase(QStringLiteral("tether_stateschema"), &why);
    QVERIFY2(!info.isEmpty(), qPrintable(why));
    const store::PgError error = m_db.open(info);
    QVERIFY2(!error, qPrintable(error.toString()));
}

QString TestStateSchema::scalar(const QString &sql)
{
    const store::PgResult r = m_db.exec(sql);
    if (!r.ok())
        return QStringLiteral("error: ") + r.error().toString();
    return r.rowCount() ? r.value(0, 0) : QStringLiteral("no rows");
}

void TestStateSchema::newDatabaseIsRecorded()
{
    sync::MirrorStore store(m_db, QStringLiteral("salesforce"));
    const store::PgError error = store.ensureStateSchema();
    QVERIFY2(!error, qPrintable(error.toString()));
    QCOMPARE(scalar(QStringLiteral("SELECT version FROM tether.schema_version")),
             QString::number(sync::StateSchemaVersion));
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM tether.schema_version")), QStringLiteral("1"));
    // Starting again changes nothing.
    QVERIFY(!store.ensureStateSchema());
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM tether.schema_version")), QStringLiteral("1"));
}

void TestStateSchema::olderDatabaseMigratesForward()
{
    // A database from before versioning: the table is missing, a cursor is there.
    QVERIFY(m_db.exec(QStringLiteral("DROP TABLE tether.schema_version")).ok());
    QVERIFY(m_db.exec(QStringLiteral("INSERT INTO tether.sync_state (object_name, table_schema, table_name, phase) "
                                     "VALUES ('Account', 'salesforce', 'account', 'polling')"))
                .ok());
    sync::MirrorStore store(m_db, QStringLiteral("salesforce"));
    const store::PgError error = store.ensureStateSchema();
    QVERIFY2(!error, qPrintable(error.toString()));
    QCOMPARE(scalar(QStringLiteral("SELECT version FROM tether.schema_version")),
             QString::number(sync::StateSchemaVersion));
    QCOMPARE(scalar(QStringLiteral("SELECT phase FROM tether.sync_state WHERE object_name = 'Account'")),
             QStringLiteral("polling"));
}

void TestStateSchema::newerDatabaseIsRefused()
{
    const int newer = sync::StateSchemaVersion + 1;
    QVERIFY(m_db.exec(QStringLiteral("UPDATE tether.schema_version SET version = %1").arg(newer)).ok());
    sync::MirrorStore store(m_db, QStringLiteral("salesforce"));
    const store::PgError error = store.ensureStateSchema();
    QVERIFY(error.isError());
    const QString sentence = error.toString();
    QVERIFY2(sentence.contains(QStringLiteral("version %1").arg(newer)) && sentence.contains(QStringLiteral("newer Tether")),
             qPrintable(sentence));
    // Refused before touching anything: the version stays, the connection is usable.
    QCOMPARE(scalar(QStringLiteral("SELECT version FROM tether.schema_version")), QString::number(newer));
    QVERIFY(m_db.exec(QStringLiteral("UPDATE tether.schema_version SET version = %1").arg(sync::StateSchemaVersion)).ok());
}

QTEST_GUILESS_MAIN(TestStateSchema)
#include "tst_stateschema.moc"
