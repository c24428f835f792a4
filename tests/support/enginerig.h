// EngineRig: one sync engine wired as the app wires it (session, rate limiter,
// API budget, REST client), against a tether-sim org, for tests.
#pragma once

#include "salesforce/apibudget.h"
#include "salesforce/orgsession.h"
#include "salesforce/ratelimiter.h"
#include "salesforce/restclient.h"
#include "sync/syncengine.h"

#include <QUrl>

namespace tether::test {

struct EngineRig
{
    EngineRig(const QUrl &simUrl, const sync::SyncConfig &config);

    // Client-credentials login as the simulator's admin; false (and a warning) on failure.
    bool login();

    salesforce::OrgSession session;
    salesforce::RateLimiter limiter;
    salesforce::ApiBudget budget;
    salesforce::RestClient client;
    sync::SyncEngine engine;
};

} // namespace tether::test
