#include "sync/bulkpagestream.h"

#include "sync/querypage.h"
#include "sync/syncconfig.h"

#include <QCoreApplication>

namespace tether::sync {

BulkPageStream::BulkPageStream(const SyncConfig &config, const schema::TableSchema &table, QStringList jobFields)
    : m_config(config), m_table(table), m_jobFields(std::move(jobFields))
{
}

BulkPageStream::~BulkPageStream()
{
    if (m_store)
        m_store->abortStreamedPage();
}

bool BulkPageStream::start(const QByteArray &headerLine)
{
    // The header names the job's fields; its columns are where they go.
    const QueryPage header = pageFromBulkCsv(headerLine + '\n', m_table, m_jobFields);
    if (!header.error.isEmpty()) {
        m_problem = header.error;
        return false;
    }
    m_columns = header.columns;
    if ((m_dbError = m_db.open(m_config.databaseConnectionString)))
        return false;
    // The engine connection's settings; writes from Salesforce are not captured for the proxy.
    const store::PgResult settings = m_db.exec(
        QStringLiteral("SET lock_timeout = %1; SET statement_timeout = %2; SET TIME ZONE 'UTC'; SET tether.writer = 'sync'")
            .arg(m_config.lockTimeoutMs)
            .arg(m_config.statementTimeoutMs));
    if (!settings.ok()) {
        m_dbError = settings.error();
        return false;
    }
    m_store = std::make_unique<MirrorStore>(m_db, m_config.schemaName);
    if ((m_dbError = m_store->beginStreamedPage(m_table, m_columns))) {
        m_store.reset();
        return false;
    }
    m_started = true;
    return true;
}

bool BulkPageStream::take(const char *data, qsizetype size)
{
    if (m_dbError || !m_problem.isEmpty())
        return false;
    m_bytes += size;
    if (!m_started) {
        const qsizetype before = m_header.size();
        m_header.append(data, size);
        const qsizetype end = m_header.indexOf('\n');
        if (end < 0 && m_header.size() > (1 << 20))
            m_problem = QCoreApplication::translate("BulkPageStream", "Bulk API result has no header line.");
        if (end < 0)
            return m_problem.isEmpty();
        if (!start(m_header.left(end).trimmed()))
            return false;
        // The rest of this chunk, after the header line.
        const qsizetype consumed = end + 1 - before;
        data += consumed;
        size -= consumed;
        m_header.clear();
        m_header.squeeze();
    }
    if (size > 0 && (m_dbError = m_store->streamPageData(data, size)))
        return false;
    return true;
}

ApplyResult BulkPageStream::finish(const StateUpdate &state, bool columnsOnly)
{
    ApplyResult result;
    if (!m_started) {
        // Nothing but a header (or not even that): an empty page still moves the cursor.
        const QByteArray header = m_header.isEmpty() ? m_jobFields.join(u',').toUtf8() : m_header.trimmed();
        if (!m_dbError && m_problem.isEmpty())
            start(header);
    }
    if (m_dbError || !m_problem.isEmpty()) {
        result.error = m_dbError;
        if (!m_dbError) {
            result.error.kind = store::PgError::Kind::Client;
            result.error.message = m_problem;
        }
        return result;
    }
    result = m_store->finishStreamedPage(m_table, m_columns, state, columnsOnly);
    m_store.reset();
    m_db.close();
    return result;
}

} // namespace tether::sync
