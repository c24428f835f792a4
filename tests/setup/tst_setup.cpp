// The desktop app's setup, end to end against tether-sim and the fixture
// PostgreSQL, inside a private Secret Service (with-keyring.sh): the assistant
// logs in through the loopback redirect while the test plays the browser,
// tests a database connection that fails and one that works, counts the
// org's objects and estimates the backfill; the engine starts from its
// choices; the next start goes straight through with the token in the
// keychain; the settings dialog refuses what cannot work, persists and
// applies the rest; a revoked token brings back only the login page.
//
// With TETHER_SCREENSHOT_DIR set (see scripts/screenshots-setup) every page
// and the settings dialog are also saved as PNGs there.
#include "desktopstart.h"
#include "lifecycle/desktopsettings.h"
#include "lifecycle/enginecontroller.h"
#include "salesforce/apibudget.h"
#include "salesforce/ratelimiter.h"
#include "salesforce/tokenstore.h"
#include "settings/settingsdialog.h"
#include "setup/backfillestimate.h"
#include "setup/objectspage.h"
#include "setup/setupassistant.h"
#include "simcontrol.h"
#include "simprocess.h"
#include "store/pgconnection.h"
#include "testpg.h"

#include <QAbstractButton>
#include <QApplication>
#include <QPalette>
#include <QCheckBox>
#include <QComboBox>
#include <QDesktopServices>
#include <QDialogButtonBox>
#include <QGroupBox>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSlider>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

using namespace tether;
using lifecycle::DesktopChoices;
using lifecycle::DesktopSettings;
using lifecycle::EngineController;
using ui::SetupAssistant;
using State = EngineController::State;

// QDesktopServices hands the login URL here instead of to a real browser.
class BrowserCapture : public QObject
{
    Q_OBJECT
public:
    QList<QUrl> opened;
public slots:
    void openUrl(const QUrl &url) { opened.append(url); }
};

class TestSetup : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void estimatesInWords();
    void loginTimesOutWithASentence();
    void demoSkipsTheObjects();
    void assistantEndToEnd();
    void secondStartGoesStraightThrough();
    void addObjectsShowsOnlyThePicker();
    void settingsRefusedPersistedAndApplied();
    void revokedTokenBringsBackOnlyTheLoginPage();
    void cleanupTestCase();

private:
    struct Browse
    {
        int status = 0;
        QByteArray location;
        QByteArray body;
    };
    Browse get(const QUrl &url);
    // Plays the browser for the login the page just started: authorize, then the loopback redirect.
    bool playBrowser(QString *why);
    void tweak(SetupAssistant *assistant);
    void shoot(QWidget *widget, const QString &name);
    QString fixtureValue(const QString &key) const;
    static QString settingsFileText();
    bool waitForState(EngineController &controller, State state, int ms = 120000);

    std::unique_ptr<test::SimProcess> m_sim;
    std::unique_ptr<test::SimControl> m_control;
    QNetworkAccessManager m_nam;
    BrowserCapture m_browser;
    QString m_fixture;
    QString m_database; // the scratch database the mirror goes to
    QTemporaryDir m_dataDir;
    const QString m_keychainService = QStringLiteral("Tether setup test");
    const QString m_schema = QStringLiteral("sf_setup");
    const QString m_password = QStringLiteral("pg-secret-%1").arg(QCoreApplication::applicationPid());
    QString m_screenshots;
};

void TestSetup::initTestCase()
{
    QVERIFY2(!qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"), "run through tests/salesforce/with-keyring.sh");
    m_screenshots = qEnvironmentVariable("TETHER_SCREENSHOT_DIR");
    if (qEnvironmentVariableIsSet("TETHER_SCREENSHOT_DARK")) {
        // To look at the pages in a dark palette too.
        QApplication::setStyle(QStringLiteral("Fusion"));
        QPalette dark;
        dark.setColor(QPalette::Window, QColor(45, 45, 48));
        dark.setColor(QPalette::WindowText, QColor(230, 230, 230));
        dark.setColor(QPalette::Base, QColor(30, 30, 30));
        dark.setColor(QPalette::AlternateBase, QColor(40, 40, 44));
        dark.setColor(QPalette::Text, QColor(230, 230, 230));
        dark.setColor(QPalette::Button, QColor(55, 55, 60));
        dark.setColor(QPalette::ButtonText, QColor(230, 230, 230));
        dark.setColor(QPalette::Highlight, QColor(42, 130, 218));
        dark.setColor(QPalette::PlaceholderText, QColor(140, 140, 140));
        dark.setColor(QPalette::Disabled, QPalette::Text, QColor(120, 120, 120));
        dark.setColor(QPalette::Disabled, QPalette::WindowText, QColor(120, 120, 120));
        dark.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(120, 120, 120));
        QApplication::setPalette(dark);
    }
    QString why;
    m_fixture = test::fixtureConnectionString(&why);
    QVERIFY2(!m_fixture.isEmpty(), qPrintable(why));
    QVERIFY2(!test::createScratchDatabase(QStringLiteral("tether_setup"), &why).isEmpty(), qPrintable(why));
    m_database = QStringLiteral("tether_setup");
    m_sim = std::make_unique<test::SimProcess>(QStringList{QStringLiteral("--auto-approve"), QStringLiteral("--generate"),
                                                           QStringLiteral("Account=40,Contact=90,Opportunity=12")});
    QVERIFY2(m_sim->start(&why), qPrintable(why));
    const QByteArray token = m_sim->fetchAccessToken(&why);
    QVERIFY2(!token.isEmpty(), qPrintable(why));
    m_control = std::make_unique<test::SimControl>(m_sim->baseUrl(), token);
    QDesktopServices::setUrlHandler(QStringLiteral("http"), &m_browser, "openUrl");
    QDesktopServices::setUrlHandler(QStringLiteral("https"), &m_browser, "openUrl");
    QVERIFY(m_dataDir.isValid());

    // A clean slate: no choices yet; the proxy on a free port (suites run side by side).
    QCoreApplication::setOrganizationName(QStringLiteral("TetherSetupTest"));
    DesktopSettings::clear();
    DesktopChoices fresh;
    fresh.engine.proxyPort = 0;
    DesktopSettings::save(fresh);
}

