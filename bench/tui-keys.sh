#!/bin/sh
# Keystroke to redrawn preview (DESIGN §9; issue: p95 ≤ 16 ms) and peak RSS
# while editing (≤ 16 MiB).  tmux types into the ZooKeeper port field; the
# wizard's ZKTLS_TRACE file has a "key" line when a key is read and a "drawn"
# line after doupdate(); each key's latency is the gap to the next "drawn".
# Usage: bench/tui-keys.sh [KEYS]   (from the build directory; needs tmux)
set -eu
keys=${1:-200}
: "${ZKTLS:=./zktls-wizard}"
: "${ZKTLS_DATADIR:=$(cd "$(dirname "$0")/.." && pwd)/data}"
dir=$(mktemp -d)
sock=zktls-bench-$$
trap 'tmux -L "$sock" kill-server 2>/dev/null; rm -rf "$dir"' EXIT
tmux -L "$sock" -f /dev/null new-session -d -x 120 -y 40 \
  "exec env ZKTLS_DATADIR=$ZKTLS_DATADIR ZKTLS_TRACE=$dir/trace LC_ALL=C.UTF-8 $ZKTLS $dir/w"
sleep 1
tmux -L "$sock" send-keys 5          # the ZooKeeper screen: zoo.cfg in the preview
sleep 0.5
tmux -L "$sock" send-keys Tab
sleep 0.3
: >"$dir/trace"
i=0
while [ "$i" -lt "$keys" ]; do
  # Alternate typing and deleting a digit, so every key changes zoo.cfg.
  if [ $((i % 2)) -eq 0 ]; then tmux -L "$sock" send-keys 7; else tmux -L "$sock" send-keys BSpace; fi
  sleep 0.03
  i=$((i + 1))
done
sleep 0.5
pid=$(tmux -L "$sock" display-message -p '#{pane_pid}')
rss=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
awk -v rss="$rss" '
  $1 == "key" { if (pending == "") pending = $2; next }
  $1 == "drawn" && pending != "" { lat[n++] = ($2 - pending) * 1000; pending = "" }
  END {
    if (n == 0) { print "no samples"; exit 1 }
    for (i = 0; i < n; i++) for (j = i + 1; j < n; j++) if (lat[j] < lat[i]) { t = lat[i]; lat[i] = lat[j]; lat[j] = t }
    printf "keystrokes: %d  p50: %.2f ms  p95: %.2f ms  max: %.2f ms  peak RSS: %.1f MiB\n",
      n, lat[int(n * 0.50)], lat[int(n * 0.95)], lat[n - 1], rss / 1024
  }' "$dir/trace"
