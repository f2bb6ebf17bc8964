#!/bin/sh
# SECURITY.md, "Files and modes": under the most permissive umask (000),
# for every store type, DIR and .zktls-wizard/ are 0700 and every file that
# holds a key or a password is 0600; found by content, not by a list: no file
# that group or others may read holds a private key or any of the passwords
# (all unique here).  An existing DIR is tightened to 0700; a DIR that is a
# symbolic link to another user's directory is refused.

: "${top_srcdir:?run this test through make check}"
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
. "$top_srcdir/tests/lib/common.sh"
zk_tmpdir

ca_pw=Ca-Secret-7Q9w
store_pw=St0re-Secret-K2v
consumer_pw=Cons-Secret-X5m
producer_pw=Prod-Secret-Z8n
umask 000

# run DIR ARGS...: the PKI and config steps with the passwords above.
run() {
  dir=$1
  shift
  "$ZKTLS" --batch --set key.type=ec-p256 --set "ca.password=$ca_pw" \
    --set "store.password=$store_pw" --set "sasl.password.consumer=$consumer_pw" \
    --set "sasl.password.producer=$producer_pw" "$@" \
    --steps ca,certs,zookeeper,brokers,clients "$dir" >"$ZK_TMP/out" 2>&1 || {
    cat "$ZK_TMP/out" >&2
    zk_fail "the batch run into $dir failed"
  }
}

# check_dir DIR: the modes, by content.
check_dir() {
  dir=$1
  [ "$(zk_mode "$dir")" = 700 ] || zk_fail "$dir has mode $(zk_mode "$dir"), not 700"
  [ "$(zk_mode "$dir/.zktls-wizard")" = 700 ] || zk_fail "$dir/.zktls-wizard is not 0700"
  secret_files=0
  for f in "$dir"/* "$dir"/.zktls-wizard/*; do
    [ -f "$f" ] || continue
    name=${f#"$dir"/}
    mode=$(zk_mode "$f")
    holds=
    grep -q 'PRIVATE KEY' "$f" && holds="a private key"
    for pw in "$ca_pw" "$store_pw" "$consumer_pw" "$producer_pw"; do
      grep -qF -- "$pw" "$f" && holds="a password"
    done
    # Keystores are binary: they hold keys whatever grep finds.
    case $name in
      *.jks | *.p12 | *-keystore.pem | ca-key) holds="a key" ;;
    esac
    if [ -n "$holds" ]; then
      secret_files=$((secret_files + 1))
      [ "$mode" = 600 ] || zk_fail "$name holds $holds but has mode $mode"
    else
      # Nothing secret: readable is fine, writable by others never.
      case $mode in
        644 | 755 | 600 | 700) ;;
        *) zk_fail "$name has mode $mode" ;;
      esac
    fi
  done
  [ "$secret_files" -ge 10 ] || zk_fail "$dir: only $secret_files files hold secrets: the check is broken"
}

run "$ZK_TMP/jks"
check_dir "$ZK_TMP/jks"
# The search by content does find the passwords where they must be.
grep -qF "$store_pw" "$ZK_TMP/jks/zoo.cfg" || zk_fail "zoo.cfg lacks the store password: the search is broken"
grep -qF "$consumer_pw" "$ZK_TMP/jks/kafka-1.properties" || zk_fail "the broker lacks the SASL password"

for type in pkcs12 pem; do
  run "$ZK_TMP/$type" --set "store.type=$type" --set kafka.version=2.8.0 --set zookeeper.version=3.8.0
  check_dir "$ZK_TMP/$type"
done

# An existing DIR that others may read is tightened to 0700.
mkdir -m 755 "$ZK_TMP/open"
run "$ZK_TMP/open"
check_dir "$ZK_TMP/open"

# A DIR that is a symbolic link counts as what it leads to: a directory of
# ours is used (and made 0700), another user's is refused, and nothing is
# written there.
mkdir -m 755 "$ZK_TMP/target"
ln -s "$ZK_TMP/target" "$ZK_TMP/link"
run "$ZK_TMP/link"
check_dir "$ZK_TMP/target"
if [ "$(id -u)" -eq 0 ]; then
  mkdir -m 755 "$ZK_TMP/theirs"
  chown nobody "$ZK_TMP/theirs"
  ln -s "$ZK_TMP/theirs" "$ZK_TMP/link2"
else
  ln -s /usr "$ZK_TMP/link2"   # root's: never ours here
fi
if "$ZKTLS" --batch --set key.type=ec-p256 --steps ca,zookeeper "$ZK_TMP/link2" >"$ZK_TMP/out" 2>&1; then
  zk_fail "a symbolic link to another user's directory was accepted"
fi
grep -q 'another user' "$ZK_TMP/out" || { cat "$ZK_TMP/out" >&2; zk_fail "the refusal does not say why"; }
[ ! -e "$ZK_TMP/link2/ca-key" ] || zk_fail "ca-key was written into another user's directory"
if [ "$(id -u)" -eq 0 ]; then
  [ "$(zk_mode "$ZK_TMP/theirs")" = 755 ] || zk_fail "another user's directory was chmodded"
  [ -z "$(ls -A "$ZK_TMP/theirs")" ] || zk_fail "files were written into another user's directory"
fi
echo "ok: DIR 0700; every file with a key or a password 0600 (jks, pkcs12, pem; umask 000); a link to another user's DIR refused"
