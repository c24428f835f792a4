#include "proxy/proxysession.h"

#include "logging.h"
#include "proxy/wire.h"

#include <QSslSocket>
#include <QCryptographicHash>
#include <QTcpSocket>
#include <QtEndian>

#include <cerrno>
#include <sys/socket.h>

namespace tether::proxy {

namespace {

// Stop reading one side while the other side has this much waiting to be
// written; read in chunks of this size. Sized so a fast client and server
// stream at full speed while a slow one holds at most a few MB per session.
constexpr qint64 HighWaterMark = 1024 * 1024;
constexpr qint64 ReadChunk = 256 * 1024;
// PostgreSQL's authentication_timeout is 60 s; a client that has not even
// sent its startup packet by then is gone.
constexpr int StartupTimeoutMs = 60 * 1000;
// A peer that stops reading must not keep a closing session alive.
constexpr int CloseTimeoutMs = 10 * 1000;

void tuneSocket(QTcpSocket *socket)
{
    // Replies are small and latency-bound: never wait for Nagle.
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    socket->setSocketOption(QAbstractSocket::KeepAliveOption, 1);
    // Bounded read buffers: when we stop reading, TCP pushes back on the peer.
    socket->setReadBufferSize(ReadChunk);
}

// Writes `bytes` to `socket` and empties it. A plain TCP socket with nothing
// queued in Qt gets them straight from send(2): Qt's own write to an accepted
// socket (buffered, whatever the open mode) arms a write notifier and disarms
// it once flushed, which cost two event-loop wakeups, an extra poll and a
// bytesWritten pass per batch (decision 0008, "Throughput"). What the kernel
// does not take at once goes through Qt, which keeps the order, watches for
// the socket to drain and reports errors as usual.
void sendAll(QTcpSocket *socket, bool plain, QByteArray &bytes)
{
    // Taken first: flush() may emit signals that land here again.
    const QByteArray out = std::exchange(bytes, {});
    qsizetype sent = 0;
    if (plain && socket->bytesToWrite() == 0) {
        ssize_t n;
        do
            n = ::send(int(socket->socketDescriptor()), out.constData(), size_t(out.size()), MSG_NOSIGNAL);
        while (n < 0 && errno == EINTR);
        sent = n > 0 ? qsizetype(n) : 0; // on EAGAIN or an error, Qt's write below finds out
    }
    if (sent < out.size()) {
        socket->write(out.constData() + sent, out.size() - sent);
        socket->flush();
    }
}

} // namespace

ProxySession::ProxySession(QTcpSocket *client, SessionSettings settings, CancelKeys *cancelKeys,
                           QObject *parent)
    : QObject(parent), m_client(client), m_settings(std::move(settings)), m_cancelKeys(cancelKeys)
{
    m_client->setParent(this);
    m_plainClient = !qobject_cast<QSslSocket *>(m_client);
    m_clientAddress = QStringLiteral("%1:%2").arg(m_client->peerAddress().toString()).arg(m_client->peerPort());
    m_deadline.setSingleShot(true);
}

ProxySession::~ProxySession()
{
    if (m_proxyKey.processId != 0)
        m_cancelKeys->release(m_proxyKey.processId);
}

void ProxySession::start()
{
    tuneSocket(m_client);
    connect(m_client, &QIODevice::readyRead, this, &ProxySession::onClientReadable);
    connect(m_client, &QIODevice::bytesWritten, this, [this] {
        if (m_client->bytesToWrite() < HighWaterMark / 4)
            onServerReadable(); // the client drained: read the server again
    });
    connect(m_client, &QAbstractSocket::disconnected, this, &ProxySession::onClientDisconnected);
    connect(m_client, &QAbstractSocket::errorOccurred, this, [this](QAbstractSocket::SocketError error) {
        qCDebug(lcProxy) << m_clientAddress << "client socket:" << error << m_client->errorString();
        if (m_client->state() == QAbstractSocket::UnconnectedState)
            onClientDisconnected();
    });
    if (auto *tls = qobject_cast<QSslSocket *>(m_client)) {
        connect(tls, &QSslSocket::encrypted, this, [this] {
            qCDebug(lcProxy) << m_clientAddress << "TLS established";
            if (m_phase != Phase::TlsHandshake)
                return;
            m_phase = Phase::AwaitingStartup;
            onClientReadable();
        });
    }
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        qCInfo(lcProxy) << m_clientAddress << (m_phase == Phase::Closing ? "did not close in time" : "sent no startup packet in time");
        m_client->abort();
        if (m_server)
            m_server->abort();
        finishIfClosed();
    });
    m_deadline.start(StartupTimeoutMs);
    m_fromClient.expectStartupPacket();
    onClientReadable();
}

