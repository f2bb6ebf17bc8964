#!/bin/sh
# SECURITY.md, "Where secrets go": ca.password is not saved in
# zktls-wizard.conf unless save.ca_password=yes (whether it came from --set or
# an answers file); no password appears in anything the wizard prints, on
# success or on any refusal; the wizard itself starts no program (so no child
# of it can see a secret in argv or environ); and a Java started the way
# cluster.sh and kafka-run-class.sh start it, with KAFKA_OPTS=@NAME.zk-tls.args,
# gets the passwords while /proc/PID/cmdline and /proc/PID/environ of the JVM
# hold none of them.

: "${top_srcdir:?run this test through make check}"
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
. "$top_srcdir/tests/lib/common.sh"
zk_need nm java timeout
zk_tmpdir

ca_pw=Ca-Secret-7Q9w
store_pw=St0re-Secret-K2v
consumer_pw=Cons-Secret-X5m
producer_pw=Prod-Secret-Z8n
w="$ZK_TMP/w"
log="$ZK_TMP/all-output"
: >"$log"

# wiz EXPECTED-STATUS ARGS...: runs the wizard, keeps everything it prints.
wiz() {
  want=$1
  shift
  rc=0
  "$ZKTLS" "$@" >"$ZK_TMP/out" 2>&1 || rc=$?
  cat "$ZK_TMP/out" >>"$log"
  [ "$rc" -eq "$want" ] || { cat "$ZK_TMP/out" >&2; zk_fail "zktls-wizard $*: status $rc, expected $want"; }
}

secrets="--set ca.password=$ca_pw --set store.password=$store_pw
  --set sasl.password.consumer=$consumer_pw --set sasl.password.producer=$producer_pw"
steps="--steps ca,certs,zookeeper,brokers,clients"

# ---- zktls-wizard.conf
# shellcheck disable=SC2086 # option lists
wiz 0 --batch --set key.type=ec-p256 $secrets $steps "$w"
grep -q '^ca\.password' "$w/zktls-wizard.conf" && zk_fail "ca.password saved without save.ca_password=yes"
grep -qF "$ca_pw" "$w/zktls-wizard.conf" && zk_fail "the CA password is in zktls-wizard.conf"
# The other passwords are answers like any other (the configs hold them too).
grep -qxF "store.password = $store_pw" "$w/zktls-wizard.conf" || zk_fail "store.password was not saved"

printf 'ca.password = %s\nkey.type = ec-p256\n' "$ca_pw" >"$ZK_TMP/answers"
chmod 600 "$ZK_TMP/answers"
wiz 0 --batch --answers "$ZK_TMP/answers" --steps ca "$ZK_TMP/from-file"
grep -qF "$ca_pw" "$ZK_TMP/from-file/zktls-wizard.conf" && zk_fail "the CA password from --answers was saved"

wiz 0 --batch --set key.type=ec-p256 --set "ca.password=$ca_pw" --set save.ca_password=yes \
  --steps ca "$ZK_TMP/asked"
grep -qxF "ca.password = $ca_pw" "$ZK_TMP/asked/zktls-wizard.conf" ||
  zk_fail "save.ca_password=yes did not save ca.password: the check above could not fail"

# ---- nothing printed holds a password: successes, reruns, check, refusals
# shellcheck disable=SC2086
wiz 0 --batch $secrets $steps "$w"
# shellcheck disable=SC2086
wiz 0 --batch $secrets $steps --renew "$w"
rc=0
"$ZKTLS" check "$w" >>"$log" 2>&1 || rc=$?
[ "$rc" -le 1 ] || zk_fail "check crashed (status $rc)"
# A wrong CA password for the existing ca-key; another store password.
# shellcheck disable=SC2086
wiz 1 --batch $secrets --set ca.password=Wrong-Ca-Pw-1 --steps ca,certs "$w"
# shellcheck disable=SC2086
wiz 1 --batch --set store.password=Sh0rt $steps "$ZK_TMP/never"
# shellcheck disable=SC2086
wiz 1 --batch --set "store.password=$(printf 'St0re\001Secret')" $steps "$ZK_TMP/never"
# shellcheck disable=SC2086
wiz 1 --batch --set "sasl.password.consumer=$consumer_pw " $steps "$ZK_TMP/never"
printf 'store.password = %s\nnonsense.key = %s\nca.password\n' "$store_pw" "$ca_pw" >"$ZK_TMP/bad"
# shellcheck disable=SC2086
wiz 1 --batch --answers "$ZK_TMP/bad" $steps "$ZK_TMP/never"
[ ! -e "$ZK_TMP/never" ] || zk_fail "a refused run wrote files"
[ "$(wc -l <"$log")" -ge 10 ] || zk_fail "the wizard printed almost nothing: the check is void"
grep -q 'Wrong-Ca-Pw-1' "$log" && zk_fail "the wizard printed a (wrong) CA password"
for pw in "$ca_pw" "$store_pw" "$consumer_pw" "$producer_pw" Sh0rt St0re; do
  if grep -qF -- "$pw" "$log"; then
    grep -F -- "$pw" "$log" >&2
    zk_fail "the wizard printed a password"
  fi
