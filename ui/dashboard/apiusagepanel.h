// ApiUsagePanel: the org's daily API usage against its limit (from the
// Sforce-Limit-Info header every reply carries, so it costs no calls), split
// into Tether's own calls by category and the calls of other integrations,
// and a chart of calls per minute over the last hour.
//
// "Other integrations" is what the org's counter grew by since Tether first
// saw it, minus the calls Tether made since then: the org's counter also holds
// the day's calls from before Tether started, which nobody can attribute.
#pragma once

#include "salesforce/apicategory.h"

#include <QDateTime>
#include <QMap>
#include <QTimer>
#include <QWidget>
#include <array>

class QLabel;
class QProgressBar;

class QChart;
class QChartView;
class QLineSeries;
class QValueAxis;

namespace tether::ui {

class ApiUsagePanel : public QWidget
{
    Q_OBJECT
public:
    explicit ApiUsagePanel(QWidget *parent = nullptr);

    qint64 used() const { return m_used; }
    qint64 max() const { return m_max; }
    qint64 tetherCalls() const;
    // Calls of other integrations since Tether first saw the org's counter; -1 unknown.
    qint64 otherCalls() const;

    // Calls per minute over the last hour, oldest first: (Tether, others).
    QList<QPair<qint64, qint64>> perMinute() const;

public slots:
    void setUsage(qint64 used, qint64 max);
    void setCalls(tether::salesforce::ApiCategory category, qint64 calls);
    void setPauseShare(double share);
    void setQuotaPaused(bool paused);
    // Adds what changed since the last sample to the current minute (a timer
    // calls it every few seconds; tests call it with their own clock).
    void sample(const QDateTime &now);

protected:
    void changeEvent(QEvent *event) override;

private:
    void updateTexts();
    void updateChart(const QDateTime &now);
    void applyPalette();

    qint64 m_used = -1;
    qint64 m_max = -1;
    double m_pauseShare = 0.8;
    bool m_quotaPaused = false;
    std::array<qint64, salesforce::ApiCategoryCount> m_calls{};
    qint64 m_usedAtStart = -1;   // the org's counter and Tether's total when
    qint64 m_tetherAtStart = 0;  // the first header arrived

    // Minute (since epoch) -> calls in it; samples are differences.
    QMap<qint64, QPair<qint64, qint64>> m_minutes;
    qint64 m_lastTether = -1;
    qint64 m_lastUsed = -1;
    QTimer m_sampler;

    QProgressBar *m_gauge = nullptr;
    QLabel *m_summary = nullptr;
    std::array<QLabel *, salesforce::ApiCategoryCount> m_categoryLabels{};
    QLabel *m_otherLabel = nullptr;
    QChart *m_chart = nullptr;
    QChartView *m_chartView = nullptr;
    QLineSeries *m_tetherSeries = nullptr;
    QLineSeries *m_otherSeries = nullptr;
    QValueAxis *m_axisX = nullptr;
    QValueAxis *m_axisY = nullptr;
};

} // namespace tether::ui
