#include "salesforce/headlesscredentials.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <sys/stat.h>

namespace tether::salesforce {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("HeadlessCredentials", text);
}
} // namespace

HeadlessRefreshToken readRefreshTokenFile(const QString &filePath)
{
    HeadlessRefreshToken result;
    result.source = filePath;
    const QByteArray native = QFile::encodeName(filePath);
    struct stat st;
    if (::stat(native.constData(), &st) != 0) {
        result.error = SalesforceError::make(
            SalesforceError::Kind::Config,
            tr("The refresh token file %1 does not exist or cannot be read.").arg(filePath),
            QStringLiteral("TOKEN_FILE_MISSING"));
        return result;
    }
    if (!S_ISREG(st.st_mode)) {
        result.error = SalesforceError::make(
            SalesforceError::Kind::Config,
            tr("The refresh token file %1 is not a regular file.").arg(filePath),
            QStringLiteral("TOKEN_FILE_NOT_REGULAR"));
        return result;
    }
    // A refresh token is as good as a password: refuse a file others could read
    // or replace, rather than quietly using a secret that may already be leaked.
    if (st.st_mode & (S_IRWXG | S_IRWXO)) {
        result.error = SalesforceError::make(
            SalesforceError::Kind::Config,
            tr("Refusing to read the refresh token from %1: its permissions are %2, so other users "
               "could read it. Run \"chmod 600 %1\" and try again.")
                .arg(filePath)
                .arg(QString::number(st.st_mode & 0777, 8).rightJustified(4, QLatin1Char('0'))),
            QStringLiteral("TOKEN_FILE_PERMISSIONS"));
        return result;
    }
    QFile file(filePath);
    if (!file.open(QIODevice::ReadOnly)) {
        result.error = SalesforceError::make(
            SalesforceError::Kind::Config,
            tr("Could not read the refresh token file %1: %2.").arg(filePath, file.errorString()),
            QStringLiteral("TOKEN_FILE_UNREADABLE"));
        return result;
    }
    result.token = QString::fromUtf8(file.readAll()).trimmed();
    if (result.token.isEmpty()) {
        result.error = SalesforceError::make(
            SalesforceError::Kind::Config,
            tr("The refresh token file %1 is empty.").arg(filePath),
            QStringLiteral("TOKEN_FILE_EMPTY"));
    }
    return result;
}

HeadlessRefreshToken loadHeadlessRefreshToken(const QString &filePath)
{
    const QByteArray env = qgetenv(RefreshTokenEnvVar);
    if (!env.trimmed().isEmpty()) {
        HeadlessRefreshToken result;
        result.token = QString::fromUtf8(env).trimmed();
        result.source = QStringLiteral("environment");
        return result;
    }
    if (!filePath.isEmpty())
        return readRefreshTokenFile(filePath);
    return {};
}

} // namespace tether::salesforce
