#include "server.h"

#include "jsonwriter.h"
#include "sfid.h"
#include "simlog.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QFile>
#include <QHttpServerRequest>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QMessageAuthenticationCode>
#include <QPointer>
#include <QRandomGenerator>
#include <QTcpSocket>
#include <QTimer>

namespace tether::sim {

namespace {

const char DefaultClientId[] = "3MVG9TetherSimDefaultConnectedApp.LocalOnly.x8Q2vB7nK4mZ1pR6tY9wE3sA5dF0gH";
const char DefaultClientSecret[] = "7D3C1B9A8F6E4D2C0B1A9F8E7D6C5B4A3F2E1D0C9B8A7F6E5D4C3B2A1F0E9D8C";
const char DefaultPassword[] = "tether-sim";

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 300: return "Multiple Choices";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 412: return "Precondition Failed";
    case 414: return "URI Too Long";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
    }
}

QByteArray methodName(QHttpServerRequest::Method m)
{
    switch (m) {
    case QHttpServerRequest::Method::Get: return "GET";
    case QHttpServerRequest::Method::Put: return "PUT";
    case QHttpServerRequest::Method::Delete: return "DELETE";
    case QHttpServerRequest::Method::Post: return "POST";
    case QHttpServerRequest::Method::Head: return "HEAD";
    case QHttpServerRequest::Method::Options: return "OPTIONS";
    case QHttpServerRequest::Method::Patch: return "PATCH";
    default: return "OTHER";
    }
}

QByteArray httpDate(qint64 ms)
{
    return QLocale::c().toString(QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'")).toLatin1();
}

qint64 parseHttpDate(const QByteArray &text)
{
    QDateTime dt = QLocale::c().toDateTime(QString::fromLatin1(text.trimmed()), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"));
    if (!dt.isValid())
        return -1;
    dt.setTimeSpec(Qt::UTC);
    return dt.toMSecsSinceEpoch();
}

QByteArray randomToken(int length)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._";
    QByteArray out(length, Qt::Uninitialized);
    for (int i = 0; i < length; ++i)
        out[i] = alphabet[QRandomGenerator::system()->bounded(64)];
    return out;
}

// Query strings as browsers and HTTP clients send them: '+' means a space.
QUrlQuery formQuery(const QUrl &url)
{
    QString query = url.query(QUrl::FullyEncoded);
    query.replace(QLatin1Char('+'), QStringLiteral("%20"));
    return QUrlQuery(query);
}

QString htmlEscape(const QString &s)
{
    return s.toHtmlEscaped();
}

} // namespace

Reply jsonReply(int status, QByteArray body)
{
    Reply r;
    r.status = status;
    r.body = std::move(body);
    return r;
}

Reply errorReply(int status, const QByteArray &code, const QString &message, const QStringList &fields = {})
{
    QByteArray body = "[{\"message\":";
    appendJsonString(body, message);
    body += ",\"errorCode\":\"" + code + '"';
    if (!fields.isEmpty()) {
        body += ",\"fields\":[";
        for (int i = 0; i < fields.size(); ++i) {
            if (i)
                body += ',';
            appendJsonString(body, fields[i]);
        }
        body += ']';
    }
    body += "}]";
    return jsonReply(status, body);
}

Reply oauthError(int status, const char *error, const char *description)
{
    QByteArray body = "{\"error\":\"";
    body += error;
    body += "\",\"error_description\":\"";
    body += description;
    body += "\"}";
    return jsonReply(status, body);
}

SimServer::SimServer(const SimOptions &options, QObject *parent)
    : QAbstractHttpServer(parent), m_options(options), m_org(std::make_unique<Org>())
{
    ConnectedApp app;
    app.clientId = DefaultClientId;
    app.secret = DefaultClientSecret;
    app.callbacks = QStringList{QStringLiteral("http://localhost:1717/OauthRedirect"),
                                QStringLiteral("http://127.0.0.1:1717/OauthRedirect"),
                                QStringLiteral("http://localhost:8765/callback"),
                                QStringLiteral("http://127.0.0.1:8765/callback")}
                    + options.extraCallbacks;
    m_apps.append(app);
    if (options.churnPerSecond > 0) {
        m_churnTimer = new QTimer(this);
        m_churnTimer->setInterval(1000);
        connect(m_churnTimer, &QTimer::timeout, this, [this] { m_org->churn(m_options.churnPerSecond); });
        m_churnTimer->start();
    }
}

SimServer::~SimServer() = default;

bool SimServer::prepareOrg(QString *why)
{
    QElapsedTimer timer;
    timer.start();
    if (!m_options.dataFile.isEmpty() && QFile::exists(m_options.dataFile)) {
        if (!m_org->load(m_options.dataFile, why))
            return false;
        qCInfo(lcSim, "loaded %lld records from %s in %lld ms", m_org->recordCount(),
               qPrintable(m_options.dataFile), timer.elapsed());
        m_savedModstamp = m_org->lastModstampMs();
        return true;
    }
    QMap<QString, int> counts = m_options.generate;
    if (counts.isEmpty()) {
        counts = {{QStringLiteral("Account"), 200}, {QStringLiteral("Contact"), 500},
                  {QStringLiteral("Lead"), 200}, {QStringLiteral("Opportunity"), 300},
                  {QStringLiteral("Case"), 150}, {QStringLiteral("Task"), 300},
                  {QStringLiteral("Campaign"), 10}, {QStringLiteral("Product2"), 20},
                  {QStringLiteral("Pricebook2"), 2}, {QStringLiteral("PricebookEntry"), 20},
                  {QStringLiteral("User"), 10}, {QStringLiteral("Invoice__c"), 200},
                  {QStringLiteral("Shipment__c"), 100}};
    }
    for (auto it = counts.begin(); it != counts.end(); ++it) {
        if (!m_org->table(it.key())) {
            if (why)
                *why = QStringLiteral("--generate names '%1', which is not an object of tether-sim.").arg(it.key());
            return false;
        }
    }
    QMap<QString, int> canonical;
    for (auto it = counts.begin(); it != counts.end(); ++it)
        canonical.insert(m_org->table(it.key())->def.name, it.value());
    m_options.generate = canonical;
    m_org->generate(canonical, m_options.seed);
    qCInfo(lcSim, "generated %lld records in %lld ms", m_org->recordCount(), timer.elapsed());
    if (!m_options.dataFile.isEmpty()) {
        if (!m_org->save(m_options.dataFile, why))
            return false;
        m_savedModstamp = m_org->lastModstampMs();
    }
    return true;
}

