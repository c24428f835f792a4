// SchemaTracker: keeps each mirror table shaped like its Salesforce object.
// Describes the objects (up to 25 per /composite call, If-Modified-Since so an
// unchanged object costs a 304; the COUNT() of tables about to be backfilled
// rides along in the same call), creates or migrates the tables, and keeps the
// describe in tether.sync_state so a restart starts from it without a call.
#pragma once

#include "sync/compositeread.h"
#include "sync/syncparts.h"

namespace tether::sync {

class SchemaTracker
{
public:
    SchemaTracker(SyncContext &context, SyncEvents &events);

    // Describes the tables that are due; false when none is.
    bool start(const QDateTime &now, std::function<void()> done);
    // Takes the table's shape from the describe kept in its state, if any.
    void restoreSchema(TableTask &task, const TableState &state);

private:
    void onDescribes(const QList<TableTask *> &tasks, const CompositeReadReply &reply);
    // The COUNT()s that rode along, answers from index `first` on.
    void onCounts(qsizetype first, const QList<TableTask *> &tasks, const CompositeReadReply &reply);
    // Applies one describe; false when the database connection is gone.
    bool apply(TableTask &task, const QByteArray &describeJson, const QString &lastModified);

    SyncContext &m_context;
    SyncEvents &m_events;
};

} // namespace tether::sync
