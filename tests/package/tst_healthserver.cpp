// `tether --headless --health-listen`: /healthz is 503 with a JSON reason
// until Tether is logged in and syncing, then 200; /metrics tells rows, phase,
// freshness, API calls, the org's usage, proxy connections and writes, and the
// rows it reports are what plain SQL counts in the mirror. SIGHUP re-reads the
// configuration file: a new rate and object list show in /metrics without a
// restart. The whole demo runs (managed PostgreSQL, tether-sim) at a tiny scale.
#include "childprocess.h"
#include "store/pgconnection.h"
#include "store/pgresult.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <sys/stat.h>

using namespace tether;

class TestHealthServer : public QObject
{
    Q_OBJECT
private slots:
    void healthMetricsAndReload();

private:
    struct Answer
    {
        int status = 0;
        QByteArray body;
    };
    Answer get(const QString &path);
    // Metric samples by "name{labels}"; -1 when absent.
    double metric(const QByteArray &metrics, const QString &sample);
    bool rowsAgree(store::PgConnection &db, QString *detail);
    void writeConfig(const QByteArray &text);

    QNetworkAccessManager m_http;
    QString m_base;
    QString m_config;
};

TestHealthServer::Answer TestHealthServer::get(const QString &path)
{
    QNetworkReply *reply = m_http.get(QNetworkRequest(QUrl(m_base + path)));
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!reply->isFinished() && !finished.wait(20000))
        return {};
    Answer answer{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->readAll()};
    reply->deleteLater();
    return answer;
}

double TestHealthServer::metric(const QByteArray &metrics, const QString &sample)
{
    for (const QByteArray &line : metrics.split('\n')) {
        if (line.startsWith(sample.toUtf8() + ' '))
            return line.mid(sample.toUtf8().size() + 1).toDouble();
    }
    return -1;
}

bool TestHealthServer::rowsAgree(store::PgConnection &db, QString *detail)
{
    const QByteArray metrics = get(QStringLiteral("/metrics")).body;
    const store::PgResult count = db.exec(QStringLiteral("SELECT count(*) FROM salesforce.account"));
    const double reported = metric(metrics, QStringLiteral("tether_table_rows{object=\"Account\",table=\"salesforce.account\"}"));
    *detail = QStringLiteral("metrics say %1, SQL counts %2").arg(reported).arg(count.ok() ? count.value(0, 0) : count.error().toString());
    return count.ok() && reported == count.value(0, 0).toDouble();
}

void TestHealthServer::writeConfig(const QByteArray &text)
{
    QFile file(m_config);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(text);
}

