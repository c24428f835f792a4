// The proxy thread's event loop (EpollEventDispatcher): everything the relay
// relies on from Qt's own dispatcher — posted events from other threads,
// timers (single-shot, repeating, zero, never early, never re-entered from a
// nested loop), sockets in both directions with backpressure, a socket
// deleted by the handler of another one that was ready at the same time, and
// quitting from another thread. Each case runs in a QThread that uses the
// dispatcher, as ProxyService's does.
#include "proxy/epolldispatcher.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QPointer>
#include <QSemaphore>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <atomic>

using namespace tether::proxy;

namespace {

// A thread running the dispatcher, and a context object living in it.
class Worker
{
public:
    Worker()
    {
        thread.setEventDispatcher(new EpollEventDispatcher);
        thread.start();
        context = new QObject;
        context->moveToThread(&thread);
    }
    ~Worker()
    {
        if (thread.isRunning())
            run([this] { delete context; });
        else
            delete context;
        thread.quit();
        thread.wait();
    }
    // Runs `f` in the worker thread and waits for it.
    template<typename F>
    void run(F f)
    {
        QMetaObject::invokeMethod(context, f, Qt::BlockingQueuedConnection);
    }

    QThread thread;
    QObject *context = nullptr;
};

} // namespace

class TestEventLoop : public QObject
{
    Q_OBJECT
private slots:
    void theThreadUsesIt()
    {
        Worker worker;
        bool epoll = false;
        worker.run([&] { epoll = qobject_cast<EpollEventDispatcher *>(QAbstractEventDispatcher::instance()) != nullptr; });
        QVERIFY(epoll);
    }

    void postedEventsArriveInOrder()
    {
        Worker worker;
        std::vector<int> seen; // touched only in the worker
        std::atomic<int> count{0};
        for (int i = 0; i < 2000; ++i) {
            QMetaObject::invokeMethod(worker.context, [&seen, &count, i] {
                seen.push_back(i);
                ++count;
            }, Qt::QueuedConnection);
        }
        QTRY_COMPARE(count.load(), 2000);
        worker.run([] {}); // after this, `seen` is complete and visible here
        for (int i = 0; i < 2000; ++i)
            QCOMPARE(seen[i], i);
    }

    void timersFireInOrderAndNeverEarly()
    {
        Worker worker;
        QStringList order;
        std::atomic<int> fired{0};
        qint64 elapsedAt60 = -1;
        QElapsedTimer clock;
        worker.run([&] {
            clock.start();
            QTimer::singleShot(60, worker.context, [&] {
                elapsedAt60 = clock.elapsed();
                order << QStringLiteral("60");
                ++fired;
            });
            QTimer::singleShot(20, worker.context, [&] { order << QStringLiteral("20"); ++fired; });
            QTimer::singleShot(0, worker.context, [&] { order << QStringLiteral("0"); ++fired; });
        });
        QTRY_COMPARE(fired.load(), 3);
        worker.run([] {});
        QCOMPARE(order, (QStringList{QStringLiteral("0"), QStringLiteral("20"), QStringLiteral("60")}));
        QVERIFY2(elapsedAt60 >= 60, qPrintable(QString::number(elapsedAt60)));
    }

    void repeatingTimerStopsWhenStopped()
    {
        Worker worker;
        std::atomic<int> ticks{0};
        std::atomic<bool> later{false};
        worker.run([&] {
            auto *timer = new QTimer(worker.context);
            timer->setInterval(5);
            connect(timer, &QTimer::timeout, worker.context, [timer, &ticks] {
                if (++ticks == 5)
                    timer->stop();
            });
            timer->start();
            // Fires well after the fifth tick would have been followed by more.
            QTimer::singleShot(120, worker.context, [&later] { later = true; });
        });
        QTRY_VERIFY(later.load());
        QCOMPARE(ticks.load(), 5);
    }

    void zeroTimerRunsEveryPass()
    {
        Worker worker;
        std::atomic<int> passes{0};
        worker.run([&] {
            auto *timer = new QTimer(worker.context);
            timer->setInterval(0);
            connect(timer, &QTimer::timeout, worker.context, [timer, &passes] {
                if (++passes == 100)
                    timer->stop();
            });
            timer->start();
        });
        QTRY_COMPARE(passes.load(), 100);
    }

    void remainingTimeAndRegisteredTimers()
    {
        Worker worker;
        int remaining = -2;
        int remainingStopped = -2;
        int registered = -1;
        worker.run([&] {
            QTimer timer;
            timer.setTimerType(Qt::PreciseTimer);
            timer.start(10000);
            remaining = timer.remainingTime();
            registered = int(QAbstractEventDispatcher::instance()->registeredTimers(&timer).size());
            timer.stop();
            remainingStopped = timer.remainingTime();
        });
        QVERIFY2(remaining > 9000 && remaining <= 10000, qPrintable(QString::number(remaining)));
        QCOMPARE(registered, 1);
        QCOMPARE(remainingStopped, -1);
    }

