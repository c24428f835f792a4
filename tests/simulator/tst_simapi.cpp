// tether-sim over real HTTP: OAuth, describe, query and locators, CRUD and
// validation, composite/collections/graph with all-or-none, Bulk API 2.0,
// accounting, session expiry, every fault kind and the /__sim/ control API.
#include "simprocess.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QMessageAuthenticationCode>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QFile>
#include <QTest>
#include <QUrlQuery>
#include <memory>

using tether::test::SimProcess;

namespace {

struct Response
{
    int status = 0;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QByteArray body;
    QHash<QByteArray, QByteArray> headers; // lower-case names
    QJsonDocument json() const { return QJsonDocument::fromJson(body); }
    QJsonObject object() const { return json().object(); }
    QJsonArray array() const { return json().array(); }
    QByteArray header(const char *name) const { return headers.value(QByteArray(name).toLower()); }
    QString firstErrorCode() const { return array().at(0).toObject().value(QStringLiteral("errorCode")).toString(); }
};

class Http
{
public:
    QUrl base;
    QByteArray token;

    Response call(const QByteArray &method, const QString &pathAndQuery, const QByteArray &body = {},
                  const QList<QPair<QByteArray, QByteArray>> &headers = {}, bool auth = true)
    {
        QNetworkRequest request(QUrl(base.toString() + pathAndQuery));
        request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
        if (auth && !token.isEmpty())
            request.setRawHeader("Authorization", "Bearer " + token);
        if (!body.isEmpty())
            request.setHeader(QNetworkRequest::ContentTypeHeader, body.startsWith('{') || body.startsWith('[') ? "application/json" : "application/x-www-form-urlencoded");
        for (const auto &h : headers)
            request.setRawHeader(h.first, h.second);
        std::unique_ptr<QNetworkReply> reply(m_nam.sendCustomRequest(request, method, body));
        (void)QTest::qWaitFor([&] { return reply->isFinished(); }, 60000);
        Response r;
        r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        r.error = reply->error();
        r.body = reply->readAll();
        for (const auto &h : reply->rawHeaderPairs())
            r.headers.insert(h.first.toLower(), h.second);
        return r;
    }
    Response get(const QString &path, const QList<QPair<QByteArray, QByteArray>> &headers = {}) { return call("GET", path, {}, headers); }
    Response post(const QString &path, const QJsonDocument &doc) { return call("POST", path, doc.toJson(QJsonDocument::Compact)); }
    Response patch(const QString &path, const QJsonObject &o, const QList<QPair<QByteArray, QByteArray>> &headers = {})
    {
        return call("PATCH", path, QJsonDocument(o).toJson(QJsonDocument::Compact), headers);
    }
    Response control(const QByteArray &method, const QString &path, const QJsonObject &o = {})
    {
        return call(method, path, o.isEmpty() ? QByteArray() : QJsonDocument(o).toJson(QJsonDocument::Compact), {}, false);
    }
    static QString q(const QString &soql) { return QStringLiteral("/services/data/v59.0/query?q=") + QString::fromLatin1(QUrl::toPercentEncoding(soql)); }

private:
    QNetworkAccessManager m_nam;
};

const QString V = QStringLiteral("/services/data/v59.0");

QByteArray form(const QList<QPair<QString, QString>> &items)
{
    QUrlQuery q;
    for (const auto &i : items)
        q.addQueryItem(i.first, QString::fromLatin1(QUrl::toPercentEncoding(i.second)));
    return q.query(QUrl::FullyEncoded).toUtf8();
}

} // namespace

class TestSimApi : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void versionsNeedNoAuthAndAreNotCounted();
    void unauthenticatedIs401();
    void clientCredentialsAndUserinfo();
    void authorizationCodeWithPkce();
    void loginPageAndDeny();
    void sessionExpires();
    void describeAndIfModifiedSince();
    void everyFieldTypeIsDescribed();
    void queryShapes();
    void queryErrors();
    void paginationBoundaries();
    void crudAndSystemFields();
    void validationErrors();
    void conditionalWrites();
    void upsertByExternalId();
    void compositeReferencesAndAllOrNone();
    void collectionsAllOrNone();
    void graphIsAtomicPerGraph();
    void bulkQueryPaging();
    void bulkErrorsAndAbort();
    void accounting();
    void faults();
    void replicationWindows();
    void controlApi();
    void historyHasOnlyCreatedDate();
    void everyObjectServesValidJson();
    void wideRowsGetSmallerPages();
    void churnChangesRecordsAsAnotherUser();
    void dataFileSurvivesRestart();

private:
    std::unique_ptr<SimProcess> m_sim;
    Http m_http;
};

void TestSimApi::initTestCase()
{
    m_sim = std::make_unique<SimProcess>(QStringList{QStringLiteral("--auto-approve"), QStringLiteral("--bulk-delay"), QStringLiteral("300"),
                                                     QStringLiteral("--daily-limit"), QStringLiteral("1000000"), QStringLiteral("--generate"),
                                                     QStringLiteral("Account=300,Contact=500,Opportunity=50,User=5,Invoice__c=20")});
    QString why;
    QVERIFY2(m_sim->start(&why), qPrintable(why));
    m_http.base = m_sim->baseUrl();
    m_http.token = m_sim->fetchAccessToken(&why);
    QVERIFY2(!m_http.token.isEmpty(), qPrintable(why));
}

void TestSimApi::init()
{
    QCOMPARE(m_http.control("DELETE", QStringLiteral("/__sim/faults")).status, 200);
}

void TestSimApi::versionsNeedNoAuthAndAreNotCounted()
{
    const qint64 before = m_http.control("GET", QStringLiteral("/__sim/stats")).object().value(QStringLiteral("apiUsage")).toInteger();
    const Response r = m_http.call("GET", QStringLiteral("/services/data/"), {}, {}, false);
    QCOMPARE(r.status, 200);
    bool has59 = false;
    for (const QJsonValue &v : r.array())
        has59 |= v.toObject().value(QStringLiteral("version")).toString() == QLatin1String("59.0")
                 && v.toObject().value(QStringLiteral("url")).toString() == QLatin1String("/services/data/v59.0");
    QVERIFY(has59);
    QVERIFY(r.header("Sforce-Limit-Info").isEmpty());
    QCOMPARE(m_http.control("GET", QStringLiteral("/__sim/stats")).object().value(QStringLiteral("apiUsage")).toInteger(), before);
    QCOMPARE(m_http.get(QStringLiteral("/services/data/v20.0/limits")).status, 404);
}

void TestSimApi::unauthenticatedIs401()
{
    for (const QByteArray &auth : {QByteArray(), QByteArray("Bearer nonsense"), QByteArray("OAuth nonsense")}) {
        const Response r = m_http.call("GET", V + QStringLiteral("/sobjects"), {}, auth.isEmpty() ? QList<QPair<QByteArray, QByteArray>>{} : QList<QPair<QByteArray, QByteArray>>{{"Authorization", auth}}, false);
        QCOMPARE(r.status, 401);
        QCOMPARE(r.header("WWW-Authenticate"), QByteArray("Token"));
        QCOMPARE(r.body, QByteArray(R"([{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}])"));
    }
    // "OAuth <token>" works like "Bearer <token>".
    QCOMPARE(m_http.call("GET", V + QStringLiteral("/limits"), {}, {{"Authorization", "OAuth " + m_http.token}}, false).status, 200);
}

void TestSimApi::clientCredentialsAndUserinfo()
{
    Response r = m_http.call("POST", QStringLiteral("/services/oauth2/token"),
                             form({{QStringLiteral("grant_type"), QStringLiteral("client_credentials")},
                                   {QStringLiteral("client_id"), QString::fromLatin1(SimProcess::DefaultClientId)},
                                   {QStringLiteral("client_secret"), QStringLiteral("wrong")}}), {}, false);
    QCOMPARE(r.status, 400);
    QCOMPARE(r.object().value(QStringLiteral("error")).toString(), QStringLiteral("invalid_client"));
    r = m_http.call("POST", QStringLiteral("/services/oauth2/token"), form({{QStringLiteral("grant_type"), QStringLiteral("magic")}}), {}, false);
    QCOMPARE(r.object().value(QStringLiteral("error")).toString(), QStringLiteral("unsupported_grant_type"));
    r = m_http.call("POST", QStringLiteral("/services/oauth2/token"),
                    form({{QStringLiteral("grant_type"), QStringLiteral("client_credentials")}, {QStringLiteral("client_id"), QStringLiteral("nobody")}}), {}, false);
    QCOMPARE(r.object().value(QStringLiteral("error")).toString(), QStringLiteral("invalid_client_id"));

    r = m_http.get(QStringLiteral("/services/oauth2/userinfo"));
    QCOMPARE(r.status, 200);
    const QJsonObject info = r.object();
    QCOMPARE(info.value(QStringLiteral("preferred_username")).toString(), QStringLiteral("admin@tether.sim"));
    QCOMPARE(info.value(QStringLiteral("user_id")).toString().left(3), QStringLiteral("005"));
    QCOMPARE(info.value(QStringLiteral("organization_id")).toString().left(3), QStringLiteral("00D"));
    QVERIFY(info.value(QStringLiteral("urls")).toObject().value(QStringLiteral("rest")).toString().contains(QStringLiteral("/services/data/v{version}/")));
}

