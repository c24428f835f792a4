// tether-sim's HTTP surface: routing, OAuth 2.0, sessions, API accounting
// and the /__sim/ test-control API, on top of the org model; the faults a test
// asks for live in FaultInjector.
// Responses are written by hand to the socket so headers and bodies are
// exactly what Salesforce sends and large query pages cost one copy.
#pragma once

#include "faultinjector.h"
#include "org.h"
#include "query.h"

#include <QAbstractHttpServer>
#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QMap>
#include <QRegularExpression>
#include <QUrlQuery>
#include <deque>
#include <functional>
#include <memory>

class QTimer;

namespace tether::sim {

struct SimOptions
{
    QString bindAddress = QStringLiteral("127.0.0.1");
    quint16 port = 0;
    quint64 seed = 42;
    QMap<QString, int> generate;
    QString dataFile;
    qint64 dailyLimit = 15000;
    int sessionTtlSeconds = 7200;
    int latencyMs = 0;
    bool autoApprove = false;
    int churnPerSecond = 0;
    int bulkDelayMs = 1500;
    QStringList extraCallbacks;
};

struct Reply
{
    int status = 200;
    QByteArray contentType = "application/json;charset=UTF-8";
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    // A body built as it is sent (a Bulk results page): each call appends the
    // next part to `out` and returns false after the last. It goes out with
    // Transfer-Encoding: chunked while the socket takes it, so the first rows
    // leave before the last are built and a page is never whole in memory.
    std::function<bool(QByteArray &out)> bodyParts;
    bool drop = false;
    int delayMs = 0;
    qint64 recordsServed = 0;

    // The body in one piece (a subrequest of a composite call).
    QByteArray wholeBody() const;
};

// A Salesforce data-API call, from HTTP or from a composite subrequest.
struct DataRequest
{
    QByteArray method;
    QByteArray version;  // "59.0"
    QString path;        // after /services/data/vXX.X, e.g. "/sobjects/Account"
    QUrlQuery query;
    QHash<QByteArray, QByteArray> headers; // lower-case names
    QByteArray body;
    QByteArray userId;
};

class SimServer : public QAbstractHttpServer
{
    Q_OBJECT

public:
    explicit SimServer(const SimOptions &options, QObject *parent = nullptr);
    ~SimServer() override;

    // Loads --data-file or generates the org. False and `why` on failure.
    bool prepareOrg(QString *why);
    bool saveIfChanged();
    Org &org() { return *m_org; }

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    struct Session
    {
        QByteArray userId;
        QByteArray clientId;
        QByteArray refreshToken;
        qint64 issuedMs = 0;
    };
    struct AuthCode
    {
        QByteArray clientId;
        QString redirectUri;
        QByteArray challenge;
        QByteArray userId;
        qint64 expiresMs = 0;
    };
    struct ConnectedApp
    {
        QByteArray clientId;
        QByteArray secret;
        QStringList callbacks;
    };
    struct Cursor
    {
        std::shared_ptr<CompiledQuery> query;
        std::shared_ptr<std::vector<int>> rows;
        int batchSize = 2000;
        bool all = false;
    };
    struct BulkJob
    {
        QByteArray id;
        QByteArray operation;
        std::shared_ptr<CompiledQuery> query;
        std::vector<int> rows;
        QByteArray createdBy;
        qint64 createdMs = 0;
        qint64 inProgressMs = 0;
        qint64 completeMs = 0;
        bool aborted = false;
        QByteArray lineEnding = "LF";
        QByteArray delimiter = "COMMA";
        QByteArray version;
        QByteArray state(qint64 now) const;
    };

    void send(QTcpSocket *socket, const QHttpServerRequest &request, Reply reply);
    static void sendChunked(QTcpSocket *socket, std::function<bool(QByteArray &)> parts, bool close);
    Reply route(const QHttpServerRequest &request);
    Reply handleOAuth(const QHttpServerRequest &request, const QString &path);
    Reply handleControl(const QHttpServerRequest &request, const QString &path);
    Reply handleData(DataRequest &request, bool topLevel);
    Reply faultReply(const QString &kind) const; // the error a fault of this kind answers with
    Reply dispatchData(DataRequest &request);

    Reply authorizePage(const QUrlQuery &params, const QString &problem);
    Reply tokenEndpoint(const QUrlQuery &form);
    Reply identity(const QByteArray &userId, bool userinfoShape, const QByteArray &version);
    QByteArray issueSession(const QByteArray &userId, const QByteArray &clientId, bool withRefresh,
                            QByteArray *refreshOut);
    QByteArray authenticatedUser(const QHash<QByteArray, QByteArray> &headers);
    const ConnectedApp *app(const QByteArray &clientId) const;

    Reply sobjects(DataRequest &r);
    Reply record(DataRequest &r, Table &table, const QStringList &parts);
    Reply replication(DataRequest &r, Table &table, bool deleted);
    Reply query(DataRequest &r, bool all);
    Reply queryMore(DataRequest &r, const QString &locator, bool all);
    Reply queryPage(const QByteArray &locatorId, Cursor &cursor, qint64 start, const QByteArray &version);
    Reply composite(DataRequest &r);
    Reply compositeBatch(DataRequest &r);
    Reply collections(DataRequest &r);
    Reply graph(DataRequest &r);
    Reply bulk(DataRequest &r, const QStringList &parts);
    Reply limits();

    QByteArray limitInfo() const;
    qint64 ifUnmodifiedSince(const DataRequest &r) const;
    QByteArray recordJson(const Table &table, int row, const QByteArray &version, const QStringList &fields) const;
    static QByteArray errorsJson(const QList<SfError> &errors, bool statusCodeKey);

    SimOptions m_options;
    std::unique_ptr<Org> m_org;
    QList<ConnectedApp> m_apps;
    QHash<QByteArray, Session> m_sessions;
    QHash<QByteArray, Session> m_refreshTokens; // refresh token -> owner
    QHash<QByteArray, AuthCode> m_codes;
    FaultInjector m_faults;
    QHash<QByteArray, Cursor> m_cursors;
    std::deque<QByteArray> m_cursorOrder;
    quint64 m_nextCursor = 1;
    QHash<QByteArray, BulkJob> m_jobs;
    quint64 m_nextJob = 1;
    qint64 m_apiUsed = 0;
    qint64 m_bulkJobsCreated = 0;
    QMap<QString, qint64> m_callsByEndpoint;
    qint64 m_recordsServed = 0;
    qint64 m_bulkRecordsServed = 0;
    qint64 m_savedModstamp = -1;
    QTimer *m_churnTimer = nullptr;
};

} // namespace tether::sim
