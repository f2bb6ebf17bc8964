#!/bin/sh
# zktls-wizard check on the wizard's own directories (JKS and PEM) and on
# copies broken one way each: every break is reported as a problem in the
# file it concerns, with exit 1; the good directories pass with exit 0; and
# check changes nothing in the directory it reads.  What is about this
# machine (ports taken, data left from another setup, names) is reported
# apart and counts only with check --this-host; no name is looked up
# without it, so nothing here depends on /etc/hosts.

: "${top_srcdir:?run this test through make check}"
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
. "$top_srcdir/tests/lib/common.sh"

zk_need openssl keytool python3 sha256sum
zk_tmpdir

zk_port=$(zk_free_port)
good="$ZK_TMP/good"

# ZooKeeper is "localhost" and the brokers' listeners are moved to localhost
# (their certificates name it by default): no host name problem on any machine.
make_dir() { # DIR [--set ...]
	d=$1
	shift
	"$ZKTLS" --batch --set key.type=ec-p256 --set zookeeper.host=localhost \
		--set "zookeeper.secure_port=$zk_port" --set "zookeeper.data_dir=$d-zkdata" \
		--set "broker.kafka-1.log_dir=$d-k1" --set "broker.kafka-2.log_dir=$d-k2" \
		"$@" --steps ca,certs,zookeeper,brokers,clients "$d" >"$ZK_TMP/batch.out" 2>&1 || {
		cat "$ZK_TMP/batch.out" >&2
		zk_fail "zktls-wizard --batch $d failed"
	}
	sed -i 's|//kafka-[0-9]*:|//localhost:|g' "$d"/kafka-*.properties
}

# run_check [--this-host] DIR EXPECTED_EXIT: the report in $ZK_TMP/report.
run_check() {
	opt=
	if [ "$1" = --this-host ]; then
		opt=$1
		shift
	fi
	rc=0
	# shellcheck disable=SC2086 # the option or nothing
	"$ZKTLS" check $opt "$1" >"$ZK_TMP/report" 2>&1 || rc=$?
	if [ "$rc" -ne "$2" ]; then
		cat "$ZK_TMP/report" >&2
		zk_fail "check $opt $1: exit $rc, expected $2"
	fi
}

# problems_say PATTERN: the directory's Problems section (it comes first) holds PATTERN.
problems_say() {
	sed -n '/^Problems:/,/^[A-Z]/p' "$ZK_TMP/report" | grep -q -- "$1" || {
		cat "$ZK_TMP/report" >&2
		zk_fail "$case_name: no problem matching '$1'"
	}
}

# host_problems_say PATTERN: the problems about this machine hold PATTERN.
host_problems_say() {
	sed -n '/^This machine, problems:/,/^[A-Z]/p' "$ZK_TMP/report" | grep -q -- "$1" || {
		cat "$ZK_TMP/report" >&2
		zk_fail "$case_name: no problem about this machine matching '$1'"
	}
}

report_says() {
	grep -q -- "$1" "$ZK_TMP/report" || {
		cat "$ZK_TMP/report" >&2
		zk_fail "$case_name: the report does not say '$1'"
	}
}

# broken NAME: a fresh copy of the good directory to break.
broken() {
	case_name=$1
	b="$ZK_TMP/$1"
	cp -a "$good" "$b"
}

snapshot() { # DIR
	(cd "$1" && find . -printf '%p %s %m %T@\n' | sort && find . -type f -exec sha256sum {} + | sort)
}

# ------------------------------------------------------------- good ones
case_name=good
make_dir "$good"
snapshot "$good" >"$ZK_TMP/before"
run_check "$good" 0
snapshot "$good" >"$ZK_TMP/after"
cmp -s "$ZK_TMP/before" "$ZK_TMP/after" || {
	diff "$ZK_TMP/before" "$ZK_TMP/after" >&2
	zk_fail "check changed the directory it read"
}
head -n 1 "$ZK_TMP/report" | grep -q ': 0 problems' || zk_fail "the first line does not count 0 problems"
for f in zoo.cfg java.env localhost.jks truststore.jks kafka-1.properties kafka-1.jks \
	client.zk-tls.args; do
	grep -q "^  $f:\$" "$ZK_TMP/report" || {
		cat "$ZK_TMP/report" >&2
		zk_fail "the report has no section for $f"
	}
done
report_says 'localhost.jks:'
report_says 'opens as JKS with the password from zoo.cfg'
report_says 'x509:CN=client,OU=kafka,O=juplo,L=MS,ST=NRW,C=DE'
report_says "port $zk_port (ZooKeeper TLS)"

