// MirrorStore against the real fixture PostgreSQL: every field type round-trips
// exactly, pages apply once, older copies never overwrite newer ones, deletes,
// and schema evolution (add, widen, stale, column backfill).
#include "schema/tableschema.h"
#include "store/pgconnection.h"
#include "sync/bulkpagestream.h"
#include "sync/mirrorstore.h"
#include "sync/syncconfig.h"
#include "testpg.h"

#include <QCryptographicHash>
#include <algorithm>
#include <QJsonDocument>
#include <QTest>

using namespace tether;

class TestMirrorStore : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void everyTypeRoundTrips();
    void olderCopyNeverOverwritesNewer();
    void deletesAndRowCount();
    void stateCommitsWithPage();
    void schemaEvolution();
    void removedFieldNeitherBreaksNorChurns();
    void bulkCsvPage();
    void streamedBulkPageCommitsWholeOrNothing();
    void pageCopiedIntoTableEqualsStagedPage_data();
    void pageCopiedIntoTableEqualsStagedPage();
    void pageCopiedIntoTableRefusesARowThatIsThere();
    void pageCopiedIntoTableFiresAPersonsTrigger();
    void syncStatusView();
    void describeFingerprintFollowsTheDescribe();
    void compoundColumnOfAnOlderTetherIsDropped();

private:
    QString scalar(const QString &sql);
    schema::TableSchema widgetTable(const QByteArray &extraFields = {});

    store::PgConnection m_db;
    QString m_info;
    std::unique_ptr<sync::MirrorStore> m_store;
};

static const QByteArray widgetFields = R"(
    {"name":"Id","label":"Record ID","type":"id","length":18},
    {"name":"Name","label":"Widget Name","type":"string","length":80},
    {"name":"Notes__c","label":"Notes","type":"textarea","length":131072},
    {"name":"Price__c","label":"Price","type":"currency","precision":18,"scale":2},
    {"name":"Share__c","label":"Share","type":"percent","precision":5,"scale":2},
    {"name":"Ratio__c","label":"Ratio","type":"double","precision":18,"scale":6},
    {"name":"Count__c","label":"Count","type":"int"},
    {"name":"Big__c","label":"Big","type":"long"},
    {"name":"Active__c","label":"Active","type":"boolean"},
    {"name":"Due__c","label":"Due","type":"date"},
    {"name":"At__c","label":"At","type":"datetime"},
    {"name":"Alarm__c","label":"Alarm","type":"time"},
    {"name":"Colors__c","label":"Colors","type":"multipicklist","length":4099},
    {"name":"Ship__Street__s","label":"Ship Street","type":"textarea","length":255,"compoundFieldName":"Ship__c"},
    {"name":"Ship__City__s","label":"Ship City","type":"string","length":40,"compoundFieldName":"Ship__c"},
    {"name":"Ship__PostalCode__s","label":"Ship Zip","type":"string","length":20,"compoundFieldName":"Ship__c"},
    {"name":"Ship__Country__s","label":"Ship Country","type":"string","length":80,"compoundFieldName":"Ship__c"},
    {"name":"Ship__Latitude__s","label":"Ship Latitude","type":"double","precision":18,"scale":15,"compoundFieldName":"Ship__c"},
    {"name":"Ship__Longitude__s","label":"Ship Longitude","type":"double","precision":18,"scale":15,"compoundFieldName":"Ship__c"},
    {"name":"Ship__c","label":"Ship","type":"address"},
    {"name":"IsDeleted","label":"Deleted","type":"boolean"},
    {"name":"SystemModstamp","label":"System Modstamp","type":"datetime"})";

schema::TableSchema TestMirrorStore::widgetTable(const QByteArray &extraFields)
{
    const QByteArray json = R"({"name":"Widget__c","label":"Widget","custom":true,"fields":[)" + widgetFields +
                            extraFields + "]}";
    const auto object = schema::ObjectDescribe::fromJson(QJsonDocument::fromJson(json).object());
    return schema::TableSchema::fromDescribe(object, QStringLiteral("salesforce"));
}

QString TestMirrorStore::scalar(const QString &sql)
{
    store::PgResult r = m_db.exec(sql);
    if (!r.ok())
        qWarning() << r.error().toString();
    return r.value(0, 0);
}

void TestMirrorStore::initTestCase()
{
    QString why;
    const QString info = test::createScratchDatabase(QStringLiteral("mirror_tests"), &why);
    QVERIFY2(!info.isEmpty(), qPrintable(why));
    m_info = info;
    QVERIFY(!m_db.open(info));
    m_store = std::make_unique<sync::MirrorStore>(m_db, QStringLiteral("salesforce"));
    const store::PgError error = m_store->ensureStateSchema();
    QVERIFY2(!error, qPrintable(error.toString()));
    QVERIFY(!m_store->ensureStateSchema()); // idempotent
    QVERIFY(!m_store->prepareTable(widgetTable(), {}, {}, nullptr));
}

