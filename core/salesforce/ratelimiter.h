// RateLimiter: the one token bucket per org that every caller of Salesforce
// shares (sync engine, proxy, UI), whatever thread it runs on.
//
// A request that finds a token and nobody waiting ahead of it is granted in
// acquire() itself; the others wait for a dedicated scheduler thread, which
// hands out tokens at the configured rate. Grants are delivered as queued
// calls on the thread of the `context` object given to acquire(), so a
// worker-thread RestClient gets its callback in its own thread.
// Write requests are always served before queued background ones, so an
// interactive write never waits behind a backlog of sync requests. The budget
// can pause background categories; paused tickets stay queued, Write and Other
// keep flowing. The rate is persisted in QSettings and changes apply at once.
#pragma once

#include "salesforce/apicategory.h"

#include <QObject>
#include <QString>
#include <chrono>
#include <functional>
#include <memory>

namespace tether::salesforce {

class RateLimiter : public QObject
{
    Q_OBJECT
public:
    using Ticket = quint64;

    // `settingsKey` scopes the persisted rate (e.g. the org id); empty keeps
    // the rate in memory only. Default rate: 1 request every 3 seconds.
    explicit RateLimiter(const QString &settingsKey = {}, QObject *parent = nullptr);
    ~RateLimiter() override;

    static constexpr double DefaultRequestsPerSecond = 1.0 / 3.0;

    double requestsPerSecond() const;
    std::chrono::microseconds interval() const;
    // Both apply immediately, also to requests already waiting, and persist.
    void setRequestsPerSecond(double rate);
    void setInterval(std::chrono::microseconds interval);

    // Bucket size: how many tokens may be spent back to back after idling.
    // Default 1 (strict spacing), which is what a shared org quota wants.
    int burst() const;
    void setBurst(int tokens);

    // Queues a request for a token. `granted` runs once, on `context`'s thread,
    // unless the ticket is cancelled or `context` is destroyed first.
    Ticket acquire(ApiCategory category, QObject *context, std::function<void()> granted);
    // True if the ticket was still waiting (its callback will not run).
    bool cancel(Ticket ticket);

    // Background categories (Backfill, Poll, Schema) wait while paused.
    void setBackgroundPaused(bool paused);
    bool backgroundPaused() const;

    int queuedCount() const;
    int queuedCount(ApiCategory category) const;
    quint64 grantedCount(ApiCategory category) const;

signals:
    void rateChanged(double requestsPerSecond);
    void backgroundPausedChanged(bool paused);

private:
    struct State;
    std::unique_ptr<State> d;
};

} // namespace tether::salesforce
