// Entry point: parses the command line, then runs the engine without a window
// (--headless, progress on stderr) or opens the main window. The engine's
// start-up and shutdown belong to lifecycle::EngineController; this file only
// wires it to a window or to the headless reporter.
#include "headlessreporter.h"
#include "lifecycle/enginecontroller.h"
#include "logging.h"
#include "mainwindow.h"
#include "signalwatcher.h"

#include <QApplication>
#include <QGuiApplication>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QStandardPaths>
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

// Root's home is private, and as root the managed server runs as `postgres`,
// so root keeps its data under /var/lib.
QString defaultDataDir()
{
    if (::geteuid() == 0)
        return QStringLiteral("/var/lib/tether");
    return QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation);
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
    if (!noDisplay)
        QApplication::setWindowIcon(QIcon(QStringLiteral(":/tether/tether.svg")));
    if (qEnvironmentVariableIsEmpty("QT_MESSAGE_PATTERN"))
        qSetMessagePattern(QStringLiteral("%{if-category}%{category}: %{endif}%{message}"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("Mirrors a Salesforce org into PostgreSQL and writes back through a Postgres wire-protocol proxy."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption headlessOption(QStringLiteral("headless"), tr("Run the sync engine without a window."));
    const QCommandLineOption demoOption(QStringLiteral("demo"),
                                        tr("Demo mode: sync a local simulated Salesforce org (tether-sim) into a "
                                           "managed local PostgreSQL cluster."));
    const QCommandLineOption demoScaleOption(QStringLiteral("demo-scale"),
                                             tr("Size of the demo org; 1 = 100,000 Accounts, 300,000 Contacts, "
                                                "50,000 Opportunities and more (default 1)."),
                                             tr("factor"), QStringLiteral("1"));
    const QCommandLineOption dataDirOption(QStringLiteral("data-dir"),
                                           tr("Directory for Tether's managed PostgreSQL cluster and demo org."),
                                           tr("path"), defaultDataDir());
    const QCommandLineOption databaseOption(QStringLiteral("database"),
                                            tr("Sync into this PostgreSQL server (libpq connection string or URI) "
                                               "instead of the managed local cluster."),
                                            tr("conninfo"));
    const QCommandLineOption schemaOption(QStringLiteral("schema"), tr("Schema for the mirrored tables (default salesforce)."),
                                          tr("name"), QStringLiteral("salesforce"));
    const QCommandLineOption objectsOption(QStringLiteral("objects"),
                                           tr("Comma-separated Salesforce objects to sync (default: Account, Contact, "
                                              "Lead, Opportunity, User, Product2 and every custom object)."),
                                           tr("list"));
    const QCommandLineOption loginOption(QStringLiteral("login-url"),
                                         tr("Salesforce login host: production, sandbox, or your My Domain URL."),
                                         tr("url"), QStringLiteral("production"));
    const QCommandLineOption clientIdOption(QStringLiteral("client-id"), tr("Connected app consumer key."), tr("id"));
    const QCommandLineOption clientSecretOption(
        QStringLiteral("client-secret"),
        tr("Connected app consumer secret (client credentials flow); also read from TETHER_SF_CLIENT_SECRET."),
        tr("secret"));
    const QCommandLineOption refreshTokenOption(
        QStringLiteral("refresh-token-file"),
        tr("File (mode 0600) holding a refresh token; also read from TETHER_SF_REFRESH_TOKEN."), tr("path"));
    const QCommandLineOption rateOption(QStringLiteral("rate"),
                                        tr("Salesforce API requests per second (default: saved setting, else 1 per 3 s)."),
                                        tr("n"));
    for (const QCommandLineOption *option :
         {&headlessOption, &demoOption, &demoScaleOption, &dataDirOption, &databaseOption, &schemaOption,
          &objectsOption, &loginOption, &clientIdOption, &clientSecretOption, &refreshTokenOption, &rateOption})
        parser.addOption(*option);
    parser.process(*app);

    using tether::lifecycle::EngineController;
    tether::lifecycle::EngineSettings settings;
    settings.demo = parser.isSet(demoOption);
    settings.demoScale = parser.value(demoScaleOption).toDouble();
    settings.dataDir = parser.value(dataDirOption);
    settings.database = parser.value(databaseOption);
    settings.schema = parser.value(schemaOption);
    if (parser.isSet(objectsOption))
        settings.objects = parser.value(objectsOption).split(u',', Qt::SkipEmptyParts);
    settings.loginHost = parser.value(loginOption);
    settings.clientId = parser.value(clientIdOption);
    settings.clientSecret = parser.isSet(clientSecretOption) ? parser.value(clientSecretOption)
                                                             : qEnvironmentVariable("TETHER_SF_CLIENT_SECRET");
    settings.requestsPerSecond = parser.value(rateOption).toDouble();
    if (settings.demoScale <= 0) {
        QTextStream(stderr) << tr("--demo-scale must be a positive number.") << Qt::endl;
        return 2;
    }
    const bool headless = parser.isSet(headlessOption);
    if (headless && !settings.hasOrg()) {
        QTextStream(stderr) << tr("Nothing to sync: no Salesforce org was given. Pass --client-id with --client-secret "
                                  "or a refresh token (see --help), or try --demo.")
                            << Qt::endl;
        return 2;
    }
    std::unique_ptr<tether::lifecycle::LoginMethod> login;
    if (settings.hasOrg() && !settings.demo) {
        QString why;
        login = tether::lifecycle::headlessLoginMethod(settings, parser.value(refreshTokenOption), &why);
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
        QApplication::setQuitOnLastWindowClosed(false);
        QObject::connect(qApp, &QGuiApplication::lastWindowClosed, &controller, &EngineController::stop);
        window = std::make_unique<tether::ui::MainWindow>();
        for (const tether::sync::TableStatus &status : controller.tableStatuses())
            window->showTableStatus(status);
        QObject::connect(&controller, &EngineController::tableStatusChanged, window.get(),
                         &tether::ui::MainWindow::showTableStatus);
        QObject::connect(&controller, &EngineController::stateChanged, window.get(),
                         [&window](EngineController::State, const QString &sentence) { window->showMessage(sentence); });
        window->show();
    }
    if (settings.hasOrg())
        QMetaObject::invokeMethod(&controller, &EngineController::start, Qt::QueuedConnection);
    const int status = app->exec();
    qCInfo(lcApp) << "stopped cleanly";
    return exitCode ? exitCode : status;
}
