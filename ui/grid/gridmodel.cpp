#include "grid/gridmodel.h"

#include "grid/gridlog.h"
#include "schema/tableschema.h"

#include <QBrush>
#include <QColor>
#include <QFont>
#include <QLocale>
#include <QRegularExpression>
#include <QUndoStack>

namespace tether::ui {

namespace {

// The colours say what will happen to a cell on Save; light enough to read on.
const QColor stagedColor(255, 236, 153);
const QColor newRowColor(209, 242, 209);
const QColor deletedColor(246, 208, 208);
const QColor errorFieldColor(255, 150, 150);
const QColor errorRowColor(255, 226, 226);
const QColor readOnlyColor(238, 238, 238);
const QColor requiredEmptyColor(255, 214, 153);

class CellCommand : public QUndoCommand
{
public:
    CellCommand(GridModel *model, QString key, int column, std::optional<QVariant> before, std::optional<QVariant> after)
        : m_model(model), m_key(std::move(key)), m_column(column), m_before(std::move(before)), m_after(std::move(after))
    {
        setText(GridModel::tr("Change %1").arg(model->table().columns.value(column).label));
    }
    void redo() override { m_model->stageCell(m_key, m_column, m_after); }
    void undo() override { m_model->stageCell(m_key, m_column, m_before); }

private:
    GridModel *m_model;
    QString m_key;
    int m_column;
    std::optional<QVariant> m_before;
    std::optional<QVariant> m_after;
};

class InsertRowCommand : public QUndoCommand
{
public:
    InsertRowCommand(GridModel *model, QString key)
        : QUndoCommand(GridModel::tr("Insert row")), m_model(model), m_key(std::move(key))
    {
    }
    void redo() override { m_model->addNewKey(m_key, 0); }
    void undo() override { m_model->removeNewKey(m_key); }

private:
    GridModel *m_model;
    QString m_key;
};

class DeleteRowsCommand : public QUndoCommand
{
public:
    DeleteRowsCommand(GridModel *model, QStringList keys)
        : QUndoCommand(GridModel::tr("Delete %n row(s)", nullptr, int(keys.size()))), m_model(model), m_keys(std::move(keys))
    {
    }
    void redo() override { m_model->setDeleted(m_keys, true); }
    void undo() override { m_model->setDeleted(m_keys, false); }

private:
    GridModel *m_model;
    QStringList m_keys;
};

} // namespace

GridModel::GridModel(GridWorker *worker, QObject *parent)
    : QAbstractTableModel(parent)
    , m_worker(worker)
    , m_undo(new QUndoStack(this))
{
    connect(worker, &GridWorker::windowLoaded, this, &GridModel::onWindowLoaded);
    connect(worker, &GridWorker::rowsLoaded, this, &GridModel::onRowsLoaded);
    connect(worker, &GridWorker::saveFinished, this, &GridModel::onSaveFinished);
}

void GridModel::setTable(const GridTable &table)
{
    m_table = table;
    m_nameColumns = gridquery::nameColumns(table);
    m_view = GridView{};
    reload();
}

void GridModel::setView(const GridView &view)
{
    if (view == m_view)
        return;
    m_view = view;
    reload();
}

void GridModel::reload()
{
    beginResetModel();
    m_pages.clear();
    m_rowOfId.clear();
    m_wanted.clear();
    m_inFlightPage = -1;
    m_inFlightTicket = 0;
    const bool filtered = !m_view.quickSearch.trimmed().isEmpty() || !m_view.columnFilters.isEmpty();
    m_totalExact = !filtered && m_table.rowsInTable >= 0;
    m_total = m_totalExact ? m_table.rowsInTable : 0;
    endResetModel();
    emit countChanged(m_total, m_totalExact);
    if (!m_table.columns.isEmpty())
        requestPage(0);
}

QString GridModel::currentSql() const
{
    if (m_table.columns.isEmpty())
        return {};
    return gridquery::readable(gridquery::window(m_table, m_view, nullptr, 0, PageSize));
}

int GridModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_newKeys.size() + m_total);
}

int GridModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_table.columns.size());
}

// ------------------------------------------------------------------ loading

