#include "store/pgconnection.h"

#include "logging.h"

#include <QCoreApplication>
#include <libpq-fe.h>
#include <vector>

namespace tether::store {

namespace {

QString resultErrorField(const PGresult *result, int field)
{
    const char *value = PQresultErrorField(result, field);
    return value ? QString::fromUtf8(value) : QString();
}

QString trimmed(const char *message)
{
    return QString::fromUtf8(message ? message : "").trimmed();
}

} // namespace

PgCanceller::~PgCanceller() { install(nullptr); }

void PgCanceller::install(PGconn *conn)
{
    QMutexLocker lock(&m_mutex);
    if (m_cancel)
        PQfreeCancel(m_cancel);
    m_cancel = conn ? PQgetCancel(conn) : nullptr;
}

bool PgCanceller::cancel()
{
    QMutexLocker lock(&m_mutex);
    if (!m_cancel)
        return false;
    char error[256];
    return PQcancel(m_cancel, error, int(sizeof error)) == 1;
}

PgConnection::PgConnection() = default;

PgConnection::~PgConnection() { close(); }

PgConnection::PgConnection(PgConnection &&other) noexcept
    : m_conn(std::exchange(other.m_conn, nullptr)), m_host(std::move(other.m_host)),
      m_port(other.m_port), m_canceller(std::exchange(other.m_canceller, std::make_shared<PgCanceller>()))
{
}

PgConnection &PgConnection::operator=(PgConnection &&other) noexcept
{
    if (this != &other) {
        close();
        m_conn = std::exchange(other.m_conn, nullptr);
        m_host = std::move(other.m_host);
        m_port = other.m_port;
        m_canceller = std::exchange(other.m_canceller, std::make_shared<PgCanceller>());
    }
    return *this;
}

PgError PgConnection::open(const QString &conninfo, int connectTimeoutSeconds)
{
    close();
    const QByteArray timeout = QByteArray::number(connectTimeoutSeconds);
    const QByteArray info = conninfo.toUtf8();
    // Defaults first: with expand_dbname, values in `conninfo` override them.
    // Keepalives and tcp_user_timeout turn a vanished server into an error
    // instead of a read that never returns.
    const char *keywords[] = {"application_name", "connect_timeout", "keepalives",
                              "keepalives_idle",  "keepalives_interval", "keepalives_count",
                              "tcp_user_timeout", "client_encoding", "dbname", nullptr};
    const char *values[] = {"tether", timeout.constData(), "1", "5", "2", "3", "15000", "UTF8",
                            info.constData(), nullptr};
    m_conn = PQconnectdbParams(keywords, values, 1);
    if (m_conn) {
        m_host = QString::fromUtf8(PQhost(m_conn));
        m_port = QByteArray(PQport(m_conn)).toInt();
    }
    if (m_conn && PQstatus(m_conn) == CONNECTION_OK) {
        // Server notices ("relation already exists, skipping") are for the
        // debug log, not for the person's terminal.
        PQsetNoticeProcessor(
            m_conn, [](void *, const char *message) { qCDebug(lcStore).noquote() << QString::fromUtf8(message).trimmed(); },
            nullptr);
        m_canceller->install(m_conn);
    }
    if (!m_conn || PQstatus(m_conn) != CONNECTION_OK) {
        PgError error;
        error.kind = PgError::Kind::ConnectFailed;
        error.message = m_conn ? trimmed(PQerrorMessage(m_conn))
                               : QCoreApplication::translate("PgError", "out of memory");
        error.host = m_host.isEmpty() ? QStringLiteral("localhost") : m_host;
        error.port = m_port ? m_port : 5432;
        close();
        qCWarning(lcStore).noquote() << error.toString();
        return error;
    }
    return {};
}

void PgConnection::close()
{
    if (m_conn) {
        m_canceller->install(nullptr);
        PQfinish(m_conn);
        m_conn = nullptr;
    }
}

bool PgConnection::isOpen() const { return m_conn && PQstatus(m_conn) == CONNECTION_OK; }
QString PgConnection::host() const { return m_host; }
int PgConnection::port() const { return m_port; }
int PgConnection::serverVersion() const { return m_conn ? PQserverVersion(m_conn) : 0; }
int PgConnection::backendPid() const { return m_conn ? PQbackendPID(m_conn) : 0; }

PgError PgConnection::errorFromConnection(PgError::Kind fallbackKind) const
{
    PgError error;
    error.host = m_host;
    error.port = m_port;
    if (!m_conn) {
        error.kind = PgError::Kind::Client;
        error.message = QCoreApplication::translate("PgError", "The database connection is not open.");
        return error;
    }
    error.kind = PQstatus(m_conn) == CONNECTION_BAD ? PgError::Kind::ConnectionLost : fallbackKind;
    error.message = trimmed(PQerrorMessage(m_conn));
    return error;
}

PgResult PgConnection::finish(PGresult *result)
{
    if (!result)
        return PgResult(nullptr, errorFromConnection(PgError::Kind::ConnectionLost));
    switch (PQresultStatus(result)) {
    case PGRES_COMMAND_OK:
    case PGRES_TUPLES_OK:
    case PGRES_EMPTY_QUERY:
    case PGRES_COPY_IN:
        return PgResult(result, {});
    default:
        break;
    }
    PgError error;
    error.host = m_host;
    error.port = m_port;
    error.sqlState = resultErrorField(result, PG_DIAG_SQLSTATE);
    error.message = resultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
    error.detail = resultErrorField(result, PG_DIAG_MESSAGE_DETAIL);
    error.hint = resultErrorField(result, PG_DIAG_MESSAGE_HINT);
    error.table = resultErrorField(result, PG_DIAG_TABLE_NAME);
    error.column = resultErrorField(result, PG_DIAG_COLUMN_NAME);
    if (PQstatus(m_conn) == CONNECTION_BAD) {
        error.kind = PgError::Kind::ConnectionLost;
        if (error.message.isEmpty())
            error.message = trimmed(PQerrorMessage(m_conn));
    } else {
        error.kind = error.sqlState.isEmpty() ? PgError::Kind::ConnectionLost : PgError::Kind::Server;
        if (error.message.isEmpty())
            error.message = trimmed(PQresultErrorMessage(result));
    }
    return PgResult(result, error);
}

PgResult PgConnection::exec(const QString &sql)
{
    if (!m_conn)
        return PgResult(nullptr, errorFromConnection(PgError::Kind::Client));
    return finish(PQexec(m_conn, sql.toUtf8().constData()));
}

PgResult PgConnection::exec(const QString &sql, const QVariantList &params)
{
    if (!m_conn)
        return PgResult(nullptr, errorFromConnection(PgError::Kind::Client));
    std::vector<QByteArray> storage;
    std::vector<const char *> values;
    storage.reserve(params.size());
    values.reserve(params.size());
    for (const QVariant &param : params) {
        if (param.isNull()) {
            values.push_back(nullptr);
            continue;
        }
        if (param.typeId() == QMetaType::QByteArray)
            storage.push_back(param.toByteArray());
        else if (param.typeId() == QMetaType::Bool)
            storage.push_back(param.toBool() ? "true" : "false");
        else
            storage.push_back(param.toString().toUtf8());
        values.push_back(storage.back().constData());
    }
    return finish(PQexecParams(m_conn, sql.toUtf8().constData(), int(values.size()), nullptr,
                               values.data(), nullptr, nullptr, 0));
}

PgResult PgConnection::copyIn(const QString &copySql,
                              const std::function<bool(QByteArray &chunk)> &produce)
{
    PgResult started = startCopyIn(copySql);
    if (!started.ok())
        return started;
    QByteArray chunk;
    bool more = true;
    while (more) {
        chunk.clear();
        more = produce(chunk);
        if (!chunk.isEmpty() && putCopyData(chunk.constData(), chunk.size()))
            break;
    }
    return endCopyIn(more ? "client failed to send COPY data" : nullptr);
}

PgResult PgConnection::copyIn(const QString &copySql, const QByteArray &data)
{
    qsizetype offset = 0;
    constexpr qsizetype chunkSize = 1 << 20;
    return copyIn(copySql, [&](QByteArray &chunk) {
        chunk = data.mid(offset, chunkSize);
        offset += chunk.size();
        return offset < data.size();
    });
}

PgResult PgConnection::startCopyIn(const QString &copySql) { return exec(copySql); }

PgError PgConnection::putCopyData(const char *data, qsizetype size)
{
    while (size > 0) {
        const int part = int(qMin<qsizetype>(size, 1 << 30));
        if (PQputCopyData(m_conn, data, part) != 1)
            return errorFromConnection(PgError::Kind::ConnectionLost);
        data += part;
        size -= part;
    }
    return {};
}

PgResult PgConnection::endCopyIn(const char *abortReason)
{
    if (PQputCopyEnd(m_conn, abortReason) != 1)
        return PgResult(nullptr, errorFromConnection(PgError::Kind::ConnectionLost));
    PgResult last;
    while (PGresult *result = PQgetResult(m_conn)) {
        PgResult current = finish(result);
        if (last.ok())
            last = current;
    }
    if (!last.ok())
        return last;
    if (PQstatus(m_conn) == CONNECTION_BAD)
        return PgResult(nullptr, errorFromConnection(PgError::Kind::ConnectionLost));
    return last;
}

PgError PgConnection::begin() { return exec(QStringLiteral("BEGIN")).error(); }
PgError PgConnection::commit() { return exec(QStringLiteral("COMMIT")).error(); }
PgError PgConnection::rollback() { return exec(QStringLiteral("ROLLBACK")).error(); }

QString PgConnection::quoteIdentifier(const QString &identifier) const
{
    const QByteArray bytes = identifier.toUtf8();
    if (!m_conn) {
        QString quoted = identifier;
        quoted.replace(u'"', QStringLiteral("\"\""));
        return u'"' + quoted + u'"';
    }
    char *escaped = PQescapeIdentifier(m_conn, bytes.constData(), size_t(bytes.size()));
    const QString result = QString::fromUtf8(escaped);
    PQfreemem(escaped);
    return result;
}

Transaction::Transaction(PgConnection &connection) : m_connection(connection)
{
    m_beginError = m_connection.begin();
    m_open = !m_beginError.isError();
}

Transaction::~Transaction()
{
    if (m_open)
        m_connection.rollback();
}

PgError Transaction::commit()
{
    if (!m_open)
        return m_beginError;
    m_open = false;
    return m_connection.commit();
}

} // namespace tether::store
