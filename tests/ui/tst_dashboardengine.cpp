// The main window against a running engine: a real EngineController on the
// PostgreSQL fixture and tether-sim. Rows fill from the engine and agree with
// the mirror (plain SQL); the slider changes the running limiter's rate; pause
// makes a row paused; the proxy's address is shown and copied; near the quota
// the shell notifies and the rows say they are paused for it.
#include "dashboard/activitylog.h"
#include "dashboard/dashboardpage.h"
#include "dashboard/orgheader.h"
#include "dashboard/ratelimitslider.h"
#include "dashboard/tablestatusmodel.h"
#include "desktopshell.h"
#include "grid/grideditor.h"
#include "grid/gridmodel.h"
#include "lifecycle/enginecontroller.h"
#include "mainwindow.h"
#include "simcontrol.h"
#include "simprocess.h"
#include "store/pgconnection.h"
#include "testpg.h"

#include <QAction>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QApplication>
#include <QClipboard>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSlider>
#include <QSortFilterProxyModel>
#include <QTabWidget>
#include <QTableView>
#include <QTest>

using namespace tether;
using lifecycle::EngineController;
using ui::TableStatusModel;

class TestDashboardEngine : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void rowsFillFromTheRunningEngine();
    void proxyAddressIsShownAndCopied();
    void sliderChangesTheRunningLimiter();
    void pauseAndResumeARow();
    void resyncAsksWithTheCost();
    void enterOpensTheTable();
    void cleanupTestCase();
    void quotaPauseNotifiesAndPausesRows();

private:
    // The source row of `object` in the window's view, selected and current.
    bool selectObject(ui::DashboardPage *page, const QString &object);
    static bool stop(EngineController &controller);

    std::unique_ptr<test::SimProcess> m_sim;
    std::unique_ptr<EngineController> m_controller;
    std::unique_ptr<ui::MainWindow> m_window;
    QString m_database;
};

bool TestDashboardEngine::stop(EngineController &controller)
{
    QSignalSpy stopped(&controller, &EngineController::stopped);
    controller.stop();
    return stopped.count() > 0 || stopped.wait(60000);
}

void TestDashboardEngine::initTestCase()
{
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    QSettings().clear();
    QString why;
    m_database = test::createScratchDatabase(QStringLiteral("tether_ui_dashboard"), &why);
    QVERIFY2(!m_database.isEmpty(), qPrintable(why));
    m_sim = std::make_unique<test::SimProcess>(QStringList{QStringLiteral("--generate"), QStringLiteral("Account=300,Contact=700")});
    QVERIFY2(m_sim->start(&why), qPrintable(why));

    lifecycle::EngineSettings settings = m_sim->engineSettings(m_database);
    settings.objects = {QStringLiteral("Account"), QStringLiteral("Contact")};
    settings.proxyPort = 0;
    m_controller = std::make_unique<EngineController>();
    m_controller->configure(settings, std::make_unique<lifecycle::ClientCredentialsLogin>());
    m_window = std::make_unique<ui::MainWindow>(m_controller.get());
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QSignalSpy caughtUp(m_controller.get(), &EngineController::caughtUp);
    m_controller->start();
    QVERIFY2(caughtUp.wait(120000) || caughtUp.count() > 0, qPrintable(m_controller->sentence()));
}

