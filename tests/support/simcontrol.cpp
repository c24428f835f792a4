#include "simcontrol.h"

#include "simprocess.h"

#include "schema/tableschema.h"
#include "store/pgconnection.h"
#include "sync/mirrorstore.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QUrlQuery>

namespace tether::test {

SimControl::SimControl(QUrl baseUrl, QByteArray accessToken)
    : m_baseUrl(std::move(baseUrl)), m_token(std::move(accessToken))
{
}

SimControl::Reply SimControl::request(const QByteArray &method, const QString &path, const QByteArray &body,
                                      const QList<QPair<QByteArray, QByteArray>> &headers)
{
    QUrl url = m_baseUrl;
    const qsizetype q = path.indexOf(u'?');
    url.setPath(q < 0 ? path : path.left(q));
    if (q >= 0)
        url.setQuery(path.mid(q + 1), QUrl::TolerantMode);
    QNetworkRequest req(url);
    req.setRawHeader("Authorization", "Bearer " + m_token);
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
    for (const auto &[name, value] : headers)
        req.setRawHeader(name, value);
    QNetworkReply *reply = m_nam.sendCustomRequest(req, method, body);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!reply->isFinished())
        finished.wait(60000);
    Reply result;
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = reply->readAll();
    reply->deleteLater();
    // Fault injection may invalidate every session, the test's own included:
    // log in again (client credentials of the default app) and retry once.
    if (result.status == 401 && !path.startsWith(QLatin1String("/__sim/")) && renewToken())
        return request(method, path, body, headers);
    return result;
}

bool SimControl::renewToken()
{
    QUrl url = m_baseUrl;
    url.setPath(QStringLiteral("/services/oauth2/token"));
    QNetworkRequest req(url);
    req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/x-www-form-urlencoded"));
    QUrlQuery form;
    form.addQueryItem(QStringLiteral("grant_type"), QStringLiteral("client_credentials"));
    form.addQueryItem(QStringLiteral("client_id"), QString::fromLatin1(SimProcess::DefaultClientId));
    form.addQueryItem(QStringLiteral("client_secret"), QString::fromLatin1(SimProcess::DefaultClientSecret));
    QNetworkReply *reply = m_nam.post(req, form.query(QUrl::FullyEncoded).toLatin1());
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!reply->isFinished())
        finished.wait(30000);
    const QByteArray token = QJsonDocument::fromJson(reply->readAll()).object().value(QLatin1String("access_token")).toString().toLatin1();
    reply->deleteLater();
    if (token.isEmpty() || token == m_token)
        return false;
    m_token = token;
    return true;
}

SimControl::Reply SimControl::control(const QByteArray &method, const QString &path, const QJsonDocument &body)
{
    return request(method, path, body.isNull() ? QByteArray() : body.toJson(QJsonDocument::Compact));
}

QList<QByteArray> SimControl::queryAllPages(const QString &soql, bool includeDeleted)
{
    QList<QByteArray> pages;
    QString next = dataPath() + (includeDeleted ? QStringLiteral("/queryAll?q=") : QStringLiteral("/query?q=")) +
                   QString::fromLatin1(QUrl::toPercentEncoding(soql));
    while (!next.isEmpty()) {
        const Reply reply = request("GET", next, {}, {{"Sforce-Query-Options", "batchSize=2000"}});
        if (reply.status != 200) {
            qWarning("query failed: %d %s", reply.status, reply.body.constData());
            return {};
        }
        pages << reply.body;
        next = reply.json().object().value(QLatin1String("nextRecordsUrl")).toString();
    }
    return pages;
}

QString SimControl::create(const QString &object, const QJsonObject &fields)
{
    const Reply reply = control("POST", QStringLiteral("/__sim/records/") + object, QJsonDocument(fields));
    if (reply.status != 201)
        qWarning("create failed: %d %s", reply.status, reply.body.constData());
    return reply.json().object().value(QLatin1String("id")).toString();
}

bool SimControl::update(const QString &object, const QString &id, const QJsonObject &fields)
{
    const Reply reply = control("PATCH", QStringLiteral("/__sim/records/%1/%2").arg(object, id), QJsonDocument(fields));
    if (reply.status != 200)
        qWarning("update failed: %d %s", reply.status, reply.body.constData());
    return reply.status == 200;
}