void TestHealthServer::healthMetricsAndReload()
{
    QTemporaryDir dataDir;
    QVERIFY(dataDir.isValid());
    ::chmod(QFile::encodeName(dataDir.path()).constData(), 0755); // reachable by the postgres user when root
    m_config = dataDir.filePath(QStringLiteral("tether.conf"));
    writeConfig("demo = true\ndemo-scale = 0.002\nobjects = Account,Contact\nrate = 50\nproxy-port = 0\n"
                "health-listen = 127.0.0.1:0\ndata-dir = " + dataDir.path().toUtf8() + '\n');

    QProcess tether;
    test::endsWithTest(tether);
    tether.start(QStringLiteral(TETHER_EXECUTABLE),
                 {QStringLiteral("--headless"), QStringLiteral("--config"), m_config});
    QVERIFY(tether.waitForStarted(30000));
    QByteArray err;
    const QRegularExpression healthLine(QStringLiteral("health check on (http://127\\.0\\.0\\.1:\\d+)/healthz"));
    QTRY_VERIFY2_WITH_TIMEOUT(healthLine.match(QString::fromUtf8(err += tether.readAllStandardError())).hasMatch(),
                              err.right(3000).constData(), 30000);
    m_base = healthLine.match(QString::fromUtf8(err)).captured(1);

    // Not syncing yet (the cluster is still being created): 503 and why.
    Answer health = get(QStringLiteral("/healthz"));
    QCOMPARE(health.status, 503);
    QJsonObject json = QJsonDocument::fromJson(health.body).object();
    QCOMPARE(json.value(QStringLiteral("status")).toString(), QStringLiteral("unavailable"));
    QVERIFY2(!json.value(QStringLiteral("reason")).toString().isEmpty(), health.body.constData());

    QTRY_VERIFY2_WITH_TIMEOUT((err += tether.readAllStandardError()).contains("every table is backfilled"),
                              err.right(3000).constData(), 180000);
    QTRY_VERIFY2_WITH_TIMEOUT((err += tether.readAllStandardError()).contains("Write through to Salesforce with: psql"),
                              err.right(3000).constData(), 30000);
    health = get(QStringLiteral("/healthz"));
    QCOMPARE(health.status, 200);
    json = QJsonDocument::fromJson(health.body).object();
    QCOMPARE(json.value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
    QCOMPARE(json.value(QStringLiteral("state")).toString(), QStringLiteral("syncing"));

    const auto connectionString = [&err](const char *prefix) {
        const QRegularExpression psql(QRegularExpression::escape(QString::fromLatin1(prefix)) + QStringLiteral(" psql \"([^\"]+)\""));
        return psql.match(QString::fromUtf8(err)).captured(1);
    };
    store::PgConnection mirror;
    store::PgError error = mirror.open(connectionString("PostgreSQL ready; connect with:"));
    QVERIFY2(!error, qPrintable(error.toString()));

    QByteArray metrics = get(QStringLiteral("/metrics")).body;
    QCOMPARE(metric(metrics, QStringLiteral("tether_engine_state{state=\"syncing\"}")), 1.0);
    QCOMPARE(metric(metrics, QStringLiteral("tether_table_phase{object=\"Account\",phase=\"polling\"}")), 1.0);
    QCOMPARE(metric(metrics, QStringLiteral("tether_table_phase{object=\"Contact\",phase=\"polling\"}")), 1.0);
    QVERIFY(metric(metrics, QStringLiteral("tether_api_calls_total{category=\"backfill\"}")) > 0);
    QVERIFY(metric(metrics, QStringLiteral("tether_org_api_requests_limit")) > 0);
    QVERIFY(metric(metrics, QStringLiteral("tether_org_api_requests_used")) > 0);
    QCOMPARE(metric(metrics, QStringLiteral("tether_rate_limit_requests_per_second")), 50.0);
    QVERIFY(metrics.contains("# TYPE tether_proxy_write_latency_seconds histogram"));
    QTRY_VERIFY_WITH_TIMEOUT(metric(get(QStringLiteral("/metrics")).body,
                                    QStringLiteral("tether_table_freshness_lag_seconds{object=\"Account\"}")) >= 0,
                             30000);
    // The rows reported are the rows in the table (the demo org changes a
    // few records a second, so both are read again until they agree).
    QString detail;
    QTRY_VERIFY2_WITH_TIMEOUT(rowsAgree(mirror, &detail), qPrintable(detail), 30000);

    // Writes through the proxy: one Salesforce accepts, one it refuses.
    store::PgConnection client;
    error = client.open(connectionString("Write through to Salesforce with:"));
    QVERIFY2(!error, qPrintable(error.toString()));
    metrics = get(QStringLiteral("/metrics")).body;
    QCOMPARE(metric(metrics, QStringLiteral("tether_proxy_connections")), 1.0);
    const store::PgResult accepted =
        client.exec(QStringLiteral("INSERT INTO salesforce.account (name) VALUES ('Counted by /metrics')"));
    QVERIFY2(accepted.ok(), qPrintable(accepted.error().toString()));
    const store::PgResult refused = client.exec(QStringLiteral("INSERT INTO salesforce.contact (firstname) VALUES ('No last name')"));
    QVERIFY2(!refused.ok(), "a Contact without LastName was accepted");
    metrics = get(QStringLiteral("/metrics")).body;
    QCOMPARE(metric(metrics, QStringLiteral("tether_proxy_writes_total{outcome=\"accepted\"}")), 1.0);
    QCOMPARE(metric(metrics, QStringLiteral("tether_proxy_writes_total{outcome=\"refused\"}")), 1.0);
    QCOMPARE(metric(metrics, QStringLiteral("tether_proxy_write_latency_seconds_count")), 2.0);
    QCOMPARE(metric(metrics, QStringLiteral("tether_proxy_write_latency_seconds_bucket{le=\"+Inf\"}")), 2.0);
    QVERIFY(metric(metrics, QStringLiteral("tether_proxy_write_latency_seconds_sum")) > 0);
    QVERIFY(metric(metrics, QStringLiteral("tether_api_calls_total{category=\"write\"}")) >= 1);

    // SIGHUP: another rate and one object fewer, without a restart.
    writeConfig("demo = true\ndemo-scale = 0.002\nobjects = Account\nrate = 8\nproxy-port = 0\n"
                "health-listen = 127.0.0.1:0\ndata-dir = " + dataDir.path().toUtf8() + '\n');
    const qint64 pid = tether.processId();
    ::kill(pid_t(pid), SIGHUP);
    QTRY_VERIFY2_WITH_TIMEOUT((err += tether.readAllStandardError()).contains("reloaded the settings"),
                              err.right(3000).constData(), 30000);
    metrics = get(QStringLiteral("/metrics")).body;
    QCOMPARE(metric(metrics, QStringLiteral("tether_rate_limit_requests_per_second")), 8.0);
    QCOMPARE(metric(metrics, QStringLiteral("tether_table_phase{object=\"Contact\",phase=\"polling\"}")), -1.0);
    QCOMPARE(metric(metrics, QStringLiteral("tether_table_phase{object=\"Account\",phase=\"polling\"}")), 1.0);
    QCOMPARE(tether.processId(), pid); // the same process: no restart
    // The Contact table stays in the mirror.
    QVERIFY(mirror.exec(QStringLiteral("SELECT count(*) FROM salesforce.contact")).value(0, 0).toInt() > 0);

    // A file that no longer reads keeps the running settings.
    writeConfig("rate = fast\n");
    ::kill(pid_t(pid), SIGHUP);
    QTRY_VERIFY2_WITH_TIMEOUT((err += tether.readAllStandardError()).contains("reload refused"),
                              err.right(3000).constData(), 30000);
    QCOMPARE(metric(get(QStringLiteral("/metrics")).body, QStringLiteral("tether_rate_limit_requests_per_second")), 8.0);

    client.close();
    mirror.close();
    ::kill(pid_t(pid), SIGTERM);
    QVERIFY(tether.waitForFinished(60000));
    err += tether.readAllStandardError();
    QCOMPARE(tether.exitStatus(), QProcess::NormalExit);
    QVERIFY2(tether.exitCode() == 0, err.right(3000).constData());
}

QTEST_GUILESS_MAIN(TestHealthServer)
#include "tst_healthserver.moc"