void TestSetup::cleanupTestCase()
{
    QDesktopServices::unsetUrlHandler(QStringLiteral("http"));
    QDesktopServices::unsetUrlHandler(QStringLiteral("https"));
}

QString TestSetup::fixtureValue(const QString &key) const
{
    for (const QString &part : m_fixture.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        if (part.startsWith(key + QLatin1Char('=')))
            return part.mid(key.size() + 1);
    }
    return {};
}

QString TestSetup::settingsFileText()
{
    QSettings().sync();
    QFile file(DesktopSettings::fileName());
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll());
}

bool TestSetup::waitForState(EngineController &controller, State state, int ms)
{
    return QTest::qWaitFor([&] { return controller.state() == state; }, ms);
}

TestSetup::Browse TestSetup::get(const QUrl &url)
{
    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    QNetworkReply *reply = m_nam.get(request);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    Browse b;
    if (!reply->isFinished() && !finished.wait(20000)) {
        delete reply;
        return b;
    }
    b.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    b.location = reply->rawHeader("Location");
    b.body = reply->readAll();
    delete reply;
    return b;
}

bool TestSetup::playBrowser(QString *why)
{
    if (m_browser.opened.size() != 1) {
        *why = QStringLiteral("the browser was opened %1 times").arg(m_browser.opened.size());
        return false;
    }
    const Browse page = get(m_browser.opened.takeFirst());
    if (page.status != 302) {
        *why = QStringLiteral("authorize answered %1: %2").arg(page.status).arg(QString::fromUtf8(page.body));
        return false;
    }
    const Browse landing = get(QUrl(QString::fromUtf8(page.location)));
    if (landing.status != 200) {
        *why = QStringLiteral("the loopback page answered %1: %2").arg(landing.status).arg(QString::fromUtf8(landing.body));
        return false;
    }
    return true;
}

void TestSetup::tweak(SetupAssistant *assistant)
{
    // The sim's second registered callback: port 1717 stays free for the session suite.
    assistant->setRedirect(8765, QStringLiteral("/callback"));
}

void TestSetup::shoot(QWidget *widget, const QString &name)
{
    if (m_screenshots.isEmpty())
        return;
    QDir().mkpath(m_screenshots);
    QCoreApplication::processEvents();
    widget->grab().save(QDir(m_screenshots).filePath(name + QStringLiteral(".png")));
}

// --- the words -------------------------------------------------------------------------

void TestSetup::estimatesInWords()
{
    // Hand-computed from the engine's thresholds: REST pages of 2,000 up to
    // 10,000 records, above that a Bulk job (4 calls + 1 per 100,000).
    QCOMPARE(ui::backfillCalls(qint64(0)), 1);
    QCOMPARE(ui::backfillCalls(qint64(2000)), 1);
    QCOMPARE(ui::backfillCalls(qint64(2001)), 2);
    QCOMPARE(ui::backfillCalls(qint64(10000)), 5);
    QCOMPARE(ui::backfillCalls(qint64(300000)), 7);
    // 3 objects: 1 COUNT() call + 3 describes + (1 + 1 + 7).
    QCOMPARE(ui::backfillCalls(QList<qint64>{40, 90, 300000}), 1 + 3 + 1 + 1 + 7);
    QCOMPARE(ui::describeBackfill(1, 1), QStringLiteral("≈ 1 call, about 1 s at 1 request per second"));
    QCOMPARE(ui::describeBackfill(14, 1.0 / 3), QStringLiteral("≈ 14 calls, about 42 s at 1 request every 3 s"));
    QCOMPARE(ui::describeRate(1.0 / 3, 150000),
             QStringLiteral("1 request every 3 s · ≈ 28,800 a day · 19% of your daily quota"));
    QCOMPARE(ui::describeRate(1.0 / 60, 0), QStringLiteral("1 request a minute · ≈ 1,440 a day"));
    QCOMPARE(ui::rateWords(2), QStringLiteral("2 requests per second"));
    QCOMPARE(ui::rateWords(ui::UnlimitedRequestsPerSecond), QStringLiteral("unlimited"));
    QCOMPARE(ui::rateStepIndex(1.0 / 3), 5);
}

// --- the assistant -----------------------------------------------------------------------

