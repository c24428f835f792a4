// The grid editor end to end: the GridEditor widget (offscreen) against the
// real write-through proxy, tether-sim as Salesforce, the fixture PostgreSQL
// as the mirror and the real sync engine polling alongside. Every check reads
// the truth elsewhere: Salesforce through the simulator's REST answers and
// call counts, PostgreSQL with plain SQL on a connection of the test's own.
#include "grid/conflictdialog.h"
#include "grid/griddelegate.h"
#include "grid/grideditor.h"
#include "grid/gridfilterheader.h"
#include "grid/gridlookupeditor.h"
#include "grid/gridmodel.h"
#include "grid/gridquery.h"
#include "schema/tableschema.h"
#include "writerig.h"

#include <QApplication>
#include <QClipboard>
#include <QHeaderView>
#include <QJsonObject>
#include <QComboBox>
#include <QDateEdit>
#include <QJsonArray>
#include <QLineEdit>
#include <QListWidget>
#include <QStandardItemModel>
#include <QValidator>
#include <QTableWidget>
#include <QPointer>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <QUndoStack>

using namespace tether;
using ui::GridEditor;
using ui::GridModel;

class TestGridEditor : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void init();

    void browseShowsLabelsReadOnlyColumnsAndNames();
    void sortAndSearchRunInTheDatabase();
    void editCellAndSaveReachesSalesforceAndPostgres();
    void undoRedoWalkStagedChanges();
    void refusedSaveMarksRowAndFieldAndKeepsEdits();
    void requiredFieldMissingOnNewRow();
    void conflictOffersThreeWayChoice();
    void insertAndDelete();
    void pasteFiftyRowsIsOneTransactionOneCall();
    void stagedEditsSurviveSyncUpdateOfAnotherRow();
    void closeAsksBeforeLosingStagedEdits();
    void exportWritesTheView();
    void editorsFollowTheFieldType();
    void multiPicklistIsAListOfCheckBoxes();
    void filterRowConditionsRunInTheDatabase();
    void filterRowFollowsColumnsAndKeepsStagedEdits();
    void lookupSearchSetsTheReference();
    void lookupSearchesEveryReferencedTable();

private:
    std::unique_ptr<GridEditor> open(const QString &object);
    QString scalar(const QString &sql);
    QJsonObject simRecord(const QString &object, const QString &id);
    int simCount(const QString &soql);
    int simWriteCalls(); // write requests the simulator has answered
    int rowOf(GridModel *model, const QString &id);
    int column(GridModel *model, const QString &name) { return model->table().columnIndex(name); }
    QStringList loadedKeys(GridModel *model); // every row's record, loading them all
    bool activate(QWidget *window);
    QPointer<ui::GridLookupEditor> openLookup(GridEditor *editor, const QModelIndex &index);
    static QStringList candidateIds(ui::GridLookupEditor *lookup); // read from the list's "Name — Id" text

    test::WriteRig m_rig;
};

void TestGridEditor::initTestCase()
{
    QString why;
    // Task: a polymorphic reference (WhatId: Account, Opportunity, Case, ...) for the lookup search.
    QVERIFY2(m_rig.start(QStringLiteral("grid"), QStringLiteral("Account=450,Contact=90,Opportunity=40,Task=30"),
                         {QStringLiteral("Account"), QStringLiteral("Contact"), QStringLiteral("Opportunity"), QStringLiteral("Task")}, &why),
             qPrintable(why));
}

void TestGridEditor::cleanupTestCase()
{
    m_rig.stop();
}

void TestGridEditor::init()
{
    if (m_rig.control)
        m_rig.control->clearFaults();
}

std::unique_ptr<GridEditor> TestGridEditor::open(const QString &object)
{
    auto editor = std::make_unique<GridEditor>(ui::GridSource{m_rig.proxyInfo, object, QUrl(QStringLiteral("https://sim.example"))});
    editor->resize(1200, 700);
    editor->show();
    QSignalSpy opened(editor.get(), &GridEditor::opened);
    if (!opened.wait(30000)) {
        qWarning().noquote() << "the grid did not open:" << editor->errorText();
        return {};
    }
    // The first window of rows arrives from the worker.
    if (!QTest::qWaitFor([&] { return editor->model()->isLoaded(0); }, 30000)) {
        qWarning() << "no rows arrived";
        return {};
    }
    editor->setAsk([](const QString &, QMessageBox::StandardButtons buttons) {
        return buttons.testFlag(QMessageBox::Yes) ? QMessageBox::Yes : QMessageBox::Discard;
    });
    return editor;
}

QString TestGridEditor::scalar(const QString &sql)
{
    const store::PgResult r = m_rig.mirror.exec(sql);
    if (!r.ok())
        qWarning().noquote() << sql << r.error().toString();
    return r.value(0, 0);
}

QJsonObject TestGridEditor::simRecord(const QString &object, const QString &id)
{
    return m_rig.control->request("GET", m_rig.control->dataPath() + QStringLiteral("/sobjects/%1/%2").arg(object, id)).json().object();
}

int TestGridEditor::simCount(const QString &soql)
{
    const auto r = m_rig.control->request("GET", m_rig.control->dataPath() + QStringLiteral("/query?q=") +
                                                     QString::fromLatin1(QUrl::toPercentEncoding(soql)));
    return r.json().object().value(QLatin1String("totalSize")).toInt(-1);
}

int TestGridEditor::simWriteCalls()
{
    // The simulator counts requests per endpoint; writes are the requests
    // that change records (reads use GET, or POST /composite for the poll).
    int n = 0;
    const QJsonObject calls = m_rig.control->stats().value(QLatin1String("calls")).toObject();
    for (auto it = calls.begin(); it != calls.end(); ++it) {
        const QString key = it.key();
        const bool write = key.startsWith(QLatin1String("PATCH ")) || key.startsWith(QLatin1String("DELETE ")) ||
                           key.startsWith(QLatin1String("POST /composite/")) || key.startsWith(QLatin1String("POST /sobjects"));
        if (write)
            n += it.value().toInt();
    }
    return n;
}

int TestGridEditor::rowOf(GridModel *model, const QString &id)
{
    for (int row = 0; row < model->rowCount(); ++row) {
        if (!QTest::qWaitFor([&] { return model->isLoaded(row); }, 20000))
            return -1;
        if (model->keyAt(row) == id)
            return row;
    }
    return -1;
}

void TestGridEditor::browseShowsLabelsReadOnlyColumnsAndNames()
{
    auto editor = open(QStringLiteral("Contact"));
    QVERIFY(editor);
    GridModel *model = editor->model();
    // The count comes from tether.sync_state, equal to the table's rows.
    QCOMPARE(QString::number(model->rowCount()), scalar(QStringLiteral("SELECT count(*) FROM salesforce.contact")));
    const int title = column(model, QStringLiteral("title"));
    const int created = column(model, QStringLiteral("createddate"));
    const int account = column(model, QStringLiteral("accountid"));
    QVERIFY(title > 0 && created > 0 && account > 0);
    QCOMPARE(model->headerData(0, Qt::Horizontal).toString(), QStringLiteral("Contact ID"));
    QVERIFY2(model->headerData(title, Qt::Horizontal, Qt::ToolTipRole).toString().contains(QLatin1String("Title")),
             qPrintable(model->headerData(title, Qt::Horizontal, Qt::ToolTipRole).toString()));
    // Salesforce's system fields are read-only, visibly.
    QVERIFY(model->flags(model->index(0, title)) & Qt::ItemIsEditable);
    QVERIFY(!(model->flags(model->index(0, created)) & Qt::ItemIsEditable));
    QVERIFY(!(model->flags(model->index(0, 0)) & Qt::ItemIsEditable));
    QVERIFY(model->data(model->index(0, created), Qt::BackgroundRole).isValid());
    QVERIFY(!model->setData(model->index(0, created), QStringLiteral("2020-01-01"), Qt::EditRole));
    // A reference shows the Name of the record next to its Id.
    int row = -1;
    for (int r = 0; r < model->rowCount() && row < 0; ++r) {
        QTRY_VERIFY(model->isLoaded(r));
        if (!model->data(model->index(r, account), GridModel::RawRole).isNull())
            row = r;
    }
    QVERIFY(row >= 0);
    const QString accountId = model->data(model->index(row, account), GridModel::RawRole).toString();
    const QString name = scalar(QStringLiteral("SELECT name FROM salesforce.account WHERE id = '%1'").arg(accountId));
    QVERIFY(!name.isEmpty());
    QCOMPARE(model->data(model->index(row, account)).toString(), QStringLiteral("%1 · %2").arg(name, accountId));
    // The SQL behind the view is shown.
    QVERIFY2(editor->sqlText().startsWith(QLatin1String("SELECT ")) && editor->sqlText().contains(QLatin1String("salesforce")),
             qPrintable(editor->sqlText()));
}

