#include "desktopstart.h"

#include "lifecycle/enginecontroller.h"
#include "lifecycle/loginmethod.h"
#include "logging.h"
#include "salesforce/apibudget.h"
#include "salesforce/orgsession.h"
#include "salesforce/tokenstore.h"
#include "settings/settingsdialog.h"
#include "setup/setupassistant.h"

#include <QMessageBox>
#include <QStandardPaths>

using tether::lifecycle::DesktopChoices;
using tether::lifecycle::DesktopSettings;
using tether::lifecycle::EngineController;
using tether::lifecycle::EngineSettings;
using tether::ui::SetupAssistant;

DesktopStart::DesktopStart(EngineController *controller, const QString &keychainService, QObject *parent)
    : QObject(parent)
    , m_controller(controller)
    , m_store(std::make_unique<tether::salesforce::TokenStore>(keychainService))
{
    qRegisterMetaType<tether::ui::SetupAssistant *>();
    connect(m_controller, &EngineController::loginNeeded, this, &DesktopStart::onLoginNeeded);
    // "Add objects…" works on the running engine's login: it goes before the engine does.
    connect(m_controller, &EngineController::stateChanged, this, [this](EngineController::State state) {
        if (state != EngineController::State::Syncing && m_assistant
            && m_assistant->mode() == SetupAssistant::Mode::AddObjects)
            closeAssistant();
    });
    // Tables added or removed while running are the ones the next start syncs.
    connect(m_controller, &EngineController::objectsChanged, this, [this](const QStringList &objects) {
        m_choices.engine.objects = objects;
        DesktopSettings::save(m_choices);
    });
    connect(m_controller, &EngineController::stopped, this, [this] {
        m_stopping = false;
        const AfterStop after = std::exchange(m_afterStop, AfterStop::Nothing);
        if (after == AfterStop::Restart)
            startEngine(std::move(m_pendingLogin));
        else if (after == AfterStop::Quit)
            emit finished();
    });
}

DesktopStart::~DesktopStart()
{
    delete m_assistant;
}

tether::ui::SetupAssistant *DesktopStart::assistant() const { return m_assistant; }

void DesktopStart::begin()
{
    m_choices = DesktopSettings::load();
    if (!m_choices.setupComplete || !m_choices.engine.hasOrg()) {
        qCInfo(lcApp) << "first start: showing the setup assistant";
        return openAssistant(int(SetupAssistant::Mode::Full), {});
    }
    qCInfo(lcApp) << "starting with the saved choices";
    startEngine(nullptr);
    announceReady();
}

void DesktopStart::announceReady()
{
    if (std::exchange(m_announced, true))
        return;
    emit readyForMainWindow();
}

// --- the engine ------------------------------------------------------------------------

void DesktopStart::startEngine(std::unique_ptr<tether::lifecycle::LoginMethod> login)
{
    if (!login && !m_choices.engine.demo)
        login = std::make_unique<tether::lifecycle::KeychainLogin>(m_store.get());
    auto configureAndStart = [this](std::unique_ptr<tether::lifecycle::LoginMethod> method) {
        // What the command line decided (data directory, demo scale) stays; the choices go on top.
        EngineSettings settings = m_controller->settings();
        const EngineSettings &chosen = m_choices.engine;
        if (settings.dataDir.isEmpty())
            settings.dataDir = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation);
        settings.database = DesktopSettings::connectionString(m_choices, m_databasePassword);
        settings.schema = chosen.schema;
        settings.objects = chosen.objects;
        settings.requestsPerSecond = chosen.requestsPerSecond;
        settings.demo = chosen.demo;
        settings.loginHost = chosen.loginHost;
        settings.clientId = chosen.clientId;
        settings.orgId = chosen.orgId;
        settings.userId = chosen.userId;
        settings.pauseShare = chosen.pauseShare;
        settings.pollMaxIntervalMs = chosen.pollMaxIntervalMs;
        settings.dropRemovedColumns = chosen.dropRemovedColumns;
        settings.proxyEnabled = chosen.proxyEnabled;
        settings.proxyPort = chosen.proxyPort;
        settings.proxyListen = chosen.proxyListen;
        settings.proxyTlsCertificate = chosen.proxyTlsCertificate;
        settings.proxyTlsKey = chosen.proxyTlsKey;
        m_controller->configure(settings, std::move(method));
        if (m_controller->state() == EngineController::State::Failed)
            m_controller->retry();
        else
            m_controller->start();
    };
    if (m_choices.managedDatabase || !m_databasePassword.isEmpty())
        return configureAndStart(std::move(login));
    // The password of an existing server is in the keychain; the engine waits for it, the window does not.
    auto shared = std::make_shared<std::unique_ptr<tether::lifecycle::LoginMethod>>(std::move(login));
    m_store->load(DesktopSettings::databasePasswordKey(m_choices),
                  [this, shared, configureAndStart](const QString &password, const tether::salesforce::SalesforceError &error) {
                      if (error && error.errorCode != QLatin1String("EntryNotFound"))
                          qCWarning(lcApp).noquote() << "database password not read from the keychain:" << error.message;
                      m_databasePassword = password; // none (a pgpass file or trust) is fine too
                      configureAndStart(std::move(*shared));
                  });
}

