// The main window opens offscreen with its menus, keyboard shortcuts, the
// dashboard as its first unclosable tab, the rate slider, and the signals the
// setup assistant and the grid editor connect to. No engine runs here (the
// controller has no org); tests/ui drives the window against a running one.
#include "dashboard/dashboardpage.h"
#include "dashboard/orgheader.h"
#include "dashboard/ratelimitslider.h"
#include "lifecycle/enginecontroller.h"
#include "mainwindow.h"

#include <QAction>
#include <QHeaderView>
#include <QLabel>
#include <QMenuBar>
#include <QSettings>
#include <QSignalSpy>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTest>

using tether::lifecycle::EngineController;
using tether::ui::MainWindow;

class TestMainWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QSettings().clear(); }
    void opensWithMenusAndShortcuts();
    void menusAskForTheOtherParts();
    void dashboardTabStaysDocumentsClose();
    void geometryAndColumnsAreRemembered();
    void noOrgSaysLoggedOut();
};

void TestMainWindow::opensWithMenusAndShortcuts()
{
    EngineController controller;
    MainWindow window(&controller);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QCOMPARE(window.windowTitle(), QStringLiteral("Tether"));
    QCOMPARE(window.menuBar()->actions().size(), 3); // File, Sync, Help
    auto *quit = window.findChild<QAction *>(QStringLiteral("quitAction"));
    QVERIFY(quit);
    QCOMPARE(quit->shortcut(), QKeySequence(QKeySequence::Quit));
    QVERIFY(window.findChild<QLabel *>(QStringLiteral("connectionState")));
    QVERIFY(window.findChild<QTableView *>(QStringLiteral("syncTables")));
    QVERIFY(window.rateSlider()->isVisible());

    // Quit stops the engine in order; the app ends on stopped().
    QSignalSpy quitting(&window, &MainWindow::quitRequested);
    QSignalSpy stopped(&controller, &EngineController::stopped);
    quit->trigger();
    QCOMPARE(quitting.count(), 1);
    QVERIFY(stopped.wait(5000));
}

void TestMainWindow::menusAskForTheOtherParts()
{
    EngineController controller;
    MainWindow window(&controller);
    QSignalSpy setup(&window, &MainWindow::setupAssistantRequested);
    QSignalSpy settings(&window, &MainWindow::settingsRequested);
    QSignalSpy add(&window, &MainWindow::addObjectsRequested);
    window.findChild<QAction *>(QStringLiteral("setupAction"))->trigger();
    window.findChild<QAction *>(QStringLiteral("settingsAction"))->trigger();
    window.findChild<QAction *>(QStringLiteral("addObjectsAction"))->trigger();
    window.findChild<QAction *>(QStringLiteral("addObjectsButtonAction"))->trigger(); // the dashboard's button
    QCOMPARE(setup.count(), 1);
    QCOMPARE(settings.count(), 1);
    QCOMPARE(add.count(), 2);
}

void TestMainWindow::dashboardTabStaysDocumentsClose()
{
    EngineController controller;
    MainWindow window(&controller);
    QTabWidget *tabs = window.tabs();
    QCOMPARE(tabs->count(), 1);
    QCOMPARE(tabs->widget(0), window.dashboard());
    QVERIFY(!tabs->tabBar()->tabButton(0, QTabBar::RightSide));
    auto *page = new QLabel(QStringLiteral("a grid"));
    const int index = window.addDocumentTab(page, QStringLiteral("Account"));
    QCOMPARE(index, 1);
    QCOMPARE(tabs->currentIndex(), 1);
    QVERIFY(tabs->tabBar()->tabButton(1, QTabBar::RightSide));
    QPointer<QLabel> watch(page);
    emit tabs->tabCloseRequested(1);
    QCOMPARE(tabs->count(), 1);
    QTRY_VERIFY(watch.isNull());
    emit tabs->tabCloseRequested(0); // the dashboard does not close
    QCOMPARE(tabs->count(), 1);
}

void TestMainWindow::geometryAndColumnsAreRemembered()
{
    {
        EngineController controller;
        MainWindow window(&controller);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.resize(1000, 640);
        window.dashboard()->tableView()->horizontalHeader()->resizeSection(0, 333);
        window.close();
    }
    EngineController controller;
    MainWindow window(&controller);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QCOMPARE(window.size(), QSize(1000, 640));
    QCOMPARE(window.dashboard()->tableView()->horizontalHeader()->sectionSize(0), 333);
}

void TestMainWindow::noOrgSaysLoggedOut()
{
    EngineController controller;
    MainWindow window(&controller);
    controller.start(); // no org configured
    QCOMPARE(window.dashboard()->header()->connection(), tether::ui::OrgHeader::Connection::LoggedOut);
    QCOMPARE(window.findChild<QLabel *>(QStringLiteral("engineState"))->text(), QStringLiteral("No Salesforce org is set up yet."));
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
