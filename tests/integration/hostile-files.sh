#!/bin/sh
# Hostile files in the working directory (issue 12, item 3): a FIFO named
# zoo.cfg, zoo.cfg as a link to /dev/zero, a keystore path in
# kafka-1.properties that leads to a FIFO, a FIFO or a device where an
# archive belongs, and a huge sparse file.  --batch and check open regular
# files only: each run ends by itself within a deadline (polled, generous)
# with a message naming the path, and nothing waits for a writer or reads
# forever.  SIGTERM during a run (a stalled download, a spinning read)
# ends it promptly with exit 1.  Before the fix the FIFO blocked forever and
# /dev/zero spun at 100 % CPU, ignoring SIGTERM.

: "${top_srcdir:?run this test through make check}"
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
. "$top_srcdir/tests/lib/common.sh"
zk_need python3 mkfifo truncate
zk_tmpdir
# shellcheck source-path=SCRIPTDIR source=../lib/releases.sh
. "$top_srcdir/tests/lib/releases.sh"

DEADLINE=${ZKTLS_TEST_DEADLINE:-60}
answers="--set key.type=ec-p256"

# ends_within WHAT SECONDS PID: polls until PID has exited; a process still
# running at the deadline is killed and the test fails.  Sets rc.
ends_within() {
  tenths=0
  while kill -0 "$3" 2>/dev/null; do
    tenths=$((tenths + 1))
    if [ "$tenths" -gt $(($2 * 10)) ]; then
      kill -KILL "$3" 2>/dev/null || true
      wait "$3" 2>/dev/null || true
      zk_fail "$1: still running after $2 s (blocked or spinning)"
    fi
    sleep 0.1
  done
  rc=0
  wait "$3" || rc=$?
}

# run WHAT ARGS...: the wizard in the background, ended within the deadline.
run() {
  what=$1
  shift
  "$ZKTLS" "$@" >"$ZK_TMP/out" 2>"$ZK_TMP/err" </dev/null &
  ends_within "$what" "$DEADLINE" $!
}

# says WHAT PATTERN: stdout or stderr holds PATTERN.
says() {
  cat "$ZK_TMP/out" "$ZK_TMP/err" | grep -q -- "$2" || {
    cat "$ZK_TMP/out" "$ZK_TMP/err" >&2
    zk_fail "$1: no '$2' in the output"
  }
}

# A complete directory, names moved to localhost so that check reads everything.
good=$ZK_TMP/good
# shellcheck disable=SC2086 # answer lists without blanks
"$ZKTLS" --batch $answers --set zookeeper.host=localhost \
  --set "zookeeper.data_dir=$good-zkdata" --set "broker.kafka-1.log_dir=$good-k1" \
  --set "broker.kafka-2.log_dir=$good-k2" --steps ca,certs,zookeeper,brokers,clients "$good" \
  >"$ZK_TMP/out" 2>&1 || { cat "$ZK_TMP/out" >&2; zk_fail "the setup run failed"; }
sed -i 's|//kafka-[0-9]*:|//localhost:|g' "$good"/kafka-*.properties
copy() { # NAME: a fresh copy of the good directory in $d
  d=$ZK_TMP/$1
  rm -rf "$d"
  cp -a "$good" "$d"
}

# --- zoo.cfg is a FIFO --------------------------------------------------------
copy fifo
rm "$d/zoo.cfg"
mkfifo "$d/zoo.cfg"
# shellcheck disable=SC2086
run "--batch, FIFO zoo.cfg" --batch $answers --set zookeeper.host=localhost --steps zookeeper "$d"
[ "$rc" = 1 ] || zk_fail "--batch, FIFO zoo.cfg: exit $rc, expected 1"
says "--batch, FIFO zoo.cfg" "zoo.cfg"
[ -p "$d/zoo.cfg" ] || zk_fail "--batch, FIFO zoo.cfg: the FIFO was replaced without --force"
run "check, FIFO zoo.cfg" check "$d"
[ "$rc" = 1 ] || zk_fail "check, FIFO zoo.cfg: exit $rc, expected 1"
# check names the file among its problems (today as "missing"; the reader's own reason is better).
sed -n '/^Problems:/,/^[A-Z]/p' "$ZK_TMP/out" | grep -q '^  zoo.cfg:' ||
  { cat "$ZK_TMP/out" >&2; zk_fail "check, FIFO zoo.cfg: zoo.cfg is not among the problems"; }

# --- zoo.cfg leads to /dev/zero ----------------------------------------------
copy zero
rm "$d/zoo.cfg"
ln -s /dev/zero "$d/zoo.cfg"
# shellcheck disable=SC2086
run "--batch, zoo.cfg -> /dev/zero" --batch $answers --set zookeeper.host=localhost --steps zookeeper "$d"
[ "$rc" = 1 ] || zk_fail "--batch, zoo.cfg -> /dev/zero: exit $rc, expected 1"
says "--batch, zoo.cfg -> /dev/zero" "zoo.cfg"
run "check, zoo.cfg -> /dev/zero" check "$d"
[ "$rc" = 1 ] || zk_fail "check, zoo.cfg -> /dev/zero: exit $rc, expected 1"
sed -n '/^Problems:/,/^[A-Z]/p' "$ZK_TMP/out" | grep -q '^  zoo.cfg:' ||
  { cat "$ZK_TMP/out" >&2; zk_fail "check, zoo.cfg -> /dev/zero: zoo.cfg is not among the problems"; }
