// RateLimitSlider: the always-visible control of how fast Tether may call
// Salesforce, from 1 request per minute to unlimited, labelled both ways
// ("1 request every 3 s · ≈ 28,800 a day · 19% of your daily quota").
// It only says what a person chose (rateChosen); the window applies it to the
// running limiter and persists it.
#pragma once

#include <QWidget>

class QLabel;
class QSlider;

namespace tether::ui {

class RateLimitSlider : public QWidget
{
    Q_OBJECT
public:
    // What "unlimited" means to the limiter: one request per microsecond, so
    // the org's answers, not Tether, set the pace.
    static constexpr double UnlimitedRequestsPerSecond = 1e6;

    explicit RateLimitSlider(QWidget *parent = nullptr);

    double requestsPerSecond() const { return m_rate; }
    // Moves the slider to `rate` (nearest stop) without emitting rateChosen.
    void setRequestsPerSecond(double rate);
    // The org's daily API allocation, for the share in the label; <= 0 unknown.
    void setDailyQuota(qint64 max);

    // The rate's sentence, both ways; shared with the setup assistant's wording.
    static QString describe(double requestsPerSecond, qint64 dailyQuota);
    // The stops the slider moves between (requests per second, ascending).
    static const QList<double> &stops();

signals:
    void rateChosen(double requestsPerSecond);

private:
    void updateLabel();

    QSlider *m_slider = nullptr;
    QLabel *m_label = nullptr;
    double m_rate = 1.0 / 3.0;
    qint64 m_quota = -1;
    bool m_settingFromCode = false;
};

} // namespace tether::ui
