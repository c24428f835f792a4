// SalesforcePage: which org — Production, Sandbox or a My Domain (checked as
// it is typed), optionally through the person's own connected app — and the
// browser login (authorization code + PKCE on the loopback redirect): a
// waiting state with Cancel, a sentence on timeout or refusal, and who was
// logged in to which org on success. Or "Try it with a demo org".
#pragma once

#include "lifecycle/desktopsettings.h"
#include "salesforce/salesforceerror.h"

#include <QPointer>
#include <QWizardPage>

class QGroupBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QRadioButton;

namespace tether::salesforce {
class OAuthLogin;
struct OrgConnection;
struct TokenResponse;
} // namespace tether::salesforce

namespace tether::ui {

class SetupAssistant;

class SalesforcePage : public QWizardPage
{
    Q_OBJECT
public:
    explicit SalesforcePage(SetupAssistant *assistant);

    void initializePage() override;
    bool isComplete() const override;
    void cleanupPage() override;

    void setReason(const QString &sentence);
    // Writes login host, consumer key, org, user and instance into `choices`.
    void apply(lifecycle::DesktopChoices &choices) const;

    // The host as typed, checked: empty and a sentence in `why` when unusable.
    QString loginHostText() const;
    bool isWaiting() const;
    bool isLoggedIn() const { return m_loggedIn; }

public slots:
    void logIn();
    void cancelLogin();
    void chooseDemo();

private:
    void updateHost();
    void setWaiting(bool waiting);
    void onLoginFailed(const salesforce::SalesforceError &error);
    void onLoginSucceeded(const salesforce::OrgConnection &connection, const salesforce::TokenResponse &tokens);
    void showStatus(const QString &text, bool problem);
    void showLogin();
    // The person's own connected app: "Advanced" is on, or this build has none of its own.
    bool usesOwnApp() const; // who is logged in to which org, and any problem keeping the login

    SetupAssistant *m_assistant;
    QLabel *m_reason = nullptr;
    QRadioButton *m_production = nullptr;
    QRadioButton *m_sandbox = nullptr;
    QRadioButton *m_myDomain = nullptr;
    QLineEdit *m_domain = nullptr;
    QLabel *m_hostError = nullptr;
    QGroupBox *m_advanced = nullptr;
    QLineEdit *m_consumerKey = nullptr;
    QPushButton *m_login = nullptr;
    QPushButton *m_cancel = nullptr;
    QProgressBar *m_busy = nullptr;
    QLabel *m_status = nullptr;
    QPushButton *m_demo = nullptr;
    QLabel *m_demoNote = nullptr;
    QPointer<salesforce::OAuthLogin> m_oauth;
    bool m_loggedIn = false;
    QString m_loginHost; // as it was when the login succeeded
    QString m_clientId;
    QString m_orgId;
    QString m_userId;
    QString m_username;
    QString m_instanceUrl;
    QString m_orgName;     // once read after the login
    QString m_keychainNote; // why the login will not be kept, if it will not
};

} // namespace tether::ui
