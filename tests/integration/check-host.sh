#!/bin/sh
# check's verdict is about the directory; this machine is judged only when
# asked (issue 12 item 10):
#  - a correct directory whose host names cannot resolve anywhere (RFC 2606
#    .invalid, certificates naming them) passes check with exit 0, and the
#    names are listed apart as not looked up; check --this-host reports them
#    as not resolving, apart from the directory's findings, and exits 1;
#  - without --this-host no name is looked up at all, with it each name
#    once: an LD_PRELOAD shim logs every getaddrinfo() of a name and makes
#    each take 0.2 s;
#  - 200 brokers with --this-host take a dozen lookups' time, not 200 (one
#    after another that was 36 s on a slow resolver, 40 s with the shim);
#  - --this-host without check is a usage error.

: "${top_srcdir:?run this test through make check}"
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
. "$top_srcdir/tests/lib/common.sh"

zk_need "${CC:-cc}" date
zk_tmpdir

# ------------------------------------------------- the shim
cat >"$ZK_TMP/slowdns.c" <<'EOF'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/*
 * Every lookup of a name (not a numeric address) is logged and takes 0.2 s;
 * a name under .invalid (RFC 6761: never resolves) is answered here, so the
 * machine's resolver plays no part in the timing.
 */
int
getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
	    struct addrinfo **res)
{
	int (*real)(const char *, const char *, const struct addrinfo *, struct addrinfo **) =
		(int (*)(const char *, const char *, const struct addrinfo *,
			 struct addrinfo **))dlsym(RTLD_NEXT, "getaddrinfo");
	const char *log = getenv("SLOWDNS_LOG");

	if (node != NULL && (hints == NULL || !(hints->ai_flags & AI_NUMERICHOST))) {
		struct timespec t = { 0, 200000000 };
		char line[512];
		int fd;

		if (log != NULL && (fd = open(log, O_WRONLY | O_APPEND | O_CREAT, 0600)) >= 0) {
			snprintf(line, sizeof line, "%s\n", node);
			if (write(fd, line, strlen(line)) < 0)
				abort();
			close(fd);
		}
		nanosleep(&t, NULL);
		if (strlen(node) > 8 && strcmp(node + strlen(node) - 8, ".invalid") == 0)
			return EAI_NONAME;
	}
	return real(node, service, hints, res);
}
EOF
${CC:-cc} -shared -fPIC -o "$ZK_TMP/slowdns.so" "$ZK_TMP/slowdns.c" -ldl ||
	zk_fail "cannot build the LD_PRELOAD shim"
# The sanitizer runtime must come first when the program is built with it.
preload=$ZK_TMP/slowdns.so
asan=$(ldd "$ZKTLS" 2>/dev/null | sed -n 's/.*=> \(.*libasan[^ ]*\).*/\1/p')
[ -z "$asan" ] || preload="$asan $preload"

# run_check [--this-host] DIR EXPECTED_EXIT: the report in $ZK_TMP/report,
# the names looked up in $ZK_TMP/lookups, the seconds taken in $secs.
run_check() {
	opt=
	if [ "$1" = --this-host ]; then
		opt=$1
		shift
	fi
	: >"$ZK_TMP/lookups"
	start=$(date +%s%N)
	rc=0
	# shellcheck disable=SC2086 # the option or nothing
	SLOWDNS_LOG=$ZK_TMP/lookups LD_PRELOAD=$preload "$ZKTLS" check $opt "$1" \
		>"$ZK_TMP/report" 2>&1 || rc=$?
	secs=$((($(date +%s%N) - start) / 1000000000))
	if [ "$rc" -ne "$2" ]; then
		cat "$ZK_TMP/report" >&2
		zk_fail "$what: check $opt: exit $rc, expected $2"
	fi
}
says() { # SECTION PATTERN
	sed -n "/^$1:/,/^[A-Z]/p" "$ZK_TMP/report" | grep -q -- "$2" || {
		cat "$ZK_TMP/report" >&2
		zk_fail "$what: no '$2' among '$1'"
	}
}

