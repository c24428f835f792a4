// CommandLine: tether's options, parsed into what the engine controller needs.
// The option list is kept in one place so that --help and the manual page
// cannot disagree.
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
};

// Every option of tether, in the order --help lists them.
QList<QCommandLineOption> tetherOptions();
// The application's description, as --help prints it.
QString tetherDescription();

// Parses the arguments of `app`; --help, --version and unknown options end the
// process as QCommandLineParser does. On a value that makes no sense `error`
// gets a sentence and the result is not to be used.
CommandLine parseCommandLine(const QCoreApplication &app, QString *error);
