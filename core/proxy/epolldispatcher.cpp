#include "proxy/epolldispatcher.h"

#include "logging.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QTimerEvent>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace tether::proxy {

namespace {

// epoll events wanted by each kind of notifier (index: QSocketNotifier::Type).
constexpr uint32_t WantedEvents[3] = {EPOLLIN, EPOLLOUT, EPOLLPRI};

// Which notifiers an epoll answer activates; the same rule as Qt's poll(2)
// dispatcher: a hang-up or an error wakes readers and writers alike, so they
// find out by reading or writing.
bool activates(QSocketNotifier::Type type, uint32_t events)
{
    switch (type) {
    case QSocketNotifier::Read:
        return events & (EPOLLIN | EPOLLHUP | EPOLLERR);
    case QSocketNotifier::Write:
        return events & (EPOLLOUT | EPOLLHUP | EPOLLERR);
    case QSocketNotifier::Exception:
        return events & EPOLLPRI;
    }
    return false;
}

constexpr int MaxEventsPerWait = 64;

} // namespace

EpollEventDispatcher::EpollEventDispatcher(QObject *parent) : QAbstractEventDispatcher(parent)
{
    m_epoll = epoll_create1(EPOLL_CLOEXEC);
    m_wakeFd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (m_epoll < 0 || m_wakeFd < 0)
        qFatal("the proxy's event loop could not be created: %s", std::strerror(errno));
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = m_wakeFd;
    epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wakeFd, &event);
}

EpollEventDispatcher::~EpollEventDispatcher()
{
    ::close(m_wakeFd);
    ::close(m_epoll);
}

// ---- waking up --------------------------------------------------------------

void EpollEventDispatcher::wakeUp()
{
    // One write per wait is enough; the flag is cleared after the eventfd is read.
    if (m_wakeUpPending.exchange(true))
        return;
    const quint64 one = 1;
    ssize_t written;
    do {
        written = ::write(m_wakeFd, &one, sizeof one);
    } while (written < 0 && errno == EINTR);
}

void EpollEventDispatcher::interrupt()
{
    m_interrupted = true;
    wakeUp();
}

void EpollEventDispatcher::drainWakeUps()
{
    quint64 count;
    while (::read(m_wakeFd, &count, sizeof count) < 0 && errno == EINTR) {
    }
    m_wakeUpPending = false;
}

// ---- sockets ----------------------------------------------------------------

void EpollEventDispatcher::registerSocketNotifier(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    Watch &watch = m_watches[fd];
    const int type = notifier->type();
    if (watch.notifiers[type] && watch.notifiers[type] != notifier)
        qCWarning(lcProxy) << "a second socket notifier of the same type for descriptor" << fd;
    watch.notifiers[type] = notifier;
    watch.serials[type] = m_nextSerial++;
    updateEpoll(fd, watch);
}

void EpollEventDispatcher::unregisterSocketNotifier(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    auto it = m_watches.find(fd);
    const int type = notifier->type();
    if (it == m_watches.end() || it->second.notifiers[type] != notifier)
        return;
    it->second.notifiers[type] = nullptr;
    it->second.serials[type] = 0;
    updateEpoll(fd, it->second);
    if (it->second.events == 0)
        m_watches.erase(it);
}

void EpollEventDispatcher::updateEpoll(int fd, Watch &watch)
{
    uint32_t wanted = 0;
    for (int type = 0; type < 3; ++type) {
        if (watch.notifiers[type])
            wanted |= WantedEvents[type];
    }
    if (wanted == watch.events)
        return;
    epoll_event event{};
    event.events = wanted;
    event.data.fd = fd;
    int result = 0;
    if (wanted == 0) {
        // Errors ignored: a descriptor already closed has left the set by itself.
        epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, &event);
    } else if (watch.events == 0) {
        result = epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &event);
        if (result < 0 && errno == EEXIST)
            result = epoll_ctl(m_epoll, EPOLL_CTL_MOD, fd, &event);
    } else {
        result = epoll_ctl(m_epoll, EPOLL_CTL_MOD, fd, &event);
        // A descriptor closed while its notifier was still registered left
        // the set by itself; a new socket that got the same number is added.
        if (result < 0 && errno == ENOENT)
            result = epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &event);
    }
    if (result < 0)
        qCWarning(lcProxy) << "epoll_ctl failed for descriptor" << fd << ":" << std::strerror(errno);
    watch.events = wanted;
}

bool EpollEventDispatcher::activateSocketNotifiers(const epoll_event *events, int count)
{
    // Activating one notifier can unregister or delete others (a session
    // closing both its sockets), so take the notifiers first and look each one
    // up again, by serial, just before activating it.
    struct Pending
    {
        int fd;
        int type;
        quint64 serial;
    };
    Pending pending[MaxEventsPerWait * 3];
    int pendingCount = 0;
    for (int i = 0; i < count; ++i) {
        const int fd = events[i].data.fd;
        if (fd == m_wakeFd)
            continue;
        auto it = m_watches.find(fd);
        if (it == m_watches.end())
            continue;
        for (int type = 0; type < 3; ++type) {
            if (it->second.notifiers[type] && activates(QSocketNotifier::Type(type), events[i].events))
                pending[pendingCount++] = {fd, type, it->second.serials[type]};
        }
    }
    for (int i = 0; i < pendingCount; ++i) {
        auto it = m_watches.find(pending[i].fd);
        if (it == m_watches.end() || it->second.serials[pending[i].type] != pending[i].serial)
            continue; // unregistered meanwhile
        QEvent activation(QEvent::SockAct);
        QCoreApplication::sendEvent(it->second.notifiers[pending[i].type], &activation);
    }
    return pendingCount > 0;
}