void TestSimApi::authorizationCodeWithPkce()
{
    const QByteArray verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-tether-sim-verifier";
    const QByteArray challenge = QCryptographicHash::hash(verifier, QCryptographicHash::Sha256).toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    auto authorize = [&](const QString &redirect) {
        QUrlQuery q;
        q.addQueryItem(QStringLiteral("response_type"), QStringLiteral("code"));
        q.addQueryItem(QStringLiteral("client_id"), QString::fromLatin1(SimProcess::DefaultClientId));
        q.addQueryItem(QStringLiteral("redirect_uri"), QString::fromLatin1(QUrl::toPercentEncoding(redirect)));
        q.addQueryItem(QStringLiteral("code_challenge"), QString::fromLatin1(challenge));
        q.addQueryItem(QStringLiteral("code_challenge_method"), QStringLiteral("S256"));
        q.addQueryItem(QStringLiteral("state"), QStringLiteral("xyz123"));
        return m_http.call("GET", QStringLiteral("/services/oauth2/authorize?") + q.query(QUrl::FullyEncoded), {}, {}, false);
    };
    Response r = authorize(QStringLiteral("http://localhost:1717/OauthRedirec"));
    QCOMPARE(r.status, 400);
    QVERIFY(r.body.contains("redirect_uri_mismatch"));
    r = authorize(QString::fromLatin1(SimProcess::DefaultRedirectUri));
    QCOMPARE(r.status, 302);
    const QUrl location(QString::fromUtf8(r.header("Location")));
    QCOMPARE(location.toString(QUrl::RemoveQuery), QString::fromLatin1(SimProcess::DefaultRedirectUri));
    const QUrlQuery back(location);
    QCOMPARE(back.queryItemValue(QStringLiteral("state")), QStringLiteral("xyz123"));
    const QString code = back.queryItemValue(QStringLiteral("code"), QUrl::FullyDecoded);
    QVERIFY(!code.isEmpty());
    auto exchange = [&](const QString &c, const QByteArray &v, const QString &redirect) {
        return m_http.call("POST", QStringLiteral("/services/oauth2/token"),
                           form({{QStringLiteral("grant_type"), QStringLiteral("authorization_code")}, {QStringLiteral("code"), c},
                                 {QStringLiteral("client_id"), QString::fromLatin1(SimProcess::DefaultClientId)},
                                 {QStringLiteral("redirect_uri"), redirect}, {QStringLiteral("code_verifier"), QString::fromLatin1(v)}}),
                           {}, false);
    };
    r = exchange(code, verifier, QStringLiteral("http://127.0.0.1:1717/OauthRedirect"));
    QCOMPARE(r.object().value(QStringLiteral("error")).toString(), QStringLiteral("redirect_uri_mismatch"));
    r = exchange(code, "wrong-verifier", QString::fromLatin1(SimProcess::DefaultRedirectUri));
    QCOMPARE(r.status, 400);
    QCOMPARE(r.object().value(QStringLiteral("error")).toString(), QStringLiteral("invalid_grant"));
    r = exchange(code, verifier, QString::fromLatin1(SimProcess::DefaultRedirectUri));
    QCOMPARE(r.status, 200);
    const QJsonObject token = r.object();
    for (const char *key : {"access_token", "refresh_token", "signature", "scope", "instance_url", "id", "token_type", "issued_at"})
        QVERIFY2(token.contains(QLatin1String(key)), key);
    QVERIFY(!token.contains(QStringLiteral("expires_in")));
    QCOMPARE(token.value(QStringLiteral("instance_url")).toString(), m_sim->baseUrl().toString());
    // The signature is base64(HMAC-SHA256(id + issued_at, secret)).
    const QByteArray expectedSignature = QMessageAuthenticationCode::hash(
        (token.value(QStringLiteral("id")).toString() + token.value(QStringLiteral("issued_at")).toString()).toUtf8(),
        SimProcess::DefaultClientSecret, QCryptographicHash::Sha256).toBase64();
    QCOMPARE(token.value(QStringLiteral("signature")).toString().toLatin1(), expectedSignature);
    // A code works once.
    QCOMPARE(exchange(code, verifier, QString::fromLatin1(SimProcess::DefaultRedirectUri)).status, 400);

    // Refresh, then revoke the refresh token: its access tokens die with it.
    const QString refresh = token.value(QStringLiteral("refresh_token")).toString();
    r = m_http.call("POST", QStringLiteral("/services/oauth2/token"),
                    form({{QStringLiteral("grant_type"), QStringLiteral("refresh_token")}, {QStringLiteral("refresh_token"), refresh},
                          {QStringLiteral("client_id"), QString::fromLatin1(SimProcess::DefaultClientId)}}), {}, false);
    QCOMPARE(r.status, 200);
    QVERIFY(!r.object().contains(QStringLiteral("refresh_token")));
    const QByteArray refreshed = r.object().value(QStringLiteral("access_token")).toString().toLatin1();
    QCOMPARE(m_http.call("GET", V + QStringLiteral("/limits"), {}, {{"Authorization", "Bearer " + refreshed}}, false).status, 200);
    QCOMPARE(m_http.call("POST", QStringLiteral("/services/oauth2/revoke"), form({{QStringLiteral("token"), refresh}}), {}, false).status, 200);
    QCOMPARE(m_http.call("GET", V + QStringLiteral("/limits"), {}, {{"Authorization", "Bearer " + refreshed}}, false).status, 401);
    r = m_http.call("POST", QStringLiteral("/services/oauth2/revoke"), form({{QStringLiteral("token"), refresh}}), {}, false);
    QCOMPARE(r.status, 400);
    QCOMPARE(r.object().value(QStringLiteral("error")).toString(), QStringLiteral("invalid_token"));
}

void TestSimApi::loginPageAndDeny()
{
    SimProcess sim({QStringLiteral("--generate"), QStringLiteral("Account=1")});
    QString why;
    QVERIFY2(sim.start(&why), qPrintable(why));
    Http http;
    http.base = sim.baseUrl();
    const QString params = QStringLiteral("response_type=code&client_id=%1&redirect_uri=%2&state=s1")
                               .arg(QString::fromLatin1(SimProcess::DefaultClientId), QString::fromLatin1(QUrl::toPercentEncoding(QString::fromLatin1(SimProcess::DefaultRedirectUri))));
    Response r = http.call("GET", QStringLiteral("/services/oauth2/authorize?") + params, {}, {}, false);
    QCOMPARE(r.status, 200);
    QVERIFY(r.header("Content-Type").startsWith("text/html"));
    QVERIFY(r.body.contains("<form method=\"post\" action=\"/services/oauth2/authorize\">"));
    QVERIFY(r.body.contains("name=\"password\""));
    r = http.call("POST", QStringLiteral("/services/oauth2/authorize"), params.toUtf8() + "&username=admin%40tether.sim&password=bad&action=allow", {}, false);
    QCOMPARE(r.status, 200);
    QVERIFY(r.body.contains("check your username and password"));
    r = http.call("POST", QStringLiteral("/services/oauth2/authorize"), params.toUtf8() + "&username=admin%40tether.sim&password=tether-sim&action=deny", {}, false);
    QCOMPARE(r.status, 302);
    QUrlQuery denied{QUrl(QString::fromUtf8(r.header("Location")))};
    QCOMPARE(denied.queryItemValue(QStringLiteral("error")), QStringLiteral("access_denied"));
    QCOMPARE(denied.queryItemValue(QStringLiteral("state")), QStringLiteral("s1"));
    r = http.call("POST", QStringLiteral("/services/oauth2/authorize"), params.toUtf8() + "&username=admin%40tether.sim&password=tether-sim&action=allow", {}, false);
    QCOMPARE(r.status, 302);
    QVERIFY(QUrlQuery(QUrl(QString::fromUtf8(r.header("Location")))).hasQueryItem(QStringLiteral("code")));
    // Without PKCE the code flow needs the secret.
    const QString code = QUrlQuery(QUrl(QString::fromUtf8(r.header("Location")))).queryItemValue(QStringLiteral("code"), QUrl::FullyDecoded);
    r = http.call("POST", QStringLiteral("/services/oauth2/token"),
                  form({{QStringLiteral("grant_type"), QStringLiteral("authorization_code")}, {QStringLiteral("code"), code},
                        {QStringLiteral("client_id"), QString::fromLatin1(SimProcess::DefaultClientId)},
                        {QStringLiteral("client_secret"), QString::fromLatin1(SimProcess::DefaultClientSecret)},
                        {QStringLiteral("redirect_uri"), QString::fromLatin1(SimProcess::DefaultRedirectUri)}}), {}, false);
    QCOMPARE(r.status, 200);
}

void TestSimApi::sessionExpires()
{
    SimProcess sim({QStringLiteral("--session-ttl"), QStringLiteral("1"), QStringLiteral("--generate"), QStringLiteral("Account=1")});
    QString why;
    QVERIFY2(sim.start(&why), qPrintable(why));
    Http http;
    http.base = sim.baseUrl();
    http.token = sim.fetchAccessToken(&why);
    QCOMPARE(http.get(V + QStringLiteral("/limits")).status, 200);
    // Polling, not sleeping: the token must stop working once its second is up.
    QTRY_COMPARE_WITH_TIMEOUT(http.get(V + QStringLiteral("/limits")).status, 401, 10000);
    const Response r = http.get(V + QStringLiteral("/limits"));
    QCOMPARE(r.firstErrorCode(), QStringLiteral("INVALID_SESSION_ID"));
    QCOMPARE(r.header("WWW-Authenticate"), QByteArray("Token"));
}

void TestSimApi::describeAndIfModifiedSince()
{
    Response r = m_http.get(V + QStringLiteral("/sobjects/Opportunity/describe"));
    QCOMPARE(r.status, 200);
    const QJsonObject d = r.object();
    QCOMPARE(d.value(QStringLiteral("keyPrefix")).toString(), QStringLiteral("006"));
    QHash<QString, QJsonObject> fields;
    for (const QJsonValue &f : d.value(QStringLiteral("fields")).toArray())
        fields.insert(f.toObject().value(QStringLiteral("name")).toString(), f.toObject());
    QCOMPARE(fields[QStringLiteral("Amount")].value(QStringLiteral("type")).toString(), QStringLiteral("currency"));
    QCOMPARE(fields[QStringLiteral("Amount")].value(QStringLiteral("precision")).toInt(), 18);
    QCOMPARE(fields[QStringLiteral("Amount")].value(QStringLiteral("scale")).toInt(), 2);
    QCOMPARE(fields[QStringLiteral("StageName")].value(QStringLiteral("restrictedPicklist")).toBool(), true);
    QVERIFY(fields[QStringLiteral("StageName")].value(QStringLiteral("picklistValues")).toArray().size() >= 5);
    QCOMPARE(fields[QStringLiteral("AccountId")].value(QStringLiteral("referenceTo")).toArray().at(0).toString(), QStringLiteral("Account"));
    QCOMPARE(fields[QStringLiteral("AccountId")].value(QStringLiteral("relationshipName")).toString(), QStringLiteral("Account"));
    QCOMPARE(fields[QStringLiteral("ExpectedRevenue")].value(QStringLiteral("calculated")).toBool(), true);
    QCOMPARE(fields[QStringLiteral("SystemModstamp")].value(QStringLiteral("type")).toString(), QStringLiteral("datetime"));
    QCOMPARE(fields[QStringLiteral("Id")].value(QStringLiteral("type")).toString(), QStringLiteral("id"));
    const QByteArray lastModified = r.header("Last-Modified");
    QVERIFY(!lastModified.isEmpty());
    r = m_http.get(V + QStringLiteral("/sobjects/Opportunity/describe"), {{"If-Modified-Since", lastModified}});
    QCOMPARE(r.status, 304);
    QVERIFY(r.body.isEmpty());
    r = m_http.get(V + QStringLiteral("/sobjects"), {{"If-Modified-Since", "Mon, 01 Jan 2024 00:00:00 GMT"}});
    QCOMPARE(r.status, 200);
    QCOMPARE(r.object().value(QStringLiteral("maxBatchSize")).toInt(), 200);
    QCOMPARE(m_http.get(V + QStringLiteral("/sobjects"), {{"If-Modified-Since", r.header("Last-Modified")}}).status, 304);
    QCOMPARE(m_http.get(V + QStringLiteral("/sobjects/Nope__c/describe")).status, 404);
}