const QVariantList *GridModel::loadedRow(int row) const
{
    const qint64 loaded = row - m_newKeys.size();
    if (loaded < 0 || loaded >= m_total)
        return nullptr;
    const qint64 page = loaded / PageSize;
    auto it = m_pages.find(page);
    if (it == m_pages.end()) {
        requestPage(page);
        return nullptr;
    }
    it->lastUse = ++m_useClock;
    // Read ahead: the next window is wanted as soon as this one's last quarter shows.
    if (loaded % PageSize >= PageSize * 3 / 4 && (page + 1) * PageSize < m_total && !m_pages.contains(page + 1))
        requestPage(page + 1);
    const int inPage = int(loaded % PageSize);
    return inPage < it->rows.size() ? &it->rows[inPage] : nullptr;
}

void GridModel::requestPage(qint64 page) const
{
    if (page == m_inFlightPage || m_pages.contains(page))
        return;
    m_wanted.removeAll(page);
    m_wanted.append(page);
    // Only the windows asked for last matter: a fast scroll passes many.
    while (m_wanted.size() > 4)
        m_wanted.removeFirst();
    pump();
}

void GridModel::pump() const
{
    if (m_inFlightPage >= 0 || m_wanted.isEmpty())
        return;
    const qint64 page = m_wanted.takeLast();
    const GridKeyset *after = nullptr;
    GridKeyset keyset;
    // Keyset when the window before is here and full: an index scan from
    // there, however deep into the table; OFFSET only for jumps.
    if (const auto before = m_pages.constFind(page - 1); before != m_pages.constEnd() && before->rows.size() == PageSize) {
        const QVariantList &last = before->rows.constLast();
        keyset.id = last.value(0).toString();
        keyset.sortValue = last.value(m_view.sortColumn);
        after = &keyset;
    }
    const GridSql sql = gridquery::window(m_table, m_view, after, page * PageSize, PageSize);
    m_inFlightPage = page;
    m_inFlightTicket = ++m_nextTicket;
    const quint64 ticket = m_inFlightTicket;
    QMetaObject::invokeMethod(m_worker, [worker = m_worker, ticket, sql] { worker->loadWindow(ticket, sql); }, Qt::QueuedConnection);
}

void GridModel::onWindowLoaded(quint64 ticket, const GridRows &rows, const QString &error)
{
    if (ticket != m_inFlightTicket)
        return; // the view changed since it was asked for
    const qint64 page = m_inFlightPage;
    m_inFlightPage = -1;
    m_inFlightTicket = 0;
    if (!error.isEmpty()) {
        qCWarning(lcGrid) << "loading rows failed:" << error;
        m_wanted.clear(); // asked again when the view next paints
        emit loadFailed(tr("Could not load rows of %1: %2").arg(m_table.objectLabel, error));
        return;
    }
    m_pages.insert(page, Page{rows, ++m_useClock});
    for (int i = 0; i < rows.size(); ++i)
        m_rowOfId.insert(rows[i].value(0).toString(), page * PageSize + i);
    const qint64 end = page * PageSize + rows.size();
    // A short window ends the table; with a filter the count was a guess
    // until then, even when the guess was right (no rows at all, say).
    if (rows.size() < PageSize && (end != m_total || !m_totalExact) && (rows.size() > 0 || page == 0 || end < m_total))
        setTotal(end, true); // the table ends here
    else if (rows.size() == PageSize && end >= m_total)
        setTotal(end + (m_totalExact ? 1 : PageSize), false); // there is more than was known
    if (!rows.isEmpty()) {
        const int first = int(m_newKeys.size() + page * PageSize);
        emit dataChanged(index(first, 0), index(first + int(rows.size()) - 1, columnCount() - 1));
        emit headerDataChanged(Qt::Vertical, first, first + int(rows.size()) - 1);
    }
    if (page == 0 && !m_firstShown) {
        m_firstShown = true;
        emit firstWindowShown();
    }
    evict();
    pump();
}

