// ProxySession: one client connection relayed to one PostgreSQL connection of
// its own (a session relay, not a pooler).
//
// The session answers what belongs to the proxy (SSLRequest, GSSENCRequest,
// CancelRequest, BackendKeyData) and relays everything else byte for byte,
// authentication included, so the server's own rules decide who gets in.
// Messages are forwarded as they arrive; when one side's socket has more than
// a high-water mark waiting to be written, the session stops reading the other
// side until it drains, so memory stays bounded however much a query returns
// or a COPY sends.
//
// For the write-through layer the session can hold a client message before it
// reaches the server (holdClientMessages), send queries of its own on the same
// server connection and take their answers away from the client
// (sendOwnQuery), then let the held message go on (releaseHeldMessage).
#pragma once

#include "proxy/cancelkeys.h"
#include "proxy/messagereader.h"
#include "proxy/protocoltracker.h"

#include <QAbstractSocket>
#include <QObject>
#include <QSet>
#include <QSslConfiguration>
#include <QTimer>
#include <functional>
#include <optional>

class QTcpSocket;

namespace tether::proxy {

struct SessionSettings
{
    QString upstreamHost;
    quint16 upstreamPort = 0;
    bool tlsAvailable = false; // answer SSLRequest with 'S' and serve TLS
    bool tlsRequired = false;  // refuse a StartupMessage that did not come over TLS
    QSslConfiguration tls;     // server certificate and key when tlsAvailable
    QString listenDescription; // "0.0.0.0:6543", for sentences
};

class ProxySession : public QObject
{
    Q_OBJECT
public:
    // Takes ownership of `client` (a QSslSocket when TLS is available).
    ProxySession(QTcpSocket *client, SessionSettings settings, CancelKeys *cancelKeys,
                 QObject *parent = nullptr);
    ~ProxySession() override;

    void start();
    // Closes both connections at once (the service is stopping).
    void abort();

    const ProtocolTracker &tracker() const { return m_tracker; }
    QString clientAddress() const { return m_clientAddress; }

    // Decides for each whole client message whether it goes on now (true) or
    // is held (false). While a message is held nothing more is read from the
    // client; releaseHeldMessage() forwards it and carries on,
    // replaceHeldMessage() sends other bytes in its place.
    using ClientMessageFilter = std::function<bool(char type, QByteArrayView message)>;
    void setClientMessageFilter(ClientMessageFilter filter) { m_clientFilter = std::move(filter); }
    bool hasHeldMessage() const { return m_holding; }
    QByteArray heldMessage() const { return m_held; }
    void releaseHeldMessage();
    void replaceHeldMessage(const QByteArray &messages);

    // Sends a simple query of the proxy's own to the server after everything
    // already sent. Its answers (whole messages up to and including its
    // ReadyForQuery) go to `onMessage`, never to the client.
    using OwnResponseHandler = std::function<void(char type, QByteArrayView body)>;
    void sendOwnQuery(const QByteArray &sql, OwnResponseHandler onMessage);

    // Runs statements of the proxy's own, in whatever transaction the client
    // has open, one round trip for the batch: extended protocol with a named
    // statement and portal of the proxy's (the client's unnamed ones survive)
    // and a Flush instead of a Sync (an implicit transaction stays open).
    // After an error the server skips the rest; the session then sends a Sync
    // of its own, which ends a failed transaction block's statement (status
    // 'E') or an implicit transaction. `done` gets one result per statement.
    struct OwnStatement
    {
        QByteArray sql;
        QList<std::optional<QByteArray>> parameters; // text format
        QList<qint16> resultFormats;                 // empty: all text
        // Prepared once per session under a name of the proxy's and kept
        // (for statements run at every commit whose planning is costly).
        bool keepPrepared = false;
    };
    struct OwnResult
    {
        enum class Status { Ok, Failed, Skipped };
        Status status = Status::Skipped;
        QList<QList<std::optional<QByteArray>>> rows;
        QByteArray commandTag;
        QByteArray errorMessage; // the whole ErrorResponse, as the server sent it
        bool ok() const { return status == Status::Ok; }
    };
    // `endWithSync`: end the batch with a Sync of its own instead (for
    // BEGIN, COMMIT and ROLLBACK of the proxy's: the ReadyForQuery keeps the
    // tracker's transaction status true). `status` is that of the batch's
    // ReadyForQuery, 0 when there was none.
    using OwnBatchDone = std::function<void(const QList<OwnResult> &results, char status)>;
    void runOwnStatements(const QList<OwnStatement> &statements, OwnBatchDone done, bool endWithSync = false);

    // The client ran DISCARD ALL or DEALLOCATE ALL: kept statements are gone.
    void forgetKeptStatements() { m_keptStatements.clear(); }

    // Calls `done` (from the event loop) once every request the client sent
    // so far has been answered, asking the server to flush what it holds.
    void whenClientRequestsAnswered(std::function<void()> done);

    // A label for the client request about to be forwarded (from the message
    // filter); the description observer gets it back with the answer.
    void setNextRequestTag(quint64 tag) { m_nextTag = tag; }
    // Called with every RowDescription (body) or NoData (empty) that answers
    // a tagged Describe of the client's.
    void setDescriptionObserver(std::function<void(quint64 tag, QByteArrayView rowDescription)> observer)
    {
        m_onDescription = std::move(observer);
    }

