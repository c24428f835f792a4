// The main window opens offscreen with its menus and keyboard shortcuts.
#include "mainwindow.h"

#include <QAction>
#include <QLabel>
#include <QMenuBar>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>

class TestMainWindow : public QObject
{
    Q_OBJECT

private slots:
    void opensWithMenusAndShortcuts();
    void showsOneRowPerSyncedTable();
};

void TestMainWindow::opensWithMenusAndShortcuts()
{
    tether::ui::MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QCOMPARE(window.windowTitle(), QStringLiteral("Tether"));
    QCOMPARE(window.menuBar()->actions().size(), 2);

    auto *quit = window.findChild<QAction *>(QStringLiteral("quitAction"));
    QVERIFY(quit);
    QCOMPARE(quit->shortcut(), QKeySequence(QKeySequence::Quit));
    QVERIFY(window.findChild<QLabel *>(QStringLiteral("connectionState")));

    quit->trigger();
    QTRY_VERIFY(!window.isVisible());
}

void TestMainWindow::showsOneRowPerSyncedTable()
{
    tether::ui::MainWindow window;
    auto *tables = window.findChild<QTableWidget *>(QStringLiteral("syncTables"));
    QVERIFY(tables);
    tether::sync::TableStatus account;
    account.objectName = QStringLiteral("Account");
    account.phase = tether::sync::Phase::Backfilling;
    account.rowsTotal = 1000;
    account.rowsDone = 250;
    account.etaSeconds = 12;
    window.showTableStatus(account);
    tether::sync::TableStatus contact;
    contact.objectName = QStringLiteral("Contact");
    contact.phase = tether::sync::Phase::Polling;
    contact.rowsInTable = 42;
    window.showTableStatus(contact);
    QCOMPARE(tables->rowCount(), 2);
    QVERIFY(tables->item(0, 3)->text().contains(QStringLiteral("25.0%")));
    QCOMPARE(tables->item(0, 1)->text(), QStringLiteral("Backfilling"));

    account.phase = tether::sync::Phase::Paused;
    account.lastError = QStringLiteral("Paused: quota");
    window.showTableStatus(account);
    QCOMPARE(tables->rowCount(), 2); // updated in place
    QCOMPARE(tables->item(0, 1)->text(), QStringLiteral("Paused"));
    QCOMPARE(tables->item(0, 6)->text(), QStringLiteral("Paused: quota"));
    QCOMPARE(tables->item(1, 2)->text(), QLocale().toString(42));
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
