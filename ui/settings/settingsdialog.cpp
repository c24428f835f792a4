#include "settings/settingsdialog.h"

#include "setup/backfillestimate.h"
#include "setup/databaseform.h"

#include <QCheckBox>
#include <QCoreApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHostAddress>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace tether::ui {

namespace {

const char *ProblemStyle = "color: #d64541; font-weight: 600;";
// The engine's defaults (RateLimiter, ApiBudget, SyncConfig), shown when nothing was chosen.
constexpr double DefaultRate = 1.0 / 3.0;
constexpr double DefaultPauseShare = 0.8;
constexpr int DefaultPollSeconds = 15;

QLabel *note(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setWordWrap(true);
    return label;
}

bool isLoopback(const QString &address)
{
    if (address == QLatin1String("localhost"))
        return true;
    const QHostAddress host(address);
    return !host.isNull() && host.isLoopback();
}

} // namespace

SettingsDialog::SettingsDialog(const lifecycle::DesktopChoices &choices, const QString &databasePassword, QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("settingsDialog"));
    setWindowTitle(tr("Tether Settings"));
    setMinimumSize(760, 540);
    auto *layout = new QVBoxLayout(this);
    auto *body = new QHBoxLayout;
    m_pages = new QListWidget(this);
    m_pages->setObjectName(QStringLiteral("settingsPages"));
    m_pages->setAccessibleName(tr("Settings pages"));
    m_pages->setMaximumWidth(170);
    m_stack = new QStackedWidget(this);
    body->addWidget(m_pages);
    body->addWidget(m_stack, 1);
    layout->addLayout(body, 1);

    auto addPage = [this](const QString &name, QWidget *page) {
        m_pages->addItem(name);
        m_stack->addWidget(page);
    };
    addPage(tr("Sync"), buildSyncPage());
    auto *databasePage = new QWidget(this);
    auto *databaseLayout = new QVBoxLayout(databasePage);
    m_database = new DatabaseForm(databasePage);
    databaseLayout->addWidget(m_database);
    addPage(tr("Database"), databasePage);
    addPage(tr("Proxy"), buildProxyPage());
    addPage(tr("Account"), buildAccountPage());
    addPage(tr("Language"), buildLanguagePage());
    connect(m_pages, &QListWidget::currentRowChanged, m_stack, &QStackedWidget::setCurrentIndex);
    m_pages->setCurrentRow(0);

    m_note = new QLabel(this);
    m_note->setObjectName(QStringLiteral("settingsNote"));
    m_note->setWordWrap(true);
    layout->addWidget(m_note);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Apply | QDialogButtonBox::Cancel, this);
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &SettingsDialog::reject);
    connect(m_buttons->button(QDialogButtonBox::Apply), &QPushButton::clicked, this, &SettingsDialog::apply);
    connect(m_database, &DatabaseForm::changed, this, &SettingsDialog::validate);

    load(choices, databasePassword);
}

QWidget *SettingsDialog::buildSyncPage()
{
    auto *page = new QWidget(this);
    auto *form = new QFormLayout(page);
    m_rate = new QSlider(Qt::Horizontal, page);
    m_rate->setObjectName(QStringLiteral("settingsRate"));
    m_rate->setRange(0, int(rateSteps().size()) - 1);
    m_rate->setPageStep(1);
    m_rate->setTickPosition(QSlider::TicksBelow);
    m_rate->setAccessibleName(tr("Requests to Salesforce"));
    m_rateText = new QLabel(page);
    m_rateText->setObjectName(QStringLiteral("settingsRateText"));
    form->addRow(tr("&Requests to Salesforce:"), m_rate);
    form->addRow(QString(), m_rateText);
    m_pauseShare = new QSpinBox(page);
    m_pauseShare->setObjectName(QStringLiteral("pauseShare"));
    m_pauseShare->setRange(10, 99);
    m_pauseShare->setSuffix(QStringLiteral(" %"));
    form->addRow(tr("&Pause background sync at:"), m_pauseShare);
    form->addRow(QString(), note(tr("of the org's daily API quota, so that writes and other integrations keep working."), page));
    m_pollInterval = new QSpinBox(page);
    m_pollInterval->setObjectName(QStringLiteral("pollInterval"));
    m_pollInterval->setRange(1, 3600);
    m_pollInterval->setSuffix(tr(" s"));
    form->addRow(tr("&Longest polling interval:"), m_pollInterval);
    form->addRow(QString(), note(tr("A table that has not changed is asked again at least this often."), page));
    m_removedFields = new QComboBox(page);
    m_removedFields->setObjectName(QStringLiteral("removedFields"));
    m_removedFields->addItem(tr("Keep the column, marked as removed"), false);
    m_removedFields->addItem(tr("Drop the column"), true);
    form->addRow(tr("A field removed in Salesforce:"), m_removedFields);
    connect(m_rate, &QSlider::valueChanged, this, &SettingsDialog::showRate);
    return page;
}

