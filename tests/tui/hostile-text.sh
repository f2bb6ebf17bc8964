#!/bin/sh
# Text from outside in the wizard's screens cannot drive the terminal: an
# answers file whose unknown key or whose value holds an OSC title sequence
# (ESC ] 2 ; ... BEL), a C1 CSI (U+009B) and a byte that is not UTF-8, and a
# server whose .sha512 holds the same.  Everything the wizard writes to the
# terminal is recorded (tmux pipe-pane): none of the hostile sequences may be
# in it, the hostile text must be in it (drawn harmlessly), and the pane's
# title must stay as it was.
: "${top_srcdir:?run this test through make check}"
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
. "$top_srcdir/tests/lib/common.sh"
zk_tmpdir
# shellcheck source=../lib/releases.sh
. "$top_srcdir/tests/lib/releases.sh"
# shellcheck source=../lib/tui.sh
. "$top_srcdir/tests/lib/tui.sh"
zk_need python3

zk_build_releases 50000
esc=$(printf '\033')
bel=$(printf '\007')
csi=$(printf '\302\233')
raw=$(printf '\377')
printf '%s]2;PWNED-SHA%s%s31mRED%s not a sum\n' "$esc" "$bel" "$csi" "$raw" \
  > "$ZK_TMP/official/$KAFKA_PATH.sha512"
printf 'zookeeper.heap = 512m%s]2;PWNED-VALUE%s%s31mRED%s\n' "$esc" "$bel" "$csi" "$raw" \
  > "$ZK_TMP/value.conf"
printf 'k%s]2;PWNED-KEY%s%s31mRED%s = 1\n' "$esc" "$bel" "$csi" "$raw" > "$ZK_TMP/key.conf"
zk_serve M --root "$ZK_TMP/mirror"
zk_serve C --root "$ZK_TMP/official"

# start NAME ANSWERS: the wizard on them, every byte it writes kept in $ZK_TMP/pty.NAME.
start() {
  tui_start 80 24 -- --answers "$2" "--mirror=http://127.0.0.1:$M" \
    "--checksums=http://127.0.0.1:$C" "$ZK_TMP/w.$1"
  tmux -L "$TUI_SOCKET" select-pane -T before
  tmux -L "$TUI_SOCKET" pipe-pane -o "cat >> '$ZK_TMP/pty.$1'"
}

# finish NAME WHAT: nothing hostile reached the terminal, the title is unchanged.
finish() {
  title=$(tmux -L "$TUI_SOCKET" display-message -p '#{pane_title}')
  tmux -L "$TUI_SOCKET" kill-server
  [ "$title" = before ] || zk_fail "$2: the pane's title was set to '$title'"
  python3 - "$ZK_TMP/pty.$1" "$2" <<'EOF' || zk_fail "$2: hostile text reached the terminal (see above)"
import sys
data = open(sys.argv[1], "rb").read()
bad = False
for needle in (b"\x1b]2;PWNED", b"\xc2\x9b31mRED", b"RED\xff"):
    at = data.find(needle)
    if at >= 0:
        print("%s: raw %r at %d: %r" % (sys.argv[2], needle, at, data[max(0, at - 40):at + 40]))
        bad = True
if b"PWNED" not in data:
    print("%s: the hostile text was not drawn at all: the test proves nothing" % sys.argv[2])
    bad = True
sys.exit(1 if bad else 0)
EOF
  tui_check_sanitizers
}

# An unknown key in the answers file: named on the message line at the start;
# then the download fails on the .sha512, whose text the failure shows.
start key "$ZK_TMP/key.conf"
tui_wait "PWNED-KEY"
tui_wait "Enter: start"
tui_keys Enter
tui_wait "Download (1/7)"
tui_keys Enter
tui_wait "PWNED-SHA" 30
finish key "unknown key and .sha512"

# A value kept for repair: in the preview of java.env, which the review shows.
start value "$ZK_TMP/value.conf"
tui_wait "Enter: start"
tui_keys F9
tui_wait "Review:"
n=0
while ! tui_screen | grep -q -- '─ java.env'; do
  n=$((n + 1))
  [ "$n" -lt 40 ] || { tui_screen >&2; zk_fail "java.env is not in the review"; }
  tui_keys Down
  sleep 0.1
done
tui_wait "PWNED-VALUE" 10
finish value "answer value"

echo "ok: text from answers and servers is drawn, not obeyed"
