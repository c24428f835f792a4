// WriteMetrics: how the proxy's writes to Salesforce went — commits accepted
// by Salesforce, commits refused, and how long each took from the COMMIT the
// client sent until the answer was known. Written in the proxy's thread, read
// by the health server in the main thread, hence atomics only.
#pragma once

#include <QtGlobal>
#include <array>
#include <atomic>

namespace tether::proxy {

struct WriteMetrics
{
    // Upper bounds (seconds) of the latency histogram's buckets, as Prometheus
    // wants them: cumulative, the last bucket (+Inf) is `count`.
    static constexpr std::array<double, 10> BucketBounds{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

    std::atomic<qint64> accepted{0};
    std::atomic<qint64> refused{0};
    std::array<std::atomic<qint64>, BucketBounds.size()> buckets{}; // cumulative counts
    std::atomic<qint64> count{0};
    std::atomic<qint64> sumMicroseconds{0};

    void record(bool wasAccepted, qint64 microseconds)
    {
        (wasAccepted ? accepted : refused).fetch_add(1);
        const double seconds = double(microseconds) / 1e6;
        for (size_t i = 0; i < BucketBounds.size(); ++i) {
            if (seconds <= BucketBounds[i])
                buckets[i].fetch_add(1);
        }
        count.fetch_add(1);
        sumMicroseconds.fetch_add(microseconds);
    }
};

} // namespace tether::proxy
