#!/bin/sh
# Runs a command inside a private D-Bus session with an unlocked GNOME Keyring
# (a real Secret Service), headless and as any user including root. The keyring
# lives in a throwaway HOME so the person's own keyring is never touched.
set -eu
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export HOME="$scratch" XDG_RUNTIME_DIR="$scratch/run" XDG_DATA_HOME="$scratch/data"
mkdir -p "$XDG_RUNTIME_DIR" "$XDG_DATA_HOME"
chmod 700 "$XDG_RUNTIME_DIR"
dbus-run-session -- sh -c '
  # An empty password (one empty line) on stdin creates and unlocks the login keyring.
  eval "$(printf "\\n" | gnome-keyring-daemon --unlock --components=secrets)"
  export GNOME_KEYRING_CONTROL
  exec "$@"' with-keyring "$@"