void TestDashboardEngine::rowsFillFromTheRunningEngine()
{
    TableStatusModel *model = m_window->dashboard()->model();
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 2, 10000);
    store::PgConnection db;
    QVERIFY(!db.open(m_database));
    for (const QString &object : {QStringLiteral("Account"), QStringLiteral("Contact")}) {
        const int row = model->rowOf(object);
        QVERIFY(row >= 0);
        const QString count = db.exec(QStringLiteral("SELECT count(*) FROM salesforce.%1").arg(object.toLower())).value(0, 0);
        QTRY_COMPARE_WITH_TIMEOUT(model->index(row, TableStatusModel::Rows).data().toString(),
                                  QLocale().toString(count.toLongLong()), 10000);
        QCOMPARE(model->index(row, TableStatusModel::Phase).data(TableStatusModel::PhaseRole).toInt(), int(sync::Phase::Polling));
        QCOMPARE(model->index(row, TableStatusModel::Progress).data().toString(), QStringLiteral("done"));
        QVERIFY(model->index(row, TableStatusModel::ApiCalls).data().toString().toDouble() >= 1);
    }
    // The header knows the org by its name (as the simulator answers a query for it) and says it is connected.
    QString why;
    const QByteArray token = m_sim->fetchAccessToken(&why);
    QVERIFY2(!token.isEmpty(), qPrintable(why));
    test::SimControl control(m_sim->baseUrl(), token);
    const QJsonArray orgs = control.request("GET", control.dataPath() + QStringLiteral("/query?q=SELECT+Name+FROM+Organization"))
                                .json().object().value(QLatin1String("records")).toArray();
    QCOMPARE(orgs.size(), 1);
    const QString orgName = orgs.at(0).toObject().value(QLatin1String("Name")).toString();
    QVERIFY(!orgName.isEmpty());
    auto *orgLabel = m_window->findChild<QLabel *>(QStringLiteral("orgName"));
    QVERIFY(orgLabel);
    QTRY_COMPARE_WITH_TIMEOUT(orgLabel->text(), orgName, 10000);
    // A client-credentials login names no user; the header asks the identity service, as the sim answers it.
    const QString username = control.request("GET", QStringLiteral("/services/oauth2/userinfo")).json().object()
                                 .value(QLatin1String("preferred_username")).toString();
    QVERIFY(!username.isEmpty());
    auto *details = m_window->findChild<QLabel *>(QStringLiteral("orgDetails"));
    QTRY_VERIFY2_WITH_TIMEOUT(details->text().startsWith(QStringLiteral("User: %1").arg(username)), qPrintable(details->text()), 10000);
    QCOMPARE(m_window->dashboard()->header()->connection(), ui::OrgHeader::Connection::Connected);
    QTRY_VERIFY_WITH_TIMEOUT(m_controller->apiBudget()->max() > 0, 10000);
    QVERIFY(m_window->dashboard()->activity()->text().contains(QStringLiteral("The backfill of Account is complete.")));
}

void TestDashboardEngine::proxyAddressIsShownAndCopied()
{
    QTRY_VERIFY_WITH_TIMEOUT(m_controller->proxyPort() > 0, 30000);
    const QString address = QStringLiteral("%1:%2").arg(m_controller->proxyHost()).arg(m_controller->proxyPort());
    QTRY_VERIFY2_WITH_TIMEOUT(m_window->dashboard()->header()->proxyText().contains(address),
                              qPrintable(m_window->dashboard()->header()->proxyText()), 10000);
    auto *copy = m_window->findChild<QPushButton *>(QStringLiteral("copyConnectionString"));
    QVERIFY(copy && copy->isEnabled());
    copy->click();
    const QString copied = QApplication::clipboard()->text();
    QCOMPARE(copied, m_controller->proxyConnectionString());
    // What was copied really connects through the proxy to the mirror.
    store::PgConnection client;
    const store::PgError error = client.open(copied);
    QVERIFY2(!error, qPrintable(error.toString()));
    QCOMPARE(client.port(), int(m_controller->proxyPort()));
    auto *copyPsql = m_window->findChild<QPushButton *>(QStringLiteral("copyPsqlCommand"));
    copyPsql->click();
    QCOMPARE(QApplication::clipboard()->text(), m_controller->proxyPsqlCommand());
}

