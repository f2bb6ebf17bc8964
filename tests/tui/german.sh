#!/bin/sh
# German: with LC_ALL=C.UTF-8 LANGUAGE=de (and with a real de_DE.UTF-8 locale)
# --help, an error of --batch, the check report and the TUI's welcome screen,
# a step, an error at a field and the finish screen are German, and the TUI
# fits 80x24.  The catalog is compiled from po/de.po into a temporary
# directory that ZKTLS_LOCALEDIR points at; nothing needs to be installed.
: "${top_srcdir:?run this test through make check}"
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
. "$top_srcdir/tests/lib/common.sh"
zk_tmpdir
# shellcheck source-path=SCRIPTDIR source=../lib/tui.sh
. "$top_srcdir/tests/lib/tui.sh"
zk_need msgfmt

mkdir -p "$ZK_TMP/locale/de/LC_MESSAGES"
msgfmt -o "$ZK_TMP/locale/de/LC_MESSAGES/zktls-wizard.mo" "$top_srcdir/po/de.po" ||
  zk_fail "po/de.po does not compile"
ZKTLS_LOCALEDIR="$ZK_TMP/locale"
export ZKTLS_LOCALEDIR

# The program must take its catalogs from ZKTLS_LOCALEDIR (src/main.c binds
# the text domain there when it is set), or nothing here can be German.
LC_ALL=C.UTF-8 LANGUAGE=de "$ZKTLS" --help | grep -q '^Aufruf: ' ||
  zk_fail "no German with ZKTLS_LOCALEDIR=$ZKTLS_LOCALEDIR: does src/main.c bind the text domain to \$ZKTLS_LOCALEDIR when it is set?"

# de ARGS...: runs the wizard with German messages in C.UTF-8.
de() {
  LC_ALL=C.UTF-8 LANGUAGE=de "$ZKTLS" "$@"
}

# The control: without LANGUAGE the same build speaks English, so a German
# string found below comes from the catalog.
LC_ALL=C.UTF-8 LANGUAGE='' "$ZKTLS" --help | grep -q '^Usage: ' || zk_fail "--help is not English in C.UTF-8"

# --help: German, every option still there, no line wider than 80 columns.
de --help >"$ZK_TMP/help" || zk_fail "--help failed in German"
grep -q '^Aufruf: ' "$ZK_TMP/help" || { cat "$ZK_TMP/help" >&2; zk_fail "--help is not German"; }
grep -q '^Exit-Status: 0 Erfolg' "$ZK_TMP/help" || zk_fail "--help lacks the German exit status lines"
options=$(LC_ALL=C LANGUAGE='' "$ZKTLS" --help | grep -oE '^ +(-[a-zA-Z], )?--[a-z][a-z0-9-]*' |
  grep -oE -- '--[a-z0-9-]+')
for opt in $options; do
  grep -q -- "$opt" "$ZK_TMP/help" || zk_fail "the German --help lacks $opt"
done
width=$(LC_ALL=C.UTF-8 wc -L <"$ZK_TMP/help")
[ "$width" -le 80 ] || zk_fail "German --help has lines $width columns wide"

# A usage error: German and exit 2.
set +e
de --no-such-option >/dev/null 2>"$ZK_TMP/usage"
status=$?
set -e
[ "$status" = 2 ] || zk_fail "a usage error exited $status, not 2"
grep -q 'gibt weitere Informationen' "$ZK_TMP/usage" || { cat "$ZK_TMP/usage" >&2; zk_fail "the usage error is not German"; }

# An error of --batch: the answer key stays, the message is German, exit 1,
# nothing written.
set +e
de --batch --set zookeeper.secure_port=70000 --steps zookeeper "$ZK_TMP/never" \
  >/dev/null 2>"$ZK_TMP/batch-error"
status=$?
set -e
[ "$status" = 1 ] || zk_fail "an invalid port exited $status, not 1"
grep -qF "zookeeper.secure_port: '70000' ist kein Port: erlaubt sind 1 bis 65535" \
  "$ZK_TMP/batch-error" || { cat "$ZK_TMP/batch-error" >&2; zk_fail "the batch error is not German"; }
