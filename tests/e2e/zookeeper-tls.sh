#!/bin/bash
# End to end: Debian's ZooKeeper runs with the zoo.cfg, java.env and
# keystores the wizard wrote (only the data directory and the port moved to
# test space, on 127.0.0.1), and ZooKeeper's own CLI, with its TLS options
# from the wizard's argument files, proves over TLS that
#   - the client and a broker (with the broker's keystore, as a broker
#     connects) can create and read a znode,
#   - whoami shows each one's certificate DN, exactly cert.dn,
#   - a plain-TCP client, a TLS client without a certificate and one whose
#     certificate comes from another CA get nowhere,
#   - no password is on the command line of anything started;
# for a store.type=jks directory, then the ZooKeeper side of a
# store.type=pem one (a release pair that reads PEM).

: "${top_srcdir:?run this test through make check}"
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
. "$top_srcdir/tests/lib/common.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/zookeeper.sh
. "$top_srcdir/tests/lib/zookeeper.sh"

zk_need python3
zk_tmpdir
zk_need_zookeeper

# Passwords nobody would write by accident, to look for them in argv.
store_pw='Zk-Store-7qT'
ca_pw='Zk-Ca-3vR'
dn_of() { printf 'CN=%s,OU=kafka,O=juplo,L=MS,ST=NRW,C=DE' "$1"; }

# The clients connect to 127.0.0.1, the address the server listens on, never
# to "localhost" (which may resolve to ::1 first, or not at all without an
# /etc/hosts).  ZooKeeper's client checks the server's certificate against
# the address it connected to (then against its reverse-resolved name), so
# the certificates name that address too: IP:127.0.0.1 besides the default
# SANs.
make_dir() { # DIR [--set ...]
	local d=$1
	shift
	"$ZKTLS" --batch --set key.type=ec-p256 --set "store.password=$store_pw" \
		--set "ca.password=$ca_pw" --set 'cert.san=DNS:{name},DNS:localhost,IP:127.0.0.1' \
		"$@" --steps ca,certs,zookeeper,brokers,clients "$d" \
		>"$ZK_TMP/batch.out" 2>&1 || {
		cat "$ZK_TMP/batch.out" >&2
		zk_fail "zktls-wizard --batch $d failed"
	}
}

# expect_ok NAME OUT: the CLI's session was established and its commands ran.
expect_ok() {
	grep -q 'Session establishment complete' "$2" || {
		cat "$2" >&2
		zk_fail "$1: no TLS session with ZooKeeper"
	}
}

# The one ZooKeeper of a directory; "server" is what clients connect to:
# 127.0.0.1, where it listens, which the server certificate names.
run_server() { # SRC
	port=$(zk_free_port)
	w="$ZK_TMP/run-$(basename "$1")"
	zk_redirect "$1" "$w" "$port"
	zk_server_start "$w" "$port"
	zk_no_secret "$ZK_SERVER_PID" "$store_pw" "$ca_pw"
	server="127.0.0.1:$port"
}

# ---------------------------------------------------------- store.type=jks
jks="$ZK_TMP/jks"
make_dir "$jks"
run_server "$jks"

# The client: create, read back, whoami.
zk_cli "$w" client.zk-tls.args "$server" "$ZK_TMP/client.out" 60 "$store_pw" "$ca_pw" <<'EOF' ||
create /zktls-e2e from-client
get /zktls-e2e
whoami
quit
EOF
	{ cat "$ZK_TMP/client.out" >&2; zk_fail "the client's CLI did not finish"; }
expect_ok client "$ZK_TMP/client.out"
grep -q '^Created /zktls-e2e$' "$ZK_TMP/client.out" || { cat "$ZK_TMP/client.out" >&2; zk_fail "client: create failed"; }
grep -q '^from-client$' "$ZK_TMP/client.out" || zk_fail "client: get did not read the znode back"
grep -qxF "x509: $(dn_of client)" "$ZK_TMP/client.out" || {
	cat "$ZK_TMP/client.out" >&2
	zk_fail "client: whoami does not show x509: $(dn_of client)"
}

# A broker's keystore, as the broker connects (KAFKA_OPTS=@kafka-1.zk-tls.args).
zk_cli "$w" kafka-1.zk-tls.args "$server" "$ZK_TMP/broker.out" 60 "$store_pw" "$ca_pw" <<'EOF' ||
create /zktls-e2e/kafka-1 from-kafka-1
get /zktls-e2e/kafka-1
get /zktls-e2e
whoami
quit
EOF
	{ cat "$ZK_TMP/broker.out" >&2; zk_fail "the broker's CLI did not finish"; }
expect_ok kafka-1 "$ZK_TMP/broker.out"
grep -q '^from-kafka-1$' "$ZK_TMP/broker.out" || { cat "$ZK_TMP/broker.out" >&2; zk_fail "kafka-1: create/get failed"; }
grep -q '^from-client$' "$ZK_TMP/broker.out" || zk_fail "kafka-1 does not read the client's znode"
grep -qxF "x509: $(dn_of kafka-1)" "$ZK_TMP/broker.out" || {
	cat "$ZK_TMP/broker.out" >&2
	zk_fail "kafka-1: whoami does not show x509: $(dn_of kafka-1)"
}

