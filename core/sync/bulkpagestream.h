// BulkPageStream: one Bulk API 2.0 results page written to PostgreSQL while
// it downloads. The CSV goes from the socket into COPY in chunks, so a page of
// any size passes through a few megabytes of memory, and pages can be large
// (few API calls) without the engine growing with them.
//
// It writes on a connection of its own, opened for the page and closed after
// it: the page's COPY stays open across many turns of the event loop, and
// nothing else the engine does in the meantime (a person pausing a table, a
// status update) may land inside it. The rows, their upsert and the cursor
// still commit in one transaction (MirrorStore::finishStreamedPage), so a
// crash or a failed download keeps either the whole page or nothing.
//
// The bytes go to PostgreSQL from a thread of the page's own (rewritten on
// the way when they go straight into the table), so two pages downloading at
// once keep two server processes busy, and the engine's thread only reads the
// network. At most a few megabytes wait for that thread; take() waits while
// more would. Everything else — the header, finish(), the commit — happens on
// the caller's thread, after the page's thread has stopped.
#pragma once

#include "schema/tableschema.h"
#include "sync/bulkcsvrows.h"
#include "store/pgconnection.h"
#include "sync/mirrorstore.h"

#include <QStringList>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace tether::sync {

struct SyncConfig;

class BulkPageStream
{
public:
    // `jobFields`: the job's SELECT list, as created; the CSV header must name them.
    // intoTable: COPY the rows straight into the table, rewritten on the way
    // (BulkCsvRows), instead of staging and upserting them — for a first
    // backfill, whose rows cannot be in the table yet (decision 0028).
    BulkPageStream(const SyncConfig &config, const schema::TableSchema &table, QStringList jobFields,
                   bool intoTable = false);
    ~BulkPageStream(); // nothing kept unless finish() committed

    // Takes the next bytes of the CSV; false when the page cannot be written
    // (see error()), and the download should stop.
    bool take(const char *data, qsizetype size);
    // After the last byte: commits the page with `state`.
    ApplyResult finish(const StateUpdate &state, bool columnsOnly);

    // Why take() refused: a database error, or (empty kind) a sentence in `problem`.
    const store::PgError &databaseError() const { return m_dbError; }
    const QString &problem() const { return m_problem; }
    qint64 bytes() const { return m_bytes; }
    // Rolls the page back now and refuses the rest of it: the table's locks
    // are released (the engine is about to change the table). The page is
    // read again later.
    void abandon();
    bool abandoned() const { return m_abandoned; }
    bool intoTable() const { return m_intoTable; }

private:
    bool start(const QByteArray &headerLine);
    void writeChunks();    // the page's thread
    bool stopWriter();     // waits for it; false when it failed (see m_dbError, m_problem)
    bool send(const char *data, qsizetype size); // on the page's thread

    const SyncConfig &m_config;
    const schema::TableSchema m_table;
    const QStringList m_jobFields;
    store::PgConnection m_db;
    std::unique_ptr<MirrorStore> m_store;
    QByteArray m_header; // until its line is complete
    QStringList m_columns;
    const bool m_intoTable;
    std::unique_ptr<BulkCsvRows> m_rows; // rewrites the rows for the table (intoTable)

    // Between take() and the page's thread.
    static constexpr qsizetype MaxQueuedBytes = 4 << 20;
    std::thread m_writer;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<QByteArray> m_queue;
    std::vector<QByteArray> m_spare; // written chunks, kept for the next bytes (no allocation per chunk)
    qsizetype m_queuedBytes = 0;
    bool m_noMore = false;    // the caller is done (finish, or giving up)
    bool m_writerFailed = false;
    store::PgError m_writerError; // set by the page's thread before m_writerFailed
    QString m_writerProblem;
    bool m_started = false;
    bool m_abandoned = false;
    qint64 m_bytes = 0;
    store::PgError m_dbError;
    QString m_problem;
};

} // namespace tether::sync
