#include "setup/objectspage.h"

#include "salesforce/compositeapi.h"
#include "salesforce/orgsession.h"
#include "salesforce/sobjectapi.h"
#include "setup/backfillestimate.h"
#include "setup/setupassistant.h"

#include <QColor>
#include <QFont>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QUrl>
#include <QVBoxLayout>

namespace tether::ui {

// --- the model ---------------------------------------------------------------------

void ObjectListModel::setObjects(const QList<schema::ObjectDescribe> &objects, const QStringList &selected,
                                 const QStringList &fixed)
{
    beginResetModel();
    m_rows.clear();
    m_rowOf.clear();
    for (const schema::ObjectDescribe &object : objects) {
        m_rowOf.insert(object.name, int(m_rows.size()));
        const bool isFixed = fixed.contains(object.name);
        m_rows.append(Row{object, isFixed || selected.contains(object.name), isFixed, CountUnknown, {}});
    }
    endResetModel();
    emit selectionChanged();
}

void ObjectListModel::setCount(const QString &apiName, qint64 count, const QString &problem)
{
    const int row = rowOf(apiName);
    if (row < 0)
        return;
    m_rows[row].count = count;
    m_rows[row].problem = problem;
    emit dataChanged(index(row, RecordsColumn), index(row, RecordsColumn));
    if (m_rows[row].selected)
        emit selectionChanged();
}

void ObjectListModel::setSelected(const QStringList &apiNames)
{
    for (Row &row : m_rows)
        row.selected = row.fixed || apiNames.contains(row.object.name);
    if (!m_rows.isEmpty())
        emit dataChanged(index(0, LabelColumn), index(int(m_rows.size()) - 1, LabelColumn), {Qt::CheckStateRole});
    emit selectionChanged();
}

QStringList ObjectListModel::selected() const
{
    QStringList names;
    for (const Row &row : m_rows) {
        if (row.selected)
            names << row.object.name;
    }
    return names;
}

QStringList ObjectListModel::chosen() const
{
    QStringList names;
    for (const Row &row : m_rows) {
        if (row.selected && !row.fixed)
            names << row.object.name;
    }
    return names;
}

QStringList ObjectListModel::uncounted() const
{
    QStringList first;
    QStringList later;
    for (const Row &row : m_rows) {
        if (row.count == CountUnknown && !row.fixed) // mirrored ones cost calls and change nothing
            (row.selected ? first : later) << row.object.name;
    }
    return first + later;
}

QList<qint64> ObjectListModel::selectedCounts() const
{
    QList<qint64> counts;
    for (const Row &row : m_rows) {
        if (row.selected && !row.fixed)
            counts << qMax<qint64>(-1, row.count);
    }
    return counts;
}

int ObjectListModel::selectedUncountedCount() const
{
    int n = 0;
    for (const Row &row : m_rows)
        n += row.selected && !row.fixed && row.count == CountUnknown;
    return n;
}

int ObjectListModel::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : int(m_rows.size()); }
int ObjectListModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant ObjectListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const Row &row = m_rows.at(index.row());
    switch (index.column()) {
    case LabelColumn:
        if (role == Qt::DisplayRole)
            return row.object.label.isEmpty() ? row.object.name : row.object.label;
        if (role == Qt::CheckStateRole)
            return row.selected ? Qt::Checked : Qt::Unchecked;
        if (role == Qt::ToolTipRole && row.fixed)
            return tr("Mirrored already. Remove it from the dashboard.");
        break;
    case ApiNameColumn:
        if (role == Qt::DisplayRole)
            return row.object.name;
        break;
    case CustomColumn:
        if (role == Qt::DisplayRole)
            return row.object.custom ? tr("custom") : QString();
        if (role == Qt::ToolTipRole && row.object.custom)
            return tr("A custom object of your org");
        if (role == Qt::ForegroundRole && row.object.custom)
            return QColor(0x2a, 0x9d, 0x8f); // a badge colour readable on light and dark palettes
        if (role == Qt::FontRole && row.object.custom) {
            QFont bold;
            bold.setBold(true);
            return bold;
        }
        if (role == Qt::TextAlignmentRole)
            return int(Qt::AlignCenter);
        break;
    case RecordsColumn:
        if (role == Qt::DisplayRole) {
            if (row.count == CountUnknown)
                return row.fixed ? tr("mirrored") : tr("counting…");
            if (row.count == CountFailed)
                return tr("not counted");
            return QLocale().toString(row.count);
        }
        if (role == Qt::ToolTipRole && !row.problem.isEmpty())
            return row.problem;
        if (role == Qt::TextAlignmentRole)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        if (role == Qt::UserRole)
            return row.count; // sorting by number
        break;
    default:
        break;
    }
    return {};
}

