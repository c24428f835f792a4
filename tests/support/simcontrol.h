// SimControl: a test's hands on a running tether-sim — its Salesforce REST API
// (as the integration user) and its /__sim/ test-control API — through real
// HTTP, with event-driven waits.
#pragma once

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QUrl>

namespace tether::store {
class PgConnection;
}

namespace tether::test {

class SimControl
{
public:
    SimControl(QUrl baseUrl, QByteArray accessToken);

    struct Reply
    {
        int status = 0;
        QByteArray body;
        QJsonDocument json() const { return QJsonDocument::fromJson(body); }
    };

    // Any request; path starts with "/". Waits up to 60 s for the answer.
    Reply request(const QByteArray &method, const QString &path, const QByteArray &body = {},
                  const QList<QPair<QByteArray, QByteArray>> &headers = {});
    Reply control(const QByteArray &method, const QString &path, const QJsonDocument &body = {});

    // Every page of a REST query, records concatenated as raw JSON pages.
    QList<QByteArray> queryAllPages(const QString &soql, bool includeDeleted = false);

    // Test-control helpers.
    QString create(const QString &object, const QJsonObject &fields);
    bool update(const QString &object, const QString &id, const QJsonObject &fields);
    bool remove(const QString &object, const QString &id);
    bool purge(const QStringList &ids);
    bool addField(const QString &object, const QJsonObject &field);
    int addFault(const QJsonObject &fault);
    bool clearFaults();
    QJsonObject stats();
    qint64 apiUsage() { return stats().value(QLatin1String("apiUsage")).toInteger(); }

    // Empty when the mirror table of `object` (schema salesforce) holds exactly
    // the simulator's records, field for field; otherwise what differs. The
    // expected rows are loaded into `scratch` (a database of their own).
    QString compareMirror(const QString &object, store::PgConnection &mirror, store::PgConnection &scratch);

    QString dataPath() const { return QStringLiteral("/services/data/v59.0"); }

private:
    bool renewToken();

    QUrl m_baseUrl;
    QByteArray m_token;
    QNetworkAccessManager m_nam;
};

} // namespace tether::test
