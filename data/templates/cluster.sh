#!/usr/bin/env bash
# cluster.sh: start, stop and inspect the ZooKeeper and Kafka brokers that
# zktls-wizard set up in this directory (Kafka {{kafka.version|raw}}, ZooKeeper {{zookeeper.version|raw}}).
#
# Usage: ./cluster.sh start|stop|restart|status|cleanup
#   start    ZooKeeper, then every broker; waits until the ZooKeeper CLI,
#            over TLS, lists every broker id under /brokers/ids
#   stop     the brokers, then ZooKeeper (only processes started from here)
#   status   what runs, then a probe with the ZooKeeper CLI over TLS
#   cleanup  stop, then delete the data and log directories this setup made
#            (certificates, keystores and configuration files are kept)
#
# Exit status: 0 success; 1 failure; 2 usage error; 3 (status) nothing runs.
# ZKTLS_START_TIMEOUT and ZKTLS_STOP_TIMEOUT (seconds, default 120 and 60)
# bound the waits.
#
# No password appears on a command line: the brokers and the ZooKeeper CLI
# read theirs from the argument files NAME.zk-tls.args (KAFKA_OPTS=@file).
#
# Written by zktls-wizard from zktls-wizard.conf: change the answers and run
# the wizard again rather than editing this file.

set -eu
umask 077

cd -P -- "$(dirname -- "$0")" || exit 1
DIR=$(pwd -P)
readonly DIR
readonly MARKER=.zktls-wizard-setup
readonly RUN_DIR="$DIR/run"
readonly ZK_PIDFILE="$RUN_DIR/zookeeper.pid"
readonly PROBE_LOG_DIR="$DIR/logs/zookeeper-shell"

# ------------------------------------------------------------- the answers

KAFKA_DIR={{kafka.dir|sh}}
ZK_DIR={{zookeeper.dir|sh}}
ZK_HOST={{zookeeper.host|sh}}
ZK_PORT={{zookeeper.secure_port|sh}}
ZK_DATA_DIR={{zookeeper.data_dir|sh}}
ZK_KEYSTORE={{keystore.{zookeeper.host}|sh}}
JAVA_HOME_ANSWER={{java.home|sh}}
TRUSTSTORE={{truststore|sh}}

