#!/bin/sh
# Answers batch used to take and then fail on, or refuse where it should not:
# a java.home without java (refused before anything is written), a --set typo
# (never shows the password), answers the certs step refused after the ca
# step had written the CA (now refused before), a broker taken off the list
# with --set brokers=... (the ids the wizard pinned for it no longer stop the
# run), and a changed store.password (every store written again under it,
# keys and certificates kept, also when the steps run one by one).
: "${top_srcdir:?run this test through make check}"
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
. "$top_srcdir/tests/lib/common.sh"
zk_need keytool sha256sum
zk_tmpdir

# run NAME [ARGS...]: batch into $ZK_TMP/NAME; status in $rc, output in out/err.
run() {
  w=$ZK_TMP/$1
  shift
  rc=0
  "$ZKTLS" --batch "$@" "$w" > "$ZK_TMP/out" 2> "$ZK_TMP/err" || rc=$?
}
expect_rc() {
  [ "$rc" = "$2" ] || { cat "$ZK_TMP/out" "$ZK_TMP/err"; zk_fail "$1: exit $rc, expected $2"; }
}
expect_err() {
  grep -qF -- "$2" "$ZK_TMP/err" || { cat "$ZK_TMP/err"; zk_fail "$1: no '$2' on stderr"; }
}

# 1. java.home is looked at on disk before anything is written.
run java --steps zookeeper --set java.home=/nonexistent
expect_rc "java.home" 1
expect_err "java.home" "java.home: /nonexistent/bin/java"
[ ! -e "$ZK_TMP/java" ] || zk_fail "java.home: something was written"

# 2. A --set typo: the value may be a password, and is never shown.
for arg in store.password:Hunter2-Secret Hunter2-Secret =Hunter2-Secret \
  store.pasword=Hunter2-Secret; do
  run typo --steps zookeeper --set "$arg"
  expect_rc "--set $arg" 1
  ! grep -q Hunter2 "$ZK_TMP/out" "$ZK_TMP/err" || { cat "$ZK_TMP/err"; zk_fail "--set $arg: the value was shown"; }
done

# 3. What the certs step would refuse is refused before the CA is made.
long=abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklm
for answer in cert.san=DNS:localhost "ca.subject=/C=DE/O=juplo/CN=$long" \
  'cert.san=DNS:{name},,DNS:localhost'; do
  n=$((${n:-0} + 1))
  run "pki$n" --steps ca,certs --set key.type=ec-p256 --set "$answer"
  expect_rc "$answer" 1
  expect_err "$answer" "${answer%%=*}: "
  expect_err "$answer" "nothing was written"
  [ ! -e "$w/ca-key" ] || zk_fail "$answer: the CA was written before the refusal"
done

# 4. A broker taken off the list from the command line.
run brokers --steps zookeeper,brokers
expect_rc "two brokers" 0
grep -q '^broker.kafka-2.id = 2$' "$w/zktls-wizard.conf" || zk_fail "no pinned id for kafka-2"
run brokers --steps zookeeper,brokers --set brokers=kafka-1
expect_rc "--set brokers=kafka-1" 0
grep -q 'dropped broker.kafka-2.id' "$ZK_TMP/out" || { cat "$ZK_TMP/out"; zk_fail "no line about the dropped id"; }
! grep -q '^broker.kafka-2' "$w/zktls-wizard.conf" || zk_fail "kafka-2's keys are still saved"
# A broker added later never takes kafka-2's id.
run brokers --steps zookeeper,brokers --set "brokers=kafka-1 kafka-3"
expect_rc "--set brokers=kafka-1 kafka-3" 0
grep -q '^broker.id=3$' "$w/kafka-3.properties" || zk_fail "kafka-3 did not get id 3"
grep -q '^broker.id=1$' "$w/kafka-1.properties" || zk_fail "kafka-1 lost its id"

# 5. A changed store.password, without --renew.
# fingerprints DIR PASSWORD: each store's entries as keytool lists them (fails on a wrong password).
fingerprints() {
  for store in "$1"/*.jks; do
    keytool -list -keystore "$store" -storepass "$2" 2>&1 | grep -e 'fingerprint' -e 'Entry' \
      || return 1
  done
}
steps=ca,certs,zookeeper,brokers,clients
run pw --steps "$steps" --set key.type=ec-p256
expect_rc "first run" 0
fingerprints "$w" confidential > "$ZK_TMP/before" || zk_fail "the stores do not open"
sha256sum "$w"/*.pem > "$ZK_TMP/pems"
run pw --steps "$steps" --set store.password=Changed-Pw-1
expect_rc "store.password changed" 0
fingerprints "$w" Changed-Pw-1 > "$ZK_TMP/after" || { cat "$ZK_TMP/after"; zk_fail "a store does not open with the new password"; }
cmp "$ZK_TMP/before" "$ZK_TMP/after" || zk_fail "keys or certificates changed with the password"
sha256sum -c --quiet "$ZK_TMP/pems" || zk_fail "a certificate changed with the password"
! fingerprints "$w" confidential > /dev/null 2>&1 || zk_fail "a store still opens with the old password"
grep -q '^ssl.keyStore.password=Changed-Pw-1$' "$w/zoo.cfg" || zk_fail "zoo.cfg names the old password"
grep -q '^store.password = Changed-Pw-1$' "$w/zktls-wizard.conf" || zk_fail "the new password was not saved"
# One step at a time, as the wizard runs them: the configuration files, still
# under the old password, say what the stores were made with.
grep '^step zookeeper ' "$w/.zktls-wizard/manifest" > "$ZK_TMP/zk-step"
run pw --steps ca --set store.password=Changed-Pw-2
expect_rc "ca alone" 0
! grep -qxF -f "$ZK_TMP/zk-step" "$w/.zktls-wizard/manifest" || zk_fail "the zookeeper step is not stale"
run pw --steps certs
expect_rc "certs alone" 0
run pw --steps "$steps"
expect_rc "the rest" 0
fingerprints "$w" Changed-Pw-2 > "$ZK_TMP/after" || zk_fail "a store does not open after the steps one by one"
cmp "$ZK_TMP/before" "$ZK_TMP/after" || zk_fail "keys or certificates changed (one by one)"
# A password nobody knows any more is still refused, naming the store.
rm "$w/zoo.cfg" "$w"/kafka-*.properties "$w"/*.config
run pw --steps certs --set store.password=Changed-Pw-3
expect_rc "unknown old password" 1
expect_err "unknown old password" "store.password does not open it"

echo "ok: batch refuses early what steps would refuse, and follows a new store.password"