QWidget *SettingsDialog::buildProxyPage()
{
    auto *page = new QWidget(this);
    auto *form = new QFormLayout(page);
    m_proxyEnabled = new QCheckBox(tr("&Run the write-through proxy"), page);
    m_proxyEnabled->setObjectName(QStringLiteral("proxyEnabled"));
    form->addRow(m_proxyEnabled);
    form->addRow(note(tr("Postgres clients connect to the proxy instead of the database; their writes to mirrored "
                         "tables reach Salesforce before they are committed."),
                      page));
    m_proxyPort = new QSpinBox(page);
    m_proxyPort->setObjectName(QStringLiteral("proxyPort"));
    m_proxyPort->setRange(0, 65535);
    m_proxyPort->setSpecialValueText(tr("any free port"));
    form->addRow(tr("&Port:"), m_proxyPort);
    m_proxyListen = new QLineEdit(page);
    m_proxyListen->setObjectName(QStringLiteral("proxyListen"));
    form->addRow(tr("&Listen address:"), m_proxyListen);
    m_proxyCert = new QLineEdit(page);
    m_proxyCert->setObjectName(QStringLiteral("proxyCertificate"));
    m_proxyCert->setPlaceholderText(tr("PEM file; needed off this computer"));
    form->addRow(tr("TLS &certificate:"), m_proxyCert);
    m_proxyKey = new QLineEdit(page);
    m_proxyKey->setObjectName(QStringLiteral("proxyKey"));
    m_proxyKey->setPlaceholderText(tr("PEM file; needed off this computer"));
    form->addRow(tr("TLS &key:"), m_proxyKey);
    m_proxyError = new QLabel(page);
    m_proxyError->setObjectName(QStringLiteral("proxyError"));
    m_proxyError->setWordWrap(true);
    m_proxyError->setStyleSheet(QLatin1String(ProblemStyle));
    m_proxyError->hide();
    form->addRow(QString(), m_proxyError);
    for (QLineEdit *edit : {m_proxyListen, m_proxyCert, m_proxyKey})
        connect(edit, &QLineEdit::textChanged, this, &SettingsDialog::validate);
    connect(m_proxyEnabled, &QCheckBox::toggled, this, &SettingsDialog::validate);
    return page;
}

QWidget *SettingsDialog::buildAccountPage()
{
    auto *page = new QWidget(this);
    auto *layout = new QVBoxLayout(page);
    m_account = new QLabel(page);
    m_account->setObjectName(QStringLiteral("accountText"));
    m_account->setWordWrap(true);
    m_account->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_account);
    auto addAction = [&](const QString &text, const QString &name, const QString &explanation, auto signal) {
        auto *button = new QPushButton(text, page);
        button->setObjectName(name);
        auto *row = new QHBoxLayout;
        row->addWidget(button);
        row->addWidget(note(explanation, page), 1);
        layout->addLayout(row);
        connect(button, &QPushButton::clicked, this, signal);
        return button;
    };
    addAction(tr("&Log out"), QStringLiteral("logOut"),
              tr("Forget the login on this computer; the sync stops until you log in again."), &SettingsDialog::logOutRequested);
    addAction(tr("&Switch org…"), QStringLiteral("switchOrg"), tr("Stop the sync and set Tether up for another org."),
              &SettingsDialog::switchOrgRequested);
    addAction(tr("&Revoke access"), QStringLiteral("revoke"),
              tr("Tell Salesforce to end Tether's access for good (the login stops working everywhere) and log out."),
              &SettingsDialog::revokeRequested);
    layout->addStretch(1);
    return page;
}

