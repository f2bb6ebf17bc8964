#!/bin/sh
# Ctrl-C during a batch download cancels it: exit 1, a resumable .part, no file
# under the final name, and a rerun resumes and finishes.
. "$top_srcdir/tests/lib/common.sh"
zk_tmpdir
. "$top_srcdir/tests/lib/releases.sh"
zk_need python3

zk_build_releases
zk_serve M --root "$ZK_TMP/mirror" --fault "/$KAFKA_PATH=stall:300000:1"
zk_serve C --root "$ZK_TMP/official"
w="$ZK_TMP/work"
"$ZKTLS" --batch --steps download "--mirror=http://127.0.0.1:$M" "--checksums=http://127.0.0.1:$C" "$w" \
  >"$ZK_TMP/out" 2>"$ZK_TMP/err" &
pid=$!
deadline=$(( $(date +%s) + 60 ))
until ls "$w/downloads/" 2>/dev/null | grep -q '\.part$'; do
  [ "$(date +%s)" -lt "$deadline" ] || zk_fail "the download never started"
  sleep 0.1
done
sleep 0.5
kill -INT "$pid"
set +e; wait "$pid"; status=$?; set -e
[ "$status" -eq 1 ] || zk_fail "a cancelled batch exited $status, not 1"
grep -q 'cancelled' "$ZK_TMP/out" || zk_fail "stdout does not say cancelled: $(cat "$ZK_TMP/out")"
[ ! -e "$w/downloads/$KAFKA_TGZ" ] || zk_fail "a cancelled download left the final name"
ls "$w/downloads/" | grep -q "$KAFKA_TGZ.part" || zk_fail "no .part kept: $(ls -A "$w/downloads")"
# The stall fault fired once: the rerun resumes and verifies.
"$ZKTLS" --batch --steps download "--mirror=http://127.0.0.1:$M" "--checksums=http://127.0.0.1:$C" "$w" \
  >/dev/null 2>"$ZK_TMP/err2" || zk_fail "the rerun failed: $(cat "$ZK_TMP/err2")"
[ -f "$w/downloads/$KAFKA_TGZ" ] || zk_fail "the rerun did not finish the archive"
echo "ok: Ctrl-C cancels a batch download, leaving a .part that the rerun resumes"
