#include "store/pgresult.h"

#include <libpq-fe.h>

namespace tether::store {

PgResult::PgResult(pg_result *result, PgError error)
    : m_result(result, &PQclear), m_error(std::move(error))
{
}

int PgResult::rowCount() const { return m_result ? PQntuples(m_result.get()) : 0; }
int PgResult::columnCount() const { return m_result ? PQnfields(m_result.get()) : 0; }

QString PgResult::columnName(int column) const
{
    return m_result ? QString::fromUtf8(PQfname(m_result.get(), column)) : QString();
}

int PgResult::columnIndex(const char *name) const
{
    return m_result ? PQfnumber(m_result.get(), name) : -1;
}

bool PgResult::isNull(int row, int column) const
{
    return !m_result || PQgetisnull(m_result.get(), row, column);
}

QString PgResult::value(int row, int column) const
{
    if (isNull(row, column))
        return {};
    return QString::fromUtf8(PQgetvalue(m_result.get(), row, column),
                             PQgetlength(m_result.get(), row, column));
}

QByteArray PgResult::rawValue(int row, int column) const
{
    if (isNull(row, column))
        return {};
    return QByteArray(PQgetvalue(m_result.get(), row, column),
                      PQgetlength(m_result.get(), row, column));
}

qint64 PgResult::toInt64(int row, int column) const
{
    return isNull(row, column) ? 0 : QByteArray(PQgetvalue(m_result.get(), row, column)).toLongLong();
}

qint64 PgResult::affectedRows() const
{
    return m_result ? QByteArray(PQcmdTuples(m_result.get())).toLongLong() : 0;
}

} // namespace tether::store