void DesktopStart::stopThen(AfterStop after)
{
    m_afterStop = after;
    m_stopping = true;
    m_controller->stop();
}

void DesktopStart::onLoginNeeded(const QString &sentence)
{
    if (m_assistant)
        return;
    openAssistant(int(SetupAssistant::Mode::LoginOnly), sentence);
}

void DesktopStart::quit()
{
    delete m_assistant;
    stopThen(AfterStop::Quit);
}

// --- the assistant ---------------------------------------------------------------------

void DesktopStart::showSetupAssistant() { showAssistant(int(SetupAssistant::Mode::Full)); }

void DesktopStart::showAddObjects()
{
    if (m_controller->state() != EngineController::State::Syncing && !m_assistant) {
        QMessageBox::information(nullptr, tr("Add objects"),
                                 tr("Objects can be added while Tether is syncing. Now: %1").arg(m_controller->sentence()));
        return;
    }
    showAssistant(int(SetupAssistant::Mode::AddObjects));
}

void DesktopStart::closeAssistant()
{
    SetupAssistant *assistant = m_assistant;
    if (!assistant)
        return;
    assistant->releaseBorrowedLogin();
    disconnect(assistant, nullptr, this, nullptr);
    m_assistant = nullptr; // a login page may be needed next
    assistant->close();    // deletes itself
}

void DesktopStart::showAssistant(int mode)
{
    // One assistant at a time: the one on screen comes to the front.
    if (m_assistant) {
        m_assistant->raise();
        m_assistant->activateWindow();
        return;
    }
    openAssistant(mode, {});
}

void DesktopStart::openAssistant(int mode, const QString &reason)
{
    closeAssistant(); // one at a time: a login page replaces what was open
    DesktopChoices initial = m_choices;
    if (SetupAssistant::Mode(mode) == SetupAssistant::Mode::AddObjects && m_controller->settings().requestsPerSecond > 0)
        initial.engine.requestsPerSecond = m_controller->settings().requestsPerSecond; // the slider may have moved it
    auto *assistant = new SetupAssistant(initial, m_store.get(), SetupAssistant::Mode(mode));
    assistant->setAttribute(Qt::WA_DeleteOnClose);
    if (SetupAssistant::Mode(mode) == SetupAssistant::Mode::AddObjects) {
        QStringList mirrored;
        for (const tether::sync::TableStatus &status : m_controller->tableStatuses())
            mirrored << status.objectName;
        for (const QString &object : m_controller->settings().objects) {
            if (!mirrored.contains(object))
                mirrored << object; // chosen, not reported yet
        }
        assistant->borrowLogin(m_controller->session(), m_controller->rateLimiter(), m_controller->apiBudget(), mirrored);
    }
    if (!reason.isEmpty())
        assistant->setLoginReason(reason);
    if (m_tweak)
        m_tweak(assistant);
    m_assistant = assistant;
    connect(assistant, &QWizard::finished, this, &DesktopStart::onAssistantFinished);
    assistant->show();
    emit assistantShown(assistant);
}

