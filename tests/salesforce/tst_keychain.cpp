// TokenStore against a real Secret Service. CTest runs this binary twice:
//  - salesforce.keychain: inside with-keyring.sh (a private D-Bus session with an
//    unlocked gnome-keyring-daemon) running storeLoadDelete and
//    loginSurvivesRestart (the latter against tether-sim);
//  - salesforce.keychain.nobackend: with no session bus at all, running
//    noBackendSaysSo.
#include "salesforce/oauthlogin.h"
#include "salesforce/orgsession.h"
#include "salesforce/queryapi.h"
#include "salesforce/restclient.h"
#include "salesforce/tokenendpoint.h"
#include "salesforce/tokenstore.h"
#include "simprocess.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTest>
#include <QUrlQuery>

using namespace tether::salesforce;

class TestKeychain : public QObject
{
    Q_OBJECT

private slots:
    void storeLoadDelete();
    void loginSurvivesRestart();
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

void TestKeychain::loginSurvivesRestart()
{
    QVERIFY2(!qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"), "run through tests/salesforce/with-keyring.sh");
    tether::test::SimProcess sim({QStringLiteral("--auto-approve"), QStringLiteral("--generate"), QStringLiteral("Account=5")});
    QString why;
    QVERIFY2(sim.start(&why), qPrintable(why));
    const OrgConnection conn = OrgConnection::simulatorDemo(sim.baseUrl());

    // A code flow done by hand (no listener needed: the redirect is only read).
    // The sim's second registered callback keeps port 1717 free for the session suite.
    const QString redirect = QStringLiteral("http://localhost:8765/callback");
    const QByteArray verifier = Pkce::makeVerifier();
    QUrl authorize = sim.baseUrl();
    authorize.setPath(QStringLiteral("/services/oauth2/authorize"));
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("response_type"), QStringLiteral("code"));
    q.addQueryItem(QStringLiteral("client_id"), conn.clientId);
    q.addQueryItem(QStringLiteral("redirect_uri"), redirect);
    q.addQueryItem(QStringLiteral("code_challenge"), QString::fromLatin1(Pkce::challengeFor(verifier)));
    q.addQueryItem(QStringLiteral("code_challenge_method"), QStringLiteral("S256"));
    authorize.setQuery(q);
    QNetworkAccessManager nam;
    QNetworkRequest request(authorize);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    std::unique_ptr<QNetworkReply> reply(nam.get(request));
    QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 20000);
    const QString code = QUrlQuery(QUrl(QString::fromUtf8(reply->rawHeader("Location")))).queryItemValue(QStringLiteral("code"));
    QVERIFY2(!code.isEmpty(), reply->rawHeader("Location").constData());
    TokenEndpoint endpoint(conn);
    TokenResponse tokens;
    bool done = false;
    endpoint.exchangeCode(code, QString::fromLatin1(verifier), redirect, [&](const TokenResponse &r) { tokens = r; done = true; });
    QTRY_VERIFY_WITH_TIMEOUT(done, 20000);
    QVERIFY2(tokens.ok(), qPrintable(tokens.error.toString()));

    TokenStore store(QStringLiteral("Tether test"));
    OrgConnection remembered; // what settings would keep: nothing secret
    {
        OrgSession first(conn);
        first.adopt(tokens);
        SalesforceError saved;
        done = false;
        first.saveRefreshToken(&store, [&](const SalesforceError &e) { saved = e; done = true; });
        QTRY_VERIFY_WITH_TIMEOUT(done, 20000);
        QVERIFY2(!saved, qPrintable(saved.toString()));
        remembered = first.connection();
    }

    // The next start: only the non-secret connection is known.
    OrgSession second(remembered);
    SalesforceError resumed;
    done = false;
    second.loginFromKeychain(&store, this, [&](const SalesforceError &e) { resumed = e; done = true; });
    QTRY_VERIFY_WITH_TIMEOUT(done, 20000);
    QVERIFY2(!resumed, qPrintable(resumed.toString()));
    QCOMPARE(second.state(), OrgSession::State::LoggedIn);
    RestClient client(&second, nullptr, nullptr);
    QueryResult result;
    done = false;
    QueryApi(&client).query(QStringLiteral("SELECT Id FROM Account"), 0, ApiCategory::Poll, [&](const QueryResult &r) { result = r; done = true; });
    QTRY_VERIFY_WITH_TIMEOUT(done, 20000);
    QVERIFY2(!result.error, qPrintable(result.error.toString()));
    QCOMPARE(result.totalSize, 5);

    // Logout revokes the token and removes it from the keychain.
    SalesforceError loggedOut;
    done = false;
    second.logout(&store, this, [&](const SalesforceError &e) { loggedOut = e; done = true; });
    QTRY_VERIFY_WITH_TIMEOUT(done, 20000);
    QVERIFY2(!loggedOut, qPrintable(loggedOut.toString()));
    Outcome gone;
    store.load(second.tokenStoreKey(), [&](const QString &t, const SalesforceError &e) { gone.token = t; gone.error = e; gone.done = true; });
    QTRY_VERIFY_WITH_TIMEOUT(gone.done, 20000);
    QCOMPARE(gone.error.errorCode, QStringLiteral("EntryNotFound"));
    TokenResponse refused;
    done = false;
    endpoint.refresh(tokens.refreshToken, [&](const TokenResponse &r) { refused = r; done = true; });
    QTRY_VERIFY_WITH_TIMEOUT(done, 20000);
    QCOMPARE(refused.error.errorCode, QStringLiteral("invalid_grant"));
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
