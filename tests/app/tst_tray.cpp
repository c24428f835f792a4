// The tray icon, against a real tray protocol: the test is the desktop's tray
// host. It runs under Xvfb in a private D-Bus session (see CMakeLists.txt) and
// owns org.kde.StatusNotifierWatcher, the service through which desktops
// (KDE, GNOME with the AppIndicator extension, XFCE, ...) learn of tray icons.
// Qt's own StatusNotifierItem implementation registers Tether's icon there,
// exports its menu over com.canonical.dbusmenu, and the test clicks it the way
// a panel does: Activate opens the window, the menu's items pause, resume and
// quit. Closing the window keeps the sync and the proxy running (checked with
// a record changed in tether-sim and a query through the proxy), with an
// explanation the first time only.
#include "desktopshell.h"
#include "lifecycle/enginecontroller.h"
#include "lifecycle/loginmethod.h"
#include "mainwindow.h"
#include "simcontrol.h"
#include "simprocess.h"
#include "store/pgconnection.h"
#include "testpg.h"

#include <QApplication>
#include <QDBusArgument>
#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusObjectPath>
#include <QDBusPendingCall>
#include <QDBusPendingReply>
#include <QDBusVariant>
#include <QJsonObject>
#include <QMessageBox>
#include <QMutex>
#include <QThread>
#include <QSettings>
#include <QSignalSpy>
#include <QSystemTrayIcon>
#include <QTest>

using namespace tether;
using lifecycle::EngineController;

// The panel's side of the StatusNotifier protocol: items register here. It
// lives on its own thread, as a panel is another process: Qt asks it blocking
// questions from the GUI thread ("is a host registered?").
class TrayHost : public QObject
{
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.kde.StatusNotifierWatcher")
    Q_PROPERTY(bool IsStatusNotifierHostRegistered READ isHostRegistered)
    Q_PROPERTY(int ProtocolVersion READ protocolVersion)
    Q_PROPERTY(QStringList RegisteredStatusNotifierItems READ registeredItems)
public:
    bool isHostRegistered() const { return true; }
    int protocolVersion() const { return 0; }
    // Bus names of the registered icons.
    QStringList registeredItems() const
    {
        QMutexLocker lock(&m_mutex);
        return m_items;
    }

public slots:
    void RegisterStatusNotifierItem(const QString &service, const QDBusMessage &message)
    {
        // An item may pass its object path instead of a bus name; then the sender is the name.
        const QString name = service.startsWith(QLatin1Char('/')) ? message.service() : service;
        QMutexLocker lock(&m_mutex);
        m_items << name;
    }
    void RegisterStatusNotifierHost(const QString &) {}

private:
    mutable QMutex m_mutex;
    QStringList m_items;
};

// One entry of a dbusmenu layout.
struct MenuEntry
{
    int id = 0;
    QString label; // with the mnemonic marker removed
    bool enabled = true;
    QList<MenuEntry> children;
};

class TestTray : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void iconAndMenuReachTheTray();
    void closingTheWindowKeepsSyncing();
    void activatingTheIconOpensTheWindow();
    void pauseAllAndResumeFromTheMenu();
    void quitFromTheMenu();
    void cleanupTestCase();

private:
    // Waits for an asynchronous call to the icon (the icon's answers need this thread's event loop).
    QDBusMessage callItem(const QString &path, const QString &interface, const QString &method, const QVariantList &args);
    QList<MenuEntry> menu();
    MenuEntry entry(const QString &label);
    void click(const QString &label);

    QDBusConnection m_bus{QString()};
    QThread m_hostThread;
    TrayHost *m_host = nullptr; // on m_hostThread
    QString m_database;
    std::unique_ptr<test::SimProcess> m_sim;
    std::unique_ptr<test::SimControl> m_control;
    std::unique_ptr<EngineController> m_controller;
    std::unique_ptr<ui::MainWindow> m_window;
    std::unique_ptr<DesktopShell> m_shell;
    QString m_item;     // the icon's bus name
    QString m_menuPath; // its menu's object path
};

