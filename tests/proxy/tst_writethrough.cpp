// Write-through end to end: libpq clients write to synced tables through the
// proxy; tether-sim is Salesforce, the fixture PostgreSQL is the mirror, the
// real sync engine polls alongside. Every check compares PostgreSQL with the
// simulator's own REST answers (compareMirror reads every record over REST),
// never with rows built by the proxy's code.
#include "writerig.h"

#include <libpq-fe.h>

#include <QJsonArray>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>
#include <QtConcurrent>

using namespace tether;
using salesforce::ApiCategory;

class TestWriteThrough : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void init();

    void insertReturningShowsSalesforceValues();
    void autoNumberFormulaAndDefaultComeBack();
    void updateReachesSalesforce();
    void deleteReachesSalesforce();
    void parentAndChildInOneTransaction();
    void rollbackLeavesSalesforceUntouched();
    void rollbackToSavepointDropsLaterWrites();
    void severalChangesToOneRecordSendItsLastState();
    void refusedWriteGetsSqlState_data();
    void refusedWriteGetsSqlState();
    void preparedStatementsWithParameters();
    void multiRowAndSetBasedWrites();
    void multiStatementQueryIsOneTransaction();
    void tooLargeForOneRequestUnlessNonAtomic();
    void readOnlyColumnRefusedBeforeAnyCall();
    void lostUpdateIsRefusedAndRowRefreshed();
    void writtenRecordIsNotDownloadedAgain();
    void writeLogRecordsEveryWrite();
    void fault503IsRetried();
    void salesforceUnavailableRefuses();
    void droppedBeforeApplyIsSentAgain();
    void droppedAfterApplyIsReadBack();
    void sessionExpiryDuringCommit();
    void quotaExhaustedRefuses();
    void writesGoOnWhileSyncIsPausedForQuota();
    void clientDisconnectMidTransaction();
    void clientDisconnectDuringCommitStillCommits();
    void backendTerminatedWhileSalesforceAnswers_data();
    void backendTerminatedWhileSalesforceAnswers();
    void deferredCheckFailingAfterSalesforceApplied();
    void backendTerminatedAfterACommitInTheSameQuery();
    void clientTimeoutsDoNotCutACommitShort_data();
    void clientTimeoutsDoNotCutACommitShort();

private:
    store::PgResult exec(store::PgConnection &db, const QString &sql, const QVariantList &params = {});
    std::unique_ptr<store::PgConnection> client();
    QString scalar(const QString &sql);
    QJsonObject simRecord(const QString &object, const QString &id, int *status = nullptr);
    int simCount(const QString &soql);
    qint64 writeCalls() const { return m_rig->budget.callsMade(ApiCategory::Write); }
    // Empty when the mirror of each object equals the simulator, now.
    QString mirrorDiffers(const QStringList &objects);

    test::WriteRig m_writeRig;
    test::SimControl *m_control = nullptr;
    test::EngineRig *m_rig = nullptr;
    store::PgConnection &m_mirror = m_writeRig.mirror; // straight to PostgreSQL, for checks
    std::unique_ptr<store::PgConnection> m_client;     // through the proxy
};

store::PgResult TestWriteThrough::exec(store::PgConnection &db, const QString &sql, const QVariantList &params)
{
    // The client blocks in libpq; the sync engine and the org session live in
    // this thread, so the statement runs on another while this one turns.
    QFuture<store::PgResult> result = QtConcurrent::run([&db, sql, params] {
        return params.isEmpty() ? db.exec(sql) : db.exec(sql, params);
    });
    if (!QTest::qWaitFor([&] { return result.isFinished(); }, 120000))
        qFatal("no answer within 120 s to: %s", qPrintable(sql));
    return result.result();
}

std::unique_ptr<store::PgConnection> TestWriteThrough::client()
{
    auto db = std::make_unique<store::PgConnection>();
    if (const store::PgError e = db->open(m_writeRig.proxyInfo)) {
        qWarning().noquote() << e.toString();
        return {};
    }
    return db;
}

QString TestWriteThrough::scalar(const QString &sql)
{
    const store::PgResult r = m_mirror.exec(sql);
    if (!r.ok())
        qWarning().noquote() << sql << r.error().toString();
    return r.value(0, 0);
}

QJsonObject TestWriteThrough::simRecord(const QString &object, const QString &id, int *status)
{
    const test::SimControl::Reply r = m_control->request("GET", m_control->dataPath() + QStringLiteral("/sobjects/%1/%2").arg(object, id));
    if (status)
        *status = r.status;
    return r.json().object();
}

int TestWriteThrough::simCount(const QString &soql)
{
    const test::SimControl::Reply r = m_control->request(
        "GET", m_control->dataPath() + QStringLiteral("/query?q=") + QString::fromLatin1(QUrl::toPercentEncoding(soql)));
    return r.json().object().value(QLatin1String("totalSize")).toInt(-1);
}

QString TestWriteThrough::mirrorDiffers(const QStringList &objects)
{
    return m_writeRig.mirrorDiffers(objects);
}

void TestWriteThrough::initTestCase()
{
    QString why;
    QVERIFY2(m_writeRig.start(QStringLiteral("writes"), QStringLiteral("Account=60,Contact=90,Opportunity=40,Invoice__c=30"),
                              {QStringLiteral("Account"), QStringLiteral("Contact"), QStringLiteral("Opportunity"),
                               QStringLiteral("Invoice__c")},
                              &why),
             qPrintable(why));
    m_control = m_writeRig.control.get();
    m_rig = m_writeRig.engine.get();
    m_client = client();
    QVERIFY(m_client);
}

void TestWriteThrough::cleanupTestCase()
{
    m_client.reset();
    m_writeRig.stop();
}

void TestWriteThrough::init()
{
    if (m_control)
        m_control->clearFaults();
}

void TestWriteThrough::insertReturningShowsSalesforceValues()
{
    const qint64 calls = writeCalls();
    const store::PgResult r = exec(*m_client, QStringLiteral(
        "INSERT INTO salesforce.account (name, annualrevenue, industry) VALUES ('Write-through Ltd', 123456789012345, 'Energy') "
        "RETURNING id, name, annualrevenue::text, createddate, systemmodstamp, ownerid, isdeleted"));
    QVERIFY2(r.ok(), qPrintable(r.error().toString()));
    QCOMPARE(r.rowCount(), 1);
    const QString id = r.value(0, 0);
    QCOMPARE(id.size(), 18);
    QVERIFY2(id.startsWith(QLatin1String("001")), qPrintable(id));
    QCOMPARE(writeCalls() - calls, qint64(1));
    // RETURNING shows what Salesforce holds, not the provisional row.
    int status = 0;
    const QJsonObject record = simRecord(QStringLiteral("Account"), id, &status);
    QCOMPARE(status, 200);
    QCOMPARE(record.value(QLatin1String("Name")).toString(), r.value(0, 1));
    QCOMPARE(r.value(0, 2), QStringLiteral("123456789012345"));
    QCOMPARE(QDateTime::fromString(r.value(0, 3), Qt::ISODateWithMs),
             QDateTime::fromString(record.value(QLatin1String("CreatedDate")).toString(), Qt::ISODateWithMs));
    QCOMPARE(QDateTime::fromString(r.value(0, 4), Qt::ISODateWithMs),
             QDateTime::fromString(record.value(QLatin1String("SystemModstamp")).toString(), Qt::ISODateWithMs));
    QCOMPARE(r.value(0, 5), record.value(QLatin1String("OwnerId")).toString());
    QCOMPARE(r.value(0, 6), QStringLiteral("f"));
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM salesforce.account WHERE name = 'Write-through Ltd'")), QStringLiteral("1"));
    const QString why = mirrorDiffers({QStringLiteral("Account")});
    QVERIFY2(why.isEmpty(), qPrintable(why));
}