BROKERS=() BROKER_IDS=() BROKER_LOG_DIRS=() BROKER_PORTS=() BROKER_KEYSTORES=()
add_broker() { # NAME ID LOG_DIR SSL_PORT SASL_SSL_PORT KEYSTORE
	BROKERS+=("$1")
	BROKER_IDS+=("$2")
	BROKER_LOG_DIRS+=("$3")
	BROKER_PORTS+=("$4 $5")
	BROKER_KEYSTORES+=("$6")
}
{{#each brokers as b}}
add_broker {{b|sh}} {{broker.{b}.id|sh}} {{broker.{b}.log_dir|sh}} {{broker.{b}.ssl_port|sh}} {{broker.{b}.sasl_ssl_port|sh}} {{keystore.{b}|sh}}
{{/each}}

CLIENTS=() CLIENT_KEYSTORES=()
add_client() { # NAME KEYSTORE
	CLIENTS+=("$1")
	CLIENT_KEYSTORES+=("$2")
}
{{#each clients as c}}
add_client {{c|sh}} {{keystore.{c}|sh}}
{{/each}}

# The TLS probe connects as the first client (as the first broker if there is
# no client): ZooKeeper {{zookeeper.version|raw}} wants a certificate from every client.
if [ "${#CLIENTS[@]}" -gt 0 ]; then
	PROBE_NODE=${CLIENTS[0]}
else
	PROBE_NODE=${BROKERS[0]}
fi

# ----------------------------------------------------------------- helpers

PROG=cluster.sh
MY_UID=$(id -u)
START_TIMEOUT=${ZKTLS_START_TIMEOUT:-120}
STOP_TIMEOUT=${ZKTLS_STOP_TIMEOUT:-60}

say() { printf '%s\n' "$*"; }
warn() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() {
	warn "$*"
	exit 1
}

usage() {
	say "Usage: $0 start|stop|restart|status|cleanup" >&2
	exit 2
}

is_number() {
	case $1 in
	'' | *[!0-9]*) return 1 ;;
	esac
}

is_number "$START_TIMEOUT" || die "ZKTLS_START_TIMEOUT must be a number of seconds"
is_number "$STOP_TIMEOUT" || die "ZKTLS_STOP_TIMEOUT must be a number of seconds"

# Kafka's scripts would open a JMX port from these (and two brokers would
# fight over it); the ZooKeeper script reads JMXPORT.
unset JMX_PORT KAFKA_JMX_OPTS JMXPORT

with_timeout() { # SECONDS COMMAND...
	if command -v timeout >/dev/null 2>&1; then
		timeout "$@"
	else
		shift
		"$@"
	fi
}

# The newest ZooKeeper log (zkServer.sh names it after user and host; the
# wizard's java.env puts it into this directory).
zk_log() {
	local f newest=""
	for f in "$DIR"/zookeeper-*.out; do
		if [ -f "$f" ] && { [ -z "$newest" ] || [ "$f" -nt "$newest" ]; }; then
			newest=$f
		fi
	done
	say "${newest:-$DIR/zookeeper-*.out}"
}

broker_out() { say "$DIR/logs/$1/kafkaServer.out"; }

# Explains known failures found in the given log files.
explain_logs() {
	if grep -qs 'NoAuth for /brokers' "$@"; then
		say "  ZooKeeper refused a broker with \"NoAuth for /brokers/ids\": its data"
		say "  directory $ZK_DATA_DIR holds znodes with ACLs from an earlier setup"
		say "  (other certificates). Remove that data and start afresh:"
		say "    ./cluster.sh cleanup && ./cluster.sh start"
	fi
	if grep -qsE 'Failed to create (Key|Trust)Manager' "$@"; then
		say "  ZooKeeper could not open its keystore or truststore (wrong password or"
		say "  store type?); 'zktls-wizard check $DIR' examines them."
	fi
	if grep -qs 'Address already in use' "$@"; then
		say "  A port is taken by another program (an earlier ZooKeeper or broker?)."
	fi
	if grep -qsE 'InconsistentClusterIdException|match stored clusterId' "$@"; then
		say "  A broker log directory holds data of another cluster:"
		say "    ./cluster.sh cleanup && ./cluster.sh start"
	fi
	return 0
}

# ---------------------------------------------------------------- checks

check_files() {
	local f i absent=()
	for f in zoo.cfg java.env "$TRUSTSTORE" "$ZK_KEYSTORE" "$PROBE_NODE.zk-tls.args" \
		"$ZK_DIR/bin/zkServer.sh" "$KAFKA_DIR/bin/kafka-server-start.sh" \
		"$KAFKA_DIR/bin/zookeeper-shell.sh"; do
		[ -e "$f" ] || absent+=("$f")
	done
	for i in "${!BROKERS[@]}"; do
		for f in "${BROKERS[i]}.properties" "${BROKERS[i]}.zk-tls.args" "${BROKER_KEYSTORES[i]}"; do
			[ -e "$f" ] || absent+=("$f")
		done
	done
	for i in "${!CLIENTS[@]}"; do
		[ -e "${CLIENT_KEYSTORES[i]}" ] || absent+=("${CLIENT_KEYSTORES[i]}")
	done
	if [ "${#absent[@]}" -gt 0 ]; then
		die "missing in $DIR: ${absent[*]} (run zktls-wizard on this directory first)"
	fi
}

# Sets JAVA_HOME for Kafka's and ZooKeeper's scripts and checks the version:
# argument files (@file) need Java 9 or later.
check_java() {
	local java version
	if [ -n "$JAVA_HOME_ANSWER" ]; then
		export JAVA_HOME="$JAVA_HOME_ANSWER"
		java="$JAVA_HOME/bin/java"
		[ -x "$java" ] || die "no Java at $java (java.home in zktls-wizard.conf)"
	else
		# The answers say: the java on PATH. A JAVA_HOME from the
		# environment would make the scripts pick another one.
		unset JAVA_HOME
		java=$(command -v java) || die "no java on PATH: install a JDK (11 suits Kafka {{kafka.version|raw}}) or set java.home in the wizard"
	fi
	version=$("$java" -version 2>&1 | sed -E -n 's/.* version "([0-9]+).*/\1/p' | head -n 1)
	is_number "$version" || die "$java: cannot tell its version"
	if [ "$version" -lt 9 ]; then
		die "$java is Java $version; the brokers need Java 9 or later (11 suits Kafka {{kafka.version|raw}}) to read their passwords from argument files"
	fi
}

# Java decodes argument files in the locale's charset: run it under UTF-8.
check_locale() {
	local l
	case $(locale charmap 2>/dev/null || true) in
	UTF-8 | utf8) return 0 ;;
	esac
	for l in C.UTF-8 C.utf8 en_US.UTF-8; do
		if [ "$(LC_ALL=$l locale charmap 2>/dev/null || true)" = UTF-8 ]; then
			export LC_ALL=$l
			return 0
		fi
	done
	warn "no UTF-8 locale found: passwords with non-ASCII characters would reach Java garbled"
}

check_hosts() {
	local h unresolved=()
	command -v getent >/dev/null 2>&1 || return 0
	for h in "$ZK_HOST" "${BROKERS[@]}"; do
		case " ${unresolved[*]-} " in *" $h "*) continue ;; esac
		getent hosts "$h" >/dev/null 2>&1 || unresolved+=("$h")
	done
	if [ "${#unresolved[@]}" -gt 0 ]; then
		warn "these host names do not resolve: ${unresolved[*]}"
		say "For a cluster on this machine, add this line to /etc/hosts (as root):" >&2
		say "127.0.0.1 ${unresolved[*]}" >&2
		exit 1
	fi
}

port_in_use() { # HOST PORT
	# shellcheck disable=SC2016 # expanded by the inner bash
	with_timeout 3 bash -c ': >"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
}

# ------------------------------------------------------------ directories

# Symbolic links on the way to a directory are fine when they belong to us
# or to root; another user could point theirs anywhere.
check_ancestors() { # PATH
	local p=$1 up owner
	while :; do
		up=$(dirname -- "$p")
		[ "$up" != "$p" ] || return 0
		p=$up
		case $p in / | . | //) return 0 ;; esac
		if [ -L "$p" ]; then
			owner=$(stat -c %u -- "$p")
			if [ "$owner" != "$MY_UID" ] && [ "$owner" != 0 ]; then
				die "$1: $p is a symbolic link of another user; refusing to use it"
			fi
		fi
	done
}

# make_dir PATH WHAT: creates PATH with mode 0700, or takes it when it is an
# empty directory of ours, never through a symbolic link and never another
# user's; then leaves the marker that names this setup in it.
make_dir() {
	local d=$1 what=$2 info owner_setup
	check_ancestors "$d"
	if [ ! -e "$d" ] && [ ! -L "$d" ]; then
		mkdir -p -- "$(dirname -- "$d")" || die "cannot create $what $d"
		mkdir -- "$d" 2>/dev/null || true # on a lost race, examined below
	fi
	info=$(stat -c '%F:%u' -- "$d" 2>/dev/null) || die "cannot create $what $d"
	case $info in
	"directory:$MY_UID") ;;
	directory:*) die "$what $d belongs to another user; choose another directory in the wizard" ;;
	"symbolic link:"*) die "$what $d is a symbolic link; refusing to follow it" ;;
	*) die "$what $d exists and is not a directory" ;;
	esac
	if [ -f "$d/$MARKER" ] && [ ! -L "$d/$MARKER" ]; then
		owner_setup=$(cat -- "$d/$MARKER")
		if [ "$owner_setup" != "$DIR" ]; then
			die "$what $d belongs to the setup in $owner_setup: run its cluster.sh cleanup, or choose another directory in the wizard"
		fi
	elif [ -e "$d/$MARKER" ] || [ -L "$d/$MARKER" ]; then
		die "$d/$MARKER is not a regular file; refusing to use $d"
	elif [ -n "$(ls -A -- "$d")" ]; then
		die "$what $d holds files this setup did not make (an earlier setup's?). Remove it if you need none of them (rm -r $d), or choose another directory in the wizard"
	else
		say "$DIR" >"$d/$MARKER"
	fi
	chmod 700 -- "$d"
}

