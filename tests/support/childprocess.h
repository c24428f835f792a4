// endsWithTest: a process a test starts (tether, tether-sim) is killed when
// the test process dies, however it dies. A test that ctest kills for its
// timeout runs no destructors; a `tether` left running would keep ctest's
// output pipe open and hold the whole run until CI's own limit.
#pragma once

#include <QProcess>
#include <csignal>
#include <sys/prctl.h>

namespace tether::test {

inline void endsWithTest(QProcess &process)
{
    // Set in the child between fork and exec; the signal comes when the
    // thread that started it ends (tests start children from the main thread).
    process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
}

} // namespace tether::test
