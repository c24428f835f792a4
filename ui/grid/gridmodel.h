// GridModel: the rows of one synced table as a Qt table model, loaded lazily
// and kept bounded, with the person's staged changes laid over them.
//
// Loading: rows come in windows of PageSize around what the view asks for,
// from the GridWorker (never on the GUI thread). A window right after one
// already loaded is read by keyset on the current sort order; a jump (the
// scroll bar dragged far) by OFFSET. At most MaxPages windows are kept; the
// least recently used go. The row count is tether.sync_state's rows_in_table
// (never a count(*)), corrected when a window comes back shorter or longer.
//
// Staging: changes are kept by record id, apart from the loaded rows, so
// sorting, filtering, reloading and live updates from the sync engine never
// touch them. New rows are shown first. Every change goes through the undo
// stack. save() sends all of them as one transaction through the proxy.
#pragma once

#include "grid/gridquery.h"
#include "grid/gridtable.h"
#include "grid/gridworker.h"

#include <QAbstractTableModel>
#include <QSet>

class QUndoStack;

namespace tether::ui {

struct GridRowError
{
    int column = -1; // -1: the record as a whole
    QString message;
};

// A record Salesforce changed since it was loaded, for the three-way choice.
struct GridConflict
{
    QString key;
    QVariantList loaded; // the row as it was when the first change was staged
    QVariantList now;    // the row now (Salesforce's version, written by the proxy)
    QHash<int, QVariant> yours;
    QString message;
};

class GridModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    static constexpr int PageSize = 200;
    static constexpr int MaxPages = 40;
    enum Roles { KeyRole = Qt::UserRole + 1, StagedRole, ErrorRole, RawRole };

    GridModel(GridWorker *worker, QObject *parent = nullptr);

    void setTable(const GridTable &table);
    const GridTable &table() const { return m_table; }
    void setView(const GridView &view); // reloads; staged changes stay
    const GridView &view() const { return m_view; }
    void reload();
    QString currentSql() const; // readable SQL of the first window of the current view
    QUndoStack *undoStack() const { return m_undo; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    void sort(int column, Qt::SortOrder order) override;

    // The record a row shows: its id, or a new row's key; empty while loading.
    QString keyAt(int row) const;
    int rowOfKey(const QString &key) const; // -1 when not loaded
    bool isLoaded(int row) const;
    bool isNewKey(const QString &key) const { return m_newKeys.contains(key); }
    qint64 loadedRowCount() const; // rows held in memory now
    bool totalIsExact() const { return m_totalExact; }

    // Staged changes (each one an undo step).
    // The most records one Save can carry: the proxy applies a transaction
    // as one composite graph, all or none, and refuses more (decision 0019).
    static constexpr int MaxRecordsPerSave = 500;

    int insertNewRow();                          // returns its row (0)
    int duplicateRow(int row);                   // a new row with the values Salesforce accepts on create
    void markDeleted(const QList<int> &rows);
    void revertAll();
    // Tab-separated rows from a spreadsheet into the grid from `topLeft`; one
    // undo step. Returns how many cells were staged; `skipped` counts cells of
    // read-only columns or rows not there.
    int pasteText(const QModelIndex &topLeft, const QString &text, int *skipped = nullptr);

    bool hasStagedChanges() const;
    int stagedRecordCount() const;
    int estimatedApiCalls() const;
    bool isSaving() const { return m_saveTicket != 0; }
    GridRowError errorOf(const QString &key) const { return m_errors.value(key); }
    QStringList erroredKeys() const { return m_errors.keys(); }

    // The Name of a record a lookup editor set a reference to: a staged
    // reference shows it next to the Id, as loaded ones do.
    void rememberReferenceName(const QString &id, const QString &name);

    // Sends every staged change as one transaction (false: nothing to save or busy).
    bool save();
    // The sync engine changed something: re-read the rows in memory that were used last.
    void refreshLoadedRows();
    // Three-way choice for a conflict: drop the staged changes of the record
    // (reload) or keep them over Salesforce's version (apply mine; save again).
    void resolveConflict(const QString &key, bool keepMine);

    // For the undo commands.
    void stageCell(const QString &key, int column, const std::optional<QVariant> &value);
    std::optional<QVariant> stagedCell(const QString &key, int column) const;
    void addNewKey(const QString &key, int position);
    void removeNewKey(const QString &key);
    void setDeleted(const QStringList &keys, bool deleted);

signals:
    void stagingChanged();                    // counter, Save enabled
    void countChanged(qint64 rows, bool exact);
    void loadFailed(const QString &why);
    void saveStarted();
    void saved(int records);                  // only after the proxy confirmed COMMIT
    void saveFailed(const QString &message, const QString &key, int column);
    void conflictFound(const tether::ui::GridConflict &conflict);
    void firstWindowShown();

private:
    struct Page
    {
        GridRows rows;
        quint64 lastUse = 0;
    };
    const QVariantList *loadedRow(int row) const; // touches the page; requests it when missing
    QVariant baseValue(const QString &key, int row, int column) const;
    QVariant currentValue(const QString &key, int row, int column) const;
    void requestPage(qint64 page) const;
    void pump() const;
    void onWindowLoaded(quint64 ticket, const GridRows &rows, const QString &error);
    void onRowsLoaded(quint64 ticket, const GridRows &rows, const QString &error);
    void onSaveFinished(quint64 ticket, const GridSaveResult &result);
    void evict() const;
    void setTotal(qint64 total, bool exact);
    void emitRowChanged(const QString &key);
    QList<GridStatement> buildStatements(int *records) const;
    QString findKeyIn(const QString &text, const QHash<QString, QString> &provisional) const;
    void replaceLoadedRow(const QVariantList &row);

    GridWorker *m_worker;
    GridTable m_table;
    GridView m_view;
    QUndoStack *m_undo;
    QList<int> m_nameColumns; // reference columns with a Name column in the window
    QHash<QString, QString> m_chosenNames; // record id -> Name, from lookup editors

    // Loaded rows (mutable: data() asks for missing windows).
    mutable QHash<qint64, Page> m_pages;
    mutable QHash<QString, qint64> m_rowOfId; // loaded record id -> row among loaded rows
    mutable QList<qint64> m_wanted;           // windows asked for, newest last
    mutable qint64 m_inFlightPage = -1;
    mutable quint64 m_inFlightTicket = 0;
    mutable quint64 m_useClock = 0;
    mutable quint64 m_nextTicket = 0;
    qint64 m_total = 0;
    bool m_totalExact = false;
    bool m_firstShown = false;

    // Staged changes, by record id (new rows by their key "new:N").
    QHash<QString, QHash<int, QVariant>> m_edits;
    QHash<QString, QVariantList> m_loadedAtEdit; // the row when its first change was staged
    QStringList m_newKeys;
    QSet<QString> m_deleted;
    QHash<QString, GridRowError> m_errors;
    int m_newCounter = 0;
    quint64 m_saveTicket = 0;
    QHash<quint64, QString> m_conflictTickets; // rows read for a conflict -> record
    QHash<QString, GridConflict> m_pendingConflicts;
    quint64 m_refreshTicket = 0;
};

} // namespace tether::ui

Q_DECLARE_METATYPE(tether::ui::GridConflict)