void TestSimApi::everyFieldTypeIsDescribed()
{
    const QStringList wanted = {QStringLiteral("id"), QStringLiteral("string"), QStringLiteral("textarea"), QStringLiteral("boolean"),
                                QStringLiteral("int"), QStringLiteral("long"), QStringLiteral("double"), QStringLiteral("currency"),
                                QStringLiteral("percent"), QStringLiteral("date"), QStringLiteral("datetime"), QStringLiteral("time"),
                                QStringLiteral("picklist"), QStringLiteral("multipicklist"), QStringLiteral("combobox"),
                                QStringLiteral("reference"), QStringLiteral("email"), QStringLiteral("phone"), QStringLiteral("url"),
                                QStringLiteral("encryptedstring"), QStringLiteral("base64"), QStringLiteral("address"),
                                QStringLiteral("location"), QStringLiteral("anyType"), QStringLiteral("complexvalue"),
                                QStringLiteral("json"), QStringLiteral("datacategorygroupreference")};
    QSet<QString> seen;
    QStringList objects;
    for (const QJsonValue &o : m_http.get(V + QStringLiteral("/sobjects")).object().value(QStringLiteral("sobjects")).toArray())
        objects.append(o.toObject().value(QStringLiteral("name")).toString());
    for (const char *name : {"Account", "Contact", "Lead", "Opportunity", "User", "Product2", "Case", "Task", "Campaign",
                             "Pricebook2", "PricebookEntry", "Invoice__c", "Shipment__c"})
        QVERIFY2(objects.contains(QLatin1String(name)), name);
    for (const QString &name : objects)
        for (const QJsonValue &f : m_http.get(V + QStringLiteral("/sobjects/%1/describe").arg(name)).object().value(QStringLiteral("fields")).toArray())
            seen.insert(f.toObject().value(QStringLiteral("type")).toString());
    for (const QString &type : wanted)
        QVERIFY2(seen.contains(type), qPrintable(type));
}

void TestSimApi::queryShapes()
{
    Response r = m_http.get(Http::q(QStringLiteral("SELECT Id, Name, Account.Name, Account.Owner.Name, CreatedDate FROM Contact WHERE AccountId != null ORDER BY Name LIMIT 3")));
    QCOMPARE(r.status, 200);
    QVERIFY(r.header("Sforce-Limit-Info").startsWith("api-usage="));
    const QJsonObject page = r.object();
    QCOMPARE(page.value(QStringLiteral("totalSize")).toInt(), 3);
    QCOMPARE(page.value(QStringLiteral("done")).toBool(), true);
    const QJsonObject rec = page.value(QStringLiteral("records")).toArray().at(0).toObject();
    QCOMPARE(rec.value(QStringLiteral("attributes")).toObject().value(QStringLiteral("type")).toString(), QStringLiteral("Contact"));
    QVERIFY(rec.value(QStringLiteral("attributes")).toObject().value(QStringLiteral("url")).toString().startsWith(V + QStringLiteral("/sobjects/Contact/003")));
    QCOMPARE(rec.value(QStringLiteral("Id")).toString().size(), 18);
    static const QRegularExpression datetime(QStringLiteral("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\+0000$"));
    QVERIFY(datetime.match(rec.value(QStringLiteral("CreatedDate")).toString()).hasMatch());
    QVERIFY(!rec.value(QStringLiteral("Account")).toObject().value(QStringLiteral("Owner")).toObject().value(QStringLiteral("Name")).toString().isEmpty());
    r = m_http.get(Http::q(QStringLiteral("SELECT COUNT() FROM Contact")));
    QCOMPARE(r.object().value(QStringLiteral("totalSize")).toInt(), 500);
    QCOMPARE(r.object().value(QStringLiteral("records")).toArray().size(), 0);
    // Numbers are JSON numbers, booleans JSON booleans, addresses objects, formulas computed.
    r = m_http.get(Http::q(QStringLiteral("SELECT Amount, Probability, ExpectedRevenue, IsClosed FROM Opportunity WHERE Amount != null AND Probability != null LIMIT 1")));
    const QJsonObject opp = r.object().value(QStringLiteral("records")).toArray().at(0).toObject();
    QVERIFY(opp.value(QStringLiteral("Amount")).isDouble());
    QVERIFY(opp.value(QStringLiteral("IsClosed")).isBool());
    QVERIFY(qAbs(opp.value(QStringLiteral("ExpectedRevenue")).toDouble()
                 - opp.value(QStringLiteral("Amount")).toDouble() * opp.value(QStringLiteral("Probability")).toDouble() / 100) < 0.01);
    r = m_http.get(Http::q(QStringLiteral("SELECT BillingAddress FROM Account WHERE BillingCity != null LIMIT 1")));
    QVERIFY(r.object().value(QStringLiteral("records")).toArray().at(0).toObject().value(QStringLiteral("BillingAddress")).toObject().contains(QStringLiteral("city")));
}

void TestSimApi::queryErrors()
{
    Response r = m_http.get(Http::q(QStringLiteral("SELECT Id, Foo FROM Account")));
    QCOMPARE(r.status, 400);
    QCOMPARE(r.firstErrorCode(), QStringLiteral("INVALID_FIELD"));
    QVERIFY(r.array().at(0).toObject().value(QStringLiteral("message")).toString().startsWith(
        QStringLiteral("\nSELECT Id, Foo FROM Account\n           ^\nERROR at Row:1:Column:12\nNo such column 'Foo' on entity 'Account'.")));
    r = m_http.get(Http::q(QStringLiteral("SELECT Id FROM Acount")));
    QCOMPARE(r.firstErrorCode(), QStringLiteral("INVALID_TYPE"));
    r = m_http.get(Http::q(QStringLiteral("SELECT Id FROM Account WHERE")));
    QCOMPARE(r.firstErrorCode(), QStringLiteral("MALFORMED_QUERY"));
    r = m_http.get(V + QStringLiteral("/query?q="));
    QCOMPARE(r.firstErrorCode(), QStringLiteral("MALFORMED_QUERY"));
    r = m_http.get(Http::q(QStringLiteral("SELECT Id FROM Account WHERE Name IN ('%1')").arg(QString(17000, QLatin1Char('x')))));
    QCOMPARE(r.status, 414);
}

void TestSimApi::paginationBoundaries()
{
    Response r = m_http.get(Http::q(QStringLiteral("SELECT Id FROM Contact")), {{"Sforce-Query-Options", "batchSize=200"}});
    QJsonObject page = r.object();
    QCOMPARE(page.value(QStringLiteral("totalSize")).toInt(), 500);
    QSet<QString> ids;
    QList<int> sizes;
    while (true) {
        const QJsonArray records = page.value(QStringLiteral("records")).toArray();
        sizes.append(int(records.size()));
        for (const QJsonValue &v : records)
            ids.insert(v.toObject().value(QStringLiteral("Id")).toString());
        if (page.value(QStringLiteral("done")).toBool()) {
            QVERIFY(!page.contains(QStringLiteral("nextRecordsUrl")));
            break;
        }
        const QString next = page.value(QStringLiteral("nextRecordsUrl")).toString();
        QVERIFY(next.startsWith(V + QStringLiteral("/query/01g")));
        page = m_http.get(next).object();
    }
    QCOMPARE(sizes, QList<int>({200, 200, 100}));
    QCOMPARE(ids.size(), 500);
    // Batch sizes are clamped to 200..2000; default 2000.
    r = m_http.get(Http::q(QStringLiteral("SELECT Id FROM Contact")), {{"Sforce-Query-Options", "batchSize=50"}});
    QCOMPARE(r.object().value(QStringLiteral("records")).toArray().size(), 200);
    r = m_http.get(Http::q(QStringLiteral("SELECT Id FROM Contact")));
    QCOMPARE(r.object().value(QStringLiteral("records")).toArray().size(), 500);
    QVERIFY(r.object().value(QStringLiteral("done")).toBool());
    // Exactly one page: done, no locator.
    r = m_http.get(Http::q(QStringLiteral("SELECT Id FROM Contact LIMIT 200")), {{"Sforce-Query-Options", "batchSize=200"}});
    QVERIFY(r.object().value(QStringLiteral("done")).toBool());
    QVERIFY(!r.object().contains(QStringLiteral("nextRecordsUrl")));
    r = m_http.get(V + QStringLiteral("/query/01g5g0000000zzzAAA-200"));
    QCOMPARE(r.status, 400);
    QCOMPARE(r.firstErrorCode(), QStringLiteral("INVALID_QUERY_LOCATOR"));
}

