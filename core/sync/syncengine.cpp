#include "sync/syncengine.h"

#include "logging.h"
#include "salesforce/apibudget.h"
#include "salesforce/orgsession.h"
#include "salesforce/ratelimiter.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QUrl>

namespace tether::sync {

using salesforce::ApiCategory;
using salesforce::ApiReply;
using salesforce::ApiRequest;

namespace {

// Salesforce writes datetimes as 2024-05-20T20:49:32.000+0000 (and Bulk as ...Z).
QDateTime parseSalesforceDateTime(QString text)
{
    if (text.endsWith(QLatin1String("+0000")))
        text = text.left(text.size() - 5) + u'Z';
    QDateTime at = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!at.isValid())
        at = QDateTime::fromString(text, Qt::ISODate);
    return at.toUTC();
}

QDateTime serverDate(const ApiReply &reply)
{
    const QByteArray date = reply.header("Date");
    QDateTime at = QDateTime::fromString(QString::fromLatin1(date), Qt::RFC2822Date);
    return at.isValid() ? at.toUTC() : QDateTime::currentDateTimeUtc();
}

QString quoteSoql(const QString &text)
{
    QString escaped = text;
    escaped.replace(u'\\', QStringLiteral("\\\\")).replace(u'\'', QStringLiteral("\\'"));
    return u'\'' + escaped + u'\'';
}

// A /composite subrequest's error body is a Salesforce error array.
QString subrequestError(const RawJson &json, const RawJson::Value &body, int status)
{
    if (body.type == RawJson::Type::Array && !body.elements.empty()) {
        const RawJson::Value &first = body.elements.front();
        const RawJson::Value *code = first.member("errorCode");
        const RawJson::Value *message = first.member("message");
        return QStringLiteral("Salesforce answered %1 %2: %3")
            .arg(status)
            .arg(code ? json.string(*code) : QString(), message ? json.string(*message) : QString());
    }
    return QStringLiteral("Salesforce answered HTTP %1.").arg(status);
}

} // namespace

QString phaseName(Phase phase)
{
    switch (phase) {
    case Phase::Discovering: return QStringLiteral("discovering");
    case Phase::Backfilling: return QStringLiteral("backfilling");
    case Phase::Polling: return QStringLiteral("polling");
    case Phase::Paused: return QStringLiteral("paused");
    case Phase::Error: return QStringLiteral("error");
    }
    return {};
}

struct SyncEngine::Table
{
    QString objectName;
    schema::TableSchema schema;
    bool described = false;
    bool describeDue = true;
    QDateTime describedAt;
    QString describeLastModified;

    Phase phase = Phase::Discovering;

    // Backfill
    bool countDue = false;
    qint64 rowsTotal = -1;
    qint64 rowsDone = 0;
    QString method;           // "rest" / "bulk"
    QString restNextUrl;      // in-memory query locator
    QString restLastId;       // persisted cursor
    QString bulkJobId;
    QString bulkLocator;      // persisted; empty = first page
    bool bulkJobComplete = false;
    QDateTime bulkStatusDueAt;
    int bulkStatusDelayMs = 0;
    QDateTime backfillStartedAt;
    QStringList backfillColumns; // empty = all; else a column backfill

    // Polling
    QDateTime watermark;
    QDateTime pollDueAt;
    int pollIntervalMs = 0;
    QString pollMoreUrl;
    QDateTime lastPollAt;

    // Reconciliation (purged records)
    bool reconcileDue = false;
    QDateTime reconcileDueAt;
    bool reconcileCounted = false;
    QString reconcileNextUrl;
    QStringList reconcileIds;
    QDateTime reconcileStartedAt;
    qint64 reconcileRemoteCount = 0;
    QString reconcileJobId; // Bulk Id listing for large tables
    bool reconcileJobComplete = false;
    QString reconcileLocator;
    QDateTime reconcileJobStatusDueAt;
    int reconcileJobDelayMs = 0;

    // Status
    qint64 rowsInTable = 0;
    double apiCalls = 0;
    QString lastError;
    QElapsedTimer rateClock;
    qint64 rateBaseRows = 0;
    double recordsPerSecond = 0;
};

SyncEngine::SyncEngine(salesforce::RestClient *client, SyncConfig config, QObject *parent)
    : QObject(parent), m_client(client), m_config(std::move(config))
{
    m_pumpTimer.setSingleShot(true);
    connect(&m_pumpTimer, &QTimer::timeout, this, &SyncEngine::pump);
    // Near the daily quota the budget holds background requests back; tables
    // then show as paused (in signals and in tether.sync_status).
    if (salesforce::ApiBudget *budget = m_client->budget()) {
        m_budgetPaused = budget->backgroundPaused();
        connect(budget, &salesforce::ApiBudget::backgroundPausedChanged, this, [this](bool paused) {
            m_budgetPaused = paused;
            for (auto &t : m_tables) {
                if (!t->described)
                    continue;
                if (m_store && m_db.isOpen())
                    m_store->updateState(t->objectName, {{QStringLiteral("phase"), phaseName(paused ? Phase::Paused : t->phase)}});
                publish(*t);
            }
        });
    }
}

SyncEngine::~SyncEngine() = default;

QString SyncEngine::dataPath() const { return m_client->session()->connection().dataPath(); }

QList<TableStatus> SyncEngine::statuses() const
{
    QList<TableStatus> list;
    for (const auto &t : m_tables)
        list << statusOf(*t);
    return list;
}

void SyncEngine::fail(const QString &message)
{
    qCCritical(lcSync).noquote() << message;
    m_running = false;
    m_pumpTimer.stop();
    emit fatalError(message);
}

