// Unmodified client libraries writing through the proxy: psql, psycopg2,
// node-postgres and pgJDBC each run the same scenario (tests/proxy/drivers/
// writes/, node/writes_node.mjs) — autocommit INSERT … RETURNING, UPDATE, a
// parent + child transaction, ROLLBACK, a write Salesforce refuses, a
// prepared statement with parameters, DELETE — against tether-sim and the
// sync engine. What each program printed is checked against the simulator's
// own REST answers, and the mirror must equal the simulator record for record.
#include "writerig.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTest>
#include <QtConcurrent>

using namespace tether;

class TestDriverWrites : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void run_data();
    void run();

private:
    // The program's "key: value" lines; empty (and `why`) when it failed.
    QHash<QString, QString> runScript(const QStringList &command, const QString &tag, QString *why);
    QJsonObject simRecord(const QString &object, const QString &id, int *status = nullptr);
    QJsonArray simQueryAll(const QString &soql);

    test::WriteRig m_rig;
    QString m_drivers;
};

void TestDriverWrites::initTestCase()
{
    m_drivers = qEnvironmentVariable("TETHER_SOURCE_DIR") + QStringLiteral("/tests/proxy/drivers");
    QString why;
    QVERIFY2(m_rig.start(QStringLiteral("driver_writes"), QStringLiteral("Account=40,Contact=40"),
                         {QStringLiteral("Account"), QStringLiteral("Contact")}, &why),
             qPrintable(why));
}

void TestDriverWrites::cleanupTestCase()
{
    m_rig.stop();
}

QHash<QString, QString> TestDriverWrites::runScript(const QStringList &command, const QString &tag, QString *why)
{
    QHash<QString, QString> lines;
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    // The proxy's address, from the connection string the rig built with libpq's parser.
    for (const QString &part : m_rig.proxyInfo.split(u' ', Qt::SkipEmptyParts)) {
        const QString key = part.section(u'=', 0, 0);
        const QString value = part.section(u'=', 1);
        static const QHash<QString, QString> names{{QStringLiteral("host"), QStringLiteral("PGHOST")},
                                                   {QStringLiteral("port"), QStringLiteral("PGPORT")},
                                                   {QStringLiteral("user"), QStringLiteral("PGUSER")},
                                                   {QStringLiteral("dbname"), QStringLiteral("PGDATABASE")}};
        if (names.contains(key))
            env.insert(names.value(key), value);
    }
    env.insert(QStringLiteral("PGSSLMODE"), QStringLiteral("disable"));
    env.insert(QStringLiteral("TETHER_TAG"), tag);
    env.insert(QStringLiteral("PYTHONIOENCODING"), QStringLiteral("utf-8"));
    process.setProcessEnvironment(env);
    process.setWorkingDirectory(m_drivers);
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(command.first(), command.mid(1));
    // The sync engine and the org session live in this thread: keep it turning.
    if (!QTest::qWaitFor([&] { return process.state() == QProcess::NotRunning; }, 180000)) {
        *why = QStringLiteral("%1 did not finish").arg(command.join(u' '));
        process.kill();
        process.waitForFinished();
        return {};
    }
    const QString output = QString::fromUtf8(process.readAll());
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        *why = QStringLiteral("%1 exited with %2:\n%3").arg(command.join(u' ')).arg(process.exitCode()).arg(output);
        return {};
    }
    for (const QString &line : output.split(u'\n')) {
        const qsizetype colon = line.indexOf(QLatin1String(": "));
        if (colon > 0)
            lines.insert(line.left(colon), line.mid(colon + 2).trimmed());
        else if (line.trimmed() == QLatin1String("done"))
            lines.insert(QStringLiteral("done"), QStringLiteral("yes"));
    }
    if (!lines.contains(QStringLiteral("done")))
        *why = QStringLiteral("%1 did not get to the end:\n%2").arg(command.join(u' '), output);
    return lines;
}

QJsonObject TestDriverWrites::simRecord(const QString &object, const QString &id, int *status)
{
    const test::SimControl::Reply r = m_rig.control->request("GET", m_rig.control->dataPath() + QStringLiteral("/sobjects/%1/%2").arg(object, id));
    if (status)
        *status = r.status;
    return r.json().object();
}

QJsonArray TestDriverWrites::simQueryAll(const QString &soql)
{
    const test::SimControl::Reply r = m_rig.control->request(
        "GET", m_rig.control->dataPath() + QStringLiteral("/queryAll?q=") + QString::fromLatin1(QUrl::toPercentEncoding(soql)));
    return r.json().object().value(QLatin1String("records")).toArray();
}

void TestDriverWrites::run_data()
{
    QTest::addColumn<QStringList>("command");
    QTest::addColumn<QString>("needs");
    QTest::newRow("psql") << QStringList{QStringLiteral("psql"), QStringLiteral("-X"), QStringLiteral("-q"),
                                         QStringLiteral("-f"), QStringLiteral("writes/writes.sql")}
                          << QString();
    QTest::newRow("psycopg2") << QStringList{QStringLiteral("/usr/bin/python3"), QStringLiteral("writes/writes_psycopg2.py")}
                              << QString();
    QTest::newRow("node-postgres") << QStringList{QStringLiteral("node"), QStringLiteral("node/writes_node.mjs")}
                                   << QStringLiteral("node/node_modules/pg/package.json");
    QTest::newRow("pgjdbc") << QStringList{QStringLiteral("java"), QStringLiteral("-cp"), QStringLiteral("/usr/share/java/postgresql.jar"),
                                           QStringLiteral("writes/WritesJdbc.java")}
                            << QStringLiteral("/usr/share/java/postgresql.jar");
}