void TestMirrorStore::everyTypeRoundTrips()
{
    const QByteArray page = R"({"totalSize":2,"done":true,"records":[
      {"attributes":{"type":"Widget__c","url":"/services/data/v59.0/sobjects/Widget__c/a01000000000001AAA"},
       "Id":"a01000000000001AAA","Name":"Zoë \"Quote\", comma","Notes__c":"line1\nline2\ttab \\ backslash 東京 🚀",
       "Price__c":9999999999999999.99,"Share__c":-12.5,"Ratio__c":0.000001,"Count__c":-2147483648,
       "Big__c":9007199254740993,"Active__c":true,"Due__c":"2024-02-29","At__c":"2024-05-20T20:49:32.123+0000",
       "Alarm__c":"23:59:59.999Z","Colors__c":"Red;Green;Dark Blue",
       "Ship__Street__s":"Dom 1","Ship__City__s":"Köln","Ship__PostalCode__s":"50667","Ship__Country__s":"DE",
       "Ship__Latitude__s":50.9375,"Ship__Longitude__s":6.9603,
       "Ship__c":{"city":"Köln","country":"DE","geocodeAccuracy":null,"latitude":50.9375,"longitude":6.9603,"postalCode":"50667","state":null,"street":"Dom 1"},
       "IsDeleted":false,"SystemModstamp":"2024-05-20T20:49:32.000+0000"},
      {"attributes":{"type":"Widget__c"},"Id":"a01000000000002AAA","Name":"","Notes__c":null,"Price__c":null,
       "Share__c":null,"Ratio__c":null,"Count__c":null,"Big__c":null,"Active__c":false,"Due__c":null,"At__c":null,
       "Alarm__c":null,"Colors__c":null,"Ship__c":null,"IsDeleted":false,"SystemModstamp":"2024-05-20T20:49:33.000+0000"}]})";
    const schema::TableSchema table = widgetTable();
    const sync::QueryPage parsed = sync::pageFromQueryJson(page, table);
    QVERIFY2(parsed.error.isEmpty(), qPrintable(parsed.error));
    QCOMPARE(parsed.rowCount, 2);
    QCOMPARE(parsed.maxWatermark, QStringLiteral("2024-05-20T20:49:33.000+0000"));
    const sync::ApplyResult applied = m_store->applyPage(table, parsed, {});
    QVERIFY2(!applied.error, qPrintable(applied.error.toString()));
    QCOMPARE(applied.inserted, 2);

    const QString w = QStringLiteral("FROM salesforce.widget__c WHERE id = 'a01000000000001AAA'");
    QCOMPARE(scalar(QStringLiteral("SELECT name ") + w), QStringLiteral("Zoë \"Quote\", comma"));
    QCOMPARE(scalar(QStringLiteral("SELECT notes__c ") + w), QStringLiteral("line1\nline2\ttab \\ backslash 東京 🚀"));
    QCOMPARE(scalar(QStringLiteral("SELECT price__c::text ") + w), QStringLiteral("9999999999999999.99"));
    QCOMPARE(scalar(QStringLiteral("SELECT share__c::text ") + w), QStringLiteral("-12.50"));
    QCOMPARE(scalar(QStringLiteral("SELECT ratio__c::text ") + w), QStringLiteral("0.000001"));
    QCOMPARE(scalar(QStringLiteral("SELECT count__c::text ") + w), QStringLiteral("-2147483648"));
    QCOMPARE(scalar(QStringLiteral("SELECT big__c::text ") + w), QStringLiteral("9007199254740993"));
    QCOMPARE(scalar(QStringLiteral("SELECT active__c::text ") + w), QStringLiteral("true"));
    QCOMPARE(scalar(QStringLiteral("SELECT due__c::text ") + w), QStringLiteral("2024-02-29"));
    QCOMPARE(scalar(QStringLiteral("SELECT to_char(at__c AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS') ") + w),
             QStringLiteral("2024-05-20 20:49:32.123"));
    QCOMPARE(scalar(QStringLiteral("SELECT alarm__c::text ") + w), QStringLiteral("23:59:59.999"));
    QCOMPARE(scalar(QStringLiteral("SELECT colors__c::text ") + w), QStringLiteral("{Red,Green,\"Dark Blue\"}"));
    // A compound address is its component columns; it has no column of its own (decision 0031).
    QCOMPARE(scalar(QStringLiteral("SELECT concat_ws('|', ship__street__s, ship__city__s, ship__postalcode__s, ship__country__s, "
                                   "ship__latitude__s::text, ship__longitude__s::text) ") + w),
             QStringLiteral("Dom 1|Köln|50667|DE|50.937500000000000|6.960300000000000"));
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'salesforce' "
                                   "AND table_name = 'widget__c' AND column_name = 'ship__c'")),
             QStringLiteral("0"));

    const QString n = QStringLiteral("FROM salesforce.widget__c WHERE id = 'a01000000000002AAA'");
    QCOMPARE(scalar(QStringLiteral("SELECT num_nulls(name, notes__c, price__c, share__c, ratio__c, count__c, big__c, "
                                   "due__c, at__c, alarm__c, colors__c, ship__city__s) ") + n),
             QStringLiteral("12"));
    QCOMPARE(scalar(QStringLiteral("SELECT active__c::text ") + n), QStringLiteral("false"));
}

