#include "proxy/salesforceerrors.h"

#include <QCoreApplication>

namespace tether::proxy {

namespace {
QString tr(const char *text) { return QCoreApplication::translate("SalesforceErrors", text); }
} // namespace

PostgresErrorCode postgresErrorFor(const salesforce::SalesforceError &error)
{
    using Kind = salesforce::SalesforceError::Kind;
    const QString code = error.errorCode;
    struct Entry
    {
        const char *errorCode;
        const char *sqlState;
        const char *hint;
    };
    static const Entry table[] = {
        {"REQUIRED_FIELD_MISSING", "23502", "Give the field a value; Salesforce requires it."},
        {"DUPLICATE_VALUE", "23505", "Another record already has this value in a unique field."},
        {"INVALID_CROSS_REFERENCE_KEY", "23503", "The referenced record does not exist in Salesforce (or is not visible to this user)."},
        {"FIELD_CUSTOM_VALIDATION_EXCEPTION", "23514", "A validation rule of the org refused the values; change them to satisfy it."},
        {"FIELD_INTEGRITY_EXCEPTION", "23514", "Salesforce found the values inconsistent; check the fields named."},
        {"STRING_TOO_LONG", "22001", "Shorten the value to the field's length."},
        {"NUMBER_OUTSIDE_VALID_RANGE", "22003", "The number does not fit the field's precision."},
        {"INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", "22023", "Use one of the picklist's values."},
        {"INVALID_TYPE_ON_FIELD_IN_RECORD", "22P02", "The value does not have the field's type."},
        {"MALFORMED_ID", "22P02", "Salesforce Ids are 15 or 18 characters long."},
        {"INVALID_FIELD", "42703", "The field does not exist in Salesforce (any more); the table may be out of date."},
        {"INVALID_FIELD_FOR_INSERT_UPDATE", "428C9", "Salesforce does not accept a value for this field."},
        {"ENTITY_IS_DELETED", "P0002", "The record was deleted in Salesforce."},
        {"NOT_FOUND", "P0002", "The record does not exist in Salesforce."},
        {"UNABLE_TO_LOCK_ROW", "55P03", "Another process holds the record in Salesforce; try again."},
        {"REQUEST_LIMIT_EXCEEDED", "53400", "The org's daily API quota is used up; writes work again when it frees up."},
        {"INSUFFICIENT_ACCESS_OR_READONLY", "42501", "The Salesforce user Tether logs in as may not change this record."},
        {"INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY", "42501", "The Salesforce user Tether logs in as may not use the referenced record."},
    };
    for (const Entry &e : table) {
        if (code == QLatin1String(e.errorCode))
            return {e.sqlState, tr(e.hint)};
    }
    if (error.httpStatus == 412)
        return {"40001", tr("The record changed in Salesforce after this row was read; the row now shows Salesforce's values. Read it again and retry.")};
    switch (error.kind) {
    case Kind::OutcomeUnknown:
        return {"08007", tr("The answer from Salesforce was lost, so whether the change was applied is not known; nothing was committed here. "
                            "The next poll brings the mirror up to date; check the record before retrying.")};
    case Kind::Network:
    case Kind::Timeout:
        return {"08006", tr("Salesforce could not be reached; nothing was changed. Try again.")};
    case Kind::LoginRequired:
    case Kind::SessionExpired:
        return {"28000", tr("Tether's Salesforce login ended; log in again in Tether.")};
    case Kind::QuotaExceeded:
        return {"53400", tr("The org's daily API quota is used up; writes work again when it frees up.")};
    default:
        break;
    }
    if (error.httpStatus >= 500)
        return {"08006", tr("Salesforce had a problem of its own; nothing was changed. Try again.")};
    return {"P0001", tr("Salesforce refused the change; see the detail.")};
}

} // namespace tether::proxy
