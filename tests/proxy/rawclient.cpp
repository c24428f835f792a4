#include "rawclient.h"

#include <QElapsedTimer>
#include <QRegularExpression>
#include <QtEndian>

namespace tether::test {

QByteArray int32(qint32 value)
{
    QByteArray out(4, '\0');
    qToBigEndian(value, out.data());
    return out;
}

QByteArray int16(qint16 value)
{
    QByteArray out(2, '\0');
    qToBigEndian(value, out.data());
    return out;
}

PgAddress PgAddress::fromConnectionString(const QString &info)
{
    PgAddress address;
    static const QRegularExpression pair(QStringLiteral("(\\w+)\\s*=\\s*('[^']*'|\\S+)"));
    auto it = pair.globalMatch(info);
    while (it.hasNext()) {
        const auto match = it.next();
        QString value = match.captured(2);
        if (value.startsWith(u'\''))
            value = value.mid(1, value.size() - 2);
        const QString key = match.captured(1);
        if (key == QLatin1String("host"))
            address.host = value;
        else if (key == QLatin1String("port"))
            address.port = quint16(value.toUInt());
        else if (key == QLatin1String("user"))
            address.user = value;
        else if (key == QLatin1String("dbname"))
            address.database = value;
    }
    return address;
}

QString PgAddress::connectionString() const
{
    return QStringLiteral("host=%1 port=%2 user=%3 dbname=%4").arg(host).arg(port).arg(user, database);
}

void Transcript::add(const RawMessage &message)
{
    QByteArray body = message.body;
    // The proxy hands out cancel keys of its own, and a notification names
    // the notifying backend's pid; neither may differ in a comparison.
    if (message.type == 'K')
        body = "masked";
    if (message.type == 'A' && body.size() >= 4)
        body.replace(0, 4, "pid!");
    hash.addData(QByteArrayView(&message.type, 1));
    hash.addData(int32(qint32(body.size())));
    hash.addData(body);
    ++messages;
    flow.append(QByteArray(1, message.type) + message.body.left(1));
    if (message.type == lastType) {
        ++lastRun;
        summary.last() = QStringLiteral("%1*%2").arg(QLatin1Char(lastType)).arg(lastRun);
    } else {
        lastType = message.type;
        lastRun = 1;
        // Keep error and notice texts in the summary: they explain failures.
        QString entry(QLatin1Char(message.type));
        if (message.type == 'E' || message.type == 'N' || message.type == 'C' || message.type == 'Z') {
            QByteArray readable = message.body;
            readable.replace('\0', ' ');
            entry += QStringLiteral("(%1)").arg(QString::fromUtf8(readable.left(80)).trimmed());
        }
        summary.append(entry);
    }
}

void Transcript::sent(char type)
{
    flow.append(QByteArray(">") + type);
    lastType = 0;
    summary.append(QStringLiteral(">%1").arg(QLatin1Char(type)));
}

QString Transcript::text() const { return summary.join(u' '); }

RawClient::~RawClient() { m_socket.abort(); }

bool RawClient::connectTo(const QString &host, quint16 port, QString *error)
{
    m_socket.connectToHost(host, port);
    if (!m_socket.waitForConnected(10000)) {
        *error = QStringLiteral("cannot connect to %1:%2: %3").arg(host).arg(port).arg(m_socket.errorString());
        return false;
    }
    return true;
}

bool RawClient::startup(const QString &user, const QString &database, QString *error,
                        const QList<QPair<QByteArray, QByteArray>> &extraParameters)
{
    QByteArray body = int32(3 << 16);
    auto add = [&body](const QByteArray &key, const QByteArray &value) { body += key + '\0' + value + '\0'; };
    add("user", user.toUtf8());
    add("database", database.toUtf8());
    add("application_name", "tether-rawclient");
    for (const auto &[key, value] : extraParameters)
        add(key, value);
    body += '\0';
    sendRaw(int32(qint32(body.size() + 4)) + body);
    RawMessage message;
    for (;;) {
        if (!read(&message)) {
            *error = QStringLiteral("startup: %1").arg(m_error);
            return false;
        }
        if (message.type == 'R' && qFromBigEndian<qint32>(message.body.constData()) != 0) {
            *error = QStringLiteral("startup: the server wants a password; this test client knows only trust");
            return false;
        }
        if (message.type == 'E') {
            *error = QStringLiteral("startup: %1").arg(QString::fromUtf8(message.body));
            return false;
        }
        if (message.type == 'Z')
            return true;
    }
}

void RawClient::sendRaw(const QByteArray &bytes)
{
    m_socket.write(bytes);
    m_socket.waitForBytesWritten(30000);
}

void RawClient::send(char type, const QByteArray &body)
{
    if (recordSentTo)
        recordSentTo->sent(type);
    m_socket.write(QByteArray(1, type) + int32(qint32(body.size() + 4)) + body);
    // Large COPY payloads need the write to progress while we keep sending.
    while (m_socket.bytesToWrite() > 4 * 1024 * 1024 && m_socket.waitForBytesWritten(30000)) {
    }
}

void RawClient::query(const QByteArray &sql) { send('Q', sql + '\0'); }

void RawClient::parse(const QByteArray &statement, const QByteArray &sql, const QList<quint32> &parameterTypes)
{
    QByteArray body = statement + '\0' + sql + '\0' + int16(qint16(parameterTypes.size()));
    for (quint32 type : parameterTypes)
        body += int32(qint32(type));
    send('P', body);
}

void RawClient::bind(const QByteArray &portal, const QByteArray &statement, const QList<QByteArray> &parameters,
                     const QList<qint16> &parameterFormats, const QList<qint16> &resultFormats,
                     const QList<bool> &nulls)
{
    QByteArray body = portal + '\0' + statement + '\0';
    body += int16(qint16(parameterFormats.size()));
    for (qint16 format : parameterFormats)
        body += int16(format);
    body += int16(qint16(parameters.size()));
    for (qsizetype i = 0; i < parameters.size(); ++i) {
        if (i < nulls.size() && nulls.at(i)) {
            body += int32(-1);
        } else {
            body += int32(qint32(parameters.at(i).size()));
            body += parameters.at(i);
        }
    }
    body += int16(qint16(resultFormats.size()));
    for (qint16 format : resultFormats)
        body += int16(format);
    send('B', body);
}

void RawClient::describe(char kind, const QByteArray &name) { send('D', QByteArray(1, kind) + name + '\0'); }
void RawClient::execute(const QByteArray &portal, qint32 maxRows) { send('E', portal + '\0' + int32(maxRows)); }
void RawClient::close(char kind, const QByteArray &name) { send('C', QByteArray(1, kind) + name + '\0'); }
void RawClient::sync() { send('S', {}); }
void RawClient::flush() { send('H', {}); }
void RawClient::copyData(const QByteArray &data) { send('d', data); }
void RawClient::copyDone() { send('c', {}); }
void RawClient::copyFail(const QByteArray &message) { send('f', message + '\0'); }
void RawClient::terminate() { send('X', {}); }

bool RawClient::fill(qint64 bytes, int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    while (m_buffer.size() < bytes) {
        if (m_socket.bytesAvailable() == 0) {
            const int left = timeoutMs - int(timer.elapsed());
            if (left <= 0 || !m_socket.waitForReadyRead(left)) {
                m_error = m_socket.state() == QAbstractSocket::ConnectedState
                              ? QStringLiteral("timed out waiting for the server")
                              : QStringLiteral("connection closed: %1").arg(m_socket.errorString());
                return false;
            }
        }
        m_buffer += m_socket.readAll();
    }
    return true;
}

bool RawClient::read(RawMessage *message, int timeoutMs)
{
    if (!fill(5, timeoutMs))
        return false;
    const qint32 length = qFromBigEndian<qint32>(m_buffer.constData() + 1);
    if (length < 4) {
        m_error = QStringLiteral("server message with length %1").arg(length);
        return false;
    }
    if (!fill(qint64(length) + 1, timeoutMs))
        return false;
    message->type = m_buffer.at(0);
    message->body = m_buffer.mid(5, length - 4);
    m_buffer.remove(0, length + 1);
    return true;
}

bool RawClient::readUntil(char type, Transcript *transcript, int count, int timeoutMs)
{
    RawMessage message;
    int seen = 0;
    while (seen < count) {
        if (!read(&message, timeoutMs))
            return false;
        transcript->add(message);
        if (message.type == type)
            ++seen;
    }
    return true;
}

bool RawClient::isClosed()
{
    if (m_socket.state() != QAbstractSocket::ConnectedState)
        return true;
    // A closed peer shows as readable with nothing to read, then disconnects.
    m_socket.waitForReadyRead(10000);
    m_buffer += m_socket.readAll();
    return m_socket.state() != QAbstractSocket::ConnectedState;
}

} // namespace tether::test