void TestWriteThrough::autoNumberFormulaAndDefaultComeBack()
{
    const QString account = scalar(QStringLiteral("SELECT min(id) FROM salesforce.account"));
    const store::PgResult r = exec(*m_client, QStringLiteral(
        "INSERT INTO salesforce.invoice__c (account__c, amount__c, tax_rate__c) VALUES ('%1', 100.50, 19) "
        "RETURNING id, name, total__c, status__c").arg(account));
    QVERIFY2(r.ok(), qPrintable(r.error().toString()));
    const QJsonObject record = simRecord(QStringLiteral("Invoice__c"), r.value(0, 0));
    QVERIFY2(r.value(0, 1).startsWith(QLatin1String("INV-")), qPrintable(r.value(0, 1)));
    QCOMPARE(r.value(0, 1), record.value(QLatin1String("Name")).toString());
    // Total__c = Amount__c * (1 + Tax_Rate__c), as Salesforce computed it.
    QCOMPARE(r.value(0, 2), QString::number(record.value(QLatin1String("Total__c")).toDouble(), 'f', 2));
    QVERIFY(!r.value(0, 2).isEmpty());
    QCOMPARE(r.value(0, 3), record.value(QLatin1String("Status__c")).toString());
    QCOMPARE(r.value(0, 3), QStringLiteral("Draft"));
    const QString why = mirrorDiffers({QStringLiteral("Invoice__c")});
    QVERIFY2(why.isEmpty(), qPrintable(why));
}

void TestWriteThrough::updateReachesSalesforce()
{
    const QString id = scalar(QStringLiteral("SELECT id FROM salesforce.contact ORDER BY id LIMIT 1 OFFSET 5"));
    const store::PgResult r = exec(*m_client, QStringLiteral("UPDATE salesforce.contact SET lastname = 'Updated', title = 'Chief' WHERE id = '%1'").arg(id));
    QVERIFY2(r.ok(), qPrintable(r.error().toString()));
    QCOMPARE(r.affectedRows(), 1);
    const QJsonObject record = simRecord(QStringLiteral("Contact"), id);
    QCOMPARE(record.value(QLatin1String("LastName")).toString(), QStringLiteral("Updated"));
    QCOMPARE(record.value(QLatin1String("Title")).toString(), QStringLiteral("Chief"));
    QCOMPARE(QDateTime::fromString(scalar(QStringLiteral("SELECT lastmodifieddate FROM salesforce.contact WHERE id = '%1'").arg(id)), Qt::ISODateWithMs),
             QDateTime::fromString(record.value(QLatin1String("LastModifiedDate")).toString(), Qt::ISODateWithMs));
    const QString why = mirrorDiffers({QStringLiteral("Contact")});
    QVERIFY2(why.isEmpty(), qPrintable(why));
}

void TestWriteThrough::deleteReachesSalesforce()
{
    const QString id = scalar(QStringLiteral("SELECT id FROM salesforce.opportunity ORDER BY id LIMIT 1"));
    const store::PgResult r = exec(*m_client, QStringLiteral("DELETE FROM salesforce.opportunity WHERE id = '%1'").arg(id));
    QVERIFY2(r.ok(), qPrintable(r.error().toString()));
    QCOMPARE(r.affectedRows(), 1);
    int status = 0;
    simRecord(QStringLiteral("Opportunity"), id, &status);
    QCOMPARE(status, 404);
    const QString why = mirrorDiffers({QStringLiteral("Opportunity")});
    QVERIFY2(why.isEmpty(), qPrintable(why));
}

void TestWriteThrough::parentAndChildInOneTransaction()
{
    const qint64 calls = writeCalls();
    QVERIFY(exec(*m_client, QStringLiteral("BEGIN")).ok());
    const store::PgResult parent = exec(*m_client, QStringLiteral("INSERT INTO salesforce.account (name) VALUES ('Parent GmbH') RETURNING id"));
    QVERIFY2(parent.ok(), qPrintable(parent.error().toString()));
    const QString provisional = parent.value(0, 0);
    QVERIFY2(provisional.startsWith(QLatin1String("_new_")), qPrintable(provisional));
    QVERIFY(exec(*m_client, QStringLiteral("INSERT INTO salesforce.contact (lastname, accountid) VALUES ('Child', '%1')").arg(provisional)).ok());
    // The transaction reads its own writes under the provisional id.
    QCOMPARE(exec(*m_client, QStringLiteral("SELECT count(*) FROM salesforce.contact WHERE accountid = '%1'").arg(provisional)).value(0, 0),
             QStringLiteral("1"));
    QCOMPARE(writeCalls() - calls, qint64(0));
    const store::PgResult commit = exec(*m_client, QStringLiteral("COMMIT"));
    QVERIFY2(commit.ok(), qPrintable(commit.error().toString()));
    QCOMPARE(writeCalls() - calls, qint64(1)); // one composite graph
    const QString parentId = scalar(QStringLiteral("SELECT id FROM salesforce.account WHERE name = 'Parent GmbH'"));
    QVERIFY(parentId.startsWith(QLatin1String("001")));
    const QString childId = scalar(QStringLiteral("SELECT id FROM salesforce.contact WHERE lastname = 'Child'"));
    QVERIFY(childId.startsWith(QLatin1String("003")));
    QCOMPARE(simRecord(QStringLiteral("Contact"), childId).value(QLatin1String("AccountId")).toString(), parentId);
    QCOMPARE(scalar(QStringLiteral("SELECT accountid FROM salesforce.contact WHERE id = '%1'").arg(childId)), parentId);
    const QString why = mirrorDiffers({QStringLiteral("Account"), QStringLiteral("Contact")});
    QVERIFY2(why.isEmpty(), qPrintable(why));
}

void TestWriteThrough::rollbackLeavesSalesforceUntouched()
{
    const qint64 calls = writeCalls();
    const QString id = scalar(QStringLiteral("SELECT id FROM salesforce.account ORDER BY id LIMIT 1 OFFSET 3"));
    QVERIFY(exec(*m_client, QStringLiteral("BEGIN")).ok());
    QVERIFY(exec(*m_client, QStringLiteral("INSERT INTO salesforce.account (name) VALUES ('Never Ltd')")).ok());
    QVERIFY(exec(*m_client, QStringLiteral("UPDATE salesforce.account SET name = 'Never renamed' WHERE id = '%1'").arg(id)).ok());
    QVERIFY(exec(*m_client, QStringLiteral("DELETE FROM salesforce.contact WHERE id = (SELECT max(id) FROM salesforce.contact)")).ok());
    QVERIFY(exec(*m_client, QStringLiteral("ROLLBACK")).ok());
    QCOMPARE(writeCalls() - calls, qint64(0));
    QCOMPARE(simCount(QStringLiteral("SELECT COUNT() FROM Account WHERE Name LIKE 'Never%'")), 0);
    const QString why = mirrorDiffers({QStringLiteral("Account"), QStringLiteral("Contact")});
    QVERIFY2(why.isEmpty(), qPrintable(why));
}

void TestWriteThrough::rollbackToSavepointDropsLaterWrites()
{
    QVERIFY(exec(*m_client, QStringLiteral("BEGIN")).ok());
    QVERIFY(exec(*m_client, QStringLiteral("INSERT INTO salesforce.account (name) VALUES ('Kept at savepoint')")).ok());
    QVERIFY(exec(*m_client, QStringLiteral("SAVEPOINT s")).ok());
    QVERIFY(exec(*m_client, QStringLiteral("INSERT INTO salesforce.account (name) VALUES ('Dropped at savepoint')")).ok());
    QVERIFY(exec(*m_client, QStringLiteral("ROLLBACK TO SAVEPOINT s")).ok());
    QVERIFY(exec(*m_client, QStringLiteral("COMMIT")).ok());
    QCOMPARE(simCount(QStringLiteral("SELECT COUNT() FROM Account WHERE Name = 'Kept at savepoint'")), 1);
    QCOMPARE(simCount(QStringLiteral("SELECT COUNT() FROM Account WHERE Name = 'Dropped at savepoint'")), 0);
    const QString why = mirrorDiffers({QStringLiteral("Account")});
    QVERIFY2(why.isEmpty(), qPrintable(why));
}

