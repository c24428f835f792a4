// The proxy's session relay against the real fixture PostgreSQL:
// - the differential suite: each protocol sequence runs straight against
//   PostgreSQL and through the proxy, and the server messages must be
//   byte-identical (cancel keys and notifying pids masked);
// - libpq's pipeline mode and CancelRequest through the proxy;
// - malformed, oversized and truncated messages, and clients vanishing
//   mid-message, while a second client keeps being served;
// - holding a client message and running the proxy's own query before it
//   (what the write-through layer builds on).
#include "differentialcases.h"
#include "proxy/protocoltracker.h"
#include "proxy/proxyserver.h"
#include "proxy/proxyservice.h"
#include "rawclient.h"
#include "store/pgconnection.h"
#include "testpg.h"

#include <QSignalSpy>
#include <QtEndian>
#include <QTest>
#include <QPointer>
#include <QScopeGuard>
#include <atomic>
#include <future>
#include <libpq-fe.h>
#include <thread>

using namespace tether::proxy;
using namespace tether::test;

namespace {

struct PgConnCloser
{
    void operator()(PGconn *conn) const { PQfinish(conn); }
};
using Conn = std::unique_ptr<PGconn, PgConnCloser>;

Conn connectLibpq(const PgAddress &address, const QString &extra = {})
{
    const QString info = address.connectionString() + QLatin1Char(' ') + extra;
    return Conn(PQconnectdb(info.toUtf8().constData()));
}

QString scalar(PGconn *conn, const char *sql)
{
    PGresult *result = PQexec(conn, sql);
    QString value;
    if (PQresultStatus(result) == PGRES_TUPLES_OK && PQntuples(result) > 0)
        value = QString::fromUtf8(PQgetvalue(result, 0, 0));
    else
        value = QStringLiteral("error: ") + QString::fromUtf8(PQresultErrorMessage(result));
    PQclear(result);
    return value;
}

} // namespace

class TestRelay : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void differential_data();
    void differential();
    void notificationFromAnotherSession();
    void libpqPipelineMode();
    void cancelRequestCancelsRunningQuery();
    void protocolViolations_data();
    void protocolViolations();
    void slowReaderHoldsBackTheServer();
    void clientVanishesMidMessage();
    void clientVanishesMidCopy();
    void countsFollowConnections();
    void heldMessageAndOwnQuery();
    void servesAgainAfterStop();

private:
    bool openRaw(RawClient &client, const PgAddress &address, QString *why);
    PgAddress m_direct;
    PgAddress m_proxied;
    std::unique_ptr<ProxyService> m_service;
    tether::store::PgConnection m_admin;
};

void TestRelay::initTestCase()
{
    QString why;
    const QString info = createScratchDatabase(QStringLiteral("proxy_relay"), &why);
    QVERIFY2(!info.isEmpty(), qPrintable(why));
    const tether::store::PgError error = m_admin.open(info);
    QVERIFY2(!error, qPrintable(error.toString()));
    m_direct = PgAddress::fromConnectionString(info);
    QVERIFY(m_admin.exec(QStringLiteral(
        "CREATE TABLE diff_people(id int PRIMARY KEY, name text, born date, score numeric(8,2), tags text[]);"
        "INSERT INTO diff_people SELECT g, 'name ' || (g % 13), DATE '2000-01-01' + g, g * 1.25, "
        "CASE WHEN g % 3 = 0 THEN NULL ELSE ARRAY['a', g::text] END FROM generate_series(1, 2000) g")).ok());

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
    m_proxied.host = listening.at(0).at(0).toString();
    m_proxied.port = listening.at(0).at(1).value<quint16>();
    QCOMPARE(m_proxied.host, QStringLiteral("127.0.0.1"));
    QVERIFY(m_proxied.port != 0);
}

void TestRelay::cleanupTestCase()
{
    if (m_service) {
        QSignalSpy stopped(m_service.get(), &ProxyService::stopped);
        m_service->stop();
        QCOMPARE(stopped.size(), 1);
        QVERIFY(!m_service->isRunning());
    }
}

