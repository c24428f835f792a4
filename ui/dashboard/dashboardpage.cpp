#include "dashboard/dashboardpage.h"

#include "dashboard/activitylog.h"
#include "dashboard/apiusagepanel.h"
#include "dashboard/orgheader.h"
#include "dashboard/progressdelegate.h"
#include "dashboard/tablestatusmodel.h"
#include "lifecycle/enginecontroller.h"

#include <QAction>
#include <QDialog>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>
#include <cmath>

namespace tether::ui {

using lifecycle::EngineController;
using State = EngineController::State;

namespace {

// Enter on a row opens it, like a double-click; the view's own Enter handling
// (editing) is off, so nothing else wants the key.
class TableEnterFilter : public QObject
{
public:
    explicit TableEnterFilter(std::function<void()> open, QObject *parent) : QObject(parent), m_open(std::move(open)) {}
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::KeyPress) {
            const int key = static_cast<QKeyEvent *>(event)->key();
            if (key == Qt::Key_Return || key == Qt::Key_Enter) {
                m_open();
                return true;
            }
        }
        return QObject::eventFilter(watched, event);
    }

private:
    std::function<void()> m_open;
};

QToolButton *buttonFor(QAction *action, QWidget *parent)
{
    auto *button = new QToolButton(parent);
    button->setDefaultAction(action);
    button->setToolButtonStyle(Qt::ToolButtonTextOnly);
    return button;
}

} // namespace

