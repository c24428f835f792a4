// GridLookupEditor: the cell editor of a reference (lookup) field. Typing
// searches the referenced object's mirror table by Name (every referenced
// table that is synced, for a polymorphic field) on the grid's worker, and
// lists "Name — Id" candidates; choosing one sets the Id. A 15- or
// 18-character Id can be typed or pasted as it is; an empty field is NULL
// where Salesforce allows it. When no referenced table can be searched the
// editor says so and takes a typed Id.
//
// Keys: Up/Down move through the candidates, Enter takes the one marked (or
// the Id typed), Tab takes it and moves on, Escape leaves the cell as it was.
#pragma once

#include "grid/gridtable.h"
#include "grid/gridworker.h"

#include <QAbstractItemDelegate>
#include <QFrame>
#include <QPointer>
#include <optional>

class QLabel;
class QLineEdit;
class QListWidget;
class QListWidgetItem;
class QTimer;

namespace tether::ui {

class GridLookupEditor : public QFrame
{
    Q_OBJECT

public:
    static constexpr int MaxCandidates = 20;

    // `worker` runs the searches; without one the editor only takes Ids.
    GridLookupEditor(const GridColumn &column, GridWorker *worker, QWidget *parent = nullptr);

    void setValue(const QString &id);    // the cell's Id now (empty: none)
    QString value() const;               // the Id to store; empty: NULL
    QString chosenName() const;          // the Name of the record value() points to, when known
    QLineEdit *textEdit() const { return m_text; }
    QListWidget *candidates() const { return m_candidates; }
    QString noteText() const;
    bool isSearching() const { return m_inFlight != 0; }
    QString candidatesFor() const { return m_searchedFor; } // the text whose candidates the list shows

signals:
    // The person chose: the delegate commits value() and closes the editor.
    void finished(QAbstractItemDelegate::EndEditHint hint);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void search();
    void onFound(quint64 ticket, const GridRows &rows, const QString &error);
    void choose(QListWidgetItem *item);
    void finish(QAbstractItemDelegate::EndEditHint hint);
    void updateNote();
    QString searchableSummary() const;

    GridColumn m_column;
    QPointer<GridWorker> m_worker; // gone when the grid closes with the editor open
    bool m_searchable = false; // a referenced table is synced and has a Name
    QLineEdit *m_text;
    QListWidget *m_candidates;
    QLabel *m_note;
    QTimer *m_typing;
    QString m_original;       // the cell's value when the editor opened
    QString m_lastAsked;      // the text of the search running or answered last
    QString m_searchedFor;    // the text whose answer the list shows
    QString m_error;          // the last search's error
    QHash<QString, QString> m_names; // id -> Name of every candidate seen
    quint64 m_inFlight = 0;   // the search waiting for its answer; one at a time
    std::optional<QAbstractItemDelegate::EndEditHint> m_finishWhenFound; // Enter came before the answer
    bool m_done = false;
    bool m_hasValue = false; // setValue() was called
};

} // namespace tether::ui
