// SyncService: runs a SyncEngine (and its RestClient and database connection)
// on a worker thread of its own, and relays its signals to the thread that
// owns the service (the UI or the headless main loop). Shutdown is orderly:
// the engine stops inside its thread, then the thread quits and is joined.
#pragma once

#include "sync/syncengine.h"

#include <QObject>
#include <QThread>
#include <atomic>

namespace tether::salesforce {
class ApiBudget;
class OrgSession;
class RateLimiter;
} // namespace tether::salesforce

namespace tether::sync {

class SyncService : public QObject
{
    Q_OBJECT
public:
    // session, limiter and budget are thread-safe and must outlive the service.
    SyncService(salesforce::OrgSession *session, salesforce::RateLimiter *limiter,
                salesforce::ApiBudget *budget, SyncConfig config, QObject *parent = nullptr);
    ~SyncService() override; // stops and joins the worker

    bool isRunning() const { return m_thread.isRunning(); }

public slots:
    void start();
    // Stops the engine (the page in flight is abandoned, not half-applied; a
    // long statement is cancelled rather than waited for) and joins the
    // worker thread. Emits stopped().
    void stop();
    void reconcileNow();
    void describeNow();
    // Per table, as SyncEngine offers them (queued to the worker).
    void syncNow(const QString &objectName);
    void setPaused(const QString &objectName, bool paused);
    void setAllPaused(bool paused);
    void resync(const QString &objectName);
    void removeTables(const QStringList &objectNames);
    void addTables(const QStringList &objectNames);

signals:
    void tableStatusChanged(const tether::sync::TableStatus &status);
    void backfillCompleted(const QString &objectName);
    void pollApplied(const QString &objectName, qint64 changed, qint64 deleted);
    void reconciled(const QString &objectName, qint64 removed);
    void schemaChanged(const QString &objectName, const QStringList &changes);
    void caughtUp();
    void databaseStateChanged(bool reachable, const QString &sentence);
    void fatalError(const QString &message);
    void stopped();

private:
    void onEngine(std::function<void(SyncEngine *)> action); // runs in the worker

    salesforce::OrgSession *m_session;
    salesforce::RateLimiter *m_limiter;
    salesforce::ApiBudget *m_budget;
    SyncConfig m_config;
    QThread m_thread;
    QObject *m_context = nullptr; // lives in m_thread; parent of client and engine
    SyncEngine *m_engine = nullptr;
    std::atomic<SyncEngine *> m_interruptible{nullptr}; // for stop() from this thread
};

} // namespace tether::sync