void ProxySession::abort()
{
    m_phase = Phase::Closing;
    m_client->abort();
    if (m_server)
        m_server->abort();
    finishIfClosed();
}

// ---- client to server ----------------------------------------------------

bool ProxySession::mayReadClient() const
{
    switch (m_phase) {
    case Phase::AwaitingStartup:
        return true;
    case Phase::Relaying:
        return !m_holding && !m_clientGone && m_server->bytesToWrite() < HighWaterMark;
    case Phase::TlsHandshake: // nothing may be read until TLS is up
    case Phase::Connecting:   // the startup packet waits for the server
    case Phase::Closing:
        return false;
    }
    return false;
}

void ProxySession::onClientReadable()
{
    // Messages already buffered (after a pause) go first.
    processClient();
    while (mayReadClient()) {
        const qint64 got = m_fromClient.appendFrom(m_client, ReadChunk);
        // An unbuffered socket that reads the end of the stream just turns
        // unconnected, without a disconnected() signal.
        if (got < 0 || m_client->state() == QAbstractSocket::UnconnectedState) {
            onClientDisconnected();
            return;
        }
        if (got == 0)
            break;
        processClient();
        flushToServer(); // so the high-water check sees what this chunk added
        if (got < ReadChunk)
            break; // drained; readyRead comes again with more
    }
    flushToServer();
}

void ProxySession::processClient()
{
    MessagePiece piece;
    while (m_phase == Phase::AwaitingStartup || (m_phase == Phase::Relaying && !m_holding)) {
        const MessageReader::Status status = m_fromClient.next(&piece);
        if (status == MessageReader::Status::NeedMore)
            return;
        if (status == MessageReader::Status::Invalid) {
            qCInfo(lcProxy).noquote() << m_clientAddress << "protocol violation:" << m_fromClient.error();
            refuse(wire::ProtocolViolation, m_fromClient.error());
            return;
        }
        if (m_phase == Phase::AwaitingStartup) {
            if (!handleStartupPacket(piece))
                return;
            continue;
        }
        if (piece.first) {
            if (m_clientFilter && piece.isWhole() && !m_clientFilter(piece.type, piece.bytes)) {
                m_holding = true;
                m_held = piece.bytes.toByteArray();
                return;
            }
            m_tracker.requestSent(piece.type, m_clientOrigin, std::exchange(m_nextTag, 0));
        }
        m_toServer.append(piece.bytes.data(), piece.bytes.size());
    }
}

