// grid_preview: a dev-only window with the grid editor, to look at it by hand
// and to take the README's screenshots.
//
//   grid_preview --connect "<proxy connection string>" --object Account [--instance URL]
//       opens the grid on a running Tether (its proxy's connection string);
//   grid_preview [--object Contact] [--screenshots DIR]
//       starts tether-sim, a scratch mirror on the fixture PostgreSQL
//       (TETHER_TEST_PG_INFO, see tests/support/testpg.h), the sync engine
//       and the proxy — as the tests do — and opens the grid on them. With
//       --screenshots it browses, stages edits and makes Salesforce refuse a
//       save, taking a picture of the screen (imagemagick's import) at each
//       step, then quits. Run it under xvfb-run for that.
#include "grid/gridfilterheader.h"
#include "grid/grideditor.h"
#include "grid/gridlookupeditor.h"
#include "grid/gridmodel.h"
#include "writerig.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QHeaderView>
#include <QLineEdit>
#include <QListWidget>
#include <QProcess>
#include <QScreen>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

using namespace tether;

namespace {

void waitFor(const std::function<bool()> &done, int ms = 30000)
{
    if (!QTest::qWaitFor(done, ms))
        qWarning("grid_preview: gave up waiting");
}

void screenshot(QWidget *window, const QString &path)
{
    window->raise();
    // Painted on the X server before import reads it: exposed, and every
    // pending paint event delivered.
    if (!QTest::qWaitForWindowExposed(window))
        qWarning("grid_preview: the window was not exposed");
    window->repaint();
    QCoreApplication::processEvents();
    // The whole X screen, as imagemagick's `import -window root` takes it;
    // without imagemagick, the same root window through Qt.
    int rc = QProcess::execute(QStringLiteral("import"), {QStringLiteral("-window"), QStringLiteral("root"), path});
    if (rc != 0)
        rc = QGuiApplication::primaryScreen()->grabWindow(0).save(path) ? 0 : 1;
    qInfo().noquote() << "screenshot" << path << (rc == 0 ? "taken" : "FAILED");
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("Tether"));
    QCoreApplication::setApplicationName(QStringLiteral("tether-grid-preview"));
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({QStringLiteral("connect"), QStringLiteral("Proxy connection string of a running Tether."), QStringLiteral("conninfo")});
    parser.addOption({QStringLiteral("object"), QStringLiteral("Object to open."), QStringLiteral("name"), QStringLiteral("Contact")});
    parser.addOption({QStringLiteral("instance"), QStringLiteral("Instance URL for Open in Salesforce."), QStringLiteral("url")});
    parser.addOption({QStringLiteral("screenshots"), QStringLiteral("Take the screenshots into this folder and quit."), QStringLiteral("dir")});
    parser.process(app);

    test::WriteRig rig;
    ui::GridSource source;
    source.objectName = parser.value(QStringLiteral("object"));
    source.instanceUrl = QUrl(parser.value(QStringLiteral("instance")));
    if (parser.isSet(QStringLiteral("connect"))) {
        source.connectionString = parser.value(QStringLiteral("connect"));
    } else {
        if (qEnvironmentVariableIsEmpty("TETHER_SIM_EXECUTABLE"))
            qputenv("TETHER_SIM_EXECUTABLE", TETHER_SIM_PATH);
        QString why;
        if (!rig.start(QStringLiteral("gridpreview"), QStringLiteral("Account=300,Contact=2000,Opportunity=400"),
                       {QStringLiteral("Account"), QStringLiteral("Contact"), QStringLiteral("Opportunity")}, &why)) {
            qCritical().noquote() << "grid_preview:" << why;
            return 1;
        }
        source.connectionString = rig.proxyInfo;
        if (source.instanceUrl.isEmpty())
            source.instanceUrl = QUrl(QStringLiteral("https://tether-sim.example"));
    }

    auto editor = std::make_unique<ui::GridEditor>(source);
    QObject::connect(editor.get(), &ui::GridEditor::titleChanged, editor.get(), [&](const QString &title) {
        editor->setWindowTitle(QStringLiteral("%1 — Tether").arg(title));
    });
    editor->resize(1400, 900);
    editor->move(0, 0);
    editor->show();

