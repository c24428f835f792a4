// The text formats sync speaks with Salesforce: SOQL string and datetime
// literals, Salesforce's datetime spellings, and the server's clock.
#pragma once

#include <QDateTime>
#include <QString>

namespace tether::salesforce {
struct ApiReply;
}

namespace tether::sync {

QString quoteSoql(const QString &text);            // 'O\'Brien'
QString soqlDateTime(const QDateTime &at);         // 2024-05-20T20:49:32Z (unquoted in SOQL)
// 2024-05-20T20:49:32.000+0000 (REST) or ...Z (Bulk); invalid when neither.
QDateTime parseSalesforceDateTime(QString text);
// The reply's Date header: Salesforce's clock, which watermarks are compared with.
QDateTime serverTime(const salesforce::ApiReply &reply);

} // namespace tether::sync