bool ProxySession::handleStartupPacket(const MessagePiece &piece)
{
    wire::BodyReader body(piece.body());
    const qint32 code = body.int32();
    auto *tls = qobject_cast<QSslSocket *>(m_client);
    const bool encrypted = tls && tls->isEncrypted();

    if (code == wire::SslRequestCode) {
        if (encrypted) {
            refuse(wire::ProtocolViolation, tr("The client asked for TLS twice."));
            return false;
        }
        if (!m_settings.tlsAvailable) {
            m_client->write("N", 1);
            m_client->flush();
            m_fromClient.expectStartupPacket();
            return true;
        }
        // Bytes sent after SSLRequest but before the handshake would be read
        // as if they had come over TLS (CVE-2021-23214); refuse them.
        if (m_fromClient.bufferedBytes() > 0 || m_client->bytesAvailable() > 0) {
            refuse(wire::ProtocolViolation, tr("The client sent data before TLS was negotiated."));
            return false;
        }
        m_phase = Phase::TlsHandshake;
        m_client->write("S", 1);
        m_client->flush();
        m_fromClient.expectStartupPacket();
        tls->startServerEncryption();
        return false;
    }
    if (code == wire::GssEncRequestCode) {
        m_client->write("N", 1);
        m_client->flush();
        m_fromClient.expectStartupPacket();
        return true;
    }
    if (code == wire::CancelRequestCode) {
        const qint32 processId = body.int32();
        const QByteArrayView secret = body.rest();
        forwardCancel(processId, secret);
        // PostgreSQL answers a cancel request by closing the connection.
        closeBoth();
        return false;
    }
    if ((code >> 16) != 3) {
        refuse(wire::FeatureNotSupported,
               tr("Unsupported frontend protocol %1.%2: Tether's proxy speaks protocol 3.").arg(code >> 16).arg(code & 0xFFFF));
        return false;
    }
    if (m_settings.tlsRequired && !encrypted) {
        refuse(wire::InvalidAuthorization,
               tr("Tether's proxy on %1 accepts only encrypted connections.").arg(m_settings.listenDescription),
               tr("Connect with sslmode=require."));
        return false;
    }
    if (m_fromClient.bufferedBytes() > 0) {
        // Nothing may follow the startup packet before the server answered it.
        refuse(wire::ProtocolViolation, tr("The client sent data before authentication was complete."));
        return false;
    }
    m_startupPacket = piece.bytes.toByteArray();
    m_phase = Phase::Connecting;
    m_server = new QTcpSocket(this);
    connect(m_server, &QAbstractSocket::connected, this, &ProxySession::onServerConnected);
    connect(m_server, &QIODevice::readyRead, this, &ProxySession::onServerReadable);
    connect(m_server, &QIODevice::bytesWritten, this, [this] {
        if (m_server->bytesToWrite() < HighWaterMark / 4)
            onClientReadable(); // the server drained: read the client again
    });
    connect(m_server, &QAbstractSocket::disconnected, this, &ProxySession::onServerDisconnected);
    connect(m_server, &QAbstractSocket::errorOccurred, this, &ProxySession::onServerError);
    // Unbuffered: reads and writes go straight to the kernel socket instead
    // of through Qt's buffers, one copy and one event-loop pass fewer per message.
    m_server->connectToHost(m_settings.upstreamHost, m_settings.upstreamPort,
                            QIODevice::ReadWrite | QIODevice::Unbuffered);
    return false;
}

void ProxySession::forwardCancel(qint32 processId, QByteArrayView secret)
{
    const std::optional<CancelKey> serverKey = m_cancelKeys->serverKeyFor(processId, secret);
    if (!serverKey) {
        // As PostgreSQL does: an unknown key is ignored without a word.
        qCInfo(lcProxy) << m_clientAddress << "cancel request with an unknown key ignored";
        return;
    }
    // The cancel travels on a connection of its own that outlives this
    // session (whose client hangs up right away); it goes with the server.
    auto *socket = new QTcpSocket(parent());
    const QByteArray request = wire::cancelRequest(serverKey->processId, serverKey->secret);
    connect(socket, &QAbstractSocket::connected, socket, [socket, request] {
        socket->write(request);
        socket->disconnectFromHost();
    });
    connect(socket, &QAbstractSocket::disconnected, socket, &QObject::deleteLater);
    connect(socket, &QAbstractSocket::errorOccurred, socket, [socket](QAbstractSocket::SocketError) {
        if (socket->state() == QAbstractSocket::UnconnectedState)
            socket->deleteLater();
    });
    QTimer::singleShot(CloseTimeoutMs, socket, &QObject::deleteLater);
    socket->connectToHost(m_settings.upstreamHost, m_settings.upstreamPort);
    qCDebug(lcProxy) << m_clientAddress << "cancel request forwarded for server process" << serverKey->processId;
}

void ProxySession::onServerConnected()
{
    tuneSocket(m_server);
    m_deadline.stop(); // from here the server's authentication_timeout applies
    m_phase = Phase::Relaying;
    m_toServer.prepend(m_startupPacket);
    m_startupPacket.clear();
    qCDebug(lcProxy) << m_clientAddress << "connected to the server";
    onClientReadable();
}

void ProxySession::onServerError(QAbstractSocket::SocketError error)
{
    if (m_phase == Phase::Connecting) {
        qCWarning(lcProxy).noquote() << m_clientAddress << "cannot reach PostgreSQL:" << m_server->errorString();
        refuse(wire::ConnectionFailure,
               tr("Tether's proxy could not reach PostgreSQL at %1:%2: %3.")
                   .arg(m_settings.upstreamHost).arg(m_settings.upstreamPort).arg(m_server->errorString()),
               tr("Check that the database is running."));
        return;
    }
    qCDebug(lcProxy) << m_clientAddress << "server socket:" << error << m_server->errorString();
    if (m_server->state() == QAbstractSocket::UnconnectedState)
        onServerDisconnected();
}

