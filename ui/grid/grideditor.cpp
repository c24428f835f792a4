#include "grid/grideditor.h"

#include "grid/conflictdialog.h"
#include "grid/griddelegate.h"
#include "grid/gridfilterheader.h"
#include "grid/gridlog.h"
#include "grid/gridmodel.h"
#include "grid/gridworker.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QDesktopServices>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QPushButton>
#include <QSettings>
#include <QShortcut>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QUndoStack>
#include <QVBoxLayout>

namespace tether::ui {

GridEditor::GridEditor(const GridSource &source, QWidget *parent)
    : QWidget(parent)
    , m_source(source)
{
    qRegisterMetaType<GridTable>();
    qRegisterMetaType<GridRows>("tether::ui::GridRows");
    qRegisterMetaType<GridSaveResult>();
    qRegisterMetaType<GridConflict>();
    setObjectName(QStringLiteral("gridEditor"));

    m_worker = new GridWorker;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.setObjectName(QStringLiteral("grid ") + source.objectName);
    m_thread.start();
    m_model = new GridModel(m_worker, this);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->setSpacing(4);

    // Toolbar: what can be done, with the usual keys.
    m_toolbar = new QToolBar(this);
    m_toolbar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_saveAction = m_toolbar->addAction(tr("Save"), this, &GridEditor::save);
    m_saveAction->setShortcut(QKeySequence::Save);
    m_saveAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_saveAction->setToolTip(tr("Send every staged change to Salesforce as one transaction (Ctrl+S)"));
    m_revertAction = m_toolbar->addAction(tr("Revert"), this, &GridEditor::revert);
    m_revertAction->setToolTip(tr("Discard every staged change"));
    QAction *undo = m_model->undoStack()->createUndoAction(this, tr("Undo"));
    undo->setShortcut(QKeySequence::Undo);
    undo->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    QAction *redo = m_model->undoStack()->createRedoAction(this, tr("Redo"));
    redo->setShortcut(QKeySequence::Redo);
    redo->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_toolbar->addAction(undo);
    m_toolbar->addAction(redo);
    m_toolbar->addSeparator();
    QAction *insert = m_toolbar->addAction(tr("Insert row"), this, &GridEditor::insertRow);
    insert->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Insert));
    m_toolbar->addAction(tr("Duplicate row"), this, &GridEditor::duplicateRow);
    QAction *remove = m_toolbar->addAction(tr("Delete rows"), this, &GridEditor::deleteSelectedRows);
    remove->setShortcut(QKeySequence::Delete);
    remove->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    QAction *paste = m_toolbar->addAction(tr("Paste"), this, &GridEditor::pasteFromClipboard);
    paste->setShortcut(QKeySequence::Paste);
    paste->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_toolbar->addSeparator();
    QAction *reloadAction = m_toolbar->addAction(tr("Reload"), this, &GridEditor::reload);
    reloadAction->setShortcut(QKeySequence::Refresh);
    m_openInSalesforce = m_toolbar->addAction(tr("Open in Salesforce"), this, &GridEditor::openInSalesforce);
    m_openInSalesforce->setEnabled(m_source.instanceUrl.isValid() && !m_source.instanceUrl.isEmpty());
    m_toolbar->addAction(tr("Export CSV…"), this, [this] { exportCsv(); });
    for (QAction *a : m_toolbar->actions())
        addAction(a);
    // Ctrl+F stays the quick search's in other places (the dashboard's table
    // filter); the filter row takes the shifted key.
    auto *focusFilterRow = new QAction(tr("Filter row"), this);
    focusFilterRow->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F));
    focusFilterRow->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(focusFilterRow, &QAction::triggered, this, [this] { m_filterHeader->focusCell(m_view->currentIndex().column()); });
    addAction(focusFilterRow);
    layout->addWidget(m_toolbar);

    // Search and filters.
    auto *filterRow = new QHBoxLayout;
    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("quickSearch"));
    m_search->setPlaceholderText(tr("Search text fields…"));
    m_search->setClearButtonEnabled(true);
    filterRow->addWidget(m_search, 2);
    m_filters = new QLabel(this);
    m_filters->setTextFormat(Qt::PlainText);
    filterRow->addWidget(m_filters, 3);
    auto *clearFilters = new QPushButton(tr("Clear filters"), this);
    filterRow->addWidget(clearFilters);
    layout->addLayout(filterRow);
    m_searchDelay = new QTimer(this);
    m_searchDelay->setSingleShot(true);
    m_searchDelay->setInterval(300);
    connect(m_search, &QLineEdit::textChanged, m_searchDelay, qOverload<>(&QTimer::start));
    connect(m_searchDelay, &QTimer::timeout, this, &GridEditor::applyQuickSearch);
    connect(clearFilters, &QPushButton::clicked, this, [this] {
        m_search->blockSignals(true);
        m_search->clear();
        m_search->blockSignals(false);
        GridView view = m_model->view();
        view.quickSearch.clear();
        view.columnFilters.clear();
        m_filterHeader->setConditions({});
        m_model->setView(view);
    });

    // Where a refused save is explained.
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("gridError"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet(QStringLiteral("QLabel { background: #fde2e2; color: #7a1111; border: 1px solid #e0a0a0; padding: 6px; }"));
    m_error->hide();
    layout->addWidget(m_error);

    m_view = new QTableView(this);
    m_filterHeader = new GridFilterHeader(m_view);
    m_filterHeader->setToolTip(tr("Filter row (Ctrl+Shift+F): a condition per column; Enter applies it"));
    connect(m_filterHeader, &GridFilterHeader::applyRequested, this, &GridEditor::applyFilterRow);
    connect(m_filterHeader, &GridFilterHeader::cellCleared, this, [this](int column) {
        // The emptied cell's filter goes at once; what other cells hold waits for Enter.
        QMap<int, QString> filters = m_model->view().columnFilters;
        if (filters.remove(column) > 0)
            setColumnFilters(filters);
    });
    connect(m_filterHeader, &GridFilterHeader::leaveRequested, m_view, [this] { m_view->setFocus(Qt::TabFocusReason); });
    m_view->setModel(m_model);
    m_view->setSortingEnabled(true);
    m_view->horizontalHeader()->setSortIndicator(0, Qt::AscendingOrder);
    m_view->horizontalHeader()->setSectionsMovable(true);
    m_view->horizontalHeader()->setContextMenuPolicy(Qt::CustomContextMenu);
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 8);
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed); // no per-row measuring of a million rows
    m_view->setSelectionBehavior(QAbstractItemView::SelectItems);
    m_view->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed | QAbstractItemView::AnyKeyPressed);
    m_view->setWordWrap(false);
    m_delegate = new GridDelegate(&m_table, m_worker, this);
    m_view->setItemDelegate(m_delegate);
    connect(m_view->horizontalHeader(), &QWidget::customContextMenuRequested, this, &GridEditor::showHeaderMenu);
    connect(m_view->horizontalHeader(), &QHeaderView::sectionResized, this, &GridEditor::saveHeaderState);
    connect(m_view->horizontalHeader(), &QHeaderView::sectionMoved, this, &GridEditor::saveHeaderState);
    layout->addWidget(m_view, 1);

    // The SQL behind what is shown, to read and copy.
    auto *sqlRow = new QHBoxLayout;
    auto *sqlLabel = new QLabel(tr("SQL:"), this);
    m_sql = new QLineEdit(this);
    m_sql->setObjectName(QStringLiteral("gridSql"));
    m_sql->setReadOnly(true);
    auto *copySql = new QPushButton(tr("Copy SQL"), this);
    connect(copySql, &QPushButton::clicked, this, [this] { QApplication::clipboard()->setText(m_sql->text()); });
    sqlRow->addWidget(sqlLabel);
    sqlRow->addWidget(m_sql, 1);
    sqlRow->addWidget(copySql);
    layout->addLayout(sqlRow);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("gridStatus"));
    layout->addWidget(m_status);

    connect(m_worker, &GridWorker::opened, this, &GridEditor::onOpened);
    connect(m_worker, &GridWorker::openFailed, this, [this](const QString &why) {
        showError(why);
        emit openFailed(why);
    });
    connect(m_worker, &GridWorker::syncStateRead, this, [this](qint64, const QString &stamp) {
        // The sync engine wrote to this table since last look: show its rows anew.
        if (!m_lastSyncStamp.isEmpty() && stamp != m_lastSyncStamp)
            m_model->refreshLoadedRows();
        m_lastSyncStamp = stamp;
    });
    connect(m_worker, &GridWorker::exportFinished, this, [this](qint64 rows, const QString &path, const QString &error) {
        if (error.isEmpty())
            m_lastStatus = tr("Exported %n row(s) to %1.", nullptr, int(rows)).arg(path);
        else
            showError(tr("The export to %1 failed after %2 rows: %3").arg(path).arg(rows).arg(error));
        updateStatus();
        emit exported(rows, path, error);
    });
    connect(m_model, &GridModel::stagingChanged, this, &GridEditor::updateStatus);
    connect(m_model, &GridModel::countChanged, this, &GridEditor::updateStatus);
    connect(m_model, &GridModel::loadFailed, this, &GridEditor::showError);
    connect(m_model, &GridModel::modelReset, this, [this] {
        m_sql->setText(m_model->currentSql());
        m_sql->setCursorPosition(0);
        showFilters();
    });
    connect(m_model, &GridModel::saveStarted, this, [this] {
        m_error->hide();
        m_lastStatus = tr("Saving… (waiting for Salesforce)");
        updateStatus();
    });
    connect(m_model, &GridModel::saved, this, [this](int records) {
        m_lastStatus = tr("Saved %n record(s) to Salesforce.", nullptr, records);
        m_error->hide();
        updateStatus();
        emit saved(records);
    });
    connect(m_model, &GridModel::saveFailed, this, [this](const QString &message, const QString &key, int column) {
        QString where;
        if (!key.isEmpty()) {
            const int row = m_model->rowOfKey(key);
            where = column >= 0 ? tr("Record %1, field %2: ").arg(m_model->isNewKey(key) ? tr("(new)") : key, m_table.columns.value(column).label)
                                : tr("Record %1: ").arg(m_model->isNewKey(key) ? tr("(new)") : key);
            if (row >= 0)
                m_view->scrollTo(m_model->index(row, qMax(0, column)));
        }
        m_lastStatus = tr("Not saved; your changes are still staged.");
        showError(tr("Salesforce did not accept the changes; nothing was saved. %1%2").arg(where, message));
        updateStatus();
        emit saveFailed(message);
    });
    connect(m_model, &GridModel::conflictFound, this, &GridEditor::showConflict);

    m_liveUpdate = new QTimer(this);
    m_liveUpdate->setInterval(2000);
    connect(m_liveUpdate, &QTimer::timeout, this, [this] {
        if (m_open)
            QMetaObject::invokeMethod(m_worker, [w = m_worker, o = m_source.objectName] { w->readSyncState(o); }, Qt::QueuedConnection);
    });
    m_liveUpdate->start();

    updateStatus();
    QMetaObject::invokeMethod(m_worker, [w = m_worker, s = m_source] { w->open(s.connectionString, s.objectName); }, Qt::QueuedConnection);
}

