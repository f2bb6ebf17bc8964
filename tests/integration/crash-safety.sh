#!/bin/sh
# Crash safety (DESIGN §8): --batch is killed with SIGKILL at random moments
# during the ca, certs and config steps, on a fresh directory, while --renew
# rewrites every key, certificate and keystore (RSA 2048 and EC P-256), and
# while changed answers rewrite the configuration files.  After every kill
# each file in DIR is absent, its old complete version or its new complete
# version: keystores open with the core's reader and pass its chain check,
# ca-key opens with the CA password, certificates and configuration files
# parse (tests/fuzz/dircheck), text files are byte for byte one of the
# versions the wizard writes, modes are the final ones; temporary files only
# ever carry the temporary name.  After every kill a rerun completes, and at
# the end the directory passes `zktls-wizard check`.

: "${top_srcdir:?run this test through make check}" "${top_builddir:?run this test through make check}"
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
. "$top_srcdir/tests/lib/common.sh"

zk_need shuf awk openssl timeout sha256sum "${CC:-cc}"
zk_tmpdir

dircheck="$top_builddir/tests/fuzz/dircheck"
[ -x "$dircheck" ] || zk_fail "$dircheck is not built"
store_pw=confidential
ca_pw=superconfidential
zk_port=$(zk_free_port)
kills=0
exact_kills=0
ms=0
reruns=0
temps_left=0

# Answers every run gets; names the certificates hold, for the final check.
common_args() { # DIR
  echo "--set zookeeper.host=localhost --set zookeeper.secure_port=$zk_port
    --set zookeeper.data_dir=$1-zkdata --set broker.kafka-1.log_dir=$1-k1
    --set broker.kafka-2.log_dir=$1-k2"
}

# wizard ARGS...: one complete batch run; it must succeed.
wizard() {
  # shellcheck disable=SC2046 # common_args gives words
  if ! timeout 120 "$ZKTLS" --batch $(common_args "$d") "$@" "$d" >"$ZK_TMP/run.out" 2>&1; then
    cat "$ZK_TMP/run.out" >&2
    zk_fail "$what: a complete run failed (after $kills kills): zktls-wizard --batch $*"
  fi
}

# killed MAX_MS ARGS...: a batch run killed with SIGKILL after 0..MAX_MS ms.
# Counts the runs the signal ended (some finish before it comes).
killed() {
  max=$1
  shift
  ms=$(shuf -i "0-$max" -n 1)
  # shellcheck disable=SC2046
  "$ZKTLS" --batch $(common_args "$d") "$@" "$d" >"$ZK_TMP/killed.out" 2>&1 &
  pid=$!
  sleep "$(awk -v ms="$ms" 'BEGIN { printf "%.3f", ms / 1000 }')"
  kill -KILL "$pid" 2>/dev/null || true
  rc=0
  { wait "$pid"; } 2>/dev/null || rc=$?
  if [ "$rc" -eq 137 ]; then
    kills=$((kills + 1))
  else
    [ "$rc" -eq 0 ] || { cat "$ZK_TMP/killed.out" >&2; zk_fail "$what: the run failed by itself (status $rc)"; }
  fi
}

# snapshot NAME: DIR as a complete run left it: its files, their SHA-256
# sums and modes.
snapshot() {
  rm -rf "$ZK_TMP/snap-$1"
  cp -a "$d" "$ZK_TMP/snap-$1"
  (cd "$d" && sha256sum -- * >"$ZK_TMP/snap-$1.sums" &&
    stat -c '%n %a' -- * .zktls-wizard/manifest >"$ZK_TMP/snap-$1.modes")
}

# list_text_files: the files of DIR the wizard writes as text (the same bytes
# for the same answers), as opposed to keys, certificates and keystores.
list_text_files() {
  text_files=$(cd "$d" && for f in *; do
    case $f in ca-key | ca-cert | *.jks | *.p12 | *.pem) ;; *) [ -f "$f" ] && echo "$f" ;; esac
  done)
  [ -n "$text_files" ] || zk_fail "no text files in the reference run"
}