// Salesforce gets each record as the transaction left it at COMMIT: a record
// inserted and then updated, one updated twice (the second change rolled
// back to a savepoint, then changed again), one updated and then deleted.
void TestWriteThrough::severalChangesToOneRecordSendItsLastState()
{
    const QString updated = scalar(QStringLiteral("SELECT id FROM salesforce.contact ORDER BY id LIMIT 1 OFFSET 30"));
    const QString deleted = scalar(QStringLiteral("SELECT id FROM salesforce.contact ORDER BY id LIMIT 1 OFFSET 31"));
    QVERIFY(exec(*m_client, QStringLiteral("BEGIN")).ok());
    const store::PgResult inserted = exec(*m_client, QStringLiteral("INSERT INTO salesforce.account (name, phone) VALUES ('Draft name', '1') RETURNING id"));
    QVERIFY2(inserted.ok(), qPrintable(inserted.error().toString()));
    QVERIFY(exec(*m_client, QStringLiteral("UPDATE salesforce.account SET name = 'Final name', phone = '2' WHERE id = '%1'")
                                .arg(inserted.value(0, 0))).ok());
    QVERIFY(exec(*m_client, QStringLiteral("UPDATE salesforce.contact SET title = 'First', department = 'Kept' WHERE id = '%1'").arg(updated)).ok());
    QVERIFY(exec(*m_client, QStringLiteral("SAVEPOINT s")).ok());
    QVERIFY(exec(*m_client, QStringLiteral("UPDATE salesforce.contact SET title = 'Rolled back' WHERE id = '%1'").arg(updated)).ok());
    QVERIFY(exec(*m_client, QStringLiteral("ROLLBACK TO SAVEPOINT s")).ok());
    QVERIFY(exec(*m_client, QStringLiteral("UPDATE salesforce.contact SET title = 'Last' WHERE id = '%1'").arg(updated)).ok());
    QVERIFY(exec(*m_client, QStringLiteral("UPDATE salesforce.contact SET title = 'Doomed' WHERE id = '%1'").arg(deleted)).ok());
    QVERIFY(exec(*m_client, QStringLiteral("DELETE FROM salesforce.contact WHERE id = '%1'").arg(deleted)).ok());
    const store::PgResult commit = exec(*m_client, QStringLiteral("COMMIT"));
    QVERIFY2(commit.ok(), qPrintable(commit.error().toString()));

    const QString accountId = scalar(QStringLiteral("SELECT id FROM salesforce.account WHERE name = 'Final name'"));
    QVERIFY2(accountId.startsWith(QLatin1String("001")), qPrintable(accountId));
    const QJsonObject account = simRecord(QStringLiteral("Account"), accountId);
    QCOMPARE(account.value(QLatin1String("Name")).toString(), QStringLiteral("Final name"));
    QCOMPARE(account.value(QLatin1String("Phone")).toString(), QStringLiteral("2"));
    QCOMPARE(simCount(QStringLiteral("SELECT COUNT() FROM Account WHERE Name = 'Draft name'")), 0);
    const QJsonObject contact = simRecord(QStringLiteral("Contact"), updated);
    QCOMPARE(contact.value(QLatin1String("Title")).toString(), QStringLiteral("Last"));
    QCOMPARE(contact.value(QLatin1String("Department")).toString(), QStringLiteral("Kept"));
    int status = 0;
    simRecord(QStringLiteral("Contact"), deleted, &status);
    QCOMPARE(status, 404);
    const QString why = mirrorDiffers({QStringLiteral("Account"), QStringLiteral("Contact")});
    QVERIFY2(why.isEmpty(), qPrintable(why));
}

void TestWriteThrough::refusedWriteGetsSqlState_data()
{
    QTest::addColumn<QString>("statement");
    QTest::addColumn<bool>("explicitTransaction");
    QTest::addColumn<QString>("sqlState");
    QTest::addColumn<QString>("errorCode");
    QTest::addColumn<QString>("column");
    QTest::newRow("required field, autocommit")
        << QStringLiteral("INSERT INTO salesforce.account (phone) VALUES ('+49 30 1234')") << false << QStringLiteral("23502")
        << QStringLiteral("REQUIRED_FIELD_MISSING") << QStringLiteral("name");
    QTest::newRow("required field, transaction")
        << QStringLiteral("INSERT INTO salesforce.account (phone) VALUES ('+49 30 1234')") << true << QStringLiteral("23502")
        << QStringLiteral("REQUIRED_FIELD_MISSING") << QStringLiteral("name");
    QTest::newRow("validation rule")
        << QStringLiteral("UPDATE salesforce.opportunity SET amount = -5 WHERE id = (SELECT max(id) FROM salesforce.opportunity)")
        << false << QStringLiteral("23514") << QStringLiteral("FIELD_CUSTOM_VALIDATION_EXCEPTION") << QStringLiteral("amount");
    QTest::newRow("restricted picklist")
        << QStringLiteral("UPDATE salesforce.account SET tier__c = 'Platinum' WHERE id = (SELECT max(id) FROM salesforce.account)")
        << true << QStringLiteral("23514") << QStringLiteral("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST") << QStringLiteral("tier__c");
    QTest::newRow("duplicate external id")
        << QStringLiteral("UPDATE salesforce.account SET erp_id__c = (SELECT erp_id__c FROM salesforce.account WHERE erp_id__c IS NOT NULL "
                          "ORDER BY id LIMIT 1) WHERE id = (SELECT max(id) FROM salesforce.account WHERE erp_id__c IS NOT NULL)")
        << false << QStringLiteral("23505") << QStringLiteral("DUPLICATE_VALUE") << QString();
    QTest::newRow("missing parent")
        << QStringLiteral("INSERT INTO salesforce.contact (lastname, accountid) VALUES ('Orphan', '001000000000000AAA')") << false
        << QStringLiteral("23503") << QStringLiteral("INVALID_CROSS_REFERENCE_KEY") << QStringLiteral("accountid");
}

void TestWriteThrough::refusedWriteGetsSqlState()
{
    QFETCH(QString, statement);
    QFETCH(bool, explicitTransaction);
    QFETCH(QString, sqlState);
    QFETCH(QString, errorCode);
    QFETCH(QString, column);
    const QString before = scalar(QStringLiteral("SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM salesforce.account t")) +
                           scalar(QStringLiteral("SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM salesforce.opportunity t")) +
                           scalar(QStringLiteral("SELECT count(*) FROM salesforce.contact"));
    store::PgResult r;
    if (explicitTransaction) {
        QVERIFY(exec(*m_client, QStringLiteral("BEGIN")).ok());
        const store::PgResult statementResult = exec(*m_client, statement);
        QVERIFY2(statementResult.ok(), qPrintable(statementResult.error().toString()));
        r = exec(*m_client, QStringLiteral("COMMIT"));
    } else {
        r = exec(*m_client, statement);
    }
    QVERIFY(!r.ok());
    QCOMPARE(r.error().sqlState, sqlState);
    QVERIFY2(r.error().detail.contains(errorCode), qPrintable(r.error().detail));
    QVERIFY2(!r.error().hint.isEmpty(), "a HINT says what to do");
    Q_UNUSED(column);
    // The connection goes on, outside any transaction.
    QCOMPARE(exec(*m_client, QStringLiteral("SELECT 1")).value(0, 0), QStringLiteral("1"));
    QCOMPARE(scalar(QStringLiteral("SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM salesforce.account t")) +
                 scalar(QStringLiteral("SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM salesforce.opportunity t")) +
                 scalar(QStringLiteral("SELECT count(*) FROM salesforce.contact")),
             before);
    const QString why = mirrorDiffers({QStringLiteral("Account"), QStringLiteral("Opportunity"), QStringLiteral("Contact")});
    QVERIFY2(why.isEmpty(), qPrintable(why));
}

