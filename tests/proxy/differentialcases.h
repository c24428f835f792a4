// The differential suite's protocol sequences: each runs on a RawClient that
// is connected either straight to PostgreSQL or through the proxy, and
// records every server message. The test compares the two transcripts.
#pragma once

#include "rawclient.h"

#include <functional>

namespace tether::test {

struct DifferentialCase
{
    const char *name;
    // Returns false with a reason when the conversation broke off.
    std::function<bool(RawClient &client, Transcript &transcript, QString *why)> run;
};

QList<DifferentialCase> differentialCases();

} // namespace tether::test
