// SalesforceWriter: every Salesforce call the write-through proxy makes, in
// one place (so moving to the typed API modules later is a local change).
//
// apply() sends a WritePlan as one composite graph — one API call, one
// Salesforce transaction, all or none — with a GET of every created or
// updated record at the end of the same graph, so the answer carries the Ids,
// CreatedDate, SystemModstamp, defaults, formulas and auto-numbers Salesforce
// set. Updates and deletes are conditional (If-Unmodified-Since: the time the
// mirror last saw the record change), so a change made in Salesforce
// meanwhile is refused instead of overwritten. Request bodies are JSON text
// built by hand and answers are read with RawJson: numbers keep every digit.
//
// When the answer is lost (the connection drops, the request times out) the
// outcome is resolved by reading back: a probe of the graph's first update or
// delete, and the records this user created since the request left, matched
// on the values sent. Known not applied: sent once more. Applied: the records
// are read back. Neither provable: Unknown, and the caller reports 08007.
#pragma once

#include "proxy/writeplan.h"
#include "salesforce/salesforceerror.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <functional>

namespace tether::salesforce {
class ApiBudget;
class OrgSession;
class RateLimiter;
class RestClient;
} // namespace tether::salesforce

namespace tether::proxy {

struct WriteOutcome
{
    enum class Kind {
        Applied,    // every write is in Salesforce; records holds their state
        Refused,    // Salesforce refused (validation, conflict, ...): nothing applied
        NotApplied, // Salesforce could not be reached or would not take the call: nothing applied
        Unknown,    // the answer was lost and reading back could not tell
    };
    Kind kind = Kind::NotApplied;
    QHash<QString, QString> newIds;     // referenceId -> Id, for creates
    QHash<QString, QByteArray> records; // referenceId -> the record as Salesforce returns it (creates, updates)
    QString failedReference;            // Refused: the write Salesforce named
    salesforce::SalesforceError error;  // Refused: its error; otherwise what went wrong
    int apiCalls = 0;
    double salesforceMs = 0;            // time spent waiting for Salesforce's answers
    int appliedWrites = 0;              // several requests: writes applied before the failure
    QString resolution;                 // how an unknown outcome was settled, for the write log
};

class SalesforceWriter : public QObject
{
    Q_OBJECT
public:
    // Salesforce's limit on the nodes of one composite graph.
    static constexpr int MaxGraphNodes = 500;
    static constexpr int ReadBackChunk = 200;

    // Creates its RestClient in the calling thread (the proxy's).
    SalesforceWriter(salesforce::OrgSession *session, salesforce::RateLimiter *limiter,
                     salesforce::ApiBudget *budget, QObject *parent = nullptr);
    ~SalesforceWriter() override;

    salesforce::RestClient *client() const { return m_client; }

    using Done = std::function<void(const WriteOutcome &)>;
    // Applies `plan` all or none in one request when it fits one graph.
    // Larger plans are refused by the caller unless severalRequests is set:
    // then they go in consecutive graphs, each all or none by itself.
    void apply(const QList<RecordWrite> &writes, bool severalRequests, Done done);

    // The current state of records (Id -> record JSON); missing Ids are gone.
    using RecordsDone = std::function<void(const salesforce::SalesforceError &error, const QHash<QString, QByteArray> &records, int calls)>;
    void readRecords(const SyncedTable &table, const QStringList &ids, RecordsDone done);

    // How many writes one atomic request can carry.
    static int atomicLimit() { return MaxGraphNodes; }

private:
    struct Run;
    void sendGraph(std::shared_ptr<Run> run);
    void onGraphAnswer(std::shared_ptr<Run> run, int status, const QByteArray &body, const salesforce::SalesforceError &error);
    void resolveUnknown(std::shared_ptr<Run> run);
    void readBack(std::shared_ptr<Run> run);
    void finishChunk(std::shared_ptr<Run> run);
    void finish(std::shared_ptr<Run> run);

    QByteArray graphBody(const Run &run, bool withReads) const;
    QString dataPath() const;

    salesforce::OrgSession *m_session;
    salesforce::RestClient *m_client;
};

} // namespace tether::proxy
