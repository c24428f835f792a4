// Randomized: several clients write through the proxy at once — inserts,
// updates, deletes, transactions that commit or roll back, writes Salesforce
// refuses — while the sync engine polls and tether-sim changes records on
// its own. At the end PostgreSQL equals Salesforce exactly, and every insert
// a client saw succeed exists once in Salesforce. The seed is printed (and
// taken from TETHER_RANDOM_SEED when set) so a failure can be replayed.
#include "writerig.h"

#include <QJsonObject>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>
#include <atomic>
#include <thread>

using namespace tether;

class TestRandomWrites : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void concurrentClientsLeaveBothSystemsEqual();

private:
    test::WriteRig m_rig;
};

namespace {

struct ClientReport
{
    QStringList insertedNames; // inserts the client saw commit
    QMap<QString, int> outcomes; // SQLSTATE (or "ok") -> count
    QString unexpected;          // an error no client should get
};

// What a client may meet besides success: Salesforce's refusals the
// operations provoke on purpose, lost updates (the simulator changes records
// too), and PostgreSQL's own deadlock detection between clients.
const QStringList Expected{QStringLiteral("23502"), QStringLiteral("23514"), QStringLiteral("40001"), QStringLiteral("40P01")};

void runClient(const QString &proxyInfo, int client, quint64 seed, int operations, ClientReport *report)
{
    QRandomGenerator random(seed + quint64(client));
    store::PgConnection db;
    if (const store::PgError e = db.open(proxyInfo)) {
        report->unexpected = e.toString();
        return;
    }
    int counter = 0;
    auto pick = [&](const char *table) {
        return db.exec(QStringLiteral("SELECT id FROM salesforce.%1 ORDER BY random() LIMIT 1").arg(QLatin1String(table))).value(0, 0);
    };
    auto note = [&](const store::PgResult &r, const QString &insertedName = {}) {
        if (r.ok()) {
            report->outcomes[QStringLiteral("ok")]++;
            if (!insertedName.isEmpty())
                report->insertedNames << insertedName;
            return true;
        }
        report->outcomes[r.error().sqlState]++;
        if (!Expected.contains(r.error().sqlState) && report->unexpected.isEmpty())
            report->unexpected = r.error().toString();
        return false;
    };
    for (int i = 0; i < operations && report->unexpected.isEmpty(); ++i) {
        const QString name = QStringLiteral("Rnd c%1 n%2").arg(client).arg(++counter);
        switch (random.bounded(9)) {
        case 0: // autocommit insert with parameters (extended protocol)
            note(db.exec(QStringLiteral("INSERT INTO salesforce.account (name, numberofemployees) VALUES ($1, $2) RETURNING id"),
                         {name, random.bounded(1000)}),
                 name);
            break;
        case 1: // refused: Name is required
            note(db.exec(QStringLiteral("INSERT INTO salesforce.account (phone) VALUES ('%1')").arg(name)));
            break;
        case 2: // autocommit update (simple protocol)
            note(db.exec(QStringLiteral("UPDATE salesforce.contact SET title = '%1' WHERE id = '%2'").arg(name, pick("contact"))));
            break;
        case 3: // refused by a validation rule
            note(db.exec(QStringLiteral("UPDATE salesforce.opportunity SET amount = -1 WHERE id = '%1'").arg(pick("opportunity"))));
            break;
        case 4: { // delete a contact this test made
            const QString id = db.exec(QStringLiteral("SELECT id FROM salesforce.contact WHERE lastname LIKE 'Rnd c%1 %' "
                                                      "ORDER BY random() LIMIT 1").arg(client)).value(0, 0);
            if (!id.isEmpty())
                note(db.exec(QStringLiteral("DELETE FROM salesforce.contact WHERE id = '%1'").arg(id)));
            break;
        }
        default: { // a transaction of 1-4 writes, mostly committed, sometimes rolled back
            const bool commit = random.bounded(5) != 0;
            QStringList names;
            bool ok = db.exec(QStringLiteral("BEGIN")).ok();
            const int writes = 1 + random.bounded(4);
            QString parent;
            for (int w = 0; w < writes && ok; ++w) {
                const QString n = QStringLiteral("%1 w%2").arg(name).arg(w);
                store::PgResult r;
                if (w == 0) {
                    r = db.exec(QStringLiteral("INSERT INTO salesforce.account (name) VALUES ('%1') RETURNING id").arg(n));
                    parent = r.value(0, 0);
                    names << n;
                } else if (w % 2 == 1) {
                    r = db.exec(QStringLiteral("INSERT INTO salesforce.contact (lastname, accountid) VALUES ('%1', '%2')").arg(n, parent));
                } else {
                    r = db.exec(QStringLiteral("UPDATE salesforce.account SET description = '%1' WHERE id = '%2'").arg(n, pick("account")));
                }
                ok = note(r);
            }
            if (!ok) {
                db.exec(QStringLiteral("ROLLBACK"));
                break;
            }
            const store::PgResult end = db.exec(commit ? QStringLiteral("COMMIT") : QStringLiteral("ROLLBACK"));
            if (commit && note(end))
                report->insertedNames += names;
            break;
        }
        }
    }
}

} // namespace

