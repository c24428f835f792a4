// proxy_bench: read throughput of Tether's proxy against PostgreSQL straight
// and against PgBouncer (Debian's pgbouncer, session mode), same machine,
// same run. `pgbench -S` (one indexed SELECT per transaction) at 1 client and
// at 8 clients, simple and prepared protocol. Prints TPS and the ratios.
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
                             "max_client_conn = 100\ndefault_pool_size = 20\nlogfile = %3/pgbouncer.log\n"
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

    struct Setup { int clients; const char *mode; };
    out << Qt::endl << "clients  protocol   straight TPS   proxy TPS   pgbouncer TPS   proxy/straight   proxy/pgbouncer" << Qt::endl;
    for (const Setup setup : {Setup{1, "simple"}, Setup{8, "simple"}, Setup{8, "prepared"}}) {
        const QString mode = QString::fromLatin1(setup.mode);
        const double straight = pgbenchTps(pgbench, quint16(cluster.port()), user, setup.clients, mode, seconds);
        const double proxied = pgbenchTps(pgbench, proxyPort, user, setup.clients, mode, seconds);
        const double bounced = pgbenchTps(pgbench, bouncerPort, user, setup.clients, mode, seconds);
        out << qSetFieldWidth(7) << setup.clients << qSetFieldWidth(0) << "  " << qSetFieldWidth(8) << mode
            << qSetFieldWidth(0) << "  " << qSetFieldWidth(13) << QString::number(straight, 'f', 0)
            << qSetFieldWidth(12) << QString::number(proxied, 'f', 0) << qSetFieldWidth(16)
            << QString::number(bounced, 'f', 0) << qSetFieldWidth(17)
            << QString::number(straight > 0 ? proxied / straight : 0, 'f', 2) << qSetFieldWidth(18)
            << QString::number(bounced > 0 ? proxied / bounced : 0, 'f', 2) << qSetFieldWidth(0) << Qt::endl;
    }
    const proxy::ProxyCounts counts = service.counts();
    out << Qt::endl << "proxy sessions served: " << counts.total << Qt::endl;
    service.stop();
    return 0;
}
