#!/bin/sh
# One writer per working directory (SECURITY.md §8): two runs on one DIR
# race, ZKTLS_LOCK_RACES times (default 20) for each pair — two batch runs
# into a new DIR, two `--renew` runs with different store passwords, the
# wizard (tmux) and a `--renew` batch run.  Every time exactly one writes, the
# other stops at once with exit status 1, naming the holder's PID, having run
# no step; and the directory is consistent afterwards: zktls-wizard.conf holds
# the winner's store.password, every store opens with it (the core's own
# readers, tests/fuzz/dircheck), the manifest knows the CA's files, and
# `check` passes.  Then `check` runs again and again while `--renew` runs
# rewrite the directory: it waits for a step's writes and never reports a
# half-written state.
: "${top_srcdir:?run this test through make check}" "${top_builddir:?run this test through make check}"
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
. "$top_srcdir/tests/lib/common.sh"
zk_need "${CC:-cc}" awk timeout python3
zk_tmpdir
# shellcheck source-path=SCRIPTDIR source=../lib/tui.sh
. "$top_srcdir/tests/lib/tui.sh"
dircheck="$top_builddir/tests/fuzz/dircheck"
[ -x "$dircheck" ] || zk_fail "$dircheck is not built"
races=${ZKTLS_LOCK_RACES:-20}
steps=ca,certs,zookeeper,brokers,clients
ca_pw=superconfidential

# Free ports for everything check looks at; data and logs inside the test.
common="--set key.type=ec-p256 --set zookeeper.secure_port=$(zk_free_port)
  --set broker.kafka-1.ssl_port=$(zk_free_port) --set broker.kafka-1.sasl_ssl_port=$(zk_free_port)
  --set broker.kafka-2.ssl_port=$(zk_free_port) --set broker.kafka-2.sasl_ssl_port=$(zk_free_port)
  --set zookeeper.data_dir=$ZK_TMP/zkdata --set broker.kafka-1.log_dir=$ZK_TMP/k1
  --set broker.kafka-2.log_dir=$ZK_TMP/k2"

# check's name lookups all answer 127.0.0.1: the node names need not resolve here.
cat >"$ZK_TMP/resolve.c" <<'SHIM'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <netdb.h>
#include <stddef.h>

int
getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
	    struct addrinfo **res)
{
	int (*real)(const char *, const char *, const struct addrinfo *, struct addrinfo **) =
		(int (*)(const char *, const char *, const struct addrinfo *,
			 struct addrinfo **))dlsym(RTLD_NEXT, "getaddrinfo");

	return real(node != NULL ? "127.0.0.1" : NULL, service, hints, res);
}
SHIM
${CC:-cc} -shared -fPIC -o "$ZK_TMP/resolve.so" "$ZK_TMP/resolve.c" -ldl || zk_fail "cannot build the resolver shim"
check() {
  LD_PRELOAD="$ZK_TMP/resolve.so" ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
    timeout 120 "$ZKTLS" check "$@"
}

# setup DIR PASSWORD: a complete run, alone.
setup() {
  # shellcheck disable=SC2086 # $common is words
  timeout 120 "$ZKTLS" --batch $common --set "store.password=$2" --steps "$steps" "$1" >"$ZK_TMP/setup.out" 2>&1 ||
    { cat "$ZK_TMP/setup.out" >&2; zk_fail "the setup of $1 failed"; }
}

# consistent WHAT DIR PASSWORD: the directory agrees with itself and with PASSWORD.
consistent() {
  grep -qxF "store.password = $3" "$2/zktls-wizard.conf" ||
    zk_fail "$1: zktls-wizard.conf holds another store.password than the winner's ($(grep store.password "$2/zktls-wizard.conf"))"
  "$dircheck" "$2" "$3" "$ca_pw" >"$ZK_TMP/dircheck.out" 2>&1 ||
    { cat "$ZK_TMP/dircheck.out" >&2; zk_fail "$1: a file is not complete or does not open with the winner's password"; }
  for f in ca-key ca-cert truststore.jks zookeeper.jks kafka-1.jks client.jks zoo.cfg cluster.sh; do
    grep -q " $f\$" "$2/.zktls-wizard/manifest" || zk_fail "$1: the manifest lost $f"
  done
  check "$2" >"$ZK_TMP/check.out" 2>&1 || { cat "$ZK_TMP/check.out" >&2; zk_fail "$1: check fails"; }
}

