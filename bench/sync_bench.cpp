// sync_bench: the four sync figures, all in one run on this machine.
//
//   1. backfill of 1,000,000 Accounts from tether-sim at the default rate
//      (1 request / 3 s): API calls used and wall time;
//   2. local ingest throughput with the rate limit off, as a ratio to plain
//      `psql \copy` of the same rows into the same table shape, and the CPU
//      seconds PostgreSQL, tether and tether-sim spent on it (on 2 cores the
//      ingest is as fast as the CPU PostgreSQL needs allows); medians of
//      three alternated rounds;
//   3. freshness with 10 tables at the default rate: p50/p95 seconds from a
//      change in the simulator to the row in PostgreSQL;
//   4. peak memory (VmHWM) of `tether --headless` during benchmark 1, and
//      (when asked) during a backfill of a larger org, to show it stays flat;
//   5. freshness of one busy table among 10 quiet ones at the default rate.
//
// Everything is real: tether-sim, a throwaway PostgreSQL cluster, and the
// tether executable. Run with `bash scripts/bench` (or build/bench/sync_bench
// [accounts, default 1000000] [freshness samples, default 30; 0 skips 3 and 5]
// [a larger org for the memory figure, e.g. 3000000; default none]).
// The API calls of benchmark 1 are listed by kind from tether's request log.
#include "simcontrol.h"
#include "simprocess.h"
#include "store/localcluster.h"
#include "store/pgconnection.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QMap>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTextStream>
#include <algorithm>
#include <sys/stat.h>
#include <unistd.h>

using namespace tether;

namespace {

QTextStream out(stdout);

QString tetherExecutable() { return QStringLiteral(TETHER_EXECUTABLE); }

// The fields of /proc/PID/stat after the command name: [0] is field 3 (state).
QList<QByteArray> procStat(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return {};
    const QByteArray line = stat.readAll();
    return line.mid(line.lastIndexOf(')') + 2).split(' ');
}

// CPU seconds of a process (user + system), with its reaped children's when asked.
double cpuSeconds(const QList<QByteArray> &f, bool withChildren = false)
{
    double sum = f.value(11).toDouble() + f.value(12).toDouble(); // utime, stime
    if (withChildren)
        sum += f.value(13).toDouble() + f.value(14).toDouble(); // cutime, cstime
    return sum / double(::sysconf(_SC_CLK_TCK));
}
double cpuSeconds(qint64 pid) { return cpuSeconds(procStat(pid)); }

// PostgreSQL's CPU seconds so far: the postmaster's, its reaped children's,
// and those of its children still there (a backend that has exited but is not
// yet reaped still shows its own).
double serverCpuSeconds(qint64 postmaster)
{
    double sum = cpuSeconds(procStat(postmaster), true);
    for (const QString &pid : QDir(QStringLiteral("/proc")).entryList({QStringLiteral("[0-9]*")}, QDir::Dirs)) {
        const QList<QByteArray> f = procStat(pid.toLongLong());
        if (f.value(1).toLongLong() == postmaster) // field 4: ppid
            sum += cpuSeconds(f);
    }
    return sum;
}

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
                   double rate, bool logRequests = false)
{
    if (logRequests) {
        // Each request tether sends, to say where the API calls go.
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("tether.salesforce.debug=true"));
        run.process.setProcessEnvironment(env);
    }
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

