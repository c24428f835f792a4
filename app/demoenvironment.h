// DemoEnvironment: what demo mode runs besides Tether itself — a tether-sim
// org (generated once, kept in the data directory) that keeps changing a few
// records per second, and a managed local PostgreSQL cluster.
#pragma once

#include "store/localcluster.h"

#include <QObject>
#include <QProcess>
#include <QUrl>
#include <memory>

class DemoEnvironment : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QString dataDir;
        double scale = 1.0; // 1.0 = 100k Accounts, 300k Contacts, 50k Opportunities, ...
        int churnPerSecond = 3;
    };

    explicit DemoEnvironment(Options options, QObject *parent = nullptr);
    ~DemoEnvironment() override;

    // tether-sim next to this executable (build tree or installed), or $TETHER_SIM_EXECUTABLE.
    static QString simulatorExecutable();

    // Starts the simulator; emits simulatorReady() or failed().
    void startSimulator();
    void stop();

    QUrl simulatorUrl() const { return m_simulatorUrl; }

signals:
    void simulatorReady(const QUrl &url);
    void failed(const QString &message);

private:
    Options m_options;
    QProcess m_simulator;
    QByteArray m_simulatorOutput;
    QUrl m_simulatorUrl;
};
