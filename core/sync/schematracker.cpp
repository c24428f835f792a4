#include "sync/schematracker.h"

#include "logging.h"
#include "sync/countbatch.h"
#include "sync/soql.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>

namespace tether::sync {

namespace {
QString tr(const char *text) { return QCoreApplication::translate("SchemaTracker", text); }

schema::TableSchema schemaFrom(const QByteArray &describeJson, const SyncConfig &config)
{
    const schema::ObjectDescribe object = schema::ObjectDescribe::fromJson(QJsonDocument::fromJson(describeJson).object());
    return schema::TableSchema::fromDescribe(object, config.schemaName, config.mapping);
}
} // namespace

SchemaTracker::SchemaTracker(SyncContext &context, SyncEvents &events) : m_context(context), m_events(events) {}

void SchemaTracker::restoreSchema(TableTask &task, const TableState &state)
{
    if (state.describeJson.isEmpty())
        return;
    const schema::TableSchema table = schemaFrom(state.describeJson, m_context.config);
    if (table.columns.isEmpty())
        return;
    task.schema = table;
    task.describe.lastModified = state.describeLastModified;
}

bool SchemaTracker::start(const QDateTime &now, std::function<void()> done)
{
    QList<TableTask *> batch;
    for (auto &task : m_context.tasks) {
        if (task->describe.at.isValid() && task->describe.at.msecsTo(now) >= m_context.config.describeIntervalMs)
            task->describe.due = true;
        if (task->describe.due && !task->isWaiting(now) && batch.size() < 25)
            batch << task.get();
    }
    if (batch.isEmpty())
        return false;
    QList<CompositeGet> gets;
    for (TableTask *task : std::as_const(batch)) {
        CompositeGet get{m_context.dataPath() + QStringLiteral("/sobjects/%1/describe").arg(task->objectName), {}};
        if (task->hasSchema() && !task->describe.lastModified.isEmpty())
            get.headers << qMakePair(QStringLiteral("If-Modified-Since"), task->describe.lastModified);
        gets << get;
    }
    // Tables about to be backfilled also need their COUNT() (it picks REST
    // or Bulk). It rides along in the same call: up to five queries go in a
    // /composite call that costs one API call, so a first start spends one
    // call on describe and count together instead of two.
    CountBatch counts(m_context, m_events);
    QList<TableTask *> counted;
    for (TableTask *task : std::as_const(batch)) {
        // At most 25 subrequests in all, at most 5 of them queries.
        if ((task->phase == Phase::Discovering || task->backfill.countDue) && counted.size() < m_context.config.pollBatchTables
            && gets.size() < 25) {
            counted << task;
            gets << CompositeGet{counts.countUrl(*task), {}};
        }
    }
    sendCompositeRead(m_context.client, gets, salesforce::ApiCategory::Schema,
                      [this, batch, counted, done = std::move(done)](const CompositeReadReply &reply) {
                          onDescribes(batch, reply);
                          onCounts(batch.size(), counted, reply);
                          done();
                      });
    return true;
}

void SchemaTracker::onCounts(qsizetype first, const QList<TableTask *> &tasks, const CompositeReadReply &reply)
{
    if (!reply.http.ok() || !m_context.store)
        return; // the describes said so already; the counts are asked again on their own
    CountBatch counts(m_context, m_events);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QDateTime serverNow = serverTime(reply.http);
    for (int i = 0; i < tasks.size(); ++i) {
        TableTask &task = *tasks[i];
        // Only a table whose describe went through, and that still needs its count.
        if (!task.hasSchema() || !task.backfill.countDue || task.isWaiting(now) || first + i >= reply.answers.size())
            continue;
        if (!counts.apply(task, reply, reply.answers[first + i], serverNow, 0.0))
            return; // the database is gone
    }
}

void SchemaTracker::onDescribes(const QList<TableTask *> &tasks, const CompositeReadReply &reply)
{
    const double share = 1.0 / tasks.size();
    for (int i = 0; i < tasks.size(); ++i) {
        TableTask &task = *tasks[i];
        task.apiCalls += share;
        if (!reply.http.ok()) {
            m_events.apiFailed(task, reply.http.error, tr("Describing %1 failed: %2").arg(task.objectName, reply.http.error.toString()));
            continue;
        }
        const CompositeAnswer &answer = reply.answers[i];
        if (answer.status == 304) {
            task.describe.due = false;
            task.describe.at = QDateTime::currentDateTimeUtc();
            continue;
        }
        if (answer.status != 200 || !answer.body) {
            m_events.taskFailed(task, tr("Describing %1 failed. %2").arg(task.objectName, answer.error));
            continue;
        }
        if (!apply(task, reply.json->rawText(*answer.body), answer.lastModified))
            return; // the database is gone
    }
}

bool SchemaTracker::apply(TableTask &task, const QByteArray &describeJson, const QString &lastModified)
{
    MirrorStore *store = m_context.store;
    const schema::TableSchema table = schemaFrom(describeJson, m_context.config);
    StateUpdate describeState;
    describeState.describeJson = describeJson;
    describeState.describeLastModified = lastModified;
    QList<schema::SchemaChange> changes;
    task.releaseTable(); // a Bulk page being copied into the table would hold the change back
    if (const store::PgError error = store->prepareTable(table, m_context.config.stalePolicy, describeState, &changes))
        return !m_events.databaseFailed(task, error, tr("Cannot create or change the table %1: %2").arg(table.qualifiedName(), error.toString()));
    store::PgError loadError;
    const TableState state = store->loadState(task.objectName, &loadError);
    if (loadError)
        return !m_events.databaseFailed(task, loadError, tr("Cannot read the sync state of %1: %2").arg(task.objectName, loadError.toString()));

    task.schema = table;
    task.describe.due = false;
    task.describe.at = QDateTime::currentDateTimeUtc();
    task.describe.lastModified = lastModified;
    if (task.phase == Phase::Discovering) {
        task.restore(state);
    } else {
        task.pendingColumns = state.pendingColumns;
        // A column backfill of a column Salesforce removed again drops it.
        QStringList &columns = task.backfill.columns;
        columns.erase(std::remove_if(columns.begin(), columns.end(), [&](const QString &c) { return !table.column(c); }),
                      columns.end());
        if (task.phase == Phase::Polling && columns.isEmpty())
            task.clearBulk();
        task.startColumnBackfill();
    }
    if (!changes.isEmpty()) {
        QStringList descriptions;
        for (const schema::SchemaChange &c : std::as_const(changes))
            descriptions << c.sql;
        qCInfo(lcSchema).noquote() << task.objectName << "schema changed:" << descriptions.join(u' ');
        // The next REST page is asked with today's field list, not from the old locator.
        task.backfill.restNextUrl.clear();
        m_events.reportSchemaChanged(task, descriptions);
    }
    m_events.taskSucceeded(task);
    return true;
}

} // namespace tether::sync
