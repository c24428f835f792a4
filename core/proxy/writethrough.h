// Write-through, the proxy side: a WriteThroughSession watches one
// ProxySession's client messages and takes control at the points where a
// transaction that wrote to synced tables would commit —
//   - an explicit COMMIT (simple Query, or Execute of a COMMIT portal): held
//     while CommitRun applies the captured writes to Salesforce, then let go;
//   - a simple Query that writes outside a transaction (autocommit): run
//     inside a BEGIN of the proxy's own, its answers held back, committed
//     through CommitRun, and its RETURNING rows brought up to date with the
//     values Salesforce set before the client sees them; multi-statement
//     queries are run statement by statement with PostgreSQL's semantics
//     (one implicit transaction, stop at the first error);
//   - the Sync that ends an extended-protocol batch that wrote outside a
//     transaction (autocommit with parameters): held, CommitRun, let go.
// Everything else passes through untouched. The WriteThroughContext holds
// what sessions share (the Salesforce writer, the proxy's own database
// connection, describes of synced tables); it lives in the proxy thread.
#pragma once

#include "proxy/proxysession.h"
#include "proxy/statementclassifier.h"
#include "proxy/syncedtable.h"
#include "proxy/wire.h"
#include "proxy/writemetrics.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <optional>

namespace tether::proxy {

class ProxyDatabase;
class SalesforceWriter;
class CommitRun;
struct CommitResult;
struct CommitRequest;

class WriteThroughContext : public QObject
{
    Q_OBJECT
public:
    // Either may be null: without a writer every captured write is refused
    // at COMMIT (not logged in to Salesforce); without a database nothing is
    // logged or refreshed.
    WriteThroughContext(SalesforceWriter *writer, ProxyDatabase *database, QObject *parent = nullptr);

    SalesforceWriter *writer() const;
    ProxyDatabase *database() const;

    // Describes by "schema.table:md5(describe_json)".
    std::shared_ptr<const SyncedTable> table(const QString &key) const { return m_tables.value(key); }
    void addTable(const QString &key, std::shared_ptr<const SyncedTable> table) { m_tables.insert(key, std::move(table)); }

    // Whether tether.captured_changes() exists in the database (cached once true).
    bool captureInstalled = false;
    // Where commits that reached Salesforce are counted (may be null).
    WriteMetrics *metrics = nullptr;

private:
    QPointer<SalesforceWriter> m_writer;
    QPointer<ProxyDatabase> m_database;
    QHash<QString, std::shared_ptr<const SyncedTable>> m_tables;
};

class WriteThroughSession : public QObject
{
    Q_OBJECT
public:
    // Attaches to `session` (and is deleted with it).
    WriteThroughSession(ProxySession *session, WriteThroughContext *context);

private:
    enum class Busy { None, Script, HeldCommit, SyncCommit, Refreshing };

    bool onClientMessage(char type, QByteArrayView message);
    char statusNow();

    // Simple query
    bool onQuery(QByteArrayView sql);
    void runScript();
    void onScriptAnswer();
    void commitScript(); // ends the transaction the proxy opened for the query
    void finishScript(char status);
    // Extended query
    void onParse(QByteArrayView body);
    void onBind(QByteArrayView body);
    void onClose(QByteArrayView body);
    bool onExecute(QByteArrayView body);
    bool onSync();
    // Commits
    void commitHeldMessage();
    void commitAtSync();
    void onHeldReadyForQuery();
    void runCommit(bool rewriteReturning, bool commitToo, std::function<void(const CommitResult &)> then,
                   bool implicitTransaction = false);
    void afterCommit(const CommitResult &result);
    void done();

    // An Execute whose answer is held: what its rows look like when the
    // held answer has no RowDescription of its own (pgJDBC binds a named
    // statement again without describing it): the RowDescription of the
    // statement's earlier Describe, with this Bind's result formats.
    struct HeldExecute
    {
        QByteArray statementName;
        QList<qint16> resultFormats;
    };
    using RowVisitor = std::function<void(char type, QByteArrayView bytes, QByteArrayView body,
                                          const QList<wire::FieldDescription> *fields)>;
    void walkRows(const QByteArray &responses, const QList<HeldExecute> &executes, const RowVisitor &visit) const;
    QHash<quint32, QList<QPair<qint16, qint16>>> returningColumns(const QByteArray &responses,
                                                                 const QList<HeldExecute> &executes) const;
    QByteArray rewriteReturning(const QByteArray &responses, const CommitResult &result,
                                const QList<HeldExecute> &executes = {}) const;

    struct PreparedStatement
    {
        ClassifiedStatement::Kind kind = ClassifiedStatement::Kind::Read;
        bool writes = false;
        QByteArray statementName;    // portals: the statement they were bound to
        QList<qint16> resultFormats; // portals: the Bind's result format codes
    };
    bool writes(const ClassifiedStatement &statement) const;

    ProxySession *m_session;
    QPointer<WriteThroughContext> m_context;
    Busy m_busy = Busy::None;

    QHash<QByteArray, PreparedStatement> m_statements; // extended protocol, by name
    QHash<QByteArray, PreparedStatement> m_portals;
    QHash<QByteArray, bool> m_sqlPrepared; // PREPARE name AS ...: does it write
    QHash<QByteArray, QByteArray> m_statementRows;           // statement -> RowDescription of an earlier Describe
    QHash<quint64, QPair<char, QByteArray>> m_describeTargets; // tag of a Describe -> ('S'/'P', name)
    quint64 m_describeCounter = 0;
    QList<HeldExecute> m_heldExecutes;
    char m_sentStatus = 'I';               // the transaction status after what was sent
    bool m_txMayHaveWritten = false;       // this transaction ran something other than reads
    bool m_batchWroteImplicitly = false;   // this extended batch wrote outside a transaction

    struct Script
    {
        QList<ClassifiedStatement> statements;
        qsizetype next = 0;
        bool implicitBlock = false; // we opened a transaction for statements outside one
        char status = 'I';
        QByteArray responses;       // for the client, without ReadyForQuery
        bool failed = false;
    };
    std::optional<Script> m_script;
    std::shared_ptr<CommitResult> m_lastCommit; // Applied, for the RETURNING rewrite at the held Sync
    std::shared_ptr<CommitRun> m_prefetched;    // a commit whose capture read is already on its way
    std::function<void(std::function<void()>)> m_afterwards;
};

} // namespace tether::proxy
