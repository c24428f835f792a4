// The managed cluster's door: the owner gets in on the Unix socket, TCP on
// loopback needs the generated password, and nobody else gets in — also for a
// cluster an earlier version made with trust authentication, which is moved
// over on start. Real initdb'd clusters in temporary directories.
#include "store/localcluster.h"
#include "store/pgconnection.h"

#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <sys/stat.h>
#include <unistd.h>

using tether::store::LocalCluster;
using tether::store::PgConnection;
using tether::store::PgError;

class TestLocalCluster : public QObject
{
    Q_OBJECT

private slots:
    void ownerGetsInOthersDoNot();
    void trustClusterIsMovedOver();
    void clusterOfAnotherUserIsNamed();

private:
    static QString reachableDir(QTemporaryDir &dir);
    // Runs `sql` with psql as another local user; true when it got in.
    static bool otherUserGetsIn(const QString &conninfo, QString *output);
    void checkDoor(LocalCluster &cluster);
};

QString TestLocalCluster::reachableDir(QTemporaryDir &dir)
{
    ::chmod(QFile::encodeName(dir.path()).constData(), 0755); // the postgres user must reach it when we are root
    return dir.filePath(QStringLiteral("postgres"));
}

bool TestLocalCluster::otherUserGetsIn(const QString &conninfo, QString *output)
{
    // `nobody` stands for another person on a shared workstation.
    QProcess psql;
    psql.setProcessChannelMode(QProcess::MergedChannels);
    psql.start(QStringLiteral("runuser"), {QStringLiteral("-u"), QStringLiteral("nobody"), QStringLiteral("--"),
                                           LocalCluster::findBinDir() + QStringLiteral("/psql"), QStringLiteral("-w"),
                                           QStringLiteral("-X"), QStringLiteral("-c"), QStringLiteral("SELECT 1"), conninfo});
    psql.waitForFinished(30000);
    *output = QString::fromUtf8(psql.readAll());
    return psql.exitStatus() == QProcess::NormalExit && psql.exitCode() == 0;
}

void TestLocalCluster::checkDoor(LocalCluster &cluster)
{
    // The owner (this process) on the socket, without a password.
    PgConnection owner;
    PgError error = owner.open(cluster.connectionString());
    QVERIFY2(!error, qPrintable(error.toString()));
    QCOMPARE(owner.exec(QStringLiteral("SELECT current_user")).value(0, 0), cluster.user());
    QVERIFY(cluster.connectionString().contains(cluster.dataDir()));

    // Loopback TCP: refused without the password, accepted with it.
    PgConnection guess;
    error = guess.open(QStringLiteral("host=127.0.0.1 port=%1 user=%2 dbname=postgres passfile=/dev/null")
                           .arg(cluster.port())
                           .arg(cluster.user()));
    QVERIFY(error);
    QVERIFY2(error.toString().contains(QStringLiteral("password")), qPrintable(error.toString()));
    PgConnection withPassword;
    error = withPassword.open(cluster.tcpConnectionString());
    QVERIFY2(!error, qPrintable(error.toString()));

    // The password file is the owner's alone.
    struct stat info {};
    QCOMPARE(::stat(QFile::encodeName(cluster.passwordFile()).constData(), &info), 0);
    QCOMPARE(int(info.st_mode & 0777), 0600);
    QCOMPARE(info.st_uid, ::geteuid());

    // Nothing listens beyond loopback, and the socket is the owner's.
    QCOMPARE(owner.exec(QStringLiteral("SHOW listen_addresses")).value(0, 0), QStringLiteral("127.0.0.1"));
    QCOMPARE(owner.exec(QStringLiteral("SHOW unix_socket_permissions")).value(0, 0), QStringLiteral("0700"));
    QCOMPARE(owner.exec(QStringLiteral("SELECT count(*) FROM pg_hba_file_rules WHERE auth_method = 'trust'")).value(0, 0),
             QStringLiteral("0"));

    // Another local user gets in neither way.
    if (::geteuid() == 0) {
        QString output;
        QVERIFY2(!otherUserGetsIn(cluster.connectionString(), &output), qPrintable(output));
        QVERIFY2(!otherUserGetsIn(QStringLiteral("host=127.0.0.1 port=%1 user=%2 dbname=postgres").arg(cluster.port()).arg(cluster.user()),
                                  &output),
                 qPrintable(output));
        QVERIFY2(output.contains(QStringLiteral("password")), qPrintable(output));
    } else {
        // Without root we cannot become another user; what keeps them out is still checked:
        // the socket's directory is ours alone.
        struct stat dir {};
        QCOMPARE(::stat(QFile::encodeName(cluster.dataDir()).constData(), &dir), 0);
        QCOMPARE(int(dir.st_mode & 0077), 0);
    }

    // The psql command Tether prints works for the owner.
    QProcess shell;
    shell.setProcessChannelMode(QProcess::MergedChannels);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("PATH"), LocalCluster::findBinDir() + u':' + env.value(QStringLiteral("PATH")));
    shell.setProcessEnvironment(env);
    shell.start(QStringLiteral("sh"), {QStringLiteral("-c"), cluster.psqlCommand() + QStringLiteral(" -w -X -A -t -c 'SELECT 42'")});
    QVERIFY(shell.waitForFinished(30000));
    QCOMPARE(QString::fromUtf8(shell.readAll()).trimmed(), QStringLiteral("42"));
}

