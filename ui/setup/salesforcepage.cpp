#include "setup/salesforcepage.h"

#include "logging.h"
#include "salesforce/oauthlogin.h"
#include "salesforce/orgconnection.h"
#include "salesforce/orgsession.h"
#include "salesforce/sobjectapi.h"
#include "salesforce/tokenendpoint.h"
#include "setup/setupassistant.h"

#include <QButtonGroup>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QVBoxLayout>

namespace tether::ui {

namespace {
const char *ProblemStyle = "color: #d64541; font-weight: 600;";
}

SalesforcePage::SalesforcePage(SetupAssistant *assistant) : QWizardPage(assistant), m_assistant(assistant)
{
    setTitle(tr("Salesforce"));
    setSubTitle(tr("Log in to the org Tether mirrors. Your browser opens Salesforce's own login page; "
                   "Tether never sees your password."));
    auto *layout = new QVBoxLayout(this);

    m_reason = new QLabel(this);
    m_reason->setObjectName(QStringLiteral("loginReason"));
    m_reason->setWordWrap(true);
    m_reason->setStyleSheet(QLatin1String(ProblemStyle));
    m_reason->hide();
    layout->addWidget(m_reason);

    auto *where = new QGroupBox(tr("Where does your org live?"), this);
    auto *whereLayout = new QVBoxLayout(where);
    m_production = new QRadioButton(tr("&Production (login.salesforce.com)"), where);
    m_production->setObjectName(QStringLiteral("production"));
    m_sandbox = new QRadioButton(tr("&Sandbox (test.salesforce.com)"), where);
    m_sandbox->setObjectName(QStringLiteral("sandbox"));
    m_myDomain = new QRadioButton(tr("&My Domain:"), where);
    m_myDomain->setObjectName(QStringLiteral("myDomain"));
    m_domain = new QLineEdit(where);
    m_domain->setObjectName(QStringLiteral("domain"));
    m_domain->setPlaceholderText(QStringLiteral("acme.my.salesforce.com"));
    m_domain->setAccessibleName(tr("My Domain address"));
    auto *group = new QButtonGroup(this);
    for (QRadioButton *b : {m_production, m_sandbox, m_myDomain})
        group->addButton(b);
    auto *domainRow = new QHBoxLayout;
    domainRow->addWidget(m_myDomain);
    domainRow->addWidget(m_domain, 1);
    whereLayout->addWidget(m_production);
    whereLayout->addWidget(m_sandbox);
    whereLayout->addLayout(domainRow);
    m_hostError = new QLabel(where);
    m_hostError->setObjectName(QStringLiteral("hostError"));
    m_hostError->setWordWrap(true);
    m_hostError->setStyleSheet(QLatin1String(ProblemStyle));
    m_hostError->hide();
    whereLayout->addWidget(m_hostError);
    layout->addWidget(where);

    // Without a connected app of this build's own, the person's is the only way in: no "Advanced" about it.
    const bool builtIn = !lifecycle::builtInClientId().isEmpty();
    m_advanced = new QGroupBox(builtIn ? tr("&Advanced: log in through my own connected app")
                                       : tr("Your org's connected app (this build of Tether has none of its own)"),
                               this);
    m_advanced->setObjectName(QStringLiteral("advanced"));
    m_advanced->setCheckable(builtIn);
    m_advanced->setChecked(false);
    auto *advancedLayout = new QVBoxLayout(m_advanced);
    m_consumerKey = new QLineEdit(m_advanced);
    m_consumerKey->setObjectName(QStringLiteral("consumerKey"));
    m_consumerKey->setPlaceholderText(tr("Consumer key of the connected app"));
    m_consumerKey->setAccessibleName(tr("Consumer key"));
    auto *callbackNote = new QLabel(tr("Its callback URL must be http://localhost:1717/OauthRedirect, with PKCE allowed."),
                                    m_advanced);
    callbackNote->setWordWrap(true);
    advancedLayout->addWidget(m_consumerKey);
    advancedLayout->addWidget(callbackNote);
    layout->addWidget(m_advanced);

    auto *loginRow = new QHBoxLayout;
    m_login = new QPushButton(tr("&Log in…"), this);
    m_login->setObjectName(QStringLiteral("logIn"));
    m_login->setDefault(true);
    m_cancel = new QPushButton(tr("Cancel login"), this);
    m_cancel->setObjectName(QStringLiteral("cancelLogin"));
    m_cancel->hide();
    m_busy = new QProgressBar(this);
    m_busy->setRange(0, 0);
    m_busy->setMaximumWidth(120);
    m_busy->setAccessibleName(tr("Waiting for the browser"));
    m_busy->hide();
    loginRow->addWidget(m_login);
    loginRow->addWidget(m_cancel);
    loginRow->addWidget(m_busy);
    loginRow->addStretch(1);
    layout->addLayout(loginRow);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("loginStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_status);
    layout->addStretch(1);

    auto *demoRow = new QHBoxLayout;
    m_demoNote = new QLabel(tr("No Salesforce account at hand? Explore Tether with a simulated org on this computer."), this);
    m_demoNote->setWordWrap(true);
    m_demo = new QPushButton(tr("Try it with a &demo org"), this);
    m_demo->setObjectName(QStringLiteral("demo"));
    demoRow->addWidget(m_demoNote, 1);
    demoRow->addWidget(m_demo);
    layout->addLayout(demoRow);

    connect(m_domain, &QLineEdit::textEdited, this, [this] { m_myDomain->setChecked(true); });
    connect(m_domain, &QLineEdit::textChanged, this, &SalesforcePage::updateHost);
    connect(group, &QButtonGroup::buttonToggled, this, &SalesforcePage::updateHost);
    connect(m_advanced, &QGroupBox::toggled, this, &SalesforcePage::updateHost);
    connect(m_consumerKey, &QLineEdit::textChanged, this, &SalesforcePage::updateHost);
    connect(m_login, &QPushButton::clicked, this, &SalesforcePage::logIn);
    connect(m_cancel, &QPushButton::clicked, this, &SalesforcePage::cancelLogin);
    connect(m_demo, &QPushButton::clicked, this, &SalesforcePage::chooseDemo);
}

void SalesforcePage::initializePage()
{
    const lifecycle::DesktopChoices &c = m_assistant->initialChoices();
    const QString host = c.engine.loginHost.trimmed();
    if (host.isEmpty() || host == QLatin1String("production"))
        m_production->setChecked(true);
    else if (host == QLatin1String("sandbox"))
        m_sandbox->setChecked(true);
    else {
        m_myDomain->setChecked(true);
        m_domain->setText(host);
    }
    const bool own = !c.engine.clientId.isEmpty() && c.engine.clientId != lifecycle::builtInClientId();
    if (m_advanced->isCheckable())
        m_advanced->setChecked(own);
    m_consumerKey->setText(own ? c.engine.clientId : QString());
    m_demo->setVisible(m_assistant->mode() == SetupAssistant::Mode::Full);
    m_demoNote->setVisible(m_assistant->mode() == SetupAssistant::Mode::Full);
    updateHost();
}

void SalesforcePage::cleanupPage() { cancelLogin(); }

void SalesforcePage::setReason(const QString &sentence)
{
    m_reason->setText(sentence);
    m_reason->setVisible(!sentence.isEmpty());
}

QString SalesforcePage::loginHostText() const
{
    if (m_production->isChecked())
        return QStringLiteral("production");
    if (m_sandbox->isChecked())
        return QStringLiteral("sandbox");
    return m_domain->text().trimmed();
}

void SalesforcePage::updateHost()
{
    QString why;
    if (m_myDomain->isChecked() && m_domain->text().trimmed().isEmpty())
        why = tr("Type your My Domain, for example acme.my.salesforce.com.");
    else if (!salesforce::LoginHost::fromText(loginHostText(), &why).isValid() && why.isEmpty())
        why = tr("This is not an address Salesforce logs in at.");
    else if (usesOwnApp() && m_consumerKey->text().trimmed().isEmpty())
        why = m_advanced->isCheckable()
                  ? tr("Paste the consumer key of your connected app, or turn Advanced off to use Tether's own.")
                  : tr("Paste the consumer key of a connected app in your org (your Salesforce admin can create one).");
    // An empty My Domain is only a hint, not a complaint, until something is typed.
    const bool show = !why.isEmpty() && !(m_myDomain->isChecked() && m_domain->text().isEmpty());
    m_hostError->setText(why);
    m_hostError->setVisible(show);
    m_login->setEnabled(why.isEmpty() && !isWaiting());
    // Another org than the one logged in to: that login no longer counts.
    if (m_loggedIn && (loginHostText() != m_loginHost)) {
        m_loggedIn = false;
        showStatus(QString(), false);
        emit completeChanged();
    }
}

bool SalesforcePage::usesOwnApp() const { return !m_advanced->isCheckable() || m_advanced->isChecked(); }

bool SalesforcePage::isWaiting() const { return m_oauth && m_oauth->isRunning(); }

bool SalesforcePage::isComplete() const { return !isWaiting() && (m_loggedIn || m_assistant->isDemo()); }

void SalesforcePage::showStatus(const QString &text, bool problem)
{
    m_status->setText(text);
    m_status->setStyleSheet(problem ? QLatin1String(ProblemStyle) : QString());
}

void SalesforcePage::setWaiting(bool waiting)
{
    m_login->setVisible(!waiting);
    m_cancel->setVisible(waiting);
    m_busy->setVisible(waiting);
    m_demo->setEnabled(!waiting);
    for (QWidget *w : {static_cast<QWidget *>(m_production), static_cast<QWidget *>(m_sandbox),
                       static_cast<QWidget *>(m_myDomain), static_cast<QWidget *>(m_domain),
                       static_cast<QWidget *>(m_advanced)})
        w->setEnabled(!waiting);
    if (waiting)
        m_cancel->setFocus();
    updateHost();
    emit completeChanged();
}

void SalesforcePage::logIn()
{
    QString why;
    salesforce::OrgConnection connection;
    connection.loginHost = salesforce::LoginHost::fromText(loginHostText(), &why);
    if (!connection.loginHost.isValid())
        return showStatus(why, true);
    connection.clientId = usesOwnApp() ? m_consumerKey->text().trimmed() : lifecycle::builtInClientId();
    m_assistant->setDemo(false);
    m_loggedIn = false;
    delete m_oauth;
    m_oauth = new salesforce::OAuthLogin(connection, this);
    m_oauth->setRedirectPort(m_assistant->redirectPort());
    m_oauth->setCallbackPath(m_assistant->redirectPath());
    m_oauth->setTimeoutMs(m_assistant->loginTimeoutMs());
    connect(m_oauth, &salesforce::OAuthLogin::failed, this, &SalesforcePage::onLoginFailed);
    connect(m_oauth, &salesforce::OAuthLogin::succeeded, this, &SalesforcePage::onLoginSucceeded);
    m_clientId = connection.clientId;
    m_loginHost = loginHostText();
    showStatus(tr("Waiting for you to log in in the browser window that just opened (at %1). "
                  "Come back here when Salesforce says you can close the tab.")
                   .arg(connection.loginHost.host()),
               false);
    setWaiting(true);
    m_oauth->start();
}

void SalesforcePage::cancelLogin()
{
    if (isWaiting())
        m_oauth->cancel();
}

void SalesforcePage::onLoginFailed(const salesforce::SalesforceError &error)
{
    m_oauth->deleteLater();
    setWaiting(false);
    if (error.kind == salesforce::SalesforceError::Kind::Cancelled)
        return showStatus(tr("The login was cancelled. Log in again when you are ready."), false);
    showStatus(error.message.isEmpty() ? error.toString() : error.message, true);
}

void SalesforcePage::onLoginSucceeded(const salesforce::OrgConnection &connection, const salesforce::TokenResponse &tokens)
{
    m_oauth->deleteLater();
    auto session = std::make_unique<salesforce::OrgSession>(connection);
    session->adopt(tokens);
    m_orgId = connection.orgId;
    m_userId = connection.userId;
    m_username = connection.username;
    m_instanceUrl = connection.instanceUrl.toString();
    m_orgName.clear();
    m_keychainNote.clear();
    salesforce::OrgSession *raw = session.get();
    m_assistant->adoptLogin(std::move(session));
    m_loggedIn = true;
    setWaiting(false);
    showLogin();
    QPointer<SalesforcePage> self(this);
    // The org's name is not in the login's answers: one retrieve of the Organization record.
    salesforce::SObjectApi(m_assistant->restClient())
        .organizationName(m_orgId, [self, orgId = m_orgId](const QString &name, const salesforce::SalesforceError &error) {
            if (!self || error || self->m_orgId != orgId)
                return; // the Id stands in for the name
            self->m_orgName = name;
            self->showLogin();
        });
    if (!m_assistant->tokenStore())
        return;
    raw->saveRefreshToken(m_assistant->tokenStore(), [self](const salesforce::SalesforceError &error) {
        if (!self || !error)
            return;
        // Logged in either way; only the silent login at the next start is lost.
        self->m_keychainNote = tr("The login could not be kept for the next start, so Tether will ask again then: %1")
                                   .arg(error.message);
        self->showLogin();
    });
}

void SalesforcePage::showLogin()
{
    const QString user = m_username.isEmpty() ? m_userId : m_username;
    const QString host = QUrl(m_instanceUrl).host();
    QString text = m_orgName.isEmpty() ? tr("Logged in as %1 to org %2 on %3.").arg(user, m_orgId, host)
                                       : tr("Logged in as %1 to %2 (org %3) on %4.").arg(user, m_orgName, m_orgId, host);
    if (!m_keychainNote.isEmpty())
        text += QLatin1Char(' ') + m_keychainNote;
    showStatus(text, !m_keychainNote.isEmpty());
}

void SalesforcePage::chooseDemo()
{
    cancelLogin();
    m_assistant->setDemo(true);
    m_loggedIn = false;
    showStatus(tr("Tether will run a simulated org with 100,000 Accounts, 300,000 Contacts and more, which keeps "
                  "changing a few records per second. Nothing leaves this computer."),
               false);
    emit completeChanged();
    m_assistant->next();
}

void SalesforcePage::apply(lifecycle::DesktopChoices &c) const
{
    c.engine.demo = m_assistant->isDemo();
    if (c.engine.demo)
        return;
    c.engine.loginHost = m_loggedIn ? m_loginHost : loginHostText();
    c.engine.clientId = m_loggedIn ? m_clientId
                                   : (usesOwnApp() ? m_consumerKey->text().trimmed() : lifecycle::builtInClientId());
    if (m_loggedIn) {
        c.engine.orgId = m_orgId;
        c.engine.userId = m_userId;
        c.username = m_username;
        c.instanceUrl = m_instanceUrl;
    }
}

} // namespace tether::ui
