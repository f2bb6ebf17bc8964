#!/bin/sh
# Every value the batch writes must come back exactly, hostile characters
# included, through the parsers the real programs use (DESIGN §7, issue 2):
#   (a) Properties.load(InputStream) + trim on zoo.cfg, NAME.properties and
#       *.config (tests/java/PropsCheck.java);
#   (b) Kafka 2.3.0's JaasConfig tokenizer on every sasl.jaas.config
#       (tests/java/JaasCheck.java);
#   (c) the real launcher reading `java @NAME.zk-tls.args` under a UTF-8
#       locale (tests/java/ArgsCheck.java);
#   (d) and the saved zktls-wizard.conf reproduces the same bytes.
# The expected values come from this script's own answers, never from the
# program's output.  The last part proves the checkers can fail: broken
# copies of the files, escaped the naive way, must be reported.

. "$top_srcdir/tests/lib/common.sh"

zk_need java
zk_tmpdir

# What the launcher must decode is UTF-8 (DESIGN §5: cluster.sh runs Java
# under a UTF-8 locale); the batch gets the same locale so that it reads the
# non-ASCII answers as the user typed them.
LC_ALL=C.UTF-8
export LC_ALL
# These would add options behind our back and print notes into the output.
unset JDK_JAVA_OPTIONS JAVA_TOOL_OPTIONS _JAVA_OPTIONS CLASSPATH

javasrc=$top_srcdir/tests/java
classes=$ZK_TMP/classes
failures=0

# Compile once (one JVM start per check instead of a compile per check); a JRE
# without javac still runs the same sources in single-file mode.
if command -v javac >/dev/null 2>&1; then
  echo "compiling the checkers with javac"
  mkdir "$classes"
  javac -d "$classes" "$javasrc/PropsCheck.java" "$javasrc/JaasCheck.java" \
    "$javasrc/ArgsCheck.java" || zk_fail "javac failed on tests/java"
  compiled=1
else
  echo "no javac: running the checkers in single-file mode"
  compiled=0
fi

# jrun [@ARGFILE] CLASS ARG...: run a checker, behind ARGFILE if given.
jrun() {
  at=
  case $1 in @*) at=$1; shift ;; esac
  cls=$1
  shift
  if [ "$compiled" = 1 ]; then
    if [ -n "$at" ]; then
      java "$at" -cp "$classes" "$cls" "$@"
    else
      java -cp "$classes" "$cls" "$@"
    fi
  else
    if [ -n "$at" ]; then
      java "$at" "$javasrc/$cls.java" "$@"
    else
      java "$javasrc/$cls.java" "$@"
    fi
  fi
}

# ------------------------------------------------------------------ answers
# One answers file per case, KEY=VALUE per line, read literally (quoted
# here-documents, read -r): nothing in this script reinterprets a value.
# Together the cases hold each of " \ = : # ! $ ; ' { } ${x} /* // */ @, inner
# spaces, trailing backslashes, a literal \u0041 and \n, leading separators
# and quotes, and non-ASCII letters (ä ß € and the non-BMP 😀).
# "default" sets nothing: the DESIGN §4 defaults must come back too.
: >"$ZK_TMP/default.answers"

cat >"$ZK_TMP/punct.answers" <<'EOF'
store.password=a"b\c=d:e#f!g$h;i'j{k}l
sasl.password.consumer=${x} /* not a comment */ // nor this
sasl.password.producer="quoted" 'single' ends in \
zookeeper.data_dir=/tmp/zktls-readback/zk.data_1/x-y
broker.kafka-1.log_dir=/tmp/zktls-readback/k1.logs-x_y
EOF

cat >"$ZK_TMP/escapes.answers" <<'EOF'
store.password=\u0041 C:\new\table\\x
sasl.password.consumer==:#!leading=separators;
sasl.password.producer='it''s' \"y\" */ \\
EOF

cat >"$ZK_TMP/unicode.answers" <<'EOF'
store.password=Käse Grüße Straße 5€ 😀
sasl.password.consumer=ä\u00e4€😀"\
EOF
printf 'sasl.password.producer=日本語のパスワード ÿ x\n' >>"$ZK_TMP/unicode.answers"

