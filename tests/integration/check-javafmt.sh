#!/bin/sh
# The tables of tests/unit/test_javafmt.c, proved by the Java classes
# themselves: `test_javafmt --emit` writes every input with its expected
# result; Properties.load (tests/java/PropsCheck.java), the real java
# launcher reading each argument file (ArgsCheck.java) and Kafka's JAAS
# grammar (JaasCheck.java) must print exactly what the tables say.  So the
# unit test's expectations are Java's, not copies of our own output.  At the
# end, a wrong expectation must be caught (the comparison can fail).

: "${top_srcdir:?run this test through make check}" "${top_builddir:?run this test through make check}"
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
. "$top_srcdir/tests/lib/common.sh"

zk_need java cmp
zk_tmpdir

# The launcher decodes argument files in the locale's charset; the checkers
# print in it.
LC_ALL=C.UTF-8
export LC_ALL
unset JDK_JAVA_OPTIONS JAVA_TOOL_OPTIONS _JAVA_OPTIONS CLASSPATH

emitter="$top_builddir/tests/unit/test_javafmt"
[ -x "$emitter" ] || zk_fail "$emitter is not built"
javasrc=$top_srcdir/tests/java
cases=$ZK_TMP/cases
classes=$ZK_TMP/classes
mkdir "$cases" "$classes"
"$emitter" --emit "$cases" || zk_fail "test_javafmt --emit failed"

if command -v javac >/dev/null 2>&1; then
	javac -d "$classes" "$javasrc/PropsCheck.java" "$javasrc/JaasCheck.java" \
		"$javasrc/ArgsCheck.java" || zk_fail "javac failed on tests/java"
	compiled=1
else
	compiled=0
fi

# jrun [@ARGFILE] CLASS ARG...: a checker, behind ARGFILE if given.
jrun() {
	at=
	case $1 in @*) at=$1; shift ;; esac
	cls=$1
	shift
	if [ "$compiled" = 1 ]; then
		if [ -n "$at" ]; then java "$at" -cp "$classes" "$cls" "$@"; else java -cp "$classes" "$cls" "$@"; fi
	else
		if [ -n "$at" ]; then java "$at" "$javasrc/$cls.java" "$@"; else java "$javasrc/$cls.java" "$@"; fi
	fi
}

# same WANT GOT WHAT: the checker printed exactly what the table says.
same() {
	cmp -s "$1" "$2" || {
		diff -a "$1" "$2" >&2
		zk_fail "$3: Java reads it otherwise than tests/unit/test_javafmt.c says (< table, > Java)"
	}
}

cd "$cases" || exit 1

# --- java.util.Properties: values (trimmed) and keys that must be absent.
# (absent keys count as failed: the exit status says nothing, the output all)
jrun PropsCheck props.expect >props.got 2>&1 || true
same props.want props.got "Properties.load"
n=0
for f in refused-p*.expect; do
	[ -e "$f" ] || continue
	if jrun PropsCheck "$f" >refused.out 2>&1; then
		zk_fail "$f: Properties.load accepted a file the table says Java refuses"
	fi
	grep -q 'Malformed \\uxxxx encoding' refused.out || {
		cat refused.out >&2
		zk_fail "$f: Java refused it, but not for a malformed \\uxxxx"
	}
	n=$((n + 1))
done
[ "$n" -gt 0 ] || zk_fail "no refused properties case was emitted"

# --- argument files, read by the real launcher.
n=0
for f in a*.args; do
	if ! jrun "@$f" ArgsCheck "${f%.args}.expect" >args.out 2>&1; then
		cat "$f" >&2
		cat args.out >&2
		zk_fail "$f: the java launcher reads it otherwise than tests/unit/test_javafmt.c says"
	fi
	n=$((n + 1))
done
[ "$n" -gt 10 ] || zk_fail "only $n argument-file cases"

# --- Kafka's JAAS grammar.
jrun JaasCheck jaas.expect >jaas.got 2>&1 || true
same jaas.want jaas.got "Kafka's JaasConfig"

# --- The comparisons can fail: a wrong value is caught by each checker.
printf 'p0.properties\ta\twrong\n' >wrong.expect
jrun PropsCheck wrong.expect >wrong.out 2>&1 && zk_fail "PropsCheck accepted a wrong value"
grep -q '^MISMATCH p0.properties a' wrong.out || zk_fail "PropsCheck did not name the wrong value"
printf 'zookeeper.a\twrong\nzookeeper.b\t2\n' >wrong-args.expect
jrun @a0.args ArgsCheck wrong-args.expect >wrong.out 2>&1 && zk_fail "ArgsCheck accepted a wrong value"
sed 's/pw4consumer$/pw4producer/' jaas.expect >wrong-jaas.expect
jrun JaasCheck wrong-jaas.expect >wrong.out 2>&1 && zk_fail "JaasCheck accepted a wrong value"

echo "ok: Properties.load, the java launcher and Kafka's JAAS grammar read every case as tests/unit/test_javafmt.c says"
