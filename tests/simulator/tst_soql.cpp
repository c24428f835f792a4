// The SOQL parser, Id checksums and query execution of the tether_sim library,
// called directly (no HTTP), including malformed queries and their messages.
#include "org.h"
#include "query.h"
#include "sfid.h"
#include "soql.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace tether::sim;

class TestSoql : public QObject
{
    Q_OBJECT

private slots:
    void idChecksum_data();
    void idChecksum();
    void normalizeRejectsBadIds();
    void datetimeRoundTrip();
    void parsesFullGrammar();
    void malformed_data();
    void malformed();
    void invalidFieldMessage();
    void invalidType();
    void filtersAndOrder();
    void parentFieldsAndNulls();
    void likeAndIn();
    void limitOffsetCount();
    void rollbackUndoesWrites();

private:
    static std::vector<int> run(const Org &org, const QString &soql, bool all = false)
    {
        SoqlError error;
        auto parsed = parseSoql(soql, &error);
        auto compiled = parsed ? compileSoql(org, parsed, &error) : nullptr;
        if (!compiled)
            qWarning("%s: %s", error.errorCode.constData(), qPrintable(error.message));
        return compiled ? compiled->run(org, all) : std::vector<int>{};
    }
};

void TestSoql::idChecksum_data()
{
    QTest::addColumn<QByteArray>("id15");
    QTest::addColumn<QByteArray>("id18");
    QTest::newRow("documented") << QByteArray("0015000000Gv7qJ") << QByteArray("0015000000Gv7qJAAR");
    QTest::newRow("all upper") << QByteArray("001AAAAAAAAAAAA") << QByteArray("001AAAAAAAAAAAAY55");
    QTest::newRow("all digits") << QByteArray("001000000000000") << QByteArray("001000000000000AAA");
}

void TestSoql::idChecksum()
{
    QFETCH(QByteArray, id15);
    QFETCH(QByteArray, id18);
    QCOMPARE(id15 + tether::sim::idChecksum(id15), id18);
    QCOMPARE(normalizeId(id15), id18);
    QCOMPARE(normalizeId(id18), id18);
}

void TestSoql::normalizeRejectsBadIds()
{
    QVERIFY(normalizeId("001xyz").isEmpty());
    QVERIFY(normalizeId("0015000000Gv7qJAAB").isEmpty()); // wrong checksum
    QVERIFY(normalizeId("0015000000Gv7q!").isEmpty());
    const QByteArray id = makeId("003", 12345);
    QCOMPARE(id.size(), 18);
    QVERIFY(id.startsWith("0035g0"));
    QCOMPARE(normalizeId(id), id);
}

void TestSoql::datetimeRoundTrip()
{
    const qint64 ms = parseDateTime("2024-05-20T20:49:32.000+0000");
    QVERIFY(ms > 0);
    QCOMPARE(formatDateTime(ms), QByteArray("2024-05-20T20:49:32.000+0000"));
    QCOMPARE(parseDateTime("2024-05-20T22:49:32+02:00"), ms);
    QCOMPARE(parseDateTime("2024-05-20T20:49:32Z"), ms);
    QCOMPARE(parseDateTime("2024-02-30T00:00:00Z"), -1);
    QVERIFY(!isValidDate("2023-02-29"));
    QVERIFY(isValidDate("2024-02-29"));
}

void TestSoql::parsesFullGrammar()
{
    SoqlError error;
    auto q = parseSoql(QStringLiteral("SELECT Id, Name, Account.Owner.Name FROM Contact "
                                      "WHERE (SystemModstamp > 2024-01-01T00:00:00Z AND Id > '0035g0000000001AAA') "
                                      "OR NOT Name LIKE 'A\\_%' OR Email IN ('a@b.c', null) OR Email NOT IN ('x@y.z') "
                                      "ORDER BY SystemModstamp ASC NULLS LAST, Id DESC LIMIT 10 OFFSET 5"),
                       &error);
    QVERIFY2(q, qPrintable(error.message));
    QCOMPARE(q->select.size(), 3);
    QCOMPARE(q->select[2].path.parts, QStringList({QStringLiteral("Account"), QStringLiteral("Owner"), QStringLiteral("Name")}));
    QCOMPARE(q->from, QStringLiteral("Contact"));
    QCOMPARE(q->where->kind, Condition::Kind::Or);
    QCOMPARE(q->where->children.size(), size_t(4));
    QCOMPARE(q->where->children[0]->kind, Condition::Kind::And);
    QCOMPARE(q->where->children[1]->kind, Condition::Kind::Not);
    QCOMPARE(q->where->children[3]->kind, Condition::Kind::NotIn);
    QCOMPARE(q->orderBy.size(), 2);
    QVERIFY(q->orderBy[0].nullsLast);
    QVERIFY(!q->orderBy[0].descending);
    QVERIFY(q->orderBy[1].descending);
    QCOMPARE(q->limit, 10);
    QCOMPARE(q->offset, 5);
    QVERIFY(parseSoql(QStringLiteral("SELECT Id FROM Account WHERE (Name = 'a' AND Name = 'b') OR Name = 'c'"), &error));
    QVERIFY(parseSoql(QStringLiteral("SELECT Id FROM Account WHERE Name = 'a' AND (Name = 'b' OR Name = 'c') AND NOT Name = 'd'"), &error));
    auto count = parseSoql(QStringLiteral("select count() from Account"), &error);
    QVERIFY(count && count->countOnly());
}

