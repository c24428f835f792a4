#include "dashboard/activitylog.h"

#include <QApplication>
#include <QClipboard>
#include <QDateTime>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QVBoxLayout>

namespace tether::ui {

ActivityLog::ActivityLog(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("activityLog"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *top = new QHBoxLayout;
    auto *title = new QLabel(tr("<b>Activity</b>"), this);
    auto *copy = new QPushButton(tr("Copy all"), this);
    copy->setObjectName(QStringLiteral("copyActivity"));
    copy->setAccessibleName(tr("Copy the whole activity log"));
    top->addWidget(title);
    top->addStretch();
    top->addWidget(copy);
    layout->addLayout(top);
    m_text = new QPlainTextEdit(this);
    m_text->setObjectName(QStringLiteral("activityText"));
    m_text->setReadOnly(true);
    m_text->setMaximumBlockCount(MaximumEntries);
    m_text->setAccessibleName(tr("Activity log"));
    m_text->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    title->setBuddy(m_text);
    layout->addWidget(m_text);
    connect(copy, &QPushButton::clicked, this, &ActivityLog::copyAll);
}

QString ActivityLog::text() const { return m_text->toPlainText(); }

int ActivityLog::entryCount() const { return qMin(m_entries, MaximumEntries); }

void ActivityLog::addEvent(const QString &sentence) { add(sentence, false); }

void ActivityLog::addError(const QString &sentence) { add(sentence, true); }

void ActivityLog::add(const QString &sentence, bool error)
{
    if (sentence.isEmpty())
        return;
    ++m_entries;
    QScrollBar *bar = m_text->verticalScrollBar();
    const bool atEnd = bar->value() == bar->maximum();
    const QString time = QLocale().toString(QDateTime::currentDateTime().time(), QStringLiteral("HH:mm:ss"));
    const QString line = error ? tr("%1  Error: %2").arg(time, sentence) : QStringLiteral("%1  %2").arg(time, sentence);
    m_text->appendPlainText(line);
    // Someone reading further up is not yanked to the bottom.
    if (!atEnd)
        return;
    bar->setValue(bar->maximum());
}

void ActivityLog::copyAll() { QApplication::clipboard()->setText(m_text->toPlainText()); }

} // namespace tether::ui
