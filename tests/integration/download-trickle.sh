#!/bin/sh
# A server that trickles a few bytes and then stalls, on every request, is
# given up after a bounded number of tries per download (issue 12, item 8):
# progress shortens the wait before the next try but never adds tries.  The
# tries are counted in the server's log, not timed.  The partial download
# is kept, and a rerun against a healthy server resumes and finishes it.
: "${top_srcdir:?run this test through make check}"
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
. "$top_srcdir/tests/lib/common.sh"
zk_need python3 tar sha512sum cmp
zk_tmpdir
# shellcheck source-path=SCRIPTDIR source=../lib/releases.sh
. "$top_srcdir/tests/lib/releases.sh"

zk_build_releases 2000000
ZKTLS_STALL_SECONDS=1
export ZKTLS_STALL_SECONDS
# The bounds the program promises: 8 tries per download in all, 4 in a row
# that bring less than a stall window's worth (1 KiB at 1 s).
MAX_TRIES=8
MAX_FRUITLESS=4

n=0
fetch() {
  n=$((n + 1))
  W=$ZK_TMP/work.$n
  rc=0
  "$ZKTLS" --batch --steps download --mirror "http://127.0.0.1:$M" \
    --checksums "http://127.0.0.1:$C" "$W" > "$ZK_TMP/out" 2> "$ZK_TMP/err" || rc=$?
}
serve() {
  zk_stop_servers
  : > "$ZK_TMP/log.mirror"
  zk_serve M --root "$ZK_TMP/mirror" --log "$ZK_TMP/log.mirror" "$@"
  zk_serve C --root "$ZK_TMP/official"
}
tries() {
  grep -c "^/$KAFKA_PATH " "$ZK_TMP/log.mirror" || true
}
# gave_up WHAT MAX: exit 1, a clear message, at most MAX requests, a .part kept.
gave_up() {
  [ "$rc" = 1 ] || { cat "$ZK_TMP/out" "$ZK_TMP/err"; zk_fail "$1: exit $rc, expected 1"; }
  t=$(tries)
  [ "$t" -le "$2" ] || zk_fail "$1: $t requests for one download (at most $2 allowed)"
  [ "$t" -ge 2 ] || zk_fail "$1: only $t request: no retry at all"
  grep -q "the transfer stalled" "$ZK_TMP/err" || { cat "$ZK_TMP/err"; zk_fail "$1: no 'stalled' message"; }
  grep -q "gave up after [0-9]* tries; a download gets at most $MAX_TRIES" "$ZK_TMP/err" ||
    { cat "$ZK_TMP/err"; zk_fail "$1: the message does not say how many tries were made"; }
  grep -q "gave up after $t tries" "$ZK_TMP/err" || { cat "$ZK_TMP/err"; zk_fail "$1: the message does not match the $t requests the server saw"; }
  [ -s "$W/downloads/$KAFKA_TGZ.part" ] || zk_fail "$1: no .part kept"
  [ ! -e "$W/downloads/$KAFKA_TGZ" ] || zk_fail "$1: an archive under its final name"
}

# 1,000 bytes, 100 at a time, then silence, on every request: each try
# brings a little, less than a stall window asks for.
serve --fault "/$KAFKA_PATH=trickle:1000"
fetch
gave_up "trickle" "$MAX_FRUITLESS"
part=$(stat -c %s "$W/downloads/$KAFKA_TGZ.part")
[ "$part" -ge 1000 ] || zk_fail "trickle: the bytes received were not kept ($part)"
echo "trickle: gave up after $(tries) requests, $part bytes kept"

# 50 kB at once then silence, on every request: real progress every time,
# which once reset the count (50 tries; 25 minutes at the default stall).
serve --fault "/$KAFKA_PATH=stall:50000"
fetch
gave_up "stall after progress" "$MAX_TRIES"
[ "$(tries)" = "$MAX_TRIES" ] || zk_fail "stall after progress: $(tries) requests, expected $MAX_TRIES"
part=$(stat -c %s "$W/downloads/$KAFKA_TGZ.part")
[ "$part" -ge $((50000 * MAX_TRIES)) ] || zk_fail "stall after progress: only $part bytes kept"
echo "stall after progress: gave up after $(tries) requests, $part bytes kept"

# A healthy server: the rerun resumes from the kept bytes and verifies.
serve
rc=0
"$ZKTLS" --batch --steps download --mirror "http://127.0.0.1:$M" \
  --checksums "http://127.0.0.1:$C" "$W" > "$ZK_TMP/out" 2> "$ZK_TMP/err" || rc=$?
[ "$rc" = 0 ] || { cat "$ZK_TMP/err"; zk_fail "rerun: exit $rc"; }
grep -q "range=bytes=$part- status=206" "$ZK_TMP/log.mirror" || { cat "$ZK_TMP/log.mirror"; zk_fail "rerun did not resume at $part"; }
cmp "$W/downloads/$KAFKA_TGZ" "$ZK_TMP/mirror/$KAFKA_PATH" || zk_fail "rerun: archive differs"
zk_assert_nothing_outside
echo "ok: a trickling server is given up after a bounded number of tries"