void TestSoql::malformed_data()
{
    QTest::addColumn<QString>("soql");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("text");
    QTest::newRow("no fields") << QStringLiteral("SELECT FROM Account") << 8 << QStringLiteral("unexpected token: 'FROM'");
    QTest::newRow("no from") << QStringLiteral("SELECT Id") << 10 << QStringLiteral("unexpected token: '<EOF>'");
    QTest::newRow("dangling where") << QStringLiteral("SELECT Id FROM Account WHERE") << 29 << QStringLiteral("unexpected token: '<EOF>'");
    QTest::newRow("unclosed paren") << QStringLiteral("SELECT Id FROM Account WHERE (Name = 'a'") << 41 << QStringLiteral("unexpected token: '<EOF>'");
    QTest::newRow("bad operator") << QStringLiteral("SELECT Id FROM Account WHERE Name == 'a'") << 36 << QStringLiteral("unexpected token: '='");
    QTest::newRow("trailing comma") << QStringLiteral("SELECT Id, FROM Account") << 12 << QStringLiteral("unexpected token: 'FROM'");
    QTest::newRow("limit text") << QStringLiteral("SELECT Id FROM Account LIMIT x") << 30 << QStringLiteral("unexpected token: 'x'");
    QTest::newRow("AND then OR") << QStringLiteral("SELECT Id FROM Account WHERE Name = 'a' AND Name = 'b' OR Name = 'c'") << 56 << QStringLiteral("unexpected token: 'OR'");
    QTest::newRow("OR then AND") << QStringLiteral("SELECT Id FROM Account WHERE Name = 'a' OR Name = 'b' AND Name = 'c'") << 55 << QStringLiteral("unexpected token: 'AND'");
    QTest::newRow("garbage after") << QStringLiteral("SELECT Id FROM Account Foo Bar") << 28 << QStringLiteral("unexpected token: 'Bar'");
}

void TestSoql::malformed()
{
    QFETCH(QString, soql);
    QFETCH(int, column);
    QFETCH(QString, text);
    SoqlError error;
    QVERIFY(!parseSoql(soql, &error));
    QCOMPARE(error.errorCode, QByteArray("MALFORMED_QUERY"));
    const QString expected = QStringLiteral("\n%1\n%2^\nERROR at Row:1:Column:%3\n%4")
                                 .arg(soql, QString(column - 1, QLatin1Char(' ')))
                                 .arg(column)
                                 .arg(text);
    QCOMPARE(error.message, expected);
}

void TestSoql::invalidFieldMessage()
{
    Org org;
    org.generate({{QStringLiteral("Account"), 3}}, 1);
    SoqlError error;
    auto q = parseSoql(QStringLiteral("SELECT Id, Foo FROM Account"), &error);
    QVERIFY(q);
    QVERIFY(!compileSoql(org, q, &error));
    QCOMPARE(error.errorCode, QByteArray("INVALID_FIELD"));
    QVERIFY2(error.message.startsWith(QStringLiteral("\nSELECT Id, Foo FROM Account\n           ^\nERROR at Row:1:Column:12\n"
                                                     "No such column 'Foo' on entity 'Account'.")),
             qPrintable(error.message));
    q = parseSoql(QStringLiteral("SELECT Id, Acount.Name FROM Contact"), &error);
    QVERIFY(!compileSoql(org, q, &error));
    QCOMPARE(error.errorCode, QByteArray("INVALID_FIELD"));
    QVERIFY(error.message.contains(QStringLiteral("Didn't understand relationship 'Acount'")));
    q = parseSoql(QStringLiteral("SELECT Id FROM Account WHERE NumberOfEmployees = '5'"), &error);
    QVERIFY(!compileSoql(org, q, &error));
    QCOMPARE(error.errorCode, QByteArray("INVALID_QUERY_FILTER_OPERATOR"));
    q = parseSoql(QStringLiteral("SELECT Id FROM Account WHERE CreatedDate > '2024-01-01'"), &error);
    QVERIFY(!compileSoql(org, q, &error));
    QVERIFY(error.message.contains(QStringLiteral("should not be enclosed in quotes")));
}

