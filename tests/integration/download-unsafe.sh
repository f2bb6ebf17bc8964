#!/bin/sh
# Malicious Kafka archives: an entry with "../", an absolute path, a symbolic
# link out of the top folder (and a file written through it), a hard link out.
# The jars step refuses the whole archive, unpacks nothing of it, and nothing
# lands outside DIR.
. "$top_srcdir/tests/lib/common.sh"
zk_need python3 tar sha512sum
zk_tmpdir
. "$top_srcdir/tests/lib/releases.sh"

zk_build_releases 50000
mkdir -p "$ZK_TMP/archives"
cp "$ZK_TMP/mirror/$ZK_PATH" "$ZK_TMP/archives/"

# evil KIND: a kafka_2.12-2.3.0.tgz holding the real tree plus one bad entry.
evil() {
  python3 - "$1" "$ZK_TMP/src" "$ZK_TMP/archives/$KAFKA_TGZ" "$ZK_TMP" <<'PY'
import io, sys, tarfile
kind, src, out, tmp = sys.argv[1:5]
top = "kafka_2.12-2.3.0"
def data(tar, name, text=b"pwned\n"):
    info = tarfile.TarInfo(name)
    info.size = len(text)
    tar.addfile(info, io.BytesIO(text))
def link(tar, name, target, kind=tarfile.SYMTYPE):
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = target
    tar.addfile(info)
with tarfile.open(out, "w:gz", format=tarfile.GNU_FORMAT) as tar:
    tar.add(src + "/" + top, arcname=top)
    if kind == "dotdot":
        data(tar, top + "/../../evil-dotdot")
    elif kind == "absolute":
        data(tar, tmp + "/evil-absolute")
    elif kind == "symlink":
        link(tar, top + "/libs/escape", "../../..")
        data(tar, top + "/libs/escape/evil-symlink")
    elif kind == "symlink-abs":
        link(tar, top + "/libs/escape", tmp)
        data(tar, top + "/libs/escape/evil-symlink-abs")
    elif kind == "hardlink":
        link(tar, top + "/libs/hard", "../../../evil-hard", tarfile.LNKTYPE)
PY
}

for kind in dotdot absolute symlink symlink-abs hardlink; do
  evil "$kind"
  sum=$(sha512sum "$ZK_TMP/archives/$KAFKA_TGZ" | cut -d' ' -f1)
  W=$ZK_TMP/work-$kind
  rc=0
  "$ZKTLS" --batch --steps download,jars --archives "$ZK_TMP/archives" \
    --set "kafka.sha512=$sum" --set "zookeeper.sha512=$ZK_SUM" "$W" \
    > "$ZK_TMP/out" 2> "$ZK_TMP/err" || rc=$?
  [ "$rc" = 1 ] || { cat "$ZK_TMP/out" "$ZK_TMP/err"; zk_fail "$kind: exit $rc, expected 1"; }
  grep -q "is refused, nothing of it was unpacked" "$ZK_TMP/err" \
    || { cat "$ZK_TMP/err"; zk_fail "$kind: no clear refusal"; }
  [ ! -e "$W/kafka_2.12-2.3.0" ] || zk_fail "$kind: part of the archive was unpacked"
  [ ! -e "$W/.zktls-unpack" ] || zk_fail "$kind: temporary folder left"
  for f in evil-dotdot evil-absolute evil-symlink evil-symlink-abs evil-hard; do
    [ ! -e "$ZK_TMP/$f" ] && [ ! -e "$ZK_TMP/work-$kind/$f" ] && [ ! -e "/$f" ] \
      || zk_fail "$kind: $f was written"
  done
done
zk_assert_nothing_outside
echo "ok: unsafe archives refused"
