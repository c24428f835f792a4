#include "grid/gridlookupeditor.h"

#include "grid/gridquery.h"

#include <QApplication>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace tether::ui {

namespace {

// Searches of every open lookup editor are told apart by ticket (GUI thread only).
quint64 nextTicket = 0;

constexpr int IdRole = Qt::UserRole + 1;

} // namespace

GridLookupEditor::GridLookupEditor(const GridColumn &column, GridWorker *worker, QWidget *parent)
    : QFrame(parent)
    , m_column(column)
    , m_worker(worker)
{
    setObjectName(QStringLiteral("lookupEditor"));
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true); // it lies over the rows below the cell
    for (const GridLookupTarget &t : m_column.lookupTargets)
        m_searchable = m_searchable || (!t.table.isEmpty() && t.hasName);
    m_searchable = m_searchable && worker;

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->setSpacing(2);
    m_text = new QLineEdit(this);
    m_text->setObjectName(QStringLiteral("lookupText"));
    m_text->setAccessibleName(tr("Search %1 by name, or type an Id").arg(m_column.label));
    m_text->setPlaceholderText(m_searchable ? tr("Name or Id…") : tr("Id…"));
    m_text->installEventFilter(this);
    layout->addWidget(m_text);
    m_candidates = new QListWidget(this);
    m_candidates->setObjectName(QStringLiteral("lookupCandidates"));
    m_candidates->setAccessibleName(tr("Records found for %1").arg(m_column.label));
    // Typing stays in the text field; the list is pointed at, or walked with Up/Down from there.
    m_candidates->setFocusPolicy(Qt::NoFocus);
    m_candidates->setVisible(m_searchable);
    m_candidates->setFixedHeight(m_candidates->fontMetrics().height() * 8 + 8);
    layout->addWidget(m_candidates);
    m_note = new QLabel(this);
    m_note->setObjectName(QStringLiteral("lookupNote"));
    m_note->setWordWrap(true);
    m_note->setTextFormat(Qt::PlainText);
    layout->addWidget(m_note);
    setFocusProxy(m_text);

    // A search per pause in typing, not per key.
    m_typing = new QTimer(this);
    m_typing->setSingleShot(true);
    m_typing->setInterval(150);
    connect(m_typing, &QTimer::timeout, this, &GridLookupEditor::search);
    connect(m_text, &QLineEdit::textEdited, this, [this] {
        m_typing->start();
        updateNote();
    });
    connect(m_candidates, &QListWidget::itemClicked, this, [this](QListWidgetItem *item) {
        choose(item);
        finish(QAbstractItemDelegate::SubmitModelCache);
    });
    connect(m_candidates, &QListWidget::currentItemChanged, this, &GridLookupEditor::updateNote);
    if (m_worker)
        connect(m_worker, &GridWorker::lookupFound, this, &GridLookupEditor::onFound);
    updateNote();
}

void GridLookupEditor::setValue(const QString &id)
{
    // The view hands the value again whenever the row changes under the
    // editor (a live update, or the value this editor just committed); what
    // is being typed stays.
    if (m_hasValue && (id == m_original || id == value()))
        return;
    m_hasValue = true;
    m_original = id;
    m_text->setText(id);
    m_text->selectAll(); // typing replaces the Id with a search
    search();             // shows the Name of the record it points to
}

QString GridLookupEditor::value() const
{
    const QString typed = m_text->text().trimmed();
    if (typed.isEmpty())
        return m_column.nillable ? QString() : m_original;
    if (const QString id = gridquery::salesforceId18(typed); !id.isEmpty())
        return id;
    // A name: the candidate marked for the text typed; none, and the cell stays as it was.
    if (QListWidgetItem *item = m_candidates->currentItem(); item && m_searchedFor == typed)
        return item->data(IdRole).toString();
    return m_original;
}

QString GridLookupEditor::chosenName() const
{
    return m_names.value(value());
}

QString GridLookupEditor::noteText() const
{
    return m_note->text();
}

void GridLookupEditor::search()
{
    m_typing->stop();
    const QString typed = m_text->text().trimmed();
    if (!m_searchable || !m_worker || typed.isEmpty()) {
        m_candidates->clear();
        m_searchedFor = typed;
        return updateNote();
    }
    // One search at a time: the answer to the one running asks again with the text then.
    if (m_inFlight != 0)
        return;
    const GridSql sql = gridquery::lookup(m_column, typed, MaxCandidates);
    m_inFlight = ++nextTicket;
    m_lastAsked = typed;
    const quint64 ticket = m_inFlight;
    m_error.clear();
    QMetaObject::invokeMethod(m_worker, [worker = m_worker.data(), ticket, sql] { worker->searchLookup(ticket, sql); }, Qt::QueuedConnection);
    updateNote();
}

void GridLookupEditor::onFound(quint64 ticket, const GridRows &rows, const QString &error)
{
    if (ticket != m_inFlight)
        return; // another editor's, or this one's before it was asked again
    m_inFlight = 0;
    const QString typed = m_text->text().trimmed();
    m_error = error;
    m_candidates->clear();
    const bool severalObjects = m_column.lookupTargets.size() > 1;
    for (const QVariantList &row : rows) {
        const QString id = row.value(0).toString();
        const QString name = row.value(1).isNull() ? tr("(no name)") : row.value(1).toString();
        m_names.insert(id, name);
        const QString text = severalObjects ? tr("%1 — %2 (%3)").arg(name, id, row.value(2).toString()) : tr("%1 — %2").arg(name, id);
        auto *item = new QListWidgetItem(text, m_candidates);
        item->setData(IdRole, id);
    }
    if (m_candidates->count() > 0)
        m_candidates->setCurrentRow(0);
    m_searchedFor = m_lastAsked;
    // Typed on while the search ran: that text is what counts.
    if (m_lastAsked != typed)
        return search();
    updateNote();
    if (m_finishWhenFound) {
        const auto hint = *m_finishWhenFound;
        m_finishWhenFound.reset();
        if (m_candidates->count() > 0)
            finish(hint);
    }
}

