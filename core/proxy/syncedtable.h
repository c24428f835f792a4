// SyncedTable: what the proxy knows about one mirror table when it writes
// through it — the object and describe it was built from (which fields
// Salesforce accepts in a create or an update, their types), and the SQL that
// writes Salesforce's answer back into the table: in the client's transaction
// after a write, or on the proxy's own connection after a refusal showed the
// row to be stale. Both convert Salesforce's JSON exactly as the sync engine
// does (text cast to the column type, multipicklists split on ';', compound
// fields built from their components), so a poll finds nothing to change.
#pragma once

#include "schema/describe.h"
#include "schema/tableschema.h"

#include <memory>

namespace tether::proxy {

class SyncedTable
{
public:
    // From tether.sync_state: the object, where its table is, and its describe.
    static std::shared_ptr<const SyncedTable> fromDescribe(const QString &objectName, const QString &schemaName,
                                                           const QString &tableName, const QByteArray &describeJson);

    const QString &objectName() const { return m_table.objectName; }
    const schema::TableSchema &table() const { return m_table; }
    const schema::ObjectDescribe &describe() const { return m_describe; }
    // The field behind a column; null for columns Salesforce does not describe.
    const schema::FieldDescribe *field(const QString &column) const;
    // Column of the watermark field (systemmodstamp), empty when none.
    QString watermarkColumn() const { return m_table.watermarkField.toLower(); }

    // UPDATE of the rows whose id is a key of $1, a JSON array of
    // {"key": <id in the table now>, "row": <record as Salesforce returns it>}
    // ($2: the same keys as a varchar[] literal),
    // setting every column (id included: a provisional id becomes the real
    // one). A row already holding a newer version of the record (a poll got
    // there first) is left alone. `returning` are extra RETURNING items after
    // the key.
    QByteArray writeBackSql(const QStringList &returning = {}) const;
    // INSERT ... ON CONFLICT (id) DO UPDATE of the records in $1 (a JSON array
    // of records), with the sync engine's guard: never older over newer.
    QByteArray upsertSql() const;
    // Field API names to read back a record completely (SOQL field list).
    QStringList fieldNames() const { return m_table.fieldNames(); }

private:
    QString valueExpression(const schema::ColumnSpec &column, const QString &record) const;

    schema::ObjectDescribe m_describe;
    schema::TableSchema m_table;
};

} // namespace tether::proxy
