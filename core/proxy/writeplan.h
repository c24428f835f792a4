// WritePlan: what one transaction's captured changes mean for Salesforce.
// Changes to the same record collapse into one operation (insert + update =
// create with the final values, update + update = one update of every column
// that differs from the record as the transaction found it, insert + delete =
// nothing), records are ordered as the transaction first touched them with
// every record created before anything that refers to it, and a reference to
// a record created in the same transaction becomes @{ref.id}. Bodies are JSON
// text built from PostgreSQL's own to_jsonb() output, so numbers keep every
// digit. Whatever Salesforce would refuse on sight (a read-only column, a
// table that is not synced, a circle of new records) is refused here, before
// any call.
#pragma once

#include "proxy/errormapping.h"
#include "proxy/syncedtable.h"

#include <QDateTime>
#include <QHash>
#include <optional>

namespace tether::proxy {

// One row of tether.captured_changes().
struct CapturedChange
{
    enum class Op { Insert, Update, Delete };
    qint64 seq = 0;
    quint32 tableOid = 0;
    QString schemaName;
    QString tableName;
    QString objectName;  // empty when the table is not (or no longer) synced
    QString describeMd5;
    Op op = Op::Insert;
    QString recordId;
    QByteArray oldRow;     // to_jsonb of the row before (update, delete)
    QByteArray currentRow; // to_jsonb of the row now; empty when it is gone
};

struct RecordWrite
{
    enum class Op { Create, Update, Delete };
    Op op = Op::Create;
    std::shared_ptr<const SyncedTable> table;
    quint32 tableOid = 0;
    QString key;          // the row's id in PostgreSQL now (provisional for creates)
    QString referenceId;  // the graph node: "r1", "r2", ...
    QByteArray body;      // JSON object of the fields sent (create/update), with @{rN.id}
    QStringList fields;   // field API names in the body
    QDateTime unmodifiedSince; // update/delete: when the mirror last saw the record change
    QStringList dependsOn;     // creates whose new Id the body refers to

    QString operationName() const; // "insert", "update", "delete" (as the client wrote it)
};

struct WritePlan
{
    QList<RecordWrite> writes; // in the order Salesforce must apply them
    std::optional<Refusal> refusal;
    bool isEmpty() const { return writes.isEmpty() && !refusal; }
};

using SyncedTables = QHash<quint32, std::shared_ptr<const SyncedTable>>; // by table OID

WritePlan buildWritePlan(const QList<CapturedChange> &changes, const SyncedTables &tables);

// A field value of to_jsonb(row) as Salesforce wants it in a request body
// (JSON text): datetimes in UTC, times with Z, multipicklists joined by ';'.
QByteArray salesforceJsonValue(const QString &salesforceType, const QByteArray &jsonbValue);

// HTTP date for If-Unmodified-Since ("Tue, 21 May 2024 10:00:00 GMT").
QByteArray httpDate(const QDateTime &at);

} // namespace tether::proxy