QWidget *SettingsDialog::buildLanguagePage()
{
    auto *page = new QWidget(this);
    auto *form = new QFormLayout(page);
    m_language = new QComboBox(page);
    m_language->setObjectName(QStringLiteral("language"));
    m_language->addItem(tr("The system's language"), QString());
    m_language->addItem(QStringLiteral("English"), QStringLiteral("en"));
    m_language->addItem(QStringLiteral("Deutsch"), QStringLiteral("de"));
    form->addRow(tr("&Language:"), m_language);
    form->addRow(QString(), note(tr("Takes effect the next time Tether starts."), page));
    return page;
}

void SettingsDialog::load(const lifecycle::DesktopChoices &c, const QString &password)
{
    m_baseline = c;
    m_baselinePassword = password;
    const lifecycle::EngineSettings &e = c.engine;
    m_rate->setValue(rateStepIndex(e.requestsPerSecond > 0 ? e.requestsPerSecond : DefaultRate));
    showRate();
    m_pauseShare->setValue(qRound(100 * (e.pauseShare > 0 ? e.pauseShare : DefaultPauseShare)));
    m_pollInterval->setValue(e.pollMaxIntervalMs > 0 ? e.pollMaxIntervalMs / 1000 : DefaultPollSeconds);
    m_removedFields->setCurrentIndex(e.dropRemovedColumns ? 1 : 0);
    m_database->setChoices(c, password);
    m_proxyEnabled->setChecked(e.proxyEnabled);
    m_proxyPort->setValue(e.proxyPort);
    m_proxyListen->setText(e.proxyListen);
    m_proxyCert->setText(e.proxyTlsCertificate);
    m_proxyKey->setText(e.proxyTlsKey);
    if (e.demo)
        m_account->setText(tr("Tether syncs the demo org, a simulated org on this computer."));
    else
        m_account->setText(tr("Logged in as %1 to org %2 on %3.")
                               .arg(c.username.isEmpty() ? tr("(unknown user)") : c.username,
                                    c.engine.orgId.isEmpty() ? tr("(unknown)") : c.engine.orgId,
                                    c.instanceUrl.isEmpty() ? c.engine.loginHost : c.instanceUrl));
    for (const char *name : {"logOut", "revoke"}) {
        if (auto *b = findChild<QPushButton *>(QLatin1String(name)))
            b->setEnabled(!e.demo);
    }
    const int language = m_language->findData(c.language);
    m_language->setCurrentIndex(language >= 0 ? language : 0);
    validate();
}

lifecycle::DesktopChoices SettingsDialog::choices() const
{
    lifecycle::DesktopChoices c = m_baseline;
    lifecycle::EngineSettings &e = c.engine;
    // A value the controls only show as a default, or cannot show exactly
    // (a rate set with the dashboard's slider), stays as it was unless moved.
    const lifecycle::EngineSettings &was = m_baseline.engine;
    if (m_rate->value() != rateStepIndex(was.requestsPerSecond > 0 ? was.requestsPerSecond : DefaultRate))
        e.requestsPerSecond = rateSteps().value(m_rate->value());
    if (m_pauseShare->value() != qRound(100 * (was.pauseShare > 0 ? was.pauseShare : DefaultPauseShare)))
        e.pauseShare = m_pauseShare->value() / 100.0;
    if (m_pollInterval->value() != (was.pollMaxIntervalMs > 0 ? was.pollMaxIntervalMs / 1000 : DefaultPollSeconds))
        e.pollMaxIntervalMs = m_pollInterval->value() * 1000;
    e.dropRemovedColumns = m_removedFields->currentData().toBool();
    m_database->apply(c);
    e.proxyEnabled = m_proxyEnabled->isChecked();
    e.proxyPort = quint16(m_proxyPort->value());
    e.proxyListen = m_proxyListen->text().trimmed();
    e.proxyTlsCertificate = m_proxyCert->text().trimmed();
    e.proxyTlsKey = m_proxyKey->text().trimmed();
    c.language = m_language->currentData().toString();
    return c;
}

QString SettingsDialog::databasePassword() const { return m_database->password(); }