# Refused: plain TCP (no TLS options at all), TLS without a certificate, and
# a certificate of another CA (it trusts our CA, but ZooKeeper does not trust its).
"$ZKTLS" --batch --set key.type=ec-p256 --set "store.password=$store_pw" --set 'ca.subject=/CN=Other-CA' \
	--steps ca,certs "$ZK_TMP/other" >/dev/null 2>&1 || zk_fail "making another CA failed"
cp "$ZK_TMP/other/client.jks" "$w/other-client.jks"
grep -v 'keyStore' "$w/client.zk-tls.args" >"$w/nocert.zk-tls.args"
sed 's/"client.jks"/"other-client.jks"/' "$w/client.zk-tls.args" >"$w/foreign.zk-tls.args"
grep -q other-client.jks "$w/foreign.zk-tls.args" || zk_fail "could not point an argument file at the foreign keystore"
chmod 600 "$w"/*.zk-tls.args
for kind in plain nocert foreign; do
	args="$kind.zk-tls.args"
	[ "$kind" != plain ] || args=
	printf 'create /refused-%s x\nls /\nquit\n' "$kind" |
		zk_cli "$w" "$args" "$server" "$ZK_TMP/$kind.out" 60 "$store_pw" &
	pids="${pids-} $!"
done
for p in $pids; do
	wait "$p" || true
done
for kind in plain nocert foreign; do
	if grep -q -e 'Session establishment complete' -e '^Created /refused' -e '^\[.*zktls-e2e' "$ZK_TMP/$kind.out"; then
		cat "$ZK_TMP/$kind.out" >&2
		zk_fail "$kind: ZooKeeper let this client in"
	fi
done
# Refused for the right reasons: the TLS port is no plaintext port, and the
# handshake fails for want of a certificate ZooKeeper trusts (Java's client
# offers none from another CA when the server asks for ours).  The alert the
# client receives for a missing certificate is any of three, all correct:
# TLS 1.2 lets the server answer handshake_failure (RFC 5246 7.4.6), TLS 1.3
# has certificate_required for it (RFC 8446 4.4.2.4), and JDK builds send
# bad_certificate ("Empty client certificate chain") in either version; which
# one depends on the JDK build and the version negotiated, not on our files.
alerts='Received fatal alert: (bad_certificate|handshake_failure|certificate_required)'
grep -q 'NotSslRecordException' "$w/zookeeper.log" || zk_fail "plain: ZooKeeper's log does not show a non-TLS record refused"
grep -q 'Empty client certificate chain' "$w/zookeeper.log" || zk_fail "ZooKeeper's log shows no handshake refused for want of a certificate"
for kind in nocert foreign; do
	grep -qE "$alerts" "$ZK_TMP/$kind.out" || {
		cat "$ZK_TMP/$kind.out" >&2
		zk_fail "$kind: the handshake did not fail with an alert for a missing certificate"
	}
done
# Nothing they tried arrived.
zk_cli "$w" client.zk-tls.args "$server" "$ZK_TMP/after.out" 60 <<'EOF' || zk_fail "the CLI did not finish"
ls /
quit
EOF
expect_ok "ls after the refused clients" "$ZK_TMP/after.out"
grep -q '^\[.*zktls-e2e.*\]$' "$ZK_TMP/after.out" || { cat "$ZK_TMP/after.out" >&2; zk_fail "ls / does not list /zktls-e2e"; }
if grep -q 'refused-' "$ZK_TMP/after.out"; then
	zk_fail "a refused client created a znode"
fi
# The server saw the failed handshakes (and its keystore opened: no KeyManager failure).
grep -q 'Failed to create KeyManager' "$w/zookeeper.log" && zk_fail "ZooKeeper could not open its keystore"

zk_stop "$ZK_SERVER_PID"
kill -0 "$ZK_SERVER_PID" 2>/dev/null && zk_fail "ZooKeeper still runs after being stopped by its PID"

# ---------------------------------------------------------- store.type=pem
pem="$ZK_TMP/pem"
make_dir "$pem" --set store.type=pem --set zookeeper.version=3.5.6 --set kafka.version=2.7.0
grep -q '^ssl.keyStore.type=PEM$' "$pem/zoo.cfg" || zk_fail "the PEM directory's zoo.cfg does not say PEM"
run_server "$pem"
zk_cli "$w" kafka-2.zk-tls.args "$server" "$ZK_TMP/pem.out" 60 "$store_pw" "$ca_pw" <<'EOF' ||
create /zktls-pem from-kafka-2
get /zktls-pem
whoami
quit
EOF
	{ cat "$ZK_TMP/pem.out" >&2; zk_fail "the PEM client's CLI did not finish"; }
expect_ok "kafka-2 (PEM)" "$ZK_TMP/pem.out"
grep -q '^from-kafka-2$' "$ZK_TMP/pem.out" || { cat "$ZK_TMP/pem.out" >&2; zk_fail "PEM: create/get failed"; }
grep -qxF "x509: $(dn_of kafka-2)" "$ZK_TMP/pem.out" || zk_fail "PEM: whoami does not show x509: $(dn_of kafka-2)"

exit 0
