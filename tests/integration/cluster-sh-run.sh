#!/bin/bash
# cluster.sh start, status, stop and cleanup for real: ZooKeeper is Debian's,
# behind a stand-in apache-zookeeper-3.5.5-bin/bin/zkServer.sh that starts it
# as the real script does with --config . (java.env's flags, QuorumPeerMain
# ./zoo.cfg, PID in $ZOOPIDFILE); the brokers are a stand-in
# kafka-server-start.sh that records its environment and arguments and then,
# with the options of KAFKA_OPTS, registers /brokers/ids/ID over TLS as a
# broker does (there is no Kafka in Debian); zookeeper-shell.sh is
# ZooKeeper's CLI, as Kafka's script runs it.  No password may be on the
# command line of anything cluster.sh starts; stop signals only PIDs it
# verified; cleanup removes only directories carrying this setup's marker.
#
# The node names are the defaults, zookeeper and kafka-1, and this machine's
# /etc/hosts (or none) plays no part: cluster.sh and everything it starts
# resolve names through nss_wrapper (LD_PRELOAD) from a hosts file of the
# test's own.  It first lists only localhost, and cluster.sh start must
# refuse, naming both names and the /etc/hosts line to add; the test adds
# that line, as a user would, and starts again.

: "${top_srcdir:?run this test through make check}"
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
. "$top_srcdir/tests/lib/common.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/zookeeper.sh
. "$top_srcdir/tests/lib/zookeeper.sh"

zk_need python3 javac getent
zk_tmpdir
zk_need_zookeeper

