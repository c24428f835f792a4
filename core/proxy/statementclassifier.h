// StatementClassifier: what a client's SQL text does to the transaction, as
// far as the write-through proxy cares — read, write (INSERT, UPDATE, DELETE,
// MERGE, also inside CTEs), BEGIN, COMMIT, ROLLBACK, other. It uses
// libpg_query (PostgreSQL 15's own grammar) only to find transaction
// boundaries and writes; the captured rows, not the parse, say what was
// written. A quick keyword scan answers "read" for most queries without
// parsing, so reads cost almost nothing.
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace tether::proxy {

struct ClassifiedStatement
{
    enum class Kind {
        Read,     // SELECT, SHOW, VALUES, FETCH, ...: nothing to do
        Write,    // may change rows (INSERT/UPDATE/DELETE/MERGE anywhere in it)
        Begin,    // BEGIN, START TRANSACTION
        Commit,   // COMMIT, END, COMMIT AND CHAIN
        Rollback, // ROLLBACK, ABORT (whole transaction)
        Prepare,  // PREPARE name AS <statement>: see preparedWrites
        Execute,  // EXECUTE name
        Other,    // SET, DDL, savepoints, COPY, CALL, DO, ...
    };
    Kind kind = Kind::Other;
    QByteArray text;     // the statement's own text, for running it on its own
    QByteArray name;     // PREPARE/EXECUTE: the prepared statement's name
    bool preparedWrite = false; // PREPARE: the prepared statement writes
    bool chain = false;  // COMMIT AND CHAIN
    bool dropsPrepared = false; // DISCARD ALL, DEALLOCATE ALL: every prepared statement goes
};

struct Classification
{
    bool parsed = false; // false: the text did not parse (the server will say why) or was not parsed
    QList<ClassifiedStatement> statements;

    bool hasKind(ClassifiedStatement::Kind kind) const;
    // Nothing in it needs the proxy: reads, and anything that neither writes
    // nor ends a transaction.
    bool isPassive() const;
};

class StatementClassifier
{
public:
    // `sql` as the client sent it (UTF-8, without the terminating NUL).
    static Classification classify(QByteArrayView sql);
    // True when `sql` certainly holds no write and no transaction end (no
    // keyword that could start one); false means "parse it".
    static bool certainlyPassive(QByteArrayView sql);
};

} // namespace tether::proxy