DashboardPage::DashboardPage(EngineController *controller, QWidget *parent) : QWidget(parent), m_controller(controller)
{
    setObjectName(QStringLiteral("dashboard"));
    m_confirm = [this](const QString &title, const QString &text) {
        return QMessageBox::question(this, title, text, QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel)
               == QMessageBox::Yes;
    };

    m_header = new OrgHeader(this);

    m_model = new TableStatusModel(this);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(TableStatusModel::SortRole);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setFilterKeyColumn(-1); // object, phase, error: whatever a person remembers
    m_proxy->setSortCaseSensitivity(Qt::CaseInsensitive);

    m_view = new QTableView(this);
    m_view->setObjectName(QStringLiteral("syncTables"));
    m_view->setAccessibleName(tr("Synced tables"));
    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(TableStatusModel::Object, Qt::AscendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->horizontalHeader()->setSectionsMovable(true);
    m_view->setItemDelegateForColumn(TableStatusModel::Progress, new ProgressDelegate(m_view));
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    m_view->setColumnWidth(TableStatusModel::Object, 120);
    m_view->setColumnWidth(TableStatusModel::Phase, 150);
    m_view->setColumnWidth(TableStatusModel::Progress, 200);
    m_view->setColumnWidth(TableStatusModel::Speed, 75);
    m_view->setColumnWidth(TableStatusModel::Rows, 70);
    m_view->setColumnWidth(TableStatusModel::LastPoll, 80);
    m_view->setColumnWidth(TableStatusModel::Freshness, 95);
    m_view->setColumnWidth(TableStatusModel::ApiCalls, 65);
    m_view->setColumnWidth(TableStatusModel::Phase, 175);
    m_view->setColumnWidth(TableStatusModel::Freshness, 110);
    fitHeadings();

    m_filter = new QLineEdit(this);
    m_filter->setObjectName(QStringLiteral("tableFilter"));
    m_filter->setPlaceholderText(tr("Filter tables (Ctrl+F)"));
    m_filter->setAccessibleName(tr("Filter tables"));
    m_filter->setClearButtonEnabled(true);
    auto *findAction = new QAction(this);
    findAction->setShortcut(QKeySequence::Find);
    addAction(findAction);
    connect(findAction, &QAction::triggered, m_filter, [this] { m_filter->setFocus(Qt::ShortcutFocusReason); });
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);
    connect(m_filter, &QLineEdit::returnPressed, m_view, [this] {
        m_view->setFocus();
        if (!m_view->currentIndex().isValid() && m_proxy->rowCount() > 0)
            m_view->selectRow(0);
    });

    auto makeAction = [this](const QString &text, const QString &name, const QKeySequence &shortcut, auto slot) {
        auto *action = new QAction(text, this);
        action->setObjectName(name);
        if (!shortcut.isEmpty()) {
            action->setShortcut(shortcut);
            action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
            addAction(action);
        }
        connect(action, &QAction::triggered, this, slot);
        return action;
    };
    m_syncNow = makeAction(tr("Sync now"), QStringLiteral("syncNowAction"), QKeySequence(Qt::Key_F5), &DashboardPage::syncCurrentNow);
    m_pause = makeAction(tr("Pause"), QStringLiteral("pauseAction"), QKeySequence(Qt::CTRL | Qt::Key_P),
                         &DashboardPage::toggleCurrentPaused);
    m_resync = makeAction(tr("Re-sync…"), QStringLiteral("resyncAction"), {}, &DashboardPage::resyncCurrent);
    m_remove = makeAction(tr("Remove…"), QStringLiteral("removeAction"), QKeySequence(QKeySequence::Delete),
                          &DashboardPage::removeCurrent);
    m_details = makeAction(tr("Details…"), QStringLiteral("detailsAction"), QKeySequence(Qt::CTRL | Qt::Key_I),
                           &DashboardPage::showCurrentDetails);
    m_open = makeAction(tr("Open table"), QStringLiteral("openTableAction"), {}, [this] {
        if (!currentObject().isEmpty())
            emit openTableRequested(currentObject());
    });
    m_addObjects = makeAction(tr("Add objects…"), QStringLiteral("addObjectsButtonAction"), {},
                              [this] { emit addObjectsRequested(); });

    auto *tableTools = new QHBoxLayout;
    tableTools->addWidget(m_filter, 1);
    for (QAction *action : {m_syncNow, m_pause, m_resync, m_remove, m_details, m_addObjects})
        tableTools->addWidget(buttonFor(action, this));

    auto *tablesBox = new QWidget(this);
    auto *tablesLayout = new QVBoxLayout(tablesBox);
    tablesLayout->setContentsMargins(0, 0, 0, 0);
    tablesLayout->addLayout(tableTools);
    tablesLayout->addWidget(m_view, 1);

    m_usage = new ApiUsagePanel(this);
    m_activity = new ActivityLog(this);

    m_tableSplit = new QSplitter(Qt::Horizontal, this);
    m_tableSplit->setObjectName(QStringLiteral("tableSplit"));
    m_tableSplit->addWidget(tablesBox);
    m_tableSplit->addWidget(m_usage);
    m_tableSplit->setStretchFactor(0, 3);
    m_tableSplit->setStretchFactor(1, 1);
    m_tableSplit->setChildrenCollapsible(false);
    m_tableSplit->setSizes({1000, 340});
    m_mainSplit = new QSplitter(Qt::Vertical, this);
    m_mainSplit->setObjectName(QStringLiteral("mainSplit"));
    m_mainSplit->addWidget(m_tableSplit);
    m_mainSplit->addWidget(m_activity);
    m_mainSplit->setStretchFactor(0, 3);
    m_mainSplit->setStretchFactor(1, 1);
    m_mainSplit->setChildrenCollapsible(false);
    m_mainSplit->setSizes({560, 160});

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_header);
    layout->addWidget(m_mainSplit, 1);

    m_view->installEventFilter(new TableEnterFilter([this] { m_open->trigger(); }, this));
    connect(m_view, &QTableView::doubleClicked, m_open, &QAction::trigger);
    connect(m_view, &QTableView::customContextMenuRequested, this, &DashboardPage::showContextMenu);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &DashboardPage::updateActions);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &DashboardPage::updateActions);

    setTabOrder(m_filter, m_view);
    connectController();
    updateActions();
}

QString DashboardPage::currentObject() const
{
    const QModelIndex index = m_view->currentIndex();
    return index.isValid() ? index.data(TableStatusModel::ObjectNameRole).toString() : QString();
}

// --- what the controller says -----------------------------------------------------

