// The one mapping from a Salesforce refusal to the PostgreSQL error a client
// gets: SQLSTATE (so drivers and ORMs react as to any database error), and a
// hint saying what to do. docs/decisions/0019 lists it for people.
#pragma once

#include "salesforce/salesforceerror.h"

namespace tether::proxy {

struct PostgresErrorCode
{
    const char *sqlState;
    QString hint;
};

PostgresErrorCode postgresErrorFor(const salesforce::SalesforceError &error);

} // namespace tether::proxy
