// CompositeRead: several GETs (queries, describes) in one /composite call —
// one API call for up to 25 subrequests, at most 5 of them queries. Each
// answers on its own (allOrNone false), so one table's error does not fail
// the others. Bodies are read with RawJson so numbers stay exact.
#pragma once

#include "salesforce/restclient.h"
#include "salesforce/rawjson.h"

#include <functional>
#include <memory>

namespace tether::sync {

using salesforce::RawJson;

struct CompositeGet
{
    QString url; // "/services/data/vXX.X/query?q=..."
    QList<QPair<QString, QString>> headers;
};

struct CompositeAnswer
{
    int status = 0;
    const RawJson::Value *body = nullptr; // into CompositeReadReply::json
    QString lastModified;                 // the subresponse's Last-Modified header
    QString error;                        // a sentence when status is not 2xx/304
};

struct CompositeReadReply
{
    salesforce::ApiReply http;
    std::shared_ptr<RawJson> json;
    QList<CompositeAnswer> answers; // one per subrequest, in order
    bool ok() const { return http.ok() && json && json->ok(); }
};

// `done` is not called for a cancelled request (the engine is stopping).
salesforce::RequestId sendCompositeRead(salesforce::RestClient *client, const QList<CompositeGet> &gets,
                                        salesforce::ApiCategory category,
                                        std::function<void(const CompositeReadReply &)> done);

} // namespace tether::sync