void DashboardPage::connectController()
{
    EngineController *c = m_controller;
    for (const sync::TableStatus &status : c->tableStatuses())
        onTableStatus(status);
    connect(c, &EngineController::tableStatusChanged, this, &DashboardPage::onTableStatus);
    connect(c, &EngineController::stateChanged, this, [this](State state, const QString &sentence) {
        using Connection = OrgHeader::Connection;
        switch (state) {
        case State::NoOrg: m_header->setConnection(Connection::LoggedOut, sentence); break;
        case State::StartingDatabase:
        case State::LoggingIn: m_header->setConnection(Connection::Refreshing, sentence); break;
        case State::Syncing:
            m_header->setConnection(m_databaseReachable ? Connection::Connected : Connection::Offline, sentence);
            break;
        case State::Failed:
            m_header->setConnection(m_controller->isRetryable() ? Connection::Offline : Connection::LoggedOut, sentence);
            break;
        case State::Stopping:
        case State::Stopped: m_header->setConnection(Connection::Offline, sentence); break;
        }
        if (state == State::Failed)
            m_activity->addError(sentence);
        else
            m_activity->addEvent(sentence);
        updateOrg();
        updateBudget();
    });
    connect(c, &EngineController::databaseStateChanged, this, [this](bool reachable, const QString &sentence) {
        m_databaseReachable = reachable;
        if (m_controller->state() == State::Syncing)
            m_header->setConnection(reachable ? OrgHeader::Connection::Connected : OrgHeader::Connection::Offline, sentence);
        if (reachable)
            m_activity->addEvent(sentence);
        else
            m_activity->addError(sentence);
    });
    connect(c, &EngineController::proxyStateChanged, this,
            [this](const QString &, quint16, const QString &sentence) { updateProxy(sentence); });
    connect(c, &EngineController::notice, m_activity, &ActivityLog::addEvent);
    connect(c, &EngineController::orgNameChanged, this, &DashboardPage::updateOrg);
    connect(c, &EngineController::backfillCompleted, this,
            [this](const QString &object) { m_activity->addEvent(tr("The backfill of %1 is complete.").arg(object)); });
    connect(c, &EngineController::caughtUp, this,
            [this] { m_activity->addEvent(tr("Every table is backfilled; Tether keeps them up to date by polling.")); });
    connect(c, &EngineController::apiUsageChanged, m_usage, &ApiUsagePanel::setUsage);
    connect(c, &EngineController::apiUsageChanged, this, &DashboardPage::updateBudget);
    connect(c, &EngineController::apiCallsChanged, m_usage, &ApiUsagePanel::setCalls);
    connect(c, &EngineController::requestsPerSecondChanged, this, &DashboardPage::updateBudget);
    connect(c, &EngineController::quotaPausedChanged, this, [this](bool paused) {
        m_usage->setQuotaPaused(paused);
        if (paused)
            m_activity->addError(tr("Sync paused: the org is close to its daily API limit. Writes through the proxy keep "
                                    "going; sync resumes by itself when usage falls."));
        else
            m_activity->addEvent(tr("Sync resumed: the org's API usage fell below the pause share."));
    });
    m_header->setConnection(c->state() == State::Syncing ? OrgHeader::Connection::Connected : OrgHeader::Connection::Refreshing,
                            c->sentence());
    updateOrg();
    updateProxy(tr("The proxy starts once the sync runs."));
    updateBudget();
}

void DashboardPage::onTableStatus(const sync::TableStatus &status)
{
    const bool known = m_lastLogged.contains(status.objectName);
    const sync::TableStatus before = m_lastLogged.value(status.objectName);
    m_lastLogged.insert(status.objectName, status);
    m_model->showTableStatus(status);
    if (!known && m_view->currentIndex().row() < 0 && m_proxy->rowCount() > 0)
        m_view->setCurrentIndex(m_proxy->index(0, 0));
    // The activity log tells changes of phase and new errors, not every tick.
    if (!status.lastError.isEmpty() && status.lastError != before.lastError)
        m_activity->addError(tr("%1: %2").arg(status.objectName, status.lastError));
    else if (known && status.phase != before.phase) {
        if (status.phase == sync::Phase::Backfilling)
            m_activity->addEvent(tr("%1: backfill started.").arg(status.objectName));
        else if (status.phase == sync::Phase::Paused && status.pausedByPerson)
            m_activity->addEvent(tr("%1: paused.").arg(status.objectName));
        else if (before.phase == sync::Phase::Paused && before.pausedByPerson)
            m_activity->addEvent(tr("%1: resumed.").arg(status.objectName));
        else if (before.phase == sync::Phase::Error && status.lastError.isEmpty())
            m_activity->addEvent(tr("%1: working again.").arg(status.objectName));
    }
}

