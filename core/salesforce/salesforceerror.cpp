#include "salesforce/salesforceerror.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace tether::salesforce {

namespace {

SalesforceError fromObject(int httpStatus, const QJsonObject &o)
{
    SalesforceError e;
    e.kind = SalesforceError::Kind::Http;
    e.httpStatus = httpStatus;
    // REST errors say errorCode, sObject collections say statusCode.
    e.errorCode = o.value(QLatin1String("errorCode")).toString();
    if (e.errorCode.isEmpty())
        e.errorCode = o.value(QLatin1String("statusCode")).toString();
    e.message = o.value(QLatin1String("message")).toString();
    const QJsonArray fields = o.value(QLatin1String("fields")).toArray();
    for (const QJsonValue &f : fields)
        e.fields << f.toString();
    if (e.errorCode == QLatin1String("INVALID_SESSION_ID"))
        e.kind = SalesforceError::Kind::SessionExpired;
    else if (e.errorCode == QLatin1String("REQUEST_LIMIT_EXCEEDED"))
        e.kind = SalesforceError::Kind::QuotaExceeded;
    return e;
}

} // namespace

SalesforceError SalesforceError::make(Kind kind, const QString &message, const QString &errorCode,
                                      int httpStatus)
{
    SalesforceError e;
    e.kind = kind;
    e.message = message;
    e.errorCode = errorCode;
    e.httpStatus = httpStatus;
    return e;
}

SalesforceError SalesforceError::fromHttp(int httpStatus, const QByteArray &body,
                                          QList<SalesforceError> *more)
{
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    if (doc.isArray() && !doc.array().isEmpty()) {
        const QJsonArray a = doc.array();
        if (more) {
            for (qsizetype i = 1; i < a.size(); ++i)
                more->append(fromObject(httpStatus, a.at(i).toObject()));
        }
        return fromObject(httpStatus, a.first().toObject());
    }
    if (doc.isObject()) {
        const QJsonObject o = doc.object();
        if (o.contains(QLatin1String("error"))) { // OAuth endpoints
            SalesforceError e;
            e.kind = Kind::Http;
            e.httpStatus = httpStatus;
            e.errorCode = o.value(QLatin1String("error")).toString();
            e.message = o.value(QLatin1String("error_description")).toString();
            if (e.errorCode == QLatin1String("invalid_grant"))
                e.kind = Kind::LoginRequired;
            return e;
        }
        if (o.contains(QLatin1String("errorCode")) || o.contains(QLatin1String("statusCode")))
            return fromObject(httpStatus, o);
    }
    SalesforceError e;
    e.kind = Kind::Http;
    e.httpStatus = httpStatus;
    e.message = QString::fromUtf8(body.left(300)).trimmed();
    if (e.message.isEmpty())
        e.message = QCoreApplication::translate("SalesforceError", "HTTP status %1").arg(httpStatus);
    return e;
}

bool SalesforceError::isRetryable() const
{
    switch (kind) {
    case Kind::Network:
        return errorCode != QLatin1String("TLS_HANDSHAKE_FAILED");
    case Kind::Timeout:
        return true;
    case Kind::Http:
        if (errorCode == QLatin1String("SERVER_UNAVAILABLE")
            || errorCode == QLatin1String("UNABLE_TO_LOCK_ROW"))
            return true;
        // A 5xx is the server's trouble, not the request's; validation errors are 4xx.
        return httpStatus >= 500 && httpStatus <= 599;
    default:
        return false;
    }
}

QString kindName(SalesforceError::Kind kind)
{
    switch (kind) {
    case SalesforceError::Kind::None: return QStringLiteral("none");
    case SalesforceError::Kind::Network: return QStringLiteral("network");
    case SalesforceError::Kind::Timeout: return QStringLiteral("timeout");
    case SalesforceError::Kind::Cancelled: return QStringLiteral("cancelled");
    case SalesforceError::Kind::Http: return QStringLiteral("http");
    case SalesforceError::Kind::SessionExpired: return QStringLiteral("session-expired");
    case SalesforceError::Kind::LoginRequired: return QStringLiteral("login-required");
    case SalesforceError::Kind::LoginFailed: return QStringLiteral("login-failed");
    case SalesforceError::Kind::QuotaExceeded: return QStringLiteral("quota-exceeded");
    case SalesforceError::Kind::Keychain: return QStringLiteral("keychain");
    case SalesforceError::Kind::Config: return QStringLiteral("config");
    case SalesforceError::Kind::OutcomeUnknown: return QStringLiteral("outcome-unknown");
    }
    return {};
}

QString SalesforceError::toString() const
{
    const auto tr = [](const char *text) { return QCoreApplication::translate("SalesforceError", text); };
    QString detail = message;
    if (!fields.isEmpty())
        detail += QStringLiteral(" [%1]").arg(fields.join(QStringLiteral(", ")));
    switch (kind) {
    case Kind::None:
        return {};
    case Kind::Network:
        return tr("Could not reach Salesforce: %1. Check the network connection; Tether retries by itself.")
            .arg(detail);
    case Kind::Timeout:
        return tr("Salesforce did not answer in time (%1). Tether retries by itself; if this keeps happening, the org may be slow or unreachable.")
            .arg(detail);
    case Kind::Cancelled:
        if (errorCode == QLatin1String("LOGIN_CANCELLED"))
            return message;
        return tr("The request to Salesforce was cancelled.");
    case Kind::Http:
        if (errorCode.isEmpty())
            return tr("Salesforce refused the request (HTTP %1): %2").arg(httpStatus).arg(detail);
        return tr("Salesforce refused the request (HTTP %1, %2): %3").arg(httpStatus).arg(errorCode, detail);
    case Kind::SessionExpired:
        return tr("The Salesforce session expired and could not be renewed (%1). Log in again.").arg(detail);
    case Kind::LoginRequired:
        return tr("Salesforce no longer accepts Tether's login (%1). Log in again.")
            .arg(detail.isEmpty() ? errorCode : detail);
    case Kind::QuotaExceeded:
        return tr("The org's daily API quota is used up (%1). Background sync resumes by itself when quota frees up; lower the request rate to spread calls out.")
            .arg(detail);
    case Kind::OutcomeUnknown:
        return tr("Salesforce may or may not have applied the request: %1. Nothing was sent twice; read the record back to know.")
            .arg(detail);
    case Kind::LoginFailed: // OAuthLogin writes whole sentences
    case Kind::Keychain:
    case Kind::Config:
        return detail;
    }
    return detail;
}

} // namespace tether::salesforce
