#include "dashboard/ratelimitslider.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QSlider>
#include <cmath>

namespace tether::ui {

const QList<double> &RateLimitSlider::stops()
{
    static const QList<double> list{1.0 / 60, 1.0 / 30, 1.0 / 20, 1.0 / 15, 1.0 / 10, 1.0 / 6, 1.0 / 5, 1.0 / 4,
                                    1.0 / 3,  1.0 / 2,  1.0,      2.0,      3.0,      5.0,      10.0,     20.0,
                                    50.0,     100.0,    UnlimitedRequestsPerSecond};
    return list;
}

QString RateLimitSlider::describe(double rate, qint64 quota)
{
    const QLocale locale;
    if (rate >= UnlimitedRequestsPerSecond)
        return tr("Unlimited · as fast as Salesforce answers · the quota guard still pauses sync near the daily limit");
    QString pace;
    if (rate < 1.0) {
        const qint64 seconds = qRound64(1.0 / rate);
        pace = seconds == 60 ? tr("1 request per minute") : tr("1 request every %1 s").arg(seconds);
    } else {
        const long perSecond = std::lround(rate);
        pace = perSecond == 1 ? tr("1 request per second") : tr("%1 requests per second").arg(perSecond);
    }
    const double perDay = rate * 86400.0;
    QString text = tr("%1 · ≈ %2 a day").arg(pace, locale.toString(qRound64(perDay)));
    if (quota > 0) {
        const double share = 100.0 * perDay / double(quota);
        if (share > 100.0)
            text += tr(" · more than your daily quota of %1").arg(locale.toString(quota));
        else
            text += tr(" · %1% of your daily quota").arg(qRound(share));
    }
    return text;
}

RateLimitSlider::RateLimitSlider(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("rateLimitSlider"));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *title = new QLabel(tr("API &rate:"), this);
    auto *slow = new QLabel(tr("1 / min"), this);
    m_slider = new QSlider(Qt::Horizontal, this);
    m_slider->setObjectName(QStringLiteral("rateSlider"));
    m_slider->setRange(0, int(stops().size()) - 1);
    m_slider->setPageStep(3);
    m_slider->setTickPosition(QSlider::TicksBelow);
    m_slider->setMinimumWidth(220);
    m_slider->setAccessibleName(tr("API request rate"));
    title->setBuddy(m_slider);
    auto *fast = new QLabel(tr("unlimited"), this);
    m_label = new QLabel(this);
    m_label->setObjectName(QStringLiteral("rateDescription"));
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(title);
    layout->addWidget(slow);
    layout->addWidget(m_slider, 1);
    layout->addWidget(fast);
    layout->addSpacing(12);
    layout->addWidget(m_label, 2);
    connect(m_slider, &QSlider::valueChanged, this, [this](int position) {
        if (m_settingFromCode)
            return;
        m_rate = stops().at(position);
        updateLabel();
        emit rateChosen(m_rate);
    });
    setRequestsPerSecond(m_rate);
}

void RateLimitSlider::setRequestsPerSecond(double rate)
{
    if (!(rate > 0))
        return;
    // Nearest stop on a log scale; the label keeps the exact rate.
    int best = 0;
    for (int i = 1; i < stops().size(); ++i) {
        if (std::abs(std::log(stops().at(i) / rate)) < std::abs(std::log(stops().at(best) / rate)))
            best = i;
    }
    m_rate = rate >= 1000 ? UnlimitedRequestsPerSecond : rate;
    m_settingFromCode = true;
    m_slider->setValue(best);
    m_settingFromCode = false;
    updateLabel();
}

void RateLimitSlider::setDailyQuota(qint64 max)
{
    if (m_quota == max)
        return;
    m_quota = max;
    updateLabel();
}

void RateLimitSlider::updateLabel()
{
    const QString text = describe(m_rate, m_quota);
    m_label->setText(text);
    m_slider->setAccessibleDescription(text);
    m_slider->setToolTip(text);
}

} // namespace tether::ui