void GridModel::evict() const
{
    while (m_pages.size() > MaxPages) {
        auto oldest = m_pages.begin();
        for (auto it = m_pages.begin(); it != m_pages.end(); ++it) {
            if (it->lastUse < oldest->lastUse)
                oldest = it;
        }
        for (const QVariantList &row : std::as_const(oldest->rows)) {
            const QString id = row.value(0).toString();
            if (m_rowOfId.value(id) / PageSize == oldest.key())
                m_rowOfId.remove(id);
        }
        m_pages.erase(oldest);
    }
}

void GridModel::setTotal(qint64 total, bool exact)
{
    const int offset = int(m_newKeys.size());
    if (total > m_total) {
        beginInsertRows({}, offset + int(m_total), offset + int(total) - 1);
        m_total = total;
        endInsertRows();
    } else if (total < m_total) {
        beginRemoveRows({}, offset + int(total), offset + int(m_total) - 1);
        m_total = total;
        endRemoveRows();
    }
    m_totalExact = exact;
    emit countChanged(m_total, m_totalExact);
}

qint64 GridModel::loadedRowCount() const
{
    qint64 n = 0;
    for (const Page &p : std::as_const(m_pages))
        n += p.rows.size();
    return n;
}

QString GridModel::keyAt(int row) const
{
    if (row < 0)
        return {};
    if (row < m_newKeys.size())
        return m_newKeys[row];
    const QVariantList *r = loadedRow(row);
    return r ? r->value(0).toString() : QString();
}

bool GridModel::isLoaded(int row) const
{
    return !keyAt(row).isEmpty();
}

int GridModel::rowOfKey(const QString &key) const
{
    if (const int i = int(m_newKeys.indexOf(key)); i >= 0)
        return i;
    const auto it = m_rowOfId.constFind(key);
    return it == m_rowOfId.constEnd() ? -1 : int(*it + m_newKeys.size());
}

// ------------------------------------------------------------------ showing

QVariant GridModel::baseValue(const QString &key, int row, int column) const
{
    if (m_newKeys.contains(key))
        return {};
    const QVariantList *r = loadedRow(row);
    return r ? r->value(column) : QVariant();
}

QVariant GridModel::currentValue(const QString &key, int row, int column) const
{
    if (const auto staged = stagedCell(key, column))
        return *staged;
    return baseValue(key, row, column);
}

QVariant GridModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.column() >= m_table.columns.size())
        return {};
    const int row = index.row();
    const int column = index.column();
    const GridColumn &c = m_table.columns[column];
    const QString key = keyAt(row);
    if (key.isEmpty())
        return role == Qt::DisplayRole && column == 0 ? QVariant(tr("loading…")) : QVariant();
    const bool isNew = m_newKeys.contains(key);
    const bool deleted = m_deleted.contains(key);
    const std::optional<QVariant> staged = stagedCell(key, column);
    const QVariant value = staged ? *staged : baseValue(key, row, column);
    const auto error = m_errors.constFind(key);
    const bool errorHere = error != m_errors.constEnd() && error->column == column;
    const bool editable = isNew ? c.createable : c.updateable;

    switch (role) {
    case Qt::DisplayRole:
        if (c.isBoolean())
            return {};
        if (staged && !value.isNull() && !c.referenceTo.isEmpty()) {
            if (const QString name = m_chosenNames.value(value.toString()); !name.isEmpty())
                return QStringLiteral("%1 · %2").arg(name, value.toString());
        }
        if (!staged && !value.isNull()) {
            // Reference fields: the Name of the record next to its Id.
            if (const int n = int(m_nameColumns.indexOf(column)); n >= 0) {
                const QVariantList *r = loadedRow(row);
                const QVariant name = r ? r->value(m_table.columns.size() + n) : QVariant();
                if (!name.isNull())
                    return QStringLiteral("%1 · %2").arg(name.toString(), value.toString());
            }
        }
        return value;
    case Qt::EditRole:
    case RawRole:
        return value;
    case Qt::CheckStateRole:
        if (!c.isBoolean())
            return {};
        return value.toString() == QLatin1String("t") ? Qt::Checked : Qt::Unchecked;
    case Qt::BackgroundRole:
        if (errorHere)
            return QBrush(errorFieldColor);
        if (deleted)
            return QBrush(deletedColor);
        if (staged)
            return QBrush(stagedColor);
        if (error != m_errors.constEnd())
            return QBrush(errorRowColor);
        if (isNew && c.required && value.isNull())
            return QBrush(requiredEmptyColor);
        if (isNew)
            return QBrush(newRowColor);
        if (!editable)
            return QBrush(readOnlyColor);
        return {};
    case Qt::FontRole:
        if (deleted || staged) {
            QFont f;
            f.setStrikeOut(deleted);
            f.setBold(bool(staged));
            return f;
        }
        return {};
    case Qt::ToolTipRole:
        if (error != m_errors.constEnd() && (errorHere || error->column < 0))
            return error->message;
        if (staged && !isNew)
            return tr("Staged; was: %1").arg(baseValue(key, row, column).isNull() ? tr("(empty)") : baseValue(key, row, column).toString());
        if (!editable)
            return tr("Salesforce does not accept values for %1 (read-only).").arg(c.label);
        return {};
    case KeyRole:
        return key;
    case StagedRole:
        return bool(staged);
    case ErrorRole:
        return errorHere ? error->message : QVariant();
    default:
        return {};
    }
}