case_name=pem
make_dir "$ZK_TMP/pem" --set store.type=pem --set zookeeper.version=3.5.6 --set kafka.version=2.7.0
run_check "$ZK_TMP/pem" 0
report_says 'opens as PEM with the password from zoo.cfg'

# With Kafka unpacked: exactly one ZooKeeper jar of the configured version.
case_name=libs-good
broken libs-good
mkdir -p "$b/kafka_2.12-2.3.0/libs"
for j in zookeeper-3.5.5.jar zookeeper-jute-3.5.5.jar netty-all-4.1.29.Final.jar kafka_2.12-2.3.0.jar; do
	: >"$b/kafka_2.12-2.3.0/libs/$j"
done
run_check "$b" 0
report_says 'exactly one ZooKeeper jar: zookeeper-3.5.5.jar'

# ------------------------------------------------------------- broken ones
case_name=two-jars
broken two-jars
mkdir -p "$b/kafka_2.12-2.3.0/libs"
for j in zookeeper-3.4.14.jar zookeeper-3.5.5.jar zookeeper-jute-3.5.5.jar netty-all-4.1.29.Final.jar; do
	: >"$b/kafka_2.12-2.3.0/libs/$j"
done
run_check "$b" 1
problems_say 'kafka_2.12-2.3.0/libs:'
problems_say '2 ZooKeeper jars'

case_name=old-jar
broken old-jar
mkdir -p "$b/kafka_2.12-2.3.0/libs"
: >"$b/kafka_2.12-2.3.0/libs/zookeeper-3.4.14.jar"
run_check "$b" 1
problems_say 'ZooKeeper.s client learned TLS in 3.5.5'
problems_say 'no Netty jar'

case_name=foreign-truststore
"$ZKTLS" --batch --set key.type=ec-p256 --set 'ca.subject=/CN=Other-CA' --steps ca \
	"$ZK_TMP/other" >/dev/null 2>&1 || zk_fail "making another CA failed"
broken foreign-truststore
cp "$ZK_TMP/other/truststore.jks" "$b/truststore.jks"
run_check "$b" 1
problems_say 'localhost.jks:'
problems_say 'is not trusted by truststore.jks'

case_name=wrong-password
broken wrong-password
sed -i 's/^ssl.keyStore.password=.*/ssl.keyStore.password=wrong/' "$b/zoo.cfg"
run_check "$b" 1
problems_say 'does not open with the password that zoo.cfg gives'
problems_say 'Failed to create KeyManager'

case_name=missing-san
make_dir "$ZK_TMP/missing-san" --set 'cert.san=DNS:{name}'
run_check "$ZK_TMP/missing-san" 1
problems_say 'kafka-1.jks:'
problems_say 'does not name localhost'

case_name=expired
broken expired
# Sign zookeeper's key anew with a certificate that ended long ago (keytool's
# -startdate), and put it into localhost.jks in place of the good one.
openssl pkcs12 -export -inkey "$b/ca-key" -in "$b/ca-cert" -name ca -passin pass:superconfidential \
	-passout pass:capass -out "$ZK_TMP/ca.p12" 2>/dev/null || zk_fail "openssl pkcs12 -export"
keytool -certreq -alias localhost -keystore "$b/localhost.jks" -storepass confidential \
	-file "$ZK_TMP/req" >/dev/null 2>&1 || zk_fail "keytool -certreq on our JKS"
keytool -gencert -alias ca -keystore "$ZK_TMP/ca.p12" -storetype PKCS12 -storepass capass \
	-infile "$ZK_TMP/req" -outfile "$ZK_TMP/old.pem" -rfc -startdate -400d -validity 30 \
	-ext SAN=DNS:localhost >/dev/null 2>&1 || zk_fail "keytool -gencert"
keytool -importcert -noprompt -alias localhost -keystore "$b/localhost.jks" -storepass confidential \
	-file "$ZK_TMP/old.pem" >/dev/null 2>&1 || zk_fail "keytool -importcert of the expired certificate"
run_check "$b" 1
problems_say 'CN=localhost,OU=kafka,O=juplo,L=MS,ST=NRW,C=DE expired on'

case_name=nio
broken nio
sed -i 's/NettyServerCnxnFactory/NIOServerCnxnFactory/' "$b/java.env"
run_check "$b" 1
problems_say 'java.env:'
problems_say 'NIOServerCnxnFactory, which cannot do TLS'

case_name=no-factory
broken no-factory
printf 'SERVER_JVMFLAGS="-Xmx512m"\n' >"$b/java.env"
run_check "$b" 1
problems_say 'ZooKeeper uses NIO'