void ProxySession::flushToServer()
{
    if (m_corked > 0 || m_toServer.isEmpty() || !m_server || m_server->state() != QAbstractSocket::ConnectedState)
        return;
    sendAll(m_server, true, m_toServer);
}

void ProxySession::uncork()
{
    Q_ASSERT(m_corked > 0);
    if (--m_corked == 0)
        flushToServer();
}

// ---- server to client ----------------------------------------------------

bool ProxySession::mayReadServer() const
{
    return m_server && !m_serverGone && (m_phase == Phase::Relaying) && m_client->bytesToWrite() < HighWaterMark;
}

bool ProxySession::commitAwaitsOnlyTheProxy() const
{
    return m_finishingCommit && !m_clientGone && !m_serverGone && m_whenAnswered.empty()
        && !m_tracker.clientResponsesPending();
}

void ProxySession::onServerReadable()
{
    while (mayReadServer()) {
        const qint64 got = m_fromServer.appendFrom(m_server, ReadChunk);
        if (got < 0 || m_server->state() == QAbstractSocket::UnconnectedState) {
            onServerDisconnected();
            return;
        }
        if (got == 0)
            break;
        processServer();
        flushToClient(); // so the high-water check sees what this chunk added
        if (m_phase != Phase::Relaying || got < ReadChunk)
            break;
    }
    flushToClient();
    flushToServer(); // own queries sent from response handlers
}

void ProxySession::processServer()
{
    MessagePiece piece;
    for (;;) {
        const MessageReader::Status status = m_fromServer.next(&piece);
        if (status == MessageReader::Status::NeedMore)
            return;
        if (status == MessageReader::Status::Invalid) {
            qCWarning(lcProxy).noquote() << m_clientAddress << "unreadable server message:" << m_fromServer.error();
            refuse(wire::ProtocolViolation,
                   tr("PostgreSQL sent a message Tether's proxy cannot read: %1").arg(m_fromServer.error()));
            return;
        }
        if (piece.first) {
            m_serverMessageOrigin = m_tracker.responseReceived(piece.type, piece.isWhole() ? piece.body() : QByteArrayView());
            if (piece.type == 'E' && piece.isWhole()) {
                const wire::ErrorFields error = wire::errorFromBody(piece.body());
                if (error.severity == "FATAL" || error.severity == "PANIC") {
                    m_serverLastError = error.message; // the server closes the connection next
                    // Unasked for, while a commit is at Salesforce: the
                    // client is told the commit's outcome instead (serverGone).
                    if (commitAwaitsOnlyTheProxy())
                        continue;
                }
            }
            if ((piece.type == 'T' || piece.type == 'n') && piece.isWhole() && m_tracker.lastDescriptionTag() != 0
                && m_serverMessageOrigin != Origin::Proxy && m_onDescription)
                m_onDescription(m_tracker.lastDescriptionTag(), piece.type == 'T' ? piece.body() : QByteArrayView());
            if (piece.type == 'K' && piece.isWhole()) {
                // Hand the client a key of our own; keep the server's.
                wire::BodyReader body(piece.body());
                CancelKey serverKey;
                serverKey.processId = body.int32();
                serverKey.secret = body.rest().toByteArray();
                if (m_proxyKey.processId != 0)
                    m_cancelKeys->release(m_proxyKey.processId);
                m_proxyKey = m_cancelKeys->issue(serverKey);
                m_toClient.append(wire::backendKeyData(m_proxyKey.processId, m_proxyKey.secret));
                continue;
            }
        }
        if (m_serverMessageOrigin == Origin::Proxy) {
            deliverOwnResponse(piece);
        } else if (m_serverMessageOrigin == Origin::ClientHeld) {
            m_heldResponses.append(piece.bytes.data(), piece.bytes.size());
            if (piece.first && piece.type == 'Z' && m_onHeldReady)
                QMetaObject::invokeMethod(this, [this] {
                    if (m_onHeldReady)
                        m_onHeldReady();
                }, Qt::QueuedConnection);
        } else {
            m_toClient.append(piece.bytes.data(), piece.bytes.size());
        }
        if (piece.last && !m_whenAnswered.empty())
            checkClientRequestsAnswered();
    }
}