GridEditor::~GridEditor()
{
    // A long query must not hold up closing the tab.
    m_worker->cancelRunning();
    m_thread.quit();
    m_thread.wait();
}

void GridEditor::setLiveUpdateInterval(int ms)
{
    if (ms <= 0)
        return m_liveUpdate->stop();
    m_liveUpdate->start(ms);
}

void GridEditor::onOpened(const GridTable &table)
{
    m_table = table;
    m_filterHeader->setColumns(table);
    m_model->setTable(table);
    for (int c = 0; c < table.columns.size(); ++c)
        m_view->setColumnWidth(c, c == 0 ? 170 : !table.columns[c].referenceTable.isEmpty() ? 250 : 140); // room for the Name
    // Widths and order as the person left them for this table.
    QSettings settings;
    const QByteArray state = settings.value(QStringLiteral("grid/%1/header").arg(table.objectName)).toByteArray();
    if (!state.isEmpty())
        m_view->horizontalHeader()->restoreState(state);
    m_view->horizontalHeader()->setSortIndicator(m_model->view().sortColumn, m_model->view().order);
    m_open = true;
    emit titleChanged(table.objectLabel);
    updateStatus();
    emit opened();
}

void GridEditor::saveHeaderState()
{
    if (!m_open)
        return;
    QSettings().setValue(QStringLiteral("grid/%1/header").arg(m_table.objectName), m_view->horizontalHeader()->saveState());
}

