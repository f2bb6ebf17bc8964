#!/bin/sh
# Inside a text field a printable character is typed, never taken for a
# command: ŗ (U+0157) has the number of curses' KEY_ENTER and once ran the
# step, writing its files, instead of landing in the field.
. "$top_srcdir/tests/lib/common.sh"
zk_tmpdir
. "$top_srcdir/tests/lib/tui.sh"

tui_start 80 24 -- "$ZK_TMP/w"
tui_wait "Enter: start"
tui_keys 5
tui_wait "ZooKeeper (5/7)"
tui_keys -l "ŗ"
tui_wait "zookeeperŗ"
tui_screen | grep -qF "ZooKeeper (5/7)" || zk_fail "typing ŗ left the ZooKeeper screen"
[ ! -e "$ZK_TMP/w/zoo.cfg" ] || zk_fail "typing ŗ ran the ZooKeeper step"
tui_keys F10
tui_wait "Save your answers before quitting?"
tui_keys n
[ "$(tui_exit_status)" = 0 ] || zk_fail "the wizard did not exit cleanly"
tui_check_restored "after typing"
tui_check_sanitizers
echo "ok: a character typed into a field is typed, whatever its number"