# loser WHAT OUT STATUS WINNER_PID: stopped at once, naming the winner.
loser() {
  [ "$3" -eq 1 ] || { cat "$2" >&2; zk_fail "$1: the loser's exit status is $3, not 1"; }
  grep -qF "is in use by zktls-wizard (PID $4, since " "$2" ||
    { cat "$2" >&2; zk_fail "$1: the loser does not name the holder (PID $4)"; }
  if grep -qE '^(download|jars|ca|certs|zookeeper|brokers|clients): ' "$2"; then
    cat "$2" >&2
    zk_fail "$1: the loser ran a step"
  fi
}

# race WHAT DIR PW_A PW_B EXTRA...: two batch runs at once (no timeout(1) in
# between: $! must be the wizard's PID); sets $winner_pw.
race() {
  what=$1 d=$2 pa_pw=$3 pb_pw=$4
  shift 4
  # shellcheck disable=SC2086
  "$ZKTLS" --batch $common --set "store.password=$pa_pw" "$@" --steps "$steps" "$d" \
    >"$ZK_TMP/a.out" 2>&1 &
  pa=$!
  # shellcheck disable=SC2086
  "$ZKTLS" --batch $common --set "store.password=$pb_pw" "$@" --steps "$steps" "$d" \
    >"$ZK_TMP/b.out" 2>&1 &
  pb=$!
  ra=0
  wait "$pa" || ra=$?
  rb=0
  wait "$pb" || rb=$?
  if [ "$ra" -eq 0 ] && [ "$rb" -ne 0 ]; then
    loser "$what" "$ZK_TMP/b.out" "$rb" "$pa"
    winner_pw=$pa_pw
  elif [ "$rb" -eq 0 ] && [ "$ra" -ne 0 ]; then
    loser "$what" "$ZK_TMP/a.out" "$ra" "$pb"
    winner_pw=$pb_pw
  else
    cat "$ZK_TMP/a.out" "$ZK_TMP/b.out" >&2
    zk_fail "$what: not exactly one writer won (statuses $ra and $rb)"
  fi
}

# ---- Two batch runs into a new DIR.
i=1
while [ "$i" -le "$races" ]; do
  d="$ZK_TMP/new$i"
  race "new DIR, race $i" "$d" "New-A-Secret-$i" "New-B-Secret-$i"
  consistent "new DIR, race $i" "$d" "$winner_pw"
  rm -rf "$d"
  i=$((i + 1))
done

# ---- Two --renew runs with different store passwords on one DIR.
d="$ZK_TMP/renew"
setup "$d" Renew-Secret-0
i=1
while [ "$i" -le "$races" ]; do
  race "--renew, race $i" "$d" "Renew-A-Secret-$i" "Renew-B-Secret-$i" --renew
  consistent "--renew, race $i" "$d" "$winner_pw"
  i=$((i + 1))
done

