// The pure parts of write-through, without a server: which statements the
// proxy must act on (StatementClassifier, libpg_query), and what a
// transaction's captured changes mean for Salesforce (buildWritePlan:
// collapsing, ordering, references to new records, exact values, refusals).
#include "proxy/statementclassifier.h"
#include "proxy/writeplan.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace tether::proxy;
using Kind = ClassifiedStatement::Kind;
using Op = CapturedChange::Op;

namespace {

// JSON written with single quotes, which read better in C++ strings.
QByteArray j(const char *text)
{
    return QByteArray(text).replace('\'', '"');
}

QJsonObject field(const char *name, const char *type, bool createable, bool updateable, const QStringList &referenceTo = {})
{
    QJsonObject f{{QStringLiteral("name"), QLatin1String(name)}, {QStringLiteral("label"), QLatin1String(name)},
                  {QStringLiteral("type"), QLatin1String(type)}, {QStringLiteral("createable"), createable},
                  {QStringLiteral("updateable"), updateable}, {QStringLiteral("nillable"), true},
                  {QStringLiteral("length"), 255}, {QStringLiteral("precision"), 18}, {QStringLiteral("scale"), 2}};
    if (!referenceTo.isEmpty())
        f.insert(QStringLiteral("referenceTo"), QJsonArray::fromStringList(referenceTo));
    return f;
}

std::shared_ptr<const SyncedTable> accountTable()
{
    const QJsonObject describe{
        {QStringLiteral("name"), QStringLiteral("Account")},
        {QStringLiteral("label"), QStringLiteral("Account")},
        {QStringLiteral("fields"),
         QJsonArray{field("Id", "id", false, false), field("Name", "string", true, true),
                    field("AnnualRevenue", "currency", true, true), field("ParentId", "reference", true, true, {QStringLiteral("Account")}),
                    field("Tags__c", "multipicklist", true, true), field("Due__c", "datetime", true, true),
                    field("Opens__c", "time", true, true), field("CreatedDate", "datetime", false, false),
                    field("LastModifiedDate", "datetime", false, false), field("SystemModstamp", "datetime", false, false)}}};
    return SyncedTable::fromDescribe(QStringLiteral("Account"), QStringLiteral("salesforce"), QStringLiteral("account"),
                                     QJsonDocument(describe).toJson());
}

CapturedChange change(qint64 seq, Op op, const QString &id, const QByteArray &oldRow, const QByteArray &currentRow)
{
    CapturedChange c;
    c.seq = seq;
    c.tableOid = 1;
    c.schemaName = QStringLiteral("salesforce");
    c.tableName = QStringLiteral("account");
    c.objectName = QStringLiteral("Account");
    c.op = op;
    c.recordId = id;
    c.oldRow = oldRow;
    c.currentRow = currentRow;
    return c;
}

} // namespace

class TestWritePlan : public QObject
{
    Q_OBJECT

private slots:
    void classifierFindsWritesAndCommits();
    void insertThenUpdateIsOneCreate();
    void insertThenDeleteIsNothing();
    void updatesCollapseToWhatDiffers();
    void parentCreatedBeforeItsChild();
    void circularNewRecordsRefused();
    void readOnlyColumnRefused();
    void tableNotSyncedRefused();
    void valuesInSalesforceTerms();
};

void TestWritePlan::classifierFindsWritesAndCommits()
{
    QVERIFY(StatementClassifier::certainlyPassive("SELECT abalance FROM pgbench_accounts WHERE aid = $1"));
    QVERIFY(StatementClassifier::certainlyPassive("SELECT 1 AS end_date, updated_at FROM t"));
    QVERIFY(!StatementClassifier::certainlyPassive("select * from t for update"));
    QCOMPARE(StatementClassifier::classify("select * from t for update").statements.first().kind, Kind::Read);
    QCOMPARE(StatementClassifier::classify("SELECT CASE WHEN x THEN 1 END FROM t").statements.first().kind, Kind::Read);
    QCOMPARE(StatementClassifier::classify("INSERT INTO salesforce.account (name) VALUES ('x')").statements.first().kind, Kind::Write);
    QCOMPARE(StatementClassifier::classify("WITH gone AS (DELETE FROM a RETURNING id) SELECT count(*) FROM gone").statements.first().kind,
             Kind::Write);
    QCOMPARE(StatementClassifier::classify("MERGE INTO a USING b ON a.id = b.id WHEN MATCHED THEN DELETE").statements.first().kind,
             Kind::Write);

    const Classification script = StatementClassifier::classify("BEGIN; UPDATE a SET x = 1; commit and chain; end");
    QVERIFY(script.parsed);
    QCOMPARE(script.statements.size(), 4);
    QCOMPARE(script.statements[0].kind, Kind::Begin);
    QCOMPARE(script.statements[1].kind, Kind::Write);
    QCOMPARE(script.statements[1].text, QByteArray("UPDATE a SET x = 1"));
    QCOMPARE(script.statements[2].kind, Kind::Commit);
    QVERIFY(script.statements[2].chain);
    QCOMPARE(script.statements[3].kind, Kind::Commit);

    const Classification prepared = StatementClassifier::classify("PREPARE p(int) AS DELETE FROM a WHERE id = $1; EXECUTE p(1); DISCARD ALL");
    QCOMPARE(prepared.statements[0].kind, Kind::Prepare);
    QVERIFY(prepared.statements[0].preparedWrite);
    QCOMPARE(prepared.statements[0].name, QByteArray("p"));
    QCOMPARE(prepared.statements[1].kind, Kind::Execute);
    QCOMPARE(prepared.statements[1].name, QByteArray("p"));
    QVERIFY(prepared.statements[2].dropsPrepared);
    QVERIFY(!StatementClassifier::classify("DEALLOCATE p").statements.first().dropsPrepared);
    QVERIFY(!StatementClassifier::classify("UPDATE oops SET").parsed); // the server says why
}