void TestDriverWrites::run()
{
    QFETCH(QStringList, command);
    QFETCH(QString, needs);
    QVERIFY2(!QStandardPaths::findExecutable(command.first()).isEmpty(),
             qPrintable(QStringLiteral("%1 is not installed; run bash scripts/setup").arg(command.first())));
    if (!needs.isEmpty())
        QVERIFY2(QFile::exists(QDir(m_drivers).absoluteFilePath(needs)),
                 qPrintable(QStringLiteral("%1 is missing; run bash scripts/setup").arg(needs)));
    const QString tag = QString::fromLatin1(QTest::currentDataTag());
    QString why;
    const QHash<QString, QString> out = runScript(command, tag, &why);
    QVERIFY2(why.isEmpty(), qPrintable(why));

    // Autocommit INSERT … RETURNING: the real Id and CreatedDate, then an
    // UPDATE and a DELETE of that record (queryAll still shows it, deleted).
    const QString inserted = out.value(QStringLiteral("insert"));
    QVERIFY2(inserted.size() == 18 && inserted.startsWith(QLatin1String("001")), qPrintable(inserted));
    const QJsonArray gone = simQueryAll(QStringLiteral("SELECT Id, Name, Phone, CreatedDate, IsDeleted FROM Account WHERE Id = '%1'").arg(inserted));
    QCOMPARE(gone.size(), 1);
    const QJsonObject record = gone.first().toObject();
    QCOMPARE(record.value(QLatin1String("Name")).toString(), QStringLiteral("Drv %1 A").arg(tag));
    QCOMPARE(record.value(QLatin1String("Phone")).toString(), QStringLiteral("+1 555 0101"));
    QVERIFY(record.value(QLatin1String("IsDeleted")).toBool());
    // Each client prints timestamps its own way; compared to the millisecond.
    QString created = out.value(QStringLiteral("created"));
    created.replace(u' ', u'T');
    created.replace(QRegularExpression(QStringLiteral("(\\.\\d{3})\\d*")), QStringLiteral("\\1"));
    created.replace(QRegularExpression(QStringLiteral("\\+00(:00)?$")), QStringLiteral("Z"));
    QCOMPARE(QDateTime::fromString(created, Qt::ISODateWithMs).toUTC(),
             QDateTime::fromString(record.value(QLatin1String("CreatedDate")).toString(), Qt::ISODateWithMs).toUTC());
    QCOMPARE(out.value(QStringLiteral("update")), QStringLiteral("1"));
    QCOMPARE(out.value(QStringLiteral("delete")), QStringLiteral("1"));
    int status = 0;
    simRecord(QStringLiteral("Account"), inserted, &status);
    QCOMPARE(status, 404);

    // Parent and child in one transaction: a provisional id inside it, real
    // Ids after COMMIT, the child pointing at its parent in Salesforce.
    QVERIFY2(out.value(QStringLiteral("provisional")).startsWith(QLatin1String("_new_")), qPrintable(out.value(QStringLiteral("provisional"))));
    const QString parent = out.value(QStringLiteral("parent"));
    const QString child = out.value(QStringLiteral("child"));
    QVERIFY2(parent.startsWith(QLatin1String("001")), qPrintable(parent));
    QVERIFY2(child.startsWith(QLatin1String("003")), qPrintable(child));
    QCOMPARE(out.value(QStringLiteral("child account")), parent);
    const QJsonObject childRecord = simRecord(QStringLiteral("Contact"), child);
    QCOMPARE(childRecord.value(QLatin1String("AccountId")).toString(), parent);
    QCOMPARE(simRecord(QStringLiteral("Account"), parent).value(QLatin1String("Name")).toString(), QStringLiteral("Drv %1 Parent").arg(tag));

    // ROLLBACK left Salesforce alone; the refused write got its SQLSTATE.
    QCOMPARE(simQueryAll(QStringLiteral("SELECT Id FROM Account WHERE Name = 'Drv %1 Rolled back'").arg(tag)).size(), 0);
    QCOMPARE(out.value(QStringLiteral("refused")), QStringLiteral("23502"));

    // The prepared statement ran twice; the second value is in Salesforce.
    QCOMPARE(out.value(QStringLiteral("prepared")), QStringLiteral("1"));
    QCOMPARE(childRecord.value(QLatin1String("Title")).toString(), QStringLiteral("Prepared 2"));

    if (tag == QLatin1String("pgjdbc")) {
        // Keys of a statement pgJDBC no longer describes are real Ids, too.
        QCOMPARE(out.value(QStringLiteral("generated keys")), QStringLiteral("8/8"));
        QCOMPARE(simRecord(QStringLiteral("Contact"), out.value(QStringLiteral("last key"))).value(QLatin1String("LastName")).toString(),
                 QStringLiteral("Drv pgjdbc Key 7"));
    }

    const QString differs = m_rig.mirrorDiffers({QStringLiteral("Account"), QStringLiteral("Contact")});
    QVERIFY2(differs.isEmpty(), qPrintable(differs));
}

QTEST_GUILESS_MAIN(TestDriverWrites)
#include "tst_driverwrites.moc"
