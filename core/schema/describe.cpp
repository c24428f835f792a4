#include "schema/describe.h"

#include <QJsonArray>

namespace tether::schema {

FieldDescribe FieldDescribe::fromJson(const QJsonObject &json)
{
    FieldDescribe field;
    field.name = json.value(QLatin1String("name")).toString();
    field.label = json.value(QLatin1String("label")).toString();
    field.type = json.value(QLatin1String("type")).toString();
    field.length = json.value(QLatin1String("length")).toInt();
    field.precision = json.value(QLatin1String("precision")).toInt();
    field.scale = json.value(QLatin1String("scale")).toInt();
    field.digits = json.value(QLatin1String("digits")).toInt();
    field.nillable = json.value(QLatin1String("nillable")).toBool(true);
    field.createable = json.value(QLatin1String("createable")).toBool();
    field.updateable = json.value(QLatin1String("updateable")).toBool();
    field.calculated = json.value(QLatin1String("calculated")).toBool();
    field.calculatedFormula = json.value(QLatin1String("calculatedFormula")).toString();
    field.autoNumber = json.value(QLatin1String("autoNumber")).toBool();
    field.externalId = json.value(QLatin1String("externalId")).toBool();
    field.compoundFieldName = json.value(QLatin1String("compoundFieldName")).toString();
    field.relationshipName = json.value(QLatin1String("relationshipName")).toString();
    const QJsonArray refs = json.value(QLatin1String("referenceTo")).toArray();
    for (const QJsonValue &ref : refs)
        field.referenceTo << ref.toString();
    return field;
}

ObjectDescribe ObjectDescribe::fromJson(const QJsonObject &json)
{
    ObjectDescribe object;
    object.name = json.value(QLatin1String("name")).toString();
    object.label = json.value(QLatin1String("label")).toString();
    object.keyPrefix = json.value(QLatin1String("keyPrefix")).toString();
    object.custom = json.value(QLatin1String("custom")).toBool();
    object.queryable = json.value(QLatin1String("queryable")).toBool();
    object.retrieveable = json.value(QLatin1String("retrieveable")).toBool();
    object.replicateable = json.value(QLatin1String("replicateable")).toBool();
    object.createable = json.value(QLatin1String("createable")).toBool();
    object.updateable = json.value(QLatin1String("updateable")).toBool();
    object.deletable = json.value(QLatin1String("deletable")).toBool();
    const QJsonArray fields = json.value(QLatin1String("fields")).toArray();
    object.fields.reserve(fields.size());
    for (const QJsonValue &field : fields)
        object.fields << FieldDescribe::fromJson(field.toObject());
    return object;
}

const FieldDescribe *ObjectDescribe::field(const QString &fieldName) const
{
    for (const FieldDescribe &f : fields) {
        if (f.name.compare(fieldName, Qt::CaseInsensitive) == 0)
            return &f;
    }
    return nullptr;
}

QString ObjectDescribe::watermarkField() const
{
    for (const char *candidate : {"SystemModstamp", "LastModifiedDate", "CreatedDate"}) {
        if (const FieldDescribe *f = field(QLatin1String(candidate)))
            return f->name;
    }
    return {};
}

QList<ObjectDescribe> syncableObjects(const QJsonObject &globalDescribe)
{
    QList<ObjectDescribe> result;
    const QJsonArray objects = globalDescribe.value(QLatin1String("sobjects")).toArray();
    for (const QJsonValue &value : objects) {
        ObjectDescribe object = ObjectDescribe::fromJson(value.toObject());
        if (object.queryable && object.retrieveable)
            result << object;
    }
    return result;
}

QStringList defaultObjectSelection(const QList<ObjectDescribe> &syncable)
{
    static const QStringList standard{QStringLiteral("Account"), QStringLiteral("Contact"),
                                      QStringLiteral("Lead"),    QStringLiteral("Opportunity"),
                                      QStringLiteral("User"),    QStringLiteral("Product2")};
    QStringList selection;
    for (const ObjectDescribe &object : syncable) {
        if (standard.contains(object.name) || (object.custom && object.name.endsWith(QLatin1String("__c"))))
            selection << object.name;
    }
    return selection;
}

} // namespace tether::schema
