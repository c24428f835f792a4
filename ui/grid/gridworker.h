// GridWorker: the grid's own connection to the write-through proxy, on a
// thread of its own so the GUI thread never waits for the database. It reads
// the table's metadata, windows of rows and the sync state, and runs a save
// as one transaction (BEGIN, the statements, COMMIT) — the proxy applies it to
// Salesforce at COMMIT, all or none. Requests come in through queued calls;
// results go out through signals carrying plain values.
#pragma once

#include "grid/gridquery.h"
#include "grid/gridtable.h"
#include "store/pgconnection.h"

#include <QHash>
#include <QObject>

namespace tether::ui {

using GridRows = QList<QVariantList>; // one QVariantList per row; a null QVariant is SQL NULL

struct GridStatement
{
    QString key; // the staged record it writes (record id or a new row's key)
    GridSql sql;
    bool returnsId = false; // INSERT ... RETURNING id: the provisional id names the row in errors
};

struct GridSaveResult
{
    bool committed = false;
    QString failedKey;       // the statement's record when a statement (not the COMMIT) failed
    store::PgError error;    // what PostgreSQL (or the proxy, for Salesforce) said
    QHash<QString, QString> provisionalIds; // new row key -> the id its INSERT returned
    bool outcomeUnknown = false; // the connection broke during COMMIT
    int records = 0;
};

class GridWorker : public QObject
{
    Q_OBJECT

public:
    explicit GridWorker(QObject *parent = nullptr);
    ~GridWorker() override;

    // Thread-safe: cancels the statement running now (on close).
    void cancelRunning();

public slots:
    void open(const QString &connectionString, const QString &objectName);
    void loadWindow(quint64 ticket, const tether::ui::GridSql &sql);
    void loadRows(quint64 ticket, const tether::ui::GridSql &sql);
    void readSyncState(const QString &objectName);
    // A reference field's lookup search (gridquery::lookup): rows of (id, name, object).
    void searchLookup(quint64 ticket, const tether::ui::GridSql &sql);
    void save(quint64 ticket, const QList<tether::ui::GridStatement> &statements, int records);
    // Every row of the view into a CSV file, window by window (keyset), so
    // memory stays flat however large the table.
    void exportCsv(const tether::ui::GridTable &table, const tether::ui::GridView &view, const QString &path);

signals:
    void opened(const tether::ui::GridTable &table);
    void openFailed(const QString &why);
    void windowLoaded(quint64 ticket, const tether::ui::GridRows &rows, const QString &error);
    void rowsLoaded(quint64 ticket, const tether::ui::GridRows &rows, const QString &error);
    void syncStateRead(qint64 rowsInTable, const QString &lastChange);
    void lookupFound(quint64 ticket, const tether::ui::GridRows &rows, const QString &error);
    void saveFinished(quint64 ticket, const tether::ui::GridSaveResult &result);
    void exportFinished(qint64 rows, const QString &path, const QString &error);

private:
    bool ensureOpen(QString *why);
    GridRows rowsOf(const store::PgResult &r) const;

    QString m_connectionString;
    store::PgConnection m_db;
    // Set once, before the worker's thread starts: cancelRunning() reads it
    // from the GUI thread. It follows m_db across reconnections.
    const std::shared_ptr<store::PgCanceller> m_canceller;
};

} // namespace tether::ui

Q_DECLARE_METATYPE(tether::ui::GridSql)
Q_DECLARE_METATYPE(tether::ui::GridStatement)
Q_DECLARE_METATYPE(tether::ui::GridSaveResult)