bool SimServer::saveIfChanged()
{
    if (m_options.dataFile.isEmpty() || m_savedModstamp == m_org->lastModstampMs())
        return true;
    QString why;
    if (!m_org->save(m_options.dataFile, &why)) {
        qCWarning(lcSim, "%s", qPrintable(why));
        return false;
    }
    m_savedModstamp = m_org->lastModstampMs();
    return true;
}

void SimServer::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    send(socket, request, errorReply(404, "NOT_FOUND", QStringLiteral("The requested resource does not exist")));
}

bool SimServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    Reply reply = route(request);
    // QT_LOGGING_RULES="tether.sim.debug=true" shows every call.
    qCDebug(lcSim, "%s %s -> %d (%lld bytes%s)", methodName(request.method()).constData(),
            qPrintable(request.url().path()), reply.status, qint64(reply.body.size()), reply.drop ? ", dropped" : "");
    send(socket, request, std::move(reply));
    return true;
}

void SimServer::send(QTcpSocket *socket, const QHttpServerRequest &request, Reply reply)
{
    const bool close = request.value("connection").compare("close", Qt::CaseInsensitive) == 0;
    auto write = [reply = std::move(reply), close](QTcpSocket *s) {
        if (reply.drop) {
            s->abort();
            return;
        }
        QByteArray head = "HTTP/1.1 " + QByteArray::number(reply.status) + ' ' + reasonPhrase(reply.status) + "\r\n";
        head += "Date: " + httpDate(QDateTime::currentMSecsSinceEpoch()) + "\r\n";
        const bool noBody = reply.status == 204 || reply.status == 304;
        if (!noBody && !reply.contentType.isEmpty())
            head += "Content-Type: " + reply.contentType + "\r\n";
        for (const auto &h : reply.headers)
            head += h.first + ": " + h.second + "\r\n";
        const bool chunked = !noBody && reply.bodyParts;
        if (chunked)
            head += "Transfer-Encoding: chunked\r\n";
        else if (!noBody)
            head += "Content-Length: " + QByteArray::number(reply.body.size()) + "\r\n";
        if (close)
            head += "Connection: close\r\n";
        head += "\r\n";
        s->write(head);
        if (chunked) {
            sendChunked(s, reply.bodyParts, close);
            return;
        }
        if (!noBody)
            s->write(reply.body);
        if (close)
            s->disconnectFromHost();
    };
    if (reply.delayMs > 0) {
        QPointer<QTcpSocket> guard(socket);
        QTimer::singleShot(reply.delayMs, this, [guard, write = std::move(write)]() mutable {
            if (guard && guard->state() == QAbstractSocket::ConnectedState)
                write(guard.data());
        });
        return;
    }
    write(socket);
}

// Writes the parts of a body as HTTP chunks while the socket takes them:
// at most about a megabyte waits in the socket's buffer; the next parts are
// built when it drains.
void SimServer::sendChunked(QTcpSocket *socket, std::function<bool(QByteArray &)> parts, bool close)
{
    struct Pump
    {
        std::function<bool(QByteArray &)> parts;
        QByteArray part;
        bool done = false;
        QMetaObject::Connection drained;
    };
    auto pump = std::make_shared<Pump>();
    pump->parts = std::move(parts);
    auto fill = [socket, pump, close] {
        constexpr qint64 MaxBuffered = 1 << 20;
        while (!pump->done && socket->bytesToWrite() < MaxBuffered) {
            pump->part.clear();
            const bool more = pump->parts(pump->part);
            if (!pump->part.isEmpty()) {
                socket->write(QByteArray::number(pump->part.size(), 16) + "\r\n");
                socket->write(pump->part);
                socket->write("\r\n", 2);
            }
            if (more)
                continue;
            pump->done = true;
            socket->write("0\r\n\r\n");
            QObject::disconnect(pump->drained);
            if (close)
                socket->disconnectFromHost();
        }
    };
    pump->drained = connect(socket, &QTcpSocket::bytesWritten, socket, fill);
    fill();
}

QByteArray Reply::wholeBody() const
{
    if (!bodyParts)
        return body;
    QByteArray whole;
    auto parts = bodyParts; // a copy: each call moves it on
    while (parts(whole)) {
    }
    return whole;
}

