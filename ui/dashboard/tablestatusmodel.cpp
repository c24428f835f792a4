#include "dashboard/tablestatusmodel.h"

#include "dashboard/phaseicons.h"

#include <QLocale>
#include <cmath>

namespace tether::ui {

TableStatusModel::TableStatusModel(QObject *parent) : QAbstractTableModel(parent)
{
    // "12 s ago" and the freshness column age while nothing else changes.
    m_clock.setInterval(1000);
    connect(&m_clock, &QTimer::timeout, this, &TableStatusModel::refreshTimes);
    m_clock.start();
}

int TableStatusModel::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : int(m_rows.size()); }

int TableStatusModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant TableStatusModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::DisplayRole) {
        switch (section) {
        case Object: return tr("Object");
        case Phase: return tr("Phase");
        case Progress: return tr("Backfill");
        case Speed: return tr("Records/s");
        case Rows: return tr("Rows");
        case LastPoll: return tr("Last poll");
        case Freshness: return tr("Freshness");
        case ApiCalls: return tr("API calls");
        case LastError: return tr("Last error");
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case Progress: return tr("Records copied so far, of the records Salesforce counted, and the time left at the API budget available now.");
        case Freshness: return tr("How far the mirror may be behind Salesforce.");
        case ApiCalls: return tr("Salesforce API calls this table has cost since Tether started.");
        }
    }
    return {};
}

QString TableStatusModel::phaseText(sync::Phase phase)
{
    switch (phase) {
    case sync::Phase::Discovering: return tr("Discovering");
    case sync::Phase::Backfilling: return tr("Backfilling");
    case sync::Phase::Polling: return tr("Up to date");
    case sync::Phase::Paused: return tr("Paused");
    case sync::Phase::Error: return tr("Error");
    }
    return {};
}

QString TableStatusModel::durationText(qint64 seconds)
{
    if (seconds < 60)
        return tr("%n s", nullptr, int(qMax<qint64>(seconds, 0)));
    if (seconds < 3600)
        return tr("%n min", nullptr, int((seconds + 30) / 60));
    if (seconds < 48 * 3600)
        return tr("%1 h %2 min").arg(seconds / 3600).arg((seconds % 3600) / 60);
    return tr("%n days", nullptr, int(seconds / 86400));
}

QString TableStatusModel::agoText(const QDateTime &when, const QDateTime &now)
{
    if (!when.isValid())
        return tr("never");
    const qint64 seconds = when.secsTo(now);
    if (seconds < 2)
        return tr("just now");
    return tr("%1 ago").arg(durationText(seconds));
}

void TableStatusModel::setBudget(double requestsPerSecond, qint64 callsBeforePause)
{
    if (qFuzzyCompare(m_rate, requestsPerSecond) && m_callsBeforePause == callsBeforePause)
        return;
    m_rate = requestsPerSecond;
    m_callsBeforePause = callsBeforePause;
    if (!m_rows.isEmpty())
        emit dataChanged(index(0, Progress), index(int(m_rows.size()) - 1, Progress));
}

qint64 TableStatusModel::etaSeconds(const sync::TableStatus &s) const
{
    if (s.phase != sync::Phase::Backfilling || s.rowsTotal <= 0)
        return -1;
    const qint64 left = qMax<qint64>(0, s.rowsTotal - s.rowsDone);
    // Records one API call brought so far: how many calls the rest needs.
    if (s.rowsDone > 0 && s.apiCalls >= 1 && m_rate > 0) {
        const double perCall = double(s.rowsDone) / s.apiCalls;
        const double callsNeeded = std::ceil(double(left) / perCall);
        if (m_callsBeforePause >= 0 && callsNeeded > double(m_callsBeforePause))
            return -2;
        // Calls are spaced by the limiter; the records still have to be written.
        const double byBudget = callsNeeded / m_rate;
        const double byEngine = s.etaSeconds >= 0 ? double(s.etaSeconds) : 0;
        return qint64(std::ceil(qMax(byBudget, byEngine)));
    }
    return s.etaSeconds;
}

