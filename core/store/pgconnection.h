// PgConnection: one libpq connection, used from the thread that opened it.
//
// Blocking by design: each service that talks to PostgreSQL owns its connection
// on its own worker thread (see DESIGN.md, "Threads"), so a blocking call never
// stalls the UI. TCP keepalives and a user timeout make a vanished server an
// error within seconds instead of a hang.
#pragma once

#include "store/pgresult.h"

#include <QList>
#include <QMutex>
#include <QVariant>
#include <functional>
#include <memory>

struct pg_conn;
struct pg_cancel;

namespace tether::store {

// PgCanceller: asks the server to cancel whatever statement a connection is
// running (libpq's PQcancel), from any thread. It outlives reconnects: the
// connection installs its current cancel key on every open.
class PgCanceller
{
public:
    ~PgCanceller();
    // Thread-safe. False when no connection is open or the request failed.
    bool cancel();

private:
    friend class PgConnection;
    void install(pg_conn *conn); // nullptr: none
    QMutex m_mutex;
    pg_cancel *m_cancel = nullptr;
};

class PgConnection
{
public:
    PgConnection();
    ~PgConnection();
    PgConnection(const PgConnection &) = delete;
    PgConnection &operator=(const PgConnection &) = delete;
    PgConnection(PgConnection &&other) noexcept;
    PgConnection &operator=(PgConnection &&other) noexcept;

    // `conninfo` is a libpq connection string or URI. Returns an error naming
    // host and port when the server cannot be reached.
    PgError open(const QString &conninfo, int connectTimeoutSeconds = 10);
    void close();
    bool isOpen() const;

    QString host() const;
    int port() const;
    int serverVersion() const;
    int backendPid() const;

    // Runs one or more statements without parameters.
    PgResult exec(const QString &sql);
    // Runs one statement with $1..$n parameters sent in text format; a null
    // QVariant is sent as SQL NULL. Values are converted with QVariant::toString(),
    // except QByteArray which is sent as is.
    PgResult exec(const QString &sql, const QVariantList &params);

    // COPY ... FROM STDIN: `copySql` is the COPY statement; `produce` is called
    // until it returns false, each time filling `chunk` with data in the COPY
    // format named in the statement. Returns the rows copied in affectedRows().
    PgResult copyIn(const QString &copySql, const std::function<bool(QByteArray &chunk)> &produce);
    PgResult copyIn(const QString &copySql, const QByteArray &data);
    // The same in steps, for data that arrives over time (a download streamed
    // into COPY): startCopyIn() runs the COPY statement, putCopyData() sends
    // what has arrived (blocking while the server's buffer is full, which
    // holds the download back), endCopyIn() ends it — or, with an abort
    // reason, fails the COPY — and returns the rows copied in affectedRows().
    PgResult startCopyIn(const QString &copySql);
    PgError putCopyData(const char *data, qsizetype size);
    PgResult endCopyIn(const char *abortReason = nullptr);

    PgError begin();
    PgError commit();
    PgError rollback();

    // Escapes an identifier ("Name" -> "\"Name\"") with the server's rules.
    QString quoteIdentifier(const QString &identifier) const;

    // Cancels this connection's running statement from another thread.
    std::shared_ptr<PgCanceller> canceller() const { return m_canceller; }

private:
    PgError errorFromConnection(PgError::Kind fallbackKind) const;
    PgResult finish(pg_result *result);

    pg_conn *m_conn = nullptr;
    QString m_host;
    int m_port = 0;
    std::shared_ptr<PgCanceller> m_canceller = std::make_shared<PgCanceller>();
};

// Transaction rolls back on scope exit unless commit() was called, so an early
// return or a failed statement never leaves a transaction half-open.
class Transaction
{
public:
    explicit Transaction(PgConnection &connection);
    ~Transaction();
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;

    const PgError &beginError() const { return m_beginError; }
    PgError commit();

private:
    PgConnection &m_connection;
    PgError m_beginError;
    bool m_open = false;
};

} // namespace tether::store
