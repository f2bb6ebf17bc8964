#!/bin/sh
# Time from start to the first full screen (DESIGN §9; issue: ≤ 50 ms), with
# hyperfine.  The wizard needs a terminal, so each run goes through script(1);
# script's own cost is measured alone and shown beside it.
# Usage: bench/tui-startup.sh [RUNS]   (from the build directory; needs hyperfine)
set -eu
runs=${1:-50}
: "${ZKTLS:=./zktls-wizard}"
: "${ZKTLS_DATADIR:=$(cd "$(dirname "$0")/.." && pwd)/data}"
export ZKTLS_DATADIR TERM="${TERM:-xterm-256color}"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
hyperfine --warmup 5 --runs "$runs" --export-markdown "$dir/out.md" \
  -n "script alone" "script -qec true /dev/null" \
  -n "wizard to first draw" "script -qec '$ZKTLS --exit-after-first-draw $dir/w' /dev/null" >/dev/null
cat "$dir/out.md"