void TestWriteThrough::preparedStatementsWithParameters()
{
    // PQexecParams: the extended protocol, autocommit, RETURNING.
    const store::PgResult inserted = exec(*m_client, QStringLiteral("INSERT INTO salesforce.contact (lastname, email) VALUES ($1, $2) "
                                                                    "RETURNING id, createddate"),
                                          {QStringLiteral("Param"), QStringLiteral("param@example.com")});
    QVERIFY2(inserted.ok(), qPrintable(inserted.error().toString()));
    const QString id = inserted.value(0, 0);
    QVERIFY2(id.startsWith(QLatin1String("003")), qPrintable(id));
    QCOMPARE(QDateTime::fromString(inserted.value(0, 1), Qt::ISODateWithMs),
             QDateTime::fromString(simRecord(QStringLiteral("Contact"), id).value(QLatin1String("CreatedDate")).toString(), Qt::ISODateWithMs));
    const store::PgResult updated = exec(*m_client, QStringLiteral("UPDATE salesforce.contact SET title = $1 WHERE id = $2"),
                                         {QStringLiteral("Parameterised"), id});
    QVERIFY2(updated.ok(), qPrintable(updated.error().toString()));
    QCOMPARE(simRecord(QStringLiteral("Contact"), id).value(QLatin1String("Title")).toString(), QStringLiteral("Parameterised"));

    // A named prepared statement executed several times (PQprepare/PQexecPrepared).
    QFuture<QString> named = QtConcurrent::run([this]() -> QString {
        PGconn *conn = PQconnectdb(m_writeRig.proxyInfo.toUtf8().constData());
        auto finish = qScopeGuard([conn] { PQfinish(conn); });
        if (PQstatus(conn) != CONNECTION_OK)
            return QString::fromUtf8(PQerrorMessage(conn));
        PGresult *prepared = PQprepare(conn, "rename", "UPDATE salesforce.account SET accountnumber = $1 WHERE id = $2", 2, nullptr);
        const bool ok = PQresultStatus(prepared) == PGRES_COMMAND_OK;
        PQclear(prepared);
        if (!ok)
            return QStringLiteral("prepare failed");
        PGresult *ids = PQexec(conn, "SELECT id FROM salesforce.account ORDER BY id LIMIT 3");
        for (int i = 0; i < PQntuples(ids); ++i) {
            const QByteArray text = "Prepared " + QByteArray::number(i);
            const char *values[2] = {text.constData(), PQgetvalue(ids, i, 0)};
            PGresult *r = PQexecPrepared(conn, "rename", 2, values, nullptr, nullptr, 0);
            const bool done = PQresultStatus(r) == PGRES_COMMAND_OK;
            const QString error = QString::fromUtf8(PQresultErrorMessage(r));
            PQclear(r);
            if (!done) {
                PQclear(ids);
                return error;
            }
        }
        PQclear(ids);
        return {};
    });
    QVERIFY(QTest::qWaitFor([&] { return named.isFinished(); }, 60000));
    QVERIFY2(named.result().isEmpty(), qPrintable(named.result()));
    QCOMPARE(simCount(QStringLiteral("SELECT COUNT() FROM Account WHERE AccountNumber LIKE 'Prepared %'")), 3);
    const QString why = mirrorDiffers({QStringLiteral("Account"), QStringLiteral("Contact")});
    QVERIFY2(why.isEmpty(), qPrintable(why));
}

void TestWriteThrough::multiRowAndSetBasedWrites()
{
    const qint64 calls = writeCalls();
    store::PgResult r = exec(*m_client, QStringLiteral("INSERT INTO salesforce.contact (lastname) VALUES ('Row A'), ('Row B'), ('Row C') RETURNING id, lastname"));
    QVERIFY2(r.ok(), qPrintable(r.error().toString()));
    QCOMPARE(r.rowCount(), 3);
    for (int i = 0; i < 3; ++i) {
        QVERIFY2(r.value(i, 0).startsWith(QLatin1String("003")), qPrintable(r.value(i, 0)));
        QCOMPARE(simRecord(QStringLiteral("Contact"), r.value(i, 0)).value(QLatin1String("LastName")).toString(), r.value(i, 1));
    }
    QCOMPARE(writeCalls() - calls, qint64(1));

    r = exec(*m_client, QStringLiteral("INSERT INTO salesforce.contact (lastname, accountid) "
                                       "SELECT 'Copy of ' || name, id FROM salesforce.account ORDER BY id LIMIT 4"));
    QVERIFY2(r.ok(), qPrintable(r.error().toString()));
    QCOMPARE(r.affectedRows(), 4);
    QCOMPARE(simCount(QStringLiteral("SELECT COUNT() FROM Contact WHERE LastName LIKE 'Copy of %'")), 4);

    r = exec(*m_client, QStringLiteral("UPDATE salesforce.contact c SET department = 'Joined' FROM salesforce.account a "
                                       "WHERE c.accountid = a.id AND c.lastname LIKE 'Copy of %'"));
    QVERIFY2(r.ok(), qPrintable(r.error().toString()));
    QCOMPARE(r.affectedRows(), 4);
    QCOMPARE(simCount(QStringLiteral("SELECT COUNT() FROM Contact WHERE Department = 'Joined'")), 4);

    r = exec(*m_client, QStringLiteral("WITH moved AS (UPDATE salesforce.contact SET department = 'CTE' WHERE lastname LIKE 'Row %' RETURNING id) "
                                       "SELECT count(*) FROM moved"));
    QVERIFY2(r.ok(), qPrintable(r.error().toString()));
    QCOMPARE(r.value(0, 0), QStringLiteral("3"));
    QCOMPARE(simCount(QStringLiteral("SELECT COUNT() FROM Contact WHERE Department = 'CTE'")), 3);
    const QString why = mirrorDiffers({QStringLiteral("Contact")});
    QVERIFY2(why.isEmpty(), qPrintable(why));
}

void TestWriteThrough::multiStatementQueryIsOneTransaction()
{
    const qint64 calls = writeCalls();
    // One simple query, two writes, outside a transaction: one Salesforce transaction.
    store::PgResult r = exec(*m_client, QStringLiteral("INSERT INTO salesforce.account (name) VALUES ('Script One'); "
                                                       "INSERT INTO salesforce.account (name) VALUES ('Script Two')"));
    QVERIFY2(r.ok(), qPrintable(r.error().toString()));
    QCOMPARE(writeCalls() - calls, qint64(1));
    QCOMPARE(simCount(QStringLiteral("SELECT COUNT() FROM Account WHERE Name LIKE 'Script %'")), 2);
    // A refused second write takes the first with it.
    r = exec(*m_client, QStringLiteral("INSERT INTO salesforce.account (name) VALUES ('Script Three'); "
                                       "INSERT INTO salesforce.account (phone) VALUES ('no name')"));
    QVERIFY(!r.ok());
    QCOMPARE(r.error().sqlState, QStringLiteral("23502"));
    QCOMPARE(simCount(QStringLiteral("SELECT COUNT() FROM Account WHERE Name = 'Script Three'")), 0);
    // BEGIN ... COMMIT in one query string.
    r = exec(*m_client, QStringLiteral("BEGIN; INSERT INTO salesforce.account (name) VALUES ('Script Four'); COMMIT"));
    QVERIFY2(r.ok(), qPrintable(r.error().toString()));
    QCOMPARE(simCount(QStringLiteral("SELECT COUNT() FROM Account WHERE Name = 'Script Four'")), 1);
    const QString why = mirrorDiffers({QStringLiteral("Account")});
    QVERIFY2(why.isEmpty(), qPrintable(why));
}

