#include "store/conninfo.h"

#include <QStringList>
#include <libpq-fe.h>

namespace tether::store {

namespace {

// Key/value pairs of a connection string; empty when libpq cannot read it.
QList<QPair<QString, QString>> parse(const QString &conninfo)
{
    QList<QPair<QString, QString>> pairs;
    char *error = nullptr;
    PQconninfoOption *options = PQconninfoParse(conninfo.toUtf8().constData(), &error);
    if (!options) {
        PQfreemem(error);
        return pairs;
    }
    for (PQconninfoOption *o = options; o->keyword; ++o) {
        if (o->val)
            pairs << qMakePair(QString::fromUtf8(o->keyword), QString::fromUtf8(o->val));
    }
    PQconninfoFree(options);
    return pairs;
}

QString quoted(QString value)
{
    value.replace(u'\\', QStringLiteral("\\\\")).replace(u'\'', QStringLiteral("\\'"));
    return value.isEmpty() || value.contains(u' ') || value.contains(u'\'') || value.contains(u'\\')
               ? u'\'' + value + u'\''
               : value;
}

} // namespace

ServerAddress serverAddressOf(const QString &conninfo)
{
    ServerAddress address;
    address.host = qEnvironmentVariable("PGHOST");
    if (qEnvironmentVariableIsSet("PGPORT"))
        address.port = quint16(qEnvironmentVariableIntValue("PGPORT"));
    for (const auto &[key, value] : parse(conninfo)) {
        if (key == QLatin1String("host") || (key == QLatin1String("hostaddr") && address.host.isEmpty()))
            address.host = value.section(u',', 0, 0);
        else if (key == QLatin1String("port"))
            address.port = quint16(value.section(u',', 0, 0).toUInt());
    }
    return address;
}

QString withServerAddress(const QString &conninfo, const QString &host, quint16 port)
{
    QStringList parts{QStringLiteral("host=") + quoted(host), QStringLiteral("port=%1").arg(port)};
    for (const auto &[key, value] : parse(conninfo)) {
        static const QStringList replaced{QStringLiteral("host"), QStringLiteral("hostaddr"), QStringLiteral("port"),
                                          QStringLiteral("password")};
        if (!replaced.contains(key))
            parts << key + u'=' + quoted(value);
    }
    return parts.join(u' ');
}

} // namespace tether::store
