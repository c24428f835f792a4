// Entry point: parses the command line, then runs the engine without a window
// (--headless, progress on stderr) or opens the main window. The engine's
// start-up and shutdown belong to lifecycle::EngineController; this file only
// wires it to a window or to the headless reporter.
#include "commandline.h"
#include "desktopshell.h"
#include "desktopstart.h"
#include "lifecycle/desktopsettings.h"
#include "headlessreporter.h"
#include "healthserver.h"
#include "serverreload.h"
#include "lifecycle/enginecontroller.h"
#include "logging.h"
#include "mainwindow.h"
#include "signalwatcher.h"

#include <QApplication>
#include <QGuiApplication>
#include <QCoreApplication>
#include <QIcon>
#include <QLibraryInfo>
#include <QLocale>
#include <QTextStream>
#include <QTranslator>
#include <cstring>
#include <malloc.h>
#include <memory>
#include <unistd.h>

namespace {

bool wantsHeadless(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i) {
        const char *arg = argv[i];
        if (!std::strcmp(arg, "--headless") || !std::strcmp(arg, "--help") ||
            !std::strcmp(arg, "-h") || !std::strcmp(arg, "--version") || !std::strcmp(arg, "-v"))
            return true;
    }
    return false;
}

QString tr(const char *text) { return QCoreApplication::translate("main", text); }

} // namespace

