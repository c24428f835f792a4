// QueryPage: one page of Salesforce records turned into what the mirror
// applies — CSV rows for COPY into staging, plus the Ids of deleted records.
//
// Both REST query results (JSON, via RawJson so numbers stay exact) and Bulk
// API 2.0 results (CSV already) end up in the same staging format, so one
// upsert path serves backfill, polling and column backfills.
#pragma once

#include "schema/tableschema.h"
#include "salesforce/rawjson.h"

#include <QStringList>

namespace tether::sync {

using salesforce::RawJson;

struct QueryPage
{
    qint64 totalSize = 0;
    bool done = true;
    QString nextRecordsUrl;

    QStringList columns; // lower-case column names, in CSV order
    QByteArray csv;      // rows only, no header; empty when no live records
    qint64 rowCount = 0;
    QStringList deletedIds; // records with IsDeleted = true (queryAll)

    // Greatest watermark value (Salesforce datetime text) and the last Id seen,
    // for cursors. Pages are ordered by watermark when polling and by Id when
    // backfilling, so the last row carries the cursor.
    QString maxWatermark;
    QString lastId;

    QString error; // set when the body was not a query result
};

// Parses a REST query result ({"totalSize","done","records":[...]}) for `table`.
// `columns` limits the CSV to those columns (default: every column of the table).
QueryPage pageFromQueryResult(const RawJson &json, const RawJson::Value &result,
                              const schema::TableSchema &table, const QStringList &columns = {});
QueryPage pageFromQueryJson(const QByteArray &body, const schema::TableSchema &table,
                            const QStringList &columns = {});

// Bulk API 2.0 CSV result: checks the header names `table`'s fields and strips it.
QueryPage pageFromBulkCsv(QByteArray csv, const schema::TableSchema &table,
                          const QStringList &fieldNames);

// CSV field quoting for PostgreSQL COPY ... (FORMAT csv).
void appendCsvField(QByteArray &out, const QByteArray &value);

} // namespace tether::sync
