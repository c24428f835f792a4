// DesktopStart: how the desktop app comes up. The first start shows the setup
// assistant; once it is finished, every later start configures the engine
// from the saved choices and logs in silently with the refresh token in the
// keychain, straight to the main window. When that login is missing, refused
// or revoked (now or later, when Salesforce ends the session), only the login
// page comes back, with the sentence that says why. It also carries out what
// the settings dialog asks: save and apply the choices (restarting the sync
// when a change needs it), log out, revoke, switch org.
//
// It does not know the main window: readyForMainWindow() says when to show one.
#pragma once

#include "lifecycle/desktopsettings.h"

#include <QObject>
#include <QPointer>
#include <memory>

class QWidget;

namespace tether::lifecycle {
class EngineController;
class LoginMethod;
} // namespace tether::lifecycle

namespace tether::salesforce {
class TokenStore;
}

namespace tether::ui {
class SettingsDialog;
class SetupAssistant;
} // namespace tether::ui

class DesktopStart : public QObject
{
    Q_OBJECT
public:
    // `keychainService`: where secrets go (tests use their own).
    explicit DesktopStart(tether::lifecycle::EngineController *controller,
                          const QString &keychainService = tether::lifecycle::keychainService(),
                          QObject *parent = nullptr);
    ~DesktopStart() override;

    // Decides: the assistant (first start) or the engine with a silent login.
    void begin();

    tether::lifecycle::DesktopChoices choices() const { return m_choices; }
    tether::salesforce::TokenStore *tokenStore() const { return m_store.get(); }
    // The assistant on screen, if any.
    tether::ui::SetupAssistant *assistant() const;
    // For tests: applied to every assistant this opens.
    void setAssistantTweaks(std::function<void(tether::ui::SetupAssistant *)> tweak) { m_tweak = std::move(tweak); }

public slots:
    // The whole assistant again (from the menu): on Finish the engine restarts with the new choices.
    void showSetupAssistant();
    // Only the object picker, on the running engine's login: on Finish the
    // ticked objects are added to the running sync, no restart.
    void showAddObjects();
    // The settings dialog, applying its changes as they are made.
    tether::ui::SettingsDialog *showSettings(QWidget *parent = nullptr);
    // Forget the login on this computer (revoke: also end it at Salesforce), stop the sync, show the login page.
    void logOut(bool revoke);
    // Stop everything; finished() when it is down.
    void quit();

signals:
    // The engine is configured and starting: show the main window (emitted once).
    void readyForMainWindow();
    void assistantShown(tether::ui::SetupAssistant *assistant);
    // The first-start assistant was closed without finishing, or quit() is done.
    void finished();

private:
    enum class AfterStop { Nothing, Restart, Quit };
    void showAssistant(int mode);
    // Closes the assistant on screen without acting on it.
    void closeAssistant();
    void openAssistant(int mode, const QString &reason);
    void onAssistantFinished(int result);
    void startEngine(std::unique_ptr<tether::lifecycle::LoginMethod> login);
    void stopThen(AfterStop after);
    void onLoginNeeded(const QString &sentence);
    void applySettings(const tether::lifecycle::DesktopChoices &choices, const QString &password, const QStringList &restartReasons);
    void announceReady();

    tether::lifecycle::EngineController *m_controller;
    std::unique_ptr<tether::salesforce::TokenStore> m_store;
    tether::lifecycle::DesktopChoices m_choices;
    QString m_databasePassword; // memory only; the keychain holds it between runs
    QPointer<tether::ui::SetupAssistant> m_assistant;
    std::function<void(tether::ui::SetupAssistant *)> m_tweak;
    std::unique_ptr<tether::lifecycle::LoginMethod> m_pendingLogin; // for the start after a stop
    AfterStop m_afterStop = AfterStop::Nothing;
    bool m_stopping = false;
    bool m_announced = false;
};
