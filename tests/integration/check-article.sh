#!/bin/bash
# zktls-wizard check on a directory made by hand with the article's own
# openssl and keytool commands and configuration files (on JDK 17, keytool
# needs -keyalg RSA -storetype JKS added to make what Java 11 made by
# default).  The directory is right, so check passes whether or not the
# article's host names resolve here (it looks no name up without
# --this-host); the client's keystore, which only KAFKA_OPTS names, is found
# by the article's name client.jks and checked.  A client certificate from
# another CA, an expired one, a key password unlike the store password and
# a certificate about to expire are found.

: "${top_srcdir:?run this test through make check}"
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
. "$top_srcdir/tests/lib/common.sh"

zk_need openssl keytool
zk_tmpdir

a="$ZK_TMP/article"
mkdir "$a"
cd "$a" || exit 1

# --- the article, "Create A Private CA And The Needed Certificates"
openssl req -new -x509 -days 365 -keyout ca-key -out ca-cert \
	-subj "/C=DE/ST=NRW/L=MS/O=juplo/OU=kafka/CN=Root-CA" -passout pass:superconfidential \
	>/dev/null 2>&1 || zk_fail "openssl req (the CA)"
keytool -keystore truststore.jks -storetype JKS -storepass confidential -import -alias ca-root \
	-file ca-cert -noprompt >/dev/null 2>&1 || zk_fail "keytool -import (truststore)"

# node NAME [KEYPASS [DAYS]]: the article's five commands for one node.
node() {
	local NAME=$1 keypass=${2:-confidential} days=${3:-365}
	keytool -keystore "$NAME.jks" -storetype JKS -storepass confidential -alias "$NAME" \
		-validity 365 -genkey -keyalg RSA -keypass "$keypass" \
		-dname "CN=$NAME,OU=kafka,O=juplo,L=MS,ST=NRW,C=DE" >/dev/null 2>&1 ||
		zk_fail "keytool -genkey $NAME"
	keytool -keystore "$NAME.jks" -storepass confidential -keypass "$keypass" -alias "$NAME" \
		-certreq -file cert-file >/dev/null 2>&1 || zk_fail "keytool -certreq $NAME"
	# shellcheck disable=SC2059 # the article's command, as printed
	openssl x509 -req -CA ca-cert -CAkey ca-key -in cert-file -out "$NAME.pem" -days "$days" \
		-CAcreateserial -passin pass:superconfidential -extensions SAN \
		-extfile <(printf "\n[SAN]\nsubjectAltName=DNS:$NAME,DNS:localhost") >/dev/null 2>&1 ||
		zk_fail "openssl x509 -req $NAME"
	keytool -keystore "$NAME.jks" -storepass confidential -import -alias ca-root -file ca-cert \
		-noprompt >/dev/null 2>&1 || zk_fail "keytool -import ca-root into $NAME.jks"
	keytool -keystore "$NAME.jks" -storepass confidential -keypass "$keypass" -import \
		-alias "$NAME" -file "$NAME.pem" >/dev/null 2>&1 || zk_fail "keytool -import $NAME.pem"
}
for n in zookeeper kafka-1 kafka-2 client; do
	node "$n"
done

# --- "Configure And Start ZooKeeper" (the data directory moved to test space)
cat >java.env <<'EOF'
SERVER_JVMFLAGS="-Xms512m -Xmx512m -Dzookeeper.serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory"
ZOO_LOG_DIR=.
EOF
port=$(zk_free_port)
cat >zoo.cfg <<EOF
dataDir=$ZK_TMP/zookeeper
secureClientPort=$port
maxClientCnxns=0
authProvider.1=org.apache.zookeeper.server.auth.X509AuthenticationProvider
ssl.keyStore.location=zookeeper.jks
ssl.keyStore.password=confidential
ssl.trustStore.location=truststore.jks
ssl.trustStore.password=confidential
EOF
for i in 1 2; do
	cat >"kafka-$i.properties" <<EOF
broker.id=$i
zookeeper.connect=zookeeper:$port
listeners=SSL://kafka-$i:9${i}93,SASL_SSL://kafka-$i:9${i}94
security.inter.broker.protocol=SSL
ssl.client.auth=required
ssl.keystore.location=kafka-$i.jks
ssl.keystore.password=confidential
ssl.key.password=confidential
ssl.truststore.location=truststore.jks
ssl.truststore.password=confidential
listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_consumer="pw4consumer" user_producer="pw4producer";
sasl.enabled.mechanisms=PLAIN
log.dirs=$ZK_TMP/kafka-$i-logs
offsets.topic.replication.factor=2
transaction.state.log.replication.factor=2
transaction.state.log.min.isr=2
EOF
done
cd / || exit 1

# A second CA, made the same way, for a foreign client certificate.
o="$ZK_TMP/other"
mkdir "$o"
cd "$o" || exit 1
openssl req -new -x509 -days 365 -keyout ca-key -out ca-cert \
	-subj "/C=DE/ST=NRW/L=MS/O=juplo/OU=kafka/CN=Other-CA" -passout pass:superconfidential \
	>/dev/null 2>&1 || zk_fail "openssl req (another CA)"
