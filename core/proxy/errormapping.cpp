#include "proxy/errormapping.h"

#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>

namespace tether::proxy {

QByteArray Refusal::toJson() const
{
    QJsonObject o{{QStringLiteral("sqlstate"), QString::fromLatin1(sqlState)},
                  {QStringLiteral("message"), message},
                  {QStringLiteral("detail"), detail},
                  {QStringLiteral("hint"), hint},
                  {QStringLiteral("schema"), schema},
                  {QStringLiteral("table"), table},
                  {QStringLiteral("column"), column}};
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QByteArray sqlStateForErrorCode(const QString &errorCode, int httpStatus)
{
    // Chosen so that drivers and people read them as PostgreSQL's own:
    // a missing required field is a NOT NULL violation, a duplicate a unique
    // violation, and so on. Keep docs/decisions/0020 in step.
    static const QHash<QString, QByteArray> mapping{
        {QStringLiteral("REQUIRED_FIELD_MISSING"), "23502"},           // not_null_violation
        {QStringLiteral("DUPLICATE_VALUE"), "23505"},                  // unique_violation
        {QStringLiteral("INVALID_CROSS_REFERENCE_KEY"), "23503"},      // foreign_key_violation
        {QStringLiteral("FIELD_CUSTOM_VALIDATION_EXCEPTION"), "23514"}, // check_violation
        {QStringLiteral("FIELD_INTEGRITY_EXCEPTION"), "23514"},
        {QStringLiteral("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"), "23514"},
        {QStringLiteral("INVALID_EMAIL_ADDRESS"), "23514"},
        {QStringLiteral("STRING_TOO_LONG"), "22001"},                  // string_data_right_truncation
        {QStringLiteral("NUMBER_OUTSIDE_VALID_RANGE"), "22003"},       // numeric_value_out_of_range
        {QStringLiteral("INVALID_TYPE_ON_FIELD_IN_RECORD"), "22P02"},  // invalid_text_representation
        {QStringLiteral("MALFORMED_ID"), "22P02"},
        {QStringLiteral("INVALID_FIELD"), "42703"},                    // undefined_column
        {QStringLiteral("INVALID_FIELD_FOR_INSERT_UPDATE"), "428C9"},  // generated_always
        {QStringLiteral("INSUFFICIENT_ACCESS_OR_READONLY"), "42501"},  // insufficient_privilege
        {QStringLiteral("INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY"), "42501"},
        {QStringLiteral("INVALID_TYPE"), "42809"},                     // wrong_object_type
        {QStringLiteral("ENTITY_IS_DELETED"), sqlstate::LostUpdate},   // deleted in Salesforce meanwhile
        {QStringLiteral("NOT_FOUND"), sqlstate::LostUpdate},
        {QStringLiteral("PRECONDITION_FAILED"), sqlstate::LostUpdate}, // If-Unmodified-Since: changed meanwhile
        {QStringLiteral("UNABLE_TO_LOCK_ROW"), "55P03"},               // lock_not_available
        {QStringLiteral("REQUEST_LIMIT_EXCEEDED"), sqlstate::QuotaExhausted},
        {QStringLiteral("SERVER_UNAVAILABLE"), sqlstate::SalesforceUnreachable},
        {QStringLiteral("INVALID_SESSION_ID"), sqlstate::NotLoggedIn},
    };
    if (const auto it = mapping.constFind(errorCode); it != mapping.constEnd())
        return *it;
    if (httpStatus == 412)
        return sqlstate::LostUpdate;
    if (httpStatus == 503)
        return sqlstate::SalesforceUnreachable;
    return sqlstate::OtherRefusal;
}

} // namespace tether::proxy
