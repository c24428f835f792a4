#include "proxy/salesforcewriter.h"

#include "logging.h"
#include "salesforce/orgsession.h"
#include "salesforce/restclient.h"
#include "salesforce/queryapi.h"
#include "salesforce/rawjson.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace tether::proxy {

using salesforce::ApiCategory;
using salesforce::ApiReply;
using salesforce::ApiRequest;
using salesforce::SalesforceError;
using salesforce::RawJson;

struct SalesforceWriter::Run
{
    QList<RecordWrite> writes;
    bool several = false;
    Done done;
    WriteOutcome outcome;
    qsizetype chunkStart = 0;
    qsizetype chunkEnd = 0;
    bool withReads = true;
    int attempts = 0; // sends of the current chunk
    QDateTime sentAt;
    // Verdicts of an unknown-outcome check: +1 applied, 0 not applied, -1 cannot tell.
    QList<int> verdicts;
    int checksLeft = 0;
};

namespace {

QByteArray quoted(const QString &text)
{
    return QJsonDocument(QJsonArray{text}).toJson(QJsonDocument::Compact).mid(1).chopped(1);
}

// The records of a query answer as JSON objects (these answers are a record
// or a few, so the convenience of QJsonArray costs nothing).
QJsonArray recordsOf(const salesforce::QueryResult &r)
{
    const salesforce::RawJson::Value *records = r.records();
    if (!r.json || !records)
        return {};
    return QJsonDocument::fromJson(r.json->rawText(*records)).array();
}

QString soqlString(const QString &text)
{
    QString escaped = text;
    escaped.replace(u'\\', QStringLiteral("\\\\")).replace(u'\'', QStringLiteral("\\'"));
    return u'\'' + escaped + u'\'';
}

QString soqlDateTime(const QDateTime &at)
{
    return at.toUTC().toString(QStringLiteral("yyyy-MM-dd'T'HH:mm:ss'Z'"));
}

bool isRead(const RecordWrite &w)
{
    return w.op != RecordWrite::Op::Delete;
}

// Values sent in a create, for recognising the record after a lost answer.
QJsonObject sentValues(const RecordWrite &w)
{
    QJsonObject values = QJsonDocument::fromJson(w.body).object();
    for (auto it = values.begin(); it != values.end();) {
        if (it->isString() && it->toString().startsWith(QLatin1String("@{")))
            it = values.erase(it); // a reference to another new record: unknown here
        else
            ++it;
    }
    return values;
}

bool sameValue(const QJsonValue &sent, const QJsonValue &stored)
{
    if (sent.isDouble() || stored.isDouble())
        return sent.toDouble() == stored.toDouble();
    return sent == stored;
}

} // namespace

SalesforceWriter::SalesforceWriter(salesforce::OrgSession *session, salesforce::RateLimiter *limiter,
                                   salesforce::ApiBudget *budget, QObject *parent)
    : QObject(parent), m_session(session), m_client(new salesforce::RestClient(session, limiter, budget, this))
{
}

SalesforceWriter::~SalesforceWriter() = default;

QString SalesforceWriter::dataPath() const
{
    return m_session->connection().dataPath();
}

void SalesforceWriter::apply(const QList<RecordWrite> &writes, bool severalRequests, Done done)
{
    auto run = std::make_shared<Run>();
    run->writes = writes;
    run->several = severalRequests;
    run->done = std::move(done);
    if (writes.isEmpty()) {
        run->outcome.kind = WriteOutcome::Kind::Applied;
        finish(run);
        return;
    }
    finishChunk(run); // picks the first chunk
}

void SalesforceWriter::finishChunk(std::shared_ptr<Run> run)
{
    // The next chunk: as many writes as fit one graph with their read-back
    // GETs; an atomic plan always goes whole (reading back by query if the
    // GETs would not fit).
    run->chunkStart = run->chunkEnd;
    if (run->chunkStart >= run->writes.size()) {
        run->outcome.kind = WriteOutcome::Kind::Applied;
        finish(run);
        return;
    }
    run->attempts = 0;
    if (!run->several) {
        run->chunkEnd = run->writes.size();
        qsizetype nodes = 0;
        for (const RecordWrite &w : std::as_const(run->writes))
            nodes += isRead(w) ? 2 : 1;
        run->withReads = nodes <= MaxGraphNodes;
    } else {
        qsizetype nodes = 0;
        qsizetype end = run->chunkStart;
        while (end < run->writes.size() && nodes + (isRead(run->writes[end]) ? 2 : 1) <= MaxGraphNodes)
            nodes += isRead(run->writes[end++]) ? 2 : 1;
        run->chunkEnd = end;
        run->withReads = true;
    }
    sendGraph(run);
}