bool ObjectListModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (!index.isValid() || index.column() != LabelColumn || role != Qt::CheckStateRole || m_rows[index.row()].fixed)
        return false;
    m_rows[index.row()].selected = value.value<Qt::CheckState>() == Qt::Checked;
    emit dataChanged(index, index, {Qt::CheckStateRole});
    emit selectionChanged();
    return true;
}

Qt::ItemFlags ObjectListModel::flags(const QModelIndex &index) const
{
    Qt::ItemFlags f = QAbstractTableModel::flags(index);
    if (index.column() == LabelColumn && index.row() < m_rows.size() && !m_rows.at(index.row()).fixed)
        f |= Qt::ItemIsUserCheckable;
    return f;
}

QVariant ObjectListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case LabelColumn: return tr("Object");
    case ApiNameColumn: return tr("API name");
    case CustomColumn: return tr("Type");
    case RecordsColumn: return tr("Records");
    default: return {};
    }
}

// --- the page ----------------------------------------------------------------------

ObjectsPage::ObjectsPage(SetupAssistant *assistant)
    : QWizardPage(assistant)
    , m_assistant(assistant)
    , m_model(new ObjectListModel(this))
    , m_filter(new QSortFilterProxyModel(this))
{
    setTitle(tr("Objects"));
    if (assistant->mode() == SetupAssistant::Mode::AddObjects)
        setSubTitle(tr("Tick the objects to add. The ones mirrored already stay ticked; the new ones are backfilled "
                       "as soon as you choose Finish."));
    else
        setSubTitle(tr("Choose what to mirror. Each object becomes one table; you can add or remove objects later."));
    auto *layout = new QVBoxLayout(this);

    auto *top = new QHBoxLayout;
    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("objectSearch"));
    m_search->setPlaceholderText(tr("Search by label or API name"));
    m_search->setClearButtonEnabled(true);
    m_search->setAccessibleName(tr("Search objects"));
    auto *defaults = new QPushButton(tr("&Default selection"), this);
    defaults->setObjectName(QStringLiteral("defaultSelection"));
    top->addWidget(m_search, 1);
    top->addWidget(defaults);
    layout->addLayout(top);

    m_filter->setSourceModel(m_model);
    m_filter->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_filter->setFilterKeyColumn(-1); // label and API name
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("objectTable"));
    m_table->setModel(m_filter);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(ObjectListModel::LabelColumn, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(ObjectListModel::ApiNameColumn, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(ObjectListModel::CustomColumn, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(ObjectListModel::RecordsColumn, QHeaderView::ResizeToContents);
    m_table->setAlternatingRowColors(true);
    m_table->setAccessibleName(tr("Objects of the org"));
    layout->addWidget(m_table, 1);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("objectsStatus"));
    m_status->setWordWrap(true);
    layout->addWidget(m_status);
    m_estimate = new QLabel(this);
    m_estimate->setObjectName(QStringLiteral("backfillEstimate"));
    m_estimate->setWordWrap(true);
    QFont bold = m_estimate->font();
    bold.setBold(true);
    m_estimate->setFont(bold);
    layout->addWidget(m_estimate);

    connect(m_search, &QLineEdit::textChanged, m_filter, &QSortFilterProxyModel::setFilterFixedString);
    connect(defaults, &QPushButton::clicked, this, &ObjectsPage::selectDefault);
    connect(m_model, &ObjectListModel::selectionChanged, this, [this] {
        updateEstimate();
        emit completeChanged();
    });
    connect(m_assistant, &SetupAssistant::rateChanged, this, &ObjectsPage::updateEstimate);
    // Space toggles the current row's check box from the keyboard, in any column.
    connect(m_table, &QTableView::activated, this, [this](const QModelIndex &index) {
        const QModelIndex check = m_filter->index(index.row(), ObjectListModel::LabelColumn);
        const bool on = check.data(Qt::CheckStateRole).value<Qt::CheckState>() == Qt::Checked;
        m_filter->setData(check, on ? Qt::Unchecked : Qt::Checked, Qt::CheckStateRole);
    });
}

void ObjectsPage::initializePage()
{
    if (!m_loaded && !m_loading)
        loadObjects();
    updateEstimate();
}

bool ObjectsPage::isComplete() const { return m_loaded && hasChoice(); }

void ObjectsPage::selectDefault() { m_model->setSelected(m_defaultSelection); }

void ObjectsPage::loadObjects()
{
    salesforce::RestClient *client = m_assistant->restClient();
    if (!client) {
        m_status->setText(tr("Log in first: the objects come from the org."));
        return;
    }
    m_loading = true;
    m_status->setText(tr("Reading the org's objects…"));
    salesforce::SObjectApi(client).describeGlobal(QDateTime(), [this](const salesforce::DescribeResult &result) {
        m_loading = false;
        if (result.error) {
            m_status->setText(tr("Could not read the org's objects: %1 Go back and forth to try again.").arg(result.error.toString()));
            return;
        }
        const QList<schema::ObjectDescribe> objects = schema::syncableObjects(result.json);
        m_defaultSelection = schema::defaultObjectSelection(objects);
        const QStringList mirrored = m_assistant->mirroredObjects();
        QStringList selected = m_assistant->initialChoices().engine.objects;
        if (!mirrored.isEmpty())
            selected.clear(); // adding to a running sync: nothing new is ticked for the person
        else if (selected.isEmpty())
            selected = m_defaultSelection;
        m_model->setObjects(objects, selected, mirrored);
        m_loaded = true;
        const int objectCount = int(objects.size());
        m_status->setText(objectCount == 1 ? tr("1 object can be mirrored.")
                                           : tr("%n objects can be mirrored.", nullptr, objectCount));
        emit completeChanged();
        countNext();
    });
}

void ObjectsPage::countNext()
{
    salesforce::RestClient *client = m_assistant->restClient();
    const QStringList uncounted = m_model->uncounted();
    if (!client || uncounted.isEmpty() || m_counting)
        return;
    // Five COUNT() queries per /composite call: the most one call may carry.
    const QStringList batch = uncounted.mid(0, 5);
    const QString dataPath = client->session()->connection().dataPath();
    QList<salesforce::CompositeSubrequest> subrequests;
    for (const QString &object : batch) {
        salesforce::CompositeSubrequest sub;
        sub.method = QStringLiteral("GET");
        sub.url = dataPath + QStringLiteral("/query?q=")
                  + QString::fromLatin1(QUrl::toPercentEncoding(QStringLiteral("SELECT COUNT() FROM %1").arg(object)));
        sub.referenceId = QStringLiteral("count%1").arg(subrequests.size());
        subrequests << sub;
    }
    m_counting = true;
    salesforce::CompositeApi(client).composite(
        false, subrequests, salesforce::ApiCategory::Schema, salesforce::ApiRequest::Idempotency::Safe,
        [this, batch](const salesforce::CompositeResult &result) {
            m_counting = false;
            for (int i = 0; i < batch.size(); ++i) {
                if (result.error) {
                    m_model->setCount(batch[i], ObjectListModel::CountFailed, result.error.toString());
                    continue;
                }
                const salesforce::CompositeSubresponse *answer = i < result.responses.size() ? &result.responses[i] : nullptr;
                if (!answer || answer->error || answer->httpStatusCode != 200) {
                    m_model->setCount(batch[i], ObjectListModel::CountFailed,
                                      answer ? answer->error.toString() : tr("Salesforce gave no answer for it."));
                    continue;
                }
                const QJsonObject body = QJsonDocument::fromJson(answer->body).object();
                m_model->setCount(batch[i], qint64(body.value(QLatin1String("totalSize")).toDouble()));
            }
            updateEstimate();
            countNext();
        });
}

QString ObjectsPage::estimateText() const
{
    const QList<qint64> counts = m_model->selectedCounts();
    if (counts.isEmpty())
        return tr("Choose at least one object.");
    const qint64 calls = backfillCalls(counts);
    const int selectedCount = int(counts.size());
    QString text = (selectedCount == 1 ? tr("1 object selected: ") : tr("%n objects selected: ", nullptr, selectedCount))
                   + describeBackfill(calls, m_assistant->requestsPerSecond()) + QLatin1Char('.');
    const int uncounted = m_model->selectedUncountedCount();
    if (uncounted > 0)
        text += QLatin1Char(' ') + tr("(Still counting %n of them.)", nullptr, uncounted);
    return text;
}

QString ObjectsPage::backfillSentence() const
{
    const QList<qint64> counts = m_model->selectedCounts();
    if (counts.isEmpty())
        return {};
    const int selectedCount = int(counts.size());
    const QString cost = describeBackfill(backfillCalls(counts), m_assistant->requestsPerSecond());
    return selectedCount == 1 ? tr("The backfill of the chosen object takes %1.").arg(cost)
                              : tr("The backfill of the %n chosen objects takes %1.", nullptr, selectedCount).arg(cost);
}

void ObjectsPage::updateEstimate() { m_estimate->setText(estimateText()); }

} // namespace tether::ui