void TestMirrorStore::olderCopyNeverOverwritesNewer()
{
    const schema::TableSchema table = widgetTable();
    auto page = [&](const char *name, const char *stamp) {
        return sync::pageFromQueryJson(QByteArray(R"({"totalSize":1,"done":true,"records":[{"Id":"a01000000000003AAA","Name":")") +
                                           name + R"(","IsDeleted":false,"SystemModstamp":")" + stamp + R"("}]})",
                                       table, {QStringLiteral("id"), QStringLiteral("name"),
                                               QStringLiteral("isdeleted"), QStringLiteral("systemmodstamp")});
    };
    QCOMPARE(m_store->applyPage(table, page("v2", "2024-06-01T00:00:02.000+0000"), {}).inserted, 1);
    const sync::ApplyResult older = m_store->applyPage(table, page("v1", "2024-06-01T00:00:01.000+0000"), {});
    QVERIFY(!older.error);
    QCOMPARE(older.updated, 0);
    QCOMPARE(scalar(QStringLiteral("SELECT name FROM salesforce.widget__c WHERE id = 'a01000000000003AAA'")), QStringLiteral("v2"));
    // Re-reading the same version (overlap window) changes nothing.
    QCOMPARE(m_store->applyPage(table, page("v2", "2024-06-01T00:00:02.000+0000"), {}).updated, 0);
    QCOMPARE(m_store->applyPage(table, page("v3", "2024-06-01T00:00:03.000+0000"), {}).updated, 1);
    QCOMPARE(scalar(QStringLiteral("SELECT name FROM salesforce.widget__c WHERE id = 'a01000000000003AAA'")), QStringLiteral("v3"));
}

void TestMirrorStore::deletesAndRowCount()
{
    const schema::TableSchema table = widgetTable();
    const qint64 before = scalar(QStringLiteral("SELECT count(*) FROM salesforce.widget__c")).toLongLong();
    const sync::QueryPage page = sync::pageFromQueryJson(
        R"({"totalSize":1,"done":true,"records":[{"Id":"a01000000000003AAA","IsDeleted":true,"SystemModstamp":"2024-06-01T00:00:04.000+0000"}]})",
        table);
    QCOMPARE(page.deletedIds, QStringList{QStringLiteral("a01000000000003AAA")});
    QCOMPARE(m_store->applyPage(table, page, {}).deleted, 1);
    const qint64 after = scalar(QStringLiteral("SELECT count(*) FROM salesforce.widget__c")).toLongLong();
    QCOMPARE(after, before - 1);
    // The maintained row count matches the real one.
    QCOMPARE(m_store->loadState(QStringLiteral("Widget__c")).rowsInTable, after);
}

void TestMirrorStore::stateCommitsWithPage()
{
    const schema::TableSchema table = widgetTable();
    // A page that fails (bad value for the column type) must not move the cursor.
    sync::StateUpdate before;
    before.backfillLastId = QStringLiteral("before");
    QVERIFY(!m_store->updateState(QStringLiteral("Widget__c"), before));
    sync::StateUpdate after;
    after.backfillLastId = QStringLiteral("after");
    const sync::QueryPage bad = sync::pageFromQueryJson(
        R"({"totalSize":1,"done":true,"records":[{"Id":"a01000000000009AAA","Count__c":"not a number","SystemModstamp":"2024-06-01T00:00:04.000+0000"}]})",
        table);
    const sync::ApplyResult failed = m_store->applyPage(table, bad, after);
    QVERIFY(failed.error);
    QCOMPARE(failed.error.sqlState, QStringLiteral("22P02"));
    QCOMPARE(m_store->loadState(QStringLiteral("Widget__c")).backfillLastId, QStringLiteral("before"));
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM salesforce.widget__c WHERE id = 'a01000000000009AAA'")), QStringLiteral("0"));

    const sync::QueryPage good = sync::pageFromQueryJson(
        R"({"totalSize":1,"done":true,"records":[{"Id":"a01000000000009AAA","Count__c":7,"SystemModstamp":"2024-06-01T00:00:04.000+0000"}]})",
        table);
    after.addRowsDone = 1;
    QVERIFY(!m_store->applyPage(table, good, after).error);
    const sync::TableState state = m_store->loadState(QStringLiteral("Widget__c"));
    QCOMPARE(state.backfillLastId, QStringLiteral("after"));
    QVERIFY(state.pagesApplied >= 1);
}

void TestMirrorStore::schemaEvolution()
{
    // Salesforce widened Name to 120, added Weight__c, removed Ratio__c.
    QByteArray fields = widgetFields;
    fields.replace(R"("name":"Name","label":"Widget Name","type":"string","length":80)",
                   R"("name":"Name","label":"Widget Name","type":"string","length":120)");
    fields.replace(R"({"name":"Ratio__c","label":"Ratio","type":"double","precision":18,"scale":6},)", "");
    const QByteArray json = R"({"name":"Widget__c","label":"Widget","fields":[)" + fields +
                            R"(,{"name":"Weight__c","label":"Weight in kg","type":"double","precision":10,"scale":3}]})";
    const schema::TableSchema table = schema::TableSchema::fromDescribe(
        schema::ObjectDescribe::fromJson(QJsonDocument::fromJson(json).object()), QStringLiteral("salesforce"));

    QList<schema::SchemaChange> applied;
    const store::PgError error = m_store->prepareTable(table, {}, {}, &applied);
    QVERIFY2(!error, qPrintable(error.toString()));
    QCOMPARE(applied.size(), 3);
    QCOMPARE(scalar(QStringLiteral("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'salesforce.widget__c'::regclass AND attname = 'name'")),
             QStringLiteral("character varying(120)"));
    QVERIFY(scalar(QStringLiteral("SELECT col_description('salesforce.widget__c'::regclass, "
                                  "(SELECT attnum FROM pg_attribute WHERE attrelid = 'salesforce.widget__c'::regclass AND attname = 'ratio__c'))"))
                .startsWith(QStringLiteral("[stale]")));
    QCOMPARE(m_store->loadState(QStringLiteral("Widget__c")).pendingColumns, QStringList{QStringLiteral("weight__c")});

    // Column backfill touches only the new column and leaves other values alone.
    const sync::QueryPage page = sync::pageFromQueryJson(
        R"({"totalSize":1,"done":true,"records":[{"Id":"a01000000000001AAA","Weight__c":1234567.125}]})", table,
        {QStringLiteral("id"), QStringLiteral("weight__c")});
    sync::StateUpdate done;
    done.pendingColumns = QStringList();
    const sync::ApplyResult result = m_store->applyPage(table, page, done, true);
    QVERIFY2(!result.error, qPrintable(result.error.toString()));
    QCOMPARE(result.updated, 1);
    QCOMPARE(scalar(QStringLiteral("SELECT weight__c::text || '|' || price__c::text FROM salesforce.widget__c WHERE id = 'a01000000000001AAA'")),
             QStringLiteral("1234567.125|9999999999999999.99"));
    QVERIFY(m_store->loadState(QStringLiteral("Widget__c")).pendingColumns.isEmpty());
}