# Invisible and direction-changing characters (a line separator, a trailing
# no-break space, a right-to-left override) would read back fine but hide on
# screen: validation refuses them, naming the key.
for bad in 'a\342\200\250bcdefg' 'abcdefg\302\240' 'abc\342\200\256defg'; do
  value=$(printf "$bad")
  if "$ZKTLS" --batch --steps zookeeper --set "store.password=$value" "$ZK_TMP/refused" \
      >/dev/null 2>"$ZK_TMP/refused.err"; then
    zk_fail "an invisible character in a password was accepted ($bad)"
  fi
  grep -q 'store.password' "$ZK_TMP/refused.err" || zk_fail "the refusal does not name store.password"
done

# Values that look like syntax of the formats: comment starters first, a JVM
# option and an @argfile inside a value, shell and format expansions, and
# StreamTokenizer's own escapes (\t \r \n \0 octal) written literally.
cat >"$ZK_TMP/lookalike.answers" <<'EOF'
store.password=#! -Dzookeeper.client.secure=false @/etc/passwd
sasl.password.consumer=!important: ${env:HOME} %s %n `id` $(id)
sasl.password.producer=\t\r\n\0 and \377 octal
EOF

cases="default punct escapes unicode lookalike"

# answer CASE KEY: the case's answer for KEY, else its DESIGN §4 default.
answer() {
  found=
  while IFS= read -r line; do
    case $line in
      "$2="*) found=${line#"$2="} ;;
    esac
  done <"$ZK_TMP/$1.answers"
  if [ -z "$found" ]; then
    case $2 in
      store.password) found=confidential ;;
      sasl.password.consumer) found=pw4consumer ;;
      sasl.password.producer) found=pw4producer ;;
      zookeeper.data_dir) found=/tmp/zookeeper ;;
      broker.*.log_dir) found=${2#broker.}; found=/tmp/${found%.log_dir}-logs ;;
      *) zk_fail "no default known for $2" ;;
    esac
  fi
  printf '%s' "$found"
}

# ------------------------------------------------------------------ batch
props_expect=$ZK_TMP/props.expect
jaas_expect=$ZK_TMP/jaas.expect
: >"$props_expect"
: >"$jaas_expect"

expect_prop() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$props_expect"; }
expect_jaas() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$jaas_expect"; }

plain=org.apache.kafka.common.security.plain.PlainLoginModule
broker_jaas=listener.name.sasl_ssl.plain.sasl.jaas.config

run_batch() {
  name=$1
  dir=$ZK_TMP/$name
  set --
  while IFS= read -r line; do
    set -- "$@" --set "$line"
  done <"$ZK_TMP/$name.answers"
  echo "case $name: zktls-wizard --batch --steps zookeeper,brokers,clients ($(($# / 2)) answers set)"
  if ! "$ZKTLS" --batch --steps zookeeper,brokers,clients "$@" "$dir" >"$dir.out" 2>&1; then
    cat "$dir.out"
    zk_fail "case $name: the batch run failed"
  fi
}

