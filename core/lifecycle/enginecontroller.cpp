#include "lifecycle/enginecontroller.h"

#include "lifecycle/demoorg.h"
#include "logging.h"
#include "salesforce/restclient.h"
#include "salesforce/sobjectapi.h"
#include "salesforce/tokenendpoint.h"
#include "store/conninfo.h"
#include "store/localcluster.h"
#include "store/pgconnection.h"

#include <QCoreApplication>

#include <QDir>
#include <QFutureWatcher>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

namespace tether::lifecycle {

namespace {

// What the database bring-up on a pool thread found.
struct BringUp
{
    QString error;  // empty when the cluster runs
    QString notice; // something worth telling the person
};

QString demoDir(const EngineSettings &settings) { return QDir(settings.dataDir).filePath(QStringLiteral("demo")); }

// Runs `work` on a thread of `pool` and `then` with its result on `context`'s thread.
template<class T>
void runOffThread(QThreadPool *pool, QObject *context, std::function<T()> work, std::function<void(const T &)> then)
{
    auto *watcher = new QFutureWatcher<T>(context);
    QObject::connect(watcher, &QFutureWatcher<T>::finished, context, [watcher, then = std::move(then)] {
        then(watcher->result());
        watcher->deleteLater();
    });
    watcher->setFuture(QtConcurrent::run(pool, std::move(work)));
}

} // namespace

EngineController::EngineController(QObject *parent) : QObject(parent)
{
    qRegisterMetaType<tether::sync::TableStatus>();
    qRegisterMetaType<tether::salesforce::ApiCategory>();
}

EngineController::~EngineController()
{
    // Last resort for an owner that did not wait for stopped(): join the
    // workers and stop the cluster here, synchronously. A cluster start or
    // stop still running on a pool thread uses the cluster: it ends first
    // (a start then leaves a server that is stopped below).
    m_offThread.waitForDone();
    m_proxy.reset();
    m_sync.reset();
    if (m_login)
        m_login->cancel();
    m_demo.reset();
    if (m_cluster && m_cluster->isRunning()) {
        QString error;
        m_cluster->stop(&error);
    }
}

void EngineController::configure(const EngineSettings &settings, std::unique_ptr<LoginMethod> login)
{
    // Another org (or mirror): the tables last reported were the old one's.
    if (settings.orgId != m_settings.orgId || settings.demo != m_settings.demo || settings.loginHost != m_settings.loginHost
        || settings.database != m_settings.database || settings.schema != m_settings.schema) {
        m_statuses.clear();
        m_order.clear();
        m_removed.clear();
    }
    m_settings = settings;
    m_login = std::move(login);
}

void EngineController::applySettings(const EngineSettings &settings)
{
    m_settings = settings;
    if (m_limiter && settings.requestsPerSecond > 0)
        m_limiter->setRequestsPerSecond(settings.requestsPerSecond);
    if (m_budget && settings.pauseShare > 0)
        m_budget->setPauseShare(settings.pauseShare);
}

QString EngineController::stateName(State state)
{
    switch (state) {
    case State::NoOrg: return QStringLiteral("no org");
    case State::StartingDatabase: return QStringLiteral("starting database");
    case State::LoggingIn: return QStringLiteral("logging in");
    case State::Syncing: return QStringLiteral("syncing");
    case State::Failed: return QStringLiteral("failed");
    case State::Stopping: return QStringLiteral("stopping");
    case State::Stopped: return QStringLiteral("stopped");
    }
    return {};
}

QList<sync::TableStatus> EngineController::tableStatuses() const
{
    QList<sync::TableStatus> list;
    for (const QString &object : m_order)
        list << m_statuses.value(object);
    return list;
}

QString EngineController::psqlCommand() const
{
    if (m_cluster && !m_databaseInfo.isEmpty())
        return m_cluster->psqlCommand();
    if (m_databaseInfo.isEmpty())
        return {};
    return QStringLiteral("psql \"%1\"").arg(m_databaseInfo);
}

void EngineController::setState(State state, const QString &sentence, bool retryable)
{
    m_state = state;
    m_sentence = sentence;
    m_retryable = retryable;
    qCInfo(lcApp).noquote() << stateName(state) + QStringLiteral(":") << sentence;
    emit stateChanged(state, sentence);
}

void EngineController::fail(const QString &sentence, bool retryable)
{
    if (m_state == State::Stopping || m_state == State::Stopped)
        return;
    setState(State::Failed, sentence, retryable);
}

void EngineController::start()
{
    if (m_state != State::Stopped && m_state != State::NoOrg && m_state != State::Failed)
        return;
    if (!m_settings.hasOrg()) {
        setState(State::NoOrg, tr("No Salesforce org is set up yet."));
        return;
    }
    ++m_run;
    m_stopWanted = false;
    startDatabase();
}

void EngineController::retry()
{
    if (m_state != State::Failed)
        return;
    tearDown([this] {
        setState(State::Stopped, tr("Starting again."));
        start();
    });
}

void EngineController::stop()
{
    if (m_state == State::Stopped || m_state == State::NoOrg) {
        QMetaObject::invokeMethod(this, &EngineController::stopped, Qt::QueuedConnection);
        return;
    }
    if (m_state == State::Stopping)
        return;
    m_stopWanted = true;
    setState(State::Stopping, tr("Stopping."));
    if (m_busy)
        return; // the step in progress finishes first, then sees m_stopWanted
    tearDown([this] {
        setState(State::Stopped, tr("Stopped."));
        emit stopped();
    });
}

// --- start-up, in order ----------------------------------------------------------

void EngineController::startDatabase()
{
    if (!m_settings.database.isEmpty()) {
        m_databaseInfo = m_settings.database;
        setState(State::StartingDatabase, tr("Using the PostgreSQL server you named."));
        return databaseReady();
    }
    setState(State::StartingDatabase, tr("Starting Tether's local PostgreSQL."));
    m_cluster = std::make_unique<store::LocalCluster>(
        store::LocalCluster::Options{QDir(m_settings.dataDir).filePath(QStringLiteral("postgres")), false, 0});
    store::LocalCluster *cluster = m_cluster.get();
    const EngineSettings settings = m_settings;
    m_busy = true;
    const quint64 run = m_run;
    runOffThread<BringUp>(
        &m_offThread, this,
        [cluster, settings] {
            BringUp result;
            if (!cluster->start(&result.error))
                return result;
            if (!settings.demo)
                return result;
            // The demo org is kept at the scale it was generated at. Another
            // scale means another org: the demo mirror starts over with it.
            const double kept = DemoOrg::keptScale(demoDir(settings));
            if (kept > 0 && !qFuzzyCompare(kept, settings.demoScale)) {
                store::PgConnection db;
                store::PgError error = db.open(cluster->connectionString());
                if (!error)
                    error = db.exec(QStringLiteral("DROP SCHEMA IF EXISTS %1 CASCADE; DROP SCHEMA IF EXISTS tether CASCADE")
                                        .arg(db.quoteIdentifier(settings.schema)))
                                .error();
                if (error) {
                    result.error = QCoreApplication::translate("EngineController", "Could not reset the demo mirror: %1").arg(error.toString());
                    return result;
                }
                result.notice = QCoreApplication::translate("EngineController",
                                                            "The demo org was generated at scale %1; it is generated again at "
                                                            "scale %2, and the demo mirror starts over.")
                                    .arg(kept)
                                    .arg(settings.demoScale);
            }
            DemoOrg::keepScale(demoDir(settings), settings.demoScale);
            return result;
        },
        [this, run](const BringUp &result) {
            m_busy = false;
            if (run != m_run)
                return;
            if (m_stopWanted)
                return tearDown([this] {
                    setState(State::Stopped, tr("Stopped."));
                    emit stopped();
                });
            if (!result.error.isEmpty())
                return fail(tr("Could not start Tether's local PostgreSQL: %1").arg(result.error), true);
            if (!result.notice.isEmpty())
                emit notice(result.notice);
            m_databaseInfo = m_cluster->connectionString();
            emit notice(tr("PostgreSQL ready; connect with: %1").arg(psqlCommand()));
            databaseReady();
        });
}

void EngineController::databaseReady()
{
    if (m_settings.demo && !m_settings.database.isEmpty() && DemoOrg::keptScale(demoDir(m_settings)) > 0
        && !qFuzzyCompare(DemoOrg::keptScale(demoDir(m_settings)), m_settings.demoScale))
        emit notice(tr("The demo org is generated again at scale %1; the mirror in the database you named still holds "
                       "the records of the earlier demo org. Drop the schemas %2 and tether there to start over.")
                        .arg(m_settings.demoScale)
                        .arg(m_settings.schema));
    startOrg();
}

void EngineController::startOrg()
{
    if (m_settings.demo) {
        setState(State::LoggingIn, tr("Starting the demo Salesforce org (the first start generates it; this takes a moment)."));
        if (!m_settings.database.isEmpty())
            DemoOrg::keepScale(demoDir(m_settings), m_settings.demoScale);
        m_demo = std::make_unique<DemoOrg>(DemoOrg::Options{demoDir(m_settings), m_settings.demoScale, m_settings.demoChurnPerSecond});
        connect(m_demo.get(), &DemoOrg::failed, this, [this](const QString &sentence) { fail(sentence, true); });
        connect(m_demo.get(), &DemoOrg::ready, this, [this](const QUrl &url) {
            m_demoLogin = std::make_unique<ClientCredentialsLogin>();
            logIn(salesforce::OrgConnection::simulatorDemo(url), m_demoLogin.get());
        });
        m_demo->start();
        return;
    }
    QString why;
    const QUrl host = salesforce::LoginHost::fromText(m_settings.loginHost, &why);
    if (!host.isValid())
        return fail(tr("The login host is not usable: %1").arg(why), false);
    if (!m_login)
        return fail(tr("There is no way to log in to Salesforce configured."), false);
    salesforce::OrgConnection connection;
    connection.loginHost = host;
    connection.clientId = m_settings.clientId;
    connection.clientSecret = m_settings.clientSecret;
    connection.orgId = m_settings.orgId; // with loginHost: the keychain entry of a saved login
    connection.userId = m_settings.userId;
    logIn(connection, m_login.get());
}

void EngineController::logIn(const salesforce::OrgConnection &connection, LoginMethod *method)
{
    setState(State::LoggingIn, tr("Logging in to %1 with %2.").arg(connection.loginHost.host(), method->description()));
    m_limiter = std::make_unique<salesforce::RateLimiter>(connection.loginHost.host());
    if (m_settings.requestsPerSecond > 0)
        m_limiter->setRequestsPerSecond(m_settings.requestsPerSecond);
    m_budget = std::make_unique<salesforce::ApiBudget>(m_limiter.get());
    // Both are fed from worker threads: queued, so observers get them here.
    connect(m_budget.get(), &salesforce::ApiBudget::usageChanged, this, &EngineController::apiUsageChanged, Qt::QueuedConnection);
    connect(m_budget.get(), &salesforce::ApiBudget::callsChanged, this, &EngineController::apiCallsChanged, Qt::QueuedConnection);
    connect(m_budget.get(), &salesforce::ApiBudget::backgroundPausedChanged, this, &EngineController::quotaPausedChanged,
            Qt::QueuedConnection);
    connect(m_limiter.get(), &salesforce::RateLimiter::rateChanged, this, &EngineController::requestsPerSecondChanged,
            Qt::QueuedConnection);
    if (m_settings.pauseShare > 0)
        m_budget->setPauseShare(m_settings.pauseShare);
    m_session = std::make_unique<salesforce::OrgSession>(connection);
    const quint64 run = m_run;
    method->logIn(m_session.get(), this, [this, run](const salesforce::SalesforceError &error) {
        if (run != m_run || m_state != State::LoggingIn)
            return;
        if (error) {
            using Kind = salesforce::SalesforceError::Kind;
            const QString sentence = tr("Salesforce login failed: %1").arg(error.toString());
            fail(sentence, error.isRetryable());
            if (error.kind == Kind::LoginRequired || error.kind == Kind::LoginFailed || error.kind == Kind::Keychain)
                emit loginNeeded(sentence);
            return;
        }
        // From now on a refused refresh means a person has to log in again.
        connect(m_session.get(), &salesforce::OrgSession::loginRequired, this, [this](const salesforce::SalesforceError &reason) {
            const QString sentence = tr("Salesforce ended the session: %1").arg(reason.toString());
            emit loginRenewalNeeded(sentence);
            fail(sentence, false);
            emit loginNeeded(sentence);
        });
        emit notice(tr("Logged in to %1 at %2 requests/s.")
                        .arg(m_session->connection().instanceUrl.toString())
                        .arg(m_limiter->requestsPerSecond()));
        startSync();
    });
}

void EngineController::startSync()
{
    sync::SyncConfig config;
    config.databaseConnectionString = m_databaseInfo;
    config.schemaName = m_settings.schema;
    config.objects = m_settings.objects;
    if (m_settings.pollMaxIntervalMs > 0)
        config.pollMaxIntervalMs = m_settings.pollMaxIntervalMs;
    config.stalePolicy.dropRemovedColumns = m_settings.dropRemovedColumns;
    m_sync = std::make_unique<sync::SyncService>(m_session.get(), m_limiter.get(), m_budget.get(), config);
    connect(m_sync.get(), &sync::SyncService::tableStatusChanged, this, &EngineController::onTableStatus);
    connect(m_sync.get(), &sync::SyncService::backfillCompleted, this, &EngineController::backfillCompleted);
    connect(m_sync.get(), &sync::SyncService::caughtUp, this, &EngineController::caughtUp);
    connect(m_sync.get(), &sync::SyncService::databaseStateChanged, this, &EngineController::databaseStateChanged);
    connect(m_sync.get(), &sync::SyncService::fatalError, this, [this](const QString &sentence) { fail(sentence, false); });
    setState(State::Syncing, tr("Syncing."));
    m_sync->start();
    startProxy();
}

void EngineController::startProxy()
{
    if (!m_settings.proxyEnabled)
        return;
    // The proxy relays to PostgreSQL over TCP, so that the server's own
    // authentication decides who gets in (never a Unix socket with peer
    // authentication: everyone would be the user Tether runs as).
    proxy::ProxyConfig config;
    config.listenAddress = m_settings.proxyListen;
    config.port = m_settings.proxyPort;
    config.tlsCertificatePath = m_settings.proxyTlsCertificate;
    config.tlsKeyPath = m_settings.proxyTlsKey;
    if (m_cluster) {
        config.upstreamHost = m_cluster->host();
        config.upstreamPort = quint16(m_cluster->port());
    } else {
        const store::ServerAddress address = store::serverAddressOf(m_databaseInfo);
        if (!address.isTcp()) {
            emit proxyStateChanged({}, 0, tr("The proxy is off: it needs to reach PostgreSQL over TCP, and the database "
                                             "connection names %1. Give a host name or address in --database.")
                                              .arg(address.host.isEmpty() ? tr("a local socket") : address.host));
            emit notice(tr("The proxy is off: PostgreSQL is not reached over TCP."));
            return;
        }
        config.upstreamHost = address.host;
        config.upstreamPort = address.port;
    }
    // Writes through the proxy go to the org the sync reads, through the same
    // rate limiter (served first) and API budget; the write log and the
    // proxy's address go to the database as Tether itself.
    config.databaseConnectionString = m_databaseInfo;
    m_proxy = std::make_unique<proxy::ProxyService>(config);
    m_proxy->setSalesforce(m_session.get(), m_limiter.get(), m_budget.get());
    connect(m_proxy.get(), &proxy::ProxyService::listening, this, [this](const QString &host, quint16 port) {
        m_proxyHost = host;
        m_proxyPort = port;
        emit proxyStateChanged(host, port, tr("The proxy listens on %1:%2.").arg(host).arg(port));
        emit notice(tr("proxy listening on %1:%2").arg(host).arg(port));
        emit notice(tr("Write through to Salesforce with: %1").arg(proxyPsqlCommand()));
    });
    connect(m_proxy.get(), &proxy::ProxyService::failed, this, [this](const QString &sentence) {
        m_proxyHost.clear();
        m_proxyPort = 0;
        // Syncing goes on without it; the sentence says what to do.
        emit proxyStateChanged({}, 0, sentence);
        emit notice(tr("The proxy is not running: %1").arg(sentence));
    });
    m_proxy->start();
}

QString EngineController::proxyConnectionString() const
{
    if (m_proxyHost.isEmpty())
        return {};
    // The managed cluster asks TCP clients for its password: its pgpass file holds it.
    return store::withServerAddress(m_cluster ? m_cluster->tcpConnectionString() : m_databaseInfo, m_proxyHost, m_proxyPort);
}

QString EngineController::proxyPsqlCommand() const
{
    const QString info = proxyConnectionString();
    return info.isEmpty() ? QString() : QStringLiteral("psql \"%1\"").arg(info);
}

void EngineController::onTableStatus(const sync::TableStatus &status)
{
    // A status the worker sent before it heard of the removal.
    if (m_removed.contains(status.objectName))
        return;
    if (!m_statuses.contains(status.objectName))
        m_order << status.objectName;
    m_statuses.insert(status.objectName, status);
    emit tableStatusChanged(status);
}

void EngineController::describeNow()
{
    if (m_sync)
        m_sync->describeNow();
}

void EngineController::reconcileNow()
{
    if (m_sync)
        m_sync->reconcileNow();
}

void EngineController::syncNow(const QString &objectName)
{
    if (m_sync)
        m_sync->syncNow(objectName);
}

void EngineController::setTablePaused(const QString &objectName, bool paused)
{
    if (m_sync)
        m_sync->setPaused(objectName, paused);
}

void EngineController::setAllPaused(bool paused)
{
    if (m_sync)
        m_sync->setAllPaused(paused);
}

void EngineController::resync(const QString &objectName)
{
    if (m_sync)
        m_sync->resync(objectName);
}

void EngineController::removeTables(const QStringList &objectNames)
{
    // An empty list means "the default selection"; from here on it is explicit.
    if (m_settings.objects.isEmpty())
        m_settings.objects = m_order;
    for (const QString &name : objectNames) {
        m_statuses.remove(name);
        m_order.removeAll(name);
        m_settings.objects.removeAll(name);
        m_removed.insert(name);
    }
    if (m_sync)
        m_sync->removeTables(objectNames);
    emit objectsChanged(m_settings.objects);
}

void EngineController::addTables(const QStringList &objectNames)
{
    if (m_settings.objects.isEmpty())
        m_settings.objects = m_order;
    for (const QString &name : objectNames) {
        m_removed.remove(name);
        if (!m_settings.objects.contains(name))
            m_settings.objects << name;
    }
    if (m_sync)
        m_sync->addTables(objectNames);
    emit objectsChanged(m_settings.objects);
}

void EngineController::setRequestsPerSecond(double requestsPerSecond)
{
    if (!(requestsPerSecond > 0))
        return;
    m_settings.requestsPerSecond = requestsPerSecond;
    if (m_limiter)
        m_limiter->setRequestsPerSecond(requestsPerSecond);
}

void EngineController::fetchOrgName()
{
    if (!m_session || m_state != State::Syncing || m_orgClient) // asked already in this run
        return;
    const QString orgId = m_session->connection().orgId;
    if (orgId.isEmpty())
        return;
    m_orgClient = std::make_unique<salesforce::RestClient>(m_session.get(), m_limiter.get(), m_budget.get());
    const quint64 run = m_run;
    m_username = m_session->connection().username;
    if (m_username.isEmpty()) {
        // Not an API call (userinfo is the identity service), so it costs nothing against the quota.
        auto *identity = new salesforce::TokenEndpoint(m_session->connection(), m_orgClient.get());
        identity->userInfo(m_session->connection().instanceUrl, m_session->accessToken(),
                           [this, run, identity](const salesforce::TokenEndpoint::UserInfo &info) {
                               identity->deleteLater();
                               if (run != m_run || info.error || info.username.isEmpty())
                                   return;
                               m_username = info.username;
                               emit orgNameChanged(m_orgName);
                           });
    }
    salesforce::SObjectApi(m_orgClient.get())
        .organizationName(orgId, [this, run](const QString &name, const salesforce::SalesforceError &error) {
            if (run != m_run)
                return;
            if (error) {
                // The header keeps showing the org's Id; nothing else depends on the name.
                qCInfo(lcApp).noquote() << "the org's name was not read:" << error.toString();
                return;
            }
            m_orgName = name;
            emit orgNameChanged(m_orgName);
        });
}

// --- shutdown, in reverse order ---------------------------------------------------

void EngineController::tearDown(std::function<void()> then)
{
    ++m_run; // answers still on their way belong to the run that ends here
    if (m_proxy) {
        m_proxy.reset(); // closes every client connection and joins its thread
        m_proxyHost.clear();
        m_proxyPort = 0;
        emit proxyStateChanged({}, 0, tr("The proxy stopped."));
    }
    m_sync.reset(); // stops the engine (a running statement is cancelled) and joins its thread
    if (m_login)
        m_login->cancel();
    m_orgClient.reset();
    m_orgName.clear();
    m_username.clear();
    m_session.reset();
    m_budget.reset();
    m_limiter.reset();
    auto stopCluster = [this, then = std::move(then)]() mutable {
        if (!m_cluster || !m_cluster->isRunning()) {
            m_cluster.reset();
            QTimer::singleShot(0, this, std::move(then)); // never from inside stop()
            return;
        }
        store::LocalCluster *cluster = m_cluster.get();
        m_busy = true;
        runOffThread<QString>(
            &m_offThread, this,
            [cluster] {
                QString error;
                cluster->stop(&error);
                return error;
            },
            [this, then](const QString &error) {
                m_busy = false;
                if (!error.isEmpty())
                    qCWarning(lcApp).noquote() << error;
                m_cluster.reset();
                then();
            });
    };
    if (!m_demo)
        return stopCluster();
    DemoOrg *demo = m_demo.get();
    connect(demo, &DemoOrg::stopped, this, [this, stopCluster]() mutable {
        m_demo.release()->deleteLater();
        stopCluster();
    });
    demo->stop();
}

} // namespace tether::lifecycle
