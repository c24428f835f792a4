// EngineController: brings Tether up for one org and takes it down again, in
// order — database (the managed local cluster, or a server the person named),
// the org (the demo simulator, or a real one), the login, the sync engine on
// its worker thread, then the write-through proxy on its own — and says at every moment where it is (State) in a
// sentence. Nothing here blocks the caller's thread: the cluster starts and
// stops on a pool thread, the login and the demo org are asynchronous.
//
// The window and the headless reporter both observe it. It keeps the last
// status of every table, so a window opened later is not blank.
#pragma once

#include "lifecycle/enginesettings.h"
#include "lifecycle/loginmethod.h"
#include "salesforce/apibudget.h"
#include "salesforce/orgsession.h"
#include "proxy/proxyservice.h"
#include "salesforce/ratelimiter.h"
#include "sync/syncservice.h"
#include "sync/syncstatus.h"

#include <QHash>
#include <QSet>
#include <QObject>
#include <QThreadPool>
#include <memory>

namespace tether::store {
class LocalCluster;
}

namespace tether::lifecycle {

class DemoOrg;

class EngineController : public QObject
{
    Q_OBJECT
public:
    enum class State {
        NoOrg,            // nothing to sync yet: an org has to be set up
        StartingDatabase,
        LoggingIn,        // includes starting the demo org
        Syncing,
        Failed,           // see sentence() and isRetryable()
        Stopping,
        Stopped,
    };
    Q_ENUM(State)

    explicit EngineController(QObject *parent = nullptr);
    ~EngineController() override; // stops what still runs, waiting if it must

    // Takes effect at the next start(). `login` may be null for demo mode.
    void configure(const EngineSettings &settings, std::unique_ptr<LoginMethod> login);
    const EngineSettings &settings() const { return m_settings; }
    // The settings dialog's changes while running: the rate and the quota
    // pause share apply at once; the rest is kept for the next start().
    void applySettings(const EngineSettings &settings);

    State state() const { return m_state; }
    QString sentence() const { return m_sentence; }
    bool isRetryable() const { return m_retryable; }
    static QString stateName(State state);

    // The last status of every table, in the order the engine reported them.
    QList<sync::TableStatus> tableStatuses() const;
    QString databaseConnectionString() const { return m_databaseInfo; }
    // The command a person runs to look at the mirror with psql.
    QString psqlCommand() const;
    salesforce::OrgSession *session() const { return m_session.get(); }
    // The org's name (Organization.Name), empty until fetchOrgName() got it;
    // the user's name where the login did not say (a client-credentials or
    // demo login), from the userinfo endpoint at the same time.
    QString orgName() const { return m_orgName; }
    QString username() const { return m_username; }
    salesforce::RateLimiter *rateLimiter() const { return m_limiter.get(); }
    salesforce::ApiBudget *apiBudget() const { return m_budget.get(); }
    sync::SyncService *syncService() const { return m_sync.get(); }
    // Where Postgres clients connect to write through to Salesforce; empty
    // while the proxy is not listening.
    QString proxyHost() const { return m_proxyHost; }
    quint16 proxyPort() const { return m_proxyPort; }
    // libpq connection string and psql command through the proxy (the
    // database's user and name); empty while the proxy is not listening.
    QString proxyConnectionString() const;
    QString proxyPsqlCommand() const;
    proxy::ProxyService *proxyService() const { return m_proxy.get(); }

public slots:
    void start();
    // Takes everything down in reverse order; stopped() when done.
    void stop();
    // After a failure: takes down what had started and starts again.
    void retry();
    void describeNow();
    void reconcileNow();
    void syncNow(const QString &objectName);
    void setTablePaused(const QString &objectName, bool paused);
    void setAllPaused(bool paused);
    void resync(const QString &objectName);
    void removeTables(const QStringList &objectNames);
    void addTables(const QStringList &objectNames);
    // The rate of the running limiter (and of the next start); applies at once.
    void setRequestsPerSecond(double requestsPerSecond);
    // Reads the org's name once per login (one API call, so only a window
    // that shows it asks); orgNameChanged() when it arrives.
    void fetchOrgName();

signals:
    void stateChanged(tether::lifecycle::EngineController::State state, const QString &sentence);
    void tableStatusChanged(const tether::sync::TableStatus &status);
    void backfillCompleted(const QString &objectName);
    void caughtUp();
    void databaseStateChanged(bool reachable, const QString &sentence);
    // The proxy listens (host, port) or stopped/failed (empty host, a sentence).
    void proxyStateChanged(const QString &host, quint16 port, const QString &sentence);
    // A line worth telling the person (the psql command, what was logged in to).
    void notice(const QString &sentence);
    // The API budget and rate limiter of the running org, forwarded on this
    // object's thread (they are created at each login and fed from workers).
    void apiUsageChanged(qint64 used, qint64 max);
    void apiCallsChanged(tether::salesforce::ApiCategory category, qint64 calls);
    void quotaPausedChanged(bool paused);
    void requestsPerSecondChanged(double requestsPerSecond);
    // Salesforce refused to renew the login: a person has to log in again
    // (the state turns Failed with the same sentence right after).
    void loginRenewalNeeded(const QString &sentence);
    // A person has to log in again: the saved login is missing, refused or
    // revoked, or Salesforce ended the session. Comes with Failed.
    void loginNeeded(const QString &sentence);
    // A person added or removed tables: the objects to mirror from now on
    // (saved by the desktop app so the next start syncs the same ones).
    void objectsChanged(const QStringList &objects);
    void orgNameChanged(const QString &name);
    void stopped();

private:
    void setState(State state, const QString &sentence, bool retryable = false);
    void fail(const QString &sentence, bool retryable);
    void startDatabase();
    void databaseReady();
    void startOrg();
    void logIn(const salesforce::OrgConnection &connection, LoginMethod *method);
    void startSync();
    void startProxy();
    void tearDown(std::function<void()> then); // reverse order, asynchronous
    void onTableStatus(const sync::TableStatus &status);

    EngineSettings m_settings;
    std::unique_ptr<LoginMethod> m_login;
    std::unique_ptr<LoginMethod> m_demoLogin;
    State m_state = State::Stopped;
    QString m_sentence;
    bool m_retryable = false;
    bool m_busy = false;      // an asynchronous step (cluster start/stop) is running
    bool m_stopWanted = false;
    quint64 m_run = 0;        // answers of an earlier run are ignored

    std::unique_ptr<store::LocalCluster> m_cluster;
    QThreadPool m_offThread; // the cluster's start and stop, which use m_cluster; joined before it goes
    std::unique_ptr<DemoOrg> m_demo;
    QString m_databaseInfo;
    std::unique_ptr<salesforce::RateLimiter> m_limiter;
    std::unique_ptr<salesforce::ApiBudget> m_budget;
    std::unique_ptr<salesforce::OrgSession> m_session;
    std::unique_ptr<sync::SyncService> m_sync;
    std::unique_ptr<proxy::ProxyService> m_proxy;
    std::unique_ptr<salesforce::RestClient> m_orgClient; // fetchOrgName()'s (set once it asked), before m_session goes
    QString m_orgName;
    QString m_username;
    QString m_proxyHost;
    quint16 m_proxyPort = 0;
    QHash<QString, sync::TableStatus> m_statuses;
    QStringList m_order;
    QSet<QString> m_removed; // removed while running: late statuses are dropped
};

} // namespace tether::lifecycle
