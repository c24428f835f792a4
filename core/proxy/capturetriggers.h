// CaptureTriggers: how a write to a synced table is noticed, in PostgreSQL
// itself. Every synced table gets two row triggers: one gives an inserted row
// a provisional Id (Salesforce assigns the real one), one records each
// change in tether.pending_write. A deferred constraint trigger refuses to
// commit a transaction whose recorded changes are still there: the proxy
// removes them once Salesforce accepted them, so a client that writes around
// the proxy fails at COMMIT instead of making the mirror drift.
//
// The sync engine's own writes and the proxy's write-back of Salesforce's
// answers are not recorded: they set `tether.writer` ('sync' / 'apply').
#pragma once

#include <QString>

namespace tether::proxy {

// The capture tables and functions (idempotent; part of the tether schema).
QString captureSchemaSql();
// The triggers of one synced table (idempotent; `qualifiedTable` is quoted).
QString captureTriggerSql(const QString &qualifiedTable, const QString &objectName);
// Provisional Ids start with this character, which no Salesforce Id has.
constexpr char ProvisionalIdPrefix = '~';

} // namespace tether::proxy