QString GridEditor::sqlText() const
{
    return m_sql->text();
}

QString GridEditor::statusText() const
{
    return m_status->text();
}

QString GridEditor::errorText() const
{
    return m_error->isVisible() || !m_error->isHidden() ? m_error->text() : QString();
}

void GridEditor::updateStatus()
{
    QStringList parts;
    if (!m_open) {
        parts << tr("Opening %1…").arg(m_source.objectName);
    } else {
        const qint64 total = m_model->rowCount();
        parts << (m_model->totalIsExact() ? tr("%1 rows").arg(QLocale().toString(total))
                                          : tr("%1+ rows").arg(QLocale().toString(total)));
    }
    const int records = m_model->stagedRecordCount();
    if (records > GridModel::MaxRecordsPerSave)
        parts << tr("%n record(s) to write on Save: more than the %1 Salesforce applies in one transaction, "
                    "so the proxy will refuse it; save in parts", nullptr, records)
                     .arg(GridModel::MaxRecordsPerSave);
    else if (records > 0)
        parts << tr("%n record(s) to write on Save (%1)", nullptr, records)
                     .arg(tr("%n API call(s)", nullptr, m_model->estimatedApiCalls()));
    else if (m_open)
        parts << tr("no staged changes");
    if (!m_lastStatus.isEmpty())
        parts << m_lastStatus;
    m_status->setText(parts.join(QStringLiteral(" · ")));
    m_saveAction->setEnabled(records > 0 && !m_model->isSaving());
    m_revertAction->setEnabled(records > 0 && !m_model->isSaving());
    const QString title = m_table.objectLabel.isEmpty() ? m_source.objectName : m_table.objectLabel;
    emit titleChanged(records > 0 ? title + QStringLiteral(" *") : title);
}