void TestSetup::loginTimesOutWithASentence()
{
    SetupAssistant assistant(DesktopChoices{}, nullptr, SetupAssistant::Mode::Full);
    tweak(&assistant);
    assistant.setLoginTimeoutMs(1500);
    assistant.show();
    auto *domain = assistant.findChild<QLineEdit *>(QStringLiteral("domain"));
    auto *hostError = assistant.findChild<QLabel *>(QStringLiteral("hostError"));
    auto *login = assistant.findChild<QPushButton *>(QStringLiteral("logIn"));
    QVERIFY(domain && hostError && login);

    // Validated as typed: http only for loopback hosts.
    assistant.findChild<QRadioButton *>(QStringLiteral("myDomain"))->setChecked(true);
    domain->setText(QStringLiteral("http://acme.example.com"));
    QVERIFY(hostError->isVisibleTo(&assistant));
    QVERIFY(!login->isEnabled());
    domain->setText(m_sim->baseUrl().toString());
    // The address is fine now; what is left is the consumer key where the build has none of its own.
    QCOMPARE(hostError->isVisibleTo(&assistant), lifecycle::builtInClientId().isEmpty());
    auto *advanced = assistant.findChild<QGroupBox *>(QStringLiteral("advanced"));
    if (lifecycle::builtInClientId().isEmpty()) {
        // A build without a connected app of its own (TETHER_OAUTH_CLIENT_ID empty, as here) says so and asks for one.
        QVERIFY(!advanced->isCheckable());
        QVERIFY(advanced->title().contains(QStringLiteral("has none of its own")));
        QVERIFY(!login->isEnabled());
        QVERIFY2(hostError->text().startsWith(QStringLiteral("Paste the consumer key of a connected app in your org")),
                 qPrintable(hostError->text()));
    } else {
        QVERIFY(advanced->isCheckable());
        QVERIFY(login->isEnabled()); // the build's own connected app
        advanced->setChecked(true);
    }
    QVERIFY(!login->isEnabled()); // the person's own app needs its consumer key
    assistant.findChild<QLineEdit *>(QStringLiteral("consumerKey"))->setText(QString::fromLatin1(test::SimProcess::DefaultClientId));
    QVERIFY(login->isEnabled());

    m_browser.opened.clear();
    QTest::mouseClick(login, Qt::LeftButton);
    auto *status = assistant.findChild<QLabel *>(QStringLiteral("loginStatus"));
    auto *cancel = assistant.findChild<QPushButton *>(QStringLiteral("cancelLogin"));
    QVERIFY(status->text().contains(QStringLiteral("Waiting for you to log in")));
    QVERIFY(cancel->isVisibleTo(&assistant));
    QCOMPARE(m_browser.opened.size(), 1);
    QVERIFY(!assistant.button(QWizard::NextButton)->isEnabled());
    // Nobody logs in: the page says so and offers the login again.
    QTRY_VERIFY_WITH_TIMEOUT(status->text().contains(QStringLiteral("not completed in the browser")), 15000);
    QVERIFY(login->isVisibleTo(&assistant));
    QVERIFY(!cancel->isVisibleTo(&assistant));

    // Cancel is a sentence too, not an error.
    m_browser.opened.clear();
    QTest::mouseClick(login, Qt::LeftButton);
    QTest::mouseClick(cancel, Qt::LeftButton);
    QVERIFY(status->text().contains(QStringLiteral("cancelled")));
    m_browser.opened.clear();
}

void TestSetup::demoSkipsTheObjects()
{
    SetupAssistant assistant(DesktopChoices{}, nullptr, SetupAssistant::Mode::Full);
    assistant.show();
    QVERIFY(!assistant.button(QWizard::NextButton)->isEnabled());
    QTest::mouseClick(assistant.findChild<QPushButton *>(QStringLiteral("demo")), Qt::LeftButton);
    QCOMPARE(assistant.currentId(), int(SetupAssistant::DatabasePageId));
    assistant.next(); // managed database, schema salesforce: usable as they are
    QCOMPARE(assistant.currentId(), int(SetupAssistant::RatePageId));
    const DesktopChoices chosen = assistant.choices();
    QVERIFY(chosen.engine.demo);
    QVERIFY(chosen.managedDatabase);
    QVERIFY(chosen.engine.objects.isEmpty()); // the demo org's default selection
    QVERIFY(chosen.engine.hasOrg());
}

