#include "salesforce/orgconnection.h"

#include <QCoreApplication>
#include <QHostAddress>

namespace tether::salesforce {

namespace LoginHost {

QUrl production() { return QUrl(QStringLiteral("https://login.salesforce.com")); }
QUrl sandbox() { return QUrl(QStringLiteral("https://test.salesforce.com")); }

QUrl fromText(const QString &text, QString *why)
{
    QString t = text.trimmed();
    if (t.compare(QLatin1String("production"), Qt::CaseInsensitive) == 0 || t.isEmpty())
        return production();
    if (t.compare(QLatin1String("sandbox"), Qt::CaseInsensitive) == 0)
        return sandbox();
    if (!t.contains(QLatin1String("://")))
        t.prepend(QStringLiteral("https://"));
    QUrl url(t, QUrl::StrictMode);
    const auto fail = [&](const QString &reason) {
        if (why)
            *why = reason;
        return QUrl();
    };
    if (!url.isValid() || url.host().isEmpty())
        return fail(QCoreApplication::translate("LoginHost", "\"%1\" is not a login host. Enter a host such as login.salesforce.com or yourdomain.my.salesforce.com.")
                        .arg(text));
    const QString host = url.host();
    const bool loopback = host == QLatin1String("localhost") || QHostAddress(host).isLoopback();
    if (url.scheme() != QLatin1String("https") && !(url.scheme() == QLatin1String("http") && loopback))
        return fail(QCoreApplication::translate("LoginHost", "The login host %1 must use https; plain http is only allowed for a local simulator.")
                        .arg(host));
    // Keep scheme, host and port only: OAuth paths are appended to this.
    QUrl clean;
    clean.setScheme(url.scheme());
    clean.setHost(host);
    clean.setPort(url.port());
    return clean;
}

} // namespace LoginHost

bool OrgConnection::setIdentityUrl(const QString &idUrl)
{
    const QStringList parts = QUrl(idUrl).path().split(QLatin1Char('/'), Qt::SkipEmptyParts);
    // .../id/<orgId>/<userId>
    if (parts.size() < 3 || parts.at(parts.size() - 3) != QLatin1String("id"))
        return false;
    orgId = parts.at(parts.size() - 2);
    userId = parts.at(parts.size() - 1);
    return true;
}

OrgConnection OrgConnection::simulatorDemo(const QUrl &simulatorBaseUrl)
{
    OrgConnection c;
    c.loginHost = simulatorBaseUrl.adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment);
    // The default connected app of every tether-sim (simulator/README.md); its
    // registered callback is http://localhost:1717/OauthRedirect.
    c.clientId = QStringLiteral("3MVG9TetherSimDefaultConnectedApp.LocalOnly.x8Q2vB7nK4mZ1pR6tY9wE3sA5dF0gH");
    c.clientSecret = QStringLiteral("7D3C1B9A8F6E4D2C0B1A9F8E7D6C5B4A3F2E1D0C9B8A7F6E5D4C3B2A1F0E9D8C");
    return c;
}

} // namespace tether::salesforce
