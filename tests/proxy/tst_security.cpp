// Who gets in through the proxy: authentication is relayed, so the server's
// own pg_hba rules decide (a private cluster with SCRAM, md5 and trust lines);
// TLS is served with a certificate made here by the openssl CLI and is
// mandatory off loopback; SSLRequest and GSSENCRequest are answered as the
// rules say.
#include "proxy/proxyservice.h"
#include "rawclient.h"
#include "store/localcluster.h"
#include "store/pgconnection.h"

#include <QDir>
#include <QNetworkInterface>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>
#include <libpq-fe.h>

using namespace tether::proxy;
using namespace tether::test;
using tether::store::LocalCluster;

namespace {

struct Attempt
{
    bool ok = false;
    QString error;     // libpq's message, without its "connection to server at ..." prefix
    QString user;
    bool tls = false;
};

// Connects with libpq and runs one query; the oracle is the server's own answer.
Attempt attempt(const QString &info)
{
    Attempt result;
    PGconn *conn = PQconnectdb(info.toUtf8().constData());
    if (PQstatus(conn) == CONNECTION_OK) {
        PGresult *res = PQexec(conn, "SELECT current_user");
        result.ok = PQresultStatus(res) == PGRES_TUPLES_OK;
        result.user = QString::fromUtf8(PQgetvalue(res, 0, 0));
        result.tls = PQsslInUse(conn) == 1;
        PQclear(res);
    } else {
        result.error = QString::fromUtf8(PQerrorMessage(conn)).trimmed();
        const qsizetype failed = result.error.indexOf(QLatin1String("failed: "));
        if (failed >= 0)
            result.error = result.error.mid(failed + 8);
    }
    PQfinish(conn);
    return result;
}

} // namespace

class TestSecurity : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void scramAndMd5AreDecidedByTheServer_data();
    void scramAndMd5AreDecidedByTheServer();
    void sslRequestOnLoopbackIsAnsweredNo();
    void nonLoopbackWithoutCertificateRefusesToStart();
    void unreadableCertificateRefusesToStart();
    void tlsServedAndRequiredOffLoopback();
    void dataBeforeTlsHandshakeIsRefused();

private:
    // Starts a proxy; returns its port, or 0 with the failure sentence.
    quint16 startProxy(ProxyConfig config, QString *failure = nullptr);
    QString clusterInfo(const QString &host, quint16 port, const QString &extra) const;

    std::unique_ptr<LocalCluster> m_cluster;
    QString m_dir;
    QString m_certificate;
    QString m_key;
    std::vector<std::unique_ptr<ProxyService>> m_proxies;
};

