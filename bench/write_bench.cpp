// write_bench: what writing through Tether's proxy costs beyond Salesforce.
//   write_bench [updates, default 1000]
// A managed PostgreSQL cluster, tether-sim (no added latency), the sync
// engine and the proxy as the application wires them. Prints:
//  1. per autocommit single-row UPDATE: client latency, time waiting for
//     Salesforce (tether.write_log.salesforce_ms) and the difference — the
//     proxy's own overhead — as p50/p99 (target: overhead <= 2 ms);
//  2. API calls for one 200-row INSERT transaction (target: 1);
//  3. API calls for the autocommit updates of (1);
//  4. for scale, the same UPDATE straight to PostgreSQL (a copy of the table
//     without Tether's triggers, no proxy): the part of (1)'s overhead that
//     PostgreSQL's own UPDATE and COMMIT take.
// (1) runs twice: with the sync engine paused (the proxy alone) and with it
// polling alongside (the sync's own work competes for the same cores).
// The rate limiter is opened wide so its pacing does not count as overhead.
#include "enginerig.h"
#include "proxy/proxyservice.h"
#include "simprocess.h"
#include "store/localcluster.h"
#include "store/pgconnection.h"

#include <libpq-fe.h>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTextStream>
#include <algorithm>
#include <atomic>
#include <sys/stat.h>
#include <thread>

using namespace tether;

namespace {

QTextStream out(stdout);

double percentile(QList<double> values, double p)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    const qsizetype index = qMin(values.size() - 1, qsizetype(p * double(values.size() - 1) + 0.5));
    return values[index];
}