Reply SimServer::route(const QHttpServerRequest &request)
{
    const QString path = request.url().path();
    if (path.startsWith(QLatin1String("/__sim/")) || path == QLatin1String("/__sim"))
        return handleControl(request, path);

    Reply reply;
    if (request.url().toEncoded().size() > 16384) {
        reply = errorReply(414, "URI_TOO_LONG", QStringLiteral("The request URI is longer than 16,384 bytes; send long SOQL through Bulk API 2.0 or shorten it."));
    } else if (path.startsWith(QLatin1String("/services/oauth2/")) || path.startsWith(QLatin1String("/id/"))) {
        reply = handleOAuth(request, path);
    } else if (path == QLatin1String("/services/data") || path == QLatin1String("/services/data/")) {
        QByteArray body = "[";
        for (int v = 31; v <= 62; ++v) {
            if (v > 31)
                body += ',';
            const QByteArray version = QByteArray::number(v) + ".0";
            body += "{\"label\":\"" + QByteArray(v >= 59 ? "Winter '24" : "Salesforce") + "\",\"url\":\"/services/data/v" + version
                    + "\",\"version\":\"" + version + "\"}";
        }
        body += ']';
        reply = jsonReply(200, body);
    } else if (path.startsWith(QLatin1String("/services/data/v"))) {
        static const QRegularExpression versioned(QStringLiteral("^/services/data/v(\\d+\\.\\d)(/.*)?$"));
        const QRegularExpressionMatch m = versioned.match(path);
        const double version = m.hasMatch() ? m.captured(1).toDouble() : 0;
        if (!m.hasMatch() || version < 31.0 || version > 62.0) {
            reply = errorReply(404, "NOT_FOUND", QStringLiteral("The requested resource does not exist"));
        } else {
            DataRequest r;
            r.method = methodName(request.method());
            r.version = m.captured(1).toLatin1();
            r.path = m.captured(2);
            r.query = formQuery(request.url());
            for (const auto &h : request.headers())
                r.headers.insert(h.first.toLower(), h.second);
            r.body = request.body();
            reply = handleData(r, true);
            QString key = QString::fromLatin1(r.method) + QLatin1Char(' ') + r.path;
            static const QRegularExpression ids(QStringLiteral("/[a-zA-Z0-9]{3}5g0[a-zA-Z0-9]{9,12}"));
            key.replace(ids, QStringLiteral("/{id}"));
            static const QRegularExpression locators(QStringLiteral("/01g[a-zA-Z0-9]{15}-\\d+"));
            key.replace(locators, QStringLiteral("/{locator}"));
            ++m_callsByEndpoint[key];
        }
    } else {
        reply = errorReply(404, "NOT_FOUND", QStringLiteral("The requested resource does not exist"));
    }
    if (m_options.latencyMs > 0)
        reply.delayMs += m_options.latencyMs;
    return reply;
}

// ---------------------------------------------------------------- OAuth

const SimServer::ConnectedApp *SimServer::app(const QByteArray &clientId) const
{
    for (const ConnectedApp &a : m_apps)
        if (a.clientId == clientId)
            return &a;
    return nullptr;
}

QByteArray SimServer::issueSession(const QByteArray &userId, const QByteArray &clientId, bool withRefresh,
                                   QByteArray *refreshOut)
{
    const QByteArray token = m_org->orgId().left(15) + '!' + randomToken(96);
    Session s;
    s.userId = userId;
    s.clientId = clientId;
    s.issuedMs = nowMs();
    if (withRefresh) {
        if (refreshOut->isEmpty())
            *refreshOut = "5Aep861" + randomToken(80);
        s.refreshToken = *refreshOut;
        m_refreshTokens.insert(*refreshOut, s);
    }
    m_sessions.insert(token, s);
    return token;
}

QByteArray SimServer::authenticatedUser(const QHash<QByteArray, QByteArray> &headers)
{
    const QByteArray auth = headers.value("authorization");
    QByteArray token;
    if (auth.startsWith("Bearer ") || auth.startsWith("OAuth "))
        token = auth.mid(auth.indexOf(' ') + 1).trimmed();
    auto it = m_sessions.find(token);
    if (token.isEmpty() || it == m_sessions.end())
        return {};
    if (nowMs() - it->issuedMs > qint64(m_options.sessionTtlSeconds) * 1000) {
        m_sessions.erase(it);
        return {};
    }
    return it->userId;
}

Reply SimServer::authorizePage(const QUrlQuery &params, const QString &problem)
{
    QString hidden;
    for (const auto &item : params.queryItems(QUrl::FullyDecoded)) {
        if (item.first == QLatin1String("username") || item.first == QLatin1String("password") || item.first == QLatin1String("action"))
            continue;
        hidden += QStringLiteral("<input type=\"hidden\" name=\"%1\" value=\"%2\">\n")
                      .arg(htmlEscape(item.first), htmlEscape(item.second));
    }
    const QString html = QStringLiteral(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Login | Salesforce (tether-sim)</title>"
        "<style>body{font-family:sans-serif;background:#f3f3f3}form{background:#fff;width:22em;margin:4em auto;padding:2em;"
        "border-radius:6px}label{display:block;margin-top:1em}input[type=text],input[type=password]{width:100%%}"
        ".error{color:#c23934}</style></head><body>\n"
        "<form method=\"post\" action=\"/services/oauth2/authorize\">\n<h1>tether-sim</h1>\n"
        "<p>Log in to the simulated Salesforce org and allow access.</p>\n%1"
        "<label for=\"username\">Username</label><input type=\"text\" id=\"username\" name=\"username\" value=\"admin@tether.sim\">\n"
        "<label for=\"password\">Password</label><input type=\"password\" id=\"password\" name=\"password\">\n"
        "<p>The app is requesting access to your basic information and to manage your data (api, refresh_token).</p>\n"
        "%2<button type=\"submit\" name=\"action\" value=\"allow\">Allow</button>\n"
        "<button type=\"submit\" name=\"action\" value=\"deny\">Deny</button>\n</form></body></html>\n")
        .arg(problem.isEmpty() ? QString() : QStringLiteral("<p class=\"error\">%1</p>\n").arg(htmlEscape(problem)), hidden);
    Reply r;
    r.contentType = "text/html;charset=UTF-8";
    r.body = html.toUtf8();
    return r;
}

