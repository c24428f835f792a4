// The Debian package, installed on this machine the way a person would:
// `apt-get install ./tether_*.deb`, Tether's demo run by an ordinary user
// until the mirror polls, an upgrade to the next version that keeps the
// user's mirror and settings (the tables poll again without a new backfill:
// Tether's own API-call accounting in /metrics shows no backfill call), then
// remove (only the user's data stays) and purge (the system-wide state goes,
// the user's data stays). The desktop file, AppStream metainfo, the .deb
// (lintian) and the systemd unit (systemd-analyze verify) are validated by
// the tools Debian uses. The service runs under a real systemd: this machine
// has none as PID 1, so the test boots one as PID 1 of its own PID and mount
// namespaces (SystemdInNamespace below) and drives it with systemctl and
// journalctl, as an administrator would.
//
// Installing needs root (CI runs as root); as anyone else the install steps
// are skipped with a sentence. The .debs come from the package.build fixture
// (scripts/package, versions N and N+1) through TETHER_PACKAGE_DIR.
#include "simprocess.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>
#include <csignal>
#include <functional>
#include <unistd.h>

namespace {

const QString testUser = QStringLiteral("tether-pkgtest");

struct Run
{
    int exitCode = -1;
    QByteArray output; // stdout and stderr
};

Run run(const QString &program, const QStringList &args, int timeoutMs = 300000)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("DEBIAN_FRONTEND"), QStringLiteral("noninteractive"));
    p.setProcessEnvironment(env);
    p.start(program, args);
    if (!p.waitForStarted(30000))
        return {-1, program.toUtf8() + " did not start: " + p.errorString().toUtf8()};
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(10000);
        return {-1, p.readAll() + "\n(timed out)"};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAll()};
}

QString tool(const QString &name, const QString &package)
{
    const QString path = QStandardPaths::findExecutable(name);
    if (path.isEmpty())
        qWarning("%s is not installed: scripts/setup installs it (Debian package %s).", qPrintable(name),
                 qPrintable(package));
    return path;
}

// systemd as PID 1 of a new PID and mount namespace, booted to an empty
// target: nothing starts until the test starts it. It shares this machine's file system, network
// and users, so the package installed here is what it runs; private mounts
// keep /run, /tmp, /var/tmp and the journal inside the namespace, and units
// that would change the machine itself (kernel settings and modules, swap,
// the clock, binfmt, the random seed) are masked. Killing its PID 1 ends
// every process in it.
class SystemdInNamespace
{
public:
    ~SystemdInNamespace() { shutDown(); }

    bool boot(QByteArray *why)
    {
        static const char *const masked[] = {
            "systemd-sysctl.service", "systemd-modules-load.service", "kmod-static-nodes.service",
            "systemd-udevd.service", "systemd-udev-trigger.service", "systemd-hwdb-update.service",
            "systemd-timesyncd.service", "systemd-pstore.service", "systemd-random-seed.service",
            "systemd-binfmt.service", "proc-sys-fs-binfmt_misc.automount", "swap.target", "cryptsetup.target",
            "systemd-firstboot.service", "systemd-machine-id-commit.service", "systemd-repart.service",
            "systemd-tmpfiles-clean.timer", "systemd-journal-flush.service"};
        QByteArray script =
            "set -e\n"
            "mount --make-rprivate /\n"
            "mount -t tmpfs -o mode=755 tmpfs /run\n"
            "mkdir -p /run/lock /run/systemd/system\n"
            "mount -t tmpfs -o mode=1777 tmpfs /tmp\n"
            "mount -t tmpfs -o mode=1777 tmpfs /var/tmp\n"
            "if [ -d /var/log/journal ]; then mount -t tmpfs tmpfs /var/log/journal; fi\n"
            "printf '[Unit]\\nDescription=Tether package test\\n' "
            ">/run/systemd/system/tether-test.target\n";
        for (const char *unit : masked)
            script += QByteArray("ln -s /dev/null /run/systemd/system/") + unit + '\n';
        script += "exec env container=tether-test /lib/systemd/systemd --system --unit=tether-test.target\n";

        m_unshare.setProcessChannelMode(QProcess::MergedChannels);
        m_unshare.start(QStringLiteral("unshare"), {QStringLiteral("--pid"), QStringLiteral("--fork"), QStringLiteral("--mount"),
                                                    QStringLiteral("--mount-proc"), QStringLiteral("bash"), QStringLiteral("-c"),
                                                    QString::fromUtf8(script)});
        if (!m_unshare.waitForStarted(30000)) {
            *why = "unshare did not start: " + m_unshare.errorString().toUtf8();
            return false;
        }
        // PID 1 of the namespace is unshare's child, as this machine numbers it.
        const QString children = QStringLiteral("/proc/%1/task/%1/children").arg(m_unshare.processId());
        const bool started = QTest::qWaitFor([&] {
            QFile file(children);
            m_init = file.open(QIODevice::ReadOnly) ? file.readAll().trimmed().toLongLong() : 0;
            return m_init > 0 || m_unshare.state() != QProcess::Running;
        }, 30000);
        if (!started || m_init <= 0) {
            *why = "systemd did not start in the namespace: " + m_unshare.readAll();
            return false;
        }
        // Until systemd has mounted /run and made its control socket there,
        // systemctl answers "offline"; --wait then waits for the boot's jobs.
        Run state;
        const bool booted = QTest::qWaitFor([&] {
            state = systemctl({QStringLiteral("is-system-running"), QStringLiteral("--wait")});
            return state.output.startsWith("running") || state.output.startsWith("degraded");
        }, 60000);
        if (!booted || !state.output.startsWith("running")) {
            *why = "systemd did not finish booting: " + state.output + m_unshare.readAll() +
                   systemctl({QStringLiteral("--failed"), QStringLiteral("--no-pager")}).output;
            return false;
        }
        return true;
    }

