// How fast tether-sim serves Account-sized records on loopback: REST query
// pages of 2000 (following nextRecordsUrl) and Bulk API 2.0 CSV result pages.
// Prints records/s; not a test. Usage:
//   sim_serve_bench [records=200000]   (tether-sim from TETHER_SIM_EXECUTABLE or the build)
#include "simprocess.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTest>
#include <cstdio>
#include <memory>

namespace {

const char Fields[] = "Id, Name, Type, ParentId, BillingStreet, BillingCity, BillingState, BillingPostalCode, "
                      "BillingCountry, Phone, Fax, AccountNumber, Website, Industry, AnnualRevenue, "
                      "NumberOfEmployees, Rating, Description, OwnerId, ERP_Id__c, Tier__c, Customer_Since__c, "
                      "IsDeleted, CreatedDate, CreatedById, LastModifiedDate, LastModifiedById, SystemModstamp";

struct Got
{
    int status = 0;
    QByteArray body;
    QByteArray locator;
    qint64 numberOfRecords = 0;
};

Got fetch(QNetworkAccessManager &nam, const QUrl &url, const QByteArray &token, const QByteArray &method = "GET",
          const QByteArray &body = {})
{
    QNetworkRequest request(url);
    request.setRawHeader("Authorization", "Bearer " + token);
    if (!body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
    std::unique_ptr<QNetworkReply> reply(nam.sendCustomRequest(request, method, body));
    (void)QTest::qWaitFor([&] { return reply->isFinished(); }, 600000);
    Got g;
    g.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    g.body = reply->readAll();
    g.locator = reply->rawHeader("Sforce-Locator");
    g.numberOfRecords = reply->rawHeader("Sforce-NumberOfRecords").toLongLong();
    return g;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int records = argc > 1 ? QByteArray(argv[1]).toInt() : 200000;
    if (qEnvironmentVariableIsEmpty("TETHER_SIM_EXECUTABLE"))
        qputenv("TETHER_SIM_EXECUTABLE", TETHER_SIM_PATH);

    QElapsedTimer timer;
    timer.start();
    tether::test::SimProcess sim({QStringLiteral("--generate"), QStringLiteral("Account=%1").arg(records),
                                  QStringLiteral("--bulk-delay"), QStringLiteral("0"), QStringLiteral("--daily-limit"),
                                  QStringLiteral("100000000")});
    QString why;
    if (!sim.start(&why, 600000)) {
        std::fprintf(stderr, "%s\n", qPrintable(why));
        return 1;
    }
    std::printf("tether-sim with %d Accounts ready in %.1f s\n", records, timer.elapsed() / 1000.0);
    const QByteArray token = sim.fetchAccessToken(&why);
    if (token.isEmpty()) {
        std::fprintf(stderr, "%s\n", qPrintable(why));
        return 1;
    }
    QNetworkAccessManager nam;
    const QString base = sim.baseUrl().toString();

    // REST query pages of 2000.
    timer.restart();
    QUrl next(base + QStringLiteral("/services/data/v59.0/query?q=")
              + QString::fromLatin1(QUrl::toPercentEncoding(QStringLiteral("SELECT %1 FROM Account").arg(QLatin1String(Fields)))));
    qint64 served = 0, bytes = 0;
    int pages = 0;
    while (true) {
        const Got g = fetch(nam, next, token);
        if (g.status != 200) {
            std::fprintf(stderr, "query page failed: %d %s\n", g.status, g.body.left(300).constData());
            return 1;
        }
        if (pages == 0 && QJsonDocument::fromJson(g.body).object().value(QStringLiteral("records")).toArray().size() != std::min(records, 2000)) {
            std::fprintf(stderr, "first page is not valid JSON with 2000 records\n");
            return 1;
        }
        ++pages;
        bytes += g.body.size();
        // Count records without parsing: one "attributes" per record.
        served += g.body.count("{\"attributes\":");
        const qsizetype at = g.body.indexOf("\"nextRecordsUrl\":\"");
        if (at < 0)
            break;
        const qsizetype start = at + 18;
        next = QUrl(base + QString::fromLatin1(g.body.mid(start, g.body.indexOf('"', start) - start)));
    }
    const double restSeconds = timer.elapsed() / 1000.0;
    std::printf("REST /query: %lld records in %d pages, %.1f MB, %.2f s -> %.0f records/s (%.0f MB/s)\n", served, pages,
                bytes / 1e6, restSeconds, served / restSeconds, bytes / 1e6 / restSeconds);

    // Bulk API 2.0: job, then CSV pages.
    timer.restart();
    const QByteArray job = QJsonDocument(QJsonObject{{QStringLiteral("operation"), QStringLiteral("query")},
                                                     {QStringLiteral("query"), QStringLiteral("SELECT %1 FROM Account").arg(QLatin1String(Fields))}})
                               .toJson(QJsonDocument::Compact);
    const Got created = fetch(nam, QUrl(base + QStringLiteral("/services/data/v59.0/jobs/query")), token, "POST", job);
    const QString id = QJsonDocument::fromJson(created.body).object().value(QStringLiteral("id")).toString();
    if (id.isEmpty()) {
        std::fprintf(stderr, "bulk job failed: %s\n", created.body.constData());
        return 1;
    }
    while (QJsonDocument::fromJson(fetch(nam, QUrl(base + QStringLiteral("/services/data/v59.0/jobs/query/") + id), token).body)
               .object().value(QStringLiteral("state")).toString() != QLatin1String("JobComplete")) {
    }
    const double jobSeconds = timer.elapsed() / 1000.0;
    timer.restart();
    QByteArray locator;
    served = 0;
    bytes = 0;
    pages = 0;
    do {
        QString url = base + QStringLiteral("/services/data/v59.0/jobs/query/%1/results?maxRecords=100000").arg(id);
        if (!locator.isEmpty())
            url += QStringLiteral("&locator=") + QString::fromLatin1(locator);
        const Got g = fetch(nam, QUrl(url), token);
        if (g.status != 200) {
            std::fprintf(stderr, "bulk results failed: %d %s\n", g.status, g.body.left(300).constData());
            return 1;
        }
        ++pages;
        bytes += g.body.size();
        served += g.numberOfRecords;
        locator = g.locator;
    } while (locator != "null");
    const double bulkSeconds = timer.elapsed() / 1000.0;
    std::printf("Bulk 2.0 CSV: job ready in %.2f s; %lld records in %d pages, %.1f MB, %.2f s -> %.0f records/s (%.0f MB/s)\n",
                jobSeconds, served, pages, bytes / 1e6, bulkSeconds, served / bulkSeconds, bytes / 1e6 / bulkSeconds);
    return 0;
}
