// The one mapping from Salesforce field types to PostgreSQL column types.
// docs/type-mapping.md documents the same table for people; keep them together.
#pragma once

#include "schema/describe.h"

namespace tether::schema {

struct MappingOptions
{
    // base64 fields are large blobs that cost a separate API call per record;
    // they are left out unless asked for.
    bool includeBase64 = false;
};

// How a staged text value becomes the column's type in the upsert.
enum class Conversion {
    Cast,          // CAST(value AS <pgType>)
    SplitSemicolon // multipicklist "a;b" -> text[] {a,b}
};

struct ColumnSpec
{
    QString name;           // lower-case field API name: the column name
    QString fieldName;      // field API name as Salesforce spells it
    QString salesforceType; // e.g. "currency"
    QString pgType;         // e.g. "numeric(18,2)"
    QString label;          // becomes the column comment
    Conversion conversion = Conversion::Cast;
    bool included = true;   // false: not synced (see excludedReason)
    QString excludedReason;
    // Bulk API 2.0 cannot return compound fields (address, location) or base64.
    bool bulkCompatible = true;
    // A formula whose value can change while its record does not (it reads
    // TODAY(), NOW() or a field of another record), so SystemModstamp does
    // not tell: the sync engine re-reads such columns now and then.
    bool formulaDrifts = false;

    // A compound field (address, location): not a column of its own, its
    // component fields are (docs/decisions/0031).
    bool isCompound() const
    {
        return salesforceType == QLatin1String("address") || salesforceType == QLatin1String("location");
    }
    // The SQL that turns `source`, this column's value as Salesforce writes
    // it in text, into the column's type ("a;b" -> {a,b} for a multi-select).
    QString castFromText(const QString &source) const;

    bool operator==(const ColumnSpec &) const = default;
};

ColumnSpec columnFor(const FieldDescribe &field, const MappingOptions &options = {});

// The PostgreSQL type for a Salesforce field type and its describe attributes.
QString pgTypeFor(const FieldDescribe &field);

} // namespace tether::schema