void TestSoql::invalidType()
{
    Org org;
    SoqlError error;
    auto q = parseSoql(QStringLiteral("SELECT Id FROM Acount"), &error);
    QVERIFY(!compileSoql(org, q, &error));
    QCOMPARE(error.errorCode, QByteArray("INVALID_TYPE"));
    QVERIFY(error.message.contains(QStringLiteral("ERROR at Row:1:Column:16\nsObject type 'Acount' is not supported.")));
}

void TestSoql::filtersAndOrder()
{
    Org org;
    org.generate({{QStringLiteral("Account"), 300}}, 7);
    Table *t = org.table(QStringLiteral("Account"));
    const auto all = run(org, QStringLiteral("SELECT Id FROM Account"));
    QCOMPARE(all.size(), size_t(300));
    const auto sorted = run(org, QStringLiteral("SELECT Id FROM Account ORDER BY NumberOfEmployees DESC NULLS LAST, Id"));
    QCOMPARE(sorted.size(), size_t(300));
    bool seenNull = false;
    double previous = 1e18;
    for (int row : sorted) {
        const QByteArray v = t->storedText(row, QStringLiteral("NumberOfEmployees"));
        if (v.isEmpty()) {
            seenNull = true;
            continue;
        }
        QVERIFY2(!seenNull, "a value came after a null with NULLS LAST");
        QVERIFY(v.toDouble() <= previous);
        previous = v.toDouble();
    }
    const auto big = run(org, QStringLiteral("SELECT Id FROM Account WHERE NumberOfEmployees >= 25000 AND NOT (Industry = null)"));
    for (int row : big) {
        QVERIFY(t->storedText(row, QStringLiteral("NumberOfEmployees")).toDouble() >= 25000);
        QVERIFY(!t->storedText(row, QStringLiteral("Industry")).isEmpty());
    }
    QVERIFY(!big.empty() && big.size() < 300);
    // The sync engine's watermark query: strictly after (SystemModstamp, Id).
    const QByteArray stamp = t->storedText(sorted[0], QStringLiteral("SystemModstamp"));
    const auto after = run(org, QStringLiteral("SELECT Id FROM Account WHERE SystemModstamp > %1 ORDER BY SystemModstamp, Id")
                                    .arg(QString::fromLatin1(stamp.left(23) + 'Z')));
    for (int row : after)
        QVERIFY(t->storedText(row, QStringLiteral("SystemModstamp")) > stamp);
}

void TestSoql::parentFieldsAndNulls()
{
    Org org;
    org.generate({{QStringLiteral("Account"), 20}, {QStringLiteral("Contact"), 50}}, 3);
    SoqlError error;
    auto q = compileSoql(org, parseSoql(QStringLiteral("SELECT Id, Account.Name, Account.Owner.Name, Name FROM Contact WHERE AccountId != null LIMIT 1"), &error), &error);
    QVERIFY2(q, qPrintable(error.message));
    const auto rows = q->run(org, false);
    QCOMPARE(rows.size(), size_t(1));
    QByteArray json;
    q->appendJson(json, org, rows[0], "59.0");
    const QJsonObject o = QJsonDocument::fromJson(json).object();
    QVERIFY2(!o.isEmpty(), json.constData());
    QCOMPARE(o.value(QStringLiteral("attributes")).toObject().value(QStringLiteral("type")).toString(), QStringLiteral("Contact"));
    const QJsonObject account = o.value(QStringLiteral("Account")).toObject();
    QVERIFY(!account.value(QStringLiteral("Name")).toString().isEmpty());
    QVERIFY(!account.value(QStringLiteral("Owner")).toObject().value(QStringLiteral("Name")).toString().isEmpty());
    QCOMPARE(account.value(QStringLiteral("attributes")).toObject().value(QStringLiteral("type")).toString(), QStringLiteral("Account"));
    QByteArray header;
    q->appendCsvHeader(header);
    QCOMPARE(header, QByteArray("\"Id\",\"Account.Name\",\"Account.Owner.Name\",\"Name\"\n"));
    auto nulls = compileSoql(org, parseSoql(QStringLiteral("SELECT Id, Account.Name FROM Contact WHERE AccountId = null"), &error), &error);
    QVERIFY(nulls);
    for (int row : nulls->run(org, false)) {
        QByteArray j;
        nulls->appendJson(j, org, row, "59.0");
        QVERIFY(QJsonDocument::fromJson(j).object().value(QStringLiteral("Account")).isNull());
    }
}