int main(int argc, char **argv)
{
    // Bulk pages stream through buffers of up to a megabyte, many of them
    // made on one thread (Qt's network thread, the engine's) and freed on
    // another. glibc raises its mmap threshold after the first such free and
    // keeps later ones in its per-thread heaps, so the process grew with every
    // page; a fixed threshold stops that (decision 0028). It is 1 MB, above
    // those buffers: at 256 KB each of them was a fresh mapping, faulted in
    // page by page and unmapped again — 148,000 page faults and 5 s of system
    // time for a 1M-record backfill, against 19,000 and 0.6 s (decision 0030).
    mallopt(M_MMAP_THRESHOLD, 1024 * 1024);
    // --help, --version and --headless never need a display.
    std::unique_ptr<QCoreApplication> app;
    const bool noDisplay = wantsHeadless(argc, argv);
    if (noDisplay)
        app = std::make_unique<QCoreApplication>(argc, argv);
    else
        app = std::make_unique<QApplication>(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("Tether"));
    QCoreApplication::setApplicationName(QStringLiteral("tether"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TETHER_VERSION));
    // The language chosen in the settings, else the system's.
    const QString language = tether::lifecycle::DesktopSettings::load().language;
    const QLocale locale = language.isEmpty() ? QLocale() : QLocale(language);
    QTranslator translator;
    if (translator.load(locale, QStringLiteral("tether"), QStringLiteral("_"), QStringLiteral(":/tether/i18n")))
        QCoreApplication::installTranslator(&translator);
    QTranslator qtTranslator; // Qt's own words (wizard and dialog buttons), from qt6-translations-l10n
    if (qtTranslator.load(locale, QStringLiteral("qtbase"), QStringLiteral("_"), QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(&qtTranslator);
    QTranslator setupTranslator; // the setup assistant and settings dialog
    if (setupTranslator.load(locale, QStringLiteral("tether_setup"), QStringLiteral("_"), QStringLiteral(":/tether/i18n")))
        QCoreApplication::installTranslator(&setupTranslator);
    QTranslator gridTranslator; // the grid editor's strings (translations/tether_grid_de.ts)
    if (gridTranslator.load(locale, QStringLiteral("tether_grid"), QStringLiteral("_"), QStringLiteral(":/tether/i18n")))
        QCoreApplication::installTranslator(&gridTranslator);
    QTranslator dashboardTranslator; // the main window's strings (translations/tether_dashboard_de.ts)
    if (dashboardTranslator.load(locale, QStringLiteral("tether_dashboard"), QStringLiteral("_"), QStringLiteral(":/tether/i18n")))
        QCoreApplication::installTranslator(&dashboardTranslator);
    QTranslator serverTranslator; // the server's strings: config file, health server, reload
    if (serverTranslator.load(locale, QStringLiteral("tether_server"), QStringLiteral("_"),
                              QStringLiteral(":/tether/i18n")))
        QCoreApplication::installTranslator(&serverTranslator);
    if (!noDisplay)
        QApplication::setWindowIcon(QIcon(QStringLiteral(":/tether/tether.svg")));
    if (qEnvironmentVariableIsEmpty("QT_MESSAGE_PATTERN"))
        qSetMessagePattern(QStringLiteral("%{if-category}%{category}: %{endif}%{message}"));

    QString invalid;
    const CommandLine line = parseCommandLine(*app, &invalid);
    if (!invalid.isEmpty()) {
        QTextStream(stderr) << invalid << Qt::endl;
        return 2;
    }
    using tether::lifecycle::EngineController;
    const tether::lifecycle::EngineSettings &settings = line.settings;
    const bool headless = line.headless;
    if (headless && !settings.hasOrg()) {
        QTextStream(stderr) << tr("Nothing to sync: no Salesforce org was given. Pass --client-id with --client-secret "
                                  "or a refresh token (see --help), or try --demo.")
                            << Qt::endl;
        return 2;
    }
    std::unique_ptr<tether::lifecycle::LoginMethod> login;
    if (settings.hasOrg() && !settings.demo && !line.refreshToken.isEmpty()) {
        login = std::make_unique<tether::lifecycle::RefreshTokenLogin>(line.refreshToken, line.refreshTokenSource);
    } else if (settings.hasOrg() && !settings.demo) {
        QString why;
        login = tether::lifecycle::headlessLoginMethod(settings, line.refreshTokenFile, &why);
        if (!login) {
            // A missing or unreadable secret: a setting to fix, so exit 2,
            // which the systemd unit does not restart on.
            QTextStream(stderr) << "tether: " << why << Qt::endl;
            return 2;
        }
    }

    EngineController controller;
    controller.configure(settings, std::move(login));
    int exitCode = 0;
    // Without an org on the command line the desktop app sets itself up: the
    // assistant at the first start, the saved choices and login afterwards.
    std::unique_ptr<DesktopStart> desktop;
    if (!headless && !settings.hasOrg())
        desktop = std::make_unique<DesktopStart>(&controller);
    // Shutdown is asynchronous (the worker joins, the cluster stops on a pool
    // thread): the event loop ends once everything is down.
    if (desktop)
        QObject::connect(desktop.get(), &DesktopStart::finished, app.get(), &QCoreApplication::quit);
    else
        QObject::connect(&controller, &EngineController::stopped, app.get(), &QCoreApplication::quit);
    SignalWatcher signalWatcher;
    QObject::connect(&signalWatcher, &SignalWatcher::terminationRequested, &controller, [&controller, &desktop](int signalNumber) {
        qCInfo(lcApp) << "received signal" << signalNumber << "- shutting down";
        if (desktop)
            desktop->quit();
        else
            controller.stop();
    });

    // SIGHUP (systemctl reload): the rate and the object list from the
    // configuration file again, without a restart.
    ServerReload reload(&controller, QCoreApplication::arguments());
    QObject::connect(&signalWatcher, &SignalWatcher::reloadRequested, &reload, &ServerReload::reload);

    std::unique_ptr<HealthServer> health;
    if (line.healthEnabled) {
        health = std::make_unique<HealthServer>(&controller);
        QString why;
        const quint16 port = health->listen(line.healthAddress, line.healthPort, &why);
        if (!port) {
            QTextStream(stderr) << "tether: " << why << Qt::endl;
            return 1;
        }
        const QString base = QStringLiteral("http://%1:%2")
                                 .arg(line.healthAddress.contains(u':') ? u'[' + line.healthAddress + u']'
                                                                        : line.healthAddress)
                                 .arg(port);
        QTextStream(stderr) << "tether: "
                            << tr("health check on %1/healthz, metrics on %1/metrics").arg(base) << Qt::endl;
    }

    std::unique_ptr<HeadlessReporter> reporter;
    std::unique_ptr<tether::ui::MainWindow> window;
    std::unique_ptr<DesktopShell> shell;
    if (headless) {
        qCInfo(lcApp) << "Tether" << TETHER_VERSION << "running headless; press Ctrl+C to stop";
        reporter = std::make_unique<HeadlessReporter>(&controller);
        // Headless, a failure nobody can fix from here ends the run.
        QObject::connect(&controller, &EngineController::stateChanged, &controller,
                         [&controller, &exitCode](EngineController::State state) {
                             if (state == EngineController::State::Failed) {
                                 exitCode = 1;
                                 controller.stop();
                             }
                         });
    } else {
        // Closing the window quits, unless the desktop shell keeps Tether in the tray.
        QApplication::setQuitOnLastWindowClosed(false);
        window = std::make_unique<tether::ui::MainWindow>(&controller);
        shell = std::make_unique<DesktopShell>(&controller, window.get());
        if (desktop) {
            // Quitting goes through DesktopStart, which ends the event loop
            // once everything is down (and not when it restarts the sync).
            QObject::connect(qApp, &QGuiApplication::lastWindowClosed, desktop.get(), [&desktop] {
                if (!desktop->assistant()) // closing the assistant is not quitting
                    desktop->quit();
            });
            QObject::connect(window.get(), &tether::ui::MainWindow::quitRequested, desktop.get(), &DesktopStart::quit);
            QObject::connect(shell.get(), &DesktopShell::quitRequested, desktop.get(), &DesktopStart::quit);
            QObject::connect(window.get(), &tether::ui::MainWindow::setupAssistantRequested, desktop.get(),
                             &DesktopStart::showSetupAssistant);
            QObject::connect(window.get(), &tether::ui::MainWindow::addObjectsRequested, desktop.get(),
                             &DesktopStart::showAddObjects);
            QObject::connect(window.get(), &tether::ui::MainWindow::settingsRequested, desktop.get(),
                             [&desktop, &window] { desktop->showSettings(window.get()); });
            // The main window comes once the assistant is done (or at once on later starts).
            QObject::connect(desktop.get(), &DesktopStart::readyForMainWindow, window.get(), &QWidget::show);
            desktop->begin();
        } else {
            QObject::connect(qApp, &QGuiApplication::lastWindowClosed, &controller, &EngineController::stop);
            window->show();
        }
    }
    if (settings.hasOrg())
        QMetaObject::invokeMethod(&controller, &EngineController::start, Qt::QueuedConnection);
    const int status = app->exec();
    qCInfo(lcApp) << "stopped cleanly";
    return exitCode ? exitCode : status;
}
