#include "grid/gridfilterheader.h"

#include <QKeyEvent>
#include <QLineEdit>
#include <QScrollBar>
#include <QTableView>

namespace tether::ui {

namespace {

// What to type, by the column's type: the placeholder is short (cells are
// narrow), the tooltip says the rest.
QString placeholderFor(const GridColumn &c)
{
    if (c.isNumber())
        return GridFilterHeader::tr("e.g. > 100");
    if (c.isBoolean())
        return GridFilterHeader::tr("= true / = false");
    if (c.pgType == QLatin1String("date") || c.pgType.startsWith(QLatin1String("timestamp")))
        return GridFilterHeader::tr("e.g. >= 2024-01-31");
    return GridFilterHeader::tr("contains…");
}

} // namespace

GridFilterHeader::GridFilterHeader(QTableView *view)
    : QHeaderView(Qt::Horizontal, view)
{
    // What QTableView sets on the header it makes itself.
    setSectionsClickable(true);
    setHighlightSections(true);
    view->setHorizontalHeader(this);
    // The cells follow their sections; scrolling moves the header's offset,
    // which no header signal reports, so the view's scroll bar is watched.
    connect(this, &QHeaderView::sectionResized, this, &GridFilterHeader::placeCells);
    connect(this, &QHeaderView::sectionMoved, this, &GridFilterHeader::placeCells);
    connect(this, &QHeaderView::geometriesChanged, this, &GridFilterHeader::placeCells);
    connect(view->horizontalScrollBar(), &QScrollBar::valueChanged, this, &GridFilterHeader::placeCells);
}

void GridFilterHeader::setColumns(const GridTable &table)
{
    qDeleteAll(m_cells);
    m_cells.clear();
    m_tips.clear();
    for (int i = 0; i < table.columns.size(); ++i) {
        const GridColumn &c = table.columns[i];
        auto *cell = new QLineEdit(this);
        cell->setObjectName(QStringLiteral("filter_%1").arg(c.name));
        cell->setPlaceholderText(placeholderFor(c));
        cell->setAccessibleName(tr("Filter %1").arg(c.label));
        const QString tip = tr("Condition for %1: = x, <> x, > 5, <= 5, like a%, ilike a%, is null, is not null; "
                               "other text: contains it. Enter applies the filter row, Escape empties the cell.")
                                .arg(c.label);
        cell->setAccessibleDescription(tip);
        cell->setToolTip(tip);
        cell->installEventFilter(this);
        m_cells << cell;
        m_tips << tip;
    }
    // The view asks the header's height again and lays itself out anew.
    emit geometriesChanged();
    placeCells();
}

void GridFilterHeader::setConditions(const QMap<int, QString> &conditions)
{
    for (int i = 0; i < m_cells.size(); ++i) {
        m_cells[i]->setText(conditions.value(i));
        setCellError(i, {});
    }
}

QMap<int, QString> GridFilterHeader::conditions() const
{
    QMap<int, QString> result;
    for (int i = 0; i < m_cells.size(); ++i) {
        if (!m_cells[i]->text().trimmed().isEmpty())
            result.insert(i, m_cells[i]->text().trimmed());
    }
    return result;
}

void GridFilterHeader::setCellError(int column, const QString &why)
{
    QLineEdit *cell = m_cells.value(column);
    if (!cell)
        return;
    cell->setStyleSheet(why.isEmpty() ? QString() : QStringLiteral("QLineEdit { background: #fde2e2; color: #7a1111; }"));
    cell->setToolTip(why.isEmpty() ? m_tips.value(column) : why);
}

void GridFilterHeader::focusCell(int column)
{
    const QList<int> shown = shownColumns();
    if (shown.isEmpty())
        return;
    const int target = shown.contains(column) ? column : shown.first();
    m_cells[target]->setFocus(Qt::ShortcutFocusReason);
    m_cells[target]->selectAll();
}

QList<int> GridFilterHeader::shownColumns() const
{
    QList<int> shown;
    for (int visual = 0; visual < count(); ++visual) {
        const int logical = logicalIndex(visual);
        if (logical >= 0 && logical < m_cells.size() && !isSectionHidden(logical))
            shown << logical;
    }
    return shown;
}

int GridFilterHeader::cellHeight() const
{
    return m_cells.isEmpty() ? 0 : m_cells.first()->sizeHint().height();
}

QSize GridFilterHeader::sizeHint() const
{
    QSize size = QHeaderView::sizeHint();
    size.setHeight(size.height() + cellHeight());
    return size;
}

void GridFilterHeader::updateGeometries()
{
    // The titles keep the top; the filter row takes the bottom margin.
    setViewportMargins(0, 0, 0, cellHeight());
    QHeaderView::updateGeometries();
    placeCells();
}

void GridFilterHeader::placeCells()
{
    const QRect titles = viewport()->geometry();
    for (int i = 0; i < m_cells.size(); ++i) {
        QLineEdit *cell = m_cells[i];
        if (isSectionHidden(i)) {
            cell->hide();
            continue;
        }
        cell->setGeometry(titles.x() + sectionViewportPosition(i), titles.bottom() + 1, sectionSize(i), cellHeight());
        cell->show();
    }
}

bool GridFilterHeader::eventFilter(QObject *watched, QEvent *event)
{
    auto *cell = qobject_cast<QLineEdit *>(watched);
    const int column = int(m_cells.indexOf(cell));
    if (column < 0 || event->type() != QEvent::KeyPress)
        return QHeaderView::eventFilter(watched, event);
    const auto *key = static_cast<QKeyEvent *>(event);
    switch (key->key()) {
    case Qt::Key_Return:
    case Qt::Key_Enter:
        emit applyRequested();
        return true;
    case Qt::Key_Escape:
        if (cell->text().isEmpty()) {
            emit leaveRequested();
        } else {
            cell->clear();
            setCellError(column, {});
            emit cellCleared(column);
        }
        return true;
    case Qt::Key_Tab:
    case Qt::Key_Backtab: {
        // In the order the columns are shown, not the order they were made.
        if (key->modifiers() & (Qt::ControlModifier | Qt::AltModifier))
            break;
        const QList<int> shown = shownColumns();
        const bool back = key->key() == Qt::Key_Backtab || (key->modifiers() & Qt::ShiftModifier);
        const qsizetype next = shown.indexOf(column) + (back ? -1 : 1);
        if (next < 0 || next >= shown.size())
            emit leaveRequested();
        else
            focusCell(shown[next]);
        return true;
    }
    default:
        break;
    }
    return QHeaderView::eventFilter(watched, event);
}

} // namespace tether::ui