    Run inside(const QString &program, const QStringList &args)
    {
        return run(QStringLiteral("nsenter"), QStringList{QStringLiteral("--target"), QString::number(m_init),
                                                          QStringLiteral("--mount"), QStringLiteral("--pid"), program} +
                                                  args,
                   180000);
    }
    Run systemctl(const QStringList &args) { return inside(QStringLiteral("systemctl"), args); }
    QByteArray show(const QString &unit, const QString &property)
    {
        return systemctl({QStringLiteral("show"), unit, QStringLiteral("--property"), property, QStringLiteral("--value")})
            .output.trimmed();
    }
    QByteArray journal(const QString &unit)
    {
        return inside(QStringLiteral("journalctl"), {QStringLiteral("--unit"), unit, QStringLiteral("--no-pager"),
                                                      QStringLiteral("--output"), QStringLiteral("cat")})
            .output;
    }

    // QTest cuts a message at 1,000 characters: on a timeout the unit's
    // journal goes to the test's log instead.
    bool waitShowingJournal(const QString &unit, const std::function<bool()> &condition, int timeoutMs)
    {
        if (QTest::qWaitFor(condition, timeoutMs))
            return true;
        qWarning().noquote() << "journalctl -u" << unit << "(the end):\n" << journal(unit).right(6000);
        return false;
    }

    void shutDown()
    {
        if (m_init > 0)
            ::kill(pid_t(m_init), SIGKILL);
        m_init = 0;
        if (m_unshare.state() != QProcess::NotRunning)
            m_unshare.waitForFinished(30000);
    }

private:
    QProcess m_unshare;
    qint64 m_init = 0;
};

// /etc/tether/tether.conf for one test: written as the test needs it, and
// put back as shipped afterwards, so the upgrade has nothing to ask about.
class ServiceConfig
{
public:
    ServiceConfig()
    {
        QFile file(path());
        m_valid = file.open(QIODevice::ReadOnly);
        m_shipped = file.readAll();
    }
    ~ServiceConfig()
    {
        if (m_valid)
            write(m_shipped);
    }
    bool isValid() const { return m_valid; }
    bool write(const QByteArray &text)
    {
        QFile file(path());
        return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(text) == text.size();
    }

private:
    static QString path() { return QStringLiteral("/etc/tether/tether.conf"); }
    QByteArray m_shipped;
    bool m_valid = false;
};

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

} // namespace

class TestDebPackage : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void metainfoAndIconsValidate();
    void desktopFileValidates();
    void lintianPasses();
    void installs();
    void unitVerifies();
    void serviceRunsUnderSystemd();
    void serviceLogsInWithASecretsFile();
    void demoRunsAsOrdinaryUser();
    void upgradeKeepsTheMirror();
    void removeKeepsOnlyTheUsersData();
    void purgeRemovesSystemState();
    void cleanupTestCase();

