#!/bin/sh
# No terminal injection: text from outside reaches stdout and stderr with
# every control character made visible.  A server's .sha512 (in two formats
# the wizard quotes back), an archive entry's name, answers (keys and values,
# from --set and from an answers file, including a malformed --set) and the
# files `check` reads all carry ESC/BEL sequences that would set the
# terminal's title and clear it, an 8-bit CSI (U+009B) and bytes that are not
# UTF-8.  The output must hold no control byte but newline and tab, no C1
# character, only valid UTF-8 - and the escaped form (\x1b) must be there, so
# the hostile text was really printed.
: "${top_srcdir:?run this test through make check}"
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
. "$top_srcdir/tests/lib/common.sh"
zk_need python3 tar sha512sum
zk_tmpdir
# shellcheck source=../lib/releases.sh
. "$top_srcdir/tests/lib/releases.sh"

zk_build_releases 50000
esc=$(printf '\033')
bel=$(printf '\007')
csi=$(printf '\302\233')
raw=$(printf '\377')
hostile="${esc}]2;PWNED${bel}${esc}[2J${csi}31m${raw}"

# assert_clean WHAT FILE...: only printable UTF-8, newlines and tabs.
assert_clean() {
  label=$1
  shift
  python3 - "$@" <<'PY' || zk_fail "$label: the output drives the terminal (see above)"
import sys
bad = False
for path in sys.argv[1:]:
    data = open(path, "rb").read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        print("%s: not UTF-8 (%s): %r" % (path, e, data[max(0, e.start - 40):e.start + 20]))
        bad = True
        continue
    for i, ch in enumerate(text):
        o = ord(ch)
        if (o < 0x20 and ch not in "\n\t") or 0x7f <= o < 0xa0 or 0x202a <= o <= 0x202e:
            print("%s: raw U+%04X: %r" % (path, o, text[max(0, i - 40):i + 20]))
            bad = True
            break
sys.exit(1 if bad else 0)
PY
}

# expect WHAT PATTERN FILE: the escaped text is in FILE (it was printed, escaped).
expect() {
  grep -qF -- "$2" "$3" || { cat "$3"; zk_fail "$1: '$2' not in the output"; }
}

# 1. A .sha512 from the server that is no checksum at all: quoted in the error.
printf '%s not a sum\n' "$hostile" > "$ZK_TMP/official/$KAFKA_PATH.sha512"
# ZooKeeper's names another file, in gpg's format: the name is quoted too.
printf '%s: %s\n' "x${hostile}" "$ZK_SUM" > "$ZK_TMP/official/$ZK_PATH.sha512"
zk_serve M --root "$ZK_TMP/mirror"
zk_serve C --root "$ZK_TMP/official"
# sha WHAT [OPTIONS...]: the download step against them; WHAT's .sha512 is quoted.
sha() {
  what=$1
  shift
  rc=0
  "$ZKTLS" --batch --steps download --mirror "http://127.0.0.1:$M" \
    --checksums "http://127.0.0.1:$C" "$@" "$ZK_TMP/work-sha-$what" \
    > "$ZK_TMP/out" 2> "$ZK_TMP/err" || rc=$?
  [ "$rc" = 1 ] || { cat "$ZK_TMP/out" "$ZK_TMP/err"; zk_fail "sha512 $what: exit $rc, expected 1"; }
  assert_clean ".sha512 ($what)" "$ZK_TMP/out" "$ZK_TMP/err"
  expect ".sha512 ($what)" '\x1b]2;PWNED\x07\x1b[2J\u009b31m\xff' "$ZK_TMP/err"
}
sha kafka
sha zookeeper --set "kafka.sha512=$KAFKA_SUM"

# 2. An archive entry's name, quoted when the entry is refused.
mkdir -p "$ZK_TMP/archives"
cp "$ZK_TMP/mirror/$ZK_PATH" "$ZK_TMP/archives/"
python3 - "$ZK_TMP/src" "$ZK_TMP/archives/$KAFKA_TGZ" <<'PY'
import io, sys, tarfile
src, out = sys.argv[1:3]
top = "kafka_2.12-2.3.0"
with tarfile.open(out, "w:gz", format=tarfile.GNU_FORMAT, encoding="utf-8",
                  errors="surrogateescape") as tar:
    tar.add(src + "/" + top, arcname=top)
    info = tarfile.TarInfo(top + "/../\x1b]2;PWNED\x07\x1b[2J\u009b31m\udcffevil")
    info.size = 6
    tar.addfile(info, io.BytesIO(b"pwned\n"))
