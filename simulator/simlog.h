// Logging category of tether-sim ("tether.sim"). The simulator is not linked
// against tether_core, so it has its own.
#pragma once

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcSim)
