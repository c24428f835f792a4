// Headless credentials: where `tether --headless` finds a refresh token when
// there is no browser and often no keychain — the TETHER_SF_REFRESH_TOKEN
// environment variable, or a file that only its owner may read (mode 0600).
#pragma once

#include "salesforce/salesforceerror.h"

#include <QString>

namespace tether::salesforce {

struct HeadlessRefreshToken
{
    QString token;
    QString source; // "environment" or the file path; never the token
    SalesforceError error;
};

inline constexpr char RefreshTokenEnvVar[] = "TETHER_SF_REFRESH_TOKEN";

// Reads the token from the environment variable first, then from `filePath`
// (may be empty). A file readable or writable by group or others is refused with
// a sentence saying why and how to fix it (chmod 600). Empty token + no error
// means neither source was given.
HeadlessRefreshToken loadHeadlessRefreshToken(const QString &filePath = {});
HeadlessRefreshToken readRefreshTokenFile(const QString &filePath);

} // namespace tether::salesforce
