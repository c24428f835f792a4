// TableStatusModel: one row per synced Salesforce object, fed by the engine's
// TableStatus value signals (never by reading the engine). Relative times
// ("12 s ago") are refreshed once a second; the backfill ETA is recomputed
// from the API budget that is actually left (rate and calls before the quota
// guard pauses), because the engine's own estimate only knows its recent speed.
#pragma once

#include "sync/syncstatus.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QList>
#include <QTimer>

namespace tether::ui {

class TableStatusModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Object, Phase, Progress, Speed, Rows, LastPoll, Freshness, ApiCalls, LastError, ColumnCount };
    enum Role {
        ObjectNameRole = Qt::UserRole + 1,
        SortRole,      // a number or text that sorts the column sensibly
        ProgressRole,  // 0..1 while the backfill's total is known, else -1
        PhaseRole,     // int(sync::Phase)
        PausedByPersonRole,
        ErrorDetailsRole, // everything known about the last error, for the details view
    };

    explicit TableStatusModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // The last status of `objectName`, or an empty one.
    sync::TableStatus status(const QString &objectName) const;
    int rowOf(const QString &objectName) const;

    // The budget the ETA is computed from: the limiter's rate (<= 0 unknown)
    // and the calls left before background work pauses (< 0 unknown).
    void setBudget(double requestsPerSecond, qint64 callsBeforePause);
    // Seconds until the backfill of `s` is done at the available budget; -1
    // unknown; -2 the quota guard will pause it before it finishes.
    qint64 etaSeconds(const sync::TableStatus &s) const;

    // Words for a phase, shared with notifications and the activity log.
    static QString phaseText(sync::Phase phase);
    static QString durationText(qint64 seconds);
    // "within 4 s": how fresh a polling table is.
    static QString withinText(qint64 seconds);
    // "12 s ago", "3 min ago", "just now".
    static QString agoText(const QDateTime &when, const QDateTime &now);

    // For tests: the time relative columns are computed against.
    void setNowForTesting(const QDateTime &now) { m_fixedNow = now; }

public slots:
    void showTableStatus(const tether::sync::TableStatus &status);
    void removeTables(const QStringList &objectNames);

private:
    QDateTime now() const { return m_fixedNow.isValid() ? m_fixedNow : QDateTime::currentDateTimeUtc(); }
    QVariant display(const sync::TableStatus &s, int column) const;
    QVariant sortValue(const sync::TableStatus &s, int column) const;
    QString progressText(const sync::TableStatus &s) const;
    QString freshnessText(const sync::TableStatus &s) const;
    void refreshTimes();

    QList<sync::TableStatus> m_rows;
    double m_rate = 0;
    qint64 m_callsBeforePause = -1;
    QTimer m_clock;
    QDateTime m_fixedNow;
};

} // namespace tether::ui
