// PgResult: owns one libpq PGresult and reads it in Qt types.
#pragma once

#include "store/pgerror.h"

#include <QByteArray>
#include <QString>
#include <memory>

struct pg_result;

namespace tether::store {

class PgResult
{
public:
    PgResult() = default;
    PgResult(pg_result *result, PgError error);

    bool ok() const { return !m_error.isError(); }
    const PgError &error() const { return m_error; }

    int rowCount() const;
    int columnCount() const;
    QString columnName(int column) const;
    int columnIndex(const char *name) const;

    bool isNull(int row, int column) const;
    QString value(int row, int column) const;      // text-format value as UTF-8
    QByteArray rawValue(int row, int column) const; // bytes as the server sent them
    qint64 toInt64(int row, int column) const;

    // Rows touched by INSERT/UPDATE/DELETE/COPY (PQcmdTuples), 0 otherwise.
    qint64 affectedRows() const;

private:
    std::shared_ptr<pg_result> m_result;
    PgError m_error;
};

} // namespace tether::store
