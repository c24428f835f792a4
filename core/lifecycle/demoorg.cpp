#include "lifecycle/demoorg.h"

#include "logging.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

namespace tether::lifecycle {

namespace {
QString scaleFile(const QString &dataDir) { return QDir(dataDir).filePath(QStringLiteral("scale")); }
} // namespace

DemoOrg::DemoOrg(Options options, QObject *parent) : QObject(parent), m_options(std::move(options))
{
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_killTimer.setSingleShot(true);
    connect(&m_killTimer, &QTimer::timeout, &m_process, &QProcess::kill);
    connect(&m_process, &QProcess::readyRead, this, [this] {
        const QByteArray chunk = m_process.readAll();
        if (!m_url.isEmpty())
            return;
        m_output += chunk;
        static const QRegularExpression listening(QStringLiteral("tether-sim listening on (http://\\S+)"));
        const auto match = listening.match(QString::fromUtf8(m_output));
        if (match.hasMatch()) {
            m_url = QUrl(match.captured(1));
            qCInfo(lcApp).noquote() << "demo Salesforce org (tether-sim) at" << m_url.toString();
            emit ready(m_url);
        }
    });
    connect(&m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            emit failed(tr("Could not start the demo Salesforce org (%1): %2").arg(m_process.program(), m_process.errorString()));
    });
    connect(&m_process, &QProcess::finished, this, [this](int code, QProcess::ExitStatus status) {
        m_killTimer.stop();
        if (m_stopping) {
            emit stopped();
            return;
        }
        emit failed(tr("The demo Salesforce org (tether-sim) stopped unexpectedly (exit code %1). Its last words: %2")
                        .arg(status == QProcess::CrashExit ? -1 : code)
                        .arg(QString::fromUtf8(m_output.right(400)).trimmed()));
    });
}

DemoOrg::~DemoOrg()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.disconnect(this);
        m_process.kill();
        m_process.waitForFinished(2000);
    }
}

QString DemoOrg::simulatorExecutable()
{
    const QString fromEnv = qEnvironmentVariable("TETHER_SIM_EXECUTABLE");
    if (!fromEnv.isEmpty())
        return fromEnv;
    const QDir here(QCoreApplication::applicationDirPath());
    // Next to tether, in the build tree, or where the package puts it.
    for (const QString &candidate : {here.filePath(QStringLiteral("tether-sim")), here.filePath(QStringLiteral("../simulator/tether-sim")),
                                     here.filePath(QStringLiteral("../libexec/tether/tether-sim"))}) {
        if (QFileInfo(candidate).isExecutable())
            return QFileInfo(candidate).canonicalFilePath();
    }
    return here.filePath(QStringLiteral("tether-sim"));
}

double DemoOrg::keptScale(const QString &dataDir)
{
    QFile file(scaleFile(dataDir));
    if (!file.open(QIODevice::ReadOnly))
        return 0;
    return file.readAll().trimmed().toDouble();
}

void DemoOrg::keepScale(const QString &dataDir, double scale)
{
    QDir dir(dataDir);
    dir.mkpath(QStringLiteral("."));
    const QString keep = QStringLiteral("demo-org-%1.bin").arg(QString::number(scale).replace(u'.', u'_'));
    for (const QString &file : dir.entryList({QStringLiteral("demo-org-*.bin")}, QDir::Files)) {
        if (file != keep)
            dir.remove(file);
    }
    QFile marker(scaleFile(dataDir));
    if (marker.open(QIODevice::WriteOnly | QIODevice::Truncate))
        marker.write(QByteArray::number(scale) + '\n');
}

void DemoOrg::start()
{
    QDir().mkpath(m_options.dataDir);
    auto n = [this](int base) { return QString::number(qMax(1, int(base * m_options.scale))); };
    const QString generate = QStringLiteral("Account=%1,Contact=%2,Opportunity=%3,Lead=%4,Product2=%5,User=%6,Invoice__c=%7")
                                 .arg(n(100000), n(300000), n(50000), n(20000), n(500), n(50), n(50000));
    const QString dataFile = QDir(m_options.dataDir).filePath(
        QStringLiteral("demo-org-%1.bin").arg(QString::number(m_options.scale).replace(u'.', u'_')));
    m_output.clear();
    m_url.clear();
    m_stopping = false;
    m_process.start(simulatorExecutable(), {QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--seed"),
                                            QStringLiteral("42"), QStringLiteral("--generate"), generate,
                                            QStringLiteral("--data-file"), dataFile, QStringLiteral("--churn"),
                                            QString::number(m_options.churnPerSecond)});
}

void DemoOrg::stop()
{
    if (m_process.state() == QProcess::NotRunning) {
        QMetaObject::invokeMethod(this, &DemoOrg::stopped, Qt::QueuedConnection);
        return;
    }
    m_stopping = true;
    m_process.terminate();
    m_killTimer.start(10000);
}

} // namespace tether::lifecycle