void TestSimApi::crudAndSystemFields()
{
    Response r = m_http.post(V + QStringLiteral("/sobjects/Account"), QJsonDocument(QJsonObject{{QStringLiteral("Name"), QStringLiteral("CRUD Co")}, {QStringLiteral("NumberOfEmployees"), 12}}));
    QCOMPARE(r.status, 201);
    QCOMPARE(r.object().value(QStringLiteral("success")).toBool(), true);
    QCOMPARE(r.object().value(QStringLiteral("errors")).toArray().size(), 0);
    const QString id = r.object().value(QStringLiteral("id")).toString();
    QVERIFY(id.startsWith(QStringLiteral("001")) && id.size() == 18);
    r = m_http.get(V + QStringLiteral("/sobjects/Account/") + id);
    QCOMPARE(r.status, 200);
    const QJsonObject created = r.object();
    QCOMPARE(created.value(QStringLiteral("NumberOfEmployees")).toInt(), 12);
    QCOMPARE(created.value(QStringLiteral("IsDeleted")).toBool(), false);
    QCOMPARE(created.value(QStringLiteral("CreatedById")).toString().left(3), QStringLiteral("005"));
    QCOMPARE(created.value(QStringLiteral("CreatedDate")), created.value(QStringLiteral("SystemModstamp")));
    r = m_http.get(V + QStringLiteral("/sobjects/Account/") + id + QStringLiteral("?fields=Name,Id"));
    QCOMPARE(r.object().keys(), QStringList({QStringLiteral("Id"), QStringLiteral("Name"), QStringLiteral("attributes")}));
    QCOMPARE(m_http.patch(V + QStringLiteral("/sobjects/Account/") + id, {{QStringLiteral("Name"), QStringLiteral("CRUD Co 2")}}).status, 204);
    const QJsonObject updated = m_http.get(V + QStringLiteral("/sobjects/Account/") + id).object();
    QCOMPARE(updated.value(QStringLiteral("Name")).toString(), QStringLiteral("CRUD Co 2"));
    QVERIFY(updated.value(QStringLiteral("SystemModstamp")).toString() > created.value(QStringLiteral("SystemModstamp")).toString());
    QCOMPARE(m_http.call("DELETE", V + QStringLiteral("/sobjects/Account/") + id).status, 204);
    r = m_http.call("DELETE", V + QStringLiteral("/sobjects/Account/") + id);
    QCOMPARE(r.status, 404);
    QCOMPARE(r.firstErrorCode(), QStringLiteral("ENTITY_IS_DELETED"));
    QCOMPARE(m_http.get(V + QStringLiteral("/sobjects/Account/") + id).status, 404);
    QCOMPARE(m_http.get(Http::q(QStringLiteral("SELECT Id FROM Account WHERE Id = '%1'").arg(id))).object().value(QStringLiteral("totalSize")).toInt(), 0);
    r = m_http.get(V + QStringLiteral("/queryAll?q=") + QString::fromLatin1(QUrl::toPercentEncoding(QStringLiteral("SELECT Id, IsDeleted FROM Account WHERE Id = '%1'").arg(id))));
    QCOMPARE(r.object().value(QStringLiteral("records")).toArray().at(0).toObject().value(QStringLiteral("IsDeleted")).toBool(), true);
    r = m_http.post(V + QStringLiteral("/sobjects/Account"), QJsonDocument(QJsonObject{{QStringLiteral("Name"), QStringLiteral("X")}, {QStringLiteral("Id"), id}}));
    QCOMPARE(r.status, 400);
    QCOMPARE(r.firstErrorCode(), QStringLiteral("INVALID_FIELD"));
    r = m_http.patch(V + QStringLiteral("/sobjects/Account/001xyz"), {{QStringLiteral("Name"), QStringLiteral("X")}});
    QCOMPARE(r.firstErrorCode(), QStringLiteral("MALFORMED_ID"));
}

void TestSimApi::validationErrors()
{
    struct Case
    {
        const char *object;
        QJsonObject body;
        const char *code;
        const char *field;
    };
    const QString account = m_http.get(Http::q(QStringLiteral("SELECT Id FROM Account LIMIT 1"))).object().value(QStringLiteral("records")).toArray().at(0).toObject().value(QStringLiteral("Id")).toString();
    const QString erp = m_http.get(Http::q(QStringLiteral("SELECT ERP_Id__c FROM Account WHERE ERP_Id__c != null LIMIT 1"))).object().value(QStringLiteral("records")).toArray().at(0).toObject().value(QStringLiteral("ERP_Id__c")).toString();
    const QList<Case> cases = {
        {"Account", {{QStringLiteral("Description"), QStringLiteral("no name")}}, "REQUIRED_FIELD_MISSING", "Name"},
        {"Account", {{QStringLiteral("Name"), QStringLiteral("x")}, {QStringLiteral("BillingCity"), QString(41, QLatin1Char('c'))}}, "STRING_TOO_LONG", "BillingCity"},
        {"Account", {{QStringLiteral("Name"), QStringLiteral("x")}, {QStringLiteral("Tier__c"), QStringLiteral("Platinum")}}, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", "Tier__c"},
        {"Account", {{QStringLiteral("Name"), QStringLiteral("x")}, {QStringLiteral("NumberOfEmployees"), QStringLiteral("abc")}}, "INVALID_TYPE_ON_FIELD_IN_RECORD", "NumberOfEmployees"},
        {"Account", {{QStringLiteral("Name"), QStringLiteral("x")}, {QStringLiteral("Customer_Since__c"), QStringLiteral("2024-13-01")}}, "INVALID_TYPE_ON_FIELD_IN_RECORD", "Customer_Since__c"},
        {"Account", {{QStringLiteral("Name"), QStringLiteral("x")}, {QStringLiteral("Foo__c"), 1}}, "INVALID_FIELD", nullptr},
        {"Account", {{QStringLiteral("Name"), QStringLiteral("x")}, {QStringLiteral("ERP_Id__c"), erp}}, "DUPLICATE_VALUE", nullptr},
        {"Contact", {{QStringLiteral("LastName"), QStringLiteral("x")}, {QStringLiteral("AccountId"), QStringLiteral("001xyz")}}, "MALFORMED_ID", "AccountId"},
        {"Contact", {{QStringLiteral("LastName"), QStringLiteral("x")}, {QStringLiteral("AccountId"), QStringLiteral("0015g000000zzzzAAA")}}, "INVALID_CROSS_REFERENCE_KEY", "AccountId"},
        {"Opportunity", {{QStringLiteral("Name"), QStringLiteral("x")}, {QStringLiteral("StageName"), QStringLiteral("Prospecting")}, {QStringLiteral("CloseDate"), QStringLiteral("2025-01-01")}, {QStringLiteral("Amount"), -5}}, "FIELD_CUSTOM_VALIDATION_EXCEPTION", "Amount"},
        {"Account", {{QStringLiteral("Name"), QStringLiteral("x")}, {QStringLiteral("CreatedDate"), QStringLiteral("2024-01-01T00:00:00Z")}}, "INVALID_FIELD_FOR_INSERT_UPDATE", "CreatedDate"},
    };
    Q_UNUSED(account);
    for (const Case &c : cases) {
        const Response r = m_http.post(V + QStringLiteral("/sobjects/") + QLatin1String(c.object), QJsonDocument(c.body));
        QCOMPARE(r.status, 400);
        QCOMPARE(r.firstErrorCode(), QLatin1String(c.code));
        if (c.field)
            QCOMPARE(r.array().at(0).toObject().value(QStringLiteral("fields")).toArray().at(0).toString(), QLatin1String(c.field));
    }
}

void TestSimApi::conditionalWrites()
{
    const QString id = m_http.post(V + QStringLiteral("/sobjects/Account"), QJsonDocument(QJsonObject{{QStringLiteral("Name"), QStringLiteral("Cond")}})).object().value(QStringLiteral("id")).toString();
    const QByteArray past = "Mon, 01 Jan 2024 00:00:00 GMT";
    const QByteArray future = QLocale::c().toString(QDateTime::currentDateTimeUtc().addSecs(3600), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'")).toLatin1();
    Response r = m_http.patch(V + QStringLiteral("/sobjects/Account/") + id, {{QStringLiteral("Name"), QStringLiteral("Lost")}}, {{"If-Unmodified-Since", past}});
    QCOMPARE(r.status, 412);
    QCOMPARE(m_http.get(V + QStringLiteral("/sobjects/Account/") + id).object().value(QStringLiteral("Name")).toString(), QStringLiteral("Cond"));
    QCOMPARE(m_http.patch(V + QStringLiteral("/sobjects/Account/") + id, {{QStringLiteral("Name"), QStringLiteral("Won")}}, {{"If-Unmodified-Since", future}}).status, 204);
    QCOMPARE(m_http.call("DELETE", V + QStringLiteral("/sobjects/Account/") + id, {}, {{"If-Unmodified-Since", past}}).status, 412);
    QCOMPARE(m_http.call("DELETE", V + QStringLiteral("/sobjects/Account/") + id, {}, {{"If-Unmodified-Since", future}}).status, 204);
}

void TestSimApi::upsertByExternalId()
{
    Response r = m_http.patch(V + QStringLiteral("/sobjects/Account/ERP_Id__c/UPS-1"), {{QStringLiteral("Name"), QStringLiteral("Upsert Co")}});
    QCOMPARE(r.status, 201);
    QCOMPARE(r.object().value(QStringLiteral("created")).toBool(), true);
    const QString id = r.object().value(QStringLiteral("id")).toString();
    r = m_http.patch(V + QStringLiteral("/sobjects/Account/ERP_Id__c/ups-1"), {{QStringLiteral("Name"), QStringLiteral("Upsert Co 2")}});
    QCOMPARE(r.status, 200);
    QCOMPARE(r.object().value(QStringLiteral("created")).toBool(), false);
    QCOMPARE(r.object().value(QStringLiteral("id")).toString(), id);
    QCOMPARE(m_http.get(V + QStringLiteral("/sobjects/Account/ERP_Id__c/UPS-1")).object().value(QStringLiteral("Name")).toString(), QStringLiteral("Upsert Co 2"));
    QCOMPARE(m_http.patch(V + QStringLiteral("/sobjects/Account/Name/x"), {{QStringLiteral("Name"), QStringLiteral("y")}}).status, 404);
    // A non-unique external id that matches two records: 300 with their URLs.
    QCOMPARE(m_http.control("POST", QStringLiteral("/__sim/fields/Account"), {{QStringLiteral("name"), QStringLiteral("Legacy_Id__c")}, {QStringLiteral("type"), QStringLiteral("string")},
                                                                                {QStringLiteral("externalId"), true}, {QStringLiteral("unique"), false}}).status, 201);
    const QJsonArray two = m_http.get(Http::q(QStringLiteral("SELECT Id FROM Account ORDER BY Id LIMIT 2"))).object().value(QStringLiteral("records")).toArray();
    for (const QJsonValue &v : two)
        QCOMPARE(m_http.control("PATCH", QStringLiteral("/__sim/records/Account/") + v.toObject().value(QStringLiteral("Id")).toString(), {{QStringLiteral("Legacy_Id__c"), QStringLiteral("L-1")}}).status, 200);
    r = m_http.patch(V + QStringLiteral("/sobjects/Account/Legacy_Id__c/L-1"), {{QStringLiteral("Name"), QStringLiteral("Ambiguous")}});
    QCOMPARE(r.status, 300);
    QCOMPARE(r.array().size(), 2);
    QVERIFY(r.array().at(0).toString().startsWith(V + QStringLiteral("/sobjects/Account/001")));
}

void TestSimApi::compositeReferencesAndAllOrNone()
{
    const qint64 before = m_http.control("GET", QStringLiteral("/__sim/stats")).object().value(QStringLiteral("apiUsage")).toInteger();
    QJsonArray subs{
        QJsonObject{{QStringLiteral("method"), QStringLiteral("POST")}, {QStringLiteral("url"), V + QStringLiteral("/sobjects/Account")}, {QStringLiteral("referenceId"), QStringLiteral("acc")}, {QStringLiteral("body"), QJsonObject{{QStringLiteral("Name"), QStringLiteral("Composite Co")}}}},
        QJsonObject{{QStringLiteral("method"), QStringLiteral("POST")}, {QStringLiteral("url"), V + QStringLiteral("/sobjects/Contact")}, {QStringLiteral("referenceId"), QStringLiteral("con")}, {QStringLiteral("body"), QJsonObject{{QStringLiteral("LastName"), QStringLiteral("Ref")}, {QStringLiteral("AccountId"), QStringLiteral("@{acc.id}")}}}},
        QJsonObject{{QStringLiteral("method"), QStringLiteral("GET")}, {QStringLiteral("url"), V + QStringLiteral("/query?q=SELECT+Id,Account.Name+FROM+Contact+WHERE+Id='@{con.id}'")}, {QStringLiteral("referenceId"), QStringLiteral("q")}},
        QJsonObject{{QStringLiteral("method"), QStringLiteral("GET")}, {QStringLiteral("url"), V + QStringLiteral("/sobjects/Account/@{q.records[0].Account.attributes.url}")}, {QStringLiteral("referenceId"), QStringLiteral("bad")}},
    };
    subs.removeLast();
    Response r = m_http.post(V + QStringLiteral("/composite"), QJsonDocument(QJsonObject{{QStringLiteral("allOrNone"), true}, {QStringLiteral("compositeRequest"), subs}}));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("Sforce-Limit-Info"), "api-usage=" + QByteArray::number(before + 1) + "/1000000"); // counted once
    QJsonArray results = r.object().value(QStringLiteral("compositeResponse")).toArray();
    QCOMPARE(results.size(), 3);
    QCOMPARE(results[0].toObject().value(QStringLiteral("httpStatusCode")).toInt(), 201);
    QVERIFY(results[0].toObject().value(QStringLiteral("httpHeaders")).toObject().value(QStringLiteral("Location")).toString().contains(QStringLiteral("/sobjects/Account/001")));
    QCOMPARE(results[2].toObject().value(QStringLiteral("body")).toObject().value(QStringLiteral("records")).toArray().at(0).toObject()
                 .value(QStringLiteral("Account")).toObject().value(QStringLiteral("Name")).toString(), QStringLiteral("Composite Co"));
    QCOMPARE(results[2].toObject().value(QStringLiteral("referenceId")).toString(), QStringLiteral("q"));

    // allOrNone: the second fails, so the first is rolled back and reported as such.
    subs = QJsonArray{
        QJsonObject{{QStringLiteral("method"), QStringLiteral("POST")}, {QStringLiteral("url"), V + QStringLiteral("/sobjects/Account")}, {QStringLiteral("referenceId"), QStringLiteral("a1")}, {QStringLiteral("body"), QJsonObject{{QStringLiteral("Name"), QStringLiteral("Rolled Back Co")}}}},
        QJsonObject{{QStringLiteral("method"), QStringLiteral("POST")}, {QStringLiteral("url"), V + QStringLiteral("/sobjects/Contact")}, {QStringLiteral("referenceId"), QStringLiteral("c1")}, {QStringLiteral("body"), QJsonObject{{QStringLiteral("FirstName"), QStringLiteral("NoLast")}}}},
        QJsonObject{{QStringLiteral("method"), QStringLiteral("GET")}, {QStringLiteral("url"), V + QStringLiteral("/limits")}, {QStringLiteral("referenceId"), QStringLiteral("l1")}},
    };
    r = m_http.post(V + QStringLiteral("/composite"), QJsonDocument(QJsonObject{{QStringLiteral("allOrNone"), true}, {QStringLiteral("compositeRequest"), subs}}));
    results = r.object().value(QStringLiteral("compositeResponse")).toArray();
    QCOMPARE(results[0].toObject().value(QStringLiteral("body")).toArray().at(0).toObject().value(QStringLiteral("errorCode")).toString(), QStringLiteral("PROCESSING_HALTED"));
    QCOMPARE(results[1].toObject().value(QStringLiteral("body")).toArray().at(0).toObject().value(QStringLiteral("errorCode")).toString(), QStringLiteral("REQUIRED_FIELD_MISSING"));
    QCOMPARE(results[2].toObject().value(QStringLiteral("body")).toArray().at(0).toObject().value(QStringLiteral("errorCode")).toString(), QStringLiteral("PROCESSING_HALTED"));
    QCOMPARE(m_http.get(Http::q(QStringLiteral("SELECT COUNT() FROM Account WHERE Name = 'Rolled Back Co'"))).object().value(QStringLiteral("totalSize")).toInt(), 0);
    // Without allOrNone the first stays.
    r = m_http.post(V + QStringLiteral("/composite"), QJsonDocument(QJsonObject{{QStringLiteral("compositeRequest"), subs}}));
    QCOMPARE(m_http.get(Http::q(QStringLiteral("SELECT COUNT() FROM Account WHERE Name = 'Rolled Back Co'"))).object().value(QStringLiteral("totalSize")).toInt(), 1);
    // Limits: 25 subrequests, 5 queries.
    QJsonArray many;
    for (int i = 0; i < 26; ++i)
        many.append(QJsonObject{{QStringLiteral("method"), QStringLiteral("GET")}, {QStringLiteral("url"), V + QStringLiteral("/limits")}, {QStringLiteral("referenceId"), QStringLiteral("r%1").arg(i)}});
    QCOMPARE(m_http.post(V + QStringLiteral("/composite"), QJsonDocument(QJsonObject{{QStringLiteral("compositeRequest"), many}})).status, 400);
    QJsonArray queries;
    for (int i = 0; i < 6; ++i)
        queries.append(QJsonObject{{QStringLiteral("method"), QStringLiteral("GET")}, {QStringLiteral("url"), V + QStringLiteral("/query?q=SELECT+Id+FROM+Account+LIMIT+1")}, {QStringLiteral("referenceId"), QStringLiteral("q%1").arg(i)}});
    QCOMPARE(m_http.post(V + QStringLiteral("/composite"), QJsonDocument(QJsonObject{{QStringLiteral("compositeRequest"), queries}})).status, 400);
    queries.removeLast();
    r = m_http.post(V + QStringLiteral("/composite"), QJsonDocument(QJsonObject{{QStringLiteral("compositeRequest"), queries}}));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.object().value(QStringLiteral("compositeResponse")).toArray().size(), 5);
}