# Removes PATH only when it is our directory carrying this setup's marker.
remove_marked() { # PATH
	local d=$1 real
	[ -e "$d" ] || [ -L "$d" ] || return 0
	if [ "$(stat -c '%F:%u' -- "$d" 2>/dev/null || true)" != "directory:$MY_UID" ] ||
		[ ! -f "$d/$MARKER" ] || [ -L "$d/$MARKER" ] ||
		[ "$(cat -- "$d/$MARKER" 2>/dev/null || true)" != "$DIR" ]; then
		say "Kept $d (it does not carry this setup's marker)"
		return 0
	fi
	real=$(cd -P -- "$d" && pwd -P) || return 0
	case "$DIR/" in
	"$real/"*)
		say "Kept $d (it holds this setup's own directory)"
		return 0
		;;
	esac
	rm -rf -- "$d"
	say "Removed $d"
}

# --------------------------------------------------------------- processes

read_pid() { # PIDFILE
	local pid
	[ -f "$1" ] || return 1
	pid=$(cat -- "$1" 2>/dev/null) || return 1
	is_number "$pid" || return 1
	say "$pid"
}

# is_ours PID CONFIG: PID runs in this directory with its CONFIG (zoo.cfg or
# NAME.properties) among its arguments. A PID alone may be reused by now.
is_ours() {
	local pid=$1 cfg=$2 cwd arg
	cwd=$(readlink -- "/proc/$pid/cwd" 2>/dev/null) || return 1
	[ "$cwd" = "$DIR" ] || return 1
	while IFS= read -r -d '' arg; do
		case $arg in
		"$cfg" | "./$cfg" | "$DIR/$cfg") return 0 ;;
		esac
	done 2>/dev/null <"/proc/$pid/cmdline"
	return 1
}