void SyncEngine::start()
{
    if (m_running)
        return;
    m_stopping = false;
    if (const store::PgError error = m_db.open(m_config.databaseConnectionString)) {
        fail(tr("Cannot sync: %1").arg(error.toString()));
        return;
    }
    m_store = std::make_unique<MirrorStore>(m_db, m_config.schemaName);
    if (const store::PgError error = m_store->ensureStateSchema()) {
        fail(tr("Cannot prepare Tether's state in the database: %1").arg(error.toString()));
        return;
    }
    m_running = true;
    emit started();

    if (!m_config.objects.isEmpty()) {
        for (const QString &name : std::as_const(m_config.objects)) {
            auto table = std::make_unique<Table>();
            table->objectName = name;
            m_tables.push_back(std::move(table));
        }
        pump();
        return;
    }
    // No explicit selection: discover what the org has.
    ApiRequest request;
    request.path = QStringLiteral("sobjects");
    m_inFlight = m_client->send(request, ApiCategory::Schema, [this](const ApiReply &reply) {
        m_inFlight = 0;
        if (!reply.ok()) {
            fail(tr("Could not list the org's objects: %1").arg(reply.error.toString()));
            return;
        }
        const QList<schema::ObjectDescribe> syncable = schema::syncableObjects(reply.json().object());
        const QStringList selection = schema::defaultObjectSelection(syncable);
        qCInfo(lcSync).noquote() << "syncing" << selection.join(QStringLiteral(", "));
        for (const QString &name : selection) {
            auto table = std::make_unique<Table>();
            table->objectName = name;
            m_tables.push_back(std::move(table));
        }
        pump();
    });
}

void SyncEngine::stop()
{
    if (!m_running) {
        emit stopped();
        return;
    }
    m_stopping = true;
    m_running = false;
    m_pumpTimer.stop();
    if (m_inFlight)
        m_client->cancel(m_inFlight);
    m_inFlight = 0;
    m_db.close();
    qCInfo(lcSync) << "sync stopped";
    emit stopped();
}

void SyncEngine::reconcileNow()
{
    for (auto &t : m_tables) {
        t->reconcileDue = true;
        t->reconcileDueAt = QDateTime::currentDateTimeUtc();
    }
    schedulePump(0);
}

void SyncEngine::describeNow()
{
    for (auto &t : m_tables)
        t->describeDue = true;
    schedulePump(0);
}

void SyncEngine::schedulePump(int delayMs)
{
    if (!m_running || m_inFlight)
        return;
    if (!m_pumpTimer.isActive() || m_pumpTimer.remainingTime() > delayMs)
        m_pumpTimer.start(qMax(0, delayMs));
}

void SyncEngine::finishRequest()
{
    m_inFlight = 0;
    if (m_running)
        schedulePump(0);
}

void SyncEngine::pump()
{
    if (!m_running || m_inFlight || m_stopping)
        return;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (auto &t : m_tables) {
        if (t->described && t->describedAt.msecsTo(now) >= m_config.describeIntervalMs)
            t->describeDue = true;
        if (t->phase == Phase::Polling && !t->reconcileDue && t->reconcileDueAt.isValid() && t->reconcileDueAt <= now)
            t->reconcileDue = true;
    }
    if (startDescribe() || startCount() || startPollMore())
        return;
    // Alternate between backfill and polling so neither starves the other.
    if (m_lastWasPoll) {
        if (startBackfill() || startPoll() || startReconcile())
            return;
    } else {
        if (startPoll() || startBackfill() || startReconcile())
            return;
    }

    // Nothing to send now: sleep until the earliest thing falls due.
    QDateTime wake;
    auto consider = [&](const QDateTime &at) {
        if (at.isValid() && (!wake.isValid() || at < wake))
            wake = at;
    };
    bool backfilling = false;
    for (auto &t : m_tables) {
        if (t->phase == Phase::Polling)
            consider(t->pollDueAt);
        if (t->phase == Phase::Backfilling || !t->backfillColumns.isEmpty()) {
            backfilling = true;
            consider(t->bulkStatusDueAt);
        }
        if (t->phase == Phase::Polling) {
            consider(t->reconcileDueAt);
            consider(t->reconcileJobStatusDueAt);
        }
        if (t->described)
            consider(t->describedAt.addMSecs(m_config.describeIntervalMs));
    }
    if (!backfilling && !m_caughtUpAnnounced && !m_tables.empty()) {
        bool allPolling = true;
        for (auto &t : m_tables)
            allPolling = allPolling && t->phase == Phase::Polling;
        if (allPolling) {
            m_caughtUpAnnounced = true;
            emit caughtUp();
        }
    }
    if (wake.isValid())
        schedulePump(int(qBound<qint64>(0, now.msecsTo(wake), qint64(24) * 3600 * 1000)));
}

QJsonObject SyncEngine::compositeGet(const QString &url, int index)
{
    return QJsonObject{{QStringLiteral("method"), QStringLiteral("GET")},
                       {QStringLiteral("url"), url},
                       {QStringLiteral("referenceId"), QStringLiteral("r%1").arg(index)}};
}

salesforce::RequestId SyncEngine::sendComposite(const QJsonArray &subrequests, ApiCategory category,
                                                salesforce::RestClient::ReplyCallback done)
{
    // One API call for up to 25 subrequests; each answers on its own
    // (allOrNone false), so one table's error does not fail the others.
    ApiRequest request;
    request.method = "POST";
    request.path = QStringLiteral("composite");
    request.body = QJsonDocument(QJsonObject{{QStringLiteral("allOrNone"), false},
                                             {QStringLiteral("compositeRequest"), subrequests}})
                       .toJson(QJsonDocument::Compact);
    return m_client->send(request, category, std::move(done));
}

bool SyncEngine::batchFailed(const QList<Table *> &tables, const ApiReply &reply, const QString &sentence)
{
    if (reply.ok())
        return false;
    for (Table *t : tables)
        noteTableError(*t, QString(sentence).arg(t->objectName, reply.error.toString()));
    if (reply.error.kind == salesforce::SalesforceError::Kind::LoginRequired) {
        fail(reply.error.toString());
        return true;
    }
    m_inFlight = 0;
    schedulePump(5000);
    return true;
}

// --- describes ------------------------------------------------------------

bool SyncEngine::startDescribe()
{
    QList<Table *> batch;
    for (auto &t : m_tables) {
        if (t->describeDue && batch.size() < 25)
            batch << t.get();
    }
    if (batch.isEmpty())
        return false;
    QJsonArray subrequests;
    for (int i = 0; i < batch.size(); ++i) {
        QJsonObject sub = compositeGet(dataPath() + QStringLiteral("/sobjects/%1/describe").arg(batch[i]->objectName), i);
        if (!batch[i]->describeLastModified.isEmpty())
            sub.insert(QStringLiteral("httpHeaders"),
                       QJsonObject{{QStringLiteral("If-Modified-Since"), batch[i]->describeLastModified}});
        subrequests.append(sub);
    }
    m_inFlight = sendComposite(subrequests, ApiCategory::Schema,
                               [this, batch](const ApiReply &reply) { onDescribes(batch, reply); });
    return true;
}

