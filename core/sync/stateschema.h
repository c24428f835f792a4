// StateSchema: the version of Tether's own schema (`tether`: sync cursors,
// capture, write log) that a database carries, so that an upgraded Tether
// migrates it forward and an older Tether refuses a database a newer one has
// already migrated instead of misreading it.
//
// The version lives in tether.schema_version (one row). Version 1 is the
// layout the idempotent DDL in mirrorstore.cpp and capturetriggers.cpp
// creates; a database without the table predates versioning and is treated
// as version 0, which that same DDL brings to version 1. A change that cannot
// be written as idempotent DDL gets the next number and a step in
// stateschema.cpp.
#pragma once

#include "store/pgerror.h"

namespace tether::store {
class PgConnection;
}

namespace tether::sync {

// The newest layout of the `tether` schema this binary understands.
inline constexpr int StateSchemaVersion = 1;

// Inside the transaction that holds the schema lock, before any DDL: the
// version the database carries (0 when it predates versioning or is empty),
// or an error — a sentence — when it is newer than StateSchemaVersion.
store::PgError checkStateSchemaVersion(store::PgConnection &db, int *found = nullptr);

// After the DDL, in the same transaction: runs the steps from `found` up to
// StateSchemaVersion and records the version.
store::PgError migrateStateSchema(store::PgConnection &db, int found);

} // namespace tether::sync
