#include "salesforce/ratelimiter.h"

#include "logging.h"

#include <QMetaObject>
#include <QSettings>
#include <QtGlobal>
#include <algorithm>
#include <array>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace tether::salesforce {

using Clock = std::chrono::steady_clock;
using std::chrono::microseconds;

namespace {

// Write first, then login-adjacent calls, then background sync; FIFO within each.
int priorityOf(ApiCategory c)
{
    if (c == ApiCategory::Write)
        return 0;
    if (c == ApiCategory::Other)
        return 1;
    return 2;
}

QString settingsGroup(const QString &key)
{
    return QStringLiteral("salesforce/rateLimit/") + key;
}

} // namespace

struct RateLimiter::State
{
    struct Waiting
    {
        Ticket ticket;
        ApiCategory category;
        QObject *context;
        std::function<void()> granted;
        QMetaObject::Connection onDestroyed;
        Clock::time_point enqueued;
    };

    mutable std::mutex mutex;
    std::condition_variable wake;
    bool stopping = false;
    QString settingsKey;
    microseconds interval{3'000'000};
    int burst = 1;
    // Generic cell rate algorithm: `tat` is the theoretical arrival time of the
    // next conforming request. A request may go at t >= tat - (burst-1)*interval.
    Clock::time_point tat = Clock::now();
    bool backgroundPaused = false;
    std::array<std::deque<Waiting>, 3> queues; // by priorityOf()
    std::array<quint64, ApiCategoryCount> granted{};
    Ticket nextTicket = 1;
    std::thread thread;

    // The moment from which a token may be spent.
    Clock::time_point eligible() const { return tat - (burst - 1) * interval; }

    // Spends the token of a request of `category`, asked for at `enqueued`,
    // granted at `now` (>= eligible()).
    void charge(ApiCategory category, Clock::time_point enqueued, Clock::time_point now)
    {
        // A request that waited for its slot is charged from the slot, not from
        // the moment the scheduler thread woke up, so wake-up latency does not
        // slowly lower the rate. An idle bucket starts counting from now.
        const Clock::time_point from = eligible();
        const bool onSchedule = enqueued <= from && now - from < interval;
        tat = (onSchedule ? std::max(tat, from + (burst - 1) * interval) : std::max(tat, now)) + interval;
        ++granted[int(category)];
    }

    // Whether a request of priority `p` asked for now may go at once: nothing
    // of its priority or higher waits, it is not paused, a token is there.
    bool mayGoAtOnce(int p, Clock::time_point now) const
    {
        for (int higher = 0; higher <= p; ++higher) {
            if (!queues[higher].empty())
                return false;
        }
        return !(p == 2 && backgroundPaused) && now >= eligible();
    }

    // The first waiting ticket that may go now (respecting the pause), or null.
    std::deque<Waiting> *nextQueue()
    {
        for (int p = 0; p < 3; ++p) {
            if (queues[p].empty())
                continue;
            if (p == 2 && backgroundPaused)
                continue;
            return &queues[p];
        }
        return nullptr;
    }

    void run()
    {
        std::unique_lock lock(mutex);
        while (!stopping) {
            std::deque<Waiting> *q = nextQueue();
            if (!q) {
                wake.wait(lock);
                continue;
            }
            const Clock::time_point now = Clock::now();
            if (now < eligible()) {
                wake.wait_until(lock, eligible());
                continue; // re-evaluate: rate, queue or pause may have changed
            }
            Waiting w = std::move(q->front());
            q->pop_front();
            charge(w.category, w.enqueued, now);
            QObject::disconnect(w.onDestroyed);
            // Posted while holding the lock: a context being destroyed waits in its
            // destroyed() handler below, and ~QObject drops events posted to it.
            QMetaObject::invokeMethod(w.context, std::move(w.granted), Qt::QueuedConnection);
        }
    }

    bool removeTicket(Ticket t)
    {
        for (auto &q : queues) {
            for (auto it = q.begin(); it != q.end(); ++it) {
                if (it->ticket == t) {
                    QObject::disconnect(it->onDestroyed);
                    q.erase(it);
                    return true;
                }
            }
        }
        return false;
    }
};

RateLimiter::RateLimiter(const QString &settingsKey, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<State>())
{
    d->settingsKey = settingsKey;
    if (!settingsKey.isEmpty()) {
        QSettings settings;
        const double rate = settings.value(settingsGroup(settingsKey) + QStringLiteral("/requestsPerSecond"),
                                           DefaultRequestsPerSecond).toDouble();
        if (rate > 0)
            d->interval = microseconds(qint64(1e6 / rate));
    }
    d->tat = Clock::now();
    d->thread = std::thread([this] { d->run(); });
}