private:
    bool requireRoot();
    // Runs tether as the test user until every table polls; returns /metrics
    // at that moment and the stderr so far, then stops it with SIGTERM.
    bool runDemoUntilPolling(const QStringList &extraArgs, QByteArray *metrics, QByteArray *log);
    QByteArray httpGet(const QString &url, int *status);
    // /metrics of the health server at base, empty unless it answers 200.
    QByteArray metricsAt(const QString &base);
    // /healthz is 200 and every table in /metrics polls: exactly `tables` of
    // them, or at least one when `tables` is 0. What /metrics said goes to
    // *metrics.
    bool everyTablePolls(const QString &base, int tables, QByteArray *metrics = nullptr);

    QString m_debN;
    QString m_debNext;
    QString m_versionN;
    QString m_versionNext;
    QString m_home;
    QStringList m_packageFiles;
    int m_tablesAfterFirstRun = 0;
    bool m_installedByUs = false;
    QNetworkAccessManager m_http;
};

void TestDebPackage::initTestCase()
{
    const QDir dir(qEnvironmentVariable("TETHER_PACKAGE_DIR"));
    m_versionN = qEnvironmentVariable("TETHER_PACKAGE_VERSION");
    m_versionNext = qEnvironmentVariable("TETHER_PACKAGE_NEXT_VERSION");
    const QString arch = QString::fromUtf8(run(QStringLiteral("dpkg"), {QStringLiteral("--print-architecture")}).output.trimmed());
    m_debN = dir.filePath(QStringLiteral("tether_%1_%2.deb").arg(m_versionN, arch));
    m_debNext = dir.filePath(QStringLiteral("tether_%1_%2.deb").arg(m_versionNext, arch));
    QVERIFY2(QFileInfo::exists(m_debN), qPrintable(QStringLiteral("%1 is missing: the package.build fixture "
                                                                   "(scripts/package) did not write it.").arg(m_debN)));
    QVERIFY2(QFileInfo::exists(m_debNext), qPrintable(m_debNext + QStringLiteral(" is missing.")));
    m_home = QStringLiteral("/home/") + testUser;
}

bool TestDebPackage::requireRoot()
{
    return ::geteuid() == 0;
}

void TestDebPackage::metainfoAndIconsValidate()
{
    // Validated as they are in the package, not as they are in the tree.
    QTemporaryDir extracted;
    QVERIFY(extracted.isValid());
    Run x = run(QStringLiteral("dpkg-deb"), {QStringLiteral("-x"), m_debN, extracted.path()});
    QVERIFY2(x.exitCode == 0, x.output.constData());
    const QString appstream = tool(QStringLiteral("appstreamcli"), QStringLiteral("appstream"));
    QVERIFY2(!appstream.isEmpty(), "appstreamcli is missing: install appstream (scripts/setup lists it).");
    Run a = run(appstream, {QStringLiteral("validate"), QStringLiteral("--no-net"),
                            extracted.filePath(QStringLiteral("usr/share/metainfo/io.tether.Tether.metainfo.xml"))});
    QVERIFY2(a.exitCode == 0, a.output.constData());

    // Icons in the sizes the desktop file's Icon= is looked up in, and the rest
    // of what the package promises.
    for (const char *file : {"usr/share/icons/hicolor/scalable/apps/tether.svg", "usr/share/icons/hicolor/48x48/apps/tether.png",
                             "usr/share/icons/hicolor/128x128/apps/tether.png", "usr/share/icons/hicolor/256x256/apps/tether.png",
                             "usr/share/man/man1/tether.1.gz", "usr/libexec/tether/tether-sim",
                             "lib/systemd/system/tether.service", "etc/tether/tether.conf",
                             "usr/share/doc/tether/copyright", "usr/share/doc/tether/changelog.gz"})
        QVERIFY2(QFileInfo::exists(extracted.filePath(QString::fromLatin1(file))), file);
}

void TestDebPackage::desktopFileValidates()
{
    QTemporaryDir extracted;
    QVERIFY(extracted.isValid());
    Run x = run(QStringLiteral("dpkg-deb"), {QStringLiteral("-x"), m_debN, extracted.path()});
    QVERIFY2(x.exitCode == 0, x.output.constData());
    const QString desktopValidate = tool(QStringLiteral("desktop-file-validate"), QStringLiteral("desktop-file-utils"));
    QVERIFY2(!desktopValidate.isEmpty(), "desktop-file-validate is missing: install desktop-file-utils (scripts/setup lists it).");
    Run d = run(desktopValidate, {extracted.filePath(QStringLiteral("usr/share/applications/io.tether.Tether.desktop"))});
    QVERIFY2(d.exitCode == 0 && d.output.trimmed().isEmpty(), d.output.constData());
}

