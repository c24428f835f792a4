#include "demoenvironment.h"

#include "logging.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

DemoEnvironment::DemoEnvironment(Options options, QObject *parent)
    : QObject(parent), m_options(std::move(options))
{
    m_simulator.setProcessChannelMode(QProcess::MergedChannels);
    connect(&m_simulator, &QProcess::readyRead, this, [this] {
        const QByteArray chunk = m_simulator.readAll();
        if (m_simulatorUrl.isEmpty()) {
            m_simulatorOutput += chunk;
            static const QRegularExpression listening(QStringLiteral("tether-sim listening on (http://\\S+)"));
            const auto match = listening.match(QString::fromUtf8(m_simulatorOutput));
            if (match.hasMatch()) {
                m_simulatorUrl = QUrl(match.captured(1));
                qCInfo(lcApp).noquote() << "demo Salesforce org (tether-sim) at" << m_simulatorUrl.toString();
                emit simulatorReady(m_simulatorUrl);
            }
        }
    });
    connect(&m_simulator, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            emit failed(tr("Could not start the demo Salesforce org (%1): %2")
                            .arg(m_simulator.program(), m_simulator.errorString()));
    });
    connect(&m_simulator, &QProcess::finished, this, [this](int code, QProcess::ExitStatus status) {
        if (m_simulatorUrl.isEmpty() || status == QProcess::CrashExit || code != 0)
            emit failed(tr("The demo Salesforce org (tether-sim) stopped unexpectedly (exit code %1). Its last words: %2")
                            .arg(code)
                            .arg(QString::fromUtf8(m_simulatorOutput.right(400)).trimmed()));
    });
}

DemoEnvironment::~DemoEnvironment() { stop(); }

QString DemoEnvironment::simulatorExecutable()
{
    const QString fromEnv = qEnvironmentVariable("TETHER_SIM_EXECUTABLE");
    if (!fromEnv.isEmpty())
        return fromEnv;
    const QDir here(QCoreApplication::applicationDirPath());
    for (const QString &candidate : {here.filePath(QStringLiteral("tether-sim")),
                                     here.filePath(QStringLiteral("../simulator/tether-sim"))}) {
        if (QFileInfo(candidate).isExecutable())
            return QFileInfo(candidate).canonicalFilePath();
    }
    return here.filePath(QStringLiteral("tether-sim"));
}

void DemoEnvironment::startSimulator()
{
    QDir().mkpath(m_options.dataDir);
    auto n = [this](int base) { return QString::number(qMax(1, int(base * m_options.scale))); };
    const QString generate = QStringLiteral("Account=%1,Contact=%2,Opportunity=%3,Lead=%4,Product2=%5,User=%6,Invoice__c=%7")
                                 .arg(n(100000), n(300000), n(50000), n(20000), n(500), n(50), n(50000));
    const QString dataFile = QDir(m_options.dataDir).filePath(
        QStringLiteral("demo-org-%1.bin").arg(QString::number(m_options.scale).replace(u'.', u'_')));
    const QStringList args{QStringLiteral("--port"), QStringLiteral("0"),
                           QStringLiteral("--seed"), QStringLiteral("42"),
                           QStringLiteral("--generate"), generate,
                           QStringLiteral("--data-file"), dataFile,
                           QStringLiteral("--churn"), QString::number(m_options.churnPerSecond)};
    m_simulatorOutput.clear();
    m_simulatorUrl.clear();
    m_simulator.start(simulatorExecutable(), args);
}

void DemoEnvironment::stop()
{
    if (m_simulator.state() == QProcess::NotRunning)
        return;
    m_simulator.disconnect(this);
    m_simulator.terminate();
    if (!m_simulator.waitForFinished(10000)) {
        m_simulator.kill();
        m_simulator.waitForFinished(5000);
    }
}
