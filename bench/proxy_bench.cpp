// proxy_bench: read throughput of Tether's proxy against PostgreSQL straight
// and against PgBouncer (Debian's pgbouncer, session mode), same machine,
// same run. `pgbench -S` (one indexed SELECT per transaction) at 1 client and
// at 8 clients, simple and prepared protocol, and 8 clients again while 100
// more connections stay open and idle (an application's connection pool).
// Prints TPS and the ratios.
//   proxy_bench [seconds per run, default 10] [scale, default 10]
// Target: proxy >= 0.8 x straight and >= PgBouncer.
#include "proxy/proxyservice.h"
#include "store/localcluster.h"
#include "store/pgconnection.h"

#include <QCoreApplication>
#include <QScopeGuard>
#include <QDir>
#include <QElapsedTimer>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTextStream>
#include <QThread>
#include <sys/stat.h>
#include <unistd.h>

using namespace tether;

namespace {

QTextStream out(stdout);

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

// A client or a pooler runs in a session of its own, as it does when someone
// starts it from a shell or as a service. Linux's autogroup scheduling shares
// the CPU between sessions first (and every PostgreSQL backend is a session
// of its own): a relay in the same session as pgbench would share one slice
// with it, which no real deployment does (decision 0008).
void inOwnSession(QProcess &process)
{
    process.setChildProcessModifier([] { ::setsid(); });
}

bool runTool(const QString &program, const QStringList &arguments, QString *output, int timeoutMs = 600000)
{
    QProcess process;
    inOwnSession(process);
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(program, arguments);
    const bool finished = process.waitForFinished(timeoutMs);
    *output = QString::fromUtf8(process.readAll());
    return finished && process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0;
}

// Runs pgbench -S and returns its TPS (0 on failure, with the output printed).
double pgbenchTps(const QString &pgbench, quint16 port, const QString &user, int clients, const QString &mode, int seconds)
{
    const QStringList args{QStringLiteral("-h"), QStringLiteral("127.0.0.1"), QStringLiteral("-p"), QString::number(port),
                           QStringLiteral("-U"), user, QStringLiteral("-S"), QStringLiteral("-n"),
                           QStringLiteral("-M"), mode, QStringLiteral("-c"), QString::number(clients),
                           QStringLiteral("-j"), QString::number(qMin(clients, 2)), QStringLiteral("-T"),
                           QString::number(seconds), QStringLiteral("bench")};
    QString output;
    if (!runTool(pgbench, args, &output)) {
        out << "pgbench failed: " << output << Qt::endl;
        return 0;
    }
    static const QRegularExpression tps(QStringLiteral("tps = ([0-9.]+) \\(without initial connection time\\)"));
    const auto match = tps.match(output);
    return match.hasMatch() ? match.captured(1).toDouble() : 0;
}

// CPU time in clock ticks, from /proc: the whole machine's busy time, and
// the user + system time of one thread or process (its stat file).
qint64 machineBusyTicks()
{
    QFile stat(QStringLiteral("/proc/stat"));
    if (!stat.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> fields = stat.readLine().simplified().split(' '); // "cpu user nice system idle iowait ..."
    qint64 busy = 0;
    for (int i = 1; i < fields.size(); ++i) {
        if (i != 4 && i != 5) // idle, iowait
            busy += fields.at(i).toLongLong();
    }
    return busy;
}

qint64 taskTicks(const QString &statPath)
{
    QFile stat(statPath);
    if (statPath.isEmpty() || !stat.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray line = stat.readAll();
    // After the command name in parentheses: state is field 3, utime 14, stime 15.
    const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
    return fields.size() > 12 ? fields.at(11).toLongLong() + fields.at(12).toLongLong() : 0;
}

// The stat file of the first task under `directory` whose name is `name`.
QString findStat(const QString &directory, const QString &name)
{
    for (const QString &entry : QDir(directory).entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile comm(directory + QLatin1Char('/') + entry + QStringLiteral("/comm"));
        if (comm.open(QIODevice::ReadOnly) && comm.readAll().trimmed() == name.toUtf8())
            return directory + QLatin1Char('/') + entry + QStringLiteral("/stat");
    }
    return {};
}

// Connections that log in and then stay idle for the run, as most of an
// application's pool does. A relay must not pay for them at every wake-up.
std::vector<store::PgConnection> openIdleConnections(quint16 port, const QString &user, int count)
{
    std::vector<store::PgConnection> idle(count);
    for (store::PgConnection &connection : idle) {
        const store::PgError error = connection.open(
            QStringLiteral("host=127.0.0.1 port=%1 user=%2 dbname=bench").arg(port).arg(user));
        if (error)
            out << "an idle connection failed: " << error.toString() << Qt::endl;
    }
    return idle;
}

bool waitForPort(quint16 port, int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < timeoutMs) {
        QTcpSocket socket;
        socket.connectToHost(QStringLiteral("127.0.0.1"), port);
        if (socket.waitForConnected(500))
            return true;
        QThread::msleep(50); // polling a process we do not control; not a test
    }
    return false;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int seconds = argc > 1 ? QByteArray(argv[1]).toInt() : 10;
    const int scale = argc > 2 ? QByteArray(argv[2]).toInt() : 10;
    out << "proxy_bench: pgbench -S, " << seconds << " s per run, scale " << scale << "; machine: "
        << QThread::idealThreadCount() << " cores" << Qt::endl;

    const QString binDir = store::LocalCluster::findBinDir();
    QString pgbench = binDir + QStringLiteral("/pgbench");
    if (!QFile::exists(pgbench))
        pgbench = QStandardPaths::findExecutable(QStringLiteral("pgbench"));
    const QString pgbouncer = QStandardPaths::findExecutable(QStringLiteral("pgbouncer"), {QStringLiteral("/usr/sbin"), QStringLiteral("/usr/bin")});
    if (pgbench.isEmpty() || pgbouncer.isEmpty()) {
        out << "needs pgbench and pgbouncer (bash scripts/setup installs them)" << Qt::endl;
        return 1;
    }

    QTemporaryDir dir;
    ::chmod(QFile::encodeName(dir.path()).constData(), 0755);
    store::LocalCluster cluster({dir.filePath(QStringLiteral("pg")), false, 0, store::LocalCluster::Options::Access::Trust});
    QString why;
    if (!cluster.start(&why)) {
        out << "cannot start PostgreSQL: " << why << Qt::endl;
        return 1;
    }
    auto stopCluster = qScopeGuard([&cluster] { cluster.stop(nullptr); });
    {
        store::PgConnection admin;
        admin.open(cluster.connectionString());
        admin.exec(QStringLiteral("CREATE DATABASE bench"));
    }
    const QString user = cluster.user();
    QString output;
    out << "pgbench -i -s " << scale << " ..." << Qt::endl;
    if (!runTool(pgbench, {QStringLiteral("-i"), QStringLiteral("-q"), QStringLiteral("-s"), QString::number(scale),
                           QStringLiteral("-h"), QStringLiteral("127.0.0.1"), QStringLiteral("-p"),
                           QString::number(cluster.port()), QStringLiteral("-U"), user, QStringLiteral("bench")},
                 &output)) {
        out << "pgbench -i failed: " << output << Qt::endl;
        return 1;
    }

    // Tether's proxy, on its own thread as in the application.
    proxy::ProxyConfig config;
    config.port = 0;
    config.upstreamPort = quint16(cluster.port());
    proxy::ProxyService service(config);
    QSignalSpy listening(&service, &proxy::ProxyService::listening);
    QSignalSpy failed(&service, &proxy::ProxyService::failed);
    service.start();
    while (listening.isEmpty() && failed.isEmpty())
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 100);
    if (!failed.isEmpty()) {
        out << "proxy failed: " << failed.at(0).at(0).toString() << Qt::endl;
        return 1;
    }
    const quint16 proxyPort = listening.at(0).at(1).value<quint16>();

    // PgBouncer in session mode, each server connection used by one client
    // and then closed (server_lifetime = 0), like the proxy, which relays a
    // client's own login and so can never hand its backend to another client.
    // Kept open, PgBouncer's warm backends from the earlier runs made each
    // later run faster (8 clients, prepared, three runs in a row: 15.0k,
    // 16.7k, 16.9k TPS, the proxy flat), which measured pooling, not relaying.
    // It refuses to run as root, so then it runs as the postgres user.
    const quint16 bouncerPort = freePort();
    const QString bouncerDir = dir.filePath(QStringLiteral("pgbouncer"));
    QDir().mkpath(bouncerDir);
    ::chmod(QFile::encodeName(bouncerDir).constData(), 0777);
    QFile ini(bouncerDir + QStringLiteral("/pgbouncer.ini"));
    ini.open(QIODevice::WriteOnly);
    ini.write(QStringLiteral("[databases]\nbench = host=127.0.0.1 port=%1 dbname=bench\n"
                             "[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = %2\nunix_socket_dir =\n"
                             "auth_type = trust\nauth_file = %3/userlist.txt\npool_mode = session\nserver_lifetime = 0\n"
                             "max_client_conn = 200\ndefault_pool_size = 150\nlogfile = %3/pgbouncer.log\n"
                             "log_connections = 0\nlog_disconnections = 0\n")
                  .arg(cluster.port()).arg(bouncerPort).arg(bouncerDir).toUtf8());
    ini.close();
    QFile users(bouncerDir + QStringLiteral("/userlist.txt"));
    users.open(QIODevice::WriteOnly);
    users.write(QStringLiteral("\"%1\" \"\"\n").arg(user).toUtf8());
    users.close();
    QProcess bouncer;
    inOwnSession(bouncer);
    if (::geteuid() == 0)
        bouncer.start(QStringLiteral("runuser"), {QStringLiteral("-u"), QStringLiteral("postgres"), QStringLiteral("--"),
                                                  pgbouncer, ini.fileName()});
    else
        bouncer.start(pgbouncer, {ini.fileName()});
    if (!waitForPort(bouncerPort, 20000)) {
        out << "pgbouncer did not start; see " << bouncerDir << "/pgbouncer.log" << Qt::endl;
        return 1;
    }
    auto stopBouncer = qScopeGuard([&bouncer] {
        bouncer.terminate();
        bouncer.waitForFinished(10000);
    });

    // Where the CPU goes: the machine's busy time per transaction in each
    // run, and the relay's own (the proxy's thread, PgBouncer's process).
    const QString proxyThreadStat = findStat(QStringLiteral("/proc/self/task"), QStringLiteral("tether-proxy"));
    const QString bouncerStat = findStat(QStringLiteral("/proc"), QStringLiteral("pgbouncer"));
    const double microsecondsPerTick = 1e6 / double(::sysconf(_SC_CLK_TCK));
    struct Run { double tps = 0; double machineUs = 0; double relayUs = 0; };
    struct Setup { int clients; const char *mode; int idle; };
    const auto run = [&](quint16 port, const QString &relayStat, const Setup &setup) {
        const std::vector<store::PgConnection> idle = openIdleConnections(port, user, setup.idle);
        const qint64 machineBefore = machineBusyTicks();
        const qint64 relayBefore = taskTicks(relayStat);
        Run result;
        result.tps = pgbenchTps(pgbench, port, user, setup.clients, QString::fromLatin1(setup.mode), seconds);
        const double transactions = qMax(1.0, result.tps * seconds);
        result.machineUs = double(machineBusyTicks() - machineBefore) * microsecondsPerTick / transactions;
        result.relayUs = double(taskTicks(relayStat) - relayBefore) * microsecondsPerTick / transactions;
        return result;
    };
    QString cpuLines;
    out << Qt::endl << "clients  protocol   straight TPS   proxy TPS   pgbouncer TPS   proxy/straight   proxy/pgbouncer" << Qt::endl;
    for (const Setup setup : {Setup{1, "simple", 0}, Setup{8, "simple", 0}, Setup{8, "prepared", 0}, Setup{8, "prepared", 100}}) {
        const QString mode = QString::fromLatin1(setup.mode);
        const Run straightRun = run(quint16(cluster.port()), {}, setup);
        const Run proxyRun = run(proxyPort, proxyThreadStat, setup);
        const Run bouncerRun = run(bouncerPort, bouncerStat, setup);
        const double straight = straightRun.tps, proxied = proxyRun.tps, bounced = bouncerRun.tps;
        const QString clients = setup.idle ? QStringLiteral("%1+%2").arg(setup.clients).arg(setup.idle) : QString::number(setup.clients);
        out << qSetFieldWidth(7) << clients << qSetFieldWidth(0) << "  " << qSetFieldWidth(8) << mode
            << qSetFieldWidth(0) << "  " << qSetFieldWidth(13) << QString::number(straight, 'f', 0)
            << qSetFieldWidth(12) << QString::number(proxied, 'f', 0) << qSetFieldWidth(16)
            << QString::number(bounced, 'f', 0) << qSetFieldWidth(17)
            << QString::number(straight > 0 ? proxied / straight : 0, 'f', 2) << qSetFieldWidth(18)
            << QString::number(bounced > 0 ? proxied / bounced : 0, 'f', 2) << qSetFieldWidth(0) << Qt::endl;
        QTextStream cpu(&cpuLines);
        cpu << qSetFieldWidth(7) << clients << qSetFieldWidth(0) << "  " << qSetFieldWidth(8) << mode
            << qSetFieldWidth(11) << QString::number(straightRun.machineUs, 'f', 1)
            << qSetFieldWidth(8) << QString::number(proxyRun.machineUs, 'f', 1)
            << qSetFieldWidth(12) << QString::number(bouncerRun.machineUs, 'f', 1)
            << qSetFieldWidth(15) << QString::number(proxyRun.relayUs, 'f', 1)
            << qSetFieldWidth(20) << QString::number(bouncerRun.relayUs, 'f', 1)
            << qSetFieldWidth(0) << "\n";
    }
    const proxy::ProxyCounts counts = service.counts();
    out << "(8+100: 8 pgbench clients while 100 more connections stay open and idle)" << Qt::endl;
    out << Qt::endl << "CPU per transaction, microseconds: the machine's busy time in each run; the relay's own" << Qt::endl
        << "clients  protocol   straight   proxy   pgbouncer   proxy thread   pgbouncer process" << Qt::endl
        << cpuLines;
    out << Qt::endl << "proxy sessions served: " << counts.total << Qt::endl;
    service.stop();
    return 0;
}
