#include "salesforce/apiresults.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QLocale>

namespace tether::salesforce {

JsonResult jsonResultFrom(const ApiReply &reply) { return JsonResult{reply.error, reply.httpStatus, reply.body}; }

SaveResult saveResultFrom(const ApiReply &reply)
{
    SaveResult r;
    if (reply.error) {
        QList<SalesforceError> more;
        r.errors.append(reply.error);
        if (reply.error.kind == SalesforceError::Kind::Http)
            SalesforceError::fromHttp(reply.httpStatus, reply.body, &more);
        r.errors.append(more);
        return r;
    }
    r.success = true;
    r.created = reply.httpStatus == 201;
    r.id = reply.json().object().value(QLatin1String("id")).toString();
    return r;
}

SaveResults saveResultsFrom(const ApiReply &reply)
{
    SaveResults out;
    out.error = reply.error;
    if (!reply.ok())
        return out;
    for (const QJsonValue &v : reply.json().array()) {
        const QJsonObject o = v.toObject();
        SaveResult r;
        r.id = o.value(QLatin1String("id")).toString();
        r.success = o.value(QLatin1String("success")).toBool();
        r.created = o.value(QLatin1String("created")).toBool();
        for (const QJsonValue &e : o.value(QLatin1String("errors")).toArray())
            r.errors.append(SalesforceError::fromHttp(400, QJsonDocument(QJsonArray{e}).toJson(QJsonDocument::Compact)));
        out.results.append(r);
    }
    return out;
}

QByteArray jsonBody(const QJsonObject &object) { return QJsonDocument(object).toJson(QJsonDocument::Compact); }

QByteArray jsonString(const QString &text)
{
    // A one-element array written by Qt, without its brackets: Qt does the escaping.
    const QByteArray array = QJsonDocument(QJsonArray{text}).toJson(QJsonDocument::Compact);
    return array.mid(1, array.size() - 2);
}

QByteArray httpDate(const QDateTime &at)
{
    return QLocale::c().toString(at.toUTC(), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'")).toLatin1();
}

} // namespace tether::salesforce