void ProxySession::deliverOwnResponse(const MessagePiece &piece)
{
    if (!piece.isWhole()) {
        m_ownMessage.append(piece.bytes.data(), piece.bytes.size());
        if (!piece.last)
            return;
    }
    const QByteArray whole = piece.isWhole() ? piece.bytes.toByteArray() : std::exchange(m_ownMessage, {});
    const char type = whole.at(0);
    if (m_own.empty())
        return;
    // Copied: consume() may queue further own requests.
    const auto consume = m_own.front().consume;
    if (consume(type, QByteArrayView(whole).sliced(5)) && !m_own.empty())
        m_own.pop_front();
}

void ProxySession::flushToClient()
{
    if (m_toClient.isEmpty() || m_client->state() != QAbstractSocket::ConnectedState)
        return;
    sendAll(m_client, m_plainClient, m_toClient);
}

// ---- holding and own queries ---------------------------------------------

void ProxySession::releaseHeldMessage()
{
    replaceHeldMessage(std::exchange(m_held, {}));
}

void ProxySession::replaceHeldMessage(const QByteArray &messages)
{
    if (!m_holding)
        return;
    m_holding = false;
    m_held.clear();
    // Track what is actually sent, message by message.
    MessageReader reader(Peer::Frontend);
    reader.append(messages);
    MessagePiece piece;
    while (reader.next(&piece) == MessageReader::Status::Piece) {
        if (piece.first)
            m_tracker.requestSent(piece.type, m_clientOrigin);
    }
    m_toServer.append(messages);
    onClientReadable();
}

void ProxySession::sendOwnQuery(const QByteArray &sql, OwnResponseHandler onMessage)
{
    m_tracker.requestSent('Q', Origin::Proxy);
    m_own.push_back({[onMessage = std::move(onMessage)](char type, QByteArrayView body) {
        if (onMessage)
            onMessage(type, body);
        return type == 'Z';
    }});
    sendOwn(wire::query(sql));
}

namespace {

// Where one batch of own statements stands, message by message: per
// statement ParseComplete, BindComplete, rows, CommandComplete, then two
// CloseCompletes; or an ErrorResponse, after which the server skips to our Sync.
struct OwnBatch
{
    QList<ProxySession::OwnResult> results;
    ProxySession::OwnBatchDone done;
    QList<int> closes;          // CloseCompletes each statement gets
    QList<QByteArray> keepAs;   // kept statements: their name, to remember once they ran
    int current = 0;
    int closesSeen = 0;
    bool awaitingSync = false;
    bool endsWithSync = false;
};

} // namespace