void TestSecurity::initTestCase()
{
    // As root the server runs as `postgres`, so the directory must be one it can reach.
    m_dir = qEnvironmentVariable("TETHER_BINARY_DIR", QDir::tempPath()) + QStringLiteral("/test-proxy-security");
    QDir(m_dir).removeRecursively();
    QVERIFY(QDir().mkpath(m_dir));
    m_cluster = std::make_unique<LocalCluster>(
        LocalCluster::Options{m_dir + QStringLiteral("/data"), true, 0, LocalCluster::Options::Access::Trust});
    QString error;
    QVERIFY2(m_cluster->initialize(&error), qPrintable(error));
    // Our own rules: the superuser by trust, one role by md5, everyone else by SCRAM.
    QFile hba(m_cluster->dataDir() + QStringLiteral("/pg_hba.conf"));
    QVERIFY(hba.open(QIODevice::WriteOnly | QIODevice::Truncate));
    hba.write(QStringLiteral("local all all trust\n"
                             "host all %1 127.0.0.1/32 trust\n"
                             "host all md5_user 127.0.0.1/32 md5\n"
                             "host all all 127.0.0.1/32 scram-sha-256\n")
                  .arg(m_cluster->user()).toUtf8());
    hba.close();
    QVERIFY2(m_cluster->start(&error), qPrintable(error));
    tether::store::PgConnection admin;
    const tether::store::PgError openError = admin.open(m_cluster->connectionString());
    QVERIFY2(!openError, qPrintable(openError.toString()));
    QVERIFY(admin.exec(QStringLiteral("SET password_encryption = 'scram-sha-256';"
                                      "CREATE ROLE scram_user LOGIN PASSWORD 'right horse';"
                                      "SET password_encryption = 'md5';"
                                      "CREATE ROLE md5_user LOGIN PASSWORD 'battery staple'")).ok());

    QProcess openssl;
    openssl.setWorkingDirectory(m_dir);
    openssl.start(QStringLiteral("openssl"), {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                                              QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-keyout"),
                                              QStringLiteral("key.pem"), QStringLiteral("-out"), QStringLiteral("cert.pem"),
                                              QStringLiteral("-days"), QStringLiteral("1"), QStringLiteral("-subj"),
                                              QStringLiteral("/CN=tether-proxy-test")});
    QVERIFY(openssl.waitForFinished(60000));
    QVERIFY2(openssl.exitCode() == 0, openssl.readAllStandardError().constData());
    m_certificate = m_dir + QStringLiteral("/cert.pem");
    m_key = m_dir + QStringLiteral("/key.pem");
}

void TestSecurity::cleanupTestCase()
{
    m_proxies.clear();
    if (m_cluster) {
        QString error;
        QVERIFY2(m_cluster->stop(&error), qPrintable(error));
    }
    QDir(m_dir).removeRecursively();
}

quint16 TestSecurity::startProxy(ProxyConfig config, QString *failure)
{
    config.upstreamHost = QStringLiteral("127.0.0.1");
    config.upstreamPort = quint16(m_cluster->port());
    auto service = std::make_unique<ProxyService>(config);
    QSignalSpy listening(service.get(), &ProxyService::listening);
    QSignalSpy failed(service.get(), &ProxyService::failed);
    service->start();
    if (!QTest::qWaitFor([&] { return !listening.isEmpty() || !failed.isEmpty(); }, 20000)) {
        if (failure)
            *failure = QStringLiteral("neither listening() nor failed() within 20 s");
        return 0;
    }
    if (!failed.isEmpty()) {
        if (failure)
            *failure = failed.at(0).at(0).toString();
        return 0;
    }
    const quint16 port = listening.at(0).at(1).value<quint16>();
    m_proxies.push_back(std::move(service));
    return port;
}

QString TestSecurity::clusterInfo(const QString &host, quint16 port, const QString &extra) const
{
    return QStringLiteral("host=%1 port=%2 dbname=postgres connect_timeout=10 %3").arg(host).arg(port).arg(extra);
}

void TestSecurity::scramAndMd5AreDecidedByTheServer_data()
{
    QTest::addColumn<QString>("credentials");
    QTest::addColumn<bool>("accepted");
    QTest::newRow("scram, right password") << "user=scram_user password='right horse'" << true;
    QTest::newRow("scram, wrong password") << "user=scram_user password='wrong horse'" << false;
    QTest::newRow("scram, no password") << "user=scram_user password=''" << false;
    QTest::newRow("md5, right password") << "user=md5_user password='battery staple'" << true;
    QTest::newRow("md5, wrong password") << "user=md5_user password='battery'" << false;
    QTest::newRow("unknown role") << "user=nobody_here password='x'" << false;
    QTest::newRow("trust line") << QStringLiteral("user=%1").arg(m_cluster->user()) << true;
}

