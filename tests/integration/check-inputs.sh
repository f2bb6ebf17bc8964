#!/bin/sh
# zktls-wizard check never crashes on what Java reads without complaint, and
# reads passwords as Java does (issue 12 item 4):
#  - a line with an empty value (key=, key:, a key alone) or a NUL byte in
#    zoo.cfg, a broker's properties or consumer.config (each crashed check
#    with SIGSEGV): the report comes, the directory stays right;
#  - ssl.endpoint.identification.algorithm= (how Kafka users turn hostname
#    verification off) is a warning in the file that says it;
#  - a malformed \uXXXX (Java refuses the file) is a problem, not a crash;
#  - a password beyond the BMP (an emoji, \uD83D\uDE00 in the files): the
#    wizard's own directory passes (it made check report four stores as not
#    opening); a JKS store keytool made with such a password opens with the
#    password as the properties file escapes it, as Java opens it
#    (tests/java/KeystoreCheck.java), and not with the emoji written raw in
#    UTF-8, which Java reads as four ISO-8859-1 characters; a PKCS#12 file
#    with it does not open, as Java refuses it ("Password is not ASCII"),
#    though OpenSSL opens it.

: "${top_srcdir:?run this test through make check}"
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
. "$top_srcdir/tests/lib/common.sh"

zk_need keytool java openssl
zk_tmpdir

# The emoji must reach the wizard, keytool and Java as UTF-8.
LC_ALL=C.UTF-8
export LC_ALL
unset JDK_JAVA_OPTIONS JAVA_TOOL_OPTIONS _JAVA_OPTIONS CLASSPATH

port=$(zk_free_port)
make_dir() { # DIR [--set ...]
	d=$1
	shift
	"$ZKTLS" --batch --set key.type=ec-p256 --set zookeeper.host=localhost \
		--set "zookeeper.secure_port=$port" --set "zookeeper.data_dir=$d-zkdata" \
		--set "broker.kafka-1.log_dir=$d-k1" --set "broker.kafka-2.log_dir=$d-k2" \
		"$@" --steps ca,certs,zookeeper,brokers,clients "$d" >"$ZK_TMP/batch.out" 2>&1 || {
		cat "$ZK_TMP/batch.out" >&2
		zk_fail "zktls-wizard --batch $d failed"
	}
	sed -i 's|//kafka-[0-9]*:|//localhost:|g' "$d"/kafka-*.properties
}

# run_check DIR EXPECTED_EXIT: a report, and the exit status expected (never a signal's).
run_check() {
	rc=0
	"$ZKTLS" check "$1" >"$ZK_TMP/report" 2>&1 || rc=$?
	if [ "$rc" -ne "$2" ]; then
		cat "$ZK_TMP/report" >&2
		[ "$rc" -lt 128 ] || zk_fail "$what: check died of signal $((rc - 128))"
		zk_fail "$what: check exit $rc, expected $2"
	fi
	head -n 1 "$ZK_TMP/report" | grep -q "problem" || zk_fail "$what: no report"
}
says() { # SECTION PATTERN
	sed -n "/^$1:/,/^[A-Z]/p" "$ZK_TMP/report" | grep -q -- "$2" || {
		cat "$ZK_TMP/report" >&2
		zk_fail "$what: no '$2' among the $1"
	}
}

good=$ZK_TMP/good
make_dir "$good"
what="the good directory"
run_check "$good" 0

# ------------------------------------------------- lines Java reads as empty values
n=0
for file in zoo.cfg kafka-1.properties consumer.config; do
	for line in 'zktls.test=' 'zktls.test:' 'zktls.test' '  zktls.test   ' 'NUL'; do
		n=$((n + 1))
		b="$ZK_TMP/empty-$n"
		cp -a "$good" "$b"
		if [ "$line" = NUL ]; then
			printf 'zktls\000test=\000\n\000\n' >>"$b/$file"
		else
			printf '%s\n' "$line" >>"$b/$file"
		fi
		what="'$line' in $file"
		run_check "$b" 0
	done
done

# ------------------------------------------------- hostname verification off
for file in kafka-1.properties consumer.config; do
	b="$ZK_TMP/no-hostname-check-$file"
	cp -a "$good" "$b"
	printf 'ssl.endpoint.identification.algorithm=\n' >>"$b/$file"
	what="ssl.endpoint.identification.algorithm= in $file"
	run_check "$b" 0
	says Warnings "$file:"
	says Warnings 'hostname verification is off'
done

# ------------------------------------------------- a file Java refuses
b="$ZK_TMP/malformed"
cp -a "$good" "$b"
printf 'zktls.test=\\u00e\n' >>"$b/zoo.cfg"
what="a malformed \\uXXXX in zoo.cfg"
run_check "$b" 1
says Problems 'zoo.cfg:'
says Problems 'Java cannot read it: line [0-9]*: a malformed'

# ------------------------------------------------- a password beyond the BMP
pw='pass😀word'
what="the wizard's directory with the password $pw"
emoji=$ZK_TMP/emoji
make_dir "$emoji" --set "store.password=$pw"
grep -q 'password=pass\\uD83D\\uDE00word' "$emoji/zoo.cfg" ||
	zk_fail "the wizard no longer writes the emoji as \\uD83D\\uDE00; this test needs it so"