void GridLookupEditor::choose(QListWidgetItem *item)
{
    if (!item)
        return;
    m_candidates->setCurrentItem(item);
    // The Id goes into the field, so what is taken is in plain sight.
    const QString id = item->data(IdRole).toString();
    m_text->setText(id);
    m_searchedFor = id;
}

void GridLookupEditor::finish(QAbstractItemDelegate::EndEditHint hint)
{
    if (m_done)
        return;
    m_done = true;
    emit finished(hint);
}

bool GridLookupEditor::eventFilter(QObject *watched, QEvent *event)
{
    if (watched != m_text)
        return QFrame::eventFilter(watched, event);
    if (event->type() == QEvent::FocusOut) {
        // Focus gone elsewhere (another cell, Save): what is there is taken, as in any cell editor.
        // Not when the view is hiding the editor (it closed it, or the
        // grid is closing): the edit was taken or dropped already.
        QWidget *now = QApplication::focusWidget();
        if ((!now || !isAncestorOf(now)) && isVisible())
            finish(QAbstractItemDelegate::NoHint);
        return false;
    }
    if (event->type() != QEvent::KeyPress)
        return false;
    const auto *key = static_cast<QKeyEvent *>(event);
    switch (key->key()) {
    case Qt::Key_Down:
    case Qt::Key_Up: {
        const int step = key->key() == Qt::Key_Down ? 1 : -1;
        const int row = qBound(0, m_candidates->currentRow() + step, m_candidates->count() - 1);
        if (m_candidates->count() > 0)
            m_candidates->setCurrentRow(row);
        return true;
    }
    case Qt::Key_Return:
    case Qt::Key_Enter: {
        const QString typed = m_text->text().trimmed();
        if (typed.isEmpty() || !gridquery::salesforceId18(typed).isEmpty()) {
            finish(QAbstractItemDelegate::SubmitModelCache);
        } else if (m_searchable && (m_searchedFor != typed || m_inFlight != 0 || m_typing->isActive())) {
            // The answer for this text is still to come: take its first candidate then.
            m_finishWhenFound = QAbstractItemDelegate::SubmitModelCache;
            if (m_inFlight == 0)
                search();
        } else if (QListWidgetItem *item = m_candidates->currentItem()) {
            choose(item);
            finish(QAbstractItemDelegate::SubmitModelCache);
        }
        // Else nothing matches: the note says so, and the editor stays open.
        return true;
    }
    case Qt::Key_Tab:
    case Qt::Key_Backtab:
        finish(key->key() == Qt::Key_Tab ? QAbstractItemDelegate::EditNextItem : QAbstractItemDelegate::EditPreviousItem);
        return true;
    case Qt::Key_Escape:
        m_done = true; // the focus leaving next is no choice
        return false;  // the delegate closes the editor and leaves the cell as it was
    default:
        return false;
    }
}

QString GridLookupEditor::searchableSummary() const
{
    QStringList searched;
    QStringList notSynced;
    QStringList noName;
    for (const GridLookupTarget &t : m_column.lookupTargets) {
        if (t.table.isEmpty())
            notSynced << t.objectName;
        else if (!t.hasName)
            noName << t.objectName;
        else
            searched << t.objectName;
    }
    QStringList parts;
    if (!m_worker && !searched.isEmpty())
        parts << tr("Searching is not available here; type or paste an Id.");
    if (!notSynced.isEmpty())
        parts << tr("%1 is not synced, so its records cannot be searched here; type or paste an Id.", nullptr, int(notSynced.size()))
                     .arg(notSynced.join(QStringLiteral(", ")));
    if (!noName.isEmpty())
        parts << tr("%1 has no Name to search by; type or paste an Id.", nullptr, int(noName.size())).arg(noName.join(QStringLiteral(", ")));
    if (m_worker && !searched.isEmpty() && (!notSynced.isEmpty() || !noName.isEmpty()))
        parts.prepend(tr("Searches %1.").arg(searched.join(QStringLiteral(", "))));
    return parts.join(u' ');
}

void GridLookupEditor::updateNote()
{
    const QString typed = m_text->text().trimmed();
    QString note;
    if (typed.isEmpty()) {
        note = m_column.nillable ? tr("Empty: the field will refer to no record.")
                                 : tr("%1 must refer to a record; it cannot be emptied.").arg(m_column.label);
    } else if (!m_error.isEmpty()) {
        note = tr("The search failed: %1").arg(m_error);
    } else if (m_inFlight != 0 || m_typing->isActive() || (m_searchable && m_searchedFor != typed)) {
        note = tr("Searching…");
    } else if (const QString id = gridquery::salesforceId18(typed); !id.isEmpty()) {
        note = m_names.contains(id) ? tr("%1 — %2").arg(m_names.value(id), id)
               : m_searchable       ? tr("No synced record has this Id; it is taken as typed.")
                                    : QString();
    } else if (!m_searchable) {
        note = tr("This is no Salesforce Id (15 or 18 letters and digits).");
    } else if (m_candidates->count() == 0) {
        note = tr("No record whose Name contains “%1”.").arg(typed);
    } else {
        note = tr("Up/Down to mark a record, Enter to take it.");
    }
    const QString summary = searchableSummary();
    m_note->setText(summary.isEmpty() ? note : note.isEmpty() ? summary : note + u'\n' + summary);
}

} // namespace tether::ui
