#include "healthserver.h"

#include "lifecycle/enginecontroller.h"
#include "proxy/writemetrics.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QHttpServer>
#include <QHttpServerResponse>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMetaEnum>
#include <QTcpServer>

using tether::lifecycle::EngineController;

namespace {

// A label value in the exposition format: backslash, quote and newline escaped.
QByteArray label(const QString &value)
{
    QByteArray out = value.toUtf8();
    out.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n");
    return '"' + out + '"';
}

QByteArray number(double value) { return QByteArray::number(value, 'g', 15); }

// Writes metric families: HELP and TYPE once, then the samples.
class Exposition
{
public:
    void family(const char *name, const char *type, const char *help)
    {
        m_text += "# HELP " + QByteArray(name) + ' ' + help + "\n# TYPE " + name + ' ' + type + '\n';
    }
    void sample(const QByteArray &nameAndLabels, double value) { m_text += nameAndLabels + ' ' + number(value) + '\n'; }
    QByteArray text() const { return m_text; }

private:
    QByteArray m_text;
};

} // namespace

HealthServer::HealthServer(EngineController *controller, QObject *parent)
    : QObject(parent), m_controller(controller), m_server(std::make_unique<QHttpServer>())
{
    connect(controller, &EngineController::databaseStateChanged, this, [this](bool reachable, const QString &sentence) {
        m_databaseReachable = reachable;
        m_databaseSentence = sentence;
    });
    m_server->route(QStringLiteral("/healthz"), [this] {
        bool healthy = false;
        const QByteArray body = healthz(&healthy);
        return QHttpServerResponse(QByteArrayLiteral("application/json"), body,
                                   healthy ? QHttpServerResponse::StatusCode::Ok
                                           : QHttpServerResponse::StatusCode::ServiceUnavailable);
    });
    m_server->route(QStringLiteral("/metrics"), [this] {
        return QHttpServerResponse(QByteArrayLiteral("text/plain; version=0.0.4; charset=utf-8"), metrics());
    });
}

HealthServer::~HealthServer() = default;

quint16 HealthServer::listen(const QString &address, quint16 port, QString *error)
{
    const QHostAddress host =
        address == u"localhost" ? QHostAddress(QHostAddress::LocalHost) : QHostAddress(address);
    const quint16 bound = m_server->listen(host, port);
    if (!bound) {
        *error = tr("Cannot serve health checks on %1:%2: the address is not this machine's or the port is taken. "
                    "Choose another with --health-listen.")
                     .arg(address)
                     .arg(port);
    }
    return bound;
}

QByteArray HealthServer::healthz(bool *healthy) const
{
    const EngineController::State state = m_controller->state();
    QJsonObject body{{QStringLiteral("state"), EngineController::stateName(state)}};
    QString reason;
    if (state != EngineController::State::Syncing)
        reason = m_controller->sentence().isEmpty() ? tr("Tether is not syncing.") : m_controller->sentence();
    else if (!m_databaseReachable)
        reason = m_databaseSentence;
    *healthy = reason.isEmpty();
    body.insert(QStringLiteral("status"), *healthy ? QStringLiteral("ok") : QStringLiteral("unavailable"));
    if (!reason.isEmpty())
        body.insert(QStringLiteral("reason"), reason);
    body.insert(QStringLiteral("tables"), int(m_controller->tableStatuses().size()));
    return QJsonDocument(body).toJson(QJsonDocument::Compact) + '\n';
}

