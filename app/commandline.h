// CommandLine: tether's options, parsed into what the engine controller needs,
// with the configuration file (--config) filling in what the command line
// leaves out. The option list is kept in one place so that --help, the manual
// page and the configuration file's keys cannot disagree.
#pragma once

#include "lifecycle/enginesettings.h"

#include <QCommandLineOption>
#include <QList>

class QCoreApplication;

struct CommandLine
{
    tether::lifecycle::EngineSettings settings;
    bool headless = false;
    QString refreshTokenFile;
    // From the secrets file (`refreshTokenSource` names it); never logged.
    QString refreshToken;
    QString refreshTokenSource;
    QString configFile; // empty: none; re-read on SIGHUP
    // --health-listen: where /healthz and /metrics are served; port 0 = none.
    QString healthAddress;
    quint16 healthPort = 0;
    bool healthEnabled = false;
};

// Every option of tether, in the order --help lists them.
QList<QCommandLineOption> tetherOptions();
// The application's description, as --help prints it.
QString tetherDescription();

// Parses the arguments of `app`; --help, --version and unknown options end the
// process as QCommandLineParser does. On a value that makes no sense `error`
// gets a sentence and the result is not to be used.
CommandLine parseCommandLine(const QCoreApplication &app, QString *error);
// The same for `arguments` (argv) without ending the process: what a reload
// (SIGHUP) reads again, the configuration file included.
CommandLine reparseCommandLine(const QStringList &arguments, QString *error);
