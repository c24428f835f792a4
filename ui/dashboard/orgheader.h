// OrgHeader: the top of the dashboard — which org and user Tether is logged
// in to, on which instance, whether it is connected, and where Postgres
// clients connect to write through (with buttons that copy the connection
// string and the psql command).
#pragma once

#include <QWidget>

class QLabel;
class QPushButton;

namespace tether::ui {

class OrgHeader : public QWidget
{
    Q_OBJECT
public:
    enum class Connection { Connected, Refreshing, Offline, LoggedOut };

    explicit OrgHeader(QWidget *parent = nullptr);

    void setOrg(const QString &org, const QString &user, const QString &instance);
    void setConnection(Connection connection, const QString &sentence);
    Connection connection() const { return m_connection; }
    // Empty connection string: the proxy is not listening; `sentence` says why.
    void setProxy(const QString &address, const QString &connectionString, const QString &psqlCommand,
                  const QString &sentence);
    QString proxyText() const;

    static QString connectionText(Connection connection);

private:
    QLabel *m_org = nullptr;
    QLabel *m_details = nullptr;
    QLabel *m_state = nullptr;
    QLabel *m_proxy = nullptr;
    QPushButton *m_copyConnection = nullptr;
    QPushButton *m_copyPsql = nullptr;
    QString m_connectionString;
    QString m_psqlCommand;
    Connection m_connection = Connection::Refreshing;
};

} // namespace tether::ui