# running PIDFILE CONFIG: prints the PID when that process runs and is ours.
running() {
	local pid
	pid=$(read_pid "$1") || return 1
	is_ours "$pid" "$2" || return 1
	say "$pid"
}

wait_gone() { # PID CONFIG SECONDS
	local deadline=$((SECONDS + $3))
	while is_ours "$1" "$2"; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.5
	done
}

# zk_ls ZNODE: asks ZooKeeper over TLS, with Kafka's ZooKeeper CLI and the
# argument file of PROBE_NODE, for the children of ZNODE; prints them
# separated by blanks (nothing for a missing znode). Fails without an answer.
# PROBE_LOG_DIR must exist (make_dir) first.
zk_ls() {
	local out line
	out=$(KAFKA_OPTS="@$DIR/$PROBE_NODE.zk-tls.args" LOG_DIR="$PROBE_LOG_DIR" \
		with_timeout 30 "$KAFKA_DIR/bin/zookeeper-shell.sh" "$ZK_HOST:$ZK_PORT" ls "$1" \
		</dev/null 2>&1) || true
	case $out in
	*"Node does not exist"*) return 0 ;;
	esac
	line=$(say "$out" | grep -E '^\[[A-Za-z0-9_., -]*\]$' | tail -n 1)
	[ -n "$line" ] || return 1
	line=${line#\[}
	line=${line%\]}
	say "${line//,/}"
}