void TestGridEditor::sortAndSearchRunInTheDatabase()
{
    auto editor = open(QStringLiteral("Account"));
    QVERIFY(editor);
    GridModel *model = editor->model();
    // A click on the header sorts in PostgreSQL; more rows than one window,
    // so later windows are read by keyset (with NULLs in Industry).
    QVERIFY(model->rowCount() > GridModel::PageSize * 2);
    const struct
    {
        QString column;
        Qt::SortOrder order;
        QString orderBy;
    } sorts[] = {{QStringLiteral("name"), Qt::DescendingOrder, QStringLiteral("name DESC, id DESC")},
                 {QStringLiteral("industry"), Qt::AscendingOrder, QStringLiteral("industry ASC NULLS LAST, id ASC")},
                 {QStringLiteral("industry"), Qt::DescendingOrder, QStringLiteral("industry DESC NULLS FIRST, id DESC")}};
    for (const auto &sort : sorts) {
        editor->view()->horizontalHeader()->setSortIndicator(column(model, sort.column), sort.order);
        QTRY_VERIFY(model->isLoaded(0));
        QVERIFY2(editor->sqlText().contains(QStringLiteral("ORDER BY t.\"%1\" %2").arg(sort.column, sort.order == Qt::AscendingOrder ? QStringLiteral("ASC") : QStringLiteral("DESC"))),
                 qPrintable(editor->sqlText()));
        const QString expected = scalar(QStringLiteral("SELECT string_agg(id, ',' ORDER BY %1) FROM salesforce.account").arg(sort.orderBy));
        QStringList seen;
        for (int r = 0; r < model->rowCount(); ++r) {
            QTRY_VERIFY(model->isLoaded(r));
            seen << model->keyAt(r);
        }
        QCOMPARE(seen.join(u','), expected);
    }
    QVERIFY(scalar(QStringLiteral("SELECT count(*) FROM salesforce.account WHERE industry IS NULL")).toInt() > 0);

    // Quick search: rows whose text fields contain it.
    const QString needle = scalar(QStringLiteral("SELECT substr(name, 2, 3) FROM salesforce.account ORDER BY id LIMIT 1"));
    auto *search = editor->findChild<QLineEdit *>(QStringLiteral("quickSearch"));
    QVERIFY(search);
    search->setText(needle);
    QTRY_VERIFY(editor->sqlText().contains(QLatin1String("ILIKE")));
    QTRY_VERIFY(model->isLoaded(0));
    QTRY_VERIFY(model->totalIsExact());
    // The oracle: the same condition written by hand over every text column.
    const QString count = scalar(QStringLiteral(
        "SELECT count(*) FROM salesforce.account t WHERE EXISTS (SELECT 1 FROM jsonb_each_text(to_jsonb(t)) e "
        "JOIN information_schema.columns c ON c.table_schema = 'salesforce' AND c.table_name = 'account' AND c.column_name = e.key "
        "AND c.data_type IN ('text', 'character varying') WHERE e.value ILIKE '%%1%')").arg(needle));
    QCOMPARE(QString::number(model->rowCount()), count);
    search->clear();
    QTRY_VERIFY(!editor->sqlText().contains(QLatin1String("ILIKE")));
}

void TestGridEditor::editCellAndSaveReachesSalesforceAndPostgres()
{
    auto editor = open(QStringLiteral("Account"));
    QVERIFY(editor);
    GridModel *model = editor->model();
    const int phone = column(model, QStringLiteral("phone"));
    const QString id = model->keyAt(3);
    QVERIFY(model->setData(model->index(3, phone), QStringLiteral("+49 30 5550123")));
    QVERIFY(model->data(model->index(3, phone), GridModel::StagedRole).toBool());
    QCOMPARE(model->stagedRecordCount(), 1);
    QVERIFY2(editor->statusText().contains(QLatin1String("1 record")), qPrintable(editor->statusText()));
    // Nothing reaches either system before Save.
    QVERIFY(simRecord(QStringLiteral("Account"), id).value(QLatin1String("Phone")).toString() != QLatin1String("+49 30 5550123"));

    QSignalSpy saved(editor.get(), &GridEditor::saved);
    editor->save();
    QVERIFY(saved.wait(60000));
    QCOMPARE(saved.first().at(0).toInt(), 1);
    QVERIFY2(editor->statusText().contains(QLatin1String("Saved 1 record")), qPrintable(editor->statusText()));
    QCOMPARE(simRecord(QStringLiteral("Account"), id).value(QLatin1String("Phone")).toString(), QStringLiteral("+49 30 5550123"));
    QCOMPARE(scalar(QStringLiteral("SELECT phone FROM salesforce.account WHERE id = '%1'").arg(id)), QStringLiteral("+49 30 5550123"));
    QVERIFY(!model->hasStagedChanges());
    const QString why = m_rig.mirrorDiffers({QStringLiteral("Account")});
    QVERIFY2(why.isEmpty(), qPrintable(why));
}

void TestGridEditor::undoRedoWalkStagedChanges()
{
    auto editor = open(QStringLiteral("Account"));
    QVERIFY(editor);
    GridModel *model = editor->model();
    const int phone = column(model, QStringLiteral("phone"));
    const QString before = model->data(model->index(1, phone), GridModel::RawRole).toString();
    QVERIFY(model->setData(model->index(1, phone), QStringLiteral("111")));
    QVERIFY(model->setData(model->index(1, phone), QStringLiteral("222")));
    QCOMPARE(model->data(model->index(1, phone), GridModel::RawRole).toString(), QStringLiteral("222"));
    model->undoStack()->undo();
    QCOMPARE(model->data(model->index(1, phone), GridModel::RawRole).toString(), QStringLiteral("111"));
    model->undoStack()->undo();
    QCOMPARE(model->data(model->index(1, phone), GridModel::RawRole).toString(), before);
    QVERIFY(!model->hasStagedChanges());
    model->undoStack()->redo();
    QCOMPARE(model->data(model->index(1, phone), GridModel::RawRole).toString(), QStringLiteral("111"));
    QCOMPARE(model->stagedRecordCount(), 1);
    editor->revert();
    QVERIFY(!model->hasStagedChanges());
    QCOMPARE(model->data(model->index(1, phone), GridModel::RawRole).toString(), before);
}