Reply SimServer::handleOAuth(const QHttpServerRequest &request, const QString &path)
{
    const QByteArray method = methodName(request.method());
    QUrlQuery params = formQuery(request.url());
    const QByteArray contentType = request.value("content-type");
    QUrlQuery form(contentType.startsWith("application/x-www-form-urlencoded")
                       ? QString::fromUtf8(request.body()).replace(QLatin1Char('+'), QLatin1Char(' '))
                       : QString());
    auto param = [&](const char *name) {
        const QString key = QString::fromLatin1(name);
        return form.hasQueryItem(key) ? form.queryItemValue(key, QUrl::FullyDecoded)
                                      : params.queryItemValue(key, QUrl::FullyDecoded);
    };
    auto redirect = [](const QString &target) {
        Reply r;
        r.status = 302;
        r.contentType = "text/html;charset=UTF-8";
        r.headers.append({"Location", target.toUtf8()});
        r.body = "<html><body>Redirecting to <a href=\"" + target.toHtmlEscaped().toUtf8() + "\">the app</a></body></html>";
        return r;
    };

    if (path == QLatin1String("/services/oauth2/authorize")) {
        QUrlQuery all = params;
        for (const auto &item : form.queryItems(QUrl::FullyDecoded))
            if (!all.hasQueryItem(item.first))
                all.addQueryItem(item.first, item.second);
        const ConnectedApp *a = app(param("client_id").toUtf8());
        const QString redirectUri = param("redirect_uri");
        if (!a) {
            Reply r = authorizePage(all, QStringLiteral("error=invalid_client_id&error_description=client identifier invalid"));
            r.status = 400;
            return r;
        }
        if (!a->callbacks.contains(redirectUri)) {
            Reply r;
            r.status = 400;
            r.contentType = "text/html;charset=UTF-8";
            r.body = "<html><body><h1>Remote Access Application Error</h1>"
                     "<p>error=redirect_uri_mismatch&amp;error_description=redirect_uri must match configuration</p></body></html>";
            return r;
        }
        const QString state = param("state");
        auto back = [&](QUrlQuery q) {
            if (!state.isEmpty())
                q.addQueryItem(QStringLiteral("state"), state);
            QUrl target(redirectUri);
            target.setQuery(q);
            return redirect(target.toString(QUrl::FullyEncoded));
        };
        if (param("response_type") != QLatin1String("code")) {
            QUrlQuery q;
            q.addQueryItem(QStringLiteral("error"), QStringLiteral("unsupported_response_type"));
            q.addQueryItem(QStringLiteral("error_description"), QStringLiteral("response type not supported"));
            return back(q);
        }
        const QString challenge = param("code_challenge");
        const QString challengeMethod = param("code_challenge_method");
        if (!challenge.isEmpty() && !challengeMethod.isEmpty() && challengeMethod != QLatin1String("S256")) {
            QUrlQuery q;
            q.addQueryItem(QStringLiteral("error"), QStringLiteral("invalid_request"));
            q.addQueryItem(QStringLiteral("error_description"), QStringLiteral("invalid code challenge method"));
            return back(q);
        }
        bool approved = m_options.autoApprove && method == "GET" && param("prompt") != QLatin1String("login");
        if (method == "POST") {
            const QString action = param("action");
            if (action == QLatin1String("deny")) {
                QUrlQuery q;
                q.addQueryItem(QStringLiteral("error"), QStringLiteral("access_denied"));
                q.addQueryItem(QStringLiteral("error_description"), QStringLiteral("end-user denied authorization"));
                return back(q);
            }
            if (param("username") != QLatin1String("admin@tether.sim") || param("password") != QLatin1String(DefaultPassword))
                return authorizePage(all, QStringLiteral("Please check your username and password. If you still can't log in, contact your Salesforce administrator."));
            approved = true;
        }
        if (!approved)
            return authorizePage(all, QString());
        const QByteArray code = "aPrx" + randomToken(60).replace('.', 'x').replace('_', 'y');
        m_codes.insert(code, {a->clientId, redirectUri, challenge.toLatin1(), m_org->adminUserId(), nowMs() + 15 * 60 * 1000});
        QUrlQuery q;
        q.addQueryItem(QStringLiteral("code"), QString::fromLatin1(code));
        return back(q);
    }
    if (path == QLatin1String("/services/oauth2/token")) {
        if (method != "POST")
            return oauthError(400, "invalid_request", "must use HTTP POST");
        QUrlQuery merged = form;
        for (const auto &item : params.queryItems(QUrl::FullyDecoded))
            if (!merged.hasQueryItem(item.first))
                merged.addQueryItem(item.first, item.second);
        return tokenEndpoint(merged);
    }
    if (path == QLatin1String("/services/oauth2/revoke")) {
        const QByteArray token = param("token").toUtf8();
        if (m_sessions.remove(token))
            return jsonReply(200, {});
        if (m_refreshTokens.contains(token)) {
            m_refreshTokens.remove(token);
            for (auto it = m_sessions.begin(); it != m_sessions.end();)
                it = it->refreshToken == token ? m_sessions.erase(it) : std::next(it);
            return jsonReply(200, {});
        }
        return oauthError(400, "invalid_token", "invalid token");
    }
    QHash<QByteArray, QByteArray> headers;
    for (const auto &h : request.headers())
        headers.insert(h.first.toLower(), h.second);
    const QByteArray user = authenticatedUser(headers);
    if (user.isEmpty()) {
        Reply r = errorReply(401, "INVALID_SESSION_ID", QStringLiteral("Session expired or invalid"));
        r.headers.append({QByteArray("WWW-Authenticate"), QByteArray("Token")});
        return r;
    }
    if (path == QLatin1String("/services/oauth2/userinfo"))
        return identity(user, true, "59.0");
    static const QRegularExpression idPath(QStringLiteral("^/id/([a-zA-Z0-9]{15,18})/([a-zA-Z0-9]{15,18})$"));
    const QRegularExpressionMatch m = idPath.match(path);
    if (m.hasMatch()) {
        const QByteArray wanted = normalizeId(m.captured(2).toLatin1());
        if (wanted != user)
            return oauthError(403, "Bad_Id", "Bad_Id");
        return identity(user, false, "59.0");
    }
    return errorReply(404, "NOT_FOUND", QStringLiteral("The requested resource does not exist"));
}

