#include "store/localcluster.h"

#include "logging.h"
#include "store/pgconnection.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QRandomGenerator>
#include <QTcpServer>
#include <QTemporaryFile>
#include <QVersionNumber>
#include <csignal>
#include <fcntl.h>
#include <sys/stat.h>
#include <memory>
#include <pwd.h>
#include <unistd.h>

namespace tether::store {

namespace {

constexpr auto serverUserWhenRoot = "postgres";
// The pg_ident.conf map Tether writes and reads: who may be which role on the socket.
constexpr auto identMap = "owner";

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

namespace {
QString conninfoValue(QString value)
{
    if (!value.contains(u' ') && !value.contains(u'\'') && !value.contains(u'\\') && !value.isEmpty())
        return value;
    value.replace(u'\\', QStringLiteral("\\\\")).replace(u'\'', QStringLiteral("\\'"));
    return u'\'' + value + u'\'';
}

// The operating system user Tether runs as.
QString osUser()
{
    if (const passwd *pw = ::getpwuid(::geteuid()))
        return QString::fromLocal8Bit(pw->pw_name);
    return qEnvironmentVariable("USER");
}
} // namespace

QString LocalCluster::connectionString(const QString &database) const
{
    if (m_options.access == Options::Access::Trust)
        return QStringLiteral("host=%1 port=%2 user=%3 dbname=%4").arg(host()).arg(m_port).arg(user(), database);
    // libpq finds the socket as <directory>/.s.PGSQL.<port>.
    return QStringLiteral("host=%1 port=%2 user=%3 dbname=%4")
        .arg(conninfoValue(m_options.dataDir))
        .arg(m_port)
        .arg(user(), conninfoValue(database));
}

QString LocalCluster::tcpConnectionString(const QString &database) const
{
    QString info = QStringLiteral("host=%1 port=%2 user=%3 dbname=%4").arg(host()).arg(m_port).arg(user(), conninfoValue(database));
    if (m_options.access == Options::Access::OwnerOnly)
        info += QStringLiteral(" passfile=") + conninfoValue(passwordFile());
    return info;
}

QString LocalCluster::passwordFile() const
{
    if (m_options.access == Options::Access::Trust)
        return {};
    return m_options.dataDir + QStringLiteral(".pgpass");
}

QString LocalCluster::psqlCommand(const QString &database) const
{
    return QStringLiteral("psql \"%1\"").arg(connectionString(database));
}

QString LocalCluster::password(QString *error)
{
    QFile file(passwordFile());
    if (file.open(QIODevice::ReadOnly)) {
        // pgpass lines: host:port:database:user:password
        const QList<QByteArray> fields = file.readLine().trimmed().split(':');
        if (fields.size() == 5 && !fields[4].isEmpty())
            return QString::fromLatin1(fields[4]);
    }
    QByteArray random(24, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(random.data()), random.size() / 4);
    const QString secret = QString::fromLatin1(random.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
    QByteArray lines;
    for (const char *host : {"127.0.0.1", "localhost", "::1"})
        lines += QByteArray(host).replace(":", "\\:") + ":*:*:" + user().toUtf8() + ':' + secret.toLatin1() + '\n';
    // Written private from the start: never readable by anyone else, not even briefly.
    const QByteArray path = QFile::encodeName(passwordFile());
    const int fd = ::open(path.constData(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || ::fchmod(fd, 0600) != 0 || ::write(fd, lines.constData(), size_t(lines.size())) != lines.size()) {
        if (fd >= 0)
            ::close(fd);
        *error = tr("Could not write the database password file %1.").arg(passwordFile());
        return {};
    }
    ::close(fd);
    return secret;
}

bool LocalCluster::writeAccessRules(QString *error)
{
    // The owner on the socket by peer (root maps to the server's `postgres`
    // role); everyone else only with the password, only on loopback.
    const QByteArray hba =
        "# Written by Tether: the owner on the Unix socket (peer authentication),\n"
        "# otherwise the password (SCRAM) over loopback only. No trust.\n"
        "local   all   all                 peer map=" + QByteArray(identMap) + "\n"
        "host    all   all   127.0.0.1/32  scram-sha-256\n"
        "host    all   all   ::1/128       scram-sha-256\n";
    QByteArray ident = "# Written by Tether: who may be which role on the Unix socket.\n";
    ident += identMap + QByteArray("   ") + osUser().toUtf8() + "   " + user().toUtf8() + '\n';
    if (osUser() != user())
        ident += identMap + QByteArray("   ") + user().toUtf8() + "   " + user().toUtf8() + '\n';
    for (const auto &[name, content] : {qMakePair(QStringLiteral("pg_hba.conf"), hba), qMakePair(QStringLiteral("pg_ident.conf"), ident)}) {
        QFile file(m_options.dataDir + u'/' + name);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(content) != content.size()) {
            *error = tr("Could not write %1: %2").arg(file.fileName(), file.errorString());
            return false;
        }
    }
    return true;
}

bool LocalCluster::usesTrust() const
{
    QFile file(m_options.dataDir + QStringLiteral("/pg_hba.conf"));
    if (!file.open(QIODevice::ReadOnly))
        return false;
    while (!file.atEnd()) {
        const QByteArray line = file.readLine().trimmed();
        if (!line.startsWith('#') && line.split(' ').contains("trust"))
            return true;
        if (!line.startsWith('#') && line.endsWith("trust"))
            return true;
    }
    return false;
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
    QStringList args{QStringLiteral("-D"), m_options.dataDir, QStringLiteral("-U"), user(),
                     QStringLiteral("--encoding=UTF8"), QStringLiteral("--locale=C.UTF-8"), QStringLiteral("--no-instructions")};
    std::unique_ptr<QTemporaryFile> pwfile;
    if (m_options.access == Options::Access::Trust) {
        args << QStringLiteral("--auth=trust");
    } else {
        const QString secret = password(error);
        if (secret.isEmpty())
            return false;
        // initdb (the server user) reads the password from a private file of its own.
        pwfile = std::make_unique<QTemporaryFile>(QDir::temp().filePath(QStringLiteral("tether-initdb-XXXXXX")));
        if (!pwfile->open() || pwfile->write(secret.toLatin1() + '\n') < 0 || !pwfile->flush()) {
            *error = tr("Could not write a temporary file for initdb in %1.").arg(QDir::tempPath());
            return false;
        }
        if (runningAsRoot()) {
            if (const passwd *pw = ::getpwnam(serverUserWhenRoot))
                ::fchown(pwfile->handle(), pw->pw_uid, pw->pw_gid);
        }
        args << QStringLiteral("--auth-local=peer") << QStringLiteral("--auth-host=scram-sha-256")
             << QStringLiteral("--pwfile=") + pwfile->fileName();
    }
    if (!runTool(QStringLiteral("initdb"), args, 120000, &output)) {
        *error = tr("initdb failed for %1: %2").arg(m_options.dataDir, output);
        return false;
    }
    if (m_options.access == Options::Access::OwnerOnly && !writeAccessRules(error))
        return false;
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
    if (m_options.access == Options::Access::OwnerOnly && !usesTrust() && !letsUsIn(error))
        return false;
    if (!startServer(error))
        return false;
    if (m_options.access == Options::Access::OwnerOnly && usesTrust())
        return migrateFromTrust(error);
    return true;
}

bool LocalCluster::letsUsIn(QString *error) const
{
    // pg_ident.conf names who may be which role on the socket. A cluster made
    // by another user (root's is the `postgres` role's) would refuse us with
    // "Peer authentication failed", which says nothing of why: say it here.
    QFile file(m_options.dataDir + QStringLiteral("/pg_ident.conf"));
    if (!file.open(QIODevice::ReadOnly))
        return true; // the server says what is wrong with it
    QStringList madeFor;
    while (!file.atEnd()) {
        const QStringList fields = QString::fromUtf8(file.readLine()).simplified().split(u' ', Qt::SkipEmptyParts);
        if (fields.size() != 3 || fields[0] != QLatin1String(identMap))
            continue;
        if (fields[1] == osUser() && fields[2] == user())
            return true;
        madeFor << fields[1];
    }
    if (madeFor.isEmpty())
        return true;
    *error = tr("The PostgreSQL cluster in %1 was made for the operating-system user %2, and Tether runs as %3, who "
                "may not use it. Run Tether as %2, or move %1 away and Tether makes a new cluster there.")
                 .arg(m_options.dataDir, madeFor.first(), osUser());
    return false;
}

bool LocalCluster::migrateFromTrust(QString *error)
{
    // A cluster from an earlier version lets every local user in as the
    // superuser. While trust still works: give the role its password, then
    // write the new rules and restart (the socket's mode is set at start).
    qCInfo(lcStore) << "moving the cluster in" << m_options.dataDir << "from trust to peer and password authentication";
    const QString secret = password(error);
    if (secret.isEmpty())
        return false;
    {
        PgConnection db;
        PgError failed = db.open(QStringLiteral("host=%1 port=%2 user=%3 dbname=postgres").arg(host()).arg(m_port).arg(user()));
        if (!failed)
            failed = db.exec(QStringLiteral("ALTER ROLE %1 PASSWORD '%2'").arg(db.quoteIdentifier(user()), secret)).error(); // base64url: no quotes
        if (failed) {
            *error = tr("Could not set the database password while moving %1 away from trust authentication: %2")
                         .arg(m_options.dataDir, failed.toString());
            return false;
        }
    }
    if (!stop(error) || !writeAccessRules(error))
        return false;
    m_port = m_options.port;
    return startServer(error);
}

bool LocalCluster::startServer(QString *error)
{
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
                                  QStringLiteral("-c unix_socket_permissions=0700"),
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