Qt::ItemFlags GridModel::flags(const QModelIndex &index) const
{
    Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    if (!index.isValid() || index.column() >= m_table.columns.size())
        return f;
    const QString key = keyAt(index.row());
    if (key.isEmpty() || m_deleted.contains(key) || isSaving())
        return f;
    const GridColumn &c = m_table.columns[index.column()];
    if (m_newKeys.contains(key) ? c.createable : c.updateable)
        f |= c.isBoolean() ? Qt::ItemIsUserCheckable : Qt::ItemIsEditable;
    return f;
}

QVariant GridModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal) {
        if (section < 0 || section >= m_table.columns.size())
            return {};
        const GridColumn &c = m_table.columns[section];
        const bool readOnly = !c.updateable && !c.createable;
        if (role == Qt::DisplayRole)
            return c.required ? c.label + QStringLiteral(" *") : c.label;
        if (role == Qt::ToolTipRole) {
            QString tip = tr("%1 — %2 (%3)").arg(c.apiName, c.salesforceType.isEmpty() ? tr("not described") : c.salesforceType, c.pgType);
            if (c.required)
                tip += u'\n' + tr("Required for new records.");
            if (readOnly)
                tip += u'\n' + tr("Read-only: Salesforce does not accept values for this field.");
            else if (!c.updateable)
                tip += u'\n' + tr("Can be set on new records only.");
            if (!c.referenceTo.isEmpty())
                tip += u'\n' + tr("Refers to %1").arg(c.referenceTo.join(QStringLiteral(", ")));
            return tip;
        }
        if (role == Qt::FontRole && readOnly) {
            QFont f;
            f.setItalic(true);
            return f;
        }
        if (role == Qt::ForegroundRole && readOnly)
            return QBrush(QColor(110, 110, 110));
        return {};
    }
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    if (section < m_newKeys.size())
        return role == Qt::DisplayRole ? QVariant(QStringLiteral("+")) : QVariant(tr("New record, created on Save"));
    const QString key = keyAt(section);
    if (m_errors.contains(key))
        return role == Qt::DisplayRole ? QVariant(QStringLiteral("!")) : QVariant(m_errors.value(key).message);
    if (m_deleted.contains(key))
        return role == Qt::DisplayRole ? QVariant(QStringLiteral("✕")) : QVariant(tr("Deleted on Save"));
    if (m_edits.contains(key))
        return role == Qt::DisplayRole ? QVariant(QStringLiteral("✎")) : QVariant(tr("Changed; written on Save"));
    return role == Qt::DisplayRole ? QVariant(QLocale().toString(qint64(section - m_newKeys.size() + 1))) : QVariant();
}

void GridModel::sort(int column, Qt::SortOrder order)
{
    if (column < 0 || column >= m_table.columns.size())
        return;
    GridView view = m_view;
    view.sortColumn = column;
    view.order = order;
    setView(view);
}

// ------------------------------------------------------------------ staging

std::optional<QVariant> GridModel::stagedCell(const QString &key, int column) const
{
    const auto it = m_edits.constFind(key);
    if (it == m_edits.constEnd())
        return std::nullopt;
    const auto cell = it->constFind(column);
    if (cell == it->constEnd())
        return std::nullopt;
    return *cell;
}