bool TestRelay::openRaw(RawClient &client, const PgAddress &address, QString *why)
{
    return client.connectTo(address.host, address.port, why) && client.startup(address.user, address.database, why);
}

void TestRelay::differential_data()
{
    QTest::addColumn<int>("index");
    const QList<DifferentialCase> cases = differentialCases();
    for (int i = 0; i < cases.size(); ++i)
        QTest::newRow(cases.at(i).name) << i;
}

void TestRelay::differential()
{
    QFETCH(int, index);
    const DifferentialCase testCase = differentialCases().at(index);

    Transcript direct;
    Transcript proxied;
    for (auto [address, transcript] : {std::pair{m_direct, &direct}, std::pair{m_proxied, &proxied}}) {
        RawClient client;
        QString why;
        QVERIFY2(openRaw(client, address, &why), qPrintable(why));
        client.recordSentTo = transcript;
        QVERIFY2(testCase.run(client, *transcript, &why), qPrintable(QStringLiteral("%1:%2: %3").arg(address.host).arg(address.port).arg(why)));
    }
    QVERIFY(direct.messages > 0);
    QCOMPARE(proxied.text(), direct.text());
    QCOMPARE(proxied.messages, direct.messages);
    QCOMPARE(proxied.hash.result().toHex(), direct.hash.result().toHex());

    // The tracker, fed the real server's conversation, must account for every
    // response and end where the server says the session is.
    ProtocolTracker tracker;
    char lastStatus = 0;
    for (const QByteArray &step : std::as_const(direct.flow)) {
        if (step.startsWith('>')) {
            tracker.requestSent(step.at(1));
        } else {
            tracker.responseReceived(step.at(0), QByteArrayView(step).sliced(1));
            if (step.at(0) == 'Z')
                lastStatus = step.at(1);
        }
    }
    QCOMPARE(tracker.mismatches(), 0);
    if (lastStatus != 0) {
        QVERIFY2(tracker.pending().empty(), qPrintable(QStringLiteral("%1 responses still pending").arg(tracker.pending().size())));
        QCOMPARE(tracker.transactionStatus(), lastStatus);
    }
}

void TestRelay::notificationFromAnotherSession()
{
    QString why;
    RawClient listener;
    QVERIFY2(openRaw(listener, m_proxied, &why), qPrintable(why));
    Transcript transcript;
    listener.query("LISTEN across");
    QVERIFY(listener.readUntil('Z', &transcript));

    Conn notifier = connectLibpq(m_direct);
    QCOMPARE(PQstatus(notifier.get()), CONNECTION_OK);
    const QString notifierPid = scalar(notifier.get(), "SELECT pg_backend_pid()");
    PQclear(PQexec(notifier.get(), "NOTIFY across, 'from elsewhere'"));

    // Delivered asynchronously to the idle listener, through the proxy.
    RawMessage message;
    QVERIFY2(listener.read(&message), qPrintable(listener.lastError()));
    QCOMPARE(message.type, 'A');
    QCOMPARE(QString::number(qFromBigEndian<qint32>(message.body.constData())), notifierPid);
    QVERIFY(message.body.contains("across"));
    QVERIFY(message.body.contains("from elsewhere"));
}

