#include "simcontrol.h"

#include "simprocess.h"

#include "schema/tableschema.h"
#include "store/pgconnection.h"

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

// One text per record: "<id>|col=value|col=value...", from a query whose
// first column is the id and the others the canonical texts of the columns.
QStringList canonicalRows(store::PgConnection &db, const QString &sql, const QStringList &columns, QString *error)
{
    const store::PgResult r = db.exec(sql);
    if (!r.ok()) {
        *error = r.error().toString() + QStringLiteral(" in: ") + sql;
        return {};
    }
    QStringList rows;
    for (int row = 0; row < r.rowCount(); ++row) {
        QString text = r.value(row, 0);
        for (int c = 0; c < columns.size(); ++c)
            text += u'|' + columns[c] + u'=' + (r.isNull(row, c + 1) ? QStringLiteral("NULL") : r.value(row, c + 1));
        rows << text;
    }
    return rows;
}

// How a value of Salesforce type `type`, as the REST API writes it into the
// record's JSON (`rec->'Field'`), reads as canonical text — written here in
// plain SQL, independently of Tether's type mapping and converters.
QString expectedText(const QString &type, const QString &field)
{
    const QString raw = QStringLiteral("(rec->>%1)").arg(schema::sqlLiteral(field));
    static const QStringList numbers{QStringLiteral("int"), QStringLiteral("long"), QStringLiteral("double"),
                                     QStringLiteral("currency"), QStringLiteral("percent")};
    if (numbers.contains(type))
        return QStringLiteral("trim_scale(%1::numeric)::text").arg(raw);
    if (type == QLatin1String("datetime"))
        return QStringLiteral("to_char(%1::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS')").arg(raw);
    if (type == QLatin1String("time"))
        return QStringLiteral("to_char(rtrim(%1, 'Z')::time, 'HH24:MI:SS.MS')").arg(raw);
    if (type == QLatin1String("complexvalue") || type == QLatin1String("json"))
        return QStringLiteral("nullif(rec->%1, 'null'::jsonb)::text").arg(schema::sqlLiteral(field));
    return raw; // text, picklists (multipicklist as "a;b"), ids, booleans, dates
}

// The same canonical text from the mirror column, by its PostgreSQL type.
QString mirrorText(const QString &pgType, const QString &column)
{
    const QString c = schema::quoteIdent(column);
    if (pgType.startsWith(QLatin1String("numeric")) || pgType == QLatin1String("integer") || pgType == QLatin1String("bigint")
        || pgType == QLatin1String("double precision"))
        return QStringLiteral("trim_scale(%1::numeric)::text").arg(c);
    if (pgType == QLatin1String("timestamp with time zone"))
        return QStringLiteral("to_char(%1 AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS')").arg(c);
    if (pgType.startsWith(QLatin1String("time")))
        return QStringLiteral("to_char(%1, 'HH24:MI:SS.MS')").arg(c);
    if (pgType == QLatin1String("text[]"))
        return QStringLiteral("array_to_string(%1, ';')").arg(c);
    if (pgType == QLatin1String("jsonb"))
        return QStringLiteral("nullif(%1, 'null'::jsonb)::text").arg(c);
    return c + QStringLiteral("::text");
}

} // namespace

QString SimControl::compareMirror(const QString &object, store::PgConnection &mirror, store::PgConnection &scratch)
{
    // The oracle shares nothing with the engine: the simulator's own REST
    // answers, loaded as jsonb and read in plain SQL, against the mirror's
    // columns read by their catalog types.
    const Reply describe = request("GET", dataPath() + QStringLiteral("/sobjects/%1/describe").arg(object));
    if (describe.status != 200)
        return QStringLiteral("describe of %1 failed: %2").arg(object, QString::fromUtf8(describe.body));
    const QString table = object.toLower();
    const store::PgResult catalog = mirror.exec(
        QStringLiteral("SELECT a.attname, format_type(a.atttypid, a.atttypmod), coalesce(col_description(a.attrelid, a.attnum), '') "
                       "FROM pg_attribute a WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped"),
        {QStringLiteral("salesforce.") + table});
    if (!catalog.ok() || catalog.rowCount() == 0)
        return QStringLiteral("%1: the mirror has no table salesforce.%2").arg(object, table);
    QHash<QString, QString> mirrorTypes; // column -> type, stale columns left out
    for (int i = 0; i < catalog.rowCount(); ++i) {
        if (!catalog.value(i, 2).startsWith(QLatin1String("[stale]")))
            mirrorTypes.insert(catalog.value(i, 0), catalog.value(i, 1));
    }

    QStringList fields, columns, expected, actual;
    QStringList missing;
    for (const QJsonValue &v : describe.json().object().value(QLatin1String("fields")).toArray()) {
        const QJsonObject f = v.toObject();
        const QString name = f.value(QLatin1String("name")).toString();
        const QString type = f.value(QLatin1String("type")).toString();
        // Not synced by design (docs/type-mapping.md): base64 costs a call per
        // record; a compound field (address, location) is its component
        // fields again, which are compared on their own.
        if (type == QLatin1String("base64") || type == QLatin1String("address") || type == QLatin1String("location")
            || name == QLatin1String("Id"))
            continue;
        const QString column = name.toLower();
        if (!mirrorTypes.contains(column)) {
            missing << name;
            continue;
        }
        fields << name;
        columns << column;
        expected << expectedText(type, name);
        actual << mirrorText(mirrorTypes.value(column), column);
    }
    if (!missing.isEmpty())
        return QStringLiteral("%1: fields with no column in the mirror: %2").arg(object, missing.join(QStringLiteral(", ")));

    const QList<QByteArray> pages =
        queryAllPages(QStringLiteral("SELECT Id, %1 FROM %2").arg(fields.join(QStringLiteral(", ")), object));
    scratch.exec(QStringLiteral("DROP TABLE IF EXISTS expected_records; CREATE TABLE expected_records (rec jsonb)"));
    for (const QByteArray &page : pages) {
        const store::PgResult loaded = scratch.exec(
            QStringLiteral("INSERT INTO expected_records SELECT jsonb_array_elements($1::jsonb -> 'records')"), {page});
        if (!loaded.ok())
            return loaded.error().toString();
    }
    QString error;
    const QStringList want = canonicalRows(
        scratch, QStringLiteral("SELECT rec->>'Id', %1 FROM expected_records ORDER BY 1").arg(expected.join(QStringLiteral(", "))),
        columns, &error);
    if (!error.isEmpty())
        return error;
    const QStringList have = canonicalRows(
        mirror, QStringLiteral("SELECT id, %1 FROM salesforce.%2 ORDER BY 1").arg(actual.join(QStringLiteral(", ")), schema::quoteIdent(table)),
        columns, &error);
    if (!error.isEmpty())
        return error;
    if (want == have)
        return {};
    QString why = QStringLiteral("%1: simulator has %2 records, mirror %3").arg(object).arg(want.size()).arg(have.size());
    for (qsizetype i = 0; i < qMin(want.size(), have.size()); ++i) {
        if (want[i] != have[i]) {
            const QStringList w = want[i].split(u'|'), h = have[i].split(u'|');
            why += QStringLiteral("; first difference at record %1:").arg(w.first());
            for (qsizetype c = 0; c < qMin(w.size(), h.size()); ++c) {
                if (w[c] != h[c])
                    why += QStringLiteral("\n  simulator %1\n  mirror    %2").arg(w[c], h[c]);
            }
            break;
        }
    }
    return why;
}

} // namespace tether::test