void TestDashboardEngine::sliderChangesTheRunningLimiter()
{
    salesforce::RateLimiter *limiter = m_controller->rateLimiter();
    QVERIFY(limiter);
    QCOMPARE(limiter->requestsPerSecond(), 20.0);
    auto *handle = m_window->findChild<QSlider *>(QStringLiteral("rateSlider"));
    QVERIFY(handle);
    QCOMPARE(handle->value(), int(ui::RateLimitSlider::stops().indexOf(20.0)));
    QSignalSpy rateChanged(m_window.get(), &ui::MainWindow::rateChanged);
    handle->setFocus();
    QTest::keyClick(handle, Qt::Key_Left); // 20 -> 10 per second
    QCOMPARE(rateChanged.count(), 1);
    QCOMPARE(rateChanged.last().at(0).toDouble(), 10.0);
    QCOMPARE(limiter->requestsPerSecond(), 10.0);
    QCOMPARE(QSettings().value(ui::MainWindow::rateSettingsKey()).toDouble(), 10.0);
    QTest::keyClick(handle, Qt::Key_Home); // 1 request per minute
    QVERIFY(qAbs(limiter->interval().count() - 60000000) <= 1);
    // Back to a pace the remaining tests can live with.
    QTest::keyClick(handle, Qt::Key_End);
    QVERIFY(limiter->requestsPerSecond() > 1000);
    m_window->rateSlider()->setRequestsPerSecond(20);
    m_controller->setRequestsPerSecond(20);
}

bool TestDashboardEngine::selectObject(ui::DashboardPage *page, const QString &object)
{
    QAbstractItemModel *view = page->tableView()->model();
    for (int row = 0; row < view->rowCount(); ++row) {
        if (view->index(row, 0).data(TableStatusModel::ObjectNameRole).toString() == object) {
            page->tableView()->setCurrentIndex(view->index(row, 0));
            return page->currentObject() == object;
        }
    }
    return false;
}

void TestDashboardEngine::pauseAndResumeARow()
{
    ui::DashboardPage *page = m_window->dashboard();
    QVERIFY(selectObject(page, QStringLiteral("Contact")));
    auto *pause = page->findChild<QAction *>(QStringLiteral("pauseAction"));
    QVERIFY(pause);
    QCOMPARE(pause->text(), QStringLiteral("Pause"));
    pause->trigger();
    TableStatusModel *model = page->model();
    const int row = model->rowOf(QStringLiteral("Contact"));
    QTRY_COMPARE_WITH_TIMEOUT(model->index(row, TableStatusModel::Phase).data().toString(), QStringLiteral("Paused"), 10000);
    QVERIFY(model->index(row, 0).data(TableStatusModel::PausedByPersonRole).toBool());
    QCOMPARE(pause->text(), QStringLiteral("Resume"));
    // The engine's own record agrees, not just the window.
    store::PgConnection db;
    QVERIFY(!db.open(m_database));
    QTRY_COMPARE_WITH_TIMEOUT(db.exec(QStringLiteral("SELECT phase FROM tether.sync_status WHERE object = 'Contact'")).value(0, 0),
                              QStringLiteral("paused"), 10000);
    // The other table keeps syncing.
    QCOMPARE(model->status(QStringLiteral("Account")).phase, sync::Phase::Polling);
    pause->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(model->index(row, TableStatusModel::Phase).data(TableStatusModel::PhaseRole).toInt(),
                              int(sync::Phase::Polling), 20000);
    QCOMPARE(pause->text(), QStringLiteral("Pause"));
}

void TestDashboardEngine::resyncAsksWithTheCost()
{
    ui::DashboardPage *page = m_window->dashboard();
    QVERIFY(selectObject(page, QStringLiteral("Account")));
    QString asked;
    page->setConfirmation([&asked](const QString &, const QString &text) {
        asked = text;
        return false; // declined: nothing happens
    });
    QSignalSpy statuses(m_controller.get(), &EngineController::tableStatusChanged);
    page->findChild<QAction *>(QStringLiteral("resyncAction"))->trigger();
    QVERIFY2(asked.contains(QStringLiteral("about 2 API calls")), qPrintable(asked)); // 300 records: 1 page + COUNT()
    QVERIFY2(asked.contains(QStringLiteral("300 records of Account")), qPrintable(asked));
    QCOMPARE(page->model()->status(QStringLiteral("Account")).phase, sync::Phase::Polling);
    page->setConfirmation([](const QString &, const QString &) { return true; });
}