void TestSimApi::collectionsAllOrNone()
{
    QJsonArray records;
    for (int i = 0; i < 3; ++i)
        records.append(QJsonObject{{QStringLiteral("attributes"), QJsonObject{{QStringLiteral("type"), QStringLiteral("Account")}}}, {QStringLiteral("Name"), QStringLiteral("Coll %1").arg(i)}});
    records.append(QJsonObject{{QStringLiteral("attributes"), QJsonObject{{QStringLiteral("type"), QStringLiteral("Account")}}}, {QStringLiteral("Description"), QStringLiteral("no name")}});
    Response r = m_http.post(V + QStringLiteral("/composite/sobjects"), QJsonDocument(QJsonObject{{QStringLiteral("allOrNone"), true}, {QStringLiteral("records"), records}}));
    QCOMPARE(r.status, 200);
    QJsonArray results = r.array();
    QCOMPARE(results.size(), 4);
    for (int i = 0; i < 3; ++i) {
        const QJsonObject e = results[i].toObject().value(QStringLiteral("errors")).toArray().at(0).toObject();
        QCOMPARE(e.value(QStringLiteral("statusCode")).toString(), QStringLiteral("ALL_OR_NONE_OPERATION_ROLLED_BACK"));
        QVERIFY(!e.contains(QStringLiteral("errorCode")));
    }
    QCOMPARE(results[3].toObject().value(QStringLiteral("errors")).toArray().at(0).toObject().value(QStringLiteral("statusCode")).toString(), QStringLiteral("REQUIRED_FIELD_MISSING"));
    QCOMPARE(m_http.get(Http::q(QStringLiteral("SELECT COUNT() FROM Account WHERE Name LIKE 'Coll %'"))).object().value(QStringLiteral("totalSize")).toInt(), 0);
    // Without allOrNone the valid ones are saved.
    r = m_http.post(V + QStringLiteral("/composite/sobjects"), QJsonDocument(QJsonObject{{QStringLiteral("records"), records}}));
    results = r.array();
    QStringList ids;
    for (int i = 0; i < 3; ++i) {
        QVERIFY(results[i].toObject().value(QStringLiteral("success")).toBool());
        ids.append(results[i].toObject().value(QStringLiteral("id")).toString());
    }
    QVERIFY(!results[3].toObject().value(QStringLiteral("success")).toBool());
    // Update and delete collections.
    QJsonArray updates;
    for (const QString &id : ids)
        updates.append(QJsonObject{{QStringLiteral("attributes"), QJsonObject{{QStringLiteral("type"), QStringLiteral("Account")}}}, {QStringLiteral("Id"), id}, {QStringLiteral("Rating"), QStringLiteral("Hot")}});
    r = m_http.patch(V + QStringLiteral("/composite/sobjects"), {{QStringLiteral("allOrNone"), true}, {QStringLiteral("records"), updates}});
    for (const QJsonValue &v : r.array())
        QVERIFY(v.toObject().value(QStringLiteral("success")).toBool());
    r = m_http.call("DELETE", V + QStringLiteral("/composite/sobjects?allOrNone=true&ids=") + ids.join(QLatin1Char(',')));
    QCOMPARE(r.array().size(), 3);
    QVERIFY(r.array().at(0).toObject().value(QStringLiteral("success")).toBool());
    QJsonArray tooMany;
    for (int i = 0; i < 201; ++i)
        tooMany.append(records[0]);
    QCOMPARE(m_http.post(V + QStringLiteral("/composite/sobjects"), QJsonDocument(QJsonObject{{QStringLiteral("records"), tooMany}})).status, 400);
}

