// Wire: the few PostgreSQL v3 protocol messages the proxy writes itself
// (ErrorResponse, BackendKeyData, CancelRequest, Query) and a bounds-checked
// reader for message bodies. Everything else the proxy relays unchanged.
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

namespace tether::proxy::wire {

// Request codes of the untyped first packet (PostgreSQL's protocol.h).
constexpr qint32 ProtocolVersion3 = 3 << 16;
constexpr qint32 CancelRequestCode = (1234 << 16) | 5678;
constexpr qint32 SslRequestCode = (1234 << 16) | 5679;
constexpr qint32 GssEncRequestCode = (1234 << 16) | 5680;

// SQLSTATEs the proxy raises on its own.
inline constexpr char ProtocolViolation[] = "08P01";
inline constexpr char ConnectionFailure[] = "08006";
inline constexpr char InvalidAuthorization[] = "28000";
inline constexpr char FeatureNotSupported[] = "0A000";

struct ErrorFields
{
    QByteArray severity = "FATAL"; // FATAL ends the connection, ERROR does not
    QByteArray sqlState;
    QString message;
    QString detail;
    QString hint;
    QString schema; // the table the error is about, when known
    QString table;
    QString column;
};

QByteArray errorResponse(const ErrorFields &fields);
QByteArray backendKeyData(qint32 processId, QByteArrayView secret);
QByteArray cancelRequest(qint32 processId, QByteArrayView secret);
QByteArray query(QByteArrayView sql);
QByteArray readyForQuery(char transactionStatus);
// A DataRow in text format; a null value is a column that is NULL.
QByteArray dataRow(const QList<QByteArray> &values);
// The values of a DataRow body (null QByteArray for NULL).
QList<QByteArray> parseDataRow(QByteArrayView body);

// The (code, value) fields of an ErrorResponse or NoticeResponse body.
struct ErrorField
{
    char code;
    QByteArray value;
};
QList<ErrorField> parseErrorFields(QByteArrayView body);

// Reads a message body front to back; any read past the end sets ok() false
// and returns zero/empty, so callers check once at the end.
class BodyReader
{
public:
    explicit BodyReader(QByteArrayView body) : m_body(body) {}
    qint32 int32();
    qint16 int16();
    char byte();
    QByteArrayView bytes(qsizetype count);
    QByteArrayView cString(); // without the terminating NUL
    QByteArrayView rest();
    bool ok() const { return m_ok; }
    bool atEnd() const { return m_pos == m_body.size(); }

private:
    QByteArrayView m_body;
    qsizetype m_pos = 0;
    bool m_ok = true;
};

} // namespace tether::proxy::wire
