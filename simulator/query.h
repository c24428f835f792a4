// Runs parsed SOQL against the org: resolves field paths (including parent
// relationships such as Account.Owner.Name) with Salesforce's INVALID_FIELD /
// INVALID_TYPE errors, filters, sorts, and writes records as REST JSON or as
// Bulk API 2.0 CSV rows.
#pragma once

#include "org.h"
#include "soql.h"

#include <QByteArray>
#include <memory>
#include <vector>

namespace tether::sim {

// One step of a path: a reference field to follow, or the final field.
struct ResolvedPath
{
    QList<const FieldDef *> hops; // reference fields followed, in order
    QStringList hopNames;         // relationship names as described ("Account", "Owner")
    QString leafName;             // the field on the last object, as written in the query
    const FieldDef *leaf = nullptr; // set when the last object is known (not polymorphic)
    const Table *root = nullptr;
};

class CompiledQuery
{
public:
    std::shared_ptr<SoqlQuery> soql;
    Table *table = nullptr;
    std::vector<ResolvedPath> select; // Field items in SELECT order
    QStringList columnNames;          // "Id", "Account.Name"
    bool countOnly = false;
    bool aggregateCount = false;      // COUNT(field) -> AggregateResult
    QString aggregateAlias;
    struct Predicate;
    std::shared_ptr<Predicate> where;
    std::vector<std::pair<ResolvedPath, OrderItem>> order;
    QList<QByteArray> jsonKeys; // ,"Name": per select item, built once
    mutable QByteArray cachedVersion;
    mutable QByteArray attributesPrefix;

    // Matching rows, filtered and sorted, after OFFSET/LIMIT.
    std::vector<int> run(const Org &org, bool includeDeleted) const;
    // `{"attributes":{...},"Id":"..",...}` for one row.
    void appendJson(QByteArray &out, const Org &org, int row, const QByteArray &version) const;
    void appendCsvHeader(QByteArray &out) const;
    void appendCsv(QByteArray &out, const Org &org, int row) const;
};

// Compiles the query for `org`; nullptr and `error` when a name does not resolve.
std::shared_ptr<CompiledQuery> compileSoql(const Org &org, std::shared_ptr<SoqlQuery> query, SoqlError *error);

} // namespace tether::sim
