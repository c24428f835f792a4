// DesktopShell: Tether's presence on the desktop beyond its window — the tray
// icon (status, Open, Pause all, Quit), closing the window into the tray (a
// setting, explained the first time) and desktop notifications when a backfill
// finishes, when all have, when sync pauses for the quota and resumes, and when
// the login needs renewing. It observes the engine controller like the window.
#pragma once

#include "sync/syncstatus.h"

#include <QHash>
#include <QObject>

class QAction;
class QMenu;
class QSystemTrayIcon;

namespace tether::lifecycle {
class EngineController;
}
namespace tether::ui {
class MainWindow;
}

class DesktopShell : public QObject
{
    Q_OBJECT
public:
    // QSettings keys (the settings dialog offers the first one).
    static QString closeToTrayKey() { return QStringLiteral("desktop/closeToTray"); }
    static QString closeToTrayExplainedKey() { return QStringLiteral("desktop/closeToTrayExplained"); }

    DesktopShell(tether::lifecycle::EngineController *controller, tether::ui::MainWindow *window, QObject *parent = nullptr);
    ~DesktopShell() override;

    // The tray's first line: how the sync is doing, in words.
    QString statusText() const;
    bool trayAvailable() const;

signals:
    // Every notification, also where no tray shows it (tests observe this).
    void notified(const QString &title, const QString &message);
    // Quit from the tray, just before the engine is told to stop.
    void quitRequested();

public slots:
    void openWindow();
    void quit();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void notify(const QString &title, const QString &message, bool warning = false);
    void onTableStatus(const tether::sync::TableStatus &status);
    void updateStatus();

    tether::lifecycle::EngineController *m_controller;
    tether::ui::MainWindow *m_window;
    QSystemTrayIcon *m_tray = nullptr;
    QMenu *m_menu = nullptr;
    QAction *m_status = nullptr;
    QAction *m_pauseAll = nullptr;
    QHash<QString, tether::sync::TableStatus> m_tables;
    bool m_allPaused = false;
    bool m_quitting = false;
    bool m_loginNotified = false;
    tether::sync::Phase m_shownLook = tether::sync::Phase::Discovering;
    bool m_iconShown = false;
};
