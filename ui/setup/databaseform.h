// DatabaseForm: where the mirror lives — Tether's managed local PostgreSQL or
// an existing server (host, port, database, user, password, SSL mode) with
// "Test connection" — and the schema name. Shared by the setup assistant's
// Database page and the settings dialog's Database page.
#pragma once

#include "lifecycle/desktopsettings.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QRadioButton;
class QSpinBox;
class QWidget;

namespace tether::ui {

class DatabaseProbe;

class DatabaseForm : public QWidget
{
    Q_OBJECT
public:
    explicit DatabaseForm(QWidget *parent = nullptr);

    // Fills the controls from `choices` (and the password from the keychain, given by the caller).
    void setChoices(const lifecycle::DesktopChoices &choices, const QString &password);
    // Writes the controls into `choices`.
    void apply(lifecycle::DesktopChoices &choices) const;
    QString password() const;

    // Empty when the form can be used; else the first problem as a sentence
    // (also shown next to its field).
    QString problem() const;
    bool isValid() const { return problem().isEmpty(); }

public slots:
    void testConnection();

signals:
    void changed();
    void tested(bool ok, const QString &sentence);

private:
    void updateState();

    QRadioButton *m_managed = nullptr;
    QRadioButton *m_existing = nullptr;
    QWidget *m_serverBox = nullptr;
    QLineEdit *m_host = nullptr;
    QSpinBox *m_port = nullptr;
    QLineEdit *m_database = nullptr;
    QLineEdit *m_user = nullptr;
    QLineEdit *m_password = nullptr;
    QComboBox *m_sslMode = nullptr;
    QPushButton *m_test = nullptr;
    QLabel *m_testResult = nullptr;
    QLabel *m_serverError = nullptr;
    QLineEdit *m_schema = nullptr;
    QLabel *m_schemaError = nullptr;
    DatabaseProbe *m_probe = nullptr;
};

// A schema name PostgreSQL and Tether accept: empty when fine, else a sentence.
QString schemaNameProblem(const QString &name);

} // namespace tether::ui
