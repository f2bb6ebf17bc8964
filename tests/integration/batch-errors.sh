#!/bin/sh
# Bad input: exit 1 with every problem named by its answer key, and nothing
# written; usage errors exit 2.
. "$top_srcdir/tests/lib/common.sh"
zk_tmpdir
w="$ZK_TMP/w"

expect_status() { # STATUS COMMAND...
  want=$1; shift
  set +e; "$@" >"$ZK_TMP/out" 2>"$ZK_TMP/err"; got=$?; set -e
  [ "$got" -eq "$want" ] || zk_fail "expected exit $want, got $got from: $* ($(cat "$ZK_TMP/err"))"
}

# Two problems at once: both are listed, with their keys, and nothing is written.
expect_status 1 "$ZKTLS" --batch --set broker.kafka-2.ssl_port=2182 --set transactions.min_isr=3 "$w"
grep -q 'broker.kafka-2.ssl_port' "$ZK_TMP/err" || zk_fail "the port clash is not named: $(cat "$ZK_TMP/err")"
grep -q 'zookeeper.secure_port' "$ZK_TMP/err" || zk_fail "the other port's key is not named"
grep -q 'transactions.min_isr' "$ZK_TMP/err" || zk_fail "min ISR problem not listed"
[ ! -e "$w" ] || zk_fail "invalid answers wrote $w"

# A bad value given with --set names the key and what is valid.
expect_status 1 "$ZKTLS" --batch --set zookeeper.secure_port=70000 "$w"
grep -q 'zookeeper.secure_port' "$ZK_TMP/err" && grep -q '1 to 65535' "$ZK_TMP/err" ||
  zk_fail "bad port message: $(cat "$ZK_TMP/err")"
expect_status 1 "$ZKTLS" --batch --set no.such.key=1 "$w"
grep -q "no.such.key" "$ZK_TMP/err" || zk_fail "unknown --set key not named"

# The answers file: unknown key, malformed line and bad value name file and line.
printf 'brokers = kafka-1\nbogus = 1\nthis line has no equals sign\nstore.password = short\n' >"$ZK_TMP/a"
expect_status 1 "$ZKTLS" --batch -a "$ZK_TMP/a" "$w"
grep -q "$ZK_TMP/a:2: unknown answer key 'bogus'" "$ZK_TMP/err" || zk_fail "unknown key: $(cat "$ZK_TMP/err")"
grep -q "$ZK_TMP/a:3:" "$ZK_TMP/err" || zk_fail "malformed line not reported"
grep -q "$ZK_TMP/a:4: store.password: .*6 characters" "$ZK_TMP/err" || zk_fail "short password not reported"
[ ! -e "$w" ] || zk_fail "a bad answers file wrote $w"

# Store types the release pair cannot read are refused with the reason.
expect_status 1 "$ZKTLS" --batch --set store.type=pkcs12 "$w"
grep -q 'store.type' "$ZK_TMP/err" && grep -q '3.5.5' "$ZK_TMP/err" || zk_fail "pkcs12 not refused for ZooKeeper 3.5.5"

# Usage errors exit 2.
expect_status 2 "$ZKTLS" --batch --steps nonsense "$w"
grep -q "download,jars,ca,certs,zookeeper,brokers,clients" "$ZK_TMP/err" || zk_fail "unknown step message lacks the valid steps"
expect_status 2 "$ZKTLS" --no-such-option
expect_status 2 "$ZKTLS" --batch "$w" "$ZK_TMP/other"

# No terminal: the wizard says so and points to --batch.
expect_status 2 "$ZKTLS" "$w" </dev/null
grep -q -- '--batch' "$ZK_TMP/err" || zk_fail "no-terminal message does not mention --batch"
[ ! -e "$w" ] || zk_fail "the refused wizard wrote $w"

# --help and --version follow GNU conventions.
"$ZKTLS" --help | grep -q '^Usage: zktls-wizard' || zk_fail "--help"
"$ZKTLS" --version | head -n 1 | grep -q '^zktls-wizard [0-9]' || zk_fail "--version"
echo "ok: bad input is refused clearly and writes nothing"
