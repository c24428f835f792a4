// DemoOrg: the Salesforce org of demo mode — tether-sim, generated once into
// the data directory at the chosen scale and kept there, changing a few
// records per second so there is always something to sync.
#pragma once

#include <QObject>
#include <QProcess>
#include <QTimer>
#include <QUrl>

namespace tether::lifecycle {

class DemoOrg : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        QString dataDir;    // <data dir>/demo
        double scale = 1.0; // 1.0 = 100k Accounts, 300k Contacts, 50k Opportunities, ...
        int churnPerSecond = 3;
    };

    explicit DemoOrg(Options options, QObject *parent = nullptr);
    ~DemoOrg() override;

    // tether-sim next to this executable, in the build tree, in ../libexec/tether
    // (the package), or $TETHER_SIM_EXECUTABLE.
    static QString simulatorExecutable();
    // The scale the demo org kept in `dataDir` was generated at; 0 when none is kept.
    static double keptScale(const QString &dataDir);
    // Forgets a demo org kept at another scale and records `scale` as the kept one.
    static void keepScale(const QString &dataDir, double scale);

    // Starts the simulator: ready() or failed().
    void start();
    // Stops it (SIGTERM, SIGKILL after 10 s) without blocking: stopped().
    void stop();
    QUrl url() const { return m_url; }

signals:
    void ready(const QUrl &url);
    void failed(const QString &sentence);
    void stopped();

private:
    Options m_options;
    QProcess m_process;
    QByteArray m_output;
    QUrl m_url;
    QTimer m_killTimer;
    bool m_stopping = false;
};

} // namespace tether::lifecycle
