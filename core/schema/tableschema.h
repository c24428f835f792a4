// TableSchema: the PostgreSQL table that mirrors one Salesforce object, the DDL
// that creates it, and the migration from what exists to what Salesforce now
// describes (schema evolution without a re-sync).
#pragma once

#include "schema/typemapping.h"

#include <QHash>

namespace tether::schema {

struct TableSchema
{
    QString schemaName; // e.g. "salesforce"
    QString objectName; // e.g. "Invoice__c"
    QString tableName;  // e.g. "invoice__c"
    QString objectLabel;
    QString watermarkField; // e.g. "SystemModstamp"
    bool softDelete = false; // has IsDeleted: read changes with queryAll
    QList<ColumnSpec> columns; // included columns only, Id first
    // Compound fields (BillingAddress, ...): never columns; a column of that
    // name left by an older Tether is dropped by planMigration.
    QStringList compoundColumns;

    static TableSchema fromDescribe(const ObjectDescribe &object, const QString &schemaName,
                                    const MappingOptions &options = {});

    const ColumnSpec *column(const QString &name) const;
    QString qualifiedName() const; // "salesforce"."account"
    QStringList fieldNames() const; // queried fields, for SOQL
    QStringList queriedColumns() const; // their column names
    QStringList driftingFormulaColumns() const; // see ColumnSpec::formulaDrifts
    // Field names Bulk API 2.0 can serve; empty when it can serve all of them.
    QStringList fieldsBulkCannotServe() const;

    // CREATE TABLE IF NOT EXISTS ... with primary key, comments and the
    // watermark index, as one script.
    QString createSql() const;
};

// A column as it exists in PostgreSQL (from the catalog).
struct ExistingColumn
{
    QString name;
    QString pgType; // format_type() spelling, e.g. "character varying(80)"
};

struct SchemaChange
{
    enum class Kind { AddColumn, ChangeType, MarkStale, DropColumn };
    Kind kind;
    QString column;
    QString fromType;
    QString toType;
    QString sql; // the statement that applies it
};

struct StalePolicy
{
    bool dropRemovedColumns = false; // default: keep them, marked stale
};

// What must change so the existing table matches `target`. AddColumn changes
// need a column backfill afterwards; the caller does that.
QList<SchemaChange> planMigration(const TableSchema &target, const QList<ExistingColumn> &existing,
                                  const StalePolicy &policy = {});

// format_type() spelling of one of our pgType strings, for comparisons.
QString canonicalPgType(const QString &pgType);

// SQL string literal with standard_conforming_strings.
QString sqlLiteral(const QString &text);
QString quoteIdent(const QString &identifier);

} // namespace tether::schema
