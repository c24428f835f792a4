#include "enginerig.h"

#include <QTest>

namespace tether::test {

EngineRig::EngineRig(const QUrl &simUrl, const sync::SyncConfig &config)
    : session(salesforce::OrgConnection::simulatorDemo(simUrl)), budget(&limiter), client(&session, &limiter, &budget),
      engine(&client, config)
{
    limiter.setRequestsPerSecond(200); // tests measure behaviour, not pacing
    budget.setProbeIntervalMs(300);    // notice freed quota quickly
    QObject::connect(&budget, &salesforce::ApiBudget::probeRequested, &client, &salesforce::RestClient::probeLimits);
}

bool EngineRig::login()
{
    bool done = false;
    salesforce::SalesforceError result;
    session.loginWithClientCredentials(&session, [&](const salesforce::SalesforceError &e) {
        result = e;
        done = true;
    });
    if (!QTest::qWaitFor([&] { return done; }, 30000))
        return false;
    if (result)
        qWarning() << result.toString();
    return !result;
}

} // namespace tether::test
