#include "enginerunner.h"

#include "demoenvironment.h"
#include "logging.h"
#include "salesforce/headlesscredentials.h"

#include <QCoreApplication>
#include <QDir>
#include <QTextStream>

using namespace tether;

EngineRunner::EngineRunner(RunOptions options, QObject *parent)
    : QObject(parent), m_options(std::move(options))
{
    m_clock.start();
}

EngineRunner::~EngineRunner()
{
    if (!m_stopping)
        stop();
}

void EngineRunner::fail(const QString &message)
{
    qCCritical(lcApp).noquote() << message;
    emit failed(message);
}

void EngineRunner::start()
{
    startDatabase();
    if (m_databaseInfo.isEmpty())
        return;
    if (m_options.demo) {
        m_demo = std::make_unique<DemoEnvironment>(
            DemoEnvironment::Options{QDir(m_options.dataDir).filePath(QStringLiteral("demo")), m_options.demoScale, 3});
        connect(m_demo.get(), &DemoEnvironment::failed, this, &EngineRunner::fail);
        connect(m_demo.get(), &DemoEnvironment::simulatorReady, this, [this](const QUrl &url) { login(url); });
        qCInfo(lcApp) << "starting the demo Salesforce org (first start generates it; this takes a moment)";
        m_demo->startSimulator();
        return;
    }
    QString why;
    const QUrl host = salesforce::LoginHost::fromText(m_options.loginHost.isEmpty() ? QStringLiteral("production")
                                                                                       : m_options.loginHost,
                                                      &why);
    if (!host.isValid())
        return fail(tr("The login host is not usable: %1").arg(why));
    login(host);
}

void EngineRunner::startDatabase()
{
    if (!m_options.database.isEmpty()) {
        m_databaseInfo = m_options.database;
        return;
    }
    m_cluster = std::make_unique<store::LocalCluster>(
        store::LocalCluster::Options{QDir(m_options.dataDir).filePath(QStringLiteral("postgres")), false, 0});
    QString error;
    if (!m_cluster->start(&error)) {
        fail(tr("Could not start Tether's local PostgreSQL: %1").arg(error));
        return;
    }
    m_databaseInfo = m_cluster->connectionString();
    qCInfo(lcApp).noquote() << "PostgreSQL ready; connect with: psql" << ("\"" + m_databaseInfo + "\"");
}

void EngineRunner::login(const QUrl &loginHost)
{
    salesforce::OrgConnection connection;
    if (m_options.demo) {
        connection = salesforce::OrgConnection::simulatorDemo(loginHost);
    } else {
        connection.loginHost = loginHost;
        connection.clientId = m_options.clientId;
        connection.clientSecret = m_options.clientSecret.isEmpty()
                                      ? qEnvironmentVariable("TETHER_SF_CLIENT_SECRET")
                                      : m_options.clientSecret;
    }
    if (connection.clientId.isEmpty())
        return fail(tr("No connected app was given: pass --client-id (and --client-secret or a refresh token), "
                       "or try --demo."));

    m_limiter = std::make_unique<salesforce::RateLimiter>(connection.loginHost.host());
    if (m_options.requestsPerSecond > 0)
        m_limiter->setRequestsPerSecond(m_options.requestsPerSecond);
    m_budget = std::make_unique<salesforce::ApiBudget>(m_limiter.get());
    m_session = std::make_unique<salesforce::OrgSession>(connection);
    connect(m_session.get(), &salesforce::OrgSession::loginRequired, this,
            [this](const salesforce::SalesforceError &reason) {
                fail(tr("Salesforce ended the session: %1 Log in again.").arg(reason.toString()));
            });

    auto done = [this](const salesforce::SalesforceError &error) {
        if (error)
            return fail(tr("Salesforce login failed: %1").arg(error.toString()));
        qCInfo(lcApp).noquote() << "logged in to" << m_session->connection().instanceUrl.toString()
                                << "at" << m_limiter->requestsPerSecond() << "requests/s";
        startSync();
    };
    const salesforce::HeadlessRefreshToken token = salesforce::loadHeadlessRefreshToken(m_options.refreshTokenFile);
    if (token.error)
        return fail(token.error.toString());
    if (!token.token.isEmpty()) {
        qCInfo(lcApp).noquote() << "logging in with the refresh token from" << token.source;
        m_session->loginWithRefreshToken(token.token, this, done);
    } else if (!connection.clientSecret.isEmpty()) {
        m_session->loginWithClientCredentials(this, done);
    } else {
        fail(tr("No way to log in without a browser: give --client-secret for the client credentials flow, "
                "or a refresh token in %1 or --refresh-token-file (mode 0600).")
                 .arg(QString::fromLatin1(salesforce::RefreshTokenEnvVar)));
    }
}