void TestSetup::assistantEndToEnd()
{
    EngineController controller;
    lifecycle::EngineSettings base;
    base.dataDir = m_dataDir.path();
    controller.configure(base, nullptr);
    DesktopStart start(&controller, m_keychainService);
    start.setAssistantTweaks([this](SetupAssistant *a) { tweak(a); });
    QSignalSpy ready(&start, &DesktopStart::readyForMainWindow);
    start.begin();
    SetupAssistant *assistant = start.assistant();
    QVERIFY2(assistant, "the first start shows the assistant");
    QVERIFY(ready.isEmpty());
    QVERIFY(QTest::qWaitForWindowExposed(assistant));
    QCOMPARE(assistant->currentId(), int(SetupAssistant::SalesforcePageId));
    shoot(assistant, QStringLiteral("setup-1-salesforce"));

    // Salesforce: the sim as a My Domain, its connected app under Advanced; the test plays the browser.
    assistant->findChild<QLineEdit *>(QStringLiteral("domain"))->setText(m_sim->baseUrl().toString());
    assistant->findChild<QRadioButton *>(QStringLiteral("myDomain"))->setChecked(true);
    assistant->findChild<QGroupBox *>(QStringLiteral("advanced"))->setChecked(true);
    assistant->findChild<QLineEdit *>(QStringLiteral("consumerKey"))->setText(QString::fromLatin1(test::SimProcess::DefaultClientId));
    m_browser.opened.clear();
    QTest::mouseClick(assistant->findChild<QPushButton *>(QStringLiteral("logIn")), Qt::LeftButton);
    shoot(assistant, QStringLiteral("setup-2-waiting"));
    QString why;
    QVERIFY2(playBrowser(&why), qPrintable(why));
    auto *status = assistant->findChild<QLabel *>(QStringLiteral("loginStatus"));
    // User, org name (as the simulator answers a query for it), org Id and instance.
    const QString orgName = m_control->request("GET", m_control->dataPath() + QStringLiteral("/query?q=SELECT+Name+FROM+Organization"))
                                .json().object().value(QLatin1String("records")).toArray().at(0).toObject()
                                .value(QLatin1String("Name")).toString();
    QVERIFY(!orgName.isEmpty());
    QTRY_VERIFY2_WITH_TIMEOUT(status->text().startsWith(QStringLiteral("Logged in as admin@tether.sim to %1 (org 00D").arg(orgName)),
                              qPrintable(status->text()), 20000);
    QVERIFY(status->text().contains(QStringLiteral("127.0.0.1")));
    QVERIFY(assistant->button(QWizard::NextButton)->isEnabled());
    shoot(assistant, QStringLiteral("setup-3-logged-in"));
    assistant->next();

    // Database: an existing server. A database that does not exist fails with a sentence; the real one answers its version.
    QCOMPARE(assistant->currentId(), int(SetupAssistant::DatabasePageId));
    assistant->findChild<QRadioButton *>(QStringLiteral("existingDatabase"))->setChecked(true);
    QVERIFY(!assistant->button(QWizard::NextButton)->isEnabled());
    assistant->findChild<QLineEdit *>(QStringLiteral("databaseHost"))->setText(fixtureValue(QStringLiteral("host")));
    assistant->findChild<QSpinBox *>(QStringLiteral("databasePort"))->setValue(fixtureValue(QStringLiteral("port")).toInt());
    assistant->findChild<QLineEdit *>(QStringLiteral("databaseUser"))->setText(fixtureValue(QStringLiteral("user")));
    assistant->findChild<QLineEdit *>(QStringLiteral("databasePassword"))->setText(m_password);
    auto *sslMode = assistant->findChild<QComboBox *>(QStringLiteral("databaseSslMode"));
    sslMode->setCurrentIndex(sslMode->findData(QStringLiteral("disable")));
    auto *dbName = assistant->findChild<QLineEdit *>(QStringLiteral("databaseName"));
    dbName->setText(QStringLiteral("no_such_database_here"));
    auto *test = assistant->findChild<QPushButton *>(QStringLiteral("testConnection"));
    auto *result = assistant->findChild<QLabel *>(QStringLiteral("testResult"));
    QTest::mouseClick(test, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(result->text().startsWith(QStringLiteral("Could not connect")), 20000);
    QVERIFY2(result->text().contains(QStringLiteral("no_such_database_here")), qPrintable(result->text()));
    dbName->setText(m_database);
    QTest::mouseClick(test, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(result->text().startsWith(QStringLiteral("Connected: PostgreSQL 15")), 20000);
    auto *schema = assistant->findChild<QLineEdit *>(QStringLiteral("schemaName"));
    schema->setText(QStringLiteral("Bad Schema!"));
    QVERIFY(assistant->findChild<QLabel *>(QStringLiteral("schemaError"))->isVisibleTo(assistant));
    QVERIFY(!assistant->button(QWizard::NextButton)->isEnabled());
    schema->setText(m_schema);
    QVERIFY(assistant->button(QWizard::NextButton)->isEnabled());
    shoot(assistant, QStringLiteral("setup-4-database"));
    assistant->next();

    // Objects: every object of the global describe, counts as the sim has them.
    QCOMPARE(assistant->currentId(), int(SetupAssistant::ObjectsPageId));
    auto *page = qobject_cast<ui::ObjectsPage *>(assistant->currentPage());
    ui::ObjectListModel *model = page->model();
    const QJsonArray sobjects = m_control->request("GET", m_control->dataPath() + QStringLiteral("/sobjects")).json()
                                    .object().value(QLatin1String("sobjects")).toArray();
    QVERIFY(sobjects.size() > 3);
    QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), int(sobjects.size()), 20000);
    const QJsonObject records = m_control->stats().value(QLatin1String("records")).toObject();
    QTRY_VERIFY_WITH_TIMEOUT(model->uncounted().isEmpty(), 30000);
    for (const char *object : {"Account", "Contact", "Opportunity"}) {
        const int row = model->rowOf(QLatin1String(object));
        QVERIFY(row >= 0);
        QCOMPARE(model->data(model->index(row, ui::ObjectListModel::RecordsColumn), Qt::UserRole).toLongLong(),
                 records.value(QLatin1String(object)).toInteger());
    }
    // The default selection: the common standard objects and every custom one.
    QVERIFY(model->selected().contains(QStringLiteral("Account")));
    QVERIFY(model->selected().contains(QStringLiteral("Invoice__c")));
    const int invoice = model->rowOf(QStringLiteral("Invoice__c"));
    QCOMPARE(model->data(model->index(invoice, ui::ObjectListModel::CustomColumn), Qt::DisplayRole).toString(),
             QStringLiteral("custom"));
    // Search filters by label or API name.
    auto *search = assistant->findChild<QLineEdit *>(QStringLiteral("objectSearch"));
    auto *table = assistant->findChild<QTableView *>(QStringLiteral("objectTable"));
    search->setText(QStringLiteral("invoice"));
    QCOMPARE(table->model()->rowCount(), 1);
    search->clear();
    shoot(assistant, QStringLiteral("setup-5-objects"));
    // Choose Account and Contact: 1 COUNT() call + 2 describes + 1 page each.
    model->setSelected({QStringLiteral("Account"), QStringLiteral("Contact")});
    auto *estimate = assistant->findChild<QLabel *>(QStringLiteral("backfillEstimate"));
    QVERIFY2(estimate->text().contains(QStringLiteral("≈ 5 calls")), qPrintable(estimate->text()));
    QVERIFY2(estimate->text().contains(QStringLiteral("about 15 s at 1 request every 3 s")), qPrintable(estimate->text()));
    assistant->next();

    // Rate: the org's quota is known from the answers already received.
    QCOMPARE(assistant->currentId(), int(SetupAssistant::RatePageId));
    auto *rateText = assistant->findChild<QLabel *>(QStringLiteral("rateText"));
    QTRY_VERIFY_WITH_TIMEOUT(rateText->text().contains(QStringLiteral("of your daily quota")), 20000);
    QVERIFY(assistant->findChild<QLabel *>(QStringLiteral("quotaText"))->text().contains(QStringLiteral("daily quota")));
    shoot(assistant, QStringLiteral("setup-6-rate"));
    auto *slider = assistant->findChild<QSlider *>(QStringLiteral("rateSlider"));
    slider->setValue(ui::rateStepIndex(25));
    QCOMPARE(assistant->requestsPerSecond(), 25.0);
    QVERIFY(rateText->text().startsWith(QStringLiteral("25 requests per second")));

    // Finish: the choices are saved, the engine starts with them, the main window may show.
    assistant->accept();
    QCOMPARE(ready.size(), 1);
    QVERIFY2(waitForState(controller, State::Syncing), qPrintable(controller.sentence()));
    QSignalSpy caughtUp(&controller, &EngineController::caughtUp);
    QVERIFY2(caughtUp.wait(120000), qPrintable(controller.sentence()));

    // The mirror holds what the org holds (plain SQL against the sim's own count).
    store::PgConnection db;
    QVERIFY(!db.open(controller.databaseConnectionString()));
    QCOMPARE(db.exec(QStringLiteral("SELECT count(*) FROM %1.account").arg(m_schema)).value(0, 0),
             QString::number(records.value(QLatin1String("Account")).toInteger()));
    QCOMPARE(db.exec(QStringLiteral("SELECT count(*) FROM %1.contact").arg(m_schema)).value(0, 0),
             QString::number(records.value(QLatin1String("Contact")).toInteger()));
    QCOMPARE(controller.rateLimiter()->requestsPerSecond(), 25.0);

    // Persisted: the choices, with identifiers only — no token, no password in the file.
    const DesktopChoices saved = DesktopSettings::load();
    QVERIFY(saved.setupComplete);
    QCOMPARE(saved.engine.objects, (QStringList{QStringLiteral("Account"), QStringLiteral("Contact")}));
    QCOMPARE(saved.engine.schema, m_schema);
    QCOMPARE(saved.engine.requestsPerSecond, 25.0);
    QCOMPARE(QSettings().value(QLatin1String(lifecycle::RateSettingsKey)).toDouble(), 25.0);
    QCOMPARE(saved.engine.orgId.size(), 18);
    QCOMPARE(saved.username, QStringLiteral("admin@tether.sim"));
    QVERIFY(!saved.managedDatabase);
    QCOMPARE(saved.databaseName, m_database);
    const QString file = settingsFileText();
    QVERIFY2(file.contains(m_schema), qPrintable(DesktopSettings::fileName()));
    QVERIFY(!file.contains(m_password));
    QVERIFY(!file.contains(controller.session()->refreshToken()));
    QVERIFY(!file.contains(controller.session()->accessToken()));
    QVERIFY(!file.contains(QStringLiteral("password"), Qt::CaseInsensitive));

    // ... they are in the keychain instead.
    salesforce::TokenStore keychain(m_keychainService);
    QString token;
    bool done = false;
    keychain.load(DesktopSettings::refreshTokenKey(saved), [&](const QString &t, const salesforce::SalesforceError &) { token = t; done = true; });
    QTRY_VERIFY_WITH_TIMEOUT(done, 20000);
    QCOMPARE(token, controller.session()->refreshToken());
    QString password;
    done = false;
    keychain.load(DesktopSettings::databasePasswordKey(saved), [&](const QString &t, const salesforce::SalesforceError &) { password = t; done = true; });
    QTRY_VERIFY_WITH_TIMEOUT(done, 20000);
    QCOMPARE(password, m_password);

    QSignalSpy stopped(&controller, &EngineController::stopped);
    controller.stop();
    QVERIFY(stopped.wait(60000));
}

