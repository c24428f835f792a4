// WriteBatch: the changes one transaction made to synced tables (as the
// capture triggers recorded them), folded to one operation per record and
// turned into one composite graph — one Salesforce transaction, all or none —
// with the records read back after them so the mirror gets Salesforce's
// values (real Ids, CreatedDate, SystemModstamp, defaults, formulas).
#pragma once

#include "salesforce/rawjson.h"
#include "salesforce/salesforceerror.h"

#include <QDateTime>
#include <QHash>
#include <QStringList>
#include <memory>
#include <optional>

namespace tether::proxy {

// What the proxy knows about a synced table (from tether.sync_state's describe).
struct SyncedTable
{
    struct Field
    {
        QString name; // API name
        QString type; // Salesforce type
        bool createable = false;
        bool updateable = false;
    };
    QString objectName;
    QString schema;
    QString table;     // without schema
    QString qualified; // "salesforce"."account"
    quint32 oid = 0;
    QHash<QString, Field> fields;       // by column (lower-case field name)
    QHash<QString, QString> columnType; // column -> format_type
};

// One row of tether.pending_write.
struct CapturedChange
{
    QString objectName;
    QString table; // as the trigger wrote it: "salesforce.account"
    QString op;    // INSERT, UPDATE, DELETE
    QString recordId;
    QByteArray oldRow; // JSON text (to_jsonb of the row), empty when none
    QByteArray newRow;
};

// Why a batch cannot go or what Salesforce said, with what the client is told.
struct WriteRefusal
{
    salesforce::SalesforceError error; // when Salesforce (or the network) refused
    QByteArray sqlState;               // when the proxy refused before sending
    QString message;
    QString detail;
    QString hint;
    QString table;  // "account"
    QString schema;
    QString column;
};

class WriteBatch
{
public:
    // Folds the changes (in the order they were made). Refuses columns
    // Salesforce will not accept before anything is sent.
    static std::optional<WriteRefusal> build(const QList<CapturedChange> &changes,
                                             const QHash<QString, const SyncedTable *> &tables,
                                             const QString &dataPath, WriteBatch *batch);

    bool isEmpty() const { return m_records.isEmpty(); }
    int nodeCount() const;
    // {"graphs":[...]} array text for CompositeApi::graph.
    QByteArray graphsJson() const;
    // Reads the graph's answer; on failure the refusal names the record.
    std::optional<WriteRefusal> readAnswer(const QByteArray &body);

    struct Result
    {
        const SyncedTable *table = nullptr;
        QString provisionalId; // for creates
        QString id;            // the real Id
        QString op;            // INSERT, UPDATE, DELETE
        QStringList changedColumns;
        QByteArray record; // the record as Salesforce read it back (JSON text), empty for deletes
    };
    const QList<Result> &results() const { return m_results; }

private:
    struct Record
    {
        const SyncedTable *table = nullptr;
        QString op; // INSERT, UPDATE, DELETE
        QString id; // provisional for INSERT
        QByteArray oldRow;
        QByteArray newRow;
        QString referenceId;
        QByteArray body; // the subrequest body (JSON text)
        QStringList changedColumns;
        QDateTime ifUnmodifiedSince;
    };
    std::optional<WriteRefusal> prepare(Record &record, const QHash<QString, QString> &provisionalRefs);

    QString m_dataPath;
    QList<Record> m_records;
    QList<Result> m_results;
};

} // namespace tether::proxy