# The factory may come from zoo.cfg instead (ZooKeeper makes unknown keys
# system properties): passes.
case_name=factory-in-zoo-cfg
broken factory-in-zoo-cfg
printf 'SERVER_JVMFLAGS="-Xmx512m"\n' >"$b/java.env"
printf 'serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory\n' >>"$b/zoo.cfg"
run_check "$b" 0

case_name=plaintext-port
broken plaintext-port
printf 'clientPort=%s\n' "$(zk_free_port)" >>"$b/zoo.cfg"
run_check "$b" 1
problems_say 'opens a plaintext port'

# A name that cannot resolve anywhere (RFC 2606 .invalid): ZooKeeper's
# certificate does not name it (the directory's problem); that it does not
# resolve is this machine's, found only with --this-host.
case_name=unresolvable
broken unresolvable
sed -i "s/^zookeeper.connect=.*/zookeeper.connect=zk-nowhere.invalid:$zk_port/" "$b/kafka-1.properties"
run_check "$b" 1
problems_say 'localhost.jks:'
problems_say 'does not name zk-nowhere.invalid'
report_says 'not looked up.*zk-nowhere.invalid'
run_check --this-host "$b" 1
host_problems_say 'do not resolve: zk-nowhere.invalid'
host_problems_say '127.0.0.1 zk-nowhere.invalid'

case_name=stale-data
broken stale-data
mkdir -p "$good-zkdata/version-2"
: >"$good-zkdata/version-2/snapshot.0"
printf '%s\n' /somewhere/else >"$good-zkdata/.zktls-wizard-setup"
# The data directory lies outside DIR: what it holds is this machine's.
run_check "$b" 0
report_says 'left from an earlier setup in /somewhere/else'
run_check --this-host "$b" 1
host_problems_say 'left from an earlier setup in /somewhere/else'
host_problems_say 'NoAuth for /brokers/ids'
host_problems_say 'cluster.sh cleanup'

# The same data, marked as this setup's, is fine.
case_name=own-data
# (every copy shares the data directory of the good one)
printf '%s\n' "$(cd "$b" && pwd -P)" >"$good-zkdata/.zktls-wizard-setup"
run_check "$b" 0
report_says "holds this setup's ZooKeeper data"
rm -rf "$good-zkdata"

# Ports taken by another program: ZooKeeper's, and the AdminServer's when on.
listen() { # PORT: a listener on 127.0.0.1 until killed; its PID in $listener
	# A fresh file: the "up" of an earlier listener must not count.
	: >"$ZK_TMP/listen.out"
	python3 -c 'import socket,sys,time
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(); print("up", flush=True); time.sleep(120)' "$1" >"$ZK_TMP/listen.out" &
	listener=$!
	deadline=$(($(date +%s) + 60))
	until grep -q up "$ZK_TMP/listen.out" 2>/dev/null; do
		[ "$(date +%s)" -lt "$deadline" ] || zk_fail "the test listener did not start"
		sleep 0.1
	done
}
case_name=port-in-use
broken port-in-use
listen "$zk_port"
trap 'kill "$listener" 2>/dev/null || true; rm -rf "$ZK_TMP"' EXIT
run_check "$b" 0
host_problems_say "port $zk_port (ZooKeeper TLS) on all addresses is in use by another program"
run_check --this-host "$b" 1
kill "$listener"
host_problems_say "port $zk_port (ZooKeeper TLS) on all addresses is in use by another program"

case_name=admin-port
broken admin-port
admin_port=$(zk_free_port)
sed -i '/^admin.enableServer=/d' "$b/zoo.cfg"
printf 'admin.serverPort=%s\n' "$admin_port" >>"$b/zoo.cfg"
run_check "$b" 0
sed -n '/^Warnings:/,/^[A-Z]/p' "$ZK_TMP/report" | grep -q 'AdminServer is on' ||
	zk_fail "admin-port: no warning that the AdminServer is on"
listen "$admin_port"
run_check --this-host "$b" 1
kill "$listener"
host_problems_say "port $admin_port (AdminServer)"
host_problems_say 'Unable to start AdminServer'

# Problems come first, before warnings and what is right; this machine's last.
run_check "$ZK_TMP/wrong-password" 1
sections=$(grep -E '^(Problems|Warnings|Right|This machine, [a-z]+):$' "$ZK_TMP/report" | tr '\n' '|')
case $sections in
Problems:\|Right:\|This\ machine,\ right:\|) ;;
*) zk_fail "the report's sections are $sections" ;;
esac

case_name=not-a-dir
rc=0
"$ZKTLS" check "$ZK_TMP/nowhere" >"$ZK_TMP/report" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || zk_fail "check of a missing directory: exit $rc, expected 1"

exit 0
