// ApiBudget: how much of the org's daily API quota is used, and how much of it
// Tether itself spent per category. Fed by every reply's `Sforce-Limit-Info:
// api-usage=USED/MAX` header (and by /limits). When usage reaches the pause share
// (default 80%) it pauses background work in the RateLimiter while writes keep
// going, and resumes by itself once usage falls below the share again. While
// paused it asks for a /limits probe now and then (probeRequested) so it learns
// when quota frees up even if nothing else is sent.
//
// Thread-safe: one instance per org, fed by RestClients on any thread; signals
// are emitted from whichever thread fed it (use queued connections across threads).
#pragma once

#include "salesforce/apicategory.h"

#include <QJsonObject>
#include <QMutex>
#include <QObject>
#include <array>

class QTimer;

namespace tether::salesforce {

class RateLimiter;

class ApiBudget : public QObject
{
    Q_OBJECT
public:
    // `limiter` (may be null) is paused and resumed by this budget.
    explicit ApiBudget(RateLimiter *limiter = nullptr, QObject *parent = nullptr);
    ~ApiBudget() override;

    // Feeding ------------------------------------------------------------
    // One call Tether made (counted whether or not it succeeded).
    void recordCall(ApiCategory category);
    // The value of a Sforce-Limit-Info header; ignored when absent or malformed.
    void updateFromLimitInfo(const QByteArray &headerValue);
    // The body of GET /limits (uses DailyApiRequests.Max/Remaining).
    void updateFromLimits(const QJsonObject &limits);
    // A 403 REQUEST_LIMIT_EXCEEDED: treat the quota as used up.
    void noteQuotaExhausted();

    // Settings -------------------------------------------------------------
    double pauseShare() const; // 0..1, default 0.8; persisted in QSettings
    // Background work resumes once usage is this far below the pause share.
    static constexpr double ResumeMargin = 0.02;
    void setPauseShare(double share);
    int probeIntervalMs() const; // default 60000
    void setProbeIntervalMs(int ms);

    // Dashboard queries -------------------------------------------------------
    qint64 used() const; // -1 until the first header arrived
    qint64 max() const;  // -1 until the first header arrived
    double usedShare() const; // 0 when unknown
    qint64 callsMade(ApiCategory category) const;
    qint64 callsMadeTotal() const;
    bool backgroundPaused() const;
    bool isAllowed(ApiCategory category) const; // false for background while paused

signals:
    void usageChanged(qint64 used, qint64 max);
    void callsChanged(tether::salesforce::ApiCategory category, qint64 calls);
    void backgroundPausedChanged(bool paused);
    // While paused: somebody please send GET /limits (RestClient::probeLimits).
    void probeRequested();

private:
    void reevaluate(); // called with m_mutex unlocked
    void setProbing(bool on);

    mutable QMutex m_mutex;
    QMutex m_applyMutex; // one thread at a time hands the pause state on (reevaluate)
    qint64 m_used = -1;
    qint64 m_max = -1;
    double m_pauseShare = 0.8;
    int m_probeIntervalMs = 60000;
    bool m_paused = false;
    std::array<qint64, ApiCategoryCount> m_calls{};
    RateLimiter *m_limiter = nullptr;
    QTimer *m_probeTimer = nullptr;
};

} // namespace tether::salesforce
