// Entry point: parses the command line, then runs the engine without a window
// (--headless, progress on stderr) or opens the main window. The engine's
// start-up and shutdown belong to lifecycle::EngineController; this file only
// wires it to a window or to the headless reporter.
#include "commandline.h"
#include "desktopshell.h"
#include "headlessreporter.h"
#include "lifecycle/enginecontroller.h"
#include "logging.h"
#include "mainwindow.h"
#include "signalwatcher.h"

#include <QApplication>
#include <QGuiApplication>
#include <QCoreApplication>
#include <QIcon>
#include <QLocale>
#include <QTextStream>
#include <QTranslator>
#include <cstring>
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
    QTranslator translator;
    if (translator.load(QLocale(), QStringLiteral("tether"), QStringLiteral("_"), QStringLiteral(":/tether/i18n")))
        QCoreApplication::installTranslator(&translator);
    QTranslator gridTranslator; // the grid editor's strings (translations/tether_grid_de.ts)
    if (gridTranslator.load(QLocale(), QStringLiteral("tether_grid"), QStringLiteral("_"), QStringLiteral(":/tether/i18n")))
        QCoreApplication::installTranslator(&gridTranslator);
    QTranslator dashboardTranslator; // the main window's strings (translations/tether_dashboard_de.ts)
    if (dashboardTranslator.load(QLocale(), QStringLiteral("tether_dashboard"), QStringLiteral("_"), QStringLiteral(":/tether/i18n")))
        QCoreApplication::installTranslator(&dashboardTranslator);
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
    if (settings.hasOrg() && !settings.demo) {
        QString why;
        login = tether::lifecycle::headlessLoginMethod(settings, line.refreshTokenFile, &why);
        if (!login) {
            QTextStream(stderr) << "tether: " << why << Qt::endl;
            return 1;
        }
    }

    EngineController controller;
    controller.configure(settings, std::move(login));
    int exitCode = 0;
    // Shutdown is asynchronous (the worker joins, the cluster stops on a pool
    // thread): the event loop ends once everything is down.
    QObject::connect(&controller, &EngineController::stopped, app.get(), &QCoreApplication::quit);
    SignalWatcher signalWatcher;
    QObject::connect(&signalWatcher, &SignalWatcher::terminationRequested, &controller, [&controller](int signalNumber) {
        qCInfo(lcApp) << "received signal" << signalNumber << "- shutting down";
        controller.stop();
    });

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
        QObject::connect(qApp, &QGuiApplication::lastWindowClosed, &controller, &EngineController::stop);
        window = std::make_unique<tether::ui::MainWindow>(&controller);
        shell = std::make_unique<DesktopShell>(&controller, window.get());
        window->show();
    }
    if (settings.hasOrg())
        QMetaObject::invokeMethod(&controller, &EngineController::start, Qt::QueuedConnection);
    const int status = app->exec();
    qCInfo(lcApp) << "stopped cleanly";
    return exitCode ? exitCode : status;
}
