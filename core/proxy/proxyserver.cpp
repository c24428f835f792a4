#include "proxy/proxyserver.h"

#include "logging.h"

#include <QFile>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslSocket>

namespace tether::proxy {

namespace {

bool parseListenAddress(const QString &text, QHostAddress *address)
{
    if (text.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0) {
        *address = QHostAddress(QHostAddress::LocalHost);
        return true;
    }
    return address->setAddress(text);
}

} // namespace

ProxyServer::ProxyServer(ProxyConfig config, LiveCounts *counts, QObject *parent)
    : QTcpServer(parent), m_config(std::move(config)), m_counts(counts ? counts : &m_ownCounts)
{
}

ProxyServer::~ProxyServer()
{
    shutdown();
    // Sessions give their cancel keys back as they go: delete them while
    // m_cancelKeys still exists, not later as QObject children.
    qDeleteAll(findChildren<ProxySession *>(Qt::FindDirectChildrenOnly));
}

bool ProxyServer::start(QString *error)
{
    QHostAddress address;
    if (!parseListenAddress(m_config.listenAddress, &address)) {
        *error = tr("Tether's proxy cannot listen on \"%1\": that is not an IP address.").arg(m_config.listenAddress);
        return false;
    }
    const bool loopback = address.isLoopback();
    const bool haveTls = !m_config.tlsCertificatePath.isEmpty() || !m_config.tlsKeyPath.isEmpty();
    if (!loopback && !haveTls) {
        *error = tr("Tether's proxy will not listen on %1 without TLS: give a certificate and key "
                    "(--proxy-tls-cert, --proxy-tls-key) or listen on 127.0.0.1.")
                     .arg(m_config.listenAddress);
        return false;
    }
    if (haveTls && !loadTls(error))
        return false;
    m_settings.upstreamHost = m_config.upstreamHost;
    m_settings.upstreamPort = m_config.upstreamPort;
    m_settings.tlsAvailable = haveTls;
    // Off loopback nothing travels in the clear, passwords included.
    m_settings.tlsRequired = !loopback;

    if (!listen(address, m_config.port)) {
        *error = tr("Tether's proxy cannot listen on %1:%2: %3.")
                     .arg(m_config.listenAddress).arg(m_config.port).arg(errorString());
        return false;
    }
    m_settings.listenDescription = listenDescription();
    qCInfo(lcProxy).noquote() << QStringLiteral("listening on %1%2, relaying to %3:%4")
                                     .arg(listenDescription(), haveTls ? QStringLiteral(" with TLS") : QString(),
                                          m_config.upstreamHost)
                                     .arg(m_config.upstreamPort);
    return true;
}

bool ProxyServer::loadTls(QString *error)
{
    if (m_config.tlsCertificatePath.isEmpty() || m_config.tlsKeyPath.isEmpty()) {
        *error = tr("Tether's proxy needs both a TLS certificate and its key (--proxy-tls-cert and --proxy-tls-key).");
        return false;
    }
    if (!QSslSocket::supportsSsl()) {
        *error = tr("Tether's proxy cannot serve TLS: Qt has no TLS backend on this machine (install OpenSSL 3).");
        return false;
    }
    const QList<QSslCertificate> chain = QSslCertificate::fromPath(m_config.tlsCertificatePath, QSsl::Pem);
    if (chain.isEmpty() || chain.first().isNull()) {
        *error = tr("Tether's proxy could not read a PEM certificate from %1.").arg(m_config.tlsCertificatePath);
        return false;
    }
    QFile keyFile(m_config.tlsKeyPath);
    if (!keyFile.open(QIODevice::ReadOnly)) {
        *error = tr("Tether's proxy could not read the TLS key %1: %2.").arg(m_config.tlsKeyPath, keyFile.errorString());
        return false;
    }
    const QByteArray keyPem = keyFile.readAll();
    QSslKey key;
    for (const QSsl::KeyAlgorithm algorithm : {QSsl::Rsa, QSsl::Ec, QSsl::Dsa}) {
        key = QSslKey(keyPem, algorithm, QSsl::Pem, QSsl::PrivateKey);
        if (!key.isNull())
            break;
    }
    if (key.isNull()) {
        *error = tr("Tether's proxy could not read a PEM private key (RSA, EC or DSA, unencrypted) from %1.")
                     .arg(m_config.tlsKeyPath);
        return false;
    }
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setLocalCertificateChain(chain);
    tls.setPrivateKey(key);
    tls.setPeerVerifyMode(QSslSocket::VerifyNone); // clients authenticate to PostgreSQL, not with certificates
    tls.setProtocol(QSsl::TlsV1_2OrLater);
    m_settings.tls = tls;
    return true;
}

QString ProxyServer::listenDescription() const
{
    const QHostAddress address = serverAddress();
    const QString host = address.protocol() == QAbstractSocket::IPv6Protocol
                             ? QStringLiteral("[%1]").arg(address.toString())
                             : address.toString();
    return QStringLiteral("%1:%2").arg(host).arg(serverPort());
}

ProxyCounts ProxyServer::counts() const
{
    return ProxyCounts{m_counts->open.load(), m_counts->total.load()};
}

void ProxyServer::incomingConnection(qintptr socketDescriptor)
{
    QTcpSocket *socket = m_settings.tlsAvailable ? new QSslSocket : new QTcpSocket;
    // Unbuffered is asked for, but Qt keeps a read buffer for an adopted
    // descriptor all the same (bounded by ProxySession's setReadBufferSize);
    // ProxySession writes plain TCP around Qt's write buffer (sendAll).
    // QSslSocket needs its own buffering for TLS records.
    const QIODevice::OpenMode mode = m_settings.tlsAvailable ? QIODevice::ReadWrite
                                                             : QIODevice::ReadWrite | QIODevice::Unbuffered;
    if (!socket->setSocketDescriptor(socketDescriptor, QAbstractSocket::ConnectedState, mode)) {
        qCWarning(lcProxy).noquote() << "could not take an incoming connection:" << socket->errorString();
        delete socket;
        return;
    }
    if (auto *tls = qobject_cast<QSslSocket *>(socket))
        tls->setSslConfiguration(m_settings.tls);
    auto *session = new ProxySession(socket, m_settings, &m_cancelKeys, this);
    m_counts->open.fetch_add(1);
    m_counts->total.fetch_add(1);
    connect(session, &ProxySession::finished, this, [this, session] {
        m_counts->open.fetch_sub(1);
        qCDebug(lcProxy) << session->clientAddress() << "session ended";
        session->deleteLater();
    });
    qCDebug(lcProxy) << session->clientAddress() << "connected";
    if (m_writeThrough)
        new WriteThroughSession(session, m_writeThrough);
    emit sessionStarted(session);
    session->start();
}

void ProxyServer::shutdown()
{
    close();
    const QList<ProxySession *> sessions = findChildren<ProxySession *>(Qt::FindDirectChildrenOnly);
    for (ProxySession *session : sessions)
        session->abort();
}

} // namespace tether::proxy
