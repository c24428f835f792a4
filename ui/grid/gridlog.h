// The grid editor's logging category: tether.ui.grid.
#pragma once

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcGrid)
