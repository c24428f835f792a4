#include "store/localcluster.h"

#include "logging.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QTcpServer>
#include <QVersionNumber>
#include <csignal>
#include <pwd.h>
#include <unistd.h>

namespace tether::store {

namespace {

constexpr auto serverUserWhenRoot = "postgres";

bool runningAsRoot() { return ::geteuid() == 0; }

QString tr(const char *text) { return QCoreApplication::translate("LocalCluster", text); }

int pickFreePort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

} // namespace

LocalCluster::LocalCluster(Options options)
    : m_options(std::move(options)), m_binDir(findBinDir()), m_port(m_options.port)
{
    m_options.dataDir = QFileInfo(m_options.dataDir).absoluteFilePath();
}

QString LocalCluster::findBinDir()
{
    const QString fromEnv = qEnvironmentVariable("TETHER_PG_BINDIR");
    if (!fromEnv.isEmpty())
        return fromEnv;
    QDir versions(QStringLiteral("/usr/lib/postgresql"));
    QVersionNumber best;
    QString bestDir;
    const QStringList entries = versions.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        const QVersionNumber version = QVersionNumber::fromString(entry);
        const QString bin = versions.filePath(entry + QStringLiteral("/bin"));
        if (version > best && QFileInfo::exists(bin + QStringLiteral("/initdb"))) {
            best = version;
            bestDir = bin;
        }
    }
    if (!bestDir.isEmpty())
        return bestDir;
    const QString initdb = QStandardPaths::findExecutable(QStringLiteral("initdb"));
    return initdb.isEmpty() ? QString() : QFileInfo(initdb).absolutePath();
}

QString LocalCluster::user() const
{
    if (runningAsRoot())
        return QString::fromLatin1(serverUserWhenRoot);
    if (const passwd *pw = ::getpwuid(::geteuid()))
        return QString::fromLocal8Bit(pw->pw_name);
    return qEnvironmentVariable("USER");
}

QString LocalCluster::connectionString(const QString &database) const
{
    return QStringLiteral("host=%1 port=%2 user=%3 dbname=%4")
        .arg(host())
        .arg(m_port)
        .arg(user(), database);
}

bool LocalCluster::isInitialized() const
{
    return QFileInfo::exists(m_options.dataDir + QStringLiteral("/PG_VERSION"));
}

bool LocalCluster::runTool(const QString &tool, const QStringList &arguments, int timeoutMs,
                           QString *output)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    const QString program = m_binDir + u'/' + tool;
    if (runningAsRoot()) {
        process.setProgram(QStringLiteral("runuser"));
        process.setArguments(QStringList{QStringLiteral("-u"), QString::fromLatin1(serverUserWhenRoot),
                                         QStringLiteral("--"), program} +
                             arguments);
    } else {
        process.setProgram(program);
        process.setArguments(arguments);
    }
    // A clean locale keeps initdb from failing on an unset or unknown LANG.
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("LC_ALL"), QStringLiteral("C.UTF-8"));
    env.insert(QStringLiteral("LANG"), QStringLiteral("C.UTF-8"));
    process.setProcessEnvironment(env);
    process.setWorkingDirectory(QDir::tempPath());
    process.start();
    const bool finished = process.waitForFinished(timeoutMs);
    if (output)
        *output = QString::fromLocal8Bit(process.readAll()).trimmed();
    if (!finished) {
        process.kill();
        process.waitForFinished(2000);
        if (output)
            *output = tr("%1 did not finish within %2 seconds. %3").arg(tool).arg(timeoutMs / 1000).arg(*output);
        return false;
    }
    if (process.error() == QProcess::FailedToStart) {
        if (output)
            *output = tr("Could not run %1: %2").arg(process.program(), process.errorString());
        return false;
    }
    return process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0;
}

bool LocalCluster::prepareDirectoryForServerUser(const QString &dir, QString *error)
{
    if (!QDir().mkpath(dir)) {
        *error = tr("Could not create the database directory %1.").arg(dir);
        return false;
    }
    if (!runningAsRoot())
        return true;
    const passwd *pw = ::getpwnam(serverUserWhenRoot);
    if (!pw) {
        *error = tr("PostgreSQL refuses to run as root and there is no '%1' user to run it as. "
                    "Install postgresql or run Tether as an ordinary user.")
                     .arg(QString::fromLatin1(serverUserWhenRoot));
        return false;
    }
    if (::chown(QFile::encodeName(dir).constData(), pw->pw_uid, pw->pw_gid) != 0) {
        *error = tr("Could not hand %1 to the '%2' user.").arg(dir, QString::fromLatin1(serverUserWhenRoot));
        return false;
    }
    // The server user must be able to reach the directory through its parents.
    QString probeOutput;
    QProcess probe;
    probe.start(QStringLiteral("runuser"), {QStringLiteral("-u"), QString::fromLatin1(serverUserWhenRoot),
                                            QStringLiteral("--"), QStringLiteral("test"),
                                            QStringLiteral("-w"), dir});
    if (!probe.waitForFinished(10000) || probe.exitCode() != 0) {
        *error = tr("The '%1' user cannot write to %2 (a parent directory is not accessible). "
                    "Choose a data directory outside private home directories.")
                     .arg(QString::fromLatin1(serverUserWhenRoot), dir);
        return false;
    }
    return true;
}

