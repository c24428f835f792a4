#include "setup/databaseform.h"

#include "setup/databaseprobe.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QVBoxLayout>

namespace tether::ui {

namespace {

QLabel *errorLabel(QWidget *parent, const QString &objectName)
{
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setWordWrap(true);
    label->setStyleSheet(QStringLiteral("color: #d64541; font-weight: 600;"));
    label->hide();
    return label;
}

void showError(QLabel *label, const QString &text)
{
    label->setText(text);
    label->setVisible(!text.isEmpty());
}

} // namespace

QString schemaNameProblem(const QString &name)
{
    static const QRegularExpression identifier(QStringLiteral("^[a-z_][a-z0-9_$]{0,62}$"));
    if (name.isEmpty())
        return DatabaseForm::tr("Give the schema a name, for example salesforce.");
    if (!identifier.match(name).hasMatch())
        return DatabaseForm::tr("Use lower-case letters, digits and _ (starting with a letter), at most 63 characters.");
    if (name == QLatin1String("tether") || name.startsWith(QLatin1String("pg_")) || name == QLatin1String("information_schema"))
        return DatabaseForm::tr("%1 is reserved; choose another name.").arg(name);
    return {};
}

DatabaseForm::DatabaseForm(QWidget *parent) : QWidget(parent), m_probe(new DatabaseProbe(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);

    m_managed = new QRadioButton(tr("&Managed by Tether (recommended)"), this);
    m_managed->setObjectName(QStringLiteral("managedDatabase"));
    auto *managedNote = new QLabel(tr("Tether runs its own PostgreSQL in its data folder, starts and stops it with the sync. "
                                      "Nothing to install or configure."),
                                   this);
    managedNote->setWordWrap(true);
    managedNote->setIndent(24);
    m_existing = new QRadioButton(tr("An &existing PostgreSQL server"), this);
    m_existing->setObjectName(QStringLiteral("existingDatabase"));
    auto *group = new QButtonGroup(this);
    group->addButton(m_managed);
    group->addButton(m_existing);
    layout->addWidget(m_managed);
    layout->addWidget(managedNote);
    layout->addWidget(m_existing);

    m_serverBox = new QWidget(this);
    auto *form = new QFormLayout(m_serverBox);
    form->setContentsMargins(24, 0, 0, 0);
    m_host = new QLineEdit(m_serverBox);
    m_host->setObjectName(QStringLiteral("databaseHost"));
    m_host->setPlaceholderText(QStringLiteral("db.example.com"));
    m_port = new QSpinBox(m_serverBox);
    m_port->setObjectName(QStringLiteral("databasePort"));
    m_port->setRange(1, 65535);
    m_port->setValue(5432);
    m_database = new QLineEdit(m_serverBox);
    m_database->setObjectName(QStringLiteral("databaseName"));
    m_user = new QLineEdit(m_serverBox);
    m_user->setObjectName(QStringLiteral("databaseUser"));
    m_password = new QLineEdit(m_serverBox);
    m_password->setObjectName(QStringLiteral("databasePassword"));
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setPlaceholderText(tr("kept in the system keychain"));
    m_sslMode = new QComboBox(m_serverBox);
    m_sslMode->setObjectName(QStringLiteral("databaseSslMode"));
    for (const char *mode : {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"})
        m_sslMode->addItem(QLatin1String(mode), QLatin1String(mode));
    m_sslMode->setCurrentIndex(m_sslMode->findData(QStringLiteral("prefer")));
    form->addRow(tr("&Host:"), m_host);
    form->addRow(tr("&Port:"), m_port);
    form->addRow(tr("&Database:"), m_database);
    form->addRow(tr("&User:"), m_user);
    form->addRow(tr("Pass&word:"), m_password);
    form->addRow(tr("&SSL mode:"), m_sslMode);
    m_serverError = errorLabel(m_serverBox, QStringLiteral("databaseError"));
    form->addRow(QString(), m_serverError);
    auto *testRow = new QHBoxLayout;
    m_test = new QPushButton(tr("&Test connection"), m_serverBox);
    m_test->setObjectName(QStringLiteral("testConnection"));
    m_testResult = new QLabel(m_serverBox);
    m_testResult->setObjectName(QStringLiteral("testResult"));
    m_testResult->setWordWrap(true);
    m_testResult->setTextInteractionFlags(Qt::TextSelectableByMouse);
    testRow->addWidget(m_test);
    testRow->addWidget(m_testResult, 1);
    form->addRow(QString(), testRow);
    layout->addWidget(m_serverBox);

    auto *schemaForm = new QFormLayout;
    m_schema = new QLineEdit(QStringLiteral("salesforce"), this);
    m_schema->setObjectName(QStringLiteral("schemaName"));
    schemaForm->addRow(tr("Sc&hema for the mirrored tables:"), m_schema);
    m_schemaError = errorLabel(this, QStringLiteral("schemaError"));
    schemaForm->addRow(QString(), m_schemaError);
    layout->addSpacing(8);
    layout->addLayout(schemaForm);
    layout->addStretch(1);

    for (QLineEdit *edit : {m_host, m_database, m_user, m_password, m_schema})
        connect(edit, &QLineEdit::textChanged, this, &DatabaseForm::updateState);
    connect(m_port, &QSpinBox::valueChanged, this, &DatabaseForm::updateState);
    connect(m_sslMode, &QComboBox::currentIndexChanged, this, &DatabaseForm::updateState);
    connect(m_managed, &QRadioButton::toggled, this, &DatabaseForm::updateState);
    connect(m_test, &QPushButton::clicked, this, &DatabaseForm::testConnection);
    connect(m_probe, &DatabaseProbe::finished, this, [this](bool ok, const QString &sentence) {
        m_test->setEnabled(true);
        m_testResult->setText(sentence);
        m_testResult->setStyleSheet(ok ? QString() : QStringLiteral("color: #d64541; font-weight: 600;"));
        emit tested(ok, sentence);
    });
    m_managed->setChecked(true);
    updateState();
}

void DatabaseForm::setChoices(const lifecycle::DesktopChoices &c, const QString &password)
{
    (c.managedDatabase ? m_managed : m_existing)->setChecked(true);
    m_host->setText(c.databaseHost);
    m_port->setValue(c.databasePort);
    m_database->setText(c.databaseName);
    m_user->setText(c.databaseUser);
    m_password->setText(password);
    const int ssl = m_sslMode->findData(c.databaseSslMode);
    m_sslMode->setCurrentIndex(ssl >= 0 ? ssl : m_sslMode->findData(QStringLiteral("prefer")));
    m_schema->setText(c.engine.schema);
    updateState();
}

void DatabaseForm::apply(lifecycle::DesktopChoices &c) const
{
    c.managedDatabase = m_managed->isChecked();
    c.databaseHost = m_host->text().trimmed();
    c.databasePort = m_port->value();
    c.databaseName = m_database->text().trimmed();
    c.databaseUser = m_user->text().trimmed();
    c.databaseSslMode = m_sslMode->currentData().toString();
    c.engine.schema = m_schema->text().trimmed();
}

QString DatabaseForm::password() const { return m_existing->isChecked() ? m_password->text() : QString(); }

QString DatabaseForm::problem() const
{
    if (const QString schema = schemaNameProblem(m_schema->text().trimmed()); !schema.isEmpty())
        return schema;
    if (m_managed->isChecked())
        return {};
    if (m_host->text().trimmed().isEmpty())
        return tr("Name the server's host.");
    if (m_database->text().trimmed().isEmpty())
        return tr("Name the database on the server.");
    if (m_user->text().trimmed().isEmpty())
        return tr("Name the user Tether connects as.");
    return {};
}

void DatabaseForm::testConnection()
{
    lifecycle::DesktopChoices c;
    apply(c);
    if (c.managedDatabase)
        return;
    m_test->setEnabled(false);
    m_testResult->setStyleSheet(QString());
    m_testResult->setText(tr("Connecting to %1…").arg(c.databaseHost));
    m_probe->start(lifecycle::DesktopSettings::connectionString(c, m_password->text()));
}

void DatabaseForm::updateState()
{
    const bool existing = m_existing->isChecked();
    m_serverBox->setEnabled(existing);
    const QString schema = schemaNameProblem(m_schema->text().trimmed());
    showError(m_schemaError, schema);
    // Only complain about an empty server field once something was typed.
    const bool started = !m_host->text().isEmpty() || !m_database->text().isEmpty() || !m_user->text().isEmpty();
    const QString server = existing && started && schema.isEmpty() ? problem() : QString();
    showError(m_serverError, server);
    m_test->setEnabled(existing && !m_probe->isRunning() && !m_host->text().trimmed().isEmpty());
    emit changed();
}

} // namespace tether::ui
