// Redaction of secrets in text that may reach a log: access and refresh tokens,
// authorization codes, PKCE verifiers and client secrets in URLs, form bodies,
// JSON and Authorization headers. Every log line in core/salesforce that shows a
// URL, header or body goes through redact().
#pragma once

#include <QByteArray>
#include <QString>
#include <QUrl>

namespace tether::salesforce {

QString redact(const QString &text);
QString redact(const QByteArray &text);
QString redactedUrl(const QUrl &url); // query values of secret parameters replaced

} // namespace tether::salesforce
