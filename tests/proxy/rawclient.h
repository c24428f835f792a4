// RawClient: a deliberately plain, blocking PostgreSQL v3 client for tests.
//
// It writes protocol messages byte by byte and records every message the
// server sends, so a protocol sequence can be run straight against
// PostgreSQL and through the proxy and the two transcripts compared. It shares
// no code with the proxy (it is the oracle). Only trust authentication.
#pragma once

#include <QByteArray>
#include <QCryptographicHash>
#include <QList>
#include <QString>
#include <QStringList>
#include <QTcpSocket>

namespace tether::test {

struct RawMessage
{
    char type = 0;
    QByteArray body;
};

// Host, port, user and database parsed from a libpq key=value string.
struct PgAddress
{
    QString host = QStringLiteral("127.0.0.1");
    quint16 port = 5432;
    QString user;
    QString database = QStringLiteral("postgres");

    static PgAddress fromConnectionString(const QString &info);
    QString connectionString() const;
};

// What one side of a differential run saw: the normalized server messages
// folded into a hash, plus a readable run-length summary for failure output.
struct Transcript
{
    QCryptographicHash hash{QCryptographicHash::Sha256};
    QStringList summary;
    qint64 messages = 0;
    char lastType = 0;
    int lastRun = 0;
    // Every message in order (frontend ones tagged with a leading '>'),
    // for replaying into a ProtocolTracker; only the type and the first
    // body byte are kept to bound memory.
    QList<QByteArray> flow;

    void add(const RawMessage &message);
    void sent(char type);
    QString text() const;
};

class RawClient
{
public:
    ~RawClient();
    bool connectTo(const QString &host, quint16 port, QString *error);
    // Startup with trust authentication; reads up to the first ReadyForQuery.
    bool startup(const QString &user, const QString &database, QString *error,
                 const QList<QPair<QByteArray, QByteArray>> &extraParameters = {});

    void sendRaw(const QByteArray &bytes);
    // Frontend messages.
    void query(const QByteArray &sql);
    void parse(const QByteArray &statement, const QByteArray &sql, const QList<quint32> &parameterTypes = {});
    void bind(const QByteArray &portal, const QByteArray &statement, const QList<QByteArray> &parameters,
              const QList<qint16> &parameterFormats = {}, const QList<qint16> &resultFormats = {},
              const QList<bool> &nulls = {});
    void describe(char kind, const QByteArray &name);
    void execute(const QByteArray &portal, qint32 maxRows = 0);
    void close(char kind, const QByteArray &name);
    void sync();
    void flush();
    void copyData(const QByteArray &data);
    void copyDone();
    void copyFail(const QByteArray &message);
    void terminate();

    // Reads one message; false on timeout or closed connection.
    bool read(RawMessage *message, int timeoutMs = 30000);
    // Reads into the transcript until a message of `type` (inclusive).
    // `count` ReadyForQuery messages for a pipeline with several Syncs.
    bool readUntil(char type, Transcript *transcript, int count = 1, int timeoutMs = 60000);
    bool isClosed();
    // Bounds what the socket reads ahead, so a test can stop reading and
    // have TCP push back.
    void setReadBufferSize(qint64 bytes) { m_socket.setReadBufferSize(bytes); }
    QString lastError() const { return m_error; }
    Transcript *recordSentTo = nullptr; // frontend message types are noted here

private:
    void send(char type, const QByteArray &body);
    bool fill(qint64 bytes, int timeoutMs);

    QTcpSocket m_socket;
    QByteArray m_buffer;
    QString m_error;
};

QByteArray int32(qint32 value);
QByteArray int16(qint16 value);

} // namespace tether::test
