// Type mapping, DDL and migration planning (pure functions, no server).
#include "schema/tableschema.h"
#include "salesforce/rawjson.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace tether::schema;

class TestSchema : public QObject
{
    Q_OBJECT

private slots:
    void mapping_data();
    void mapping();
    void base64ExcludedByDefault();
    void watermarkFallback();
    void tableFromDescribe();
    void migrationPlan();
    void compoundFieldsAreNotColumns();
    void rawJsonKeepsNumbersExact();
    void rawJsonRejectsMalformed();
};

static FieldDescribe field(const QString &name, const QString &type, int length = 0, int precision = 0,
                           int scale = 0)
{
    FieldDescribe f;
    f.name = name;
    f.label = name;
    f.type = type;
    f.length = length;
    f.precision = precision;
    f.scale = scale;
    return f;
}

void TestSchema::mapping_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<int>("length");
    QTest::addColumn<int>("precision");
    QTest::addColumn<int>("scale");
    QTest::addColumn<QString>("pgType");
    QTest::newRow("id") << "id" << 18 << 0 << 0 << "varchar(18)";
    QTest::newRow("reference") << "reference" << 18 << 0 << 0 << "varchar(18)";
    QTest::newRow("string") << "string" << 255 << 0 << 0 << "varchar(255)";
    QTest::newRow("textarea long") << "textarea" << 131072 << 0 << 0 << "text";
    QTest::newRow("picklist") << "picklist" << 40 << 0 << 0 << "varchar(40)";
    QTest::newRow("email") << "email" << 80 << 0 << 0 << "varchar(80)";
    QTest::newRow("boolean") << "boolean" << 0 << 0 << 0 << "boolean";
    QTest::newRow("int") << "int" << 0 << 0 << 0 << "integer";
    QTest::newRow("long") << "long" << 0 << 0 << 0 << "bigint";
    QTest::newRow("currency") << "currency" << 0 << 18 << 2 << "numeric(18,2)";
    QTest::newRow("percent") << "percent" << 0 << 5 << 2 << "numeric(5,2)";
    QTest::newRow("double scaled") << "double" << 0 << 16 << 4 << "numeric(16,4)";
    QTest::newRow("double free") << "double" << 0 << 0 << 0 << "double precision";
    QTest::newRow("date") << "date" << 0 << 0 << 0 << "date";
    QTest::newRow("datetime") << "datetime" << 0 << 0 << 0 << "timestamptz";
    QTest::newRow("time") << "time" << 0 << 0 << 0 << "time";
    QTest::newRow("multipicklist") << "multipicklist" << 4099 << 0 << 0 << "text[]";
    QTest::newRow("address") << "address" << 0 << 0 << 0 << "jsonb";
    QTest::newRow("location") << "location" << 0 << 0 << 0 << "jsonb";
    QTest::newRow("anyType") << "anyType" << 0 << 0 << 0 << "text";
}

void TestSchema::mapping()
{
    QFETCH(QString, type);
    QFETCH(int, length);
    QFETCH(int, precision);
    QFETCH(int, scale);
    QFETCH(QString, pgType);
    QCOMPARE(pgTypeFor(field(QStringLiteral("F"), type, length, precision, scale)), pgType);
}

void TestSchema::base64ExcludedByDefault()
{
    const FieldDescribe body = field(QStringLiteral("Body"), QStringLiteral("base64"));
    QVERIFY(!columnFor(body).included);
    QVERIFY(!columnFor(body).excludedReason.isEmpty());
    MappingOptions options;
    options.includeBase64 = true;
    QVERIFY(columnFor(body, options).included);
    QVERIFY(!columnFor(body, options).bulkCompatible);
    QVERIFY(!columnFor(field(QStringLiteral("BillingAddress"), QStringLiteral("address"))).bulkCompatible);
}

void TestSchema::watermarkFallback()
{
    ObjectDescribe object;
    object.fields = {field(QStringLiteral("Id"), QStringLiteral("id")),
                     field(QStringLiteral("CreatedDate"), QStringLiteral("datetime"))};
    QCOMPARE(object.watermarkField(), QStringLiteral("CreatedDate"));
    object.fields << field(QStringLiteral("LastModifiedDate"), QStringLiteral("datetime"));
    QCOMPARE(object.watermarkField(), QStringLiteral("LastModifiedDate"));
    object.fields << field(QStringLiteral("SystemModstamp"), QStringLiteral("datetime"));
    QCOMPARE(object.watermarkField(), QStringLiteral("SystemModstamp"));
    QVERIFY(!object.supportsSoftDelete());
}

void TestSchema::tableFromDescribe()
{
    const QByteArray describe = R"({"name":"Invoice__c","label":"Invoice","custom":true,"queryable":true,
        "retrieveable":true,"fields":[
        {"name":"Name","label":"Invoice Name","type":"string","length":80},
        {"name":"Id","label":"Record ID","type":"id","length":18},
        {"name":"Total__c","label":"Total","type":"currency","precision":18,"scale":2},
        {"name":"Scan__c","label":"Scan","type":"base64"},
        {"name":"IsDeleted","label":"Deleted","type":"boolean"},
        {"name":"SystemModstamp","label":"System Modstamp","type":"datetime"}]})";
    const ObjectDescribe object = ObjectDescribe::fromJson(QJsonDocument::fromJson(describe).object());
    const TableSchema table = TableSchema::fromDescribe(object, QStringLiteral("salesforce"));
    QCOMPARE(table.tableName, QStringLiteral("invoice__c"));
    QCOMPARE(table.columns.first().name, QStringLiteral("id"));
    QCOMPARE(table.columns.size(), 5); // base64 left out
    QVERIFY(table.softDelete);
    QCOMPARE(table.watermarkField, QStringLiteral("SystemModstamp"));
    const QString sql = table.createSql();
    QVERIFY2(sql.contains(QStringLiteral("\"id\" varchar(18) PRIMARY KEY")), qPrintable(sql));
    QVERIFY(sql.contains(QStringLiteral("\"total__c\" numeric(18,2)")));
    QVERIFY(sql.contains(QStringLiteral("COMMENT ON COLUMN \"salesforce\".\"invoice__c\".\"total__c\" IS 'Total'")));
    QVERIFY(sql.contains(QStringLiteral("ON \"salesforce\".\"invoice__c\" (\"systemmodstamp\")")));
}