void SyncEngine::onDescribes(const QList<Table *> &tables, const ApiReply &reply)
{
    if (batchFailed(tables, reply, tr("Describing %1 failed: %2")))
        return;
    const QJsonArray responses = reply.json().object().value(QLatin1String("compositeResponse")).toArray();
    for (int i = 0; i < tables.size() && i < responses.size(); ++i) {
        Table &t = *tables[i];
        const QJsonObject response = responses.at(i).toObject();
        const int status = response.value(QLatin1String("httpStatusCode")).toInt();
        t.describeDue = false;
        t.describedAt = QDateTime::currentDateTimeUtc();
        t.apiCalls += 1.0 / tables.size();
        if (status == 304)
            continue;
        if (status != 200) {
            const QJsonArray errors = response.value(QLatin1String("body")).toArray();
            noteTableError(t, tr("Describing %1 failed: %2")
                                  .arg(t.objectName, errors.isEmpty() ? QString::number(status)
                                                                      : errors.first().toObject().value(QLatin1String("message")).toString()));
            continue;
        }
        const QJsonObject headers = response.value(QLatin1String("httpHeaders")).toObject();
        t.describeLastModified = headers.value(QLatin1String("Last-Modified")).toString();
        applyDescribe(t, response.value(QLatin1String("body")).toObject());
        if (!m_running)
            return;
    }
    finishRequest();
}

void SyncEngine::applyDescribe(Table &t, const QJsonObject &describe)
{
    const schema::ObjectDescribe object = schema::ObjectDescribe::fromJson(describe);
    const schema::TableSchema table = schema::TableSchema::fromDescribe(object, m_config.schemaName, m_config.mapping);
    QList<schema::SchemaChange> changes;
    if (const store::PgError error = m_store->prepareTable(table, m_config.stalePolicy, &changes)) {
        fail(tr("Cannot create or migrate %1: %2").arg(table.qualifiedName(), error.toString()));
        return;
    }
    const bool first = !t.described;
    t.schema = table;
    t.described = true;
    if (!changes.isEmpty()) {
        QStringList descriptions;
        for (const schema::SchemaChange &c : changes)
            descriptions << c.sql;
        qCInfo(lcSchema).noquote() << t.objectName << "schema changed:" << descriptions.join(u' ');
        emit schemaChanged(t.objectName, descriptions);
    }
    const TableState state = m_store->loadState(t.objectName);
    if (first) {
        t.rowsInTable = state.rowsInTable;
        t.apiCalls = state.apiCalls;
        t.rowsDone = state.rowsDone;
        t.rowsTotal = state.rowsTotal;
        t.watermark = state.watermark;
        t.lastPollAt = state.lastPollAt;
        if (state.backfillCompletedAt.isValid()) {
            t.phase = Phase::Polling;
            t.pollDueAt = QDateTime::currentDateTimeUtc();
            t.reconcileDueAt = QDateTime::currentDateTimeUtc().addMSecs(m_config.reconcileIntervalMs);
        } else {
            t.phase = Phase::Backfilling;
            t.method = state.backfillMethod;
            t.restLastId = state.backfillLastId;
            t.bulkJobId = state.backfillJobId;
            t.bulkLocator = state.backfillLocator;
            t.backfillStartedAt = state.backfillStartedAt;
            t.countDue = state.rowsTotal < 0 || t.method.isEmpty();
        }
    }
    // Columns added in Salesforce: backfill just those (after the main backfill).
    if (!state.pendingColumns.isEmpty() && t.backfillColumns.isEmpty() && t.phase == Phase::Polling) {
        t.backfillColumns = QStringList{QStringLiteral("id")} + state.pendingColumns;
        const QString wm = table.watermarkField.toLower();
        if (!wm.isEmpty())
            t.backfillColumns << wm;
        t.restNextUrl.clear();
        t.restLastId.clear();
    }
    publish(t);
}

// --- counts ---------------------------------------------------------------

bool SyncEngine::startCount()
{
    QList<Table *> batch;
    for (auto &t : m_tables) {
        if (t->described && t->countDue && batch.size() < m_config.pollBatchTables)
            batch << t.get();
    }
    if (batch.isEmpty())
        return false;
    QJsonArray subrequests;
    for (int i = 0; i < batch.size(); ++i) {
        const QString soql = QStringLiteral("SELECT COUNT() FROM %1").arg(batch[i]->objectName);
        subrequests.append(compositeGet(dataPath() + QStringLiteral("/query?q=") + QString::fromLatin1(QUrl::toPercentEncoding(soql)), i));
    }
    m_inFlight = sendComposite(subrequests, ApiCategory::Backfill,
                               [this, batch](const ApiReply &reply) { onCounts(batch, reply); });
    return true;
}

void SyncEngine::onCounts(const QList<Table *> &tables, const ApiReply &reply)
{
    if (batchFailed(tables, reply, tr("Counting %1 records failed: %2")))
        return;
    const QDateTime now = serverDate(reply);
    const QJsonArray responses = reply.json().object().value(QLatin1String("compositeResponse")).toArray();
    for (int i = 0; i < tables.size() && i < responses.size(); ++i) {
        Table &t = *tables[i];
        const QJsonObject response = responses.at(i).toObject();
        t.apiCalls += 1.0 / tables.size();
        if (response.value(QLatin1String("httpStatusCode")).toInt() != 200) {
            noteTableError(t, tr("Counting %1 records failed (HTTP %2).")
                                  .arg(t.objectName)
                                  .arg(response.value(QLatin1String("httpStatusCode")).toInt()));
            continue;
        }
        t.countDue = false;
        t.rowsTotal = qint64(response.value(QLatin1String("body")).toObject().value(QLatin1String("totalSize")).toDouble());
        if (t.method.isEmpty()) {
            // Bulk cannot serve base64; such objects stay on REST.
            const bool bulkPossible = t.schema.fieldsBulkCannotServe().isEmpty();
            t.method = (bulkPossible && t.rowsTotal > m_config.bulkThreshold) ? QStringLiteral("bulk") : QStringLiteral("rest");
        }
        if (!t.backfillStartedAt.isValid())
            t.backfillStartedAt = now;
        QVariantMap state{{QStringLiteral("rows_total"), t.rowsTotal},
                          {QStringLiteral("backfill_method"), t.method},
                          {QStringLiteral("phase"), phaseName(Phase::Backfilling)},
                          {QStringLiteral("backfill_started_at"), t.backfillStartedAt.toString(Qt::ISODateWithMs)},
                          {QStringLiteral("+api_calls"), 1.0 / tables.size()}};
        if (const store::PgError error = m_store->updateState(t.objectName, state))
            return fail(tr("Cannot save sync state: %1").arg(error.toString()));
        t.rateClock.start();
        t.rateBaseRows = t.rowsDone;
        publish(t);
    }
    finishRequest();
}