void TestRelay::libpqPipelineMode()
{
    Conn conn = connectLibpq(m_proxied);
    QVERIFY2(PQstatus(conn.get()) == CONNECTION_OK, PQerrorMessage(conn.get()));
    QCOMPARE(PQenterPipelineMode(conn.get()), 1);
    PQclear(PQexec(conn.get(), "SELECT 1")); // refused in pipeline mode; libpq says so itself
    const char *params[1];
    QList<QByteArray> values;
    for (int i = 0; i < 100; ++i)
        values.append(QByteArray::number(i));
    for (int i = 0; i < 100; ++i) {
        params[0] = values.at(i).constData();
        const char *sql = i == 50 ? "SELECT 1/($1::int - 50)" : "SELECT $1::int * 3";
        QCOMPARE(PQsendQueryParams(conn.get(), sql, 1, nullptr, params, nullptr, nullptr, 0), 1);
    }
    QCOMPARE(PQpipelineSync(conn.get()), 1);
    params[0] = "7";
    QCOMPARE(PQsendQueryParams(conn.get(), "SELECT $1::int + 1", 1, nullptr, params, nullptr, nullptr, 0), 1);
    QCOMPARE(PQpipelineSync(conn.get()), 1);

    int ok = 0, failedOnes = 0, aborted = 0, syncs = 0;
    QString errorState;
    QString afterSync;
    while (syncs < 2) {
        PGresult *result = PQgetResult(conn.get());
        if (!result)
            continue; // end of one query's results
        switch (PQresultStatus(result)) {
        case PGRES_TUPLES_OK:
            if (syncs == 0) {
                QCOMPARE(QString::fromUtf8(PQgetvalue(result, 0, 0)), QString::number(ok * 3));
            } else {
                afterSync = QString::fromUtf8(PQgetvalue(result, 0, 0));
            }
            ++ok;
            break;
        case PGRES_FATAL_ERROR:
            ++failedOnes;
            errorState = QString::fromUtf8(PQresultErrorField(result, PG_DIAG_SQLSTATE));
            break;
        case PGRES_PIPELINE_ABORTED: ++aborted; break;
        case PGRES_PIPELINE_SYNC: ++syncs; break;
        default: QFAIL(PQresStatus(PQresultStatus(result)));
        }
        PQclear(result);
    }
    QCOMPARE(failedOnes, 1);
    QCOMPARE(errorState, QStringLiteral("22012"));
    QCOMPARE(aborted, 49);
    QCOMPARE(ok, 51); // 50 before the error, one after the sync
    QCOMPARE(afterSync, QStringLiteral("8"));
    QCOMPARE(PQexitPipelineMode(conn.get()), 1);
    QCOMPARE(scalar(conn.get(), "SELECT 'normal again'"), QStringLiteral("normal again"));
}

void TestRelay::cancelRequestCancelsRunningQuery()
{
    Conn conn = connectLibpq(m_proxied, QStringLiteral("application_name=cancel_me"));
    QVERIFY2(PQstatus(conn.get()) == CONNECTION_OK, PQerrorMessage(conn.get()));
    // The client holds the proxy's key, not the server's.
    const int serverPid = scalar(conn.get(), "SELECT pg_backend_pid()").toInt();
    QVERIFY(serverPid > 0);
    QVERIFY(PQbackendPID(conn.get()) != serverPid);

    QCOMPARE(PQsendQuery(conn.get(), "SELECT pg_sleep(60)"), 1);
    // Wait until the server really runs it (a real condition, not a sleep).
    QTRY_COMPARE_WITH_TIMEOUT(m_admin.exec(QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE pid = %1 "
                                                          "AND state = 'active' AND query LIKE 'SELECT pg_sleep%%'")
                                               .arg(serverPid)).value(0, 0).toInt(),
                              1, 20000);
    QElapsedTimer timer;
    timer.start();
    PGcancel *cancel = PQgetCancel(conn.get());
    char errbuf[256];
    QVERIFY2(PQcancel(cancel, errbuf, sizeof errbuf) == 1, errbuf);
    PQfreeCancel(cancel);
    PGresult *result = PQgetResult(conn.get());
    QCOMPARE(PQresultStatus(result), PGRES_FATAL_ERROR);
    QCOMPARE(QString::fromUtf8(PQresultErrorField(result, PG_DIAG_SQLSTATE)), QStringLiteral("57014"));
    PQclear(result);
    while ((result = PQgetResult(conn.get())))
        PQclear(result);
    QVERIFY2(timer.elapsed() < 30000, "the cancel did not end the 60 s sleep");
    QCOMPARE(scalar(conn.get(), "SELECT 'still connected'"), QStringLiteral("still connected"));
}

