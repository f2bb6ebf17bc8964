# Debian's ZooKeeper for the end-to-end tests; sourced after common.sh.
#
# reference/debian-zookeeper.md: the package's classpath lacks netty-codec
# and netty-resolver (TLS clients are dropped without them) and an SLF4J
# binding (no log without it); Debian's scripts never read java.env, so the
# server is started as the real zkServer.sh would start it: java.env's
# SERVER_JVMFLAGS, then QuorumPeerMain with zoo.cfg, in the working
# directory (relative keystore paths resolve there).  java.env is parsed,
# never sourced.
#
# Every process started here is remembered by PID and stopped by that PID
# when the test exits, whether it passed or failed.

ZK_JAVA_DIR=${ZK_JAVA_DIR:-/usr/share/java}
ZK_CP=
ZK_PIDS=

zk_need_zookeeper() {
	local j
	zk_need java
	for j in zookeeper.jar zookeeper-jute.jar netty-codec.jar netty-resolver.jar slf4j-simple.jar; do
		[ -f "$ZK_JAVA_DIR/$j" ] || zk_skip "$ZK_JAVA_DIR/$j is missing (apt-get install zookeeper libslf4j-java)"
	done
	ZK_CP="$ZK_JAVA_DIR/zookeeper.jar:$ZK_JAVA_DIR/netty-codec.jar:$ZK_JAVA_DIR/netty-resolver.jar:$ZK_JAVA_DIR/slf4j-simple.jar"
	# Replaces zk_tmpdir's trap: stop what we started, then remove the files.
	trap 'zk_stop_all; rm -rf "$ZK_TMP"' EXIT
	trap 'exit 1' INT TERM HUP
}

# zk_remember PID: stopped at exit.  Also in a file, for PIDs remembered
# in a subshell (a client run in the background).
zk_remember() {
	ZK_PIDS="$ZK_PIDS $1"
	printf '%s\n' "$1" >>"$ZK_TMP/.zk-pids"
}

