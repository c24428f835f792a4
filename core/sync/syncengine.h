// SyncEngine: keeps one PostgreSQL table per selected Salesforce object equal
// to Salesforce, spending as few API calls as it can, and never losing a page.
//
// Lives on one thread (the sync worker in the app; the test's thread in tests)
// together with its RestClient and its PostgreSQL connection. It is the sum of
// small parts, each in its own file:
//   TableTask        one table: phase, cursors, poll timing, its own back-off
//   CallScheduler    hands out the API calls, most urgent work first
//   SchemaTracker    describes, creates and migrates tables
//   CountBatch       COUNT()s that size backfills (REST or Bulk)
//   Backfill         REST and Bulk pages, each committed with its cursor
//   BulkQueryReader  one Bulk API 2.0 job, for backfills and the reconciler
//   PollBatch        incremental polls, five tables per /composite call
//   PurgeReconciler  hard-deleted records
//   StatusBuilder    what the dashboard shows about a table
// The engine itself owns the database connection: when it goes away, every
// part stops, the engine reconnects with back-off and each table resumes from
// the cursors committed in tether.sync_state.
#pragma once

#include "salesforce/restclient.h"
#include "store/pgconnection.h"
#include "sync/backfill.h"
#include "sync/callscheduler.h"
#include "sync/countbatch.h"
#include "sync/mirrorstore.h"
#include "sync/pollbatch.h"
#include "sync/purgereconciler.h"
#include "sync/schematracker.h"
#include "sync/statusbuilder.h"
#include "sync/syncconfig.h"
#include "sync/syncparts.h"
#include "sync/syncstatus.h"

#include <QObject>
#include <QTimer>
#include <atomic>
#include <memory>

namespace tether::sync {

class SyncEngine : public QObject, private SyncEvents
{
    Q_OBJECT
public:
    // `client` must live on this object's thread and outlive it.
    SyncEngine(salesforce::RestClient *client, SyncConfig config, QObject *parent = nullptr);
    ~SyncEngine() override;

    const SyncConfig &config() const { return m_config; }
    QList<TableStatus> statuses() const;
    bool isRunning() const { return m_running; }
    bool isDatabaseReachable() const { return m_databaseError.isEmpty(); }

    // Thread-safe: makes a statement the engine is running end now, so that a
    // stop() queued from another thread is not held up by it.
    void interrupt();

public slots:
    void start();
    // Abandons the requests in flight (their pages were not applied, so they
    // are simply asked again next time) and stops. Emits stopped().
    void stop();
    // Schedules an Id reconciliation (purged records) for every table now.
    void reconcileNow();
    // Schedules a re-describe of every table now (schema changes).
    void describeNow();

    // What a person can do with one table (the object's API name):
    void syncNow(const QString &objectName);          // poll (or retry) now
    void setPaused(const QString &objectName, bool paused); // kept across restarts
    void setAllPaused(bool paused);
    // Reads the whole table again (rows are upserted, then purged ones removed).
    void resync(const QString &objectName);
    // Stops syncing the tables; their mirror tables and rows stay.
    void removeTables(const QStringList &objectNames);
    void addTables(const QStringList &objectNames);

signals:
    void started();
    void stopped();
    void tableStatusChanged(const tether::sync::TableStatus &status);
    void backfillCompleted(const QString &objectName);
    // After each applied poll page: how many records changed/deleted.
    void pollApplied(const QString &objectName, qint64 changed, qint64 deleted);
    void reconciled(const QString &objectName, qint64 removed);
    void schemaChanged(const QString &objectName, const QStringList &changes);
    // Every table is backfilled and nothing is pending right now.
    void caughtUp();
    // PostgreSQL went away (a sentence) or came back (reachable, empty sentence).
    void databaseStateChanged(bool reachable, const QString &sentence);
    // The engine cannot go on without the person (a login is required): a sentence.
    void fatalError(const QString &message);

private:
    // SyncEvents: what the parts report.
    void publish(TableTask &task) override;
    void taskFailed(TableTask &task, const QString &sentence) override;
    void taskSucceeded(TableTask &task) override;
    void databaseLost(const store::PgError &error) override;
    void loginRequired(const salesforce::SalesforceError &error) override;
    void reportBackfillCompleted(TableTask &task) override;
    void reportPollApplied(TableTask &task, qint64 changed, qint64 deleted) override;
    void reportReconciled(TableTask &task, qint64 removed) override;
    void reportSchemaChanged(TableTask &task, const QStringList &changes) override;

    void connectDatabase();   // (re)connects, then resumes every table from its state
    void tearDownDatabase();  // after databaseLost(), outside the part that noticed
    void discoverObjects();   // no explicit selection: the org's default objects
    void resumeTables();
    void onIdle();
    TableTask *task(const QString &objectName) const; // null when not in the selection
    void setQuotaPaused(bool paused);
    EngineConditions conditions() const;

    SyncConfig m_config;
    SyncContext m_context;
    store::PgConnection m_db;
    std::unique_ptr<MirrorStore> m_store;
    SchemaTracker m_schema;
    CountBatch m_counts;
    Backfill m_backfill;
    PollBatch m_polls;
    PurgeReconciler m_purges;
    CallScheduler m_scheduler;

    Backoff m_databaseBackoff;
    QTimer m_reconnectTimer;
    QString m_databaseError;   // non-empty while PostgreSQL is unreachable
    bool m_databaseLost = false;
    bool m_running = false;
    bool m_caughtUpAnnounced = false;
    bool m_quotaPaused = false;
    std::atomic<bool> m_interrupted{false};
    std::shared_ptr<store::PgCanceller> m_canceller;
};

} // namespace tether::sync