run_check "$emoji" 0
for f in localhost.jks truststore.jks kafka-1.jks kafka-2.jks client.jks; do
	sed -n '/^Right:/,$p' "$ZK_TMP/report" | grep -A1 "^  $f:" | grep -q 'opens as JKS' ||
		zk_fail "$what: $f does not open"
done

# keytool's JKS store, and Java's word on which password opens it.
if command -v javac >/dev/null 2>&1; then
	mkdir "$ZK_TMP/classes"
	javac -d "$ZK_TMP/classes" "$top_srcdir/tests/java/KeystoreCheck.java" ||
		zk_fail "javac failed on KeystoreCheck.java"
	keystore_check() { java -cp "$ZK_TMP/classes" KeystoreCheck "$@"; }
else
	keystore_check() { java "$top_srcdir/tests/java/KeystoreCheck.java" "$@"; }
fi
k=$ZK_TMP/keytool
mkdir "$k"
keytool -genkeypair -keystore "$k/node.jks" -storetype JKS -storepass "$pw" -keypass "$pw" \
	-alias node -keyalg EC -dname CN=node -validity 90 >/dev/null 2>&1 ||
	zk_fail "keytool -genkeypair JKS with the password $pw"
KS_PASSWORD=$pw keystore_check "JKS:$k/node.jks" >"$ZK_TMP/java.out" 2>&1 || {
	cat "$ZK_TMP/java.out" >&2
	zk_fail "Java does not open keytool's JKS store with $pw"
}
# What Java reads from the raw UTF-8 bytes: four ISO-8859-1 characters.
if KS_PASSWORD=$(printf 'pass\303\260\302\237\302\230\302\200word') \
	keystore_check "JKS:$k/node.jks" >"$ZK_TMP/java.out" 2>&1; then
	zk_fail "Java opens keytool's JKS store with the emoji's UTF-8 bytes read as ISO-8859-1"
fi
# A PKCS#12 file with that password (keytool cannot make one): OpenSSL opens
# it, Java does not ("Password is not ASCII").
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$k/key.pem" \
	-out "$k/cert.pem" -subj /CN=node -days 90 >/dev/null 2>&1 || zk_fail "openssl req"
openssl pkcs12 -export -inkey "$k/key.pem" -in "$k/cert.pem" -out "$k/node.p12" \
	-passout "pass:$pw" >/dev/null 2>&1 || zk_fail "openssl pkcs12 -export with $pw"
openssl pkcs12 -in "$k/node.p12" -passin "pass:$pw" -noout >/dev/null 2>&1 ||
	zk_fail "OpenSSL does not open its own PKCS#12 file with $pw"
if KS_PASSWORD=$pw keystore_check "PKCS12:$k/node.p12" >"$ZK_TMP/java.out" 2>&1; then
	zk_fail "Java opens a PKCS#12 file with a password beyond ASCII; this test assumed it does not"
fi
for how in escaped raw; do
	b="$ZK_TMP/keytool-$how"
	cp -a "$good" "$b"
	cp "$k/node.jks" "$k/node.p12" "$b/"
	if [ "$how" = escaped ]; then
		kpw='pass\uD83D\uDE00word'
	else
		kpw=$pw
	fi
	sed -i -e '/^ssl.keyStore/d' "$b/zoo.cfg"
	printf 'ssl.keyStore.location=node.jks\nssl.keyStore.password=%s\n' "$kpw" >>"$b/zoo.cfg"
	sed -i -e '/^ssl.keystore/d' -e '/^ssl.key.password/d' "$b/kafka-1.properties"
	printf 'ssl.keystore.location=node.p12\nssl.keystore.type=PKCS12\nssl.keystore.password=%s\nssl.key.password=%s\n' \
		"$kpw" "$kpw" >>"$b/kafka-1.properties"
	what="keytool's JKS and OpenSSL's PKCS#12 with $pw, $how in the files"
	run_check "$b" 1
	# node.p12 does not open for Java, whichever way the password is written.
	sed -n '/^Problems:/,/^[A-Z]/p' "$ZK_TMP/report" | grep -A1 '^  node.p12:' |
		grep -q 'does not open with the password that kafka-1.properties gives' ||
		zk_fail "$what: node.p12 opens, but Java does not open it"
	if [ "$how" = escaped ]; then
		sed -n '/^Right:/,$p' "$ZK_TMP/report" | grep -A1 '^  node.jks:' | grep -q 'opens as JKS' ||
			zk_fail "$what: node.jks does not open, but Java opens it"
		says Problems 'Password is not ASCII'
	else
		sed -n '/^Problems:/,/^[A-Z]/p' "$ZK_TMP/report" | grep -A1 '^  node.jks:' |
			grep -q 'does not open with the password that zoo.cfg gives' ||
			zk_fail "$what: node.jks opens, but Java would not open it"
	fi
done

echo "ok: $n lines with empty values or NUL bytes, hostname verification off and a malformed \\u escape give reports; passwords beyond the BMP read as Java reads them"