// --- backfill -------------------------------------------------------------

QString SyncEngine::selectList(const Table &t, bool forBulk) const
{
    QStringList fields;
    if (!t.backfillColumns.isEmpty()) {
        for (const QString &column : t.backfillColumns) {
            if (const schema::ColumnSpec *c = t.schema.column(column); c && !c->isDerived())
                fields << c->fieldName;
        }
    } else {
        fields = t.schema.fieldNames();
    }
    if (forBulk) {
        const QStringList unsupported = t.schema.fieldsBulkCannotServe();
        fields.erase(std::remove_if(fields.begin(), fields.end(),
                                    [&](const QString &f) { return unsupported.contains(f); }),
                     fields.end());
    }
    return fields.join(QStringLiteral(", "));
}

QString SyncEngine::soqlDateTime(const QDateTime &at) const
{
    return at.toUTC().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ssZ"));
}

bool SyncEngine::startBackfill()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (auto &tp : m_tables) {
        Table &t = *tp;
        const bool columnBackfill = t.phase == Phase::Polling && !t.backfillColumns.isEmpty();
        if (!t.described || t.countDue || (t.phase != Phase::Backfilling && !columnBackfill))
            continue;
        if (t.method == QLatin1String("bulk") && !columnBackfill) {
            if (t.bulkStatusDueAt.isValid() && t.bulkStatusDueAt > now)
                continue; // waiting for the job; look at the next table
            m_lastWasPoll = false;
            backfillBulk(t);
            return true;
        }
        m_lastWasPoll = false;
        backfillRest(t);
        return true;
    }
    return false;
}

void SyncEngine::backfillRest(Table &t)
{
    ApiRequest request;
    const bool columnBackfill = !t.backfillColumns.isEmpty();
    if (!t.restNextUrl.isEmpty()) {
        request.path = t.restNextUrl;
    } else {
        // Keyset on Id: a restart re-asks at most the page that was in flight.
        QString soql = QStringLiteral("SELECT %1 FROM %2").arg(selectList(t, false), t.objectName);
        if (!t.restLastId.isEmpty())
            soql += QStringLiteral(" WHERE Id > %1").arg(quoteSoql(t.restLastId));
        soql += QStringLiteral(" ORDER BY Id");
        request.path = QStringLiteral("query");
        request.query << qMakePair(QStringLiteral("q"), soql);
    }
    request.headers << qMakePair(QByteArray("Sforce-Query-Options"),
                                 QByteArray("batchSize=") + QByteArray::number(m_config.restBatchSize));
    Table *table = &t;
    m_inFlight = m_client->send(request, ApiCategory::Backfill, [this, table, columnBackfill](const ApiReply &reply) {
        Table &t = *table;
        if (!reply.ok()) {
            if (reply.error.errorCode == QLatin1String("INVALID_QUERY_LOCATOR"))
                t.restNextUrl.clear(); // the locator expired: continue from the last Id
            noteTableError(t, tr("Backfill of %1 failed: %2").arg(t.objectName, reply.error.toString()));
            if (reply.error.kind == salesforce::SalesforceError::Kind::LoginRequired)
                return fail(reply.error.toString());
            m_inFlight = 0;
            schedulePump(reply.error.kind == salesforce::SalesforceError::Kind::Cancelled ? 0 : 5000);
            return;
        }
        const QueryPage page = pageFromQueryJson(reply.body, t.schema, columnBackfill ? t.backfillColumns : QStringList());
        if (!page.error.isEmpty()) {
            noteTableError(t, tr("Backfill of %1 got an unreadable page: %2").arg(t.objectName, page.error));
            m_inFlight = 0;
            schedulePump(5000);
            return;
        }
        if (!t.backfillStartedAt.isValid())
            t.backfillStartedAt = serverDate(reply);
        QVariantMap state{{QStringLiteral("backfill_last_id"), page.lastId.isEmpty() ? t.restLastId : page.lastId},
                          {QStringLiteral("+api_calls"), 1}};
        if (!columnBackfill)
            state.insert(QStringLiteral("+rows_done"), page.rowCount);
        t.restNextUrl = page.nextRecordsUrl;
        if (!page.lastId.isEmpty())
            t.restLastId = page.lastId;
        t.apiCalls += 1;
        if (onBackfillPage(t, page, state, page.done || page.nextRecordsUrl.isEmpty()))
            finishRequest();
    });
}

