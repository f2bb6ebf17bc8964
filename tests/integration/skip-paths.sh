#!/bin/sh
# Every shell test's skip path works: run with the tools it asks zk_need for
# missing from PATH (and ZKTLS_TEST_STRICT unset), each test exits 77 and
# says SKIP, rather than failing on its own variables (an exit trap removing
# a $ZK_TMP not made yet, say) or on a tool it uses before asking for it.
: "${top_srcdir:?run this test through make check}"
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
. "$top_srcdir/tests/lib/common.sh"
zk_need python3 timeout
zk_tmpdir

# For each test that asks zk_need for tools (tmux for the terminal tests,
# java for the ZooKeeper ones; words built from variables left out), a
# PATH holding everything this machine's PATH does but those tools: a
# directory of links to every executable no test asks for, and one per test
# with the tools the other tests ask for.  Prints N, the test and its tools.
python3 - "$ZK_TMP" "$PATH" "$top_srcdir"/tests/*.sh "$top_srcdir"/tests/*/*.sh >"$ZK_TMP/plan" <<'PY'
import os, re, sys
tmp, path, files = sys.argv[1], sys.argv[2], sys.argv[3:]
wanted = {}
for f in files:
    if '/tests/lib/' in f or f.endswith(('/tests/fuzz/run.sh', '/skip-paths.sh')):
        continue
    text = open(f).read()
    tools = set()
    for line in re.findall(r'^\s*zk_need ([^\n#]*)', text, re.M):
        tools.update(w for w in line.split() if re.fullmatch(r'[A-Za-z0-9_.+-]+', w))
    if 'tests/lib/tui.sh' in text:
        tools.add('tmux')
    if 'zk_need_zookeeper' in text:
        tools.add('java')
    if tools:
        wanted[f] = tools
every = set().union(*wanted.values())
executables = {}
for d in path.split(':'):
    if d and os.path.isdir(d):
        for name in os.listdir(d):
            full = os.path.join(d, name)
            if name not in executables and os.path.isfile(full) and os.access(full, os.X_OK):
                executables[name] = full
def link(bin, names):
    os.mkdir(bin)
    for name in names:
        if name in executables:
            os.symlink(executables[name], os.path.join(bin, name))
link(os.path.join(tmp, 'base'), set(executables) - every)
for n, (f, tools) in enumerate(sorted(wanted.items()), 1):
    link(os.path.join(tmp, 'bin.%d' % n), every - tools)
    print('%d\t%s\t%s' % (n, f, ' '.join(sorted(tools))))
PY
count=0
while IFS='	' read -r n t tools; do
  count=$((count + 1))
  bin="$ZK_TMP/bin.$n:$ZK_TMP/base"
  shell=/bin/sh
  head -n 1 "$t" | grep -q bash && shell=$(command -v bash)
  rc=0
  env PATH="$bin" ZKTLS_TEST_STRICT=0 TMPDIR="$ZK_TMP" "$(command -v timeout)" 300 \
    "$shell" "$t" >"$ZK_TMP/out" 2>"$ZK_TMP/err" || rc=$?
  name=${t#"$top_srcdir"/}
  if [ "$rc" -ne 77 ] || ! grep -q '^SKIP: ' "$ZK_TMP/err"; then
    cat "$ZK_TMP/err" >&2
    zk_fail "$name without $tools: exit $rc, not a skip (77)"
  fi
  grep -q -e 'parameter not set' -e 'unbound variable' -e 'not found' "$ZK_TMP/err" && {
    cat "$ZK_TMP/err" >&2
    zk_fail "$name: its skip path stumbles"
  }
  # It cleaned up after itself: nothing of it is left in TMPDIR.
  left=$(find "$ZK_TMP" -mindepth 1 -maxdepth 1 -name 'zktls-test.*' | head -n 1)
  [ -z "$left" ] || zk_fail "$name left $left behind when it skipped"
done <"$ZK_TMP/plan"
[ "$count" -ge 15 ] || zk_fail "found only $count tests that ask for tools: this test is broken"
echo "ok: $count tests skip cleanly when a tool they need is missing"
