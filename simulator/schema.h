// Describe metadata of the simulated org: objects, their fields and the
// Salesforce field types. The shapes follow SALESFORCE_API.md; the catalogue of
// objects (standard plus two custom ones) lives in schema.cpp.
#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>
#include <functional>

namespace tether::sim {

enum class FieldType {
    Id, String, TextArea, Boolean, Int, Long, Double, Currency, Percent, Date, DateTime, Time,
    Picklist, MultiPicklist, Combobox, Reference, Email, Phone, Url, EncryptedString, Base64,
    Address, Location, AnyType, ComplexValue, Json, DataCategoryGroupReference
};

const char *fieldTypeName(FieldType type);
const char *soapTypeName(FieldType type);
bool isNumeric(FieldType type);  // compared and written as JSON numbers
bool isTextual(FieldType type);  // compared case-insensitively, written as JSON strings

class Table;

struct FieldDef
{
    QString name;
    QString label;
    FieldType type = FieldType::String;
    int length = 0;
    int precision = 0;
    int scale = 0;
    int digits = 0;
    bool nillable = true;
    bool createable = true;
    bool updateable = true;
    bool calculated = false;
    bool autoNumber = false;
    bool externalId = false;
    bool unique = false;
    bool idLookup = false;
    bool nameField = false;
    bool defaultedOnCreate = false;
    bool restrictedPicklist = false;
    bool custom = false;
    // Deleted at runtime (/__sim/fields DELETE): gone from describe and SOQL,
    // kept in the list so that compiled queries and slots stay valid.
    bool removed = false;
    QString calculatedFormula;
    QStringList picklistValues;
    QString defaultValue;
    QStringList referenceTo;
    QString relationshipName;
    QString compoundFieldName;
    QString autoNumberFormat; // e.g. "INV-{000000}"

    // Storage slot in the record, or -1 for values computed on read
    // (formulas, compound address/location, Name of a person).
    int slot = -1;
    // For computed fields: the value in its stored text form ("" = null).
    std::function<QByteArray(const Table &, int row)> compute;

    bool required() const { return !nillable && createable && !defaultedOnCreate; }
    bool compound() const { return type == FieldType::Address || type == FieldType::Location; }
};

struct ObjectDef
{
    QString name;
    QString label;
    QString labelPlural;
    QByteArray keyPrefix;
    bool custom = false;
    bool readOnly = false; // *History: written only by the org itself
    QList<FieldDef> fields;
    QHash<QString, int> byName;         // lower-case field name -> index
    QHash<QString, int> byRelationship; // lower-case relationship name -> index of reference field
    int slotCount = 0;
    qint64 schemaChangedMs = 0; // for If-Modified-Since on describe

    int fieldIndex(const QString &name) const { return byName.value(name.toLower(), -1); }
    const FieldDef *field(const QString &name) const
    {
        const int i = fieldIndex(name);
        return i < 0 ? nullptr : &fields[i];
    }
    // Appends a field and gives it a storage slot unless it is computed.
    void addField(FieldDef field);
};

// Every object of the simulated org, with describe metadata and formulas wired up.
QList<ObjectDef> buildCatalogue();

// JSON of `/sobjects/{X}/describe` and of one entry in the global describe.
QByteArray describeJson(const ObjectDef &object, const QByteArray &version);
QByteArray globalDescribeEntryJson(const ObjectDef &object, const QByteArray &version);

} // namespace tether::sim
