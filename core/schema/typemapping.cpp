#include "schema/typemapping.h"

#include <QRegularExpression>

#include <QCoreApplication>

namespace tether::schema {

namespace {

// PostgreSQL's varchar limit; longer Salesforce text (long/rich text areas go
// up to 131,072 characters) fits well within it, but we use text beyond 64k so
// that widening rich text never needs a table rewrite.
constexpr int maxVarcharLength = 65535;

QString varcharOrText(int length)
{
    if (length <= 0 || length > maxVarcharLength)
        return QStringLiteral("text");
    return QStringLiteral("varchar(%1)").arg(length);
}

QString exactNumeric(const FieldDescribe &field)
{
    if (field.precision <= 0)
        return QStringLiteral("numeric");
    return QStringLiteral("numeric(%1,%2)").arg(field.precision).arg(qMax(0, field.scale));
}

} // namespace

QString pgTypeFor(const FieldDescribe &field)
{
    const QString &t = field.type;
    if (t == QLatin1String("id") || t == QLatin1String("reference"))
        return QStringLiteral("varchar(18)");
    if (t == QLatin1String("string") || t == QLatin1String("textarea") ||
        t == QLatin1String("picklist") || t == QLatin1String("combobox") ||
        t == QLatin1String("email") || t == QLatin1String("phone") || t == QLatin1String("url") ||
        t == QLatin1String("encryptedstring"))
        return varcharOrText(field.length);
    if (t == QLatin1String("boolean"))
        return QStringLiteral("boolean");
    if (t == QLatin1String("int"))
        return QStringLiteral("integer");
    if (t == QLatin1String("long"))
        return QStringLiteral("bigint");
    if (t == QLatin1String("currency") || t == QLatin1String("percent"))
        return exactNumeric(field);
    if (t == QLatin1String("double"))
        return field.precision > 0 ? exactNumeric(field) : QStringLiteral("double precision");
    if (t == QLatin1String("date"))
        return QStringLiteral("date");
    if (t == QLatin1String("datetime"))
        return QStringLiteral("timestamptz");
    if (t == QLatin1String("time"))
        return QStringLiteral("time");
    if (t == QLatin1String("multipicklist"))
        return QStringLiteral("text[]");
    if (t == QLatin1String("address") || t == QLatin1String("location") ||
        t == QLatin1String("complexvalue") || t == QLatin1String("json"))
        return QStringLiteral("jsonb");
    // A query returns a base64 field as the URL of the blob, not its bytes.
    if (t == QLatin1String("base64"))
        return QStringLiteral("text");
    // anyType, datacategorygroupreference and anything new: keep the text.
    return QStringLiteral("text");
}

QString ColumnSpec::castFromText(const QString &source) const
{
    if (conversion == Conversion::SplitSemicolon)
        return QStringLiteral("string_to_array(%1, ';')").arg(source);
    return QStringLiteral("CAST(%1 AS %2)").arg(source, pgType);
}

ColumnSpec columnFor(const FieldDescribe &field, const MappingOptions &options)
{
    ColumnSpec column;
    column.name = field.name.toLower();
    column.fieldName = field.name;
    column.salesforceType = field.type;
    column.pgType = pgTypeFor(field);
    column.label = field.label;
    if (field.type == QLatin1String("multipicklist"))
        column.conversion = Conversion::SplitSemicolon;
    if (field.calculated) {
        // Account.Name, Owner.Email, Parent__r.Total__c: a field of another record.
        static const QRegularExpression crossObject(QStringLiteral("\\b[A-Za-z_][A-Za-z0-9_]*\\.[A-Za-z_]"));
        static const QRegularExpression clock(QStringLiteral("\\b(TODAY|NOW|TIMENOW)\\s*\\("), QRegularExpression::CaseInsensitiveOption);
        column.formulaDrifts = clock.match(field.calculatedFormula).hasMatch() || crossObject.match(field.calculatedFormula).hasMatch();
    }
    column.bulkCompatible = !column.isCompound() && field.type != QLatin1String("base64");
    if (column.isCompound()) {
        column.included = false;
        column.excludedReason = QCoreApplication::translate(
            "TypeMapping", "compound fields are not mirrored: their component fields are (BillingCity, ...).");
    }
    if (field.type == QLatin1String("base64") && !options.includeBase64) {
        column.included = false;
        column.excludedReason = QCoreApplication::translate(
            "TypeMapping", "base64 fields are excluded by default (one API call per record).");
    }
    return column;
}

} // namespace tether::schema
