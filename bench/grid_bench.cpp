// grid_bench: the grid editor on a 1,000,000-row table — time to the first
// painted screen, resident memory while opening and scrolling, rows per
// second scrolling straight down (keyset windows) and time per jump of the
// scroll bar (OFFSET windows), sorted by the primary key and by an unindexed
// column.
//
// The table: a throwaway PostgreSQL cluster (LocalCluster, fsync off), a
// mirror-shaped table filled with generate_series in one statement, and its
// tether.sync_state row with a hand-written describe — the grid reads rows,
// so it connects straight to PostgreSQL here (no Salesforce involved).
//   grid_bench [rows]   (default 1000000)
#include "grid/grideditor.h"
#include "grid/gridmodel.h"
#include "store/localcluster.h"
#include "store/pgconnection.h"
#include "sync/mirrorstore.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QHeaderView>
#include <QRandomGenerator>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTextStream>
#include <sys/stat.h>

using namespace tether;

namespace {

QTextStream out(stdout);

qint64 residentKb()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}

const char *describeJson = R"({"name":"Big__c","label":"Big Thing","keyPrefix":"a0B","fields":[
{"name":"Id","label":"Record ID","type":"id","updateable":false,"createable":false,"nillable":false},
{"name":"Name","label":"Big Thing Name","type":"string","length":80,"updateable":true,"createable":true,"nillable":false},
{"name":"Amount__c","label":"Amount","type":"currency","precision":18,"scale":2,"updateable":true,"createable":true,"nillable":true},
{"name":"Close_Date__c","label":"Close Date","type":"date","updateable":true,"createable":true,"nillable":true},
{"name":"Status__c","label":"Status","type":"picklist","updateable":true,"createable":true,"nillable":true,
 "picklistValues":[{"value":"Open","active":true},{"value":"Won","active":true},{"value":"Lost","active":true}]},
{"name":"Active__c","label":"Active","type":"boolean","updateable":true,"createable":true,"nillable":false},
{"name":"Note__c","label":"Note","type":"textarea","length":1000,"updateable":true,"createable":true,"nillable":true},
{"name":"CreatedDate","label":"Created Date","type":"datetime","updateable":false,"createable":false,"nillable":false}]})";

// Scrolls until the rows on screen are loaded and painted.
bool settle(ui::GridEditor &editor, int timeoutMs = 30000)
{
    QTableView *view = editor.view();
    const int top = view->rowAt(0);
    const int bottom = qMax(top, view->rowAt(view->viewport()->height() - 1));
    const bool ok = QTest::qWaitFor([&] {
        for (int r = top; r <= bottom; r += qMax(1, (bottom - top) / 4)) {
            if (!editor.model()->isLoaded(r))
                return false;
        }
        return editor.model()->isLoaded(bottom);
    }, timeoutMs);
    view->viewport()->repaint();
    return ok;
}

