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
#include <QSslConfiguration>
#include <QTimer>
#include <functional>

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

    // Sees each whole server message meant for the client (a message too big
    // to hold whole streams past it) and decides whether it is forwarded now
    // (true) or taken by the filter (false), e.g. to be sent later, changed.
    using ServerMessageFilter = std::function<bool(char type, QByteArrayView message)>;
    void setServerMessageFilter(ServerMessageFilter filter) { m_serverFilter = std::move(filter); }
    // Messages of the proxy's own making (or taken earlier) for the client.
    void sendToClient(const QByteArray &messages);
    // The client connection's peer, as the write log records it.
    QString clientHost() const;

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
    ServerMessageFilter m_serverFilter;
    bool m_holding = false;
    QByteArray m_held;
    std::deque<OwnResponseHandler> m_ownHandlers; // one per own query, in order
    Origin m_serverMessageOrigin = Origin::Client; // of the backend message being streamed
    QByteArray m_ownMessage;                       // a streamed backend message for the proxy

    CancelKey m_proxyKey; // processId 0 until the server sent BackendKeyData
    QTimer m_deadline;    // startup must finish, and closing must end, in bounded time
    bool m_finished = false;
};

} // namespace tether::proxy
