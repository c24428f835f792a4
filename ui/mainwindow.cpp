#include "mainwindow.h"

#include <QApplication>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>

namespace tether::ui {

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

    auto *placeholder = new QLabel(tr("Not connected to Salesforce."), this);
    placeholder->setObjectName(QStringLiteral("connectionState"));
    placeholder->setAlignment(Qt::AlignCenter);
    setCentralWidget(placeholder);
    statusBar()->showMessage(tr("Ready"));
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About Tether"),
                       tr("<b>Tether %1</b><p>Mirrors a Salesforce org into PostgreSQL and writes "
                          "back through a Postgres-compatible proxy.</p>")
                           .arg(QApplication::applicationVersion()));
}

} // namespace tether::ui
