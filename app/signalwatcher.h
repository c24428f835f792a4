// SignalWatcher: turns SIGINT/SIGTERM into a Qt signal delivered on the main
// thread (self-pipe + QSocketNotifier), so shutdown runs ordinary Qt code.
#pragma once

#include <QObject>

class QSocketNotifier;

class SignalWatcher : public QObject
{
    Q_OBJECT

public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;

signals:
    void terminationRequested(int signalNumber);

private:
    QSocketNotifier *m_notifier = nullptr;
};
