// What the sync engine's parts share: the Salesforce client, the database
// (absent while it is unreachable), the settings and the tables (SyncContext),
// and the engine's side of what happens to them (SyncEvents).
#pragma once

#include "salesforce/restclient.h"
#include "store/pgerror.h"
#include "sync/mirrorstore.h"
#include "sync/syncconfig.h"
#include "sync/tabletask.h"

#include <memory>
#include <vector>

namespace tether::sync {

struct SyncContext
{
    SyncContext(salesforce::RestClient *c, const SyncConfig &cfg) : client(c), config(cfg) {}

    salesforce::RestClient *client;
    const SyncConfig &config;
    MirrorStore *store = nullptr; // null while the database is unreachable
    std::vector<std::unique_ptr<TableTask>> tasks;

    QString dataPath() const; // "/services/data/vXX.X"
};

class SyncEvents
{
public:
    virtual ~SyncEvents() = default;

    virtual void publish(TableTask &task) = 0; // its status changed
    // The task's work failed: the sentence is shown and kept in
    // tether.sync_state, and the task backs off. Succeeded clears it.
    virtual void taskFailed(TableTask &task, const QString &sentence) = 0;
    virtual void taskSucceeded(TableTask &task) = 0;
    // The database connection is gone: the engine stops its parts and reconnects.
    virtual void databaseLost(const store::PgError &error) = 0;
    virtual void loginRequired(const salesforce::SalesforceError &error) = 0;

    virtual void reportBackfillCompleted(TableTask &task) = 0;
    virtual void reportPollApplied(TableTask &task, qint64 changed, qint64 deleted) = 0;
    virtual void reportReconciled(TableTask &task, qint64 removed) = 0;
    virtual void reportSchemaChanged(TableTask &task, const QStringList &changes) = 0;

    // Salesforce refused or could not answer a request made for `task`.
    void apiFailed(TableTask &task, const salesforce::SalesforceError &error, const QString &sentence);
    // PostgreSQL refused a write for `task`. True when the connection itself
    // is gone: then the caller stops, the engine takes over.
    bool databaseFailed(TableTask &task, const store::PgError &error, const QString &sentence);
};

} // namespace tether::sync
