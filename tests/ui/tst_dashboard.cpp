// The dashboard's parts without an engine: the table model turns TableStatus
// values into words, progress and an ETA from the API budget; the rate slider
// says its rate both ways; the API usage panel splits Tether from the others.
#include "dashboard/apiusagepanel.h"
#include "dashboard/dashboardpage.h"
#include "dashboard/ratelimitslider.h"
#include "dashboard/tablestatusmodel.h"

#include <QSignalSpy>
#include <QSlider>
#include <QSortFilterProxyModel>
#include <QTest>

using namespace tether;
using ui::TableStatusModel;

class TestDashboard : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates)); }
    void rowsAreUpdatedInPlace();
    void etaFollowsTheApiBudget();
    void relativeTimesAge();
    void rateIsLabelledBothWays();
    void sliderKeyboardChoosesStops();
    void usageSplitsTetherFromOtherIntegrations();
    void resyncEstimateFollowsTheBulkThreshold();
};

namespace {
sync::TableStatus backfilling(const QString &object, qint64 done, qint64 total, double calls)
{
    sync::TableStatus s;
    s.objectName = object;
    s.tableName = QStringLiteral("salesforce.") + object.toLower();
    s.phase = sync::Phase::Backfilling;
    s.backfillMethod = QStringLiteral("rest");
    s.rowsDone = done;
    s.rowsTotal = total;
    s.rowsInTable = done;
    s.apiCalls = calls;
    return s;
}
} // namespace

void TestDashboard::rowsAreUpdatedInPlace()
{
    TableStatusModel model;
    model.showTableStatus(backfilling(QStringLiteral("Account"), 250, 1000, 1));
    sync::TableStatus contact;
    contact.objectName = QStringLiteral("Contact");
    contact.phase = sync::Phase::Polling;
    contact.rowsInTable = 42;
    contact.lastPoll = QDateTime::currentDateTimeUtc();
    model.showTableStatus(contact);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(0, TableStatusModel::Phase).data().toString(), QStringLiteral("Backfilling"));
    QVERIFY(model.index(0, TableStatusModel::Progress).data().toString().startsWith(QStringLiteral("250 of 1,000")));
    QCOMPARE(model.index(0, TableStatusModel::Progress).data(TableStatusModel::ProgressRole).toDouble(), 0.25);
    QVERIFY(!model.index(0, TableStatusModel::Phase).data(Qt::DecorationRole).value<QIcon>().isNull());
    QCOMPARE(model.index(1, TableStatusModel::Rows).data().toString(), QStringLiteral("42"));

    sync::TableStatus paused = backfilling(QStringLiteral("Account"), 250, 1000, 1);
    paused.phase = sync::Phase::Paused;
    paused.lastError = QStringLiteral("Paused: Tether's share of the daily API quota is used up.");
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.showTableStatus(paused);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(model.index(0, TableStatusModel::Phase).data().toString(), QStringLiteral("Paused for the quota"));
    QCOMPARE(model.index(0, TableStatusModel::LastError).data().toString(), paused.lastError);
    QVERIFY(model.index(0, 0).data(TableStatusModel::ErrorDetailsRole).toString().contains(paused.lastError));
    paused.pausedByPerson = true;
    model.showTableStatus(paused);
    QCOMPARE(model.index(0, TableStatusModel::Phase).data().toString(), QStringLiteral("Paused"));

    // Filtering keeps only matching rows; sorting by rows is numeric.
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.setSortRole(TableStatusModel::SortRole);
    proxy.setFilterKeyColumn(-1);
    proxy.setFilterCaseSensitivity(Qt::CaseInsensitive);
    proxy.setFilterFixedString(QStringLiteral("cont"));
    QCOMPARE(proxy.rowCount(), 1);
    QCOMPARE(proxy.index(0, 0).data().toString(), QStringLiteral("Contact"));
    proxy.setFilterFixedString({});
    proxy.sort(TableStatusModel::Rows, Qt::DescendingOrder);
    QCOMPARE(proxy.index(0, 0).data().toString(), QStringLiteral("Account")); // 250 > 42

    model.removeTables({QStringLiteral("Account")});
    QCOMPARE(model.rowCount(), 1);
}

void TestDashboard::etaFollowsTheApiBudget()
{
    TableStatusModel model;
    // 4,000 of 10,000 records in 2 calls: 2,000 per call, 3 calls left.
    sync::TableStatus s = backfilling(QStringLiteral("Account"), 4000, 10000, 2);
    s.etaSeconds = 1; // the engine's own guess knows nothing of the limiter
    model.setBudget(1.0 / 3.0, 1000);
    QCOMPARE(model.etaSeconds(s), qint64(9)); // 3 calls at 1 every 3 s
    model.setBudget(1.0, 1000);
    QCOMPARE(model.etaSeconds(s), qint64(3));
    // Fewer calls left before the quota guard than the backfill needs.
    model.setBudget(1.0, 2);
    QCOMPARE(model.etaSeconds(s), qint64(-2));
    model.showTableStatus(s);
    QVERIFY2(model.index(0, TableStatusModel::Progress).data().toString().contains(QStringLiteral("waits for quota")),
             qPrintable(model.index(0, TableStatusModel::Progress).data().toString()));
    model.setBudget(1.0 / 3.0, -1);
    QCOMPARE(model.index(0, TableStatusModel::Progress).data().toString(), QStringLiteral("4,000 of 10,000 · 9 s left"));
}