QString SettingsDialog::proxyProblem(QLineEdit **field) const
{
    if (!m_proxyEnabled->isChecked())
        return {};
    const QString listen = m_proxyListen->text().trimmed();
    if (listen.isEmpty() || (QHostAddress(listen).isNull() && listen != QLatin1String("localhost"))) {
        *field = m_proxyListen;
        return tr("Give an IP address to listen on, such as 127.0.0.1 (this computer only) or 0.0.0.0 (every network).");
    }
    if (isLoopback(listen))
        return {};
    for (QLineEdit *file : {m_proxyCert, m_proxyKey}) {
        const QString path = file->text().trimmed();
        if (path.isEmpty()) {
            *field = file;
            return tr("Off this computer the proxy only accepts encrypted connections: give a TLS certificate and key.");
        }
        if (!QFileInfo(path).isReadable()) {
            *field = file;
            return tr("Tether cannot read %1.").arg(path);
        }
    }
    return {};
}

QStringList SettingsDialog::problems() const
{
    QStringList list;
    if (const QString database = m_database->problem(); !database.isEmpty())
        list << database;
    QLineEdit *field = nullptr;
    if (const QString proxy = proxyProblem(&field); !proxy.isEmpty())
        list << proxy;
    return list;
}

void SettingsDialog::validate()
{
    QLineEdit *field = nullptr;
    const QString proxy = proxyProblem(&field);
    m_proxyError->setText(proxy);
    m_proxyError->setVisible(!proxy.isEmpty());
    for (QLineEdit *edit : {m_proxyListen, m_proxyCert, m_proxyKey})
        edit->setStyleSheet(edit == field ? QStringLiteral("border: 1px solid #d64541;") : QString());
    for (QWidget *w : {static_cast<QWidget *>(m_proxyPort), static_cast<QWidget *>(m_proxyListen),
                       static_cast<QWidget *>(m_proxyCert), static_cast<QWidget *>(m_proxyKey)})
        w->setEnabled(m_proxyEnabled->isChecked());
    const bool ok = problems().isEmpty();
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(ok);
    m_buttons->button(QDialogButtonBox::Apply)->setEnabled(ok);
}

void SettingsDialog::setDailyQuota(qint64 quota)
{
    m_dailyQuota = quota;
    showRate();
}

void SettingsDialog::showRate() { m_rateText->setText(describeRate(rateSteps().value(m_rate->value()), m_dailyQuota)); }

void SettingsDialog::showPage(Page page) { m_pages->setCurrentRow(int(page)); }

void SettingsDialog::setNote(const QString &sentence) { m_note->setText(sentence); }

bool SettingsDialog::apply()
{
    if (!m_database->problem().isEmpty()) {
        showPage(DatabasePage);
        setNote(tr("Not applied: %1").arg(m_database->problem()));
        return false;
    }
    QLineEdit *field = nullptr;
    if (const QString proxy = proxyProblem(&field); !proxy.isEmpty()) {
        showPage(ProxyPage);
        if (field)
            field->setFocus();
        setNote(tr("Not applied: %1").arg(proxy));
        return false;
    }
    const lifecycle::DesktopChoices now = choices();
    const QString password = databasePassword();
    QStringList reasons = lifecycle::DesktopSettings::restartReasons(m_baseline, now);
    // The password is not part of the choices (it lives in the keychain), but a new one is a new connection.
    const QString connection = QCoreApplication::translate("DesktopSettings", "the database connection");
    if (password != m_baselinePassword && !now.managedDatabase && !reasons.contains(connection))
        reasons.prepend(connection);
    QStringList said;
    if (!reasons.isEmpty())
        said << tr("The sync restarts to apply %1.").arg(reasons.join(QStringLiteral(", ")));
    if (lifecycle::DesktopSettings::languageChanged(m_baseline, now))
        said << tr("The language changes the next time Tether starts.");
    if (said.isEmpty() && !(now == m_baseline))
        said << tr("Applied.");
    setNote(said.join(QLatin1Char(' ')));
    m_baseline = now;
    m_baselinePassword = password;
    emit applied(now, password, reasons);
    return true;
}

void SettingsDialog::accept()
{
    if (apply())
        QDialog::accept();
}

} // namespace tether::ui
