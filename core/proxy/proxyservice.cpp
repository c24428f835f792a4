#include "proxy/proxyservice.h"

#include "logging.h"

namespace tether::proxy {

ProxyService::ProxyService(ProxyConfig config, QObject *parent) : QObject(parent), m_config(std::move(config))
{
    m_thread.setObjectName(QStringLiteral("tether-proxy"));
}

ProxyService::~ProxyService() { stop(); }

void ProxyService::start()
{
    if (m_thread.isRunning())
        return;
    m_thread.start();
    m_context = new QObject;
    m_context->moveToThread(&m_thread);
    QMetaObject::invokeMethod(m_context, [this] {
        auto *server = new ProxyServer(m_config, &m_counts, m_context);
        QString error;
        if (server->start(&error)) {
            emit listening(server->serverAddress().toString(), server->serverPort());
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
