// The parts of the connection layer that need no server: error bodies of both
// shapes, retry classification, PKCE, login hosts, redaction, and the 0600 rule
// for headless refresh token files.
#include "salesforce/headlesscredentials.h"
#include "salesforce/oauthlogin.h"
#include "salesforce/orgconnection.h"
#include "salesforce/redact.h"
#include "salesforce/salesforceerror.h"
#include "salesforce/tokenstore.h"

#include <QCryptographicHash>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace tether::salesforce;

class TestBasics : public QObject
{
    Q_OBJECT

private slots:
    void restErrorBody();
    void collectionsErrorBody();
    void oauthErrorBody();
    void retryClassification();
    void sentencesSayWhatToDo();
    void pkceS256();
    void loginHosts();
    void identityUrl();
    void redactsSecrets();
    void tokenFileMustBe0600();
    void environmentWinsOverFile();
    void tokenStoreKey();
};

void TestBasics::restErrorBody()
{
    QList<SalesforceError> more;
    const auto e = SalesforceError::fromHttp(
        400,
        R"([{"message":"Required fields are missing: [Name]","errorCode":"REQUIRED_FIELD_MISSING","fields":["Name"]},
            {"message":"second","errorCode":"INVALID_FIELD"}])",
        &more);
    QCOMPARE(e.kind, SalesforceError::Kind::Http);
    QCOMPARE(e.httpStatus, 400);
    QCOMPARE(e.errorCode, QStringLiteral("REQUIRED_FIELD_MISSING"));
    QCOMPARE(e.fields, QStringList{QStringLiteral("Name")});
    QCOMPARE(more.size(), 1);
    QCOMPARE(more.first().errorCode, QStringLiteral("INVALID_FIELD"));

    const auto session = SalesforceError::fromHttp(
        401, R"([{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}])");
    QCOMPARE(session.kind, SalesforceError::Kind::SessionExpired);
    const auto quota = SalesforceError::fromHttp(
        403, R"([{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}])");
    QCOMPARE(quota.kind, SalesforceError::Kind::QuotaExceeded);
}

void TestBasics::collectionsErrorBody()
{
    const auto e = SalesforceError::fromHttp(
        200, R"([{"statusCode":"DUPLICATE_VALUE","message":"duplicate value found","fields":["ERP_Id__c"]}])");
    QCOMPARE(e.errorCode, QStringLiteral("DUPLICATE_VALUE"));
    QCOMPARE(e.fields, QStringList{QStringLiteral("ERP_Id__c")});
}

void TestBasics::oauthErrorBody()
{
    const auto e = SalesforceError::fromHttp(400, R"({"error":"invalid_grant","error_description":"expired access/refresh token"})");
    QCOMPARE(e.kind, SalesforceError::Kind::LoginRequired);
    QCOMPARE(e.errorCode, QStringLiteral("invalid_grant"));
    QCOMPARE(e.message, QStringLiteral("expired access/refresh token"));
    const auto other = SalesforceError::fromHttp(400, R"({"error":"invalid_client_id","error_description":"client identifier invalid"})");
    QCOMPARE(other.kind, SalesforceError::Kind::Http);
    const auto html = SalesforceError::fromHttp(502, "<html>Bad gateway</html>");
    QCOMPARE(html.httpStatus, 502);
    QVERIFY(html.isRetryable());
}

void TestBasics::retryClassification()
{
    const auto make = [](int status, const char *code) {
        return SalesforceError::fromHttp(status, QByteArray("[{\"message\":\"m\",\"errorCode\":\"") + code + "\"}]");
    };
    QVERIFY(make(503, "SERVER_UNAVAILABLE").isRetryable());
    QVERIFY(make(400, "UNABLE_TO_LOCK_ROW").isRetryable());
    QVERIFY(make(500, "UNKNOWN_EXCEPTION").isRetryable());
    QVERIFY(!make(400, "REQUIRED_FIELD_MISSING").isRetryable());
    QVERIFY(!make(400, "FIELD_CUSTOM_VALIDATION_EXCEPTION").isRetryable());
    QVERIFY(!make(400, "DUPLICATE_VALUE").isRetryable());
    QVERIFY(!make(404, "NOT_FOUND").isRetryable());
    QVERIFY(!make(403, "REQUEST_LIMIT_EXCEEDED").isRetryable());
    QVERIFY(SalesforceError::make(SalesforceError::Kind::Network, QStringLiteral("reset")).isRetryable());
    QVERIFY(SalesforceError::make(SalesforceError::Kind::Timeout, QStringLiteral("slow")).isRetryable());
    QVERIFY(!SalesforceError::make(SalesforceError::Kind::Network, QStringLiteral("bad certificate"),
                                   QStringLiteral("TLS_HANDSHAKE_FAILED")).isRetryable());
    QVERIFY(!SalesforceError::make(SalesforceError::Kind::Cancelled, QStringLiteral("x")).isRetryable());
}

void TestBasics::sentencesSayWhatToDo()
{
    const auto login = SalesforceError::make(SalesforceError::Kind::LoginRequired, QStringLiteral("expired access/refresh token"),
                                             QStringLiteral("invalid_grant"));
    QVERIFY(login.toString().contains(QStringLiteral("Log in again")));
    const auto http = SalesforceError::fromHttp(400, R"([{"message":"bad","errorCode":"STRING_TOO_LONG","fields":["BillingCity"]}])");
    QVERIFY2(http.toString().contains(QStringLiteral("STRING_TOO_LONG")) && http.toString().contains(QStringLiteral("BillingCity")),
             qPrintable(http.toString()));
}