void TestSchema::migrationPlan()
{
    ObjectDescribe object;
    object.name = QStringLiteral("Account");
    object.fields = {field(QStringLiteral("Id"), QStringLiteral("id"), 18),
                     field(QStringLiteral("Name"), QStringLiteral("string"), 255),
                     field(QStringLiteral("Rating__c"), QStringLiteral("int")),
                     field(QStringLiteral("New__c"), QStringLiteral("date"))};
    const TableSchema table = TableSchema::fromDescribe(object, QStringLiteral("salesforce"));
    const QList<ExistingColumn> existing{{QStringLiteral("id"), QStringLiteral("character varying(18)")},
                                         {QStringLiteral("name"), QStringLiteral("character varying(80)")},
                                         {QStringLiteral("rating__c"), QStringLiteral("integer")},
                                         {QStringLiteral("gone__c"), QStringLiteral("text")}};
    const QList<SchemaChange> changes = planMigration(table, existing);
    QCOMPARE(changes.size(), 3);
    QCOMPARE(changes[0].kind, SchemaChange::Kind::ChangeType);
    QCOMPARE(changes[0].column, QStringLiteral("name"));
    QCOMPARE(changes[1].kind, SchemaChange::Kind::AddColumn);
    QCOMPARE(changes[1].column, QStringLiteral("new__c"));
    QCOMPARE(changes[2].kind, SchemaChange::Kind::MarkStale);
    StalePolicy drop;
    drop.dropRemovedColumns = true;
    QCOMPARE(planMigration(table, existing, drop).last().kind, SchemaChange::Kind::DropColumn);
}

void TestSchema::compoundFieldsAreNotColumns()
{
    // BillingAddress is BillingStreet, BillingCity, ... again (decision 0031):
    // the components are columns, the compound is not; a column an older
    // Tether made for it is dropped, whatever the stale-column policy.
    const FieldDescribe address = field(QStringLiteral("BillingAddress"), QStringLiteral("address"));
    QVERIFY(!columnFor(address).included);
    QVERIFY(!columnFor(address).excludedReason.isEmpty());
    QVERIFY(!columnFor(field(QStringLiteral("Spot__c"), QStringLiteral("location"))).included);
    ObjectDescribe object;
    object.name = QStringLiteral("Account");
    FieldDescribe city = field(QStringLiteral("BillingCity"), QStringLiteral("string"), 40);
    city.compoundFieldName = QStringLiteral("BillingAddress");
    object.fields = {field(QStringLiteral("Id"), QStringLiteral("id"), 18), city, address};
    const TableSchema table = TableSchema::fromDescribe(object, QStringLiteral("salesforce"));
    QCOMPARE(table.queriedColumns(), (QStringList{QStringLiteral("id"), QStringLiteral("billingcity")}));
    QCOMPARE(table.compoundColumns, QStringList{QStringLiteral("billingaddress")});
    QVERIFY(!table.createSql().contains(QStringLiteral("billingaddress")));
    const QList<ExistingColumn> existing{{QStringLiteral("id"), QStringLiteral("character varying(18)")},
                                         {QStringLiteral("billingcity"), QStringLiteral("character varying(40)")},
                                         {QStringLiteral("billingaddress"), QStringLiteral("jsonb")}};
    const QList<SchemaChange> changes = planMigration(table, existing);
    QCOMPARE(changes.size(), 1);
    QCOMPARE(changes[0].kind, SchemaChange::Kind::DropColumn);
    QCOMPARE(changes[0].sql, QStringLiteral("ALTER TABLE \"salesforce\".\"account\" DROP COLUMN \"billingaddress\";"));
}

void TestSchema::rawJsonKeepsNumbersExact()
{
    using tether::salesforce::RawJson;
    const RawJson json(R"({"a": 9999999999999999.99, "b": "x\"y\u00e9\ud83d\ude80", "c": {"k": [1, null]}, "d": true})");
    QVERIFY2(json.ok(), qPrintable(json.errorString()));
    QCOMPARE(json.rawText(*json.root().member("a")), QByteArray("9999999999999999.99"));
    QCOMPARE(json.string(*json.root().member("b")), QStringLiteral("x\"yé🚀"));
    QCOMPARE(json.rawText(*json.root().member("c")), QByteArray(R"({"k": [1, null]})"));
    QVERIFY(json.root().member("d")->boolean);
    QVERIFY(!json.root().member("e"));
}

void TestSchema::rawJsonRejectsMalformed()
{
    using tether::salesforce::RawJson;
    for (const char *bad : {"{", "{\"a\":}", "[1,]", "{\"a\":1} x", "\"open", "nul"}) {
        const RawJson json{QByteArray(bad)};
        QVERIFY2(!json.ok(), bad);
        QVERIFY(json.errorString().startsWith(QStringLiteral("Malformed JSON")));
    }
}

QTEST_GUILESS_MAIN(TestSchema)
#include "tst_schema.moc"