void ProxySession::runOwnStatements(const QList<OwnStatement> &statements, OwnBatchDone done, bool endWithSync)
{
    if (statements.isEmpty()) {
        QMetaObject::invokeMethod(this, [done] { done({}, 0); }, Qt::QueuedConnection);
        return;
    }
    auto batch = std::make_shared<OwnBatch>();
    batch->results.resize(statements.size());
    batch->done = std::move(done);
    QByteArray messages;
    for (const OwnStatement &statement : statements) {
        const QByteArray portal = "tether_proxy_" + QByteArray::number(++m_ownCounter);
        if (statement.keepPrepared) {
            // Parsed and planned once per session, then only bound.
            const QByteArray name = "tether_kept_" + QCryptographicHash::hash(statement.sql, QCryptographicHash::Md5).toHex().left(20);
            if (m_keptStatements.contains(name)) {
                for (const char type : {'B', 'E', 'C'})
                    m_tracker.requestSent(type, Origin::Proxy);
                batch->closes << 1;
                batch->keepAs << QByteArray();
            } else {
                // Closing a statement that does not exist is no error: a
                // leftover of a batch that failed before it ran goes first.
                for (const char type : {'C', 'P', 'B', 'E', 'C'})
                    m_tracker.requestSent(type, Origin::Proxy);
                messages += wire::close('S', name);
                messages += wire::parse(name, statement.sql);
                batch->closes << 2;
                batch->keepAs << name;
            }
            messages += wire::bind(portal, name, statement.parameters, statement.resultFormats);
            messages += wire::execute(portal);
            messages += wire::close('P', portal);
            continue;
        }
        // A name of our own per statement: after an error the server skips
        // our Close, and a leftover must not collide with the next batch.
        for (const char type : {'P', 'B', 'E', 'C', 'C'})
            m_tracker.requestSent(type, Origin::Proxy);
        messages += wire::parse(portal, statement.sql);
        messages += wire::bind(portal, portal, statement.parameters, statement.resultFormats);
        messages += wire::execute(portal);
        messages += wire::close('P', portal);
        messages += wire::close('S', portal);
        batch->closes << 2;
        batch->keepAs << QByteArray();
    }
    if (endWithSync) {
        m_tracker.requestSent('S', Origin::Proxy);
        messages += wire::sync();
        batch->endsWithSync = true;
    } else {
        messages += wire::flush();
    }
    m_own.push_back({[this, batch](char type, QByteArrayView body) {
        if (batch->awaitingSync) {
            if (type != 'Z')
                return false;
            batch->done(batch->results, body.isEmpty() ? char(0) : body.at(0));
            return true;
        }
        OwnResult &result = batch->results[batch->current];
        switch (type) {
        case 'D': {
            bool ok = false;
            QList<std::optional<QByteArray>> row = wire::parseDataRow(body, &ok);
            if (ok)
                result.rows.append(std::move(row));
            return false;
        }
        case 'C':
            result.status = OwnResult::Status::Ok;
            result.commandTag = QByteArrayView(body).chopped(body.endsWith('\0') ? 1 : 0).toByteArray();
            return false;
        case 'I':
            result.status = OwnResult::Status::Ok;
            return false;
        case '3':
            if (++batch->closesSeen < batch->closes.value(batch->current))
                return false;
            batch->closesSeen = 0;
            if (result.ok() && !batch->keepAs.value(batch->current).isEmpty())
                m_keptStatements.insert(batch->keepAs.value(batch->current));
            if (++batch->current < batch->results.size())
                return false;
            if (batch->endsWithSync) {
                batch->awaitingSync = true; // its ReadyForQuery ends the batch
                return false;
            }
            batch->done(batch->results, 0);
            return true;
        case 'E': {
            result.status = OwnResult::Status::Failed;
            result.errorMessage = QByteArray(1, 'E');
            QByteArray length(4, '\0');
            qToBigEndian(qint32(body.size() + 4), length.data());
            result.errorMessage += length + body.toByteArray();
            // The server now ignores everything up to a Sync.
            batch->awaitingSync = true;
            if (!batch->endsWithSync) {
                m_tracker.requestSent('S', Origin::Proxy);
                m_toServer.append(wire::sync());
            }
            return false;
        }
        default: // ParseComplete, BindComplete, notices
            return false;
        }
    }});
    sendOwn(messages);
}

void ProxySession::sendOwn(const QByteArray &messages)
{
    m_toServer.append(messages);
    flushToServer();
    if (m_serverGone)
        QMetaObject::invokeMethod(this, &ProxySession::failOwnRequests, Qt::QueuedConnection);
}

QByteArray ProxySession::lostServerError() const
{
    wire::ErrorFields error;
    error.sqlState = wire::ConnectionFailure;
    error.message = m_serverLastError.isEmpty()
        ? tr("PostgreSQL closed the connection.")
        : tr("PostgreSQL closed the connection: %1").arg(m_serverLastError);
    return wire::errorResponse(error);
}

void ProxySession::failOwnRequests()
{
    // Each own request ends as if the server had refused it: an
    // ErrorResponse, then the ReadyForQuery of its Sync.
    const QByteArray error = lostServerError();
    const QByteArray errorBody = error.sliced(5);
    while (!m_own.empty()) {
        OwnRequest request = std::move(m_own.front());
        m_own.pop_front();
        if (!request.consume('E', errorBody))
            request.consume('Z', "I");
    }
}

void ProxySession::whenClientRequestsAnswered(std::function<void()> done)
{
    m_whenAnswered.push_back(std::move(done));
    // Responses to Parse/Bind/Describe wait in the server's buffer until a
    // Sync or a Flush.
    m_toServer.append(wire::flush());
    flushToServer();
    checkClientRequestsAnswered();
}

