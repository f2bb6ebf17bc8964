#!/bin/sh
# The download and jars steps against a real HTTP server on 127.0.0.1 serving
# fake releases with the real names and layout: download, verify, unpack,
# swap; a rerun changes nothing and fetches nothing; revert.sh undoes the
# swap; --archives, pinned sums, the same-server warning, versions the
# catalog does not list, and a Kafka that needs no swap.
. "$top_srcdir/tests/lib/common.sh"
zk_need python3 tar sha512sum cmp
zk_tmpdir
. "$top_srcdir/tests/lib/releases.sh"

zk_build_releases
zk_serve M --root "$ZK_TMP/mirror" --log "$ZK_TMP/log.mirror"
zk_serve C --root "$ZK_TMP/official" --log "$ZK_TMP/log.sums"
W=$ZK_TMP/work
K=$W/kafka_2.12-2.3.0
Z=$W/apache-zookeeper-3.5.5-bin
run() {
  "$ZKTLS" --batch --steps download,jars --mirror "http://127.0.0.1:$M/" \
    --checksums "http://127.0.0.1:$C" "$@" > "$ZK_TMP/out" 2> "$ZK_TMP/err"
}

run "$W" || { cat "$ZK_TMP/out" "$ZK_TMP/err"; zk_fail "download,jars failed"; }
cmp "$W/downloads/$KAFKA_TGZ" "$ZK_TMP/mirror/$KAFKA_PATH" || zk_fail "Kafka archive differs"
cmp "$W/downloads/$ZK_TGZ" "$ZK_TMP/mirror/$ZK_PATH" || zk_fail "ZooKeeper archive differs"
[ ! -e "$W/downloads/$KAFKA_TGZ.part" ] || zk_fail ".part left behind"
grep -q "verified against http://127.0.0.1:$C/$KAFKA_PATH.sha512" "$ZK_TMP/out" \
  || zk_fail "the Kafka sum did not come from the checksum server: $(cat "$ZK_TMP/out")"
grep -q "same server" "$ZK_TMP/out" && zk_fail "same-server warning with two servers"
# The swap: the four jars in, 3.4.14 out (kept outside libs/), each copy identical.
for j in zookeeper-3.5.5.jar zookeeper-jute-3.5.5.jar netty-all-4.1.29.Final.jar commons-cli-1.2.jar; do
  cmp "$K/libs/$j" "$ZK_TMP/src/apache-zookeeper-3.5.5-bin/lib/$j" || zk_fail "$j not copied"
done
[ ! -e "$K/libs/zookeeper-3.4.14.jar" ] || zk_fail "zookeeper-3.4.14.jar still in libs/"
cmp "$W/removed-jars/kafka_2.12-2.3.0/zookeeper-3.4.14.jar" \
  "$ZK_TMP/src/kafka_2.12-2.3.0/libs/zookeeper-3.4.14.jar" || zk_fail "3.4.14 not kept"
[ "$(ls "$K/libs" | grep -c '^zookeeper-[0-9].*\.jar$')" = 1 ] || zk_fail "not exactly one zookeeper jar"
[ -f "$Z/conf/log4j.properties" ] || zk_fail "ZooKeeper not unpacked"
[ -x "$K/bin/kafka-run-class.sh" ] || zk_fail "modes not kept"
[ ! -e "$W/.zktls-unpack" ] || zk_fail "temporary unpack folder left"

# A rerun fetches no archive and changes nothing (the answers and manifest aside).
state() { (cd "$W" && find . -path ./.zktls-wizard -prune -o ! -name zktls-wizard.conf \
  -printf '%p %s %m %T@\n' | sort); }
state > "$ZK_TMP/out.before"
lines=$(wc -l < "$ZK_TMP/log.mirror")
sums=$(wc -l < "$ZK_TMP/log.sums")
run "$W" || { cat "$ZK_TMP/err"; zk_fail "rerun failed"; }
state > "$ZK_TMP/out.after"
cmp -s "$ZK_TMP/out.before" "$ZK_TMP/out.after" \
  || { diff "$ZK_TMP/out.before" "$ZK_TMP/out.after"; zk_fail "the rerun changed files"; }
[ "$(wc -l < "$ZK_TMP/log.mirror")" = "$lines" ] || zk_fail "the rerun downloaded again"
[ "$(wc -l < "$ZK_TMP/log.sums")" = "$sums" ] || zk_fail "the rerun fetched the sums again"
grep -q "kept downloads/$KAFKA_TGZ" "$ZK_TMP/out" || zk_fail "rerun did not say kept"

# revert.sh puts Kafka's own libs/ back; the jars step swaps again.
sh "$W/removed-jars/kafka_2.12-2.3.0/revert.sh" > /dev/null
diff -r "$K/libs" "$ZK_TMP/src/kafka_2.12-2.3.0/libs" || zk_fail "revert.sh did not restore libs/"
"$ZKTLS" --batch --steps jars "$W" > "$ZK_TMP/out" 2> "$ZK_TMP/err" \
  || { cat "$ZK_TMP/err"; zk_fail "jars after revert failed"; }
[ -e "$K/libs/zookeeper-3.5.5.jar" ] && [ ! -e "$K/libs/zookeeper-3.4.14.jar" ] \
  || zk_fail "no swap after revert"