// ---- timers -----------------------------------------------------------------

void EpollEventDispatcher::registerTimer(int timerId, qint64 interval, Qt::TimerType timerType, QObject *object)
{
    // Coarse and very coarse timers are kept precisely: the proxy has few.
    m_timers.push_back(Timer{timerId, interval, timerType, object, Clock::now() + std::chrono::milliseconds(interval)});
}

bool EpollEventDispatcher::unregisterTimer(int timerId)
{
    const auto it = std::find_if(m_timers.begin(), m_timers.end(), [timerId](const Timer &t) { return t.id == timerId; });
    if (it == m_timers.end())
        return false;
    m_timers.erase(it);
    return true;
}

bool EpollEventDispatcher::unregisterTimers(QObject *object)
{
    const auto before = m_timers.size();
    std::erase_if(m_timers, [object](const Timer &t) { return t.object == object; });
    return m_timers.size() != before;
}

QList<QAbstractEventDispatcher::TimerInfo> EpollEventDispatcher::registeredTimers(QObject *object) const
{
    QList<TimerInfo> list;
    for (const Timer &t : m_timers) {
        if (t.object == object)
            list.append(TimerInfo(t.id, int(t.interval), t.type));
    }
    return list;
}

int EpollEventDispatcher::remainingTime(int timerId)
{
    for (const Timer &t : m_timers) {
        if (t.id == timerId) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(t.due - Clock::now()).count();
            return int(std::max<qint64>(left, 0));
        }
    }
    return -1;
}

int EpollEventDispatcher::msUntilNextTimer() const
{
    qint64 earliest = -1;
    const auto now = Clock::now();
    for (const Timer &t : m_timers) {
        if (t.firing)
            continue;
        // Rounded up: waking a little early would only wait again.
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(t.due - now).count();
        const qint64 ms = std::max<qint64>(left, 0);
        if (earliest < 0 || ms < earliest)
            earliest = ms;
    }
    return int(std::min<qint64>(earliest, std::numeric_limits<int>::max()));
}

bool EpollEventDispatcher::activateDueTimers()
{
    // Each timer due now fires once; handlers may start and stop timers
    // (and run nested event loops), so take the ids first and look each one
    // up again before firing it.
    const auto now = Clock::now();
    std::vector<int> due;
    for (const Timer &t : m_timers) {
        if (!t.firing && t.due <= now)
            due.push_back(t.id);
    }
    for (int id : due) {
        auto it = std::find_if(m_timers.begin(), m_timers.end(), [id](const Timer &t) { return t.id == id; });
        // Gone, running in a nested loop, or fired or restarted by an
        // earlier handler of this pass: not due any more.
        if (it == m_timers.end() || it->firing || it->due > now)
            continue;
        // The next due time counts from this one, as Qt's precise timers do;
        // a timer that fell behind starts again from now.
        const auto interval = std::chrono::milliseconds(it->interval);
        it->due += interval;
        if (it->due < now)
            it->due = now + interval;
        it->firing = true;
        QObject *object = it->object;
        QTimerEvent event(id);
        QCoreApplication::sendEvent(object, &event);
        // The handler may have stopped the timer, and the vector may have moved.
        it = std::find_if(m_timers.begin(), m_timers.end(), [id](const Timer &t) { return t.id == id; });
        if (it != m_timers.end())
            it->firing = false;
    }
    return !due.empty();
}

// ---- the loop ---------------------------------------------------------------

bool EpollEventDispatcher::processEvents(QEventLoop::ProcessEventsFlags flags)
{
    m_interrupted = false;
    emit awake();
    QCoreApplication::sendPostedEvents();

    int timeout = 0;
    if ((flags & QEventLoop::WaitForMoreEvents) && !m_interrupted)
        timeout = (flags & QEventLoop::X11ExcludeTimers) ? -1 : msUntilNextTimer();
    if (timeout != 0)
        emit aboutToBlock();

    epoll_event events[MaxEventsPerWait];
    int count;
    do {
        count = epoll_wait(m_epoll, events, MaxEventsPerWait, timeout);
    } while (count < 0 && errno == EINTR);
    if (count < 0) {
        qCWarning(lcProxy) << "epoll_wait failed:" << std::strerror(errno);
        count = 0;
    }
    if (timeout != 0)
        emit awake();

    bool didWork = false;
    for (int i = 0; i < count; ++i) {
        if (events[i].data.fd == m_wakeFd) {
            drainWakeUps();
            didWork = true;
        }
    }
    if (!(flags & QEventLoop::ExcludeSocketNotifiers))
        didWork |= activateSocketNotifiers(events, count);
    if (!(flags & QEventLoop::X11ExcludeTimers))
        didWork |= activateDueTimers();
    return didWork;
}

} // namespace tether::proxy