void TestDebPackage::lintianPasses()
{
    const QString lintian = tool(QStringLiteral("lintian"), QStringLiteral("lintian"));
    QVERIFY2(!lintian.isEmpty(), "lintian is missing: install lintian (scripts/setup lists it).");
    // Errors and warnings fail; overrides shipped in the package must say why.
    Run l = run(lintian, {QStringLiteral("--fail-on"), QStringLiteral("error,warning"), QStringLiteral("--allow-root"),
                          QStringLiteral("--tag-display-limit"), QStringLiteral("0"), m_debN},
                600000);
    QVERIFY2(l.exitCode == 0, l.output.constData());
}

void TestDebPackage::installs()
{
    if (!requireRoot())
        QSKIP("Installing the package needs root (CI runs as root); skipped as an ordinary user.");
    const Run installed = run(QStringLiteral("dpkg-query"), {QStringLiteral("-W"), QStringLiteral("-f=${Status}"), QStringLiteral("tether")});
    if (installed.output.contains("install ok installed"))
        QFAIL("A tether package is already installed on this machine; this test installs and purges its own. "
              "Remove it first: apt-get purge tether.");
    // What an earlier run that did not get to its purge left behind (a
    // removed package's conffiles, the service's state) would decide what this
    // run sees: a cluster made by another user, a demo org of another scale.
    if (installed.output.contains("config-files")) {
        qWarning("A removed tether package's files are still here; purging them.");
        QCOMPARE(run(QStringLiteral("dpkg"), {QStringLiteral("--purge"), QStringLiteral("tether")}).exitCode, 0);
    }
    for (const QString &left : {QStringLiteral("/var/lib/tether"), QStringLiteral("/etc/tether")}) {
        if (!QFileInfo::exists(left))
            continue;
        const QString aside = left + QStringLiteral(".left-over");
        qWarning("%s is here without the package (an earlier run's?); moved to %s.", qPrintable(left), qPrintable(aside));
        QDir(aside).removeRecursively();
        QVERIFY(QDir().rename(left, aside));
    }
    Run apt = run(QStringLiteral("apt-get"), {QStringLiteral("install"), QStringLiteral("-y"), QStringLiteral("--no-install-recommends"), m_debN});
    m_installedByUs = true;
    QVERIFY2(apt.exitCode == 0, apt.output.right(4000).constData());

    Run version = run(QStringLiteral("/usr/bin/tether"), {QStringLiteral("--version")});
    QCOMPARE(version.exitCode, 0);
    QCOMPARE(version.output.trimmed(), "tether " + qgetenv("TETHER_BUILD_VERSION")); // what this build was made as
    QVERIFY(run(QStringLiteral("getent"), {QStringLiteral("passwd"), QStringLiteral("tether")}).exitCode == 0);
    QVERIFY(QFileInfo(QStringLiteral("/var/lib/tether")).isDir());
    m_packageFiles = QString::fromUtf8(run(QStringLiteral("dpkg"), {QStringLiteral("-L"), QStringLiteral("tether")}).output)
                         .split(u'\n', Qt::SkipEmptyParts);
    QVERIFY(m_packageFiles.contains(QStringLiteral("/usr/bin/tether")));
}

void TestDebPackage::unitVerifies()
{
    if (!requireRoot() || !m_installedByUs)
        QSKIP("Needs the installed package (root only).");
    const QString analyze = tool(QStringLiteral("systemd-analyze"), QStringLiteral("systemd"));
    QVERIFY2(!analyze.isEmpty(), "systemd-analyze is missing: install systemd.");
    // The unit is checked offline; man:tether(1) must resolve too.
    Run v = run(analyze, {QStringLiteral("verify"), QStringLiteral("/lib/systemd/system/tether.service")});
    QVERIFY2(v.exitCode == 0 && !v.output.contains("tether.service"), v.output.constData());
}

QByteArray TestDebPackage::httpGet(const QString &url, int *status)
{
    QNetworkReply *reply = m_http.get(QNetworkRequest(QUrl(url)));
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!reply->isFinished())
        finished.wait(20000);
    *status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->readAll();
    reply->deleteLater();
    return body;
}

static double metric(const QByteArray &metrics, const QByteArray &sample)
{
    for (const QByteArray &line : metrics.split('\n'))
        if (line.startsWith(sample + ' '))
            return line.mid(sample.size() + 1).toDouble();
    return -1;
}