bool GridModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (!index.isValid() || index.column() >= m_table.columns.size())
        return false;
    const QString key = keyAt(index.row());
    const Qt::ItemFlags f = flags(index);
    if (key.isEmpty() || !(f & (Qt::ItemIsEditable | Qt::ItemIsUserCheckable)))
        return false;
    QVariant v;
    if (role == Qt::CheckStateRole)
        v = QString(value.value<Qt::CheckState>() == Qt::Checked ? QStringLiteral("t") : QStringLiteral("f"));
    else if (role == Qt::EditRole)
        v = value.toString().isEmpty() ? QVariant() : QVariant(value.toString()); // Salesforce keeps no empty strings
    else
        return false;
    const QVariant base = baseValue(key, index.row(), index.column());
    const std::optional<QVariant> before = stagedCell(key, index.column());
    const QVariant current = before ? *before : base;
    if (current.isNull() == v.isNull() && current.toString() == v.toString())
        return true;
    std::optional<QVariant> after;
    if (m_newKeys.contains(key) || base.isNull() != v.isNull() || base.toString() != v.toString())
        after = v; // back to the loaded value: no longer a change
    m_undo->push(new CellCommand(this, key, index.column(), before, after));
    return true;
}

void GridModel::stageCell(const QString &key, int column, const std::optional<QVariant> &value)
{
    if (value) {
        if (!m_edits.contains(key) && !m_newKeys.contains(key)) {
            const int row = rowOfKey(key);
            if (const QVariantList *r = row >= 0 ? loadedRow(row) : nullptr)
                m_loadedAtEdit.insert(key, *r);
        }
        m_edits[key].insert(column, *value);
    } else if (auto it = m_edits.find(key); it != m_edits.end()) {
        it->remove(column);
        if (it->isEmpty()) {
            m_edits.erase(it);
            m_loadedAtEdit.remove(key);
        }
    }
    if (m_errors.value(key).column == column)
        m_errors.remove(key); // the person answered the error
    emitRowChanged(key);
    emit stagingChanged();
}

void GridModel::emitRowChanged(const QString &key)
{
    const int row = rowOfKey(key);
    if (row < 0)
        return;
    emit dataChanged(index(row, 0), index(row, columnCount() - 1));
    emit headerDataChanged(Qt::Vertical, row, row);
}

int GridModel::insertNewRow()
{
    m_undo->push(new InsertRowCommand(this, QStringLiteral("new:%1").arg(++m_newCounter)));
    return 0;
}

int GridModel::duplicateRow(int row)
{
    const QString source = keyAt(row);
    if (source.isEmpty())
        return -1;
    QHash<int, QVariant> values;
    for (int c = 0; c < m_table.columns.size(); ++c) {
        const QVariant v = currentValue(source, row, c);
        if (m_table.columns[c].createable && !v.isNull())
            values.insert(c, v);
    }
    const QString key = QStringLiteral("new:%1").arg(++m_newCounter);
    m_undo->beginMacro(tr("Duplicate row"));
    m_undo->push(new InsertRowCommand(this, key));
    for (auto it = values.begin(); it != values.end(); ++it)
        m_undo->push(new CellCommand(this, key, it.key(), std::nullopt, it.value()));
    m_undo->endMacro();
    return 0;
}

void GridModel::addNewKey(const QString &key, int position)
{
    beginInsertRows({}, position, position);
    m_newKeys.insert(position, key);
    // Row indices of loaded rows do not change: they count from the new rows.
    endInsertRows();
    emit stagingChanged();
}

void GridModel::removeNewKey(const QString &key)
{
    const int row = int(m_newKeys.indexOf(key));
    if (row < 0)
        return;
    beginRemoveRows({}, row, row);
    m_newKeys.removeAt(row);
    m_edits.remove(key);
    m_errors.remove(key);
    endRemoveRows();
    emit stagingChanged();
}