# verify SNAPSHOT...: every file complete (dircheck); every text file is byte
# for byte its version in one of the snapshots; modes as in the first one.
verify() {
  where="$what, kill $kills after ${ms} ms"
  # Killed before it made DIR (a slow start, under sanitizers say): nothing
  # was written, which is one of the allowed states.
  [ -d "$d" ] || return 0
  if ! out=$("$dircheck" "$d" "$store_pw" "$ca_pw"); then
    ls -la "$d" >&2
    zk_fail "$where: a file is not complete (see above)"
  fi
  n=$(printf '%s\n' "$out" | grep -c '^temp ' || true)
  temps_left=$((temps_left + n))
  present=
  for f in $text_files; do
    [ -e "$d/$f" ] && present="$present $f"
  done
  sums=
  for s in "$@"; do sums="$sums $ZK_TMP/snap-$s.sums"; done
  if [ -n "$present" ]; then
    # shellcheck disable=SC2086 # lists of names without blanks
    (cd "$d" && sha256sum -- $present) | awk 'FILENAME != "-" { known[$2 " " $1] = 1; next }
      !(($2 " " $1) in known) { print "  " $2; bad = 1 } END { exit bad }' $sums - >"$ZK_TMP/odd" ||
      { cat "$ZK_TMP/odd" >&2; zk_fail "$where: these files are neither the old nor the new version"; }
  fi
  (cd "$d" && stat -c '%n %a' -- *) | awk 'FILENAME != "-" { want[$1] = $2; next }
    ($1 in want) && want[$1] != $2 { print "  " $0 " (want " want[$1] ")"; bad = 1 } END { exit bad }' \
    "$ZK_TMP/snap-$1.modes" - >"$ZK_TMP/odd" ||
    { cat "$ZK_TMP/odd" >&2; zk_fail "$where: files with the wrong mode"; }
}

# rerun ARGS...: after a kill, a plain run completes and leaves DIR whole and
# consistent: every node certificate verifies against the current CA.
rerun() {
  wizard "$@"
  reruns=$((reruns + 1))
  verify "$final"
  for pem in "$d"/*.pem; do
    case $pem in *-keystore.pem | */truststore.pem | "$d/*.pem") continue ;; esac
    openssl verify -CAfile "$d/ca-cert" "$pem" >/dev/null 2>&1 ||
      zk_fail "$what: after the rerun, $(basename "$pem") is not signed by the current ca-cert"
  done
}

steps=ca,certs,zookeeper,brokers,clients

# ---- First, deterministically: a kill right after a given file was renamed
# into place, before the step saved its manifest (written once per step).
# A tiny LD_PRELOAD shim kills the process with SIGKILL as soon as rename()
# has put ZKTLS_KILL_AFTER in place: the state a real kill at that moment
# leaves, whatever the wizard records around its writes.
cat >"$ZK_TMP/killafter.c" <<'SHIM'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

static void
kill_if_wanted(int rc, const char *to)
{
	const char *want = getenv("ZKTLS_KILL_AFTER");
	const char *base = strrchr(to, '/') ? strrchr(to, '/') + 1 : to;

	if (rc == 0 && want != NULL && strcmp(base, want) == 0)
		raise(SIGKILL);
}

