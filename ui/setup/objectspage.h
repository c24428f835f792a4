// ObjectsPage: which objects to mirror — every syncable object of the org's
// global describe with its label, API name, a badge for custom objects and its
// record count. Counts arrive in the background, five COUNT() queries per
// /composite call, the selected objects first; nothing waits for them. A
// search box filters; the estimate below says what the backfill of the
// selection costs in API calls and time at the chosen rate.
#pragma once

#include "schema/describe.h"

#include <QAbstractTableModel>
#include <QSet>
#include <QWizardPage>

class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

namespace tether::ui {

class SetupAssistant;

// One row per syncable object; column 0 carries the check box.
class ObjectListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { LabelColumn, ApiNameColumn, CustomColumn, RecordsColumn, ColumnCount };
    static constexpr int CountUnknown = -1;
    static constexpr int CountFailed = -2;

    using QAbstractTableModel::QAbstractTableModel;
    // `fixed` objects (mirrored already, when objects are added later) stay
    // ticked and count neither in the estimate nor as a choice.
    void setObjects(const QList<schema::ObjectDescribe> &objects, const QStringList &selected,
                    const QStringList &fixed = {});
    void setCount(const QString &apiName, qint64 count, const QString &problem = {});
    void setSelected(const QStringList &apiNames);

    QStringList selected() const;      // in describe order, fixed ones too
    QStringList chosen() const;        // selected and not fixed: what the person adds
    QStringList uncounted() const;     // chosen first
    QList<qint64> selectedCounts() const; // of the chosen (not fixed) ones; -1 where not known yet
    int selectedUncountedCount() const;
    int rowOf(const QString &apiName) const { return m_rowOf.value(apiName, -1); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

signals:
    void selectionChanged();

private:
    struct Row
    {
        schema::ObjectDescribe object;
        bool selected = false;
        bool fixed = false;
        qint64 count = CountUnknown;
        QString problem;
    };
    QList<Row> m_rows;
    QHash<QString, int> m_rowOf;
};

class ObjectsPage : public QWizardPage
{
    Q_OBJECT
public:
    explicit ObjectsPage(SetupAssistant *assistant);

    void initializePage() override;
    bool isComplete() const override;
    QStringList selectedObjects() const { return m_model->selected(); }
    bool hasChoice() const { return !m_model->chosen().isEmpty(); }
    ObjectListModel *model() const { return m_model; }
    // "8 objects selected: ≈ 18 calls, about 54 s at 1 request every 3 s." for the selection.
    QString estimateText() const;
    // "the 2 chosen objects take ≈ 5 calls, about 15 s at …" for the Rate page.
    QString backfillSentence() const;

public slots:
    void selectDefault();

private:
    void loadObjects();
    void countNext();
    void updateEstimate();

    SetupAssistant *m_assistant;
    ObjectListModel *m_model;
    QSortFilterProxyModel *m_filter;
    QLineEdit *m_search;
    QTableView *m_table;
    QLabel *m_status;
    QLabel *m_estimate;
    QStringList m_defaultSelection;
    bool m_loaded = false;
    bool m_loading = false;
    bool m_counting = false;
};

} // namespace tether::ui