    if (!parser.isSet(QStringLiteral("screenshots"))) {
        const int rc = app.exec();
        editor.reset();
        rig.stop();
        return rc;
    }

    const QString dir = parser.value(QStringLiteral("screenshots"));
    QDir().mkpath(dir);
    ui::GridModel *model = editor->model();
    waitFor([&] { return editor->isOpen() && model->isLoaded(0) && model->isLoaded(30); });
    screenshot(editor.get(), dir + QStringLiteral("/grid-browse.png"));

    // The filter row (a condition typed under Salutation, applied with Enter) and
    // the lookup search of a reference field (Account), with candidates.
    {
        editor->activateWindow();
        const int salutation = model->table().columnIndex(QStringLiteral("salutation"));
        const int account = model->table().columnIndex(QStringLiteral("accountid"));
        QLineEdit *cell = editor->filterHeader()->cell(salutation);
        cell->setFocus();
        QTest::keyClicks(cell, QStringLiteral("= Ms."));
        QTest::keyClick(cell, Qt::Key_Return);
        waitFor([&] { return editor->sqlText().contains(QLatin1String("'Ms.'")) && model->isLoaded(3); });
        editor->view()->setFocus();
        editor->view()->setCurrentIndex(model->index(3, account));
        QTest::keyClick(editor->view(), Qt::Key_F2);
        auto *lookup = editor->view()->findChild<ui::GridLookupEditor *>();
        waitFor([&] { return lookup && !lookup->isSearching(); });
        if (lookup) {
            lookup->textEdit()->selectAll();
            QTest::keyClicks(lookup->textEdit(), QStringLiteral("an"));
            waitFor([&] { return lookup->candidatesFor() == QLatin1String("an") && !lookup->isSearching(); });
        }
        screenshot(editor.get(), dir + QStringLiteral("/grid-filter-lookup.png"));
        if (lookup)
            QTest::keyClick(lookup->textEdit(), Qt::Key_Escape);
    }

    // Staged edits on Opportunity: changed cells, a new row, a row to delete.
    editor.reset();
    source.objectName = QStringLiteral("Opportunity");
    editor = std::make_unique<ui::GridEditor>(source);
    editor->setWindowTitle(QStringLiteral("Opportunity — Tether"));
    editor->resize(1400, 900);
    editor->move(0, 0);
    editor->show();
    model = editor->model();
    waitFor([&] { return editor->isOpen() && model->isLoaded(0) && model->isLoaded(30); });
    editor->setAsk([](const QString &, QMessageBox::StandardButtons) { return QMessageBox::Yes; });
    const int name = model->table().columnIndex(QStringLiteral("name"));
    const int amount = model->table().columnIndex(QStringLiteral("amount"));
    const int stage = model->table().columnIndex(QStringLiteral("stagename"));
    model->setData(model->index(1, name), QStringLiteral("Renewal 2027 — expanded"));
    model->setData(model->index(2, amount), QStringLiteral("125000.00"));
    model->setData(model->index(2, stage), QStringLiteral("Negotiation/Review"));
    model->setData(model->index(4, amount), QStringLiteral("-250.00"));
    editor->view()->selectRow(6);
    editor->deleteSelectedRows();
    editor->insertRow();
    model->setData(model->index(0, name), QStringLiteral("New pilot project"));
    model->setData(model->index(0, model->table().columnIndex(QStringLiteral("closedate"))), QStringLiteral("2027-03-31"));
    model->setData(model->index(0, stage), QStringLiteral("Prospecting"));
    editor->view()->clearSelection();
    editor->view()->setCurrentIndex(model->index(3, amount));
    screenshot(editor.get(), dir + QStringLiteral("/grid-staged.png"));

    // Save: the validation rule refuses the negative amount; nothing is saved.
    QSignalSpy failed(editor.get(), &ui::GridEditor::saveFailed);
    editor->save();
    waitFor([&] { return !failed.isEmpty(); }, 60000);
    editor->view()->setCurrentIndex(model->index(9, name));
    screenshot(editor.get(), dir + QStringLiteral("/grid-refused.png"));

    editor->model()->revertAll();
    editor.reset();
    rig.stop();
    return 0;
}
