// GridFilterHeader: the grid's column header with a filter row under the
// titles — one line edit per column, kept under its section as columns are
// moved, resized, hidden and scrolled. What is typed there is a condition
// (gridquery::parseCondition: "= x", "> 5", "like a%", "is null"; plain text
// means "contains"). Enter applies the whole row, Escape empties a cell, Tab
// and Shift+Tab walk the cells in the order the columns are shown. The
// header only holds the text; GridEditor turns it into the view's filters.
#pragma once

#include "grid/gridtable.h"

#include <QHeaderView>
#include <QMap>

class QLineEdit;
class QTableView;

namespace tether::ui {

class GridFilterHeader : public QHeaderView
{
    Q_OBJECT

public:
    // Becomes `view`'s horizontal header.
    explicit GridFilterHeader(QTableView *view);

    void setColumns(const GridTable &table);                 // one cell per column
    void setConditions(const QMap<int, QString> &conditions); // what is applied now, into the cells
    QMap<int, QString> conditions() const;                    // what the cells hold, empty ones left out
    QLineEdit *cell(int column) const { return m_cells.value(column); }
    // Focus on the cell of `column`, or of the first column shown when that one is hidden.
    void focusCell(int column);
    // Marks a cell whose condition was refused (empty `why`: takes the mark away).
    void setCellError(int column, const QString &why);

    QSize sizeHint() const override;

signals:
    void applyRequested();        // Enter in any cell
    void cellCleared(int column); // Escape emptied it
    void leaveRequested();        // Escape in an empty cell, Tab past the last one

protected:
    void updateGeometries() override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void placeCells();
    int cellHeight() const;
    QList<int> shownColumns() const; // logical indexes in the order shown

    QList<QLineEdit *> m_cells;
    QList<QString> m_tips; // each cell's tooltip while its condition is fine
};

} // namespace tether::ui
