// ProgressDelegate: draws the backfill column as a progress bar with its text
// (done of total, time left) inside, in the style and palette of the view.
#pragma once

#include <QStyledItemDelegate>

namespace tether::ui {

class ProgressDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};

} // namespace tether::ui
