#include "serverconfig.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

namespace {

QString tr(const char *text) { return QCoreApplication::translate("ServerConfig", text); }

// `key = value` lines; `#` starts a comment line; blank lines are skipped.
// Values may be wrapped in double quotes (connection strings with spaces read
// the same either way).
bool readKeyValues(const QString &path, QHash<QString, QString> *values, QList<int> *lines, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
        *error = tr("Cannot read %1: %2.").arg(path, file.errorString());
        return false;
    }
    int number = 0;
    while (!file.atEnd()) {
        ++number;
        const QString line = QString::fromUtf8(file.readLine()).trimmed();
        if (line.isEmpty() || line.startsWith(u'#'))
            continue;
        const qsizetype equals = line.indexOf(u'=');
        if (equals <= 0) {
            *error = tr("%1, line %2: expected `key = value`, found \"%3\".").arg(path).arg(number).arg(line);
            return false;
        }
        const QString key = line.left(equals).trimmed();
        QString value = line.mid(equals + 1).trimmed();
        if (value.size() >= 2 && value.startsWith(u'"') && value.endsWith(u'"'))
            value = value.mid(1, value.size() - 2);
        values->insert(key, value);
        lines->append(number);
    }
    return true;
}

} // namespace

bool parseSwitch(const QString &text, bool *ok)
{
    const QString t = text.trimmed().toLower();
    *ok = true;
    if (t == u"true" || t == u"yes" || t == u"on" || t == u"1")
        return true;
    if (t == u"false" || t == u"no" || t == u"off" || t == u"0")
        return false;
    *ok = false;
    return false;
}

QHash<QString, QString> readConfigFile(const QString &path, const QStringList &valueKeys, const QStringList &flagKeys,
                                       QString *error)
{
    QHash<QString, QString> values;
    QList<int> lines;
    if (!readKeyValues(path, &values, &lines, error))
        return {};
    for (auto it = values.cbegin(); it != values.cend(); ++it) {
        const QString &key = it.key();
        if (key == u"client-secret" || key == u"refresh-token") {
            *error = tr("%1 must not hold %2: the configuration file is readable by everyone. Put it in the "
                        "secrets file (--secrets-file, mode 0600) or a systemd credential.")
                         .arg(path, key);
            return {};
        }
        if (flagKeys.contains(key)) {
            bool ok = false;
            parseSwitch(it.value(), &ok);
            if (!ok) {
                *error = tr("%1: %2 must be true or false, not \"%3\".").arg(path, key, it.value());
                return {};
            }
        } else if (!valueKeys.contains(key)) {
            *error = tr("%1: unknown setting \"%2\"; the settings are the long options of tether --help "
                        "without the dashes.")
                         .arg(path, key);
            return {};
        }
    }
    return values;
}

QHash<QString, QString> readSecretsFile(const QString &path, QString *error)
{
    const QFileInfo info(path);
    if (!info.exists()) {
        *error = tr("The secrets file %1 does not exist.").arg(path);
        return {};
    }
    const QFileDevice::Permissions others = QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ExeGroup |
                                            QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther;
    if (info.permissions() & others) {
        *error = tr("Refusing to read secrets from %1: other users may read or change it. Run chmod 600 %1.").arg(path);
        return {};
    }
    QHash<QString, QString> values;
    QList<int> lines;
    if (!readKeyValues(path, &values, &lines, error))
        return {};
    for (auto it = values.cbegin(); it != values.cend(); ++it) {
        if (it.key() != u"client-secret" && it.key() != u"refresh-token") {
            *error = tr("%1: unknown secret \"%2\"; a secrets file holds client-secret and refresh-token.")
                         .arg(path, it.key());
            return {};
        }
    }
    return values;
}

QString systemdCredentialPath(const QString &name)
{
    const QString dir = qEnvironmentVariable("CREDENTIALS_DIRECTORY");
    if (dir.isEmpty())
        return {};
    const QString path = QDir(dir).filePath(name);
    return QFileInfo::exists(path) ? path : QString();
}

QString systemdCredential(const QString &name)
{
    const QString path = systemdCredentialPath(name);
    if (path.isEmpty())
        return {};
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll()).trimmed();
}