# zk_alive PID: runs.  A zombie does not: where init does not reap (some
# containers), a stopped process stays one, and kill -0 still succeeds.
zk_alive() {
	local state
	state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null) || return 1
	[ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

# zk_stop PID: TERM, then KILL after a bounded wait; only that PID.
zk_stop() {
	local pid=$1 i=0
	zk_alive "$pid" || { wait "$pid" 2>/dev/null || true; return 0; }
	kill -TERM "$pid" 2>/dev/null || return 0
	while zk_alive "$pid"; do
		i=$((i + 1))
		if [ "$i" -ge 100 ]; then
			kill -KILL "$pid" 2>/dev/null || true
			break
		fi
		sleep 0.1
	done
	wait "$pid" 2>/dev/null || true
}

# Only PIDs that are this shell's children or whose command line is one of
# ours (java with the ZooKeeper classpath) are signalled.
zk_stop_all() {
	local pid
	for pid in $ZK_PIDS $(cat "$ZK_TMP/.zk-pids" 2>/dev/null); do
		if tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF -- "$ZK_CP" ||
			[ "$(ps -o ppid= -p "$pid" 2>/dev/null | tr -d ' ')" = "$$" ]; then
			zk_stop "$pid"
		fi
	done
	ZK_PIDS=
}

# zk_jvmflags DIR: SERVER_JVMFLAGS from DIR/java.env, read, never run.
zk_jvmflags() {
	sed -n -e 's/^\(export \)\{0,1\}SERVER_JVMFLAGS="\(.*\)"[[:space:]]*$/\2/p' \
		-e "s/^\(export \)\{0,1\}SERVER_JVMFLAGS='\(.*\)'[[:space:]]*\$/\2/p" "$1/java.env"
}

# zk_redirect SRC DST PORT: DST is a copy of the working directory SRC whose
# zoo.cfg differs only in the data directory (DST-data), the port, and the
# port's address (127.0.0.1).  Fails if the generated zoo.cfg would turn on
# the AdminServer.
zk_redirect() {
	local src=$1 dst=$2 port=$3
	cp -a "$src" "$dst"
	grep -q '^admin.enableServer=false$' "$dst/zoo.cfg" || zk_fail "$src/zoo.cfg leaves the AdminServer on"
	sed -i -e "s|^dataDir=.*|dataDir=$dst-data|" \
		-e "s|^secureClientPort=.*|secureClientPort=$port\nsecureClientPortAddress=127.0.0.1|" "$dst/zoo.cfg"
	diff "$src/zoo.cfg" "$dst/zoo.cfg" | grep '^[<>]' | grep -v -e '^[<>] dataDir=' \
		-e '^[<>] secureClientPort=' -e '^> secureClientPortAddress=127.0.0.1$' &&
		zk_fail "zk_redirect changed more than the data directory and the port"
	return 0
}

# zk_wait_port PORT PID SECONDS: until something accepts on 127.0.0.1:PORT.
zk_wait_port() {
	local port=$1 pid=$2 deadline=$((SECONDS + $3))
	until python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' "$port" 2>/dev/null; do
		kill -0 "$pid" 2>/dev/null || return 1
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.2
	done
}

# zk_server_start DIR PORT: QuorumPeerMain in DIR with DIR/zoo.cfg and
# java.env's flags; sets ZK_SERVER_PID; log in DIR/zookeeper.log.
zk_server_start() {
	local dir=$1 port=$2 flags
	flags=$(zk_jvmflags "$dir")
	[ -n "$flags" ] || zk_fail "no SERVER_JVMFLAGS in $dir/java.env"
	# shellcheck disable=SC2086 # the flags are words, as zkServer.sh splits them
	(cd "$dir" && exec java $flags -cp "$ZK_CP" org.apache.zookeeper.server.quorum.QuorumPeerMain zoo.cfg \
		</dev/null >zookeeper.log 2>&1) &
	ZK_SERVER_PID=$!
	zk_remember "$ZK_SERVER_PID"
	if ! zk_wait_port "$port" "$ZK_SERVER_PID" 120; then
		tail -n 30 "$dir/zookeeper.log" >&2
		zk_fail "ZooKeeper did not open 127.0.0.1:$port"
	fi
}

# zk_no_secret PID SECRET...: /proc/PID/cmdline holds none of the secrets.
zk_no_secret() {
	local pid=$1 s
	shift
	[ -r "/proc/$pid/cmdline" ] || zk_fail "process $pid is gone before its command line was read"
	for s in "$@"; do
		if tr '\0' '\n' <"/proc/$pid/cmdline" | grep -qF -- "$s"; then
			zk_fail "a password is on the command line of process $pid"
		fi
	done
}

# zk_cli DIR ARGFILE SERVER OUT SECONDS SECRET... <COMMANDS: ZooKeeper's own
# CLI in DIR with its TLS options from ARGFILE (java @ARGFILE), the commands
# on stdin.  While it runs, its command line is checked for the secrets;
# it is stopped after SECONDS.  Returns 0 when it ended by itself.
zk_cli() {
	local dir=$1 args=$2 server=$3 out=$4 secs=$5 fifo pid deadline cmds
	shift 5
	cmds=$(cat)
	fifo=$(mktemp -u "$ZK_TMP/cli.XXXXXX")
	mkfifo "$fifo"
	(cd "$dir" && exec java ${args:+"@$args"} -cp "$ZK_CP" org.apache.zookeeper.ZooKeeperMain \
		-server "$server" <"$fifo" >"$out" 2>&1) &
	pid=$!
	zk_remember "$pid"
	exec 9>"$fifo"
	# The JVM has replaced the subshell once its command line names the main
	# class (a generous deadline: a loaded machine forks slowly).
	deadline=$((SECONDS + 60))
	until tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q ZooKeeperMain; do
		[ "$SECONDS" -lt "$deadline" ] || break
		sleep 0.05
	done
	[ "$#" -eq 0 ] || zk_no_secret "$pid" "$@"
	printf '%s\n' "$cmds" >&9
	exec 9>&-
	rm -f "$fifo"
	deadline=$((SECONDS + secs))
	while kill -0 "$pid" 2>/dev/null; do
		if [ "$SECONDS" -ge "$deadline" ]; then
			zk_stop "$pid"
			return 1
		fi
		sleep 0.1
	done
	wait "$pid" 2>/dev/null || true
	return 0
}
