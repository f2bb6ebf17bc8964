#!/bin/sh
# Benchmarks of the download and jars steps (issue 4):
#   1. a 100 MB download from a loopback server: zktls-wizard vs curl -o
#      (target: at least 0.9x curl's throughput);
#   2. unpack + swap of Kafka-sized archives vs tar xzf of the same archives
#      (target: at least 0.8x tar's speed);
#   3. peak RSS of both steps (target: below 32 MiB), from /usr/bin/time -v.
# Needs hyperfine, curl, python3, GNU time.  Run from the build tree:
#   sh bench/release-bench.sh [BUILD_DIR]
set -eu
build=${1:-.}
top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
ZKTLS=$(cd "$build" && pwd)/zktls-wizard
ZKTLS_DATADIR=$top_srcdir/data
export ZKTLS ZKTLS_DATADIR top_srcdir
for tool in hyperfine curl python3 /usr/bin/time; do
  command -v "$tool" > /dev/null || { echo "needs $tool" >&2; exit 1; }
done
. "$top_srcdir/tests/lib/common.sh"
zk_tmpdir
. "$top_srcdir/tests/lib/releases.sh"
T=$ZK_TMP

# Kafka-sized: Kafka 2.3.0's archive is 58 MiB of mostly jars (compressed
# already), about a hundred files.  Here: 100 random jars of 600 kB.
mkdir -p "$T/src/kafka_2.12-2.3.0/libs"
i=0
while [ $i -lt 100 ]; do
  head -c 600000 /dev/urandom > "$T/src/kafka_2.12-2.3.0/libs/lib-$i.jar"
  i=$((i + 1))
done
zk_build_releases 1000
KSUM=$KAFKA_SUM
ZSUM=$ZK_SUM

# 1. Download: a 100 MB archive under the Kafka name.
mkdir -p "$T/big/kafka/2.3.0" "$T/big/zookeeper/zookeeper-3.5.5"
head -c 100000000 /dev/urandom > "$T/big/$KAFKA_PATH"
cp "$T/mirror/$ZK_PATH" "$T/big/$ZK_PATH"
BIGSUM=$(sha512sum "$T/big/$KAFKA_PATH" | cut -d' ' -f1)
zk_serve P --root "$T/big"
url=http://127.0.0.1:$P/$KAFKA_PATH
wiz_dl="$ZKTLS --batch --steps download --mirror http://127.0.0.1:$P --set kafka.sha512=$BIGSUM --set zookeeper.sha512=$ZSUM $T/w-dl"
hyperfine --warmup 1 --runs 10 --export-json "$T/dl.json" \
  --prepare "rm -rf $T/w-dl $T/curl.out" \
  -n "curl -o" "curl -s -o $T/curl.out $url" \
  -n "zktls-wizard download" "$wiz_dl"
rm -rf "$T/w-dl"
/usr/bin/time -v $wiz_dl > /dev/null 2> "$T/time.dl"

# 2. Unpack + swap vs tar xzf of both archives.
mkdir -p "$T/w-jars-src/downloads"
cp "$T/mirror/$KAFKA_PATH" "$T/mirror/$ZK_PATH" "$T/w-jars-src/downloads/"
wiz_jars="$ZKTLS --batch --steps jars --set kafka.sha512=$KSUM --set zookeeper.sha512=$ZSUM $T/w-jars"
hyperfine --warmup 1 --runs 10 --export-json "$T/jars.json" \
  --prepare "rm -rf $T/w-jars $T/w-tar && cp -r $T/w-jars-src $T/w-jars && mkdir $T/w-tar" \
  -n "tar xzf" "tar -C $T/w-tar -xzf $T/mirror/$KAFKA_PATH && tar -C $T/w-tar -xzf $T/mirror/$ZK_PATH" \
  -n "zktls-wizard jars" "$wiz_jars"
rm -rf "$T/w-jars" && cp -r "$T/w-jars-src" "$T/w-jars"
/usr/bin/time -v $wiz_jars > /dev/null 2> "$T/time.jars"

python3 - "$T" "$(stat -c %s "$T/mirror/$KAFKA_PATH")" <<'PY'
import json, re, sys
t, ksize = sys.argv[1], int(sys.argv[2])
def means(name):
    return {r["command"]: r["mean"] for r in json.load(open(f"{t}/{name}.json"))["results"]}
def rss(name):
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(f"{t}/time.{name}").read())
    return int(m.group(1)) / 1024
dl, jars = means("dl"), means("jars")
c, w = dl["curl -o"], dl["zktls-wizard download"]
print(f"download 100 MB: curl -o {c*1000:.0f} ms ({100/c:.0f} MB/s), zktls-wizard {w*1000:.0f} ms "
      f"({100/w:.0f} MB/s): {c/w:.2f}x curl (target >= 0.9), peak RSS {rss('dl'):.1f} MiB")
t_, j = jars["tar xzf"], jars["zktls-wizard jars"]
print(f"unpack+swap ({ksize/1e6:.0f} MB Kafka archive + ZooKeeper): tar xzf {t_*1000:.0f} ms, "
      f"zktls-wizard {j*1000:.0f} ms: {t_/j:.2f}x tar (target >= 0.8), peak RSS {rss('jars'):.1f} MiB "
      f"(target < 32)")
PY
