#!/bin/sh
# --batch writes the recipe's configuration files: the article's values on the
# defaults, the modes of DESIGN §5, atomic and idempotent reruns, and no silent
# overwrite of a file the user edited.
. "$top_srcdir/tests/lib/common.sh"
zk_tmpdir
w="$ZK_TMP/w"
steps=zookeeper,brokers,clients

"$ZKTLS" --batch --steps $steps "$w" >"$ZK_TMP/out" || zk_fail "batch run failed: $(cat "$ZK_TMP/out")"
[ "$(wc -l <"$ZK_TMP/out")" -eq 3 ] || zk_fail "expected one line per step, got: $(cat "$ZK_TMP/out")"

# The article's zoo.cfg, typed from the article, plus the AdminServer switched off.
cat >"$ZK_TMP/zoo.cfg" <<'X'
dataDir=/tmp/zookeeper
secureClientPort=2182
maxClientCnxns=0
authProvider.1=org.apache.zookeeper.server.auth.X509AuthenticationProvider
ssl.keyStore.location=zookeeper.jks
ssl.keyStore.password=confidential
ssl.trustStore.location=truststore.jks
ssl.trustStore.password=confidential
admin.enableServer=false
X
cmp -s "$ZK_TMP/zoo.cfg" "$w/zoo.cfg" || { diff -u "$ZK_TMP/zoo.cfg" "$w/zoo.cfg" >&2; zk_fail "zoo.cfg differs from the article"; }

cat >"$ZK_TMP/java.env" <<'X'
SERVER_JVMFLAGS="-Xms512m -Xmx512m -Dzookeeper.serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory"
ZOO_LOG_DIR=.
X
cmp -s "$ZK_TMP/java.env" "$w/java.env" || { diff -u "$ZK_TMP/java.env" "$w/java.env" >&2; zk_fail "java.env differs from the article"; }

cat >"$ZK_TMP/kafka-1.properties" <<'X'
broker.id=1
zookeeper.connect=zookeeper:2182
listeners=SSL://kafka-1:9193,SASL_SSL://kafka-1:9194
security.inter.broker.protocol=SSL
ssl.client.auth=required
ssl.keystore.location=kafka-1.jks
ssl.keystore.password=confidential
ssl.key.password=confidential
ssl.truststore.location=truststore.jks
ssl.truststore.password=confidential
listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_consumer="pw4consumer" user_producer="pw4producer";
sasl.enabled.mechanisms=PLAIN
log.dirs=/tmp/kafka-1-logs
offsets.topic.replication.factor=2
transaction.state.log.replication.factor=2
transaction.state.log.min.isr=2
X
cmp -s "$ZK_TMP/kafka-1.properties" "$w/kafka-1.properties" ||
  { diff -u "$ZK_TMP/kafka-1.properties" "$w/kafka-1.properties" >&2; zk_fail "kafka-1.properties differs from the article"; }
# "Do the same for kafka-2": the same file with its own id, host and ports.
sed -e 's/^broker.id=1$/broker.id=2/' -e 's/kafka-1:9193/kafka-2:9293/' -e 's/kafka-1:9194/kafka-2:9294/' \
  -e 's/kafka-1/kafka-2/g' "$ZK_TMP/kafka-1.properties" >"$ZK_TMP/kafka-2.properties"
cmp -s "$ZK_TMP/kafka-2.properties" "$w/kafka-2.properties" || zk_fail "kafka-2.properties is not kafka-1's with its own id and ports"

# The article's KAFKA_OPTS for kafka-1, one option per line, values quoted.
cat >"$ZK_TMP/kafka-1.args" <<'X'
-Dzookeeper.clientCnxnSocket=org.apache.zookeeper.ClientCnxnSocketNetty
-Dzookeeper.client.secure=true
-Dzookeeper.ssl.keyStore.location="kafka-1.jks"
-Dzookeeper.ssl.keyStore.password="confidential"
-Dzookeeper.ssl.trustStore.location="truststore.jks"
-Dzookeeper.ssl.trustStore.password="confidential"
X
cmp -s "$ZK_TMP/kafka-1.args" "$w/kafka-1.zk-tls.args" || zk_fail "kafka-1.zk-tls.args differs"
grep -q "client.jks" "$w/client.zk-tls.args" || zk_fail "client.zk-tls.args does not use client.jks"
grep -qx "export KAFKA_OPTS=@'$w'/kafka-1.zk-tls.args" "$w/kafka-1.zk-tls.env" || zk_fail "kafka-1.zk-tls.env does not point KAFKA_OPTS at the argument file"
grep -qx 'sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="consumer" password="pw4consumer";' "$w/consumer.config" ||
  zk_fail "consumer.config lacks the consumer's JAAS line"
grep -qx 'security.protocol=SASL_SSL' "$w/producer.config" || zk_fail "producer.config is not SASL_SSL"

