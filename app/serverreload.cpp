#include "serverreload.h"

#include "commandline.h"
#include "lifecycle/enginecontroller.h"
#include "logging.h"

#include <QCoreApplication>
#include <QSet>
#include <QTextStream>
#include <cmath>

namespace {
void print(const QString &line) { QTextStream(stderr) << "tether: " << line << Qt::endl; }
} // namespace

ServerReload::ServerReload(tether::lifecycle::EngineController *controller, QStringList arguments, QObject *parent)
    : QObject(parent), m_controller(controller), m_arguments(std::move(arguments))
{
}

void ServerReload::reload()
{
    QString error;
    const CommandLine line = reparseCommandLine(m_arguments, &error);
    if (!error.isEmpty()) {
        print(tr("reload refused, the settings stay as they were: %1").arg(error));
        return;
    }
    const tether::lifecycle::EngineSettings &wanted = line.settings;
    const tether::lifecycle::EngineSettings &running = m_controller->settings();
    QStringList changes;

    // The limiter keeps an interval in microseconds, so 7/s reads back as
    // 7.000007/s: compare to a thousandth.
    if (wanted.requestsPerSecond > 0 && m_controller->rateLimiter() &&
        std::abs(wanted.requestsPerSecond - m_controller->rateLimiter()->requestsPerSecond()) >
            wanted.requestsPerSecond / 1000) {
        m_controller->rateLimiter()->setRequestsPerSecond(wanted.requestsPerSecond);
        changes << tr("rate %1 requests/s").arg(wanted.requestsPerSecond);
    }

    // The list of objects only changes when one is given; without one the
    // default selection stays whatever it resolved to.
    if (!wanted.objects.isEmpty()) {
        QSet<QString> current;
        for (const tether::sync::TableStatus &status : m_controller->tableStatuses())
            current.insert(status.objectName.toLower());
        QStringList added;
        QSet<QString> keep;
        for (const QString &object : wanted.objects) {
            keep.insert(object.toLower());
            if (!current.contains(object.toLower()))
                added << object;
        }
        QStringList removed;
        for (const tether::sync::TableStatus &status : m_controller->tableStatuses()) {
            if (!keep.contains(status.objectName.toLower()))
                removed << status.objectName;
        }
        if (!removed.isEmpty()) {
            m_controller->removeTables(removed);
            changes << tr("stopped syncing %1 (their tables stay)").arg(removed.join(QStringLiteral(", ")));
        }
        if (!added.isEmpty()) {
            m_controller->addTables(added);
            changes << tr("added %1").arg(added.join(QStringLiteral(", ")));
        }
    }

    // Everything else needs a restart; say so rather than ignore it silently.
    QStringList restart;
    if (wanted.database != running.database)
        restart << QStringLiteral("database");
    if (wanted.proxyPort != running.proxyPort || wanted.proxyListen != running.proxyListen)
        restart << QStringLiteral("proxy-port/proxy-listen");
    if (wanted.clientId != running.clientId || wanted.loginHost != running.loginHost)
        restart << QStringLiteral("client-id/login-url");
    if (wanted.schema != running.schema)
        restart << QStringLiteral("schema");

    print(changes.isEmpty() ? tr("reloaded the settings: nothing to change")
                            : tr("reloaded the settings: %1").arg(changes.join(QStringLiteral("; "))));
    if (!restart.isEmpty())
        print(tr("changed settings that take effect at the next restart: %1").arg(restart.join(QStringLiteral(", "))));
}
