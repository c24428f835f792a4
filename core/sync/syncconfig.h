// SyncConfig: every setting of the sync engine, with the defaults people get.
#pragma once

#include "schema/tableschema.h"

#include <QString>
#include <QStringList>

namespace tether::sync {

struct SyncConfig
{
    QString databaseConnectionString;
    QString schemaName = QStringLiteral("salesforce");
    QStringList objects; // empty: the default selection (see defaultObjectSelection)
    schema::MappingOptions mapping;
    schema::StalePolicy stalePolicy;

    int restBatchSize = 2000;
    // Above this many records a backfill uses Bulk API 2.0: a REST backfill
    // costs one call per 2,000 records, a Bulk job two calls plus one per
    // `bulkMaxRecords` — Bulk wins from roughly 8,000 records (docs/decisions).
    qint64 bulkThreshold = 10000;
    // Records per Bulk results page (one API call each). Pages stream from the
    // socket into COPY, so their size does not show in memory (decision 0026).
    qint64 bulkMaxRecords = 500000;
    // The first look at a new job, then each wait half as long again, capped at
    // 15 s. A look the rate limiter has no room for waits for its slot, so a
    // short first wait costs calls only when calls are plentiful (decision 0026).
    int bulkStatusFirstDelayMs = 100;

    int pollOverlapSeconds = 60;   // re-read window for late-committed changes
    int pollMinIntervalMs = 0;     // a busy table is due again at once
    int pollMaxIntervalMs = 15000; // a quiet table waits at most this (decision 0027)
    int pollBatchTables = 5;       // tables per /composite poll
    int describeIntervalMs = 10 * 60 * 1000;
    int reconcileIntervalMs = 60 * 60 * 1000;

    // A table whose work keeps failing waits this long before it tries again,
    // doubling up to the cap; the other tables go on meanwhile.
    int tableRetryFirstMs = 2000;
    int tableRetryMaxMs = 60000;
    // Reconnecting to a database that went away.
    int databaseRetryFirstMs = 1000;
    int databaseRetryMaxMs = 30000;
    // A table locked by someone else's long transaction must not hold up the
    // whole engine: give up on the lock after this long and retry later.
    int lockTimeoutMs = 10000;
    int statementTimeoutMs = 10 * 60 * 1000;
};

} // namespace tether::sync
