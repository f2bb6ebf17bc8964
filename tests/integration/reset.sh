#!/bin/sh
# Workshop mode: --reset-to STEP puts DIR back as it was before STEP; what
# earlier steps wrote stays, a file the user edited is kept, and the steps can
# then be run again.
. "$top_srcdir/tests/lib/common.sh"
zk_tmpdir
w="$ZK_TMP/w"

"$ZKTLS" --batch --set key.type=ec-p256 --steps ca,certs,zookeeper,brokers,clients "$w" >/dev/null ||
  zk_fail "the setup failed"
cp "$w/zoo.cfg" "$ZK_TMP/zoo.cfg"
echo "# my note" >>"$w/consumer.config"

"$ZKTLS" --batch --reset-to brokers "$w" >"$ZK_TMP/out" 2>&1 || zk_fail "reset failed: $(cat "$ZK_TMP/out")"
for gone in kafka-1.properties kafka-2.zk-tls.args producer.config client.zk-tls.args cluster.sh; do
  [ ! -e "$w/$gone" ] || zk_fail "$gone was not removed"
done
for kept in zoo.cfg java.env ca-key ca-cert truststore.jks kafka-1.jks zookeeper.pem zktls-wizard.conf; do
  [ -e "$w/$kept" ] || zk_fail "$kept, from an earlier step, was removed"
done
cmp -s "$ZK_TMP/zoo.cfg" "$w/zoo.cfg" || zk_fail "zoo.cfg changed"
grep -q '# my note' "$w/consumer.config" || zk_fail "the edited consumer.config was not kept"
grep -q 'kept consumer.config' "$ZK_TMP/out" || zk_fail "the reset does not say it kept consumer.config"
grep -q '^step brokers ' "$w/.zktls-wizard/manifest" && zk_fail "the manifest still has the brokers step"
grep -q '^step zookeeper ' "$w/.zktls-wizard/manifest" || zk_fail "the manifest lost the zookeeper step"

# The steps run again; the kept file is now in the way, as any foreign file.
if "$ZKTLS" --batch --steps brokers,clients "$w" >/dev/null 2>"$ZK_TMP/err"; then
  zk_fail "the rerun overwrote the kept consumer.config"
fi
grep -q consumer.config "$ZK_TMP/err" || zk_fail "the rerun does not name consumer.config"
"$ZKTLS" --batch --reset-to brokers --force "$w" >/dev/null || zk_fail "reset --force failed"
ls "$w/.zktls-wizard/backup/" | grep -q '^consumer.config\.' || zk_fail "--force kept no backup"
"$ZKTLS" --batch --steps brokers,clients "$w" >/dev/null || zk_fail "the rerun after the reset failed"
[ -e "$w/kafka-1.properties" ] && [ -e "$w/cluster.sh" ] || zk_fail "the rerun did not write the files again"

# Reset before the CA: keys and keystores go too.
"$ZKTLS" --batch --reset-to ca "$w" >/dev/null || zk_fail "reset to ca failed"
[ ! -e "$w/ca-key" ] && [ ! -e "$w/kafka-1.jks" ] && [ ! -e "$w/zoo.cfg" ] || zk_fail "reset to ca left files"
[ -e "$w/zktls-wizard.conf" ] || zk_fail "the answers went with the reset"

# Bad input.
set +e
"$ZKTLS" --batch --reset-to nonsense "$w" >/dev/null 2>"$ZK_TMP/err"; st=$?
set -e
[ "$st" -eq 2 ] || zk_fail "an unknown step gave exit $st"
grep -q 'download,jars,ca,certs' "$ZK_TMP/err" || zk_fail "the unknown step message lacks the steps"
echo "ok: --reset-to puts a directory back before a step, keeping edits and answers"