void TestGridEditor::refusedSaveMarksRowAndFieldAndKeepsEdits()
{
    auto editor = open(QStringLiteral("Opportunity"));
    QVERIFY(editor);
    GridModel *model = editor->model();
    const int amount = column(model, QStringLiteral("amount"));
    const int name = column(model, QStringLiteral("name"));
    const QString good = model->keyAt(2);
    const QString bad = model->keyAt(5);
    const QString goodName = model->data(model->index(2, name), GridModel::RawRole).toString();
    const QString badAmount = scalar(QStringLiteral("SELECT amount::text FROM salesforce.opportunity WHERE id = '%1'").arg(bad));
    QVERIFY(model->setData(model->index(2, name), QStringLiteral("Renamed in the grid")));
    QVERIFY(model->setData(model->index(5, amount), QStringLiteral("-5")));
    const int calls = simWriteCalls();

    QSignalSpy failed(editor.get(), &GridEditor::saveFailed);
    QSignalSpy saved(editor.get(), &GridEditor::saved);
    editor->save();
    QVERIFY(failed.wait(60000));
    QVERIFY(saved.isEmpty());
    // The validation rule's message, on the row and field Salesforce named.
    const ui::GridRowError error = model->errorOf(bad);
    QCOMPARE(error.column, amount);
    QVERIFY2(error.message.contains(QLatin1String("Amount must not be negative")), qPrintable(error.message));
    QCOMPARE(model->data(model->index(5, amount), GridModel::ErrorRole).toString(), error.message);
    QVERIFY(model->errorOf(good).message.isEmpty());
    QVERIFY2(editor->errorText().contains(QLatin1String("Amount must not be negative")), qPrintable(editor->errorText()));
    QVERIFY2(editor->statusText().contains(QLatin1String("still staged")), qPrintable(editor->statusText()));
    // Nothing changed anywhere: all or none.
    QCOMPARE(simWriteCalls() - calls, 1);
    QCOMPARE(simRecord(QStringLiteral("Opportunity"), good).value(QLatin1String("Name")).toString(), goodName);
    QCOMPARE(scalar(QStringLiteral("SELECT name FROM salesforce.opportunity WHERE id = '%1'").arg(good)), goodName);
    QCOMPARE(scalar(QStringLiteral("SELECT amount::text FROM salesforce.opportunity WHERE id = '%1'").arg(bad)), badAmount);
    QVERIFY(simRecord(QStringLiteral("Opportunity"), bad).value(QLatin1String("Amount")).toDouble() >= 0);
    // The edits are still staged.
    QCOMPARE(model->stagedRecordCount(), 2);
    QCOMPARE(model->data(model->index(2, name), GridModel::RawRole).toString(), QStringLiteral("Renamed in the grid"));
    QCOMPARE(model->data(model->index(5, amount), GridModel::RawRole).toString(), QStringLiteral("-5"));

    // Fixing the field clears its mark, and the save then goes through.
    QVERIFY(model->setData(model->index(5, amount), QStringLiteral("5")));
    QVERIFY(model->errorOf(bad).message.isEmpty());
    editor->save();
    QVERIFY(saved.wait(60000));
    QCOMPARE(simRecord(QStringLiteral("Opportunity"), good).value(QLatin1String("Name")).toString(), QStringLiteral("Renamed in the grid"));
    QCOMPARE(simRecord(QStringLiteral("Opportunity"), bad).value(QLatin1String("Amount")).toDouble(), 5.0);
}

void TestGridEditor::requiredFieldMissingOnNewRow()
{
    auto editor = open(QStringLiteral("Account"));
    QVERIFY(editor);
    GridModel *model = editor->model();
    const int phone = column(model, QStringLiteral("phone"));
    const int name = column(model, QStringLiteral("name"));
    const int before = simCount(QStringLiteral("SELECT COUNT() FROM Account"));
    editor->insertRow();
    QCOMPARE(model->rowCount(), int(scalar(QStringLiteral("SELECT count(*) FROM salesforce.account")).toInt() + 1));
    const QString key = model->keyAt(0);
    QVERIFY(model->isNewKey(key));
    QVERIFY(model->headerData(name, Qt::Horizontal).toString().endsWith(QLatin1String(" *"))); // required, marked
    QVERIFY(model->setData(model->index(0, phone), QStringLiteral("+1 555 0199")));
    QSignalSpy failed(editor.get(), &GridEditor::saveFailed);
    editor->save();
    QVERIFY(failed.wait(60000));
    QCOMPARE(model->errorOf(key).column, name);
    QVERIFY2(model->errorOf(key).message.contains(QLatin1String("Required fields are missing")), qPrintable(model->errorOf(key).message));
    QCOMPARE(simCount(QStringLiteral("SELECT COUNT() FROM Account")), before);
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM salesforce.account WHERE phone = '+1 555 0199'")), QStringLiteral("0"));
    QVERIFY(model->isNewKey(model->keyAt(0)));
    QCOMPARE(model->stagedRecordCount(), 1);
}

void TestGridEditor::conflictOffersThreeWayChoice()
{
    auto editor = open(QStringLiteral("Account"));
    QVERIFY(editor);
    GridModel *model = editor->model();
    const int phone = column(model, QStringLiteral("phone"));
    const int name = column(model, QStringLiteral("name"));
    // The mirror does not hear of the change in Salesforce (polling paused).
    m_rig.engine->engine.setPaused(QStringLiteral("Account"), true);
    auto resume = qScopeGuard([this] { m_rig.engine->engine.setPaused(QStringLiteral("Account"), false); });
    const int row = 7;
    const QString id = model->keyAt(row);
    const QString loadedName = model->data(model->index(row, name), GridModel::RawRole).toString();
    QVERIFY(m_rig.control->update(QStringLiteral("Account"), id, {{QStringLiteral("Name"), QStringLiteral("Changed in Salesforce")}}));
    QVERIFY(model->setData(model->index(row, phone), QStringLiteral("+1 555 0142")));

    QSignalSpy conflict(editor.get(), &GridEditor::conflictShown);
    editor->save();
    QVERIFY2(conflict.wait(60000), qPrintable(editor->errorText() + u'|' + editor->statusText()));
    auto *dialog = editor->findChild<ui::ConflictDialog *>();
    QVERIFY(dialog);
    QCOMPARE(dialog->conflict().key, id);
    QCOMPARE(dialog->conflict().loaded.value(name).toString(), loadedName);
    QCOMPARE(dialog->conflict().now.value(name).toString(), QStringLiteral("Changed in Salesforce"));
    QCOMPARE(dialog->conflict().yours.value(phone).toString(), QStringLiteral("+1 555 0142"));
    QVERIFY(dialog->fieldTable()->rowCount() >= 2); // Name changed there, Phone changed here
    QVERIFY(simRecord(QStringLiteral("Account"), id).value(QLatin1String("Phone")).toString() != QLatin1String("+1 555 0142"));

    QSignalSpy saved(editor.get(), &GridEditor::saved);
    dialog->findChild<QPushButton *>(QStringLiteral("applyMine"))->click();
    QVERIFY(saved.wait(60000));
    const QJsonObject record = simRecord(QStringLiteral("Account"), id);
    QCOMPARE(record.value(QLatin1String("Phone")).toString(), QStringLiteral("+1 555 0142"));
    QCOMPARE(record.value(QLatin1String("Name")).toString(), QStringLiteral("Changed in Salesforce"));
    QCOMPARE(scalar(QStringLiteral("SELECT name || '|' || phone FROM salesforce.account WHERE id = '%1'").arg(id)),
             QStringLiteral("Changed in Salesforce|+1 555 0142"));

    // Reload instead: the person's change to the record is dropped. The
    // proxy's conditional update compares whole seconds (HTTP dates, see
    // decision 0020), so Salesforce's next change must fall in a later
    // second than the save just made.
    const QDateTime saved1 = QDateTime::fromString(record.value(QLatin1String("LastModifiedDate")).toString(), Qt::ISODateWithMs);
    QVERIFY(saved1.isValid());
    QTRY_VERIFY_WITH_TIMEOUT(QDateTime::currentDateTimeUtc() >= saved1.addSecs(1).addMSecs(-saved1.time().msec()), 3000);
    QVERIFY(m_rig.control->update(QStringLiteral("Account"), id, {{QStringLiteral("Name"), QStringLiteral("Changed again")}}));
    const int at = rowOf(model, id);
    QVERIFY(at >= 0);
    QVERIFY(model->setData(model->index(at, phone), QStringLiteral("+1 555 0143")));
    editor->save();
    QVERIFY(conflict.wait(60000));
    dialog = nullptr;
    for (auto *d : editor->findChildren<ui::ConflictDialog *>())
        if (d->isVisible())
            dialog = d;
    QVERIFY(dialog);
    dialog->findChild<QPushButton *>(QStringLiteral("reload"))->click();
    QTRY_VERIFY(!model->hasStagedChanges());
    QTRY_COMPARE(model->data(model->index(rowOf(model, id), name), GridModel::RawRole).toString(), QStringLiteral("Changed again"));
    QCOMPARE(simRecord(QStringLiteral("Account"), id).value(QLatin1String("Phone")).toString(), QStringLiteral("+1 555 0142"));
}

