#include "proxy/proxyservice.h"

#include "logging.h"
#include "proxy/epolldispatcher.h"
#include "proxy/proxydatabase.h"
#include "proxy/salesforcewriter.h"
#include "proxy/writethrough.h"

namespace tether::proxy {

ProxyService::ProxyService(ProxyConfig config, QObject *parent) : QObject(parent), m_config(std::move(config))
{
    m_thread.setObjectName(QStringLiteral("tether-proxy"));
}

ProxyService::~ProxyService() { stop(); }

void ProxyService::setSalesforce(salesforce::OrgSession *session, salesforce::RateLimiter *limiter,
                                 salesforce::ApiBudget *budget)
{
    m_session = session;
    m_limiter = limiter;
    m_budget = budget;
}

void ProxyService::start()
{
    if (m_thread.isRunning())
        return;
    // The relay thread waits with epoll rather than poll(2) over every
    // session's sockets (decision 0008). TETHER_PROXY_EVENT_LOOP=qt keeps
    // Qt's own dispatcher, for comparing the two in benchmarks.
    if (qEnvironmentVariable("TETHER_PROXY_EVENT_LOOP") != QLatin1String("qt"))
        m_thread.setEventDispatcher(new EpollEventDispatcher); // the thread deletes it when it ends
    m_thread.start();
    m_context = new QObject;
    m_context->moveToThread(&m_thread);
    QMetaObject::invokeMethod(m_context, [this] {
        auto *server = new ProxyServer(m_config, &m_counts, m_context);
        ProxyDatabase *database = nullptr;
        if (m_config.writeThrough) {
            database = new ProxyDatabase(m_config.databaseConnectionString, m_context);
            // The RestClient is made here, so it lives in the proxy's thread.
            SalesforceWriter *writer = m_session ? new SalesforceWriter(m_session, m_limiter, m_budget, m_context) : nullptr;
            auto *writeThrough = new WriteThroughContext(writer, database, m_context);
            writeThrough->metrics = &m_writeMetrics;
            server->setWriteThrough(writeThrough);
        }
        QString error;
        if (server->start(&error)) {
            if (database)
                database->recordEndpoint(server->listenDescription());
            // Signals of the service are emitted in the service's own thread,
            // so that a receiver connected directly (QSignalSpy, a widget)
            // never runs in the proxy's.
            QMetaObject::invokeMethod(this, [this, host = server->serverAddress().toString(),
                                             port = server->serverPort()] {
                if (m_thread.isRunning()) // not stopped in the meantime
                    emit listening(host, port);
            },
                                      Qt::QueuedConnection);
            return;
        }
        qCWarning(lcProxy).noquote() << error;
        // Stopping joins this thread, so it happens in the service's own.
        QMetaObject::invokeMethod(this, [this, error] {
            stop();
            emit failed(error);
        }, Qt::QueuedConnection);
    });
}

void ProxyService::stop()
{
    if (!m_thread.isRunning())
        return;
    QObject *context = m_context;
    QMetaObject::invokeMethod(
        context,
        [context] {
            for (ProxyServer *server : context->findChildren<ProxyServer *>())
                server->shutdown();
            delete context; // server and sessions go with it, in their own thread
        },
        Qt::BlockingQueuedConnection);
    m_context = nullptr;
    m_thread.quit();
    m_thread.wait();
    qCInfo(lcProxy) << "proxy worker joined";
    emit stopped();
}

} // namespace tether::proxy
