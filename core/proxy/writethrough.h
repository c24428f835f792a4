// WriteThrough: makes one proxied session write to Salesforce before
// PostgreSQL commits. Sits on a ProxySession's message hooks:
//  - a COMMIT (simple query) of a transaction that changed synced tables is
//    held; the changes the capture triggers recorded are sent to Salesforce
//    as one composite graph (all or none); Salesforce's answer is written
//    back (real Ids, system fields), then the COMMIT goes on. If Salesforce
//    refuses, the transaction is rolled back and the client gets an ordinary
//    ErrorResponse (SQLSTATE from salesforceerrors.h);
//  - a write outside a transaction (autocommit) is wrapped in a transaction
//    of the proxy's own, its results held back so that RETURNING rows carry
//    the real Id and Salesforce's values, and committed the same way.
// What it does not take over (writes in the extended protocol outside an
// explicit transaction, transaction statements mixed with writes in one
// query string) still cannot slip past: the capture triggers refuse to commit
// what did not reach Salesforce.
#pragma once

#include "proxy/writebatch.h"
#include "salesforce/restclient.h"

#include <QObject>
#include <QPointer>
#include <QSet>

namespace tether::proxy {

class ProxySession;

class WriteThrough : public QObject
{
    Q_OBJECT
public:
    // `client` may be null: then every write is refused with a sentence.
    WriteThrough(ProxySession *session, salesforce::RestClient *client, QObject *parent = nullptr);

private:
    enum class Mode {
        Relaying,
        Committing,       // a COMMIT is held while Salesforce is written
        Wrapping,         // an autocommit simple query runs in our transaction
        WrappingExtended, // an autocommit extended-protocol batch does, up to its Sync
    };
    struct Row
    {
        QList<QByteArray> values;
    };
    using Rows = QList<Row>;
    using RowsDone = std::function<void(const QString &error, const QByteArray &sqlState, const Rows &rows)>;

    bool onClientMessage(char type, QByteArrayView message);
    bool onExtendedMessage(char type, QByteArrayView message);
    // Remembers prepared statements and portals, to know what a Bind runs.
    void track(char type, QByteArrayView message);
    void finishExtendedWrap();
    // Learns whether this database has synced tables, and which (own queries
    // that cannot fail, so a client's transaction is never spoiled by them).
    void learnSyncedTables(std::function<void()> then);
    bool touchesSyncedTable(const QStringList &targets) const;
    bool onServerMessage(char type, QByteArrayView message);

    // Runs `sql` as the proxy's own query; `done` gets its rows or its error.
    void ownQuery(const QByteArray &sql, RowsDone done);
    // The whole commit flow; `done` with no refusal when the COMMIT may go on.
    void applyPending(std::function<void(const std::optional<WriteRefusal> &)> done);
    void loadTables(const QStringList &objects, std::function<void(const QString &error)> done);
    void sendBatch(std::shared_ptr<WriteBatch> batch, std::function<void(const std::optional<WriteRefusal> &)> done);
    QByteArray writeBackSql(const WriteBatch &batch) const;
    void refreshReturning(const WriteBatch &batch, std::function<void()> done);
    QByteArray rewriteReturning(const QByteArray &messages) const;
    void finishRefused(const WriteRefusal &refusal);
    QByteArray errorFor(const WriteRefusal &refusal) const;

    QPointer<ProxySession> m_session;
    salesforce::RestClient *m_client;
    Mode m_mode = Mode::Relaying;
    bool m_capturing = false;    // this database has Tether's capture tables
    QSet<QString> m_syncedNames; // "schema.table" and bare "table" of every synced table
    QByteArray m_held;              // server messages of a wrapped statement
    QHash<QByteArray, QByteArray> m_statements; // prepared statement name -> SQL
    QHash<QByteArray, QByteArray> m_portals;    // portal name -> SQL
    QHash<QString, SyncedTable> m_tables; // by object name
    // For rewriting RETURNING rows: provisional -> real Id, and Salesforce's
    // values as PostgreSQL's text, by table OID and column number.
    QHash<QString, QString> m_realIds;
    QHash<QString, QHash<QPair<quint32, qint16>, QByteArray>> m_refreshed; // real Id -> (oid, attnum) -> text
};

} // namespace tether::proxy