void TestGridEditor::insertAndDelete()
{
    auto editor = open(QStringLiteral("Account"));
    QVERIFY(editor);
    GridModel *model = editor->model();
    const int name = column(model, QStringLiteral("name"));
    const int industry = column(model, QStringLiteral("industry"));
    editor->insertRow();
    QVERIFY(model->setData(model->index(0, name), QStringLiteral("Grid New Co")));
    QVERIFY(model->setData(model->index(0, industry), QStringLiteral("Energy")));
    QSignalSpy saved(editor.get(), &GridEditor::saved);
    editor->save();
    QVERIFY(saved.wait(60000));
    QCOMPARE(simCount(QStringLiteral("SELECT COUNT() FROM Account WHERE Name = 'Grid New Co' AND Industry = 'Energy'")), 1);
    const QString id = scalar(QStringLiteral("SELECT id FROM salesforce.account WHERE name = 'Grid New Co'"));
    QCOMPARE(id.size(), 18); // the real Salesforce Id, not a provisional one
    QCOMPARE(simRecord(QStringLiteral("Account"), id).value(QLatin1String("Name")).toString(), QStringLiteral("Grid New Co"));

    // Delete it, with the confirmation answered.
    const int row = rowOf(model, id);
    QVERIFY(row >= 0);
    QStringList asked;
    editor->setAsk([&asked](const QString &question, QMessageBox::StandardButtons) {
        asked << question;
        return QMessageBox::Yes;
    });
    editor->view()->setCurrentIndex(model->index(row, name));
    editor->view()->selectionModel()->select(model->index(row, name), QItemSelectionModel::ClearAndSelect);
    editor->deleteSelectedRows();
    QCOMPARE(asked.size(), 1);
    QCOMPARE(model->stagedRecordCount(), 1);
    QVERIFY(model->data(model->index(row, name), Qt::FontRole).value<QFont>().strikeOut());
    editor->save();
    QVERIFY(saved.wait(60000));
    QCOMPARE(simCount(QStringLiteral("SELECT COUNT() FROM Account WHERE Name = 'Grid New Co'")), 0);
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM salesforce.account WHERE id = '%1'").arg(id)), QStringLiteral("0"));
}

void TestGridEditor::pasteFiftyRowsIsOneTransactionOneCall()
{
    auto editor = open(QStringLiteral("Contact"));
    QVERIFY(editor);
    GridModel *model = editor->model();
    const int title = column(model, QStringLiteral("title"));
    QString text;
    QStringList ids;
    for (int i = 0; i < 50; ++i) {
        text += QStringLiteral("Pasted title %1\r\n").arg(i);
        QTRY_VERIFY(model->isLoaded(10 + i));
        ids << model->keyAt(10 + i);
    }
    QApplication::clipboard()->setText(text);
    editor->view()->setCurrentIndex(model->index(10, title));
    editor->pasteFromClipboard();
    QCOMPARE(model->stagedRecordCount(), 50);
    QCOMPARE(model->estimatedApiCalls(), 1);
    const int calls = simWriteCalls();
    QSignalSpy saved(editor.get(), &GridEditor::saved);
    editor->save();
    QVERIFY(saved.wait(60000));
    QCOMPARE(simWriteCalls() - calls, 1);
    QCOMPARE(simCount(QStringLiteral("SELECT COUNT() FROM Contact WHERE Title LIKE 'Pasted title %'")), 50);
    QCOMPARE(simRecord(QStringLiteral("Contact"), ids[17]).value(QLatin1String("Title")).toString(), QStringLiteral("Pasted title 17"));
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) FROM salesforce.contact WHERE title LIKE 'Pasted title %'")), QStringLiteral("50"));
    // More than one transaction can carry is said before Save, with no calls promised.
    for (int i = 0; i <= GridModel::MaxRecordsPerSave; ++i)
        model->insertNewRow();
    QCOMPARE(model->stagedRecordCount(), GridModel::MaxRecordsPerSave + 1);
    QCOMPARE(model->estimatedApiCalls(), 0);
    QVERIFY2(editor->statusText().contains(QLatin1String("save in parts")), qPrintable(editor->statusText()));
    model->revertAll();
    QCOMPARE(model->stagedRecordCount(), 0);
    // One transaction: the proxy's log has one update of Contact holding all
    // fifty records (written by the proxy's own connection, just after).
    QTRY_COMPARE(scalar(QStringLiteral("SELECT cardinality(record_ids) || '/' || api_calls FROM tether.write_log "
                                       "WHERE object_name = 'Contact' AND operation = 'update' AND outcome = 'applied' "
                                       "AND record_ids @> '{%1}'::text[]").arg(ids.join(u','))),
                 QStringLiteral("50/1"));
}

void TestGridEditor::stagedEditsSurviveSyncUpdateOfAnotherRow()
{
    auto editor = open(QStringLiteral("Account"));
    QVERIFY(editor);
    editor->setLiveUpdateInterval(200);
    GridModel *model = editor->model();
    const int phone = column(model, QStringLiteral("phone"));
    const int name = column(model, QStringLiteral("name"));
    QVERIFY(model->setData(model->index(0, phone), QStringLiteral("+44 20 7946 0000")));
    const QString other = model->keyAt(4);
    // Salesforce changes another record; the sync engine brings it into PostgreSQL.
    QVERIFY(m_rig.control->update(QStringLiteral("Account"), other, {{QStringLiteral("Name"), QStringLiteral("Changed by sync")}}));
    QTRY_COMPARE_WITH_TIMEOUT(scalar(QStringLiteral("SELECT name FROM salesforce.account WHERE id = '%1'").arg(other)),
                              QStringLiteral("Changed by sync"), 30000);
    // ... and the open grid shows it, with the staged edit untouched.
    QTRY_COMPARE_WITH_TIMEOUT(model->data(model->index(4, name), GridModel::RawRole).toString(), QStringLiteral("Changed by sync"), 30000);
    QCOMPARE(model->data(model->index(0, phone), GridModel::RawRole).toString(), QStringLiteral("+44 20 7946 0000"));
    QVERIFY(model->data(model->index(0, phone), GridModel::StagedRole).toBool());
    QCOMPARE(model->stagedRecordCount(), 1);
    // Sorting and reloading keep it too.
    editor->view()->horizontalHeader()->setSortIndicator(name, Qt::AscendingOrder);
    editor->reload();
    QCOMPARE(model->stagedRecordCount(), 1);
    editor->view()->horizontalHeader()->setSortIndicator(0, Qt::AscendingOrder);
    QTRY_VERIFY(model->isLoaded(0));
    QCOMPARE(model->data(model->index(0, phone), GridModel::RawRole).toString(), QStringLiteral("+44 20 7946 0000"));
}

