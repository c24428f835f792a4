// EngineRunner: brings Tether's engine up for one org and takes it down again.
//
// Order on start: database (a managed local cluster unless --database names a
// server), demo org if asked for, Salesforce login (client credentials or a
// refresh token), then the sync service on its worker thread. Order on stop:
// the reverse. Progress goes to stderr as readable lines in headless mode.
#pragma once

#include "salesforce/apibudget.h"
#include "salesforce/orgsession.h"
#include "salesforce/ratelimiter.h"
#include "store/localcluster.h"
#include "sync/syncservice.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <memory>

class DemoEnvironment;

struct RunOptions
{
    bool demo = false;
    double demoScale = 1.0;
    QString dataDir;
    QString database;      // libpq connection string; empty = managed local cluster
    QString schema = QStringLiteral("salesforce");
    QStringList objects;   // empty = default selection
    QString loginHost;     // production / sandbox / URL
    QString clientId;
    QString clientSecret;
    QString refreshTokenFile;
    double requestsPerSecond = 0; // 0 = keep the saved/default rate
    bool printProgress = true;
};

class EngineRunner : public QObject
{
    Q_OBJECT
public:
    explicit EngineRunner(RunOptions options, QObject *parent = nullptr);
    ~EngineRunner() override;

    void start();
    void stop(); // emits finished() when everything is down

    tether::sync::SyncService *service() const { return m_service.get(); }

signals:
    void running();
    void failed(const QString &message);
    void finished();

private:
    void startDatabase();
    void login(const QUrl &loginHost);
    void startSync();
    void printStatus(const tether::sync::TableStatus &status);
    void fail(const QString &message);

    RunOptions m_options;
    std::unique_ptr<tether::store::LocalCluster> m_cluster;
    std::unique_ptr<DemoEnvironment> m_demo;
    std::unique_ptr<tether::salesforce::RateLimiter> m_limiter;
    std::unique_ptr<tether::salesforce::ApiBudget> m_budget;
    std::unique_ptr<tether::salesforce::OrgSession> m_session;
    std::unique_ptr<tether::sync::SyncService> m_service;
    QString m_databaseInfo;
    QHash<QString, qint64> m_lastPrinted; // object -> ms of last progress line
    QHash<QString, qint64> m_lastRows;    // object -> rows at the last line
    QElapsedTimer m_clock;
    bool m_stopping = false;
};