Reply SimServer::tokenEndpoint(const QUrlQuery &form)
{
    auto value = [&form](const char *name) { return form.queryItemValue(QString::fromLatin1(name), QUrl::FullyDecoded); };
    const QString grant = value("grant_type");
    const QByteArray clientId = value("client_id").toUtf8();
    const QByteArray secret = value("client_secret").toUtf8();
    const ConnectedApp *a = app(clientId);
    QByteArray userId;
    QByteArray refresh;
    bool withRefresh = false;
    if (grant == QLatin1String("authorization_code")) {
        if (!a)
            return oauthError(400, "invalid_client_id", "client identifier invalid");
        if (!secret.isEmpty() && secret != a->secret)
            return oauthError(400, "invalid_client", "invalid client credentials");
        const QByteArray code = value("code").toUtf8();
        const auto it = m_codes.constFind(code);
        if (it == m_codes.cend() || it->expiresMs < nowMs() || it->clientId != clientId)
            return oauthError(400, "invalid_grant", "invalid authorization code");
        const AuthCode authCode = *it;
        if (value("redirect_uri") != authCode.redirectUri)
            return oauthError(400, "redirect_uri_mismatch", "redirect_uri must match configuration");
        if (!authCode.challenge.isEmpty()) {
            const QByteArray verifier = value("code_verifier").toUtf8();
            const QByteArray computed = QCryptographicHash::hash(verifier, QCryptographicHash::Sha256)
                                            .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
            if (verifier.isEmpty() || computed != authCode.challenge)
                return oauthError(400, "invalid_grant", "invalid code verifier");
        } else if (secret.isEmpty()) {
            return oauthError(400, "invalid_client", "invalid client credentials");
        }
        m_codes.remove(code); // single use
        userId = authCode.userId;
        withRefresh = true;
    } else if (grant == QLatin1String("refresh_token")) {
        if (!a)
            return oauthError(400, "invalid_client_id", "client identifier invalid");
        if (!secret.isEmpty() && secret != a->secret)
            return oauthError(400, "invalid_client", "invalid client credentials");
        refresh = value("refresh_token").toUtf8();
        const auto it = m_refreshTokens.constFind(refresh);
        if (it == m_refreshTokens.cend() || it->clientId != clientId)
            return oauthError(400, "invalid_grant", "expired access/refresh token");
        userId = it->userId;
    } else if (grant == QLatin1String("client_credentials")) {
        if (!a)
            return oauthError(400, "invalid_client_id", "client identifier invalid");
        if (secret != a->secret)
            return oauthError(400, "invalid_client", "invalid client credentials");
        userId = m_org->adminUserId();
    } else if (grant == QLatin1String("password")) {
        if (!a)
            return oauthError(400, "invalid_client_id", "client identifier invalid");
        if (secret != a->secret)
            return oauthError(400, "invalid_client", "invalid client credentials");
        if (value("username") != QLatin1String("admin@tether.sim") || !value("password").startsWith(QLatin1String(DefaultPassword)))
            return oauthError(400, "invalid_grant", "authentication failure");
        userId = m_org->adminUserId();
    } else {
        return oauthError(400, "unsupported_grant_type", "grant type not supported");
    }
    const QByteArray token = issueSession(userId, clientId, withRefresh, &refresh);
    if (grant == QLatin1String("refresh_token"))
        m_sessions[token].refreshToken = refresh; // revoking the refresh token ends this session too
    const QByteArray issued = QByteArray::number(nowMs());
    const QByteArray base = "http://127.0.0.1:" + QByteArray::number(serverPorts().value(0));
    const QByteArray idUrl = base + "/id/" + m_org->orgId() + '/' + userId;
    QByteArray body = "{\"access_token\":\"" + token + '"';
    if (withRefresh)
        body += ",\"refresh_token\":\"" + refresh + '"';
    body += ",\"signature\":\"" + QMessageAuthenticationCode::hash(idUrl + issued, a->secret, QCryptographicHash::Sha256).toBase64()
            + "\",\"scope\":\"" + (withRefresh ? "refresh_token api" : "api") + "\",\"instance_url\":\"" + base + "\",\"id\":\"" + idUrl
            + "\",\"token_type\":\"Bearer\",\"issued_at\":\"" + issued + "\"}";
    return jsonReply(200, body);
}

