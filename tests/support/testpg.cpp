#include "testpg.h"

#include "store/pgconnection.h"

#include <QFile>

namespace tether::test {

QString fixtureConnectionString(QString *why)
{
    const QString path = qEnvironmentVariable("TETHER_TEST_PG_INFO");
    QFile file(path);
    if (path.isEmpty() || !file.open(QIODevice::ReadOnly)) {
        if (why)
            *why = QStringLiteral("No fixture PostgreSQL (TETHER_TEST_PG_INFO=%1); run this test "
                                  "through ctest, which starts the cluster.")
                       .arg(path);
        return {};
    }
    return QString::fromUtf8(file.readAll()).trimmed();
}

QString createScratchDatabase(const QString &name, QString *why)
{
    const QString base = fixtureConnectionString(why);
    if (base.isEmpty())
        return {};
    store::PgConnection admin;
    if (const store::PgError error = admin.open(base)) {
        if (why)
            *why = error.toString();
        return {};
    }
    const QString quoted = admin.quoteIdentifier(name);
    for (const QString &sql : {QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(quoted),
                               QStringLiteral("CREATE DATABASE %1").arg(quoted)}) {
        const store::PgResult result = admin.exec(sql);
        if (!result.ok()) {
            if (why)
                *why = result.error().toString();
            return {};
        }
    }
    QString info = base;
    info.replace(QStringLiteral("dbname=postgres"), QStringLiteral("dbname=") + name);
    return info;
}

} // namespace tether::test