void TestRelay::protocolViolations_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<bool>("afterStartup");
    QTest::addColumn<QString>("sqlState");
    QTest::addColumn<QString>("sentence");

    QTest::newRow("1 GB length field") << (QByteArray("Q") + int32(0x40000000) + "SELECT 1") << true
                                       << "08P01" << "claims a length of 1073741824 bytes";
    QTest::newRow("length below 4") << (QByteArray("Q") + int32(2)) << true << "08P01" << "invalid length of 2";
    QTest::newRow("negative length") << (QByteArray("P") + int32(-5)) << true << "08P01" << "invalid length of -5";
    QTest::newRow("small type with 1 MB length") << (QByteArray("S") + int32(1 << 20)) << true << "08P01"
                                                 << "claims a length of 1048576";
    QTest::newRow("startup packet of 1 MB") << (int32(1 << 20) + int32(3 << 16)) << false << "08P01"
                                            << "startup packet claims a length";
    QTest::newRow("startup packet of 3 bytes") << int32(3) << false << "08P01" << "startup packet has an invalid length";
    QTest::newRow("protocol 2") << (int32(8) + int32(2 << 16)) << false << "0A000" << "Unsupported frontend protocol 2.0";
    // Not the proxy's business: PostgreSQL refuses it and the proxy relays that.
    QTest::newRow("unknown message type") << (QByteArray("y") + int32(4)) << true << "08P01" << "invalid frontend message type";
}

void TestRelay::protocolViolations()
{
    QFETCH(QByteArray, bytes);
    QFETCH(bool, afterStartup);
    QFETCH(QString, sqlState);
    QFETCH(QString, sentence);

    QString why;
    RawClient bystander; // connected before, must be unaffected
    QVERIFY2(openRaw(bystander, m_proxied, &why), qPrintable(why));

    RawClient bad;
    QVERIFY2(bad.connectTo(m_proxied.host, m_proxied.port, &why), qPrintable(why));
    if (afterStartup)
        QVERIFY2(bad.startup(m_proxied.user, m_proxied.database, &why), qPrintable(why));
    bad.sendRaw(bytes);
    RawMessage message;
    QVERIFY2(bad.read(&message), qPrintable(bad.lastError()));
    QCOMPARE(message.type, 'E');
    QVERIFY2(message.body.contains("C" + sqlState.toLatin1() + '\0'), message.body.constData());
    QVERIFY2(message.body.contains(sentence.toUtf8()), message.body.constData());
    QVERIFY2(message.body.contains("SFATAL"), message.body.constData());
    QVERIFY(bad.isClosed());

    Transcript transcript;
    bystander.query("SELECT 'bystander fine'");
    QVERIFY2(bystander.readUntil('Z', &transcript), qPrintable(bystander.lastError()));
    QVERIFY2(transcript.text().contains(QStringLiteral("C(SELECT 1)")), qPrintable(transcript.text()));

    RawClient newcomer;
    QVERIFY2(openRaw(newcomer, m_proxied, &why), qPrintable(why));
    newcomer.query("SELECT 'newcomer fine'");
    QVERIFY(newcomer.readUntil('Z', &transcript));
}

qint64 residentBytes()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong() * 1024;
    }
    return -1;
}

// A client that stops reading a 200 MB COPY: the proxy stops reading the
// server, so the server waits in ClientWrite and the proxy's memory stays
// small; once the client reads again every byte arrives.
void TestRelay::slowReaderHoldsBackTheServer()
{
    QString why;
    RawClient slow;
    slow.setReadBufferSize(64 * 1024);
    QVERIFY2(openRaw(slow, m_proxied, &why), qPrintable(why));
    Transcript transcript;
    slow.query("SET application_name = 'slow_reader'");
    QVERIFY(slow.readUntil('Z', &transcript));
    const qint64 before = residentBytes();
    QVERIFY(before > 0);
    slow.query("COPY (SELECT repeat('x', 1000) FROM generate_series(1, 200000)) TO STDOUT");
    // While the buffers fill the server flips between writing and waiting;
    // held back, it waits for good. Ten samples in a row say it is held.
    int waitingSamples = 0;
    const auto serverHeldBack = [&] {
        if (waitingSamples >= 10)
            return true; // QTRY evaluates once more after success
        const QVariant event = m_admin.exec(QStringLiteral("SELECT wait_event FROM pg_stat_activity "
                                                           "WHERE application_name = 'slow_reader'")).value(0, 0);
        waitingSamples = event.toString() == QLatin1String("ClientWrite") ? waitingSamples + 1 : 0;
        return waitingSamples >= 10;
    };
    QTRY_VERIFY_WITH_TIMEOUT(serverHeldBack(), 30000);
    const qint64 grown = residentBytes() - before;
    qInfo() << "memory grew by" << grown / 1024 << "kB while the server waited";
    QVERIFY2(grown < 32 * 1024 * 1024, qPrintable(QString::number(grown)));

    Transcript copy;
    QVERIFY2(slow.readUntil('Z', &copy), qPrintable(slow.lastError()));
    QVERIFY2(copy.text().startsWith(QStringLiteral("H d*200000 c C(COPY 200000)")), qPrintable(copy.text()));
}

