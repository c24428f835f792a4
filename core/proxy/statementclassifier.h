// StatementClassifier: what a client's SQL text does, as far as the
// write-through proxy cares — whether it may write (INSERT, UPDATE, DELETE,
// MERGE, also inside a CTE) and which transaction statements it holds. Uses
// PostgreSQL's own grammar (libpg_query), never a guess from keywords.
#pragma once

#include <QByteArray>
#include <QStringList>

namespace tether::proxy {

struct StatementClass
{
    bool parsed = false;   // false: not valid SQL; the server will say why
    int statements = 0;
    bool mayWrite = false; // a data-changing statement anywhere in it
    // The tables those statements change: "schema.table", or "table" when the
    // statement leaves the schema to the search path.
    QStringList writeTargets;
    // Transaction statements in order: BEGIN, COMMIT, ROLLBACK, SAVEPOINT, ...
    QStringList transactionControl;
    bool isOnly(const char *kind) const
    {
        return statements == 1 && transactionControl.size() == 1 && transactionControl.first() == QLatin1String(kind);
    }
};

StatementClass classifyStatements(const QByteArray &sql);

} // namespace tether::proxy
