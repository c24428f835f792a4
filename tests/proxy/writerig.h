// WriteRig: everything a write-through test needs, wired as the application
// wires it — tether-sim as the org, a scratch database on the fixture
// PostgreSQL as the mirror, the sync engine (caught up), and the proxy with
// the engine's session, rate limiter and API budget — plus a second scratch
// database for compareMirror, the oracle that reads the simulator over REST.
#pragma once

#include "enginerig.h"
#include "proxy/proxyservice.h"
#include "simcontrol.h"
#include "simprocess.h"
#include "store/pgconnection.h"

#include <memory>

namespace tether::test {

class WriteRig
{
public:
    // `name` prefixes the scratch databases; `generate` is tether-sim's --generate.
    bool start(const QString &name, const QString &generate, const QStringList &objects, QString *why);
    void stop();

    // Empty when the mirror of each object equals the simulator's records now.
    QString mirrorDiffers(const QStringList &objects);

    std::unique_ptr<SimProcess> sim;
    std::unique_ptr<SimControl> control;
    std::unique_ptr<EngineRig> engine;
    std::unique_ptr<proxy::ProxyService> proxy;
    QString mirrorInfo; // straight to PostgreSQL
    QString proxyInfo;  // the same database through the proxy
    store::PgConnection mirror;
    store::PgConnection expected;
};

} // namespace tether::test