void TestSecurity::scramAndMd5AreDecidedByTheServer()
{
    QFETCH(QString, credentials);
    QFETCH(bool, accepted);
    ProxyConfig config;
    config.port = 0;
    const quint16 proxyPort = startProxy(config);
    QVERIFY(proxyPort != 0);

    const Attempt direct = attempt(clusterInfo(QStringLiteral("127.0.0.1"), quint16(m_cluster->port()), credentials));
    const Attempt proxied = attempt(clusterInfo(QStringLiteral("127.0.0.1"), proxyPort, credentials));
    QCOMPARE(direct.ok, accepted);
    QCOMPARE(proxied.ok, accepted);
    QCOMPARE(proxied.user, direct.user);
    // The refusal is the server's own sentence, word for word.
    QCOMPARE(proxied.error, direct.error);
    if (!accepted)
        QVERIFY2(proxied.error.contains(QLatin1String("password")), qPrintable(proxied.error));
}

void TestSecurity::sslRequestOnLoopbackIsAnsweredNo()
{
    ProxyConfig config;
    config.port = 0;
    const quint16 port = startProxy(config);
    QVERIFY(port != 0);
    for (const qint32 code : {80877103 /* SSLRequest */, 80877104 /* GSSENCRequest */}) {
        QTcpSocket socket;
        socket.connectToHost(QStringLiteral("127.0.0.1"), port);
        QVERIFY(socket.waitForConnected(10000));
        socket.write(int32(8) + int32(code));
        QVERIFY(socket.waitForReadyRead(10000));
        QCOMPARE(socket.readAll(), QByteArray("N"));
    }
    // libpq's sslmode=prefer falls back to a plain connection.
    const Attempt plain = attempt(clusterInfo(QStringLiteral("127.0.0.1"), port,
                                              QStringLiteral("user=scram_user password='right horse' sslmode=prefer")));
    QVERIFY2(plain.ok, qPrintable(plain.error));
    QVERIFY(!plain.tls);
    const Attempt required = attempt(clusterInfo(QStringLiteral("127.0.0.1"), port,
                                                 QStringLiteral("user=scram_user password='right horse' sslmode=require")));
    QVERIFY(!required.ok);
    QVERIFY2(required.error.contains(QLatin1String("does not support SSL")), qPrintable(required.error));
}

void TestSecurity::nonLoopbackWithoutCertificateRefusesToStart()
{
    for (const QString &address : {QStringLiteral("0.0.0.0"), QStringLiteral("::")}) {
        ProxyConfig config;
        config.listenAddress = address;
        config.port = 0;
        QString failure;
        QCOMPARE(startProxy(config, &failure), quint16(0));
        QVERIFY2(failure.contains(QStringLiteral("will not listen on %1 without TLS").arg(address)), qPrintable(failure));
        QVERIFY2(failure.contains(QLatin1String("--proxy-tls-cert")), qPrintable(failure));
    }
    ProxyConfig config;
    config.listenAddress = QStringLiteral("not-an-address");
    QString failure;
    QCOMPARE(startProxy(config, &failure), quint16(0));
    QVERIFY2(failure.contains(QLatin1String("not an IP address")), qPrintable(failure));
}

void TestSecurity::unreadableCertificateRefusesToStart()
{
    ProxyConfig config;
    config.listenAddress = QStringLiteral("0.0.0.0");
    config.port = 0;
    config.tlsCertificatePath = m_dir + QStringLiteral("/missing.pem");
    config.tlsKeyPath = m_key;
    QString failure;
    QCOMPARE(startProxy(config, &failure), quint16(0));
    QVERIFY2(failure.contains(QLatin1String("could not read a PEM certificate")), qPrintable(failure));
    config.tlsCertificatePath = m_certificate;
    config.tlsKeyPath = m_certificate; // a certificate is not a key
    QCOMPARE(startProxy(config, &failure), quint16(0));
    QVERIFY2(failure.contains(QLatin1String("private key")), qPrintable(failure));
    config.tlsKeyPath.clear();
    QCOMPARE(startProxy(config, &failure), quint16(0));
    QVERIFY2(failure.contains(QLatin1String("both a TLS certificate and its key")), qPrintable(failure));
}