void run(ui::GridEditor &editor, const QString &what, qint64 rows)
{
    QTableView *view = editor.view();
    // Straight down, one screen at a time, for 10 seconds.
    QElapsedTimer clock;
    clock.start();
    qint64 scrolled = 0;
    const int screen = qMax(1, view->rowAt(view->viewport()->height() - 1) - view->rowAt(0));
    int top = view->rowAt(0);
    while (clock.elapsed() < 10000 && top + screen < rows) {
        top += screen;
        view->scrollTo(editor.model()->index(top, 0), QAbstractItemView::PositionAtTop);
        if (!settle(editor)) {
            out << "  scrolling stalled at row " << top << Qt::endl;
            break;
        }
        scrolled += screen;
    }
    const double seconds = clock.nsecsElapsed() / 1e9;
    out << "  " << what << ": scrolled " << scrolled << " rows in " << QString::number(seconds, 'f', 1) << " s = "
        << qint64(scrolled / seconds) << " rows/s (a screen is " << screen << " rows); resident " << residentKb() / 1024
        << " MB, rows held " << editor.model()->loadedRowCount() << Qt::endl;
    // Jumps: the scroll bar dragged to random places.
    QList<qint64> times;
    for (int i = 0; i < 20; ++i) {
        const int target = int(QRandomGenerator::global()->bounded(quint32(rows - screen)));
        QElapsedTimer jump;
        jump.start();
        view->scrollTo(editor.model()->index(target, 0), QAbstractItemView::PositionAtTop);
        settle(editor);
        times << jump.elapsed();
    }
    std::sort(times.begin(), times.end());
    out << "  " << what << ": scroll-bar jump to a random row, median " << times[times.size() / 2] << " ms, slowest "
        << times.last() << " ms; resident " << residentKb() / 1024 << " MB, rows held " << editor.model()->loadedRowCount()
        << Qt::endl;
}

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("tether-grid-bench"));
    const qint64 rows = argc > 1 ? QByteArray(argv[1]).toLongLong() : 1000000;

    QTemporaryDir dir;
    ::chmod(QFile::encodeName(dir.path()).constData(), 0755);
    store::LocalCluster cluster({dir.filePath(QStringLiteral("pg")), true, 0, store::LocalCluster::Options::Access::Trust});
    QString why;
    if (!cluster.start(&why)) {
        out << "cannot start PostgreSQL: " << why << Qt::endl;
        return 1;
    }
    auto stopCluster = qScopeGuard([&cluster] { cluster.stop(nullptr); });
    const QString info = cluster.connectionString();
    {
        store::PgConnection db;
        if (const store::PgError e = db.open(info)) {
            out << e.toString() << Qt::endl;
            return 1;
        }
        sync::MirrorStore mirror(db, QStringLiteral("salesforce"));
        if (const store::PgError e = mirror.ensureStateSchema()) {
            out << e.toString() << Qt::endl;
            return 1;
        }
        QElapsedTimer fill;
        fill.start();
        const store::PgResult r = db.exec(QStringLiteral(
            "CREATE SCHEMA IF NOT EXISTS salesforce;"
            "CREATE UNLOGGED TABLE salesforce.big__c (id varchar(18) PRIMARY KEY, name varchar(80), amount__c numeric(18,2), "
            "close_date__c date, status__c varchar(255), active__c boolean, note__c text, createddate timestamptz);"
            "INSERT INTO salesforce.big__c SELECT 'a0B' || lpad(i::text, 15, '0'), 'Thing ' || md5(i::text), "
            "round((random() * 100000)::numeric, 2), date '2020-01-01' + (i % 2000), (ARRAY['Open','Won','Lost'])[1 + i % 3], "
            "i % 2 = 0, CASE WHEN i % 7 = 0 THEN 'Note ' || i END, timestamptz '2020-01-01' + i * interval '1 minute' "
            "FROM generate_series(1, %1) i;"
            "ANALYZE salesforce.big__c;").arg(rows));
        // A synced table at rest: its pages written out and its visibility map set,
        // so the figures are not those of a server still busy with the fill.
        db.exec(QStringLiteral("VACUUM salesforce.big__c"));
        db.exec(QStringLiteral("CHECKPOINT"));
        if (!r.ok()) {
            out << r.error().toString() << Qt::endl;
            return 1;
        }
        db.exec(QStringLiteral("INSERT INTO tether.sync_state (object_name, table_schema, table_name, phase, rows_in_table, describe_json) "
                               "VALUES ('Big__c', 'salesforce', 'big__c', 'polling', $1, $2)"),
                {rows, QString::fromUtf8(describeJson)});
        out << "grid_bench: " << rows << " rows filled with generate_series in " << fill.elapsed() << " ms; machine: "
            << QThread::idealThreadCount() << " cores" << Qt::endl;
    }

    // In the application the window is already up when a table opens: the
    // process's one-time costs (fonts, style) are paid before the clock starts.
    {
        QTableView warmUp;
        warmUp.resize(400, 300);
        warmUp.show();
        QTest::qWait(50);
    }
    out << "resident before opening: " << residentKb() / 1024 << " MB" << Qt::endl;
    QElapsedTimer open;
    open.start();
    auto editor = std::make_unique<ui::GridEditor>(ui::GridSource{info, QStringLiteral("Big__c"), {}});
    editor->setLiveUpdateInterval(0);
    qint64 openedAt = -1;
    qint64 rowsAt = -1;
    QObject::connect(editor.get(), &ui::GridEditor::opened, editor.get(), [&] { openedAt = open.elapsed(); });
    QObject::connect(editor->model(), &ui::GridModel::firstWindowShown, editor.get(), [&] { rowsAt = open.elapsed(); });
    editor->resize(1400, 900);
    editor->show();
    if (!QTest::qWaitFor([&] { return editor->isOpen() && editor->model()->isLoaded(0); }, 30000)) {
        out << "the grid did not open: " << editor->errorText() << Qt::endl;
        return 1;
    }
    settle(*editor);
    out << "first paint (open to first screen of rows painted): " << open.elapsed() << " ms (metadata read at " << openedAt
        << " ms, first window of rows at " << rowsAt << " ms); resident " << residentKb() / 1024 << " MB" << Qt::endl;
    run(*editor, QStringLiteral("sorted by Id"), rows);

    // Sorted by a column without an index: every window is a top-N sort.
    QElapsedTimer sorted;
    sorted.start();
    editor->view()->horizontalHeader()->setSortIndicator(editor->model()->table().columnIndex(QStringLiteral("amount__c")),
                                                         Qt::DescendingOrder);
    (void)QTest::qWaitFor([&] { return editor->model()->isLoaded(0); }, 60000);
    settle(*editor, 60000);
    out << "sort by Amount (no index), first screen painted: " << sorted.elapsed() << " ms" << Qt::endl;
    run(*editor, QStringLiteral("sorted by Amount"), rows);
    editor.reset();
    return 0;
}