void TestSimApi::graphIsAtomicPerGraph()
{
    auto node = [](const QString &ref, const QJsonObject &body, const QString &object = QStringLiteral("Account")) {
        return QJsonObject{{QStringLiteral("method"), QStringLiteral("POST")}, {QStringLiteral("url"), V + QStringLiteral("/sobjects/") + object},
                           {QStringLiteral("referenceId"), ref}, {QStringLiteral("body"), body}};
    };
    const QJsonArray graphs{
        QJsonObject{{QStringLiteral("graphId"), QStringLiteral("good")}, {QStringLiteral("compositeRequest"), QJsonArray{
            node(QStringLiteral("a"), {{QStringLiteral("Name"), QStringLiteral("Graph Good")}}),
            node(QStringLiteral("c"), {{QStringLiteral("LastName"), QStringLiteral("G")}, {QStringLiteral("AccountId"), QStringLiteral("@{a.id}")}}, QStringLiteral("Contact"))}}},
        QJsonObject{{QStringLiteral("graphId"), QStringLiteral("bad")}, {QStringLiteral("compositeRequest"), QJsonArray{
            node(QStringLiteral("a"), {{QStringLiteral("Name"), QStringLiteral("Graph Bad")}}),
            node(QStringLiteral("c"), {{QStringLiteral("FirstName"), QStringLiteral("NoLast")}}, QStringLiteral("Contact"))}}}};
    const Response r = m_http.post(V + QStringLiteral("/composite/graph"), QJsonDocument(QJsonObject{{QStringLiteral("graphs"), graphs}}));
    QCOMPARE(r.status, 200);
    const QJsonArray out = r.object().value(QStringLiteral("graphs")).toArray();
    QCOMPARE(out[0].toObject().value(QStringLiteral("isSuccessful")).toBool(), true);
    QCOMPARE(out[1].toObject().value(QStringLiteral("isSuccessful")).toBool(), false);
    QCOMPARE(out[1].toObject().value(QStringLiteral("graphResponse")).toObject().value(QStringLiteral("compositeResponse")).toArray().size(), 2);
    QCOMPARE(m_http.get(Http::q(QStringLiteral("SELECT COUNT() FROM Account WHERE Name = 'Graph Good'"))).object().value(QStringLiteral("totalSize")).toInt(), 1);
    QCOMPARE(m_http.get(Http::q(QStringLiteral("SELECT COUNT() FROM Account WHERE Name = 'Graph Bad'"))).object().value(QStringLiteral("totalSize")).toInt(), 0);
}

void TestSimApi::bulkQueryPaging()
{
    Response r = m_http.post(V + QStringLiteral("/jobs/query"), QJsonDocument(QJsonObject{{QStringLiteral("operation"), QStringLiteral("query")}, {QStringLiteral("query"), QStringLiteral("SELECT Id, Name, Account.Name FROM Contact")}}));
    QCOMPARE(r.status, 200);
    const QString id = r.object().value(QStringLiteral("id")).toString();
    QVERIFY(id.startsWith(QStringLiteral("750")));
    QCOMPARE(r.object().value(QStringLiteral("state")).toString(), QStringLiteral("UploadComplete"));
    const Response early = m_http.get(V + QStringLiteral("/jobs/query/%1/results").arg(id));
    QCOMPARE(early.status, 412);
    QCOMPARE(early.firstErrorCode(), QStringLiteral("JOB_NOT_COMPLETE"));
    QTRY_COMPARE_WITH_TIMEOUT(m_http.get(V + QStringLiteral("/jobs/query/") + id).object().value(QStringLiteral("state")).toString(), QStringLiteral("JobComplete"), 20000);
    const int contacts = m_http.get(Http::q(QStringLiteral("SELECT COUNT() FROM Contact"))).object().value(QStringLiteral("totalSize")).toInt();
    QVERIFY(contacts >= 500);
    QCOMPARE(m_http.get(V + QStringLiteral("/jobs/query/") + id).object().value(QStringLiteral("numberRecordsProcessed")).toInt(), contacts);
    QString locator;
    QSet<QByteArray> ids;
    int pages = 0;
    do {
        r = m_http.get(V + QStringLiteral("/jobs/query/%1/results?maxRecords=200%2").arg(id, locator.isEmpty() ? QString() : QStringLiteral("&locator=") + locator));
        QCOMPARE(r.status, 200);
        QVERIFY(r.header("Content-Type").startsWith("text/csv"));
        QList<QByteArray> lines = r.body.split('\n');
        QCOMPARE(lines.takeFirst(), QByteArray("\"Id\",\"Name\",\"Account.Name\""));
        if (lines.last().isEmpty())
            lines.removeLast();
        QCOMPARE(QByteArray::number(lines.size()), r.header("Sforce-NumberOfRecords"));
        for (const QByteArray &line : lines)
            ids.insert(line.left(20));
        locator = QString::fromLatin1(r.header("Sforce-Locator"));
        ++pages;
    } while (locator != QLatin1String("null"));
    QCOMPARE(pages, 3);
    QCOMPARE(ids.size(), contacts);
    // queryAll includes deleted rows.
    const QString doomed = m_http.post(V + QStringLiteral("/sobjects/Contact"), QJsonDocument(QJsonObject{{QStringLiteral("LastName"), QStringLiteral("Doomed")}})).object().value(QStringLiteral("id")).toString();
    QCOMPARE(m_http.call("DELETE", V + QStringLiteral("/sobjects/Contact/") + doomed).status, 204);
    r = m_http.post(V + QStringLiteral("/jobs/query"), QJsonDocument(QJsonObject{{QStringLiteral("operation"), QStringLiteral("queryAll")}, {QStringLiteral("query"), QStringLiteral("SELECT Id, IsDeleted FROM Contact WHERE LastName = 'Doomed'")}}));
    const QString allId = r.object().value(QStringLiteral("id")).toString();
    QTRY_COMPARE_WITH_TIMEOUT(m_http.get(V + QStringLiteral("/jobs/query/") + allId).object().value(QStringLiteral("state")).toString(), QStringLiteral("JobComplete"), 20000);
    r = m_http.get(V + QStringLiteral("/jobs/query/%1/results").arg(allId));
    QVERIFY2(r.body.contains(doomed.toLatin1() + "\",\"true\""), r.body.constData());
    QCOMPARE(r.header("Sforce-Locator"), QByteArray("null"));
}

void TestSimApi::bulkErrorsAndAbort()
{
    Response r = m_http.post(V + QStringLiteral("/jobs/query"), QJsonDocument(QJsonObject{{QStringLiteral("operation"), QStringLiteral("insert")}, {QStringLiteral("query"), QStringLiteral("SELECT Id FROM Account")}}));
    QCOMPARE(r.status, 400);
    r = m_http.post(V + QStringLiteral("/jobs/query"), QJsonDocument(QJsonObject{{QStringLiteral("operation"), QStringLiteral("query")}, {QStringLiteral("query"), QStringLiteral("SELECT Id, Foo FROM Account")}}));
    QCOMPARE(r.status, 400);
    QCOMPARE(r.firstErrorCode(), QStringLiteral("INVALID_FIELD"));
    r = m_http.post(V + QStringLiteral("/jobs/query"), QJsonDocument(QJsonObject{{QStringLiteral("operation"), QStringLiteral("query")}, {QStringLiteral("query"), QStringLiteral("SELECT BillingAddress FROM Account")}}));
    QCOMPARE(r.status, 400);
    r = m_http.post(V + QStringLiteral("/jobs/query"), QJsonDocument(QJsonObject{{QStringLiteral("operation"), QStringLiteral("query")}, {QStringLiteral("query"), QStringLiteral("SELECT Id FROM Account")}}));
    const QString id = r.object().value(QStringLiteral("id")).toString();
    r = m_http.patch(V + QStringLiteral("/jobs/query/") + id, {{QStringLiteral("state"), QStringLiteral("Aborted")}});
    QCOMPARE(r.status, 200);
    QCOMPARE(m_http.get(V + QStringLiteral("/jobs/query/") + id).object().value(QStringLiteral("state")).toString(), QStringLiteral("Aborted"));
    QCOMPARE(m_http.get(V + QStringLiteral("/jobs/query/%1/results").arg(id)).status, 400);
    QCOMPARE(m_http.patch(V + QStringLiteral("/jobs/query/") + id, {{QStringLiteral("state"), QStringLiteral("Aborted")}}).status, 400);
    QCOMPARE(m_http.get(V + QStringLiteral("/jobs/query/7505g0000000zzzAAA")).status, 404);
    QCOMPARE(m_http.call("DELETE", V + QStringLiteral("/jobs/query/") + id).status, 204);
}

void TestSimApi::accounting()
{
    SimProcess sim({QStringLiteral("--daily-limit"), QStringLiteral("5"), QStringLiteral("--generate"), QStringLiteral("Account=3")});
    QString why;
    QVERIFY2(sim.start(&why), qPrintable(why));
    Http http;
    http.base = sim.baseUrl();
    http.token = sim.fetchAccessToken(&why);
    QCOMPARE(http.get(V + QStringLiteral("/limits")).header("Sforce-Limit-Info"), QByteArray("api-usage=1/5"));
    const QJsonObject limits = http.get(V + QStringLiteral("/limits")).object();
    QCOMPARE(limits.value(QStringLiteral("DailyApiRequests")).toObject().value(QStringLiteral("Max")).toInt(), 5);
    QCOMPARE(limits.value(QStringLiteral("DailyApiRequests")).toObject().value(QStringLiteral("Remaining")).toInt(), 3);
    // composite/batch counts each subrequest: 2 subrequests take usage from 2 to 4.
    QJsonArray batch{QJsonObject{{QStringLiteral("method"), QStringLiteral("GET")}, {QStringLiteral("url"), QStringLiteral("v59.0/limits")}},
                     QJsonObject{{QStringLiteral("method"), QStringLiteral("GET")}, {QStringLiteral("url"), QStringLiteral("v59.0/sobjects")}}};
    Response r = http.post(V + QStringLiteral("/composite/batch"), QJsonDocument(QJsonObject{{QStringLiteral("batchRequests"), batch}}));
    QCOMPARE(r.status, 200);
    QCOMPARE(r.object().value(QStringLiteral("results")).toArray().size(), 2);
    QCOMPARE(r.header("Sforce-Limit-Info"), QByteArray("api-usage=4/5"));
    QCOMPARE(http.get(V + QStringLiteral("/limits")).status, 200);
    r = http.get(V + QStringLiteral("/limits"));
    QCOMPARE(r.status, 403);
    QCOMPARE(r.firstErrorCode(), QStringLiteral("REQUEST_LIMIT_EXCEEDED"));
    QCOMPARE(r.array().at(0).toObject().value(QStringLiteral("message")).toString(), QStringLiteral("TotalRequests Limit exceeded."));
    QCOMPARE(r.header("Sforce-Limit-Info"), QByteArray("api-usage=5/5"));
    // /__sim/ is never counted and can lift the limit.
    QCOMPARE(http.control("POST", QStringLiteral("/__sim/usage"), {{QStringLiteral("used"), 0}}).status, 200);
    QCOMPARE(http.get(V + QStringLiteral("/limits")).status, 200);
}

