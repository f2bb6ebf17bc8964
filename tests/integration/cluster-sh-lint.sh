#!/bin/sh
# The rendered cluster.sh: shellcheck-clean, bash -n, executable, no password
# in it, no dependence on where the working directory was, and the commands
# that need no Java answer with the documented exit codes.

: "${top_srcdir:?run this test through make check}"
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
. "$top_srcdir/tests/lib/common.sh"

zk_need shellcheck bash
zk_tmpdir

w="$ZK_TMP/w"
# Passwords nobody would write by accident, to look for them afterwards.
store_pw='Store-Secret-q7Z'
ca_pw='Ca-Secret-k3X'
consumer_pw='Consumer-Secret-m4W'
producer_pw='Producer-Secret-p8V'

"$ZKTLS" --batch --steps clients \
	--set "store.password=$store_pw" --set "ca.password=$ca_pw" \
	--set "sasl.password.consumer=$consumer_pw" --set "sasl.password.producer=$producer_pw" \
	"$w" >"$ZK_TMP/out" 2>&1 || {
	cat "$ZK_TMP/out" >&2
	zk_fail "zktls-wizard --batch --steps clients failed"
}

f="$w/cluster.sh"
[ -f "$f" ] || zk_fail "no cluster.sh in the working directory"
[ -x "$f" ] || zk_fail "cluster.sh is not executable (mode $(zk_mode "$f"))"
case $(zk_mode "$f") in
*[2367]? | *[2367]) zk_fail "cluster.sh is writable by group or others (mode $(zk_mode "$f"))" ;;
esac

bash -n "$f" || zk_fail "bash -n cluster.sh"
shellcheck --norc "$f" || zk_fail "shellcheck cluster.sh"

if grep -n '{{' "$f" >&2; then
	zk_fail "cluster.sh holds an unrendered template tag"
fi
for pw in "$store_pw" "$ca_pw" "$consumer_pw" "$producer_pw"; do
	if grep -qF -- "$pw" "$f"; then
		zk_fail "a password appears in cluster.sh"
	fi
done
# It finds its directory itself (cd "$(dirname "$0")"): a moved working
# directory keeps working.
if grep -qF -- "$w" "$f"; then
	zk_fail "cluster.sh names its working directory instead of finding it"
fi

# Commands that need neither Java nor a running cluster, run from elsewhere.
rc=0
(cd / && "$f" bogus) >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 2 ] || zk_fail "cluster.sh bogus: exit $rc, expected 2 (usage)"
rc=0
(cd / && "$f") >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 2 ] || zk_fail "cluster.sh without a command: exit $rc, expected 2 (usage)"
rc=0
(cd / && "$f" status) >"$ZK_TMP/status" 2>&1 || rc=$?
[ "$rc" -eq 3 ] || {
	cat "$ZK_TMP/status" >&2
	zk_fail "cluster.sh status with nothing running: exit $rc, expected 3"
}
grep -q 'ZooKeeper.*not running' "$ZK_TMP/status" || {
	cat "$ZK_TMP/status" >&2
	zk_fail "cluster.sh status does not say that ZooKeeper is not running"
}
rc=0
(cd / && "$f" stop) >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 0 ] || zk_fail "cluster.sh stop with nothing running: exit $rc, expected 0"
[ ! -e "$w/run" ] || zk_fail "cluster.sh status/stop created $w/run"

exit 0
