// ProxyDatabase: the proxy's own PostgreSQL connection, on a thread of its
// own (libpq blocks), for what must not live or die with a client's
// transaction: tether.write_log entries (a refused write is logged although
// the client's transaction rolls back), mirror rows refreshed from Salesforce
// after a lost-update refusal (so the client's retry sees the current
// record), and tether.proxy_endpoint (the address a bypassing write is told
// to use). It connects as Tether itself (the engine's connection string);
// its writes are not captured (tether.writer = 'proxy').
#pragma once

#include "proxy/syncedtable.h"

#include <QObject>
#include <QStringList>
#include <QThread>
#include <functional>
#include <memory>

namespace tether::proxy {

struct WriteLogEntry
{
    QString databaseUser;
    QString clientAddress;
    QString objectName;
    QString operation; // insert, update, delete
    QStringList recordIds;
    QStringList changedFields;
    QString outcome;   // applied, refused, unknown, not_sent
    QString salesforceError;
    QByteArray sqlState;
    int apiCalls = 0;
    double salesforceMs = 0; // time spent waiting for Salesforce
};

class ProxyDatabase : public QObject
{
    Q_OBJECT
public:
    // `connectionString` empty: nothing is logged and nothing refreshed.
    explicit ProxyDatabase(QString connectionString, QObject *parent = nullptr);
    ~ProxyDatabase() override; // finishes what was queued, then joins the thread

    bool isEnabled() const { return !m_connectionString.isEmpty(); }

    // All asynchronous; `done` runs afterwards, in this object's thread (where
    // `context` must live), unless `context` is gone by then.
    void log(const QList<WriteLogEntry> &entries);
    void recordEndpoint(const QString &address);
    // Upserts `records` (Salesforce JSON) into the table, never older over
    // newer, and deletes the rows of `goneIds`.
    void refresh(std::shared_ptr<const SyncedTable> table, const QList<QByteArray> &records, const QStringList &goneIds,
                 QObject *context, std::function<void()> done);

private:
    class Worker;
    QString m_connectionString;
    QThread m_thread;
    Worker *m_worker = nullptr;
};

} // namespace tether::proxy