void TestTray::initTestCase()
{
    QVERIFY2(QGuiApplication::platformName() == QLatin1String("xcb"),
             "run under Xvfb with QT_QPA_PLATFORM=xcb (ctest does: see tests/app/CMakeLists.txt)");
    QVERIFY2(QDBusConnection::sessionBus().isConnected(), "run inside dbus-run-session (ctest does)");
    // Be the tray before the icon looks for one: a separate connection, as a panel is another process.
    m_bus = QDBusConnection::connectToBus(QDBusConnection::SessionBus, QStringLiteral("tray-host"));
    QVERIFY(m_bus.isConnected());
    m_host = new TrayHost;
    m_host->moveToThread(&m_hostThread);
    connect(&m_hostThread, &QThread::finished, m_host, &QObject::deleteLater);
    m_hostThread.start();
    QVERIFY(m_bus.registerObject(QStringLiteral("/StatusNotifierWatcher"), m_host,
                                 QDBusConnection::ExportAllSlots | QDBusConnection::ExportAllProperties));
    QVERIFY(m_bus.registerService(QStringLiteral("org.kde.StatusNotifierWatcher")));
    QVERIFY(QSystemTrayIcon::isSystemTrayAvailable());

    QSettings().remove(DesktopShell::closeToTrayExplainedKey());
    QSettings().remove(DesktopShell::closeToTrayKey()); // the default: close to the tray
    QString why;
    m_database = test::createScratchDatabase(QStringLiteral("tether_app_tray"), &why);
    QVERIFY2(!m_database.isEmpty(), qPrintable(why));
    m_sim = std::make_unique<test::SimProcess>(QStringList{QStringLiteral("--generate"), QStringLiteral("Account=50,Contact=80")});
    QVERIFY2(m_sim->start(&why), qPrintable(why));
    const QByteArray token = m_sim->fetchAccessToken(&why);
    QVERIFY2(!token.isEmpty(), qPrintable(why));
    m_control = std::make_unique<test::SimControl>(m_sim->baseUrl(), token);

    lifecycle::EngineSettings settings = m_sim->engineSettings(m_database);
    settings.objects = {QStringLiteral("Account"), QStringLiteral("Contact")};
    settings.pollMaxIntervalMs = 2000;
    settings.proxyPort = 0;
    m_controller = std::make_unique<EngineController>();
    m_controller->configure(settings, std::make_unique<lifecycle::ClientCredentialsLogin>());
    m_window = std::make_unique<ui::MainWindow>(m_controller.get());
    m_shell = std::make_unique<DesktopShell>(m_controller.get(), m_window.get());
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QSignalSpy caughtUp(m_controller.get(), &EngineController::caughtUp);
    m_controller->start();
    QVERIFY2(caughtUp.wait(120000) || caughtUp.count() > 0, qPrintable(m_controller->sentence()));
}

QDBusMessage TestTray::callItem(const QString &path, const QString &interface, const QString &method, const QVariantList &args)
{
    QDBusMessage call = QDBusMessage::createMethodCall(m_item, path, interface, method);
    call.setArguments(args);
    QDBusPendingCall pending = m_bus.asyncCall(call, 10000);
    // The call times out after 10 s with an error reply, so this wait ends.
    if (!QTest::qWaitFor([&] { return pending.isFinished(); }, 15000))
        return QDBusMessage::createError(QStringLiteral("org.tether.Test.NoAnswer"), QStringLiteral("no answer from the icon"));
    return pending.reply();
}

static MenuEntry readEntry(const QDBusArgument &arg)
{
    MenuEntry entry;
    QVariantMap properties;
    arg.beginStructure();
    arg >> entry.id >> properties;
    entry.label = properties.value(QStringLiteral("label")).toString().remove(QLatin1Char('_'));
    entry.enabled = properties.value(QStringLiteral("enabled"), true).toBool();
    arg.beginArray();
    while (!arg.atEnd()) {
        QDBusVariant child;
        arg >> child;
        entry.children << readEntry(child.variant().value<QDBusArgument>());
    }
    arg.endArray();
    arg.endStructure();
    return entry;
}

QList<MenuEntry> TestTray::menu()
{
    const QDBusMessage reply = callItem(m_menuPath, QStringLiteral("com.canonical.dbusmenu"), QStringLiteral("GetLayout"),
                                        {0, -1, QStringList()});
    if (reply.type() != QDBusMessage::ReplyMessage || reply.arguments().size() < 2)
        return {};
    return readEntry(reply.arguments().at(1).value<QDBusArgument>()).children;
}

MenuEntry TestTray::entry(const QString &label)
{
    for (const MenuEntry &e : menu()) {
        if (e.label == label)
            return e;
    }
    return {};
}

void TestTray::click(const QString &label)
{
    const MenuEntry e = entry(label);
    QVERIFY2(e.id != 0, qPrintable(QStringLiteral("no menu entry \"%1\"").arg(label)));
    const QDBusMessage reply = callItem(m_menuPath, QStringLiteral("com.canonical.dbusmenu"), QStringLiteral("Event"),
                                        {e.id, QStringLiteral("clicked"), QVariant::fromValue(QDBusVariant(0)), 0u});
    QCOMPARE(reply.type(), QDBusMessage::ReplyMessage);
}

void TestTray::iconAndMenuReachTheTray()
{
    QTRY_COMPARE_WITH_TIMEOUT(m_host->registeredItems().size(), 1, 10000);
    m_item = m_host->registeredItems().first();
    QVERIFY(m_shell->trayAvailable());

    // The icon's menu, as the panel reads it: the status line, Open, Pause all, Quit.
    const QDBusMessage menuPath = callItem(QStringLiteral("/StatusNotifierItem"), QStringLiteral("org.freedesktop.DBus.Properties"),
                                           QStringLiteral("Get"), {QStringLiteral("org.kde.StatusNotifierItem"), QStringLiteral("Menu")});
    QCOMPARE(menuPath.type(), QDBusMessage::ReplyMessage);
    m_menuPath = menuPath.arguments().at(0).value<QDBusVariant>().variant().value<QDBusObjectPath>().path();
    QVERIFY(!m_menuPath.isEmpty());
    QStringList labels;
    for (const MenuEntry &e : menu())
        labels << e.label;
    QVERIFY2(labels.contains(QStringLiteral("Open Tether")), qPrintable(labels.join(QLatin1Char('|'))));
    QVERIFY(labels.contains(QStringLiteral("Pause all")));
    QVERIFY(labels.contains(QStringLiteral("Quit")));
    // The status line follows the tables (a poll may pass through another phase meanwhile).
    QTRY_COMPARE_WITH_TIMEOUT(menu().value(0).label, QStringLiteral("Tables: 2 up to date"), 10000);
    QVERIFY(!menu().first().enabled); // a status line, not a command
}