void EngineRunner::startSync()
{
    sync::SyncConfig config;
    config.databaseConnectionString = m_databaseInfo;
    config.schemaName = m_options.schema;
    config.objects = m_options.objects;
    m_service = std::make_unique<sync::SyncService>(m_session.get(), m_limiter.get(), m_budget.get(), config);
    connect(m_service.get(), &sync::SyncService::fatalError, this, &EngineRunner::fail);
    if (m_options.printProgress) {
        connect(m_service.get(), &sync::SyncService::tableStatusChanged, this, &EngineRunner::printStatus);
        connect(m_service.get(), &sync::SyncService::backfillCompleted, this, [](const QString &object) {
            QTextStream(stderr) << QCoreApplication::translate("EngineRunner", "tether: %1 backfill complete").arg(object)
                                << Qt::endl;
        });
        connect(m_service.get(), &sync::SyncService::caughtUp, this, [] {
            QTextStream(stderr) << QCoreApplication::translate("EngineRunner", "tether: every table is backfilled; polling for changes")
                                << Qt::endl;
        });
    }
    emit running(); // listeners connect to service() before it emits anything
    m_service->start();
}

void EngineRunner::printStatus(const sync::TableStatus &s)
{
    // Backfills: a line per table at most every two seconds. Polling: a line
    // when the table changed, at most every 10 s, else once a minute.
    if (s.phase == sync::Phase::Backfilling && s.rowsTotal < 0 && s.lastError.isEmpty())
        return; // not counted yet: nothing worth saying
    const qint64 now = m_clock.elapsed();
    const qint64 last = m_lastPrinted.value(s.objectName, -100000);
    const bool changed = m_lastRows.value(s.objectName, -1) != s.rowsInTable;
    if (s.lastError.isEmpty()) {
        if (s.phase == sync::Phase::Backfilling && now - last < 2000)
            return;
        if (s.phase == sync::Phase::Polling && now - last < (changed ? 10000 : 60000))
            return;
    }
    m_lastPrinted.insert(s.objectName, now);
    m_lastRows.insert(s.objectName, s.rowsInTable);
    QString line;
    switch (s.phase) {
    case sync::Phase::Backfilling: {
        const double percent = s.rowsTotal > 0 ? 100.0 * double(s.rowsDone) / double(s.rowsTotal) : 0;
        line = tr("%1 backfilling via %2: %3/%4 (%5%), %6 records/s")
                   .arg(s.objectName, s.backfillMethod.isEmpty() ? QStringLiteral("?") : s.backfillMethod)
                   .arg(s.rowsDone)
                   .arg(s.rowsTotal < 0 ? QStringLiteral("?") : QString::number(s.rowsTotal))
                   .arg(percent, 0, 'f', 1)
                   .arg(qRound(s.recordsPerSecond));
        if (s.etaSeconds >= 0)
            line += tr(", ETA %1 s").arg(s.etaSeconds);
        break;
    }
    case sync::Phase::Polling:
        line = tr("%1 polling: %2 rows, last poll %3")
                   .arg(s.objectName)
                   .arg(s.rowsInTable)
                   .arg(s.lastPoll.isValid() ? s.lastPoll.toLocalTime().toString(QStringLiteral("HH:mm:ss")) : tr("not yet"));
        break;
    default:
        line = tr("%1 %2").arg(s.objectName, sync::phaseName(s.phase));
        break;
    }
    line += tr(", %1 API calls").arg(s.apiCalls, 0, 'f', 1);
    if (!s.lastError.isEmpty())
        line += tr(" — %1").arg(s.lastError);
    QTextStream(stderr) << "tether: " << line << Qt::endl;
}

void EngineRunner::stop()
{
    m_stopping = true;
    if (m_service)
        m_service->stop();
    m_service.reset();
    if (m_demo)
        m_demo->stop();
    if (m_cluster) {
        QString error;
        if (!m_cluster->stop(&error))
            qCWarning(lcApp).noquote() << error;
    }
    emit finished();
}
