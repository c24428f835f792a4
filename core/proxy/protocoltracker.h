// ProtocolTracker: knows where one session stands in the v3 protocol, from the
// message types flowing each way — the transaction status of the last
// ReadyForQuery (I/T/E), the queue of server responses still expected for the
// requests sent (as PgBouncer and PgDog keep it), and whether a COPY is under
// way.
//
// The relay forwards bytes regardless; the tracker is what lets the
// write-through layer find statement and transaction boundaries, and lets the
// proxy send requests of its own on the same server connection: each expected
// response carries the origin of its request, so the answers to the proxy's
// own requests can be kept from the client.
#pragma once

#include <QByteArrayView>
#include <deque>

namespace tether::proxy {

// Whose request a response answers. ClientHeld responses belong to the
// client but the session keeps them back until the write-through layer
// releases them (RETURNING rows that must carry Salesforce's values).
enum class Origin { Client, ClientHeld, Proxy };

// What a request sent to the server is waiting for.
enum class Expected {
    ParseComplete,   // Parse
    BindComplete,    // Bind
    CloseComplete,   // Close
    Description,     // Describe: [ParameterDescription] RowDescription | NoData
    ExecuteResult,   // Execute: rows, then CommandComplete | EmptyQuery | PortalSuspended | error
    ReadyForQuery,   // Sync
    QueryCycle,      // simple Query: everything up to ReadyForQuery
    FunctionResult,  // FunctionCall: up to ReadyForQuery
};

struct PendingResponse
{
    Expected expected;
    Origin origin;
    quint64 tag = 0; // the sender's own label for the request (0: none)
};

class ProtocolTracker
{
public:
    enum class Copy { None, In, Out, Both };

    // A frontend message of `type` is about to be sent to the server.
    void requestSent(char type, Origin origin = Origin::Client, quint64 tag = 0);
    // A backend message of `type` arrived; `body` is its body when the
    // message is whole (ReadyForQuery needs it). Returns whose request it
    // answers: asynchronous messages (ParameterStatus, NotificationResponse)
    // and anything outside a request belong to the client.
    Origin responseReceived(char type, QByteArrayView body = {});

    // 'I' idle, 'T' in a transaction block, 'E' in a failed transaction block;
    // 0 before the first ReadyForQuery.
    char transactionStatus() const { return m_transactionStatus; }
    bool inTransaction() const { return m_transactionStatus == 'T' || m_transactionStatus == 'E'; }
    Copy copy() const { return m_copy; }
    // An error in the extended protocol: the server ignores everything up to
    // the next Sync.
    bool skippingToSync() const { return m_skipping; }
    // Some response to a client request (held or not) is still outstanding.
    bool clientResponsesPending() const;
    const std::deque<PendingResponse> &pending() const { return m_pending; }
    // Nothing outstanding: every request has been answered up to its ReadyForQuery.
    bool idle() const { return m_pending.empty() && m_copy == Copy::None; }
    // Responses that matched no expected one (a bug in the tracker or a
    // server speaking a protocol extension we do not know).
    int mismatches() const { return m_mismatches; }
    int readyForQueryCount() const { return m_readyForQueryCount; }
    // The tag of the Describe the last RowDescription/NoData answered; 0
    // when that message answered no Describe (rows of a query) or had none.
    quint64 lastDescriptionTag() const { return m_lastDescriptionTag; }

private:
    Origin popIf(Expected expected);
    Origin frontOrigin() const;
    void mismatch(char type);

    std::deque<PendingResponse> m_pending;
    char m_transactionStatus = 0;
    Copy m_copy = Copy::None;
    int m_mismatches = 0;
    int m_readyForQueryCount = 0;
    bool m_skipping = false;
    quint64 m_lastDescriptionTag = 0;
};

} // namespace tether::proxy