void TestMirrorStore::removedFieldNeitherBreaksNorChurns()
{
    // After schemaEvolution: Ratio__c is gone from Salesforce, its column stays (stale).
    QByteArray fields = widgetFields;
    fields.replace(R"({"name":"Ratio__c","label":"Ratio","type":"double","precision":18,"scale":6},)", "");
    const QByteArray json = R"({"name":"Widget__c","label":"Widget","fields":[)" + fields +
                            R"(,{"name":"Weight__c","label":"Weight in kg","type":"double","precision":10,"scale":3}]})";
    const schema::TableSchema table = schema::TableSchema::fromDescribe(
        schema::ObjectDescribe::fromJson(QJsonDocument::fromJson(json).object()), QStringLiteral("salesforce"));

    // A poll page re-reading an unchanged record (the overlap window) is not a
    // change, even though the stale column holds a value the page cannot carry.
    const QByteArray record = R"({"totalSize":1,"done":true,"records":[{"Id":"a01000000000020AAA","Name":"Same",)"
                              R"("SystemModstamp":"2024-08-01T00:00:00.000+0000"}]})";
    QCOMPARE(m_store->applyPage(table, sync::pageFromQueryJson(record, table), {}).inserted, 1);
    QVERIFY(m_db.exec(QStringLiteral("UPDATE salesforce.widget__c SET ratio__c = 0.5 WHERE id = 'a01000000000020AAA'")).ok());
    const sync::ApplyResult again = m_store->applyPage(table, sync::pageFromQueryJson(record, table), {});
    QVERIFY2(!again.error, qPrintable(again.error.toString()));
    QCOMPARE(again.updated, 0);
    QCOMPARE(again.inserted, 0);

    // A Bulk job created before the field went away still returns its column:
    // the page is written without it.
    const QStringList jobFields{QStringLiteral("Id"), QStringLiteral("Name"), QStringLiteral("Ratio__c"),
                                QStringLiteral("SystemModstamp")};
    const QByteArray csv = "\"Id\",\"Name\",\"Ratio__c\",\"SystemModstamp\"\n"
                           "\"a01000000000021AAA\",\"From an old job\",\"0.25\",\"2024-08-01T00:00:01.000Z\"\n";
    const sync::QueryPage page = sync::pageFromBulkCsv(csv, table, jobFields);
    QVERIFY2(page.error.isEmpty(), qPrintable(page.error));
    const sync::ApplyResult written = m_store->applyPage(table, page, {});
    QVERIFY2(!written.error, qPrintable(written.error.toString()));
    QCOMPARE(written.inserted, 1);
    QCOMPARE(scalar(QStringLiteral("SELECT name || '|' || coalesce(ratio__c::text, 'null') FROM salesforce.widget__c WHERE id = 'a01000000000021AAA'")),
             QStringLiteral("From an old job|null"));
}

void TestMirrorStore::bulkCsvPage()
{
    const schema::TableSchema table = widgetTable();
    const QStringList fields{QStringLiteral("Id"), QStringLiteral("Name"), QStringLiteral("Colors__c"),
                             QStringLiteral("Notes__c"), QStringLiteral("SystemModstamp")};
    const QByteArray csv = "\"Id\",\"Name\",\"Colors__c\",\"Notes__c\",\"SystemModstamp\"\n"
                           "\"a01000000000010AAA\",\"Bulk \"\"one\"\"\",\"A;B\",\"multi\nline\",\"2024-07-01T10:00:00.000Z\"\n"
                           "\"a01000000000011AAA\",\"Bulk two\",\"\",\"\",\"2024-07-01T10:00:01.000Z\"\n";
    const sync::QueryPage page = sync::pageFromBulkCsv(csv, table, fields);
    QVERIFY2(page.error.isEmpty(), qPrintable(page.error));
    const sync::ApplyResult result = m_store->applyPage(table, page, {});
    QVERIFY2(!result.error, qPrintable(result.error.toString()));
    QCOMPARE(result.inserted, 2);
    QCOMPARE(scalar(QStringLiteral("SELECT name || '|' || colors__c::text || '|' || notes__c FROM salesforce.widget__c WHERE id = 'a01000000000010AAA'")),
             QStringLiteral("Bulk \"one\"|{A,B}|multi\nline"));
    QCOMPARE(scalar(QStringLiteral("SELECT num_nulls(colors__c, notes__c) FROM salesforce.widget__c WHERE id = 'a01000000000011AAA'")),
             QStringLiteral("2"));

    QVERIFY(!sync::pageFromBulkCsv("\"Id\",\"Wrong\"\n", table, {QStringLiteral("Id"), QStringLiteral("Name")}).error.isEmpty());
}