grep -q 'nichts wurde geschrieben' "$ZK_TMP/batch-error" || zk_fail "batch does not say in German that nothing was written"
[ ! -e "$ZK_TMP/never" ] || zk_fail "batch with an invalid port wrote files"

# The check report on a directory with configuration but no keystores:
# German headings and findings, and no English left in them.
de --batch --steps zookeeper,brokers,clients "$ZK_TMP/w" >"$ZK_TMP/batch-out" ||
  zk_fail "the German batch run failed"
grep -q '^zookeeper: fertig: .*zoo.cfg geschrieben' "$ZK_TMP/batch-out" ||
  { cat "$ZK_TMP/batch-out" >&2; zk_fail "batch's step lines are not German"; }
set +e
de check "$ZK_TMP/w" >"$ZK_TMP/check" 2>&1
status=$?
set -e
[ "$status" = 1 ] || { cat "$ZK_TMP/check" >&2; zk_fail "check on a directory without keystores exited $status, not 1"; }
for text in '^Probleme:' '^In Ordnung:' 'secureClientPort=2182: Clients verbinden sich mit TLS' \
    'kein unverschlüsselter clientPort' 'der AdminServer ist aus' \
    'der Keystore zookeeper.jks existiert nicht'; do
  grep -q "$text" "$ZK_TMP/check" || { cat "$ZK_TMP/check" >&2; zk_fail "the German check report lacks '$text'"; }
done
if grep -E '^(Problems|Warnings|Right):|does not exist|clients connect with TLS' "$ZK_TMP/check" >&2; then
  zk_fail "English in the German check report"
fi

# The TUI at 80x24.
status_line='Tab Feld  Enter weiter  Esc zurück  F1 Hilfe  F3/F4 Datei  F9 Prüfen  F10 Ende'

# check_fits WHERE: the German status line is whole on the bottom line, and
# nothing English that the catalog translates is left on the screen.
check_fits() {
  tui_screen >"$ZK_TMP/screen"
  tail -n 1 "$ZK_TMP/screen" | grep -qx "$status_line *" ||
    { cat "$ZK_TMP/screen" >&2; zk_fail "$1: the German status line is not whole on the last line"; }
  if grep -E 'Tab field|Enter: start|Working directory|Preview|page [0-9]' "$ZK_TMP/screen" >&2; then
    zk_fail "$1: English on the German screen"
  fi
}

tui_start 80 24 LANGUAGE=de "ZKTLS_LOCALEDIR=$ZKTLS_LOCALEDIR" -- --steps zookeeper,brokers,clients "$ZK_TMP/tui"
tui_wait "zktls-wizard — Willkommen"
tui_wait "Enter: Start   1-7: zu einem Schritt   F10: Beenden"
tui_wait "Arbeitsverzeichnis: "
tui_wait "verwendbar: beschreibbar, mit genug freiem Platz"
# The whole introduction is there, up to its last word.
tui_screen | sed -e 's/^[│|] *//' -e 's/ *[│|]$//' | tr '\n' ' ' | grep -q "den Brokern\\." ||
  zk_fail "the German welcome text is cut off"
check_fits "welcome"

# A step: title, labels, explanation whole, the preview's header.
tui_keys 5
tui_wait "ZooKeeper (5/7)"
tui_wait "ZooKeeper-TLS-Port"
tui_wait "java.env (0644, neu)"
tui_wait "Seite 1/2: Tab für mehr"
# Prose wraps between words: read the box's rows as one text.
tui_screen | sed -e 's/^[│|] *//' -e 's/ *[│|]$//' | tr '\n' ' ' | grep -q "Keystore und Truststore\\." ||
  zk_fail "the German step explanation is cut off"
check_fits "the ZooKeeper step"

# An error at a field: the field is marked, the message is batch's German one.
tui_keys Tab BSpace BSpace BSpace BSpace 7 0 0 0 0
tui_wait "secureClientPort=70000"
batch_message=$(head -n 1 "$ZK_TMP/batch-error" | sed 's/^zktls-wizard: //')
tui_wait "$batch_message"
tui_screen | grep -q '70000 *!' || zk_fail "the invalid field carries no '!' mark"
tui_keys Enter
tui_wait "Noch nicht: zookeeper.secure_port"
check_fits "the error at a field"
tui_keys BSpace BSpace BSpace BSpace BSpace 2 1 8 2
tui_wait "secureClientPort=2182"

