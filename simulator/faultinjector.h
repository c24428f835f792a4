// FaultInjector: the faults a test asked tether-sim for (/__sim/faults) —
// latency, 5xx, UNABLE_TO_LOCK_ROW, dropped connections (before or after
// the request was carried out), ended sessions, an
// exhausted quota, 404 — each matching whole requests or single /composite
// subrequests by path pattern and method, firing a given number of times.
#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QRegularExpression>
#include <optional>

namespace tether::sim {

class FaultInjector
{
public:
    // What a request that matched faults must do.
    struct Effect
    {
        int latencyMs = 0; // added before answering (from latency faults)
        QString kind;      // empty: no failing fault fired; else http500, drop, ...
        bool dropAfter = false; // "drop_after": carry the request out, then lose its answer
    };

    // Adds a fault from its JSON spec; its id, or an error sentence in `why`.
    std::optional<int> add(const QJsonObject &spec, QString *why);
    bool remove(int id);
    void clear() { m_faults.clear(); }
    QJsonArray list() const;

    // Whole requests: every latency fault that matches adds its latency; the
    // first failing one that matches fires. Each firing counts down the fault.
    Effect matchRequest(const QByteArray &method, const QString &path);
    // Composite subrequests: `target` is the path plus "?" and the decoded query.
    std::optional<QString> matchSubrequest(const QByteArray &method, const QString &target);

private:
    struct Fault
    {
        int id = 0;
        QString pattern;
        QRegularExpression regex;
        QByteArray method;
        QString kind;
        int remaining = 1; // -1 = until removed
        int latencyMs = 0;
        bool subrequests = false; // fires on composite subrequests instead of whole requests
    };
    bool matches(const Fault &f, bool subrequest, const QByteArray &method, const QString &target) const;
    void countDown(int index);

    QList<Fault> m_faults;
    int m_nextId = 1;
};

} // namespace tether::sim