// Tables and whether each polls, from /metrics.
static QHash<QString, bool> polling(const QByteArray &metrics)
{
    QHash<QString, bool> tables;
    static const QRegularExpression phase(QStringLiteral("^tether_table_phase\\{object=\"([^\"]+)\",phase=\"(\\w+)\"\\} 1$"));
    for (const QByteArray &line : metrics.split('\n')) {
        const QRegularExpressionMatch m = phase.match(QString::fromUtf8(line));
        if (m.hasMatch())
            tables.insert(m.captured(1), m.captured(2) == u"polling");
    }
    return tables;
}

bool TestDebPackage::runDemoUntilPolling(const QStringList &extraArgs, QByteArray *metrics, QByteArray *log)
{
    QProcess tether;
    tether.setProcessChannelMode(QProcess::SeparateChannels);
    // setpriv execs tether as the user (no PAM session, no intermediate
    // process): SIGTERM reaches tether itself. --reset-env gives it the
    // user's HOME, so its data goes where a person's would.
    tether.start(QStringLiteral("setpriv"),
                 QStringList{QStringLiteral("--reuid=") + testUser, QStringLiteral("--regid=") + testUser,
                             QStringLiteral("--init-groups"), QStringLiteral("--reset-env"), QStringLiteral("/usr/bin/tether"),
                             QStringLiteral("--headless"), QStringLiteral("--demo"), QStringLiteral("--demo-scale"),
                             QStringLiteral("0.01"), QStringLiteral("--proxy-port"), QStringLiteral("0"),
                             QStringLiteral("--health-listen"), QStringLiteral("127.0.0.1:0")} +
                     extraArgs);
    if (!tether.waitForStarted(30000)) {
        *log = "setpriv did not start: " + tether.errorString().toUtf8();
        return false;
    }
    const QRegularExpression healthLine(QStringLiteral("health check on (http://127\\.0\\.0\\.1:\\d+)/healthz"));
    QString base;
    bool ok = false;
    auto allPolling = [&] {
        *log += tether.readAllStandardError();
        if (base.isEmpty())
            base = healthLine.match(QString::fromUtf8(*log)).captured(1);
        if (base.isEmpty() || tether.state() != QProcess::Running)
            return false;
        return everyTablePolls(base, 0, metrics) && metric(*metrics, "tether_api_calls_total{category=\"poll\"}") > 0;
    };
    // The demo org is generated, the cluster created, every table backfilled.
    ok = QTest::qWaitFor(allPolling, 300000);
    ::kill(pid_t(tether.processId()), SIGTERM);
    const bool finished = tether.waitForFinished(90000);
    *log += tether.readAllStandardError();
    return ok && finished && tether.exitStatus() == QProcess::NormalExit && tether.exitCode() == 0 &&
           log->contains("stopped cleanly");
}

QByteArray TestDebPackage::metricsAt(const QString &base)
{
    int status = 0;
    const QByteArray body = httpGet(base + QStringLiteral("/metrics"), &status);
    return status == 200 ? body : QByteArray();
}

bool TestDebPackage::everyTablePolls(const QString &base, int tables, QByteArray *metrics)
{
    const QByteArray now = metricsAt(base);
    if (metrics)
        *metrics = now;
    const QHash<QString, bool> phases = polling(now);
    if (phases.isEmpty() || (tables > 0 && phases.size() != tables) || phases.values().contains(false))
        return false;
    int status = 0;
    httpGet(base + QStringLiteral("/healthz"), &status);
    return status == 200;
}