QString TableStatusModel::progressText(const sync::TableStatus &s) const
{
    const QLocale locale;
    switch (s.phase) {
    case sync::Phase::Backfilling: {
        if (s.rowsTotal < 0)
            return tr("%1 copied").arg(locale.toString(s.rowsDone));
        if (s.rowsTotal == 0)
            return tr("no records to copy");
        QString text = tr("%1 of %2").arg(locale.toString(s.rowsDone), locale.toString(s.rowsTotal));
        const qint64 eta = etaSeconds(s);
        if (eta == -2)
            text += tr(" · waits for quota");
        else if (eta >= 0)
            text += tr(" · %1 left").arg(durationText(eta));
        return text;
    }
    case sync::Phase::Discovering: return tr("starting");
    case sync::Phase::Polling: return tr("done");
    case sync::Phase::Paused:
    case sync::Phase::Error:
        if (s.rowsTotal > 0 && s.rowsDone < s.rowsTotal && !s.lastPoll.isValid())
            return tr("%1 of %2").arg(locale.toString(s.rowsDone), locale.toString(s.rowsTotal));
        return s.lastPoll.isValid() ? tr("done") : QString();
    }
    return {};
}

QString TableStatusModel::withinText(qint64 seconds)
{
    return tr("within %1").arg(durationText(seconds));
}

QString TableStatusModel::freshnessText(const sync::TableStatus &s) const
{
    switch (s.phase) {
    case sync::Phase::Polling:
        if (!s.lastPoll.isValid())
            return tr("catching up");
        return withinText(qMax<qint64>(1, s.lastPoll.secsTo(now())));
    case sync::Phase::Paused:
    case sync::Phase::Error:
        if (s.lastPoll.isValid())
            return tr("behind since %1").arg(QLocale().toString(s.lastPoll.toLocalTime().time(), QLocale::ShortFormat));
        return tr("incomplete");
    case sync::Phase::Backfilling:
    case sync::Phase::Discovering: return tr("incomplete");
    }
    return {};
}

QVariant TableStatusModel::display(const sync::TableStatus &s, int column) const
{
    const QLocale locale;
    switch (column) {
    case Object: return s.objectName;
    case Phase: {
        QString text = phaseText(s.phase);
        if (s.phase == sync::Phase::Backfilling && s.backfillMethod == QLatin1String("bulk"))
            text = tr("Backfilling (Bulk API)");
        if (s.phase == sync::Phase::Paused && !s.pausedByPerson)
            text = tr("Paused for the quota");
        if (!s.pendingColumns.isEmpty() && s.phase == sync::Phase::Polling)
            text = tr("Filling new columns");
        return text;
    }
    case Progress: return progressText(s);
    case Speed: return s.recordsPerSecond > 0 && s.phase == sync::Phase::Backfilling ? locale.toString(s.recordsPerSecond, 'f', s.recordsPerSecond < 10 ? 1 : 0) : QString();
    case Rows: return locale.toString(s.rowsInTable);
    case LastPoll: return s.lastPoll.isValid() ? agoText(s.lastPoll, now()) : QString();
    case Freshness: return freshnessText(s);
    case ApiCalls: return locale.toString(s.apiCalls, 'f', s.apiCalls == std::floor(s.apiCalls) ? 0 : 1);
    case LastError: return s.lastError;
    }
    return {};
}

QVariant TableStatusModel::sortValue(const sync::TableStatus &s, int column) const
{
    switch (column) {
    case Phase: return int(s.phase);
    case Progress: return s.rowsTotal > 0 ? double(s.rowsDone) / double(s.rowsTotal) : (s.lastPoll.isValid() ? 2.0 : -1.0);
    case Speed: return s.recordsPerSecond;
    case Rows: return s.rowsInTable;
    case LastPoll:
    case Freshness: return s.lastPoll.isValid() ? s.lastPoll.toMSecsSinceEpoch() : qint64(0);
    case ApiCalls: return s.apiCalls;
    default: return display(s, column);
    }
}

