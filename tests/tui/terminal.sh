#!/bin/sh
# Terminal manners: NO_COLOR and monochrome terminals get no colour; the
# answers survive quitting; Ctrl-C quits cleanly; a crash restores the terminal.
. "$top_srcdir/tests/lib/common.sh"
zk_tmpdir
. "$top_srcdir/tests/lib/tui.sh"

esc=$(printf '\033')
has_colour() { # any SGR colour parameter (30-37, 38, 40-47, 48, 90-97, 100-107)
  tui_screen -e | grep -qE "$esc\\[([0-9;]*;)?(3[0-8]|4[0-8]|9[0-7]|10[0-7])(;[0-9;]*)?m"
}

# With colours allowed the check finds colour: it can fail.
tui_start 80 24 TERM=xterm-256color -- "$ZK_TMP/c0"
tui_wait "Enter: start"
has_colour || zk_fail "no colour found even with colours allowed: the check is broken"
tmux -L "$TUI_SOCKET" kill-server

tui_start 80 24 NO_COLOR=1 -- "$ZK_TMP/c1"
tui_wait "Enter: start"
tui_keys Enter
tui_wait "Download (1/7)"
! has_colour || zk_fail "NO_COLOR=1 still drew colour"
tmux -L "$TUI_SOCKET" kill-server

tui_start 80 24 TERM=xterm-mono -- "$ZK_TMP/c2"
tui_wait "Enter: start"
tui_keys Enter
tui_wait "Download (1/7)"
! has_colour || zk_fail "TERM=xterm-mono drew colour"
# An answer typed, then F10: asked to save, answers kept.
tui_keys Tab Tab BSpace BSpace BSpace BSpace BSpace 3 . 5 . 6
tui_wait "3.5.6"
tui_keys F10
tui_wait "Save your answers"
tui_keys y
[ "$(tui_exit_status)" = 0 ] || zk_fail "F10 did not exit cleanly"
grep -qx 'zookeeper.version = 3.5.6' "$ZK_TMP/c2/zktls-wizard.conf" || zk_fail "the typed answer was not saved"
tmux -L "$TUI_SOCKET" kill-server

# Ctrl-C quits, saving; the terminal comes back.
tui_start 80 24 -- "$ZK_TMP/c3"
tui_wait "Enter: start"
tui_keys C-c
[ "$(tui_exit_status)" = 0 ] || zk_fail "Ctrl-C did not quit cleanly"
tui_check_restored "after Ctrl-C"
tmux -L "$TUI_SOCKET" kill-server

# A crash (SIGSEGV) restores the terminal before the signal's default action.
tui_start 80 24 -- "$ZK_TMP/c4"
tui_wait "Enter: start"
pid=$(tui_pid) || zk_fail "cannot find the wizard's process"
kill -SEGV "$pid"
status=$(tui_exit_status)
[ "$status" = 139 ] || zk_fail "the crashed wizard did not die of SIGSEGV (status $status)"
tui_check_restored "after SIGSEGV"
# The terminal goes away while a dialog is open: the wizard ends (saving its
# answers) instead of spinning on a closed input.
tmux -L "$TUI_SOCKET" kill-server
tui_start 80 24 -- "$ZK_TMP/c5"
tui_wait "Enter: start"
tui_keys Enter
tui_wait "Download (1/7)"
tui_keys F1
tui_wait "(kafka.version)"
pid=$(tui_pid) || zk_fail "cannot find the wizard's process"
tmux -L "$TUI_SOCKET" kill-server
ended=no
deadline=$(( $(date +%s) + 60 ))
while [ "$(date +%s)" -lt "$deadline" ]; do
  # Gone, or a zombie nobody reaps: either way it stopped running.
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || echo gone)
  case $state in gone | Z) ended=yes; break ;; esac
  sleep 0.1
done
[ "$ended" = yes ] || { kill -9 "$pid" 2>/dev/null; zk_fail "the wizard kept running after its terminal went away (state $state)"; }

echo "ok: colours obey NO_COLOR and monochrome; quitting, Ctrl-C and crashes restore the terminal"