for c in $cases; do
  run_batch "$c"
  dir=$ZK_TMP/$c
  store=$(answer "$c" store.password)
  pw_consumer=$(answer "$c" sasl.password.consumer)
  pw_producer=$(answer "$c" sasl.password.producer)

  expect_prop "$dir/zoo.cfg" dataDir "$(answer "$c" zookeeper.data_dir)"
  expect_prop "$dir/zoo.cfg" secureClientPort 2182
  expect_prop "$dir/zoo.cfg" ssl.keyStore.location zookeeper.jks
  expect_prop "$dir/zoo.cfg" ssl.keyStore.password "$store"
  expect_prop "$dir/zoo.cfg" ssl.trustStore.location truststore.jks
  expect_prop "$dir/zoo.cfg" ssl.trustStore.password "$store"

  for b in kafka-1 kafka-2; do
    f=$dir/$b.properties
    expect_prop "$f" ssl.keystore.location "$b.jks"
    expect_prop "$f" ssl.keystore.password "$store"
    expect_prop "$f" ssl.key.password "$store"
    expect_prop "$f" ssl.truststore.location truststore.jks
    expect_prop "$f" ssl.truststore.password "$store"
    expect_prop "$f" log.dirs "$(answer "$c" "broker.$b.log_dir")"
    expect_jaas "$f" "$broker_jaas" @module "$plain"
    expect_jaas "$f" "$broker_jaas" @flag REQUIRED
    expect_jaas "$f" "$broker_jaas" @options user_consumer,user_producer
    expect_jaas "$f" "$broker_jaas" user_consumer "$pw_consumer"
    expect_jaas "$f" "$broker_jaas" user_producer "$pw_producer"
  done

  for u in consumer producer; do
    f=$dir/$u.config
    if [ "$u" = consumer ]; then pw=$pw_consumer; else pw=$pw_producer; fi
    expect_prop "$f" security.protocol SASL_SSL
    expect_prop "$f" sasl.mechanism PLAIN
    expect_prop "$f" ssl.truststore.location truststore.jks
    expect_prop "$f" ssl.truststore.password "$store"
    expect_jaas "$f" sasl.jaas.config @module "$plain"
    expect_jaas "$f" sasl.jaas.config @flag REQUIRED
    expect_jaas "$f" sasl.jaas.config @options password,username
    expect_jaas "$f" sasl.jaas.config username "$u"
    expect_jaas "$f" sasl.jaas.config password "$pw"
  done

  for n in kafka-1 kafka-2 client; do
    {
      printf '%s\t%s\n' zookeeper.clientCnxnSocket org.apache.zookeeper.ClientCnxnSocketNetty
      printf '%s\t%s\n' zookeeper.client.secure true
      printf '%s\t%s\n' zookeeper.ssl.keyStore.location "$n.jks"
      printf '%s\t%s\n' zookeeper.ssl.keyStore.password "$store"
      printf '%s\t%s\n' zookeeper.ssl.trustStore.location truststore.jks
      printf '%s\t%s\n' zookeeper.ssl.trustStore.password "$store"
    } >"$dir.$n.sysprops"
  done
done

# ------------------------------------------------------------------ checks
echo "(a) Properties.load(InputStream) + trim on zoo.cfg, NAME.properties, *.config"
props_ok=1
if ! jrun PropsCheck "$props_expect"; then
  failures=$((failures + 1))
  props_ok=0
  echo "FAILED: (a) a properties value did not come back"
fi

echo "(b) Kafka 2.3.0 JaasConfig tokenizer on every sasl.jaas.config"
if ! jrun JaasCheck "$jaas_expect"; then
  failures=$((failures + 1))
  echo "FAILED: (b) a JAAS option did not come back"
fi

echo "(c) java @NAME.zk-tls.args under LC_ALL=$LC_ALL"
for c in $cases; do
  for n in kafka-1 kafka-2 client; do
    echo "case $c: java @$n.zk-tls.args"
    if ! jrun "@$ZK_TMP/$c/$n.zk-tls.args" ArgsCheck "$ZK_TMP/$c.$n.sysprops"; then
      failures=$((failures + 1))
      echo "FAILED: (c) case $c, $n.zk-tls.args"
    fi
  done
done

# (d) The hostile answers also survive DIR/zktls-wizard.conf: a second run
# with no --set resumes from the saved answers and must reproduce the very
# bytes checked above.
echo "(d) a re-run from the saved zktls-wizard.conf reproduces every checked file"
for c in $cases; do
  dir=$ZK_TMP/$c
  cp -R "$dir" "$dir.first"
  if ! "$ZKTLS" --batch --steps zookeeper,brokers,clients "$dir" >"$dir.rerun.out" 2>&1; then
    cat "$dir.rerun.out"
    failures=$((failures + 1))
    echo "FAILED: (d) case $c: the re-run failed"
    continue
  fi
  for f in zktls-wizard.conf zoo.cfg kafka-1.properties kafka-2.properties consumer.config \
      producer.config kafka-1.zk-tls.args kafka-2.zk-tls.args client.zk-tls.args; do
    if cmp "$dir.first/$f" "$dir/$f"; then
      echo "ok       case $c: $f unchanged"
    else
      failures=$((failures + 1))
      echo "FAILED: (d) case $c: $f differs after resuming from the saved answers"
    fi
  done
done

# ------------------------------------------------------------------ negatives
# Each checker must report a value written the naive way.  The broken files
# are copies of what the batch wrote with one line replaced, checked against
# the very expectations that passed above.
echo "negative controls: naive escaping must be caught"