QByteArray SalesforceWriter::graphBody(const Run &run, bool withReads) const
{
    const QString base = dataPath() + QStringLiteral("/sobjects/");
    QByteArray nodes;
    auto add = [&](const QByteArray &node) {
        if (!nodes.isEmpty())
            nodes += ',';
        nodes += node;
    };
    for (qsizetype i = run.chunkStart; i < run.chunkEnd; ++i) {
        const RecordWrite &w = run.writes[i];
        const QString object = w.table->objectName();
        QByteArray body = w.body;
        // Records created by an earlier request of a non-atomic run have their Ids now.
        for (const QString &ref : w.dependsOn) {
            if (const QString id = run.outcome.newIds.value(ref); !id.isEmpty())
                body.replace("@{" + ref.toLatin1() + ".id}", id.toLatin1());
        }
        QByteArray node = "{\"referenceId\":" + quoted(w.referenceId);
        QByteArray headers;
        if (w.op != RecordWrite::Op::Create && w.unmodifiedSince.isValid())
            headers = ",\"httpHeaders\":{\"If-Unmodified-Since\":" + quoted(QString::fromLatin1(httpDate(w.unmodifiedSince))) + '}';
        switch (w.op) {
        case RecordWrite::Op::Create:
            node += ",\"method\":\"POST\",\"url\":" + quoted(base + object) + ",\"body\":" + body;
            break;
        case RecordWrite::Op::Update:
            node += ",\"method\":\"PATCH\",\"url\":" + quoted(base + object + u'/' + w.key) + ",\"body\":" + body + headers;
            break;
        case RecordWrite::Op::Delete:
            node += ",\"method\":\"DELETE\",\"url\":" + quoted(base + object + u'/' + w.key) + headers;
            break;
        }
        add(node + '}');
    }
    if (withReads) {
        // Read every created or updated record back in the same transaction:
        // Ids, system fields, defaults, formulas and auto-numbers as Salesforce set them.
        for (qsizetype i = run.chunkStart; i < run.chunkEnd; ++i) {
            const RecordWrite &w = run.writes[i];
            if (!isRead(w))
                continue;
            const QString id = w.op == RecordWrite::Op::Create ? QStringLiteral("@{%1.id}").arg(w.referenceId) : w.key;
            add("{\"referenceId\":" + quoted(w.referenceId + QStringLiteral("_read")) + ",\"method\":\"GET\",\"url\":"
                + quoted(base + w.table->objectName() + u'/' + id) + '}');
        }
    }
    return "{\"graphs\":[{\"graphId\":\"tether\",\"compositeRequest\":[" + nodes + "]}]}";
}

void SalesforceWriter::sendGraph(std::shared_ptr<Run> run)
{
    ApiRequest request;
    request.method = "POST";
    request.path = QStringLiteral("composite/graph");
    request.body = graphBody(*run, run->withReads);
    request.timeoutMs = 60000;
    request.transportMayResend = false; // a graph applied twice would create records twice
    run->sentAt = QDateTime::currentDateTimeUtc();
    ++run->attempts;
    qCDebug(lcProxy) << "composite graph:" << (run->chunkEnd - run->chunkStart) << "writes, attempt" << run->attempts;
    QPointer<SalesforceWriter> self(this);
    QElapsedTimer clock;
    clock.start();
    m_client->send(request, ApiCategory::Write, [self, run, clock](const ApiReply &reply) {
        if (!self)
            return;
        run->outcome.salesforceMs += double(clock.nsecsElapsed()) / 1e6;
        run->outcome.apiCalls += qMax(1, reply.attempts);
        self->onGraphAnswer(run, reply.httpStatus, reply.body, reply.error);
    });
}

