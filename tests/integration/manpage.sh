#!/bin/sh
# The man page is in step with --help: every long option of --help is in its
# OPTIONS section and every option there is in --help; it names the version
# --version prints, has the sections a user looks for, and groff renders it
# without a warning.
: "${top_srcdir:?run this test through make check}"
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
. "$top_srcdir/tests/lib/common.sh"
zk_need groff
zk_tmpdir

page="$top_srcdir/zktls-wizard.1"
[ -f "$page" ] || zk_fail "$page is missing"

# Rendered as plain ASCII (\- a hyphen; no bold, underline or overstrike)
# with every warning on.
LC_ALL=C groff -man -Tascii -P -bcou -ww "$page" 2>"$ZK_TMP/warnings" >"$ZK_TMP/page" ||
  zk_fail "groff cannot render the man page"
if [ -s "$ZK_TMP/warnings" ]; then
  cat "$ZK_TMP/warnings" >&2
  zk_fail "groff warns about the man page"
fi

# And as man(1) shows it, where man-db is installed (groff above suffices).
if command -v man >/dev/null 2>&1; then
  LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" >/dev/null 2>"$ZK_TMP/man-warnings" ||
    zk_fail "man -l cannot show the man page"
  if [ -s "$ZK_TMP/man-warnings" ]; then
    cat "$ZK_TMP/man-warnings" >&2
    zk_fail "man -l warns about the man page"
  fi
fi

for section in NAME SYNOPSIS DESCRIPTION OPTIONS ANSWERS FILES 'EXIT STATUS' ENVIRONMENT \
    EXAMPLES 'SEE ALSO'; do
  grep -qx "$section" "$ZK_TMP/page" || zk_fail "the man page has no $section section"
done
for var in ZKTLS_DATADIR NO_COLOR ESCDELAY ZKTLS_TRACE; do
  sed -n '/^ENVIRONMENT$/,/^[A-Z]/p' "$ZK_TMP/page" | grep -q "^ *$var" ||
    zk_fail "the man page's ENVIRONMENT does not describe $var"
done

# Long options: of --help, in English whatever the caller's locale.
LC_ALL=C LANGUAGE='' "$ZKTLS" --help >"$ZK_TMP/help" || zk_fail "--help failed"
grep -oE '^ +(-[a-zA-Z], )?--[a-z][a-z0-9-]*' "$ZK_TMP/help" | grep -oE -- '--[a-z0-9-]+' |
  sort -u >"$ZK_TMP/help-options"
[ "$(wc -l <"$ZK_TMP/help-options")" -ge 10 ] ||
  zk_fail "found only $(wc -l <"$ZK_TMP/help-options") options in --help: this test is broken"
# ... and of the man page: the tags of its OPTIONS section.
sed -n '/^OPTIONS$/,/^[A-Z]/p' "$ZK_TMP/page" |
  grep -oE '^       (-[a-zA-Z], )?--[a-z][a-z0-9-]*' | grep -oE -- '--[a-z0-9-]+' |
  sort -u >"$ZK_TMP/man-options"
if ! cmp -s "$ZK_TMP/help-options" "$ZK_TMP/man-options"; then
  echo "--help (<) and the man page's OPTIONS (>) differ:" >&2
  diff "$ZK_TMP/help-options" "$ZK_TMP/man-options" >&2 || true
  zk_fail "the man page is not in step with --help"
fi
# Every option the page mentions anywhere exists.
grep -oE -- '--[a-z][a-z0-9-]+' "$ZK_TMP/page" | sort -u >"$ZK_TMP/mentioned"
extra=$(comm -23 "$ZK_TMP/mentioned" "$ZK_TMP/help-options" | tr '\n' ' ')
[ -z "$extra" ] || zk_fail "the man page mentions options --help does not have: $extra"

# The version in the page's header is the program's.
version=$("$ZKTLS" --version | sed -n '1s/^zktls-wizard //p')
[ -n "$version" ] || zk_fail "--version prints no version"
grep -q "^\\.TH .*\"zktls-wizard $version\"" "$page" ||
  zk_fail "the man page's .TH does not name version $version"

# The answer keys of the README's table are all described.
# shellcheck disable=SC2016 # backquotes are Markdown here, not the shell's
sed -n '/^## Answers/,/^## /p' "$top_srcdir/README.md" | grep '^| `' | cut -d '|' -f 2 |
  grep -oE '`[^`]+`' | tr -d '`' >"$ZK_TMP/keys"
[ -s "$ZK_TMP/keys" ] || zk_fail "found no answer keys in README.md: this test is broken"
while read -r key; do
  pattern=$(printf '%s' "$key" | sed 's/NAME/[A-Za-z]*/; s/USER/[A-Za-z]*/; s/\./\\./g')
  sed -n '/^ANSWERS$/,/^[A-Z]/p' "$ZK_TMP/page" | grep -q "$pattern" ||
    zk_fail "the man page's ANSWERS lacks $key (README.md has it)"
done <"$ZK_TMP/keys"
# The workshop answers file the docs hand out is valid and gives its setup.
"$ZKTLS" --batch -a "$top_srcdir/doc/workshop.conf" --steps zookeeper,brokers,clients \
  "$ZK_TMP/workshop" >/dev/null || zk_fail "doc/workshop.conf is not a valid answers file"
[ -f "$ZK_TMP/workshop/kafka-3.properties" ] || zk_fail "doc/workshop.conf did not give three brokers"

# No address that does not exist: --help, --version, the man page and
# configure --help name none but Apache's archive (the default mirror) and
# the GPL's (there is no project home, so no bug-report address).
{
  LC_ALL=C LANGUAGE='' "$ZKTLS" --help
  LC_ALL=C LANGUAGE='' "$ZKTLS" --version
  cat "$page"
  "$top_srcdir/configure" --help
} | grep -oE '(https?|ftp)://[^ )>"]*|[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[a-z]{2,}' |
  sed 's/[.,;]*$//' | sort -u >"$ZK_TMP/addresses"
unknown=$(grep -vx -e 'https://archive.apache.org/dist' -e 'https://gnu.org/licenses/gpl.html' \
  "$ZK_TMP/addresses" | tr '\n' ' ')
[ -z "$unknown" ] || zk_fail "--help, --version, the man page or configure names an address: $unknown"
grep -q 'archive.apache.org' "$ZK_TMP/addresses" || zk_fail "found no address at all: this check is broken"

echo "ok: the man page matches --help ($(wc -l <"$ZK_TMP/help-options") options) and renders cleanly"