void SyncEngine::backfillBulk(Table &t)
{
    Table *table = &t;
    auto failed = [this, table](const salesforce::SalesforceError &error, const QString &what) {
        noteTableError(*table, tr("Bulk backfill of %1 failed %2: %3").arg(table->objectName, what, error.toString()));
        if (error.kind == salesforce::SalesforceError::Kind::LoginRequired)
            return fail(error.toString());
        m_inFlight = 0;
        schedulePump(error.kind == salesforce::SalesforceError::Kind::Cancelled ? 0 : 5000);
    };

    if (t.bulkJobId.isEmpty()) {
        const QString soql = QStringLiteral("SELECT %1 FROM %2").arg(selectList(t, true), t.objectName);
        m_inFlight = m_client->createQueryJob(soql, false, [this, table, failed](const salesforce::BulkJob &job) {
            Table &t = *table;
            t.apiCalls += 1;
            if (job.error)
                return failed(job.error, tr("creating the job"));
            t.bulkJobId = job.id;
            t.bulkLocator.clear();
            t.bulkJobComplete = job.state == QLatin1String("JobComplete");
            t.bulkStatusDelayMs = m_config.bulkStatusFirstDelayMs;
            t.bulkStatusDueAt = QDateTime::currentDateTimeUtc().addMSecs(t.bulkStatusDelayMs);
            if (const store::PgError error = m_store->updateState(
                    t.objectName, {{QStringLiteral("backfill_job_id"), t.bulkJobId},
                                   {QStringLiteral("backfill_locator"), QString()},
                                   {QStringLiteral("+api_calls"), 1}}))
                return fail(tr("Cannot save sync state: %1").arg(error.toString()));
            finishRequest();
        });
        return;
    }

    if (!t.bulkJobComplete) {
        m_inFlight = m_client->getQueryJob(t.bulkJobId, [this, table, failed](const salesforce::BulkJob &job) {
            Table &t = *table;
            t.apiCalls += 1;
            m_store->updateState(t.objectName, {{QStringLiteral("+api_calls"), 1}});
            if (job.error && job.error.httpStatus != 404)
                return failed(job.error, tr("checking the job"));
            if (job.error || job.state == QLatin1String("Failed") || job.state == QLatin1String("Aborted")) {
                // The job is gone (expired, failed or aborted): start a new one.
                // Pages already applied stay; the upsert makes repeats harmless.
                qCWarning(lcSync).noquote() << t.objectName << "bulk job" << t.bulkJobId << "is"
                                            << (job.error ? QStringLiteral("gone") : job.state) << "- starting a new one";
                t.bulkJobId.clear();
                t.bulkLocator.clear();
                t.bulkStatusDueAt = {};
                finishRequest();
                return;
            }
            if (job.state == QLatin1String("JobComplete")) {
                t.bulkJobComplete = true;
                t.bulkStatusDueAt = {};
            } else {
                t.bulkStatusDelayMs = qMin(t.bulkStatusDelayMs * 3 / 2, 15000);
                t.bulkStatusDueAt = QDateTime::currentDateTimeUtc().addMSecs(t.bulkStatusDelayMs);
            }
            finishRequest();
        });
        return;
    }

    m_inFlight = requestBulkResults(t);
}

salesforce::RequestId SyncEngine::requestBulkResults(Table &t)
{
    Table *table = &t;
    const QStringList fields = selectList(t, true).split(QStringLiteral(", "));
    const QString locator = t.bulkLocator;
    return m_client->getQueryJobResults(
        t.bulkJobId, locator, m_config.bulkMaxRecords,
        [this, table, fields, locator](const salesforce::BulkResultsPage &result) {
            Table &t = *table;
            if (result.error.kind == salesforce::SalesforceError::Kind::Cancelled)
                return; // whoever cancelled it has moved on
            t.apiCalls += 1;
            if (result.error) {
                if (result.error.httpStatus == 404 || result.error.httpStatus == 400) {
                    t.bulkJobId.clear(); // results expired or locator refused: new job
                    t.bulkJobComplete = false;
                }
                noteTableError(t, tr("Bulk backfill of %1 failed reading results: %2").arg(t.objectName, result.error.toString()));
                if (result.error.kind == salesforce::SalesforceError::Kind::LoginRequired)
                    return fail(result.error.toString());
                m_inFlight = 0;
                schedulePump(5000);
                return;
            }
            const QueryPage page = pageFromBulkCsv(result.csv, t.schema, fields);
            if (!page.error.isEmpty()) {
                noteTableError(t, tr("Bulk backfill of %1 got an unreadable page: %2").arg(t.objectName, page.error));
                m_inFlight = 0;
                schedulePump(5000);
                return;
            }
            // Ask for the next page now, so it downloads while this one is
            // written to PostgreSQL. It is the one request in flight.
            t.bulkLocator = result.locator;
            m_inFlight = result.isLastPage() || m_stopping ? 0 : requestBulkResults(t);
            const QVariantMap state{{QStringLiteral("backfill_locator"), result.locator},
                                    {QStringLiteral("+rows_done"), result.numberOfRecords},
                                    {QStringLiteral("+api_calls"), 1}};
            if (!onBackfillPage(t, page, state, result.isLastPage())) {
                if (m_inFlight)
                    m_client->cancel(m_inFlight);
                m_inFlight = 0;
                t.bulkLocator = locator; // this page was not kept: ask for it again
                return;
            }
            if (!m_inFlight)
                finishRequest();
        });
}

bool SyncEngine::onBackfillPage(Table &t, const QueryPage &page, const QVariantMap &state, bool last)
{
    const bool columnBackfill = !t.backfillColumns.isEmpty() && t.phase == Phase::Polling;
    QVariantMap update = state;
    update.insert(QStringLiteral("last_error"), QVariant());
    update.insert(QStringLiteral("phase"), phaseName(t.phase));
    if (last && columnBackfill)
        update.insert(QStringLiteral("pending_columns"), QStringLiteral("{}"));
    const ApplyResult applied = m_store->applyPage(t.schema, page, update, columnBackfill);
    if (applied.error) {
        // Nothing of this page was kept; it is asked again.
        noteTableError(t, tr("Writing %1 to PostgreSQL failed: %2").arg(t.objectName, applied.error.toString()));
        if (applied.error.kind == store::PgError::Kind::ConnectionLost) {
            fail(tr("Lost the database connection while syncing %1: %2").arg(t.objectName, applied.error.toString()));
            return false;
        }
        t.restNextUrl.clear();
        m_inFlight = 0;
        schedulePump(5000);
        return false;
    }
    t.lastError.clear();
    t.rowsInTable += applied.inserted - applied.deleted;
    if (!columnBackfill) {
        t.rowsDone += state.value(QStringLiteral("+rows_done")).toLongLong();
        const qint64 elapsed = t.rateClock.isValid() ? t.rateClock.elapsed() : 0;
        if (elapsed > 0)
            t.recordsPerSecond = double(t.rowsDone - t.rateBaseRows) * 1000.0 / double(elapsed);
    }
    if (last) {
        if (columnBackfill) {
            qCInfo(lcSync).noquote() << t.objectName << "column backfill done:" << t.backfillColumns.join(u',');
            t.backfillColumns.clear();
            t.restNextUrl.clear();
            t.restLastId.clear();
        } else {
            completeBackfill(t);
        }
    }
    publish(t);
    return true;
}

