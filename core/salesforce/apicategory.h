// ApiCategory: why a call to Salesforce is made. The rate limiter serves Write
// first, and the API budget pauses the background categories near the quota.
#pragma once

#include <QMetaType>
#include <QString>

namespace tether::salesforce {

enum class ApiCategory {
    Backfill, // initial copy of a table (REST query pages, Bulk 2.0 jobs)
    Poll,     // incremental sync, getUpdated/getDeleted, reconciliation
    Write,    // interactive writes from the proxy; never paused, served first
    Schema,   // describes, versions
    Other,    // login-adjacent calls (userinfo, /limits probes); never paused
};

inline constexpr int ApiCategoryCount = 5;

// Background categories stop when the API budget pauses them.
inline bool isBackground(ApiCategory c)
{
    return c == ApiCategory::Backfill || c == ApiCategory::Poll || c == ApiCategory::Schema;
}

QString categoryName(ApiCategory c); // "backfill", "poll", ... (stable, for settings and logs)

} // namespace tether::salesforce

Q_DECLARE_METATYPE(tether::salesforce::ApiCategory)
