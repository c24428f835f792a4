// GridDelegate: the editor for a cell chosen by the field's Salesforce type —
// a drop-down of the org's picklist values (only those when the picklist is
// restricted), a list of check boxes for a multi-select picklist, date and
// date/time pickers, numbers held to the field's precision and scale, a
// taller editor for long text, a lookup search for reference fields
// (GridLookupEditor, searching on the grid's worker). Checkboxes need no
// editor (the model's check state). Values go back to the model as text in PostgreSQL's input format
// (a multi-select picklist as "a;b", the grid's spelling of the array).
#pragma once

#include "grid/gridtable.h"

#include <QStyledItemDelegate>

namespace tether::ui {

class GridWorker;

class GridDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    // `worker` runs lookup searches; without one reference fields take typed Ids only.
    GridDelegate(const GridTable *table, GridWorker *worker = nullptr, QObject *parent = nullptr);

    QWidget *createEditor(QWidget *parent, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    void setEditorData(QWidget *editor, const QModelIndex &index) const override;
    void setModelData(QWidget *editor, QAbstractItemModel *model, const QModelIndex &index) const override;
    void updateEditorGeometry(QWidget *editor, const QStyleOptionViewItem &option, const QModelIndex &index) const override;

private:
    const GridTable *m_table;
    GridWorker *m_worker;
};

} // namespace tether::ui