void DesktopStart::onAssistantFinished(int result)
{
    SetupAssistant *assistant = m_assistant;
    if (!assistant || sender() != assistant)
        return;
    const bool firstStart = !m_choices.setupComplete;
    if (result != QDialog::Accepted) {
        if (firstStart)
            emit finished(); // nothing to run without an org
        return;
    }
    if (assistant->mode() == SetupAssistant::Mode::AddObjects) {
        const QStringList added = assistant->addedObjects();
        if (!added.isEmpty())
            m_controller->addTables(added); // saved through objectsChanged
        return;
    }
    const DesktopChoices chosen = assistant->choices();
    const QString password = assistant->databasePassword();
    std::unique_ptr<tether::lifecycle::LoginMethod> login;
    if (!chosen.engine.demo)
        login = std::make_unique<tether::lifecycle::RefreshTokenLogin>(assistant->refreshToken(), tr("the login just made"));
    m_choices = chosen;
    DesktopSettings::save(m_choices);
    if (!m_choices.managedDatabase && assistant->mode() == SetupAssistant::Mode::Full) {
        m_databasePassword = password;
        if (!password.isEmpty())
            m_store->store(DesktopSettings::databasePasswordKey(m_choices), password, [](const tether::salesforce::SalesforceError &error) {
                if (error)
                    qCWarning(lcApp).noquote() << "the database password could not be kept in the keychain:" << error.message;
            });
    }
    const EngineController::State state = m_controller->state();
    if (state == EngineController::State::Stopped || state == EngineController::State::NoOrg
        || state == EngineController::State::Failed)
        startEngine(std::move(login));
    else {
        m_pendingLogin = std::move(login);
        stopThen(AfterStop::Restart);
    }
    announceReady();
}

// --- the settings dialog -----------------------------------------------------------------

tether::ui::SettingsDialog *DesktopStart::showSettings(QWidget *parent)
{
    auto *dialog = new tether::ui::SettingsDialog(m_choices, m_databasePassword, parent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    if (m_controller->apiBudget())
        dialog->setDailyQuota(m_controller->apiBudget()->max());
    connect(dialog, &tether::ui::SettingsDialog::applied, this, &DesktopStart::applySettings);
    connect(dialog, &tether::ui::SettingsDialog::logOutRequested, this, [this, dialog] {
        dialog->close();
        logOut(false);
    });
    connect(dialog, &tether::ui::SettingsDialog::revokeRequested, this, [this, dialog] {
        dialog->close();
        logOut(true);
    });
    connect(dialog, &tether::ui::SettingsDialog::switchOrgRequested, this, [this, dialog] {
        dialog->close();
        showSetupAssistant();
    });
    dialog->show();
    return dialog;
}

void DesktopStart::applySettings(const DesktopChoices &chosen, const QString &password, const QStringList &restartReasons)
{
    const bool passwordChanged = password != m_databasePassword;
    m_choices = chosen;
    m_databasePassword = password;
    DesktopSettings::save(m_choices);
    if (passwordChanged && !m_choices.managedDatabase)
        m_store->store(DesktopSettings::databasePasswordKey(m_choices), password, [](const tether::salesforce::SalesforceError &error) {
            if (error)
                qCWarning(lcApp).noquote() << "the database password could not be kept in the keychain:" << error.message;
        });
    // The rate and the pause share apply to the running engine at once.
    EngineSettings live = m_controller->settings();
    live.requestsPerSecond = chosen.engine.requestsPerSecond;
    live.pauseShare = chosen.engine.pauseShare;
    m_controller->applySettings(live);
    if (restartReasons.isEmpty() || m_controller->state() == EngineController::State::Stopped)
        return;
    // Restart with the login the engine holds now, so no keychain round trip is needed.
    tether::salesforce::OrgSession *session = m_controller->session();
    if (session && !session->refreshToken().isEmpty())
        m_pendingLogin = std::make_unique<tether::lifecycle::RefreshTokenLogin>(session->refreshToken(), tr("the current login"));
    qCInfo(lcApp).noquote() << "restarting the sync for:" << restartReasons.join(QStringLiteral(", "));
    stopThen(AfterStop::Restart);
}

void DesktopStart::logOut(bool revoke)
{
    const QString reason = revoke ? tr("You revoked Tether's access to Salesforce. Log in again to go on syncing.")
                                  : tr("You logged out. Log in again to go on syncing.");
    auto then = [this, reason](const tether::salesforce::SalesforceError &error) {
        if (error && error.errorCode != QLatin1String("EntryNotFound"))
            qCWarning(lcApp).noquote() << "log out:" << error.toString();
        stopThen(AfterStop::Nothing);
        openAssistant(int(SetupAssistant::Mode::LoginOnly), reason);
    };
    tether::salesforce::OrgSession *session = m_controller->session();
    if (revoke && session && session->state() == tether::salesforce::OrgSession::State::LoggedIn)
        return session->logout(m_store.get(), this, then); // revokes at Salesforce, deletes from the keychain
    m_store->remove(DesktopSettings::refreshTokenKey(m_choices), then);
}
