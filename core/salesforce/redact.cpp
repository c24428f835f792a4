#include "salesforce/redact.h"

#include <QRegularExpression>
#include <QUrlQuery>

namespace tether::salesforce {

namespace {

const QString Hidden = QStringLiteral("<redacted>");

// Names whose values are secrets wherever they appear: query strings, form
// bodies and JSON.
const char *const SecretNames =
    "access_token|refresh_token|code|code_verifier|client_secret|token|id_token|signature|password";

} // namespace

QString redact(const QString &text)
{
    static const QRegularExpression form(
        QStringLiteral("\\b(%1)=([^&\\s\"']+)").arg(QLatin1String(SecretNames)));
    static const QRegularExpression json(
        QStringLiteral("\"(%1)\"\\s*:\\s*\"[^\"]*\"").arg(QLatin1String(SecretNames)));
    static const QRegularExpression auth(
        QStringLiteral("\\b(Bearer|OAuth)\\s+[A-Za-z0-9!._~+/=-]+"),
        QRegularExpression::CaseInsensitiveOption);
    // Salesforce access tokens look like "00D...!AQ..." even out of context.
    static const QRegularExpression sfToken(QStringLiteral("\\b00D[A-Za-z0-9]{12,15}![A-Za-z0-9._-]+"));
    QString out = text;
    out.replace(form, QStringLiteral("\\1=") + Hidden);
    out.replace(json, QStringLiteral("\"\\1\":\"") + Hidden + QStringLiteral("\""));
    out.replace(auth, QStringLiteral("\\1 ") + Hidden);
    out.replace(sfToken, Hidden);
    return out;
}

QString redact(const QByteArray &text)
{
    return redact(QString::fromUtf8(text));
}

QString redactedUrl(const QUrl &url)
{
    return redact(url.toString(QUrl::RemoveUserInfo));
}

} // namespace tether::salesforce