void TestGridEditor::closeAsksBeforeLosingStagedEdits()
{
    auto editor = open(QStringLiteral("Account"));
    QVERIFY(editor);
    GridModel *model = editor->model();
    QVERIFY(editor->confirmClose()); // nothing staged: no question
    QVERIFY(model->setData(model->index(0, column(model, QStringLiteral("phone"))), QStringLiteral("1")));
    QStringList asked;
    QMessageBox::StandardButton answer = QMessageBox::Cancel;
    editor->setAsk([&](const QString &q, QMessageBox::StandardButtons) {
        asked << q;
        return answer;
    });
    QVERIFY(!editor->confirmClose());
    QCOMPARE(asked.size(), 1);
    QVERIFY(model->hasStagedChanges());
    answer = QMessageBox::Discard;
    QVERIFY(editor->confirmClose());
    QVERIFY(!model->hasStagedChanges());
}

void TestGridEditor::exportWritesTheView()
{
    auto editor = open(QStringLiteral("Account"));
    QVERIFY(editor);
    const QString path = QDir::temp().filePath(QStringLiteral("tether-grid-export-%1.csv").arg(QCoreApplication::applicationPid()));
    QSignalSpy exported(editor.get(), &GridEditor::exported);
    editor->exportCsv(path);
    QVERIFY(exported.wait(30000));
    QCOMPARE(exported.first().at(2).toString(), QString());
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray csv = file.readAll();
    QVERIFY(csv.startsWith("Id,Name,"));
    // Records end with CRLF outside quotes (values may hold line breaks).
    int records = 0;
    bool quoted = false;
    for (qsizetype i = 0; i < csv.size(); ++i) {
        if (csv[i] == '"')
            quoted = !quoted;
        else if (!quoted && csv[i] == '\r' && i + 1 < csv.size() && csv[i + 1] == '\n')
            ++records;
    }
    QCOMPARE(QString::number(records - 1), scalar(QStringLiteral("SELECT count(*) FROM salesforce.account")));
    file.remove();
}

void TestGridEditor::editorsFollowTheFieldType()
{
    auto editor = open(QStringLiteral("Opportunity"));
    QVERIFY(editor);
    GridModel *model = editor->model();
    QAbstractItemDelegate *delegate = editor->view()->itemDelegate();
    QStyleOptionViewItem option;
    auto editorFor = [&](const QString &column) {
        return delegate->createEditor(editor->view()->viewport(), option, model->index(0, model->table().columnIndex(column)));
    };
    // A picklist: the org's values from the describe.
    auto *stage = qobject_cast<QComboBox *>(editorFor(QStringLiteral("stagename")));
    QVERIFY(stage);
    const QJsonObject describe = m_rig.control->request("GET", m_rig.control->dataPath() + QStringLiteral("/sobjects/Opportunity/describe"))
                                     .json().object();
    QStringList values;
    for (const QJsonValue &f : describe.value(QLatin1String("fields")).toArray()) {
        if (f.toObject().value(QLatin1String("name")).toString() == QLatin1String("StageName")) {
            for (const QJsonValue &v : f.toObject().value(QLatin1String("picklistValues")).toArray())
                values << v.toObject().value(QLatin1String("value")).toString();
        }
    }
    QVERIFY(!values.isEmpty());
    QStringList offered;
    for (int i = 1; i < stage->count(); ++i)
        offered << stage->itemText(i);
    QCOMPARE(offered, values);
    QVERIFY(qobject_cast<QDateEdit *>(editorFor(QStringLiteral("closedate"))));
    auto *amount = qobject_cast<QLineEdit *>(editorFor(QStringLiteral("amount")));
    QVERIFY(amount && amount->validator());
    QString text = QStringLiteral("12.345");
    int pos = 0;
    QCOMPARE(amount->validator()->validate(text, pos), QValidator::Invalid); // the field's scale is 2
    // Booleans are check boxes, not text.
    const int closed = model->table().columnIndex(QStringLiteral("isclosed"));
    QVERIFY(model->data(model->index(0, closed), Qt::CheckStateRole).isValid());

    // A restricted picklist (Account.Tier__c) offers only the org's values.
    auto accounts = open(QStringLiteral("Account"));
    QVERIFY(accounts);
    auto *tier = qobject_cast<QComboBox *>(accounts->view()->itemDelegate()->createEditor(
        accounts->view()->viewport(), option, accounts->model()->index(0, accounts->model()->table().columnIndex(QStringLiteral("tier__c")))));
    QVERIFY(tier);
    QVERIFY(!tier->isEditable());
    QVERIFY(tier->findText(QStringLiteral("Gold")) > 0);

    // Duplicate: a new row with the values Salesforce accepts on create.
    const int name = accounts->model()->table().columnIndex(QStringLiteral("name"));
    const QString source = accounts->model()->data(accounts->model()->index(2, name), GridModel::RawRole).toString();
    accounts->view()->setCurrentIndex(accounts->model()->index(2, name));
    accounts->duplicateRow();
    QVERIFY(accounts->model()->isNewKey(accounts->model()->keyAt(0)));
    QCOMPARE(accounts->model()->data(accounts->model()->index(0, name), GridModel::RawRole).toString(), source);
    QVERIFY(accounts->model()->data(accounts->model()->index(0, 0), GridModel::RawRole).isNull()); // no Id: Salesforce gives one
    accounts->model()->undoStack()->undo();
    QVERIFY(!accounts->model()->hasStagedChanges());
}

void TestGridEditor::multiPicklistIsAListOfCheckBoxes()
{
    // Shipment__c.Services__c in tether-sim: a multi-select picklist, mirrored as text[].
    using tether::ui::GridColumn;
    using tether::ui::GridDelegate;
    using tether::ui::GridTable;
    GridTable table;
    GridColumn services;
    services.name = QStringLiteral("services__c");
    services.salesforceType = QStringLiteral("multipicklist");
    services.pgType = QStringLiteral("text[]");
    services.updateable = services.createable = true;
    services.picklistValues = {QStringLiteral("Express"), QStringLiteral("Insured"), QStringLiteral("Fragile")};
    table.columns << services;
    GridDelegate delegate(&table);
    QStandardItemModel cells(1, 1);
    cells.setData(cells.index(0, 0), QStringLiteral("Fragile;Express"), GridModel::RawRole);
    QWidget parent;
    QStyleOptionViewItem option;
    std::unique_ptr<QWidget> editor(delegate.createEditor(&parent, option, cells.index(0, 0)));
    auto *list = qobject_cast<QListWidget *>(editor.get());
    QVERIFY(list);
    QCOMPARE(list->count(), 3);
    delegate.setEditorData(list, cells.index(0, 0));
    QCOMPARE(list->item(0)->checkState(), Qt::Checked);   // Express
    QCOMPARE(list->item(1)->checkState(), Qt::Unchecked); // Insured
    QCOMPARE(list->item(2)->checkState(), Qt::Checked);   // Fragile
    list->item(1)->setCheckState(Qt::Checked);
    list->item(2)->setCheckState(Qt::Unchecked);
    delegate.setModelData(list, &cells, cells.index(0, 0));
    // In the org's order, as the grid writes an array: string_to_array(text, ';').
    QCOMPARE(cells.data(cells.index(0, 0), Qt::EditRole).toString(), QStringLiteral("Express;Insured"));
}

QStringList TestGridEditor::loadedKeys(GridModel *model)
{
    QStringList keys;
    for (int r = 0; r < model->rowCount(); ++r) {
        if (!QTest::qWaitFor([&] { return model->isLoaded(r); }, 20000))
            return {QStringLiteral("row %1 did not load").arg(r)};
        keys << model->keyAt(r);
    }
    return keys;
}