void TestWritePlan::insertThenUpdateIsOneCreate()
{
    const SyncedTables tables{{1, accountTable()}};
    const QByteArray now = j("{'id':'_new_0000000000001','name':'Renamed','annualrevenue':123456789012345678.12,'parentid':null,'tags__c':null,'due__c':null,'opens__c':null,'createddate':null,'lastmodifieddate':null,'systemmodstamp':null}");
    const WritePlan plan = buildWritePlan({change(1, Op::Insert, QStringLiteral("_new_0000000000001"), {}, now),
                                           change(2, Op::Update, QStringLiteral("_new_0000000000001"), "{}", now)},
                                          tables);
    QVERIFY(!plan.refusal);
    QCOMPARE(plan.writes.size(), 1);
    QCOMPARE(plan.writes.first().op, RecordWrite::Op::Create);
    // Every digit survives: the body is built from PostgreSQL's own JSON text.
    QCOMPARE(plan.writes.first().body, QByteArray(j("{'Name':'Renamed','AnnualRevenue':123456789012345678.12}")));
}

void TestWritePlan::insertThenDeleteIsNothing()
{
    const WritePlan plan = buildWritePlan({change(1, Op::Insert, QStringLiteral("_new_0000000000001"), {}, {}),
                                           change(2, Op::Delete, QStringLiteral("_new_0000000000001"), "{}", {})},
                                          {{1, accountTable()}});
    QVERIFY(!plan.refusal);
    QVERIFY(plan.writes.isEmpty());
}

void TestWritePlan::updatesCollapseToWhatDiffers()
{
    const SyncedTables tables{{1, accountTable()}};
    const QByteArray before = j("{'id':'001000000000001AAA','name':'A','annualrevenue':10,'lastmodifieddate':'2024-05-20T20:49:32.123+02:00'}");
    const QByteArray now = j("{'id':'001000000000001AAA','name':'A','annualrevenue':20,'lastmodifieddate':'2024-05-20T20:49:32.123+02:00'}");
    WritePlan plan = buildWritePlan({change(1, Op::Update, QStringLiteral("001000000000001AAA"), before, "{}"),
                                     change(2, Op::Update, QStringLiteral("001000000000001AAA"), "{}", now)},
                                    tables);
    QCOMPARE(plan.writes.size(), 1);
    QCOMPARE(plan.writes.first().op, RecordWrite::Op::Update);
    QCOMPARE(plan.writes.first().body, QByteArray(j("{'AnnualRevenue':20}")));
    // Conditional on the version the transaction found (If-Unmodified-Since).
    QCOMPARE(plan.writes.first().unmodifiedSince, QDateTime::fromString(QStringLiteral("2024-05-20T18:49:32.123Z"), Qt::ISODateWithMs));
    QCOMPARE(httpDate(plan.writes.first().unmodifiedSince), QByteArray("Mon, 20 May 2024 18:49:32 GMT"));
    // Changed and changed back: nothing to send.
    plan = buildWritePlan({change(1, Op::Update, QStringLiteral("001000000000001AAA"), before, before)}, tables);
    QVERIFY(!plan.refusal);
    QVERIFY(plan.writes.isEmpty());
    // A deleted record is deleted, whatever happened to it before.
    plan = buildWritePlan({change(1, Op::Update, QStringLiteral("001000000000001AAA"), before, {}),
                           change(2, Op::Delete, QStringLiteral("001000000000001AAA"), now, {})},
                          tables);
    QCOMPARE(plan.writes.size(), 1);
    QCOMPARE(plan.writes.first().op, RecordWrite::Op::Delete);
}

