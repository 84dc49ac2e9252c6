#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The demo end to end, without the GUI (TAP): the demo server starts and
# writes its details, the demo account goes into a profile with
# confab-cli, Ada welcomes the user and answers a message, and stopping
# the server removes Prosody and its folder.
# Needs a Secret Service (run under tools/with-session).
#
# Usage: test-demo.sh CONFAB_DEMO_SERVER CONFAB_CLI
set -u
server_bin=$1
cli=$2

work=$(mktemp -d "${TMPDIR:-/tmp}/confab-demo-test-XXXXXX")
server_pid=""
listen_pid=""
cleanup () {
  for pid in $listen_pid $server_pid; do
    kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  done
  rm -rf "$work"
}
trap cleanup EXIT
export XDG_DATA_HOME="$work/data"
mkdir -p "$XDG_DATA_HOME"

if ! command -v prosody >/dev/null 2>&1; then
  echo "1..0 # SKIP prosody not installed"
  exit 0
fi
echo "1..5"
n=0
ok () {
  n=$((n + 1))
  echo "ok $n - $1"
}
not_ok () {
  n=$((n + 1))
  echo "not ok $n - $1"
  [ -z "${2:-}" ] || sed 's/^/# /' "$2"
}

# Waits up to $2 tenths of a second for file $1 to match pattern $3.
wait_match () {
  tries=0
  while ! grep -q -- "$3" "$1" 2>/dev/null; do
    tries=$((tries + 1))
    [ "$tries" -gt "$2" ] && return 1
    sleep 0.1
  done
}

"$server_bin" serve --info "$work/info" </dev/null 2>"$work/server.log" &
server_pid=$!
if wait_match "$work/info" 300 DEMO_PORT; then
  ok "the demo server starts and writes its details"
else
  not_ok "the demo server starts and writes its details" "$work/server.log"
  exit 0
fi
. "$work/info"

if "$cli" account add --ca-file "$DEMO_CA_FILE" --host "$DEMO_HOST" --port "$DEMO_PORT" \
     "$DEMO_JID" <"$DEMO_PASSWORD_FILE" >"$work/add.log" 2>&1; then
  ok "confab-cli adds the demo account with the demo CA"
else
  not_ok "confab-cli adds the demo account with the demo CA" "$work/add.log"
fi

"$cli" listen --timeout 40 "$DEMO_JID" >"$work/listen.log" 2>&1 &
listen_pid=$!
if wait_match "$work/listen.log" 200 '"from":"ada@confab.test/bot".*Welcome to Confab'; then
  ok "Ada welcomes the user once they are online"
else
  not_ok "Ada welcomes the user once they are online" "$work/listen.log"
fi

"$cli" send "$DEMO_JID" "$DEMO_BOT_JID" "Hello there" >"$work/send.log" 2>&1
if wait_match "$work/listen.log" 200 '"from":"ada@confab.test/bot".*"body":"Hello! '; then
  ok "Ada answers a message"
else
  not_ok "Ada answers a message" "$work/listen.log"
fi

kill -TERM "$server_pid"
wait "$server_pid"
server_pid=""
if [ ! -e "$DEMO_SERVER_DIR" ] && ! kill -0 "$DEMO_PROSODY_PID" 2>/dev/null; then
  ok "stopping the demo server stops Prosody and removes its folder"
else
  not_ok "stopping the demo server stops Prosody and removes its folder"
fi
