#include "mainwindow.h"

#include <QApplication>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTableWidget>

namespace tether::ui {

namespace {
enum Column { Object, Phase, Rows, Progress, LastPoll, ApiCalls, LastError, ColumnCount };

QString phaseText(sync::Phase phase)
{
    switch (phase) {
    case sync::Phase::Discovering: return MainWindow::tr("Discovering");
    case sync::Phase::Backfilling: return MainWindow::tr("Backfilling");
    case sync::Phase::Polling: return MainWindow::tr("Polling");
    case sync::Phase::Paused: return MainWindow::tr("Paused");
    case sync::Phase::Error: return MainWindow::tr("Error");
    }
    return {};
}
} // namespace

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Tether"));
    resize(1100, 720);

    QMenu *fileMenu = menuBar()->addMenu(tr("&File"));
    QAction *quit = fileMenu->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setObjectName(QStringLiteral("quitAction"));
    quit->setShortcut(QKeySequence::Quit);

    QMenu *helpMenu = menuBar()->addMenu(tr("&Help"));
    QAction *about = helpMenu->addAction(tr("&About Tether"), this, &MainWindow::showAbout);
    about->setObjectName(QStringLiteral("aboutAction"));

    m_placeholder = new QLabel(tr("Not connected to Salesforce."), this);
    m_placeholder->setObjectName(QStringLiteral("connectionState"));
    m_placeholder->setAlignment(Qt::AlignCenter);

    m_tables = new QTableWidget(0, ColumnCount, this);
    m_tables->setObjectName(QStringLiteral("syncTables"));
    m_tables->setHorizontalHeaderLabels({tr("Object"), tr("Phase"), tr("Rows"), tr("Backfill"), tr("Last poll"),
                                         tr("API calls"), tr("Last error")});
    m_tables->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_tables->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_tables->verticalHeader()->hide();
    m_tables->horizontalHeader()->setStretchLastSection(true);

    m_stack = new QStackedWidget(this);
    m_stack->addWidget(m_placeholder);
    m_stack->addWidget(m_tables);
    setCentralWidget(m_stack);
    statusBar()->showMessage(tr("Ready"));
}

void MainWindow::showTableStatus(const sync::TableStatus &s)
{
    m_stack->setCurrentWidget(m_tables);
    int row = m_rowOf.value(s.objectName, -1);
    if (row < 0) {
        row = m_tables->rowCount();
        m_tables->insertRow(row);
        m_rowOf.insert(s.objectName, row);
        for (int c = 0; c < ColumnCount; ++c)
            m_tables->setItem(row, c, new QTableWidgetItem);
    }
    const QLocale locale;
    QString progress;
    if (s.phase == sync::Phase::Backfilling && s.rowsTotal > 0) {
        progress = tr("%1 of %2 (%3%)").arg(locale.toString(s.rowsDone), locale.toString(s.rowsTotal))
                       .arg(100.0 * double(s.rowsDone) / double(s.rowsTotal), 0, 'f', 1);
        if (s.etaSeconds >= 0)
            progress += tr(", about %n s left", nullptr, int(s.etaSeconds));
    } else if (s.phase == sync::Phase::Polling || s.phase == sync::Phase::Paused) {
        progress = tr("done");
    }
    m_tables->item(row, Object)->setText(s.objectName);
    m_tables->item(row, Object)->setToolTip(s.tableName);
    m_tables->item(row, Phase)->setText(phaseText(s.phase));
    m_tables->item(row, Rows)->setText(locale.toString(s.rowsInTable));
    m_tables->item(row, Progress)->setText(progress);
    m_tables->item(row, LastPoll)->setText(s.lastPoll.isValid() ? locale.toString(s.lastPoll.toLocalTime().time()) : QString());
    m_tables->item(row, ApiCalls)->setText(locale.toString(s.apiCalls, 'f', 1));
    m_tables->item(row, LastError)->setText(s.lastError);
    m_tables->item(row, LastError)->setToolTip(s.lastError);
}

void MainWindow::showMessage(const QString &message)
{
    m_placeholder->setText(message);
    statusBar()->showMessage(message);
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About Tether"),
                       tr("<b>Tether %1</b><p>Mirrors a Salesforce org into PostgreSQL and writes "
                          "back through a Postgres-compatible proxy.</p>")
                           .arg(QApplication::applicationVersion()));
}

} // namespace tether::ui
