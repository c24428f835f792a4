#include "setup/databaseprobe.h"

#include "store/pgconnection.h"

#include <QFutureWatcher>
#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>

namespace tether::ui {

namespace {
struct ProbeResult
{
    bool ok = false;
    QString sentence;
};
} // namespace

DatabaseProbe::DatabaseProbe(QObject *parent) : QObject(parent) {}

void DatabaseProbe::start(const QString &conninfo)
{
    const quint64 generation = ++m_generation;
    m_running = true;
    auto *watcher = new QFutureWatcher<ProbeResult>(this);
    connect(watcher, &QFutureWatcher<ProbeResult>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_generation)
            return;
        m_running = false;
        const ProbeResult result = watcher->result();
        emit finished(result.ok, result.sentence);
    });
    watcher->setFuture(QtConcurrent::run([conninfo] {
        ProbeResult result;
        store::PgConnection db;
        if (const store::PgError error = db.open(conninfo, 10)) {
            result.sentence = tr("Could not connect: %1").arg(error.toString());
            return result;
        }
        const store::PgResult version = db.exec(QStringLiteral("SELECT version()"));
        if (version.error()) {
            result.sentence = tr("Connected, but the server did not say its version: %1").arg(version.error().toString());
            return result;
        }
        result.ok = true;
        result.sentence = tr("Connected: %1").arg(version.value(0, 0).section(QLatin1Char(','), 0, 0));
        return result;
    }));
}

} // namespace tether::ui
