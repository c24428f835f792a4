// gui_stall_bench: the longest stall of the GUI thread's event loop while the
// main window shows a backfill of N records (default 1,000,000 Accounts) that
// runs in the same process — tether-sim as the org, a throwaway managed
// PostgreSQL cluster, the real EngineController, sync engine, proxy and
// MainWindow. Target: no stall over 50 ms (the GUI never waits on the network
// or the database).
//
// A 2 ms timer on the GUI thread notes how late each tick comes; the figure is
// the largest lateness, with the 99th percentile and how many exceeded 50 ms.
// Run: build/bench/gui_stall_bench [records]   (QT_QPA_PLATFORM=offscreen works)
#include "lifecycle/enginecontroller.h"
#include "mainwindow.h"
#include "simprocess.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>
#include <algorithm>
#include <sys/stat.h>
#include <time.h>

namespace {
// CPU time the calling thread has used: tells a GUI thread that was busy
// (our code blocking) from one that waited for a CPU (a loaded machine).
qint64 threadCpuMicroseconds()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return qint64(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}
} // namespace

using namespace tether;
using lifecycle::EngineController;

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("TetherBench"));
    QTextStream out(stdout);
    const qint64 records = argc > 1 ? QByteArray(argv[1]).toLongLong() : 1000000;
    qputenv("TETHER_SIM_EXECUTABLE", TETHER_SIM_PATH);

    out << "gui_stall_bench: generating " << records << " Accounts in tether-sim..." << Qt::endl;
    test::SimProcess sim({QStringLiteral("--generate"), QStringLiteral("Account=%1").arg(records)});
    QString why;
    if (!sim.start(&why, 600000)) {
        out << "tether-sim did not start: " << why << Qt::endl;
        return 1;
    }
    QTemporaryDir dir;
    ::chmod(QFile::encodeName(dir.path()).constData(), 0755); // the cluster may run as postgres
    lifecycle::EngineSettings settings;
    settings.dataDir = dir.path();
    settings.loginHost = sim.baseUrl().toString();
    settings.clientId = QString::fromLatin1(test::SimProcess::DefaultClientId);
    settings.clientSecret = QString::fromLatin1(test::SimProcess::DefaultClientSecret);
    settings.objects = {QStringLiteral("Account")};
    settings.requestsPerSecond = 1e6; // unlimited: the stall, not the limiter, is measured
    settings.proxyPort = 0;
    EngineController controller;
    controller.configure(settings, std::make_unique<lifecycle::ClientCredentialsLogin>());
    ui::MainWindow window(&controller);
    window.show();

    // Lateness of a 2 ms timer, measured only while the backfill runs; first
    // a baseline with the window open and nothing running, so the figure can
    // be told apart from what a busy machine does to any process.
    QList<qint64> lateness;
    struct Stall
    {
        qint64 lateUs;
        qint64 atMs;  // since the backfill started
        qint64 cpuUs; // the GUI thread's CPU time during the gap
    };
    QList<Stall> worstAt;
    qint64 lastCpu = 0;
    QList<qint64> baseline;
    bool measuringBaseline = false;
    QElapsedTimer clock;
    QElapsedTimer backfill;
    qint64 last = -1;
    bool measuring = false;
    QTimer ticker;
    ticker.setTimerType(Qt::PreciseTimer);
    ticker.setInterval(2);
    QObject::connect(&ticker, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        const qint64 late = qMax<qint64>(0, (now - last) / 1000 - 2000); // microseconds beyond the interval
        const qint64 cpu = threadCpuMicroseconds();
        if (measuring && last >= 0) {
            lateness << late;
            if (late > 50000)
                worstAt << Stall{late, backfill.elapsed(), cpu - lastCpu};
        }
        lastCpu = cpu;
        if (measuringBaseline && last >= 0)
            baseline << late;
        last = now;
    });
    clock.start();
    ticker.start();

    QObject::connect(&controller, &EngineController::tableStatusChanged, [&](const sync::TableStatus &s) {
        if (!measuring && s.phase == sync::Phase::Backfilling) {
            measuring = true;
            backfill.start();
            out << "backfill started (" << s.backfillMethod << ")" << Qt::endl;
        }
    });
    QSignalSpy caughtUp(&controller, &EngineController::caughtUp);
    QObject::connect(&controller, &EngineController::stateChanged, [&](EngineController::State state, const QString &sentence) {
        if (state == EngineController::State::Failed) {
            out << "failed: " << sentence << Qt::endl;
            app.exit(1);
        }
    });
    QObject::connect(&controller, &EngineController::caughtUp, &app, [&] { app.exit(0); });
    measuringBaseline = true;
    QTimer::singleShot(15000, &app, [&] {
        measuringBaseline = false;
        controller.start();
    });
    const int code = app.exec();
    measuring = false;
    const qint64 seconds = backfill.isValid() ? backfill.elapsed() / 1000 : -1;

    std::sort(lateness.begin(), lateness.end());
    const qint64 worst = lateness.isEmpty() ? -1 : lateness.last();
    const qint64 p99 = lateness.isEmpty() ? -1 : lateness.at(qMin<qsizetype>(lateness.size() - 1, lateness.size() * 99 / 100));
    const qint64 over50 = std::count_if(lateness.begin(), lateness.end(), [](qint64 us) { return us > 50000; });
    out << "records backfilled: " << records << " in " << seconds << " s" << Qt::endl;
    out << "GUI event-loop ticks measured: " << lateness.size() << Qt::endl;
    out << "longest GUI stall: " << QString::number(worst / 1000.0, 'f', 1) << " ms (target < 50 ms)" << Qt::endl;
    out << "99th percentile lateness: " << QString::number(p99 / 1000.0, 'f', 1) << " ms; stalls over 50 ms: " << over50
        << Qt::endl;
    qint64 worstBusy = 0; // the longest stall the GUI thread spent working, not waiting for a CPU
    for (const Stall &stall : worstAt) {
        out << "  stall of " << QString::number(stall.lateUs / 1000.0, 'f', 1) << " ms at " << stall.atMs / 1000.0
            << " s into the backfill; the GUI thread ran " << QString::number(stall.cpuUs / 1000.0, 'f', 1)
            << " ms of it" << Qt::endl;
        worstBusy = qMax(worstBusy, stall.cpuUs);
    }
    out << "longest stretch of GUI-thread work inside a stall: " << QString::number(worstBusy / 1000.0, 'f', 1) << " ms"
        << Qt::endl;
    std::sort(baseline.begin(), baseline.end());
    out << "baseline (window open, engine idle, 15 s): longest "
        << QString::number(baseline.isEmpty() ? -1 : baseline.last() / 1000.0, 'f', 1) << " ms, stalls over 50 ms: "
        << std::count_if(baseline.begin(), baseline.end(), [](qint64 us) { return us > 50000; }) << Qt::endl;

    QSignalSpy stopped(&controller, &EngineController::stopped);
    controller.stop();
    if (!stopped.count())
        stopped.wait(120000);
    return code;
}