// Each timed load starts on a quiet server: the previous load's autovacuum
// (a million new rows are vacuumed and analyzed) and dirty buffers would
// otherwise land in the next one's time, whichever of the two it is. Each
// loaded table is also vacuumed right after its load, so that autovacuum
// does not come to it later, in the middle of another load.
void settleServer(store::PgConnection &admin)
{
    waitFor([&] {
        return admin.exec(QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'"))
                   .toInt64(0, 0) == 0;
    }, 5 * 60 * 1000);
    admin.exec(QStringLiteral("CHECKPOINT"));
}

QString createDatabase(store::PgConnection &admin, const QString &base, const QString &name)
{
    admin.exec(QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(name));
    admin.exec(QStringLiteral("CREATE DATABASE %1").arg(name));
    QString info = base;
    return info.replace(QStringLiteral("dbname=postgres"), QStringLiteral("dbname=") + name);
}

// "GET .../jobs/query/750.../results?... [backfill, attempt 1]" lines -> calls by
// kind, up to the backfill's end; `total` gets their number.
QString callsByKind(const QByteArray &log, int *total)
{
    *total = 0;
    QMap<QString, int> kinds;
    for (const QByteArray &line : log.split('\n')) {
        if (line.contains("backfill complete"))
            break; // the calls after it (the first poll) are not the backfill's
        const qsizetype at = line.indexOf("/services/data/");
        if (at < 0 || !line.contains("attempt") || line.contains(" -> "))
            continue;
        // "... GET http://host:port" before the path: the method is the word before the URL.
        const QList<QByteArray> words = line.left(at).trimmed().split(' ');
        const QByteArray method = words.size() >= 2 ? words[words.size() - 2] : QByteArray();
        QByteArray path = line.mid(at).split(' ').first();
        path = path.split('?').first();
        if (path == "/services/data/" || path == "/services/data")
            continue; // the versions list is not an API call
        QString kind;
        if (path.endsWith("/composite"))
            kind = QStringLiteral("composite (describe, COUNT)");
        else if (path.endsWith("/results"))
            kind = QStringLiteral("Bulk results pages");
        else if (path.endsWith("/jobs/query") && method == "POST")
            kind = QStringLiteral("Bulk job create");
        else if (path.contains("/jobs/query/"))
            kind = QStringLiteral("Bulk job status");
        else
            kind = QString::fromLatin1(method + ' ' + path.mid(path.indexOf('/', 16)));
        ++kinds[kind];
        ++*total;
    }
    QStringList parts;
    for (auto it = kinds.cbegin(); it != kinds.cend(); ++it)
        parts << QStringLiteral("%1 %2").arg(it.value()).arg(it.key());
    return parts.join(QStringLiteral(", "));
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
    startHeadless(run1, sim.baseUrl(), db1, {QStringLiteral("Account")}, 1.0 / 3.0, true);
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
    check.exec(QStringLiteral("VACUUM (ANALYZE) salesforce.account")); // not during stage 2's loads
    if (!done1)
        out << "backfill did not finish; tether said:\n" << run1.log.right(2000) << Qt::endl;
    // The requests tether sent up to its "backfill complete" line. tether-sim's
    // own count, read once the bench has seen that line, can include the first
    // poll, which goes out at once: it bounds the figure from above.
    int backfillCalls = 0;
    const QString kinds = callsByKind(run1.log, &backfillCalls);
    out << "1. backfill of " << rows1 << " Accounts at 1 request/3 s: " << backfillCalls << " API calls, "
        << QString::number(backfillSeconds, 'f', 1) << " s wall time (Sequin: 5,000 requests, ~4 h)" << Qt::endl;
    out << "   the calls: " << kinds << "; tether-sim counted " << calls1 << " when the bench looked" << Qt::endl;
    out << "4. peak memory of tether --headless during it: " << peakKb / 1024 << " MB (VmHWM)" << Qt::endl;

    // ---- 2: ingest with the rate limit off vs psql \copy ----------------------
    // The same rows, same table shape, loaded by psql \copy from a CSV file.
    const QString csvPath = dir.filePath(QStringLiteral("accounts.csv"));
    QProcess psql;
    psql.start(QStringLiteral("psql"), {db1, QStringLiteral("-c"),
                                        QStringLiteral("\\copy salesforce.account TO '%1' WITH (FORMAT csv)").arg(csvPath)});
    psql.waitForFinished(30 * 60 * 1000);
    // Either load alone varies by up to a third from run to run on a shared
    // machine: three rounds, the two loads alternated, each on a settled
    // server, and the ratio of the medians.
    constexpr int Rounds = 3;
    QList<double> tetherSeconds, psqlSeconds, pgCpu, tetherCpu, simCpu, pgCpuPsql;
    for (int round = 0; round < Rounds; ++round) {
        const QString db2 = createDatabase(admin, cluster.connectionString(), QStringLiteral("bench_unlimited_%1").arg(round));
        HeadlessRun run2;
        settleServer(admin);
        const double simCpuBefore = cpuSeconds(sim.process().processId());
        const double pgCpuBefore = serverCpuSeconds(cluster.postmasterPid());
        wall.restart();
        startHeadless(run2, sim.baseUrl(), db2, {QStringLiteral("Account")}, 1000);
        waitFor([&] { return run2.sawLine("Account backfill complete") || run2.process.state() == QProcess::NotRunning; },
                30 * 60 * 1000);
        tetherSeconds << wall.elapsed() / 1000.0;
        tetherCpu << cpuSeconds(run2.process.processId());
        simCpu << cpuSeconds(sim.process().processId()) - simCpuBefore;
        run2.process.terminate();
        run2.process.waitForFinished(30000);
        pgCpu << serverCpuSeconds(cluster.postmasterPid()) - pgCpuBefore;

        store::PgConnection db2conn;
        db2conn.open(db2);
        // Outside the timed loads: the vacuum and analyze autovacuum would
        // otherwise run, whenever it next visits, inside the other load's time.
        db2conn.exec(QStringLiteral("VACUUM (ANALYZE) salesforce.account"));
        db2conn.exec(QStringLiteral("CREATE TABLE salesforce.account_psql (LIKE salesforce.account INCLUDING ALL)"));
        settleServer(admin);
        const double pgCpuBeforePsql = serverCpuSeconds(cluster.postmasterPid());
        wall.restart();
        psql.start(QStringLiteral("psql"), {db2, QStringLiteral("-c"),
                                            QStringLiteral("\\copy salesforce.account_psql FROM '%1' WITH (FORMAT csv)").arg(csvPath)});
        psql.waitForFinished(30 * 60 * 1000);
        psqlSeconds << wall.elapsed() / 1000.0;
        pgCpuPsql << serverCpuSeconds(cluster.postmasterPid()) - pgCpuBeforePsql;
        db2conn.exec(QStringLiteral("VACUUM (ANALYZE) salesforce.account_psql"));
    }
    const auto oneDecimal = [](double value) { return QString::number(value, 'f', 1); };
    const auto seconds = [&](const QList<double> &values) {
        QStringList parts;
        for (double v : values)
            parts << oneDecimal(v);
        return parts.join(QStringLiteral(", "));
    };
    const auto median = [](QList<double> values) {
        std::sort(values.begin(), values.end());
        return values.at(values.size() / 2);
    };
    out << "2. ingest with the rate limit off: tether " << oneDecimal(median(tetherSeconds))
        << " s end to end (" << qRound(rows1 / qMax(0.001, median(tetherSeconds))) << " records/s), psql \\copy "
        << oneDecimal(median(psqlSeconds)) << " s; ratio "
        << QString::number(median(psqlSeconds) / qMax(0.001, median(tetherSeconds)), 'f', 2) << Qt::endl;
    // Each round's own ratio too: the machine's speed drifts between rounds,
    // and a round's two loads are the closest in time.
    QStringList roundRatios;
    for (int round = 0; round < Rounds; ++round)
        roundRatios << QString::number(psqlSeconds[round] / qMax(0.001, tetherSeconds[round]), 'f', 2);
    out << "   medians of " << Rounds << " alternated rounds; tether " << seconds(tetherSeconds) << " s, psql "
        << seconds(psqlSeconds) << " s; each round's ratio " << roundRatios.join(QStringLiteral(", ")) << Qt::endl;
    out << "   CPU seconds during tether's ingest: PostgreSQL " << oneDecimal(median(pgCpu)) << ", tether "
        << oneDecimal(median(tetherCpu)) << ", tether-sim " << oneDecimal(median(simCpu))
        << "; PostgreSQL during psql's: " << oneDecimal(median(pgCpuPsql)) << Qt::endl;
    sim.process().kill();
    sim.process().waitForFinished();

    // ---- 4b: peak memory during the backfill of a larger org (rate limit off) --
    const qint64 larger = argc > 3 ? QByteArray(argv[3]).toLongLong() : 0;
    if (larger > 0) {
        test::SimProcess big({QStringLiteral("--seed"), QStringLiteral("2"), QStringLiteral("--generate"),
                              QStringLiteral("Account=%1").arg(larger)});
        if (!big.start(&why, 1800000)) {
            out << "cannot start tether-sim with " << larger << " Accounts: " << why << Qt::endl;
        } else {
            const QString dbBig = createDatabase(admin, cluster.connectionString(), QStringLiteral("bench_larger"));
            HeadlessRun runBig;
            wall.restart();
            startHeadless(runBig, big.baseUrl(), dbBig, {QStringLiteral("Account")}, 1000);
            qint64 bigPeakKb = 0;
            const bool doneBig = waitFor([&] {
                bigPeakKb = std::max(bigPeakKb, peakRssKb(runBig.process.processId()));
                return runBig.sawLine("Account backfill complete") || runBig.process.state() == QProcess::NotRunning;
            }, 60 * 60 * 1000);
            bigPeakKb = std::max(bigPeakKb, peakRssKb(runBig.process.processId()));
            const double bigSeconds = wall.elapsed() / 1000.0;
            runBig.process.terminate();
            runBig.process.waitForFinished(30000);
            store::PgConnection bigCheck;
            bigCheck.open(dbBig);
            const qint64 bigRows = bigCheck.exec(QStringLiteral("SELECT count(*) FROM salesforce.account")).toInt64(0, 0);
            out << "4b. peak memory of tether --headless during a backfill of " << bigRows << " Accounts (rate limit off, "
                << QString::number(bigSeconds, 'f', 1) << " s" << (doneBig ? "" : ", DID NOT FINISH") << "): " << bigPeakKb / 1024
                << " MB (VmHWM)" << Qt::endl;
            big.process().kill();
            big.process().waitForFinished();
        }
    }

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
    // SYNC_BENCH_TRACE=file: tether's request and poll log of stages 3 and 5,
    // with millisecond timestamps, and the bench's own changes and sightings
    // on the same clock, to see where the time between them goes.
    const QString tracePath = qEnvironmentVariable("SYNC_BENCH_TRACE");
    QByteArray trace;
    auto note = [&](const QString &what) {
        if (!tracePath.isEmpty())
            trace += QDateTime::currentDateTime().toString(QStringLiteral("hh:mm:ss.zzz ")).toUtf8() + "bench " + what.toUtf8() + '\n';
    };
    if (!tracePath.isEmpty()) {
        qputenv("QT_LOGGING_RULES", "tether.salesforce.debug=true;tether.sync.debug=true");
        qputenv("QT_MESSAGE_PATTERN", "%{time hh:mm:ss.zzz} %{category} %{message}");
    }
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
        note(QStringLiteral("update %1 %2").arg(object, mark));
        if (!control3.update(object, id, {{field, mark}}))
            continue;
        note(QStringLiteral("updated %1 %2").arg(object, mark));
        const bool seen = waitFor([&] {
            return db3conn.exec(QStringLiteral("SELECT 1 FROM %1 WHERE id = $1 AND %2 = $2").arg(table, field.toLower()), {id, mark}).rowCount() == 1;
        }, 120000);
        if (seen)
            lags << lag.elapsed() / 1000.0;
        note(QStringLiteral("seen %1 %2 after %3 s").arg(object, mark).arg(lag.elapsed() / 1000.0));
    }
    std::sort(lags.begin(), lags.end());
    auto pct = [](const QList<double> &sorted, double p) {
        return sorted.isEmpty() ? -1.0 : sorted[qMin(sorted.size() - 1, qsizetype(p * sorted.size()))];
    };
    out << "3. freshness, 10 tables at 1 request/3 s, " << lags.size() << " changes: p50 " << QString::number(pct(lags, 0.5), 'f', 1)
        << " s, p95 " << QString::number(pct(lags, 0.95), 'f', 2) << " s (Sequin's round-robin: 30 s per cycle of 10 tables)" << Qt::endl;

    // ---- 5: one busy table among 10 quiet ones ------------------------------
    // Account changes every second or so; the nine others stay quiet. The lag
    // is measured on Account's changes.
    QList<double> busyLags;
    const QString busyTable = QStringLiteral("salesforce.account");
    for (int i = 0; i < samples; ++i) {
        const QString id = db3conn.exec(QStringLiteral("SELECT id FROM %1 ORDER BY random() LIMIT 1").arg(busyTable)).value(0, 0);
        const QString mark = QStringLiteral("busy-%1").arg(i);
        QTest::qWait(int(QRandomGenerator::global()->bounded(1500)));
        QElapsedTimer lag;
        lag.start();
        note(QStringLiteral("update Account %1").arg(mark));
        if (!control3.update(QStringLiteral("Account"), id, {{QStringLiteral("Name"), mark}}))
            continue;
        note(QStringLiteral("updated Account %1").arg(mark));
        const bool seen = waitFor([&] {
            return db3conn.exec(QStringLiteral("SELECT 1 FROM %1 WHERE id = $1 AND name = $2").arg(busyTable), {id, mark}).rowCount() == 1;
        }, 120000);
        if (seen)
            busyLags << lag.elapsed() / 1000.0;
        note(QStringLiteral("seen Account %1 after %2 s").arg(mark).arg(lag.elapsed() / 1000.0));
    }
    run3.process.terminate();
    run3.process.waitForFinished(30000);
    if (!tracePath.isEmpty()) {
        run3.sawLine(QByteArray());
        QFile file(tracePath);
        if (file.open(QIODevice::WriteOnly | QIODevice::Truncate))
            file.write(trace + "---- tether --headless ----\n" + run3.log);
    }
    std::sort(busyLags.begin(), busyLags.end());
    out << "5. freshness, 1 busy table among 10 quiet ones at 1 request/3 s, " << busyLags.size() << " changes: p50 "
        << QString::number(pct(busyLags, 0.5), 'f', 1) << " s, p95 " << QString::number(pct(busyLags, 0.95), 'f', 2) << " s"
        << Qt::endl;

    cluster.stop(&why);
    return 0;
}
