// ServerConfig: where `tether --headless` on a server finds its settings and
// secrets. Settings come from a configuration file (`--config`, e.g.
// /etc/tether/tether.conf): `key = value` lines whose keys are the long
// options' names, so the file and --help cannot disagree. Secrets never go
// there (the file is world-readable); they come from a secrets file only its
// owner may read (`--secrets-file`), or from systemd credentials
// ($CREDENTIALS_DIRECTORY/client-secret, .../refresh-token).
#pragma once

#include <QHash>
#include <QString>
#include <QStringList>

// The keys a configuration file may use, with their values. `valueKeys` take
// a value; `flagKeys` are switches (true/false, yes/no, on/off, 1/0). On an
// unknown key, a secret, or a line that is not `key = value`, `error` names the
// file and line in a sentence.
QHash<QString, QString> readConfigFile(const QString &path, const QStringList &valueKeys, const QStringList &flagKeys,
                                       QString *error);

// "client-secret" and "refresh-token" from a `key = value` file that neither
// group nor others may read or write.
QHash<QString, QString> readSecretsFile(const QString &path, QString *error);

// The contents of systemd credential `name` (LoadCredential=), trimmed; empty
// when not run with credentials or the credential is absent.
QString systemdCredential(const QString &name);
// The path of systemd credential `name` if it exists, else empty.
QString systemdCredentialPath(const QString &name);

// true/false, yes/no, on/off, 1/0; anything else sets `ok` false.
bool parseSwitch(const QString &text, bool *ok);
