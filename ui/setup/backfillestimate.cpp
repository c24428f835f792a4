#include "setup/backfillestimate.h"

#include <QCoreApplication>
#include <QLocale>
#include <cmath>

namespace tether::ui {

namespace {

// The engine's own thresholds (sync::SyncConfig defaults).
constexpr qint64 RestPage = 2000;
constexpr qint64 BulkThreshold = 10000;
constexpr qint64 BulkRecordsPerCall = 100000;
constexpr qint64 BulkJobOverhead = 4; // create, status, first results, close
} // namespace

QList<double> rateSteps()
{
    return {1.0 / 60, 1.0 / 30, 1.0 / 20, 1.0 / 10, 1.0 / 5, 1.0 / 3, 1.0 / 2, 1.0, 2.0, 5.0, 10.0, 25.0,
            UnlimitedRequestsPerSecond};
}

int rateStepIndex(double requestsPerSecond)
{
    const QList<double> steps = rateSteps();
    int best = 0;
    for (int i = 1; i < steps.size(); ++i) {
        if (std::abs(std::log(steps[i] / requestsPerSecond)) < std::abs(std::log(steps[best] / requestsPerSecond)))
            best = i;
    }
    return best;
}

qint64 backfillCalls(qint64 records)
{
    if (records <= 0)
        return 1;
    if (records <= BulkThreshold)
        return (records + RestPage - 1) / RestPage;
    return BulkJobOverhead + (records + BulkRecordsPerCall - 1) / BulkRecordsPerCall;
}

qint64 backfillCalls(const QList<qint64> &records)
{
    if (records.isEmpty())
        return 0;
    qint64 calls = (records.size() + 4) / 5; // COUNT()s, five per composite call
    calls += records.size();                 // one describe per object
    for (qint64 n : records)
        calls += backfillCalls(n);
    return calls;
}

QString durationWords(double seconds)
{
    // Each count is worked out before it goes into translate(): lupdate (Qt 6.4)
    // hangs on nested parentheses in its arguments.
    const qint64 s = qint64(std::ceil(seconds));
    const int secondsCount = int(s);
    const int minutesCount = int((s + 30) / 60);
    const int daysCount = int((s + 43200) / 86400);
    if (s < 90)
        return QCoreApplication::translate("BackfillEstimate", "%n s", nullptr, secondsCount);
    if (s < 90 * 60)
        return QCoreApplication::translate("BackfillEstimate", "%n min", nullptr, minutesCount);
    if (s < 48 * 3600) {
        const int hoursCount = minutesCount / 60;
        if (minutesCount % 60 == 0)
            return QCoreApplication::translate("BackfillEstimate", "%n h", nullptr, hoursCount);
        return QCoreApplication::translate("BackfillEstimate", "%1 h %2 min").arg(hoursCount).arg(minutesCount % 60);
    }
    // English needs the singular spelled out without a translator; other languages translate both.
    if (daysCount == 1)
        return QCoreApplication::translate("BackfillEstimate", "1 day");
    return QCoreApplication::translate("BackfillEstimate", "%n days", nullptr, daysCount);
}

QString rateWords(double rps)
{
    if (rps >= UnlimitedRequestsPerSecond)
        return QCoreApplication::translate("BackfillEstimate", "unlimited");
    const int perSecond = int(std::lround(rps));
    if (rps >= 1.0 - 1e-9)
        return perSecond == 1 ? QCoreApplication::translate("BackfillEstimate", "1 request per second")
                              : QCoreApplication::translate("BackfillEstimate", "%n requests per second", nullptr, perSecond);
    const double every = 1.0 / rps;
    const int minutes = int(std::lround(every / 60));
    const int everySeconds = int(std::lround(every));
    if (every >= 60 - 1e-6 && std::abs(every - 60 * std::round(every / 60)) < 0.5)
        return minutes == 1 ? QCoreApplication::translate("BackfillEstimate", "1 request a minute")
                            : QCoreApplication::translate("BackfillEstimate", "1 request every %n minutes", nullptr, minutes);
    return QCoreApplication::translate("BackfillEstimate", "1 request every %n s", nullptr, everySeconds);
}

QString describeBackfill(qint64 calls, double rps)
{
    const int callCount = int(calls);
    const QString callText = callCount == 1 ? QCoreApplication::translate("BackfillEstimate", "≈ 1 call")
                                            : QCoreApplication::translate("BackfillEstimate", "≈ %n calls", nullptr, callCount);
    if (rps >= UnlimitedRequestsPerSecond)
        return QCoreApplication::translate("BackfillEstimate", "%1, as fast as Salesforce answers").arg(callText);
    return QCoreApplication::translate("BackfillEstimate", "%1, about %2 at %3").arg(callText, durationWords(double(calls) / rps), rateWords(rps));
}

QString describeRate(double rps, qint64 dailyQuota)
{
    const QLocale locale;
    if (rps >= UnlimitedRequestsPerSecond) {
        if (dailyQuota > 0)
            return QCoreApplication::translate("BackfillEstimate", "unlimited · your daily quota is %1 calls").arg(locale.toString(dailyQuota));
        return QCoreApplication::translate("BackfillEstimate", "unlimited");
    }
    const qint64 perDay = qint64(std::llround(rps * 86400));
    QString text = QCoreApplication::translate("BackfillEstimate", "%1 · ≈ %2 a day").arg(rateWords(rps), locale.toString(perDay));
    if (dailyQuota > 0) {
        const int percent = qRound(100.0 * double(perDay) / double(dailyQuota));
        text += QCoreApplication::translate("BackfillEstimate", " · %1% of your daily quota").arg(percent);
    }
    return text;
}

} // namespace tether::ui
