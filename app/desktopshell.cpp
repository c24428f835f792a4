#include "desktopshell.h"

#include "dashboard/phaseicons.h"
#include "lifecycle/enginecontroller.h"
#include "mainwindow.h"

#include <QAction>
#include <QCloseEvent>
#include <QMenu>
#include <QMessageBox>
#include <QSettings>
#include <QSystemTrayIcon>

using tether::lifecycle::EngineController;
using tether::sync::Phase;

DesktopShell::DesktopShell(EngineController *controller, tether::ui::MainWindow *window, QObject *parent)
    : QObject(parent), m_controller(controller), m_window(window)
{
    m_menu = new QMenu;
    m_status = m_menu->addAction(QString());
    m_status->setEnabled(false);
    m_menu->addSeparator();
    QAction *open = m_menu->addAction(tr("&Open Tether"), this, &DesktopShell::openWindow);
    open->setObjectName(QStringLiteral("trayOpenAction"));
    m_pauseAll = m_menu->addAction(tr("&Pause all"), this, [this] {
        m_controller->setAllPaused(!m_allPaused); // the rows' statuses then update the text
    });
    m_pauseAll->setObjectName(QStringLiteral("trayPauseAllAction"));
    m_menu->addSeparator();
    QAction *quitAction = m_menu->addAction(tr("&Quit"), this, &DesktopShell::quit);
    quitAction->setObjectName(QStringLiteral("trayQuitAction"));

    m_tray = new QSystemTrayIcon(tether::ui::badgedAppIcon(Phase::Discovering), this);
    m_tray->setContextMenu(m_menu);
    connect(m_tray, &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason reason) {
        if (reason == QSystemTrayIcon::Trigger || reason == QSystemTrayIcon::DoubleClick)
            openWindow();
    });
    if (QSystemTrayIcon::isSystemTrayAvailable())
        m_tray->show();

    window->installEventFilter(this);
    connect(window, &tether::ui::MainWindow::quitRequested, this, [this] { m_quitting = true; });

    for (const tether::sync::TableStatus &status : controller->tableStatuses())
        m_tables.insert(status.objectName, status);
    connect(controller, &EngineController::tableStatusChanged, this, &DesktopShell::onTableStatus);
    connect(controller, &EngineController::stateChanged, this, [this](EngineController::State state, const QString &sentence) {
        if (state == EngineController::State::Failed && !m_loginNotified)
            notify(tr("Tether stopped syncing"), sentence, true);
        m_loginNotified = false;
        updateStatus();
    });
    connect(controller, &EngineController::loginRenewalNeeded, this, [this](const QString &sentence) {
        m_loginNotified = true; // the failure that follows is this one
        notify(tr("Log in to Salesforce again"), tr("%1 Sync is stopped until you log in again.").arg(sentence), true);
    });
    connect(controller, &EngineController::backfillCompleted, this, [this](const QString &object) {
        notify(tr("%1 is mirrored").arg(object), tr("The backfill of %1 is complete; Tether keeps it up to date.").arg(object));
    });
    connect(controller, &EngineController::caughtUp, this, [this] {
        notify(tr("Every table is mirrored"), tr("All backfills are complete. Connect through the proxy: %1")
                                                  .arg(m_controller->proxyConnectionString().isEmpty()
                                                           ? m_controller->psqlCommand()
                                                           : m_controller->proxyPsqlCommand()));
    });
    connect(controller, &EngineController::quotaPausedChanged, this, [this](bool paused) {
        if (paused)
            notify(tr("Sync paused for the API quota"),
                   tr("The org is close to its daily API limit. Tether paused syncing; writes through the proxy keep "
                      "going. Sync resumes by itself."),
                   true);
        else
            notify(tr("Sync resumed"), tr("The org's API usage fell below the pause share; Tether syncs again."));
    });
    updateStatus();
}

DesktopShell::~DesktopShell()
{
    if (m_window)
        m_window->removeEventFilter(this);
    delete m_menu;
}

bool DesktopShell::trayAvailable() const { return QSystemTrayIcon::isSystemTrayAvailable() && m_tray->isVisible(); }

