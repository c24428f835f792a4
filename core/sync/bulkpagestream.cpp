#include "sync/bulkpagestream.h"

#include "sync/querypage.h"
#include "sync/syncconfig.h"

#include <QCoreApplication>
#include <cstring>

namespace tether::sync {

BulkPageStream::BulkPageStream(const SyncConfig &config, const schema::TableSchema &table, QStringList jobFields,
                               bool intoTable)
    : m_config(config), m_table(table), m_jobFields(std::move(jobFields)), m_intoTable(intoTable)
{
}

BulkPageStream::~BulkPageStream()
{
    {
        std::lock_guard lock(m_mutex);
        m_queue.clear(); // nothing kept: what waits is not worth writing
        m_queuedBytes = 0;
    }
    stopWriter();
    if (m_store)
        m_store->abortStreamedPage();
}

void BulkPageStream::abandon()
{
    m_abandoned = true;
    {
        std::lock_guard lock(m_mutex);
        m_queue.clear();
        m_queuedBytes = 0;
    }
    stopWriter();
    if (m_store)
        m_store->abortStreamedPage();
    m_store.reset();
    m_db.close();
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
    QStringList copyColumns = m_columns;
    if (m_intoTable) {
        m_rows = std::make_unique<BulkCsvRows>(m_table, m_columns);
        copyColumns = m_rows->targetColumns();
        if (m_rows->passesThrough())
            m_rows.reset(); // the CSV is already what the table takes
    }
    if ((m_dbError = m_store->beginStreamedPage(m_table, copyColumns, m_intoTable))) {
        m_store.reset();
        return false;
    }
    m_started = true;
    m_writer = std::thread([this] { writeChunks(); });
    return true;
}

void BulkPageStream::writeChunks()
{
    for (;;) {
        QByteArray chunk;
        {
            std::unique_lock lock(m_mutex);
            m_changed.wait(lock, [this] { return !m_queue.empty() || m_noMore; });
            if (m_queue.empty())
                return; // no more bytes
            chunk = std::move(m_queue.front());
            m_queue.pop_front();
            m_queuedBytes -= chunk.size();
        }
        m_changed.notify_all(); // room for take()
        const bool sent = send(chunk.constData(), chunk.size());
        {
            std::lock_guard lock(m_mutex);
            m_spare.push_back(std::move(chunk));
        }
        if (!sent) {
            std::lock_guard lock(m_mutex);
            m_writerFailed = true;
            m_queue.clear();
            m_queuedBytes = 0;
            m_changed.notify_all();
            return;
        }
    }
}

bool BulkPageStream::stopWriter()
{
    if (!m_writer.joinable())
        return !m_writerFailed;
    {
        std::lock_guard lock(m_mutex);
        m_noMore = true;
    }
    m_changed.notify_all();
    m_writer.join();
    // The thread has stopped: what it set is ours to read.
    if (m_writerFailed) {
        if (!m_dbError)
            m_dbError = m_writerError;
        if (m_problem.isEmpty())
            m_problem = m_writerProblem;
        return false;
    }
    return true;
}

bool BulkPageStream::take(const char *data, qsizetype size)
{
    if (m_abandoned || m_dbError || !m_problem.isEmpty())
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
    if (size <= 0)
        return true;
    std::unique_lock lock(m_mutex);
    // Waits while the page's thread is behind: the download waits with it.
    m_changed.wait(lock, [this] { return m_queuedBytes < MaxQueuedBytes || m_writerFailed; });
    if (m_writerFailed) {
        lock.unlock();
        stopWriter();
        return false;
    }
    QByteArray chunk;
    if (!m_spare.empty()) {
        chunk = std::move(m_spare.back());
        m_spare.pop_back();
    }
    chunk.resize(size); // keeps its capacity
    std::memcpy(chunk.data(), data, size_t(size));
    m_queue.push_back(std::move(chunk));
    m_queuedBytes += size;
    lock.unlock();
    m_changed.notify_all();
    return true;
}

bool BulkPageStream::send(const char *data, qsizetype size)
{
    if (m_rows) {
        if (!m_rows->feed(data, size)) {
            m_writerProblem = m_rows->problem();
            return false;
        }
        data = m_rows->output().data();
        size = qsizetype(m_rows->output().size());
    }
    if (size > 0 && (m_writerError = m_store->streamPageData(data, size)))
        return false;
    return true;
}

ApplyResult BulkPageStream::finish(const StateUpdate &state, bool columnsOnly)
{
    ApplyResult result;
    if (m_abandoned) {
        result.error.kind = store::PgError::Kind::Client;
        result.error.message = QStringLiteral("the page was abandoned");
        return result;
    }
    if (!m_started) {
        // Nothing but a header (or not even that): an empty page still moves the cursor.
        const QByteArray header = m_header.isEmpty() ? m_jobFields.join(u',').toUtf8() : m_header.trimmed();
        if (!m_dbError && m_problem.isEmpty())
            start(header);
    }
    stopWriter(); // every byte taken is written, or the write failed
    if (m_dbError || !m_problem.isEmpty()) {
        result.error = m_dbError;
        if (!m_dbError) {
            result.error.kind = store::PgError::Kind::Client;
            result.error.message = m_problem;
        }
        return result;
    }
    if (m_rows) {
        if (!m_rows->finish()) {
            result.error.kind = store::PgError::Kind::Client;
            result.error.message = m_problem = m_rows->problem();
            return result;
        }
        const std::string_view last = m_rows->output();
        if (!last.empty() && (result.error = m_dbError = m_store->streamPageData(last.data(), qsizetype(last.size()))))
            return result;
    }
    result = m_store->finishStreamedPage(m_table, m_columns, state, columnsOnly);
    m_store.reset();
    m_db.close();
    return result;
}

} // namespace tether::sync