RateLimiter::~RateLimiter()
{
    {
        std::lock_guard lock(d->mutex);
        d->stopping = true;
        for (auto &q : d->queues) {
            for (auto &w : q)
                QObject::disconnect(w.onDestroyed);
            q.clear();
        }
    }
    d->wake.notify_all();
    d->thread.join();
}

double RateLimiter::requestsPerSecond() const
{
    std::lock_guard lock(d->mutex);
    return 1e6 / double(d->interval.count());
}

std::chrono::microseconds RateLimiter::interval() const
{
    std::lock_guard lock(d->mutex);
    return d->interval;
}

void RateLimiter::setRequestsPerSecond(double rate)
{
    if (!(rate > 0))
        return;
    setInterval(microseconds(qMax<qint64>(1, qint64(1e6 / rate))));
}

void RateLimiter::setInterval(std::chrono::microseconds interval)
{
    if (interval.count() <= 0)
        return;
    QString key;
    {
        std::lock_guard lock(d->mutex);
        if (interval == d->interval)
            return;
        // The last grant charged the old interval; charge the new one instead,
        // so a waiting request sees the new rate at once, in both directions.
        // Before any grant there is nothing to charge: a rate set at start (a
        // --rate other than the saved one) must not hold the first request
        // back for a whole interval.
        if (std::any_of(d->granted.begin(), d->granted.end(), [](quint64 n) { return n > 0; }))
            d->tat += interval - d->interval;
        d->interval = interval;
        key = d->settingsKey;
    }
    d->wake.notify_all();
    const double rate = 1e6 / double(interval.count());
    if (!key.isEmpty()) {
        QSettings settings;
        settings.setValue(settingsGroup(key) + QStringLiteral("/requestsPerSecond"), rate);
    }
    qCInfo(lcSalesforce, "Request rate set to %.3f per second", rate);
    emit rateChanged(rate);
}

int RateLimiter::burst() const
{
    std::lock_guard lock(d->mutex);
    return d->burst;
}

void RateLimiter::setBurst(int tokens)
{
    {
        std::lock_guard lock(d->mutex);
        d->burst = qMax(1, tokens);
    }
    d->wake.notify_all();
}

RateLimiter::Ticket RateLimiter::acquire(ApiCategory category, QObject *context,
                                         std::function<void()> granted)
{
    Q_ASSERT(context);
    Ticket ticket;
    {
        std::lock_guard lock(d->mutex);
        ticket = d->nextTicket++;
        const Clock::time_point now = Clock::now();
        if (d->mayGoAtOnce(priorityOf(category), now)) {
            // A token is there and nobody is ahead: granted here, without
            // waking the scheduler thread and having it wake the caller's
            // (two thread switches per request, costly on a virtual machine).
            d->charge(category, now, now);
            QMetaObject::invokeMethod(context, std::move(granted), Qt::QueuedConnection);
            return ticket;
        }
        State::Waiting w{ticket, category, context, std::move(granted), {}, now};
        // If the context dies first its ticket must go; connected before the
        // ticket is visible to the scheduler, so no grant can slip past it.
        w.onDestroyed = QObject::connect(context, &QObject::destroyed, context,
                                         [this, ticket] { cancel(ticket); }, Qt::DirectConnection);
        d->queues[priorityOf(category)].push_back(std::move(w));
    }
    d->wake.notify_all();
    return ticket;
}

bool RateLimiter::cancel(Ticket ticket)
{
    std::lock_guard lock(d->mutex);
    return d->removeTicket(ticket);
}

void RateLimiter::setBackgroundPaused(bool paused)
{
    {
        std::lock_guard lock(d->mutex);
        if (d->backgroundPaused == paused)
            return;
        d->backgroundPaused = paused;
    }
    d->wake.notify_all();
    qCInfo(lcSalesforce, "Background requests %s", paused ? "paused" : "resumed");
    emit backgroundPausedChanged(paused);
}

bool RateLimiter::backgroundPaused() const
{
    std::lock_guard lock(d->mutex);
    return d->backgroundPaused;
}

int RateLimiter::queuedCount() const
{
    std::lock_guard lock(d->mutex);
    int n = 0;
    for (const auto &q : d->queues)
        n += int(q.size());
    return n;
}

int RateLimiter::queuedCount(ApiCategory category) const
{
    std::lock_guard lock(d->mutex);
    int n = 0;
    for (const auto &w : d->queues[priorityOf(category)])
        n += w.category == category ? 1 : 0;
    return n;
}

quint64 RateLimiter::grantedCount(ApiCategory category) const
{
    std::lock_guard lock(d->mutex);
    return d->granted[int(category)];
}

} // namespace tether::salesforce