node client
cd / || exit 1

# run_check DIR EXPECTED_EXIT
run_check() {
	rc=0
	"$ZKTLS" check "$1" >"$ZK_TMP/report" 2>&1 || rc=$?
	if [ "$rc" -ne "$2" ]; then
		cat "$ZK_TMP/report" >&2
		zk_fail "$what: check exit $rc, expected $2"
	fi
}
says() { # SECTION PATTERN
	sed -n "/^$1:/,/^[A-Z]/p" "$ZK_TMP/report" | grep -q -- "$2" || {
		cat "$ZK_TMP/report" >&2
		zk_fail "$what: no '$2' among the $1"
	}
}

what="the article's directory"
cp -a "$a" "$ZK_TMP/before"
run_check "$a" 0
diff -r "$ZK_TMP/before" "$a" >/dev/null || zk_fail "check changed the article's directory"
head -n 1 "$ZK_TMP/report" | grep -q ': 0 problems' || zk_fail "$what: the first line does not count 0 problems"
says 'This machine, right' 'not looked up.*zookeeper, kafka-1, kafka-2'
says Right 'zookeeper.jks:'
says Right 'opens as JKS with the password from zoo.cfg'
says Right 'the certificate CN=zookeeper,OU=kafka,O=juplo,L=MS,ST=NRW,C=DE is trusted by truststore.jks'
says Right 'its certificate names zookeeper'
says Right 'its certificate names kafka-1 (kafka-1.properties)'
says Right 'opens as JKS with the password from zoo.cfg, kafka-1.properties, kafka-2.properties'
says Right 'ZooKeeper uses Netty'
# The article leaves the AdminServer on, writes files readable by all, and
# passes the brokers' ZooKeeper options in KAFKA_OPTS.
says Warnings 'the AdminServer is on'
says Warnings 'no kafka-1.zk-tls.args'
says Warnings 'readable by other users'
# client.jks: only KAFKA_OPTS names it; found by the article's name.
says Right 'client.jks:'
says Right 'the certificate CN=client,OU=kafka,O=juplo,L=MS,ST=NRW,C=DE is trusted by truststore.jks (zoo.cfg)'
says Right 'ZooKeeper will know this client as x509:CN=client,OU=kafka,O=juplo,L=MS,ST=NRW,C=DE'

what="a client certificate from another CA"
cp "$a/client.jks" "$ZK_TMP/client.jks"
cp "$o/client.jks" "$a/client.jks"
run_check "$a" 1
says Problems 'client.jks:'
says Problems 'the certificate CN=client,OU=kafka,O=juplo,L=MS,ST=NRW,C=DE is not trusted by truststore.jks (zoo.cfg)'

what="an expired client certificate"
cd "$a" || exit 1
cp "$ZK_TMP/client.jks" client.jks
keytool -keystore client.jks -storepass confidential -alias client -certreq -file cert-file \
	>/dev/null 2>&1 || zk_fail "keytool -certreq client"
openssl pkcs12 -export -inkey ca-key -in ca-cert -name ca -passin pass:superconfidential \
	-passout pass:capass -out "$ZK_TMP/ca.p12" 2>/dev/null || zk_fail "openssl pkcs12 -export"
keytool -gencert -alias ca -keystore "$ZK_TMP/ca.p12" -storetype PKCS12 -storepass capass \
	-infile cert-file -outfile old.pem -rfc -startdate -400d -validity 30 >/dev/null 2>&1 ||
	zk_fail "keytool -gencert (an expired client certificate)"
keytool -keystore client.jks -storepass confidential -import -alias client -file old.pem -noprompt \
	>/dev/null 2>&1 || zk_fail "keytool -import of the expired client certificate"
rm -f old.pem
cd / || exit 1
run_check "$a" 1
says Problems 'client.jks:'
says Problems 'CN=client,OU=kafka,O=juplo,L=MS,ST=NRW,C=DE expired on'
cp "$ZK_TMP/client.jks" "$a/client.jks"

what="the article's directory on localhost"
sed -i "s/^zookeeper.connect=.*/zookeeper.connect=localhost:$port/; s|//kafka-[12]:|//localhost:|g" \
	"$a"/kafka-*.properties
echo admin.enableServer=false >>"$a/zoo.cfg"
run_check "$a" 0
says Right 'its certificate names localhost (how the clients reach ZooKeeper)'

what="a key password unlike the store password, a certificate about to expire"
cd "$a" || exit 1
rm kafka-1.jks kafka-2.jks
node kafka-1 confidential 10
node kafka-2 other-secret
cd / || exit 1
run_check "$a" 1
says Problems 'kafka-2.jks:'
says Problems 'the key password differs'
says Warnings 'CN=kafka-1,OU=kafka,O=juplo,L=MS,ST=NRW,C=DE expires in'

exit 0