done

# ---- the wizard starts no program: none of the process-starting calls is linked
if nm -D "$ZKTLS" | grep -E ' U (exec[lv]p?e?|execvpe|fexecve|posix_spawnp?|system|popen|fork|vfork|clone3?)(@|$)'; then
  zk_fail "zktls-wizard links a call that starts programs: check what it passes them"
fi
nm -D "$ZKTLS" | grep -q ' U open' || zk_fail "nm -D lists no open(): the check above is void"

# ---- a JVM started with the argument file: passwords in, not in argv or environ
cat >"$ZK_TMP/Hold.java" <<'JAVA'
public class Hold {
  public static void main(String[] args) throws Exception {
    System.out.println("PW=" + System.getProperty("zookeeper.ssl.keyStore.password"));
    System.out.println("TS=" + System.getProperty("zookeeper.ssl.trustStore.password"));
    System.out.flush();
    Thread.sleep(60000);
  }
}
JAVA
# As kafka-run-class.sh does: exec java ... $KAFKA_OPTS MAIN.
KAFKA_OPTS="@$w/kafka-1.zk-tls.args" LC_ALL=C.UTF-8 \
  sh -c 'exec java $KAFKA_OPTS "$0"' "$ZK_TMP/Hold.java" >"$ZK_TMP/java.out" 2>&1 &
jpid=$!
trap 'kill "$jpid" 2>/dev/null; rm -rf "$ZK_TMP"' EXIT
deadline=$(( $(date +%s) + 60 ))
until grep -q '^TS=' "$ZK_TMP/java.out"; do
  kill -0 "$jpid" 2>/dev/null || { cat "$ZK_TMP/java.out" >&2; zk_fail "java ended early"; }
  [ "$(date +%s)" -lt "$deadline" ] || zk_fail "java did not start"
  sleep 0.2
done
grep -qxF "PW=$store_pw" "$ZK_TMP/java.out" || { cat "$ZK_TMP/java.out" >&2; zk_fail "the keystore password did not reach the JVM"; }
grep -qxF "TS=$store_pw" "$ZK_TMP/java.out" || zk_fail "the truststore password did not reach the JVM"
tr '\0' '\n' <"/proc/$jpid/cmdline" >"$ZK_TMP/cmdline"
tr '\0' '\n' <"/proc/$jpid/environ" >"$ZK_TMP/environ"
grep -qxF "@$w/kafka-1.zk-tls.args" "$ZK_TMP/cmdline" || { cat "$ZK_TMP/cmdline" >&2; zk_fail "this is not the JVM started with the argument file"; }
grep -qF "KAFKA_OPTS=@$w/kafka-1.zk-tls.args" "$ZK_TMP/environ" || zk_fail "KAFKA_OPTS is not in the JVM's environment"
for f in cmdline environ; do
  grep -qF -- "$store_pw" "$ZK_TMP/$f" && zk_fail "the store password is in the JVM's $f"
  grep -qi 'password' "$ZK_TMP/$f" && zk_fail "a password option is in the JVM's $f"
done
kill "$jpid" 2>/dev/null || true
echo "ok: ca.password saved only when asked; nothing printed holds a password; the wizard starts no program; the JVM's argv and environ hold no password"
