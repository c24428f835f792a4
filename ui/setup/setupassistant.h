// SetupAssistant: the first-start wizard — Salesforce (log in through the
// browser, or a demo org), Database, Objects, Rate — and, in LoginOnly mode,
// just the login page again when a saved login was refused or revoked. In
// AddObjects mode ("Add objects…" while the sync runs) it is only the object
// picker, on the running engine's login, with the mirrored objects ticked and
// fixed.
//
// It holds what the pages share while it runs: the login just made (an
// OrgSession with a REST client on this thread, for the global describe and
// the record counts; nothing here waits on the network) and the choices so
// far. The refresh token goes to the keychain the moment the login succeeds;
// choices() and the in-memory refreshToken() are for the caller to start with.
#pragma once

#include "lifecycle/desktopsettings.h"
#include "salesforce/orgconnection.h"

#include <QWizard>
#include <memory>

namespace tether::salesforce {
class ApiBudget;
class OrgSession;
class RateLimiter;
class RestClient;
class TokenStore;
} // namespace tether::salesforce

namespace tether::ui {

class DatabaseForm;
class ObjectsPage;
class RatePage;
class SalesforcePage;

class SetupAssistant : public QWizard
{
    Q_OBJECT
public:
    enum class Mode { Full, LoginOnly, AddObjects };
    enum PageId { SalesforcePageId, DatabasePageId, ObjectsPageId, RatePageId };

    // `store` (may be null: the login is then only kept in memory) receives the refresh token.
    SetupAssistant(const lifecycle::DesktopChoices &choices, salesforce::TokenStore *store, Mode mode,
                   QWidget *parent = nullptr);
    ~SetupAssistant() override;

    Mode mode() const { return m_mode; }
    // LoginOnly: why the person has to log in again, shown above the login.
    void setLoginReason(const QString &sentence);

    // Everything chosen so far (valid in full after accepted()).
    lifecycle::DesktopChoices choices() const;
    // The refresh token of the login just made (memory only; also in the keychain).
    QString refreshToken() const;
    QString databasePassword() const;

    // --- shared by the pages -------------------------------------------------------
    salesforce::TokenStore *tokenStore() const { return m_store; }
    // Set by the Salesforce page when a login succeeded (null before).
    void adoptLogin(std::unique_ptr<salesforce::OrgSession> session);
    // AddObjects: the running engine's login and budget (its calls count
    // there), and the objects it mirrors; both outlive the assistant.
    void borrowLogin(salesforce::OrgSession *session, salesforce::RateLimiter *limiter, salesforce::ApiBudget *budget,
                     const QStringList &mirrored);
    // The engine is about to stop: forget its login and budget now (nothing more is asked).
    void releaseBorrowedLogin();
    salesforce::OrgSession *session() const { return m_session ? m_session.get() : m_borrowedSession; }
    // AddObjects: the objects already mirrored, and those ticked besides them.
    QStringList mirroredObjects() const { return m_mirrored; }
    QStringList addedObjects() const;
    salesforce::RestClient *restClient() const { return m_client.get(); }
    // The org's daily API quota, -1 until known.
    qint64 dailyQuota() const;
    qint64 apiUsed() const;
    double requestsPerSecond() const { return m_requestsPerSecond; }
    void setRequestsPerSecond(double rate);
    bool isDemo() const { return m_demo; }
    void setDemo(bool demo) { m_demo = demo; }
    const lifecycle::DesktopChoices &initialChoices() const { return m_initial; }

    // For tests: where the browser's answer comes back (default localhost:1717/OauthRedirect) and how long to wait.
    void setRedirect(quint16 port, const QString &path);
    quint16 redirectPort() const { return m_redirectPort; }
    QString redirectPath() const { return m_redirectPath; }
    void setLoginTimeoutMs(int ms) { m_loginTimeoutMs = ms; }
    int loginTimeoutMs() const { return m_loginTimeoutMs; }

    int nextId() const override;

signals:
    void rateChanged(double requestsPerSecond);
    // The org's quota became known (from the first answer's Sforce-Limit-Info or /limits).
    void quotaKnown(qint64 used, qint64 max);

private:
    lifecycle::DesktopChoices m_initial;
    salesforce::TokenStore *m_store;
    Mode m_mode;
    bool m_demo = false;
    double m_requestsPerSecond;
    quint16 m_redirectPort = 1717;
    QString m_redirectPath = QStringLiteral("/OauthRedirect");
    int m_loginTimeoutMs = 5 * 60 * 1000;
    std::unique_ptr<salesforce::OrgSession> m_session;
    std::unique_ptr<salesforce::ApiBudget> m_budget;
    salesforce::OrgSession *m_borrowedSession = nullptr;
    salesforce::ApiBudget *m_usedBudget = nullptr; // m_budget's, or the engine's
    QStringList m_mirrored;
    std::unique_ptr<salesforce::RestClient> m_client;
    SalesforcePage *m_salesforcePage = nullptr;
    QWizardPage *m_databasePage = nullptr;
    DatabaseForm *m_databaseForm = nullptr;
    ObjectsPage *m_objectsPage = nullptr;
    RatePage *m_ratePage = nullptr;
};

} // namespace tether::ui
