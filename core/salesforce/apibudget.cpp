#include "salesforce/apibudget.h"

#include "logging.h"
#include "salesforce/ratelimiter.h"

#include <QMutexLocker>
#include <QRegularExpression>
#include <QSettings>
#include <QTimer>

namespace tether::salesforce {

QString categoryName(ApiCategory c)
{
    switch (c) {
    case ApiCategory::Backfill: return QStringLiteral("backfill");
    case ApiCategory::Poll: return QStringLiteral("poll");
    case ApiCategory::Write: return QStringLiteral("write");
    case ApiCategory::Schema: return QStringLiteral("schema");
    case ApiCategory::Other: return QStringLiteral("other");
    }
    return {};
}

ApiBudget::ApiBudget(RateLimiter *limiter, QObject *parent)
    : QObject(parent)
    , m_limiter(limiter)
    , m_probeTimer(new QTimer(this))
{
    qRegisterMetaType<tether::salesforce::ApiCategory>();
    m_pauseShare = qBound(0.0, QSettings().value(QStringLiteral("budget/pauseShare"), 0.8).toDouble(), 1.0);
    m_probeTimer->setInterval(m_probeIntervalMs);
    connect(m_probeTimer, &QTimer::timeout, this, &ApiBudget::probeRequested);
}

ApiBudget::~ApiBudget() = default;

void ApiBudget::recordCall(ApiCategory category)
{
    qint64 calls;
    {
        QMutexLocker lock(&m_mutex);
        calls = ++m_calls[int(category)];
    }
    emit callsChanged(category, calls);
}

void ApiBudget::updateFromLimitInfo(const QByteArray &headerValue)
{
    // "api-usage=25/15000", possibly followed by other entries ("; per-app-api-usage=...").
    static const QRegularExpression re(QStringLiteral("api-usage=(\\d+)/(\\d+)"));
    const QRegularExpressionMatch m = re.match(QString::fromLatin1(headerValue));
    if (!m.hasMatch())
        return;
    const qint64 used = m.captured(1).toLongLong();
    const qint64 max = m.captured(2).toLongLong();
    {
        QMutexLocker lock(&m_mutex);
        if (used == m_used && max == m_max)
            return;
        m_used = used;
        m_max = max;
    }
    emit usageChanged(used, max);
    reevaluate();
}

void ApiBudget::updateFromLimits(const QJsonObject &limits)
{
    const QJsonObject daily = limits.value(QLatin1String("DailyApiRequests")).toObject();
    if (!daily.contains(QLatin1String("Max")))
        return;
    const qint64 max = daily.value(QLatin1String("Max")).toInteger();
    const qint64 used = max - daily.value(QLatin1String("Remaining")).toInteger();
    updateFromLimitInfo(QByteArrayLiteral("api-usage=") + QByteArray::number(used) + '/'
                        + QByteArray::number(max));
}

void ApiBudget::noteQuotaExhausted()
{
    qint64 max;
    {
        QMutexLocker lock(&m_mutex);
        max = m_max > 0 ? m_max : 1;
    }
    updateFromLimitInfo(QByteArrayLiteral("api-usage=") + QByteArray::number(max) + '/'
                        + QByteArray::number(max));
}

double ApiBudget::pauseShare() const
{
    QMutexLocker lock(&m_mutex);
    return m_pauseShare;
}

void ApiBudget::setPauseShare(double share)
{
    {
        QMutexLocker lock(&m_mutex);
        m_pauseShare = qBound(0.0, share, 1.0);
    }
    QSettings().setValue(QStringLiteral("budget/pauseShare"), qBound(0.0, share, 1.0));
    reevaluate();
}

int ApiBudget::probeIntervalMs() const
{
    QMutexLocker lock(&m_mutex);
    return m_probeIntervalMs;
}

void ApiBudget::setProbeIntervalMs(int ms)
{
    {
        QMutexLocker lock(&m_mutex);
        m_probeIntervalMs = qMax(10, ms);
    }
    QMetaObject::invokeMethod(this, [this, ms = qMax(10, ms)] { m_probeTimer->setInterval(ms); });
}

qint64 ApiBudget::used() const
{
    QMutexLocker lock(&m_mutex);
    return m_used;
}

qint64 ApiBudget::max() const
{
    QMutexLocker lock(&m_mutex);
    return m_max;
}

double ApiBudget::usedShare() const
{
    QMutexLocker lock(&m_mutex);
    return m_max > 0 ? double(m_used) / double(m_max) : 0.0;
}

qint64 ApiBudget::callsMade(ApiCategory category) const
{
    QMutexLocker lock(&m_mutex);
    return m_calls[int(category)];
}

qint64 ApiBudget::callsMadeTotal() const
{
    QMutexLocker lock(&m_mutex);
    qint64 n = 0;
    for (qint64 c : m_calls)
        n += c;
    return n;
}

bool ApiBudget::backgroundPaused() const
{
    QMutexLocker lock(&m_mutex);
    return m_paused;
}

bool ApiBudget::isAllowed(ApiCategory category) const
{
    return !isBackground(category) || !backgroundPaused();
}

void ApiBudget::reevaluate()
{
    bool paused;
    qint64 used, max;
    {
        QMutexLocker lock(&m_mutex);
        if (m_max <= 0)
            return;
        // Resume only a little below the pause share, so usage hovering
        // around it does not flip background work on and off every call.
        const double share = m_paused ? qMax(0.0, m_pauseShare - ResumeMargin) : m_pauseShare;
        paused = double(m_used) >= share * double(m_max);
        if (paused == m_paused)
            return;
        m_paused = paused;
        used = m_used;
        max = m_max;
    }
    if (paused)
        qCWarning(lcSalesforce, "API usage %lld/%lld reached the pause share: background sync paused, writes continue",
                  used, max);
    else
        qCInfo(lcSalesforce, "API usage %lld/%lld is below the pause share again: background sync resumed",
               used, max);
    // Two threads may cross the share in opposite directions at once: the
    // limiter and the probe follow the state as it is when each applies it,
    // one at a time, so the last one applied is the current one.
    {
        QMutexLocker applying(&m_applyMutex);
        {
            QMutexLocker lock(&m_mutex);
            paused = m_paused;
        }
        if (m_limiter)
            m_limiter->setBackgroundPaused(paused);
        setProbing(paused);
    }
    emit backgroundPausedChanged(paused);
}

void ApiBudget::setProbing(bool on)
{
    // The timer lives in this object's thread; feeding may come from any thread.
    QMetaObject::invokeMethod(this, [this, on] {
        if (on)
            m_probeTimer->start();
        else
            m_probeTimer->stop();
    });
}

} // namespace tether::salesforce
