#include "grid/conflictdialog.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace tether::ui {

ConflictDialog::ConflictDialog(const GridTable &table, const GridConflict &conflict, QWidget *parent)
    : QDialog(parent)
    , m_conflict(conflict)
{
    setObjectName(QStringLiteral("gridConflictDialog"));
    setWindowTitle(tr("Record changed in Salesforce"));
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(tr("Record %1 was changed in Salesforce after you loaded it, so your changes were not saved. "
                                "Compare and choose: reload Salesforce's version (your changes to this record are dropped), "
                                "or apply yours over it.")
                                 .arg(conflict.key),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    m_fields = new QTableWidget(0, 4, this);
    m_fields->setHorizontalHeaderLabels({tr("Field"), tr("When loaded"), tr("Now in Salesforce"), tr("Yours")});
    m_fields->verticalHeader()->hide();
    m_fields->setEditTriggers(QAbstractItemView::NoEditTriggers);
    auto text = [](const QVariant &v) { return v.isNull() ? tr("(empty)") : v.toString(); };
    for (int c = 0; c < table.columns.size(); ++c) {
        const QVariant loaded = conflict.loaded.value(c);
        const QVariant now = conflict.now.value(c);
        const bool mine = conflict.yours.contains(c);
        const bool changedThere = loaded.isNull() != now.isNull() || loaded.toString() != now.toString();
        // The fields that tell the story: changed in Salesforce or by the person.
        if (!mine && !changedThere)
            continue;
        if (!mine && (table.columns[c].name == QLatin1String("systemmodstamp") || table.columns[c].name == QLatin1String("lastmodifieddate")))
            continue;
        const int row = m_fields->rowCount();
        m_fields->insertRow(row);
        m_fields->setItem(row, 0, new QTableWidgetItem(table.columns[c].label));
        m_fields->setItem(row, 1, new QTableWidgetItem(text(loaded)));
        m_fields->setItem(row, 2, new QTableWidgetItem(text(now)));
        m_fields->setItem(row, 3, new QTableWidgetItem(mine ? text(conflict.yours.value(c)) : QString()));
        if (changedThere)
            m_fields->item(row, 2)->setBackground(QColor(255, 226, 160));
        if (mine)
            m_fields->item(row, 3)->setBackground(QColor(255, 236, 153));
    }
    m_fields->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    layout->addWidget(m_fields);

    auto *buttons = new QDialogButtonBox(this);
    QPushButton *reload = buttons->addButton(tr("Reload (drop my changes)"), QDialogButtonBox::RejectRole);
    QPushButton *apply = buttons->addButton(tr("Apply mine"), QDialogButtonBox::AcceptRole);
    reload->setObjectName(QStringLiteral("reload"));
    apply->setObjectName(QStringLiteral("applyMine"));
    connect(apply, &QPushButton::clicked, this, [this] {
        m_keepMine = true;
        accept();
    });
    connect(reload, &QPushButton::clicked, this, [this] {
        m_keepMine = false;
        reject();
    });
    layout->addWidget(buttons);
    resize(720, 360);
}

} // namespace tether::ui
