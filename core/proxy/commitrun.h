// CommitRun: what happens between a client's COMMIT arriving and the proxy
// letting it through — on the client's own server connection, inside the
// client's transaction:
//   1. read the transaction's captured changes (tether.captured_changes()),
//   2. turn them into a WritePlan (refusing on sight what Salesforce would),
//   3. apply the plan to Salesforce (SalesforceWriter: one composite graph),
//   4. accepted: write Salesforce's answer back (real Ids for provisional
//      ones, system fields, formulas) with tether.writer = 'proxy', and
//      forget the captured changes so the deferred check lets COMMIT pass;
//      refused: set tether.refusal so the COMMIT itself fails with the
//      Salesforce error, PostgreSQL rolling everything back,
//   5. log every write in tether.write_log (ProxyDatabase).
// The caller then releases the COMMIT (or the Sync that ends an implicit
// transaction). See docs/decisions/0019 and 0020.
#pragma once

#include "proxy/proxysession.h"
#include "proxy/salesforcewriter.h"
#include "proxy/writeplan.h"

#include <QElapsedTimer>
#include <QHash>
#include <QPair>
#include <functional>
#include <memory>

namespace tether::proxy {

class WriteThroughContext;

struct CommitRequest
{
    // RETURNING rows to bring up to date: table OID -> (column number,
    // format) pairs the client's RowDescriptions name.
    QHash<quint32, QList<QPair<qint16, qint16>>> returningColumns;
    QString clientAddress;
    // The proxy opened this transaction (an autocommit statement): end it
    // with COMMIT in the same round trip as the write-back (or the refusal).
    bool commitToo = false;
};

struct CommitResult
{
    enum class Kind {
        NothingCaptured, // nothing to send: let the COMMIT through
        Applied,         // in Salesforce and written back: let the COMMIT through
        Refused,         // tether.refusal is set: the COMMIT fails with it
        Failed,          // a statement of the proxy's own failed; the transaction is aborted
    };
    Kind kind = Kind::NothingCaptured;
    QByteArray errorResponse;  // Failed: what the client must get
    char statusAfterFailure = 'E';
    // commitToo: the transaction is over (committed, or failed at COMMIT
    // with commitError, the ErrorResponse of the refusal).
    bool committed = false;
    QByteArray commitError;
    // Applied: the values RETURNING rows should show, by table OID and the
    // id the client saw (a provisional one for new records).
    QHash<quint32, QHash<QString, QHash<QPair<qint16, qint16>, std::optional<QByteArray>>>> returned;
    QHash<quint32, qint16> idColumn; // table OID -> column number of id
    // Work that must wait until the transaction ended (refreshing rows a
    // lost update showed to be stale); the caller holds the client's next
    // message until it is done.
    std::function<void(std::function<void()> done)> afterwards;
};

class CommitRun : public std::enable_shared_from_this<CommitRun>
{
public:
    using Done = std::function<void(const CommitResult &)>;
    // `implicitTransaction`: the client's transaction is an extended-protocol
    // batch's implicit one, which a Sync of the proxy's would end.
    static void start(ProxySession *session, WriteThroughContext *context, bool implicitTransaction, CommitRequest request,
                      Done done);

    // Sends the read of the captured changes now, right behind what the
    // session already sent (saves a round trip when the proxy knows a commit
    // follows); run() goes on from there.
    static std::shared_ptr<CommitRun> prepare(ProxySession *session, WriteThroughContext *context, bool implicitTransaction);
    void run(CommitRequest request, Done done);

private:
    enum class Captures { Pending, Empty, Ready, Failed };
    CommitRun(ProxySession *session, WriteThroughContext *context);
    void probe();
    void readCaptures();
    void captured(Captures state, const QByteArray &failure = {}, char status = 0);
    void proceed();
    void loadTables();
    void plan();
    void apply();
    void onOutcome(const WriteOutcome &outcome);
    void writeBack(const WriteOutcome &outcome);
    void refuse(const Refusal &refusal, const QString &outcome, const QString &salesforceError);
    void fail(const QByteArray &errorResponse, char status);
    void log(const QString &outcome, const QString &salesforceError, const QByteArray &sqlState,
             const QHash<QString, QString> &newIds = {});
    void finish(CommitResult result);

    QPointer<ProxySession> m_session;
    WriteThroughContext *m_context;
    CommitRequest m_request;
    Done m_done;
    bool m_running = false;
    bool m_endWithSync = true;
    Captures m_captures = Captures::Pending;
    QByteArray m_captureFailure;
    char m_captureFailureStatus = 0;
    QList<CapturedChange> m_changes;
    SyncedTables m_tables;
    WritePlan m_plan;
    QString m_databaseUser;
    bool m_severalRequests = false;
    int m_apiCalls = 0;
    double m_salesforceMs = 0;
    QElapsedTimer m_clock; // for the debug log's timings
    QHash<quint32, QHash<qint16, QByteArray>> m_attributeNames; // table OID -> column number -> name
    std::function<void(std::function<void()>)> m_pendingAfterwards;
};

} // namespace tether::proxy