Reply SimServer::identity(const QByteArray &userId, bool userinfoShape, const QByteArray &version)
{
    Table *users = m_org->table(QStringLiteral("User"));
    const int row = users->rowOf(userId);
    if (row < 0)
        return oauthError(403, "Bad_OAuth_Token", "user not found");
    const QByteArray base = "http://127.0.0.1:" + QByteArray::number(serverPorts().value(0));
    auto text = [&](const char *field) { return users->storedText(row, QString::fromLatin1(field)); };
    QByteArray urls = "{\"enterprise\":\"" + base + "/services/Soap/c/{version}/" + m_org->orgId().left(15)
                      + "\",\"metadata\":\"" + base + "/services/Soap/m/{version}/" + m_org->orgId().left(15)
                      + "\",\"rest\":\"" + base + "/services/data/v{version}/\",\"sobjects\":\"" + base
                      + "/services/data/v{version}/sobjects/\",\"search\":\"" + base + "/services/data/v{version}/search/\",\"query\":\""
                      + base + "/services/data/v{version}/query/\",\"profile\":\"" + base + '/' + userId + "\"}";
    const QByteArray name = text("FirstName") + ' ' + text("LastName");
    QByteArray body = "{";
    if (userinfoShape) {
        body += "\"sub\":\"" + base + "/id/" + m_org->orgId() + '/' + userId + "\",\"user_id\":\"" + userId
                + "\",\"organization_id\":\"" + m_org->orgId() + "\",\"preferred_username\":";
        appendJsonString(body, QByteArrayView(text("Username")));
        body += ",\"nickname\":";
        appendJsonString(body, QByteArrayView(text("Alias")));
        body += ",\"name\":";
        appendJsonString(body, QByteArrayView(name));
        body += ",\"email\":";
        appendJsonString(body, QByteArrayView(text("Email")));
        body += ",\"email_verified\":true,\"given_name\":";
        appendJsonString(body, QByteArrayView(text("FirstName")));
        body += ",\"family_name\":";
        appendJsonString(body, QByteArrayView(text("LastName")));
        body += ",\"zoneinfo\":\"America/Los_Angeles\",\"active\":true,\"user_type\":\"STANDARD\",\"language\":\"en_US\",\"locale\":\"en_US\",\"utcOffset\":-28800000,\"is_app_installed\":true,\"urls\":" + urls + '}';
    } else {
        body += "\"id\":\"" + base + "/id/" + m_org->orgId() + '/' + userId + "\",\"asserted_user\":true,\"user_id\":\"" + userId
                + "\",\"organization_id\":\"" + m_org->orgId() + "\",\"username\":";
        appendJsonString(body, QByteArrayView(text("Username")));
        body += ",\"nick_name\":";
        appendJsonString(body, QByteArrayView(text("Alias")));
        body += ",\"display_name\":";
        appendJsonString(body, QByteArrayView(name));
        body += ",\"email\":";
        appendJsonString(body, QByteArrayView(text("Email")));
        body += ",\"first_name\":";
        appendJsonString(body, QByteArrayView(text("FirstName")));
        body += ",\"last_name\":";
        appendJsonString(body, QByteArrayView(text("LastName")));
        body += ",\"active\":true,\"user_type\":\"STANDARD\",\"language\":\"en_US\",\"locale\":\"en_US\",\"utcOffset\":-28800000,\"urls\":" + urls + '}';
    }
    Q_UNUSED(version);
    return jsonReply(200, body);
}

// ---------------------------------------------------------------- data API entry

QByteArray SimServer::limitInfo() const
{
    return "api-usage=" + QByteArray::number(m_apiUsed) + '/' + QByteArray::number(m_options.dailyLimit);
}

Reply SimServer::handleData(DataRequest &r, bool topLevel)
{
    Reply reply;
    if (topLevel) {
        r.userId = authenticatedUser(r.headers);
        if (r.userId.isEmpty()) {
            reply = errorReply(401, "INVALID_SESSION_ID", QStringLiteral("Session expired or invalid"));
            reply.headers.append({QByteArray("WWW-Authenticate"), QByteArray("Token")});
            reply.headers.append({"Sforce-Limit-Info", limitInfo()});
            return reply;
        }
        const QString fullPath = QStringLiteral("/services/data/v") + QString::fromLatin1(r.version) + r.path;
        const FaultInjector::Effect fault = m_faults.matchRequest(r.method, fullPath);
        const int faultDelay = fault.latencyMs;
        if (fault.kind == QLatin1String("drop")) {
            reply.drop = true;
            return reply;
        }
        if (fault.kind == QLatin1String("quota_exhausted"))
            m_apiUsed = std::max(m_apiUsed, m_options.dailyLimit); // the accounting below answers 403
        else if (!fault.kind.isEmpty()) {
            if (fault.kind == QLatin1String("invalidate_session")) {
                m_sessions.clear();
                reply = errorReply(401, "INVALID_SESSION_ID", QStringLiteral("Session expired or invalid"));
                reply.headers.append({QByteArray("WWW-Authenticate"), QByteArray("Token")});
            } else {
                if (fault.kind != QLatin1String("http503"))
                    ++m_apiUsed; // Salesforce counts requests that failed inside
                reply = faultReply(fault.kind);
            }
            reply.headers.append({"Sforce-Limit-Info", limitInfo()});
            reply.delayMs = faultDelay;
            return reply;
        }
        if (m_apiUsed >= m_options.dailyLimit) {
            reply = errorReply(403, "REQUEST_LIMIT_EXCEEDED", QStringLiteral("TotalRequests Limit exceeded."));
            reply.headers.append({"Sforce-Limit-Info", limitInfo()});
            reply.delayMs = faultDelay;
            return reply;
        }
        ++m_apiUsed;
        reply = dispatchData(r);
        reply.headers.append({"Sforce-Limit-Info", limitInfo()});
        reply.delayMs += faultDelay;
        reply.drop = fault.dropAfter;
        m_recordsServed += reply.recordsServed;
        return reply;
    }
    // A fault aimed at composite subrequests answers in place of the
    // subrequest it matches (path and decoded query, e.g. "*COUNT() FROM Lead*").
    const QString subPath = QStringLiteral("/services/data/v") + QString::fromLatin1(r.version) + r.path
                          + (r.query.isEmpty() ? QString() : u'?' + r.query.toString(QUrl::FullyDecoded));
    if (const std::optional<QString> kind = m_faults.matchSubrequest(r.method, subPath))
        return faultReply(*kind);
    return dispatchData(r);
}

