// SyncEngine: keeps one PostgreSQL table per selected Salesforce object equal
// to Salesforce, spending as few API calls as it can.
//
// Lives on one thread (the sync worker in the app; the test's thread in tests)
// together with its RestClient and its PostgreSQL connection. It runs one
// request at a time through the org's shared rate limiter — the limiter, not
// the engine, sets the pace — and picks the next request by priority:
//   1. describes (startup, then on a schedule with If-Modified-Since),
//   2. COUNT() of tables that still need a backfill (sizes pick REST or Bulk),
//   3. follow-up pages of a poll that returned more than one page,
//   4. alternately: a backfill step, and a poll of up to five due tables in one
//      /composite call (adaptive: busy tables are due sooner).
// Every page is applied by MirrorStore in one transaction with its cursor, so a
// kill at any instant resumes without loss or duplicates.
#pragma once

#include "salesforce/restclient.h"
#include "schema/tableschema.h"
#include "store/pgconnection.h"
#include "sync/mirrorstore.h"
#include "sync/syncstatus.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>
#include <memory>

namespace tether::sync {

struct SyncConfig
{
    QString databaseConnectionString;
    QString schemaName = QStringLiteral("salesforce");
    QStringList objects; // empty: the default selection (see defaultObjectSelection)
    schema::MappingOptions mapping;
    schema::StalePolicy stalePolicy;

    int restBatchSize = 2000;
    // Above this many records a backfill uses Bulk API 2.0: a REST backfill
    // costs one call per 2,000 records, a Bulk job about four calls plus one per
    // `bulkMaxRecords` — Bulk wins from roughly 8,000 records (docs/decisions).
    qint64 bulkThreshold = 10000;
    qint64 bulkMaxRecords = 100000;
    int bulkStatusFirstDelayMs = 500; // then growing by half, capped at 15 s

    int pollOverlapSeconds = 60;   // re-read window for late-committed changes
    int pollMinIntervalMs = 0;     // a busy table is due again at once
    int pollMaxIntervalMs = 15000; // a quiet table backs off to this
    int pollBatchTables = 5;       // tables per /composite poll
    int describeIntervalMs = 10 * 60 * 1000;
    int reconcileIntervalMs = 60 * 60 * 1000;
};

class SyncEngine : public QObject
{
    Q_OBJECT
public:
    // `client` must live on this object's thread and outlive it.
    SyncEngine(salesforce::RestClient *client, SyncConfig config, QObject *parent = nullptr);
    ~SyncEngine() override;

    const SyncConfig &config() const { return m_config; }
    QList<TableStatus> statuses() const;
    bool isRunning() const { return m_running; }

public slots:
    void start();
    // Abandons the request in flight (its page was not applied, so it is simply
    // asked again next time) and stops. Emits stopped().
    void stop();
    // Schedules an Id reconciliation (purged records) for every table now.
    void reconcileNow();
    // Schedules a re-describe of every table now (schema changes).
    void describeNow();

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
    // The engine cannot go on (database unreachable, login required): a sentence.
    void fatalError(const QString &message);

private:
    struct Table;
    enum class Step { None, Describe, Count, PollMore, Backfill, Poll, Reconcile };

    void fail(const QString &message);
    void pump();              // sends the next request if none is in flight
    void schedulePump(int delayMs);
    bool startDescribe();
    bool startCount();
    bool startPollMore();
    bool startBackfill();
    bool startPoll();
    bool startReconcile();
    salesforce::RequestId reconcileCount(Table &table);
    salesforce::RequestId reconcileRestStep(Table &table);
    salesforce::RequestId reconcileBulkStep(Table &table);
    void noteReconcileCall(Table &table);
    void reconcileFailed(Table &table, const QString &message);
    void finishReconcile(Table &table);
    void finishRequest();

    void onDescribes(const QList<Table *> &tables, const salesforce::ApiReply &reply);
    void applyDescribe(Table &table, const QJsonObject &describe);
    void onCounts(const QList<Table *> &tables, const salesforce::ApiReply &reply);
    void backfillRest(Table &table);
    void backfillBulk(Table &table);
    salesforce::RequestId requestBulkResults(Table &table);
    // Applies a backfill page with its cursor; false (and the error noted,
    // a retry scheduled) when nothing was kept.
    bool onBackfillPage(Table &table, const QueryPage &page, const QVariantMap &state, bool last);
    void completeBackfill(Table &table);
    void onPollReply(const QList<Table *> &tables, const salesforce::ApiReply &reply);
    void applyPollPage(Table &table, const QueryPage &page, double apiCallShare);
    void noteTableError(Table &table, const QString &message);
    void publish(Table &table);
    TableStatus statusOf(const Table &table) const;
    static QJsonObject compositeGet(const QString &url, int index);
    salesforce::RequestId sendComposite(const QJsonArray &subrequests, salesforce::ApiCategory category,
                                        salesforce::RestClient::ReplyCallback done);
    // On a failed batch request: notes the error on each table and retries
    // later (or fails for good when a login is required). False if it succeeded.
    bool batchFailed(const QList<Table *> &tables, const salesforce::ApiReply &reply, const QString &sentence);

    QString selectList(const Table &table, bool forBulk) const;
    QString soqlDateTime(const QDateTime &at) const;
    QString dataPath() const;

    salesforce::RestClient *m_client;
    SyncConfig m_config;
    store::PgConnection m_db;
    std::unique_ptr<MirrorStore> m_store;
    std::vector<std::unique_ptr<Table>> m_tables;
    QTimer m_pumpTimer;
    salesforce::RequestId m_inFlight = 0;
    bool m_running = false;
    bool m_stopping = false;
    bool m_lastWasPoll = false;
    bool m_caughtUpAnnounced = false;
    bool m_budgetPaused = false;
};

} // namespace tether::sync
