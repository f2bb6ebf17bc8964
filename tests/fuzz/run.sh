#!/bin/sh
# tests/fuzz/run.sh TARGET SECONDS [LIBFUZZER-OPTION...]
# Builds fuzz target TARGET (answers, jks, render, ...) with clang's
# libFuzzer, AddressSanitizer and UndefinedBehaviorSanitizer, then fuzzes it
# for SECONDS, starting from the committed seed corpus tests/fuzz/corpus/TARGET.
# New inputs go to $ZKTLS_FUZZ_WORK/TARGET/corpus (default under $TMPDIR),
# findings to .../artifacts; the log is .../fuzz.log.  Needs clang with its
# libFuzzer runtime (Debian: clang, libclang-rt-dev or the llvm-N runtime)
# and a configured tree (config.h).  Not part of make check.
set -eu

[ $# -ge 2 ] || { echo "usage: $0 TARGET SECONDS [LIBFUZZER-OPTION...]" >&2; exit 2; }
target=$1 seconds=$2
shift 2
top=$(cd "$(dirname "$0")/../.." && pwd)
src="$top/tests/fuzz/fuzz_$target.c"
[ -f "$src" ] || { echo "$0: no target $src" >&2; exit 2; }
builddir=${ZKTLS_BUILDDIR:-$top}
[ -f "$builddir/config.h" ] || { echo "$0: no config.h in $builddir: run ./configure first" >&2; exit 2; }
cc=${CLANG:-clang}
command -v "$cc" >/dev/null 2>&1 || { echo "$0: $cc is not installed" >&2; exit 2; }
work=${ZKTLS_FUZZ_WORK:-${TMPDIR:-/tmp}/zktls-fuzz}/$target
mkdir -p "$work/obj" "$work/corpus" "$work/artifacts"

sanitize="-g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined"
pkgflags=$(pkg-config --cflags openssl libcurl libarchive)
# compile [FLAG...]: clang with the sanitizers, the tree's includes and defines.
compile() {
  # shellcheck disable=SC2086 # the flag lists are meant to split into words
  "$cc" $sanitize -std=c11 -I"$builddir" -I"$top/src" -I"$top/tests/fuzz" \
    -DLOCALEDIR='"/usr/share/locale"' -DPKGDATADIR="\"$top/data\"" $pkgflags "$@"
}
libs=$(pkg-config --libs openssl libcurl libarchive)
# The core with coverage instrumentation; the harness files with the fuzzer's main.
echo "run.sh: building fuzz_$target with $cc" >&2
objs=
for c in "$top"/src/core/*.c; do
  o="$work/obj/$(basename "$c" .c).o"
  compile -fsanitize=fuzzer-no-link -c "$c" -o "$o"
  objs="$objs $o"
done
extra=
[ "$target" = render ] && extra="$top/tests/fuzz/decode.c"
# shellcheck disable=SC2086 # lists of words
compile -fsanitize=fuzzer "$src" "$top/tests/fuzz/fuzzlib.c" $extra $objs $libs -lpthread \
  -o "$work/fuzz_$target"

dict=
[ -f "$top/tests/fuzz/$target.dict" ] && dict="-dict=$top/tests/fuzz/$target.dict"
echo "run.sh: fuzzing $target for $seconds s (log: $work/fuzz.log)" >&2
status=0
# shellcheck disable=SC2086
ZKTLS_DATADIR="$top/data" nice -n 10 "$work/fuzz_$target" -max_total_time="$seconds" \
  -timeout=10 -rss_limit_mb=2048 -max_len=8192 -print_final_stats=1 \
  -artifact_prefix="$work/artifacts/" $dict "$@" "$work/corpus" "$top/tests/fuzz/corpus/$target" \
  >"$work/fuzz.log" 2>&1 || status=$?
last=$(grep -E '^#[0-9]+' "$work/fuzz.log" | tail -n 1)
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/fuzz.log")
echo "run.sh: $target: status $status, $execs executions in $seconds s; last: $last"
if [ "$status" -ne 0 ]; then
  grep -E 'ERROR|invariant|SUMMARY|Test unit written' "$work/fuzz.log" >&2 || true
  exit 1
fi
