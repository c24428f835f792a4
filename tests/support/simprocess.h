// A tether-sim process for tests: starts the executable named by
// TETHER_SIM_EXECUTABLE on a free port, waits for its "listening" line and
// kills it when the object goes away. Tests talk real HTTP to it.
#pragma once

#include "lifecycle/enginesettings.h"

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace tether::test {

class SimProcess
{
public:
    // The connected app and user every tether-sim has (see simulator/README.md).
    static constexpr const char *DefaultClientId =
        "3MVG9TetherSimDefaultConnectedApp.LocalOnly.x8Q2vB7nK4mZ1pR6tY9wE3sA5dF0gH";
    static constexpr const char *DefaultClientSecret =
        "7D3C1B9A8F6E4D2C0B1A9F8E7D6C5B4A3F2E1D0C9B8A7F6E5D4C3B2A1F0E9D8C";
    static constexpr const char *DefaultRedirectUri = "http://localhost:1717/OauthRedirect";
    static constexpr const char *DefaultUsername = "admin@tether.sim";
    static constexpr const char *DefaultPassword = "tether-sim";

    // extraArguments go after `--port 0`, e.g. {"--generate", "Account=500"}.
    explicit SimProcess(const QStringList &extraArguments = {});
    ~SimProcess();
    SimProcess(const SimProcess &) = delete;
    SimProcess &operator=(const SimProcess &) = delete;

    // Starts the process and waits (event-driven, up to timeoutMs) for the
    // listening line. On failure returns false and says why in `why`.
    bool start(QString *why = nullptr, int timeoutMs = 60000);

    // http://127.0.0.1:P, without a trailing slash. Empty before start().
    QUrl baseUrl() const { return m_baseUrl; }
    // Settings for an EngineController that logs in here with client
    // credentials (ClientCredentialsLogin) and mirrors into `database`, at 20 requests/s.
    lifecycle::EngineSettings engineSettings(const QString &database) const
    {
        lifecycle::EngineSettings settings;
        settings.database = database;
        settings.loginHost = m_baseUrl.toString();
        settings.clientId = QString::fromLatin1(DefaultClientId);
        settings.clientSecret = QString::fromLatin1(DefaultClientSecret);
        settings.requestsPerSecond = 20;
        return settings;
    }
    int port() const { return m_baseUrl.port(); }

    // An access token from the client_credentials grant of the default app;
    // empty (and `why` set) on failure. Does not count as API usage.
    QByteArray fetchAccessToken(QString *why = nullptr) const;

    // Everything the process wrote so far (stdout and stderr), for failure messages.
    QByteArray output() const { return m_output; }

    QProcess &process() { return m_process; }

private:
    QStringList m_arguments;
    QProcess m_process;
    QByteArray m_output;
    QUrl m_baseUrl;
};

} // namespace tether::test