int
rename(const char *from, const char *to)
{
	int (*real)(const char *, const char *) =
		(int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
	int rc = real(from, to);

	kill_if_wanted(rc, to);
	return rc;
}

/* Files under DIR are renamed relative to DIR's descriptor. */
int
renameat(int fromfd, const char *from, int tofd, const char *to)
{
	int (*real)(int, const char *, int, const char *) =
		(int (*)(int, const char *, int, const char *))dlsym(RTLD_NEXT, "renameat");
	int rc = real(fromfd, from, tofd, to);

	kill_if_wanted(rc, to);
	return rc;
}
SHIM
${CC:-cc} -shared -fPIC -o "$ZK_TMP/killafter.so" "$ZK_TMP/killafter.c" -ldl ||
  zk_fail "cannot build the LD_PRELOAD shim"

# kill_after FILE ARGS...: a run that dies right after FILE got its new version.
kill_after() {
  file=$1
  shift
  rc=0
  # shellcheck disable=SC2046 # common_args gives words
  ZKTLS_KILL_AFTER=$file LD_PRELOAD="$ZK_TMP/killafter.so" \
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
    "$ZKTLS" --batch $(common_args "$d") "$@" "$d" >"$ZK_TMP/killed.out" 2>&1 || rc=$?
  [ "$rc" -eq 137 ] || { cat "$ZK_TMP/killed.out" >&2; zk_fail "$what: the run was not killed after $file (status $rc)"; }
  exact_kills=$((exact_kills + 1))
}

# The first run dies between ca-key and ca-cert: the rerun completes.
what="killed after the first ca-key"
d="$ZK_TMP/det0"
kill_after ca-key --set key.type=ec-p256 --steps ca,certs
wizard --set key.type=ec-p256 --steps ca,certs

# The first run dies right after writing kafka-1.jks: reruns complete.
what="killed after the first kafka-1.jks"
d="$ZK_TMP/det"
kill_after kafka-1.jks --set key.type=ec-p256 --steps ca,certs
"$dircheck" "$d" "$store_pw" "$ca_pw" >/dev/null || zk_fail "$what: a file is not complete"
wizard --set key.type=ec-p256 --steps ca,certs
wizard --set key.type=ec-p256 --steps ca,certs --renew

# --renew dies right after replacing ZooKeeper's keystore (localhost.jks).
what="killed after a renewed localhost.jks"
kill_after localhost.jks --set key.type=ec-p256 --steps ca,certs --renew
wizard --set key.type=ec-p256 --steps ca,certs
wizard --set key.type=ec-p256 --steps ca,certs --renew

# --renew dies between ca-key and ca-cert: the rerun repairs the pair.
what="killed after a renewed ca-key"
kill_after ca-key --set key.type=ec-p256 --steps ca,certs --renew
wizard --set key.type=ec-p256 --steps ca,certs
for pem in "$d"/*.pem; do
  openssl verify -CAfile "$d/ca-cert" "$pem" >/dev/null 2>&1 ||
    zk_fail "$what: $(basename "$pem") is not signed by the current ca-cert after the rerun"
done

# A config step dies right after kafka-1.properties got a changed answer.
what="killed after a changed kafka-1.properties"
wizard --set key.type=ec-p256 --steps zookeeper,brokers,clients
kill_after kafka-1.properties --set key.type=ec-p256 --set sasl.password.consumer=Other-Pw-1 \
  --steps zookeeper,brokers,clients
wizard --set key.type=ec-p256 --steps zookeeper,brokers,clients
wizard --set key.type=ec-p256 --set sasl.password.consumer=Other-Pw-1 --steps zookeeper,brokers,clients

# ---- RSA 2048: a fresh directory, then --renew rewriting everything.
what="rsa2048"
d="$ZK_TMP/rsa"
wizard --set key.type=rsa2048 --steps "$steps"
snapshot rsa
final=rsa
list_text_files
# How long a renewing run takes here, to spread the kills over it.
start=$(date +%s%N)
wizard --set key.type=rsa2048 --steps "$steps" --renew
span=$(( ($(date +%s%N) - start) / 1000000 ))
verify rsa

what="rsa2048, fresh directory"
phase_start=$kills
attempts=0
while [ $((kills - phase_start)) -lt 5 ]; do
  attempts=$((attempts + 1))
  [ "$attempts" -le 20 ] || zk_fail "$what: only $((kills - phase_start)) of $attempts runs died of SIGKILL"
  rm -rf "$d"
  killed "$span" --set key.type=rsa2048 --steps "$steps"
  verify rsa
  rerun --set key.type=rsa2048 --steps "$steps"
done

what="rsa2048, --renew"
phase_start=$kills
attempts=0
while [ $((kills - phase_start)) -lt 10 ]; do
  attempts=$((attempts + 1))
  [ "$attempts" -le 40 ] || zk_fail "$what: only $((kills - phase_start)) of $attempts runs died of SIGKILL"
  killed "$span" --set key.type=rsa2048 --steps "$steps" --renew
  verify rsa
  rerun --set key.type=rsa2048 --steps "$steps"
done

# ---- EC P-256: quick runs, so the kills land in every step.
what="ec-p256, --renew"
d="$ZK_TMP/ec"
wizard --set key.type=ec-p256 --steps "$steps"
snapshot ec
final=ec
list_text_files
start=$(date +%s%N)
wizard --set key.type=ec-p256 --steps "$steps" --renew
span=$(( ($(date +%s%N) - start) * 3 / 4000000 ))
phase_start=$kills
attempts=0
while [ $((kills - phase_start)) -lt 18 ]; do
  attempts=$((attempts + 1))
  [ "$attempts" -le 108 ] || zk_fail "$what: only $((kills - phase_start)) of $attempts runs died of SIGKILL"
  killed "$span" --set key.type=ec-p256 --steps "$steps" --renew
  verify ec
  rerun --set key.type=ec-p256 --steps "$steps"
done

# ---- The config steps rewriting their files: answers switch between A and B.
what="config steps, answers A/B"
set_a="--set key.type=ec-p256 --set zookeeper.heap=512m --set sasl.password.consumer=pw4consumer"
set_b="--set key.type=ec-p256 --set zookeeper.heap=1g --set sasl.password.consumer=pw4consumer-B"
cfg=zookeeper,brokers,clients
# shellcheck disable=SC2086 # the answer lists are words
wizard $set_b --steps "$cfg"
snapshot cfg-b
# shellcheck disable=SC2086
wizard $set_a --steps "$cfg"
snapshot cfg-a
list_text_files
cmp -s "$d/java.env" "$ZK_TMP/snap-cfg-b/java.env" && zk_fail "answers A and B write the same java.env"
start=$(date +%s%N)
# shellcheck disable=SC2086
wizard $set_b --steps "$cfg"
span=$(( ($(date +%s%N) - start) * 3 / 4000000 ))
phase_start=$kills
attempts=0
while [ $((kills - phase_start)) -lt 18 ]; do
  attempts=$((attempts + 1))
  [ "$attempts" -le 108 ] || zk_fail "$what: only $((kills - phase_start)) of $attempts runs died of SIGKILL"
  if [ $((attempts % 2)) -eq 0 ]; then
    set_now=$set_a final="cfg-a"
  else
    set_now=$set_b final="cfg-b"
  fi
  # shellcheck disable=SC2086
  killed "$span" $set_now --steps "$cfg"
  verify cfg-a cfg-b
  # shellcheck disable=SC2086
  rerun $set_now --steps "$cfg"
done

[ "$kills" -ge 50 ] || zk_fail "only $kills runs died of SIGKILL (the others finished first): too few"

# ---- The last rerun's directory passes check (the brokers' listeners moved
# to localhost in a copy, as in check-dirs.sh, so that the certificates name
# them; check looks no name up, so /etc/hosts plays no part).
c="$ZK_TMP/check"
cp -a "$d" "$c"
sed -i 's|//kafka-[0-9]*:|//localhost:|g' "$c"/kafka-*.properties
if ! "$ZKTLS" check "$c" >"$ZK_TMP/check.out" 2>&1; then
  cat "$ZK_TMP/check.out" >&2
  zk_fail "the directory after $kills kills and $reruns reruns does not pass check"
fi
echo "ok: $exact_kills kills right after a rename and $kills at random moments with SIGKILL left every file old or new and complete; $reruns reruns completed; check passes ($temps_left leftover temporary files seen, none under a final name)"
