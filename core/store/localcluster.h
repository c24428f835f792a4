// LocalCluster: a PostgreSQL cluster that Tether itself owns — initdb'd into a
// directory, started on a free loopback port, stopped on request.
//
// Used for the managed local database of demo mode and the desktop default,
// and by the test fixture. PostgreSQL refuses to run as root, so when Tether
// runs as root the server runs as the unprivileged `postgres` user via runuser.
#pragma once

#include <QString>

namespace tether::store {

class LocalCluster
{
public:
    struct Options
    {
        QString dataDir;
        // Trade durability for speed (fsync off): for tests and benchmarks only.
        bool unsafeFast = false;
        // 0 = pick a free port at start.
        int port = 0;
    };

    explicit LocalCluster(Options options);

    // Directory with initdb/pg_ctl/postgres: $TETHER_PG_BINDIR, else the newest
    // /usr/lib/postgresql/<version>/bin, else PATH. Empty when none is found.
    static QString findBinDir();

    bool isInitialized() const;
    // initdb when the directory holds no cluster yet. Idempotent.
    bool initialize(QString *error);
    // Starts the server and waits until it accepts connections.
    bool start(QString *error);
    // Fast shutdown; kills the postmaster if it does not stop in time.
    bool stop(QString *error);
    bool isRunning() const;
    // Postmaster pid from postmaster.pid, 0 when not running.
    qint64 postmasterPid() const;

    QString dataDir() const { return m_options.dataDir; }
    QString host() const { return QStringLiteral("127.0.0.1"); }
    int port() const { return m_port; }
    QString user() const;
    // libpq connection string for `database` on this cluster.
    QString connectionString(const QString &database = QStringLiteral("postgres")) const;

private:
    bool runTool(const QString &tool, const QStringList &arguments, int timeoutMs, QString *output);
    bool prepareDirectoryForServerUser(const QString &dir, QString *error);

    Options m_options;
    QString m_binDir;
    int m_port = 0;
};

} // namespace tether::store