void GridModel::markDeleted(const QList<int> &rows)
{
    QStringList keys;
    for (int row : rows) {
        const QString key = keyAt(row);
        if (!key.isEmpty() && !m_deleted.contains(key) && !keys.contains(key))
            keys << key;
    }
    if (!keys.isEmpty())
        m_undo->push(new DeleteRowsCommand(this, keys));
}

void GridModel::setDeleted(const QStringList &keys, bool deleted)
{
    for (const QString &key : keys) {
        if (deleted)
            m_deleted.insert(key);
        else
            m_deleted.remove(key);
        emitRowChanged(key);
    }
    emit stagingChanged();
}

void GridModel::revertAll()
{
    beginResetModel();
    m_edits.clear();
    m_loadedAtEdit.clear();
    m_newKeys.clear();
    m_deleted.clear();
    m_errors.clear();
    endResetModel();
    m_undo->clear();
    emit stagingChanged();
}

int GridModel::pasteText(const QModelIndex &topLeft, const QString &text, int *skipped)
{
    QStringList lines = text.split(u'\n');
    if (!lines.isEmpty() && lines.constLast().isEmpty())
        lines.removeLast(); // spreadsheets end the last row with a newline
    int staged = 0;
    int notStaged = 0;
    m_undo->beginMacro(tr("Paste"));
    for (int i = 0; i < lines.size(); ++i) {
        QString line = lines[i];
        if (line.endsWith(u'\r'))
            line.chop(1);
        const QStringList cells = line.split(u'\t');
        for (int j = 0; j < cells.size(); ++j) {
            const QModelIndex target = index(topLeft.row() + i, topLeft.column() + j);
            if (!target.isValid() || !(flags(target) & (Qt::ItemIsEditable | Qt::ItemIsUserCheckable))) {
                ++notStaged;
                continue;
            }
            const GridColumn &c = m_table.columns[target.column()];
            if (c.isBoolean()) {
                const QString b = cells[j].trimmed().toLower();
                const bool yes = b == QLatin1String("true") || b == QLatin1String("t") || b == QLatin1String("1") || b == QLatin1String("yes");
                setData(target, yes ? Qt::Checked : Qt::Unchecked, Qt::CheckStateRole);
            } else {
                setData(target, cells[j], Qt::EditRole);
            }
            ++staged;
        }
    }
    m_undo->endMacro();
    if (skipped)
        *skipped = notStaged;
    return staged;
}

void GridModel::rememberReferenceName(const QString &id, const QString &name)
{
    if (!name.isEmpty())
        m_chosenNames.insert(id, name);
}

bool GridModel::hasStagedChanges() const
{
    return !m_edits.isEmpty() || !m_newKeys.isEmpty() || !m_deleted.isEmpty();
}

int GridModel::stagedRecordCount() const
{
    QSet<QString> keys(m_newKeys.begin(), m_newKeys.end());
    for (auto it = m_edits.begin(); it != m_edits.end(); ++it)
        keys.insert(it.key());
    for (const QString &key : m_deleted) {
        if (m_newKeys.contains(key))
            keys.remove(key); // a new row deleted again is never sent
        else
            keys.insert(key);
    }
    return int(keys.size());
}

int GridModel::estimatedApiCalls() const
{
    // The proxy sends one transaction as one composite request (up to
    // MaxRecordsPerSave records, all or none); more is refused, none sent.
    const int records = stagedRecordCount();
    return records == 0 || records > MaxRecordsPerSave ? 0 : 1;
}

// ------------------------------------------------------------------ saving