void TestRelay::clientVanishesMidMessage()
{
    QString why;
    {
        RawClient vanishing;
        QVERIFY2(openRaw(vanishing, m_proxied, &why), qPrintable(why));
        vanishing.query("SET application_name = 'vanishing'");
        Transcript transcript;
        QVERIFY(vanishing.readUntil('Z', &transcript));
        QCOMPARE(m_admin.exec(QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'vanishing'"))
                     .value(0, 0).toInt(), 1);
        // Half a Query message, then the connection drops.
        vanishing.sendRaw(QByteArray("Q") + int32(1000) + "SELECT 'never finished");
    }
    // The proxy closes the server connection too.
    QTRY_COMPARE_WITH_TIMEOUT(m_admin.exec(QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'vanishing'"))
                                  .value(0, 0).toInt(), 0, 20000);
    RawClient next;
    QVERIFY2(openRaw(next, m_proxied, &why), qPrintable(why));
    Transcript transcript;
    next.query("SELECT 'next client fine'");
    QVERIFY(next.readUntil('Z', &transcript));
    QVERIFY(transcript.text().contains(QStringLiteral("C(SELECT 1)")));
}

void TestRelay::clientVanishesMidCopy()
{
    QVERIFY(m_admin.exec(QStringLiteral("DROP TABLE IF EXISTS copy_target; CREATE TABLE copy_target(id int)")).ok());
    QString why;
    {
        RawClient vanishing;
        QVERIFY2(openRaw(vanishing, m_proxied, &why), qPrintable(why));
        Transcript transcript;
        vanishing.query("SET application_name = 'vanishing_copy'");
        QVERIFY(vanishing.readUntil('Z', &transcript));
        vanishing.query("COPY copy_target FROM STDIN");
        QVERIFY(vanishing.readUntil('G', &transcript));
        vanishing.copyData("1\n2\n3\n");
        // Half a CopyData message, then gone.
        vanishing.sendRaw(QByteArray("d") + int32(100000) + "4\n5\n");
    }
    QTRY_COMPARE_WITH_TIMEOUT(m_admin.exec(QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'vanishing_copy'"))
                                  .value(0, 0).toInt(), 0, 20000);
    // Nothing of the unfinished COPY was committed.
    QCOMPARE(m_admin.exec(QStringLiteral("SELECT count(*) FROM copy_target")).value(0, 0).toInt(), 0);
}

void TestRelay::countsFollowConnections()
{
    QTRY_COMPARE(m_service->counts().open, 0);
    const qint64 totalBefore = m_service->counts().total;
    {
        Conn a = connectLibpq(m_proxied);
        Conn b = connectLibpq(m_proxied);
        QCOMPARE(PQstatus(a.get()), CONNECTION_OK);
        QCOMPARE(PQstatus(b.get()), CONNECTION_OK);
        QCOMPARE(m_service->counts().open, 2);
        QCOMPARE(m_service->counts().total, totalBefore + 2);
    }
    QTRY_COMPARE(m_service->counts().open, 0);
    QCOMPARE(m_service->counts().total, totalBefore + 2);
}

// The write-through layer's building block: hold the client's COMMIT, run a
// statement of the proxy's own inside the client's transaction, keep its
// answers from the client, then let the COMMIT go on.
void TestRelay::heldMessageAndOwnQuery()
{
    QVERIFY(m_admin.exec(QStringLiteral("DROP TABLE IF EXISTS held; CREATE TABLE held(x int)")).ok());
    ProxyConfig config;
    config.port = 0;
    config.upstreamHost = m_direct.host;
    config.upstreamPort = m_direct.port;
    ProxyServer server(config); // in this thread, so the test can steer the session
    QString error;
    QVERIFY2(server.start(&error), qPrintable(error));
    QPointer<ProxySession> session;
    connect(&server, &ProxyServer::sessionStarted, this, [&session](ProxySession *started) {
        session = started;
        session->setClientMessageFilter([](char type, QByteArrayView message) {
            return !(type == 'Q' && message.sliced(5).startsWith("COMMIT"));
        });
    });

    PgAddress address = m_direct;
    address.host = QStringLiteral("127.0.0.1");
    address.port = server.serverPort();
    std::atomic<bool> done = false;
    std::promise<void> mayDisconnect;
    QString clientLog;
    std::thread client([&, disconnectAllowed = mayDisconnect.get_future()] {
        Conn conn = connectLibpq(address);
        clientLog += scalar(conn.get(), "BEGIN; INSERT INTO held VALUES (1); SELECT 'in transaction'") + u'|';
        PGresult *commit = PQexec(conn.get(), "COMMIT");
        clientLog += QString::fromUtf8(PQcmdStatus(commit)) + u'|';
        PQclear(commit);
        clientLog += scalar(conn.get(), "SELECT string_agg(x::text, ',' ORDER BY x) FROM held");
        done = true;
        disconnectAllowed.wait();
    });
    // Whatever happens below, let the client thread end.
    auto joinClient = qScopeGuard([&] {
        server.shutdown(); // a blocked client gets an error instead of waiting for us
        mayDisconnect.set_value();
        client.join();
    });
    QTRY_VERIFY_WITH_TIMEOUT(session && session->hasHeldMessage(), 20000);
    QCOMPARE(session->tracker().transactionStatus(), 'T');
    QVERIFY(session->tracker().pending().empty());

    QList<char> ownTypes;
    QByteArray ownRow;
    session->sendOwnQuery("INSERT INTO held VALUES (2) RETURNING x", [&](char type, QByteArrayView body) {
        ownTypes.append(type);
        if (type == 'D')
            ownRow = body.toByteArray();
    });
    QTRY_VERIFY_WITH_TIMEOUT(ownTypes.contains('Z'), 20000);
    QCOMPARE(ownTypes, (QList<char>{'T', 'D', 'C', 'Z'}));
    QVERIFY(ownRow.endsWith("2"));
    QVERIFY(!done);
    session->releaseHeldMessage();
    QTRY_VERIFY_WITH_TIMEOUT(done.load(), 20000);
    // The client saw its own statements only, and both rows committed together.
    QCOMPARE(clientLog, QStringLiteral("in transaction|COMMIT|1,2"));
    QVERIFY(session);
    QTRY_COMPARE(session->tracker().transactionStatus(), 'I');
    QVERIFY(session->tracker().pending().empty());
    QCOMPARE(session->tracker().mismatches(), 0);
}

// Stopping ends the proxy's thread, which deletes its event loop (Qt deletes
// a thread's dispatcher when the thread ends); starting again must give the
// new thread a new one.
void TestRelay::servesAgainAfterStop()
{
    QSignalSpy stopped(m_service.get(), &ProxyService::stopped);
    m_service->stop();
    QCOMPARE(stopped.size(), 1);
    QVERIFY(!m_service->isRunning());

    QSignalSpy listening(m_service.get(), &ProxyService::listening);
    QSignalSpy failed(m_service.get(), &ProxyService::failed);
    m_service->start();
    QTRY_VERIFY(!listening.isEmpty() || !failed.isEmpty());
    QVERIFY2(failed.isEmpty(), qPrintable(failed.value(0).value(0).toString()));
    m_proxied.port = listening.at(0).at(1).value<quint16>();

    Conn conn = connectLibpq(m_proxied);
    QCOMPARE(PQstatus(conn.get()), CONNECTION_OK);
    QCOMPARE(scalar(conn.get(), "SELECT count(*) FROM diff_people"), QStringLiteral("2000"));
}

QTEST_GUILESS_MAIN(TestRelay)
#include "tst_relay.moc"
