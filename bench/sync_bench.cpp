// sync_bench: the four sync figures, all in one run on this machine.
//
//   1. backfill of 1,000,000 Accounts from tether-sim at the default rate
//      (1 request / 3 s): API calls used and wall time;
//   2. local ingest throughput with the rate limit off, as a ratio to plain
//      `psql \copy` of the same rows into the same table shape;
//   3. freshness with 10 tables at the default rate: p50/p95 seconds from a
//      change in the simulator to the row in PostgreSQL;
//   4. peak memory (VmHWM) of `tether --headless` during benchmark 1.
//
// Everything is real: tether-sim, a throwaway PostgreSQL cluster, and the
// tether executable. Run with `bash scripts/bench` (or build/bench/sync_bench
// [accounts, default 1000000] [freshness samples, default 30; 0 skips 3]).
#include "simcontrol.h"
#include "simprocess.h"
#include "store/localcluster.h"
#include "store/pgconnection.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTextStream>
#include <algorithm>
#include <sys/stat.h>

using namespace tether;

namespace {

QTextStream out(stdout);

QString tetherExecutable() { return QStringLiteral(TETHER_EXECUTABLE); }

qint64 peakRssKb(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}

struct HeadlessRun
{
    QProcess process;
    QByteArray log;
    bool sawLine(const QByteArray &text)
    {
        log += process.readAllStandardError();
        return log.contains(text);
    }
};

void startHeadless(HeadlessRun &run, const QUrl &sim, const QString &database, const QStringList &objects,
                   double rate)
{
    QStringList args{QStringLiteral("--headless"), QStringLiteral("--login-url"), sim.toString(),
                     QStringLiteral("--client-id"), QString::fromLatin1(test::SimProcess::DefaultClientId),
                     QStringLiteral("--client-secret"), QString::fromLatin1(test::SimProcess::DefaultClientSecret),
                     QStringLiteral("--database"), database, QStringLiteral("--objects"), objects.join(u','),
                     QStringLiteral("--rate"), QString::number(rate, 'g', 10), QStringLiteral("--no-proxy")};
    run.process.start(tetherExecutable(), args);
}

bool waitFor(const std::function<bool()> &condition, int timeoutMs)
{
    return QTest::qWaitFor(condition, timeoutMs);
}

QString createDatabase(store::PgConnection &admin, const QString &base, const QString &name)
{
    admin.exec(QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(name));
    admin.exec(QStringLiteral("CREATE DATABASE %1").arg(name));
    QString info = base;
    return info.replace(QStringLiteral("dbname=postgres"), QStringLiteral("dbname=") + name);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const qint64 accounts = argc > 1 ? QByteArray(argv[1]).toLongLong() : 1000000;
    out << "sync_bench: " << accounts << " Accounts; machine: " << QThread::idealThreadCount() << " cores" << Qt::endl;

    QTemporaryDir dir;
    ::chmod(QFile::encodeName(dir.path()).constData(), 0755);
    store::LocalCluster cluster({dir.filePath(QStringLiteral("pg")), false, 0});
    QString why;
    if (!cluster.start(&why)) {
        out << "cannot start PostgreSQL: " << why << Qt::endl;
        return 1;
    }
    store::PgConnection admin;
    admin.open(cluster.connectionString());

    // ---- 1 + 4: backfill at the default rate, peak memory --------------------
    test::SimProcess sim({QStringLiteral("--seed"), QStringLiteral("1"), QStringLiteral("--generate"),
                          QStringLiteral("Account=%1").arg(accounts)});
    QElapsedTimer generate;
    generate.start();
    if (!sim.start(&why, 600000)) {
        out << "cannot start tether-sim: " << why << Qt::endl;
        return 1;
    }
    out << "tether-sim ready with " << accounts << " Accounts in " << generate.elapsed() / 1000.0 << " s" << Qt::endl;
    test::SimControl control(sim.baseUrl(), sim.fetchAccessToken(&why));

    const QString db1 = createDatabase(admin, cluster.connectionString(), QStringLiteral("bench_default_rate"));
    const qint64 callsBefore = control.apiUsage();
    HeadlessRun run1;
    QElapsedTimer wall;
    wall.start();
    startHeadless(run1, sim.baseUrl(), db1, {QStringLiteral("Account")}, 1.0 / 3.0);
    qint64 peakKb = 0;
    const bool done1 = waitFor([&] {
        peakKb = std::max(peakKb, peakRssKb(run1.process.processId()));
        return run1.sawLine("Account backfill complete") || run1.process.state() == QProcess::NotRunning;
    }, 30 * 60 * 1000);
    const double backfillSeconds = wall.elapsed() / 1000.0;
    peakKb = std::max(peakKb, peakRssKb(run1.process.processId()));
    const qint64 calls1 = control.apiUsage() - callsBefore;
    run1.process.terminate();
    run1.process.waitForFinished(30000);
    store::PgConnection check;
    check.open(db1);
    const qint64 rows1 = check.exec(QStringLiteral("SELECT count(*) FROM salesforce.account")).toInt64(0, 0);
    if (!done1)
        out << "backfill did not finish; tether said:\n" << run1.log.right(2000) << Qt::endl;
    out << "1. backfill of " << rows1 << " Accounts at 1 request/3 s: " << calls1 << " API calls, "
        << QString::number(backfillSeconds, 'f', 1) << " s wall time (Sequin: 5,000 requests, ~4 h)" << Qt::endl;
    out << "4. peak memory of tether --headless during it: " << peakKb / 1024 << " MB (VmHWM)" << Qt::endl;

    // ---- 2: ingest with the rate limit off vs psql \copy ----------------------
    const QString db2 = createDatabase(admin, cluster.connectionString(), QStringLiteral("bench_unlimited"));
    HeadlessRun run2;
    wall.restart();
    startHeadless(run2, sim.baseUrl(), db2, {QStringLiteral("Account")}, 1000);
    waitFor([&] { return run2.sawLine("Account backfill complete") || run2.process.state() == QProcess::NotRunning; },
            30 * 60 * 1000);
    const double tetherSeconds = wall.elapsed() / 1000.0;
    run2.process.terminate();
    run2.process.waitForFinished(30000);

    // The same rows, same table shape, loaded by psql \copy from a CSV file.
    const QString csvPath = dir.filePath(QStringLiteral("accounts.csv"));
    QProcess psql;
    psql.start(QStringLiteral("psql"), {db1, QStringLiteral("-c"),
                                        QStringLiteral("\\copy salesforce.account TO '%1' WITH (FORMAT csv)").arg(csvPath)});
    psql.waitForFinished(30 * 60 * 1000);
    store::PgConnection db2conn;
    db2conn.open(db2);
    db2conn.exec(QStringLiteral("CREATE TABLE salesforce.account_psql (LIKE salesforce.account INCLUDING ALL)"));
    wall.restart();
    psql.start(QStringLiteral("psql"), {db2, QStringLiteral("-c"),
                                        QStringLiteral("\\copy salesforce.account_psql FROM '%1' WITH (FORMAT csv)").arg(csvPath)});
    psql.waitForFinished(30 * 60 * 1000);
    const double psqlSeconds = wall.elapsed() / 1000.0;
    out << "2. ingest with the rate limit off: tether " << QString::number(tetherSeconds, 'f', 1) << " s end to end ("
        << qRound(rows1 / qMax(0.001, tetherSeconds)) << " records/s), psql \\copy " << QString::number(psqlSeconds, 'f', 1)
        << " s; ratio " << QString::number(psqlSeconds / qMax(0.001, tetherSeconds), 'f', 2) << Qt::endl;
    sim.process().kill();
    sim.process().waitForFinished();

    // ---- 3: freshness with 10 tables at the default rate ----------------------
    const int samples = argc > 2 ? QByteArray(argv[2]).toInt() : 30;
    if (samples <= 0) {
        cluster.stop(&why);
        return 0;
    }
    const QStringList objects{QStringLiteral("Account"), QStringLiteral("Contact"), QStringLiteral("Lead"),
                              QStringLiteral("Opportunity"), QStringLiteral("Product2"), QStringLiteral("Case"),
                              QStringLiteral("Task"), QStringLiteral("Campaign"), QStringLiteral("Invoice__c"),
                              QStringLiteral("Pricebook2")};
    QStringList gen;
    for (const QString &o : objects)
        gen << o + QStringLiteral("=200");
    test::SimProcess sim3({QStringLiteral("--generate"), gen.join(u',')});
    if (!sim3.start(&why)) {
        out << "cannot start tether-sim: " << why << Qt::endl;
        return 1;
    }
    test::SimControl control3(sim3.baseUrl(), sim3.fetchAccessToken(&why));
    const QString db3 = createDatabase(admin, cluster.connectionString(), QStringLiteral("bench_freshness"));
    HeadlessRun run3;
    startHeadless(run3, sim3.baseUrl(), db3, objects, 1.0 / 3.0);
    if (!waitFor([&] { return run3.sawLine("every table is backfilled") || run3.process.state() == QProcess::NotRunning; },
                 10 * 60 * 1000)
        || !run3.sawLine("every table is backfilled")) {
        out << "3. freshness: the backfill of the 10 tables did not finish; tether said:\n"
            << QString::fromUtf8(run3.log.right(3000)) << Qt::endl;
        cluster.stop(&why);
        return 1;
    }
    store::PgConnection db3conn;
    db3conn.open(db3);
    QList<double> lags;
    for (int i = 0; i < samples; ++i) {
        const QString object = objects[i % objects.size()];
        const QString table = QStringLiteral("salesforce.") + object.toLower();
        const QString id = db3conn.exec(QStringLiteral("SELECT id FROM %1 ORDER BY random() LIMIT 1").arg(table)).value(0, 0);
        const QString mark = QStringLiteral("fresh-%1").arg(i);
        static const QHash<QString, QString> editable{
            {QStringLiteral("Case"), QStringLiteral("Subject")}, {QStringLiteral("Task"), QStringLiteral("Description")},
            {QStringLiteral("Contact"), QStringLiteral("LastName")}, {QStringLiteral("Lead"), QStringLiteral("LastName")},
            {QStringLiteral("Invoice__c"), QStringLiteral("Notes__c")}};
        const QString field = editable.value(object, QStringLiteral("Name"));
        // Changes arrive at random moments relative to the poll cycle.
        QTest::qWait(int(QRandomGenerator::global()->bounded(3000)));
        QElapsedTimer lag;
        lag.start();
        if (!control3.update(object, id, {{field, mark}}))
            continue;
        const bool seen = waitFor([&] {
            return db3conn.exec(QStringLiteral("SELECT 1 FROM %1 WHERE id = $1 AND %2 = $2").arg(table, field.toLower()), {id, mark}).rowCount() == 1;
        }, 120000);
        if (seen)
            lags << lag.elapsed() / 1000.0;
    }
    run3.process.terminate();
    run3.process.waitForFinished(30000);
    std::sort(lags.begin(), lags.end());
    auto pct = [&](double p) { return lags.isEmpty() ? -1.0 : lags[qMin(lags.size() - 1, qsizetype(p * lags.size()))]; };
    out << "3. freshness, 10 tables at 1 request/3 s, " << lags.size() << " changes: p50 " << QString::number(pct(0.5), 'f', 1)
        << " s, p95 " << QString::number(pct(0.95), 'f', 1) << " s (Sequin's round-robin: 30 s per cycle of 10 tables)" << Qt::endl;

    cluster.stop(&why);
    return 0;
}
