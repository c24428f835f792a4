// ErrorMapping: the one table from what Salesforce (or the way to it) said to
// the SQLSTATE a PostgreSQL client gets when the proxy refuses a COMMIT, and
// the sentences around it (message, DETAIL, HINT). Documented for people in
// docs/decisions/0020-write-errors-and-outcomes.md; keep the two together.
#pragma once

#include <QString>
#include <QStringList>

namespace tether::proxy {

// What the client gets: the fields of an ErrorResponse.
struct Refusal
{
    QByteArray sqlState;
    QString message;
    QString detail;
    QString hint;
    QString schema;
    QString table;
    QString column;

    // The JSON tether.refuse_unapplied() raises from (tether.refusal).
    QByteArray toJson() const;
};

// SQLSTATEs of refusals that do not come from a Salesforce errorCode.
namespace sqlstate {
inline constexpr char LostUpdate[] = "40001";          // serialization_failure
inline constexpr char OutcomeUnknown[] = "08007";      // transaction_resolution_unknown
inline constexpr char SalesforceUnreachable[] = "08006"; // connection_failure: nothing was applied
inline constexpr char NotLoggedIn[] = "08004";         // Salesforce refused Tether's login
inline constexpr char QuotaExhausted[] = "53400";      // configuration_limit_exceeded
inline constexpr char TooLarge[] = "54000";            // program_limit_exceeded
inline constexpr char ReadOnlyColumn[] = "428C9";      // generated_always
inline constexpr char NotSynced[] = "0A000";           // feature_not_supported
inline constexpr char Unsupported[] = "0A000";         // feature_not_supported
inline constexpr char OtherRefusal[] = "38000";        // external_routine_exception
} // namespace sqlstate

// The SQLSTATE for a Salesforce errorCode (statusCode in collections).
QByteArray sqlStateForErrorCode(const QString &errorCode, int httpStatus);

} // namespace tether::proxy
