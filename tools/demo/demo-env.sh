# SPDX-License-Identifier: GPL-3.0-or-later
# Shared by tools/demo/confab-demo, tools/make-screenshots and tools/bench-ui
# (sourced with `.`; POSIX sh). Each function does one step of setting up a
# demo: a work folder, a private keyring, an Xvfb display, the demo server,
# the demo account. demo_cleanup undoes everything the steps started; the
# caller installs it as its EXIT trap (demo_traps).

demo_pids=""          # processes to stop at the end, newest first
demo_work=""
demo_server_pid=""
demo_account_jid=""   # set when the account went to a keyring we must clean

# demo_init BUILD_DIR [app]: checks the build (with "app": the application
# too) and makes the work folder.
demo_init () {
  demo_build=$1
  case $demo_build in /*) ;; *) demo_build=$PWD/$demo_build ;; esac
  demo_server_bin=$demo_build/tools/demo/confab-demo-server
  demo_cli=$demo_build/src/cli/confab-cli
  demo_app=$demo_build/src/ui/confab
  for f in "$demo_server_bin" "$demo_cli" ${2:+"$demo_app"}; do
    if [ ! -x "$f" ]; then
      echo "$(basename "$0"): $f is missing: build first (meson compile -C $demo_build)" >&2
      exit 1
    fi
  done
  demo_work=$(mktemp -d "${TMPDIR:-/tmp}/confab-demo-XXXXXX")
  chmod 700 "$demo_work"
  export GSETTINGS_SCHEMA_DIR="${GSETTINGS_SCHEMA_DIR:-$demo_build/data}"
}

# Stops a process we started (by its id) and waits for it.
demo_stop () {
  if [ -n "$1" ] && kill -0 "$1" 2>/dev/null; then
    kill -TERM "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
  fi
}

demo_cleanup () {
  demo_status=$?
  trap - EXIT INT TERM HUP
  for pid in $demo_pids; do
    [ "$pid" = "$demo_server_pid" ] || demo_stop "$pid"
  done
  if [ -n "$demo_account_jid" ]; then
    "$demo_cli" account remove "$demo_account_jid" >/dev/null 2>&1 || true
  fi
  demo_stop "$demo_server_pid"
  [ -z "$demo_work" ] || rm -rf "$demo_work"
  exit "$demo_status"
}

demo_traps () {
  if [ -n "${CONFAB_DEMO_INNER_PID:-}" ]; then
    echo $$ >"$CONFAB_DEMO_INNER_PID"
  fi
  trap demo_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  trap 'exit 129' HUP
}

demo_track () {
  demo_pids="$1 $demo_pids"
}

# demo_private_session SCRIPT ARGS...: runs SCRIPT again inside a D-Bus
# session of its own (once), so that nothing reaches the user's session,
# and exits with its status. dbus-run-session does not pass signals on, so
# we do: the inner script leaves its pid in $CONFAB_DEMO_INNER_PID.
demo_private_session () {
  [ "${CONFAB_DEMO_PRIVATE_SESSION:-}" != 1 ] || return 0
  export CONFAB_DEMO_PRIVATE_SESSION=1
  CONFAB_DEMO_INNER_PID=$(mktemp "${TMPDIR:-/tmp}/confab-demo-pid-XXXXXX")
  export CONFAB_DEMO_INNER_PID
  trap 'demo_forward TERM' TERM
  trap 'demo_forward INT' INT
  trap 'demo_forward HUP' HUP
  dbus-run-session -- "$@" &
  demo_session_pid=$!
  while :; do
    if wait "$demo_session_pid"; then demo_status=0; else demo_status=$?; fi
    kill -0 "$demo_session_pid" 2>/dev/null || break
  done
  rm -f "$CONFAB_DEMO_INNER_PID"
  exit "$demo_status"
}

demo_forward () {
  inner=$(cat "$CONFAB_DEMO_INNER_PID" 2>/dev/null || true)
  if [ -n "$inner" ]; then
    kill -"$1" "$inner" 2>/dev/null || true
  else
    kill -"$1" "$demo_session_pid" 2>/dev/null || true
  fi
}

# A profile folder of our own, and in a private session a gnome-keyring
# (its keyring lives under $XDG_DATA_HOME) unlocked with a throwaway password.
demo_profile () {
  export XDG_DATA_HOME="$demo_work/data"
  mkdir -p "$XDG_DATA_HOME"
  chmod 700 "$XDG_DATA_HOME"
  if [ "${CONFAB_DEMO_PRIVATE_SESSION:-}" = 1 ]; then
    # Settings too (GSETTINGS_BACKEND=keyfile keeps them here); in the
    # user's own session they stay with dconf.
    export XDG_CONFIG_HOME="$demo_work/config"
    mkdir -p "$XDG_CONFIG_HOME"
    chmod 700 "$XDG_CONFIG_HOME"
    if [ -z "${XDG_RUNTIME_DIR:-}" ] || [ ! -w "${XDG_RUNTIME_DIR}" ]; then
      export XDG_RUNTIME_DIR="$demo_work/run"
      mkdir -p "$XDG_RUNTIME_DIR"
      chmod 700 "$XDG_RUNTIME_DIR"
    fi
    # An empty unlock password is ignored: give it one so the login keyring
    # exists, is the default collection and is unlocked.
    head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n' \
      | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1 || true
  fi
  demo_database=$XDG_DATA_HOME/confab/confab.db
}

# demo_xvfb WxH: an Xvfb display of our own (the first free one).
demo_xvfb () {
  fifo=$demo_work/xvfb-display
  Xvfb -displayfd 3 -screen 0 "${1}x24" -nolisten tcp 3>"$fifo" 2>"$demo_work/xvfb.log" &
  demo_track $!
  tries=0
  while [ ! -s "$fifo" ]; do
    tries=$((tries + 1))
    if [ "$tries" -gt 100 ]; then
      echo "$(basename "$0"): Xvfb did not start:" >&2
      cat "$demo_work/xvfb.log" >&2
      exit 1
    fi
    sleep 0.1
  done
  export DISPLAY=":$(head -n 1 "$fifo")"
  unset WAYLAND_DISPLAY
  export GDK_BACKEND=x11
  # No desktop portal can work on this display (the bus would start one
  # without it): libadwaita must not wait for its settings.
  export ADW_DISABLE_PORTAL=1 GTK_USE_PORTAL=0
}

# demo_server [serve options]: starts the demo server and reads its details
# (DEMO_PORT, DEMO_CA_FILE, DEMO_JID, DEMO_PASSWORD_FILE, …).
demo_server () {
  info=$demo_work/server.info
  "$demo_server_bin" serve --info "$info" "$@" </dev/null &
  demo_server_pid=$!
  demo_track "$demo_server_pid"
  tries=0
  while [ ! -s "$info" ]; do
    if ! kill -0 "$demo_server_pid" 2>/dev/null; then
      demo_server_pid=""
      echo "$(basename "$0"): the demo server did not start (is Prosody installed? tools/install-deps)" >&2
      exit 1
    fi
    tries=$((tries + 1))
    if [ "$tries" -gt 600 ]; then
      echo "$(basename "$0"): the demo server did not start within 60 s" >&2
      exit 1
    fi
    sleep 0.1
  done
  . "$info"
}

# demo_add_account [clean]: adds you@confab.test to the profile, password
# from stdin into the keyring; "clean" removes it again at the end (for a
# keyring that outlives us).
demo_add_account () {
  "$demo_cli" account add --ca-file "$DEMO_CA_FILE" --host "$DEMO_HOST" --port "$DEMO_PORT" \
    "$DEMO_JID" <"$DEMO_PASSWORD_FILE" >/dev/null
  if [ "${1:-}" = clean ]; then
    demo_account_jid=$DEMO_JID
  fi
}