void SalesforceWriter::onGraphAnswer(std::shared_ptr<Run> run, int status, const QByteArray &body, const SalesforceError &error)
{
    using Kind = SalesforceError::Kind;
    if (error) {
        if (error.kind == Kind::Network || error.kind == Kind::Timeout || error.kind == Kind::OutcomeUnknown) {
            qCWarning(lcProxy).noquote() << "the answer to a composite graph was lost (" << error.toString()
                                         << "); reading back whether Salesforce applied it";
            resolveUnknown(run);
            return;
        }
        run->outcome.kind = WriteOutcome::Kind::NotApplied;
        run->outcome.error = error;
        run->outcome.appliedWrites = int(run->chunkStart);
        finish(run);
        return;
    }
    Q_UNUSED(status);
    const RawJson json(body);
    const RawJson::Value *graphs = json.ok() ? json.root().member("graphs") : nullptr;
    const RawJson::Value *graph = graphs && !graphs->elements.empty() ? &graphs->elements.front() : nullptr;
    const RawJson::Value *responses = nullptr;
    if (graph) {
        if (const RawJson::Value *gr = graph->member("graphResponse"))
            responses = gr->member("compositeResponse");
    }
    if (!responses) {
        // A 200 we cannot read: Salesforce may well have applied it.
        run->outcome.error = SalesforceError::make(Kind::Http, tr("Salesforce's answer to the composite graph could not be read."));
        resolveUnknown(run);
        return;
    }
    const RawJson::Value *successful = graph->member("isSuccessful");
    if (successful && successful->boolean) {
        for (const RawJson::Value &r : responses->elements) {
            const RawJson::Value *ref = r.member("referenceId");
            const RawJson::Value *node = r.member("body");
            if (!ref || !node)
                continue;
            QString reference = json.string(*ref);
            if (reference.endsWith(QLatin1String("_read"))) {
                reference.chop(5);
                run->outcome.records.insert(reference, json.rawText(*node));
            } else if (const RawJson::Value *id = node->type == RawJson::Type::Object ? node->member("id") : nullptr) {
                run->outcome.newIds.insert(reference, json.string(*id));
            }
        }
        if (!run->withReads) {
            readBack(run);
            return;
        }
        finishChunk(run);
        return;
    }
    // Refused: the node Salesforce names (the others say PROCESSING_HALTED).
    SalesforceError first;
    QString firstReference;
    for (const RawJson::Value &r : responses->elements) {
        const RawJson::Value *code = r.member("httpStatusCode");
        const int nodeStatus = code ? json.rawText(*code).toInt() : 0;
        if (nodeStatus < 400)
            continue;
        const RawJson::Value *node = r.member("body");
        const SalesforceError e = SalesforceError::fromHttp(nodeStatus, node ? json.rawText(*node) : QByteArray());
        const RawJson::Value *ref = r.member("referenceId");
        if (first.kind == Kind::None || (first.errorCode == QLatin1String("PROCESSING_HALTED")
                                         && e.errorCode != QLatin1String("PROCESSING_HALTED"))) {
            first = e;
            firstReference = ref ? json.string(*ref) : QString();
        }
    }
    if (firstReference.endsWith(QLatin1String("_read")))
        firstReference.chop(5);
    run->outcome.kind = WriteOutcome::Kind::Refused;
    run->outcome.error = first.kind == Kind::None ? SalesforceError::make(Kind::Http, tr("Salesforce refused the write.")) : first;
    run->outcome.failedReference = firstReference;
    run->outcome.appliedWrites = int(run->chunkStart);
    finish(run);
}

