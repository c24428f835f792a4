// SettingsDialog: Sync (rate, quota pause share, longest polling interval,
// removed fields), Database (connection, schema), Proxy (enabled, port,
// listen address), Account (log out, switch org, revoke) and Language, with
// OK / Apply / Cancel. A value that cannot work is refused with a sentence
// next to its field; what can only take effect when the sync restarts is
// named. The dialog only edits DesktopChoices: applying them to the running
// engine and persisting them is the caller's (app/desktopstart).
#pragma once

#include "lifecycle/desktopsettings.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QSlider;
class QSpinBox;
class QStackedWidget;

namespace tether::ui {

class DatabaseForm;

class SettingsDialog : public QDialog
{
    Q_OBJECT
public:
    enum Page { SyncPage, DatabasePage, ProxyPage, AccountPage, LanguagePage };

    SettingsDialog(const lifecycle::DesktopChoices &choices, const QString &databasePassword, QWidget *parent = nullptr);

    // The values in the controls now.
    lifecycle::DesktopChoices choices() const;
    QString databasePassword() const;
    // Sentences for every value that cannot be used (also shown next to the fields).
    QStringList problems() const;

    void showPage(Page page);
    // The org's daily quota, for the rate's share of it (-1: unknown).
    void setDailyQuota(qint64 quota);
    // Said below the pages after Apply, e.g. that the sync restarts.
    void setNote(const QString &sentence);

public slots:
    // Refuses (false, page with the problem shown) or emits applied() and
    // takes the values as the new baseline.
    bool apply();
    void accept() override;

signals:
    // `restartReasons`: what only takes effect when the sync restarts (empty: all live).
    void applied(const tether::lifecycle::DesktopChoices &choices, const QString &databasePassword,
                 const QStringList &restartReasons);
    void logOutRequested();
    void switchOrgRequested();
    void revokeRequested();

private:
    QWidget *buildSyncPage();
    QWidget *buildProxyPage();
    QWidget *buildAccountPage();
    QWidget *buildLanguagePage();
    void load(const lifecycle::DesktopChoices &choices, const QString &password);
    void validate();
    QString proxyProblem(QLineEdit **field) const;

    void showRate();

    lifecycle::DesktopChoices m_baseline;
    qint64 m_dailyQuota = -1;
    QString m_baselinePassword;
    QListWidget *m_pages = nullptr;
    QStackedWidget *m_stack = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    QLabel *m_note = nullptr;
    // Sync
    QSlider *m_rate = nullptr;
    QLabel *m_rateText = nullptr;
    QSpinBox *m_pauseShare = nullptr;
    QSpinBox *m_pollInterval = nullptr;
    QComboBox *m_removedFields = nullptr;
    // Database
    DatabaseForm *m_database = nullptr;
    // Proxy
    QCheckBox *m_proxyEnabled = nullptr;
    QSpinBox *m_proxyPort = nullptr;
    QLineEdit *m_proxyListen = nullptr;
    QLineEdit *m_proxyCert = nullptr;
    QLineEdit *m_proxyKey = nullptr;
    QLabel *m_proxyError = nullptr;
    // Account
    QLabel *m_account = nullptr;
    // Language
    QComboBox *m_language = nullptr;
};

} // namespace tether::ui
