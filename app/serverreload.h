// ServerReload: what SIGHUP (`systemctl reload tether`) does — reads the
// command line and the configuration file again and applies, without a
// restart, the two settings that can change live: the Salesforce request rate
// and the object list (tables added start backfilling, tables removed stop
// syncing and keep their rows). Other settings changed in the file wait for a
// restart, and the log says so. A file that no longer reads keeps everything
// as it was, with a sentence in the log.
#pragma once

#include <QObject>
#include <QStringList>

namespace tether::lifecycle {
class EngineController;
}

class ServerReload : public QObject
{
    Q_OBJECT
public:
    ServerReload(tether::lifecycle::EngineController *controller, QStringList arguments, QObject *parent = nullptr);

public slots:
    void reload();

private:
    tether::lifecycle::EngineController *m_controller;
    QStringList m_arguments;
};