nss_wrapper=
for f in /usr/lib/*/libnss_wrapper.so /usr/lib64/libnss_wrapper.so /usr/lib/libnss_wrapper.so; do
	[ -f "$f" ] && { nss_wrapper=$f; break; }
done
[ -n "$nss_wrapper" ] || zk_skip "libnss_wrapper.so is not installed (apt-get install libnss-wrapper)"
hosts="$ZK_TMP/hosts"
printf '127.0.0.1 localhost\n' >"$hosts"
# cluster ARGS...: the working directory's cluster.sh, resolving names from $hosts.
cluster() {
	LD_PRELOAD=$nss_wrapper NSS_WRAPPER_HOSTS=$hosts "$w/cluster.sh" "$@"
}
LD_PRELOAD=$nss_wrapper NSS_WRAPPER_HOSTS=$hosts getent hosts localhost >/dev/null ||
	zk_fail "nss_wrapper does not resolve localhost from $hosts: the test cannot work"

broker=kafka-1
store_pw='Cl-Store-5wP'
ca_pw='Cl-Ca-8kD'
w="$ZK_TMP/w"
port=$(zk_free_port)
# ZooKeeper listens on 127.0.0.1 only, as every test server does.
"$ZKTLS" --batch --set key.type=ec-p256 --set "store.password=$store_pw" --set "ca.password=$ca_pw" \
	--set "zookeeper.secure_port=$port" --set zookeeper.secure_address=127.0.0.1 \
	--set zookeeper.heap=128m \
	--set "zookeeper.data_dir=$ZK_TMP/zkdata" --set "brokers=$broker" \
	--set "broker.$broker.log_dir=$ZK_TMP/$broker-logs" \
	--set "broker.$broker.ssl_port=$(zk_free_port)" --set "broker.$broker.sasl_ssl_port=$(zk_free_port)" \
	--steps ca,certs,zookeeper,brokers,clients "$w" >"$ZK_TMP/batch.out" 2>&1 || {
	cat "$ZK_TMP/batch.out" >&2
	zk_fail "zktls-wizard --batch failed"
}
grep -qx 'secureClientPortAddress=127.0.0.1' "$w/zoo.cfg" || zk_fail "zoo.cfg does not bind 127.0.0.1"

# ------------------------------------------------------------ the stand-ins
zkbin="$w/apache-zookeeper-3.5.5-bin/bin"
kbin="$w/kafka_2.12-2.3.0/bin"
mkdir -p "$zkbin" "$kbin" "$ZK_TMP/classes"
cat >"$zkbin/zkServer.sh" <<EOF
#!/usr/bin/env bash
# Stand-in: what apache-zookeeper-3.5.5-bin/bin/zkServer.sh and zkEnv.sh do
# for "--config DIR start": source DIR/java.env, then start QuorumPeerMain.
[ "\$1" = --config ] && { ZOOCFGDIR=\$2; shift 2; }
ZOOCFG="\$ZOOCFGDIR/zoo.cfg"
. "\$ZOOCFGDIR/java.env"
[ "\$1" = start ] || exit 9
echo "Using config: \$ZOOCFG" >&2
_ZOO_DAEMON_OUT="\$ZOO_LOG_DIR/zookeeper-\$USER-server-\$HOSTNAME.out"
echo -n "Starting zookeeper ... "
nohup java "-Dzookeeper.log.dir=\$ZOO_LOG_DIR" -cp "\$ZOOCFGDIR:$ZK_CP" \$SERVER_JVMFLAGS \\
	org.apache.zookeeper.server.quorum.QuorumPeerMain "\$ZOOCFG" >"\$_ZOO_DAEMON_OUT" 2>&1 </dev/null &
echo -n \$! >"\$ZOOPIDFILE"
sleep 1
if kill -0 "\$(cat "\$ZOOPIDFILE")" 2>/dev/null; then echo STARTED; else echo FAILED TO START; exit 1; fi
EOF
cat >"$ZK_TMP/StandInBroker.java" <<'EOF'
import java.nio.file.*;
import java.util.*;
import org.apache.zookeeper.*;

// Registers like a broker: /brokers/ids/ID, ephemeral, over the ZooKeeper
// client KAFKA_OPTS configured (TLS), then waits to be stopped.
public class StandInBroker {
	public static void main(String[] a) throws Exception {
		Properties p = new Properties();
		p.load(Files.newInputStream(Paths.get(a[0])));
		// Kafka's 6 s session would expire on a loaded machine and take
		// the registration with it; what is tested here is cluster.sh.
		ZooKeeper zk = new ZooKeeper(p.getProperty("zookeeper.connect"), 30000, e -> {});
		for (String path : new String[] { "/brokers", "/brokers/ids" })
			try {
				zk.create(path, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
			} catch (KeeperException.NodeExistsException e) {
			}
		zk.create("/brokers/ids/" + p.getProperty("broker.id"), new byte[0],
			ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			try { zk.close(); } catch (InterruptedException e) { }
		}));
		System.out.println("registered " + p.getProperty("broker.id"));
		Thread.sleep(Long.MAX_VALUE);
	}
}
EOF
javac -d "$ZK_TMP/classes" -cp "$ZK_CP" "$ZK_TMP/StandInBroker.java" || zk_fail "javac StandInBroker"
cat >"$kbin/kafka-server-start.sh" <<EOF
#!/bin/bash
# Stand-in: records its environment and arguments, then runs like Kafka's
# kafka-run-class.sh would (\$KAFKA_OPTS unquoted before the main class).
env >"\$LOG_DIR/standin.env"
printf '%s\n' "\$@" >"\$LOG_DIR/standin.args"
exec java -Xmx64m \$KAFKA_OPTS -cp "$ZK_CP:$ZK_TMP/classes" StandInBroker "\$@"
EOF
cat >"$kbin/zookeeper-shell.sh" <<EOF
#!/bin/bash
# Stand-in: Kafka 2.3.0's zookeeper-shell.sh runs ZooKeeperMain -server "\$@"
# through kafka-run-class.sh.  Also notes the JVM's command line.  When the
# test asks for it, one probe is lost instead, as when a TLS handshake on a
# busy machine outlasts ZooKeeper's handshake timeout.
if rm "$ZK_TMP/shell-fail-once" 2>/dev/null; then
	echo "KeeperErrorCode = ConnectionLoss for /brokers/ids"
	exit 0
fi
java -Xmx64m \$KAFKA_OPTS -cp "$ZK_CP" org.apache.zookeeper.ZooKeeperMain -server "\$@" &
pid=\$!
deadline=\$((SECONDS + 30))
while [ "\$SECONDS" -lt "\$deadline" ]; do
	if tr '\0' ' ' 2>/dev/null </proc/\$pid/cmdline | grep -q ZooKeeperMain; then
		tr '\0' ' ' </proc/\$pid/cmdline >>"$ZK_TMP/shell-cmdlines"
		echo >>"$ZK_TMP/shell-cmdlines"
		break
	fi
	sleep 0.05
done
wait \$pid
EOF
chmod +x "$zkbin/zkServer.sh" "$kbin"/*.sh

no_secret_in() { # FILE-OR-PID WHAT
	if [ -f "$1" ]; then
		grep -qF -e "$store_pw" -e "$ca_pw" "$1" && zk_fail "$2: a password on a command line"
	else
		zk_no_secret "$1" "$store_pw" "$ca_pw"
	fi
	return 0
}

# ------------------------------------------------------------ start
export JMX_PORT=9999 KAFKA_JMX_OPTS=-Dbogus
# Names that do not resolve: refused before anything starts, with the line
# /etc/hosts needs.
rc=0
cluster start >"$ZK_TMP/start0.out" 2>&1 || rc=$?
[ "$rc" -eq 1 ] || { cat "$ZK_TMP/start0.out" >&2; zk_fail "cluster.sh start with names that do not resolve: exit $rc, not 1"; }
grep -q 'do not resolve: zookeeper kafka-1' "$ZK_TMP/start0.out" || {
	cat "$ZK_TMP/start0.out" >&2
	zk_fail "cluster.sh start does not name the names that do not resolve"
}
if [ -e "$w/run" ] || [ -e "$ZK_TMP/zkdata" ]; then
	zk_fail "cluster.sh start made directories before refusing"
fi
line=$(grep -x '127\.0\.0\.1 .*' "$ZK_TMP/start0.out") || zk_fail "cluster.sh start does not say which /etc/hosts line to add"
printf '%s\n' "$line" >>"$hosts"
# Generous deadlines: every JVM starts slowly on a loaded machine.
rc=0
ZKTLS_START_TIMEOUT=300 LD_PRELOAD=$nss_wrapper NSS_WRAPPER_HOSTS=$hosts \
	timeout 400 "$w/cluster.sh" start >"$ZK_TMP/start.out" 2>&1 || rc=$?
# Whatever happens, what it started is stopped by its PID at exit.
for f in "$w"/run/*.pid; do
	[ -f "$f" ] && zk_remember "$(cat "$f")"
done
if [ "$rc" -ne 0 ]; then
	cat "$ZK_TMP/start.out" >&2
	tail -n 20 "$w"/zookeeper-*.out "$w/logs/$broker/kafkaServer.out" >&2 2>/dev/null
	zk_fail "cluster.sh start: exit $rc"
fi
grep -q 'Running: ZooKeeper' "$ZK_TMP/start.out" || zk_fail "cluster.sh start does not say what runs"
grep -q 'Logs: ZooKeeper' "$ZK_TMP/start.out" || zk_fail "cluster.sh start does not say where the logs are"
zk_pid=$(cat "$w/run/zookeeper.pid")
b_pid=$(cat "$w/run/$broker.pid")
no_secret_in "$zk_pid" ZooKeeper
no_secret_in "$b_pid" "the broker"
[ -s "$ZK_TMP/shell-cmdlines" ] || zk_fail "cluster.sh never probed ZooKeeper with zookeeper-shell.sh"
no_secret_in "$ZK_TMP/shell-cmdlines" "zookeeper-shell.sh"
[ "$(readlink "/proc/$zk_pid/cwd")" = "$(cd "$w" && pwd -P)" ] || zk_fail "ZooKeeper does not run in DIR"
tr '\0' '\n' <"/proc/$zk_pid/cmdline" | grep -qx -e './zoo.cfg' -e 'zoo.cfg' || zk_fail "ZooKeeper's PID file names another process"

# The broker got what DESIGN §5 says, and nothing of JMX.
env_file="$w/logs/$broker/standin.env"
grep -qx "KAFKA_OPTS=@$(cd "$w" && pwd -P)/$broker.zk-tls.args" "$env_file" || {
	grep KAFKA_OPTS "$env_file" >&2
	zk_fail "the broker's KAFKA_OPTS is not @DIR/$broker.zk-tls.args"
}
grep -qx "LOG_DIR=$(cd "$w" && pwd -P)/logs/$broker" "$env_file" || zk_fail "the broker's LOG_DIR is not DIR/logs/NAME"
grep -q -e '^JMX_PORT=' -e '^KAFKA_JMX_OPTS=' "$env_file" && zk_fail "JMX_PORT/KAFKA_JMX_OPTS reached the broker"
grep -qE '^LC_ALL=.*(UTF-8|utf8)' "$env_file" || locale charmap 2>/dev/null | grep -q UTF-8 ||
	zk_fail "the broker does not run under a UTF-8 locale"
[ "$(cat "$w/logs/$broker/standin.args")" = "$broker.properties" ] || zk_fail "the broker's arguments are not NAME.properties"
for d in "$ZK_TMP/zkdata" "$ZK_TMP/$broker-logs" "$w/logs/$broker" "$w/run"; do
	[ "$(cat "$d/.zktls-wizard-setup" 2>/dev/null)" = "$(cd "$w" && pwd -P)" ] || zk_fail "$d carries no marker of this setup"
	[ "$(zk_mode "$d")" = 700 ] || zk_fail "$d has mode $(zk_mode "$d"), not 700"
done

# ------------------------------------------------------------ status
# The first probe is lost: status asks again rather than report a running
# ZooKeeper as not answering.
: >"$ZK_TMP/shell-fail-once"
rc=0
cluster status >"$ZK_TMP/status.out" 2>&1 || rc=$?
[ "$rc" -eq 0 ] || { cat "$ZK_TMP/status.out" >&2; zk_fail "cluster.sh status: exit $rc with all running"; }
[ ! -e "$ZK_TMP/shell-fail-once" ] || zk_fail "cluster.sh status did not probe ZooKeeper"
grep -q "ZooKeeper  running (PID $zk_pid)" "$ZK_TMP/status.out" || zk_fail "status does not show ZooKeeper's PID"
grep -q "TLS probe as client: .*lists broker ids: 1" "$ZK_TMP/status.out" || {
	cat "$ZK_TMP/status.out" >&2
	zk_fail "status: no TLS probe listing broker id 1"
}
"$ZKTLS" check "$w" >"$ZK_TMP/check.out" 2>&1 || true
grep -q "in use by this setup's process $zk_pid" "$ZK_TMP/check.out" || {
	cat "$ZK_TMP/check.out" >&2
	zk_fail "check does not recognise the port as this setup's running ZooKeeper"
}

# ------------------------------------------------------------ stop
# A PID file naming a process that is not ours (a sleep of this test) must
# not get it killed.
sleep 300 &
decoy=$!
zk_remember "$decoy"
cp "$w/run/$broker.pid" "$ZK_TMP/broker.pid"
rc=0
cluster stop >"$ZK_TMP/stop.out" 2>&1 || rc=$?
[ "$rc" -eq 0 ] || { cat "$ZK_TMP/stop.out" >&2; zk_fail "cluster.sh stop: exit $rc"; }
zk_alive "$b_pid" && zk_fail "the broker still runs after stop"
zk_alive "$zk_pid" && zk_fail "ZooKeeper still runs after stop"
# Brokers first, then ZooKeeper.
grep -n Stopping "$ZK_TMP/stop.out" | head -n 1 | grep -q "Stopping $broker" || zk_fail "stop did not stop the broker first"
printf '%s' "$decoy" >"$w/run/$broker.pid"
cluster stop >"$ZK_TMP/stop2.out" 2>&1 || zk_fail "cluster.sh stop with a foreign PID file failed"
zk_alive "$decoy" || zk_fail "cluster.sh stop killed a process that was not its own"
grep -q 'stale PID file removed' "$ZK_TMP/stop2.out" || zk_fail "stop did not drop the PID file of a process not its own"
kill "$decoy"
wait "$decoy" 2>/dev/null || true

rc=0
cluster status >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 3 ] || zk_fail "status after stop: exit $rc, expected 3"

# ------------------------------------------------------------ cleanup
# A data directory whose marker names another setup is kept.
printf '%s\n' /some/other/setup >"$ZK_TMP/$broker-logs/.zktls-wizard-setup"
cluster cleanup >"$ZK_TMP/cleanup.out" 2>&1 || { cat "$ZK_TMP/cleanup.out" >&2; zk_fail "cluster.sh cleanup failed"; }
[ ! -e "$ZK_TMP/zkdata" ] || zk_fail "cleanup kept the marked ZooKeeper data directory"
[ ! -e "$w/logs/$broker" ] || zk_fail "cleanup kept the marked log directory"
[ -d "$ZK_TMP/$broker-logs" ] || zk_fail "cleanup removed a directory marked as another setup's"
grep -q "Kept $ZK_TMP/$broker-logs" "$ZK_TMP/cleanup.out" || zk_fail "cleanup does not say what it kept"
for f in truststore.jks zookeeper.jks "$broker.jks" zoo.cfg ca-key; do
	[ -f "$w/$f" ] || zk_fail "cleanup removed $f"
done

exit 0
