#include "dashboard/apiusagepanel.h"

#include <QChart>
#include <QChartView>
#include <QEvent>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineSeries>
#include <QLocale>
#include <QProgressBar>
#include <QValueAxis>
#include <QVBoxLayout>

namespace tether::ui {

using salesforce::ApiCategory;

namespace {
constexpr int ChartMinutes = 60;

QString categoryText(ApiCategory category)
{
    switch (category) {
    case ApiCategory::Backfill: return ApiUsagePanel::tr("Backfill");
    case ApiCategory::Poll: return ApiUsagePanel::tr("Polling");
    case ApiCategory::Write: return ApiUsagePanel::tr("Writes");
    case ApiCategory::Schema: return ApiUsagePanel::tr("Describe");
    case ApiCategory::Other: return ApiUsagePanel::tr("Login and limits");
    }
    return {};
}
} // namespace

ApiUsagePanel::ApiUsagePanel(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("apiUsagePanel"));
    setMinimumWidth(340);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);

    auto *title = new QLabel(tr("<b>API usage today</b>"), this);
    layout->addWidget(title);
    m_gauge = new QProgressBar(this);
    m_gauge->setObjectName(QStringLiteral("apiUsageGauge"));
    m_gauge->setAccessibleName(tr("Daily API usage of the org"));
    m_gauge->setRange(0, 1000);
    m_gauge->setTextVisible(true);
    layout->addWidget(m_gauge);
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("apiUsageSummary"));
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);

    auto *split = new QFormLayout;
    split->setContentsMargins(0, 4, 0, 4);
    split->setLabelAlignment(Qt::AlignLeft);
    for (int c = 0; c < salesforce::ApiCategoryCount; ++c) {
        m_categoryLabels[c] = new QLabel(QStringLiteral("0"), this);
        m_categoryLabels[c]->setObjectName(QStringLiteral("apiCalls_") + salesforce::categoryName(ApiCategory(c)));
        m_categoryLabels[c]->setAlignment(Qt::AlignRight);
        split->addRow(tr("Tether · %1").arg(categoryText(ApiCategory(c))), m_categoryLabels[c]);
    }
    m_otherLabel = new QLabel(tr("unknown"), this);
    m_otherLabel->setObjectName(QStringLiteral("apiCallsOtherIntegrations"));
    m_otherLabel->setAlignment(Qt::AlignRight);
    m_otherLabel->setToolTip(tr("Calls other integrations made since Tether started: the org's counter minus Tether's calls."));
    split->addRow(tr("Other integrations"), m_otherLabel);
    layout->addLayout(split);

    m_tetherSeries = new QLineSeries;
    m_tetherSeries->setName(tr("Tether"));
    m_otherSeries = new QLineSeries;
    m_otherSeries->setName(tr("Other integrations"));
    m_chart = new QChart;
    m_chart->addSeries(m_tetherSeries);
    m_chart->addSeries(m_otherSeries);
    m_axisX = new QValueAxis;
    m_axisX->setRange(-ChartMinutes, 0);
    m_axisX->setTickCount(5); // every 15 minutes
    m_axisX->setLabelFormat(QStringLiteral("%d"));
    m_axisX->setTitleText(tr("minutes ago"));
    m_axisY = new QValueAxis;
    m_axisY->setRange(0, 10);
    m_axisY->setTickCount(6); // whole numbers for every range updateChart picks
    m_axisY->setLabelFormat(QStringLiteral("%d"));
    m_axisY->setTitleText(tr("calls / min"));
    m_chart->addAxis(m_axisX, Qt::AlignBottom);
    m_chart->addAxis(m_axisY, Qt::AlignLeft);
    for (QLineSeries *series : {m_tetherSeries, m_otherSeries}) {
        series->attachAxis(m_axisX);
        series->attachAxis(m_axisY);
    }
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    m_chart->setMargins(QMargins(2, 2, 2, 2));
    m_chartView = new QChartView(m_chart, this);
    m_chartView->setObjectName(QStringLiteral("apiCallsChart"));
    m_chartView->setAccessibleName(tr("API calls per minute over the last hour"));
    m_chartView->setRenderHint(QPainter::Antialiasing);
    m_chartView->setMinimumHeight(180);
    layout->addWidget(m_chartView, 1);
    applyPalette();

    m_sampler.setInterval(5000);
    connect(&m_sampler, &QTimer::timeout, this, [this] { sample(QDateTime::currentDateTimeUtc()); });
    m_sampler.start();
    updateTexts();
}

qint64 ApiUsagePanel::tetherCalls() const
{
    qint64 total = 0;
    for (qint64 calls : m_calls)
        total += calls;
    return total;
}

qint64 ApiUsagePanel::otherCalls() const
{
    if (m_usedAtStart < 0 || m_used < 0)
        return -1;
    return qMax<qint64>(0, (m_used - m_usedAtStart) - (tetherCalls() - m_tetherAtStart));
}

void ApiUsagePanel::setUsage(qint64 used, qint64 max)
{
    if (m_usedAtStart < 0 && used >= 0) {
        m_usedAtStart = used;
        m_tetherAtStart = tetherCalls();
    }
    m_used = used;
    m_max = max;
    updateTexts();
}