void DashboardPage::updateOrg()
{
    salesforce::OrgSession *session = m_controller->session();
    if (!session || m_controller->state() != State::Syncing) {
        if (m_controller->state() == State::NoOrg)
            m_header->setOrg({}, {}, {});
        return;
    }
    m_controller->fetchOrgName(); // once per login; orgNameChanged() comes back here
    const salesforce::OrgConnection org = session->connection();
    QString name = m_controller->orgName();
    if (name.isEmpty())
        name = tr("Org %1").arg(org.orgId); // until the name arrives, or if it cannot be read
    if (m_controller->settings().demo)
        name = tr("%1 (demo org, tether-sim)").arg(name);
    const QString user = !org.username.isEmpty() ? org.username : !m_controller->username().isEmpty() ? m_controller->username() : org.userId;
    m_header->setOrg(name, user, org.instanceUrl.host());
}

void DashboardPage::updateProxy(const QString &sentence)
{
    const QString info = m_controller->proxyConnectionString();
    const QString address = info.isEmpty() ? QString()
                                           : QStringLiteral("%1:%2").arg(m_controller->proxyHost()).arg(m_controller->proxyPort());
    // The controller's notices already tell the activity log.
    m_header->setProxy(address, info, m_controller->proxyPsqlCommand(), sentence);
}

void DashboardPage::updateBudget()
{
    salesforce::RateLimiter *limiter = m_controller->rateLimiter();
    salesforce::ApiBudget *budget = m_controller->apiBudget();
    const double rate = limiter ? limiter->requestsPerSecond() : 0;
    qint64 left = -1;
    if (budget && budget->max() > 0) {
        left = qMax<qint64>(0, qint64(double(budget->max()) * budget->pauseShare()) - budget->used());
        m_usage->setPauseShare(budget->pauseShare());
    }
    m_model->setBudget(rate, left);
}

// --- what a person asks for ----------------------------------------------------------

void DashboardPage::updateActions()
{
    const QString object = currentObject();
    const bool any = !object.isEmpty();
    for (QAction *action : {m_syncNow, m_pause, m_resync, m_remove, m_details, m_open})
        action->setEnabled(any);
    const sync::TableStatus status = m_model->status(object);
    const bool paused = any && status.phase == sync::Phase::Paused && status.pausedByPerson;
    m_pause->setText(paused ? tr("Resume") : tr("Pause"));
    m_pause->setToolTip(paused ? tr("Resume syncing this table (Ctrl+P)") : tr("Stop syncing this table for now (Ctrl+P)"));
    m_syncNow->setEnabled(any && !paused);
    // An empty list of objects means "the default selection" at the next
    // start, so the last table stays; another one can be added first.
    const bool last = m_model->rowCount() <= 1;
    m_remove->setEnabled(any && !last);
    m_remove->setToolTip(last ? tr("The last synced table cannot be removed; add another object first.")
                              : tr("Stop syncing this table (Delete)"));
}

void DashboardPage::syncCurrentNow()
{
    const QString object = currentObject();
    if (object.isEmpty())
        return;
    m_controller->syncNow(object);
    m_activity->addEvent(tr("%1: sync requested.").arg(object));
}

void DashboardPage::toggleCurrentPaused()
{
    const QString object = currentObject();
    if (object.isEmpty())
        return;
    const sync::TableStatus status = m_model->status(object);
    const bool paused = status.phase == sync::Phase::Paused && status.pausedByPerson;
    m_controller->setTablePaused(object, !paused);
}

qint64 DashboardPage::backfillCallEstimate(const sync::TableStatus &status)
{
    // Costs as in docs/decisions/0004-bulk-threshold.md: REST one call per
    // 2,000 records, Bulk about four calls plus one per 100,000 records.
    const qint64 records = qMax<qint64>(status.rowsTotal, status.rowsInTable);
    if (records > 10000)
        return 4 + qint64(std::ceil(double(records) / 100000.0)) + 1; // + the COUNT()
    return qMax<qint64>(1, qint64(std::ceil(double(records) / 2000.0))) + 1;
}

QString DashboardPage::resyncQuestion(const QString &objectName) const
{
    const sync::TableStatus status = m_model->status(objectName);
    const qint64 calls = backfillCallEstimate(status);
    const QLocale locale;
    // Never fewer than two calls (the COUNT() and a page), so always a plural.
    QString text = tr("Copy all %1 records of %2 from Salesforce again? This costs about %3 API calls")
                       .arg(locale.toString(qMax<qint64>(status.rowsTotal, status.rowsInTable)), objectName,
                            locale.toString(calls));
    const double rate = m_controller->rateLimiter() ? m_controller->rateLimiter()->requestsPerSecond() : 0;
    if (rate > 0 && rate < 1000)
        text += tr(", about %1 at the current rate").arg(TableStatusModel::durationText(qint64(std::ceil(double(calls) / rate))));
    text += tr(". The rows already in the table stay until they are replaced.");
    return text;
}