void TestTray::closingTheWindowKeepsSyncing()
{
    QVERIFY(m_window->isVisible());
    // The first close explains itself and hides the window; nothing stops.
    QVERIFY(m_window->close() == false || !m_window->isVisible());
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->isVisible(), 5000);
    QMessageBox *explanation = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT([&] {
        for (QWidget *w : QApplication::topLevelWidgets()) {
            if (auto *box = qobject_cast<QMessageBox *>(w); box && box->isVisible())
                explanation = box;
        }
        return explanation != nullptr;
    }(), 5000);
    QVERIFY2(explanation->text().contains(QStringLiteral("system tray")), qPrintable(explanation->text()));
    explanation->accept();
    QCOMPARE(m_controller->state(), EngineController::State::Syncing);

    // The sync goes on: a change in Salesforce reaches the mirror while the window is closed.
    const QString id = m_control->create(QStringLiteral("Account"), {{QStringLiteral("Name"), QStringLiteral("Made while closed")}});
    QVERIFY(!id.isEmpty());
    store::PgConnection db;
    QVERIFY(!db.open(m_database));
    QTRY_COMPARE_WITH_TIMEOUT(db.exec(QStringLiteral("SELECT name FROM salesforce.account WHERE id = '%1'").arg(id)).value(0, 0),
                              QStringLiteral("Made while closed"), 60000);
    // And the proxy answers.
    store::PgConnection viaProxy;
    QVERIFY(!viaProxy.open(m_controller->proxyConnectionString()));
    QCOMPARE(viaProxy.exec(QStringLiteral("SELECT name FROM salesforce.account WHERE id = '%1'").arg(id)).value(0, 0),
             QStringLiteral("Made while closed"));

    // The second close says nothing more.
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    m_window->close();
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->isVisible(), 5000);
    for (QWidget *w : QApplication::topLevelWidgets())
        QVERIFY(!(qobject_cast<QMessageBox *>(w) && w->isVisible()));
}

void TestTray::activatingTheIconOpensTheWindow()
{
    QVERIFY(!m_window->isVisible());
    const QDBusMessage reply = callItem(QStringLiteral("/StatusNotifierItem"), QStringLiteral("org.kde.StatusNotifierItem"),
                                        QStringLiteral("Activate"), {0, 0});
    QCOMPARE(reply.type(), QDBusMessage::ReplyMessage);
    QTRY_VERIFY_WITH_TIMEOUT(m_window->isVisible(), 5000);
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestTray::pauseAllAndResumeFromTheMenu()
{
    click(QStringLiteral("Pause all"));
    auto allPaused = [this](bool paused) {
        const QList<sync::TableStatus> statuses = m_controller->tableStatuses();
        if (statuses.size() != 2)
            return false;
        for (const sync::TableStatus &s : statuses) {
            if (s.pausedByPerson != paused)
                return false;
        }
        return true;
    };
    QTRY_VERIFY_WITH_TIMEOUT(allPaused(true), 20000);
    QTRY_VERIFY_WITH_TIMEOUT(entry(QStringLiteral("Resume all")).id != 0, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(m_shell->statusText().contains(QStringLiteral("paused")), 10000);
    click(QStringLiteral("Resume all"));
    QTRY_VERIFY_WITH_TIMEOUT(allPaused(false), 20000);
    QTRY_VERIFY_WITH_TIMEOUT(entry(QStringLiteral("Pause all")).id != 0, 10000);
}

void TestTray::quitFromTheMenu()
{
    QSignalSpy quit(m_shell.get(), &DesktopShell::quitRequested);
    QSignalSpy stopped(m_controller.get(), &EngineController::stopped);
    click(QStringLiteral("Quit"));
    QTRY_COMPARE_WITH_TIMEOUT(quit.size(), 1, 10000);
    // Everything stops in order (the app's event loop then ends).
    QVERIFY(stopped.count() > 0 || stopped.wait(60000));
    QCOMPARE(m_controller->state(), EngineController::State::Stopped);
}

void TestTray::cleanupTestCase()
{
    m_hostThread.quit();
    m_hostThread.wait();
    m_shell.reset();
    m_window.reset();
    if (m_controller && m_controller->state() != EngineController::State::Stopped) {
        QSignalSpy stopped(m_controller.get(), &EngineController::stopped);
        m_controller->stop();
        QVERIFY(stopped.count() > 0 || stopped.wait(60000));
    }
}

QTEST_MAIN(TestTray)
#include "tst_tray.moc"