void TestWriteThrough::tooLargeForOneRequestUnlessNonAtomic()
{
    // 501 new records: more than one composite graph (500 nodes) carries.
    const QString insert = QStringLiteral("INSERT INTO salesforce.contact (lastname) SELECT 'Bulk ' || g FROM generate_series(1, 501) g");
    const qint64 calls = writeCalls();
    QVERIFY(exec(*m_client, QStringLiteral("BEGIN")).ok());
    QVERIFY(exec(*m_client, insert).ok());
    const store::PgResult refused = exec(*m_client, QStringLiteral("COMMIT"));
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().sqlState, QStringLiteral("54000"));
    QVERIFY2(refused.error().message.contains(QLatin1String("500")), qPrintable(refused.error().message));
    QVERIFY2(refused.error().hint.contains(QLatin1String("tether.non_atomic_writes")), qPrintable(refused.error().hint));
    QCOMPARE(writeCalls() - calls, qint64(0));
    // Whoever accepts requests that are each all-or-none by themselves says so.
    QVERIFY(exec(*m_client, QStringLiteral("SET tether.non_atomic_writes = on")).ok());
    QVERIFY(exec(*m_client, QStringLiteral("BEGIN")).ok());
    QVERIFY(exec(*m_client, insert).ok());
    const store::PgResult committed = exec(*m_client, QStringLiteral("COMMIT"));
    QVERIFY2(committed.ok(), qPrintable(committed.error().toString()));
    QVERIFY(exec(*m_client, QStringLiteral("RESET tether.non_atomic_writes")).ok());
    QCOMPARE(writeCalls() - calls, qint64(3)); // 250 records with their read-backs per graph
    QCOMPARE(simCount(QStringLiteral("SELECT COUNT() FROM Contact WHERE LastName LIKE 'Bulk %'")), 501);
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM salesforce.contact WHERE lastname LIKE 'Bulk %' AND id LIKE '003%'")),
             QStringLiteral("501"));
    const QString why = mirrorDiffers({QStringLiteral("Contact")});
    QVERIFY2(why.isEmpty(), qPrintable(why));
}

void TestWriteThrough::readOnlyColumnRefusedBeforeAnyCall()
{
    const qint64 calls = writeCalls();
    const store::PgResult r = exec(*m_client, QStringLiteral("UPDATE salesforce.invoice__c SET total__c = 1 WHERE id = (SELECT min(id) FROM salesforce.invoice__c)"));
    QVERIFY(!r.ok());
    QCOMPARE(r.error().sqlState, QStringLiteral("428C9"));
    QVERIFY2(r.error().message.contains(QLatin1String("\"total__c\"")), qPrintable(r.error().message));
    const store::PgResult createOnly = exec(*m_client, QStringLiteral(
        "UPDATE salesforce.invoice__c SET account__c = (SELECT max(id) FROM salesforce.account) WHERE id = (SELECT min(id) FROM salesforce.invoice__c)"));
    QVERIFY(!createOnly.ok());
    QCOMPARE(createOnly.error().sqlState, QStringLiteral("428C9"));
    QCOMPARE(writeCalls() - calls, qint64(0));
}

void TestWriteThrough::lostUpdateIsRefusedAndRowRefreshed()
{
    // The mirror does not hear of the change (Account polling paused), so
    // the proxy's update is based on an old version of the record.
    m_rig->engine.setPaused(QStringLiteral("Account"), true);
    auto resume = qScopeGuard([this] { m_rig->engine.setPaused(QStringLiteral("Account"), false); });
    const QString id = scalar(QStringLiteral("SELECT id FROM salesforce.account ORDER BY id LIMIT 1 OFFSET 10"));
    QVERIFY(m_control->update(QStringLiteral("Account"), id, {{QStringLiteral("Name"), QStringLiteral("Changed in Salesforce")}}));
    const store::PgResult r = exec(*m_client, QStringLiteral("UPDATE salesforce.account SET phone = '+1 555 0100' WHERE id = '%1'").arg(id));
    QVERIFY(!r.ok());
    QCOMPARE(r.error().sqlState, QStringLiteral("40001"));
    QVERIFY2(r.error().message.contains(id), qPrintable(r.error().message));
    // The row shows Salesforce's version as soon as the client can look again.
    QCOMPARE(exec(*m_client, QStringLiteral("SELECT name FROM salesforce.account WHERE id = '%1'").arg(id)).value(0, 0),
             QStringLiteral("Changed in Salesforce"));
    QVERIFY(simRecord(QStringLiteral("Account"), id).value(QLatin1String("Phone")).toString() != QLatin1String("+1 555 0100"));
    // So a retry works.
    const store::PgResult retry = exec(*m_client, QStringLiteral("UPDATE salesforce.account SET phone = '+1 555 0100' WHERE id = '%1'").arg(id));
    QVERIFY2(retry.ok(), qPrintable(retry.error().toString()));
    QCOMPARE(simRecord(QStringLiteral("Account"), id).value(QLatin1String("Phone")).toString(), QStringLiteral("+1 555 0100"));
    QCOMPARE(simRecord(QStringLiteral("Account"), id).value(QLatin1String("Name")).toString(), QStringLiteral("Changed in Salesforce"));
    const QString why = mirrorDiffers({QStringLiteral("Account")});
    QVERIFY2(why.isEmpty(), qPrintable(why));
}

void TestWriteThrough::writtenRecordIsNotDownloadedAgain()
{
    const store::PgResult r = exec(*m_client, QStringLiteral("INSERT INTO salesforce.account (name) VALUES ('Not twice') RETURNING id"));
    QVERIFY2(r.ok(), qPrintable(r.error().toString()));
    const QString id = r.value(0, 0);
    const QString xmin = scalar(QStringLiteral("SELECT xmin::text FROM salesforce.account WHERE id = '%1'").arg(id));
    // Two more polls of Account: the row is not written again.
    QSignalSpy polled(&m_rig->engine, &sync::SyncEngine::pollApplied);
    QTRY_VERIFY_WITH_TIMEOUT(std::count_if(polled.begin(), polled.end(), [](const QList<QVariant> &a) {
                                 return a.value(0).toString() == QLatin1String("Account");
                             }) >= 2,
                             30000);
    QCOMPARE(scalar(QStringLiteral("SELECT xmin::text FROM salesforce.account WHERE id = '%1'").arg(id)), xmin);
}

