#include "sync/callscheduler.h"

namespace tether::sync {

CallScheduler::CallScheduler(Work work, QObject *parent) : QObject(parent), m_work(std::move(work))
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &CallScheduler::pump);
}

void CallScheduler::start()
{
    m_running = true;
    m_busy = false;
    m_halted = false;
    ++m_generation;
    wake(0);
}

void CallScheduler::stop()
{
    m_running = false;
    m_busy = false;
    ++m_generation;
    m_timer.stop();
}

void CallScheduler::wake(int delayMs)
{
    if (!m_running || m_busy)
        return;
    if (!m_timer.isActive() || m_timer.remainingTime() > delayMs)
        m_timer.start(qMax(0, delayMs));
}

void CallScheduler::pump()
{
    if (!m_running || m_busy || m_halted)
        return;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const quint64 generation = m_generation;
    auto done = [this, generation] {
        if (generation != m_generation)
            return;
        m_busy = false;
        wake(0);
    };
    m_busy = true;
    auto tryStart = [&](const Starter &starter) { return starter && starter(now, done); };
    if (tryStart(m_work.describe) || tryStart(m_work.count) || tryStart(m_work.pollFollowUp))
        return;
    // Alternate between polling and the rest (a backfill page, else a purge
    // reconciliation step) so that neither starves the other: polls follow
    // the limiter's rate (decision 0027), so some table is nearly always due.
    if (m_lastWasPoll ? (tryStart(m_work.backfill) || tryStart(m_work.reconcile)) : false) {
        m_lastWasPoll = false;
        return;
    }
    if (tryStart(m_work.poll)) {
        m_lastWasPoll = true;
        return;
    }
    if (tryStart(m_work.backfill)) {
        m_lastWasPoll = false;
        return;
    }
    if (tryStart(m_work.reconcile))
        return;
    m_busy = false;

    // Nothing to send now: sleep until the earliest thing falls due.
    emit idle();
    if (!m_running)
        return;
    const QDateTime wakeAt = m_work.nextDue ? m_work.nextDue() : QDateTime();
    // Nothing started, so "due now" can only be a moment away: never spin.
    if (wakeAt.isValid())
        wake(int(qBound<qint64>(50, QDateTime::currentDateTimeUtc().msecsTo(wakeAt), qint64(24) * 3600 * 1000)));
}

} // namespace tether::sync