void SyncEngine::completeBackfill(Table &t)
{
    // Changes made while the backfill ran are picked up by polling from the
    // moment it began (less the overlap window).
    t.watermark = t.backfillStartedAt.isValid() ? t.backfillStartedAt : QDateTime::currentDateTimeUtc();
    t.phase = Phase::Polling;
    t.pollDueAt = QDateTime::currentDateTimeUtc();
    t.reconcileDueAt = QDateTime::currentDateTimeUtc().addMSecs(m_config.reconcileIntervalMs);
    const store::PgError error = m_store->updateState(
        t.objectName, {{QStringLiteral("phase"), phaseName(Phase::Polling)},
                       {QStringLiteral("backfill_completed_at"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
                       {QStringLiteral("watermark"), t.watermark.toString(Qt::ISODateWithMs)},
                       {QStringLiteral("backfill_job_id"), QVariant()},
                       {QStringLiteral("backfill_locator"), QVariant()},
                       {QStringLiteral("pending_columns"), QStringLiteral("{}")}});
    if (error)
        return fail(tr("Cannot save sync state: %1").arg(error.toString()));
    qCInfo(lcSync).noquote() << t.objectName << "backfill complete:" << t.rowsInTable << "rows,"
                             << t.apiCalls << "API calls";
    emit backfillCompleted(t.objectName);
}

// --- polling --------------------------------------------------------------

bool SyncEngine::startPollMore()
{
    for (auto &tp : m_tables) {
        Table &t = *tp;
        if (t.pollMoreUrl.isEmpty())
            continue;
        ApiRequest request;
        request.path = t.pollMoreUrl;
        Table *table = &t;
        m_inFlight = m_client->send(request, ApiCategory::Poll, [this, table](const ApiReply &reply) {
            Table &t = *table;
            if (!reply.ok()) {
                t.pollMoreUrl.clear(); // the next poll re-reads from the watermark
                noteTableError(t, tr("Polling %1 failed: %2").arg(t.objectName, reply.error.toString()));
                if (reply.error.kind == salesforce::SalesforceError::Kind::LoginRequired)
                    return fail(reply.error.toString());
                finishRequest();
                return;
            }
            const QueryPage page = pageFromQueryJson(reply.body, t.schema);
            t.pollMoreUrl = page.done ? QString() : page.nextRecordsUrl;
            applyPollPage(t, page, 1.0);
            finishRequest();
        });
        return true;
    }
    return false;
}

bool SyncEngine::startPoll()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QList<Table *> pollable;
    for (auto &t : m_tables) {
        if (t->phase == Phase::Polling && t->described && t->pollMoreUrl.isEmpty())
            pollable << t.get();
    }
    std::sort(pollable.begin(), pollable.end(), [](Table *a, Table *b) { return a->pollDueAt < b->pollDueAt; });
    if (pollable.isEmpty() || pollable.first()->pollDueAt > now)
        return false;
    // A /composite call costs one API call whether it carries one query or
    // five, so a call made for a due table also polls the tables that will be
    // due soonest: fresher data at no extra cost.
    const QList<Table *> due = pollable.mid(0, m_config.pollBatchTables);

    QJsonArray subrequests;
    for (int i = 0; i < due.size(); ++i) {
        Table &t = *due[i];
        QString soql = QStringLiteral("SELECT %1 FROM %2").arg(selectList(t, false), t.objectName);
        const QString wm = t.schema.watermarkField;
        if (!wm.isEmpty() && t.watermark.isValid())
            soql += QStringLiteral(" WHERE %1 >= %2").arg(wm, soqlDateTime(t.watermark.addSecs(-m_config.pollOverlapSeconds)));
        if (!wm.isEmpty())
            soql += QStringLiteral(" ORDER BY %1, Id").arg(wm);
        // queryAll also returns soft-deleted rows (IsDeleted = true): deletes.
        const QString resource = t.schema.softDelete ? QStringLiteral("/queryAll?q=") : QStringLiteral("/query?q=");
        subrequests.append(compositeGet(dataPath() + resource + QString::fromLatin1(QUrl::toPercentEncoding(soql)), i));
    }
    m_lastWasPoll = true;
    m_inFlight = sendComposite(subrequests, ApiCategory::Poll,
                               [this, due](const ApiReply &reply) { onPollReply(due, reply); });
    return true;
}

void SyncEngine::onPollReply(const QList<Table *> &tables, const ApiReply &reply)
{
    if (!reply.ok()) {
        for (Table *t : tables) {
            noteTableError(*t, tr("Polling %1 failed: %2").arg(t->objectName, reply.error.toString()));
            t->pollDueAt = QDateTime::currentDateTimeUtc().addMSecs(5000);
        }
        if (reply.error.kind == salesforce::SalesforceError::Kind::LoginRequired)
            return fail(reply.error.toString());
        finishRequest();
        return;
    }
    const RawJson json(reply.body);
    const RawJson::Value *responses = json.ok() ? json.root().member("compositeResponse") : nullptr;
    if (!responses || responses->type != RawJson::Type::Array) {
        for (Table *t : tables)
            noteTableError(*t, tr("Salesforce's answer to a poll of %1 was unreadable.").arg(t->objectName));
        finishRequest();
        return;
    }
    const double share = 1.0 / tables.size();
    for (int i = 0; i < tables.size() && size_t(i) < responses->elements.size(); ++i) {
        Table &t = *tables[i];
        const RawJson::Value &response = responses->elements[size_t(i)];
        const RawJson::Value *status = response.member("httpStatusCode");
        const RawJson::Value *body = response.member("body");
        const int code = status ? json.rawText(*status).toInt() : 0;
        if (code != 200 || !body) {
            t.apiCalls += share;
            noteTableError(t, tr("Polling %1 failed. %2").arg(t.objectName, body ? subrequestError(json, *body, code) : QString()));
            t.pollDueAt = QDateTime::currentDateTimeUtc().addMSecs(qMax(5000, m_config.pollMaxIntervalMs));
            // A field may have been removed in Salesforce: re-describe.
            if (code == 400)
                t.describeDue = true;
            continue;
        }
        const QueryPage page = pageFromQueryResult(json, *body, t.schema);
        t.pollMoreUrl = page.done ? QString() : page.nextRecordsUrl;
        applyPollPage(t, page, share);
        if (!m_running)
            return;
    }
    finishRequest();
}

void SyncEngine::applyPollPage(Table &t, const QueryPage &page, double apiCallShare)
{
    if (!page.error.isEmpty()) {
        noteTableError(t, tr("Salesforce's answer to a poll of %1 was unreadable: %2").arg(t.objectName, page.error));
        return;
    }
    QDateTime watermark = t.watermark;
    if (!page.maxWatermark.isEmpty()) {
        const QDateTime seen = parseSalesforceDateTime(page.maxWatermark);
        if (seen.isValid() && (!watermark.isValid() || seen > watermark))
            watermark = seen;
    }
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QVariantMap state{{QStringLiteral("+api_calls"), apiCallShare},
                      {QStringLiteral("last_poll_at"), now.toString(Qt::ISODateWithMs)},
                      {QStringLiteral("last_error"), QVariant()},
                      {QStringLiteral("phase"), phaseName(t.phase)}};
    if (watermark.isValid())
        state.insert(QStringLiteral("watermark"), watermark.toString(Qt::ISODateWithMs));
    const ApplyResult applied = m_store->applyPage(t.schema, page, state);
    if (applied.error) {
        noteTableError(t, tr("Writing %1 to PostgreSQL failed: %2").arg(t.objectName, applied.error.toString()));
        if (applied.error.kind == store::PgError::Kind::ConnectionLost)
            return fail(tr("Lost the database connection while syncing %1: %2").arg(t.objectName, applied.error.toString()));
        t.pollMoreUrl.clear();
        return;
    }
    t.apiCalls += apiCallShare;
    t.watermark = watermark;
    t.lastPollAt = now;
    t.lastError.clear();
    t.rowsInTable += applied.inserted - applied.deleted;
    const qint64 changed = applied.inserted + applied.updated;
    // Adaptive interval: a table that changed is due again soon, a quiet one backs off.
    if (changed + applied.deleted > 0)
        t.pollIntervalMs = m_config.pollMinIntervalMs;
    else
        t.pollIntervalMs = qBound(1000, t.pollIntervalMs < 1000 ? 1000 : t.pollIntervalMs * 2, qMax(1000, m_config.pollMaxIntervalMs));
    t.pollDueAt = now.addMSecs(t.pollIntervalMs);
    if (changed + applied.deleted > 0) {
        m_store->updateState(t.objectName, {{QStringLiteral("last_change_at"), now.toString(Qt::ISODateWithMs)}});
        qCDebug(lcSync).noquote() << t.objectName << "poll:" << changed << "changed," << applied.deleted << "deleted";
    }
    emit pollApplied(t.objectName, changed, applied.deleted);
    publish(t);
}

// --- reconciliation of purged records --------------------------------------

bool SyncEngine::startReconcile()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (auto &tp : m_tables) {
        Table &t = *tp;
        if (!t.reconcileDue || t.phase != Phase::Polling || !t.backfillColumns.isEmpty())
            continue;
        if (t.reconcileJobStatusDueAt.isValid() && t.reconcileJobStatusDueAt > now)
            continue; // waiting for the Id job
        if (!t.reconcileCounted)
            m_inFlight = reconcileCount(t);
        else if (t.reconcileRemoteCount > m_config.bulkThreshold)
            m_inFlight = reconcileBulkStep(t);
        else
            m_inFlight = reconcileRestStep(t);
        return true;
    }
    return false;
}

