// ConflictDialog: a record changed in Salesforce after the grid loaded it, so
// the proxy refused the save (40001). Shows, per field, the value as loaded,
// as it is now in Salesforce, and the person's own, and offers Reload
// (discard mine) or Apply mine (save my values over Salesforce's version).
#pragma once

#include "grid/gridmodel.h"

#include <QDialog>

class QTableWidget;

namespace tether::ui {

class ConflictDialog : public QDialog
{
    Q_OBJECT

public:
    ConflictDialog(const GridTable &table, const GridConflict &conflict, QWidget *parent = nullptr);
    const GridConflict &conflict() const { return m_conflict; }
    bool keepMine() const { return m_keepMine; }
    QTableWidget *fieldTable() const { return m_fields; }

private:
    GridConflict m_conflict;
    QTableWidget *m_fields = nullptr;
    bool m_keepMine = false;
};

} // namespace tether::ui
