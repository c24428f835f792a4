// Test access to the fixture PostgreSQL cluster started by CTest.
#pragma once

#include <QString>

namespace tether::test {

// libpq connection string of the fixture cluster; empty (and a QFAIL-worthy
// reason in `why`) when the test was started without the fixture.
QString fixtureConnectionString(QString *why = nullptr);

// A fresh database on the fixture cluster, dropped first if it exists, so each
// suite starts from nothing. Returns its connection string, empty on failure.
QString createScratchDatabase(const QString &name, QString *why = nullptr);

} // namespace tether::test