# Names the brokers whose id is not among the given ids.
unregistered() { # IDS
	local i missing=""
	for i in "${!BROKERS[@]}"; do
		case " $1 " in
		*" ${BROKER_IDS[i]} "*) ;;
		*) missing="$missing ${BROKERS[i]}" ;;
		esac
	done
	say "${missing# }"
}

say_logs() {
	local i
	say "Logs: ZooKeeper $(zk_log)" >&2
	for i in "${!BROKERS[@]}"; do
		say "      ${BROKERS[i]} $(broker_out "${BROKERS[i]}") and server.log next to it" >&2
	done
}

# ---------------------------------------------------------------- commands

start_zookeeper() {
	local pid out
	if pid=$(running "$ZK_PIDFILE" zoo.cfg); then
		say "ZooKeeper is already running (PID $pid)"
		return 0
	fi
	rm -f -- "$ZK_PIDFILE"
	if port_in_use "$ZK_HOST" "$ZK_PORT"; then
		die "port $ZK_PORT on $ZK_HOST is taken by another program (another ZooKeeper?)"
	fi
	say "Starting ZooKeeper on $ZK_HOST:$ZK_PORT (TLS only)"
	# The article's way: zkServer.sh reads java.env and zoo.cfg from the
	# configuration directory, and relative keystore paths resolve here.
	if ! out=$(ZOOPIDFILE="$ZK_PIDFILE" ZOOCFGDIR=. "$ZK_DIR/bin/zkServer.sh" --config . start 2>&1); then
		say "$out" >&2
		explain_logs "$(zk_log)" >&2
		die "ZooKeeper did not start; its log: $(zk_log)"
	fi
}

start_broker() { # INDEX
	local name=${BROKERS[$1]} pid port pidfile
	pidfile="$RUN_DIR/$name.pid"
	if pid=$(running "$pidfile" "$name.properties"); then
		say "$name is already running (PID $pid)"
		return 0
	fi
	rm -f -- "$pidfile"
	for port in ${BROKER_PORTS[$1]}; do
		if port_in_use "$name" "$port"; then
			die "port $port on $name is taken by another program (an earlier broker?)"
		fi
	done
	say "Starting $name (broker.id ${BROKER_IDS[$1]})"
	(
		export KAFKA_OPTS="@$DIR/$name.zk-tls.args"
		export LOG_DIR="$DIR/logs/$name"
		# In the foreground (no -daemon): the scripts exec Java, so
		# this PID is the broker's.
		exec nohup "$KAFKA_DIR/bin/kafka-server-start.sh" "$name.properties" \
			</dev/null >"$(broker_out "$name")" 2>&1
	) &
	say "$!" >"$pidfile"
}

# Waits until no broker that is not running still has its id registered.
wait_stale_ids() { # DEADLINE
	local i ids stale told=""
	while :; do
		ids=$(zk_ls /brokers/ids) || ids=""
		stale=""
		for i in "${!BROKERS[@]}"; do
			case " $ids " in
			*" ${BROKER_IDS[i]} "*)
				if ! running "$RUN_DIR/${BROKERS[i]}.pid" "${BROKERS[i]}.properties" >/dev/null; then
					stale="$stale ${BROKERS[i]}"
				fi
				;;
			esac
		done
		[ -n "$stale" ] || return 0
		if [ -z "$told" ]; then
			say "Waiting for ZooKeeper to expire the old registration of$stale (stopped without a clean shutdown)"
			told=1
		fi
		if [ "$SECONDS" -ge "$1" ]; then
			die "ZooKeeper still lists the id of$stale after $START_TIMEOUT s, though it does not run from $DIR (another cluster with the same broker ids on this ZooKeeper?)"
		fi
		sleep 2
	done
}

