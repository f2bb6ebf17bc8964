#!/bin/sh
# The PKI benchmark (issue 3): the whole PKI (ca + certs, the article's four
# nodes) against its physical floor, generating the same five keys alone in
# parallel (pki-floor.c), and against the article's own openssl + keytool
# sequence (pki-article.sh).  Needs hyperfine, a C compiler, openssl, keytool.
#
#   ZKTLS=./zktls-wizard ZKTLS_DATADIR=data bench/pki-bench.sh [RUNS]
#
# Prints hyperfine's tables (also written to $OUT, default ./pki-bench.md),
# the ratio wizard/floor for rsa2048, and the peak RSS of the whole PKI.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
runs=${1:-30}
ZKTLS=${ZKTLS:-./zktls-wizard}
ZKTLS=$(cd "$(dirname "$ZKTLS")" && pwd)/$(basename "$ZKTLS")
: "${ZKTLS_DATADIR:=$here/../data}"
export ZKTLS ZKTLS_DATADIR
OUT=${OUT:-$PWD/pki-bench.md}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pki-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

cc -O2 -o "$tmp/pki-floor" "$here/pki-floor.c" $(pkg-config --cflags --libs openssl) -pthread

echo "cores: $(nproc); runs: $runs" | tee "$OUT"
hyperfine --style basic --warmup 3 --runs "$runs" \
  --export-json "$tmp/rsa.json" --export-markdown "$tmp/rsa.md" \
  -n 'floor: 5 rsa2048 keys in parallel' "$tmp/pki-floor rsa2048 5" \
  -n 'zktls-wizard ca,certs (rsa2048, jks)' \
    --prepare "rm -rf $tmp/w" "$ZKTLS --batch --steps ca,certs $tmp/w"
cat "$tmp/rsa.md" >>"$OUT"

hyperfine --style basic --warmup 3 --runs "$runs" \
  --export-json "$tmp/ec.json" --export-markdown "$tmp/ec.md" \
  -n 'floor: 5 ec-p256 keys in parallel' "$tmp/pki-floor ec-p256 5" \
  -n 'zktls-wizard ca,certs (ec-p256, jks)' \
    --prepare "rm -rf $tmp/w" "$ZKTLS --batch --steps ca,certs --set key.type=ec-p256 $tmp/w"
cat "$tmp/ec.md" >>"$OUT"

hyperfine --style basic --warmup 1 --runs "$(( runs < 5 ? runs : 5 ))" \
  --export-json "$tmp/art.json" --export-markdown "$tmp/art.md" \
  -n 'article: openssl + keytool (rsa2048, jks)' \
    --prepare "rm -rf $tmp/a" "bash $here/pki-article.sh $tmp/a"
cat "$tmp/art.md" >>"$OUT"

mean() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]["mean"])' "$@"; }
python3 - "$(mean "$tmp/rsa.json" 0)" "$(mean "$tmp/rsa.json" 1)" "$(mean "$tmp/ec.json" 1)" \
  "$(mean "$tmp/art.json" 0)" <<'PY' | tee -a "$OUT"
import sys
floor, rsa, ec, art = map(float, sys.argv[1:])
print(f"\nwhole PKI / floor (rsa2048): {rsa / floor:.3f} (target <= 1.15)")
print(f"article / whole PKI (rsa2048): {art / rsa:.1f}x")
print(f"whole PKI ec-p256: {ec * 1000:.1f} ms (target < 100 ms); article / it: {art / ec:.0f}x (target >= 100x)")
PY

if [ -x /usr/bin/time ]; then
  rm -rf "$tmp/w"
  /usr/bin/time -f '%M' -o "$tmp/rss" "$ZKTLS" --batch --steps ca,certs "$tmp/w" >/dev/null
  echo "peak RSS, whole PKI rsa2048: $(cat "$tmp/rss") KiB (target < 16384)" | tee -a "$OUT"
fi
