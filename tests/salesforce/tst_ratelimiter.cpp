// RateLimiter and ApiBudget on their own: rate accuracy, live rate changes,
// write priority, pausing, and the quota arithmetic that drives pausing.
#include "salesforce/apibudget.h"
#include "salesforce/ratelimiter.h"

#include <QElapsedTimer>
#include <QMutex>
#include <QSettings>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace tether::salesforce;
using namespace std::chrono_literals;

class TestRateLimiter : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void defaultIsOneRequestEveryThreeSeconds();
    void holdsRateWithinFivePercent();
    void rateChangeAppliesImmediately();
    void slowerRateAppliesToWaitingRequest();
    void writesOvertakeQueuedSyncRequests();
    void pausedBackgroundWaitsWhileWritesFlow();
    void cancelledAndOrphanedTicketsNeverFire();
    void rateIsPersisted();
    void firstRequestIsNotHeldBackByARateSetAtStart();
    void budgetParsesLimitInfo();
    void budgetPausesAndResumesBackground();
    void budgetAsksForProbesWhilePaused();

private:
    QTemporaryDir m_settingsDir;
};

void TestRateLimiter::initTestCase()
{
    QVERIFY(m_settingsDir.isValid());
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settingsDir.path());
    QCoreApplication::setOrganizationName(QStringLiteral("TetherTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_ratelimiter"));
}

void TestRateLimiter::defaultIsOneRequestEveryThreeSeconds()
{
    RateLimiter limiter;
    QCOMPARE(limiter.interval(), std::chrono::microseconds(3'000'000));
    QVERIFY(qAbs(limiter.requestsPerSecond() - 1.0 / 3.0) < 1e-9);
}

void TestRateLimiter::holdsRateWithinFivePercent()
{
    // Callers on two threads share one bucket; grants are timestamped where they
    // arrive. The rate is measured from the grant times themselves.
    RateLimiter limiter;
    limiter.setRequestsPerSecond(20);
    QThread worker;
    worker.start();
    QObject workerContext;
    workerContext.moveToThread(&worker);

    QElapsedTimer clock;
    clock.start();
    QMutex mutex;
    QList<qint64> grants;
    // At the end, and when a check fails and returns early: the thread ends
    // before what it writes to goes.
    auto stopWorker = qScopeGuard([&worker] {
        worker.quit();
        worker.wait();
    });
    const int total = 81; // 80 intervals = 4 s at 20/s
    for (int i = 0; i < total; ++i) {
        QObject *context = (i % 2) ? &workerContext : static_cast<QObject *>(this);
        limiter.acquire(i % 3 ? ApiCategory::Poll : ApiCategory::Backfill, context, [&] {
            QMutexLocker lock(&mutex);
            grants.append(clock.nsecsElapsed());
        });
    }
    QTRY_COMPARE_WITH_TIMEOUT([&] { QMutexLocker l(&mutex); return grants.size(); }(), total, 20000);

    std::sort(grants.begin(), grants.end());
    const double seconds = double(grants.last() - grants.first()) / 1e9;
    const double rate = double(total - 1) / seconds;
    qInfo("measured %.3f grants/s over %.3f s (target 20)", rate, seconds);
    QVERIFY2(qAbs(rate - 20.0) <= 1.0, qPrintable(QStringLiteral("rate %1/s").arg(rate)));
}

void TestRateLimiter::rateChangeAppliesImmediately()
{
    RateLimiter limiter; // 1 every 3 s
    bool first = false, second = false;
    limiter.acquire(ApiCategory::Poll, this, [&] { first = true; });
    QTRY_VERIFY_WITH_TIMEOUT(first, 1000); // an idle bucket grants at once
    limiter.acquire(ApiCategory::Poll, this, [&] { second = true; });
    QCOMPARE(limiter.queuedCount(), 1);
    QElapsedTimer sinceChange;
    sinceChange.start();
    QSignalSpy rateSpy(&limiter, &RateLimiter::rateChanged);
    limiter.setRequestsPerSecond(50);
    QCOMPARE(rateSpy.size(), 1);
    // At the old rate this would take 3 s; the new one allows it within 20 ms.
    QTRY_VERIFY_WITH_TIMEOUT(second, 1000);
    QVERIFY2(sinceChange.elapsed() < 1000, qPrintable(QString::number(sinceChange.elapsed())));
}