void DashboardPage::resyncCurrent()
{
    const QString object = currentObject();
    if (object.isEmpty() || !m_confirm(tr("Re-sync %1").arg(object), resyncQuestion(object)))
        return;
    m_controller->resync(object);
    m_activity->addEvent(tr("%1: re-sync requested.").arg(object));
}

void DashboardPage::removeCurrent()
{
    const QString object = currentObject();
    if (object.isEmpty()
        || !m_confirm(tr("Remove %1").arg(object),
                      tr("Stop syncing %1? Its table and rows stay in PostgreSQL but are no longer kept up to date; "
                         "writes to it through the proxy are refused.")
                          .arg(object)))
        return;
    m_controller->removeTables({object});
    m_model->removeTables({object});
    m_lastLogged.remove(object);
    m_activity->addEvent(tr("%1: no longer synced.").arg(object));
    updateActions();
}

void DashboardPage::showCurrentDetails()
{
    const QString object = currentObject();
    if (object.isEmpty())
        return;
    const int row = m_model->rowOf(object);
    QDialog dialog(this);
    dialog.setWindowTitle(tr("%1 — details").arg(object));
    auto *layout = new QVBoxLayout(&dialog);
    auto *text = new QPlainTextEdit(&dialog);
    text->setObjectName(QStringLiteral("detailsText"));
    text->setReadOnly(true);
    text->setAccessibleName(tr("Details of %1").arg(object));
    text->setPlainText(m_model->index(row, 0).data(TableStatusModel::ErrorDetailsRole).toString());
    layout->addWidget(text);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, &dialog);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    layout->addWidget(buttons);
    dialog.resize(560, 280);
    dialog.exec();
}

void DashboardPage::showContextMenu(const QPoint &position)
{
    const QModelIndex index = m_view->indexAt(position);
    if (!index.isValid())
        return;
    m_view->setCurrentIndex(index);
    QMenu menu(this);
    menu.addAction(m_open);
    menu.addSeparator();
    for (QAction *action : {m_syncNow, m_pause, m_resync, m_remove})
        menu.addAction(action);
    menu.addSeparator();
    menu.addAction(m_details);
    menu.exec(m_view->viewport()->mapToGlobal(position));
}

// --- layout remembered ----------------------------------------------------------------

void DashboardPage::saveLayout() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("dashboard/tableHeader"), m_view->horizontalHeader()->saveState());
    settings.setValue(QStringLiteral("dashboard/mainSplit"), m_mainSplit->saveState());
    settings.setValue(QStringLiteral("dashboard/tableSplit"), m_tableSplit->saveState());
}

void DashboardPage::restoreLayout()
{
    QSettings settings;
    m_view->horizontalHeader()->restoreState(settings.value(QStringLiteral("dashboard/tableHeader")).toByteArray());
    m_mainSplit->restoreState(settings.value(QStringLiteral("dashboard/mainSplit")).toByteArray());
    m_tableSplit->restoreState(settings.value(QStringLiteral("dashboard/tableSplit")).toByteArray());
    fitHeadings(); // widths saved under another language may be too narrow for this one's headings
}

void DashboardPage::fitHeadings()
{
    // Translated headings can be longer than the English ones: never cut them.
    const QFontMetrics headerFont(m_view->horizontalHeader()->font());
    for (int column = 0; column < TableStatusModel::LastError; ++column) {
        const int needed = headerFont.horizontalAdvance(m_model->headerData(column, Qt::Horizontal).toString()) + 28;
        m_view->setColumnWidth(column, qMax(m_view->columnWidth(column), needed));
    }
    // Nor the freshness a polling table shows ("innerhalb von 59 s").
    const int freshness = m_view->fontMetrics().horizontalAdvance(TableStatusModel::withinText(59)) + 16;
    m_view->setColumnWidth(TableStatusModel::Freshness, qMax(m_view->columnWidth(TableStatusModel::Freshness), freshness));
}

} // namespace tether::ui
