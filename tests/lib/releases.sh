# Helpers for the download tests: fake Kafka 2.3.0 and ZooKeeper 3.5.5
# releases with the real names and layout, .sha512 files in each project's
# format, and test HTTP(S) servers (tests/lib/httpd.py) on 127.0.0.1.
# Sourced after tests/lib/common.sh and zk_tmpdir.

ZK_SERVER_PIDS=

# Stops the servers this test started (by PID), then removes $ZK_TMP.
# Also the trap of a test that skips before zk_tmpdir: no ZK_TMP then.
zk_release_cleanup() {
  for pid in $ZK_SERVER_PIDS; do
    kill "$pid" 2>/dev/null || true
  done
  [ -z "${ZK_TMP:-}" ] || rm -rf "$ZK_TMP"
}
trap zk_release_cleanup EXIT

# zk_random_file PATH BYTES: incompressible content, like a jar.
zk_random_file() {
  mkdir -p "$(dirname "$1")"
  head -c "$2" /dev/urandom > "$1"
}

# zk_build_releases [KAFKA_JAR_BYTES [KAFKA_VERSION [ZK_VERSION [SHIPPED_ZK]]]]:
# source trees in $ZK_TMP/src, archives under $ZK_TMP/mirror at the Apache
# paths, official-style .sha512 files under $ZK_TMP/official.  Sets
# KAFKA_TGZ, KAFKA_PATH, KAFKA_SUM, ZK_TGZ, ZK_PATH, ZK_SUM, KAFKA_TOP, ZK_TOP.
zk_build_releases() {
  big=${1:-1500000}
  kv=${2:-2.3.0}
  zv=${3:-3.5.5}
  shipped=${4:-3.4.14}
  KAFKA_TOP=kafka_2.12-$kv
  KAFKA_TGZ=$KAFKA_TOP.tgz
  KAFKA_PATH=kafka/$kv/$KAFKA_TGZ
  ZK_TOP=apache-zookeeper-$zv-bin
  ZK_TGZ=$ZK_TOP.tar.gz
  ZK_PATH=zookeeper/zookeeper-$zv/$ZK_TGZ
  s=$ZK_TMP/src
  k=$s/$KAFKA_TOP
  z=$s/$ZK_TOP
  zk_random_file "$k/libs/kafka_2.12-$kv.jar" "$big"
  zk_random_file "$k/libs/zookeeper-$shipped.jar" 90000
  zk_random_file "$k/libs/zkclient-0.11.jar" 7000
  zk_random_file "$k/libs/slf4j-api-1.7.26.jar" 4000
  mkdir -p "$k/bin" "$k/config"
  printf '#!/bin/sh\necho kafka-run-class\n' > "$k/bin/kafka-run-class.sh"
  chmod 755 "$k/bin/kafka-run-class.sh"
  printf 'broker.id=0\n' > "$k/config/server.properties"
  zk_random_file "$z/lib/zookeeper-$zv.jar" 95000
  zk_random_file "$z/lib/zookeeper-jute-$zv.jar" 30000
  zk_random_file "$z/lib/netty-all-4.1.29.Final.jar" 400000
  zk_random_file "$z/lib/commons-cli-1.2.jar" 4100
  zk_random_file "$z/lib/slf4j-api-1.7.25.jar" 4000
  mkdir -p "$z/conf" "$z/bin"
  printf 'zookeeper.root.logger=INFO, CONSOLE\nlog4j.rootLogger=${zookeeper.root.logger}\n' \
    > "$z/conf/log4j.properties"
  printf '#!/bin/sh\necho zkServer\n' > "$z/bin/zkServer.sh"
  chmod 755 "$z/bin/zkServer.sh"
  mkdir -p "$ZK_TMP/mirror/kafka/$kv" "$ZK_TMP/mirror/zookeeper/zookeeper-$zv"
  tar -C "$s" -czf "$ZK_TMP/mirror/$KAFKA_PATH" "$KAFKA_TOP"
  tar -C "$s" -czf "$ZK_TMP/mirror/$ZK_PATH" "$ZK_TOP"
  KAFKA_SUM=$(sha512sum "$ZK_TMP/mirror/$KAFKA_PATH" | cut -d' ' -f1)
  ZK_SUM=$(sha512sum "$ZK_TMP/mirror/$ZK_PATH" | cut -d' ' -f1)
  mkdir -p "$ZK_TMP/official/kafka/$kv" "$ZK_TMP/official/zookeeper/zookeeper-$zv"
  zk_sum_gpg "$KAFKA_TGZ" "$KAFKA_SUM" > "$ZK_TMP/official/$KAFKA_PATH.sha512"
  # ZooKeeper's checksum-maven-plugin: hex, then the file name.
  printf '%s  %s\n' "$ZK_SUM" "$ZK_TGZ" > "$ZK_TMP/official/$ZK_PATH.sha512"
}