# Sums given as answers: no checksum server needed at all.
"$ZKTLS" --batch --steps download,jars --mirror "http://127.0.0.1:$M" \
  --checksums "http://127.0.0.1:1" --set "kafka.sha512=$KAFKA_SUM" \
  --set "zookeeper.sha512=$(echo "$ZK_SUM" | tr a-f A-F)" "$ZK_TMP/work2" \
  > "$ZK_TMP/out" 2> "$ZK_TMP/err" || { cat "$ZK_TMP/err"; zk_fail "pinned sums failed"; }
grep -q "verified against kafka.sha512" "$ZK_TMP/out" || zk_fail "kafka.sha512 not used"

# --archives: local archives, checked against the checksum site.
mkdir -p "$ZK_TMP/archives"
cp "$ZK_TMP/mirror/$KAFKA_PATH" "$ZK_TMP/mirror/$ZK_PATH" "$ZK_TMP/archives/"
lines=$(wc -l < "$ZK_TMP/log.mirror")
"$ZKTLS" --batch --steps download,jars --archives "$ZK_TMP/archives" \
  --checksums "http://127.0.0.1:$C" "$ZK_TMP/work3" > "$ZK_TMP/out" 2> "$ZK_TMP/err" \
  || { cat "$ZK_TMP/err"; zk_fail "--archives failed"; }
[ "$(wc -l < "$ZK_TMP/log.mirror")" = "$lines" ] || zk_fail "--archives used the mirror"
grep -q "copied downloads/$KAFKA_TGZ.*verified" "$ZK_TMP/out" || zk_fail "--archives not verified"
[ -e "$ZK_TMP/work3/kafka_2.12-2.3.0/libs/zookeeper-3.5.5.jar" ] || zk_fail "--archives: no swap"
# ... and a wrong local archive is refused.
printf 'garbage' >> "$ZK_TMP/archives/$KAFKA_TGZ"
if "$ZKTLS" --batch --steps download --archives "$ZK_TMP/archives" \
  --checksums "http://127.0.0.1:$C" "$ZK_TMP/work4" > "$ZK_TMP/out" 2> "$ZK_TMP/err"; then
  zk_fail "a changed local archive was accepted"
fi
grep -q "does not match its SHA-512" "$ZK_TMP/err" || zk_fail "no mismatch message: $(cat "$ZK_TMP/err")"

# Mirror and checksums on one server: the wizard says what that proves.
cp "$ZK_TMP/official/$KAFKA_PATH.sha512" "$ZK_TMP/mirror/$KAFKA_PATH.sha512"
"$ZKTLS" --batch --steps download --mirror "http://127.0.0.1:$M" \
  --checksums "http://127.0.0.1:$M/" --set "zookeeper.sha512=$ZK_SUM" "$ZK_TMP/work5" \
  > "$ZK_TMP/out" 2> "$ZK_TMP/err" || { cat "$ZK_TMP/err"; zk_fail "same server failed"; }
grep -q "same server" "$ZK_TMP/out" || zk_fail "no same-server warning: $(cat "$ZK_TMP/out")"

# Versions the catalog does not list: standard paths, jars found by looking.
zk_stop_servers
rm -rf "$ZK_TMP/src" "$ZK_TMP/mirror" "$ZK_TMP/official"
zk_build_releases 100000 2.3.1 3.5.6 3.4.14
zk_serve M --root "$ZK_TMP/mirror"
zk_serve C --root "$ZK_TMP/official"
"$ZKTLS" --batch --steps download,jars --set kafka.version=2.3.1 --set zookeeper.version=3.5.6 \
  --mirror "http://127.0.0.1:$M" --checksums "http://127.0.0.1:$C" "$ZK_TMP/work6" \
  > "$ZK_TMP/out" 2> "$ZK_TMP/err" || { cat "$ZK_TMP/out" "$ZK_TMP/err"; zk_fail "unknown versions failed"; }
grep -q "Kafka 2.3.1 is not in the release catalog" "$ZK_TMP/out" || zk_fail "no word on 2.3.1"
grep -q "found these jars" "$ZK_TMP/out" || zk_fail "no word on detected jars"
for j in zookeeper-3.5.6.jar zookeeper-jute-3.5.6.jar netty-all-4.1.29.Final.jar commons-cli-1.2.jar; do
  [ -e "$ZK_TMP/work6/kafka_2.12-2.3.1/libs/$j" ] || zk_fail "2.3.1: $j not copied"
done

# Kafka 2.4.0 ships a ZooKeeper client with TLS: nothing swapped.
zk_stop_servers
rm -rf "$ZK_TMP/src" "$ZK_TMP/mirror" "$ZK_TMP/official"
zk_build_releases 100000 2.4.0 3.5.6 3.5.6
zk_serve M --root "$ZK_TMP/mirror"
zk_serve C --root "$ZK_TMP/official"
"$ZKTLS" --batch --steps download,jars --set kafka.version=2.4.0 --set zookeeper.version=3.5.6 \
  --mirror "http://127.0.0.1:$M" --checksums "http://127.0.0.1:$C" "$ZK_TMP/work7" \
  > "$ZK_TMP/out" 2> "$ZK_TMP/err" || { cat "$ZK_TMP/err"; zk_fail "Kafka 2.4.0 failed"; }
grep -q "no jars swapped" "$ZK_TMP/out" || zk_fail "2.4.0: no word on the swap: $(cat "$ZK_TMP/out")"
diff -r "$ZK_TMP/work7/kafka_2.12-2.4.0/libs" "$ZK_TMP/src/kafka_2.12-2.4.0/libs" \
  || zk_fail "2.4.0: libs/ was changed"
zk_assert_nothing_outside
echo "ok: download and jars over HTTP"
