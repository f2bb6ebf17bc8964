#!/bin/sh
# Every translation in po/LINGUAS is complete and current: no untranslated or
# fuzzy entry, placeholders that match (msgfmt --check), and every msgid the
# sources have today (a template regenerated from po/POTFILES.in with the
# keywords of po/Makevars, compared with msgcmp).
: "${top_srcdir:?run this test through make check}"
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
. "$top_srcdir/tests/lib/common.sh"
zk_need msgfmt msgattrib msgcmp xgettext
zk_tmpdir
cd "$top_srcdir" || zk_fail "cannot enter $top_srcdir"

linguas=$(sed -e 's/#.*//' po/LINGUAS | tr -s ' \t' '\n' | grep -v '^$' || true)
echo "$linguas" | grep -qx de || zk_fail "po/LINGUAS does not list de"

# The template, as po/Makefile would make it, but in a temporary directory
# (the source tree may be read-only under distcheck).
options=$(sed -n '/^XGETTEXT_OPTIONS *=/,/[^\\]$/p' po/Makevars |
  sed -e 's/^XGETTEXT_OPTIONS *= *//' -e 's/\\$//' | tr '\n' ' ')
[ -n "$options" ] || zk_fail "no XGETTEXT_OPTIONS in po/Makevars"
grep -v '^#' po/POTFILES.in | grep -v '^ *$' >"$ZK_TMP/files"
# shellcheck disable=SC2086 # the options are words
xgettext --default-domain=zktls-wizard --add-comments=TRANSLATORS: $options \
  --files-from="$ZK_TMP/files" -o "$ZK_TMP/zktls-wizard.pot" ||
  zk_fail "xgettext could not make the template"
msgids=$(grep -c '^msgid ' "$ZK_TMP/zktls-wizard.pot")
[ "$msgids" -gt 100 ] || zk_fail "the regenerated template has only $msgids msgids: the test is broken"

for lang in $linguas; do
  po="po/$lang.po"
  [ -f "$po" ] || zk_fail "po/LINGUAS lists $lang, but $po does not exist"
  msgfmt --check --statistics -o /dev/null "$po" 2>"$ZK_TMP/stats" ||
    { cat "$ZK_TMP/stats" >&2; zk_fail "$po: msgfmt --check fails"; }
  msgattrib --untranslated --no-obsolete "$po" >"$ZK_TMP/untranslated"
  if grep -q '^msgid "[^"]' "$ZK_TMP/untranslated" ||
      [ "$(grep -c '^msgid ' "$ZK_TMP/untranslated")" -gt 1 ]; then
    grep -A1 '^msgid ' "$ZK_TMP/untranslated" | head -n 20 >&2
    zk_fail "$po has untranslated entries ($(cat "$ZK_TMP/stats"))"
  fi
  msgattrib --only-fuzzy --no-obsolete "$po" >"$ZK_TMP/fuzzy"
  if [ "$(grep -c '^msgid ' "$ZK_TMP/fuzzy")" -gt 1 ]; then
    grep -A1 '^msgid ' "$ZK_TMP/fuzzy" | head -n 20 >&2
    zk_fail "$po has fuzzy entries ($(cat "$ZK_TMP/stats")); review them and remove the fuzzy mark"
  fi
  # msgcmp ignores untranslated and fuzzy entries, so any msgid the sources
  # have and the catalog lacks (or has only as a guess) fails here.
  msgcmp "$po" "$ZK_TMP/zktls-wizard.pot" 2>"$ZK_TMP/msgcmp" ||
    { head -n 20 "$ZK_TMP/msgcmp" >&2
      zk_fail "$po is out of date: run 'make -C po update-po' and translate the new strings"; }
  echo "ok: $po: $(cat "$ZK_TMP/stats")"
done

# The check finds what it should: a catalog missing one msgid fails msgcmp.
msgattrib --no-obsolete po/de.po | awk 'BEGIN{RS="";ORS="\n\n"} NR!=2' >"$ZK_TMP/short.po"
if msgcmp "$ZK_TMP/short.po" "$ZK_TMP/zktls-wizard.pot" 2>/dev/null; then
  zk_fail "msgcmp accepted a catalog with a msgid removed: this test is broken"
fi
echo "ok: every catalog is complete and current"
