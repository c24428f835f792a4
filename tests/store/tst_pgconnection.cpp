// The libpq store layer against a real PostgreSQL server: the fixture cluster,
// plus a private cluster that the last test kills.
#include "store/localcluster.h"
#include "store/pgconnection.h"
#include "testpg.h"

#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <sys/stat.h>
#include <thread>

using namespace tether::store;

class TestPgConnection : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void connectFailureNamesHostAndPort();
    void badSqlCarriesSqlState();
    void parametersRoundTrip();
    void copyHundredThousandRows();
    void transactionRollsBackUnlessCommitted();
    void quoteIdentifier();
    void killedServerGivesErrorNotHang();

private:
    QString m_info;
    PgConnection m_db;
};

void TestPgConnection::initTestCase()
{
    QString why;
    m_info = tether::test::createScratchDatabase(QStringLiteral("store_tests"), &why);
    QVERIFY2(!m_info.isEmpty(), qPrintable(why));
    const PgError error = m_db.open(m_info);
    QVERIFY2(!error, qPrintable(error.toString()));
    QVERIFY(m_db.serverVersion() >= 150000);
}

void TestPgConnection::connectFailureNamesHostAndPort()
{
    int closedPort = 0;
    {
        QTcpServer probe; // find a port nobody listens on
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        closedPort = probe.serverPort();
    }
    PgConnection db;
    const PgError error = db.open(QStringLiteral("host=127.0.0.1 port=%1 dbname=x").arg(closedPort), 5);
    QCOMPARE(error.kind, PgError::Kind::ConnectFailed);
    QVERIFY(!db.isOpen());
    const QString sentence = error.toString();
    QVERIFY2(sentence.contains(QStringLiteral("127.0.0.1:%1").arg(closedPort)), qPrintable(sentence));
    QVERIFY2(sentence.startsWith(QStringLiteral("Could not connect to PostgreSQL")), qPrintable(sentence));
}

void TestPgConnection::badSqlCarriesSqlState()
{
    PgResult syntax = m_db.exec(QStringLiteral("SELEC 1"));
    QVERIFY(!syntax.ok());
    QCOMPARE(syntax.error().kind, PgError::Kind::Server);
    QCOMPARE(syntax.error().sqlState, QStringLiteral("42601"));
    QVERIFY(syntax.error().message.contains(QStringLiteral("syntax error")));

    PgResult missing = m_db.exec(QStringLiteral("SELECT * FROM no_such_table"));
    QCOMPARE(missing.error().sqlState, QStringLiteral("42P01"));
    QVERIFY2(missing.error().toString().contains(QStringLiteral("no_such_table")),
             qPrintable(missing.error().toString()));

    // The connection stays usable after an error.
    QCOMPARE(m_db.exec(QStringLiteral("SELECT 41 + 1")).value(0, 0), QStringLiteral("42"));
}

void TestPgConnection::parametersRoundTrip()
{
    const QString unicode = QStringLiteral("Zoë – 東京 🚀 'quoted' \"double\"");
    PgResult result = m_db.exec(QStringLiteral("SELECT $1::text, $2::int, $3::text IS NULL, $4::bool"),
                                {unicode, 7, QVariant(), true});
    QVERIFY2(result.ok(), qPrintable(result.error().toString()));
    QCOMPARE(result.rowCount(), 1);
    QCOMPARE(result.value(0, 0), unicode);
    QCOMPARE(result.toInt64(0, 1), 7);
    QCOMPARE(result.value(0, 2), QStringLiteral("t"));
    QCOMPARE(result.value(0, 3), QStringLiteral("t"));
    QCOMPARE(result.columnName(1), QStringLiteral("int4"));
}

