#include "headlessreporter.h"

#include <QTextStream>

using tether::lifecycle::EngineController;
using namespace tether;

HeadlessReporter::HeadlessReporter(EngineController *controller, QObject *parent) : QObject(parent)
{
    m_clock.start();
    connect(controller, &EngineController::stateChanged, this, [](EngineController::State state, const QString &sentence) {
        if (state == EngineController::State::Failed)
            print(tr("failed: %1").arg(sentence));
    });
    connect(controller, &EngineController::notice, this, &HeadlessReporter::print);
    connect(controller, &EngineController::tableStatusChanged, this, &HeadlessReporter::printStatus);
    connect(controller, &EngineController::databaseStateChanged, this, [](bool reachable, const QString &sentence) {
        print(reachable ? tr("PostgreSQL is reachable again; syncing resumes") : sentence);
    });
    connect(controller, &EngineController::backfillCompleted, this,
            [](const QString &object) { print(tr("%1 backfill complete").arg(object)); });
    connect(controller, &EngineController::caughtUp, this,
            [] { print(tr("every table is backfilled; polling for changes")); });
}

void HeadlessReporter::print(const QString &line) { QTextStream(stderr) << "tether: " << line << Qt::endl; }

void HeadlessReporter::printStatus(const sync::TableStatus &s)
{
    if (s.phase == sync::Phase::Backfilling && s.rowsTotal < 0 && s.lastError.isEmpty())
        return; // not counted yet: nothing worth saying
    const qint64 now = m_clock.elapsed();
    const qint64 last = m_lastPrinted.value(s.objectName, -100000);
    const bool changed = m_lastRows.value(s.objectName, -1) != s.rowsInTable;
    if (s.lastError.isEmpty()) {
        if (s.phase == sync::Phase::Backfilling && now - last < 2000)
            return;
        if (s.phase == sync::Phase::Polling && now - last < (changed ? 10000 : 60000))
            return;
    } else if (now - last < 2000) {
        return; // a table retrying quickly says so once, not at every try
    }
    m_lastPrinted.insert(s.objectName, now);
    m_lastRows.insert(s.objectName, s.rowsInTable);
    QString line;
    switch (s.phase) {
    case sync::Phase::Backfilling: {
        const double percent = s.rowsTotal > 0 ? 100.0 * double(s.rowsDone) / double(s.rowsTotal) : 0;
        line = tr("%1 backfilling via %2: %3/%4 (%5%), %6 records/s")
                   .arg(s.objectName, s.backfillMethod.isEmpty() ? QStringLiteral("?") : s.backfillMethod)
                   .arg(s.rowsDone)
                   .arg(s.rowsTotal < 0 ? QStringLiteral("?") : QString::number(s.rowsTotal))
                   .arg(percent, 0, 'f', 1)
                   .arg(qRound(s.recordsPerSecond));
        if (s.etaSeconds >= 0)
            line += tr(", ETA %1 s").arg(s.etaSeconds);
        break;
    }
    case sync::Phase::Polling:
        line = tr("%1 polling: %2 rows, last poll %3")
                   .arg(s.objectName)
                   .arg(s.rowsInTable)
                   .arg(s.lastPoll.isValid() ? s.lastPoll.toLocalTime().toString(QStringLiteral("HH:mm:ss")) : tr("not yet"));
        break;
    default:
        line = tr("%1 %2").arg(s.objectName, sync::phaseName(s.phase));
        break;
    }
    line += tr(", %1 API calls").arg(s.apiCalls, 0, 'f', 1);
    if (!s.lastError.isEmpty())
        line += tr(" — %1").arg(s.lastError);
    print(line);
}
