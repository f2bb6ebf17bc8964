#!/bin/sh
# Resuming in a real terminal: the wizard starts where the directory's
# manifest says the work stopped (here Download, never run: these directories
# are made without archives), the steps done show as done, and an answer that
# earlier output depends on (a host name in the certificates) marks that step
# stale at once.
. "$top_srcdir/tests/lib/common.sh"
zk_tmpdir
. "$top_srcdir/tests/lib/tui.sh"
w="$ZK_TMP/w"

"$ZKTLS" --batch --set key.type=ec-p256 --steps ca,certs "$w" >/dev/null || zk_fail "batch ca,certs failed"

tui_start 80 24 -- "$w"
tui_wait "Enter resumes at: Download"
tui_keys 5
tui_wait "ZooKeeper (5/7)"
strip=$(tui_screen | sed -n 2p)
echo "$strip" | grep -q '✓ca ✓certs ▶zookeeper' || zk_fail "the step strip does not show ca and certs done: $strip"

# zookeeper.host is in every certificate's SANs: changing it makes certs stale.
tui_keys BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace z k
tui_wait "ssl.keyStore.location=zk.jks"
strip=$(tui_screen | sed -n 2p)
echo "$strip" | grep -q '✓ca ↻certs' || zk_fail "certs is not marked stale after a host change: $strip"
# Back to the old name: certs is done again (the hash is over what it read).
tui_keys BSpace BSpace z o o k e e p e r
tui_wait "ssl.keyStore.location=zookeeper.jks"
strip=$(tui_screen | sed -n 2p)
echo "$strip" | grep -q '✓ca ✓certs' || zk_fail "certs stays stale after the old host came back: $strip"
tui_keys F10
tui_wait "Save your answers"
tui_keys n
[ "$(tui_exit_status)" = 0 ] || zk_fail "F10 did not exit cleanly"
tui_check_sanitizers

# The same in ASCII under the C locale: states keep their text marks.
TUI_LC_ALL=C tui_start 80 24 -- "$w"
tui_wait "Enter resumes at: Download"
tui_keys 5
tui_wait "ZooKeeper (5/7)"
tui_screen | sed -n 2p | grep -q '+ca +certs >zookeeper' || zk_fail "ASCII state marks missing: $(tui_screen | sed -n 2p)"
tui_keys F10
[ "$(tui_exit_status)" = 0 ] || zk_fail "F10 did not exit cleanly (C locale)"
# What changes on disk: a file edited by hand is marked, kept, and F7 shows
# the difference, with the passwords on both sides masked.
w2="$ZK_TMP/w2"
"$ZKTLS" --batch --set key.type=ec-p256 --steps ca,certs,zookeeper "$w2" >/dev/null || zk_fail "batch failed"
echo "# my note" >>"$w2/zoo.cfg"
TUI_LC_ALL=C.UTF-8 tui_start 80 24 -- "$w2"
tui_wait "Enter resumes at: Download"
tui_keys 5
tui_wait "ZooKeeper (5/7)"
tui_keys F4
tui_wait "zoo.cfg (0600, edited by you: kept)"
tui_keys F7
tui_wait "- # my note"
tui_screen | grep -q "ssl.keyStore.password=\*\*\*\*" || zk_fail "the diff does not show the masked password line"
if tui_screen | grep -q "confidential"; then zk_fail "a password is on screen in the diff"; fi
# F2 shows the article's commands for this step, with no password on screen.
tui_keys F2
tui_wait "The commands (F2: back to the files)"
tui_wait "zoo.cfg"
if tui_screen | grep -q "confidential"; then zk_fail "a password is on screen in the commands"; fi
tui_keys F2
tui_wait "zoo.cfg (0600"

# F9 reviews every file of every step; the hand-edited zoo.cfg says it is kept.
tui_keys F9
tui_wait "Review: "
tui_screen | grep -q "Review: [0-9]* files: .* 1 kept" || zk_fail "the review does not count the edited zoo.cfg as kept"
tui_screen | grep -q "ca  *ca-cert  *unchanged" || zk_fail "the review does not show ca-cert unchanged"
tui_keys Escape
tui_wait "ZooKeeper (5/7)"
tui_keys F10
[ "$(tui_exit_status)" = 0 ] || zk_fail "F10 did not exit cleanly (diff)"

echo "ok: resume follows the manifest; a changed host marks certs stale, and not when it comes back"