void TestDashboard::relativeTimesAge()
{
    const QDateTime now = QDateTime::fromString(QStringLiteral("2026-01-05T10:00:00Z"), Qt::ISODate);
    QCOMPARE(TableStatusModel::agoText(now.addSecs(-12), now), QStringLiteral("12 s ago"));
    QCOMPARE(TableStatusModel::agoText(now.addSecs(-185), now), QStringLiteral("3 min ago"));
    QCOMPARE(TableStatusModel::agoText(now, now), QStringLiteral("just now"));
    QCOMPARE(TableStatusModel::agoText({}, now), QStringLiteral("never"));
    TableStatusModel model;
    model.setNowForTesting(now);
    sync::TableStatus s;
    s.objectName = QStringLiteral("Lead");
    s.phase = sync::Phase::Polling;
    s.lastPoll = now.addSecs(-12);
    model.showTableStatus(s);
    QCOMPARE(model.index(0, TableStatusModel::LastPoll).data().toString(), QStringLiteral("12 s ago"));
    QCOMPARE(model.index(0, TableStatusModel::Freshness).data().toString(), QStringLiteral("within 12 s"));
}

void TestDashboard::rateIsLabelledBothWays()
{
    QCOMPARE(ui::RateLimitSlider::describe(1.0 / 3.0, 150000),
             QStringLiteral("1 request every 3 s · ≈ 28,800 a day · 19% of your daily quota"));
    QCOMPARE(ui::RateLimitSlider::describe(1.0 / 60.0, -1), QStringLiteral("1 request per minute · ≈ 1,440 a day"));
    QCOMPARE(ui::RateLimitSlider::describe(5, 15000),
             QStringLiteral("5 requests per second · ≈ 432,000 a day · more than your daily quota of 15,000"));
    QVERIFY(ui::RateLimitSlider::describe(ui::RateLimitSlider::UnlimitedRequestsPerSecond, 15000).startsWith(QStringLiteral("Unlimited")));
}

void TestDashboard::sliderKeyboardChoosesStops()
{
    ui::RateLimitSlider slider;
    slider.setRequestsPerSecond(1.0 / 3.0);
    QSignalSpy chosen(&slider, &ui::RateLimitSlider::rateChosen);
    auto *handle = slider.findChild<QSlider *>(QStringLiteral("rateSlider"));
    QVERIFY(handle);
    QTest::keyClick(handle, Qt::Key_Home);
    QCOMPARE(chosen.count(), 1);
    QCOMPARE(chosen.last().at(0).toDouble(), 1.0 / 60.0);
    QTest::keyClick(handle, Qt::Key_End);
    QCOMPARE(chosen.last().at(0).toDouble(), ui::RateLimitSlider::UnlimitedRequestsPerSecond);
    // Set from code (the limiter's own rate): no signal back.
    slider.setRequestsPerSecond(2.0);
    QCOMPARE(chosen.count(), 2);
    QCOMPARE(handle->value(), int(ui::RateLimitSlider::stops().indexOf(2.0)));
}

void TestDashboard::usageSplitsTetherFromOtherIntegrations()
{
    ui::ApiUsagePanel panel;
    const QDateTime t0 = QDateTime::fromString(QStringLiteral("2026-01-05T10:00:05Z"), Qt::ISODate);
    panel.setCalls(salesforce::ApiCategory::Backfill, 10);
    panel.setUsage(1000, 15000); // first header: 1,000 used before (anyone's)
    QCOMPARE(panel.otherCalls(), qint64(0));
    panel.sample(t0);
    panel.setCalls(salesforce::ApiCategory::Backfill, 25);
    panel.setCalls(salesforce::ApiCategory::Poll, 5);
    panel.setUsage(1050, 15000); // +50 in the org, +20 of them Tether's
    QCOMPARE(panel.tetherCalls(), qint64(30));
    QCOMPARE(panel.otherCalls(), qint64(30));
    panel.sample(t0.addSecs(20));
    const auto minutes = panel.perMinute();
    QCOMPARE(minutes.size(), 1);
    QCOMPARE(minutes.first().first, qint64(20));
    QCOMPARE(minutes.first().second, qint64(30));
    // An hour later the old minute has left the chart.
    panel.sample(t0.addSecs(3700));
    QVERIFY(panel.perMinute().size() <= 1);
    QCOMPARE(panel.perMinute().value(0).first, qint64(0));
}

void TestDashboard::resyncEstimateFollowsTheBulkThreshold()
{
    sync::TableStatus small;
    small.rowsInTable = 4500;
    QCOMPARE(ui::DashboardPage::backfillCallEstimate(small), qint64(4)); // 3 REST pages + COUNT()
    sync::TableStatus large;
    large.rowsInTable = 250000;
    QCOMPARE(ui::DashboardPage::backfillCallEstimate(large), qint64(8)); // job (~4) + 3 result pages + COUNT()
}

QTEST_MAIN(TestDashboard)
#include "tst_dashboard.moc"