void TestSimApi::faults()
{
    auto inject = [&](const QJsonObject &f) {
        const Response r = m_http.control("POST", QStringLiteral("/__sim/faults"), f);
        QCOMPARE(r.status, 201);
    };
    const QString limits = V + QStringLiteral("/limits");
    inject({{QStringLiteral("pattern"), QStringLiteral("/services/data/*/limits")}, {QStringLiteral("kind"), QStringLiteral("http500")}});
    Response r = m_http.get(limits);
    QCOMPARE(r.status, 500);
    QCOMPARE(r.firstErrorCode(), QStringLiteral("UNKNOWN_EXCEPTION"));
    QCOMPARE(m_http.get(limits).status, 200); // count 1: gone after one use

    inject({{QStringLiteral("pattern"), QStringLiteral("*/limits")}, {QStringLiteral("kind"), QStringLiteral("http503")}, {QStringLiteral("count"), 2}});
    QCOMPARE(m_http.get(limits).status, 503);
    QCOMPARE(m_http.get(limits).firstErrorCode(), QStringLiteral("SERVER_UNAVAILABLE"));
    QCOMPARE(m_http.get(limits).status, 200);

    inject({{QStringLiteral("pattern"), QStringLiteral("*/sobjects/Account")}, {QStringLiteral("method"), QStringLiteral("POST")}, {QStringLiteral("kind"), QStringLiteral("unable_to_lock_row")}});
    QCOMPARE(m_http.get(V + QStringLiteral("/sobjects/Account")).status, 200); // GET does not match
    r = m_http.post(V + QStringLiteral("/sobjects/Account"), QJsonDocument(QJsonObject{{QStringLiteral("Name"), QStringLiteral("Locked")}}));
    QCOMPARE(r.status, 400);
    QCOMPARE(r.firstErrorCode(), QStringLiteral("UNABLE_TO_LOCK_ROW"));

    // QNetworkAccessManager resends a GET once when a kept-alive connection closes
    // without an answer (as browsers do), so the drop has to happen twice.
    inject({{QStringLiteral("pattern"), QStringLiteral("*/limits")}, {QStringLiteral("kind"), QStringLiteral("drop")}, {QStringLiteral("count"), 2}});
    r = m_http.get(limits);
    QCOMPARE(r.status, 0);
    QVERIFY(r.error != QNetworkReply::NoError);
    QCOMPARE(m_http.get(limits).status, 200);

    inject({{QStringLiteral("pattern"), QStringLiteral("*/limits")}, {QStringLiteral("kind"), QStringLiteral("latency")}, {QStringLiteral("latencyMs"), 300}});
    QElapsedTimer timer;
    timer.start();
    QCOMPARE(m_http.get(limits).status, 200);
    QVERIFY(timer.elapsed() >= 300); // the delay happened (a lower bound, not a speed target)

    inject({{QStringLiteral("pattern"), QStringLiteral("*")}, {QStringLiteral("kind"), QStringLiteral("quota_exhausted")}});
    r = m_http.get(limits);
    QCOMPARE(r.status, 403);
    QCOMPARE(r.firstErrorCode(), QStringLiteral("REQUEST_LIMIT_EXCEEDED"));
    QCOMPARE(m_http.control("POST", QStringLiteral("/__sim/usage"), {{QStringLiteral("used"), 0}}).status, 200);

    QCOMPARE(m_http.control("GET", QStringLiteral("/__sim/faults")).array().size(), 0);
    inject({{QStringLiteral("pattern"), QStringLiteral("*/limits")}, {QStringLiteral("kind"), QStringLiteral("invalidate_session")}});
    QCOMPARE(m_http.get(limits).status, 401);
    QCOMPARE(m_http.get(limits).status, 401); // the session stays dead
    QString why;
    m_http.token = m_sim->fetchAccessToken(&why);
    QCOMPARE(m_http.get(limits).status, 200);

    QCOMPARE(m_http.control("POST", QStringLiteral("/__sim/faults"), {{QStringLiteral("kind"), QStringLiteral("gremlins")}}).status, 400);
    inject({{QStringLiteral("pattern"), QStringLiteral("*")}, {QStringLiteral("kind"), QStringLiteral("http503")}, {QStringLiteral("count"), -1}});
    QCOMPARE(m_http.get(limits).status, 503);
    QCOMPARE(m_http.get(limits).status, 503);
    QCOMPARE(m_http.control("DELETE", QStringLiteral("/__sim/faults")).status, 200);
    QCOMPARE(m_http.get(limits).status, 200);
}

void TestSimApi::replicationWindows()
{
    const QString now = QDateTime::currentDateTimeUtc().addSecs(120).toString(Qt::ISODate);
    const QString start = QDateTime::currentDateTimeUtc().addDays(-1).toString(Qt::ISODate);
    const QString id = m_http.post(V + QStringLiteral("/sobjects/Lead"), QJsonDocument(QJsonObject{{QStringLiteral("LastName"), QStringLiteral("Rep")}, {QStringLiteral("Company"), QStringLiteral("Rep Co")}})).object().value(QStringLiteral("id")).toString();
    // Covered up to the last whole minute: wait (by polling) until the new record's minute is over.
    QTRY_VERIFY_WITH_TIMEOUT(m_http.get(V + QStringLiteral("/sobjects/Lead/updated/?start=%1&end=%2").arg(start, now)).object()
                                 .value(QStringLiteral("ids")).toArray().contains(id), 75000);
    Response r = m_http.get(V + QStringLiteral("/sobjects/Lead/updated/?start=%1&end=%2").arg(start, now));
    QVERIFY(r.object().value(QStringLiteral("latestDateCovered")).toString().endsWith(QStringLiteral(":00.000+0000")));
    QCOMPARE(m_http.call("DELETE", V + QStringLiteral("/sobjects/Lead/") + id).status, 204);
    QTRY_VERIFY_WITH_TIMEOUT([&] {
        for (const QJsonValue &v : m_http.get(V + QStringLiteral("/sobjects/Lead/deleted/?start=%1&end=%2").arg(start, now)).object().value(QStringLiteral("deletedRecords")).toArray())
            if (v.toObject().value(QStringLiteral("id")).toString() == id)
                return true;
        return false;
    }(), 75000);
    r = m_http.get(V + QStringLiteral("/sobjects/Lead/updated/?start=%1&end=%2").arg(now, start));
    QCOMPARE(r.firstErrorCode(), QStringLiteral("INVALID_REPLICATION_DATE"));
    r = m_http.get(V + QStringLiteral("/sobjects/Lead/updated/?start=%1&end=%2").arg(QDateTime::currentDateTimeUtc().addDays(-31).toString(Qt::ISODate), now));
    QCOMPARE(r.firstErrorCode(), QStringLiteral("INVALID_REPLICATION_DATE"));
    r = m_http.get(V + QStringLiteral("/sobjects/Lead/deleted/?start=%1&end=%2").arg(QDateTime::currentDateTimeUtc().addDays(-16).toString(Qt::ISODate), now));
    QCOMPARE(r.firstErrorCode(), QStringLiteral("INVALID_REPLICATION_DATE"));
}

void TestSimApi::controlApi()
{
    Response r = m_http.control("POST", QStringLiteral("/__sim/records/Account"), {{QStringLiteral("Name"), QStringLiteral("From Salesforce")}});
    QCOMPARE(r.status, 201);
    const QString id = r.object().value(QStringLiteral("id")).toString();
    QCOMPARE(m_http.control("PATCH", QStringLiteral("/__sim/records/Account/") + id, {{QStringLiteral("Phone"), QStringLiteral("+1 555 0100")}}).status, 200);
    const QJsonObject rec = m_http.get(V + QStringLiteral("/sobjects/Account/") + id).object();
    QCOMPARE(rec.value(QStringLiteral("Phone")).toString(), QStringLiteral("+1 555 0100"));
    QCOMPARE(rec.value(QStringLiteral("LastModifiedById")).toString(), QStringLiteral("0055g0000000002AAA")); // the integration user
    QCOMPARE(m_http.control("POST", QStringLiteral("/__sim/records/Account"), {{QStringLiteral("Phone"), QStringLiteral("x")}}).status, 400);
    // A field added at runtime shows in describe and can be written and queried.
    QCOMPARE(m_http.control("POST", QStringLiteral("/__sim/fields/Account"), {{QStringLiteral("name"), QStringLiteral("Loyalty__c")}, {QStringLiteral("type"), QStringLiteral("int")}}).status, 201);
    bool described = false;
    for (const QJsonValue &f : m_http.get(V + QStringLiteral("/sobjects/Account/describe")).object().value(QStringLiteral("fields")).toArray())
        described |= f.toObject().value(QStringLiteral("name")).toString() == QLatin1String("Loyalty__c");
    QVERIFY(described);
    QCOMPARE(m_http.patch(V + QStringLiteral("/sobjects/Account/") + id, {{QStringLiteral("Loyalty__c"), 7}}).status, 204);
    QCOMPARE(m_http.get(Http::q(QStringLiteral("SELECT COUNT() FROM Account WHERE Loyalty__c = 7"))).object().value(QStringLiteral("totalSize")).toInt(), 1);
    // Purge: gone even from queryAll.
    QCOMPARE(m_http.control("DELETE", QStringLiteral("/__sim/records/Account/") + id).status, 200);
    QCOMPARE(m_http.control("POST", QStringLiteral("/__sim/purge"), {{QStringLiteral("ids"), QJsonArray{id}}}).object().value(QStringLiteral("purged")).toInt(), 1);
    r = m_http.get(V + QStringLiteral("/queryAll?q=") + QString::fromLatin1(QUrl::toPercentEncoding(QStringLiteral("SELECT Id FROM Account WHERE Id = '%1'").arg(id))));
    QCOMPARE(r.object().value(QStringLiteral("totalSize")).toInt(), 0);
    QCOMPARE(m_http.control("POST", QStringLiteral("/__sim/churn"), {{QStringLiteral("count"), 5}}).status, 200);
    const QJsonObject stats = m_http.control("GET", QStringLiteral("/__sim/stats")).object();
    QVERIFY(stats.value(QStringLiteral("recordsServed")).toInteger() > 0);
    QVERIFY(stats.value(QStringLiteral("calls")).toObject().value(QStringLiteral("GET /query")).toInteger() > 0);
    // Reset: back to the generated org, usage zero, session kept.
    QCOMPARE(m_http.control("POST", QStringLiteral("/__sim/reset")).status, 200);
    QCOMPARE(m_http.get(Http::q(QStringLiteral("SELECT COUNT() FROM Account"))).object().value(QStringLiteral("totalSize")).toInt(), 300);
    QCOMPARE(m_http.control("GET", QStringLiteral("/__sim/stats")).object().value(QStringLiteral("apiUsage")).toInteger(), 1);
}