void TestDebPackage::serviceRunsUnderSystemd()
{
    if (!requireRoot() || !m_installedByUs)
        QSKIP("Needs the installed package (root only).");
    ServiceConfig conf;
    QVERIFY(conf.isValid());

    // The demo org and the managed cluster in the service's state directory:
    // the whole engine, as the tether user, under the unit's sandbox.
    const QString base = QStringLiteral("http://127.0.0.1:%1").arg(freePort());
    const QByteArray settings = "demo = true\ndemo-scale = 0.002\nobjects = Account,Contact\nrate = 20\n"
                                "proxy-port = 0\ndata-dir = /var/lib/tether\nhealth-listen = " +
                                QUrl(base).authority().toUtf8() + '\n';
    QVERIFY(conf.write(settings));

    SystemdInNamespace systemd;
    QByteArray why;
    QVERIFY2(systemd.boot(&why), why.constData());
    const QString unit = QStringLiteral("tether.service");

    // Installed, not enabled: a workstation install starts no server.
    QCOMPARE(systemd.systemctl({QStringLiteral("is-enabled"), unit}).output.trimmed(), "disabled");
    QCOMPARE(systemd.show(unit, QStringLiteral("ActiveState")), "inactive");

    Run start = systemd.systemctl({QStringLiteral("start"), unit});
    QVERIFY2(start.exitCode == 0, (start.output + systemd.journal(unit)).constData());
    QVERIFY2(systemd.waitShowingJournal(unit, [&] { return everyTablePolls(base, 2); }, 180000), "the tables do not all poll");

    // Run as the system user, its log in the journal.
    const QByteArray mainPid = systemd.show(unit, QStringLiteral("MainPID"));
    QCOMPARE(systemd.inside(QStringLiteral("stat"), {QStringLiteral("-c"), QStringLiteral("%U"), QStringLiteral("/proc/") + QString::fromLatin1(mainPid)})
                 .output.trimmed(),
             "tether");
    // journald takes the service's output from a stream of its own: a line
    // can reach the journal a moment after the health check shows its effect.
    const auto journalSays = [&](const QByteArray &text) {
        return systemd.waitShowingJournal(unit, [&] { return systemd.journal(unit).contains(text); }, 30000);
    };
    QVERIFY2(journalSays("every table is backfilled; polling for changes"), "the journal does not say the backfill ended");
    QVERIFY2(journalSays("proxy listening on 127.0.0.1:"), "the journal does not say where the proxy listens");

    // systemctl reload: a new rate and a third table, same process.
    QVERIFY(conf.write(QByteArray(settings).replace("rate = 20", "rate = 7").replace("Account,Contact", "Account,Contact,Lead")));
    Run reload = systemd.systemctl({QStringLiteral("reload"), unit});
    QVERIFY2(reload.exitCode == 0, reload.output.constData());
    QVERIFY2(systemd.waitShowingJournal(unit, [&] { return std::abs(metric(metricsAt(base), "tether_rate_limit_requests_per_second") - 7) < 0.01; }, 30000),
             "the new rate does not show in /metrics");
    QVERIFY2(systemd.waitShowingJournal(unit, [&] { return everyTablePolls(base, 3); }, 120000), "the table added by the reload does not poll");
    QCOMPARE(systemd.show(unit, QStringLiteral("MainPID")), mainPid);
    QCOMPARE(systemd.show(unit, QStringLiteral("NRestarts")), "0");

    // systemctl stop: a clean stop, exit status 0, said in the journal.
    Run stop = systemd.systemctl({QStringLiteral("stop"), unit});
    QVERIFY2(stop.exitCode == 0, stop.output.constData());
    QCOMPARE(systemd.show(unit, QStringLiteral("Result")), "success");
    QCOMPARE(systemd.show(unit, QStringLiteral("ExecMainStatus")), "0");
    QVERIFY2(journalSays("stopped cleanly"), "the journal does not say Tether stopped cleanly");

    // Started again, the mirror in /var/lib/tether is still there: every
    // table polls without one backfill call.
    start = systemd.systemctl({QStringLiteral("start"), unit});
    QVERIFY2(start.exitCode == 0, start.output.constData());
    QVERIFY2(systemd.waitShowingJournal(unit, [&] { return everyTablePolls(base, 3); }, 120000), "the tables do not all poll after a restart");
    QCOMPARE(metric(metricsAt(base), "tether_api_calls_total{category=\"backfill\"}"), 0.0);
    QVERIFY(systemd.systemctl({QStringLiteral("stop"), unit}).exitCode == 0);
    QCOMPARE(systemd.show(unit, QStringLiteral("Result")), "success");
}

