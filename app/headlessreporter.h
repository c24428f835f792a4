// HeadlessReporter: what `tether --headless` prints to stderr — the engine's
// state as it comes up, notices (the psql command), and progress lines per
// table, few enough to read: a backfill at most every two seconds, a polling
// table when it changed (at most every 10 s) or once a minute.
#pragma once

#include "lifecycle/enginecontroller.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>

class HeadlessReporter : public QObject
{
    Q_OBJECT
public:
    explicit HeadlessReporter(tether::lifecycle::EngineController *controller, QObject *parent = nullptr);

private:
    void printStatus(const tether::sync::TableStatus &status);
    static void print(const QString &line);

    QHash<QString, qint64> m_lastPrinted; // object -> ms of last progress line
    QHash<QString, qint64> m_lastRows;    // object -> rows at the last line
    QElapsedTimer m_clock;
};
