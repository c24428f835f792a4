#include "setup/ratepage.h"

#include "setup/backfillestimate.h"
#include "setup/objectspage.h"
#include "setup/setupassistant.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QSlider>
#include <QVBoxLayout>

namespace tether::ui {

RatePage::RatePage(SetupAssistant *assistant) : QWizardPage(assistant), m_assistant(assistant)
{
    setTitle(tr("Rate"));
    setSubTitle(tr("Every call Tether makes counts against your org's daily API quota, which other integrations share. "
                   "Choose how fast Tether may call; you can change it any time from the main window."));
    auto *layout = new QVBoxLayout(this);

    m_slider = new QSlider(Qt::Horizontal, this);
    m_slider->setObjectName(QStringLiteral("rateSlider"));
    m_slider->setRange(0, int(rateSteps().size()) - 1);
    m_slider->setPageStep(1);
    m_slider->setTickPosition(QSlider::TicksBelow);
    m_slider->setTickInterval(1);
    m_slider->setAccessibleName(tr("Requests to Salesforce"));
    auto *row = new QHBoxLayout;
    auto *slow = new QLabel(tr("1 a minute"), this);
    auto *fast = new QLabel(tr("unlimited"), this);
    row->addWidget(slow);
    row->addWidget(m_slider, 1);
    row->addWidget(fast);
    layout->addLayout(row);

    m_rate = new QLabel(this);
    m_rate->setObjectName(QStringLiteral("rateText"));
    m_rate->setAlignment(Qt::AlignCenter);
    QFont big = m_rate->font();
    big.setPointSizeF(big.pointSizeF() * 1.25);
    big.setBold(true);
    m_rate->setFont(big);
    layout->addWidget(m_rate);

    m_quota = new QLabel(this);
    m_quota->setObjectName(QStringLiteral("quotaText"));
    m_quota->setWordWrap(true);
    layout->addWidget(m_quota);
    m_estimate = new QLabel(this);
    m_estimate->setObjectName(QStringLiteral("rateEstimate"));
    m_estimate->setWordWrap(true);
    layout->addWidget(m_estimate);
    layout->addStretch(1);

    connect(m_slider, &QSlider::valueChanged, this, [this](int index) {
        m_assistant->setRequestsPerSecond(rateSteps().value(index));
        update();
    });
    connect(m_assistant, &SetupAssistant::quotaKnown, this, &RatePage::update);
}

void RatePage::initializePage()
{
    m_slider->setValue(rateStepIndex(m_assistant->requestsPerSecond()));
    update();
}

void RatePage::update()
{
    const double rate = m_assistant->requestsPerSecond();
    const qint64 quota = m_assistant->dailyQuota();
    m_rate->setText(describeRate(rate, quota));
    const QLocale locale;
    if (quota > 0)
        m_quota->setText(tr("Your org's daily quota: %1 API calls; %2 used in the last 24 hours. Background sync pauses at "
                            "80% of it so that writes keep working.")
                             .arg(locale.toString(quota), locale.toString(qMax<qint64>(0, m_assistant->apiUsed()))));
    else if (m_assistant->isDemo())
        m_quota->setText(tr("The demo org has a daily quota of its own, shown in the main window once it runs."));
    else
        m_quota->setText(tr("The org's daily quota is shown once Salesforce has told it."));
    // Tether alone past the pause share: background sync would stop for part of every day.
    const double perDay = rate * 86400;
    if (quota > 0 && rate < UnlimitedRequestsPerSecond && perDay > 0.8 * double(quota))
        m_quota->setText(m_quota->text() + QLatin1Char(' ')
                         + tr("At this rate Tether alone would reach that pause within %1 of steady syncing; choose a slower "
                              "rate unless the org's quota is meant for Tether.")
                               .arg(durationWords(0.8 * double(quota) / rate)));
    const auto *objects = qobject_cast<ObjectsPage *>(m_assistant->page(SetupAssistant::ObjectsPageId));
    m_estimate->setText(objects && !m_assistant->isDemo() ? objects->backfillSentence() : QString());
}

} // namespace tether::ui