void TestSecurity::tlsServedAndRequiredOffLoopback()
{
    ProxyConfig config;
    config.listenAddress = QStringLiteral("0.0.0.0");
    config.port = 0;
    config.tlsCertificatePath = m_certificate;
    config.tlsKeyPath = m_key;
    QString failure;
    const quint16 port = startProxy(config, &failure);
    QVERIFY2(port != 0, qPrintable(failure));

    // Reach it through a real non-loopback address of this machine when it
    // has one; the rule follows the listen address either way.
    QString host = QStringLiteral("127.0.0.1");
    for (const QHostAddress &address : QNetworkInterface::allAddresses()) {
        if (address.protocol() == QAbstractSocket::IPv4Protocol && !address.isLoopback()) {
            host = address.toString();
            break;
        }
    }
    qInfo() << "connecting to the proxy at" << host;
    const QString scram = QStringLiteral("user=scram_user password='right horse' ");
    const Attempt tls = attempt(clusterInfo(host, port, scram + QStringLiteral("sslmode=require")));
    QVERIFY2(tls.ok, qPrintable(tls.error));
    QVERIFY(tls.tls);
    QCOMPARE(tls.user, QStringLiteral("scram_user"));
    const Attempt wrong = attempt(clusterInfo(host, port, QStringLiteral("user=scram_user password=nope sslmode=require")));
    QVERIFY(!wrong.ok);
    QVERIFY2(wrong.error.contains(QLatin1String("password authentication failed")), qPrintable(wrong.error));

    const Attempt plain = attempt(clusterInfo(host, port, scram + QStringLiteral("sslmode=disable")));
    QVERIFY(!plain.ok);
    QVERIFY2(plain.error.contains(QLatin1String("accepts only encrypted connections")), qPrintable(plain.error));
    // sslmode=prefer tries TLS first and gets it.
    const Attempt preferred = attempt(clusterInfo(host, port, scram + QStringLiteral("sslmode=prefer")));
    QVERIFY2(preferred.ok, qPrintable(preferred.error));
    QVERIFY(preferred.tls);
}

void TestSecurity::dataBeforeTlsHandshakeIsRefused()
{
    ProxyConfig config;
    config.port = 0;
    config.tlsCertificatePath = m_certificate;
    config.tlsKeyPath = m_key;
    const quint16 port = startProxy(config);
    QVERIFY(port != 0);
    // SSLRequest and a startup packet in one write: the startup packet would
    // otherwise be taken as if it had come over TLS.
    QTcpSocket socket;
    socket.connectToHost(QStringLiteral("127.0.0.1"), port);
    QVERIFY(socket.waitForConnected(10000));
    const QByteArray startup = int32(3 << 16) + QByteArray("user\0scram_user\0\0", 17);
    socket.write(int32(8) + int32(80877103) + int32(qint32(startup.size() + 4)) + startup);
    QByteArray answer;
    while (socket.waitForReadyRead(10000))
        answer += socket.readAll();
    QVERIFY2(answer.startsWith('E'), answer.constData());
    QVERIFY2(answer.contains("sent data before TLS was negotiated"), answer.constData());
    QCOMPARE(socket.state(), QAbstractSocket::UnconnectedState);

    // On loopback with a certificate, TLS is offered but not required.
    const Attempt tls = attempt(clusterInfo(QStringLiteral("127.0.0.1"), port,
                                            QStringLiteral("user=scram_user password='right horse' sslmode=require")));
    QVERIFY2(tls.ok && tls.tls, qPrintable(tls.error));
    const Attempt plain = attempt(clusterInfo(QStringLiteral("127.0.0.1"), port,
                                              QStringLiteral("user=scram_user password='right horse' sslmode=disable")));
    QVERIFY2(plain.ok && !plain.tls, qPrintable(plain.error));
}

QTEST_GUILESS_MAIN(TestSecurity)
#include "tst_security.moc"
