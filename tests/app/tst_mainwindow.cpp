// The main window opens offscreen with its menus and keyboard shortcuts.
#include "mainwindow.h"

#include <QAction>
#include <QLabel>
#include <QMenuBar>
#include <QSignalSpy>
#include <QTest>

class TestMainWindow : public QObject
{
    Q_OBJECT

private slots:
    void opensWithMenusAndShortcuts();
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

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