void ApiUsagePanel::setCalls(ApiCategory category, qint64 calls)
{
    m_calls[int(category)] = calls;
    updateTexts();
}

void ApiUsagePanel::setPauseShare(double share)
{
    m_pauseShare = share;
    updateTexts();
}

void ApiUsagePanel::setQuotaPaused(bool paused)
{
    m_quotaPaused = paused;
    updateTexts();
}

void ApiUsagePanel::updateTexts()
{
    const QLocale locale;
    if (m_max > 0 && m_used >= 0) {
        const double share = double(m_used) / double(m_max);
        m_gauge->setValue(int(qBound(0.0, share, 1.0) * 1000));
        m_gauge->setFormat(tr("%1 of %2 (%3%)").arg(locale.toString(m_used), locale.toString(m_max)).arg(share * 100, 0, 'f', 1));
        QString summary = tr("Sync pauses at %1% of the daily limit; writes through the proxy keep going.").arg(qRound(m_pauseShare * 100));
        if (m_quotaPaused)
            summary = tr("Sync is paused: the org used %1% of its daily API limit. It resumes by itself when usage falls below %2%.")
                          .arg(share * 100, 0, 'f', 1)
                          .arg(qRound(m_pauseShare * 100));
        m_summary->setText(summary);
    } else {
        m_gauge->setValue(0);
        m_gauge->setFormat(tr("not known yet"));
        m_summary->setText(tr("Shown after the first answer from Salesforce."));
    }
    m_gauge->setAccessibleDescription(m_gauge->format());
    for (int c = 0; c < salesforce::ApiCategoryCount; ++c)
        m_categoryLabels[c]->setText(locale.toString(m_calls[c]));
    const qint64 others = otherCalls();
    m_otherLabel->setText(others < 0 ? tr("unknown") : locale.toString(others));
}

void ApiUsagePanel::sample(const QDateTime &now)
{
    const qint64 tether = tetherCalls();
    const qint64 minute = now.toSecsSinceEpoch() / 60;
    if (m_lastTether >= 0) {
        QPair<qint64, qint64> &bucket = m_minutes[minute];
        const qint64 tetherDelta = qMax<qint64>(0, tether - m_lastTether);
        bucket.first += tetherDelta;
        if (m_used >= 0 && m_lastUsed >= 0)
            bucket.second += qMax<qint64>(0, (m_used - m_lastUsed) - tetherDelta);
    }
    m_lastTether = tether;
    m_lastUsed = m_used;
    while (!m_minutes.isEmpty() && m_minutes.firstKey() <= minute - ChartMinutes)
        m_minutes.erase(m_minutes.begin());
    updateChart(now);
}

QList<QPair<qint64, qint64>> ApiUsagePanel::perMinute() const
{
    QList<QPair<qint64, qint64>> list;
    for (auto it = m_minutes.cbegin(); it != m_minutes.cend(); ++it)
        list << it.value();
    return list;
}

void ApiUsagePanel::updateChart(const QDateTime &now)
{
    const qint64 minute = now.toSecsSinceEpoch() / 60;
    QList<QPointF> tether;
    QList<QPointF> others;
    qint64 highest = 0;
    for (qint64 m = minute - ChartMinutes + 1; m <= minute; ++m) {
        const QPair<qint64, qint64> bucket = m_minutes.value(m);
        tether << QPointF(double(m - minute), double(bucket.first));
        others << QPointF(double(m - minute), double(bucket.second));
        highest = qMax(highest, qMax(bucket.first, bucket.second));
    }
    m_tetherSeries->replace(tether);
    m_otherSeries->replace(others);
    // Round the scale up so it does not jump with every call.
    qint64 top = 10;
    while (top < highest)
        top = top < 100 ? top * 2 : top + top / 2;
    m_axisY->setRange(0, double(top));
}

void ApiUsagePanel::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange)
        applyPalette();
    QWidget::changeEvent(event);
}

void ApiUsagePanel::applyPalette()
{
    // The chart follows the window's palette, so it reads in a dark one too.
    const QPalette pal = palette();
    const bool dark = pal.color(QPalette::Window).lightness() < 128;
    m_chart->setTheme(dark ? QChart::ChartThemeDark : QChart::ChartThemeLight);
    m_chart->setBackgroundBrush(pal.color(QPalette::Base));
    m_chart->setBackgroundRoundness(0);
    m_chartView->setBackgroundBrush(pal.color(QPalette::Window));
    for (QValueAxis *axis : {m_axisX, m_axisY}) {
        axis->setLabelsColor(pal.color(QPalette::Text));
        axis->setTitleBrush(pal.color(QPalette::Text));
        axis->setGridLineColor(pal.color(QPalette::Mid));
    }
    m_chart->legend()->setLabelColor(pal.color(QPalette::Text));
    m_tetherSeries->setPen(QPen(QColor(0x2d, 0x7d, 0xd2), 2));
    m_otherSeries->setPen(QPen(QColor(0xd9, 0x92, 0x2e), 2));
}

} // namespace tether::ui