void TestMirrorStore::streamedBulkPageCommitsWholeOrNothing()
{
    // A Bulk page written while it downloads, on a connection of its own: the
    // CSV arrives in pieces that split the header and rows anywhere.
    const schema::TableSchema table = widgetTable();
    sync::SyncConfig config;
    config.databaseConnectionString = m_info;
    const QStringList fields{QStringLiteral("Id"), QStringLiteral("Name"), QStringLiteral("Colors__c"),
                             QStringLiteral("Ship__City__s"), QStringLiteral("SystemModstamp")};
    const QByteArray csv = "\"Id\",\"Name\",\"Colors__c\",\"Ship__City__s\",\"SystemModstamp\"\n"
                           "\"a01000000000030AAA\",\"Streamed \"\"one\"\"\",\"A;B\",\"Paris\",\"2024-07-02T10:00:00.000Z\"\n"
                           "\"a01000000000031AAA\",\"Streamed\ntwo\",\"\",\"\",\"2024-07-02T10:00:01.000Z\"\n";
    sync::StateUpdate before;
    before.bulkLocator = QStringLiteral("page-1");
    QVERIFY(!m_store->updateState(QStringLiteral("Widget__c"), before));
    sync::StateUpdate after;
    after.bulkLocator = QStringLiteral("page-2");

    // Abandoned half way (the download failed): nothing is kept, the cursor stays.
    {
        sync::BulkPageStream stream(config, table, fields);
        QVERIFY(stream.take(csv.constData(), csv.size() / 2));
    }
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM salesforce.widget__c WHERE id IN ('a01000000000030AAA', 'a01000000000031AAA')")),
             QStringLiteral("0"));
    QCOMPARE(m_store->loadState(QStringLiteral("Widget__c")).bulkLocator, QStringLiteral("page-1"));

    // A value the column cannot take: the commit fails, nothing is kept.
    {
        sync::BulkPageStream stream(config, table, fields);
        const QByteArray bad = csv.left(csv.indexOf('\n') + 1) + "\"a01000000000032AAA\",\"x\",\"\",\"\",\"not a time\"\n";
        QVERIFY(stream.take(bad.constData(), bad.size()));
        const sync::ApplyResult failed = stream.finish(after, false);
        QVERIFY(failed.error);
    }
    QCOMPARE(m_store->loadState(QStringLiteral("Widget__c")).bulkLocator, QStringLiteral("page-1"));

    // Whole, in 7-byte pieces: rows and cursor commit together.
    sync::BulkPageStream stream(config, table, fields);
    for (qsizetype at = 0; at < csv.size(); at += 7)
        QVERIFY(stream.take(csv.constData() + at, qMin<qsizetype>(7, csv.size() - at)));
    const sync::ApplyResult result = stream.finish(after, false);
    QVERIFY2(!result.error, qPrintable(result.error.toString()));
    QCOMPARE(result.inserted, 2);
    QCOMPARE(m_store->loadState(QStringLiteral("Widget__c")).bulkLocator, QStringLiteral("page-2"));
    QCOMPARE(scalar(QStringLiteral("SELECT name || '|' || colors__c::text || '|' || ship__city__s FROM salesforce.widget__c "
                                   "WHERE id = 'a01000000000030AAA'")),
             QStringLiteral("Streamed \"one\"|{A,B}|Paris"));
    QCOMPARE(scalar(QStringLiteral("SELECT name || '|' || num_nulls(colors__c, ship__city__s) FROM salesforce.widget__c "
                                   "WHERE id = 'a01000000000031AAA'")),
             QStringLiteral("Streamed\ntwo|2"));

    // A header that names other fields than the job's is refused before any write.
    sync::BulkPageStream wrong(config, table, {QStringLiteral("Id"), QStringLiteral("Name")});
    QVERIFY(!wrong.take("\"Id\",\"Wrong\"\n", 14));
    QVERIFY(!wrong.problem().isEmpty());
}

