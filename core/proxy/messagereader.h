// MessageReader: cuts one direction of a PostgreSQL v3 protocol byte stream
// into messages (type byte + int32 length + body; the very first frontend
// packet has no type byte).
//
// The reader never trusts a length field: lengths below 4, or above the limit
// PostgreSQL itself applies to that message type, make the stream invalid
// with a sentence. Messages the proxy must look at (Query, Parse,
// ReadyForQuery, BackendKeyData, ...) are handed out whole once every byte has
// arrived. Bulk types (DataRow, CopyData) are handed out as pieces as soon as
// bytes arrive, so a huge COPY or result never has to sit in memory: the
// session forwards each piece and backpressure on the sockets does the rest.
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

class QIODevice;

namespace tether::proxy {

// Which side wrote the stream being read.
enum class Peer { Frontend, Backend };

// Raw wire bytes of one message or of part of one. `bytes` points into the
// reader's buffer and stays valid until the next append() or reset.
struct MessagePiece
{
    QByteArrayView bytes;
    char type = 0;       // 0 for the untyped startup packet
    qint64 length = 0;   // the length field: body + 4, without the type byte
    bool first = false;  // bytes start with the header
    bool last = false;   // bytes end the message

    bool isWhole() const { return first && last; }
    // The message body after the header; only meaningful for whole messages.
    QByteArrayView body() const;
};

class MessageReader
{
public:
    enum class Status { Piece, NeedMore, Invalid };

    // PostgreSQL's limits: MaxAllocSize - 1 for the large frontend types,
    // 10000 bytes for the startup packet.
    static constexpr qint64 LargeMessageLimit = 0x3FFFFFFE;
    // Other frontend messages are small in PostgreSQL (at most 10000 bytes;
    // SASL tokens up to 65535); we stop at a round figure above both.
    static constexpr qint64 SmallMessageLimit = 65536 + 4;
    static constexpr qint64 StartupPacketLimit = 10000;
    // Backend messages: the int32 range for streamed types, the large limit otherwise.
    static constexpr qint64 BackendStreamedLimit = 0x7FFFFFFF;

    explicit MessageReader(Peer peer);

    // The next message is the untyped startup packet (int32 length first).
    void expectStartupPacket() { m_untypedNext = true; }

    // Types handed out in pieces instead of whole. Defaults: CopyData from a
    // frontend; DataRow and CopyData from a backend.
    void setStreamedTypes(QByteArray types) { m_streamedTypes = std::move(types); }

    void append(QByteArrayView bytes);
    // Reads up to `maxBytes` from `device` straight into the buffer; returns
    // the bytes read, 0 when none were available, -1 on a device error.
    qint64 appendFrom(QIODevice *device, qint64 maxBytes);
    Status next(MessagePiece *piece);

    // Why the stream is invalid (after next() returned Invalid).
    QString error() const { return m_error; }
    // Bytes received and not yet handed out.
    qsizetype bufferedBytes() const { return m_buffer.size() - m_pos; }
    // True between messages (no message partly handed out or partly received).
    bool atMessageBoundary() const { return m_remaining == 0 && bufferedBytes() == 0; }

    // The largest length this reader accepts for a message of `type`.
    qint64 lengthLimit(char type) const;

private:
    void compact();
    Status fail(QString sentence);

    Peer m_peer;
    QByteArray m_streamedTypes;
    QByteArray m_buffer;
    qsizetype m_pos = 0;        // first byte not yet handed out
    qint64 m_remaining = 0;     // body bytes of a streamed message still to hand out
    char m_streamingType = 0;
    qint64 m_streamingLength = 0;
    bool m_untypedNext = false;
    bool m_invalid = false;
    QString m_error;
};

} // namespace tether::proxy
