// ProxyServer: the proxy's listening socket and its sessions, inside the
// proxy's thread. It checks the configuration (TLS is mandatory off
// loopback), loads the certificate, accepts connections and gives each its
// ProxySession, and keeps the cancel-key table the sessions share.
#pragma once

#include "proxy/cancelkeys.h"
#include "proxy/proxyconfig.h"
#include "proxy/proxysession.h"
#include "proxy/writethrough.h"

#include <QPointer>

#include <QTcpServer>
#include <atomic>

namespace tether::proxy {

// Connection counts shared with other threads.
struct LiveCounts
{
    std::atomic<int> open{0};
    std::atomic<qint64> total{0};
};

class ProxyServer : public QTcpServer
{
    Q_OBJECT
public:
    // `counts` may be null; it must outlive the server.
    explicit ProxyServer(ProxyConfig config, LiveCounts *counts = nullptr, QObject *parent = nullptr);
    ~ProxyServer() override;

    // Checks the configuration, loads the TLS certificate and key, and
    // listens. On failure returns false with a sentence in `error`.
    bool start(QString *error);
    // Closes the listening socket and every session at once.
    void shutdown();

    // "127.0.0.1:6543" once listening.
    QString listenDescription() const;
    ProxyCounts counts() const;
    const CancelKeys &cancelKeys() const { return m_cancelKeys; }
    // Every session from now on writes through to Salesforce (null: a plain relay).
    void setWriteThrough(WriteThroughContext *context) { m_writeThrough = context; }

signals:
    // A session was accepted; connect here (directly, same thread) to watch
    // or steer it before it reads its first byte.
    void sessionStarted(tether::proxy::ProxySession *session);

protected:
    void incomingConnection(qintptr socketDescriptor) override;

private:
    bool loadTls(QString *error);

    ProxyConfig m_config;
    LiveCounts m_ownCounts;
    LiveCounts *m_counts;
    SessionSettings m_settings;
    CancelKeys m_cancelKeys;
    QPointer<WriteThroughContext> m_writeThrough;
};

} // namespace tether::proxy
