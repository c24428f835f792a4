// tether-sim: a faithful local Salesforce org for Tether's tests, benchmarks and
// demo mode. See simulator/README.md for options and the /__sim/ control API.
#include "server.h"
#include "simlog.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QSocketNotifier>
#include <QTimer>
#include <csignal>
#include <cstdio>
#include <unistd.h>

namespace {
int signalPipe[2] = {-1, -1};
void onSignal(int)
{
    const char c = 1;
    [[maybe_unused]] const auto n = ::write(signalPipe[1], &c, 1);
}
} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("tether-sim"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TETHER_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate("tether-sim", "A local simulated Salesforce org (REST, OAuth, Bulk API 2.0)."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption port(QStringLiteral("port"), QCoreApplication::translate("tether-sim", "TCP port; 0 picks a free one."), QStringLiteral("P"), QStringLiteral("0"));
    const QCommandLineOption bind(QStringLiteral("bind"), QCoreApplication::translate("tether-sim", "Address to listen on."), QStringLiteral("ADDRESS"), QStringLiteral("127.0.0.1"));
    const QCommandLineOption seed(QStringLiteral("seed"), QCoreApplication::translate("tether-sim", "Seed of the generated data."), QStringLiteral("N"), QStringLiteral("42"));
    const QCommandLineOption generate(QStringLiteral("generate"), QCoreApplication::translate("tether-sim", "Records to generate, e.g. Account=1000,Contact=5000."), QStringLiteral("LIST"));
    const QCommandLineOption dataFile(QStringLiteral("data-file"), QCoreApplication::translate("tether-sim", "Binary snapshot of the org: loaded when present, written on exit."), QStringLiteral("PATH"));
    const QCommandLineOption dailyLimit(QStringLiteral("daily-limit"), QCoreApplication::translate("tether-sim", "Daily API request allocation."), QStringLiteral("N"), QStringLiteral("15000"));
    const QCommandLineOption sessionTtl(QStringLiteral("session-ttl"), QCoreApplication::translate("tether-sim", "Seconds an access token stays valid."), QStringLiteral("SECONDS"), QStringLiteral("7200"));
    const QCommandLineOption latency(QStringLiteral("latency"), QCoreApplication::translate("tether-sim", "Delay added to every response."), QStringLiteral("MS"), QStringLiteral("0"));
    const QCommandLineOption autoApprove(QStringLiteral("auto-approve"), QCoreApplication::translate("tether-sim", "Authorize without showing the login page."));
    const QCommandLineOption churn(QStringLiteral("churn"), QCoreApplication::translate("tether-sim", "Records changed per second by another user (demo mode)."), QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption bulkDelay(QStringLiteral("bulk-delay"), QCoreApplication::translate("tether-sim", "Milliseconds a Bulk API 2.0 query job takes before JobComplete."), QStringLiteral("MS"), QStringLiteral("1500"));
    const QCommandLineOption callback(QStringLiteral("callback"), QCoreApplication::translate("tether-sim", "Extra OAuth callback URL of the default connected app (repeatable)."), QStringLiteral("URL"));
    parser.addOptions({port, bind, seed, generate, dataFile, dailyLimit, sessionTtl, latency, autoApprove, churn, bulkDelay, callback});
    parser.process(app);

    auto fail = [](const QString &message) {
        std::fprintf(stderr, "tether-sim: %s\n", qPrintable(message));
        return 2;
    };
    tether::sim::SimOptions options;
    bool ok = true;
    auto number = [&](const QCommandLineOption &option, qint64 min) {
        bool good = false;
        const qint64 v = parser.value(option).toLongLong(&good);
        if (!good || v < min) {
            ok = false;
            fail(QCoreApplication::translate("tether-sim", "--%1 needs a whole number of at least %2, not '%3'.")
                     .arg(option.names().first()).arg(min).arg(parser.value(option)));
        }
        return v;
    };
    options.port = quint16(number(port, 0));
    options.seed = quint64(number(seed, 0));
    options.dailyLimit = number(dailyLimit, 1);
    options.sessionTtlSeconds = int(number(sessionTtl, 1));
    options.latencyMs = int(number(latency, 0));
    options.churnPerSecond = int(number(churn, 0));
    options.bulkDelayMs = int(number(bulkDelay, 0));
    if (!ok)
        return 2;
    options.bindAddress = parser.value(bind);
    options.dataFile = parser.value(dataFile);
    options.autoApprove = parser.isSet(autoApprove);
    options.extraCallbacks = parser.values(callback);
    for (const QString &item : parser.value(generate).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QStringList kv = item.split(QLatin1Char('='));
        bool good = false;
        const int n = kv.value(1).toInt(&good);
        if (kv.size() != 2 || !good || n < 0)
            return fail(QCoreApplication::translate("tether-sim", "--generate expects Object=N pairs separated by commas, e.g. Account=1000,Contact=5000; '%1' is not one.").arg(item));
        options.generate.insert(kv[0].trimmed(), n);
    }

    tether::sim::SimServer server(options);
    QString why;
    if (!server.prepareOrg(&why))
        return fail(why);
    const quint16 actual = server.listen(QHostAddress(options.bindAddress), options.port);
    if (actual == 0)
        return fail(QCoreApplication::translate("tether-sim", "Could not listen on %1:%2; pick another --port or stop what uses it.").arg(options.bindAddress).arg(options.port));

    if (::pipe(signalPipe) == 0) {
        auto *notifier = new QSocketNotifier(signalPipe[0], QSocketNotifier::Read, &app);
        QObject::connect(notifier, &QSocketNotifier::activated, &app, [&server] {
            char c;
            [[maybe_unused]] const auto n = ::read(signalPipe[0], &c, 1);
            server.saveIfChanged();
            QCoreApplication::quit();
        });
        std::signal(SIGINT, onSignal);
        std::signal(SIGTERM, onSignal);
    }
    auto *autosave = new QTimer(&app);
    QObject::connect(autosave, &QTimer::timeout, &server, [&server] { server.saveIfChanged(); });
    autosave->start(30000);

    std::printf("tether-sim listening on http://%s:%u\n", qPrintable(options.bindAddress == QLatin1String("0.0.0.0") ? QStringLiteral("127.0.0.1") : options.bindAddress), unsigned(actual));
    std::fflush(stdout);
    const int rc = app.exec();
    server.saveIfChanged();
    return rc;
}