void SalesforceWriter::resolveUnknown(std::shared_ptr<Run> run)
{
    // One probe settles it: a graph is one Salesforce transaction, so either
    // every write of it is there or none is.
    const QString me = m_session->connection().userId;
    const QDateTime since = run->sentAt.addSecs(-5);
    run->verdicts.clear();
    QList<std::function<void()>> checks;
    QPointer<SalesforceWriter> self(this);
    auto verdict = [self, run](int v) {
        if (!self)
            return;
        run->verdicts << v;
        if (--run->checksLeft > 0)
            return;
        const bool allApplied = !run->verdicts.contains(0) && !run->verdicts.contains(-1);
        const bool noneApplied = !run->verdicts.contains(1) && !run->verdicts.contains(-1);
        if (allApplied) {
            run->outcome.resolution = tr("answer lost; read back: applied");
            qCInfo(lcProxy) << "read back after a lost answer: Salesforce applied the writes";
            self->readBack(run);
        } else if (noneApplied && run->attempts < 2) {
            qCInfo(lcProxy) << "read back after a lost answer: nothing applied; sending again";
            self->sendGraph(run);
        } else {
            run->outcome.kind = noneApplied ? WriteOutcome::Kind::NotApplied : WriteOutcome::Kind::Unknown;
            run->outcome.resolution = noneApplied ? tr("answer lost twice; read back: not applied")
                                                  : tr("answer lost; reading back could not tell");
            if (!run->outcome.error)
                run->outcome.error = SalesforceError::make(SalesforceError::Kind::Network, tr("the connection to Salesforce was lost"));
            self->finish(run);
        }
    };

    // The first update or delete: did it happen?
    for (qsizetype i = run->chunkStart; i < run->chunkEnd; ++i) {
        const RecordWrite w = run->writes[i];
        if (w.op == RecordWrite::Op::Create)
            continue;
        checks << [this, w, me, since, verdict, run] {
            const QString object = w.table->objectName();
            if (w.op == RecordWrite::Op::Delete) {
                salesforce::QueryApi(m_client).queryAll(QStringLiteral("SELECT Id, IsDeleted FROM %1 WHERE Id = %2").arg(object, soqlString(w.key)), 0,
                                   ApiCategory::Write, [verdict, run](const salesforce::QueryResult &r) {
                                       ++run->outcome.apiCalls;
                                       if (r.error)
                                           return verdict(-1);
                                       const QJsonArray records = recordsOf(r);
                                       verdict(records.isEmpty() || records.first().toObject().value(QLatin1String("IsDeleted")).toBool() ? 1 : 0);
                                   });
                return;
            }
            salesforce::QueryApi(m_client).query(QStringLiteral("SELECT Id, LastModifiedDate, LastModifiedById FROM %1 WHERE Id = %2").arg(object, soqlString(w.key)), 0,
                            ApiCategory::Write, [verdict, run, w, me, since](const salesforce::QueryResult &r) {
                                ++run->outcome.apiCalls;
                                const QJsonArray records = recordsOf(r);
                                if (r.error || records.isEmpty())
                                    return verdict(-1);
                                const QJsonObject record = records.first().toObject();
                                const QDateTime modified = QDateTime::fromString(record.value(QLatin1String("LastModifiedDate")).toString(), Qt::ISODateWithMs);
                                const bool byUs = record.value(QLatin1String("LastModifiedById")).toString() == me;
                                const bool after = modified.isValid() && modified >= since
                                                   && (!w.unmodifiedSince.isValid() || modified > w.unmodifiedSince);
                                verdict(byUs && after ? 1 : 0);
                            });
        };
        break;
    }
    // Creates, per object: records this user created since the request left
    // that carry exactly the values sent.
    QHash<QString, QList<qsizetype>> creates;
    QStringList objects;
    for (qsizetype i = run->chunkStart; i < run->chunkEnd; ++i) {
        const RecordWrite &w = run->writes[i];
        if (w.op != RecordWrite::Op::Create)
            continue;
        if (!creates.contains(w.table->objectName()))
            objects << w.table->objectName();
        creates[w.table->objectName()] << i;
    }
    for (const QString &object : std::as_const(objects)) {
        const QList<qsizetype> mine = creates.value(object);
        QStringList fields{QStringLiteral("Id")};
        for (qsizetype i : mine) {
            for (const QString &f : std::as_const(run->writes[i].fields)) {
                if (!fields.contains(f))
                    fields << f;
            }
        }
        checks << [this, run, object, mine, fields, me, since, verdict] {
            const QString soql = QStringLiteral("SELECT %1 FROM %2 WHERE CreatedById = %3 AND CreatedDate >= %4 ORDER BY CreatedDate, Id")
                                     .arg(fields.join(QStringLiteral(", ")), object, soqlString(me), soqlDateTime(since));
            salesforce::QueryApi(m_client).query(soql, 0, ApiCategory::Write, [run, mine, verdict](const salesforce::QueryResult &r) {
                ++run->outcome.apiCalls;
                if (r.error || !r.done)
                    return verdict(-1);
                const QJsonArray records = recordsOf(r);
                // Each create claims the first unclaimed record with its values.
                QList<bool> claimed(records.size(), false);
                QHash<QString, QString> ids;
                int found = 0;
                for (qsizetype i : mine) {
                    const RecordWrite &w = run->writes[i];
                    const QJsonObject sent = sentValues(w);
                    for (qsizetype k = 0; k < records.size(); ++k) {
                        if (claimed[k])
                            continue;
                        const QJsonObject stored = records[k].toObject();
                        bool same = true;
                        for (auto it = sent.begin(); it != sent.end() && same; ++it)
                            same = sameValue(it.value(), stored.value(it.key()));
                        if (same) {
                            claimed[k] = true;
                            ids.insert(w.referenceId, stored.value(QLatin1String("Id")).toString());
                            ++found;
                            break;
                        }
                    }
                }
                // Another unclaimed record with the values of one of ours
                // (a twin created meanwhile) makes the match ambiguous.
                bool twin = false;
                for (qsizetype k = 0; k < records.size() && !twin; ++k) {
                    if (claimed[k])
                        continue;
                    const QJsonObject stored = records[k].toObject();
                    for (qsizetype i : mine) {
                        const QJsonObject sent = sentValues(run->writes[i]);
                        bool same = true;
                        for (auto it = sent.begin(); it != sent.end() && same; ++it)
                            same = sameValue(it.value(), stored.value(it.key()));
                        twin = twin || same;
                    }
                }
                if (found == mine.size() && !twin) {
                    for (auto it = ids.begin(); it != ids.end(); ++it)
                        run->outcome.newIds.insert(it.key(), it.value());
                    return verdict(1);
                }
                verdict(found == 0 ? 0 : -1);
            });
        };
    }
    run->checksLeft = int(checks.size());
    if (checks.isEmpty()) {
        verdict(-1);
        return;
    }
    for (const auto &check : std::as_const(checks))
        check();
}