void TestDashboardEngine::enterOpensTheTable()
{
    ui::DashboardPage *page = m_window->dashboard();
    QVERIFY(selectObject(page, QStringLiteral("Account")));
    QSignalSpy open(m_window.get(), &ui::MainWindow::openTableRequested);
    page->tableView()->setFocus();
    QTest::keyClick(page->tableView(), Qt::Key_Return);
    QCOMPARE(open.count(), 1);
    QCOMPARE(open.first().at(0).toString(), QStringLiteral("Account"));

    // The table opens in a grid tab that reads through the proxy.
    QTabWidget *tabs = m_window->tabs();
    QCOMPARE(tabs->count(), 2);
    auto *grid = qobject_cast<ui::GridEditor *>(tabs->currentWidget());
    QVERIFY(grid);
    QTRY_VERIFY_WITH_TIMEOUT(grid->model()->rowCount() > 0, 30000);
    // Asking again shows the same tab.
    page->tableView()->setFocus();
    QTest::keyClick(page->tableView(), Qt::Key_Return);
    QCOMPARE(tabs->count(), 2);
    QCOMPARE(tabs->currentWidget(), grid);
    // Nothing staged: closing asks nothing.
    emit tabs->tabCloseRequested(1);
    QCOMPARE(tabs->count(), 1);
}

void TestDashboardEngine::cleanupTestCase()
{
    if (m_controller)
        QVERIFY(stop(*m_controller));
    m_window.reset();
    m_controller.reset();
    m_sim.reset();
}

void TestDashboardEngine::quotaPauseNotifiesAndPausesRows()
{
    // cleanupTestCase ran for the shared engine; this one has its own org
    // whose daily limit is tiny, so the quota guard (80%) trips during backfill.
    QString why;
    const QString database = test::createScratchDatabase(QStringLiteral("tether_ui_quota"), &why);
    QVERIFY2(!database.isEmpty(), qPrintable(why));
    test::SimProcess sim({QStringLiteral("--generate"), QStringLiteral("Account=6000"), QStringLiteral("--daily-limit"),
                          QStringLiteral("10")});
    QVERIFY2(sim.start(&why), qPrintable(why));
    lifecycle::EngineSettings settings = sim.engineSettings(database);
    settings.objects = {QStringLiteral("Account")};
    settings.proxyEnabled = false;
    EngineController controller;
    controller.configure(settings, std::make_unique<lifecycle::ClientCredentialsLogin>());
    ui::MainWindow window(&controller);
    DesktopShell shell(&controller, &window);
    window.show();
    QSignalSpy notified(&shell, &DesktopShell::notified);
    controller.start();
    auto sawPauseNotice = [&notified] {
        for (const QList<QVariant> &args : notified) {
            if (args.at(0).toString() == QStringLiteral("Sync paused for the API quota"))
                return true;
        }
        return false;
    };
    QTRY_VERIFY2_WITH_TIMEOUT(sawPauseNotice(), qPrintable(controller.sentence()), 120000);
    TableStatusModel *model = window.dashboard()->model();
    const int row = model->rowOf(QStringLiteral("Account"));
    QVERIFY(row >= 0);
    QTRY_COMPARE_WITH_TIMEOUT(model->index(row, TableStatusModel::Phase).data().toString(),
                              QStringLiteral("Paused for the quota"), 20000);
    QVERIFY(window.dashboard()->activity()->text().contains(QStringLiteral("Sync paused: the org is close to its daily API limit")));
    QVERIFY(controller.apiBudget()->usedShare() >= 0.8);
    QVERIFY(shell.statusText().contains(QStringLiteral("1 paused")));
    QVERIFY(stop(controller));
}

QTEST_MAIN(TestDashboardEngine)
#include "tst_dashboardengine.moc"
