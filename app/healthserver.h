// HealthServer: `--health-listen ADDRESS:PORT` — a small HTTP server on the
// main thread for whoever watches a headless Tether (a load balancer, systemd,
// Prometheus). GET /healthz answers 200 while Tether is logged in and syncing
// and 503 with a JSON reason otherwise; GET /metrics is the Prometheus text
// format: per-table rows, phase, freshness lag and API calls, API calls by
// category, the org's usage and limit, the rate, proxy connections, writes
// accepted and refused and their latency. Everything is read from the engine
// controller's last statuses and the thread-safe counters, never from the
// database, so a scrape never waits.
#pragma once

#include <QHostAddress>
#include <QObject>
#include <memory>

class QHttpServer;

namespace tether::lifecycle {
class EngineController;
}

class HealthServer : public QObject
{
    Q_OBJECT
public:
    explicit HealthServer(tether::lifecycle::EngineController *controller, QObject *parent = nullptr);
    ~HealthServer() override;

    // Listens; returns the port (the real one when 0 was asked), 0 on failure
    // with a sentence in `error`.
    quint16 listen(const QString &address, quint16 port, QString *error);

    // The bodies, for the routes and for tests. `healthy` says which status
    // /healthz answers with.
    QByteArray healthz(bool *healthy) const;
    QByteArray metrics() const;

private:
    tether::lifecycle::EngineController *m_controller;
    std::unique_ptr<QHttpServer> m_server;
    bool m_databaseReachable = true;
    QString m_databaseSentence;
};
