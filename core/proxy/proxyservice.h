// ProxyService: runs the write-through proxy (a ProxyServer and its sessions,
// the Salesforce writer and the proxy's own database connection) on a worker
// thread of its own, like SyncService does for the sync engine. Everything is
// created inside the thread so its sockets belong to it; stop() closes every
// session, quits the thread and joins it.
#pragma once

#include "proxy/proxyconfig.h"
#include "proxy/proxyserver.h"
#include "proxy/writemetrics.h"

#include <QObject>
#include <QThread>

namespace tether::salesforce {
class ApiBudget;
class OrgSession;
class RateLimiter;
} // namespace tether::salesforce

namespace tether::proxy {

class ProxyService : public QObject
{
    Q_OBJECT
public:
    explicit ProxyService(ProxyConfig config, QObject *parent = nullptr);
    ~ProxyService() override; // stops and joins the worker

    // The org writes go to; call before start(). All three are thread-safe
    // and must outlive the service. Without a session every captured write
    // is refused at COMMIT with a sentence.
    void setSalesforce(salesforce::OrgSession *session, salesforce::RateLimiter *limiter, salesforce::ApiBudget *budget);

    bool isRunning() const { return m_thread.isRunning(); }
    const ProxyConfig &config() const { return m_config; }
    // Thread-safe; for the dashboard.
    ProxyCounts counts() const { return ProxyCounts{m_counts.open.load(), m_counts.total.load()}; }
    // Thread-safe; for /metrics: writes accepted and refused, their latency.
    const WriteMetrics &writeMetrics() const { return m_writeMetrics; }

public slots:
    // Listens in the worker thread; emits listening() or failed().
    void start();
    // Closes the listening socket and every client connection, joins the
    // worker thread. Emits stopped().
    void stop();

signals:
    // All three are emitted in the thread the service lives in, never in the
    // proxy's own, so receivers may be connected directly.
    // Ready: clients may connect to host:port (port is the real one when 0 was asked).
    void listening(const QString &host, quint16 port);
    // The proxy could not start; the sentence says why and what to do.
    void failed(const QString &sentence);
    void stopped();

private:
    ProxyConfig m_config;
    salesforce::OrgSession *m_session = nullptr;
    salesforce::RateLimiter *m_limiter = nullptr;
    salesforce::ApiBudget *m_budget = nullptr;
    LiveCounts m_counts;
    WriteMetrics m_writeMetrics;
    QThread m_thread;
    QObject *m_context = nullptr; // lives in m_thread; parent of the server
};

} // namespace tether::proxy