QVariant TableStatusModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const sync::TableStatus &s = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole: return display(s, index.column());
    case Qt::DecorationRole:
        if (index.column() == Phase)
            return phaseIcon(s.phase);
        return {};
    case Qt::ToolTipRole:
        switch (index.column()) {
        case Object: return s.tableName;
        case LastPoll: return s.lastPoll.isValid() ? QLocale().toString(s.lastPoll.toLocalTime()) : QVariant();
        case LastError:
            if (s.lastError.isEmpty())
                return {};
            return s.nextRetry.isValid() ? tr("%1\nTries again at %2.").arg(s.lastError, QLocale().toString(s.nextRetry.toLocalTime().time()))
                                         : s.lastError;
        case Phase:
            if (!s.pendingColumns.isEmpty())
                return tr("New columns being filled: %1").arg(s.pendingColumns.join(QStringLiteral(", ")));
            return {};
        }
        return {};
    case Qt::TextAlignmentRole:
        switch (index.column()) {
        case Speed:
        case Rows:
        case ApiCalls: return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        }
        return {};
    case Qt::ForegroundRole:
        if (index.column() == LastError && !s.lastError.isEmpty() && s.phase == sync::Phase::Error)
            return phaseColor(sync::Phase::Error);
        return {};
    case Qt::AccessibleTextRole: return display(s, index.column());
    case ObjectNameRole: return s.objectName;
    case SortRole: return sortValue(s, index.column());
    case ProgressRole:
        // A bar only while a backfill is under way; "done" needs none.
        if (s.phase == sync::Phase::Polling || s.phase == sync::Phase::Discovering || s.lastPoll.isValid())
            return -1.0;
        return s.rowsTotal > 0 ? qBound(0.0, double(s.rowsDone) / double(s.rowsTotal), 1.0) : -1.0;
    case PhaseRole: return int(s.phase);
    case PausedByPersonRole: return s.pausedByPerson;
    case ErrorDetailsRole: {
        QStringList lines;
        lines << tr("Object: %1 (table %2)").arg(s.objectName, s.tableName);
        lines << tr("Phase: %1").arg(display(s, Phase).toString());
        lines << tr("Last error: %1").arg(s.lastError.isEmpty() ? tr("none") : s.lastError);
        if (s.nextRetry.isValid())
            lines << tr("Tries again at: %1").arg(QLocale().toString(s.nextRetry.toLocalTime()));
        if (s.lastPoll.isValid())
            lines << tr("Last poll: %1").arg(QLocale().toString(s.lastPoll.toLocalTime()));
        lines << tr("Rows in the table: %1").arg(QLocale().toString(s.rowsInTable));
        lines << tr("API calls: %1").arg(display(s, ApiCalls).toString());
        return lines.join(QLatin1Char('\n'));
    }
    }
    return {};
}

sync::TableStatus TableStatusModel::status(const QString &objectName) const
{
    const int row = rowOf(objectName);
    return row < 0 ? sync::TableStatus{} : m_rows.at(row);
}

int TableStatusModel::rowOf(const QString &objectName) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).objectName == objectName)
            return i;
    }
    return -1;
}

void TableStatusModel::showTableStatus(const sync::TableStatus &status)
{
    const int row = rowOf(status.objectName);
    if (row < 0) {
        beginInsertRows({}, int(m_rows.size()), int(m_rows.size()));
        m_rows << status;
        endInsertRows();
        return;
    }
    m_rows[row] = status;
    emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

void TableStatusModel::removeTables(const QStringList &objectNames)
{
    for (const QString &name : objectNames) {
        const int row = rowOf(name);
        if (row < 0)
            continue;
        beginRemoveRows({}, row, row);
        m_rows.removeAt(row);
        endRemoveRows();
    }
}

void TableStatusModel::refreshTimes()
{
    if (m_rows.isEmpty())
        return;
    emit dataChanged(index(0, LastPoll), index(int(m_rows.size()) - 1, Freshness), {Qt::DisplayRole});
}

} // namespace tether::ui