void GridEditor::showError(const QString &message)
{
    m_error->setText(message);
    m_error->show();
}

QMessageBox::StandardButton GridEditor::ask(const QString &question, QMessageBox::StandardButtons buttons)
{
    if (m_ask)
        return m_ask(question, buttons);
    return QMessageBox::question(this, tr("Tether"), question, buttons);
}

void GridEditor::save()
{
    if (m_model->isSaving())
        return;
    // A cell editor still open holds a value not yet staged; taking the
    // focus from it makes the delegate commit it first.
    if (QWidget *focus = QApplication::focusWidget(); focus && focus != m_view && m_view->isAncestorOf(focus))
        m_view->setFocus();
    m_lastStatus.clear();
    m_model->save();
    updateStatus();
}

void GridEditor::revert()
{
    if (!m_model->hasStagedChanges())
        return;
    if (ask(tr("Discard %n staged change(s)? Nothing has been written yet.", nullptr, m_model->stagedRecordCount()),
            QMessageBox::Discard | QMessageBox::Cancel) != QMessageBox::Discard)
        return;
    m_model->revertAll();
    m_error->hide();
    m_lastStatus = tr("Staged changes discarded.");
    updateStatus();
}

void GridEditor::insertRow()
{
    if (!m_open)
        return;
    m_model->insertNewRow();
    m_view->scrollToTop();
    // Start in the first field Salesforce needs.
    int column = 1;
    for (int c = 0; c < m_table.columns.size(); ++c) {
        if (m_table.columns[c].required) {
            column = c;
            break;
        }
    }
    m_view->setCurrentIndex(m_model->index(0, column));
}

