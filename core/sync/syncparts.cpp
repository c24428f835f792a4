#include "sync/syncparts.h"

#include "salesforce/orgsession.h"

namespace tether::sync {

QString SyncContext::dataPath() const { return client->session()->connection().dataPath(); }

void SyncEvents::apiFailed(TableTask &task, const salesforce::SalesforceError &error, const QString &sentence)
{
    if (error.kind == salesforce::SalesforceError::Kind::Cancelled)
        return;
    if (error.kind == salesforce::SalesforceError::Kind::LoginRequired) {
        loginRequired(error);
        return;
    }
    taskFailed(task, sentence);
}

bool SyncEvents::databaseFailed(TableTask &task, const store::PgError &error, const QString &sentence)
{
    if (error.kind == store::PgError::Kind::ConnectionLost || error.kind == store::PgError::Kind::ConnectFailed) {
        databaseLost(error);
        return true;
    }
    taskFailed(task, sentence);
    return false;
}

} // namespace tether::sync