void TestRandomWrites::initTestCase()
{
    QString why;
    QVERIFY2(m_rig.start(QStringLiteral("random_writes"), QStringLiteral("Account=150,Contact=150,Opportunity=60"),
                         {QStringLiteral("Account"), QStringLiteral("Contact"), QStringLiteral("Opportunity")}, &why),
             qPrintable(why));
}

void TestRandomWrites::cleanupTestCase()
{
    m_rig.stop();
}

void TestRandomWrites::concurrentClientsLeaveBothSystemsEqual()
{
    const quint64 seed = qEnvironmentVariableIsSet("TETHER_RANDOM_SEED") ? qEnvironmentVariable("TETHER_RANDOM_SEED").toULongLong()
                                                                         : QRandomGenerator::global()->generate64() % 1000000;
    qInfo() << "seed" << seed << "(set TETHER_RANDOM_SEED to replay)";
    constexpr int Clients = 4;
    constexpr int Operations = 75;
    std::vector<ClientReport> reports(Clients);
    std::atomic<int> running = Clients;
    std::vector<std::thread> threads;
    for (int c = 0; c < Clients; ++c) {
        threads.emplace_back([&, c] {
            runClient(m_rig.proxyInfo, c, seed, Operations, &reports[size_t(c)]);
            --running;
        });
    }
    // Meanwhile Salesforce changes records of its own accord (another user).
    QTimer churn;
    connect(&churn, &QTimer::timeout, this, [this] {
        m_rig.control->control("POST", QStringLiteral("/__sim/churn"), QJsonDocument(QJsonObject{{QStringLiteral("count"), 3}}));
    });
    churn.start(250);
    const bool finished = QTest::qWaitFor([&] { return running == 0; }, 400000);
    churn.stop();
    // Clients still running write into `reports` on this stack: returning
    // now would leave them writing into freed memory, so the test ends here.
    if (!finished)
        qFatal("the clients did not finish within 400 s");
    for (std::thread &t : threads)
        t.join();

    QMap<QString, int> outcomes;
    QStringList inserted;
    for (const ClientReport &r : reports) {
        QVERIFY2(r.unexpected.isEmpty(), qPrintable(r.unexpected));
        for (auto it = r.outcomes.begin(); it != r.outcomes.end(); ++it)
            outcomes[it.key()] += it.value();
        inserted += r.insertedNames;
    }
    qInfo() << "outcomes" << outcomes;
    QVERIFY(outcomes.value(QStringLiteral("ok")) > 100);
    QVERIFY(outcomes.value(QStringLiteral("23502")) > 0);

    // Everything a client saw commit is in Salesforce exactly once; nothing else is.
    const test::SimControl::Reply accounts = m_rig.control->request(
        "GET", m_rig.control->dataPath() + QStringLiteral("/query?q=") +
                   QString::fromLatin1(QUrl::toPercentEncoding(QStringLiteral("SELECT Name FROM Account WHERE Name LIKE 'Rnd %'"))));
    QStringList inSalesforce;
    for (const QJsonValue &record : accounts.json().object().value(QLatin1String("records")).toArray())
        inSalesforce << record.toObject().value(QLatin1String("Name")).toString();
    inSalesforce.sort();
    inserted.sort();
    QCOMPARE(inSalesforce, inserted);

    // After the engine's next polls PostgreSQL equals Salesforce exactly.
    QSignalSpy polled(&m_rig.engine->engine, &sync::SyncEngine::pollApplied);
    QString why;
    QElapsedTimer clock;
    clock.start();
    while (!(why = m_rig.mirrorDiffers({QStringLiteral("Account"), QStringLiteral("Contact"), QStringLiteral("Opportunity")})).isEmpty()
           && clock.elapsed() < 60000)
        polled.wait(2000);
    QVERIFY2(why.isEmpty(), qPrintable(why));
    QCOMPARE(m_rig.mirror.exec(QStringLiteral("SELECT count(*) FROM tether.capture")).value(0, 0), QStringLiteral("0"));
}

QTEST_GUILESS_MAIN(TestRandomWrites)
#include "tst_randomwrites.moc"
