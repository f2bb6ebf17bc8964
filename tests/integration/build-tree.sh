#!/bin/sh
# The README's quick start runs ./zktls-wizard in the build tree with no
# variable set: the program run from the build tree finds the build tree's
# data (templates, release catalog) and message catalogs by itself, however
# it is started (by a relative path, from another directory, through a
# symbolic link), and ZKTLS_DATADIR and ZKTLS_LOCALEDIR still win.  A copy
# of the same program elsewhere, as an installed one is, does not use the
# build tree.
: "${top_srcdir:?run this test through make check}" "${top_builddir:?run this test through make check}"
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
. "$top_srcdir/tests/lib/common.sh"
zk_tmpdir

prog="$top_builddir/zktls-wizard"
[ -x "$prog" ] || zk_fail "no program in the build tree at $prog"
# What the tests' environment sets, a user's does not.
unset ZKTLS_DATADIR ZKTLS_LOCALEDIR LANGUAGE

# data WHAT PROGRAM...: the configuration steps work, so the templates and
# the release catalog were found.
data() {
  what=$1
  shift
  out="$ZK_TMP/out.$what"
  "$@" --batch --steps zookeeper,brokers,clients "$ZK_TMP/w.$what" >"$out" 2>&1 || {
    cat "$out" >&2
    zk_fail "$what: the program does not find its data"
  }
  grep -qx 'secureClientPort=2182' "$ZK_TMP/w.$what/zoo.cfg" || zk_fail "$what: no zoo.cfg written"
}
# german PROGRAM...: --help is German with LANGUAGE=de.
german() {
  LC_ALL=C.UTF-8 LANGUAGE=de "$@" --help 2>&1 | grep -q '^Aufruf: '
}

data "by-its-path" "$prog"
german "$prog" || zk_fail "LANGUAGE=de: --help of the build tree's program is not German"
# Through a symbolic link, from another directory, by a relative path.
ln -s "$prog" "$ZK_TMP/link"
data "through-a-link" "$ZK_TMP/link"
german "$ZK_TMP/link" || zk_fail "LANGUAGE=de through a link: --help is not German"
(cd "$top_builddir" && data "by-a-relative-path" ./zktls-wizard) || exit 1
# The CA step, as the quick start's defaults would run it.
"$prog" --batch --set key.type=ec-p256 --steps ca "$ZK_TMP/w.ca" >"$ZK_TMP/out.ca" 2>&1 || {
  cat "$ZK_TMP/out.ca" >&2
  zk_fail "--batch --steps ca failed from the build tree"
}
[ -s "$ZK_TMP/w.ca/ca-cert" ] || zk_fail "--steps ca wrote no ca-cert"

# The variables still win: an empty data directory, an English-only one.
mkdir "$ZK_TMP/nodata" "$ZK_TMP/nolocale"
if ZKTLS_DATADIR="$ZK_TMP/nodata" "$prog" --batch --steps zookeeper "$ZK_TMP/w.nodata" \
  >"$ZK_TMP/out.nodata" 2>&1; then
  zk_fail "ZKTLS_DATADIR no longer overrides the build tree's data"
fi
grep -qF "$ZK_TMP/nodata" "$ZK_TMP/out.nodata" || {
  cat "$ZK_TMP/out.nodata" >&2
  zk_fail "the error does not name the data directory ZKTLS_DATADIR gave"
}
if ZKTLS_LOCALEDIR="$ZK_TMP/nolocale" german "$prog"; then
  zk_fail "ZKTLS_LOCALEDIR no longer overrides the build tree's catalogs"
fi

# A copy elsewhere is no build tree's program: it looks where make install
# puts the data.  When nothing is installed there, it finds nothing, and
# names no path of the build tree.
cp "$prog" "$ZK_TMP/copy"
if "$ZK_TMP/copy" --batch --steps zookeeper "$ZK_TMP/w.copy" >"$ZK_TMP/out.copy" 2>&1; then
  echo "note: a copy of the program found data: zktls-wizard is installed under its prefix"
else
  grep -q 'installed completely' "$ZK_TMP/out.copy" || {
    cat "$ZK_TMP/out.copy" >&2
    zk_fail "the copy failed for another reason than missing data"
  }
  # The build tree's own data and catalogs, not any path below it: under
  # distcheck the install prefix lies inside the source tree.
  for tree in "$top_srcdir" "$(cd "$top_srcdir" && pwd -P)"; do
    grep -qF "$tree/data" "$ZK_TMP/out.copy" && zk_fail "a copy outside the build tree read the build tree's data"
  done
  for tree in "$top_builddir" "$(cd "$top_builddir" && pwd -P)"; do
    grep -qF "$tree/po/locale" "$ZK_TMP/out.copy" && zk_fail "a copy outside the build tree read the build tree's catalogs"
  done
  if german "$ZK_TMP/copy"; then
    zk_fail "a copy outside the build tree took the build tree's German catalog"
  fi
fi
echo "ok: the build tree's program finds its data and catalogs with no variable set"