void GridEditor::duplicateRow()
{
    if (m_view->currentIndex().isValid() && m_model->duplicateRow(m_view->currentIndex().row()) == 0) {
        m_view->scrollToTop();
        m_view->setCurrentIndex(m_model->index(0, qMax(1, m_view->currentIndex().column())));
    }
}

void GridEditor::deleteSelectedRows()
{
    QList<int> rows;
    for (const QModelIndex &i : m_view->selectionModel()->selectedIndexes()) {
        if (!rows.contains(i.row()))
            rows << i.row();
    }
    if (rows.isEmpty() && m_view->currentIndex().isValid())
        rows << m_view->currentIndex().row();
    if (rows.isEmpty())
        return;
    if (ask(tr("Mark %n row(s) for deletion? They are deleted in Salesforce when you save.", nullptr, int(rows.size())),
            QMessageBox::Yes | QMessageBox::Cancel) != QMessageBox::Yes)
        return;
    m_model->markDeleted(rows);
}

void GridEditor::pasteFromClipboard()
{
    const QModelIndex at = m_view->currentIndex();
    if (!at.isValid())
        return;
    int skipped = 0;
    const int staged = m_model->pasteText(at, QApplication::clipboard()->text(), &skipped);
    m_lastStatus = skipped > 0 ? tr("Pasted %1 cells; %2 skipped (read-only or outside the table).").arg(staged).arg(skipped)
                               : tr("Pasted %1 cells.").arg(staged);
    updateStatus();
}

void GridEditor::reload()
{
    // Staged changes are kept by record, so a reload loses none of them.
    m_model->reload();
}

void GridEditor::applyQuickSearch()
{
    GridView view = m_model->view();
    view.quickSearch = m_search->text();
    m_model->setView(view);
}

void GridEditor::applyFilterRow()
{
    const QMap<int, QString> typed = m_filterHeader->conditions();
    QStringList refused;
    for (int c = 0; c < m_table.columns.size(); ++c) {
        QString why;
        const bool fine = !typed.contains(c) || gridquery::parseCondition(m_table.columns[c], typed[c], &why);
        m_filterHeader->setCellError(c, fine ? QString() : why);
        if (!fine)
            refused << why;
    }
    // All or nothing, as typed: half a filter row would show rows the person did not ask for.
    if (!refused.isEmpty()) {
        m_filterErrorShown = true;
        return showError(tr("The filter row was not applied: %1").arg(refused.join(QStringLiteral("; "))));
    }
    setColumnFilters(typed);
}

void GridEditor::setColumnFilters(const QMap<int, QString> &filters)
{
    if (m_filterErrorShown) {
        m_error->hide();
        m_filterErrorShown = false;
    }
    GridView view = m_model->view();
    if (view.columnFilters == filters)
        return;
    view.columnFilters = filters;
    // Staged changes are kept by record (decision 0025), so filtering loses
    // none, but a filter can hide the rows they are on: say that they stay.
    if (m_model->hasStagedChanges()) {
        m_lastStatus = tr("%n staged record(s) stay staged, also where the filter hides them.", nullptr, m_model->stagedRecordCount());
        updateStatus();
    }
    m_model->setView(view);
}

void GridEditor::showFilters()
{
    QStringList parts;
    for (auto it = m_model->view().columnFilters.begin(); it != m_model->view().columnFilters.end(); ++it) {
        const GridColumn c = m_table.columns.value(it.key());
        const std::optional<GridCondition> condition = gridquery::parseCondition(c, it.value());
        if (condition && condition->op == GridCondition::Op::Contains)
            parts << tr("%1 contains “%2”").arg(c.label, condition->value);
        else
            parts << tr("%1 %2").arg(c.label, it.value());
    }
    m_filters->setText(parts.join(QStringLiteral(" · ")));
}

