// Value types for Salesforce describe results (global describe and sObject
// describe), parsed from the REST API's JSON. Only what Tether uses is kept.
#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace tether::schema {

struct FieldDescribe
{
    QString name;  // API name, e.g. "BillingCity"
    QString label; // e.g. "Billing City"
    QString type;  // Salesforce field type, e.g. "string", "currency"
    int length = 0;
    int precision = 0;
    int scale = 0;
    int digits = 0;
    bool nillable = true;
    bool createable = false;
    bool updateable = false;
    bool calculated = false;
    QString calculatedFormula; // the formula's text, for calculated fields
    bool autoNumber = false;
    bool externalId = false;
    QString compoundFieldName; // set on components such as BillingCity
    QStringList referenceTo;
    QString relationshipName;

    static FieldDescribe fromJson(const QJsonObject &json);
    bool operator==(const FieldDescribe &) const = default;
};

struct ObjectDescribe
{
    QString name; // API name, e.g. "Account"
    QString label;
    QString keyPrefix;
    bool custom = false;
    bool queryable = false;
    bool retrieveable = false;
    bool replicateable = false;
    bool createable = false;
    bool updateable = false;
    bool deletable = false;
    QList<FieldDescribe> fields; // empty for global describe entries

    static ObjectDescribe fromJson(const QJsonObject &json);
    const FieldDescribe *field(const QString &name) const;
    bool hasField(const QString &name) const { return field(name) != nullptr; }

    // The field incremental sync orders by: SystemModstamp, else
    // LastModifiedDate, else CreatedDate; empty when there is none.
    QString watermarkField() const;
    // Whether the object has IsDeleted, i.e. can be read with queryAll for deletes.
    bool supportsSoftDelete() const { return hasField(QStringLiteral("IsDeleted")); }
};

// Objects Tether can sync from a global describe: queryable and retrieveable.
QList<ObjectDescribe> syncableObjects(const QJsonObject &globalDescribe);

// The default selection: the common standard objects plus every custom object.
QStringList defaultObjectSelection(const QList<ObjectDescribe> &syncable);

} // namespace tether::schema
