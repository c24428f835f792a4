#include "sync/syncengine.h"

#include "logging.h"
#include "salesforce/apibudget.h"
#include "salesforce/ratelimiter.h"
#include "salesforce/sobjectapi.h"
#include "sync/statusbuilder.h"

#include <QJsonObject>

namespace tether::sync {

QString phaseName(Phase phase)
{
    switch (phase) {
    case Phase::Discovering: return QStringLiteral("discovering");
    case Phase::Backfilling: return QStringLiteral("backfilling");
    case Phase::Polling: return QStringLiteral("polling");
    case Phase::Paused: return QStringLiteral("paused");
    case Phase::Error: return QStringLiteral("error");
    }
    return {};
}

SyncEngine::SyncEngine(salesforce::RestClient *client, SyncConfig config, QObject *parent)
    : QObject(parent), m_config(std::move(config)), m_context(client, m_config), m_schema(m_context, *this),
      m_counts(m_context, *this), m_backfill(m_context, *this), m_polls(m_context, *this), m_purges(m_context, *this),
      m_scheduler(CallScheduler::Work{
                      [this](const QDateTime &now, std::function<void()> done) { return m_schema.start(now, std::move(done)); },
                      [this](const QDateTime &now, std::function<void()> done) { return m_counts.start(now, std::move(done)); },
                      [this](const QDateTime &now, std::function<void()> done) { return m_polls.startFollowUp(now, std::move(done)); },
                      [this](const QDateTime &now, std::function<void()> done) { return m_backfill.start(now, std::move(done)); },
                      [this](const QDateTime &now, std::function<void()> done) { return m_polls.start(now, std::move(done)); },
                      [this](const QDateTime &now, std::function<void()> done) { return m_purges.start(now, std::move(done)); },
                      [this] {
                          QDateTime earliest;
                          for (const auto &task : m_context.tasks) {
                              const QDateTime at = task->nextDueAt();
                              if (at.isValid() && (!earliest.isValid() || at < earliest))
                                  earliest = at;
                          }
                          return earliest;
                      }},
                  this),
      m_databaseBackoff(m_config.databaseRetryFirstMs, m_config.databaseRetryMaxMs), m_canceller(m_db.canceller())
{
    m_reconnectTimer.setSingleShot(true);
    connect(&m_reconnectTimer, &QTimer::timeout, this, &SyncEngine::connectDatabase);
    connect(&m_scheduler, &CallScheduler::idle, this, &SyncEngine::onIdle);
    // Near the daily quota the budget holds background requests back; tables
    // then show as paused (in signals and in tether.sync_status).
    if (salesforce::ApiBudget *budget = client->budget()) {
        m_quotaPaused = budget->backgroundPaused();
        connect(budget, &salesforce::ApiBudget::backgroundPausedChanged, this, &SyncEngine::setQuotaPaused);
    }
}

SyncEngine::~SyncEngine()
{
    // Cancelled requests must not call back into tasks that are going away.
    m_scheduler.stop();
    for (auto &task : m_context.tasks)
        task->stopBulk();
}

QList<TableStatus> SyncEngine::statuses() const
{
    QList<TableStatus> list;
    for (const auto &task : m_context.tasks) {
        if (!task->removed)
            list << buildStatus(*task, m_config, conditions());
    }
    return list;
}

EngineConditions SyncEngine::conditions() const
{
    EngineConditions c;
    c.quotaPaused = m_quotaPaused;
    c.databaseError = m_databaseError;
    if (const salesforce::RateLimiter *limiter = m_context.client->limiter())
        c.secondsPerCall = 1.0 / qMax(0.001, limiter->requestsPerSecond());
    return c;
}

void SyncEngine::interrupt()
{
    m_interrupted = true;
    m_scheduler.halt(); // before the cancel: the cancelled write is not followed by another
    m_canceller->cancel();
}

// --- lifecycle ---------------------------------------------------------------

void SyncEngine::start()
{
    if (m_running)
        return;
    m_running = true;
    m_interrupted = false;
    emit started();
    if (m_config.objects.isEmpty()) {
        discoverObjects();
        return;
    }
    for (const QString &name : std::as_const(m_config.objects))
        m_context.tasks.push_back(std::make_unique<TableTask>(name, m_context.client, m_config));
    connectDatabase();
}

void SyncEngine::stop()
{
    if (!m_running) {
        emit stopped();
        return;
    }
    m_running = false;
    m_scheduler.stop();
    m_reconnectTimer.stop();
    m_context.client->cancelAll();
    for (auto &task : m_context.tasks)
        task->stopBulk();
    m_context.store = nullptr;
    m_store.reset();
    m_db.close();
    qCInfo(lcSync) << "sync stopped";
    emit stopped();
}

void SyncEngine::discoverObjects()
{
    // No explicit selection: the org's common objects and every custom one.
    salesforce::SObjectApi(m_context.client).describeGlobal({}, [this](const salesforce::DescribeResult &result) {
        if (!m_running || result.error.kind == salesforce::SalesforceError::Kind::Cancelled)
            return;
        if (result.error) {
            if (result.error.kind == salesforce::SalesforceError::Kind::LoginRequired)
                return loginRequired(result.error);
            qCWarning(lcSync).noquote() << "Could not list the org's objects:" << result.error.toString() << "- trying again";
            QTimer::singleShot(5000, this, [this] {
                if (m_running)
                    discoverObjects();
            });
            return;
        }
        const QStringList selection = schema::defaultObjectSelection(schema::syncableObjects(result.json));
        qCInfo(lcSync).noquote() << "syncing" << selection.join(QStringLiteral(", "));
        for (const QString &name : selection)
            m_context.tasks.push_back(std::make_unique<TableTask>(name, m_context.client, m_config));
        connectDatabase();
    });
}

void SyncEngine::connectDatabase()
{
    if (!m_running)
        return;
    auto unreachable = [this](const store::PgError &error) {
        databaseLost(error);
        tearDownDatabase();
    };
    m_databaseLost = false;
    if (const store::PgError error = m_db.open(m_config.databaseConnectionString))
        return unreachable(error);
    // One table locked by someone's long transaction must not hold up the
    // others, nor a runaway statement the whole engine.
    const store::PgResult settings = m_db.exec(QStringLiteral("SET lock_timeout = %1; SET statement_timeout = %2; SET TIME ZONE 'UTC'")
                                                   .arg(m_config.lockTimeoutMs)
                                                   .arg(m_config.statementTimeoutMs));
    if (!settings.ok())
        return unreachable(settings.error());
    m_store = std::make_unique<MirrorStore>(m_db, m_config.schemaName);
    if (const store::PgError error = m_store->ensureStateSchema())
        return unreachable(error);
    m_context.store = m_store.get();
    m_databaseBackoff.reset();
    if (!m_databaseError.isEmpty()) {
        qCInfo(lcSync) << "PostgreSQL is reachable again; resuming from the saved cursors";
        m_databaseError.clear();
        emit databaseStateChanged(true, QString());
    }
    resumeTables();
    if (m_databaseLost)
        return tearDownDatabase();
    m_scheduler.start();
}

void SyncEngine::resumeTables()
{
    // Everything in memory that is not committed is forgotten: each table goes
    // on from tether.sync_state.
    for (auto &t : m_context.tasks) {
        TableTask &task = *t;
        store::PgError error;
        const TableState state = m_store->loadState(task.objectName, &error);
        if (error) {
            if (!databaseFailed(task, error, tr("Cannot read the sync state of %1: %2").arg(task.objectName, error.toString())))
                continue;
            return;
        }
        if (!state.exists) {
            task.describe.due = true;
            publish(task);
            continue;
        }
        if (!task.hasSchema())
            m_schema.restoreSchema(task, state);
        if (task.hasSchema()) {
            task.restore(state);
            // Check the kept describe (a 304 when nothing changed).
            task.describe.due = task.describe.due || !task.describe.at.isValid();
        }
        publish(task);
    }
}

void SyncEngine::databaseLost(const store::PgError &error)
{
    if (m_databaseLost)
        return;
    m_databaseLost = true;
    const int delay = m_databaseBackoff.next();
    m_databaseError = tr("PostgreSQL is unreachable: %1 Tether reconnects by itself (next attempt in %2 s).")
                          .arg(error.toString())
                          .arg((delay + 999) / 1000);
    qCWarning(lcSync).noquote() << m_databaseError;
    // The parts stop now; the connection is torn down once the part that
    // noticed has returned.
    m_scheduler.stop();
    m_context.client->cancelAll();
    for (auto &task : m_context.tasks) {
        task->stopBulk();
        if (task->purge.idJob)
            task->purge.idJob->cancel();
    }
    m_reconnectTimer.start(delay);
    emit databaseStateChanged(false, m_databaseError);
    for (auto &task : m_context.tasks)
        publish(*task);
    QTimer::singleShot(0, this, &SyncEngine::tearDownDatabase);
}

void SyncEngine::tearDownDatabase()
{
    if (!m_databaseLost)
        return;
    m_context.store = nullptr;
    m_store.reset();
    m_db.close();
}

void SyncEngine::reconcileNow()
{
    m_purges.reconcileNow();
    m_scheduler.wake(0);
}

void SyncEngine::describeNow()
{
    for (auto &task : m_context.tasks)
        task->describe.due = true;
    m_scheduler.wake(0);
}

TableTask *SyncEngine::task(const QString &objectName) const
{
    for (const auto &t : m_context.tasks) {
        if (!t->removed && t->objectName.compare(objectName, Qt::CaseInsensitive) == 0)
            return t.get();
    }
    return nullptr;
}

void SyncEngine::syncNow(const QString &objectName)
{
    TableTask *t = task(objectName);
    if (!t)
        return;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    t->poll.dueAt = now;
    t->retryAt = {}; // a person asked: the back-off waits no longer
    if (!t->hasSchema())
        t->describe.due = true;
    m_scheduler.wake(0);
}

void SyncEngine::setPaused(const QString &objectName, bool paused)
{
    TableTask *t = task(objectName);
    if (!t || t->paused == paused)
        return;
    t->paused = paused;
    if (m_context.store && !m_databaseLost) {
        StateUpdate state;
        state.paused = paused;
        if (const store::PgError error = m_context.store->updateState(t->objectName, state))
            if (databaseFailed(*t, error, error.toString()))
                return;
    }
    if (!paused)
        t->poll.dueAt = QDateTime::currentDateTimeUtc();
    qCInfo(lcSync).noquote() << t->objectName << (paused ? "paused" : "resumed");
    publish(*t);
    m_scheduler.wake(0);
}

void SyncEngine::setAllPaused(bool paused)
{
    for (auto &t : m_context.tasks) {
        if (!t->removed)
            setPaused(t->objectName, paused);
    }
}

void SyncEngine::resync(const QString &objectName)
{
    TableTask *t = task(objectName);
    if (!t || !m_context.store || m_databaseLost)
        return;
    // Start the backfill over; rows already there are upserted, and rows no
    // longer in Salesforce go with the reconciliation that follows it.
    StateUpdate state;
    state.phase = Phase::Backfilling;
    state.backfillCompletedAt = QDateTime();
    state.backfillStartedAt = QDateTime();
    state.backfillMethod = QString();
    state.backfillLastId = QString();
    state.bulkJobId = QString();
    state.bulkJobFields = QStringList();
    state.bulkLocator = QString();
    state.rowsTotal = -1;
    state.rowsDone = 0;
    store::PgError error = m_context.store->updateState(t->objectName, state);
    const TableState saved = error ? TableState() : m_context.store->loadState(t->objectName, &error);
    if (error) {
        databaseFailed(*t, error, tr("Cannot start %1 over: %2").arg(t->objectName, error.toString()));
        return;
    }
    t->stopBulk();
    t->restore(saved);
    t->purge.dueAt = QDateTime::currentDateTimeUtc(); // right after the backfill
    m_caughtUpAnnounced = false;
    qCInfo(lcSync).noquote() << t->objectName << "starts over with a new backfill";
    publish(*t);
    m_scheduler.wake(0);
}

void SyncEngine::removeTables(const QStringList &objectNames)
{
    for (const QString &name : objectNames) {
        if (TableTask *t = task(name)) {
            t->removed = true;
            t->stopBulk();
            if (m_context.store && !m_databaseLost) {
                if (const store::PgError error = m_context.store->forgetTable(t->objectName))
                    qCWarning(lcSync).noquote() << error.toString();
            }
            if (t->purge.idJob)
                t->purge.idJob->cancel();
            qCInfo(lcSync).noquote() << t->objectName << "is no longer synced; its table stays";
        }
    }
    m_scheduler.wake(0);
}

void SyncEngine::addTables(const QStringList &objectNames)
{
    for (const QString &name : objectNames) {
        if (task(name))
            continue;
        TableTask *t = nullptr;
        for (auto &existing : m_context.tasks) {
            if (existing->objectName.compare(name, Qt::CaseInsensitive) == 0)
                t = existing.get();
        }
        if (t) {
            t->removed = false;
        } else {
            m_context.tasks.push_back(std::make_unique<TableTask>(name, m_context.client, m_config));
            t = m_context.tasks.back().get();
        }
        t->phase = Phase::Discovering; // the describe brings its state back
        t->describe.due = true;
        m_caughtUpAnnounced = false;
        publish(*t);
    }
    m_scheduler.wake(0);
}

void SyncEngine::onIdle()
{
    if (m_caughtUpAnnounced || m_context.tasks.empty())
        return;
    for (const auto &task : m_context.tasks) {
        if (!task->removed && !task->paused && (task->phase != Phase::Polling || task->inColumnBackfill()))
            return;
    }
    m_caughtUpAnnounced = true;
    emit caughtUp();
}

void SyncEngine::setQuotaPaused(bool paused)
{
    m_quotaPaused = paused;
    for (auto &task : m_context.tasks) {
        if (!task->hasSchema())
            continue;
        if (m_context.store && !m_databaseLost) {
            StateUpdate state;
            state.phase = paused ? Phase::Paused : (task->lastError.isEmpty() ? task->phase : Phase::Error);
            if (const store::PgError error = m_context.store->updateState(task->objectName, state))
                if (databaseFailed(*task, error, error.toString()))
                    return;
        }
        publish(*task);
    }
}

// --- what the parts report ------------------------------------------------------

void SyncEngine::publish(TableTask &task)
{
    if (!task.removed)
        emit tableStatusChanged(buildStatus(task, m_config, conditions()));
}

void SyncEngine::taskFailed(TableTask &task, const QString &sentence)
{
    if (m_interrupted || !m_running)
        return; // a statement cancelled because Tether is stopping
    task.noteFailure(sentence);
    qCWarning(lcSync).noquote() << sentence << QStringLiteral("(%1 tries again in %2 s)")
                                                   .arg(task.objectName)
                                                   .arg(QDateTime::currentDateTimeUtc().secsTo(task.retryAt));
    if (m_context.store && !m_databaseLost) {
        StateUpdate state;
        state.lastError = sentence;
        state.phase = m_quotaPaused ? Phase::Paused : Phase::Error;
        if (const store::PgError error = m_context.store->updateState(task.objectName, state))
            if (databaseFailed(task, error, error.toString()))
                return;
    }
    publish(task);
}

void SyncEngine::taskSucceeded(TableTask &task)
{
    if (!task.lastError.isEmpty() && m_context.store && !m_databaseLost) {
        StateUpdate state;
        state.lastError = QString();
        state.phase = m_quotaPaused ? Phase::Paused : task.phase;
        if (const store::PgError error = m_context.store->updateState(task.objectName, state))
            if (databaseFailed(task, error, error.toString()))
                return;
    }
    task.noteSuccess();
    publish(task);
}

void SyncEngine::loginRequired(const salesforce::SalesforceError &error)
{
    qCCritical(lcSync).noquote() << error.toString();
    m_scheduler.stop();
    emit fatalError(error.toString());
}

void SyncEngine::reportBackfillCompleted(TableTask &task) { emit backfillCompleted(task.objectName); }

void SyncEngine::reportPollApplied(TableTask &task, qint64 changed, qint64 deleted)
{
    emit pollApplied(task.objectName, changed, deleted);
}

void SyncEngine::reportReconciled(TableTask &task, qint64 removed) { emit reconciled(task.objectName, removed); }

void SyncEngine::reportSchemaChanged(TableTask &task, const QStringList &changes) { emit schemaChanged(task.objectName, changes); }

} // namespace tether::sync
