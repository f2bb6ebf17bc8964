#!/bin/sh
# F5, F6 and F8 on the brokers' table (issue 14, D1): removing a broker just
# added names it and leaves the others; it once read the freed descriptors of
# the old form (ASan: heap-use-after-free; otherwise a wrong or empty name).
. "$top_srcdir/tests/lib/common.sh"
zk_tmpdir
. "$top_srcdir/tests/lib/tui.sh"

tui_start 80 24 -- "$ZK_TMP/w"
tui_wait "Enter: start"
tui_keys 6
tui_wait "Brokers (6/7)"
tui_keys F5
tui_wait "Host name of the new broker:"
tui_keys -l kafka-3
tui_keys Enter
tui_wait "Added kafka-3."
tui_wait "kafka-1 kafka-2 kafka-3"
tui_keys F8
tui_wait "Remove kafka-3 and its answers?"
tui_keys y
tui_wait "Removed kafka-3."
brokers=$(tui_screen | grep "Brokers  *kafka")
case $brokers in
  *kafka-3*) zk_fail "kafka-3 is still listed: $brokers" ;;
  *kafka-1\ kafka-2*) ;;
  *) zk_fail "the brokers are not kafka-1 and kafka-2 after the removal: $brokers" ;;
esac

# Rename the first broker (its row is below the list): the new name is named.
tui_keys Down F6
tui_wait "New name:"
tui_keys BSpace
tui_keys -l 9
tui_keys Enter
tui_wait "Renamed kafka-9."
tui_wait "kafka-9 kafka-2"

tui_keys F10
tui_wait "Save your answers before quitting?"
tui_keys n
[ "$(tui_exit_status)" = 0 ] || zk_fail "the wizard did not exit cleanly"
tui_check_restored "after editing the brokers"
tui_check_sanitizers
echo "ok: F5, F6 and F8 name the broker they add, rename and remove"