void TestDebPackage::serviceLogsInWithASecretsFile()
{
    if (!requireRoot() || !m_installedByUs)
        QSKIP("Needs the installed package (root only).");
    // An org of its own (the packaged tether-sim standing in for Salesforce),
    // logged in to with the client-credentials flow.
    qputenv("TETHER_SIM_EXECUTABLE", "/usr/libexec/tether/tether-sim");
    tether::test::SimProcess sim({QStringLiteral("--generate"), QStringLiteral("Account=120")});
    QString simWhy;
    QVERIFY2(sim.start(&simWhy), qPrintable(simWhy));

    ServiceConfig conf;
    QVERIFY(conf.isValid());
    const QString base = QStringLiteral("http://127.0.0.1:%1").arg(freePort());
    const QByteArray settings = "login-url = " + sim.baseUrl().toString().toUtf8() +
                                "\nclient-id = " + tether::test::SimProcess::DefaultClientId +
                                "\nobjects = Account\nrate = 20\nproxy-port = 0\ndata-dir = /var/lib/tether/server\n"
                                "health-listen = " + QUrl(base).authority().toUtf8() + '\n';
    QVERIFY(conf.write(settings));

    SystemdInNamespace systemd;
    QByteArray why;
    QVERIFY2(systemd.boot(&why), why.constData());
    const QString unit = QStringLiteral("tether.service");

    // No secret anywhere: a setting to fix, said in the journal, and not
    // restarted over and over (exit status 2, RestartPreventExitStatus).
    QVERIFY(systemd.systemctl({QStringLiteral("start"), unit}).exitCode == 0);
    QVERIFY2(systemd.waitShowingJournal(unit, [&] { return systemd.show(unit, QStringLiteral("ActiveState")) == "failed"; }, 60000),
             "the service without a secret did not fail");
    QCOMPARE(systemd.show(unit, QStringLiteral("ExecMainStatus")), "2");
    QCOMPARE(systemd.show(unit, QStringLiteral("NRestarts")), "0");
    QVERIFY2(systemd.journal(unit).contains("No way to log in without a browser"), systemd.journal(unit).right(900).constData());

    // The secret in a file only the tether user can read, named in the config.
    const QString secrets = QStringLiteral("/etc/tether/secrets");
    auto removeSecrets = qScopeGuard([&] { QFile::remove(secrets); });
    QFile secretsFile(secrets);
    QVERIFY(secretsFile.open(QIODevice::WriteOnly));
    secretsFile.write(QByteArray("client-secret = ") + tether::test::SimProcess::DefaultClientSecret + '\n');
    secretsFile.close();
    QVERIFY(secretsFile.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner));
    QCOMPARE(run(QStringLiteral("chown"), {QStringLiteral("tether:tether"), secrets}).exitCode, 0);
    QVERIFY(conf.write(settings + "secrets-file = " + secrets.toUtf8() + '\n'));

    QVERIFY(systemd.systemctl({QStringLiteral("reset-failed"), unit}).exitCode == 0);
    const Run start = systemd.systemctl({QStringLiteral("start"), unit});
    QVERIFY2(start.exitCode == 0, start.output.constData());
    QVERIFY2(systemd.waitShowingJournal(unit, [&] { return everyTablePolls(base, 1); }, 120000), "Account does not poll");
    QCOMPARE(metric(metricsAt(base), "tether_table_rows{object=\"Account\",table=\"salesforce.account\"}"), 120.0);
    const QByteArray log = systemd.journal(unit);
    QVERIFY2(log.contains("Logged in to " + sim.baseUrl().toString().toUtf8()), log.right(900).constData());
    QVERIFY(!log.contains(tether::test::SimProcess::DefaultClientSecret));
    QVERIFY(systemd.systemctl({QStringLiteral("stop"), unit}).exitCode == 0);
    QCOMPARE(systemd.show(unit, QStringLiteral("Result")), "success");
}

void TestDebPackage::demoRunsAsOrdinaryUser()
{
    if (!requireRoot() || !m_installedByUs)
        QSKIP("Needs the installed package (root only).");
    run(QStringLiteral("userdel"), {QStringLiteral("-f"), QStringLiteral("-r"), testUser}); // left over from an earlier run
    Run add = run(QStringLiteral("useradd"), {QStringLiteral("-m"), QStringLiteral("-d"), m_home, QStringLiteral("-s"),
                                              QStringLiteral("/bin/sh"), testUser});
    QVERIFY2(add.exitCode == 0, add.output.constData());

    QByteArray metrics, log;
    // --rate: the demo at full speed; saved in the user's settings, which the
    // upgraded version must still find.
    const bool ran = runDemoUntilPolling({QStringLiteral("--rate"), QStringLiteral("20")}, &metrics, &log);
    QVERIFY2(ran, log.right(4000).constData());
    QVERIFY2(metric(metrics, "tether_api_calls_total{category=\"backfill\"}") > 0, metrics.constData());
    QVERIFY(metric(metrics, "tether_table_rows{object=\"Account\",table=\"salesforce.account\"}") > 0);
    m_tablesAfterFirstRun = polling(metrics).size();
    QVERIFY(m_tablesAfterFirstRun >= 3);
    QVERIFY(QFileInfo(m_home + QStringLiteral("/.local/share/Tether/tether")).isDir());
}

