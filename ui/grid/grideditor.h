// GridEditor: one synced table in a tab — browse it (lazy rows, Salesforce
// labels, server-side sort, quick search and a filter row of per-column
// conditions with the SQL they make shown and copyable) and fix records in it (staged changes, undo, Save
// as one transaction through the write-through proxy, errors on the row and
// field Salesforce named, the three-way choice on a conflict).
//
// It is one more client of the proxy: it connects to the proxy's connection
// string, so its writes take exactly the path and checks of any other client.
// Its database work runs on a worker thread of its own.
#pragma once

#include "grid/gridsource.h"
#include "grid/gridtable.h"

#include <QMessageBox>
#include <QThread>
#include <QWidget>
#include <functional>

class QAction;
class QLabel;
class QLineEdit;
class QTableView;
class QTimer;
class QToolBar;

namespace tether::ui {

class GridModel;
class GridWorker;
class GridDelegate;
class GridFilterHeader;
struct GridConflict;

class GridEditor : public QWidget
{
    Q_OBJECT

public:
    GridEditor(const GridSource &source, QWidget *parent = nullptr);
    ~GridEditor() override;

    const GridSource &source() const { return m_source; }
    GridModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    GridFilterHeader *filterHeader() const { return m_filterHeader; }
    QString sqlText() const;
    QString statusText() const;
    QString errorText() const;
    bool isOpen() const { return m_open; }

    // Before the tab closes: true when nothing staged would be lost (saved,
    // discarded, or nothing staged); false when the person chose to stay.
    bool confirmClose();

    // How questions are asked (a QMessageBox by default); tests answer them.
    using Ask = std::function<QMessageBox::StandardButton(const QString &question, QMessageBox::StandardButtons buttons)>;
    void setAsk(Ask ask) { m_ask = std::move(ask); }

    // How often the grid looks for changes the sync engine made (ms; 0: never).
    void setLiveUpdateInterval(int ms);

public slots:
    void save();
    void revert();
    void insertRow();
    void duplicateRow();
    void deleteSelectedRows();
    void pasteFromClipboard();
    void reload();
    void openInSalesforce();
    void exportCsv(const QString &path = {});

signals:
    void opened();
    void openFailed(const QString &why);
    void saved(int records);
    void saveFailed(const QString &message);
    void conflictShown();
    void exported(qint64 rows, const QString &path, const QString &error);
    void titleChanged(const QString &title); // e.g. "Account *" while changes are staged

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void onOpened(const GridTable &table);
    void updateStatus();
    void showError(const QString &message);
    void applyQuickSearch();
    void applyFilterRow();
    void setColumnFilters(const QMap<int, QString> &filters);
    void showFilters();
    void showHeaderMenu(const QPoint &pos);
    void showConflict(const GridConflict &conflict);
    void saveHeaderState();
    QMessageBox::StandardButton ask(const QString &question, QMessageBox::StandardButtons buttons);

    GridSource m_source;
    QThread m_thread;
    GridWorker *m_worker = nullptr;
    GridModel *m_model = nullptr;
    GridDelegate *m_delegate = nullptr;
    GridTable m_table;
    bool m_open = false;
    QString m_lastSyncStamp;
    QString m_lastStatus; // "Saved 3 records." until something else happens

    QToolBar *m_toolbar = nullptr;
    QAction *m_saveAction = nullptr;
    QAction *m_revertAction = nullptr;
    QAction *m_openInSalesforce = nullptr;
    QLineEdit *m_search = nullptr;
    QLabel *m_filters = nullptr;
    QLabel *m_error = nullptr;
    QTableView *m_view = nullptr;
    GridFilterHeader *m_filterHeader = nullptr;
    bool m_filterErrorShown = false; // the error line explains a refused filter, not a save
    QLineEdit *m_sql = nullptr;
    QLabel *m_status = nullptr;
    QTimer *m_searchDelay = nullptr;
    QTimer *m_liveUpdate = nullptr;
    Ask m_ask;
};

} // namespace tether::ui