# zk_sum_gpg NAME HEX: what Kafka's release script writes (gpg --print-md
# sha512): the name, a colon, upper-case hex in groups of eight, wrapped.
zk_sum_gpg() {
  python3 - "$1" "$2" <<'PY'
import sys
name, hexsum = sys.argv[1], sys.argv[2].upper()
groups = [hexsum[i:i + 8] for i in range(0, len(hexsum), 8)]
prefix = name + ": "
lines, line = [], prefix
for g in groups:
    if len(line) + len(g) > 79 and line.strip():
        lines.append(line.rstrip())
        line = " " * len(prefix)
    line += g + " "
lines.append(line.rstrip())
print("\n".join(lines))
PY
}

# zk_serve VAR [httpd.py options...]: starts a server, sets VAR to its port.
zk_serve() {
  var=$1
  shift
  ZK_SERVER_N=$((${ZK_SERVER_N:-0} + 1))
  n=$ZK_SERVER_N
  portfile=$ZK_TMP/port.$n
  python3 "$top_srcdir/tests/lib/httpd.py" "$@" > "$portfile" 2> "$ZK_TMP/httpd.$n.err" &
  ZK_SERVER_PIDS="$ZK_SERVER_PIDS $!"
  # A generous deadline: python3 starts slowly on a loaded machine.
  deadline=$(( $(date +%s) + 60 ))
  while [ ! -s "$portfile" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || { cat "$ZK_TMP/httpd.$n.err" >&2; zk_fail "test server did not start"; }
    sleep 0.1
  done
  eval "$var=\$(head -n1 \"\$portfile\")"
}

# zk_stop_servers: stops every server started so far.
zk_stop_servers() {
  for pid in $ZK_SERVER_PIDS; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  ZK_SERVER_PIDS=
}

# zk_assert_nothing_outside: nothing but DIR (and our own fixtures) in $ZK_TMP.
zk_assert_nothing_outside() {
  extra=$(ls -A "$ZK_TMP" | grep -v -x -e 'work.*' -e src -e mirror -e official -e archives \
    -e 'port\..*' -e 'httpd\..*' -e 'log.*' -e 'out.*' -e 'err.*' -e 'ca.*' -e 'server.*' \
    -e 'evil.*' || true)
  [ -z "$extra" ] || zk_fail "something was written outside DIR: $extra"
}

# zk_build_bomb OUT TOP COUNT BYTES: a .tar.gz whose top folder TOP holds
# COUNT files of BYTES zeros each (a decompression bomb: 800 MiB of zeros
# make about 0.8 MB), streamed, so nothing of that size is ever on disk here.
zk_build_bomb() {
  python3 - "$@" <<'PY'
import io, sys, tarfile
out, top, count, size = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])

class Zeros(io.RawIOBase):
    def __init__(self, n):
        self.left = n
    def readable(self):
        return True
    def readinto(self, b):
        n = min(len(b), self.left)
        b[:n] = bytes(n)
        self.left -= n
        return n

with tarfile.open(out, "w:gz", compresslevel=9) as tar:
    d = tarfile.TarInfo(top)
    d.type, d.mode = tarfile.DIRTYPE, 0o755
    tar.addfile(d)
    for i in range(count):
        info = tarfile.TarInfo("%s/libs/zeros-%d.jar" % (top, i))
        info.size, info.mode = size, 0o644
        tar.addfile(info, io.BufferedReader(Zeros(size), 1 << 20))
PY
}