void GridEditor::showHeaderMenu(const QPoint &pos)
{
    const int column = m_view->horizontalHeader()->logicalIndexAt(pos);
    QMenu menu(this);
    if (column >= 0) {
        const QString label = m_table.columns.value(column).label;
        menu.addAction(tr("Filter %1…").arg(label), this, [this, column, label] {
            bool ok = false;
            const QString text = QInputDialog::getText(this, tr("Filter"),
                                                       tr("Condition for %1 (= x, > 5, like a%, is null; other text: contains it):").arg(label),
                                                       QLineEdit::Normal, m_model->view().columnFilters.value(column), &ok).trimmed();
            if (!ok)
                return;
            QMap<int, QString> filters = m_model->view().columnFilters;
            filters.remove(column);
            if (!text.isEmpty()) {
                QString why;
                if (!gridquery::parseCondition(m_table.columns.value(column), text, &why)) {
                    m_filterErrorShown = true;
                    return showError(tr("The filter on %1 was not applied: %2").arg(label, why));
                }
                filters.insert(column, text);
            }
            // The filter row shows what is applied, whichever way it was set.
            m_filterHeader->setConditions(filters);
            setColumnFilters(filters);
        });
        menu.addAction(tr("Hide %1").arg(label), this, [this, column] {
            m_view->setColumnHidden(column, true);
            saveHeaderState();
        });
    }
    QMenu *columns = menu.addMenu(tr("Columns"));
    for (int c = 0; c < m_table.columns.size(); ++c) {
        QAction *a = columns->addAction(m_table.columns[c].label);
        a->setCheckable(true);
        a->setChecked(!m_view->isColumnHidden(c));
        connect(a, &QAction::toggled, this, [this, c](bool shown) {
            m_view->setColumnHidden(c, !shown);
            saveHeaderState();
        });
    }
    menu.exec(m_view->horizontalHeader()->mapToGlobal(pos));
}

void GridEditor::showConflict(const GridConflict &conflict)
{
    auto *dialog = new ConflictDialog(m_table, conflict, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::finished, this, [this, dialog] {
        m_model->resolveConflict(dialog->conflict().key, dialog->keepMine());
        if (!dialog->keepMine()) {
            m_error->hide();
            m_lastStatus = tr("Reloaded Salesforce's version of %1.").arg(dialog->conflict().key);
        }
        updateStatus();
    });
    dialog->open();
    emit conflictShown();
}

void GridEditor::openInSalesforce()
{
    const QString key = m_model->keyAt(m_view->currentIndex().row());
    if (key.isEmpty() || m_model->isNewKey(key) || m_source.instanceUrl.isEmpty())
        return;
    QUrl url = m_source.instanceUrl;
    url.setPath(u'/' + key);
    QDesktopServices::openUrl(url);
}

void GridEditor::exportCsv(const QString &path)
{
    QString target = path;
    if (target.isEmpty())
        target = QFileDialog::getSaveFileName(this, tr("Export to CSV"), m_source.objectName + QStringLiteral(".csv"),
                                              tr("CSV files (*.csv)"));
    if (target.isEmpty() || !m_open)
        return;
    m_lastStatus = tr("Exporting…");
    updateStatus();
    QMetaObject::invokeMethod(m_worker, [w = m_worker, t = m_table, v = m_model->view(), target] { w->exportCsv(t, v, target); },
                              Qt::QueuedConnection);
}

bool GridEditor::confirmClose()
{
    if (!m_model->hasStagedChanges() && !m_model->isSaving())
        return true;
    if (m_model->isSaving()) {
        ask(tr("Salesforce is still applying the save; wait for its answer before closing."), QMessageBox::Ok);
        return false;
    }
    const auto answer = ask(tr("%n record(s) have staged changes that are not saved. Save them to Salesforce, discard them, or stay?",
                               nullptr, m_model->stagedRecordCount()),
                            QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel);
    if (answer == QMessageBox::Discard) {
        m_model->revertAll();
        return true;
    }
    if (answer == QMessageBox::Save)
        save(); // the tab stays until Salesforce said yes; closing again then needs no question
    return false;
}

void GridEditor::closeEvent(QCloseEvent *event)
{
    if (confirmClose())
        event->accept();
    else
        event->ignore();
}

} // namespace tether::ui