void TestSetup::secondStartGoesStraightThrough()
{
    EngineController controller;
    lifecycle::EngineSettings base;
    base.dataDir = m_dataDir.path();
    controller.configure(base, nullptr);
    DesktopStart start(&controller, m_keychainService);
    QSignalSpy ready(&start, &DesktopStart::readyForMainWindow);
    QSignalSpy shown(&start, &DesktopStart::assistantShown);
    start.begin();
    QCOMPARE(ready.size(), 1); // at once: the window does not wait for the login
    QVERIFY(!start.assistant());
    QVERIFY2(waitForState(controller, State::Syncing), qPrintable(controller.sentence()));
    QVERIFY(shown.isEmpty());
    QCOMPARE(controller.settings().objects, (QStringList{QStringLiteral("Account"), QStringLiteral("Contact")}));
    QVERIFY(controller.settings().database.contains(m_password)); // from the keychain, in memory only
    QSignalSpy stopped(&controller, &EngineController::stopped);
    controller.stop();
    QVERIFY(stopped.wait(60000));
}

void TestSetup::addObjectsShowsOnlyThePicker()
{
    EngineController controller;
    lifecycle::EngineSettings base;
    base.dataDir = m_dataDir.path();
    controller.configure(base, nullptr);
    DesktopStart start(&controller, m_keychainService);
    QSignalSpy shown(&start, &DesktopStart::assistantShown);
    start.begin();
    QVERIFY2(waitForState(controller, State::Syncing), qPrintable(controller.sentence()));
    QTRY_COMPARE_WITH_TIMEOUT(controller.tableStatuses().size(), 2, 60000);

    // "Add objects…": the picker alone, on the running login; the mirrored objects ticked and fixed.
    start.showAddObjects();
    QCOMPARE(shown.size(), 1);
    SetupAssistant *assistant = start.assistant();
    QVERIFY(assistant);
    QCOMPARE(assistant->mode(), SetupAssistant::Mode::AddObjects);
    QCOMPARE(assistant->pageIds(), QList<int>{int(SetupAssistant::ObjectsPageId)});
    QVERIFY(QTest::qWaitForWindowExposed(assistant));
    QCOMPARE(assistant->currentId(), int(SetupAssistant::ObjectsPageId));
    auto *page = qobject_cast<ui::ObjectsPage *>(assistant->currentPage());
    ui::ObjectListModel *model = page->model();
    QTRY_VERIFY_WITH_TIMEOUT(model->rowCount() > 3, 20000);
    const QModelIndex account = model->index(model->rowOf(QStringLiteral("Account")), ui::ObjectListModel::LabelColumn);
    QCOMPARE(account.data(Qt::CheckStateRole).value<Qt::CheckState>(), Qt::Checked);
    QVERIFY(!(model->flags(account) & Qt::ItemIsUserCheckable));
    QVERIFY(!model->setData(account, Qt::Unchecked, Qt::CheckStateRole));
    QCOMPARE(model->selected(), (QStringList{QStringLiteral("Account"), QStringLiteral("Contact")}));
    QVERIFY(!assistant->button(QWizard::FinishButton)->isEnabled()); // nothing new chosen yet
    shoot(assistant, QStringLiteral("add-objects"));

    // Tick Lead from the keyboard (search, then Enter on the row) and finish.
    auto *search = assistant->findChild<QLineEdit *>(QStringLiteral("objectSearch"));
    auto *table = assistant->findChild<QTableView *>(QStringLiteral("objectTable"));
    search->setText(QStringLiteral("Lead"));
    QCOMPARE(table->model()->rowCount(), 1);
    table->setFocus();
    table->setCurrentIndex(table->model()->index(0, ui::ObjectListModel::ApiNameColumn));
    QTest::keyClick(table, Qt::Key_Return);
    QCOMPARE(assistant->addedObjects(), QStringList{QStringLiteral("Lead")});
    auto *estimate = assistant->findChild<QLabel *>(QStringLiteral("backfillEstimate"));
    QTRY_VERIFY2_WITH_TIMEOUT(estimate->text().startsWith(QStringLiteral("1 object selected: ≈ ")), qPrintable(estimate->text()), 20000);
    QVERIFY(assistant->button(QWizard::FinishButton)->isEnabled());
    QSignalSpy states(&controller, &EngineController::stateChanged);
    QTest::mouseClick(assistant->button(QWizard::FinishButton), Qt::LeftButton);

    // Added to the running sync (no restart), saved for the next start, and mirrored.
    QTRY_VERIFY_WITH_TIMEOUT(!start.assistant(), 5000);
    QCOMPARE(controller.settings().objects,
             (QStringList{QStringLiteral("Account"), QStringLiteral("Contact"), QStringLiteral("Lead")}));
    QCOMPARE(DesktopSettings::load().engine.objects, controller.settings().objects);
    const qint64 leads = m_control->stats().value(QLatin1String("records")).toObject().value(QLatin1String("Lead")).toInteger();
    store::PgConnection db;
    QVERIFY(!db.open(controller.databaseConnectionString()));
    QTRY_COMPARE_WITH_TIMEOUT(db.exec(QStringLiteral("SELECT count(*) FROM tether.sync_state WHERE object_name = 'Lead' "
                                                     "AND backfill_completed_at IS NOT NULL")).value(0, 0),
                              QStringLiteral("1"), 120000);
    QCOMPARE(db.exec(QStringLiteral("SELECT count(*) FROM %1.lead").arg(m_schema)).value(0, 0), QString::number(leads));
    for (const QList<QVariant> &args : states)
        QVERIFY(args.at(0).value<State>() != State::Stopped);

    // Removing it from the dashboard is saved too.
    controller.removeTables({QStringLiteral("Lead")});
    QCOMPARE(DesktopSettings::load().engine.objects, (QStringList{QStringLiteral("Account"), QStringLiteral("Contact")}));

    // The picker works on the engine's login: when the engine stops, the picker goes first.
    start.showAddObjects();
    QPointer<SetupAssistant> picker = start.assistant();
    QVERIFY(picker);
    QSignalSpy stopped(&controller, &EngineController::stopped);
    controller.stop();
    QVERIFY(!start.assistant());
    QVERIFY(!picker->restClient());
    QVERIFY(stopped.wait(60000));
    QTRY_VERIFY(!picker); // closed and deleted
}

