// CallScheduler: hands out the sync engine's API calls, one at a time — the
// org's shared rate limiter, not the engine, sets the pace — to the most
// urgent kind of work:
//   1. describes (startup, then on a schedule, or after a query named a field
//      that is gone),
//   2. COUNT() of tables that still need a backfill (sizes pick REST or Bulk),
//   3. follow-up pages of a poll that returned more than one page,
//   4. a poll batch and the rest in turn — a backfill page, else a purge
//      reconciliation step — so that neither starves the other,
//   5. purge reconciliation (also when nothing else is due).
// Each kind skips tables that are backing off after an error. When nothing is
// due the scheduler sleeps until the earliest table is.
#pragma once

#include <QDateTime>
#include <QObject>
#include <QTimer>
#include <atomic>
#include <functional>

namespace tether::sync {

class CallScheduler : public QObject
{
    Q_OBJECT
public:
    // Starts one request of its kind and returns true, or returns false when
    // nothing of that kind is due. `done` is called once its outcome is handled.
    using Starter = std::function<bool(const QDateTime &now, std::function<void()> done)>;
    struct Work
    {
        Starter describe, count, pollFollowUp, backfill, poll, reconcile;
        std::function<QDateTime()> nextDue; // the earliest moment anything is due
    };

    explicit CallScheduler(Work work, QObject *parent = nullptr);

    void start();
    // Stops handing out calls; an activity still running is forgotten (its
    // request must be cancelled by the caller).
    void stop();
    // Something changed: look again soon.
    void wake(int delayMs = 0);
    // Thread-safe: hand out no further call until start() (the engine is
    // being stopped from another thread).
    void halt() { m_halted = true; }
    bool isRunning() const { return m_running; }

signals:
    // Looked and found nothing due right now.
    void idle();

private:
    void pump();

    Work m_work;
    QTimer m_timer;
    bool m_running = false;
    bool m_busy = false;
    bool m_lastWasPoll = false;
    quint64 m_generation = 0; // activities of an earlier run do not count
    std::atomic<bool> m_halted{false};
};

} // namespace tether::sync
