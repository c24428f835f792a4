// GridSource: what a GridEditor needs to open one synced table — where to
// connect (the write-through proxy's connection string: the grid is one more
// client of the proxy), which object, and where the org lives (for "Open in
// Salesforce").
#pragma once

#include <QString>
#include <QUrl>

namespace tether::ui {

struct GridSource
{
    QString connectionString; // EngineController::proxyConnectionString()
    QString objectName;       // e.g. "Account"; the table is found in tether.sync_state
    QUrl instanceUrl;         // e.g. https://example.my.salesforce.com; empty: no "Open in Salesforce"
};

} // namespace tether::ui