QByteArray HealthServer::metrics() const
{
    using tether::salesforce::ApiCategory;
    using tether::sync::Phase;
    Exposition out;

    out.family("tether_engine_state", "gauge", "1 for the state the engine is in (starting, syncing, failed, ...).");
    const QMetaEnum states = QMetaEnum::fromType<EngineController::State>();
    for (int i = 0; i < states.keyCount(); ++i) {
        const auto state = EngineController::State(states.value(i));
        out.sample("tether_engine_state{state=" + label(EngineController::stateName(state)) + '}',
                   m_controller->state() == state ? 1 : 0);
    }
    out.family("tether_database_reachable", "gauge", "1 while PostgreSQL answers.");
    out.sample("tether_database_reachable", m_databaseReachable ? 1 : 0);

    const QList<tether::sync::TableStatus> tables = m_controller->tableStatuses();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    out.family("tether_table_rows", "gauge", "Rows in the mirror table.");
    for (const auto &t : tables)
        out.sample("tether_table_rows{object=" + label(t.objectName) + ",table=" + label(t.tableName) + '}', t.rowsInTable);
    out.family("tether_table_phase", "gauge", "1 for the phase each table is in.");
    for (const auto &t : tables) {
        for (Phase phase : {Phase::Discovering, Phase::Backfilling, Phase::Polling, Phase::Paused, Phase::Error})
            out.sample("tether_table_phase{object=" + label(t.objectName) + ",phase=" +
                           label(tether::sync::phaseName(phase)) + '}',
                       t.phase == phase ? 1 : 0);
    }
    out.family("tether_table_freshness_lag_seconds", "gauge",
               "Seconds since the table's last successful poll (absent before the first).");
    for (const auto &t : tables) {
        if (t.lastPoll.isValid())
            out.sample("tether_table_freshness_lag_seconds{object=" + label(t.objectName) + '}',
                       double(t.lastPoll.msecsTo(now)) / 1000.0);
    }
    out.family("tether_table_api_calls", "gauge", "Salesforce API calls spent on the table (shared calls in parts).");
    for (const auto &t : tables)
        out.sample("tether_table_api_calls{object=" + label(t.objectName) + '}', t.apiCalls);

    if (const auto *budget = m_controller->apiBudget()) {
        out.family("tether_api_calls_total", "counter", "Salesforce API calls Tether made, by why it made them.");
        for (ApiCategory c : {ApiCategory::Backfill, ApiCategory::Poll, ApiCategory::Write, ApiCategory::Schema,
                              ApiCategory::Other})
            out.sample("tether_api_calls_total{category=" + label(tether::salesforce::categoryName(c)) + '}',
                       double(budget->callsMade(c)));
        if (budget->max() >= 0) {
            out.family("tether_org_api_requests_used", "gauge", "The org's API requests used today (all clients).");
            out.sample("tether_org_api_requests_used", double(budget->used()));
            out.family("tether_org_api_requests_limit", "gauge", "The org's daily API request limit.");
            out.sample("tether_org_api_requests_limit", double(budget->max()));
        }
        out.family("tether_background_paused", "gauge", "1 while background sync waits for API quota.");
        out.sample("tether_background_paused", budget->backgroundPaused() ? 1 : 0);
    }
    if (const auto *limiter = m_controller->rateLimiter()) {
        out.family("tether_rate_limit_requests_per_second", "gauge", "The configured Salesforce request rate.");
        out.sample("tether_rate_limit_requests_per_second", limiter->requestsPerSecond());
    }

    if (const auto *proxy = m_controller->proxyService()) {
        const tether::proxy::ProxyCounts counts = proxy->counts();
        out.family("tether_proxy_connections", "gauge", "Client connections open through the proxy.");
        out.sample("tether_proxy_connections", counts.open);
        out.family("tether_proxy_connections_total", "counter", "Client connections the proxy accepted.");
        out.sample("tether_proxy_connections_total", double(counts.total));
        const tether::proxy::WriteMetrics &writes = proxy->writeMetrics();
        out.family("tether_proxy_writes_total", "counter",
                   "Transactions with writes to synced tables, by whether Salesforce accepted them.");
        out.sample("tether_proxy_writes_total{outcome=\"accepted\"}", double(writes.accepted.load()));
        out.sample("tether_proxy_writes_total{outcome=\"refused\"}", double(writes.refused.load()));
        out.family("tether_proxy_write_latency_seconds", "histogram",
                   "From the commit until Salesforce's answer was applied.");
        for (size_t i = 0; i < writes.BucketBounds.size(); ++i)
            out.sample("tether_proxy_write_latency_seconds_bucket{le=" +
                           label(QString::number(writes.BucketBounds[i])) + '}',
                       double(writes.buckets[i].load()));
        out.sample("tether_proxy_write_latency_seconds_bucket{le=\"+Inf\"}", double(writes.count.load()));
        out.sample("tether_proxy_write_latency_seconds_sum", double(writes.sumMicroseconds.load()) / 1e6);
        out.sample("tether_proxy_write_latency_seconds_count", double(writes.count.load()));
    }
    return out.text();
}