void TestSoql::likeAndIn()
{
    Org org;
    org.generate({{QStringLiteral("Account"), 5}}, 1);
    Table *t = org.table(QStringLiteral("Account"));
    QVERIFY(org.create(*t, QJsonObject{{QStringLiteral("Name"), QStringLiteral("Percent 100% Co")}}, org.adminUserId()).ok());
    QVERIFY(org.create(*t, QJsonObject{{QStringLiteral("Name"), QStringLiteral("under_score")}}, org.adminUserId()).ok());
    QCOMPARE(run(org, QStringLiteral("SELECT Id FROM Account WHERE Name LIKE 'percent%'")).size(), size_t(1)); // case-insensitive
    QCOMPARE(run(org, QStringLiteral("SELECT Id FROM Account WHERE Name LIKE '%100\\%%'")).size(), size_t(1));
    QCOMPARE(run(org, QStringLiteral("SELECT Id FROM Account WHERE Name LIKE 'under\\_score'")).size(), size_t(1));
    QCOMPARE(run(org, QStringLiteral("SELECT Id FROM Account WHERE Name LIKE 'under_scor_'")).size(), size_t(1));
    QCOMPARE(run(org, QStringLiteral("SELECT Id FROM Account WHERE Name IN ('UNDER_SCORE', 'percent 100% co')")).size(), size_t(2));
    QCOMPARE(run(org, QStringLiteral("SELECT Id FROM Account WHERE Name NOT IN ('UNDER_SCORE')")).size(), size_t(6));
    QCOMPARE(run(org, QStringLiteral("SELECT Id FROM Account WHERE CreatedDate = TODAY")).size(), size_t(2));
}

void TestSoql::limitOffsetCount()
{
    Org org;
    org.generate({{QStringLiteral("Lead"), 40}}, 9);
    QCOMPARE(run(org, QStringLiteral("SELECT Id FROM Lead LIMIT 7")).size(), size_t(7));
    QCOMPARE(run(org, QStringLiteral("SELECT Id FROM Lead ORDER BY Id LIMIT 10 OFFSET 35")).size(), size_t(5));
    QCOMPARE(run(org, QStringLiteral("SELECT Id FROM Lead OFFSET 50")).size(), size_t(0));
    SoqlError error;
    QVERIFY(!parseSoql(QStringLiteral("SELECT Id FROM Lead OFFSET 2001"), &error));
    QCOMPARE(error.errorCode, QByteArray("NUMBER_OUTSIDE_VALID_RANGE"));
}

void TestSoql::rollbackUndoesWrites()
{
    Org org;
    org.generate({{QStringLiteral("Account"), 2}}, 1);
    Table *t = org.table(QStringLiteral("Account"));
    const QByteArray first = t->stored(0, t->idSlot).toByteArray();
    const QByteArray before = t->rows[0];
    org.begin();
    QVERIFY(org.create(*t, QJsonObject{{QStringLiteral("Name"), QStringLiteral("Temp")}, {QStringLiteral("ERP_Id__c"), QStringLiteral("X-1")}}, org.adminUserId()).ok());
    QVERIFY(org.update(*t, first, QJsonObject{{QStringLiteral("Name"), QStringLiteral("Changed")}}, org.adminUserId()).ok());
    QVERIFY(org.remove(*t, first, org.adminUserId()).ok());
    org.rollback();
    QCOMPARE(t->rows.size(), size_t(2));
    QCOMPARE(t->rows[0], before);
    QCOMPARE(t->byId.size(), 2);
    // The external-id index forgot the rolled-back value.
    QVERIFY(org.create(*t, QJsonObject{{QStringLiteral("Name"), QStringLiteral("Again")}, {QStringLiteral("ERP_Id__c"), QStringLiteral("X-1")}}, org.adminUserId()).ok());
}

QTEST_GUILESS_MAIN(TestSoql)
#include "tst_soql.moc"