void TestWriteThrough::writeLogRecordsEveryWrite()
{
    const QString id = scalar(QStringLiteral("SELECT id FROM salesforce.contact ORDER BY id LIMIT 1 OFFSET 20"));
    const QString refusalsSql = QStringLiteral(
        "SELECT count(*) FROM tether.write_log WHERE object_name = 'Account' AND outcome = 'refused' "
        "AND sqlstate = '23502' AND salesforce_error LIKE 'REQUIRED_FIELD_MISSING%' "
        "AND client_address LIKE '127.0.0.1:%' AND database_user = current_user");
    // Entries of earlier tests may still be on their way.
    QTRY_COMPARE_WITH_TIMEOUT(scalar(QStringLiteral("SELECT count(*) FROM tether.write_log WHERE logged_at > now() - interval '1 hour' "
                                                    "AND object_name = 'Account' AND outcome = 'refused'")),
                              scalar(QStringLiteral("SELECT count(*) FROM tether.write_log WHERE object_name = 'Account' AND outcome = 'refused'")), 5000);
    const int refusalsBefore = scalar(refusalsSql).toInt();
    QVERIFY(exec(*m_client, QStringLiteral("UPDATE salesforce.contact SET title = 'Logged' WHERE id = '%1'").arg(id)).ok());
    QVERIFY(!exec(*m_client, QStringLiteral("INSERT INTO salesforce.account (phone) VALUES ('logged refusal')")).ok());
    QTRY_COMPARE_WITH_TIMEOUT(scalar(QStringLiteral("SELECT count(*) FROM tether.write_log WHERE object_name = 'Contact' AND operation = 'update' "
                                                    "AND outcome = 'applied' AND '%1' = ANY(record_ids) AND 'Title' = ANY(changed_fields)").arg(id)),
                              QStringLiteral("1"), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(scalar(refusalsSql).toInt(), refusalsBefore + 1, 10000);
}

void TestWriteThrough::fault503IsRetried()
{
    m_control->addFault({{QStringLiteral("pattern"), QStringLiteral("*/composite/graph")}, {QStringLiteral("kind"), QStringLiteral("http503")},
                         {QStringLiteral("count"), 1}});
    const store::PgResult r = exec(*m_client, QStringLiteral("INSERT INTO salesforce.account (name) VALUES ('After a 503') RETURNING id"));
    QVERIFY2(r.ok(), qPrintable(r.error().toString()));
    QCOMPARE(simCount(QStringLiteral("SELECT COUNT() FROM Account WHERE Name = 'After a 503'")), 1);
    const QString why = mirrorDiffers({QStringLiteral("Account")});
    QVERIFY2(why.isEmpty(), qPrintable(why));
}

void TestWriteThrough::salesforceUnavailableRefuses()
{
    const int fault = m_control->addFault({{QStringLiteral("pattern"), QStringLiteral("*/composite/graph")},
                                           {QStringLiteral("kind"), QStringLiteral("http503")}, {QStringLiteral("count"), -1}});
    QVERIFY(fault > 0);
    const store::PgResult r = exec(*m_client, QStringLiteral("INSERT INTO salesforce.account (name) VALUES ('Unavailable')"));
    QVERIFY(!r.ok());
    QCOMPARE(r.error().sqlState, QStringLiteral("08006"));
    m_control->clearFaults();
    QCOMPARE(simCount(QStringLiteral("SELECT COUNT() FROM Account WHERE Name = 'Unavailable'")), 0);
    // The proxy still serves this client and others.
    QCOMPARE(exec(*m_client, QStringLiteral("SELECT 2")).value(0, 0), QStringLiteral("2"));
    const QString why = mirrorDiffers({QStringLiteral("Account")});
    QVERIFY2(why.isEmpty(), qPrintable(why));
}

void TestWriteThrough::droppedBeforeApplyIsSentAgain()
{
    m_control->addFault({{QStringLiteral("pattern"), QStringLiteral("*/composite/graph")}, {QStringLiteral("kind"), QStringLiteral("drop")},
                         {QStringLiteral("count"), 1}});
    const QString id = scalar(QStringLiteral("SELECT id FROM salesforce.contact ORDER BY id LIMIT 1 OFFSET 30"));
    QVERIFY(exec(*m_client, QStringLiteral("BEGIN")).ok());
    QVERIFY(exec(*m_client, QStringLiteral("INSERT INTO salesforce.account (name) VALUES ('Dropped before')")).ok());
    QVERIFY(exec(*m_client, QStringLiteral("UPDATE salesforce.contact SET title = 'Dropped before' WHERE id = '%1'").arg(id)).ok());
    const store::PgResult r = exec(*m_client, QStringLiteral("COMMIT"));
    QVERIFY2(r.ok(), qPrintable(r.error().toString()));
    QCOMPARE(simCount(QStringLiteral("SELECT COUNT() FROM Account WHERE Name = 'Dropped before'")), 1);
    QCOMPARE(simRecord(QStringLiteral("Contact"), id).value(QLatin1String("Title")).toString(), QStringLiteral("Dropped before"));
    const QString why = mirrorDiffers({QStringLiteral("Account"), QStringLiteral("Contact")});
    QVERIFY2(why.isEmpty(), qPrintable(why));
}

void TestWriteThrough::droppedAfterApplyIsReadBack()
{
    m_control->addFault({{QStringLiteral("pattern"), QStringLiteral("*/composite/graph")}, {QStringLiteral("kind"), QStringLiteral("drop_after")},
                         {QStringLiteral("count"), 1}});
    const store::PgResult r = exec(*m_client, QStringLiteral("INSERT INTO salesforce.account (name, phone) VALUES ('Dropped after', '+44 20 7946 0000') RETURNING id"));
    QVERIFY2(r.ok(), qPrintable(r.error().toString()));
    QCOMPARE(simCount(QStringLiteral("SELECT COUNT() FROM Account WHERE Name = 'Dropped after'")), 1); // no duplicate
    QVERIFY2(r.value(0, 0).startsWith(QLatin1String("001")), qPrintable(r.value(0, 0)));
    const QString why = mirrorDiffers({QStringLiteral("Account")});
    QVERIFY2(why.isEmpty(), qPrintable(why));
}

void TestWriteThrough::sessionExpiryDuringCommit()
{
    m_control->addFault({{QStringLiteral("pattern"), QStringLiteral("*/composite/graph")},
                         {QStringLiteral("kind"), QStringLiteral("invalidate_session")}, {QStringLiteral("count"), 1}});
    const store::PgResult r = exec(*m_client, QStringLiteral("INSERT INTO salesforce.account (name) VALUES ('After expiry')"));
    QVERIFY2(r.ok(), qPrintable(r.error().toString()));
    QCOMPARE(simCount(QStringLiteral("SELECT COUNT() FROM Account WHERE Name = 'After expiry'")), 1);
    const QString why = mirrorDiffers({QStringLiteral("Account")});
    QVERIFY2(why.isEmpty(), qPrintable(why));
}

void TestWriteThrough::quotaExhaustedRefuses()
{
    m_control->addFault({{QStringLiteral("pattern"), QStringLiteral("*/composite/graph")},
                         {QStringLiteral("kind"), QStringLiteral("quota_exhausted")}, {QStringLiteral("count"), 1}});
    const store::PgResult r = exec(*m_client, QStringLiteral("INSERT INTO salesforce.account (name) VALUES ('Over quota')"));
    QVERIFY(!r.ok());
    QCOMPARE(r.error().sqlState, QStringLiteral("53400"));
    QVERIFY(m_control->control("POST", QStringLiteral("/__sim/usage"), QJsonDocument(QJsonObject{{QStringLiteral("used"), 0}})).status < 300);
    QCOMPARE(simCount(QStringLiteral("SELECT COUNT() FROM Account WHERE Name = 'Over quota'")), 0);
    // With quota again, writes go through.
    const store::PgResult again = exec(*m_client, QStringLiteral("INSERT INTO salesforce.account (name) VALUES ('Quota again')"));
    QVERIFY2(again.ok(), qPrintable(again.error().toString()));
    const QString why = mirrorDiffers({QStringLiteral("Account")});
    QVERIFY2(why.isEmpty(), qPrintable(why));
}

void TestWriteThrough::writesGoOnWhileSyncIsPausedForQuota()
{
    // 90% of the daily quota used: the budget pauses background sync (at
    // 80%), writes are served first and never paused.
    QVERIFY(m_control->control("POST", QStringLiteral("/__sim/usage"), QJsonDocument(QJsonObject{{QStringLiteral("used"), 900000}})).status < 300);
    auto reset = qScopeGuard([this] {
        m_control->control("POST", QStringLiteral("/__sim/usage"), QJsonDocument(QJsonObject{{QStringLiteral("used"), 0}}));
    });
    QTRY_VERIFY_WITH_TIMEOUT(m_rig->budget.backgroundPaused(), 20000);
    const store::PgResult r = exec(*m_client, QStringLiteral("INSERT INTO salesforce.account (name) VALUES ('Written while paused') RETURNING id"));
    QVERIFY2(r.ok(), qPrintable(r.error().toString()));
    QVERIFY(m_rig->budget.backgroundPaused());
    QVERIFY2(simRecord(QStringLiteral("Account"), r.value(0, 0)).value(QLatin1String("Name")).toString() == QLatin1String("Written while paused"),
             qPrintable(r.value(0, 0)));
    const QString why = mirrorDiffers({QStringLiteral("Account")});
    QVERIFY2(why.isEmpty(), qPrintable(why));
}

void TestWriteThrough::clientDisconnectMidTransaction()
{
    const qint64 calls = writeCalls();
    {
        auto leaving = client();
        QVERIFY(leaving);
        QVERIFY(exec(*leaving, QStringLiteral("BEGIN")).ok());
        QVERIFY(exec(*leaving, QStringLiteral("INSERT INTO salesforce.account (name) VALUES ('Left mid-transaction')")).ok());
    } // closed without COMMIT
    QCOMPARE(exec(*m_client, QStringLiteral("SELECT 3")).value(0, 0), QStringLiteral("3"));
    QCOMPARE(writeCalls() - calls, qint64(0));
    QCOMPARE(simCount(QStringLiteral("SELECT COUNT() FROM Account WHERE Name = 'Left mid-transaction'")), 0);
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM salesforce.account WHERE name = 'Left mid-transaction'")), QStringLiteral("0"));
}

void TestWriteThrough::clientDisconnectDuringCommitStillCommits()
{
    // Salesforce answers slowly; the client sends COMMIT and hangs up at once.
    m_control->addFault({{QStringLiteral("pattern"), QStringLiteral("*/composite/graph")}, {QStringLiteral("kind"), QStringLiteral("latency")},
                         {QStringLiteral("latencyMs"), 1500}, {QStringLiteral("count"), 1}});
    QFuture<bool> sent = QtConcurrent::run([this] {
        PGconn *conn = PQconnectdb(m_writeRig.proxyInfo.toUtf8().constData());
        if (PQstatus(conn) != CONNECTION_OK) {
            PQfinish(conn);
            return false;
        }
        PQclear(PQexec(conn, "BEGIN"));
        PQclear(PQexec(conn, "INSERT INTO salesforce.account (name) VALUES ('Committed after hang-up')"));
        const bool ok = PQsendQuery(conn, "COMMIT") == 1 && PQflush(conn) == 0;
        PQfinish(conn);
        return ok;
    });
    QVERIFY(QTest::qWaitFor([&] { return sent.isFinished(); }, 30000));
    QVERIFY(sent.result());
    // As PostgreSQL does with a COMMIT it has read: it is carried out.
    QTRY_COMPARE_WITH_TIMEOUT(scalar(QStringLiteral("SELECT count(*) FROM salesforce.account WHERE name = 'Committed after hang-up' AND id LIKE '001%'")),
                              QStringLiteral("1"), 30000);
    QCOMPARE(simCount(QStringLiteral("SELECT COUNT() FROM Account WHERE Name = 'Committed after hang-up'")), 1);
    const QString why = mirrorDiffers({QStringLiteral("Account")});
    QVERIFY2(why.isEmpty(), qPrintable(why));
}

// A PostgreSQL fault on the proxy's side of a commit: the client's backend is
// terminated while Salesforce answers (it has applied the write). The client
// is told that Salesforce applied it and not to retry, the proxy goes on
// serving, and the next poll brings the record, so both systems end equal.
// Each way a commit is reached: an autocommit simple query, an autocommit
// extended-protocol statement (committed at Sync), an explicit COMMIT.
void TestWriteThrough::backendTerminatedWhileSalesforceAnswers_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("offset");
    QTest::newRow("autocommit simple query") << QStringLiteral("simple") << 7;
    QTest::newRow("autocommit extended protocol") << QStringLiteral("extended") << 9;
    QTest::newRow("explicit COMMIT") << QStringLiteral("explicit") << 10;
}