void TestRateLimiter::slowerRateAppliesToWaitingRequest()
{
    RateLimiter limiter;
    limiter.setRequestsPerSecond(1);
    QElapsedTimer clock;
    clock.start();
    qint64 t1 = -1, t2 = -1;
    limiter.acquire(ApiCategory::Poll, this, [&] { t1 = clock.elapsed(); });
    limiter.acquire(ApiCategory::Poll, this, [&] { t2 = clock.elapsed(); }); // waits 1 s
    limiter.setInterval(2500ms); // the waiting request must now wait the new interval
    QTRY_VERIFY_WITH_TIMEOUT(t1 >= 0 && t2 >= 0, 6000);
    // At the old rate the gap would be 1000 ms; anything near 2500 shows the
    // new interval applied (with room for a busy machine delaying delivery).
    QVERIFY2(t2 - t1 >= 2000, qPrintable(QStringLiteral("gap %1 ms").arg(t2 - t1)));
}

void TestRateLimiter::writesOvertakeQueuedSyncRequests()
{
    RateLimiter limiter;
    limiter.setRequestsPerSecond(10);
    QStringList order;
    for (int i = 0; i < 8; ++i)
        limiter.acquire(ApiCategory::Backfill, this, [&order, i] { order << QStringLiteral("sync%1").arg(i); });
    limiter.acquire(ApiCategory::Write, this, [&order] { order << QStringLiteral("write"); });
    QTRY_COMPARE_WITH_TIMEOUT(order.size(), 9, 5000);
    // The write was queued behind eight sync requests, yet it went first, or
    // second if the scheduler handed the idle token to sync0 before it arrived.
    const qsizetype position = order.indexOf(QStringLiteral("write"));
    QVERIFY2(position <= 1, qPrintable(order.join(QLatin1Char(' '))));
    QCOMPARE(limiter.grantedCount(ApiCategory::Write), quint64(1));
    QCOMPARE(limiter.grantedCount(ApiCategory::Backfill), quint64(8));
}

void TestRateLimiter::pausedBackgroundWaitsWhileWritesFlow()
{
    RateLimiter limiter;
    limiter.setRequestsPerSecond(20);
    QSignalSpy pauseSpy(&limiter, &RateLimiter::backgroundPausedChanged);
    limiter.setBackgroundPaused(true);
    QCOMPARE(pauseSpy.size(), 1);
    int polls = 0, writes = 0;
    limiter.acquire(ApiCategory::Poll, this, [&] { ++polls; });
    for (int i = 0; i < 4; ++i)
        limiter.acquire(ApiCategory::Write, this, [&] { ++writes; });
    QTRY_COMPARE_WITH_TIMEOUT(writes, 4, 2000);
    // Four writes took four slots after the poll was queued; the poll got none.
    QCOMPARE(polls, 0);
    QCOMPARE(limiter.queuedCount(ApiCategory::Poll), 1);
    limiter.setBackgroundPaused(false);
    QTRY_COMPARE_WITH_TIMEOUT(polls, 1, 1000);
}

void TestRateLimiter::cancelledAndOrphanedTicketsNeverFire()
{
    RateLimiter limiter;
    limiter.setRequestsPerSecond(100);
    int fired = 0;
    bool marker = false;
    limiter.setBackgroundPaused(true);
    const auto ticket = limiter.acquire(ApiCategory::Poll, this, [&] { ++fired; });
    auto *doomed = new QObject;
    limiter.acquire(ApiCategory::Poll, doomed, [&] { ++fired; });
    QCOMPARE(limiter.queuedCount(), 2);
    QVERIFY(limiter.cancel(ticket));
    QVERIFY(!limiter.cancel(ticket));
    delete doomed; // its ticket goes with it
    QCOMPARE(limiter.queuedCount(), 0);
    limiter.setBackgroundPaused(false);
    limiter.acquire(ApiCategory::Poll, this, [&] { marker = true; });
    QTRY_VERIFY_WITH_TIMEOUT(marker, 1000);
    QCOMPARE(fired, 0);
}

void TestRateLimiter::rateIsPersisted()
{
    {
        RateLimiter limiter(QStringLiteral("00Dpersist"));
        QVERIFY(qAbs(limiter.requestsPerSecond() - RateLimiter::DefaultRequestsPerSecond) < 1e-9);
        limiter.setRequestsPerSecond(2.5);
    }
    RateLimiter again(QStringLiteral("00Dpersist"));
    QVERIFY2(qAbs(again.requestsPerSecond() - 2.5) < 1e-6, qPrintable(QString::number(again.requestsPerSecond())));
    RateLimiter other(QStringLiteral("00Dother"));
    QVERIFY(qAbs(other.requestsPerSecond() - RateLimiter::DefaultRequestsPerSecond) < 1e-9);
}