# Modes: DIR 0700; everything holding a password 0600.
[ "$(zk_mode "$w")" = 700 ] || zk_fail "DIR mode is $(zk_mode "$w")"
for f in zoo.cfg kafka-1.properties kafka-2.properties consumer.config producer.config \
         kafka-1.zk-tls.args kafka-2.zk-tls.args client.zk-tls.args zktls-wizard.conf; do
  [ "$(zk_mode "$w/$f")" = 600 ] || zk_fail "$f has mode $(zk_mode "$w/$f"), not 600"
done
[ -x "$w/cluster.sh" ] || zk_fail "cluster.sh is not executable"
[ -f "$w/.zktls-wizard/manifest" ] || zk_fail "no manifest"
if find "$w" -name '*.zktls-tmp' | grep -q .; then zk_fail "temporary files left behind"; fi

# A rerun with the same answers changes nothing, not even a timestamp.
find "$w" -type f ! -path '*/.zktls-wizard/*' -exec sha256sum {} + | sort >"$ZK_TMP/sums1"
find "$w" -type f ! -path '*/.zktls-wizard/*' -printf '%p %T@\n' | sort >"$ZK_TMP/times1"
sleep 1
"$ZKTLS" --batch --steps $steps "$w" >/dev/null || zk_fail "rerun failed"
find "$w" -type f ! -path '*/.zktls-wizard/*' -exec sha256sum {} + | sort >"$ZK_TMP/sums2"
find "$w" -type f ! -path '*/.zktls-wizard/*' -printf '%p %T@\n' | sort >"$ZK_TMP/times2"
cmp -s "$ZK_TMP/sums1" "$ZK_TMP/sums2" || zk_fail "a rerun changed file contents"
cmp -s "$ZK_TMP/times1" "$ZK_TMP/times2" || zk_fail "a rerun rewrote unchanged files"

# Resume: answers given once are kept in zktls-wizard.conf.
"$ZKTLS" --batch --steps $steps --set zookeeper.secure_port=2999 "$w" >/dev/null || zk_fail "--set run failed"
"$ZKTLS" --batch --steps $steps "$w" >/dev/null || zk_fail "resumed run failed"
grep -qx 'secureClientPort=2999' "$w/zoo.cfg" || zk_fail "the saved answer was not resumed"
grep -qx 'zookeeper.connect=zookeeper:2999' "$w/kafka-2.properties" || zk_fail "brokers do not follow the ZooKeeper port"

# A file the user edited is not overwritten silently...
echo "# my note" >>"$w/zoo.cfg"
cp "$w/zoo.cfg" "$ZK_TMP/edited"
if "$ZKTLS" --batch --steps $steps --set zookeeper.heap=1g "$w" >"$ZK_TMP/out" 2>"$ZK_TMP/err"; then
  zk_fail "an edited zoo.cfg was overwritten without --force"
fi
grep -q "zoo.cfg" "$ZK_TMP/err" || zk_fail "the refusal does not name zoo.cfg: $(cat "$ZK_TMP/err")"
cmp -s "$ZK_TMP/edited" "$w/zoo.cfg" || zk_fail "the edited zoo.cfg was changed"
# ...and --force overwrites it, keeping a backup.
"$ZKTLS" --batch --steps $steps --force "$w" >/dev/null 2>&1 || zk_fail "--force run failed"
! grep -q '# my note' "$w/zoo.cfg" || zk_fail "--force did not overwrite zoo.cfg"
backup=$(ls "$w/.zktls-wizard/backup/" | grep '^zoo.cfg\.' | head -n 1)
[ -n "$backup" ] || zk_fail "no backup of the edited zoo.cfg"
cmp -s "$ZK_TMP/edited" "$w/.zktls-wizard/backup/$backup" || zk_fail "the backup is not the user's version"

# A foreign file in the way is refused too.
w2="$ZK_TMP/w2"; mkdir -m 700 "$w2"; echo "hand-made" >"$w2/java.env"
if "$ZKTLS" --batch --steps zookeeper "$w2" >/dev/null 2>"$ZK_TMP/err"; then
  zk_fail "a hand-made java.env was overwritten"
fi
grep -q 'java.env' "$ZK_TMP/err" || zk_fail "the refusal does not name java.env"
[ "$(cat "$w2/java.env")" = hand-made ] || zk_fail "the hand-made java.env was changed"

# An answers file is read, and DESIGN's keys are accepted.
cat >"$ZK_TMP/answers" <<'X'
# workshop answers
brokers = alpha beta gamma
zookeeper.host = zk
X
"$ZKTLS" --batch --steps $steps -a "$ZK_TMP/answers" "$ZK_TMP/w3" >/dev/null || zk_fail "answers file run failed"
grep -qx 'listeners=SSL://gamma:9393,SASL_SSL://gamma:9394' "$ZK_TMP/w3/gamma.properties" || zk_fail "third broker's ports"
grep -qx 'offsets.topic.replication.factor=3' "$ZK_TMP/w3/alpha.properties" || zk_fail "replication follows 3 brokers"
grep -qx 'ssl.keyStore.location=zk.jks' "$ZK_TMP/w3/zoo.cfg" || zk_fail "zoo.cfg follows zookeeper.host"
echo "ok: batch writes the article's files, atomically, idempotently, and protects edits"