void TestWritePlan::parentCreatedBeforeItsChild()
{
    // The child was inserted first, pointing at a parent inserted after it.
    const WritePlan plan = buildWritePlan(
        {change(1, Op::Insert, QStringLiteral("_new_0000000000002"), {},
                j("{'id':'_new_0000000000002','name':'Child','parentid':'_new_0000000000003'}")),
         change(2, Op::Insert, QStringLiteral("_new_0000000000003"), {}, j("{'id':'_new_0000000000003','name':'Parent'}"))},
        {{1, accountTable()}});
    QVERIFY(!plan.refusal);
    QCOMPARE(plan.writes.size(), 2);
    QCOMPARE(plan.writes[0].key, QStringLiteral("_new_0000000000003"));
    QCOMPARE(plan.writes[1].key, QStringLiteral("_new_0000000000002"));
    QCOMPARE(plan.writes[1].body, QByteArray(j("{'Name':'Child','ParentId':'@{")) + plan.writes[0].referenceId.toLatin1() + ".id}\"}");
    QCOMPARE(plan.writes[1].dependsOn, QStringList{plan.writes[0].referenceId});
}

void TestWritePlan::circularNewRecordsRefused()
{
    const WritePlan plan = buildWritePlan(
        {change(1, Op::Insert, QStringLiteral("_new_0000000000002"), {},
                j("{'id':'_new_0000000000002','name':'A','parentid':'_new_0000000000003'}")),
         change(2, Op::Insert, QStringLiteral("_new_0000000000003"), {},
                j("{'id':'_new_0000000000003','name':'B','parentid':'_new_0000000000002'}"))},
        {{1, accountTable()}});
    QVERIFY(plan.refusal);
    QCOMPARE(plan.refusal->sqlState, QByteArray("0A000"));
    QVERIFY(plan.writes.isEmpty());
}

void TestWritePlan::readOnlyColumnRefused()
{
    const WritePlan plan = buildWritePlan({change(1, Op::Insert, QStringLiteral("_new_0000000000004"), {},
                                                 j("{'id':'_new_0000000000004','name':'X','createddate':'2024-01-01T00:00:00+00:00'}"))},
                                          {{1, accountTable()}});
    QVERIFY(plan.refusal);
    QCOMPARE(plan.refusal->sqlState, QByteArray("428C9"));
    QCOMPARE(plan.refusal->column, QStringLiteral("createddate"));
    QCOMPARE(plan.refusal->table, QStringLiteral("account"));
}

void TestWritePlan::tableNotSyncedRefused()
{
    CapturedChange c = change(1, Op::Delete, QStringLiteral("001000000000001AAA"), "{}", {});
    c.objectName.clear();
    c.tableOid = 2;
    const WritePlan plan = buildWritePlan({c}, {{1, accountTable()}});
    QVERIFY(plan.refusal);
    QCOMPARE(plan.refusal->sqlState, QByteArray("0A000"));
}

void TestWritePlan::valuesInSalesforceTerms()
{
    QCOMPARE(salesforceJsonValue(QStringLiteral("datetime"), j("'2024-05-20T22:49:32.5+02:00'")),
             QByteArray(j("'2024-05-20T20:49:32.500+0000'")));
    QCOMPARE(salesforceJsonValue(QStringLiteral("time"), j("'08:30:00'")), QByteArray(j("'08:30:00.000Z'")));
    QCOMPARE(salesforceJsonValue(QStringLiteral("date"), j("'2024-02-29'")), QByteArray(j("'2024-02-29'")));
    QCOMPARE(salesforceJsonValue(QStringLiteral("multipicklist"), j("['a','b c']")), QByteArray(j("'a;b c'")));
    QCOMPARE(salesforceJsonValue(QStringLiteral("currency"), "123456789012345678.12"), QByteArray("123456789012345678.12"));
    QCOMPARE(salesforceJsonValue(QStringLiteral("boolean"), "true"), QByteArray("true"));
    const QByteArray escaped = j("'quote \\\" and ü'"); // a JSON string with an escaped quote
    QCOMPARE(salesforceJsonValue(QStringLiteral("string"), escaped), escaped);
    QCOMPARE(salesforceJsonValue(QStringLiteral("string"), "null"), QByteArray("null"));
}

QTEST_GUILESS_MAIN(TestWritePlan)
#include "tst_writeplan.moc"