void ProxySession::checkClientRequestsAnswered()
{
    if (m_tracker.clientResponsesPending() || m_whenAnswered.empty())
        return;
    auto callbacks = std::exchange(m_whenAnswered, {});
    QMetaObject::invokeMethod(this, [callbacks = std::move(callbacks)] {
        for (const auto &callback : callbacks)
            callback();
    }, Qt::QueuedConnection);
}

void ProxySession::sendClientRequests(const QByteArray &messages, Origin origin)
{
    MessageReader reader(Peer::Frontend);
    reader.append(messages);
    MessagePiece piece;
    while (reader.next(&piece) == MessageReader::Status::Piece) {
        if (piece.first)
            m_tracker.requestSent(piece.type, origin);
    }
    m_toServer.append(messages);
    flushToServer();
}

void ProxySession::sendToClient(const QByteArray &messages)
{
    m_toClient.append(messages);
    flushToClient();
}

void ProxySession::setFinishingCommit(bool on)
{
    m_finishingCommit = on;
    if (!on && (m_clientGone || m_serverGone))
        closeBoth();
}

// ---- closing -------------------------------------------------------------

void ProxySession::refuse(const char *sqlState, const QString &sentence, const QString &hint)
{
    wire::ErrorFields error;
    error.sqlState = sqlState;
    error.message = sentence;
    error.hint = hint;
    m_toClient.append(wire::errorResponse(error));
    flushToClient();
    closeBoth();
}

void ProxySession::closeBoth()
{
    if (m_phase != Phase::Closing) {
        m_phase = Phase::Closing;
        m_deadline.start(CloseTimeoutMs);
        flushToClient();
        flushToServer();
        // Each socket closes once what is queued for it has been written.
        m_client->disconnectFromHost();
        if (m_server)
            m_server->disconnectFromHost();
    }
    finishIfClosed();
}

void ProxySession::onClientDisconnected()
{
    qCDebug(lcProxy) << m_clientAddress << "client closed the connection";
    if (m_finishingCommit && m_phase == Phase::Relaying) {
        // The client asked for a COMMIT that is on its way to Salesforce:
        // finish it before the server connection goes (setFinishingCommit).
        if (!m_clientGone)
            qCInfo(lcProxy) << m_clientAddress << "client left during its COMMIT; finishing the commit first";
        m_clientGone = true;
        return;
    }
    // Whatever the client sent before it left still goes to the server
    // (a Terminate, the end of a COPY); then the server connection closes,
    // which rolls back an open transaction.
    if (m_server && m_phase == Phase::Relaying) {
        if (m_client->bytesAvailable() > 0)
            m_fromClient.appendFrom(m_client, m_client->bytesAvailable());
        processClient();
        flushToServer();
    }
    closeBoth();
}

void ProxySession::onServerDisconnected()
{
    qCDebug(lcProxy) << m_clientAddress << "server closed the connection";
    if (m_serverGone) { // already known; the commit in progress closes the session
        if (m_phase == Phase::Closing)
            finishIfClosed();
        return;
    }
    // The server's last words (a FATAL error) reach the client first.
    if (m_phase == Phase::Relaying) {
        if (m_server->bytesAvailable() > 0)
            m_fromServer.appendFrom(m_server, m_server->bytesAvailable());
        processServer();
        if (commitAwaitsOnlyTheProxy()) {
            // A commit is on its way to Salesforce (or back) and every
            // request of the client's has been answered: the client is told
            // the commit's outcome when there is one (serverGone).
            m_serverGone = true;
            qCWarning(lcProxy).noquote() << m_clientAddress
                                         << QStringLiteral("PostgreSQL closed the connection during a commit (%1); the client "
                                                           "is told the commit's outcome first")
                                                .arg(m_serverLastError.isEmpty() ? QStringLiteral("no reason given") : m_serverLastError);
            failOwnRequests();
            return;
        }
        // Answers held for the write-through layer (a statement of a query it
        // runs statement by statement) end with the server's error too.
        m_toClient.append(std::exchange(m_heldResponses, {}));
        flushToClient();
    }
    closeBoth();
}

void ProxySession::finishIfClosed()
{
    if (m_finished || m_client->state() != QAbstractSocket::UnconnectedState)
        return;
    if (m_server && m_server->state() != QAbstractSocket::UnconnectedState)
        return;
    m_finished = true;
    m_deadline.stop();
    emit finished();
}

} // namespace tether::proxy
