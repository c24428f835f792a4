// ActivityLog: the last few hundred things that happened, as timestamped
// sentences a person can select and copy (or copy all at once).
#pragma once

#include <QWidget>

class QPlainTextEdit;

namespace tether::ui {

class ActivityLog : public QWidget
{
    Q_OBJECT
public:
    static constexpr int MaximumEntries = 500;

    explicit ActivityLog(QWidget *parent = nullptr);

    QString text() const;
    int entryCount() const;

public slots:
    void addEvent(const QString &sentence);
    void addError(const QString &sentence);
    void copyAll();

private:
    void add(const QString &sentence, bool error);

    QPlainTextEdit *m_text = nullptr;
    int m_entries = 0;
};

} // namespace tether::ui