QString ms(double value)
{
    return QString::number(value, 'f', 2) + QStringLiteral(" ms");
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int updates = argc > 1 ? QByteArray(argv[1]).toInt() : 1000;
    if (qEnvironmentVariableIsEmpty("TETHER_SIM_EXECUTABLE"))
        qputenv("TETHER_SIM_EXECUTABLE", TETHER_SIM_PATH);

    QTemporaryDir dir;
    ::chmod(QFile::encodeName(dir.path()).constData(), 0755);
    store::LocalCluster cluster({dir.filePath(QStringLiteral("pg")), true, 0});
    QString why;
    if (!cluster.start(&why)) {
        out << "cannot start PostgreSQL: " << why << Qt::endl;
        return 1;
    }
    auto stopCluster = qScopeGuard([&cluster] { cluster.stop(nullptr); });
    const QString database = cluster.connectionString();
    if (qEnvironmentVariableIsSet("WRITE_BENCH_LOG_STATEMENTS")) {
        // For finding where the time goes: every statement's duration in the server log.
        dir.setAutoRemove(false);
        store::PgConnection admin;
        admin.open(database);
        admin.exec(QStringLiteral("ALTER SYSTEM SET log_min_duration_statement = 0"));
        admin.exec(QStringLiteral("SELECT pg_reload_conf()"));
        out << "statement log under " << dir.path() << Qt::endl;
    }

    test::SimProcess sim({QStringLiteral("--generate"), QStringLiteral("Account=2000,Contact=500"),
                          QStringLiteral("--daily-limit"), QStringLiteral("10000000")});
    if (!sim.start(&why)) {
        out << "cannot start tether-sim: " << why << Qt::endl;
        return 1;
    }

    sync::SyncConfig config;
    config.databaseConnectionString = database;
    config.objects = {QStringLiteral("Account"), QStringLiteral("Contact")};
    config.reconcileIntervalMs = 3600 * 1000;
    test::EngineRig rig(sim.baseUrl(), config);
    rig.limiter.setRequestsPerSecond(1e6);
    if (!rig.login()) {
        out << "login to tether-sim failed" << Qt::endl;
        return 1;
    }
    QSignalSpy caughtUp(&rig.engine, &sync::SyncEngine::caughtUp);
    rig.engine.start();
    if (!caughtUp.wait(180000) && caughtUp.isEmpty()) {
        out << "the sync did not catch up" << Qt::endl;
        return 1;
    }

    proxy::ProxyConfig proxyConfig;
    proxyConfig.port = 0;
    proxyConfig.upstreamPort = quint16(cluster.port());
    proxyConfig.databaseConnectionString = database;
    proxy::ProxyService proxy(proxyConfig);
    proxy.setSalesforce(&rig.session, &rig.limiter, &rig.budget);
    QSignalSpy listening(&proxy, &proxy::ProxyService::listening);
    proxy.start();
    if (!listening.wait(10000) && listening.isEmpty()) {
        out << "the proxy did not start" << Qt::endl;
        return 1;
    }
    // The proxy relays authentication: the cluster's password (SCRAM on loopback TCP).
    const QByteArray through = QStringLiteral("host=127.0.0.1 port=%1 user=%2 dbname=postgres passfile=%3")
                                   .arg(listening.first().at(1).value<quint16>())
                                   .arg(cluster.user(), cluster.passwordFile())
                                   .toUtf8();
    out << "write_bench: " << updates << " autocommit single-row UPDATEs and one 200-row INSERT transaction through "
        << "the proxy; tether-sim without added latency; " << QThread::idealThreadCount() << " cores" << Qt::endl;

    // The client runs on a thread of its own: the engine and the org
    // session live in this one, which keeps turning. It sleeps until an
    // event comes (the client's last one says it is done): a loop that
    // polled for events kept one of the machine's cores busy and slowed the
    // proxy and PostgreSQL it was measuring.
    auto onClientThread = [](const std::function<void()> &work) {
        std::atomic<bool> finished = false;
        std::thread client([&] {
            work();
            finished = true;
            QMetaObject::invokeMethod(QCoreApplication::instance(), [] {}, Qt::QueuedConnection);
        });
        while (!finished)
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
        client.join();
    };
    QString failure;
    PGconn *conn = nullptr;
    onClientThread([&] { conn = PQconnectdb(through.constData()); });
    auto close = qScopeGuard([conn] { PQfinish(conn); });
    if (PQstatus(conn) != CONNECTION_OK) {
        out << "cannot connect through the proxy: " << PQerrorMessage(conn) << Qt::endl;
        return 1;
    }
    QStringList ids;
    onClientThread([&] {
        PGresult *r = PQexec(conn, "SELECT id FROM salesforce.account ORDER BY id");
        for (int i = 0; i < PQntuples(r); ++i)
            ids << QString::fromLatin1(PQgetvalue(r, i, 0));
        PQclear(r);
    });

    struct Phase
    {
        const char *title;
        bool syncPaused;
        QList<double> latencies;
        QList<double> salesforce;
        qint64 calls = 0;
    };
    QList<Phase> phases{{"sync paused (the proxy alone)", true, {}, {}, 0}, {"sync polling alongside", false, {}, {}, 0}};
    int counter = 0;
    for (Phase &phase : phases) {
        rig.engine.setAllPaused(phase.syncPaused);
        const qint64 before = rig.budget.callsMade(salesforce::ApiCategory::Write);
        onClientThread([&] {
            for (int i = 0; i < updates && !ids.isEmpty() && failure.isEmpty(); ++i, ++counter) {
                const QByteArray sql = "UPDATE salesforce.account SET description = 'bench " + QByteArray::number(counter)
                                       + "' WHERE id = '" + ids[counter % ids.size()].toLatin1() + "'";
                QElapsedTimer clock;
                clock.start();
                PGresult *r = PQexec(conn, sql.constData());
                phase.latencies << double(clock.nsecsElapsed()) / 1e6;
                if (PQresultStatus(r) != PGRES_COMMAND_OK)
                    failure = QString::fromUtf8(PQresultErrorMessage(r));
                PQclear(r);
            }
        });
        phase.calls = rig.budget.callsMade(salesforce::ApiCategory::Write) - before;
    }
    rig.engine.setAllPaused(false);

    // For scale: the same UPDATEs straight to PostgreSQL over TCP, on a copy
    // of the table without Tether's triggers. This is the part of the
    // overhead a client pays without any proxy (PostgreSQL running the
    // UPDATE and its COMMIT, one round trip).
    QList<double> straight;
    {
        store::PgConnection admin;
        admin.open(database);
        admin.exec(QStringLiteral("CREATE TABLE public.account_straight (LIKE salesforce.account INCLUDING ALL); "
                                  "INSERT INTO public.account_straight SELECT * FROM salesforce.account"));
        const QByteArray direct = QStringLiteral("host=127.0.0.1 port=%1 user=%2 dbname=postgres passfile=%3")
                                      .arg(cluster.port())
                                      .arg(cluster.user(), cluster.passwordFile())
                                      .toUtf8();
        onClientThread([&] {
            PGconn *straightConn = PQconnectdb(direct.constData());
            for (int i = 0; i < updates && PQstatus(straightConn) == CONNECTION_OK && failure.isEmpty(); ++i) {
                const QByteArray sql = "UPDATE public.account_straight SET description = 'bench " + QByteArray::number(i)
                                       + "' WHERE id = '" + ids[i % ids.size()].toLatin1() + "'";
                QElapsedTimer clock;
                clock.start();
                PGresult *r = PQexec(straightConn, sql.constData());
                straight << double(clock.nsecsElapsed()) / 1e6;
                if (PQresultStatus(r) != PGRES_COMMAND_OK)
                    failure = QString::fromUtf8(PQresultErrorMessage(r));
                PQclear(r);
            }
            if (PQstatus(straightConn) != CONNECTION_OK)
                failure = QString::fromUtf8(PQerrorMessage(straightConn));
            PQfinish(straightConn);
        });
    }

    qint64 insertCalls = 0;
    double insertMs = 0;
    const qint64 beforeInsert = rig.budget.callsMade(salesforce::ApiCategory::Write);
    onClientThread([&] {
        QElapsedTimer clock;
        clock.start();
        PQclear(PQexec(conn, "BEGIN"));
        for (int i = 0; i < 200; ++i) {
            const QByteArray sql = "INSERT INTO salesforce.contact (lastname, accountid) VALUES ('Bench " + QByteArray::number(i)
                                   + "', (SELECT min(id) FROM salesforce.account))";
            PQclear(PQexec(conn, sql.constData()));
        }
        PGresult *commit = PQexec(conn, "COMMIT");
        if (PQresultStatus(commit) != PGRES_COMMAND_OK)
            failure = QString::fromUtf8(PQresultErrorMessage(commit));
        PQclear(commit);
        insertMs = double(clock.nsecsElapsed()) / 1e6;
    });
    insertCalls = rig.budget.callsMade(salesforce::ApiCategory::Write) - beforeInsert;
    if (!failure.isEmpty()) {
        out << "a write failed: " << failure << Qt::endl;
        return 1;
    }

    // Time waiting for Salesforce, per update, from the write log (written
    // asynchronously by the proxy's own connection: wait for all of it).
    store::PgConnection db;
    db.open(database);
    QList<double> logged;
    QElapsedTimer waited;
    waited.start();
    while (waited.elapsed() < 60000) {
        const store::PgResult r = db.exec(QStringLiteral("SELECT salesforce_ms FROM tether.write_log "
                                                          "WHERE operation = 'update' AND object_name = 'Account' ORDER BY id"));
        if (r.rowCount() >= 2 * updates) {
            for (int i = 0; i < r.rowCount(); ++i)
                logged << r.value(i, 0).toDouble();
            break;
        }
        QTest::qWait(100);
    }
    for (qsizetype p = 0; p < phases.size(); ++p)
        phases[p].salesforce = logged.mid(p * updates, updates);

    for (const Phase &phase : std::as_const(phases)) {
        QList<double> overhead;
        for (qsizetype i = 0; i < phase.latencies.size() && i < phase.salesforce.size(); ++i)
            overhead << phase.latencies[i] - phase.salesforce[i];
        out << Qt::endl << "autocommit single-row UPDATE, " << phase.title << " (" << phase.latencies.size() << " statements)" << Qt::endl;
        out << "  client latency           p50 " << ms(percentile(phase.latencies, 0.5)) << "   p99 "
            << ms(percentile(phase.latencies, 0.99)) << Qt::endl;
        out << "  waiting for Salesforce   p50 " << ms(percentile(phase.salesforce, 0.5)) << "   p99 "
            << ms(percentile(phase.salesforce, 0.99)) << "   (from tether.write_log)" << Qt::endl;
        out << "  proxy overhead           p50 " << ms(percentile(overhead, 0.5)) << "   p99 " << ms(percentile(overhead, 0.99))
            << "   (latency - Salesforce, per statement; target <= 2 ms)" << Qt::endl;
        out << "  API calls                " << phase.calls << " for " << phase.latencies.size() << " updates" << Qt::endl;
    }
    out << Qt::endl << "the same UPDATE straight to PostgreSQL (no proxy, no Salesforce; for scale)" << Qt::endl;
    out << "  client latency           p50 " << ms(percentile(straight, 0.5)) << "   p99 " << ms(percentile(straight, 0.99))
        << "   (part of every proxy overhead above: PostgreSQL's own UPDATE and COMMIT)" << Qt::endl;
    out << Qt::endl << "one transaction of 200 single-row INSERTs" << Qt::endl;
    out << "  API calls                " << insertCalls << " (target 1)" << Qt::endl;
    out << "  BEGIN to COMMIT done     " << ms(insertMs) << Qt::endl;
    proxy.stop();
    rig.engine.stop();
    return 0;
}
