// conn_bench: figures for the Salesforce connection layer.
//  - RateLimiter: achieved rate and grant jitter at several target rates, and
//    how long a write waits when a backlog of sync requests is queued.
//  - RestClient against tether-sim (no limiter): requests per second and
//    latency percentiles, and how long 50 concurrent requests take to recover
//    from an expired session (one single-flight refresh).
// Prints figures; asserts nothing.
#include "salesforce/orgsession.h"
#include "salesforce/ratelimiter.h"
#include "salesforce/queryapi.h"
#include "salesforce/restclient.h"
#include "simprocess.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>
#include <algorithm>
#include <cstdio>

using namespace tether::salesforce;

namespace {

// Spins the event loop until `done` is true or `timeoutMs` passed.
bool spinUntil(const std::function<bool()> &done, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (!done() && t.elapsed() < timeoutMs)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
    return done();
}

double percentile(QList<double> v, double p)
{
    if (v.isEmpty())
        return 0;
    std::sort(v.begin(), v.end());
    return v.at(qMin(v.size() - 1, qsizetype(p * double(v.size()))));
}

void limiterFigures()
{
    std::printf("rate limiter (burst 1)\n  %-10s %-8s %-10s %-12s %-12s\n", "target/s", "grants", "achieved/s", "error %",
                "max gap dev ms");
    for (double rate : {2.0, 10.0, 50.0, 200.0}) {
        RateLimiter limiter;
        limiter.setRequestsPerSecond(rate);
        const int n = int(rate * 3) + 1; // about three seconds each
        QList<qint64> grants;
        QElapsedTimer clock;
        clock.start();
        QObject context;
        for (int i = 0; i < n; ++i)
            limiter.acquire(ApiCategory::Poll, &context, [&] { grants.append(clock.nsecsElapsed()); });
        spinUntil([&] { return grants.size() == n; }, 20000);
        const double seconds = double(grants.last() - grants.first()) / 1e9;
        const double achieved = double(n - 1) / seconds;
        double maxDev = 0;
        for (int i = 1; i < grants.size(); ++i)
            maxDev = std::max(maxDev, std::abs(double(grants[i] - grants[i - 1]) / 1e6 - 1000.0 / rate));
        std::printf("  %-10.1f %-8d %-10.3f %-12.3f %-12.2f\n", rate, n, achieved, 100.0 * (achieved - rate) / rate, maxDev);
    }

    RateLimiter limiter;
    limiter.setRequestsPerSecond(20);
    QObject context;
    int syncGranted = 0;
    for (int i = 0; i < 100; ++i)
        limiter.acquire(ApiCategory::Backfill, &context, [&] { ++syncGranted; });
    spinUntil([&] { return syncGranted >= 3; }, 5000);
    QElapsedTimer t;
    t.start();
    qint64 waited = -1;
    limiter.acquire(ApiCategory::Write, &context, [&] { waited = t.elapsed(); });
    spinUntil([&] { return waited >= 0; }, 5000);
    std::printf("  write behind %d queued sync requests at 20/s waited %lld ms (one interval = 50 ms)\n",
                100 - syncGranted, waited);
}

void restFigures()
{
    tether::test::SimProcess sim({QStringLiteral("--generate"), QStringLiteral("Account=200")});
    QString why;
    if (!sim.start(&why)) {
        std::printf("rest client: tether-sim did not start: %s\n", qPrintable(why));
        return;
    }
    OrgSession session(OrgConnection::simulatorDemo(sim.baseUrl()));
    bool ready = false;
    SalesforceError loginError;
    session.loginWithClientCredentials(&session, [&](const SalesforceError &e) { loginError = e; ready = true; });
    spinUntil([&] { return ready; }, 20000);
    if (loginError) {
        std::printf("rest client: login failed: %s\n", qPrintable(loginError.toString()));
        return;
    }
    RestClient client(&session, nullptr, nullptr);

    for (int concurrency : {1, 6, 50}) {
        const int total = 600;
        int sent = 0, answered = 0, failed = 0;
        QList<double> latencies;
        QElapsedTimer wall;
        wall.start();
        std::function<void()> sendOne = [&] {
            if (sent >= total)
                return;
            ++sent;
            QElapsedTimer *t = new QElapsedTimer;
            t->start();
            QueryApi(&client).query(QStringLiteral("SELECT Id, Name FROM Account LIMIT 10"), 0, ApiCategory::Poll,
                         [&, t](const QueryResult &r) {
                             latencies.append(double(t->nsecsElapsed()) / 1e6);
                             delete t;
                             ++answered;
                             failed += r.error ? 1 : 0;
                             sendOne();
                         });
        };
        for (int i = 0; i < concurrency; ++i)
            sendOne();
        spinUntil([&] { return answered == total; }, 120000);
        const double seconds = double(wall.nsecsElapsed()) / 1e9;
        std::printf("rest client: %d queries, %d in flight: %.0f requests/s, p50 %.2f ms, p99 %.2f ms, %d failed\n",
                    total, concurrency, double(answered) / seconds, percentile(latencies, 0.5),
                    percentile(latencies, 0.99), failed);
    }

    // Session expiry with 50 requests in flight.
    QNetworkAccessManager nam;
    QNetworkRequest invalidate(sim.baseUrl().resolved(QUrl(QStringLiteral("/__sim/sessions/invalidate"))));
    invalidate.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
    QNetworkReply *reply = nam.post(invalidate, "{}");
    spinUntil([&] { return reply->isFinished(); }, 10000);
    delete reply;
    const int refreshesBefore = session.refreshCount();
    int answered = 0, failed = 0;
    QElapsedTimer t;
    t.start();
    for (int i = 0; i < 50; ++i)
        QueryApi(&client).query(QStringLiteral("SELECT Id FROM Account LIMIT 1"), 0, ApiCategory::Poll, [&](const QueryResult &r) {
            ++answered;
            failed += r.error ? 1 : 0;
        });
    spinUntil([&] { return answered == 50; }, 60000);
    std::printf("session expiry: 50 concurrent requests recovered in %lld ms with %d refresh(es), %d failed\n",
                t.elapsed(), session.refreshCount() - refreshesBefore, failed);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    limiterFigures();
    restFigures();
    return 0;
}