void TestPgConnection::copyHundredThousandRows()
{
    QVERIFY(m_db.exec(QStringLiteral("DROP TABLE IF EXISTS copied; "
                                     "CREATE TABLE copied (id int PRIMARY KEY, name text, note text)"))
                .ok());
    constexpr int rows = 100000;
    int next = 0;
    PgResult copied = m_db.copyIn(QStringLiteral("COPY copied FROM STDIN"), [&](QByteArray &chunk) {
        for (int i = 0; i < 5000 && next < rows; ++i, ++next)
            chunk += QByteArray::number(next) + "\tname " + QByteArray::number(next) +
                     (next % 10 == 0 ? "\t\\N\n" : "\tnote\\twith tab\n");
        return next < rows;
    });
    QVERIFY2(copied.ok(), qPrintable(copied.error().toString()));
    QCOMPARE(copied.affectedRows(), rows);
    PgResult check = m_db.exec(QStringLiteral(
        "SELECT count(*), count(note), max(id), min(note) FROM copied"));
    QCOMPARE(check.toInt64(0, 0), rows);
    QCOMPARE(check.toInt64(0, 1), rows - rows / 10);
    QCOMPARE(check.toInt64(0, 2), rows - 1);
    QCOMPARE(check.value(0, 3), QStringLiteral("note\twith tab"));

    // Bad COPY data is an error with the server's SQLSTATE and leaves the
    // connection ready for more.
    PgResult bad = m_db.copyIn(QStringLiteral("COPY copied FROM STDIN"), QByteArray("notanumber\tx\ty\n"));
    QVERIFY(!bad.ok());
    QCOMPARE(bad.error().sqlState, QStringLiteral("22P02"));
    QCOMPARE(m_db.exec(QStringLiteral("SELECT count(*) FROM copied")).toInt64(0, 0), rows);
}

void TestPgConnection::transactionRollsBackUnlessCommitted()
{
    QVERIFY(m_db.exec(QStringLiteral("DROP TABLE IF EXISTS tx; CREATE TABLE tx (v int)")).ok());
    {
        Transaction tx(m_db);
        QVERIFY(!tx.beginError());
        QVERIFY(m_db.exec(QStringLiteral("INSERT INTO tx VALUES (1)")).ok());
    } // no commit: rolled back
    QCOMPARE(m_db.exec(QStringLiteral("SELECT count(*) FROM tx")).toInt64(0, 0), 0);
    {
        Transaction tx(m_db);
        QVERIFY(m_db.exec(QStringLiteral("INSERT INTO tx VALUES (2)")).ok());
        QVERIFY(!tx.commit());
    }
    QCOMPARE(m_db.exec(QStringLiteral("SELECT count(*) FROM tx")).toInt64(0, 0), 1);
}

void TestPgConnection::quoteIdentifier()
{
    QCOMPARE(m_db.quoteIdentifier(QStringLiteral("Invoice__c")), QStringLiteral("\"Invoice__c\""));
    QCOMPARE(m_db.quoteIdentifier(QStringLiteral("a\"b")), QStringLiteral("\"a\"\"b\""));
}

void TestPgConnection::killedServerGivesErrorNotHang()
{
    // A private cluster, so killing it leaves the fixture alone.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    ::chmod(QFile::encodeName(dir.path()).constData(), 0755); // reachable by the postgres user
    LocalCluster cluster({dir.filePath(QStringLiteral("data")), true, 0});
    QString error;
    QVERIFY2(cluster.start(&error), qPrintable(error));
    const qint64 postmaster = cluster.postmasterPid();
    QVERIFY(postmaster > 0);

    PgConnection victim;
    QVERIFY(!victim.open(cluster.connectionString()));
    PgConnection observer;
    QVERIFY(!observer.open(cluster.connectionString()));
    const int backend = victim.backendPid();

    // Kill the server while a query is running on `victim`: a second thread
    // waits until the query is visibly active, then kills backend and postmaster.
    std::thread killer([&] {
        for (int i = 0; i < 10000; ++i) {
            PgResult active = observer.exec(
                QStringLiteral("SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND state = 'active'"),
                {backend});
            if (active.rowCount() == 1)
                break;
        }
        ::kill(pid_t(postmaster), SIGKILL);
        ::kill(pid_t(backend), SIGKILL);
    });
    PgResult result = victim.exec(QStringLiteral("SELECT pg_sleep(60)"));
    killer.join();
    QVERIFY(!result.ok());
    QCOMPARE(result.error().kind, PgError::Kind::ConnectionLost);
    QVERIFY2(result.error().toString().contains(QStringLiteral("Lost the connection")),
             qPrintable(result.error().toString()));

    // Further use fails at once with the same kind of error.
    PgResult after = victim.exec(QStringLiteral("SELECT 1"));
    QCOMPARE(after.error().kind, PgError::Kind::ConnectionLost);
    // Reap anything left of the killed cluster.
    cluster.stop(&error);
}

QTEST_GUILESS_MAIN(TestPgConnection)
#include "tst_pgconnection.moc"
