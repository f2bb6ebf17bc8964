#!/bin/sh
# One resize path: a resize that arrives while F9's review or a dialog is on
# the screen still lays the screen out for the new size once they close (the
# step list at the left, the form with the rows the new height gives it).
. "$top_srcdir/tests/lib/common.sh"
zk_tmpdir
. "$top_srcdir/tests/lib/tui.sh"

# At 130x40 the ZooKeeper form shows its heap row (at 80x24 it is on page 2)
# and the wide layout has the step list in the first columns.
check_wide() {
  tui_wait "ZooKeeper heap"
  tui_screen | grep -q '^ [^ ]* Download  *[^ ]' || { tui_screen >&2; zk_fail "$1: no step list at the left"; }
  tui_screen | grep -q 'page 1/2' && { tui_screen >&2; zk_fail "$1: the form kept the old size"; }
  return 0
}

tui_start 80 24 -- "$ZK_TMP/w"
tui_wait "Enter: start"
tui_keys 5
tui_wait "ZooKeeper (5/7)"
tui_wait "page 1/2"

# Resized during the review: Esc returns to a form built for the new size.
tui_keys F9
tui_wait "Review: "
tmux -L "$TUI_SOCKET" resize-window -x 130 -y 40
tui_wait "Node certificates"
tui_keys Escape
check_wide "resized during the review"

# Resized while the help is open: the resize closes it, the form follows.
tmux -L "$TUI_SOCKET" resize-window -x 80 -y 24
tui_wait "page 1/2"
tui_keys F1
tui_wait " Help "
tmux -L "$TUI_SOCKET" resize-window -x 130 -y 40
check_wide "resized during the help"

# Resized while the quit question is open: it stays until answered.
tui_keys x
tui_wait "zookeeperx"
tmux -L "$TUI_SOCKET" resize-window -x 80 -y 24
tui_wait "page 1/2"
tui_keys F10
tui_wait "Save your answers before quitting?"
tmux -L "$TUI_SOCKET" resize-window -x 130 -y 40
tui_keys c
check_wide "resized during the quit question"
# c answered the question; had the resize closed it, c would be in the field.
tui_screen | grep -q "zookeeperxc" && zk_fail "a resize closed the quit question"
tui_keys F10
tui_wait "Save your answers before quitting?"
tui_keys n
[ "$(tui_exit_status)" = 0 ] || zk_fail "the wizard did not exit cleanly"
tui_check_restored "after the resizes"
tui_check_sanitizers
echo "ok: a resize during the review or a dialog lays the screen out for the new size"