// The same CSV rows as staging + upsert writes them (SQL casts, string_to_array)
// and as a first backfill copies them straight into the
// table (BulkCsvRows): every column of every row must be equal. Rows are
// split into pieces of every size, with LF and CRLF line endings.
static QByteArray bulkRows(const QByteArray &idPrefix, const QByteArray &eol)
{
    QByteArray csv = "\"Id\",\"Name\",\"Notes__c\",\"Price__c\",\"Share__c\",\"Ratio__c\",\"Count__c\",\"Big__c\",\"Active__c\","
                     "\"Due__c\",\"At__c\",\"Alarm__c\",\"Colors__c\",\"Ship__Street__s\",\"Ship__City__s\",\"Ship__PostalCode__s\","
                     "\"Ship__Country__s\",\"Ship__Latitude__s\",\"Ship__Longitude__s\",\"IsDeleted\",\"SystemModstamp\"" + eol;
    const QList<QByteArray> rows{
        // quotes, commas and a line break in values; every address part; a negative and an exponent number
        "\"1\",\"Quote \"\"q\"\", comma\",\"line one\nline two\",\"12.50\",\"33.33\",\"0.000001\",\"42\",\"9007199254740993\",\"true\","
        "\"2024-02-29\",\"2024-07-01T10:00:00.000Z\",\"08:30:00.000Z\",\"Red;Green\",\"1 Main St\nSuite \\\\5\",\"K\xc3\xb6ln\",\"50667\","
        "\"DE\",\"-50.937500000000001\",\"6.96E+2\",\"false\",\"2024-07-01T10:00:00.000Z\"",
        // nothing but the Id and the stamp: every other value empty
        "\"2\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"false\",\"2024-07-01T10:00:01.000Z\"",
        // unquoted values, a multi-select with quotes, backslashes and an empty item, a tab in the street
        "2,Plain,,0,,,-7,,false,,,,\"A\"\"x;B\\y;;C\",\"tab\there\",,,,,,false,2024-07-01T10:00:02.000Z",
        // only a city
        "\"3\",\"City only\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"\",\"Solo\",\"\",\"Lyon\",\"\",\"\",\"\",\"0\",\"true\","
        "\"2024-07-01T10:00:03.000Z\""};
    int n = 0;
    for (QByteArray row : rows) {
        // The first value of each row is its Id's suffix.
        const qsizetype comma = row.indexOf(',');
        row = '"' + idPrefix + QByteArray::number(++n).rightJustified(3, '0') + "AAA\"" + row.mid(comma);
        csv += row + eol;
    }
    return csv;
}

void TestMirrorStore::pageCopiedIntoTableEqualsStagedPage_data()
{
    QTest::addColumn<QByteArray>("eol");
    QTest::addColumn<int>("piece");
    for (const int piece : {1, 7, 64, 1 << 20}) {
        QTest::addRow("LF, pieces of %d", piece) << QByteArray("\n") << piece;
        QTest::addRow("CRLF, pieces of %d", piece) << QByteArray("\r\n") << piece;
    }
}

void TestMirrorStore::pageCopiedIntoTableEqualsStagedPage()
{
    QFETCH(QByteArray, eol);
    QFETCH(int, piece);
    const schema::TableSchema table = widgetTable();
    sync::SyncConfig config;
    config.databaseConnectionString = m_info;
    const QStringList fields{QStringLiteral("Id"), QStringLiteral("Name"), QStringLiteral("Notes__c"), QStringLiteral("Price__c"),
                             QStringLiteral("Share__c"), QStringLiteral("Ratio__c"), QStringLiteral("Count__c"), QStringLiteral("Big__c"),
                             QStringLiteral("Active__c"), QStringLiteral("Due__c"), QStringLiteral("At__c"), QStringLiteral("Alarm__c"),
                             QStringLiteral("Colors__c"), QStringLiteral("Ship__Street__s"), QStringLiteral("Ship__City__s"),
                             QStringLiteral("Ship__PostalCode__s"), QStringLiteral("Ship__Country__s"),
                             QStringLiteral("Ship__Latitude__s"), QStringLiteral("Ship__Longitude__s"), QStringLiteral("IsDeleted"),
                             QStringLiteral("SystemModstamp")};
    // Rows of each run have Ids of their own (a0S…NN… staged, a0T…NN… copied) and stay.
    static int run = 0;
    const QByteArray tag = QByteArray::number(++run).rightJustified(2, '0');
    const QString staged = QStringLiteral("a0S0000000") + QString::fromLatin1(tag);
    const QString copied = QStringLiteral("a0T0000000") + QString::fromLatin1(tag);
    auto write = [&](const QByteArray &csv, bool intoTable) {
        sync::BulkPageStream stream(config, table, fields, intoTable);
        for (qsizetype at = 0; at < csv.size(); at += piece) {
            if (!stream.take(csv.constData() + at, qMin<qsizetype>(piece, csv.size() - at)))
                return QStringLiteral("refused: %1 %2").arg(stream.problem(), stream.databaseError().toString());
        }
        const sync::ApplyResult result = stream.finish({}, false);
        if (result.error)
            return result.error.toString();
        return result.inserted == 4 ? QString() : QStringLiteral("%1 rows inserted").arg(result.inserted);
    };
    QString why = write(bulkRows(staged.toLatin1(), eol), false);
    QVERIFY2(why.isEmpty(), qPrintable(why));
    why = write(bulkRows(copied.toLatin1(), eol), true);
    QVERIFY2(why.isEmpty(), qPrintable(why));
    // Row by row, every column but the Id; compared as text, so 1.50 and 1.5 differ.
    const QString differences = scalar(QStringLiteral(
        "SELECT count(*) FROM (SELECT right(s.id, 6) AS n, (to_jsonb(s) - 'id')::text AS v FROM salesforce.widget__c s WHERE s.id LIKE '%1%') a "
        "FULL JOIN (SELECT right(t.id, 6) AS n, (to_jsonb(t) - 'id')::text AS v FROM salesforce.widget__c t WHERE t.id LIKE '%2%') b "
        "USING (n) WHERE a.v IS DISTINCT FROM b.v").arg(staged, copied));
    QCOMPARE(differences, QStringLiteral("0"));
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM salesforce.widget__c WHERE id LIKE '%1%'").arg(copied)), QStringLiteral("4"));
    // And what the rows hold, said plainly for two of them.
    QCOMPARE(scalar(QStringLiteral("SELECT colors__c::text || '|' || ship__street__s || '|' || trim_scale(ship__longitude__s) FROM salesforce.widget__c WHERE id = '%1'").arg(copied + QStringLiteral("001AAA"))),
             QStringLiteral("{Red,Green}|1 Main St\nSuite \\\\5|696"));
    QCOMPARE(scalar(QStringLiteral("SELECT colors__c::text || '|' || ship__street__s || '|' || num_nulls(ship__city__s, ship__longitude__s) FROM salesforce.widget__c WHERE id = '%1'").arg(copied + QStringLiteral("003AAA"))),
             QStringLiteral("{\"A\\\"x\",\"B\\\\y\",\"\",C}|tab\there|2"));
}