salesforce::RequestId SyncEngine::reconcileCount(Table &t)
{
    // Cheap check first: one COUNT() call; only a mismatch costs an Id scan.
    Table *table = &t;
    ApiRequest request;
    request.path = QStringLiteral("query");
    request.query << qMakePair(QStringLiteral("q"), QStringLiteral("SELECT COUNT() FROM %1").arg(t.objectName));
    return m_client->send(request, ApiCategory::Poll, [this, table](const ApiReply &reply) {
        Table &t = *table;
        noteReconcileCall(t);
        if (!reply.ok())
            return reconcileFailed(t, tr("Checking %1 for purged records failed: %2").arg(t.objectName, reply.error.toString()));
        t.reconcileRemoteCount = qint64(reply.json().object().value(QLatin1String("totalSize")).toDouble());
        const store::PgResult local = m_db.exec(QStringLiteral("SELECT count(*) FROM %1").arg(t.schema.qualifiedName()));
        if (local.ok() && local.toInt64(0, 0) == t.reconcileRemoteCount) {
            t.reconcileDue = false;
            t.reconcileDueAt = QDateTime::currentDateTimeUtc().addMSecs(m_config.reconcileIntervalMs);
            emit reconciled(t.objectName, 0);
        } else {
            t.reconcileCounted = true;
            t.reconcileIds.clear();
            t.reconcileNextUrl.clear();
            t.reconcileJobId.clear();
            t.reconcileStartedAt = serverDate(reply).addSecs(-m_config.pollOverlapSeconds);
        }
        finishRequest();
    });
}

salesforce::RequestId SyncEngine::reconcileRestStep(Table &t)
{
    // Id-only pages of 2,000: one call per page.
    Table *table = &t;
    ApiRequest request;
    if (!t.reconcileNextUrl.isEmpty()) {
        request.path = t.reconcileNextUrl;
    } else {
        request.path = QStringLiteral("query");
        request.query << qMakePair(QStringLiteral("q"), QStringLiteral("SELECT Id FROM %1 ORDER BY Id").arg(t.objectName));
    }
    request.headers << qMakePair(QByteArray("Sforce-Query-Options"), QByteArray("batchSize=2000"));
    return m_client->send(request, ApiCategory::Poll, [this, table](const ApiReply &reply) {
        Table &t = *table;
        noteReconcileCall(t);
        if (!reply.ok())
            return reconcileFailed(t, tr("Scanning %1 for purged records failed: %2").arg(t.objectName, reply.error.toString()));
        const RawJson json(reply.body);
        const RawJson::Value *records = json.ok() ? json.root().member("records") : nullptr;
        if (records) {
            for (const RawJson::Value &record : records->elements) {
                if (const RawJson::Value *id = record.member("Id"))
                    t.reconcileIds << json.string(*id);
            }
        }
        const RawJson::Value *next = json.ok() ? json.root().member("nextRecordsUrl") : nullptr;
        t.reconcileNextUrl = next && !next->isNull() ? json.string(*next) : QString();
        if (t.reconcileNextUrl.isEmpty())
            finishReconcile(t);
        finishRequest();
    });
}

