// MainWindow: the top-level window. Menus, a tab area whose first, unclosable
// tab is the dashboard (other tabs — grid editors — are closable), and the
// always-visible API rate slider at the bottom. It observes the engine
// controller and sends intent to it; dialogs that other parts of the app own
// (setup assistant, settings, object picker) are asked for with signals.
#pragma once

#include "lifecycle/desktopsettings.h"

#include <QMainWindow>

class QLabel;
class QTabWidget;

namespace tether::lifecycle {
class EngineController;
}

namespace tether::ui {

class DashboardPage;
class RateLimitSlider;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(tether::lifecycle::EngineController *controller, QWidget *parent = nullptr);
    ~MainWindow() override;

    // Adds a closable tab after the dashboard and shows it; returns its index.
    int addDocumentTab(QWidget *page, const QString &title);

    // Opens the object's table in a grid editor tab (or shows the open one).
    // The grid connects through the write-through proxy like any client.
    void openTable(const QString &objectName);

    DashboardPage *dashboard() const { return m_dashboard; }
    RateLimitSlider *rateSlider() const { return m_rateSlider; }
    QTabWidget *tabs() const { return m_tabs; }
    // Window geometry and the dashboard's column and splitter layout, to QSettings.
    void saveLayout() const;

    // QSettings key of the chosen rate (requests per second), shared with the
    // setup assistant and the settings dialog.
    static QString rateSettingsKey() { return QLatin1String(lifecycle::RateSettingsKey); }

signals:
    void setupAssistantRequested();
    void settingsRequested();
    void addObjectsRequested();
    void openTableRequested(const QString &objectName);
    // A person moved the rate slider; already applied to the running limiter and stored.
    void rateChanged(double requestsPerSecond);
    // File > Quit: the engine is being stopped in order (the app quits on stopped()).
    void quitRequested();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createMenus();
    void applyRate(double requestsPerSecond);
    void showAbout();

    lifecycle::EngineController *m_controller;
    QTabWidget *m_tabs = nullptr;
    DashboardPage *m_dashboard = nullptr;
    RateLimitSlider *m_rateSlider = nullptr;
    QLabel *m_stateLabel = nullptr;
};

} // namespace tether::ui