cmd_start() {
	local i deadline ids missing dead
	check_files
	check_java
	check_locale
	check_hosts
	make_dir "$RUN_DIR" "directory"
	make_dir "$PROBE_LOG_DIR" "log directory"
	make_dir "$ZK_DATA_DIR" "ZooKeeper data directory"
	for i in "${!BROKERS[@]}"; do
		make_dir "${BROKER_LOG_DIRS[i]}" "log directory of ${BROKERS[i]}"
		make_dir "$DIR/logs/${BROKERS[i]}" "log directory"
	done
	deadline=$((SECONDS + START_TIMEOUT))

	start_zookeeper
	say "Waiting for ZooKeeper to answer over TLS"
	until zk_ls / >/dev/null; do
		if ! running "$ZK_PIDFILE" zoo.cfg >/dev/null; then
			explain_logs "$(zk_log)" >&2
			die "ZooKeeper stopped; its log: $(zk_log)"
		fi
		if [ "$SECONDS" -ge "$deadline" ]; then
			explain_logs "$(zk_log)" >&2
			die "ZooKeeper did not answer over TLS within $START_TIMEOUT s; its log: $(zk_log). Stop it with ./cluster.sh stop"
		fi
		sleep 2
	done

	# A broker killed without a clean stop leaves its id registered until
	# ZooKeeper expires its session; that registration would fool the wait.
	wait_stale_ids "$deadline"

	for i in "${!BROKERS[@]}"; do
		start_broker "$i"
	done
	say "Waiting until ZooKeeper, over TLS, lists every broker id under /brokers/ids"
	while :; do
		ids=$(zk_ls /brokers/ids) || ids=""
		missing=$(unregistered "$ids")
		dead=""
		for i in "${!BROKERS[@]}"; do
			if ! running "$RUN_DIR/${BROKERS[i]}.pid" "${BROKERS[i]}.properties" >/dev/null; then
				dead="$dead ${BROKERS[i]}"
				explain_logs "$(broker_out "${BROKERS[i]}")" "$DIR/logs/${BROKERS[i]}/server.log" >&2
			fi
		done
		if [ -n "$dead" ]; then
			say_logs
			die "did not start:$dead. What still runs stops with ./cluster.sh stop"
		fi
		[ -n "$missing" ] || break
		if [ "$SECONDS" -ge "$deadline" ]; then
			for i in "${!BROKERS[@]}"; do
				explain_logs "$(broker_out "${BROKERS[i]}")" >&2
			done
			say_logs
			die "not registered after $START_TIMEOUT s: $missing. It all keeps running; ./cluster.sh stop stops it"
		fi
		sleep 2
	done
	say "Running: ZooKeeper on $ZK_HOST:$ZK_PORT (TLS), brokers ${BROKERS[*]} (ids $ids)"
	say "Logs: ZooKeeper $(zk_log), brokers $DIR/logs/NAME/"
}

cmd_stop() {
	local i name pid pids=() cfgs=() names=() stopped=0
	for i in "${!BROKERS[@]}"; do
		name=${BROKERS[i]}
		if pid=$(running "$RUN_DIR/$name.pid" "$name.properties"); then
			say "Stopping $name (PID $pid)"
			kill -TERM "$pid" 2>/dev/null || true
			pids+=("$pid")
			cfgs+=("$name.properties")
			names+=("$name")
		elif [ -f "$RUN_DIR/$name.pid" ]; then
			rm -f -- "$RUN_DIR/$name.pid"
			say "$name was not running (stale PID file removed)"
		fi
	done
	for i in "${!pids[@]}"; do
		if ! wait_gone "${pids[i]}" "${cfgs[i]}" "$STOP_TIMEOUT"; then
			die "${names[i]} still runs after $STOP_TIMEOUT s (PID ${pids[i]}); ZooKeeper left running. Try again, or: kill -KILL ${pids[i]}"
		fi
		rm -f -- "$RUN_DIR/${names[i]}.pid"
		stopped=$((stopped + 1))
	done
	if pid=$(running "$ZK_PIDFILE" zoo.cfg); then
		say "Stopping ZooKeeper (PID $pid)"
		kill -TERM "$pid" 2>/dev/null || true
		if ! wait_gone "$pid" zoo.cfg "$STOP_TIMEOUT"; then
			die "ZooKeeper still runs after $STOP_TIMEOUT s (PID $pid). Try again, or: kill -KILL $pid"
		fi
		rm -f -- "$ZK_PIDFILE"
		stopped=$((stopped + 1))
	elif [ -f "$ZK_PIDFILE" ]; then
		rm -f -- "$ZK_PIDFILE"
		say "ZooKeeper was not running (stale PID file removed)"
	fi
	if [ "$stopped" -eq 0 ]; then
		say "Nothing from $DIR was running"
	fi
	return 0
}