salesforce::RequestId SyncEngine::reconcileBulkStep(Table &t)
{
    // Large tables: one Bulk API 2.0 job lists every Id in a handful of calls.
    Table *table = &t;
    if (t.reconcileJobId.isEmpty()) {
        return m_client->createQueryJob(
            QStringLiteral("SELECT Id FROM %1").arg(t.objectName), false,
            [this, table](const salesforce::BulkJob &job) {
                Table &t = *table;
                noteReconcileCall(t);
                if (job.error)
                    return reconcileFailed(t, tr("Listing %1 Ids for purged records failed: %2").arg(t.objectName, job.error.toString()));
                t.reconcileJobId = job.id;
                t.reconcileJobComplete = false;
                t.reconcileLocator.clear();
                t.reconcileJobDelayMs = m_config.bulkStatusFirstDelayMs;
                t.reconcileJobStatusDueAt = QDateTime::currentDateTimeUtc().addMSecs(t.reconcileJobDelayMs);
                finishRequest();
            },
            ApiCategory::Poll);
    }
    if (!t.reconcileJobComplete) {
        return m_client->getQueryJob(
            t.reconcileJobId,
            [this, table](const salesforce::BulkJob &job) {
                Table &t = *table;
                noteReconcileCall(t);
                if (job.error || job.state == QLatin1String("Failed") || job.state == QLatin1String("Aborted"))
                    return reconcileFailed(t, tr("Listing %1 Ids for purged records failed: %2")
                                                  .arg(t.objectName, job.error ? job.error.toString() : job.state));
                t.reconcileJobComplete = job.state == QLatin1String("JobComplete");
                t.reconcileJobDelayMs = qMin(t.reconcileJobDelayMs * 3 / 2, 15000);
                t.reconcileJobStatusDueAt =
                    t.reconcileJobComplete ? QDateTime() : QDateTime::currentDateTimeUtc().addMSecs(t.reconcileJobDelayMs);
                finishRequest();
            },
            ApiCategory::Poll);
    }
    return m_client->getQueryJobResults(
        t.reconcileJobId, t.reconcileLocator, 1000000,
        [this, table](const salesforce::BulkResultsPage &page) {
            Table &t = *table;
            noteReconcileCall(t);
            if (page.error)
                return reconcileFailed(t, tr("Listing %1 Ids for purged records failed: %2").arg(t.objectName, page.error.toString()));
            const QList<QByteArray> lines = page.csv.split('\n');
            for (qsizetype i = 1; i < lines.size(); ++i) { // line 0 is the header
                QByteArray id = lines[i].trimmed();
                if (id.startsWith('"'))
                    id = id.mid(1, id.size() - 2);
                if (!id.isEmpty())
                    t.reconcileIds << QString::fromLatin1(id);
            }
            t.reconcileLocator = page.locator;
            if (page.isLastPage())
                finishReconcile(t);
            finishRequest();
        },
        ApiCategory::Poll);
}

void SyncEngine::noteReconcileCall(Table &t)
{
    t.apiCalls += 1;
    m_store->updateState(t.objectName, {{QStringLiteral("+api_calls"), 1}});
}

void SyncEngine::reconcileFailed(Table &t, const QString &message)
{
    noteTableError(t, message);
    t.reconcileDue = false;
    t.reconcileCounted = false;
    t.reconcileJobId.clear();
    t.reconcileJobStatusDueAt = {};
    t.reconcileDueAt = QDateTime::currentDateTimeUtc().addMSecs(60000);
    finishRequest();
}

void SyncEngine::finishReconcile(Table &t)
{
    const ApplyResult removed = m_store->removeRowsNotIn(t.schema, t.reconcileIds, t.reconcileStartedAt, {});
    if (removed.error)
        noteTableError(t, tr("Removing purged %1 records failed: %2").arg(t.objectName, removed.error.toString()));
    else
        t.rowsInTable -= removed.deleted;
    qCInfo(lcSync).noquote() << t.objectName << "reconciled:" << removed.deleted << "purged records removed";
    t.reconcileDue = false;
    t.reconcileCounted = false;
    t.reconcileIds.clear();
    t.reconcileJobId.clear();
    t.reconcileJobStatusDueAt = {};
    t.reconcileDueAt = QDateTime::currentDateTimeUtc().addMSecs(m_config.reconcileIntervalMs);
    emit reconciled(t.objectName, removed.deleted);
    publish(t);
}

// --- status ---------------------------------------------------------------

void SyncEngine::noteTableError(Table &t, const QString &message)
{
    qCWarning(lcSync).noquote() << message;
    t.lastError = message;
    if (m_store && m_db.isOpen())
        m_store->updateState(t.objectName, {{QStringLiteral("last_error"), message},
                                            {QStringLiteral("phase"), phaseName(m_budgetPaused ? Phase::Paused : Phase::Error)},
                                            {QStringLiteral("last_error_at"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)}});
    publish(t);
}

void SyncEngine::publish(Table &t) { emit tableStatusChanged(statusOf(t)); }

TableStatus SyncEngine::statusOf(const Table &t) const
{
    TableStatus s;
    s.objectName = t.objectName;
    s.tableName = m_config.schemaName + u'.' + t.objectName.toLower();
    // Shown phase: paused near the quota; error while the last attempt failed
    // (the engine keeps retrying; t.phase says what it is retrying).
    s.phase = m_budgetPaused && (t.phase == Phase::Backfilling || t.phase == Phase::Polling) ? Phase::Paused
              : !t.lastError.isEmpty()                                                      ? Phase::Error
                                                                                             : t.phase;
    s.backfillMethod = t.method;
    s.rowsInTable = t.rowsInTable;
    s.rowsTotal = t.rowsTotal;
    s.rowsDone = t.rowsDone;
    s.recordsPerSecond = t.recordsPerSecond;
    s.lastPoll = t.lastPollAt;
    s.apiCalls = t.apiCalls;
    s.lastError = t.lastError;
    if (m_budgetPaused && s.lastError.isEmpty())
        s.lastError = tr("Paused: Tether's share of the daily API quota is used up; resumes by itself when quota frees up.");
    if (t.phase == Phase::Backfilling && t.rowsTotal >= 0) {
        // ETA from the API budget: the calls still needed at the limiter's pace.
        const qint64 remaining = qMax<qint64>(0, t.rowsTotal - t.rowsDone);
        const bool bulk = t.method == QLatin1String("bulk");
        const qint64 perCall = bulk ? m_config.bulkMaxRecords : m_config.restBatchSize;
        const qint64 calls = (remaining + perCall - 1) / qMax<qint64>(1, perCall) + (bulk && !t.bulkJobComplete ? 2 : 0);
        double secondsPerCall = 3.0;
        if (const salesforce::RateLimiter *limiter = m_client->limiter())
            secondsPerCall = 1.0 / qMax(0.001, limiter->requestsPerSecond());
        s.etaSeconds = qint64(double(calls) * secondsPerCall);
    }
    return s;
}

} // namespace tether::sync