bool TestGridEditor::activate(QWidget *window)
{
    // Shortcuts and focus need the window active, offscreen too.
    window->activateWindow();
    return QTest::qWaitForWindowActive(window);
}

QPointer<ui::GridLookupEditor> TestGridEditor::openLookup(GridEditor *editor, const QModelIndex &index)
{
    // As a person does: the cell current, then F2 (the view's edit key).
    editor->view()->setFocus();
    editor->view()->setCurrentIndex(index);
    QTest::keyClick(editor->view(), Qt::Key_F2);
    QPointer<ui::GridLookupEditor> lookup;
    for (auto *e : editor->view()->findChildren<ui::GridLookupEditor *>()) {
        if (e->isVisible())
            lookup = e;
    }
    return lookup;
}

QStringList TestGridEditor::candidateIds(ui::GridLookupEditor *lookup)
{
    QStringList ids;
    static const QRegularExpression id(QStringLiteral(" — ([a-zA-Z0-9]{18})( \\(\\w+\\))?$"));
    for (int i = 0; i < lookup->candidates()->count(); ++i)
        ids << id.match(lookup->candidates()->item(i)->text()).captured(1);
    return ids;
}

void TestGridEditor::filterRowConditionsRunInTheDatabase()
{
    auto editor = open(QStringLiteral("Account"));
    QVERIFY(editor);
    QVERIFY(activate(editor.get()));
    GridModel *model = editor->model();
    ui::GridFilterHeader *header = editor->filterHeader();
    const int industry = column(model, QStringLiteral("industry"));
    const int employees = column(model, QStringLiteral("numberofemployees"));
    const int name = column(model, QStringLiteral("name"));
    QLineEdit *industryCell = header->cell(industry);
    QVERIFY(industryCell && industryCell->isVisible());
    QCOMPARE(industryCell->accessibleName(), QStringLiteral("Filter Industry"));

    // The shortcut puts the focus in the filter row, under the current column.
    editor->view()->setFocus();
    editor->view()->setCurrentIndex(model->index(0, industry));
    QTest::keyClick(editor->view(), Qt::Key_F, Qt::ControlModifier | Qt::ShiftModifier);
    QTRY_COMPARE(QApplication::focusWidget(), industryCell);

    // "= value": equal, as a parameter; the oracle is the same condition written by hand.
    const QString common = scalar(QStringLiteral("SELECT industry FROM salesforce.account WHERE industry IS NOT NULL "
                                                 "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"));
    QVERIFY(!common.isEmpty());
    QTest::keyClicks(industryCell, QStringLiteral("= ") + common);
    QVERIFY(!editor->sqlText().contains(common)); // nothing before Enter
    QTest::keyClick(industryCell, Qt::Key_Return);
    QTRY_VERIFY2(editor->sqlText().contains(QStringLiteral("t.\"industry\" = %1").arg(schema::sqlLiteral(common))), qPrintable(editor->sqlText()));
    QTRY_VERIFY(model->totalIsExact());
    QCOMPARE(loadedKeys(model).join(u','),
             scalar(QStringLiteral("SELECT string_agg(id, ',' ORDER BY id) FROM salesforce.account WHERE industry = %1").arg(schema::sqlLiteral(common))));

    // Tab goes to the next column shown — after moving Employees next to
    // Industry, that is Employees — and its cell moved with its section.
    const int from = header->visualIndex(employees);
    header->moveSection(from, header->visualIndex(industry) + 1);
    QLineEdit *employeesCell = header->cell(employees);
    QTRY_COMPARE(employeesCell->geometry().left(), header->sectionPosition(employees) - header->offset());
    QCOMPARE(employeesCell->width(), header->sectionSize(employees));
    QTest::keyClick(industryCell, Qt::Key_Tab);
    QCOMPARE(QApplication::focusWidget(), employeesCell);
    QTest::keyClicks(employeesCell, QStringLiteral(">= 20000"));
    QTest::keyClick(employeesCell, Qt::Key_Return);
    QTRY_VERIFY2(editor->sqlText().contains(QLatin1String("t.\"numberofemployees\" >= '20000'::numeric")), qPrintable(editor->sqlText()));
    QTRY_VERIFY(model->totalIsExact());
    QCOMPARE(loadedKeys(model).join(u','),
             scalar(QStringLiteral("SELECT coalesce(string_agg(id, ',' ORDER BY id), '') FROM salesforce.account "
                                   "WHERE industry = %1 AND numberofemployees >= 20000").arg(schema::sqlLiteral(common))));

    // A value that is no number is refused where it was typed; the view stays as it was.
    const QString before = editor->sqlText();
    employeesCell->selectAll();
    QTest::keyClicks(employeesCell, QStringLiteral("> many"));
    QTest::keyClick(employeesCell, Qt::Key_Return);
    QVERIFY2(editor->errorText().contains(QLatin1String("numbers")), qPrintable(editor->errorText()));
    QVERIFY(employeesCell->toolTip().contains(QLatin1String("numbers")));
    QCOMPARE(editor->sqlText(), before);

    // Escape empties a cell and its filter goes: only Industry's is left.
    QTest::keyClick(employeesCell, Qt::Key_Escape);
    QCOMPARE(employeesCell->text(), QString());
    QTRY_VERIFY2(!editor->sqlText().contains(QLatin1String("numberofemployees\" >")), qPrintable(editor->sqlText()));
    QVERIFY(editor->errorText().isEmpty());
    QVERIFY(editor->sqlText().contains(QStringLiteral("t.\"industry\" = ")));

    // Values are parameters: a quote is data, never SQL.
    industryCell->selectAll();
    QTest::keyClicks(industryCell, QStringLiteral("= O'Brien'); DROP TABLE salesforce.account; --"));
    QTest::keyClick(industryCell, Qt::Key_Return);
    QTRY_VERIFY2(editor->sqlText().contains(QLatin1String("'O''Brien''); DROP")), qPrintable(editor->sqlText()));
    const ui::GridSql sql = ui::gridquery::window(model->table(), model->view(), nullptr, 0, 10);
    QVERIFY2(!sql.text.contains(QLatin1String("Brien")), qPrintable(sql.text));
    QVERIFY(sql.params.contains(QStringLiteral("O'Brien'); DROP TABLE salesforce.account; --")));
    QTRY_VERIFY(model->totalIsExact());
    QCOMPARE(model->rowCount(), 0);
    QCOMPARE(scalar(QStringLiteral("SELECT count(*) > 0 FROM salesforce.account")), QStringLiteral("t"));

    // like, ilike and is null, as PostgreSQL reads them.
    const QString letter = scalar(QStringLiteral("SELECT left(name, 1) FROM salesforce.account GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"));
    const QString minName = scalar(QStringLiteral("SELECT min(name) FROM salesforce.account"));
    const struct
    {
        int column;
        QString typed;
        QString sql; // what the visible SQL holds
        QString where; // the oracle's condition
    } cases[] = {{industry, QStringLiteral("is null"), QStringLiteral("t.\"industry\" IS NULL"), QStringLiteral("industry IS NULL")},
                 {industry, QStringLiteral("IS NOT NULL"), QStringLiteral("t.\"industry\" IS NOT NULL"), QStringLiteral("industry IS NOT NULL")},
                 {name, QStringLiteral("like %1%").arg(letter), QStringLiteral("t.\"name\" LIKE '%1%'").arg(letter), QStringLiteral("name LIKE '%1%'").arg(letter)},
                 {name, QStringLiteral("ilike %1%").arg(letter.toLower()), QStringLiteral("t.\"name\" ILIKE '%1%'").arg(letter.toLower()),
                  QStringLiteral("name ILIKE '%1%'").arg(letter.toLower())},
                 {name, QStringLiteral("<> \"%1\"").arg(minName), QStringLiteral("t.\"name\" <> %1").arg(schema::sqlLiteral(minName)),
                  QStringLiteral("name <> (SELECT min(name) FROM salesforce.account)")}};
    for (const auto &c : cases) {
        for (int i = 0; i < model->columnCount(); ++i)
            header->cell(i)->clear();
        header->cell(c.column)->setFocus();
        QTest::keyClicks(header->cell(c.column), c.typed);
        QTest::keyClick(header->cell(c.column), Qt::Key_Return);
        QTRY_VERIFY2(editor->sqlText().contains(c.sql) && !editor->sqlText().contains(QLatin1String("Brien")), qPrintable(editor->sqlText()));
        QTRY_VERIFY(model->totalIsExact());
        QCOMPARE(loadedKeys(model).join(u','),
                 scalar(QStringLiteral("SELECT coalesce(string_agg(id, ',' ORDER BY id), '') FROM salesforce.account WHERE %1").arg(c.where)));
    }
    header->moveSection(header->visualIndex(employees), from);
}

