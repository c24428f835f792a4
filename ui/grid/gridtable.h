// GridTable: what the grid knows about the table it shows — its columns with
// the Salesforce labels, types, picklist values and whether Salesforce accepts
// a value for them (from the describe the sync engine keeps in
// tether.sync_state.describe_json), merged with the columns the table really
// has in PostgreSQL. Plain values: built on the grid's worker thread, read on
// the GUI thread.
#pragma once

#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

namespace tether::ui {

// An object a reference field may point to, and where its records are mirrored.
struct GridLookupTarget
{
    QString objectName;   // e.g. "Account"
    QString table;        // qualified mirror table; empty when the object is not synced
    bool hasName = false; // the table has a name column to search by
    bool operator==(const GridLookupTarget &) const = default;
};

struct GridColumn
{
    QString name;           // column name in PostgreSQL, e.g. "accountid"
    QString apiName;        // field API name, e.g. "AccountId" (= name when not described)
    QString label;          // Salesforce field label, e.g. "Account ID"
    QString salesforceType; // e.g. "reference", "picklist"; empty when not described
    QString pgType;         // format_type() spelling, e.g. "numeric(18,2)"
    bool updateable = false;
    bool createable = false;
    bool required = false; // not nillable and createable: a new row needs a value
    int length = 0;
    int precision = 0;
    int scale = 0;
    QStringList picklistValues; // active values, in the org's order
    bool restrictedPicklist = false;
    QStringList referenceTo;
    QString referenceTable; // qualified mirror table holding the referenced records' Name, when synced
    QList<GridLookupTarget> lookupTargets; // one per referenceTo, in its order
    bool nillable = true;   // Salesforce accepts no value (a reference can be cleared)
    bool isArray() const { return pgType.endsWith(QLatin1String("[]")); }
    bool isBoolean() const { return pgType == QLatin1String("boolean"); }
    bool isText() const;
    bool isNumber() const;
};

struct GridTable
{
    QString objectName;
    QString objectLabel;
    QString schemaName;
    QString tableName;
    QString keyPrefix;
    QList<GridColumn> columns; // id first
    qint64 rowsInTable = -1;   // tether.sync_state.rows_in_table; -1 unknown

    QString qualifiedName() const; // "salesforce"."account"
    int columnIndex(const QString &name) const;

    // Columns from the catalog (name, format_type) and a describe (sObject
    // describe JSON; may be empty). `syncedTables` holds every synced object
    // by name: its qualified table and whether that has a name column.
    static GridTable build(const QString &objectName, const QString &schemaName, const QString &tableName,
                           const QList<QPair<QString, QString>> &catalogColumns, const QByteArray &describeJson,
                           const QHash<QString, GridLookupTarget> &syncedTables);
};

} // namespace tether::ui

Q_DECLARE_METATYPE(tether::ui::GridTable)