void TestLocalCluster::ownerGetsInOthersDoNot()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    LocalCluster cluster({reachableDir(dir), true, 0});
    QString error;
    QVERIFY2(cluster.start(&error), qPrintable(error));
    checkDoor(cluster);
    QVERIFY(cluster.stop(&error));
    // A second start keeps the same password and the same door.
    QVERIFY2(cluster.start(&error), qPrintable(error));
    checkDoor(cluster);
    QVERIFY(cluster.stop(&error));
}

void TestLocalCluster::trustClusterIsMovedOver()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString data = reachableDir(dir);
    {
        // The way earlier versions made it: trust for every local connection.
        LocalCluster old({data, true, 0, LocalCluster::Options::Access::Trust});
        QString error;
        QVERIFY2(old.start(&error), qPrintable(error));
        PgConnection anyone;
        QVERIFY(!anyone.open(QStringLiteral("host=127.0.0.1 port=%1 user=%2 dbname=postgres").arg(old.port()).arg(old.user())));
        QVERIFY(anyone.exec(QStringLiteral("CREATE TABLE kept (n int); INSERT INTO kept VALUES (7)")).ok());
        anyone.close();
        QVERIFY(old.stop(&error));
    }
    LocalCluster cluster({data, true, 0});
    QString error;
    QVERIFY2(cluster.start(&error), qPrintable(error));
    checkDoor(cluster);
    PgConnection owner;
    QVERIFY(!owner.open(cluster.connectionString()));
    QCOMPARE(owner.exec(QStringLiteral("SELECT n FROM kept")).value(0, 0), QStringLiteral("7"));
    owner.close();
    QVERIFY(cluster.stop(&error));
}

void TestLocalCluster::clusterOfAnotherUserIsNamed()
{
    // A data directory that another user's Tether made (root's, say): its
    // rules let only that user in on the socket. Start says so, and starts
    // no server.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString data = reachableDir(dir);
    LocalCluster made({data, true, 0});
    QString error;
    QVERIFY2(made.start(&error), qPrintable(error));
    QVERIFY(made.stop(&error));
    QFile ident(data + QStringLiteral("/pg_ident.conf"));
    QVERIFY(ident.open(QIODevice::WriteOnly | QIODevice::Truncate));
    ident.write("owner   somebody   postgres\n");
    ident.close();

    LocalCluster cluster({data, true, 0});
    QVERIFY(!cluster.start(&error));
    QVERIFY2(error.contains(data) && error.contains(QLatin1String("somebody")), qPrintable(error));
    QVERIFY(!cluster.isRunning());
}

QTEST_GUILESS_MAIN(TestLocalCluster)
#include "tst_localcluster.moc"
