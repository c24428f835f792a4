#!/bin/sh
# Pictures of the setup assistant's pages and the settings dialog: runs the
# setup suite on a real X server (Xvfb) with TETHER_SCREENSHOT_DIR set, so each
# step it drives against tether-sim and a throwaway PostgreSQL is also saved
# as a PNG (docs/screenshots/setup-*.png, settings-*.png).
#   sh tests/setup/screenshots.sh [build dir]
# (TETHER_SCREENSHOT_DARK=1 draws them in a dark palette, to look at, not to keep.)
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
scratch=$(mktemp -d)
chmod 755 "$scratch" # as root the fixture server runs as postgres
trap '"$build/tests/support/tether-testcluster" stop "$scratch/pg" >/dev/null 2>&1 || true; rm -rf "$scratch"' EXIT
"$build/tests/support/tether-testcluster" start "$scratch/pg"
export TETHER_TEST_PG_INFO="$scratch/pg/connection"
export TETHER_SIM_EXECUTABLE="$build/simulator/tether-sim"
export TETHER_SCREENSHOT_DIR="$root/docs/screenshots"
export XDG_CONFIG_HOME="$scratch/config"
export QT_QPA_PLATFORM=xcb
xvfb-run -a -s "-screen 0 1400x900x24" \
    sh "$root/tests/salesforce/with-keyring.sh" "$build/tests/setup/tst_setup"
