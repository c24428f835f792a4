// DashboardPage: the first tab of the main window. It observes the engine
// controller (never calls into the engine's threads) and shows the org header,
// one row per synced table with its actions, the API usage and the activity
// log; it sends what a person asks for (sync now, pause, re-sync, remove) to
// the controller as intent.
#pragma once

#include "sync/syncstatus.h"

#include <QHash>
#include <QWidget>
#include <functional>

class QAction;
class QLineEdit;
class QSortFilterProxyModel;
class QSplitter;
class QTableView;

namespace tether::lifecycle {
class EngineController;
}

namespace tether::ui {

class ActivityLog;
class ApiUsagePanel;
class OrgHeader;
class TableStatusModel;

class DashboardPage : public QWidget
{
    Q_OBJECT
public:
    explicit DashboardPage(lifecycle::EngineController *controller, QWidget *parent = nullptr);

    TableStatusModel *model() const { return m_model; }
    QTableView *tableView() const { return m_view; }
    OrgHeader *header() const { return m_header; }
    ApiUsagePanel *apiUsage() const { return m_usage; }
    ActivityLog *activity() const { return m_activity; }

    // The object of the current row; empty when none is selected.
    QString currentObject() const;
    // Asks a person before a costly or destructive action. Tests replace it.
    using Confirmation = std::function<bool(const QString &title, const QString &text)>;
    void setConfirmation(Confirmation confirm) { m_confirm = std::move(confirm); }

    // API calls a fresh backfill of `status` costs (REST pages or a Bulk job).
    static qint64 backfillCallEstimate(const sync::TableStatus &status);
    // The sentence of the re-sync confirmation: what it costs.
    QString resyncQuestion(const QString &objectName) const;

    void saveLayout() const;
    void restoreLayout();

public slots:
    void syncCurrentNow();
    void toggleCurrentPaused();
    void resyncCurrent();
    void removeCurrent();
    void showCurrentDetails();

signals:
    void openTableRequested(const QString &objectName);
    void addObjectsRequested();

private:
    void fitHeadings(); // every column at least as wide as its heading (and a freshness text)
    void connectController();
    void onTableStatus(const sync::TableStatus &status);
    void updateOrg();
    void updateProxy(const QString &sentence);
    void updateBudget();
    void updateActions();
    void showContextMenu(const QPoint &position);

    lifecycle::EngineController *m_controller;
    TableStatusModel *m_model = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    QTableView *m_view = nullptr;
    QLineEdit *m_filter = nullptr;
    OrgHeader *m_header = nullptr;
    ApiUsagePanel *m_usage = nullptr;
    ActivityLog *m_activity = nullptr;
    QSplitter *m_mainSplit = nullptr;
    QSplitter *m_tableSplit = nullptr;
    QAction *m_syncNow = nullptr;
    QAction *m_pause = nullptr;
    QAction *m_resync = nullptr;
    QAction *m_remove = nullptr;
    QAction *m_details = nullptr;
    QAction *m_open = nullptr;
    QAction *m_addObjects = nullptr;
    Confirmation m_confirm;
    bool m_databaseReachable = true;
    QHash<QString, sync::TableStatus> m_lastLogged; // what the activity log already told
};

} // namespace tether::ui
