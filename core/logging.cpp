#include "logging.h"

Q_LOGGING_CATEGORY(lcApp, "tether.app", QtInfoMsg)
Q_LOGGING_CATEGORY(lcStore, "tether.store", QtInfoMsg)
Q_LOGGING_CATEGORY(lcSalesforce, "tether.salesforce", QtInfoMsg)
Q_LOGGING_CATEGORY(lcOAuth, "tether.oauth", QtInfoMsg)
Q_LOGGING_CATEGORY(lcSchema, "tether.schema", QtInfoMsg)
Q_LOGGING_CATEGORY(lcSync, "tether.sync", QtInfoMsg)
Q_LOGGING_CATEGORY(lcProxy, "tether.proxy", QtInfoMsg)
Q_LOGGING_CATEGORY(lcUi, "tether.ui", QtInfoMsg)
