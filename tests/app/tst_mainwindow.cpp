// The main window opens offscreen with its menus, keyboard shortcuts, the
// dashboard as its first unclosable tab, the rate slider, and the signals the
// setup assistant and the grid editor connect to. No engine runs here (the
// controller has no org); tests/ui drives the window against a running one.
#include "dashboard/dashboardpage.h"
#include "dashboard/orgheader.h"
#include "dashboard/ratelimitslider.h"
#include "lifecycle/enginecontroller.h"
#include "mainwindow.h"

#include "dashboard/apiusagepanel.h"
#include "dashboard/tablestatusmodel.h"

#include <QAction>
#include <QApplication>
#include <QChartView>
#include <QDir>
#include <QStyleFactory>
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
    void darkPaletteReachesEveryPart();
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
    QSize chosen;
    {
        EngineController controller;
        MainWindow window(&controller);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.resize(1000, 700);
        chosen = window.size(); // the window's minimum may have its say
        QVERIFY(chosen != QSize(1280, 820));
        window.dashboard()->tableView()->horizontalHeader()->resizeSection(0, 333);
        window.close();
    }
    EngineController controller;
    MainWindow window(&controller);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QCOMPARE(window.size(), chosen);
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

void TestMainWindow::darkPaletteReachesEveryPart()
{
    // A dark desktop palette: text stays light on dark, the chart follows.
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QPalette dark;
    dark.setColor(QPalette::Window, QColor(0x2b, 0x2b, 0x2b));
    dark.setColor(QPalette::WindowText, QColor(0xe6, 0xe6, 0xe6));
    dark.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
    dark.setColor(QPalette::AlternateBase, QColor(0x26, 0x26, 0x26));
    dark.setColor(QPalette::Text, QColor(0xe6, 0xe6, 0xe6));
    dark.setColor(QPalette::Button, QColor(0x35, 0x35, 0x35));
    dark.setColor(QPalette::ButtonText, QColor(0xe6, 0xe6, 0xe6));
    dark.setColor(QPalette::Highlight, QColor(0x2d, 0x7d, 0xd2));
    dark.setColor(QPalette::HighlightedText, Qt::white);
    dark.setColor(QPalette::PlaceholderText, QColor(0x90, 0x90, 0x90));
    QApplication::setPalette(dark);
    QSettings().clear(); // the default layout, not the one an earlier test left
    EngineController controller;
    MainWindow window(&controller);
    window.resize(1280, 820);
    tether::sync::TableStatus account;
    account.objectName = QStringLiteral("Account");
    account.phase = tether::sync::Phase::Backfilling;
    account.rowsTotal = 5000;
    account.rowsDone = 2000;
    account.apiCalls = 2;
    window.dashboard()->model()->showTableStatus(account);
    tether::sync::TableStatus contact;
    contact.objectName = QStringLiteral("Contact");
    contact.phase = tether::sync::Phase::Error;
    contact.lastError = QStringLiteral("Salesforce refused the query: INVALID_FIELD.");
    window.dashboard()->model()->showTableStatus(contact);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto *chart = window.findChild<QChartView *>(QStringLiteral("apiCallsChart"));
    QVERIFY(chart);
    QVERIFY(chart->chart()->backgroundBrush().color().lightness() < 128);
    QVERIFY(window.dashboard()->tableView()->palette().color(QPalette::Text).lightness() > 128);
    // TETHER_SCREENSHOT_DIR set: keep the picture for a person to look at.
    const QString dir = qEnvironmentVariable("TETHER_SCREENSHOT_DIR");
    if (!dir.isEmpty())
        QVERIFY(window.grab().save(QDir(dir).filePath(QStringLiteral("dashboard-dark.png"))));
    QApplication::setPalette(QApplication::style()->standardPalette());
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