cmd_status() {
	local i name pid ids missing tries up=0 down=0
	if pid=$(running "$ZK_PIDFILE" zoo.cfg); then
		say "ZooKeeper  running (PID $pid)"
		up=$((up + 1))
	else
		say "ZooKeeper  not running"
		down=$((down + 1))
	fi
	for i in "${!BROKERS[@]}"; do
		name=${BROKERS[i]}
		if pid=$(running "$RUN_DIR/$name.pid" "$name.properties"); then
			say "$name  running (PID $pid)"
			up=$((up + 1))
		else
			say "$name  not running"
			down=$((down + 1))
			# A PID file left behind: it died rather than was stopped.
			if [ -f "$RUN_DIR/$name.pid" ]; then
				say "  it stopped on its own; its log: $(broker_out "$name")"
				explain_logs "$(broker_out "$name")"
			fi
		fi
	done
	[ "$up" -gt 0 ] || exit 3
	if ! running "$ZK_PIDFILE" zoo.cfg >/dev/null; then
		exit 1
	fi
	check_java
	check_locale
	make_dir "$PROBE_LOG_DIR" "log directory"
	# One probe is not enough to say ZooKeeper does not answer: on a busy
	# machine a fresh JVM's TLS handshake can outlast the server's handshake
	# timeout, and the CLI then reports a lost connection. Ask up to three
	# times while it runs.
	tries=1
	until ids=$(zk_ls /brokers/ids); do
		if [ "$tries" -ge 3 ] || ! running "$ZK_PIDFILE" zoo.cfg >/dev/null; then
			say "TLS probe as $PROBE_NODE: no answer from ZooKeeper at $ZK_HOST:$ZK_PORT ($tries tries); its log: $(zk_log)"
			exit 1
		fi
		tries=$((tries + 1))
		sleep 2
	done
	say "TLS probe as $PROBE_NODE: ZooKeeper at $ZK_HOST:$ZK_PORT lists broker ids: ${ids:-none}"
	missing=$(unregistered "$ids")
	if [ -n "$missing" ]; then
		say "Not registered: $missing"
		exit 1
	fi
	[ "$down" -eq 0 ] || exit 1
	exit 0
}

cmd_cleanup() {
	local i
	cmd_stop
	remove_marked "$ZK_DATA_DIR"
	for i in "${!BROKERS[@]}"; do
		remove_marked "${BROKER_LOG_DIRS[i]}"
		remove_marked "$DIR/logs/${BROKERS[i]}"
	done
	remove_marked "$PROBE_LOG_DIR"
	remove_marked "$RUN_DIR"
	rmdir -- "$DIR/logs" 2>/dev/null || true
	say "Certificates, keystores and configuration files are kept; ./cluster.sh start begins afresh."
}

[ "$#" -eq 1 ] || usage
case $1 in
start) cmd_start ;;
stop) cmd_stop ;;
restart)
	cmd_stop
	cmd_start
	;;
status) cmd_status ;;
cleanup) cmd_cleanup ;;
-h | --help | help)
	say "Usage: $0 start|stop|restart|status|cleanup"
	;;
*) usage ;;
esac
