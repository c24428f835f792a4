#include "faultinjector.h"

namespace tether::sim {

std::optional<int> FaultInjector::add(const QJsonObject &spec, QString *why)
{
    static const QStringList kinds = {QStringLiteral("latency"), QStringLiteral("http500"), QStringLiteral("http503"),
                                      QStringLiteral("unable_to_lock_row"), QStringLiteral("drop"),
                                      QStringLiteral("drop_after"), QStringLiteral("invalidate_session"), QStringLiteral("quota_exhausted"),
                                      QStringLiteral("not_found")};
    static const QStringList subrequestKinds = {QStringLiteral("http500"), QStringLiteral("http503"),
                                                QStringLiteral("unable_to_lock_row")};
    Fault f;
    f.pattern = spec.value(QStringLiteral("pattern")).toString(QStringLiteral("*"));
    f.kind = spec.value(QStringLiteral("kind")).toString();
    f.method = spec.value(QStringLiteral("method")).toString().toUpper().toLatin1();
    f.remaining = spec.value(QStringLiteral("count")).toInt(1);
    f.latencyMs = spec.value(QStringLiteral("latencyMs")).toInt(0);
    f.subrequests = spec.value(QStringLiteral("subrequests")).toBool(false);
    if (f.subrequests && !subrequestKinds.contains(f.kind)) {
        *why = QStringLiteral("A fault on composite subrequests can be %1.").arg(subrequestKinds.join(QStringLiteral(", ")));
        return std::nullopt;
    }
    if (!kinds.contains(f.kind)) {
        *why = QStringLiteral("Unknown fault kind '%1'; use one of %2.").arg(f.kind, kinds.join(QStringLiteral(", ")));
        return std::nullopt;
    }
    if (f.remaining == 0) {
        *why = QStringLiteral("count must be positive, or -1 for a fault that stays until removed.");
        return std::nullopt;
    }
    QString rx = QRegularExpression::escape(f.pattern);
    rx.replace(QStringLiteral("\\*"), QStringLiteral(".*"));
    f.regex = QRegularExpression(QLatin1Char('^') + rx + QLatin1Char('$'));
    f.id = m_nextId++;
    m_faults.append(f);
    return f.id;
}

bool FaultInjector::remove(int id)
{
    return m_faults.removeIf([id](const Fault &f) { return f.id == id; }) > 0;
}

QJsonArray FaultInjector::list() const
{
    QJsonArray list;
    for (const Fault &f : m_faults)
        list.append(QJsonObject{{QStringLiteral("id"), f.id}, {QStringLiteral("pattern"), f.pattern},
                                {QStringLiteral("subrequests"), f.subrequests},
                                {QStringLiteral("method"), QString::fromLatin1(f.method)}, {QStringLiteral("kind"), f.kind},
                                {QStringLiteral("remaining"), f.remaining}, {QStringLiteral("latencyMs"), f.latencyMs}});
    return list;
}

bool FaultInjector::matches(const Fault &f, bool subrequest, const QByteArray &method, const QString &target) const
{
    return f.subrequests == subrequest && (f.method.isEmpty() || f.method == method) && f.regex.match(target).hasMatch();
}

void FaultInjector::countDown(int index)
{
    if (m_faults[index].remaining > 0 && --m_faults[index].remaining == 0)
        m_faults.removeAt(index);
}

FaultInjector::Effect FaultInjector::matchRequest(const QByteArray &method, const QString &path)
{
    Effect effect;
    for (int i = 0; i < m_faults.size(); ++i) {
        if (!matches(m_faults[i], false, method, path))
            continue;
        const Fault fired = m_faults[i];
        countDown(i);
        if (fired.remaining == 1) // it was removed: the next fault moved into place
            --i;
        if (fired.kind == QLatin1String("latency")) {
            effect.latencyMs += fired.latencyMs;
            continue;
        }
        if (fired.kind == QLatin1String("drop_after")) {
            effect.dropAfter = true;
            continue;
        }
        effect.kind = fired.kind;
        break;
    }
    return effect;
}

std::optional<QString> FaultInjector::matchSubrequest(const QByteArray &method, const QString &target)
{
    for (int i = 0; i < m_faults.size(); ++i) {
        if (!matches(m_faults[i], true, method, target))
            continue;
        const QString kind = m_faults[i].kind;
        countDown(i);
        return kind;
    }
    return std::nullopt;
}

} // namespace tether::sim