bool LocalCluster::initialize(QString *error)
{
    QString ignored;
    error = error ? error : &ignored;
    if (isInitialized())
        return true;
    if (m_binDir.isEmpty()) {
        *error = tr("PostgreSQL's server programs (initdb, pg_ctl) were not found. "
                    "Install postgresql-15 or set TETHER_PG_BINDIR.");
        return false;
    }
    if (!prepareDirectoryForServerUser(m_options.dataDir, error))
        return false;
    QString output;
    const QStringList args{QStringLiteral("-D"),         m_options.dataDir,
                           QStringLiteral("-U"),         user(),
                           QStringLiteral("--auth=trust"), QStringLiteral("--encoding=UTF8"),
                           QStringLiteral("--locale=C.UTF-8"), QStringLiteral("--no-instructions")};
    if (!runTool(QStringLiteral("initdb"), args, 120000, &output)) {
        *error = tr("initdb failed for %1: %2").arg(m_options.dataDir, output);
        return false;
    }
    qCInfo(lcStore) << "initialised PostgreSQL cluster in" << m_options.dataDir;
    return true;
}

qint64 LocalCluster::postmasterPid() const
{
    QFile pidFile(m_options.dataDir + QStringLiteral("/postmaster.pid"));
    if (!pidFile.open(QIODevice::ReadOnly))
        return 0;
    const qint64 pid = pidFile.readLine().trimmed().toLongLong();
    if (pid <= 0 || ::kill(pid_t(pid), 0) != 0)
        return 0;
    return pid;
}

bool LocalCluster::isRunning() const { return postmasterPid() != 0; }

bool LocalCluster::start(QString *error)
{
    QString ignored;
    error = error ? error : &ignored;
    if (!initialize(error))
        return false;
    if (isRunning()) {
        // Adopt a server left running by an earlier process: read its port.
        QFile pidFile(m_options.dataDir + QStringLiteral("/postmaster.pid"));
        if (pidFile.open(QIODevice::ReadOnly)) {
            const QList<QByteArray> lines = pidFile.readAll().split('\n');
            if (lines.size() > 3)
                m_port = lines.at(3).trimmed().toInt();
        }
        if (m_port > 0)
            return true;
    }
    // A free port can be taken between our probe and the server's bind; retry.
    for (int attempt = 0; attempt < 5; ++attempt) {
        const int port = m_options.port > 0 ? m_options.port : pickFreePort();
        QStringList serverOptions{QStringLiteral("-p %1").arg(port),
                                  QStringLiteral("-c listen_addresses=127.0.0.1"),
                                  QStringLiteral("-c unix_socket_directories='%1'").arg(m_options.dataDir),
                                  QStringLiteral("-c max_connections=200")};
        if (m_options.unsafeFast)
            serverOptions << QStringLiteral("-c fsync=off -c synchronous_commit=off -c full_page_writes=off");
        QString output;
        const QStringList args{QStringLiteral("-D"), m_options.dataDir,
                               QStringLiteral("-l"), m_options.dataDir + QStringLiteral("/server.log"),
                               QStringLiteral("-o"), serverOptions.join(u' '),
                               QStringLiteral("-w"), QStringLiteral("-t"), QStringLiteral("60"),
                               QStringLiteral("start")};
        if (runTool(QStringLiteral("pg_ctl"), args, 90000, &output)) {
            m_port = port;
            qCInfo(lcStore) << "PostgreSQL started on port" << port << "from" << m_options.dataDir;
            return true;
        }
        QFile log(m_options.dataDir + QStringLiteral("/server.log"));
        QString tail;
        if (log.open(QIODevice::ReadOnly)) {
            const QList<QByteArray> lines = log.readAll().trimmed().split('\n');
            tail = QString::fromUtf8(lines.mid(qMax(0, lines.size() - 3)).join(' '));
        }
        *error = tr("PostgreSQL in %1 did not start: %2 %3").arg(m_options.dataDir, output, tail);
        if (m_options.port > 0 || !tail.contains(QStringLiteral("could not bind")))
            return false;
    }
    return false;
}

bool LocalCluster::stop(QString *error)
{
    QString ignored;
    error = error ? error : &ignored;
    if (!isRunning())
        return true;
    QString output;
    const QStringList args{QStringLiteral("-D"), m_options.dataDir, QStringLiteral("-m"),
                           QStringLiteral("fast"), QStringLiteral("-w"), QStringLiteral("-t"),
                           QStringLiteral("30"), QStringLiteral("stop")};
    if (runTool(QStringLiteral("pg_ctl"), args, 40000, &output))
        return true;
    if (const qint64 pid = postmasterPid()) {
        ::kill(pid_t(pid), SIGKILL);
        qCWarning(lcStore) << "PostgreSQL did not stop in time and was killed:" << output;
        return true;
    }
    *error = tr("Could not stop PostgreSQL in %1: %2").arg(m_options.dataDir, output);
    return false;
}

} // namespace tether::store
