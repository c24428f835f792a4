// Entry point: parses the command line, then either runs the engine without a
// window (--headless) or opens the main window.
#include "logging.h"
#include "mainwindow.h"
#include "signalwatcher.h"
#include "store/localcluster.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QStandardPaths>
#include <unistd.h>
#include <cstring>
#include <memory>

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

    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
        "main", "Mirrors a Salesforce org into PostgreSQL and writes back through a "
                "Postgres wire-protocol proxy."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption headlessOption(
        QStringLiteral("headless"),
        QCoreApplication::translate("main", "Run the sync engine without a window."));
    parser.addOption(headlessOption);
    const QCommandLineOption demoOption(
        QStringLiteral("demo"),
        QCoreApplication::translate("main", "Demo mode: run against tether-sim and a managed local "
                                            "PostgreSQL cluster."));
    parser.addOption(demoOption);
    const QCommandLineOption dataDirOption(
        QStringLiteral("data-dir"),
        QCoreApplication::translate("main", "Directory for Tether's managed PostgreSQL cluster."),
        QCoreApplication::translate("main", "path"), defaultDataDir());
    parser.addOption(dataDirOption);
    parser.process(*app);

    SignalWatcher signalWatcher;
    QObject::connect(&signalWatcher, &SignalWatcher::terminationRequested, app.get(), [](int signalNumber) {
        qCInfo(lcApp) << "received signal" << signalNumber << "- shutting down";
        QCoreApplication::quit();
    });

    std::unique_ptr<tether::store::LocalCluster> cluster;
    if (parser.isSet(demoOption)) {
        cluster = std::make_unique<tether::store::LocalCluster>(tether::store::LocalCluster::Options{
            parser.value(dataDirOption) + QStringLiteral("/postgres"), false, 0});
        QString error;
        if (!cluster->start(&error)) {
            qCCritical(lcApp).noquote() << error;
            return 1;
        }
        qCInfo(lcApp).noquote() << "managed PostgreSQL ready:" << cluster->connectionString();
    }

    std::unique_ptr<tether::ui::MainWindow> window;
    if (parser.isSet(headlessOption)) {
        qCInfo(lcApp) << "Tether" << TETHER_VERSION << "running headless; press Ctrl+C to stop";
    } else {
        window = std::make_unique<tether::ui::MainWindow>();
        window->show();
    }
    const int status = app->exec();
    if (cluster) {
        QString error;
        if (!cluster->stop(&error))
            qCWarning(lcApp).noquote() << error;
    }
    qCInfo(lcApp) << "stopped cleanly";
    return status;
}
