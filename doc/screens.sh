#!/bin/sh
# Prints the README's screen captures: the real program in tmux at 80x24,
# on the defaults, the screens reachable without a download (welcome, the
# ZooKeeper step with its preview, the brokers table, an error at a field, the
# finish screen).  The temporary directory is shown as /home/you/zktls-setup.
#   sh doc/screens.sh [LANGUAGE]       (in the build tree, after make)
# The build tree's program finds the build tree's catalogs itself; for
# another program, ZKTLS_LOCALEDIR names a directory with de/LC_MESSAGES/.
set -eu
: "${ZKTLS:=./zktls-wizard}"
: "${ZKTLS_DATADIR:=$PWD/data}"
language=${1:-}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/zktls-screens.XXXXXX")
socket="zktls-screens-$$"
trap 'tmux -L "$socket" kill-server 2>/dev/null || true; rm -rf "$tmp"' EXIT

tmux -L "$socket" -f /dev/null new-session -d -x 80 -y 24 \
  "env ZKTLS_DATADIR='$ZKTLS_DATADIR' ZKTLS_LOCALEDIR='${ZKTLS_LOCALEDIR:-}' LC_ALL=C.UTF-8 LANGUAGE='$language' '$ZKTLS' '$tmp/w'; sleep 60"

# wait_for TEXT: until TEXT is on the screen (10 s at most).
wait_for() {
  n=0
  until tmux -L "$socket" capture-pane -p | grep -qF -- "$1"; do
    n=$((n + 1))
    [ "$n" -lt 100 ] || { echo "screens.sh: timed out waiting for '$1'" >&2; exit 1; }
    sleep 0.1
  done
  sleep 0.3
}

# shot TITLE: the screen as a Markdown code block, the directory normalised
# with the box's right edge kept in its column.
shot() {
  printf '%s\n\n```\n' "$1"
  tmux -L "$socket" capture-pane -p | python3 -c '
import sys, unicodedata
tmp, shown = sys.argv[1], "/home/you/zktls-setup"
def width(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
for line in sys.stdin.read().rstrip("\n").split("\n"):
    if tmp in line:
        line = line.replace(tmp + "/w", shown)
        if line.endswith("\u2502"):
            body = line[:-1].rstrip(" ")
            line = body + " " * max(0, 79 - width(body)) + "\u2502"
    print(line.rstrip())
' "$tmp"
  printf '```\n\n'
}

keys() {
  tmux -L "$socket" send-keys "$@"
}

wait_for "F10"
shot "The welcome screen:"
keys 5
wait_for "(5/7)"
keys Tab BSpace BSpace BSpace BSpace 2 1 8 3
wait_for "secureClientPort=2183"
shot "A step: the form, and below it the file the step will write, live (here zoo.cfg, with the port just typed):"
keys BSpace BSpace BSpace BSpace 7 0 0 0 0
wait_for "70000"
keys Enter
wait_for "70000"
shot "An invalid answer is marked at its field with the same message --batch gives, and Enter refuses to move on:"
keys BSpace BSpace BSpace BSpace BSpace 2 1 8 2
wait_for "secureClientPort=2182"
keys Enter
wait_for "(6/7)"
shot "The brokers: one row per broker; F5 adds one, F6 renames, F8 removes:"
keys Enter
wait_for "(7/7)"
keys Enter
wait_for "./cluster.sh start"
shot "The finish screen:"
keys F10
