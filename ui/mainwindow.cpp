#include "mainwindow.h"

#include "dashboard/dashboardpage.h"
#include "dashboard/ratelimitslider.h"
#include "grid/grideditor.h"
#include "lifecycle/enginecontroller.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QTabBar>
#include <QTabWidget>
#include <QVBoxLayout>

namespace tether::ui {

using lifecycle::EngineController;

MainWindow::MainWindow(EngineController *controller, QWidget *parent) : QMainWindow(parent), m_controller(controller)
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Tether"));
    resize(1280, 820);

    m_dashboard = new DashboardPage(controller, this);
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("documentTabs"));
    m_tabs->setDocumentMode(true);
    m_tabs->setTabsClosable(true);
    m_tabs->addTab(m_dashboard, tr("Dashboard"));
    // The dashboard is always there: no close button on its tab.
    m_tabs->tabBar()->setTabButton(0, QTabBar::RightSide, nullptr);
    m_tabs->tabBar()->setTabButton(0, QTabBar::LeftSide, nullptr);
    connect(m_tabs, &QTabWidget::tabCloseRequested, this, [this](int index) {
        if (index <= 0)
            return;
        QWidget *page = m_tabs->widget(index);
        // A grid with staged edits asks first (save, discard or keep it open).
        if (auto *grid = qobject_cast<GridEditor *>(page); grid && !grid->confirmClose())
            return;
        m_tabs->removeTab(index);
        page->deleteLater();
    });

    m_rateSlider = new RateLimitSlider(this);
    auto *rateBar = new QFrame(this);
    rateBar->setObjectName(QStringLiteral("rateBar"));
    rateBar->setFrameShape(QFrame::StyledPanel);
    auto *rateLayout = new QHBoxLayout(rateBar);
    rateLayout->setContentsMargins(8, 4, 8, 4);
    rateLayout->addWidget(m_rateSlider);

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_tabs, 1);
    layout->addWidget(rateBar);
    setCentralWidget(central);

    m_stateLabel = new QLabel(this);
    m_stateLabel->setObjectName(QStringLiteral("engineState"));
    statusBar()->addWidget(m_stateLabel, 1);
    m_stateLabel->setText(controller->sentence());

    createMenus();

    // The rate: what the running limiter has, else what was chosen before.
    QSettings settings;
    double rate = settings.value(rateSettingsKey(), 0.0).toDouble();
    if (controller->rateLimiter())
        rate = controller->rateLimiter()->requestsPerSecond();
    else if (!(rate > 0) && controller->settings().requestsPerSecond > 0)
        rate = controller->settings().requestsPerSecond;
    if (rate > 0)
        m_rateSlider->setRequestsPerSecond(rate);
    // The rate a person chose in the window wins over the limiter's default at the next login.
    if (!controller->rateLimiter() && controller->settings().requestsPerSecond <= 0 && rate > 0)
        controller->setRequestsPerSecond(rate);
    connect(m_rateSlider, &RateLimitSlider::rateChosen, this, &MainWindow::applyRate);
    connect(controller, &EngineController::requestsPerSecondChanged, m_rateSlider, &RateLimitSlider::setRequestsPerSecond);
    connect(controller, &EngineController::apiUsageChanged, m_rateSlider,
            [this](qint64, qint64 max) { m_rateSlider->setDailyQuota(max); });
    connect(controller, &EngineController::stateChanged, this, [this](EngineController::State state, const QString &sentence) {
        m_stateLabel->setText(sentence);
        // A limiter made at login starts from the saved rate; make it the one shown.
        if (state == EngineController::State::Syncing && m_controller->rateLimiter())
            m_rateSlider->setRequestsPerSecond(m_controller->rateLimiter()->requestsPerSecond());
    });
    connect(m_dashboard, &DashboardPage::openTableRequested, this, &MainWindow::openTableRequested);
    connect(m_dashboard, &DashboardPage::openTableRequested, this, &MainWindow::openTable);
    connect(m_dashboard, &DashboardPage::addObjectsRequested, this, &MainWindow::addObjectsRequested);

    restoreGeometry(settings.value(QStringLiteral("mainWindow/geometry")).toByteArray());
    m_dashboard->restoreLayout();
}

MainWindow::~MainWindow()
{
    // Quit from the menu or the tray never closes the window: remember it here.
    saveLayout();
}

