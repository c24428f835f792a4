#include "sync/compositeread.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace tether::sync {

namespace {

// A subrequest's error body is a Salesforce error array.
QString errorSentence(const RawJson &json, const RawJson::Value *body, int status)
{
    if (body && body->type == RawJson::Type::Array && !body->elements.empty()) {
        const RawJson::Value &first = body->elements.front();
        const RawJson::Value *code = first.member("errorCode");
        const RawJson::Value *message = first.member("message");
        return QCoreApplication::translate("CompositeRead", "Salesforce answered %1 %2: %3")
            .arg(status)
            .arg(code ? json.string(*code) : QString(), message ? json.string(*message) : QString());
    }
    return QCoreApplication::translate("CompositeRead", "Salesforce answered HTTP %1.").arg(status);
}

} // namespace

salesforce::RequestId sendCompositeRead(salesforce::RestClient *client, const QList<CompositeGet> &gets,
                                        salesforce::ApiCategory category,
                                        std::function<void(const CompositeReadReply &)> done)
{
    QJsonArray subrequests;
    for (int i = 0; i < gets.size(); ++i) {
        QJsonObject sub{{QStringLiteral("method"), QStringLiteral("GET")},
                        {QStringLiteral("url"), gets[i].url},
                        {QStringLiteral("referenceId"), QStringLiteral("r%1").arg(i)}};
        if (!gets[i].headers.isEmpty()) {
            QJsonObject headers;
            for (const auto &[name, value] : gets[i].headers)
                headers.insert(name, value);
            sub.insert(QStringLiteral("httpHeaders"), headers);
        }
        subrequests.append(sub);
    }
    salesforce::ApiRequest request;
    request.method = "POST";
    request.path = QStringLiteral("composite");
    request.idempotency = salesforce::ApiRequest::Idempotency::Safe; // only GETs: resending does no harm
    request.body = QJsonDocument(QJsonObject{{QStringLiteral("allOrNone"), false},
                                             {QStringLiteral("compositeRequest"), subrequests}})
                       .toJson(QJsonDocument::Compact);
    const qsizetype expected = gets.size();
    return client->send(request, category, [done = std::move(done), expected](const salesforce::ApiReply &http) {
        if (http.error.kind == salesforce::SalesforceError::Kind::Cancelled)
            return;
        CompositeReadReply reply;
        reply.http = http;
        if (http.ok()) {
            reply.json = std::make_shared<RawJson>(http.body);
            const RawJson &json = *reply.json;
            const RawJson::Value *responses = json.ok() ? json.root().member("compositeResponse") : nullptr;
            if (responses && responses->type == RawJson::Type::Array) {
                for (const RawJson::Value &response : responses->elements) {
                    CompositeAnswer answer;
                    if (const RawJson::Value *status = response.member("httpStatusCode"))
                        answer.status = json.rawText(*status).toInt();
                    answer.body = response.member("body");
                    if (const RawJson::Value *headers = response.member("httpHeaders")) {
                        if (const RawJson::Value *modified = headers->member("Last-Modified"))
                            answer.lastModified = json.string(*modified);
                    }
                    if (answer.status >= 300 && answer.status != 304)
                        answer.error = errorSentence(json, answer.body, answer.status);
                    reply.answers << answer;
                }
            }
            // A short or unreadable answer: every missing subrequest failed.
            while (reply.answers.size() < expected) {
                CompositeAnswer missing;
                missing.error = QCoreApplication::translate("CompositeRead", "Salesforce's composite answer was unreadable.");
                reply.answers << missing;
            }
        }
        done(reply);
    });
}

} // namespace tether::sync
