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
#pragma once

#include "schema/tableschema.h"
#include "store/pgconnection.h"
#include "sync/mirrorstore.h"

#include <QStringList>
#include <memory>

namespace tether::sync {

struct SyncConfig;

class BulkPageStream
{
public:
    // `jobFields`: the job's SELECT list, as created; the CSV header must name them.
    BulkPageStream(const SyncConfig &config, const schema::TableSchema &table, QStringList jobFields);
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

private:
    bool start(const QByteArray &headerLine);

    const SyncConfig &m_config;
    const schema::TableSchema m_table;
    const QStringList m_jobFields;
    store::PgConnection m_db;
    std::unique_ptr<MirrorStore> m_store;
    QByteArray m_header; // until its line is complete
    QStringList m_columns;
    bool m_started = false;
    qint64 m_bytes = 0;
    store::PgError m_dbError;
    QString m_problem;
};

} // namespace tether::sync