void SalesforceWriter::readBack(std::shared_ptr<Run> run)
{
    // By object, in chunks of Ids that keep the SOQL well inside URL limits.
    QHash<QString, QList<qsizetype>> byObject;
    QStringList objects;
    for (qsizetype i = run->chunkStart; i < run->chunkEnd; ++i) {
        const RecordWrite &w = run->writes[i];
        if (!isRead(w))
            continue;
        if (!byObject.contains(w.table->objectName()))
            objects << w.table->objectName();
        byObject[w.table->objectName()] << i;
    }
    auto pending = std::make_shared<int>(0);
    auto failed = std::make_shared<SalesforceError>();
    QPointer<SalesforceWriter> self(this);
    for (const QString &object : std::as_const(objects)) {
        const QList<qsizetype> indexes = byObject.value(object);
        const SyncedTable &table = *run->writes[indexes.first()].table;
        QHash<QString, QString> refOf;
        QStringList ids;
        for (qsizetype i : indexes) {
            const RecordWrite &w = run->writes[i];
            const QString id = w.op == RecordWrite::Op::Create ? run->outcome.newIds.value(w.referenceId) : w.key;
            refOf.insert(id, w.referenceId);
            ids << id;
        }
        for (qsizetype at = 0; at < ids.size(); at += ReadBackChunk) {
            ++*pending;
            readRecords(table, ids.mid(at, ReadBackChunk),
                        [self, run, refOf, pending, failed](const SalesforceError &error, const QHash<QString, QByteArray> &records, int calls) {
                            if (!self)
                                return;
                            run->outcome.apiCalls += calls;
                            if (error)
                                *failed = error;
                            for (auto it = records.begin(); it != records.end(); ++it)
                                run->outcome.records.insert(refOf.value(it.key()), it.value());
                            if (--*pending > 0)
                                return;
                            if (*failed) {
                                // Applied, but not read back: the poll brings the values.
                                qCWarning(lcProxy).noquote() << "could not read back written records:" << failed->toString();
                            }
                            self->finishChunk(run);
                        });
        }
    }
    if (*pending == 0)
        finishChunk(run);
}

void SalesforceWriter::readRecords(const SyncedTable &table, const QStringList &ids, RecordsDone done)
{
    QStringList literals;
    for (const QString &id : ids)
        literals << soqlString(id);
    ApiRequest request;
    request.path = QStringLiteral("query");
    request.query = {{QStringLiteral("q"), QStringLiteral("SELECT %1 FROM %2 WHERE Id IN (%3)")
                                               .arg(table.fieldNames().join(QStringLiteral(", ")), table.objectName(),
                                                    literals.join(QStringLiteral(", ")))}};
    QPointer<SalesforceWriter> self(this);
    m_client->send(request, ApiCategory::Write, [self, done](const ApiReply &reply) {
        if (!self)
            return;
        QHash<QString, QByteArray> records;
        if (reply.error) {
            done(reply.error, records, qMax(1, reply.attempts));
            return;
        }
        const RawJson json(reply.body);
        const RawJson::Value *list = json.ok() ? json.root().member("records") : nullptr;
        if (!list) {
            done(SalesforceError::make(SalesforceError::Kind::Http, tr("Salesforce's query answer could not be read.")), records,
                 qMax(1, reply.attempts));
            return;
        }
        for (const RawJson::Value &record : list->elements) {
            if (const RawJson::Value *id = record.member("Id"))
                records.insert(json.string(*id), json.rawText(record));
        }
        done({}, records, qMax(1, reply.attempts));
    });
}

void SalesforceWriter::finish(std::shared_ptr<Run> run)
{
    if (run->done)
        run->done(run->outcome);
}

} // namespace tether::proxy
