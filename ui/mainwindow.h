// MainWindow: the top-level window — menus, a table with one row per synced
// Salesforce object (phase, rows, backfill progress, last poll, API calls,
// last error) and a status bar. The full dashboard and grid editor plug in here.
#pragma once

#include "sync/syncstatus.h"

#include <QHash>
#include <QMainWindow>

class QLabel;
class QStackedWidget;
class QTableWidget;

namespace tether::ui {

class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget *parent = nullptr);

public slots:
    // Adds or updates the row of status.objectName.
    void showTableStatus(const tether::sync::TableStatus &status);
    void showMessage(const QString &message);

private:
    void showAbout();

    QStackedWidget *m_stack = nullptr;
    QLabel *m_placeholder = nullptr;
    QTableWidget *m_tables = nullptr;
    QHash<QString, int> m_rowOf;
};

} // namespace tether::ui
