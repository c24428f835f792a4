// Backoff: how long a failing thing waits before it tries again — doubling
// from a first delay up to a cap, with jitter so that tables (or reconnects)
// that failed together do not retry in lockstep.
#pragma once

#include <QRandomGenerator>
#include <QtGlobal>

namespace tether::sync {

class Backoff
{
public:
    Backoff(int firstMs = 2000, int capMs = 60000) : m_firstMs(firstMs), m_capMs(capMs) {}

    // The delay before the next attempt; each call without reset() doubles it.
    int next()
    {
        const qint64 full = qMin<qint64>(m_capMs, qint64(m_firstMs) << qMin(m_failures, 20));
        ++m_failures;
        // "Equal jitter": at least half the delay, the rest spread at random.
        return int(full / 2 + QRandomGenerator::global()->bounded(full / 2 + 1));
    }
    void reset() { m_failures = 0; }
    int failures() const { return m_failures; }

private:
    int m_firstMs;
    int m_capMs;
    int m_failures = 0;
};

} // namespace tether::sync
