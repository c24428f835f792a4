#include "setup/setupassistant.h"

#include "salesforce/apibudget.h"
#include "salesforce/orgsession.h"
#include "salesforce/ratelimiter.h"
#include "salesforce/restclient.h"
#include "salesforce/sobjectapi.h"
#include "setup/databaseform.h"
#include "setup/objectspage.h"
#include "setup/ratepage.h"
#include "setup/salesforcepage.h"

#include <QVBoxLayout>

namespace tether::ui {

namespace {

// The Database page: the shared DatabaseForm, complete when it is usable.
class DatabasePage : public QWizardPage
{
public:
    DatabasePage(QWidget *parent, DatabaseForm *form) : QWizardPage(parent), m_form(form)
    {
        setTitle(SetupAssistant::tr("Database"));
        setSubTitle(SetupAssistant::tr("Where the mirror lives. Any PostgreSQL client reads it; writes go through "
                                       "Tether's proxy so Salesforce accepts them first."));
        auto *layout = new QVBoxLayout(this);
        layout->addWidget(form);
        connect(form, &DatabaseForm::changed, this, &QWizardPage::completeChanged);
    }
    bool isComplete() const override { return m_form->isValid(); }

private:
    DatabaseForm *m_form;
};

} // namespace

SetupAssistant::SetupAssistant(const lifecycle::DesktopChoices &choices, salesforce::TokenStore *store, Mode mode,
                               QWidget *parent)
    : QWizard(parent)
    , m_initial(choices)
    , m_store(store)
    , m_mode(mode)
    , m_requestsPerSecond(choices.engine.requestsPerSecond > 0 ? choices.engine.requestsPerSecond
                                                               : salesforce::RateLimiter::DefaultRequestsPerSecond)
{
    setObjectName(QStringLiteral("setupAssistant"));
    switch (mode) {
    case Mode::Full: setWindowTitle(tr("Set up Tether")); break;
    case Mode::LoginOnly: setWindowTitle(tr("Log in to Salesforce again")); break;
    case Mode::AddObjects: setWindowTitle(tr("Add objects")); break;
    }
    setWizardStyle(QWizard::ModernStyle);
    setOption(QWizard::NoBackButtonOnStartPage);
    setMinimumSize(760, 600);

    if (mode == Mode::AddObjects) {
        m_objectsPage = new ObjectsPage(this);
        setPage(ObjectsPageId, m_objectsPage);
        setStartId(ObjectsPageId);
        return;
    }
    m_salesforcePage = new SalesforcePage(this);
    setPage(SalesforcePageId, m_salesforcePage);
    if (mode == Mode::Full) {
        m_databaseForm = new DatabaseForm;
        m_databaseForm->setChoices(choices, QString());
        m_databasePage = new DatabasePage(this, m_databaseForm);
        setPage(DatabasePageId, m_databasePage);
        m_objectsPage = new ObjectsPage(this);
        setPage(ObjectsPageId, m_objectsPage);
        m_ratePage = new RatePage(this);
        setPage(RatePageId, m_ratePage);
    }
    setStartId(SalesforcePageId);
}

SetupAssistant::~SetupAssistant()
{
    // The client goes first: its pending answers must not reach the pages.
    m_client.reset();
    m_budget.reset();
    m_session.reset();
}

void SetupAssistant::setLoginReason(const QString &sentence)
{
    if (m_salesforcePage)
        m_salesforcePage->setReason(sentence);
}

void SetupAssistant::setRedirect(quint16 port, const QString &path)
{
    m_redirectPort = port;
    m_redirectPath = path;
}

void SetupAssistant::setRequestsPerSecond(double rate)
{
    if (rate <= 0 || qFuzzyCompare(rate, m_requestsPerSecond))
        return;
    m_requestsPerSecond = rate;
    emit rateChanged(rate);
}

int SetupAssistant::nextId() const
{
    if (m_mode != Mode::Full)
        return -1;
    switch (currentId()) {
    case SalesforcePageId: return DatabasePageId;
    case DatabasePageId: return m_demo ? RatePageId : ObjectsPageId; // the demo org syncs its default selection
    case ObjectsPageId: return RatePageId;
    default: return -1;
    }
}

void SetupAssistant::adoptLogin(std::unique_ptr<salesforce::OrgSession> session)
{
    m_client.reset();
    m_budget = std::make_unique<salesforce::ApiBudget>();
    m_usedBudget = m_budget.get();
    m_session = std::move(session);
    // Calls made here (describe, counts) are few and wanted now: no rate limit.
    m_client = std::make_unique<salesforce::RestClient>(m_session.get(), nullptr, m_budget.get());
    connect(m_budget.get(), &salesforce::ApiBudget::usageChanged, this, &SetupAssistant::quotaKnown);
    salesforce::SObjectApi(m_client.get()).limits([](const salesforce::JsonResult &) {});
}

void SetupAssistant::borrowLogin(salesforce::OrgSession *session, salesforce::RateLimiter *limiter,
                                 salesforce::ApiBudget *budget, const QStringList &mirrored)
{
    m_client.reset();
    m_borrowedSession = session;
    m_usedBudget = budget;
    m_mirrored = mirrored;
    // The running sync's pace applies to these calls too.
    if (session)
        m_client = std::make_unique<salesforce::RestClient>(session, limiter, budget);
}

void SetupAssistant::releaseBorrowedLogin()
{
    if (!m_borrowedSession)
        return;
    m_client.reset(); // its pending answers are dropped
    m_borrowedSession = nullptr;
    m_usedBudget = nullptr;
}

QStringList SetupAssistant::addedObjects() const
{
    return m_objectsPage ? m_objectsPage->model()->chosen() : QStringList();
}

qint64 SetupAssistant::dailyQuota() const { return m_usedBudget ? m_usedBudget->max() : -1; }
qint64 SetupAssistant::apiUsed() const { return m_usedBudget ? m_usedBudget->used() : -1; }

QString SetupAssistant::refreshToken() const { return m_session ? m_session->refreshToken() : QString(); }

QString SetupAssistant::databasePassword() const { return m_databaseForm ? m_databaseForm->password() : QString(); }

lifecycle::DesktopChoices SetupAssistant::choices() const
{
    lifecycle::DesktopChoices c = m_initial;
    if (m_mode == Mode::AddObjects) {
        c.engine.objects = m_mirrored + addedObjects();
        return c;
    }
    m_salesforcePage->apply(c);
    if (m_mode == Mode::Full) {
        m_databaseForm->apply(c);
        if (c.engine.demo)
            c.engine.objects.clear(); // the default selection of the demo org
        else if (m_objectsPage->isComplete())
            c.engine.objects = m_objectsPage->selectedObjects();
        c.engine.requestsPerSecond = m_requestsPerSecond;
    }
    c.setupComplete = true;
    return c;
}

} // namespace tether::ui
