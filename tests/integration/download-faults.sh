#!/bin/sh
# Faults on the way: a connection dropped mid-file (resumed in the same run,
# and by a rerun), a server ignoring Range, 404, 500, 503 then success, a
# stalled server, and a wrong checksum in each .sha512 format.  Each ends
# with a clear message, nothing unpacked from a bad archive and no archive
# under its final name unless verified.
. "$top_srcdir/tests/lib/common.sh"
zk_need python3 tar sha512sum cmp
zk_tmpdir
. "$top_srcdir/tests/lib/releases.sh"

zk_build_releases 2000000
ZKTLS_STALL_SECONDS=1
export ZKTLS_STALL_SECONDS
n=0
# fetch [options...]: the download step into a fresh $W; status in $rc.
fetch() {
  n=$((n + 1))
  W=$ZK_TMP/work.$n
  rc=0
  "$ZKTLS" --batch --steps download,jars --mirror "http://127.0.0.1:$M" \
    --checksums "http://127.0.0.1:$C" "$@" "$W" > "$ZK_TMP/out" 2> "$ZK_TMP/err" || rc=$?
}
expect_ok() {
  [ "$rc" = 0 ] || { cat "$ZK_TMP/out" "$ZK_TMP/err"; zk_fail "$1: failed"; }
  cmp "$W/downloads/$KAFKA_TGZ" "$ZK_TMP/mirror/$KAFKA_PATH" || zk_fail "$1: archive differs"
  [ -e "$W/kafka_2.12-2.3.0/libs/zookeeper-3.5.5.jar" ] || zk_fail "$1: no swap"
}
# expect_fail WHAT PATTERN: exit 1, PATTERN on stderr, nothing final, nothing unpacked.
expect_fail() {
  [ "$rc" = 1 ] || { cat "$ZK_TMP/out" "$ZK_TMP/err"; zk_fail "$1: exit $rc, expected 1"; }
  grep -q -- "$2" "$ZK_TMP/err" || { cat "$ZK_TMP/err"; zk_fail "$1: no '$2' on stderr"; }
  [ ! -e "$W/downloads/$KAFKA_TGZ" ] || zk_fail "$1: an archive under its final name"
  [ ! -e "$W/kafka_2.12-2.3.0" ] || zk_fail "$1: something was unpacked"
}
serve() {
  zk_stop_servers
  : > "$ZK_TMP/log.mirror"
  zk_serve M --root "$ZK_TMP/mirror" --log "$ZK_TMP/log.mirror" "$@"
  zk_serve C --root "$ZK_TMP/official"
}

# Dropped at 700 kB: resumed at once with a Range request.
serve --fault "/$KAFKA_PATH=drop:700000"
fetch
expect_ok "drop"
grep -q "^/$KAFKA_PATH range=bytes=700000- status=206" "$ZK_TMP/log.mirror" \
  || { cat "$ZK_TMP/log.mirror"; zk_fail "drop: no Range request from byte 700000"; }

# Dropped after 300 kB, then at once every time: the run gives up, keeps the .part; a rerun resumes it.
serve --fault "/$KAFKA_PATH=drop:300000:1" --fault "/$KAFKA_PATH=drop:0:1000"
fetch
[ "$rc" = 1 ] || zk_fail "endless drops: exit $rc"
grep -q "gave up after" "$ZK_TMP/err" || { cat "$ZK_TMP/err"; zk_fail "endless drops: no 'gave up'"; }
part=$(stat -c %s "$W/downloads/$KAFKA_TGZ.part")
[ "$part" -gt 0 ] || zk_fail "endless drops: empty .part"
[ ! -e "$W/downloads/$KAFKA_TGZ" ] || zk_fail "endless drops: final name used"
serve
rc=0
"$ZKTLS" --batch --steps download,jars --mirror "http://127.0.0.1:$M" \
  --checksums "http://127.0.0.1:$C" "$W" > "$ZK_TMP/out" 2> "$ZK_TMP/err" || rc=$?
expect_ok "resume by rerun"
grep -q "range=bytes=$part- status=206" "$ZK_TMP/log.mirror" \
  || { cat "$ZK_TMP/log.mirror"; zk_fail "rerun did not resume at $part"; }

# A server that ignores Range: the download starts over and is still right.
serve --no-range --fault "/$KAFKA_PATH=drop:500000"
fetch
expect_ok "no Range"

# 404 and 500: no retries for either, a clear message.
serve --fault "/$KAFKA_PATH=status:404"
fetch
expect_fail "404" "kafka_2.12-2.3.0.tgz: not found on the server (HTTP 404)"
serve --fault "/$KAFKA_PATH=status:500"
fetch
expect_fail "500" "the server answered HTTP 500"
[ "$(grep -c "^/$KAFKA_PATH " "$ZK_TMP/log.mirror")" = 1 ] || zk_fail "500 was retried"
# 503 twice: retried with backoff, then fine.
serve --fault "/$KAFKA_PATH=status:503:2"
fetch
expect_ok "503 twice"

# A stall after 400 kB, once: given up after ZKTLS_STALL_SECONDS, then resumed.
serve --fault "/$KAFKA_PATH=stall:400000:1"
fetch
expect_ok "one stall"
grep -q "range=bytes=400000- status=206" "$ZK_TMP/log.mirror" || zk_fail "stall: not resumed"
# Stalling for good (after 100 kB, then at once): a clear message, the .part kept for a rerun.
serve --fault "/$KAFKA_PATH=stall:100000:1" --fault "/$KAFKA_PATH=stall:0:1000"
fetch
expect_fail "stall" "the transfer stalled"
[ -s "$W/downloads/$KAFKA_TGZ.part" ] || zk_fail "stall: no .part kept"

# A wrong sum in each format the projects use: moved aside, expected and got named.
WRONG=$(printf 'not the archive' | sha512sum | cut -d' ' -f1)
sums="$ZK_TMP/official/$KAFKA_PATH.sha512"
for format in gpg text binary bare bsd; do
  case $format in
    gpg) zk_sum_gpg "$KAFKA_TGZ" "$WRONG" > "$sums" ;;
    text) printf '%s  %s\n' "$WRONG" "$KAFKA_TGZ" > "$sums" ;;
    binary) printf '%s *%s\n' "$WRONG" "$KAFKA_TGZ" > "$sums" ;;
    bare) printf '%s\n' "$WRONG" > "$sums" ;;
    bsd) printf 'SHA512 (%s) = %s\n' "$KAFKA_TGZ" "$WRONG" > "$sums" ;;
  esac
  serve
  fetch
  expect_fail "wrong sum ($format)" "does not match its SHA-512"
  grep -q "expected $WRONG" "$ZK_TMP/err" || zk_fail "$format: expected sum not shown"
  grep -q "got      $KAFKA_SUM" "$ZK_TMP/err" || zk_fail "$format: actual sum not shown"
  cmp "$W/downloads/$KAFKA_TGZ.bad" "$ZK_TMP/mirror/$KAFKA_PATH" || zk_fail "$format: not moved aside"
done
# The right sum for another file name is refused too.
printf '%s  kafka_2.12-2.2.0.tgz\n' "$KAFKA_SUM" > "$sums"
fetch
expect_fail "other name" "is for 'kafka_2.12-2.2.0.tgz', not for kafka_2.12-2.3.0.tgz"
# No .sha512 at all: the archive is not trusted.
rm "$sums"
fetch
expect_fail "no sum" "cannot be trusted"
zk_assert_nothing_outside
echo "ok: download faults"