void TestGridEditor::filterRowFollowsColumnsAndKeepsStagedEdits()
{
    auto editor = open(QStringLiteral("Account"));
    QVERIFY(editor);
    QVERIFY(activate(editor.get()));
    GridModel *model = editor->model();
    ui::GridFilterHeader *header = editor->filterHeader();
    const int phone = column(model, QStringLiteral("phone"));
    const int rating = column(model, QStringLiteral("rating"));

    // A hidden column's cell goes with it, and comes back with it.
    header->hideSection(rating);
    QTRY_VERIFY(!header->cell(rating)->isVisible());
    header->showSection(rating);
    QTRY_VERIFY(header->cell(rating)->isVisible());
    QTRY_COMPARE(header->cell(rating)->geometry().left(), header->sectionPosition(rating) - header->offset());
    // Scrolled sideways, the cells stay under their titles.
    editor->view()->horizontalScrollBar()->setValue(editor->view()->horizontalScrollBar()->maximum());
    QVERIFY(header->offset() > 0);
    QTRY_COMPARE(header->cell(rating)->geometry().left(), header->sectionPosition(rating) - header->offset());
    editor->view()->horizontalScrollBar()->setValue(0);

    // A staged change stays staged when a filter hides its row, and shows again after.
    const QString staged = model->keyAt(1);
    const QString other = model->keyAt(5);
    QVERIFY(model->setData(model->index(1, phone), QStringLiteral("+31 20 555 0199")));
    QStringList asked;
    editor->setAsk([&asked](const QString &q, QMessageBox::StandardButtons) {
        asked << q;
        return QMessageBox::Cancel;
    });
    QLineEdit *idCell = header->cell(0);
    idCell->setFocus();
    QTest::keyClicks(idCell, QStringLiteral("= ") + other);
    QTest::keyClick(idCell, Qt::Key_Return);
    QTRY_VERIFY(model->totalIsExact());
    QCOMPARE(loadedKeys(model), QStringList{other});
    QCOMPARE(model->stagedRecordCount(), 1);
    QVERIFY2(editor->statusText().contains(QLatin1String("stay staged")), qPrintable(editor->statusText()));
    QTest::keyClick(idCell, Qt::Key_Escape);
    QTRY_VERIFY(model->rowCount() > 5);
    const int row = rowOf(model, staged);
    QVERIFY(row >= 0);
    QCOMPARE(model->data(model->index(row, phone), GridModel::RawRole).toString(), QStringLiteral("+31 20 555 0199"));
    QVERIFY(model->data(model->index(row, phone), GridModel::StagedRole).toBool());
    QVERIFY(asked.isEmpty()); // nothing was at risk, so nothing was asked
    // Escape in an empty cell goes back to the grid.
    QTest::keyClick(idCell, Qt::Key_Escape);
    QCOMPARE(QApplication::focusWidget(), editor->view());
    model->revertAll();
}

void TestGridEditor::lookupSearchSetsTheReference()
{
    auto editor = open(QStringLiteral("Contact"));
    QVERIFY(editor);
    QVERIFY(activate(editor.get()));
    GridModel *model = editor->model();
    const int account = column(model, QStringLiteral("accountid"));
    const QString first = model->keyAt(2);
    const QString second = model->keyAt(3);
    int withAccount = 4; // a contact with an account, to empty it
    while (withAccount < 40 && model->data(model->index(withAccount, account), GridModel::RawRole).isNull())
        ++withAccount;
    const QString third = model->keyAt(withAccount);
    QVERIFY(!model->data(model->index(withAccount, account), GridModel::RawRole).isNull());

    // The account to choose: one the contact does not point to yet, found by a part of its name.
    const QString target = scalar(QStringLiteral("SELECT a.id FROM salesforce.account a WHERE a.id IS DISTINCT FROM "
                                                 "(SELECT accountid FROM salesforce.contact WHERE id = '%1') "
                                                 "AND length(a.name) > 6 ORDER BY a.id LIMIT 1 OFFSET 17").arg(first));
    const QString targetName = scalar(QStringLiteral("SELECT name FROM salesforce.account WHERE id = '%1'").arg(target));
    const QString part = targetName.mid(1); // not its start: a part anywhere in the name finds it
    QPointer<ui::GridLookupEditor> lookup = openLookup(editor.get(), model->index(2, account));
    QVERIFY(lookup);
    QTRY_VERIFY(!lookup->isSearching());
    QTest::keyClicks(lookup->textEdit(), part);
    // What PostgreSQL finds for the same words: names containing them, at most 20.
    const QStringList expected = scalar(QStringLiteral("SELECT string_agg(id, ',') FROM salesforce.account WHERE strpos(lower(name), lower(%1)) > 0")
                                            .arg(schema::sqlLiteral(part)))
                                     .split(u',');
    QTRY_VERIFY(lookup->candidatesFor() == part && !lookup->isSearching());
    QCOMPARE(lookup->candidates()->count(), int(qMin(expected.size(), qsizetype(ui::GridLookupEditor::MaxCandidates))));
    QVERIFY2(expected.size() <= ui::GridLookupEditor::MaxCandidates, qPrintable(part));
    const QStringList seen = candidateIds(lookup);
    QCOMPARE(QSet<QString>(seen.begin(), seen.end()), QSet<QString>(expected.begin(), expected.end()));
    QVERIFY(lookup->candidates()->item(int(seen.indexOf(target)))->text().startsWith(targetName + QStringLiteral(" — ")));
    // Down to the account wanted, Enter takes it.
    for (int i = 0; i < seen.indexOf(target); ++i)
        QTest::keyClick(lookup->textEdit(), Qt::Key_Down);
    QTest::keyClick(lookup->textEdit(), Qt::Key_Return);
    QTRY_VERIFY(lookup.isNull());
    QCOMPARE(model->data(model->index(2, account), GridModel::RawRole).toString(), target);
    QCOMPARE(model->data(model->index(2, account)).toString(), QStringLiteral("%1 · %2").arg(targetName, target));

    // A 15-character Id, pasted as Salesforce's pages show it, is stored as the 18-character one.
    const QString idTarget = scalar(QStringLiteral("SELECT id FROM salesforce.account WHERE id <> '%1' AND id IS DISTINCT FROM "
                                                   "(SELECT accountid FROM salesforce.contact WHERE id = '%2') ORDER BY id DESC LIMIT 1")
                                        .arg(target, second));
    lookup = openLookup(editor.get(), model->index(3, account));
    QVERIFY(lookup);
    lookup->textEdit()->selectAll();
    QTest::keyClicks(lookup->textEdit(), idTarget.left(15));
    QTest::keyClick(lookup->textEdit(), Qt::Key_Return);
    QTRY_VERIFY(lookup.isNull());
    QCOMPARE(model->data(model->index(3, account), GridModel::RawRole).toString(), idTarget);

    // Emptied: no account (Contact.AccountId is nillable).
    lookup = openLookup(editor.get(), model->index(withAccount, account));
    QVERIFY(lookup);
    lookup->textEdit()->selectAll();
    QTest::keyClick(lookup->textEdit(), Qt::Key_Backspace);
    QVERIFY2(lookup->noteText().contains(QLatin1String("no record")), qPrintable(lookup->noteText()));
    QCOMPARE(model->stagedRecordCount(), 2);

    // Save with the editor still open: it gives up the focus, and what it holds is saved too.
    QSignalSpy saved(editor.get(), &GridEditor::saved);
    editor->save();
    QTRY_VERIFY(lookup.isNull());
    QTRY_VERIFY2_WITH_TIMEOUT(!saved.isEmpty(), qPrintable(editor->errorText()), 60000);
    QCOMPARE(saved.first().at(0).toInt(), 3);
    QCOMPARE(simRecord(QStringLiteral("Contact"), first).value(QLatin1String("AccountId")).toString(), target);
    QCOMPARE(simRecord(QStringLiteral("Contact"), second).value(QLatin1String("AccountId")).toString(), idTarget);
    QVERIFY(simRecord(QStringLiteral("Contact"), third).value(QLatin1String("AccountId")).isNull());
    QCOMPARE(scalar(QStringLiteral("SELECT accountid FROM salesforce.contact WHERE id = '%1'").arg(first)), target);
    QCOMPARE(scalar(QStringLiteral("SELECT accountid FROM salesforce.contact WHERE id = '%1'").arg(second)), idTarget);
    QCOMPARE(scalar(QStringLiteral("SELECT accountid IS NULL FROM salesforce.contact WHERE id = '%1'").arg(third)), QStringLiteral("t"));
}