# SIGTERM once the run is under way ends it promptly, whatever it reads.
# shellcheck disable=SC2086
"$ZKTLS" --batch $answers --set zookeeper.host=localhost --set zookeeper.heap=1g \
  --steps zookeeper "$d" >"$ZK_TMP/out" 2>"$ZK_TMP/err" </dev/null &
pid=$!
tenths=0
until grep -q 'zookeeper.heap' "$d/zktls-wizard.conf" 2>/dev/null || ! kill -0 "$pid" 2>/dev/null; do
  tenths=$((tenths + 1))
  [ "$tenths" -le $((DEADLINE * 10)) ] || break
  sleep 0.1
done
kill -TERM "$pid" 2>/dev/null || true
ends_within "SIGTERM, zoo.cfg -> /dev/zero" 10 "$pid"
[ "$rc" = 1 ] || zk_fail "SIGTERM, zoo.cfg -> /dev/zero: exit $rc, expected 1"

# --- a keystore path that leads to a FIFO -------------------------------------
copy storefifo
mkfifo "$ZK_TMP/store.fifo"
sed -i "s|^ssl.keystore.location=.*|ssl.keystore.location=$ZK_TMP/store.fifo|" "$d/kafka-1.properties"
grep -q "store.fifo" "$d/kafka-1.properties" || zk_fail "kafka-1.properties has no ssl.keystore.location"
run "check, keystore FIFO" check "$d"
[ "$rc" = 1 ] || zk_fail "check, keystore FIFO: exit $rc, expected 1"
says "check, keystore FIFO" "store.fifo is a named pipe (FIFO), not a regular file"

# --- a huge (sparse) zoo.cfg: refused by size, not read -------------------------
copy huge
truncate -s 20G "$d/zoo.cfg"
run "check, 20 GB zoo.cfg" check "$d"
[ "$rc" = 1 ] || zk_fail "check, 20 GB zoo.cfg: exit $rc, expected 1"
sed -n '/^Problems:/,/^[A-Z]/p' "$ZK_TMP/out" | grep -q '^  zoo.cfg:' ||
  { cat "$ZK_TMP/out" >&2; zk_fail "check, 20 GB zoo.cfg: zoo.cfg is not among the problems"; }

# --- a FIFO or a device where an archive belongs --------------------------------
zk_build_releases 1500000
mkdir "$ZK_TMP/arch"
cp "$ZK_TMP/mirror/$ZK_PATH" "$ZK_TMP/arch/"
mkfifo "$ZK_TMP/arch/$KAFKA_TGZ"
w=$ZK_TMP/arch-work
# shellcheck disable=SC2086
run "--archives, FIFO archive" --batch $answers --steps download --archives "$ZK_TMP/arch" \
  --set "kafka.sha512=$KAFKA_SUM" --set "zookeeper.sha512=$ZK_SUM" "$w"
[ "$rc" = 1 ] || zk_fail "--archives, FIFO archive: exit $rc, expected 1"
says "--archives, FIFO archive" "$KAFKA_TGZ is a named pipe (FIFO), not a regular file"
# The jars step finding a FIFO (then a device) in downloads/.
mkdir -p "$w/downloads"
cp "$ZK_TMP/mirror/$ZK_PATH" "$w/downloads/"
rm -f "$w/downloads/$KAFKA_TGZ"
mkfifo "$w/downloads/$KAFKA_TGZ"
run "jars, FIFO archive" --batch --steps jars "$w"
[ "$rc" = 1 ] || zk_fail "jars, FIFO archive: exit $rc, expected 1"
says "jars, FIFO archive" "downloads/$KAFKA_TGZ is a named pipe (FIFO), not a regular file"
rm "$w/downloads/$KAFKA_TGZ"
ln -s /dev/zero "$w/downloads/$KAFKA_TGZ"
run "jars, archive -> /dev/zero" --batch --steps jars "$w"
[ "$rc" = 1 ] || zk_fail "jars, archive -> /dev/zero: exit $rc, expected 1"
says "jars, archive -> /dev/zero" "downloads/$KAFKA_TGZ is a symbolic link, not a regular file"
[ ! -e "$w/$KAFKA_TOP" ] || zk_fail "jars: something was unpacked"

# --- SIGTERM during a stalled download ends it promptly -----------------------------
zk_serve M --root "$ZK_TMP/mirror" --log "$ZK_TMP/log.mirror" --fault "/$KAFKA_PATH=stall:100000"
zk_serve C --root "$ZK_TMP/official"
w=$ZK_TMP/stall-work
ZKTLS_STALL_SECONDS=600 "$ZKTLS" --batch --steps download --mirror "http://127.0.0.1:$M" \
  --checksums "http://127.0.0.1:$C" "$w" >"$ZK_TMP/out" 2>"$ZK_TMP/err" </dev/null &
pid=$!
tenths=0
# Under way once the server has answered the archive's request.
until grep -q "^/$KAFKA_PATH " "$ZK_TMP/log.mirror" 2>/dev/null; do
  tenths=$((tenths + 1))
  [ "$tenths" -le $((DEADLINE * 10)) ] || zk_fail "the stalled download never started"
  kill -0 "$pid" 2>/dev/null || { cat "$ZK_TMP/err" >&2; zk_fail "the download ended before it stalled"; }
  sleep 0.1
done
kill -TERM "$pid"
ends_within "SIGTERM, stalled download" 10 "$pid"
[ "$rc" = 1 ] || zk_fail "SIGTERM, stalled download: exit $rc, expected 1"
says "SIGTERM, stalled download" "cancelled"
echo "ok: FIFOs, devices and huge files are refused by name at once; SIGTERM ends a run promptly"
