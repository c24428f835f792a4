#include "proxy/proxydatabase.h"

#include "logging.h"
#include "proxy/capturetriggers.h"
#include "store/pgconnection.h"

#include <QPointer>

namespace tether::proxy {

namespace {

// A text[] literal for a parameter: {"a","b"}.
QString textArray(const QStringList &items)
{
    QStringList quoted;
    for (QString item : items) {
        item.replace(u'\\', QStringLiteral("\\\\")).replace(u'"', QStringLiteral("\\\""));
        quoted << u'"' + item + u'"';
    }
    return u'{' + quoted.join(u',') + u'}';
}

QVariant textOrNull(const QString &text)
{
    return text.isEmpty() ? QVariant() : QVariant(text);
}

} // namespace

// Lives in the database thread; owns the connection.
class ProxyDatabase::Worker : public QObject
{
public:
    explicit Worker(QString connectionString) : m_connectionString(std::move(connectionString)) {}

    // Opens the connection when needed; false (and a warning) when it cannot.
    bool ready()
    {
        if (m_db.isOpen())
            return true;
        if (const store::PgError error = m_db.open(m_connectionString)) {
            qCWarning(lcProxy).noquote() << "the proxy's own database connection failed:" << error.toString();
            return false;
        }
        // Rows written here mirror Salesforce: they are not captured.
        m_db.exec(QStringLiteral("SET tether.writer = 'proxy'; SET TIME ZONE 'UTC'"));
        return true;
    }

    // Runs `work`; after a lost connection, once more on a new one.
    bool run(const std::function<store::PgError()> &work)
    {
        for (int attempt = 0; attempt < 2; ++attempt) {
            if (!ready())
                return false;
            const store::PgError error = work();
            if (!error)
                return true;
            qCWarning(lcProxy).noquote() << "the proxy's own database work failed:" << error.toString();
            if (error.kind != store::PgError::Kind::ConnectionLost)
                return false;
            m_db.close();
        }
        return false;
    }

    store::PgConnection m_db;
    QString m_connectionString;
};

ProxyDatabase::ProxyDatabase(QString connectionString, QObject *parent)
    : QObject(parent), m_connectionString(std::move(connectionString))
{
    if (!isEnabled())
        return;
    m_thread.setObjectName(QStringLiteral("tether-proxy-db"));
    m_worker = new Worker(m_connectionString);
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.start();
}

ProxyDatabase::~ProxyDatabase()
{
    if (!m_thread.isRunning())
        return;
    // Quit from inside the thread, behind the work already queued.
    QThread *thread = &m_thread;
    QMetaObject::invokeMethod(m_worker, [thread] { thread->quit(); });
    m_thread.wait();
}

void ProxyDatabase::log(const QList<WriteLogEntry> &entries)
{
    if (!m_worker || entries.isEmpty())
        return;
    Worker *worker = m_worker;
    QMetaObject::invokeMethod(worker, [worker, entries] {
        worker->run([&]() -> store::PgError {
            for (const WriteLogEntry &e : entries) {
                const store::PgResult r = worker->m_db.exec(
                    QStringLiteral("INSERT INTO tether.write_log (database_user, client_address, object_name, operation, "
                                   "record_ids, changed_fields, outcome, salesforce_error, sqlstate, api_calls, salesforce_ms) "
                                   "VALUES ($1, $2, $3, $4, $5::text[], $6::text[], $7, $8, $9, $10, $11)"),
                    {textOrNull(e.databaseUser), textOrNull(e.clientAddress), e.objectName, e.operation,
                     textArray(e.recordIds), textArray(e.changedFields), e.outcome, textOrNull(e.salesforceError),
                     textOrNull(QString::fromLatin1(e.sqlState)), e.apiCalls, e.salesforceMs});
                if (!r.ok())
                    return r.error();
            }
            return {};
        });
    });
}

void ProxyDatabase::recordEndpoint(const QString &address)
{
    if (!m_worker)
        return;
    Worker *worker = m_worker;
    QMetaObject::invokeMethod(worker, [worker, address] {
        worker->run([&]() -> store::PgError {
            // The proxy may start before the sync engine prepared any table;
            // the engine's lock keeps two CREATE SCHEMA tether from racing.
            store::Transaction tx(worker->m_db);
            if (tx.beginError())
                return tx.beginError();
            if (const store::PgResult r = worker->m_db.exec(QStringLiteral("SELECT pg_advisory_xact_lock(74657468)")); !r.ok())
                return r.error();
            if (const store::PgResult r = worker->m_db.exec(CaptureTriggers::endpointSql()); !r.ok())
                return r.error();
            const store::PgResult r = worker->m_db.exec(
                QStringLiteral("INSERT INTO tether.proxy_endpoint (address) VALUES ($1) "
                               "ON CONFLICT (singleton) DO UPDATE SET address = EXCLUDED.address, updated_at = now()"),
                {address});
            if (!r.ok())
                return r.error();
            return tx.commit();
        });
    });
}

void ProxyDatabase::refresh(std::shared_ptr<const SyncedTable> table, const QList<QByteArray> &records,
                            const QStringList &goneIds, QObject *context, std::function<void()> done)
{
    if (!m_worker) {
        QMetaObject::invokeMethod(context, done, Qt::QueuedConnection);
        return;
    }
    Worker *worker = m_worker;
    QPointer<QObject> guard(context);
    QMetaObject::invokeMethod(worker, [this, worker, table, records, goneIds, guard, done] {
        worker->run([&]() -> store::PgError {
            store::Transaction tx(worker->m_db);
            if (tx.beginError())
                return tx.beginError();
            if (!records.isEmpty()) {
                const QByteArray array = '[' + records.join(',') + ']';
                const store::PgResult r = worker->m_db.exec(QString::fromUtf8(table->upsertSql()), {array});
                if (!r.ok())
                    return r.error();
            }
            if (!goneIds.isEmpty()) {
                const store::PgResult r = worker->m_db.exec(
                    QStringLiteral("DELETE FROM %1 WHERE id = ANY($1::varchar[])").arg(table->table().qualifiedName()),
                    {textArray(goneIds)});
                if (!r.ok())
                    return r.error();
            }
            return tx.commit();
        });
        // `context` lives in another thread and may be deleted there at any
        // moment: whether it still exists is asked in that thread. This
        // object outlives the worker (its destructor joins it).
        QMetaObject::invokeMethod(this, [guard, done] {
            if (guard)
                done();
        }, Qt::QueuedConnection);
    });
}

} // namespace tether::proxy