void TestBasics::pkceS256()
{
    const QByteArray v = Pkce::makeVerifier();
    QCOMPARE(v.size(), 43);
    QVERIFY(QRegularExpression(QStringLiteral("^[A-Za-z0-9_-]+$")).match(QString::fromLatin1(v)).hasMatch());
    QVERIFY(Pkce::makeVerifier() != v);
    // RFC 7636 appendix B.
    QCOMPARE(Pkce::challengeFor("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
             QByteArray("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));
}

void TestBasics::loginHosts()
{
    QCOMPARE(LoginHost::production().toString(), QStringLiteral("https://login.salesforce.com"));
    QCOMPARE(LoginHost::sandbox().toString(), QStringLiteral("https://test.salesforce.com"));
    QCOMPARE(LoginHost::fromText(QStringLiteral("production")), LoginHost::production());
    QCOMPARE(LoginHost::fromText(QStringLiteral("Sandbox")), LoginHost::sandbox());
    QCOMPARE(LoginHost::fromText(QStringLiteral("acme.my.salesforce.com")).toString(),
             QStringLiteral("https://acme.my.salesforce.com"));
    QCOMPARE(LoginHost::fromText(QStringLiteral("https://acme.my.salesforce.com/some/path")).toString(),
             QStringLiteral("https://acme.my.salesforce.com"));
    QCOMPARE(LoginHost::fromText(QStringLiteral("http://127.0.0.1:8443")).toString(), QStringLiteral("http://127.0.0.1:8443"));
    QString why;
    QVERIFY(!LoginHost::fromText(QStringLiteral("http://acme.my.salesforce.com"), &why).isValid());
    QVERIFY2(why.contains(QStringLiteral("https")), qPrintable(why));
}

void TestBasics::identityUrl()
{
    OrgConnection c;
    QVERIFY(c.setIdentityUrl(QStringLiteral("https://login.salesforce.com/id/00D000000000001AAA/005000000000001AAA")));
    QCOMPARE(c.orgId, QStringLiteral("00D000000000001AAA"));
    QCOMPARE(c.userId, QStringLiteral("005000000000001AAA"));
    QCOMPARE(c.dataPath(), QStringLiteral("/services/data/v59.0"));
    QVERIFY(!c.setIdentityUrl(QStringLiteral("https://x/none")));
}

void TestBasics::redactsSecrets()
{
    const QString token = QStringLiteral("00D5g000004Xyz1!AQ8AQH.secretpart_123");
    const QString lines = QStringLiteral("GET https://x/cb?code=abc123&state=s1 HTTP/1.1\n"
                                         "Authorization: Bearer %1\n"
                                         "{\"access_token\":\"%1\",\"refresh_token\":\"5Aep861xyz\",\"id\":\"https://x/id/1/2\"}\n"
                                         "grant_type=refresh_token&refresh_token=5Aep861xyz&client_secret=shh\n"
                                         "naked %1 token")
                              .arg(token);
    const QString out = redact(lines);
    for (const QString &secret : {token, QStringLiteral("abc123"), QStringLiteral("5Aep861xyz"), QStringLiteral("shh")})
        QVERIFY2(!out.contains(secret), qPrintable(out));
    QVERIFY(out.contains(QStringLiteral("state=s1")));
    QVERIFY(out.contains(QStringLiteral("grant_type=refresh_token")));
}

void TestBasics::tokenFileMustBe0600()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("refresh-token"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("5Aep861secret\n");
    f.close();

    QVERIFY(f.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther));
    HeadlessRefreshToken r = readRefreshTokenFile(path);
    QVERIFY(r.error);
    QVERIFY(r.token.isEmpty());
    QVERIFY2(r.error.toString().contains(QStringLiteral("chmod 600")), qPrintable(r.error.toString()));
    QVERIFY2(r.error.toString().contains(QStringLiteral("0644")), qPrintable(r.error.toString()));
    QVERIFY(!r.error.toString().contains(QStringLiteral("5Aep861secret")));

    QVERIFY(f.setPermissions(QFile::ReadOwner | QFile::WriteOwner));
    r = readRefreshTokenFile(path);
    QVERIFY2(!r.error, qPrintable(r.error.toString()));
    QCOMPARE(r.token, QStringLiteral("5Aep861secret"));

    r = readRefreshTokenFile(dir.filePath(QStringLiteral("missing")));
    QVERIFY(r.error);
}

void TestBasics::environmentWinsOverFile()
{
    qputenv(RefreshTokenEnvVar, "from-env");
    HeadlessRefreshToken r = loadHeadlessRefreshToken(QStringLiteral("/nonexistent"));
    QCOMPARE(r.token, QStringLiteral("from-env"));
    QCOMPARE(r.source, QStringLiteral("environment"));
    qunsetenv(RefreshTokenEnvVar);
    r = loadHeadlessRefreshToken();
    QVERIFY(r.token.isEmpty());
    QVERIFY(!r.error);
}

void TestBasics::tokenStoreKey()
{
    QCOMPARE(TokenStore::keyFor(QUrl(QStringLiteral("https://login.salesforce.com/")), QStringLiteral("00Dx"),
                                QStringLiteral("005y")),
             QStringLiteral("https://login.salesforce.com|00Dx|005y"));
    QVERIFY(TokenStore::keyFor(LoginHost::sandbox(), QStringLiteral("00Dx"), QStringLiteral("005y"))
            != TokenStore::keyFor(LoginHost::production(), QStringLiteral("00Dx"), QStringLiteral("005y")));
}

QTEST_GUILESS_MAIN(TestBasics)
#include "tst_basics.moc"
