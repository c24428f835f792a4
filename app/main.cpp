// Entry point: parses the command line, then runs the engine without a window
// (--headless) or opens the main window. Demo mode adds tether-sim and a
// managed PostgreSQL cluster.
#include "enginerunner.h"
#include "logging.h"
#include "mainwindow.h"
#include "signalwatcher.h"

#include <QApplication>
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
    const bool headless = wantsHeadless(argc, argv);
    if (headless)
        app = std::make_unique<QCoreApplication>(argc, argv);
    else
        app = std::make_unique<QApplication>(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("Tether"));
    QCoreApplication::setApplicationName(QStringLiteral("tether"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TETHER_VERSION));
    QTranslator translator;
    if (translator.load(QLocale(), QStringLiteral("tether"), QStringLiteral("_"), QStringLiteral(":/tether/i18n")))
        QCoreApplication::installTranslator(&translator);
    if (!headless)
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

    RunOptions options;
    options.demo = parser.isSet(demoOption);
    options.demoScale = parser.value(demoScaleOption).toDouble();
    options.dataDir = parser.value(dataDirOption);
    options.database = parser.value(databaseOption);
    options.schema = parser.value(schemaOption);
    if (parser.isSet(objectsOption))
        options.objects = parser.value(objectsOption).split(u',', Qt::SkipEmptyParts);
    options.loginHost = parser.value(loginOption);
    options.clientId = parser.value(clientIdOption);
    options.clientSecret = parser.value(clientSecretOption);
    options.refreshTokenFile = parser.value(refreshTokenOption);
    options.requestsPerSecond = parser.value(rateOption).toDouble();
    if (options.demoScale <= 0) {
        QTextStream(stderr) << tr("--demo-scale must be a positive number.") << Qt::endl;
        return 2;
    }
    const bool hasLogin = options.demo || !options.clientId.isEmpty();

    SignalWatcher signalWatcher;
    QObject::connect(&signalWatcher, &SignalWatcher::terminationRequested, app.get(), [](int signalNumber) {
        qCInfo(lcApp) << "received signal" << signalNumber << "- shutting down";
        QCoreApplication::quit();
    });

    std::unique_ptr<EngineRunner> runner;
    int exitCode = 0;
    if (parser.isSet(headlessOption) && !hasLogin) {
        QTextStream(stderr) << tr("Nothing to sync: no Salesforce org was given. Pass --client-id with --client-secret "
                                  "or a refresh token (see --help), or try --demo.")
                            << Qt::endl;
        return 2;
    }
    if (hasLogin) {
        runner = std::make_unique<EngineRunner>(options);
        if (parser.isSet(headlessOption)) {
            QObject::connect(runner.get(), &EngineRunner::failed, app.get(), [&exitCode] {
                exitCode = 1;
                QCoreApplication::quit();
            });
        }
    }

    std::unique_ptr<tether::ui::MainWindow> window;
    if (parser.isSet(headlessOption)) {
        qCInfo(lcApp) << "Tether" << TETHER_VERSION << "running headless; press Ctrl+C to stop";
    } else {
        window = std::make_unique<tether::ui::MainWindow>();
        window->show();
    }
    if (runner && window) {
        QObject::connect(runner.get(), &EngineRunner::running, window.get(), [&runner, &window] {
            QObject::connect(runner->service(), &tether::sync::SyncService::tableStatusChanged, window.get(),
                             &tether::ui::MainWindow::showTableStatus);
        });
        QObject::connect(runner.get(), &EngineRunner::failed, window.get(), &tether::ui::MainWindow::showMessage);
    }
    if (runner)
        QMetaObject::invokeMethod(runner.get(), &EngineRunner::start, Qt::QueuedConnection);
    const int status = app->exec();
    if (runner)
        runner->stop();
    qCInfo(lcApp) << "stopped cleanly";
    return exitCode ? exitCode : status;
}