# ------------------------------------------------- names that resolve nowhere
what="a correct directory whose names resolve nowhere"
d=$ZK_TMP/invalid
port=$(zk_free_port)
"$ZKTLS" --batch --set key.type=ec-p256 --set "zookeeper.secure_port=$port" \
	--set 'cert.san=DNS:{name},DNS:{name}.invalid' --set "zookeeper.data_dir=$d/zkdata" \
	--set "broker.kafka-1.log_dir=$d/k1" --set "broker.kafka-2.log_dir=$d/k2" \
	--steps ca,certs,zookeeper,brokers,clients "$d" >"$ZK_TMP/batch.out" 2>&1 || {
	cat "$ZK_TMP/batch.out" >&2
	zk_fail "zktls-wizard --batch failed"
}
sed -i -e "s/^zookeeper.connect=.*/zookeeper.connect=zookeeper.invalid:$port/" \
	-e 's|//\(kafka-[0-9]*\):|//\1.invalid:|g' "$d"/kafka-*.properties
run_check "$d" 0
[ -s "$ZK_TMP/lookups" ] && zk_fail "$what: names were looked up without --this-host: $(tr '\n' ' ' <"$ZK_TMP/lookups")"
head -n 1 "$ZK_TMP/report" | grep -q ': 0 problems, 0 warnings' || zk_fail "$what: not 0 problems"
says Right 'its certificate names kafka-1.invalid'
says 'This machine, right' 'not looked up.*zookeeper.invalid, kafka-1.invalid, kafka-2.invalid'
grep -q 'do not resolve' "$ZK_TMP/report" && zk_fail "$what: a name was judged without --this-host"

run_check --this-host "$d" 1
head -n 1 "$ZK_TMP/report" | grep -q ': 0 problems, 0 warnings' ||
	zk_fail "$what: with --this-host the directory's own count changed"
sed -n 2p "$ZK_TMP/report" | grep -q 'this machine: [1-9][0-9]* problem.*counted' ||
	zk_fail "$what: the second line does not count this machine's problems as counted"
says 'This machine, problems' 'do not resolve:.*zookeeper.invalid kafka-1.invalid kafka-2.invalid'
says 'This machine, problems' '127.0.0.1 .*kafka-1.invalid'
grep -q '^Problems:' "$ZK_TMP/report" && zk_fail "$what: a name that does not resolve became the directory's problem"
for n in zookeeper.invalid kafka-1.invalid kafka-2.invalid; do
	[ "$(grep -c -x "$n" "$ZK_TMP/lookups")" = 1 ] ||
		zk_fail "$what: $n looked up $(grep -c -x "$n" "$ZK_TMP/lookups") times, not once"
done

# ------------------------------------------------- 200 brokers
what="200 brokers"
m=$ZK_TMP/many
cp -a "$d" "$m"
i=3
while [ "$i" -le 200 ]; do
	sed "s|//kafka-1.invalid:|//kafka-$i.invalid:|g; s/^broker.id=.*/broker.id=$i/" \
		"$m/kafka-1.properties" >"$m/kafka-$i.properties"
	i=$((i + 1))
done
# (kafka-3 to kafka-200 use kafka-1's keystore, which does not name them: exit 1)
run_check "$m" 1
[ -s "$ZK_TMP/lookups" ] && zk_fail "$what: names were looked up without --this-host"
[ "$secs" -lt 20 ] || zk_fail "$what: check took $secs s without looking anything up"
run_check --this-host "$m" 1
looked=$(sort -u "$ZK_TMP/lookups" | grep -c 'invalid$')
[ "$looked" -eq 201 ] || zk_fail "$what: $looked names looked up, expected 201"
# One after another: 201 x 0.2 s = 40 s (the old check took that); at 16 at
# a time about 2.6 s.  Each answer came in time: no name is left without.
[ "$secs" -lt 8 ] || zk_fail "$what: the lookups took $secs s: not concurrent"
says 'This machine, problems' 'do not resolve:.* kafka-200.invalid'
grep -q 'got no answer' "$ZK_TMP/report" && zk_fail "$what: names left without an answer"
echo "200 brokers with --this-host: $secs s for $looked lookups of 0.2 s each"

# ------------------------------------------------- usage
rc=0
"$ZKTLS" --this-host "$d" >"$ZK_TMP/out" 2>&1 || rc=$?
[ "$rc" -eq 2 ] || zk_fail "--this-host without check: exit $rc, expected 2"
grep -q -- '--this-host' "$ZK_TMP/out" || zk_fail "--this-host without check: no message naming it"

echo "ok: names are looked up only with --this-host, concurrently, and judged apart from the directory"