void TestSimApi::historyHasOnlyCreatedDate()
{
    const QString id = m_http.post(V + QStringLiteral("/sobjects/Account"), QJsonDocument(QJsonObject{{QStringLiteral("Name"), QStringLiteral("Hist Co")}})).object().value(QStringLiteral("id")).toString();
    QCOMPARE(m_http.patch(V + QStringLiteral("/sobjects/Account/") + id, {{QStringLiteral("Name"), QStringLiteral("Hist Co 2")}, {QStringLiteral("Rating"), QStringLiteral("Hot")}}).status, 204);
    const Response r = m_http.get(Http::q(QStringLiteral("SELECT Id, Field, OldValue, NewValue, CreatedDate FROM AccountHistory WHERE AccountId = '%1' ORDER BY Field").arg(id)));
    QCOMPARE(r.status, 200);
    const QJsonArray rows = r.object().value(QStringLiteral("records")).toArray();
    QCOMPARE(rows.size(), 2);
    QCOMPARE(rows[0].toObject().value(QStringLiteral("Field")).toString(), QStringLiteral("Name"));
    QCOMPARE(rows[0].toObject().value(QStringLiteral("OldValue")).toString(), QStringLiteral("Hist Co"));
    QCOMPARE(rows[0].toObject().value(QStringLiteral("NewValue")).toString(), QStringLiteral("Hist Co 2"));
    QCOMPARE(rows[1].toObject().value(QStringLiteral("Field")).toString(), QStringLiteral("Rating"));
    QCOMPARE(m_http.get(Http::q(QStringLiteral("SELECT SystemModstamp FROM AccountHistory"))).firstErrorCode(), QStringLiteral("INVALID_FIELD"));
    const Response refused = m_http.post(V + QStringLiteral("/sobjects/AccountHistory"), QJsonDocument(QJsonObject{{QStringLiteral("Field"), QStringLiteral("Name")}}));
    QCOMPARE(refused.status, 400);
    QCOMPARE(refused.firstErrorCode(), QStringLiteral("INVALID_TYPE"));
}

void TestSimApi::everyObjectServesValidJson()
{
    // Generated data of every type must come out as valid JSON of the right kind.
    SimProcess sim({QStringLiteral("--seed"), QStringLiteral("7")}); // the default demo org: every object
    QString why;
    QVERIFY2(sim.start(&why), qPrintable(why));
    Http http;
    http.base = sim.baseUrl();
    http.token = sim.fetchAccessToken(&why);
    const QJsonArray objects = http.get(V + QStringLiteral("/sobjects")).object().value(QStringLiteral("sobjects")).toArray();
    for (const QJsonValue &o : objects) {
        const QString name = o.toObject().value(QStringLiteral("name")).toString();
        QStringList fields;
        QHash<QString, QString> types;
        for (const QJsonValue &f : http.get(V + QStringLiteral("/sobjects/%1/describe").arg(name)).object().value(QStringLiteral("fields")).toArray()) {
            fields.append(f.toObject().value(QStringLiteral("name")).toString());
            types.insert(fields.last(), f.toObject().value(QStringLiteral("type")).toString());
        }
        const Response r = http.get(Http::q(QStringLiteral("SELECT %1 FROM %2 LIMIT 200").arg(fields.join(QStringLiteral(", ")), name)));
        QVERIFY2(r.status == 200, qPrintable(name + QString::fromUtf8(r.body.left(400))));
        QJsonParseError error{};
        const QJsonDocument doc = QJsonDocument::fromJson(r.body, &error);
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(name + QStringLiteral(": ") + error.errorString()));
        const QJsonArray records = doc.object().value(QStringLiteral("records")).toArray();
        QVERIFY2(!records.isEmpty(), qPrintable(name));
        for (const QJsonValue &rec : records) {
            const QJsonObject row = rec.toObject();
            for (const QString &field : fields) {
                const QJsonValue v = row.value(field);
                const QString type = types.value(field);
                QVERIFY2(row.contains(field), qPrintable(name + QLatin1Char('.') + field));
                if (v.isNull())
                    continue;
                if (type == QLatin1String("boolean"))
                    QVERIFY2(v.isBool(), qPrintable(name + QLatin1Char('.') + field));
                else if (type == QLatin1String("int") || type == QLatin1String("double") || type == QLatin1String("currency")
                         || type == QLatin1String("percent") || type == QLatin1String("long"))
                    QVERIFY2(v.isDouble(), qPrintable(name + QLatin1Char('.') + field));
                else if (type == QLatin1String("address") || type == QLatin1String("location"))
                    QVERIFY2(v.isObject(), qPrintable(name + QLatin1Char('.') + field));
                else
                    QVERIFY2(v.isString(), qPrintable(name + QLatin1Char('.') + field));
            }
        }
    }
}

void TestSimApi::wideRowsGetSmallerPages()
{
    const Response r = m_http.get(Http::q(QStringLiteral("SELECT Id, Description, Name FROM Contact")), {{"Sforce-Query-Options", "batchSize=2000"}});
    QCOMPARE(r.object().value(QStringLiteral("records")).toArray().size(), 500); // one long text field: no change
    SimProcess sim({QStringLiteral("--generate"), QStringLiteral("Invoice__c=300,Account=5")});
    QString why;
    QVERIFY2(sim.start(&why), qPrintable(why));
    Http http;
    http.base = sim.baseUrl();
    http.token = sim.fetchAccessToken(&why);
    QVERIFY(http.control("POST", QStringLiteral("/__sim/fields/Invoice__c"), {{QStringLiteral("name"), QStringLiteral("Terms__c")}, {QStringLiteral("type"), QStringLiteral("textarea")}}).status == 201);
    const Response wide = http.get(Http::q(QStringLiteral("SELECT Id, Notes__c, Terms__c FROM Invoice__c")));
    QCOMPARE(wide.object().value(QStringLiteral("records")).toArray().size(), 200);
    QCOMPARE(wide.object().value(QStringLiteral("totalSize")).toInt(), 300);
}

void TestSimApi::churnChangesRecordsAsAnotherUser()
{
    SimProcess sim({QStringLiteral("--churn"), QStringLiteral("20"), QStringLiteral("--generate"), QStringLiteral("Account=50,Contact=50,Opportunity=50")});
    QString why;
    QVERIFY2(sim.start(&why), qPrintable(why));
    Http http;
    http.base = sim.baseUrl();
    http.token = sim.fetchAccessToken(&why);
    const QString soql = QStringLiteral("SELECT COUNT() FROM Account WHERE LastModifiedById = '0055g0000000002AAA' AND LastModifiedDate = TODAY");
    QTRY_VERIFY_WITH_TIMEOUT(http.get(Http::q(soql)).object().value(QStringLiteral("totalSize")).toInt() > 0, 20000);
}

void TestSimApi::dataFileSurvivesRestart()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("org.dat"));
    const QStringList args{QStringLiteral("--data-file"), file, QStringLiteral("--generate"), QStringLiteral("Account=100")};
    QString id;
    {
        SimProcess sim(args);
        QString why;
        QVERIFY2(sim.start(&why), qPrintable(why));
        QVERIFY(QFile::exists(file)); // written right after generation
        Http http;
        http.base = sim.baseUrl();
        const Response r = http.control("POST", QStringLiteral("/__sim/records/Account"), {{QStringLiteral("Name"), QStringLiteral("Persisted Co")}});
        QCOMPARE(r.status, 201);
        id = r.object().value(QStringLiteral("id")).toString();
        QCOMPARE(http.control("POST", QStringLiteral("/__sim/fields/Account"), {{QStringLiteral("name"), QStringLiteral("Kept__c")}, {QStringLiteral("type"), QStringLiteral("string")}}).status, 201);
        QCOMPARE(http.control("PATCH", QStringLiteral("/__sim/records/Account/") + id, {{QStringLiteral("Kept__c"), QStringLiteral("yes")}}).status, 200);
        sim.process().terminate(); // SIGTERM: saves, then exits
        QVERIFY(sim.process().waitForFinished(30000));
        QCOMPARE(sim.process().exitCode(), 0);
    }
    SimProcess again(args);
    QString why;
    QVERIFY2(again.start(&why), qPrintable(why));
    QVERIFY2(again.output().contains("loaded 115 records"), again.output().constData()); // 100 Accounts, 10 AccountHistory, 2 Users, 1 Pricebook2, 1 Organization, 1 new
    Http http;
    http.base = again.baseUrl();
    http.token = again.fetchAccessToken(&why);
    const QJsonObject rec = http.get(V + QStringLiteral("/sobjects/Account/") + id).object();
    QCOMPARE(rec.value(QStringLiteral("Name")).toString(), QStringLiteral("Persisted Co"));
    QCOMPARE(rec.value(QStringLiteral("Kept__c")).toString(), QStringLiteral("yes"));
    // New Ids continue after the loaded ones.
    const QString next = http.post(V + QStringLiteral("/sobjects/Account"), QJsonDocument(QJsonObject{{QStringLiteral("Name"), QStringLiteral("After")}})).object().value(QStringLiteral("id")).toString();
    QVERIFY(next > id);
}

QTEST_GUILESS_MAIN(TestSimApi)
#include "tst_simapi.moc"