void TestWriteThrough::backendTerminatedWhileSalesforceAnswers()
{
    QFETCH(QString, path);
    QFETCH(int, offset);
    m_control->addFault({{QStringLiteral("pattern"), QStringLiteral("*/composite/graph")}, {QStringLiteral("kind"), QStringLiteral("latency")},
                         {QStringLiteral("latencyMs"), 2000}, {QStringLiteral("count"), 1}});
    const QString id = scalar(QStringLiteral("SELECT id FROM salesforce.account ORDER BY id LIMIT 1 OFFSET %1").arg(offset));
    const QString phone = QStringLiteral("+1 555 01%1").arg(offset, 2, 10, QLatin1Char('0'));
    store::PgConnection victim;
    const store::PgError opened = victim.open(m_writeRig.proxyInfo + QStringLiteral(" application_name=terminated_mid_commit"));
    QVERIFY2(!opened, qPrintable(opened.toString()));
    const QString update = QStringLiteral("UPDATE salesforce.account SET phone = '%1' WHERE id = '%2'").arg(phone, id);
    QFuture<store::PgResult> commit;
    if (path == QLatin1String("explicit")) {
        QVERIFY(exec(victim, QStringLiteral("BEGIN")).ok());
        QVERIFY(exec(victim, update).ok());
        commit = QtConcurrent::run([&victim] { return victim.exec(QStringLiteral("COMMIT")); });
    } else if (path == QLatin1String("extended")) {
        commit = QtConcurrent::run([&victim, phone, id] {
            return victim.exec(QStringLiteral("UPDATE salesforce.account SET phone = $1 WHERE id = $2"), {phone, id});
        });
    } else {
        commit = QtConcurrent::run([&victim, update] { return victim.exec(update); });
    }
    // tether-sim applies the graph at once and holds its answer for 2 s.
    QTRY_COMPARE_WITH_TIMEOUT(simRecord(QStringLiteral("Account"), id).value(QLatin1String("Phone")).toString(), phone, 10000);
    QCOMPARE(scalar(QStringLiteral("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                   "WHERE application_name = 'terminated_mid_commit'")),
             QStringLiteral("1"));
    QVERIFY(QTest::qWaitFor([&] { return commit.isFinished(); }, 30000));
    const store::PgResult r = commit.result();
    QVERIFY(!r.ok());
    const store::PgError error = r.error();
    QVERIFY2(error.message.contains(QLatin1String("Salesforce applied this transaction")) &&
                 error.message.contains(QLatin1String("terminating connection due to administrator command")) &&
                 error.hint.contains(QLatin1String("Do not retry")),
             qPrintable(error.toString() + QStringLiteral(" / hint: ") + error.hint));

    QCOMPARE(simRecord(QStringLiteral("Account"), id).value(QLatin1String("Phone")).toString(), phone);
    QCOMPARE(exec(*m_client, QStringLiteral("SELECT 4")).value(0, 0), QStringLiteral("4"));
    QTRY_VERIFY_WITH_TIMEOUT(mirrorDiffers({QStringLiteral("Account")}).isEmpty(), 30000);
    QCOMPARE(scalar(QStringLiteral("SELECT phone FROM salesforce.account WHERE id = '%1'").arg(id)), phone);
}

// A deferred constraint of the client's own fails at COMMIT, after the proxy
// sent the write to Salesforce (decision 0019, "Limits"): the client gets that
// error as PostgreSQL gave it, and the next poll brings Salesforce's record
// into the mirror.
void TestWriteThrough::deferredCheckFailingAfterSalesforceApplied()
{
    QVERIFY(m_mirror.exec(QStringLiteral(
        "CREATE FUNCTION public.refuse_late() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF current_setting('application_name') = 'refused_late' THEN "
        "RAISE EXCEPTION 'refused at commit by a deferred check' USING ERRCODE = '23514'; END IF; "
        "RETURN NULL; END $$; "
        "CREATE CONSTRAINT TRIGGER refuse_late AFTER UPDATE ON salesforce.account "
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public.refuse_late()")).ok());
    auto dropCheck = qScopeGuard([this] {
        m_mirror.exec(QStringLiteral("DROP TRIGGER refuse_late ON salesforce.account; DROP FUNCTION public.refuse_late()"));
    });
    const QString id = scalar(QStringLiteral("SELECT id FROM salesforce.account ORDER BY id LIMIT 1 OFFSET 8"));
    store::PgConnection late;
    const store::PgError opened = late.open(m_writeRig.proxyInfo + QStringLiteral(" application_name=refused_late"));
    QVERIFY2(!opened, qPrintable(opened.toString()));
    QVERIFY(exec(late, QStringLiteral("BEGIN")).ok());
    QVERIFY(exec(late, QStringLiteral("UPDATE salesforce.account SET phone = '+1 555 0108' WHERE id = '%1'").arg(id)).ok());
    const store::PgResult r = exec(late, QStringLiteral("COMMIT"));
    QVERIFY(!r.ok());
    QCOMPARE(r.error().sqlState, QStringLiteral("23514"));
    QCOMPARE(r.error().message, QStringLiteral("refused at commit by a deferred check"));

    QCOMPARE(simRecord(QStringLiteral("Account"), id).value(QLatin1String("Phone")).toString(), QStringLiteral("+1 555 0108"));
    QCOMPARE(exec(late, QStringLiteral("SELECT 5")).value(0, 0), QStringLiteral("5"));
    QTRY_VERIFY_WITH_TIMEOUT(mirrorDiffers({QStringLiteral("Account")}).isEmpty(), 30000);
    QCOMPARE(scalar(QStringLiteral("SELECT phone FROM salesforce.account WHERE id = '%1'").arg(id)), QStringLiteral("+1 555 0108"));
}

// The backend is terminated while it runs a statement of the client's that
// follows a COMMIT in the same query string ("BEGIN; UPDATE; COMMIT; SELECT
// pg_sleep(30)"; the proxy runs such a query statement by statement). That
// request is with the server, so the client gets the server's error at once
// and the session closes, rather than waiting for an answer that cannot
// come. The commit before it stands in both systems.
void TestWriteThrough::backendTerminatedAfterACommitInTheSameQuery()
{
    const QString id = scalar(QStringLiteral("SELECT id FROM salesforce.account ORDER BY id LIMIT 1 OFFSET 30"));
    store::PgConnection slow;
    const store::PgError opened = slow.open(m_writeRig.proxyInfo + QStringLiteral(" application_name=slow_after_commit"));
    QVERIFY2(!opened, qPrintable(opened.toString()));
    const QString script = QStringLiteral("BEGIN; UPDATE salesforce.account SET phone = '+1 555 0330' WHERE id = '%1'; "
                                          "COMMIT; SELECT pg_sleep(30)").arg(id);
    QFuture<store::PgResult> query = QtConcurrent::run([&slow, script] { return slow.exec(script); });
    QTRY_COMPARE_WITH_TIMEOUT(scalar(QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE application_name = "
                                                    "'slow_after_commit' AND wait_event = 'PgSleep'")),
                              QStringLiteral("1"), 20000);
    QCOMPARE(scalar(QStringLiteral("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                   "WHERE application_name = 'slow_after_commit'")),
             QStringLiteral("1"));
    QVERIFY(QTest::qWaitFor([&] { return query.isFinished(); }, 20000));
    const store::PgResult r = query.result();
    QVERIFY(!r.ok());
    QVERIFY2(r.error().message.contains(QLatin1String("terminating connection")), qPrintable(r.error().toString()));
    QTRY_COMPARE(m_writeRig.proxy->counts().open, 1); // m_client's; the dead session closed
    QCOMPARE(simRecord(QStringLiteral("Account"), id).value(QLatin1String("Phone")).toString(), QStringLiteral("+1 555 0330"));
    QCOMPARE(scalar(QStringLiteral("SELECT phone FROM salesforce.account WHERE id = '%1'").arg(id)), QStringLiteral("+1 555 0330"));
    const QString why = mirrorDiffers({QStringLiteral("Account")});
    QVERIFY2(why.isEmpty(), qPrintable(why));
}

// A client's own timeouts, tighter than a Salesforce call or a write-back,
// must not fail a commit halfway (Salesforce applied, PostgreSQL rolled
// back): idle_in_transaction_session_timeout while the backend waits for
// Salesforce's answer, statement_timeout while a slow write-back runs (here a
// trigger of the client's own that sleeps during it).
void TestWriteThrough::clientTimeoutsDoNotCutACommitShort_data()
{
    QTest::addColumn<QString>("setting");
    QTest::addColumn<bool>("explicitTransaction");
    QTest::newRow("idle in transaction, explicit COMMIT") << QStringLiteral("idle_in_transaction_session_timeout") << true;
    QTest::newRow("idle in transaction, autocommit") << QStringLiteral("idle_in_transaction_session_timeout") << false;
    QTest::newRow("statement timeout, explicit COMMIT") << QStringLiteral("statement_timeout") << true;
    QTest::newRow("statement timeout, autocommit") << QStringLiteral("statement_timeout") << false;
}

void TestWriteThrough::clientTimeoutsDoNotCutACommitShort()
{
    QFETCH(QString, setting);
    QFETCH(bool, explicitTransaction);
    if (setting == QLatin1String("idle_in_transaction_session_timeout")) {
        m_control->addFault({{QStringLiteral("pattern"), QStringLiteral("*/composite/graph")},
                             {QStringLiteral("kind"), QStringLiteral("latency")}, {QStringLiteral("latencyMs"), 1500},
                             {QStringLiteral("count"), 1}});
    } else {
        QVERIFY(m_mirror.exec(QStringLiteral(
            "CREATE FUNCTION public.slow_write_back() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "IF current_setting('application_name') = 'tight_timeouts' AND current_setting('tether.writer', true) = 'proxy' "
            "THEN PERFORM pg_sleep(0.6); END IF; RETURN NULL; END $$; "
            "CREATE TRIGGER slow_write_back AFTER UPDATE ON salesforce.account "
            "FOR EACH ROW EXECUTE FUNCTION public.slow_write_back()")).ok());
    }
    auto dropTrigger = qScopeGuard([this] {
        m_mirror.exec(QStringLiteral("DROP TRIGGER IF EXISTS slow_write_back ON salesforce.account; "
                                     "DROP FUNCTION IF EXISTS public.slow_write_back()"));
    });
    const int offset = 11 + QTest::currentDataTag()[0] % 7 + (explicitTransaction ? 0 : 7);
    const QString id = scalar(QStringLiteral("SELECT id FROM salesforce.account ORDER BY id LIMIT 1 OFFSET %1").arg(offset));
    const QString phone = QStringLiteral("+1 555 02%1").arg(offset, 2, 10, QLatin1Char('0'));
    store::PgConnection tight;
    const store::PgError opened = tight.open(m_writeRig.proxyInfo + QStringLiteral(" application_name=tight_timeouts"));
    QVERIFY2(!opened, qPrintable(opened.toString()));
    QVERIFY(exec(tight, QStringLiteral("SET %1 = '300ms'").arg(setting)).ok());
    const QString update = QStringLiteral("UPDATE salesforce.account SET phone = '%1' WHERE id = '%2'").arg(phone, id);
    store::PgResult r;
    if (explicitTransaction) {
        QVERIFY(exec(tight, QStringLiteral("BEGIN")).ok());
        QVERIFY(exec(tight, update).ok());
        r = exec(tight, QStringLiteral("COMMIT"));
    } else {
        r = exec(tight, update);
    }
    QVERIFY2(r.ok(), qPrintable(r.error().toString()));
    QCOMPARE(simRecord(QStringLiteral("Account"), id).value(QLatin1String("Phone")).toString(), phone);
    QCOMPARE(scalar(QStringLiteral("SELECT phone FROM salesforce.account WHERE id = '%1'").arg(id)), phone);
    // The client's settings are its own again after the commit.
    QCOMPARE(exec(tight, QStringLiteral("SHOW %1").arg(setting)).value(0, 0), QStringLiteral("300ms"));
    const QString why = mirrorDiffers({QStringLiteral("Account")});
    QVERIFY2(why.isEmpty(), qPrintable(why));
}

QTEST_GUILESS_MAIN(TestWriteThrough)
#include "tst_writethrough.moc"