PY
sum=$(sha512sum "$ZK_TMP/archives/$KAFKA_TGZ" | cut -d' ' -f1)
rc=0
"$ZKTLS" --batch --steps download,jars --archives "$ZK_TMP/archives" \
  --set "kafka.sha512=$sum" --set "zookeeper.sha512=$ZK_SUM" "$ZK_TMP/work-tar" \
  > "$ZK_TMP/out" 2> "$ZK_TMP/err" || rc=$?
[ "$rc" = 1 ] || { cat "$ZK_TMP/out" "$ZK_TMP/err"; zk_fail "archive: exit $rc, expected 1"; }
assert_clean "archive entry name" "$ZK_TMP/out" "$ZK_TMP/err"
expect "archive entry name" '\x1b]2;PWNED\x07\x1b[2J\u009b31m\xffevil' "$ZK_TMP/err"

# 3. Answers: a value, an unknown key, a --set without '=', an answers file.
rc=0
"$ZKTLS" --batch --steps zookeeper --set "zookeeper.host=a${hostile}" \
  --set "x${hostile}=value" --set "y${hostile}" "$ZK_TMP/work-set" \
  > "$ZK_TMP/out" 2> "$ZK_TMP/err" || rc=$?
[ "$rc" = 1 ] || { cat "$ZK_TMP/out" "$ZK_TMP/err"; zk_fail "--set: exit $rc, expected 1"; }
assert_clean "--set" "$ZK_TMP/out" "$ZK_TMP/err"
expect "--set" 'x\x1b]2;PWNED\x07' "$ZK_TMP/err"
{
  printf 'zookeeper.heap = 512m%s\n' "$hostile"
  printf 'k%s = 1\n' "$hostile"
  printf 'brokers = kafka-1 k%s\n' "$hostile"
} > "$ZK_TMP/answers"
rc=0
"$ZKTLS" --batch --steps zookeeper --answers "$ZK_TMP/answers" "$ZK_TMP/work-file" \
  > "$ZK_TMP/out" 2> "$ZK_TMP/err" || rc=$?
[ "$rc" = 1 ] || { cat "$ZK_TMP/out" "$ZK_TMP/err"; zk_fail "answers file: exit $rc, expected 1"; }
assert_clean "answers file" "$ZK_TMP/out" "$ZK_TMP/err"
expect "answers file" 'k\x1b]2;PWNED\x07' "$ZK_TMP/err"
# An option nobody knows is quoted by the wizard, not by getopt.
rc=0
"$ZKTLS" "--x${hostile}" > "$ZK_TMP/out" 2> "$ZK_TMP/err" || rc=$?
[ "$rc" = 2 ] || { cat "$ZK_TMP/err"; zk_fail "unknown option: exit $rc, expected 2"; }
assert_clean "unknown option" "$ZK_TMP/out" "$ZK_TMP/err"
expect "unknown option" '\x1b]2;PWNED' "$ZK_TMP/err"

# 4. check: what a configuration file says is quoted in the report.
mkdir -p "$ZK_TMP/check"
printf 'secureClientPort=2182\nssl.keyStore.location=x%s.jks\n' "$hostile" \
  > "$ZK_TMP/check/zoo.cfg"
rc=0
"$ZKTLS" check "$ZK_TMP/check" > "$ZK_TMP/out" 2> "$ZK_TMP/err" || rc=$?
[ "$rc" = 1 ] || { cat "$ZK_TMP/out" "$ZK_TMP/err"; zk_fail "check: exit $rc, expected 1"; }
assert_clean "check" "$ZK_TMP/out" "$ZK_TMP/err"
expect "check" 'x\x1b]2;PWNED\x07' "$ZK_TMP/out"

echo "ok: servers, archives, answers and checked files cannot drive the terminal"