void TestRateLimiter::firstRequestIsNotHeldBackByARateSetAtStart()
{
    // Saved: 1000 requests/s. This run is started with 1 request every 3 s
    // (tether --rate 0.333): its first request still goes at once.
    {
        RateLimiter fast(QStringLiteral("00Dfirst"));
        fast.setRequestsPerSecond(1000);
    }
    RateLimiter limiter(QStringLiteral("00Dfirst"));
    limiter.setRequestsPerSecond(1.0 / 3.0);
    QElapsedTimer clock;
    clock.start();
    qint64 t1 = -1;
    limiter.acquire(ApiCategory::Schema, this, [&] { t1 = clock.elapsed(); });
    QTRY_VERIFY_WITH_TIMEOUT(t1 >= 0, 1500);
    // The interval still holds from that request on.
    qint64 t2 = -1;
    limiter.acquire(ApiCategory::Schema, this, [&] { t2 = clock.elapsed(); });
    QTRY_VERIFY_WITH_TIMEOUT(t2 >= 0, 6000);
    QVERIFY2(t2 - t1 >= 2500, qPrintable(QStringLiteral("gap %1 ms").arg(t2 - t1)));
}

void TestRateLimiter::budgetParsesLimitInfo()
{
    ApiBudget budget;
    QSignalSpy usage(&budget, &ApiBudget::usageChanged);
    QCOMPARE(budget.used(), -1);
    budget.updateFromLimitInfo("api-usage=25/15000");
    QCOMPARE(usage.size(), 1);
    QCOMPARE(budget.used(), 25);
    QCOMPARE(budget.max(), 15000);
    budget.updateFromLimitInfo("garbage");
    budget.updateFromLimitInfo("");
    QCOMPARE(usage.size(), 1);
    budget.updateFromLimits(QJsonObject{{QStringLiteral("DailyApiRequests"),
                                         QJsonObject{{QStringLiteral("Max"), 15000}, {QStringLiteral("Remaining"), 14000}}}});
    QCOMPARE(budget.used(), 1000);
    budget.recordCall(ApiCategory::Poll);
    budget.recordCall(ApiCategory::Poll);
    budget.recordCall(ApiCategory::Write);
    QCOMPARE(budget.callsMade(ApiCategory::Poll), 2);
    QCOMPARE(budget.callsMade(ApiCategory::Write), 1);
    QCOMPARE(budget.callsMadeTotal(), 3);
}

void TestRateLimiter::budgetPausesAndResumesBackground()
{
    RateLimiter limiter;
    ApiBudget budget(&limiter);
    QSignalSpy paused(&budget, &ApiBudget::backgroundPausedChanged);
    budget.updateFromLimitInfo("api-usage=79/100");
    QVERIFY(!budget.backgroundPaused());
    budget.updateFromLimitInfo("api-usage=80/100");
    QVERIFY(budget.backgroundPaused());
    QVERIFY(limiter.backgroundPaused());
    QVERIFY(!budget.isAllowed(ApiCategory::Backfill));
    QVERIFY(budget.isAllowed(ApiCategory::Write));
    QCOMPARE(paused.size(), 1);
    budget.setPauseShare(0.9);
    QVERIFY(!budget.backgroundPaused());
    budget.setPauseShare(0.8);
    budget.updateFromLimitInfo("api-usage=50/100"); // the rolling window freed quota
    QVERIFY(!budget.backgroundPaused());
    QVERIFY(!limiter.backgroundPaused());
    QCOMPARE(paused.size(), 4);
    QCOMPARE(paused.last().first().toBool(), false);

    // Hysteresis: once paused at 80%, 79% keeps it paused; 77% resumes.
    budget.updateFromLimitInfo("api-usage=80/100");
    QVERIFY(budget.backgroundPaused());
    budget.updateFromLimitInfo("api-usage=79/100");
    QVERIFY(budget.backgroundPaused());
    budget.updateFromLimitInfo("api-usage=77/100");
    QVERIFY(!budget.backgroundPaused());
    QCOMPARE(paused.size(), 6);
}

void TestRateLimiter::budgetAsksForProbesWhilePaused()
{
    ApiBudget budget;
    budget.setProbeIntervalMs(20);
    QSignalSpy probes(&budget, &ApiBudget::probeRequested);
    budget.updateFromLimitInfo("api-usage=95/100");
    QTRY_VERIFY_WITH_TIMEOUT(probes.size() >= 2, 2000);
    budget.updateFromLimitInfo("api-usage=10/100");
    QTRY_VERIFY(!budget.backgroundPaused());
}

QTEST_GUILESS_MAIN(TestRateLimiter)
#include "tst_ratelimiter.moc"
