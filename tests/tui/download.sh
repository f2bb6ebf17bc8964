#!/bin/sh
# A download in the wizard: progress shown while it runs, and Esc cancels a
# stalled transfer at once, leaving a resumable .part and no final file.
. "$top_srcdir/tests/lib/common.sh"
zk_tmpdir
. "$top_srcdir/tests/lib/releases.sh"
. "$top_srcdir/tests/lib/tui.sh"
zk_need python3

zk_build_releases
# The Kafka archive stalls after 200 kB: the transfer hangs without ending.
zk_serve M --root "$ZK_TMP/mirror" --fault "/$KAFKA_PATH=stall:200000"
zk_serve C --root "$ZK_TMP/official"

tui_start 80 24 -- "--mirror=http://127.0.0.1:$M" "--checksums=http://127.0.0.1:$C" "$ZK_TMP/w"
tui_wait "Enter: start"
tui_keys Enter
tui_wait "Download (1/7)"
tui_keys Enter
tui_wait "Esc cancels"
tui_wait "KiB"
tui_keys Escape
# At once: well before the stall detector (ZKTLS_STALL_SECONDS, 30 s) would end it.
tui_wait "cancelled" 20
tui_screen | grep -qF "Download (1/7)" || zk_fail "a cancelled download moved on"
[ ! -e "$ZK_TMP/w/downloads/$KAFKA_TGZ" ] || zk_fail "a cancelled download left a file under the final name"
ls "$ZK_TMP/w/downloads/" | grep -q '\.part$' || zk_fail "no resumable .part after cancelling: $(ls -A "$ZK_TMP/w/downloads/")"
tui_keys F10
[ "$(tui_exit_status)" = 0 ] || zk_fail "F10 did not exit cleanly after a cancel"
tui_check_restored "after a cancelled download"
tui_check_sanitizers
echo "ok: the download shows progress and Esc cancels it, leaving a resumable .part"
