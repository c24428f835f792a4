// DatabaseProbe: "Test connection" — opens a connection to the PostgreSQL
// server a person named, on a pool thread (the window never waits on the
// network), and answers with the server's version or with what went wrong.
#pragma once

#include <QObject>

namespace tether::ui {

class DatabaseProbe : public QObject
{
    Q_OBJECT
public:
    explicit DatabaseProbe(QObject *parent = nullptr);
    // A probe already running is superseded: only the newest answer arrives.
    void start(const QString &conninfo);
    bool isRunning() const { return m_running; }

signals:
    // ok: "Connected: PostgreSQL 15.5 …"; not ok: a sentence saying why not.
    void finished(bool ok, const QString &sentence);

private:
    quint64 m_generation = 0;
    bool m_running = false;
};

} // namespace tether::ui