void TestMirrorStore::pageCopiedIntoTableRefusesARowThatIsThere()
{
    // A page copied straight into the table holding a row that is there
    // already (written around the backfill) fails whole, with 23505, and
    // keeps nothing: the engine then reads it again through staging.
    const schema::TableSchema table = widgetTable();
    sync::SyncConfig config;
    config.databaseConnectionString = m_info;
    const QStringList fields{QStringLiteral("Id"), QStringLiteral("Name"), QStringLiteral("SystemModstamp")};
    QVERIFY(m_db.exec(QStringLiteral("INSERT INTO salesforce.widget__c (id, name) VALUES ('a0U000000000002AAA', 'there')")).ok());
    const QByteArray csv = "\"Id\",\"Name\",\"SystemModstamp\"\n"
                           "\"a0U000000000001AAA\",\"new\",\"2024-07-03T10:00:00.000Z\"\n"
                           "\"a0U000000000002AAA\",\"again\",\"2024-07-03T10:00:00.000Z\"\n";
    sync::StateUpdate after;
    after.bulkLocator = QStringLiteral("after-conflict");
    sync::BulkPageStream stream(config, table, fields, true);
    QVERIFY(stream.take(csv.constData(), csv.size()));
    const sync::ApplyResult result = stream.finish(after, false);
    QVERIFY(result.error);
    QCOMPARE(result.error.sqlState, QStringLiteral("23505"));
    QCOMPARE(scalar(QStringLiteral("SELECT string_agg(name, ',') FROM salesforce.widget__c WHERE id LIKE 'a0U%'")), QStringLiteral("there"));
    QVERIFY(m_store->loadState(QStringLiteral("Widget__c")).bulkLocator != QStringLiteral("after-conflict"));
    // The row written around the engine goes again (the state never counted it).
    QVERIFY(m_db.exec(QStringLiteral("DELETE FROM salesforce.widget__c WHERE id LIKE 'a0U%'")).ok());
}

void TestMirrorStore::pageCopiedIntoTableFiresAPersonsTrigger()
{
    // A page copied into a table that has only Tether's own triggers skips
    // them (session_replication_role); a trigger of anyone else's still sees
    // every row, and so does one on tether.sync_state.
    const schema::TableSchema table = widgetTable();
    sync::SyncConfig config;
    config.databaseConnectionString = m_info;
    const QStringList fields{QStringLiteral("Id"), QStringLiteral("Name"), QStringLiteral("SystemModstamp")};
    QVERIFY(m_db.exec(QStringLiteral(
        "CREATE TABLE IF NOT EXISTS public.widget_seen (id text); "
        "CREATE OR REPLACE FUNCTION public.widget_seen() RETURNS trigger LANGUAGE plpgsql AS "
        "$$BEGIN INSERT INTO public.widget_seen VALUES (coalesce(to_jsonb(NEW)->>'id', to_jsonb(NEW)->>'object_name')); RETURN NEW; END$$; "
        "CREATE TRIGGER a_persons_trigger AFTER INSERT ON salesforce.widget__c FOR EACH ROW EXECUTE FUNCTION public.widget_seen()")).ok());
    auto copy = [&](const QByteArray &id) {
        const QByteArray csv = "\"Id\",\"Name\",\"SystemModstamp\"\n\"" + id + "\",\"seen\",\"2024-07-04T10:00:00.000Z\"\n";
        sync::BulkPageStream stream(config, table, fields, true);
        if (!stream.take(csv.constData(), csv.size()))
            return stream.problem();
        const sync::ApplyResult result = stream.finish({}, false);
        return result.error ? result.error.toString() : QString();
    };
    QString why = copy("a0V000000000001AAA");
    QVERIFY2(why.isEmpty(), qPrintable(why));
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM public.widget_seen WHERE id = 'a0V000000000001AAA'")), QStringLiteral("1"));
    QVERIFY(m_db.exec(QStringLiteral("DROP TRIGGER a_persons_trigger ON salesforce.widget__c")).ok());
    // Only Tether's triggers now: the page skips them, the state's trigger still fires.
    QVERIFY(m_db.exec(QStringLiteral("CREATE TRIGGER a_persons_trigger AFTER UPDATE ON tether.sync_state FOR EACH ROW "
                                     "EXECUTE FUNCTION public.widget_seen()")).ok());
    why = copy("a0V000000000002AAA");
    QVERIFY2(why.isEmpty(), qPrintable(why));
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM salesforce.widget__c WHERE id = 'a0V000000000002AAA'")), QStringLiteral("1"));
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM public.widget_seen WHERE id = 'Widget__c'")), QStringLiteral("1"));
    QVERIFY(m_db.exec(QStringLiteral("DROP TRIGGER a_persons_trigger ON tether.sync_state; DROP TABLE public.widget_seen")).ok());
}

