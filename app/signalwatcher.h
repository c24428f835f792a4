// SignalWatcher: turns SIGINT/SIGTERM (stop) and SIGHUP (re-read the
// configuration: `systemctl reload`) into Qt signals delivered on the main
// thread (self-pipe + QSocketNotifier), so both run ordinary Qt code.
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
    void reloadRequested();

private:
    QSocketNotifier *m_notifier = nullptr;
};
