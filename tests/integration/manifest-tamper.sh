#!/bin/sh
# The manifest is not trusted blindly: one edited to name files outside DIR
# ("../x" with the victim's real hash, which --reset-to would delete; "/abs/y"
# with a wrong one, which --reset-to --force would move into the backups) is
# refused when read, naming its line and the name, and nothing outside DIR or
# in it changes.  Control characters in such a name reach no terminal raw.
: "${top_srcdir:?run this test through make check}"
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
. "$top_srcdir/tests/lib/common.sh"
zk_need sha256sum
zk_tmpdir
w="$ZK_TMP/w"
m="$w/.zktls-wizard/manifest"

"$ZKTLS" --batch --set key.type=ec-p256 --steps ca,certs,zookeeper "$w" >/dev/null ||
  zk_fail "the setup failed"
cp "$m" "$ZK_TMP/manifest.good"
lines=$(wc -l <"$m")
bad_line=$((lines + 1))

# snapshot: every file of DIR with its hash, and the victims outside.
snapshot() {
  (cd "$ZK_TMP" && find . -type f ! -name 'snap*' ! -path './w/.zktls-wizard/manifest' ! -path './w/.zktls-wizard/lock' \
    -exec sha256sum {} + | LC_ALL=C sort)
}

# tamper NAME HASH: the good manifest plus one line naming NAME.
tamper() {
  cp "$ZK_TMP/manifest.good" "$m"
  printf 'file ca 0600 %s %s\n' "$2" "$1" >>"$m"
}

# refused WHAT SHOWN ARGS...: the run fails naming the line and the name,
# and nothing changed.
refused() {
  what=$1 shown=$2
  shift 2
  snapshot >"$ZK_TMP/snap.before"
  if "$ZKTLS" --batch "$@" "$w" >"$ZK_TMP/snap.out" 2>&1; then
    cat "$ZK_TMP/snap.out" >&2
    zk_fail "$what: the tampered manifest was used"
  fi
  grep -qF "manifest:$bad_line: the manifest names '$shown'" "$ZK_TMP/snap.out" ||
    { cat "$ZK_TMP/snap.out" >&2; zk_fail "$what: the refusal does not name line $bad_line and '$shown'"; }
  grep -q 'not a file inside the working directory' "$ZK_TMP/snap.out" ||
    { cat "$ZK_TMP/snap.out" >&2; zk_fail "$what: the refusal does not say why"; }
  if grep -q "$(printf '\033')" "$ZK_TMP/snap.out"; then zk_fail "$what: a raw ESC reached the output"; fi
  snapshot >"$ZK_TMP/snap.after"
  diff "$ZK_TMP/snap.before" "$ZK_TMP/snap.after" >&2 || zk_fail "$what: files changed"
  [ ! -d "$w/.zktls-wizard/backup" ] || zk_fail "$what: something was moved into the backups"
}

# A victim next to DIR, named with "..", hash matching: reset would delete it.
echo precious >"$ZK_TMP/victim"
sum=$(sha256sum <"$ZK_TMP/victim" | cut -c1-64)
tamper ../victim "$sum"
refused "reset-to with ../victim" ../victim --reset-to ca
refused "reset-to --force with ../victim" ../victim --reset-to ca --force
[ -e "$ZK_TMP/victim" ] || zk_fail "../victim was deleted"

# An absolute path, hash not matching ("edited"): --force would move it.
echo "also precious" >"$ZK_TMP/victim2"
tamper "$ZK_TMP/victim2" "$(printf '%064d' 0)"
refused "reset-to --force with an absolute path" "$ZK_TMP/victim2" --reset-to ca --force
[ -e "$ZK_TMP/victim2" ] || zk_fail "the absolute victim was moved"

# ".." inside a name, and an empty component.
tamper "sub/../../victim" "$sum"
refused "sub/../../victim" "sub/../../victim" --reset-to ca
tamper "a//victim" "$sum"
refused "an empty component" "a//victim" --reset-to certs

# A plain run reads the manifest too: refused before any step writes.
tamper ../victim "$sum"
refused "a batch run" ../victim --set key.type=ec-p256 --steps ca,certs,zookeeper --force

# Control characters are shown escaped.
tamper "$(printf 'x\033]0;pwned\007')" "$sum"
refused "control characters" 'x\x1b]0;pwned\x07' --reset-to ca

# The good manifest back: everything works as before.
cp "$ZK_TMP/manifest.good" "$m"
"$ZKTLS" --batch --reset-to certs "$w" >/dev/null || zk_fail "the reset with the good manifest failed"
if [ -e "$w/kafka-1.jks" ] || [ ! -e "$w/ca-key" ]; then zk_fail "the good reset did not do its work"; fi
if [ ! -e "$ZK_TMP/victim" ] || [ ! -e "$ZK_TMP/victim2" ]; then zk_fail "a victim went"; fi
echo "ok: manifests naming ../, absolute, empty-part and control-character paths refused at line $bad_line; nothing outside DIR touched"
