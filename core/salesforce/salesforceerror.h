// SalesforceError: what went wrong talking to Salesforce (or to the keychain on
// its behalf), in a form both code (kind, HTTP status, errorCode) and people (a
// sentence) can use. Covers both error body shapes Salesforce sends: the REST
// `[{"message","errorCode","fields"}]` and the collections' `statusCode`.
#pragma once

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

namespace tether::salesforce {

struct SalesforceError
{
    enum class Kind {
        None,
        Network,        // no usable HTTP answer (refused, reset, DNS, TLS)
        Timeout,        // no answer within the request's explicit timeout
        Cancelled,      // the caller cancelled the request
        Http,           // Salesforce answered with an error status (see httpStatus, errorCode)
        SessionExpired, // 401 INVALID_SESSION_ID that a refresh could not cure
        LoginRequired,  // the refresh token is gone or refused: a person must log in again
        LoginFailed,    // a browser login did not complete (denied, wrong state, timeout)
        QuotaExceeded,  // 403 REQUEST_LIMIT_EXCEEDED, or background work paused by the budget
        Keychain,       // the OS keychain refused or is missing (errorCode names which)
        Config,         // misuse or bad settings detected before anything was sent
        OutcomeUnknown, // a request that must not be repeated lost its answer: read back to know
    };

    Kind kind = Kind::None;
    int httpStatus = 0;   // 0 when no HTTP answer arrived
    QString errorCode;    // e.g. "UNABLE_TO_LOCK_ROW", "invalid_grant"
    QString message;      // as Salesforce (or the network layer) wrote it
    QStringList fields;   // field API names the error is about, when given

    bool isError() const { return kind != Kind::None; }
    explicit operator bool() const { return isError(); }

    // Worth sending again unchanged: network errors, timeouts, 5xx,
    // SERVER_UNAVAILABLE and UNABLE_TO_LOCK_ROW. Never validation errors, nor
    // TLS handshake failures (errorCode "TLS_HANDSHAKE_FAILED").
    bool isRetryable() const;

    // One or two sentences that say what happened and what to do.
    QString toString() const;

    // Parses an error body of either shape; returns the first error, the others
    // in `more` when given. Falls back to the OAuth shape {"error","error_description"}.
    static SalesforceError fromHttp(int httpStatus, const QByteArray &body,
                                    QList<SalesforceError> *more = nullptr);
    static SalesforceError make(Kind kind, const QString &message,
                                const QString &errorCode = {}, int httpStatus = 0);
};

QString kindName(SalesforceError::Kind kind);

} // namespace tether::salesforce

Q_DECLARE_METATYPE(tether::salesforce::SalesforceError)