void TestGridEditor::lookupSearchesEveryReferencedTable()
{
    // Task.WhatId refers to Account, Opportunity, Case, Campaign and
    // Invoice__c; Account and Opportunity are synced, the others not.
    auto editor = open(QStringLiteral("Task"));
    QVERIFY(editor);
    QVERIFY(activate(editor.get()));
    GridModel *model = editor->model();
    const int what = column(model, QStringLiteral("whatid"));
    QVERIFY(what > 0);
    const QString task = model->keyAt(0);
    // An opportunity is named after a company ("Acme - Widgets deal"), as accounts are:
    // the company's name finds both. The opportunity: one whose account name
    // is in the mirror, with the fewest records matching.
    const QString opportunity = scalar(QStringLiteral(
        "SELECT o.id FROM salesforce.opportunity o, LATERAL (SELECT split_part(o.name, ' - ', 1) AS company) c "
        "WHERE EXISTS (SELECT 1 FROM salesforce.account a WHERE strpos(lower(a.name), lower(c.company)) > 0) "
        "ORDER BY (SELECT count(*) FROM salesforce.account a WHERE strpos(lower(a.name), lower(c.company)) > 0) + "
        "(SELECT count(*) FROM salesforce.opportunity m WHERE strpos(lower(m.name), lower(c.company)) > 0), o.id LIMIT 1"));
    const QString company = scalar(QStringLiteral("SELECT split_part(name, ' - ', 1) FROM salesforce.opportunity WHERE id = '%1'").arg(opportunity));
    QPointer<ui::GridLookupEditor> lookup = openLookup(editor.get(), model->index(0, what));
    QVERIFY(lookup);
    QVERIFY2(lookup->noteText().contains(QLatin1String("Case, Campaign, Invoice__c")) && lookup->noteText().contains(QLatin1String("not synced")),
             qPrintable(lookup->noteText()));
    lookup->textEdit()->selectAll();
    QTest::keyClicks(lookup->textEdit(), company);
    const QString like = schema::sqlLiteral(company);
    const QStringList expected = scalar(QStringLiteral("SELECT string_agg(id, ',') FROM (SELECT id FROM salesforce.account WHERE strpos(lower(name), lower(%1)) > 0 "
                                                       "UNION ALL SELECT id FROM salesforce.opportunity WHERE strpos(lower(name), lower(%1)) > 0) m")
                                            .arg(like))
                                     .split(u',');
    QVERIFY(expected.contains(opportunity));
    QTRY_VERIFY(lookup->candidatesFor() == company && !lookup->isSearching());
    const QStringList seen = candidateIds(lookup);
    QVERIFY2(expected.size() <= ui::GridLookupEditor::MaxCandidates, qPrintable(company));
    QCOMPARE(QSet<QString>(seen.begin(), seen.end()), QSet<QString>(expected.begin(), expected.end()));
    const int at = int(seen.indexOf(opportunity));
    QVERIFY(lookup->candidates()->item(at)->text().endsWith(QStringLiteral("(Opportunity)")));
    QVERIFY(std::any_of(seen.begin(), seen.end(), [](const QString &id) { return id.startsWith(QLatin1String("001")); }));
    // A click takes it.
    const QRect itemRect = lookup->candidates()->visualItemRect(lookup->candidates()->item(at));
    QTest::mouseClick(lookup->candidates()->viewport(), Qt::LeftButton, {}, itemRect.center());
    QTRY_VERIFY(lookup.isNull());
    QCOMPARE(model->data(model->index(0, what), GridModel::RawRole).toString(), opportunity);
    QSignalSpy saved(editor.get(), &GridEditor::saved);
    editor->save();
    QVERIFY2(saved.wait(60000), qPrintable(editor->errorText()));
    // Salesforce took an Opportunity where WhatId allows one.
    QCOMPARE(simRecord(QStringLiteral("Task"), task).value(QLatin1String("WhatId")).toString(), opportunity);
    QCOMPARE(scalar(QStringLiteral("SELECT whatid FROM salesforce.task WHERE id = '%1'").arg(task)), opportunity);

    // A reference to an object that is not synced (Opportunity.CampaignId):
    // the editor says so and takes a typed Id.
    auto opportunities = open(QStringLiteral("Opportunity"));
    QVERIFY(opportunities);
    QVERIFY(activate(opportunities.get()));
    const int campaign = column(opportunities->model(), QStringLiteral("campaignid"));
    lookup = openLookup(opportunities.get(), opportunities->model()->index(1, campaign));
    QVERIFY(lookup);
    QVERIFY2(lookup->noteText().contains(QLatin1String("Campaign is not synced")), qPrintable(lookup->noteText()));
    QVERIFY(!lookup->candidates()->isVisible());
    lookup->textEdit()->selectAll();
    QTest::keyClicks(lookup->textEdit(), QStringLiteral("701000000000042AAA"));
    QTest::keyClick(lookup->textEdit(), Qt::Key_Tab);
    QTRY_VERIFY(lookup.isNull());
    QCOMPARE(opportunities->model()->data(opportunities->model()->index(1, campaign), GridModel::RawRole).toString(), QStringLiteral("701000000000042AAA"));
    // Escape leaves the cell as it was.
    lookup = openLookup(opportunities.get(), opportunities->model()->index(1, campaign));
    QVERIFY(lookup);
    lookup->textEdit()->selectAll();
    QTest::keyClicks(lookup->textEdit(), QStringLiteral("701000000000077AAA"));
    QTest::keyClick(lookup->textEdit(), Qt::Key_Escape);
    QTRY_VERIFY(lookup.isNull());
    QCOMPARE(opportunities->model()->data(opportunities->model()->index(1, campaign), GridModel::RawRole).toString(), QStringLiteral("701000000000042AAA"));
    opportunities->model()->revertAll();
}

QTEST_MAIN(TestGridEditor)
#include "tst_grideditor.moc"
