// The simulated org's data: one Table per object with records kept compactly
// (one byte blob per record, values in their Salesforce text form, "" = null),
// Id and external-id indexes, the org-wide SystemModstamp clock, validation of
// writes with Salesforce's error codes, transactions for all-or-none, data
// generation and the binary snapshot behind --data-file.
#pragma once

#include "schema.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <memory>
#include <vector>

namespace tether::sim {

// Datetime text "2024-05-20T20:49:32.000+0000" <-> milliseconds since the epoch (UTC).
QByteArray formatDateTime(qint64 msecs);
// Accepts the Salesforce form and ISO 8601 variants (Z, +hh:mm, no millis); -1 when invalid.
qint64 parseDateTime(QByteArrayView text);
bool isValidDate(QByteArrayView text);
qint64 nowMs();

// Record blob layout: uint32 count, then count uint32 end offsets, then the
// values back to back. Slots beyond `count` (fields added later) read as null.
namespace rowblob {
QByteArray encode(const QList<QByteArray> &values);
QByteArrayView value(const QByteArray &blob, int slot);
QList<QByteArray> decode(const QByteArray &blob, int slotCount);
} // namespace rowblob

struct SfError
{
    QByteArray statusCode;
    QString message;
    QStringList fields;
};

struct WriteResult
{
    QByteArray id;
    bool created = false;
    int httpStatus = 200;
    QList<SfError> errors;
    bool ok() const { return errors.isEmpty(); }
};

class Table
{
public:
    ObjectDef def;
    std::vector<QByteArray> rows; // empty blob = purged
    QHash<QByteArray, int> byId;  // 18-character Id -> row
    // Unique / external-id fields: slot -> (lower-case value -> row).
    QHash<int, QHash<QByteArray, int>> uniqueIndexes;
    quint64 nextIdNumber = 1;
    QHash<int, quint64> autoNumberNext; // slot -> next number

    // Frequently used cells.
    int idSlot = -1, isDeletedSlot = -1, createdDateSlot = -1, createdByIdSlot = -1,
        lastModifiedDateSlot = -1, lastModifiedByIdSlot = -1, systemModstampSlot = -1;

    int slot(const QString &fieldName) const
    {
        const FieldDef *f = def.field(fieldName);
        return f ? f->slot : -1;
    }
    QByteArrayView stored(int row, int slot) const
    {
        return slot < 0 ? QByteArrayView() : rowblob::value(rows[size_t(row)], slot);
    }
    QByteArray storedText(int row, const QString &fieldName) const
    {
        return stored(row, slot(fieldName)).toByteArray();
    }
    // Stored or computed value of a field in its text form ("" = null).
    QByteArray value(int row, const FieldDef &field) const
    {
        if (field.slot >= 0)
            return stored(row, field.slot).toByteArray();
        return field.compute ? field.compute(*this, row) : QByteArray();
    }
    bool isLive(int row) const { return !rows[size_t(row)].isEmpty(); }
    bool isDeleted(int row) const { return stored(row, isDeletedSlot) == "true"; }
    int rowOf(QByteArrayView id18) const { return byId.value(id18.toByteArray(), -1); }
    void resolveSystemSlots();
};

class Org
{
public:
    Org();
    ~Org();

    QList<Table *> tables() const;
    Table *table(const QString &name) const; // case-insensitive
    Table *tableForId(QByteArrayView id) const; // by key prefix

    QByteArray orgId() const { return m_orgId; }
    QByteArray adminUserId() const { return m_adminUserId; }
    QByteArray integrationUserId() const { return m_integrationUserId; }

    // The next SystemModstamp: strictly increasing across the whole org.
    qint64 nextModstampMs();
    qint64 lastModstampMs() const { return m_lastModstampMs; }

    // Deterministic realistic data: `counts` per object name.
    void generate(const QMap<QString, int> &counts, quint64 seed);
    bool save(const QString &path, QString *why) const;
    bool load(const QString &path, QString *why);
    qint64 recordCount() const;

    // Writes. `actor` is the User Id doing the change. Values come as JSON.
    WriteResult create(Table &table, const QJsonObject &values, const QByteArray &actor);
    WriteResult update(Table &table, const QByteArray &id, const QJsonObject &values,
                       const QByteArray &actor, qint64 ifUnmodifiedSinceMs = -1);
    WriteResult remove(Table &table, const QByteArray &id, const QByteArray &actor,
                       qint64 ifUnmodifiedSinceMs = -1);
    WriteResult upsert(Table &table, const QString &keyField, const QString &keyValue,
                       const QJsonObject &values, const QByteArray &actor);
    WriteResult undelete(Table &table, const QByteArray &id, const QByteArray &actor);
    bool purge(Table &table, const QByteArray &id);

    // All-or-none: writes between begin() and rollback() are undone.
    void begin();
    void commit();
    void rollback();

    // Adds a custom field at runtime (schema change); false and `why` when invalid.
    bool addField(Table &table, const QJsonObject &spec, QString *why);
    // A custom field deleted in Setup: gone from describe and SOQL.
    bool removeField(Table &table, const QString &name, QString *why);
    // A custom field edited in Setup (label, length, precision, scale).
    bool changeField(Table &table, const QString &name, const QJsonObject &spec, QString *why);

    // Picks `count` random live records and changes one field each, as the integration user.
    int churn(int count);

private:
    void buildTables();
    void setRow(Table &table, int row, QByteArray blob);
    void setDeleted(Table &table, int row, bool deleted, const QByteArray &actor);
    int appendRow(Table &table, QByteArray blob);
    void recordHistory(Table &account, int row, const QList<QByteArray> &after, const QByteArray &stamp,
                       const QByteArray &actor);
    void indexRow(Table &table, int row, bool add);
    QList<SfError> convert(const Table &table, const QJsonObject &values, bool creating,
                           QList<QByteArray> &cells) const;
    QList<SfError> checkRules(const Table &table, int exceptRow, const QList<QByteArray> &cells) const;

    struct Undo
    {
        Table *table;
        int row;
        QByteArray oldBlob;
        bool inserted;
    };
    std::vector<std::unique_ptr<Table>> m_tables;
    QHash<QString, Table *> m_byName;
    QHash<QByteArray, Table *> m_byPrefix;
    QByteArray m_orgId;
    QByteArray m_adminUserId;
    QByteArray m_integrationUserId;
    qint64 m_lastModstampMs = 0;
    int m_transactionDepth = 0;
    std::vector<Undo> m_undo;
    quint64 m_churnState = 0x9e3779b97f4a7c15ULL;
};

} // namespace tether::sim
