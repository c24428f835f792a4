// LocalCluster: a PostgreSQL cluster that Tether itself owns — initdb'd into a
// directory, started on a free loopback port, stopped on request.
//
// Used for the managed local database of demo mode and the desktop default,
// and by the test fixture. PostgreSQL refuses to run as root, so when Tether
// runs as root the server runs as the unprivileged `postgres` user via runuser.
//
// Who gets in (Access::OwnerOnly, the default): the person Tether runs as, on
// the Unix socket, which lives in the data directory (mode 0700) and is
// checked by peer authentication; over TCP, and only on loopback, whoever has
// the generated password (SCRAM), which is kept in a 0600 pgpass file next to
// the data directory — that is how the proxy's clients get in. Another local
// user can do neither. Clusters made by earlier versions with trust
// authentication are moved to this on start (docs/decisions/0022).
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
        enum class Access {
            OwnerOnly, // peer on the socket, SCRAM password on loopback TCP
            Trust,     // anyone on this machine: for throwaway test clusters only
        };
        Access access = Access::OwnerOnly;
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
    // What Tether itself uses: the Unix socket, peer authentication, no password.
    QString connectionString(const QString &database = QStringLiteral("postgres")) const;
    // Over loopback TCP with the password file (how the proxy reaches it).
    QString tcpConnectionString(const QString &database = QStringLiteral("postgres")) const;
    // pgpass file with the superuser's password (0600; empty for Trust clusters).
    QString passwordFile() const;
    // The command the owner runs to look at the database with psql.
    QString psqlCommand(const QString &database = QStringLiteral("postgres")) const;

private:
    bool runTool(const QString &tool, const QStringList &arguments, int timeoutMs, QString *output);
    bool prepareDirectoryForServerUser(const QString &dir, QString *error);
    bool startServer(QString *error);
    QString password(QString *error); // from the password file, made when there is none
    bool writeAccessRules(QString *error); // pg_hba.conf and pg_ident.conf for OwnerOnly
    bool usesTrust() const;               // pg_hba.conf still lets anyone in
    bool letsUsIn(QString *error) const;  // pg_ident.conf maps the user we run as to user()
    bool migrateFromTrust(QString *error);

    Options m_options;
    QString m_binDir;
    int m_port = 0;
};

} // namespace tether::store
