#include "simprocess.h"

#include "childprocess.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QTest>
#include <QUrlQuery>

namespace tether::test {

SimProcess::SimProcess(const QStringList &extraArguments)
    : m_arguments(QStringList{QStringLiteral("--port"), QStringLiteral("0")} + extraArguments)
{
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    QObject::connect(&m_process, &QProcess::readyReadStandardOutput, &m_process,
                     [this] { m_output += m_process.readAllStandardOutput(); });
}

SimProcess::~SimProcess()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.kill();
        m_process.waitForFinished(10000);
    }
}

bool SimProcess::start(QString *why, int timeoutMs)
{
    const QString program = qEnvironmentVariable("TETHER_SIM_EXECUTABLE");
    if (program.isEmpty()) {
        if (why)
            *why = QStringLiteral("TETHER_SIM_EXECUTABLE is not set; register the test with the "
                                  "SIMULATOR flag of tether_add_test() and run it through ctest.");
        return false;
    }
    endsWithTest(m_process);
    m_process.start(program, m_arguments);
    if (!m_process.waitForStarted(10000)) {
        if (why)
            *why = QStringLiteral("Could not start %1: %2").arg(program, m_process.errorString());
        return false;
    }
    static const QRegularExpression listening(
        QStringLiteral("tether-sim listening on (http://127\\.0\\.0\\.1:\\d+)"));
    QString url;
    // qWaitFor spins the event loop, so the output arrives through readyRead.
    (void)QTest::qWaitFor(
        [&] {
            const QRegularExpressionMatch match = listening.match(QString::fromUtf8(m_output));
            if (match.hasMatch())
                url = match.captured(1);
            return !url.isEmpty() || m_process.state() == QProcess::NotRunning;
        },
        timeoutMs);
    if (url.isEmpty()) {
        if (why)
            *why = QStringLiteral("tether-sim did not report that it listens (state %1). Its output:\n%2")
                       .arg(int(m_process.state()))
                       .arg(QString::fromUtf8(m_output));
        return false;
    }
    m_baseUrl = QUrl(url);
    return true;
}

QByteArray SimProcess::fetchAccessToken(QString *why) const
{
    QNetworkAccessManager nam;
    QNetworkRequest request(m_baseUrl.resolved(QUrl(QStringLiteral("/services/oauth2/token"))));
    request.setHeader(QNetworkRequest::ContentTypeHeader, "application/x-www-form-urlencoded");
    QUrlQuery form;
    form.addQueryItem(QStringLiteral("grant_type"), QStringLiteral("client_credentials"));
    form.addQueryItem(QStringLiteral("client_id"), QString::fromLatin1(DefaultClientId));
    form.addQueryItem(QStringLiteral("client_secret"), QString::fromLatin1(DefaultClientSecret));
    QNetworkReply *reply = nam.post(request, form.query(QUrl::FullyEncoded).toUtf8());
    (void)QTest::qWaitFor([reply] { return reply->isFinished(); }, 30000);
    const QByteArray body = reply->isFinished() ? reply->readAll() : QByteArray();
    const QByteArray token =
        QJsonDocument::fromJson(body).object().value(QStringLiteral("access_token")).toString().toUtf8();
    if (token.isEmpty() && why)
        *why = QStringLiteral("tether-sim gave no access token: %1 %2").arg(reply->errorString(),
                                                                             QString::fromUtf8(body));
    delete reply;
    return token;
}

} // namespace tether::test
