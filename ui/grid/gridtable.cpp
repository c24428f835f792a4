#include "grid/gridtable.h"

#include "grid/gridlog.h"
#include "schema/tableschema.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

Q_LOGGING_CATEGORY(lcGrid, "tether.ui.grid")

namespace tether::ui {

bool GridColumn::isText() const
{
    return pgType == QLatin1String("text") || pgType.startsWith(QLatin1String("character"));
}

bool GridColumn::isNumber() const
{
    return pgType.startsWith(QLatin1String("numeric")) || pgType == QLatin1String("double precision") ||
           pgType == QLatin1String("integer") || pgType == QLatin1String("bigint") || pgType == QLatin1String("smallint");
}

QString GridTable::qualifiedName() const
{
    return schema::quoteIdent(schemaName) + u'.' + schema::quoteIdent(tableName);
}

int GridTable::columnIndex(const QString &name) const
{
    for (int i = 0; i < columns.size(); ++i) {
        if (columns[i].name == name)
            return i;
    }
    return -1;
}

GridTable GridTable::build(const QString &objectName, const QString &schemaName, const QString &tableName,
                           const QList<QPair<QString, QString>> &catalogColumns, const QByteArray &describeJson,
                           const QHash<QString, GridLookupTarget> &syncedTables)
{
    GridTable table;
    table.objectName = objectName;
    table.objectLabel = objectName;
    table.schemaName = schemaName;
    table.tableName = tableName;

    // The describe's fields by lower-case name: picklist values are not in
    // schema::FieldDescribe, so the JSON is read here directly.
    QHash<QString, QJsonObject> fields;
    const QJsonObject describe = QJsonDocument::fromJson(describeJson).object();
    if (!describe.isEmpty()) {
        table.objectLabel = describe.value(QLatin1String("label")).toString(objectName);
        table.keyPrefix = describe.value(QLatin1String("keyPrefix")).toString();
        for (const QJsonValue &f : describe.value(QLatin1String("fields")).toArray())
            fields.insert(f.toObject().value(QLatin1String("name")).toString().toLower(), f.toObject());
    }

    for (const auto &[name, pgType] : catalogColumns) {
        GridColumn c;
        c.name = name;
        c.apiName = name;
        c.label = name;
        c.pgType = pgType;
        const auto it = fields.constFind(name);
        if (it != fields.constEnd()) {
            const QJsonObject &f = *it;
            c.apiName = f.value(QLatin1String("name")).toString();
            c.label = f.value(QLatin1String("label")).toString(c.apiName);
            c.salesforceType = f.value(QLatin1String("type")).toString();
            // Formula and auto-number fields are never updateable in a real
            // describe; the checks are repeated so a describe that says
            // otherwise still shows them read-only.
            const bool computed = f.value(QLatin1String("calculated")).toBool() || f.value(QLatin1String("autoNumber")).toBool();
            c.updateable = f.value(QLatin1String("updateable")).toBool() && !computed && name != QLatin1String("id");
            c.createable = f.value(QLatin1String("createable")).toBool() && !computed && name != QLatin1String("id");
            c.required = c.createable && !f.value(QLatin1String("nillable")).toBool(true) &&
                         !f.value(QLatin1String("defaultedOnCreate")).toBool() && c.salesforceType != QLatin1String("boolean");
            c.length = f.value(QLatin1String("length")).toInt();
            c.precision = f.value(QLatin1String("precision")).toInt();
            c.scale = f.value(QLatin1String("scale")).toInt();
            for (const QJsonValue &p : f.value(QLatin1String("picklistValues")).toArray()) {
                if (p.toObject().value(QLatin1String("active")).toBool(true))
                    c.picklistValues << p.toObject().value(QLatin1String("value")).toString();
            }
            c.restrictedPicklist = f.value(QLatin1String("restrictedPicklist")).toBool();
            c.nillable = f.value(QLatin1String("nillable")).toBool(true);
            for (const QJsonValue &r : f.value(QLatin1String("referenceTo")).toArray())
                c.referenceTo << r.toString();
            for (const QString &target : std::as_const(c.referenceTo)) {
                GridLookupTarget t = syncedTables.value(target);
                t.objectName = target;
                c.lookupTargets << t;
                // The Name shown next to the Id comes from the first target with one.
                if (c.referenceTable.isEmpty() && t.hasName)
                    c.referenceTable = t.table;
            }
        }
        table.columns << c;
    }
    // Id first, then Name: what people look for; the rest as the table has them.
    std::stable_sort(table.columns.begin(), table.columns.end(), [](const GridColumn &a, const GridColumn &b) {
        auto rank = [](const GridColumn &c) {
            return c.name == QLatin1String("id") ? 0 : c.name == QLatin1String("name") ? 1 : 2;
        };
        return rank(a) < rank(b);
    });
    return table;
}

} // namespace tether::ui