void TestSetup::settingsRefusedPersistedAndApplied()
{
    EngineController controller;
    lifecycle::EngineSettings base;
    base.dataDir = m_dataDir.path();
    controller.configure(base, nullptr);
    DesktopStart start(&controller, m_keychainService);
    start.begin();
    QVERIFY2(waitForState(controller, State::Syncing), qPrintable(controller.sentence()));

    ui::SettingsDialog *dialog = start.showSettings();
    QVERIFY(QTest::qWaitForWindowExposed(dialog));
    shoot(dialog, QStringLiteral("settings-1-sync"));
    auto *ok = dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
    auto *apply = dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Apply);

    // Refused: a listen address that is none, and one off this computer without TLS.
    dialog->showPage(ui::SettingsDialog::ProxyPage);
    auto *listen = dialog->findChild<QLineEdit *>(QStringLiteral("proxyListen"));
    auto *proxyError = dialog->findChild<QLabel *>(QStringLiteral("proxyError"));
    listen->setText(QStringLiteral("not-an-address"));
    QVERIFY(proxyError->isVisibleTo(dialog));
    QVERIFY(!ok->isEnabled());
    QVERIFY(!apply->isEnabled());
    QVERIFY(!dialog->apply());
    listen->setText(QStringLiteral("0.0.0.0"));
    QVERIFY(proxyError->text().contains(QStringLiteral("TLS")));
    QVERIFY(!dialog->apply());
    shoot(dialog, QStringLiteral("settings-3-proxy-refused"));
    listen->setText(QStringLiteral("127.0.0.1"));
    QVERIFY(!proxyError->isVisibleTo(dialog));
    QVERIFY(apply->isEnabled());

    // Applied live: the rate and the quota pause share, no restart.
    dialog->showPage(ui::SettingsDialog::SyncPage);
    dialog->findChild<QSlider *>(QStringLiteral("settingsRate"))->setValue(ui::rateStepIndex(10));
    dialog->findChild<QSpinBox *>(QStringLiteral("pauseShare"))->setValue(65);
    QSignalSpy states(&controller, &EngineController::stateChanged);
    QTest::mouseClick(apply, Qt::LeftButton);
    QCOMPARE(controller.rateLimiter()->requestsPerSecond(), 10.0);
    QCOMPARE(controller.apiBudget()->pauseShare(), 0.65);
    QCOMPARE(QSettings().value(QLatin1String(lifecycle::RateSettingsKey)).toDouble(), 10.0);
    QCOMPARE(DesktopSettings::load().engine.pauseShare, 0.65);
    QVERIFY(states.isEmpty());
    QCOMPARE(dialog->findChild<QLabel *>(QStringLiteral("settingsNote"))->text(), QStringLiteral("Applied."));

    // Needs a restart: the longest polling interval; the dialog says so and the sync restarts by itself.
    dialog->findChild<QSpinBox *>(QStringLiteral("pollInterval"))->setValue(42);
    dialog->showPage(ui::SettingsDialog::DatabasePage);
    shoot(dialog, QStringLiteral("settings-2-database"));
    dialog->showPage(ui::SettingsDialog::AccountPage);
    shoot(dialog, QStringLiteral("settings-4-account"));
    dialog->showPage(ui::SettingsDialog::LanguagePage);
    dialog->findChild<QComboBox *>(QStringLiteral("language"))->setCurrentIndex(2);
    shoot(dialog, QStringLiteral("settings-5-language"));
    QTest::mouseClick(ok, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(states.size() > 0 && controller.state() == State::Syncing, 120000);
    bool stoppedOnce = false;
    for (const QList<QVariant> &args : states)
        stoppedOnce = stoppedOnce || args.at(0).value<State>() == State::Stopped;
    QVERIFY(stoppedOnce);
    QCOMPARE(controller.settings().pollMaxIntervalMs, 42000);
    const DesktopChoices saved = DesktopSettings::load();
    QCOMPARE(saved.engine.pollMaxIntervalMs, 42000);
    QCOMPARE(saved.language, QStringLiteral("de"));
    QVERIFY(!settingsFileText().contains(m_password));

    QSignalSpy finished(&start, &DesktopStart::finished);
    start.quit();
    QVERIFY(finished.wait(60000));
    QCOMPARE(controller.state(), State::Stopped);
}

