// What a choice costs, in words a person can weigh: the API calls and the time
// a backfill of the chosen objects takes at a rate, and a rate itself
// ("1 request every 3 s · ≈ 28,800 a day · 19% of your daily quota").
// Plain functions, so the assistant, the settings dialog and tests agree.
#pragma once

#include <QList>
#include <QString>
#include <QtGlobal>

namespace tether::ui {

// Tether's rates run from one request a minute to "unlimited", which the
// limiter knows as this many requests per second.
inline constexpr double UnlimitedRequestsPerSecond = 1000.0;

// The slider's stops, slowest first; the last one is unlimited.
QList<double> rateSteps();
// The stop nearest to `requestsPerSecond`.
int rateStepIndex(double requestsPerSecond);

// API calls to copy an object of `records` records: REST query pages of 2,000
// up to the bulk threshold (10,000), above it a Bulk API 2.0 job (about four
// calls plus one per 100,000 records). An unknown count (-1) counts as one page.
qint64 backfillCalls(qint64 records);
// For a selection: the backfills, one describe per object and the COUNT()
// calls (five per composite call).
qint64 backfillCalls(const QList<qint64> &records);

// "≈ 14 calls, about 40 s at 1 request every 3 s"
QString describeBackfill(qint64 calls, double requestsPerSecond);
// "1 request every 3 s · ≈ 28,800 a day · 19% of your daily quota" (the
// quota part only when dailyQuota > 0).
QString describeRate(double requestsPerSecond, qint64 dailyQuota);
// "1 request every 3 s", "2 requests per second", "unlimited".
QString rateWords(double requestsPerSecond);
// "40 s", "12 min", "3 h 20 min", "2 days"
QString durationWords(double seconds);

} // namespace tether::ui
