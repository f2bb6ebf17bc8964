#!/bin/sh
# Every source file with translatable strings must be in po/POTFILES.in, or
# its strings never reach the translators; and every listed file must exist.
. "$top_srcdir/tests/lib/common.sh"
cd "$top_srcdir"
listed=$(grep -v '^#' po/POTFILES.in | grep -v '^$')
for f in $listed; do
  [ -f "$f" ] || zk_fail "po/POTFILES.in lists $f, which does not exist"
done
missing=
for f in $(grep -rlE '(^|[^A-Za-z0-9_])N?_\("' src --include='*.c' | sort); do
  echo "$listed" | grep -qx "$f" || missing="$missing $f"
done
[ -z "$missing" ] || zk_fail "po/POTFILES.in misses:$missing"
# The check can fail: a file with _() strings must be found at all.
grep -q '_("' src/main.c || zk_fail "src/main.c has no _() strings; fix this test"
echo "ok: po/POTFILES.in lists every file with translatable strings"
