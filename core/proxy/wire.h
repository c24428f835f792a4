// Wire: the few PostgreSQL v3 protocol messages the proxy writes itself
// (ErrorResponse, BackendKeyData, CancelRequest, Query) and a bounds-checked
// reader for message bodies. Everything else the proxy relays unchanged.
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>
#include <optional>

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
    QString schema; // schema, table and column the error is about, when known
    QString table;
    QString column;
};

QByteArray errorResponse(const ErrorFields &fields);
QByteArray backendKeyData(qint32 processId, QByteArrayView secret);
QByteArray cancelRequest(qint32 processId, QByteArrayView secret);
QByteArray query(QByteArrayView sql);

// Extended-protocol messages for the proxy's own statements. Parameters and
// results in text format unless `resultFormats` says otherwise (one code per
// column, or one for all).
QByteArray parse(QByteArrayView statement, QByteArrayView sql);
QByteArray bind(QByteArrayView portal, QByteArrayView statement, const QList<std::optional<QByteArray>> &parameters,
                const QList<qint16> &resultFormats = {});
QByteArray execute(QByteArrayView portal, qint32 maxRows = 0);
QByteArray close(char what, QByteArrayView name); // what: 'S' statement, 'P' portal
QByteArray flush();
QByteArray sync();
QByteArray commandComplete(QByteArrayView tag);
QByteArray readyForQuery(char status);

// A DataRow body: one value per column, nullopt for SQL NULL.
QList<std::optional<QByteArray>> parseDataRow(QByteArrayView body, bool *ok = nullptr);
QByteArray dataRow(const QList<std::optional<QByteArray>> &values);

// One column of a RowDescription.
struct FieldDescription
{
    QByteArray name;
    quint32 tableOid = 0; // 0 when the column is not a plain column of a table
    qint16 columnNumber = 0;
    quint32 typeOid = 0;
    qint16 typeSize = 0;
    qint32 typeModifier = 0;
    qint16 format = 0; // 0 text, 1 binary
};
QList<FieldDescription> parseRowDescription(QByteArrayView body, bool *ok = nullptr);

// The (code, value) fields of an ErrorResponse or NoticeResponse body.
struct ErrorField
{
    char code;
    QByteArray value;
};
QList<ErrorField> parseErrorFields(QByteArrayView body);
// The fields of an ErrorResponse body the proxy uses.
ErrorFields errorFromBody(QByteArrayView body);

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
