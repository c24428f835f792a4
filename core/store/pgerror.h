// PgError: what went wrong talking to PostgreSQL, in a form both code (SQLSTATE)
// and people (a sentence) can use.
#pragma once

#include <QString>

namespace tether::store {

struct PgError
{
    enum class Kind {
        None,
        ConnectFailed,  // could not reach or authenticate to the server
        ConnectionLost, // the server went away while we were talking to it
        Server,         // the server answered with an ErrorResponse (see sqlState)
        Client,         // misuse detected before anything reached the server
    };

    Kind kind = Kind::None;
    QString sqlState; // five characters, e.g. "42P01"; empty unless kind == Server
    QString message;  // primary message, as the server or libpq wrote it
    QString detail;
    QString hint;
    QString table;  // PG_DIAG_TABLE_NAME / PG_DIAG_COLUMN_NAME, where the server named them
    QString column;
    QString host; // where we were talking to, for connection errors
    int port = 0;

    bool isError() const { return kind != Kind::None; }
    explicit operator bool() const { return isError(); }

    // One sentence (or two) that says what happened, for logs and people.
    QString toString() const;
};

} // namespace tether::store
