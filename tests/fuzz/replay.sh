#!/bin/sh
# The fuzz targets, built as plain programs, replay the committed seed
# corpora (tests/fuzz/corpus/TARGET): each input must run without a crash, a
# sanitizer report or a broken invariant, and end (a generous 300 s per
# target catches a hang, not a slow machine: a replay takes under a second).
: "${top_srcdir:?run this test through make check}" "${top_builddir:?run this test through make check}"
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
. "$top_srcdir/tests/lib/common.sh"
zk_need timeout
zk_tmpdir

targets="answers jks render sha512 archive check"
for target in $targets; do
  program="$top_builddir/tests/fuzz/fuzz_$target"
  corpus="$top_srcdir/tests/fuzz/corpus/$target"
  [ -x "$program" ] || zk_fail "$program is not built"
  [ -d "$corpus" ] || zk_fail "no seed corpus $corpus"
  count=$(find "$corpus" -type f | wc -l)
  [ "$count" -gt 0 ] || zk_fail "the seed corpus $corpus is empty"
  log="$ZK_TMP/replay-$target.log"
  if ! timeout 300 "$program" "$corpus" >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    zk_fail "fuzz_$target: a seed input fails (the last 'replay' line above names it)"
  fi
  tail -n 1 "$log"
done
echo "ok: every fuzz target replays its seed corpus"
