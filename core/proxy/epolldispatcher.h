// EpollEventDispatcher: the event dispatcher of the proxy's thread.
//
// Qt's own dispatchers (glib's and Qt's Unix one) wait with poll(2), which
// hands the kernel every socket of every session at every wake-up. The relay
// thread wakes up once or twice per relayed transaction, so with many clients
// that rebuild is a measurable part of its time; PgBouncer waits with epoll,
// which costs nothing per idle socket (decision 0008). This dispatcher keeps
// Qt's programming model (QTcpSocket, QSocketNotifier, QTimer, posted events,
// nested event loops) and only changes how the thread waits:
//
// - each socket's notifiers are one level-triggered epoll registration, so
//   notifications come exactly when poll(2) would have given them;
// - posted events and wakeUp()/interrupt() from other threads go through an
//   eventfd in the same epoll set;
// - timers are a short list; the wait ends at the earliest one.
//
// Not carried over: QEventLoop::ExcludeSocketNotifiers only skips activating
// sockets, it does not leave them out of the wait, so a loop that waits with
// it while a socket is ready would spin. Nothing in the proxy uses it.
//
// Use: QThread::setEventDispatcher(new EpollEventDispatcher) before start().
#pragma once

#include <QAbstractEventDispatcher>
#include <atomic>
#include <chrono>
#include <unordered_map>
#include <vector>

struct epoll_event;

namespace tether::proxy {

class EpollEventDispatcher : public QAbstractEventDispatcher
{
    Q_OBJECT
public:
    explicit EpollEventDispatcher(QObject *parent = nullptr);
    ~EpollEventDispatcher() override;

    bool processEvents(QEventLoop::ProcessEventsFlags flags) override;

    void registerSocketNotifier(QSocketNotifier *notifier) override;
    void unregisterSocketNotifier(QSocketNotifier *notifier) override;

    void registerTimer(int timerId, qint64 interval, Qt::TimerType timerType, QObject *object) override;
    bool unregisterTimer(int timerId) override;
    bool unregisterTimers(QObject *object) override;
    QList<TimerInfo> registeredTimers(QObject *object) const override;
    int remainingTime(int timerId) override;

    // Both may be called from any thread.
    void wakeUp() override;
    void interrupt() override;

private:
    using Clock = std::chrono::steady_clock;

    // The notifiers of one descriptor (index: QSocketNotifier::Type).
    struct Watch
    {
        QSocketNotifier *notifiers[3] = {nullptr, nullptr, nullptr};
        quint64 serials[3] = {0, 0, 0}; // tells a notifier from one registered later at the same place
        uint32_t events = 0;            // what epoll was asked for
    };
    struct Timer
    {
        int id;
        qint64 interval; // ms
        Qt::TimerType type;
        QObject *object;
        Clock::time_point due;
        bool firing = false; // its handler is running (maybe in a nested loop)
    };

    void updateEpoll(int fd, Watch &watch);
    // Milliseconds until the earliest timer is due (0 if one is), -1 without timers.
    int msUntilNextTimer() const;
    bool activateSocketNotifiers(const epoll_event *events, int count);
    bool activateDueTimers();
    void drainWakeUps();

    int m_epoll = -1;
    int m_wakeFd = -1; // eventfd
    std::atomic<bool> m_wakeUpPending{false};
    std::atomic<bool> m_interrupted{false};
    std::unordered_map<int, Watch> m_watches;
    quint64 m_nextSerial = 1;
    std::vector<Timer> m_timers;
};

} // namespace tether::proxy
