#include "proxy/messagereader.h"

#include <QCoreApplication>
#include <QIODevice>
#include <QtEndian>

namespace tether::proxy {

namespace {

qint64 readLength(const char *at) { return qFromBigEndian<qint32>(at); }

QString describeType(char type)
{
    if (type == 0)
        return QCoreApplication::translate("MessageReader", "the startup packet");
    if (type >= 0x20 && type < 0x7f)
        return QCoreApplication::translate("MessageReader", "a message of type '%1'").arg(QLatin1Char(type));
    return QCoreApplication::translate("MessageReader", "a message of type 0x%1")
        .arg(uchar(type), 2, 16, QLatin1Char('0'));
}

} // namespace

QByteArrayView MessagePiece::body() const
{
    const qsizetype header = type ? 5 : 4;
    return bytes.size() >= header ? bytes.sliced(header) : QByteArrayView();
}

MessageReader::MessageReader(Peer peer)
    : m_peer(peer), m_streamedTypes(peer == Peer::Frontend ? QByteArray("d") : QByteArray("Dd"))
{
}

qint64 MessageReader::lengthLimit(char type) const
{
    if (type == 0)
        return StartupPacketLimit;
    if (m_peer == Peer::Backend)
        return m_streamedTypes.contains(type) ? BackendStreamedLimit : LargeMessageLimit;
    switch (type) {
    case 'B': // Bind
    case 'P': // Parse
    case 'Q': // Query
    case 'F': // FunctionCall
    case 'd': // CopyData
        return LargeMessageLimit;
    default:
        return SmallMessageLimit;
    }
}

// Drops what was handed out before the buffer grows, so a long stream of
// small messages keeps it small. Pieces handed out earlier die here.
void MessageReader::compact()
{
    if (m_pos > 0 && m_pos == m_buffer.size()) {
        m_buffer.resize(0); // keeps the allocation for the next read
        m_pos = 0;
    } else if (m_pos > 64 * 1024) {
        m_buffer.remove(0, m_pos);
        m_pos = 0;
    }
    // After one huge message, give the memory back.
    if (m_buffer.size() < 1024 * 1024 && m_buffer.capacity() > 16 * 1024 * 1024)
        m_buffer.squeeze();
}

void MessageReader::append(QByteArrayView bytes)
{
    compact();
    m_buffer.append(bytes.data(), bytes.size());
}

qint64 MessageReader::appendFrom(QIODevice *device, qint64 maxBytes)
{
    compact();
    const qsizetype before = m_buffer.size();
    m_buffer.resize(before + qsizetype(maxBytes));
    const qint64 got = device->read(m_buffer.data() + before, maxBytes);
    m_buffer.resize(before + qsizetype(qMax<qint64>(got, 0)));
    return got;
}

MessageReader::Status MessageReader::fail(QString sentence)
{
    m_invalid = true;
    m_error = std::move(sentence);
    return Status::Invalid;
}

MessageReader::Status MessageReader::next(MessagePiece *piece)
{
    if (m_invalid)
        return Status::Invalid;
    const qsizetype available = m_buffer.size() - m_pos;

    // The rest of a streamed message: hand out whatever has arrived.
    if (m_remaining > 0) {
        if (available == 0)
            return Status::NeedMore;
        const qsizetype take = qsizetype(qMin<qint64>(m_remaining, available));
        *piece = MessagePiece{QByteArrayView(m_buffer.constData() + m_pos, take), m_streamingType,
                              m_streamingLength, false, take == m_remaining};
        m_pos += take;
        m_remaining -= take;
        return Status::Piece;
    }

    const qsizetype headerSize = m_untypedNext ? 4 : 5;
    if (available < headerSize)
        return Status::NeedMore;
    const char *at = m_buffer.constData() + m_pos;
    const char type = m_untypedNext ? char(0) : at[0];
    const qint64 length = readLength(at + headerSize - 4);
    const qint64 minimum = m_untypedNext ? 8 : 4;
    if (length < minimum)
        return fail(QCoreApplication::translate("MessageReader",
                                                "%1 has an invalid length of %2 bytes (at least %3 are required).")
                        .arg(describeType(type)).arg(length).arg(minimum));
    if (length > lengthLimit(type))
        return fail(QCoreApplication::translate("MessageReader",
                                                "%1 claims a length of %2 bytes, more than the %3 bytes allowed.")
                        .arg(describeType(type)).arg(length).arg(lengthLimit(type)));

    const qint64 total = length + (m_untypedNext ? 0 : 1);
    if (total <= available) {
        *piece = MessagePiece{QByteArrayView(at, qsizetype(total)), type, length, true, true};
        m_pos += qsizetype(total);
        m_untypedNext = false;
        return Status::Piece;
    }
    if (type == 0 || !m_streamedTypes.contains(type))
        return Status::NeedMore; // held until whole

    // A streamed message that has not fully arrived: hand out what we have.
    *piece = MessagePiece{QByteArrayView(at, available), type, length, true, false};
    m_pos += available;
    m_remaining = total - available;
    m_streamingType = type;
    m_streamingLength = length;
    return Status::Piece;
}

} // namespace tether::proxy