QList<GridStatement> GridModel::buildStatements(int *records) const
{
    QList<GridStatement> statements;
    const QString table = m_table.qualifiedName();
    auto valueSql = [&](int column, int param) {
        return m_table.columns[column].isArray() ? QStringLiteral("string_to_array($%1::text, ';')").arg(param)
                                                 : QStringLiteral("$%1").arg(param);
    };
    for (const QString &key : m_newKeys) {
        if (m_deleted.contains(key))
            continue;
        GridStatement s{key, {}, true};
        QStringList names;
        QStringList values;
        const QHash<int, QVariant> cells = m_edits.value(key);
        QList<int> columns = cells.keys();
        std::sort(columns.begin(), columns.end());
        for (int column : columns) {
            if (cells[column].isNull())
                continue;
            s.sql.params << cells[column];
            names << schema::quoteIdent(m_table.columns[column].name);
            values << valueSql(column, int(s.sql.params.size()));
        }
        s.sql.text = names.isEmpty() ? QStringLiteral("INSERT INTO %1 DEFAULT VALUES RETURNING id").arg(table)
                                     : QStringLiteral("INSERT INTO %1 (%2) VALUES (%3) RETURNING id")
                                           .arg(table, names.join(QStringLiteral(", ")), values.join(QStringLiteral(", ")));
        statements << s;
    }
    QStringList updated = m_edits.keys();
    std::sort(updated.begin(), updated.end());
    for (const QString &key : updated) {
        if (m_newKeys.contains(key) || m_deleted.contains(key))
            continue;
        GridStatement s{key, {}, false};
        QStringList sets;
        const QHash<int, QVariant> &cells = m_edits[key];
        QList<int> columns = cells.keys();
        std::sort(columns.begin(), columns.end());
        for (int column : columns) {
            s.sql.params << cells[column];
            sets << QStringLiteral("%1 = %2").arg(schema::quoteIdent(m_table.columns[column].name), valueSql(column, int(s.sql.params.size())));
        }
        s.sql.params << key;
        s.sql.text = QStringLiteral("UPDATE %1 SET %2 WHERE id = $%3").arg(table, sets.join(QStringLiteral(", "))).arg(s.sql.params.size());
        statements << s;
    }
    QStringList deleted(m_deleted.begin(), m_deleted.end());
    std::sort(deleted.begin(), deleted.end());
    for (const QString &key : deleted) {
        if (m_newKeys.contains(key))
            continue;
        statements << GridStatement{key, {QStringLiteral("DELETE FROM %1 WHERE id = $1").arg(table), {key}}, false};
    }
    *records = int(statements.size());
    return statements;
}

bool GridModel::save()
{
    if (isSaving() || !hasStagedChanges())
        return false;
    int records = 0;
    const QList<GridStatement> statements = buildStatements(&records);
    if (statements.isEmpty()) { // only new rows deleted again
        revertAll();
        return false;
    }
    const QStringList errored = m_errors.keys();
    m_errors.clear();
    for (const QString &key : errored)
        emitRowChanged(key);
    m_saveTicket = ++m_nextTicket;
    const quint64 ticket = m_saveTicket;
    QMetaObject::invokeMethod(m_worker, [worker = m_worker, ticket, statements, records] { worker->save(ticket, statements, records); },
                              Qt::QueuedConnection);
    emit saveStarted();
    emit stagingChanged();
    return true;
}

QString GridModel::findKeyIn(const QString &text, const QHash<QString, QString> &provisional) const
{
    // The proxy names the record in its message or DETAIL: the Salesforce Id
    // of an update or delete, the provisional id INSERT returned for a create.
    for (auto it = provisional.begin(); it != provisional.end(); ++it) {
        if (text.contains(it.value()))
            return it.key();
    }
    for (auto it = m_edits.begin(); it != m_edits.end(); ++it) {
        if (!m_newKeys.contains(it.key()) && text.contains(it.key()))
            return it.key();
    }
    for (const QString &key : m_deleted) {
        if (text.contains(key))
            return key;
    }
    return {};
}

