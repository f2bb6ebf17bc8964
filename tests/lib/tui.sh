# Helpers for driving the wizard in a real terminal: tmux with its own socket,
# no configuration, a fixed size.  Sourced after common.sh.

zk_need tmux

# tui_start WIDTH HEIGHT [ENV=VALUE...] -- ARGS...: runs the wizard in a pane.
# After the wizard, the pane's shell prints its exit status and the terminal's
# settings, then waits: what the user's shell would find is on the screen.
tui_start() {
  TUI_SOCKET="zktls-$$-$(date +%s%N)"
  width=$1 height=$2
  shift 2
  env_args=
  while [ "$1" != -- ]; do
    env_args="$env_args $1"
    shift
  done
  shift
  # Sanitizer reports inside the pane would be lost: send them to files.
  TUI_ASAN_DIR="$ZK_TMP/asan"
  mkdir -p "$TUI_ASAN_DIR"
  cmd="env ASAN_OPTIONS=log_path=$TUI_ASAN_DIR/asan UBSAN_OPTIONS=log_path=$TUI_ASAN_DIR/ubsan ZKTLS_DATADIR=$ZKTLS_DATADIR LC_ALL=${TUI_LC_ALL:-C.UTF-8}$env_args $ZKTLS"
  for arg in "$@"; do cmd="$cmd '$arg'"; done
  # One line, printed at once: the status, then the settings the shell got back.
  cmd="$cmd; st=\$?; echo \"ZKTLS-EXIT=\$st \$(stty -a | tr ';' '\\n' | grep -w -e echo -e -echo -e icanon -e -icanon | tr '\\n' ' ')\"; exec sleep 600"
  tmux -L "$TUI_SOCKET" -f /dev/null new-session -d -x "$width" -y "$height" "$cmd"
  trap 'tui_cleanup' EXIT
}

# Ends the terminal, then whatever else the test started (release servers).
tui_cleanup() {
  tmux -L "$TUI_SOCKET" kill-server 2>/dev/null || true
  sleep 0.3
  if command -v zk_release_cleanup >/dev/null 2>&1; then
    zk_release_cleanup
  else
    rm -rf "$ZK_TMP"
  fi
}

# The wizard's own process (the pane runs a shell around it).
tui_pid() {
  pgrep -P "$(tmux -L "$TUI_SOCKET" display-message -p '#{pane_pid}')" zktls-wizard
}

tui_keys() {
  tmux -L "$TUI_SOCKET" send-keys "$@"
}

tui_screen() {
  tmux -L "$TUI_SOCKET" capture-pane -p "$@"
}

# tui_wait TEXT [SECONDS]: waits until TEXT is on the screen.  The default
# deadline is generous: a loaded machine (or a sanitizer build) draws slowly,
# and waiting longer costs nothing when the text comes.
tui_wait() {
  deadline=$(( $(date +%s) + ${2:-60} ))
  while ! tui_screen | grep -qF -- "$1"; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "--- screen while waiting for '$1':" >&2
      tui_screen >&2
      zk_fail "timed out waiting for '$1'"
    fi
    sleep 0.1
  done
}

# tui_exit_status [SECONDS]: waits for the wizard to end and prints its status.
tui_exit_status() {
  deadline=$(( $(date +%s) + ${1:-60} ))
  while ! tui_screen | grep -q '^ZKTLS-EXIT='; do
    [ "$(date +%s)" -lt "$deadline" ] || { tui_screen >&2; zk_fail "the wizard did not exit"; }
    sleep 0.1
  done
  tui_screen | sed -n 's/^ZKTLS-EXIT=\([0-9]*\).*/\1/p'
}

# After the wizard: the shell's terminal is usable again.
tui_check_restored() {
  [ "$(tmux -L "$TUI_SOCKET" display-message -p '#{alternate_on}')" = 0 ] || zk_fail "$1: still on the alternate screen"
  [ "$(tmux -L "$TUI_SOCKET" display-message -p '#{cursor_flag}')" = 1 ] || zk_fail "$1: the cursor is hidden"
  settings=$(tui_screen -J | sed -n 's/^ZKTLS-EXIT=[0-9]* //p')
  echo " $settings " | grep -q ' echo ' || zk_fail "$1: echo is off ($settings)"
  echo " $settings " | grep -q ' icanon ' || zk_fail "$1: the terminal is not in canonical mode ($settings)"
}

tui_check_sanitizers() {
  if ls "$TUI_ASAN_DIR"/* >/dev/null 2>&1; then
    cat "$TUI_ASAN_DIR"/* >&2
    zk_fail "sanitizer reports from the wizard in the terminal"
  fi
}