void MainWindow::saveLayout() const
{
    QSettings().setValue(QStringLiteral("mainWindow/geometry"), saveGeometry());
    m_dashboard->saveLayout();
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *setup = file->addAction(tr("Set &up Tether…"), this, &MainWindow::setupAssistantRequested);
    setup->setObjectName(QStringLiteral("setupAction"));
    QAction *add = file->addAction(tr("&Add objects…"), this, &MainWindow::addObjectsRequested);
    add->setObjectName(QStringLiteral("addObjectsAction"));
    add->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A));
    file->addSeparator();
    QAction *settings = file->addAction(tr("&Settings…"), this, &MainWindow::settingsRequested);
    settings->setObjectName(QStringLiteral("settingsAction"));
    settings->setShortcut(QKeySequence::Preferences);
    settings->setMenuRole(QAction::PreferencesRole);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, [this] {
        emit quitRequested();
        m_controller->stop();
    });
    quit->setObjectName(QStringLiteral("quitAction"));
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);

    QMenu *sync = menuBar()->addMenu(tr("&Sync"));
    QAction *pauseAll = sync->addAction(tr("&Pause all"), this, [this] { m_controller->setAllPaused(true); });
    pauseAll->setObjectName(QStringLiteral("pauseAllAction"));
    QAction *resumeAll = sync->addAction(tr("&Resume all"), this, [this] { m_controller->setAllPaused(false); });
    resumeAll->setObjectName(QStringLiteral("resumeAllAction"));
    sync->addSeparator();
    sync->addAction(tr("Look for &new fields now"), m_controller, &EngineController::describeNow);
    sync->addAction(tr("Find &hard-deleted records now"), m_controller, &EngineController::reconcileNow);
    QAction *retry = sync->addAction(tr("&Try again"), m_controller, &EngineController::retry);
    retry->setObjectName(QStringLiteral("retryAction"));
    auto updateRetry = [this, retry] { retry->setEnabled(m_controller->state() == EngineController::State::Failed); };
    connect(m_controller, &EngineController::stateChanged, retry, updateRetry);
    updateRetry();

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *about = help->addAction(tr("&About Tether"), this, &MainWindow::showAbout);
    about->setObjectName(QStringLiteral("aboutAction"));
    about->setMenuRole(QAction::AboutRole);
}

void MainWindow::openTable(const QString &objectName)
{
    for (int i = 1; i < m_tabs->count(); ++i) {
        if (m_tabs->widget(i)->property("tetherObject").toString() == objectName) {
            m_tabs->setCurrentIndex(i);
            return;
        }
    }
    const QString connection = m_controller->proxyConnectionString();
    if (connection.isEmpty()) {
        QMessageBox::information(this, tr("Open %1").arg(objectName),
                                 tr("Tables open through Tether's proxy, so that every edit is written to Salesforce "
                                    "first, and the proxy is not running. Turn it on in Settings > Proxy."));
        return;
    }
    GridSource source;
    source.connectionString = connection;
    source.objectName = objectName;
    if (salesforce::OrgSession *session = m_controller->session())
        source.instanceUrl = session->connection().instanceUrl;
    auto *grid = new GridEditor(source, this);
    grid->setProperty("tetherObject", objectName);
    const int index = addDocumentTab(grid, objectName);
    Q_UNUSED(index);
    connect(grid, &GridEditor::titleChanged, this, [this, grid](const QString &title) {
        if (const int at = m_tabs->indexOf(grid); at > 0)
            m_tabs->setTabText(at, title);
    });
}

int MainWindow::addDocumentTab(QWidget *page, const QString &title)
{
    const int index = m_tabs->addTab(page, title);
    m_tabs->setCurrentIndex(index);
    return index;
}

void MainWindow::applyRate(double requestsPerSecond)
{
    m_controller->setRequestsPerSecond(requestsPerSecond);
    QSettings().setValue(rateSettingsKey(), requestsPerSecond);
    emit rateChanged(requestsPerSecond);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    // Staged edits are never lost by closing the window: each grid asks.
    for (int i = 1; i < m_tabs->count(); ++i) {
        if (auto *grid = qobject_cast<GridEditor *>(m_tabs->widget(i)); grid && !grid->confirmClose()) {
            m_tabs->setCurrentIndex(i);
            event->ignore();
            return;
        }
    }
    saveLayout();
    QMainWindow::closeEvent(event);
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About Tether"),
                       tr("<b>Tether %1</b><p>Mirrors a Salesforce org into PostgreSQL and writes "
                          "back through a Postgres-compatible proxy.</p>")
                           .arg(QApplication::applicationVersion()));
}

} // namespace tether::ui
