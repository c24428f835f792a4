#include "dashboard/orgheader.h"

#include "dashboard/phaseicons.h"

#include <QApplication>
#include <QClipboard>
#include <QGridLayout>
#include <QLabel>
#include <QPushButton>

namespace tether::ui {

OrgHeader::OrgHeader(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("orgHeader"));
    auto *grid = new QGridLayout(this);
    grid->setContentsMargins(4, 4, 4, 4);
    m_org = new QLabel(this);
    m_org->setObjectName(QStringLiteral("orgName"));
    QFont big = m_org->font();
    big.setPointSizeF(big.pointSizeF() * 1.35);
    big.setBold(true);
    m_org->setFont(big);
    m_org->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_details = new QLabel(this);
    m_details->setObjectName(QStringLiteral("orgDetails"));
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_state = new QLabel(this);
    m_state->setObjectName(QStringLiteral("connectionState"));
    m_state->setAccessibleName(tr("Connection state"));
    m_proxy = new QLabel(this);
    m_proxy->setObjectName(QStringLiteral("proxyAddress"));
    m_proxy->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_proxy->setWordWrap(true);
    m_proxy->setAccessibleName(tr("Write-through proxy address"));
    m_copyConnection = new QPushButton(tr("Copy connection string"), this);
    m_copyConnection->setObjectName(QStringLiteral("copyConnectionString"));
    m_copyPsql = new QPushButton(tr("Copy psql command"), this);
    m_copyPsql->setObjectName(QStringLiteral("copyPsqlCommand"));
    for (QPushButton *button : {m_copyConnection, m_copyPsql}) {
        button->setIcon(QIcon(QStringLiteral(":/tether/icons/copy.svg")));
        button->setEnabled(false);
    }
    grid->addWidget(m_org, 0, 0);
    grid->addWidget(m_state, 0, 1, Qt::AlignRight);
    grid->addWidget(m_details, 1, 0, 1, 2);
    auto *proxyRow = new QHBoxLayout;
    proxyRow->addWidget(m_proxy, 1);
    proxyRow->addWidget(m_copyConnection);
    proxyRow->addWidget(m_copyPsql);
    grid->addLayout(proxyRow, 2, 0, 1, 2);
    grid->setColumnStretch(0, 1);

    connect(m_copyConnection, &QPushButton::clicked, this,
            [this] { QApplication::clipboard()->setText(m_connectionString); });
    connect(m_copyPsql, &QPushButton::clicked, this, [this] { QApplication::clipboard()->setText(m_psqlCommand); });
    setOrg({}, {}, {});
    setConnection(Connection::Refreshing, tr("Starting."));
    setProxy({}, {}, {}, tr("The proxy starts once the sync runs."));
}

QString OrgHeader::connectionText(Connection connection)
{
    switch (connection) {
    case Connection::Connected: return tr("Connected");
    case Connection::Refreshing: return tr("Connecting");
    case Connection::Offline: return tr("Offline");
    case Connection::LoggedOut: return tr("Logged out");
    }
    return {};
}

void OrgHeader::setOrg(const QString &org, const QString &user, const QString &instance)
{
    m_org->setText(org.isEmpty() ? tr("No Salesforce org yet") : org);
    QStringList parts;
    if (!user.isEmpty())
        parts << tr("User: %1").arg(user);
    if (!instance.isEmpty())
        parts << tr("Instance: %1").arg(instance);
    m_details->setText(parts.isEmpty() ? tr("Not logged in.") : parts.join(QStringLiteral("   ·   ")));
}

void OrgHeader::setConnection(Connection connection, const QString &sentence)
{
    m_connection = connection;
    sync::Phase look = sync::Phase::Polling;
    switch (connection) {
    case Connection::Connected: look = sync::Phase::Polling; break;
    case Connection::Refreshing: look = sync::Phase::Discovering; break;
    case Connection::Offline: look = sync::Phase::Paused; break;
    case Connection::LoggedOut: look = sync::Phase::Error; break;
    }
    const QString color = phaseColor(look).name();
    m_state->setText(QStringLiteral("<span style=\"color:%1\">&#9679;</span> <b>%2</b>")
                         .arg(color, connectionText(connection).toHtmlEscaped()));
    m_state->setToolTip(sentence);
    m_state->setAccessibleDescription(connectionText(connection) + QStringLiteral(": ") + sentence);
}

void OrgHeader::setProxy(const QString &address, const QString &connectionString, const QString &psqlCommand,
                         const QString &sentence)
{
    m_connectionString = connectionString;
    m_psqlCommand = psqlCommand;
    const bool listening = !connectionString.isEmpty();
    m_copyConnection->setEnabled(listening);
    m_copyPsql->setEnabled(listening);
    if (listening)
        m_proxy->setText(tr("Postgres clients connect to <b>%1</b> to read the mirror and write through to Salesforce.")
                             .arg(address.toHtmlEscaped()));
    else
        m_proxy->setText(sentence.toHtmlEscaped());
    m_proxy->setToolTip(listening ? psqlCommand : sentence);
}

QString OrgHeader::proxyText() const { return m_proxy->text(); }

} // namespace tether::ui