QString DesktopShell::statusText() const
{
    if (m_controller->state() != EngineController::State::Syncing)
        return m_controller->sentence();
    int backfilling = 0, polling = 0, paused = 0, failing = 0;
    for (const tether::sync::TableStatus &s : m_tables) {
        switch (s.phase) {
        case Phase::Discovering:
        case Phase::Backfilling: ++backfilling; break;
        case Phase::Polling: ++polling; break;
        case Phase::Paused: ++paused; break;
        case Phase::Error: ++failing; break;
        }
    }
    QStringList parts;
    if (polling)
        parts << tr("%n up to date", nullptr, polling);
    if (backfilling)
        parts << tr("%n backfilling", nullptr, backfilling);
    if (paused)
        parts << tr("%n paused", nullptr, paused);
    if (failing)
        parts << tr("%n with errors", nullptr, failing);
    if (parts.isEmpty())
        return tr("Syncing.");
    return tr("Tables: %1").arg(parts.join(QStringLiteral(", ")));
}

void DesktopShell::updateStatus()
{
    const QString text = statusText();
    m_status->setText(text);
    m_tray->setToolTip(tr("Tether — %1").arg(text));
    // Paused from the window's menu or row by row counts too.
    bool allPaused = !m_tables.isEmpty();
    for (const tether::sync::TableStatus &s : m_tables)
        allPaused = allPaused && s.pausedByPerson;
    m_allPaused = allPaused;
    m_pauseAll->setText(m_allPaused ? tr("&Resume all") : tr("&Pause all"));
    // The badge shows the worst thing going on.
    Phase look = Phase::Polling;
    bool any = false;
    for (const tether::sync::TableStatus &s : m_tables) {
        any = true;
        if (s.phase == Phase::Error)
            look = Phase::Error;
        else if (s.phase == Phase::Paused && look != Phase::Error)
            look = Phase::Paused;
        else if ((s.phase == Phase::Backfilling || s.phase == Phase::Discovering) && look == Phase::Polling)
            look = Phase::Backfilling;
    }
    if (m_controller->state() == EngineController::State::Failed)
        look = Phase::Error;
    else if (m_controller->state() != EngineController::State::Syncing || !any)
        look = Phase::Discovering;
    if (!m_iconShown || m_shownLook != look) {
        m_tray->setIcon(tether::ui::badgedAppIcon(look));
        m_shownLook = look;
        m_iconShown = true;
    }
}

void DesktopShell::onTableStatus(const tether::sync::TableStatus &status)
{
    m_tables.insert(status.objectName, status);
    updateStatus();
}

void DesktopShell::notify(const QString &title, const QString &message, bool warning)
{
    emit notified(title, message);
    if (trayAvailable() && QSystemTrayIcon::supportsMessages())
        m_tray->showMessage(title, message, warning ? QSystemTrayIcon::Warning : QSystemTrayIcon::Information, 8000);
}

void DesktopShell::openWindow()
{
    m_window->show();
    m_window->setWindowState(m_window->windowState() & ~Qt::WindowMinimized);
    m_window->raise();
    m_window->activateWindow();
}

void DesktopShell::quit()
{
    m_quitting = true;
    emit quitRequested();
    m_controller->stop(); // the app quits once everything stopped in order
}

bool DesktopShell::eventFilter(QObject *watched, QEvent *event)
{
    if (watched != m_window || event->type() != QEvent::Close || m_quitting)
        return QObject::eventFilter(watched, event);
    QSettings settings;
    if (!trayAvailable() || !settings.value(closeToTrayKey(), true).toBool())
        return QObject::eventFilter(watched, event); // closing the window quits
    // Keep syncing in the tray; say so the first time, so nobody wonders why
    // the proxy still answers.
    event->ignore();
    m_window->hide();
    if (!settings.value(closeToTrayExplainedKey(), false).toBool()) {
        settings.setValue(closeToTrayExplainedKey(), true);
        auto *box = new QMessageBox(QMessageBox::Information, tr("Tether keeps running"),
                                    tr("Tether keeps syncing and the proxy keeps answering while the window is closed. "
                                       "Open it again from the Tether icon in the system tray; choose Quit there to stop "
                                       "everything. You can change this in Settings."),
                                    QMessageBox::Ok);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
    }
    return true;
}