void TestDebPackage::upgradeKeepsTheMirror()
{
    if (!requireRoot() || !m_installedByUs || !m_tablesAfterFirstRun)
        QSKIP("Needs the installed package and a first run (root only).");
    Run apt = run(QStringLiteral("apt-get"), {QStringLiteral("install"), QStringLiteral("-y"), QStringLiteral("--no-install-recommends"), m_debNext});
    QVERIFY2(apt.exitCode == 0, apt.output.right(4000).constData());
    QCOMPARE(QString::fromUtf8(run(QStringLiteral("dpkg-query"), {QStringLiteral("-W"), QStringLiteral("-f=${Version}"),
                                                                  QStringLiteral("tether")})
                                   .output),
             m_versionNext);
    // Version N+1 is its own build, not N's binary under a new package version.
    QCOMPARE(run(QStringLiteral("/usr/bin/tether"), {QStringLiteral("--version")}).output.trimmed(), "tether " + m_versionNext.toUtf8());

    QByteArray metrics, log;
    const bool ran = runDemoUntilPolling({}, &metrics, &log);
    QVERIFY2(ran, log.right(4000).constData());
    // The same tables, polling, and not one backfill call: the mirror was kept.
    QCOMPARE(polling(metrics).size(), m_tablesAfterFirstRun);
    QVERIFY(metric(metrics, "tether_table_rows{object=\"Account\",table=\"salesforce.account\"}") > 0);
    QCOMPARE(metric(metrics, "tether_api_calls_total{category=\"backfill\"}"), 0.0);
    QVERIFY2(!log.contains("backfilling"), log.right(4000).constData());
    // The saved rate is the user's setting from the first run.
    QCOMPARE(metric(metrics, "tether_rate_limit_requests_per_second"), 20.0);
}

void TestDebPackage::removeKeepsOnlyTheUsersData()
{
    if (!requireRoot() || !m_installedByUs)
        QSKIP("Needs the installed package (root only).");
    const QStringList files = QString::fromUtf8(run(QStringLiteral("dpkg"), {QStringLiteral("-L"), QStringLiteral("tether")}).output)
                                  .split(u'\n', Qt::SkipEmptyParts);
    Run apt = run(QStringLiteral("apt-get"), {QStringLiteral("remove"), QStringLiteral("-y"), QStringLiteral("tether")});
    QVERIFY2(apt.exitCode == 0, apt.output.right(4000).constData());
    for (const QString &file : files) {
        const QFileInfo info(file);
        // Directories are shared with other packages; the conffile stays until purge.
        if (info.isDir() || file == u"/etc/tether/tether.conf")
            continue;
        QVERIFY2(!info.exists(), qPrintable(file + QStringLiteral(" is still there after removal")));
    }
    QVERIFY(!QFileInfo::exists(QStringLiteral("/usr/bin/tether")));
    QVERIFY(QFileInfo::exists(QStringLiteral("/etc/tether/tether.conf")));
    // The user's mirror and settings are theirs.
    QVERIFY(QFileInfo::exists(m_home + QStringLiteral("/.local/share/Tether/tether")));
}

void TestDebPackage::purgeRemovesSystemState()
{
    if (!requireRoot() || !m_installedByUs)
        QSKIP("Needs the installed package (root only).");
    Run apt = run(QStringLiteral("apt-get"), {QStringLiteral("purge"), QStringLiteral("-y"), QStringLiteral("tether")});
    QVERIFY2(apt.exitCode == 0, apt.output.right(4000).constData());
    m_installedByUs = false;
    QVERIFY(!QFileInfo::exists(QStringLiteral("/etc/tether")));
    QVERIFY(!QFileInfo::exists(QStringLiteral("/var/lib/tether")));
    QVERIFY2(run(QStringLiteral("getent"), {QStringLiteral("passwd"), QStringLiteral("tether")}).exitCode != 0,
             "the tether system user is still there after purge");
    QVERIFY(run(QStringLiteral("dpkg-query"), {QStringLiteral("-W"), QStringLiteral("-f=${Status}"), QStringLiteral("tether")})
                .output.contains("not-installed") ||
            run(QStringLiteral("dpkg-query"), {QStringLiteral("-W"), QStringLiteral("tether")}).exitCode != 0);
    QVERIFY(QFileInfo::exists(m_home + QStringLiteral("/.local/share/Tether/tether")));
}

void TestDebPackage::cleanupTestCase()
{
    if (!requireRoot())
        return;
    if (m_installedByUs)
        run(QStringLiteral("apt-get"), {QStringLiteral("purge"), QStringLiteral("-y"), QStringLiteral("tether")});
    run(QStringLiteral("userdel"), {QStringLiteral("-f"), QStringLiteral("-r"), testUser});
}

QTEST_GUILESS_MAIN(TestDebPackage)
#include "tst_debpackage.moc"
