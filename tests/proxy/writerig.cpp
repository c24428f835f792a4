#include "writerig.h"

#include "store/conninfo.h"
#include "testpg.h"

#include <QSignalSpy>

namespace tether::test {

bool WriteRig::start(const QString &name, const QString &generate, const QStringList &objects, QString *why)
{
    mirrorInfo = createScratchDatabase(name + QStringLiteral("_mirror"), why);
    const QString expectedInfo = createScratchDatabase(name + QStringLiteral("_expected"), why);
    if (mirrorInfo.isEmpty() || expectedInfo.isEmpty())
        return false;
    for (auto [db, info] : {std::pair{&mirror, mirrorInfo}, std::pair{&expected, expectedInfo}}) {
        if (const store::PgError e = db->open(info)) {
            *why = e.toString();
            return false;
        }
    }
    sim = std::make_unique<SimProcess>(QStringList{QStringLiteral("--generate"), generate, QStringLiteral("--daily-limit"),
                                                   QStringLiteral("1000000")});
    if (!sim->start(why)) {
        *why += QString::fromUtf8(sim->output());
        return false;
    }
    const QByteArray token = sim->fetchAccessToken(why);
    if (token.isEmpty())
        return false;
    control = std::make_unique<SimControl>(sim->baseUrl(), token);

    sync::SyncConfig config;
    config.databaseConnectionString = mirrorInfo;
    config.objects = objects;
    config.pollMaxIntervalMs = 300;
    config.reconcileIntervalMs = 3600 * 1000;
    engine = std::make_unique<EngineRig>(sim->baseUrl(), config);
    if (!engine->login()) {
        *why = QStringLiteral("login to tether-sim failed");
        return false;
    }
    QSignalSpy caughtUp(&engine->engine, &sync::SyncEngine::caughtUp);
    engine->engine.start();
    if (!caughtUp.wait(120000) && caughtUp.isEmpty()) {
        *why = QStringLiteral("the sync engine did not catch up");
        return false;
    }

    const store::ServerAddress server = store::serverAddressOf(mirrorInfo);
    proxy::ProxyConfig proxyConfig;
    proxyConfig.port = 0;
    proxyConfig.upstreamHost = server.host;
    proxyConfig.upstreamPort = server.port;
    proxyConfig.databaseConnectionString = mirrorInfo;
    proxy = std::make_unique<proxy::ProxyService>(proxyConfig);
    proxy->setSalesforce(&engine->session, &engine->limiter, &engine->budget);
    QSignalSpy listening(proxy.get(), &proxy::ProxyService::listening);
    proxy->start();
    if (!listening.wait(10000) && listening.isEmpty()) {
        *why = QStringLiteral("the proxy did not start");
        return false;
    }
    proxyInfo = store::withServerAddress(mirrorInfo, listening.first().at(0).toString(), listening.first().at(1).value<quint16>());
    return true;
}

void WriteRig::stop()
{
    proxy.reset();
    if (engine)
        engine->engine.stop();
    engine.reset();
}

QString WriteRig::mirrorDiffers(const QStringList &objects)
{
    for (const QString &object : objects) {
        const QString why = control->compareMirror(object, mirror, expected);
        if (!why.isEmpty())
            return why;
    }
    return {};
}

} // namespace tether::test