void TestSetup::revokedTokenBringsBackOnlyTheLoginPage()
{
    // Salesforce forgets the saved login (an admin revoked it, or it expired).
    DesktopChoices saved = DesktopSettings::load();
    salesforce::TokenStore keychain(m_keychainService);
    QString token;
    bool done = false;
    keychain.load(DesktopSettings::refreshTokenKey(saved), [&](const QString &t, const salesforce::SalesforceError &) { token = t; done = true; });
    QTRY_VERIFY_WITH_TIMEOUT(done, 20000);
    QVERIFY(!token.isEmpty());
    QNetworkRequest revoke(m_sim->baseUrl().resolved(QUrl(QStringLiteral("/services/oauth2/revoke"))));
    revoke.setHeader(QNetworkRequest::ContentTypeHeader, "application/x-www-form-urlencoded");
    std::unique_ptr<QNetworkReply> reply(m_nam.post(revoke, "token=" + QUrl::toPercentEncoding(token)));
    QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 20000);
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);

    EngineController controller;
    lifecycle::EngineSettings base;
    base.dataDir = m_dataDir.path();
    controller.configure(base, nullptr);
    DesktopStart start(&controller, m_keychainService);
    start.setAssistantTweaks([this](SetupAssistant *a) { tweak(a); });
    QSignalSpy shown(&start, &DesktopStart::assistantShown);
    start.begin();
    QVERIFY2(shown.wait(60000) || !shown.isEmpty(), qPrintable(controller.sentence()));
    QCOMPARE(controller.state(), State::Failed);
    SetupAssistant *assistant = start.assistant();
    QVERIFY(assistant);
    QCOMPARE(assistant->mode(), SetupAssistant::Mode::LoginOnly);
    QCOMPARE(assistant->pageIds(), QList<int>{SetupAssistant::SalesforcePageId});
    auto *reason = assistant->findChild<QLabel *>(QStringLiteral("loginReason"));
    QVERIFY(reason->isVisibleTo(assistant));
    QVERIFY2(reason->text().contains(QStringLiteral("Salesforce login failed")), qPrintable(reason->text()));
    QVERIFY(!assistant->findChild<QPushButton *>(QStringLiteral("demo"))->isVisibleTo(assistant));
    // The org the person had is prefilled.
    QCOMPARE(assistant->findChild<QLineEdit *>(QStringLiteral("domain"))->text(), m_sim->baseUrl().toString());
    shoot(assistant, QStringLiteral("setup-7-login-again"));

    // Logging in again brings the sync back.
    m_browser.opened.clear();
    QTest::mouseClick(assistant->findChild<QPushButton *>(QStringLiteral("logIn")), Qt::LeftButton);
    QString why;
    QVERIFY2(playBrowser(&why), qPrintable(why));
    auto *status = assistant->findChild<QLabel *>(QStringLiteral("loginStatus"));
    QTRY_VERIFY_WITH_TIMEOUT(status->text().startsWith(QStringLiteral("Logged in as")), 20000);
    QVERIFY(assistant->button(QWizard::FinishButton)->isEnabled());
    assistant->accept();
    QVERIFY2(waitForState(controller, State::Syncing), qPrintable(controller.sentence()));

    // Revoke access from the settings: Salesforce refuses the token from then on, the keychain forgets it,
    // the sync stops and the login page says why.
    const QString revoked = controller.session()->refreshToken();
    QVERIFY(!revoked.isEmpty());
    ui::SettingsDialog *dialog = start.showSettings();
    dialog->showPage(ui::SettingsDialog::AccountPage);
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("revoke")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(start.assistant() != nullptr, 20000);
    QCOMPARE(start.assistant()->mode(), SetupAssistant::Mode::LoginOnly);
    QVERIFY(start.assistant()->findChild<QLabel *>(QStringLiteral("loginReason"))->text().contains(QStringLiteral("revoked")));
    QTRY_COMPARE_WITH_TIMEOUT(controller.state(), State::Stopped, 60000);
    QString left;
    salesforce::SalesforceError missing;
    done = false;
    keychain.load(DesktopSettings::refreshTokenKey(DesktopSettings::load()),
                  [&](const QString &t, const salesforce::SalesforceError &e) { left = t; missing = e; done = true; });
    QTRY_VERIFY_WITH_TIMEOUT(done, 20000);
    QCOMPARE(missing.errorCode, QStringLiteral("EntryNotFound"));
    QNetworkRequest refresh(m_sim->baseUrl().resolved(QUrl(QStringLiteral("/services/oauth2/token"))));
    refresh.setHeader(QNetworkRequest::ContentTypeHeader, "application/x-www-form-urlencoded");
    std::unique_ptr<QNetworkReply> refused(m_nam.post(
        refresh, "grant_type=refresh_token&client_id=" + QByteArray(test::SimProcess::DefaultClientId)
                     + "&refresh_token=" + QUrl::toPercentEncoding(revoked)));
    QTRY_VERIFY_WITH_TIMEOUT(refused->isFinished(), 20000);
    QCOMPARE(refused->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 400);
    QVERIFY(refused->readAll().contains("invalid_grant"));

    QSignalSpy finished(&start, &DesktopStart::finished);
    start.quit();
    QVERIFY(finished.wait(60000));
}

QTEST_MAIN(TestSetup)
#include "tst_setup.moc"