void GridModel::onSaveFinished(quint64 ticket, const GridSaveResult &result)
{
    if (ticket != m_saveTicket)
        return;
    m_saveTicket = 0;
    if (result.committed) {
        const int records = result.records;
        revertAll();
        emit saved(records);
        reload(); // new rows appear where they sort, with Salesforce's values
        return;
    }
    const store::PgError &e = result.error;
    QString key = result.failedKey;
    if (key.isEmpty())
        key = findKeyIn(e.message + u'\n' + e.detail, result.provisionalIds);
    const int column = e.column.isEmpty() ? -1 : m_table.columnIndex(e.column);
    QString message = e.message;
    if (result.outcomeUnknown)
        message = tr("The connection to Tether's proxy broke while Salesforce was applying the changes, so it is not known "
                     "whether they were saved (%1). Your changes are still staged: look at the records after the next sync "
                     "before saving again.")
                      .arg(e.message);
    else if (!e.hint.isEmpty())
        message += u'\n' + e.hint;
    if (!key.isEmpty()) {
        m_errors.insert(key, GridRowError{column, message});
        emitRowChanged(key);
    }
    emit stagingChanged();
    emit saveFailed(message, key, column);
    if (e.sqlState == QLatin1String("40001") && !key.isEmpty() && !m_newKeys.contains(key)) {
        // The proxy writes Salesforce's version into the mirror once this
        // transaction has ended; the next statement on the connection waits for it.
        const quint64 rowsTicket = ++m_nextTicket;
        m_conflictTickets.insert(rowsTicket, key);
        m_pendingConflicts.insert(key, GridConflict{key, m_loadedAtEdit.value(key), {}, m_edits.value(key), e.message});
        const GridSql sql = gridquery::rows(m_table, {key});
        QMetaObject::invokeMethod(m_worker, [worker = m_worker, rowsTicket, sql] { worker->loadRows(rowsTicket, sql); }, Qt::QueuedConnection);
    }
}

void GridModel::replaceLoadedRow(const QVariantList &row)
{
    const QString id = row.value(0).toString();
    const auto at = m_rowOfId.constFind(id);
    if (at == m_rowOfId.constEnd())
        return;
    auto page = m_pages.find(*at / PageSize);
    const int inPage = int(*at % PageSize);
    if (page == m_pages.end() || inPage >= page->rows.size() || page->rows[inPage].value(0).toString() != id)
        return;
    if (page->rows[inPage] == row)
        return;
    page->rows[inPage] = row;
    emitRowChanged(id);
}

void GridModel::refreshLoadedRows()
{
    if (m_refreshTicket != 0 || m_pages.isEmpty())
        return;
    // The two windows used last are what is on screen.
    QList<qint64> pages = m_pages.keys();
    std::sort(pages.begin(), pages.end(), [this](qint64 a, qint64 b) { return m_pages[a].lastUse > m_pages[b].lastUse; });
    QStringList ids;
    for (qint64 p : pages.mid(0, 2)) {
        for (const QVariantList &row : std::as_const(m_pages[p].rows))
            ids << row.value(0).toString();
    }
    if (ids.isEmpty())
        return;
    m_refreshTicket = ++m_nextTicket;
    const quint64 ticket = m_refreshTicket;
    const GridSql sql = gridquery::rows(m_table, ids);
    QMetaObject::invokeMethod(m_worker, [worker = m_worker, ticket, sql] { worker->loadRows(ticket, sql); }, Qt::QueuedConnection);
}

void GridModel::onRowsLoaded(quint64 ticket, const GridRows &rows, const QString &error)
{
    if (ticket == m_refreshTicket) {
        m_refreshTicket = 0;
        if (!error.isEmpty()) {
            qCWarning(lcGrid) << "live update failed:" << error;
            return;
        }
        // Only the loaded values change; staged changes are laid over them.
        for (const QVariantList &row : rows)
            replaceLoadedRow(row);
        return;
    }
    const QString key = m_conflictTickets.take(ticket);
    if (key.isEmpty())
        return;
    GridConflict conflict = m_pendingConflicts.take(key);
    if (!error.isEmpty() || rows.isEmpty()) {
        conflict.message += u'\n' + tr("The record could not be read again (%1); it may have been deleted in Salesforce.")
                                       .arg(error.isEmpty() ? tr("not found") : error);
    } else {
        conflict.now = rows.first();
        replaceLoadedRow(conflict.now);
    }
    emit conflictFound(conflict);
}

void GridModel::resolveConflict(const QString &key, bool keepMine)
{
    m_errors.remove(key);
    if (keepMine) {
        // Salesforce's version becomes what the change is based on; Save
        // sends the person's values over it.
        const int row = rowOfKey(key);
        if (const QVariantList *r = row >= 0 ? loadedRow(row) : nullptr)
            m_loadedAtEdit.insert(key, *r);
        emitRowChanged(key);
        save();
        return;
    }
    m_edits.remove(key);
    m_loadedAtEdit.remove(key);
    m_deleted.remove(key);
    emitRowChanged(key);
    emit stagingChanged();
}

} // namespace tether::ui