Reply SimServer::faultReply(const QString &kind) const
{
    if (kind == QLatin1String("http500"))
        return errorReply(500, "UNKNOWN_EXCEPTION",
                          QStringLiteral("An unexpected error occurred. Please include this ErrorId if you contact support: 1417350389-48120 (-1175305471)"));
    if (kind == QLatin1String("unable_to_lock_row"))
        return errorReply(400, "UNABLE_TO_LOCK_ROW", QStringLiteral("unable to obtain exclusive access to this record or 1 records"));
    if (kind == QLatin1String("not_found")) // e.g. Bulk results past their 7 days
        return errorReply(404, "NOT_FOUND", QStringLiteral("The requested resource does not exist"));
    return errorReply(503, "SERVER_UNAVAILABLE", QStringLiteral("Server Unavailable"));
}

// ---------------------------------------------------------------- /__sim/

Reply SimServer::handleControl(const QHttpServerRequest &request, const QString &path)
{
    const QByteArray method = methodName(request.method());
    const QStringList parts = path.mid(7).split(QLatin1Char('/'), Qt::SkipEmptyParts);
    const QUrlQuery params = formQuery(request.url());
    QJsonParseError parseError{};
    const QJsonDocument doc = request.body().isEmpty() ? QJsonDocument(QJsonObject()) : QJsonDocument::fromJson(request.body(), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return errorReply(400, "JSON_PARSER_ERROR", QStringLiteral("The request body is not valid JSON: %1").arg(parseError.errorString()));
    const QJsonObject body = doc.object();
    const QString section = parts.value(0);
    auto ok = [](QJsonObject o) { return jsonReply(200, QJsonDocument(o).toJson(QJsonDocument::Compact)); };

    if (section == QLatin1String("health"))
        return ok({{QStringLiteral("status"), QStringLiteral("ok")}, {QStringLiteral("records"), m_org->recordCount()}});
    if (section == QLatin1String("stats") && method == "GET") {
        QJsonObject calls;
        for (auto it = m_callsByEndpoint.begin(); it != m_callsByEndpoint.end(); ++it)
            calls.insert(it.key(), it.value());
        QJsonObject records;
        for (Table *t : m_org->tables())
            records.insert(t->def.name, qint64(t->byId.size()));
        return ok({{QStringLiteral("apiUsage"), m_apiUsed}, {QStringLiteral("apiLimit"), m_options.dailyLimit},
                   {QStringLiteral("calls"), calls}, {QStringLiteral("recordsServed"), m_recordsServed},
                   {QStringLiteral("bulkRecordsServed"), m_bulkRecordsServed},
                   {QStringLiteral("bulkJobs"), m_bulkJobsCreated}, {QStringLiteral("records"), records},
                   {QStringLiteral("sessions"), qint64(m_sessions.size())}});
    }
    if (section == QLatin1String("reset") && method == "POST") {
        QString why;
        const QString dataFile = m_options.dataFile;
        m_options.dataFile.clear(); // reset regenerates; it never reloads or overwrites the data file
        const bool done = prepareOrg(&why);
        m_options.dataFile = dataFile;
        if (!done)
            return errorReply(500, "UNKNOWN_EXCEPTION", why);
        m_apiUsed = 0;
        m_bulkJobsCreated = 0;
        m_faults.clear();
        m_cursors.clear();
        m_cursorOrder.clear();
        m_jobs.clear();
        m_callsByEndpoint.clear();
        m_recordsServed = 0;
        m_bulkRecordsServed = 0;
        return ok({{QStringLiteral("records"), m_org->recordCount()}});
    }
    if (section == QLatin1String("usage") && method == "POST") {
        if (body.contains(QStringLiteral("used")))
            m_apiUsed = body.value(QStringLiteral("used")).toInteger();
        if (body.contains(QStringLiteral("limit")))
            m_options.dailyLimit = body.value(QStringLiteral("limit")).toInteger();
        return ok({{QStringLiteral("apiUsage"), m_apiUsed}, {QStringLiteral("apiLimit"), m_options.dailyLimit}});
    }
    if (section == QLatin1String("sessions") && parts.value(1) == QLatin1String("invalidate") && method == "POST") {
        const qint64 n = m_sessions.size();
        m_sessions.clear();
        return ok({{QStringLiteral("invalidated"), n}});
    }
    if (section == QLatin1String("churn") && method == "POST")
        return ok({{QStringLiteral("changed"), m_org->churn(body.value(QStringLiteral("count")).toInt(1))}});
    if (section == QLatin1String("save") && method == "POST") {
        if (m_options.dataFile.isEmpty())
            return errorReply(400, "INVALID_OPERATION", QStringLiteral("tether-sim was started without --data-file, so there is nowhere to save."));
        m_savedModstamp = -2;
        return saveIfChanged() ? ok({{QStringLiteral("saved"), m_options.dataFile}})
                               : errorReply(500, "UNKNOWN_EXCEPTION", QStringLiteral("Saving failed; see tether-sim's log."));
    }
    if (section == QLatin1String("faults")) {
        if (method == "GET")
            return jsonReply(200, QJsonDocument(m_faults.list()).toJson(QJsonDocument::Compact));
        if (method == "DELETE") {
            if (parts.size() > 1) {
                const int id = parts[1].toInt();
                return m_faults.remove(id) ? ok({{QStringLiteral("removed"), id}})
                                           : errorReply(404, "NOT_FOUND", QStringLiteral("No fault with id %1.").arg(id));
            }
            m_faults.clear();
            return ok({{QStringLiteral("removed"), QStringLiteral("all")}});
        }
        if (method == "POST") {
            QString why;
            const std::optional<int> id = m_faults.add(body, &why);
            if (!id)
                return errorReply(400, "INVALID_FAULT", why);
            Reply r = ok({{QStringLiteral("id"), *id}});
            r.status = 201;
            return r;
        }
    }
    if (section == QLatin1String("purge") && method == "POST") {
        int purged = 0;
        for (const QJsonValue &v : body.value(QStringLiteral("ids")).toArray()) {
            const QByteArray id = normalizeId(v.toString().toLatin1());
            if (Table *t = m_org->tableForId(id); t && m_org->purge(*t, id))
                ++purged;
        }
        return ok({{QStringLiteral("purged"), purged}});
    }
    if (section == QLatin1String("fields") && (method == "DELETE" || method == "PATCH") && parts.size() == 3) {
        Table *t = m_org->table(parts[1]);
        if (!t)
            return errorReply(404, "NOT_FOUND", QStringLiteral("No object named '%1'.").arg(parts[1]));
        QString why;
        const bool done = method == "DELETE" ? m_org->removeField(*t, parts[2], &why) : m_org->changeField(*t, parts[2], body, &why);
        if (!done)
            return errorReply(400, "INVALID_FIELD", why);
        return ok({{QStringLiteral("object"), t->def.name}, {QStringLiteral("field"), parts[2]}});
    }
    if (section == QLatin1String("fields") && method == "POST" && parts.size() == 2) {
        Table *t = m_org->table(parts[1]);
        if (!t)
            return errorReply(404, "NOT_FOUND", QStringLiteral("No object named '%1'.").arg(parts[1]));
        QString why;
        if (!m_org->addField(*t, body, &why))
            return errorReply(400, "INVALID_FIELD", why);
        Reply r = ok({{QStringLiteral("object"), t->def.name}, {QStringLiteral("field"), t->def.fields.last().name}});
        r.status = 201;
        return r;
    }
    if (section == QLatin1String("records") && parts.size() >= 2) {
        Table *t = m_org->table(parts[1]);
        if (!t)
            return errorReply(404, "NOT_FOUND", QStringLiteral("No object named '%1'.").arg(parts[1]));
        QByteArray actor = m_org->integrationUserId();
        if (params.hasQueryItem(QStringLiteral("asUser")))
            actor = normalizeId(params.queryItemValue(QStringLiteral("asUser")).toLatin1());
        WriteResult result;
        if (method == "POST" && parts.size() == 2)
            result = m_org->create(*t, body, actor);
        else if (method == "PATCH" && parts.size() == 3)
            result = m_org->update(*t, parts[2].toLatin1(), body, actor);
        else if (method == "DELETE" && parts.size() == 3)
            result = m_org->remove(*t, parts[2].toLatin1(), actor);
        else if (method == "POST" && parts.size() == 4 && parts[3] == QLatin1String("undelete"))
            result = m_org->undelete(*t, parts[2].toLatin1(), actor);
        else
            return errorReply(405, "METHOD_NOT_ALLOWED", QStringLiteral("Use POST /__sim/records/{Object}, PATCH or DELETE /__sim/records/{Object}/{id}."));
        if (!result.ok())
            return jsonReply(result.httpStatus, errorsJson(result.errors, false));
        Table *tt = t;
        const int row = tt->rowOf(result.id);
        QJsonObject o{{QStringLiteral("id"), QString::fromLatin1(result.id)}, {QStringLiteral("success"), true}};
        if (row >= 0)
            o.insert(QStringLiteral("SystemModstamp"), QString::fromLatin1(tt->stored(row, tt->systemModstampSlot)));
        Reply r = ok(o);
        r.status = method == "POST" && parts.size() == 2 ? 201 : 200;
        return r;
    }
    return errorReply(404, "NOT_FOUND", QStringLiteral("No test-control endpoint %1 %2; see simulator/README.md.").arg(QString::fromLatin1(method), path));
}

QByteArray SimServer::errorsJson(const QList<SfError> &errors, bool statusCodeKey)
{
    QByteArray out = "[";
    for (int i = 0; i < errors.size(); ++i) {
        if (i)
            out += ',';
        out += statusCodeKey ? "{\"statusCode\":\"" : "{\"errorCode\":\"";
        out += errors[i].statusCode + "\",\"message\":";
        appendJsonString(out, errors[i].message);
        out += ",\"fields\":[";
        for (int f = 0; f < errors[i].fields.size(); ++f) {
            if (f)
                out += ',';
            appendJsonString(out, errors[i].fields[f]);
        }
        out += "]}";
    }
    out += ']';
    return out;
}

qint64 SimServer::ifUnmodifiedSince(const DataRequest &r) const
{
    const QByteArray h = r.headers.value("if-unmodified-since");
    return h.isEmpty() ? -1 : parseHttpDate(h);
}

} // namespace tether::sim
