// tether-testcluster start|stop DIR — the CTest fixture around LocalCluster.
//
// start: stops and wipes any cluster an earlier (crashed) run left in DIR,
// initdb's a new one, starts it on a free port and writes its connection
// string to DIR/connection. stop: stops it and removes DIR.
#include "store/localcluster.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTextStream>
#include <unistd.h>

using tether::store::LocalCluster;

namespace {

// As root the server runs as `postgres`, which may not reach into a build tree
// under a private home; then the cluster lives under /tmp and DIR points to it.
QString clusterDirFor(const QString &dir)
{
    const QString inBuildTree = dir + QStringLiteral("/data");
    if (::geteuid() != 0)
        return inBuildTree;
    QProcess probe;
    probe.start(QStringLiteral("runuser"), {QStringLiteral("-u"), QStringLiteral("postgres"), QStringLiteral("--"),
                                            QStringLiteral("test"), QStringLiteral("-x"), dir});
    if (probe.waitForFinished(10000) && probe.exitStatus() == QProcess::NormalExit && probe.exitCode() == 0)
        return inBuildTree;
    const QByteArray hash = QCryptographicHash::hash(dir.toUtf8(), QCryptographicHash::Sha1).toHex().left(12);
    return QDir::tempPath() + QStringLiteral("/tether-test-postgres-") + QString::fromLatin1(hash);
}

int fail(const QString &message)
{
    QTextStream(stderr) << "tether-testcluster: " << message << Qt::endl;
    return 1;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() != 3 || (args[1] != QLatin1String("start") && args[1] != QLatin1String("stop")))
        return fail(QStringLiteral("usage: tether-testcluster start|stop DIR"));
    const QString dir = QDir(args[2]).absolutePath();
    if (!QDir().mkpath(dir))
        return fail(QStringLiteral("cannot create %1").arg(dir));
    // A throwaway cluster for tests: trust keeps every test's connection simple.
    LocalCluster cluster({clusterDirFor(dir), /*unsafeFast=*/true, 0, LocalCluster::Options::Access::Trust});
    QString error;

    // Both verbs begin by removing whatever an earlier run left behind.
    if (!cluster.stop(&error))
        return fail(error);
    QDir(cluster.dataDir()).removeRecursively();
    QFile::remove(dir + QStringLiteral("/connection"));
    if (args[1] == QLatin1String("stop")) {
        QDir(dir).removeRecursively();
        QTextStream(stdout) << "stopped and removed the test cluster" << Qt::endl;
        return 0;
    }
    if (!cluster.start(&error))
        return fail(error);
    QFile info(dir + QStringLiteral("/connection"));
    if (!info.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return fail(QStringLiteral("cannot write %1").arg(info.fileName()));
    info.write(cluster.connectionString().toUtf8() + '\n');
    QFile dataDirNote(dir + QStringLiteral("/datadir"));
    if (dataDirNote.open(QIODevice::WriteOnly))
        dataDirNote.write(cluster.dataDir().toUtf8() + '\n');
    QTextStream(stdout) << "test cluster ready: " << cluster.connectionString() << Qt::endl;
    return 0;
}
