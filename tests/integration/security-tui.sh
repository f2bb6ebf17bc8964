#!/bin/sh
# SECURITY.md, "On screen": in a real terminal (tmux), no password is ever on
# the screen: not the defaults, not one from the answers file, not one being
# typed; the previews show '*' where a password goes; the keystroke trace
# (ZKTLS_TRACE) holds none; typed passwords are used exactly as typed (the
# store password saved, ca-key opening with the CA password, which is not
# saved); and after SIGABRT (like SIGSEGV in tests/tui/terminal.sh) the
# terminal is restored.

# shellcheck disable=SC2119 # the tui_* helpers take optional arguments
: "${top_srcdir:?run this test through make check}"
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
. "$top_srcdir/tests/lib/common.sh"
zk_need openssl
zk_tmpdir
# shellcheck source-path=SCRIPTDIR source=../lib/tui.sh
. "$top_srcdir/tests/lib/tui.sh"

file_pw=Pr3view-Store-4u
file_sasl=Pr3view-Sasl-7t
typed_ca=Typed-Ca-8mQ
typed_store=Typed-Store-3zW
shots="$ZK_TMP/screens"
: >"$shots"

# shot: keeps what is on the screen now, for the search at the end.
shot() {
  tui_screen >>"$shots"
}

# no_secret_on_screen: none of the passwords, defaults included, was ever shown.
no_secret_on_screen() {
  for pw in "$file_pw" "$file_sasl" "$typed_ca" "$typed_store" confidential pw4consumer pw4producer; do
    if grep -qF -- "$pw" "$shots"; then
      grep -F -- "$pw" "$shots" >&2
      zk_fail "$1: a password is on the screen"
    fi
  done
}

# ---- SIGABRT restores the terminal.
tui_start 80 24 -- "$ZK_TMP/abrt"
tui_wait "Enter: start"
pid=$(tui_pid) || zk_fail "cannot find the wizard's process"
kill -ABRT "$pid"
status=$(tui_exit_status)
[ "$status" = 134 ] || zk_fail "the wizard did not die of SIGABRT (status $status)"
tui_check_restored "after SIGABRT"
tmux -L "$TUI_SOCKET" kill-server

# ---- Previews: passwords from the answers file show as '*'.
printf 'key.type = ec-p256\nstore.password = %s\nsasl.password.consumer = %s\n' "$file_pw" "$file_sasl" \
  >"$ZK_TMP/answers"
chmod 600 "$ZK_TMP/answers"
tui_start 80 24 ZKTLS_TRACE="$ZK_TMP/trace" -- --answers "$ZK_TMP/answers" "$ZK_TMP/w"
tui_wait "Enter: start"
tui_keys 5
tui_wait "ZooKeeper (5/7)"
shot
tui_keys F4
tui_wait "zoo.cfg (0600"
shot
tui_screen | grep -q 'ssl\.keyStore\.password=\*\*\*\*' || { tui_screen >&2; zk_fail "zoo.cfg's preview does not mask the store password"; }
tui_keys Enter
tui_wait "Brokers (6/7)"
tui_wait "kafka-1.properties"
tui_keys NPage
shot
tui_screen | grep -q 'password=\*\*\*\*' || { tui_screen >&2; zk_fail "kafka-1.properties' preview shows no masked password"; }
tui_keys F4
shot
tui_keys F4
shot
# Running the step saved the answers: F10 quits without asking.
tui_keys F10
[ "$(tui_exit_status)" = 0 ] || zk_fail "F10 did not exit cleanly"
tui_check_sanitizers
tmux -L "$TUI_SOCKET" kill-server
no_secret_on_screen "previews"
# The step really wrote the password the screen hid.
grep -qxF "ssl.keyStore.password=$file_pw" "$ZK_TMP/w/zoo.cfg" || zk_fail "zoo.cfg lacks the password from the answers file"

# ---- Typing: neither field shows the password; it is saved as typed.
tui_start 80 24 ZKTLS_TRACE="$ZK_TMP/trace" -- --set key.type=ec-p256 "$ZK_TMP/t"
tui_wait "Enter: start"
tui_keys 3
tui_wait "Private CA (3/7)"
tui_keys Tab Tab Tab           # CA, subject, validity, then the CA key password
tui_wait "CA key password"
tui_keys -l "$typed_ca"
shot
tui_keys Tab
tui_keys -l "$typed_ca"
shot
tui_keys Tab Tab Tab           # page 2: key type, keystore type, keystore password
tui_wait "Keystore password"
tui_keys -l "$typed_store"
shot
tui_keys Tab
tui_keys -l "$typed_store"
sleep 0.3
shot
# Both repeats match: Enter runs the CA step with the typed passwords.
tui_keys Enter
tui_wait "Node certificates (4/7)"
shot
tui_keys F10
# Either it asks to save the answers or it ends; wait for one of them.
deadline=$(( $(date +%s) + 60 ))
until tui_screen | grep -q -e "Save your answers" -e '^ZKTLS-EXIT='; do
  [ "$(date +%s)" -lt "$deadline" ] || { tui_screen >&2; zk_fail "F10 neither asked nor quit"; }
  sleep 0.1
done
if tui_screen | grep -q "Save your answers"; then
  shot
  tui_keys y
fi
[ "$(tui_exit_status)" = 0 ] || zk_fail "F10 did not exit cleanly"
tui_check_sanitizers
no_secret_on_screen "typing"
[ -s "$ZK_TMP/trace" ] || zk_fail "ZKTLS_TRACE wrote nothing: the trace check is void"
for pw in "$file_pw" "$file_sasl" "$typed_ca" "$typed_store"; do
  grep -qF -- "$pw" "$ZK_TMP/trace" && zk_fail "the keystroke trace holds a password"
done
conf="$ZK_TMP/t/zktls-wizard.conf"
grep -qF "$typed_ca" "$conf" && zk_fail "the typed CA password was saved without save.ca_password=yes"
grep -qxF "store.password = $typed_store" "$conf" || {
  grep '^store.password' "$conf" >&2
  zk_fail "the typed store password was not saved as typed (a hidden default in the field?)"
}
PW=$typed_ca openssl pkey -in "$ZK_TMP/t/ca-key" -passin env:PW -noout ||
  zk_fail "ca-key does not open with the CA password typed in the TUI"
echo "ok: no password on screen or in the trace; previews mask them; typed passwords used as typed; SIGABRT restores the terminal"
