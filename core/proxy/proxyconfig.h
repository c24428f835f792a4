// ProxyConfig: where the proxy listens, which PostgreSQL it relays to, and its
// TLS certificate. Filled from the command line (--proxy-port,
// --proxy-listen, --proxy-tls-cert, --proxy-tls-key).
#pragma once

#include <QString>
#include <QtGlobal>

namespace tether::proxy {

struct ProxyConfig
{
    // An IP address or "localhost". Anything but loopback requires TLS.
    QString listenAddress = QStringLiteral("127.0.0.1");
    // 0 picks a free port; the listening() signal says which.
    quint16 port = 6543;
    // PostgreSQL over TCP, so that its own authentication (SCRAM, md5) applies
    // to every proxied client. Never a Unix socket with peer authentication:
    // every client would then log in as the user Tether runs as.
    QString upstreamHost = QStringLiteral("127.0.0.1");
    quint16 upstreamPort = 5432;
    // PEM files. When given, SSLRequest is answered 'S' and TLS is served;
    // required when listenAddress is not loopback.
    QString tlsCertificatePath;
    QString tlsKeyPath;
    // Write-through: writes to synced tables reach Salesforce before COMMIT
    // (see writethrough.h). Off: a plain relay.
    bool writeThrough = true;
    // Tether's own libpq connection string for the same database: the write
    // log, refreshed rows after a lost update, the proxy's address for the
    // error a bypassing write gets. Empty: none of those.
    QString databaseConnectionString;
};

// Live figures for the dashboard.
struct ProxyCounts
{
    int open = 0;      // client connections open now
    qint64 total = 0;  // client connections accepted since start
};

} // namespace tether::proxy