    // A repeating timer whose handler runs a nested event loop is not fired
    // again from inside it, as with Qt's own dispatchers.
    void timerIsNotReenteredFromANestedLoop()
    {
        Worker worker;
        std::atomic<int> ticks{0};
        std::atomic<int> ticksWhenNestedLoopEnded{-1};
        worker.run([&] {
            auto *timer = new QTimer(worker.context);
            timer->setInterval(1);
            connect(timer, &QTimer::timeout, worker.context, [timer, &ticks, &ticksWhenNestedLoopEnded] {
                const int tick = ++ticks;
                if (tick == 1) {
                    QEventLoop nested;
                    QTimer::singleShot(40, &nested, &QEventLoop::quit);
                    nested.exec();
                    ticksWhenNestedLoopEnded = ticks.load();
                }
                if (tick == 3)
                    timer->stop();
            });
            timer->start();
        });
        QTRY_COMPARE(ticks.load(), 3);
        QCOMPARE(ticksWhenNestedLoopEnded.load(), 1);
    }

    // 8 MB each way through an echo server in the worker: its writes outrun
    // the reader, so Qt's write notifier is armed and disarmed many times.
    void socketsCarryDataBothWays()
    {
        Worker worker;
        quint16 port = 0;
        std::atomic<int> serverSawDisconnect{0};
        worker.run([&] {
            auto *server = new QTcpServer(worker.context);
            QVERIFY(server->listen(QHostAddress::LocalHost, 0));
            port = server->serverPort();
            connect(server, &QTcpServer::newConnection, server, [server, &serverSawDisconnect] {
                QTcpSocket *socket = server->nextPendingConnection();
                connect(socket, &QTcpSocket::readyRead, socket, [socket] { socket->write(socket->readAll()); });
                connect(socket, &QTcpSocket::disconnected, socket, [socket, &serverSawDisconnect] {
                    ++serverSawDisconnect;
                    socket->deleteLater();
                });
            });
        });
        QVERIFY(port != 0);

        QByteArray payload(8 * 1024 * 1024, Qt::Uninitialized);
        for (qsizetype i = 0; i < payload.size(); ++i)
            payload[i] = char(i * 7 + (i >> 13));
        QTcpSocket client;
        client.connectToHost(QHostAddress::LocalHost, port);
        QVERIFY(client.waitForConnected(10000));
        QByteArray echoed;
        connect(&client, &QTcpSocket::readyRead, this, [&] { echoed += client.readAll(); });
        client.write(payload);
        QTRY_COMPARE_WITH_TIMEOUT(echoed.size(), payload.size(), 60000);
        QVERIFY(echoed == payload);

        client.disconnectFromHost();
        QTRY_COMPARE(serverSawDisconnect.load(), 1);
    }

    // Two connections ready in the same wait; the handler of the first
    // deletes the second socket. Its notifier must not be activated
    // afterwards (that would be a use after free).
    void socketDeletedByAnotherHandlerIsNotActivated()
    {
        Worker worker;
        quint16 port = 0;
        QList<QPointer<QTcpSocket>> accepted; // touched only in the worker
        std::atomic<int> acceptedCount{0};
        std::atomic<int> handled{0};
        worker.run([&] {
            auto *server = new QTcpServer(worker.context);
            QVERIFY(server->listen(QHostAddress::LocalHost, 0));
            port = server->serverPort();
            connect(server, &QTcpServer::newConnection, server, [&, server] {
                while (QTcpSocket *socket = server->nextPendingConnection()) {
                    accepted << socket;
                    connect(socket, &QTcpSocket::readyRead, socket, [&, socket] {
                        ++handled;
                        socket->readAll();
                        for (const QPointer<QTcpSocket> &other : std::as_const(accepted)) {
                            if (other && other != socket)
                                delete other.data();
                        }
                    });
                    ++acceptedCount;
                }
            });
        });
        QTcpSocket first, second;
        first.connectToHost(QHostAddress::LocalHost, port);
        second.connectToHost(QHostAddress::LocalHost, port);
        QVERIFY(first.waitForConnected(10000));
        QVERIFY(second.waitForConnected(10000));
        QTRY_COMPARE(acceptedCount.load(), 2);

        // Hold the worker while both sockets become readable, so that one
        // wait returns both.
        QSemaphore holding, release;
        QMetaObject::invokeMethod(worker.context, [&] {
            holding.release();
            release.acquire();
        }, Qt::QueuedConnection);
        holding.acquire();
        first.write("one");
        second.write("two");
        QVERIFY(first.waitForBytesWritten(10000));
        QVERIFY(second.waitForBytesWritten(10000));
        release.release();

        QTRY_COMPARE(handled.load(), 1);
        // The loop carries on: a timer still fires after the deletion.
        std::atomic<bool> alive{false};
        QMetaObject::invokeMethod(worker.context, [&] {
            QTimer::singleShot(10, worker.context, [&alive] { alive = true; });
        }, Qt::QueuedConnection);
        QTRY_VERIFY(alive.load());
        QCOMPARE(handled.load(), 1);
    }

    // QThread::quit from another thread ends a wait with no timer and no socket.
    void quitFromAnotherThreadEndsTheWait()
    {
        QThread thread;
        thread.setEventDispatcher(new EpollEventDispatcher);
        thread.start();
        QTRY_VERIFY(thread.isRunning());
        thread.quit();
        QVERIFY(thread.wait(10000));
    }
};

QTEST_GUILESS_MAIN(TestEventLoop)
#include "tst_eventloop.moc"