    // Origin of the client requests forwarded from now on; ClientHeld keeps
    // their responses back (see takeHeldResponses).
    void setClientRequestOrigin(Origin origin) { m_clientOrigin = origin; }
    Origin clientRequestOrigin() const { return m_clientOrigin; }
    // Called (from the event loop) when a held response is a ReadyForQuery.
    void setHeldReadyForQueryHandler(std::function<void()> handler) { m_onHeldReady = std::move(handler); }
    QByteArray takeHeldResponses() { return std::exchange(m_heldResponses, {}); }
    const QByteArray &heldResponses() const { return m_heldResponses; }
    // Bytes for the client, after everything already sent to it.
    void sendToClient(const QByteArray &messages);
    // Sends requests on the client's behalf (a statement of a query the
    // proxy split), answers routed by `origin`, while a message stays held.
    void sendClientRequests(const QByteArray &messages, Origin origin);

    // Between cork() and the matching uncork(), what the proxy sends to the
    // server waits, so that requests issued together (a BEGIN of the proxy's,
    // the client's statement, the read of what it captured) reach the server
    // in one packet: one wake-up of the backend instead of three.
    void cork() { ++m_corked; }
    void uncork();

    // While set, a client that hangs up does not take the server connection
    // with it: the commit it asked for is finished first (PostgreSQL, too,
    // completes a COMMIT it has read). Clearing it closes a session whose
    // client is gone.
    void setFinishingCommit(bool on);
    bool clientGone() const { return m_clientGone; }
    // The reverse: PostgreSQL closed the connection while a commit was on its
    // way to Salesforce. The client stays connected until the commit has an
    // outcome to tell it (instead of the server's last words); statements of
    // the proxy's own fail at once with 08006 and the server's last words.
    // Clearing setFinishingCommit then closes the session.
    bool serverGone() const { return m_serverGone; }

signals:
    // Both connections are closed; the session may be deleted.
    void finished();

private:
    enum class Phase { AwaitingStartup, TlsHandshake, Connecting, Relaying, Closing };

    void onClientReadable();
    void onServerReadable();
    void onServerConnected();
    void onServerError(QAbstractSocket::SocketError error);
    void onClientDisconnected();
    void onServerDisconnected();

    bool mayReadClient() const;
    bool mayReadServer() const;
    // A commit is in progress (setFinishingCommit) and nothing of the
    // client's waits for an answer from the server: only the proxy's own
    // statements and Salesforce can be outstanding.
    bool commitAwaitsOnlyTheProxy() const;
    void processClient();
    void processServer();
    // Returns false when the startup packet ended reading for now.
    bool handleStartupPacket(const MessagePiece &piece);
    void forwardCancel(qint32 processId, QByteArrayView secret);
    void deliverOwnResponse(const MessagePiece &piece);
    void flushToServer();
    void flushToClient();

    // Sends `sentence` to the client as a FATAL ErrorResponse and closes.
    void refuse(const char *sqlState, const QString &sentence, const QString &hint = {});
    void closeBoth();
    void finishIfClosed();

    QTcpSocket *m_client;
    QTcpSocket *m_server = nullptr;
    bool m_plainClient = true; // not TLS: bytes for it may go straight to the kernel
    SessionSettings m_settings;
    CancelKeys *m_cancelKeys;
    QString m_clientAddress;
    Phase m_phase = Phase::AwaitingStartup;

    MessageReader m_fromClient{Peer::Frontend};
    MessageReader m_fromServer{Peer::Backend};
    ProtocolTracker m_tracker;
    QByteArray m_toServer; // written at the end of each batch, in one call
    QByteArray m_toClient;
    QByteArray m_startupPacket;

    ClientMessageFilter m_clientFilter;
    bool m_holding = false;
    int m_corked = 0;
    QByteArray m_held;
    // Own requests in the order they were sent; consume() returns true on
    // the request's last message.
    struct OwnRequest
    {
        std::function<bool(char type, QByteArrayView body)> consume;
    };
    std::deque<OwnRequest> m_own;
    int m_ownCounter = 0;
    QSet<QByteArray> m_keptStatements;
    Origin m_clientOrigin = Origin::Client;
    quint64 m_nextTag = 0;
    std::function<void(quint64, QByteArrayView)> m_onDescription;
    QByteArray m_heldResponses;
    std::function<void()> m_onHeldReady;
    std::deque<std::function<void()>> m_whenAnswered;
    bool m_finishingCommit = false;
    bool m_clientGone = false;
    bool m_serverGone = false;
    QString m_serverLastError; // the message of the server's last ErrorResponse, if any
    // Own requests: sent after everything already sent, or failed at once
    // when the server is gone (failOwnRequests, lostServerError: 08006).
    void sendOwn(const QByteArray &messages);
    void failOwnRequests();
    QByteArray lostServerError() const;
    void checkClientRequestsAnswered();
    Origin m_serverMessageOrigin = Origin::Client; // of the backend message being streamed
    QByteArray m_ownMessage;                       // a streamed backend message for the proxy

    CancelKey m_proxyKey; // processId 0 until the server sent BackendKeyData
    QTimer m_deadline;    // startup must finish, and closing must end, in bounded time
    bool m_finished = false;
};

} // namespace tether::proxy
