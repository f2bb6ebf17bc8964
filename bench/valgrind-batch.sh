#!/bin/sh
# bench/valgrind-batch.sh [BUILDDIR]: zktls-wizard under valgrind's memcheck,
# on a batch run of every step (download from a server on 127.0.0.1 serving
# releases built here, jars, ca, certs, zookeeper, brokers, clients), a rerun
# that resumes (everything kept), a --renew run, and `check`.  Fails on any
# memcheck error and on any definitely lost block.  .ci/run runs it as the
# unprivileged user on the normal (not sanitizer) build.
set -eu
top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
top_builddir=$(cd "${1:-$top_srcdir}" && pwd)
ZKTLS=$top_builddir/zktls-wizard
ZKTLS_DATADIR=$top_srcdir/data
export top_srcdir top_builddir ZKTLS ZKTLS_DATADIR
# shellcheck source-path=SCRIPTDIR source=../tests/lib/common.sh
. "$top_srcdir/tests/lib/common.sh"
zk_need valgrind python3
zk_tmpdir
# shellcheck source-path=SCRIPTDIR source=../tests/lib/releases.sh
. "$top_srcdir/tests/lib/releases.sh"

# shellcheck disable=SC2119 # the defaults
zk_build_releases
zk_serve M --root "$ZK_TMP/mirror"
zk_serve C --root "$ZK_TMP/official"
w="$ZK_TMP/w"

# memcheck WANT-STATUS ARGS...: the wizard under valgrind; 99 means memcheck found something.
memcheck() {
  want=$1
  shift
  rc=0
  valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
    --show-leak-kinds=definite --log-file="$ZK_TMP/valgrind.log" "$ZKTLS" "$@" \
    >"$ZK_TMP/out" 2>&1 || rc=$?
  if [ "$rc" -eq 99 ] || [ -s "$ZK_TMP/valgrind.log" ]; then
    cat "$ZK_TMP/valgrind.log" >&2
    zk_fail "memcheck: zktls-wizard $*"
  fi
  [ "$rc" -eq "$want" ] || { cat "$ZK_TMP/out" >&2; zk_fail "zktls-wizard $*: status $rc, expected $want"; }
  echo "memcheck clean: zktls-wizard $*"
}

sites="--mirror=http://127.0.0.1:$M --checksums=http://127.0.0.1:$C"
# shellcheck disable=SC2086 # two options
memcheck 0 --batch --set key.type=ec-p256 $sites "$w"
for f in ca-key kafka-1.jks zoo.cfg kafka-1.properties consumer.config cluster.sh; do
  [ -s "$w/$f" ] || zk_fail "the run under valgrind did not write $f"
done
# shellcheck disable=SC2086
memcheck 0 --batch --set key.type=ec-p256 $sites "$w"
memcheck 0 --batch --set key.type=ec-p256 --renew --steps ca,certs,zookeeper,brokers,clients "$w"
# check judges the directory (0); with --this-host the host names, which do
# not resolve here, make it 1 (looked up on threads); memcheck clean both ways.
memcheck 0 check "$w"
memcheck 1 check --this-host "$w"
