#include "sync/syncservice.h"

#include "logging.h"
#include "salesforce/apibudget.h"
#include "salesforce/restclient.h"

namespace tether::sync {

SyncService::SyncService(salesforce::OrgSession *session, salesforce::RateLimiter *limiter,
                         salesforce::ApiBudget *budget, SyncConfig config, QObject *parent)
    : QObject(parent), m_session(session), m_limiter(limiter), m_budget(budget), m_config(std::move(config))
{
    qRegisterMetaType<tether::sync::TableStatus>();
    m_thread.setObjectName(QStringLiteral("tether-sync"));
}

SyncService::~SyncService() { stop(); }

void SyncService::start()
{
    if (m_thread.isRunning())
        return;
    m_thread.start();
    m_context = new QObject;
    m_context->moveToThread(&m_thread);
    // Client and engine are created inside the worker so that their sockets,
    // timers and database connection belong to it.
    QMetaObject::invokeMethod(m_context, [this] {
        auto *client = new salesforce::RestClient(m_session, m_limiter, m_budget, m_context);
        // While background work is paused for quota, the budget asks for /limits
        // now and then to learn when quota has freed up.
        if (m_budget)
            connect(m_budget, &salesforce::ApiBudget::probeRequested, client, &salesforce::RestClient::probeLimits);
        m_engine = new SyncEngine(client, m_config, m_context);
        connect(m_engine, &SyncEngine::tableStatusChanged, this, &SyncService::tableStatusChanged);
        connect(m_engine, &SyncEngine::backfillCompleted, this, &SyncService::backfillCompleted);
        connect(m_engine, &SyncEngine::pollApplied, this, &SyncService::pollApplied);
        connect(m_engine, &SyncEngine::reconciled, this, &SyncService::reconciled);
        connect(m_engine, &SyncEngine::schemaChanged, this, &SyncService::schemaChanged);
        connect(m_engine, &SyncEngine::caughtUp, this, &SyncService::caughtUp);
        connect(m_engine, &SyncEngine::databaseStateChanged, this, &SyncService::databaseStateChanged);
        connect(m_engine, &SyncEngine::fatalError, this, &SyncService::fatalError);
        m_interruptible = m_engine;
        m_engine->start();
    });
}

void SyncService::stop()
{
    if (!m_thread.isRunning())
        return;
    QObject *context = m_context;
    // A statement the engine is running right now ends at once instead of
    // holding up the queued stop below.
    if (SyncEngine *engine = m_interruptible.load())
        engine->interrupt();
    QMetaObject::invokeMethod(
        context,
        [this, context] {
            if (m_engine)
                m_engine->stop();
            m_interruptible = nullptr;
            m_engine = nullptr;
            delete context; // client and engine go with it, in their own thread
        },
        Qt::BlockingQueuedConnection);
    m_context = nullptr;
    m_thread.quit();
    m_thread.wait();
    qCInfo(lcSync) << "sync worker joined";
    emit stopped();
}

void SyncService::reconcileNow() { onEngine([](SyncEngine *e) { e->reconcileNow(); }); }

void SyncService::describeNow() { onEngine([](SyncEngine *e) { e->describeNow(); }); }
void SyncService::syncNow(const QString &objectName) { onEngine([objectName](SyncEngine *e) { e->syncNow(objectName); }); }
void SyncService::setPaused(const QString &objectName, bool paused)
{
    onEngine([objectName, paused](SyncEngine *e) { e->setPaused(objectName, paused); });
}
void SyncService::setAllPaused(bool paused) { onEngine([paused](SyncEngine *e) { e->setAllPaused(paused); }); }
void SyncService::resync(const QString &objectName) { onEngine([objectName](SyncEngine *e) { e->resync(objectName); }); }
void SyncService::removeTables(const QStringList &names) { onEngine([names](SyncEngine *e) { e->removeTables(names); }); }
void SyncService::addTables(const QStringList &names) { onEngine([names](SyncEngine *e) { e->addTables(names); }); }

void SyncService::onEngine(std::function<void(SyncEngine *)> action)
{
    if (m_context)
        QMetaObject::invokeMethod(m_context, [this, action = std::move(action)] {
            if (m_engine)
                action(m_engine);
        });
}

} // namespace tether::sync