# Help and the commands: German titles.
tui_keys F1
tui_wait "ZooKeeper-TLS-Port (zookeeper.secure_port)"
tui_wait "Tasten: Tab, Shift-Tab"
tui_keys Escape
tui_wait "ZooKeeper (5/7)"
tui_keys F2
tui_wait "Die Befehle (F2: zurück zu den Dateien)"
check_fits "the commands"
tui_keys F2
tui_wait "zoo.cfg (0600"

# The brokers table and the finish screen.
tui_keys Enter
tui_wait "Broker (6/7)"
tui_wait "Log-Verzeichnis"
check_fits "the brokers table"
tui_keys Enter
tui_wait "Clients (7/7)"
tui_keys Enter
tui_wait "zktls-wizard — Fertig"
tui_wait "So betreiben Sie den Cluster:"
tui_wait "./cluster.sh start     (ZooKeeper, dann die Broker; wartet, bis TLS geht)"
tui_wait "./cluster.sh cleanup   (stoppt, entfernt dann Daten und Logs)"
tui_wait "Was dieser Lauf getan hat:"
tui_wait "zoo.cfg geschrieben"
tui_keys F10
status=$(tui_exit_status)
[ "$status" = 0 ] || zk_fail "the German wizard exited with $status"
tui_check_restored "after F10 in German"
tui_check_sanitizers
cmp -s "$ZK_TMP/w/zoo.cfg" "$ZK_TMP/tui/zoo.cfg" || zk_fail "the German TUI wrote another zoo.cfg than batch"
tmux -L "$TUI_SOCKET" kill-server

# A real de_DE.UTF-8 locale, LANGUAGE unset: from the system when it has one,
# else compiled here (localedef needs no root with LOCPATH).
locpath=
if ! locale -a 2>/dev/null | grep -qix 'de_DE\.utf-\?8'; then
  mkdir -p "$ZK_TMP/locales"
  if command -v localedef >/dev/null 2>&1 && [ -f /usr/share/i18n/locales/de_DE ] &&
      localedef -i de_DE -f UTF-8 "$ZK_TMP/locales/de_DE.UTF-8" >"$ZK_TMP/localedef" 2>&1; then
    locpath="LOCPATH=$ZK_TMP/locales"
    echo "note: 'locale -a' lists no de_DE.UTF-8; using one made here with localedef"
  else
    zk_skip "no de_DE.UTF-8 locale, and localedef cannot make one (tested with C.UTF-8 + LANGUAGE=de only)"
  fi
fi
# shellcheck disable=SC2086 # $locpath is one assignment or nothing
env $locpath LC_ALL=de_DE.UTF-8 LANGUAGE='' "$ZKTLS" --help | grep -q '^Aufruf: ' ||
  zk_fail "--help is not German under LC_ALL=de_DE.UTF-8"
set +e
# shellcheck disable=SC2086
env $locpath LC_ALL=de_DE.UTF-8 LANGUAGE='' "$ZKTLS" --batch --set zookeeper.secure_port=70000 \
  --steps zookeeper "$ZK_TMP/never" >/dev/null 2>"$ZK_TMP/batch-error-de"
set -e
cmp -s "$ZK_TMP/batch-error" "$ZK_TMP/batch-error-de" ||
  { diff "$ZK_TMP/batch-error" "$ZK_TMP/batch-error-de" >&2; zk_fail "the batch error differs under de_DE.UTF-8"; }
TUI_LC_ALL=de_DE.UTF-8
# shellcheck disable=SC2086
tui_start 80 24 LANGUAGE= $locpath "ZKTLS_LOCALEDIR=$ZKTLS_LOCALEDIR" -- "$ZK_TMP/tui-de"
tui_wait "zktls-wizard — Willkommen"
tui_keys 6
tui_wait "Broker (6/7)"
tui_wait "SASL_SSL Log-Verzeichnis"
check_fits "the brokers table under de_DE.UTF-8"
tui_keys F10
status=$(tui_exit_status)
[ "$status" = 0 ] || zk_fail "the wizard exited with $status under de_DE.UTF-8"
tui_check_sanitizers
echo "ok: --help, batch errors, the check report and the TUI are German and fit 80x24"