void TestMirrorStore::syncStatusView()
{
    sync::StateUpdate state;
    state.phase = sync::Phase::Polling;
    state.lastError = QStringLiteral("Salesforce was unavailable; retrying.");
    QVERIFY(!m_store->updateState(QStringLiteral("Widget__c"), state));
    store::PgResult r = m_db.exec(QStringLiteral("SELECT object, table_name, phase, rows_in_table, last_error FROM tether.sync_status WHERE object = 'Widget__c'"));
    QVERIFY2(r.ok(), qPrintable(r.error().toString()));
    QCOMPARE(r.rowCount(), 1);
    QCOMPARE(r.value(0, 1), QStringLiteral("salesforce.widget__c"));
    QCOMPARE(r.value(0, 2), QStringLiteral("polling"));
    QCOMPARE(r.toInt64(0, 3), scalar(QStringLiteral("SELECT count(*) FROM salesforce.widget__c")).toLongLong());
    QCOMPARE(r.value(0, 4), QStringLiteral("Salesforce was unavailable; retrying."));
}

void TestMirrorStore::describeFingerprintFollowsTheDescribe()
{
    // The proxy names a table's describe by describe_md5 at every commit, so
    // it must follow describe_json: when written, and for a database whose
    // rows predate the column (filled in when the schema is ensured).
    const QString fingerprintOk = QStringLiteral(
        "SELECT describe_md5 IS NOT DISTINCT FROM md5(describe_json) FROM tether.sync_state WHERE object_name = 'Widget__c'");
    sync::StateUpdate describe;
    describe.describeJson = QByteArray(R"({"name":"Widget__c","fields":[]})");
    QVERIFY(!m_store->updateState(QStringLiteral("Widget__c"), describe));
    QCOMPARE(scalar(QStringLiteral("SELECT describe_md5 FROM tether.sync_state WHERE object_name = 'Widget__c'")),
             QString::fromLatin1(QCryptographicHash::hash(*describe.describeJson, QCryptographicHash::Md5).toHex()));
    describe.describeJson = QByteArray(R"({"name":"Widget__c","fields":[{"name":"Id"}]})");
    QVERIFY(!m_store->updateState(QStringLiteral("Widget__c"), describe));
    QCOMPARE(scalar(fingerprintOk), QStringLiteral("t"));
    describe.describeJson = QByteArray();
    QVERIFY(!m_store->updateState(QStringLiteral("Widget__c"), describe));
    QCOMPARE(scalar(QStringLiteral("SELECT describe_md5 IS NULL FROM tether.sync_state WHERE object_name = 'Widget__c'")),
             QStringLiteral("t"));

    // A database from before the column.
    describe.describeJson = QByteArray(R"({"name":"Widget__c","fields":[{"name":"Name"}]})");
    QVERIFY(!m_store->updateState(QStringLiteral("Widget__c"), describe));
    QVERIFY(m_db.exec(QStringLiteral("ALTER TABLE tether.sync_state DROP COLUMN describe_md5")).ok());
    QVERIFY(!m_store->ensureStateSchema());
    QCOMPARE(scalar(fingerprintOk), QStringLiteral("t"));
}

void TestMirrorStore::compoundColumnOfAnOlderTetherIsDropped()
{
    // Before decision 0031 a compound field had a jsonb column; preparing the
    // table again drops it (it would no longer follow its components).
    const QString hasColumn = QStringLiteral("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'salesforce' "
                                             "AND table_name = 'widget__c' AND column_name = 'ship__c'");
    QVERIFY(m_db.exec(QStringLiteral("ALTER TABLE salesforce.widget__c ADD COLUMN ship__c jsonb")).ok());
    QCOMPARE(scalar(hasColumn), QStringLiteral("1"));
    QList<schema::SchemaChange> applied;
    const store::PgError error = m_store->prepareTable(widgetTable(), {}, {}, &applied);
    QVERIFY2(!error, qPrintable(error.toString()));
    QCOMPARE(scalar(hasColumn), QStringLiteral("0"));
    // (Columns earlier tests left behind are marked stale again, as ever.)
    const auto dropped = std::find_if(applied.cbegin(), applied.cend(), [](const schema::SchemaChange &c) {
        return c.kind == schema::SchemaChange::Kind::DropColumn;
    });
    QVERIFY(dropped != applied.cend());
    QCOMPARE(dropped->column, QStringLiteral("ship__c"));

    // A person's view on the old column: PostgreSQL refuses the drop, the
    // table reports why, and nothing of the table changes.
    QVERIFY(m_db.exec(QStringLiteral("ALTER TABLE salesforce.widget__c ADD COLUMN ship__c jsonb; "
                                     "CREATE VIEW public.widget_ships AS SELECT id, ship__c FROM salesforce.widget__c")).ok());
    const store::PgError refused = m_store->prepareTable(widgetTable(), {}, {}, nullptr);
    QVERIFY(refused);
    QCOMPARE(refused.sqlState, QStringLiteral("2BP01")); // dependent_objects_still_exist
    QVERIFY2(refused.message.contains(QStringLiteral("ship__c")), qPrintable(refused.toString()));
    QCOMPARE(scalar(hasColumn), QStringLiteral("1"));
    QVERIFY(m_db.exec(QStringLiteral("DROP VIEW public.widget_ships")).ok());
    QVERIFY(!m_store->prepareTable(widgetTable(), {}, {}, nullptr));
    QCOMPARE(scalar(hasColumn), QStringLiteral("0"));
}

QTEST_GUILESS_MAIN(TestMirrorStore)
#include "tst_mirrorstore.moc"
