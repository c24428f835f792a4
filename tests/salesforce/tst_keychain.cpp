// TokenStore against a real Secret Service. CTest runs this binary twice:
//  - salesforce.keychain: inside with-keyring.sh (a private D-Bus session with an
//    unlocked gnome-keyring-daemon) running storeLoadDelete;
//  - salesforce.keychain.nobackend: with no session bus at all, running
//    noBackendSaysSo.
#include "salesforce/tokenstore.h"

#include <QSignalSpy>
#include <QTest>

using namespace tether::salesforce;

class TestKeychain : public QObject
{
    Q_OBJECT

private slots:
    void storeLoadDelete();
    void noBackendSaysSo();

private:
    struct Outcome
    {
        bool done = false;
        QString token;
        SalesforceError error;
    };
};

void TestKeychain::storeLoadDelete()
{
    QVERIFY2(!qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"),
             "run through tests/salesforce/with-keyring.sh (needs a session bus with a Secret Service)");
    TokenStore store(QStringLiteral("Tether test"));
    const QString key = TokenStore::keyFor(QUrl(QStringLiteral("https://login.salesforce.com")),
                                           QStringLiteral("00D000000000001AAA"), QStringLiteral("005000000000001AAA"));
    const QString secret = QStringLiteral("5Aep861.keychain.test.token!%1").arg(QCoreApplication::applicationPid());

    Outcome stored;
    store.store(key, secret, [&](const SalesforceError &e) { stored.error = e; stored.done = true; });
    QTRY_VERIFY_WITH_TIMEOUT(stored.done, 20000);
    QVERIFY2(!stored.error, qPrintable(stored.error.toString()));

    Outcome loaded;
    store.load(key, [&](const QString &t, const SalesforceError &e) { loaded.token = t; loaded.error = e; loaded.done = true; });
    QTRY_VERIFY_WITH_TIMEOUT(loaded.done, 20000);
    QVERIFY2(!loaded.error, qPrintable(loaded.error.toString()));
    QCOMPARE(loaded.token, secret);

    // A different user of the same org is a different entry.
    Outcome other;
    store.load(TokenStore::keyFor(QUrl(QStringLiteral("https://login.salesforce.com")), QStringLiteral("00D000000000001AAA"),
                                  QStringLiteral("005000000000002AAA")),
               [&](const QString &t, const SalesforceError &e) { other.token = t; other.error = e; other.done = true; });
    QTRY_VERIFY_WITH_TIMEOUT(other.done, 20000);
    QCOMPARE(other.error.errorCode, QStringLiteral("EntryNotFound"));

    Outcome removed;
    store.remove(key, [&](const SalesforceError &e) { removed.error = e; removed.done = true; });
    QTRY_VERIFY_WITH_TIMEOUT(removed.done, 20000);
    QVERIFY2(!removed.error, qPrintable(removed.error.toString()));

    Outcome gone;
    store.load(key, [&](const QString &t, const SalesforceError &e) { gone.token = t; gone.error = e; gone.done = true; });
    QTRY_VERIFY_WITH_TIMEOUT(gone.done, 20000);
    QCOMPARE(gone.error.kind, SalesforceError::Kind::Keychain);
    QCOMPARE(gone.error.errorCode, QStringLiteral("EntryNotFound"));
    QVERIFY(gone.token.isEmpty());
}

void TestKeychain::noBackendSaysSo()
{
    QVERIFY2(qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"), "must run without a session bus");
    TokenStore store(QStringLiteral("Tether test"));
    Outcome stored;
    store.store(QStringLiteral("k"), QStringLiteral("secret-never-on-disk"),
                [&](const SalesforceError &e) { stored.error = e; stored.done = true; });
    QTRY_VERIFY_WITH_TIMEOUT(stored.done, 30000);
    QCOMPARE(stored.error.kind, SalesforceError::Kind::Keychain);
    QCOMPARE(stored.error.errorCode, QStringLiteral("NoBackendAvailable"));
    const QString sentence = stored.error.toString();
    QVERIFY2(sentence.contains(QStringLiteral("No system keychain")), qPrintable(sentence));
    QVERIFY2(sentence.contains(QStringLiteral("TETHER_SF_REFRESH_TOKEN")), qPrintable(sentence));
    QVERIFY2(sentence.contains(QStringLiteral("0600")), qPrintable(sentence));
    QVERIFY(!sentence.contains(QStringLiteral("secret-never-on-disk")));
}

QTEST_GUILESS_MAIN(TestKeychain)
#include "tst_keychain.moc"