bool SimControl::remove(const QString &object, const QString &id)
{
    const Reply reply = control("DELETE", QStringLiteral("/__sim/records/%1/%2").arg(object, id));
    return reply.status == 200;
}

bool SimControl::purge(const QStringList &ids)
{
    const Reply reply = control("POST", QStringLiteral("/__sim/purge"),
                                QJsonDocument(QJsonObject{{QStringLiteral("ids"), QJsonArray::fromStringList(ids)}}));
    return reply.status == 200 && reply.json().object().value(QLatin1String("purged")).toInt() == ids.size();
}

bool SimControl::addField(const QString &object, const QJsonObject &field)
{
    const Reply reply = control("POST", QStringLiteral("/__sim/fields/") + object, QJsonDocument(field));
    if (reply.status != 201)
        qWarning("addField failed: %d %s", reply.status, reply.body.constData());
    return reply.status == 201;
}

int SimControl::addFault(const QJsonObject &fault)
{
    const Reply reply = control("POST", QStringLiteral("/__sim/faults"), QJsonDocument(fault));
    if (reply.status != 201)
        qWarning("addFault failed: %d %s", reply.status, reply.body.constData());
    return reply.json().object().value(QLatin1String("id")).toInt();
}

bool SimControl::clearFaults() { return control("DELETE", QStringLiteral("/__sim/faults")).status == 200; }

QJsonObject SimControl::stats() { return control("GET", QStringLiteral("/__sim/stats")).json().object(); }

namespace {
QStringList rowsAsJson(store::PgConnection &db, const QString &table, const QStringList &columns)
{
    QStringList quoted;
    for (const QString &c : columns)
        quoted << u'"' + c + u'"';
    const store::PgResult r = db.exec(QStringLiteral("SELECT json_build_array(%1)::text FROM %2 ORDER BY id")
                                          .arg(quoted.join(QStringLiteral(", ")), table));
    if (!r.ok())
        qWarning() << r.error().toString();
    QStringList rows;
    for (int i = 0; i < r.rowCount(); ++i)
        rows << r.value(i, 0);
    return rows;
}
} // namespace

QString SimControl::compareMirror(const QString &object, store::PgConnection &mirror, store::PgConnection &scratch)
{
    // The expected table: the simulator's current records, read page by page
    // over REST (so a Bulk-loaded mirror is checked against the JSON path).
    const Reply describe = request("GET", dataPath() + QStringLiteral("/sobjects/%1/describe").arg(object));
    if (describe.status != 200)
        return QStringLiteral("describe of %1 failed: %2").arg(object, QString::fromUtf8(describe.body));
    const schema::TableSchema table = schema::TableSchema::fromDescribe(
        schema::ObjectDescribe::fromJson(describe.json().object()), QStringLiteral("expected"));
    scratch.exec(QStringLiteral("DROP SCHEMA IF EXISTS expected CASCADE; DROP SCHEMA IF EXISTS tether CASCADE"));
    sync::MirrorStore expected(scratch, QStringLiteral("expected"));
    if (const store::PgError e = expected.ensureStateSchema())
        return e.toString();
    if (const store::PgError e = expected.prepareTable(table, {}, {}, nullptr))
        return e.toString();
    const QList<QByteArray> pages =
        queryAllPages(QStringLiteral("SELECT %1 FROM %2").arg(table.fieldNames().join(QStringLiteral(", ")), object));
    for (const QByteArray &body : pages) {
        const sync::ApplyResult r = expected.applyPage(table, sync::pageFromQueryJson(body, table), {});
        if (r.error)
            return r.error.toString();
    }
    QStringList columns;
    for (const schema::ColumnSpec &c : table.columns)
        columns << c.name;
    const QStringList want = rowsAsJson(scratch, table.qualifiedName(), columns);
    const QStringList have = rowsAsJson(mirror, QStringLiteral("salesforce.") + table.tableName, columns);
    if (want == have)
        return {};
    QString why = QStringLiteral("%1: simulator has %2 records, mirror %3").arg(object).arg(want.size()).arg(have.size());
    for (qsizetype i = 0; i < qMin(want.size(), have.size()); ++i) {
        if (want[i] != have[i]) {
            why += QStringLiteral("; first difference:\n  simulator %1\n  mirror    %2").arg(want[i], have[i]);
            break;
        }
    }
    return why;
}

} // namespace tether::test