# ---- The wizard and a --renew batch run, started 0-250 ms apart (the
# wizard first in odd rounds, the batch run first in even ones); a round where
# the wizard started only after the batch run ended is no race and does not
# count.
d="$ZK_TMP/tui"
setup "$d" Tui-Secret-0
current=Tui-Secret-0
i=0
attempts=0
tui_won=0
while [ "$i" -lt "$races" ]; do
  attempts=$((attempts + 1))
  [ "$attempts" -le $((races * 3)) ] || zk_fail "only $i real races in $attempts rounds"
  pw="Tui-Secret-$attempts"
  delay=$(awk -v s="$attempts" 'BEGIN { srand(s); printf "%.3f", rand() / 4 }')
  # Odd rounds start the wizard first, even rounds the batch run.
  if [ $((attempts % 2)) -eq 1 ]; then
    # shellcheck disable=SC2086
    tui_start 80 24 -- $common "$d"
    sleep "$delay"
  fi
  # shellcheck disable=SC2086
  "$ZKTLS" --batch $common --renew --set "store.password=$pw" --steps "$steps" "$d" \
    >"$ZK_TMP/b.out" 2>&1 &
  pb=$!
  if [ $((attempts % 2)) -eq 0 ]; then
    sleep "$(awk -v d="$delay" 'BEGIN { printf "%.3f", d / 5 }')"
    # shellcheck disable=SC2086
    tui_start 80 24 -- $common "$d"
  fi
  rb=0
  wait "$pb" || rb=$?
  if [ "$rb" -eq 0 ]; then
    current=$pw
    deadline=$(($(date +%s) + 20))
    while ! tui_screen | grep -q -e '^ZKTLS-EXIT=' -e 'Welcome'; do
      [ "$(date +%s)" -lt "$deadline" ] || { tui_screen >&2; zk_fail "the wizard neither started nor stopped"; }
      sleep 0.1
    done
    if tui_screen | grep -q '^ZKTLS-EXIT='; then
      i=$((i + 1))
      tui_screen -J >"$ZK_TMP/pane.out"
      [ "$(tui_exit_status)" = 1 ] || { cat "$ZK_TMP/pane.out" >&2; zk_fail "race $i: the wizard that lost did not exit with status 1"; }
      grep -qF "is in use by zktls-wizard (PID $pb, since " "$ZK_TMP/pane.out" ||
        { cat "$ZK_TMP/pane.out" >&2; zk_fail "race $i: the wizard does not name the batch run holding DIR"; }
    else
      # Started after the batch ended: no race; quit.
      tui_keys F10
      [ "$(tui_exit_status 20)" = 0 ] || zk_fail "round $attempts: the wizard did not quit"
    fi
  else
    i=$((i + 1))
    tui_won=$((tui_won + 1))
    loser "wizard and batch, race $i (wizard won)" "$ZK_TMP/b.out" "$rb" "$(tui_pid)"
    # The wizard writes: the CA step (kept: still valid) and the certificates.
    tui_wait "Welcome" 20
    tui_keys 3
    tui_wait "Private CA (3/7)" 20
    tui_keys Enter
    tui_wait "Node certificates (4/7)" 60
    tui_keys Enter
    tui_wait "ZooKeeper (5/7)" 60
    tui_keys F10
    [ "$(tui_exit_status 20)" = 0 ] || zk_fail "race $i: the wizard did not quit cleanly"
  fi
  tui_check_sanitizers
  tmux -L "$TUI_SOCKET" kill-server 2>/dev/null || true
  consistent "wizard and batch, round $attempts" "$d" "$current"
done

# ---- check while --renew runs rewrite the directory: it waits for their
# writes and never sees half of them.
d="$ZK_TMP/checked"
setup "$d" Check-Secret-0
(
  n=1
  while [ "$n" -le 6 ]; do
    # shellcheck disable=SC2086
    timeout 120 "$ZKTLS" --batch $common --renew --set "store.password=Check-Secret-$n" \
      --steps "$steps" "$d" >"$ZK_TMP/w.out" 2>&1 || { cat "$ZK_TMP/w.out" >&2; exit 1; }
    n=$((n + 1))
  done
) &
writers=$!
checks=0
bad=0
waited=0
while kill -0 "$writers" 2>/dev/null; do
  checks=$((checks + 1))
  if ! check "$d" >"$ZK_TMP/c.out" 2>&1; then
    bad=$((bad + 1))
    cp "$ZK_TMP/c.out" "$ZK_TMP/c.bad"
  fi
  if grep -q 'waiting: .* is being written by zktls-wizard (PID ' "$ZK_TMP/c.out"; then
    waited=$((waited + 1))
  fi
done
wait "$writers" || zk_fail "a --renew run failed while checks ran"
if [ "$bad" -gt 0 ]; then
  cat "$ZK_TMP/c.bad" >&2
  zk_fail "$bad of $checks checks during --renew runs saw a half-written directory"
fi
[ "$checks" -ge 3 ] || zk_fail "only $checks checks ran"
[ "$waited" -ge 1 ] || zk_fail "no check waited for a writer: the test proves nothing"
consistent "after the checked --renew runs" "$d" Check-Secret-6
echo "ok: $races races each of batch+batch, --renew+--renew, wizard+batch ($tui_won won by the wizard): one writer, the other named it; $checks checks during --renew runs ($waited waited), none saw a half-written directory"
