// Results the typed API modules share: a JSON answer kept as Salesforce sent
// it, and the outcome of saving records (create, update, upsert, delete,
// sObject collections).
#pragma once

#include "salesforce/restclient.h"

#include <QJsonDocument>

namespace tether::salesforce {

struct JsonResult
{
    SalesforceError error;
    int httpStatus = 0;
    QByteArray body; // exactly as sent: read numbers with RawJson, not json()
    QJsonDocument json() const { return QJsonDocument::fromJson(body); }
};

struct SaveResult // one record of a create/update/upsert/delete or collection
{
    QString id;
    bool success = false;
    bool created = false; // upsert: 201 vs 200
    QList<SalesforceError> errors; // collections: from `statusCode`
};

struct SaveResults
{
    SalesforceError error; // the request itself failed (HTTP or network)
    QList<SaveResult> results;
};

JsonResult jsonResultFrom(const ApiReply &reply);
// One record's answer: 201/204 on success, an error array otherwise.
SaveResult saveResultFrom(const ApiReply &reply);
// A collections answer: [{"id","success","errors":[{"statusCode",...}]}].
SaveResults saveResultsFrom(const ApiReply &reply);

// The JSON text of `object`, for callers whose values hold no numbers that a
// double could round (write exact JSON text yourself otherwise).
QByteArray jsonBody(const QJsonObject &object);
// A JSON string literal ("...", escaped), for writing JSON text by hand.
QByteArray jsonString(const QString &text);
// "EEE, dd MMM yyyy HH:mm:ss GMT", as If-Modified-Since and If-Unmodified-Since want.
QByteArray httpDate(const QDateTime &at);

} // namespace tether::salesforce