# neg_fail OUTPUT MESSAGE: a checker missed a broken file.
neg_fail() {
  cat "$1"
  echo "FAILED: $2"
  failures=$((failures + 1))
}

neg=$ZK_TMP/neg
mkdir "$neg"
store=$(answer escapes store.password)

# (a) the store password unescaped in a properties file: \u0041, \n and \t
# become A, a line feed and a tab.
grep -v '^ssl\.keystore\.password=' "$ZK_TMP/escapes/kafka-1.properties" >"$neg/kafka-1.properties"
printf 'ssl.keystore.password=%s\n' "$store" >>"$neg/kafka-1.properties"
expect_neg=$neg/props.expect
awk -F '\t' -v from="$ZK_TMP/escapes/kafka-1.properties" -v to="$neg/kafka-1.properties" \
  'BEGIN { OFS = "\t" } $1 == from { $1 = to; print }' "$props_expect" >"$expect_neg"
if jrun PropsCheck "$expect_neg" >"$neg/props.out" 2>&1; then
  neg_fail "$neg/props.out" "negative (a): PropsCheck accepted an unescaped backslash"
elif ! grep -F "MISMATCH $neg/kafka-1.properties ssl.keystore.password" "$neg/props.out"; then
  neg_fail "$neg/props.out" "negative (a): the mismatch was not reported"
elif [ "$props_ok" = 1 ] && [ "$(grep -c -E '^(MISMATCH|MISSING)' "$neg/props.out")" != 1 ]; then
  # Only the replaced line may fail when the untouched lines passed above.
  neg_fail "$neg/props.out" "negative (a): more than the broken line failed"
fi

# (b) JAAS values written without JAAS quoting/escaping but with correct
# properties escaping: unquoted, "/*" and "//" swallow the rest (Kafka
# refuses it); quoted without backslash escaping, \s loses its backslash.
pw=$(answer punct sasl.password.consumer)
printf 'sasl.jaas.config=%s required username="consumer" password=%s;\n' "$plain" "$pw" \
  >"$neg/unquoted.config"
printf 'sasl.jaas.config=%s required username="consumer" password="back\\\\slash";\n' "$plain" \
  >"$neg/unescaped.config"
{
  printf '%s\t%s\t%s\t%s\n' "$neg/unquoted.config" sasl.jaas.config password "$pw"
  printf '%s\t%s\t%s\t%s\n' "$neg/unescaped.config" sasl.jaas.config password 'back\slash'
} >"$neg/jaas.expect"
if jrun JaasCheck "$neg/jaas.expect" >"$neg/jaas.out" 2>&1; then
  neg_fail "$neg/jaas.out" "negative (b): JaasCheck accepted naive JAAS values"
elif ! grep -F "MISMATCH $neg/unquoted.config sasl.jaas.config password: Kafka refuses it" \
    "$neg/jaas.out"; then
  neg_fail "$neg/jaas.out" "negative (b): the unquoted value was not refused"
elif ! grep -F "MISMATCH $neg/unescaped.config sasl.jaas.config password" "$neg/jaas.out"; then
  neg_fail "$neg/jaas.out" "negative (b): the unescaped value was not reported"
fi

# (c) the store password quoted but not backslash-escaped in the argument
# file: the launcher turns \n and \t into control characters.
grep -v '^-Dzookeeper\.ssl\.keyStore\.password=' "$ZK_TMP/escapes/kafka-1.zk-tls.args" \
  >"$neg/kafka-1.zk-tls.args"
printf '%s\n' "-Dzookeeper.ssl.keyStore.password=\"$store\"" >>"$neg/kafka-1.zk-tls.args"
if jrun "@$neg/kafka-1.zk-tls.args" ArgsCheck "$ZK_TMP/escapes.kafka-1.sysprops" \
    >"$neg/args.out" 2>&1; then
  neg_fail "$neg/args.out" "negative (c): ArgsCheck accepted an unescaped backslash"
elif ! grep -F "MISMATCH -Dzookeeper.ssl.keyStore.password" "$neg/args.out"; then
  neg_fail "$neg/args.out" "negative (c): the mismatch was not reported"
fi

if [ "$failures" -ne 0 ]; then
  zk_fail "$failures check(s) failed: see the FAILED and MISMATCH lines above"
fi
echo "PASS: every value came back exactly through all three parsers"
