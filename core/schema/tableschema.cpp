#include "schema/tableschema.h"

#include <QCoreApplication>
#include <QRegularExpression>

namespace tether::schema {

QString sqlLiteral(const QString &text)
{
    QString escaped = text;
    escaped.replace(u'\'', QStringLiteral("''"));
    return u'\'' + escaped + u'\'';
}

QString quoteIdent(const QString &identifier)
{
    QString escaped = identifier;
    escaped.replace(u'"', QStringLiteral("\"\""));
    return u'"' + escaped + u'"';
}

TableSchema TableSchema::fromDescribe(const ObjectDescribe &object, const QString &schemaName,
                                      const MappingOptions &options)
{
    TableSchema table;
    table.schemaName = schemaName;
    table.objectName = object.name;
    table.tableName = object.name.toLower();
    table.objectLabel = object.label;
    table.watermarkField = object.watermarkField();
    table.softDelete = object.supportsSoftDelete();
    for (const FieldDescribe &field : object.fields) {
        ColumnSpec column = columnFor(field, options);
        if (column.isCompound())
            table.compoundColumns << column.name;
        if (!column.included)
            continue;
        if (column.name == QLatin1String("id"))
            table.columns.prepend(column);
        else
            table.columns << column;
    }
    return table;
}

const ColumnSpec *TableSchema::column(const QString &name) const
{
    for (const ColumnSpec &c : columns) {
        if (c.name == name)
            return &c;
    }
    return nullptr;
}

QString TableSchema::qualifiedName() const { return quoteIdent(schemaName) + u'.' + quoteIdent(tableName); }

QStringList TableSchema::fieldNames() const
{
    QStringList names;
    for (const ColumnSpec &c : columns)
        names << c.fieldName;
    return names;
}

QStringList TableSchema::driftingFormulaColumns() const
{
    QStringList names;
    for (const ColumnSpec &c : columns) {
        if (c.formulaDrifts)
            names << c.name;
    }
    return names;
}

QStringList TableSchema::queriedColumns() const
{
    QStringList names;
    for (const ColumnSpec &c : columns)
        names << c.name;
    return names;
}

QStringList TableSchema::fieldsBulkCannotServe() const
{
    QStringList names;
    for (const ColumnSpec &c : columns) {
        if (!c.bulkCompatible)
            names << c.fieldName;
    }
    return names;
}

namespace {
// The label, and for formulas that can change without their record changing,
// that the mirror re-reads them (see docs/decisions/0012).
QString columnComment(const ColumnSpec &c)
{
    if (!c.formulaDrifts)
        return c.label;
    return c.label + QCoreApplication::translate("TableSchema", " [formula that reads the date or other records: "
                                                                "re-read from Salesforce hourly]");
}
} // namespace

QString TableSchema::createSql() const
{
    QStringList definitions;
    for (const ColumnSpec &c : columns) {
        QString def = quoteIdent(c.name) + u' ' + c.pgType;
        if (c.name == QLatin1String("id"))
            def += QStringLiteral(" PRIMARY KEY");
        definitions << def;
    }
    QString sql = QStringLiteral("CREATE SCHEMA IF NOT EXISTS %1;\n").arg(quoteIdent(schemaName));
    sql += QStringLiteral("CREATE TABLE IF NOT EXISTS %1 (\n    %2\n);\n")
               .arg(qualifiedName(), definitions.join(QStringLiteral(",\n    ")));
    sql += QStringLiteral("COMMENT ON TABLE %1 IS %2;\n")
               .arg(qualifiedName(), sqlLiteral(QStringLiteral("Salesforce %1 (%2), synced by Tether")
                                                    .arg(objectName, objectLabel)));
    for (const ColumnSpec &c : columns) {
        sql += QStringLiteral("COMMENT ON COLUMN %1.%2 IS %3;\n")
                   .arg(qualifiedName(), quoteIdent(c.name), sqlLiteral(columnComment(c)));
    }
    if (!watermarkField.isEmpty()) {
        const QString column = watermarkField.toLower();
        sql += QStringLiteral("CREATE INDEX IF NOT EXISTS %1 ON %2 (%3);\n")
                   .arg(quoteIdent(tableName + u'_' + column + QStringLiteral("_idx")), qualifiedName(),
                        quoteIdent(column));
    }
    return sql;
}

QString canonicalPgType(const QString &pgType)
{
    static const QRegularExpression varchar(QStringLiteral("^varchar\\((\\d+)\\)$"));
    static const QRegularExpression numeric(QStringLiteral("^numeric\\((\\d+),(\\d+)\\)$"));
    if (const auto m = varchar.match(pgType); m.hasMatch())
        return QStringLiteral("character varying(%1)").arg(m.captured(1));
    if (const auto m = numeric.match(pgType); m.hasMatch())
        return QStringLiteral("numeric(%1,%2)").arg(m.captured(1), m.captured(2));
    if (pgType == QLatin1String("timestamptz"))
        return QStringLiteral("timestamp with time zone");
    if (pgType == QLatin1String("time"))
        return QStringLiteral("time without time zone");
    return pgType;
}

namespace {

// Whether a column of type `existing` (format_type spelling) already holds
// every value of `wanted`: a narrower varchar, a numeric with fewer digits on
// either side of the point, or any varchar in a text column. Such changes
// are not applied: narrowing in place would cut values or fail on them, and
// the wider column loses nothing (docs/decisions/0010).
bool alreadyHolds(const QString &existing, const QString &wanted)
{
    static const QRegularExpression varchar(QStringLiteral("^character varying\\((\\d+)\\)$"));
    static const QRegularExpression numeric(QStringLiteral("^numeric\\((\\d+),(\\d+)\\)$"));
    const QRegularExpressionMatch wantedVarchar = varchar.match(wanted);
    if (wantedVarchar.hasMatch()) {
        if (existing == QLatin1String("text"))
            return true;
        const QRegularExpressionMatch existingVarchar = varchar.match(existing);
        return existingVarchar.hasMatch() && existingVarchar.captured(1).toInt() >= wantedVarchar.captured(1).toInt();
    }
    const QRegularExpressionMatch wantedNumeric = numeric.match(wanted);
    const QRegularExpressionMatch existingNumeric = numeric.match(existing);
    if (wantedNumeric.hasMatch() && existingNumeric.hasMatch()) {
        const int wantedScale = wantedNumeric.captured(2).toInt();
        const int existingScale = existingNumeric.captured(2).toInt();
        return existingScale >= wantedScale
            && existingNumeric.captured(1).toInt() - existingScale >= wantedNumeric.captured(1).toInt() - wantedScale;
    }
    return false;
}

} // namespace

QList<SchemaChange> planMigration(const TableSchema &target, const QList<ExistingColumn> &existing,
                                  const StalePolicy &policy)
{
    QHash<QString, QString> existingTypes;
    for (const ExistingColumn &c : existing)
        existingTypes.insert(c.name, c.pgType);

    QList<SchemaChange> changes;
    const QString table = target.qualifiedName();
    for (const ColumnSpec &c : target.columns) {
        const auto found = existingTypes.constFind(c.name);
        if (found == existingTypes.constEnd()) {
            changes << SchemaChange{SchemaChange::Kind::AddColumn, c.name, {}, c.pgType,
                                    QStringLiteral("ALTER TABLE %1 ADD COLUMN %2 %3; COMMENT ON COLUMN %1.%2 IS %4;")
                                        .arg(table, quoteIdent(c.name), c.pgType, sqlLiteral(columnComment(c)))};
            continue;
        }
        const QString wanted = canonicalPgType(c.pgType);
        if (*found != wanted && !alreadyHolds(*found, wanted)) {
            // USING with a text round-trip converts any type PostgreSQL can
            // read back from its own text form (varchar widening, int -> numeric, ...).
            QString expression = QStringLiteral("%1::text::%2").arg(quoteIdent(c.name), c.pgType);
            if (c.conversion == Conversion::SplitSemicolon && !found->endsWith(QLatin1String("[]")))
                expression = QStringLiteral("string_to_array(%1::text, ';')").arg(quoteIdent(c.name));
            changes << SchemaChange{SchemaChange::Kind::ChangeType, c.name, *found, c.pgType,
                                    QStringLiteral("ALTER TABLE %1 ALTER COLUMN %2 TYPE %3 USING %4;")
                                        .arg(table, quoteIdent(c.name), c.pgType, expression)};
        }
    }
    for (const ExistingColumn &c : existing) {
        if (target.column(c.name))
            continue;
        // A compound field's column (JSON, before decision 0031) is a copy of
        // component columns that would no longer be kept up to date: it goes
        // whatever the policy.
        if (policy.dropRemovedColumns || target.compoundColumns.contains(c.name)) {
            changes << SchemaChange{SchemaChange::Kind::DropColumn, c.name, c.pgType, {},
                                    QStringLiteral("ALTER TABLE %1 DROP COLUMN %2;").arg(table, quoteIdent(c.name))};
        } else {
            changes << SchemaChange{SchemaChange::Kind::MarkStale, c.name, c.pgType, c.pgType,
                                    QStringLiteral("COMMENT ON COLUMN %1.%2 IS %3;")
                                        .arg(table, quoteIdent(c.name),
                                             sqlLiteral(QStringLiteral("[stale] no longer in Salesforce; "
                                                                       "kept by Tether, not updated")))};
        }
    }
    return changes;
}

} // namespace tether::schema
