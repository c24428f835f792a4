#include "grid/griddelegate.h"

#include "grid/gridlookupeditor.h"
#include "grid/gridmodel.h"

#include <QComboBox>
#include <QDateEdit>
#include <QDateTimeEdit>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QRegularExpressionValidator>

namespace tether::ui {

namespace {

enum class EditorKind { Line, Picklist, MultiPicklist, Date, DateTime, Number, LongText, Lookup };

EditorKind kindOf(const GridColumn &c)
{
    const QString &t = c.salesforceType;
    if (t == QLatin1String("multipicklist") || (c.isArray() && !c.picklistValues.isEmpty()))
        return EditorKind::MultiPicklist;
    if (t == QLatin1String("picklist") || t == QLatin1String("combobox") || (!c.picklistValues.isEmpty() && !c.isArray()))
        return EditorKind::Picklist;
    if (t == QLatin1String("reference") || !c.referenceTo.isEmpty())
        return EditorKind::Lookup;
    if (c.pgType == QLatin1String("date"))
        return EditorKind::Date;
    if (c.pgType.startsWith(QLatin1String("timestamp")))
        return EditorKind::DateTime;
    if (c.isNumber())
        return EditorKind::Number;
    if (t == QLatin1String("textarea") || c.length > 255)
        return EditorKind::LongText;
    return EditorKind::Line;
}

} // namespace

GridDelegate::GridDelegate(const GridTable *table, GridWorker *worker, QObject *parent)
    : QStyledItemDelegate(parent)
    , m_table(table)
    , m_worker(worker)
{
}

QWidget *GridDelegate::createEditor(QWidget *parent, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    if (index.column() >= m_table->columns.size())
        return QStyledItemDelegate::createEditor(parent, option, index);
    const GridColumn &c = m_table->columns[index.column()];
    switch (kindOf(c)) {
    case EditorKind::Picklist: {
        auto *box = new QComboBox(parent);
        box->addItem(QString()); // none
        box->addItems(c.picklistValues);
        // A restricted picklist accepts only the org's values.
        box->setEditable(!c.restrictedPicklist);
        return box;
    }
    case EditorKind::MultiPicklist: {
        // One check box per value of the org; the cell holds them as "a;b".
        auto *list = new QListWidget(parent);
        list->setObjectName(QStringLiteral("multiPicklistEditor"));
        for (const QString &value : c.picklistValues) {
            auto *item = new QListWidgetItem(value, list);
            item->setFlags(Qt::ItemIsUserCheckable | Qt::ItemIsEnabled | Qt::ItemIsSelectable);
            item->setCheckState(Qt::Unchecked);
        }
        return list;
    }
    case EditorKind::Date: {
        auto *edit = new QDateEdit(parent);
        edit->setCalendarPopup(true);
        edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
        return edit;
    }
    case EditorKind::DateTime: {
        auto *edit = new QDateTimeEdit(parent);
        edit->setCalendarPopup(true);
        edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        edit->setTimeSpec(Qt::LocalTime); // the person's time zone (the session's too)
        return edit;
    }
    case EditorKind::Number: {
        auto *edit = new QLineEdit(parent);
        // Digits before and after the point as the field allows.
        const int scale = c.scale;
        const int whole = c.precision > 0 ? qMax(1, c.precision - scale) : 18;
        const QString pattern = scale > 0 ? QStringLiteral("-?\\d{0,%1}([.]\\d{0,%2})?").arg(whole).arg(scale)
                                          : QStringLiteral("-?\\d{0,%1}").arg(whole);
        edit->setValidator(new QRegularExpressionValidator(QRegularExpression(pattern), edit));
        return edit;
    }
    case EditorKind::LongText:
        return new QPlainTextEdit(parent);
    case EditorKind::Lookup: {
        auto *lookup = new GridLookupEditor(c, m_worker, parent);
        // The editor decides when a choice is made (Enter waits for the
        // search's answer), so it ends the edit itself.
        auto *self = const_cast<GridDelegate *>(this);
        connect(lookup, &GridLookupEditor::finished, self, [self, lookup](QAbstractItemDelegate::EndEditHint hint) {
            emit self->commitData(lookup);
            emit self->closeEditor(lookup, hint);
        });
        return lookup;
    }
    case EditorKind::Line: {
        auto *edit = new QLineEdit(parent);
        if (c.length > 0)
            edit->setMaxLength(c.length);
        return edit;
    }
    }
    return nullptr;
}

void GridDelegate::setEditorData(QWidget *editor, const QModelIndex &index) const
{
    const QVariant value = index.data(GridModel::RawRole);
    const QString text = value.toString();
    if (auto *lookup = qobject_cast<GridLookupEditor *>(editor)) {
        lookup->setValue(text);
    } else if (auto *list = qobject_cast<QListWidget *>(editor)) {
        const QStringList chosen = text.split(QLatin1Char(';'), Qt::SkipEmptyParts);
        for (const QString &value : chosen) {
            // A value the org no longer lists stays (and stays chosen) unless the picklist is restricted.
            if (list->findItems(value, Qt::MatchExactly).isEmpty()) {
                auto *item = new QListWidgetItem(value, list);
                item->setFlags(Qt::ItemIsUserCheckable | Qt::ItemIsEnabled | Qt::ItemIsSelectable);
            }
        }
        for (int i = 0; i < list->count(); ++i)
            list->item(i)->setCheckState(chosen.contains(list->item(i)->text()) ? Qt::Checked : Qt::Unchecked);
    } else if (auto *box = qobject_cast<QComboBox *>(editor)) {
        const int i = box->findText(text);
        if (i >= 0)
            box->setCurrentIndex(i);
        else if (box->isEditable())
            box->setEditText(text);
    } else if (auto *dateTime = qobject_cast<QDateTimeEdit *>(editor); dateTime && !qobject_cast<QDateEdit *>(editor)) {
        // PostgreSQL prints timestamptz in the session's zone: "2026-12-06 08:01:02+01".
        QDateTime dt = QDateTime::fromString(text.left(19), QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        dateTime->setDateTime(dt.isValid() ? dt : QDateTime::currentDateTime());
    } else if (auto *date = qobject_cast<QDateEdit *>(editor)) {
        const QDate d = QDate::fromString(text, Qt::ISODate);
        date->setDate(d.isValid() ? d : QDate::currentDate());
    } else if (auto *plain = qobject_cast<QPlainTextEdit *>(editor)) {
        plain->setPlainText(text);
    } else if (auto *line = qobject_cast<QLineEdit *>(editor)) {
        line->setText(text);
    }
}

void GridDelegate::setModelData(QWidget *editor, QAbstractItemModel *model, const QModelIndex &index) const
{
    QString text;
    if (auto *lookup = qobject_cast<GridLookupEditor *>(editor)) {
        text = lookup->value();
        // The cell shows the Name of the record chosen while the change is staged.
        if (auto *grid = qobject_cast<GridModel *>(model); grid && !text.isEmpty())
            grid->rememberReferenceName(text, lookup->chosenName());
    } else if (auto *list = qobject_cast<QListWidget *>(editor)) {
        QStringList chosen; // in the org's order
        for (int i = 0; i < list->count(); ++i) {
            if (list->item(i)->checkState() == Qt::Checked)
                chosen << list->item(i)->text();
        }
        text = chosen.join(QLatin1Char(';'));
    } else if (auto *box = qobject_cast<QComboBox *>(editor)) {
        text = box->currentText();
    } else if (auto *date = qobject_cast<QDateEdit *>(editor)) {
        text = date->date().toString(Qt::ISODate);
    } else if (auto *dateTime = qobject_cast<QDateTimeEdit *>(editor)) {
        // With the offset, so PostgreSQL reads the person's local time right.
        text = dateTime->dateTime().toOffsetFromUtc(dateTime->dateTime().offsetFromUtc()).toString(Qt::ISODate);
    } else if (auto *plain = qobject_cast<QPlainTextEdit *>(editor)) {
        text = plain->toPlainText();
    } else if (auto *line = qobject_cast<QLineEdit *>(editor)) {
        text = line->text();
    } else {
        return QStyledItemDelegate::setModelData(editor, model, index);
    }
    model->setData(index, text, Qt::EditRole);
}

void GridDelegate::updateEditorGeometry(QWidget *editor, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QRect r = option.rect;
    if (qobject_cast<QPlainTextEdit *>(editor))
        r.setSize(QSize(qMax(r.width(), 360), qMax(r.height(), 140))); // long text gets room
    if (auto *list = qobject_cast<QListWidget *>(editor)) // every value in sight, up to a point
        r.setSize(QSize(qMax(r.width(), 240), qBound(r.height(), list->sizeHintForRow(0) * list->count() + 6, 240)));
    if (qobject_cast<GridLookupEditor *>(editor)) {
        // Room for the candidates under the cell; above it when the cell is low in the view.
        r.setSize(QSize(qMax(r.width(), 380), qMax(r.height(), editor->sizeHint().height())));
        if (const QWidget *area = editor->parentWidget(); area && r.bottom() > area->height() && r.height() < area->height())
            r.moveBottom(option.rect.bottom());
    }
    editor->setGeometry(r);
    Q_UNUSED(index);
}

} // namespace tether::ui
