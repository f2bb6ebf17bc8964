#!/bin/sh
# The exported commands.sh run with the real tools in a fresh directory:
# --batch --export-commands writes it (0700, no password in it), shellcheck
# finds nothing, and with the passwords in the environment it downloads the
# test releases from a mirror on 127.0.0.1 (checksums from a second server,
# in each project's .sha512 format), swaps the jars, makes the CA, keys,
# certificates and keystores with openssl and keytool (JDK 17) and writes
# the configuration.  Then:
#   - zktls-wizard check accepts the directory (exit 0);
#   - each configuration file is byte for byte what zktls-wizard --batch
#     writes for the same answers (passwords with ", \, # and non-ASCII
#     letters included), so the screen's "commands" and the wizard agree;
#   - no password was in the argv of any openssl or keytool it ran (a PATH
#     shim records them), nor in the script.
# Once with key.type=rsa2048 (the article) and once with ec-p256; and with
# --commands-embed-secrets the passwords are in the script and it needs no
# environment.

: "${top_srcdir:?run this test through make check}"
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
. "$top_srcdir/tests/lib/common.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/releases.sh
. "$top_srcdir/tests/lib/releases.sh"

zk_need bash openssl keytool python3 curl tar sha512sum od awk shellcheck
zk_tmpdir
# zk_tmpdir's trap would leave the test servers running.
trap zk_release_cleanup EXIT

# shellcheck disable=SC2119 # the default releases
zk_build_releases
zk_serve M --root "$ZK_TMP/mirror"
zk_serve C --root "$ZK_TMP/official"

# The passwords: each with something to escape somewhere.
store_pw='con"fi\den#tial!'
ca_pw="super'conf\"idential \$HOME"
consumer_pw='pä"ss\w#rd'
producer_pw='pw4producer'

# A shim in front of openssl and keytool records every argument list.
shim=$ZK_TMP/shim
mkdir "$shim"
for tool in openssl keytool; do
  real=$(command -v "$tool")
  cat > "$shim/$tool" <<EOF
#!/bin/sh
printf '%s\\n' "$tool \$*" >> "\$ZK_ARGV_LOG"
exec '$real' "\$@"
EOF
  chmod 755 "$shim/$tool"
done

# answers KEY_TYPE SUFFIX: the --set options both the export and the wizard get.
answers() {
  zk_port=$(zk_free_port)
  set -- --set "key.type=$1" --set zookeeper.host=localhost \
    --set "zookeeper.secure_port=$zk_port" --set "zookeeper.data_dir=$ZK_TMP/zkdata-$2" \
    --set "broker.kafka-1.log_dir=$ZK_TMP/k1-$2" --set "broker.kafka-2.log_dir=$ZK_TMP/k2-$2" \
    --set "store.password=$store_pw" --set "ca.password=$ca_pw" \
    --set "sasl.password.consumer=$consumer_pw" --set "sasl.password.producer=$producer_pw"
  for a in "$@"; do
    printf '%s\n' "$a"
  done
}

# export_script FILE ANSWERS_FILE [OPTION...]
export_script() {
  out=$1
  list=$2
  shift 2
  # shellcheck disable=SC2046 # one option per line, none with a newline
  (IFS='
'; "$ZKTLS" --batch $(cat "$list") --mirror "http://127.0.0.1:$M" \
      --checksums "http://127.0.0.1:$C" "$@" --export-commands "$out" "$ZK_TMP/none") \
    > "$ZK_TMP/export.out" 2>&1 || {
    cat "$ZK_TMP/export.out" >&2
    zk_fail "--export-commands $out failed"
  }
  [ "$(zk_mode "$out")" = 700 ] || zk_fail "$out: mode $(zk_mode "$out"), not 700"
  [ ! -e "$ZK_TMP/none" ] || zk_fail "--export-commands wrote into DIR"
  shellcheck -s bash "$out" >&2 || zk_fail "shellcheck finds fault with $out"
}

# run_script SCRIPT DIR [with-env]
run_script() {
  : > "$ZK_TMP/argv.log"
  if [ "${3:-}" = with-env ]; then
    env PATH="$shim:$PATH" ZK_ARGV_LOG="$ZK_TMP/argv.log" LC_ALL=C.UTF-8 \
      ZKTLS_STORE_PASSWORD="$store_pw" ZKTLS_CA_PASSWORD="$ca_pw" \
      ZKTLS_SASL_PASSWORD_CONSUMER="$consumer_pw" ZKTLS_SASL_PASSWORD_PRODUCER="$producer_pw" \
      bash "$1" "$2" < /dev/null > "$ZK_TMP/run.out" 2>&1
  else
    env PATH="$shim:$PATH" ZK_ARGV_LOG="$ZK_TMP/argv.log" LC_ALL=C.UTF-8 \
      bash "$1" "$2" < /dev/null > "$ZK_TMP/run.out" 2>&1
  fi || {
    cat "$ZK_TMP/run.out" >&2
    zk_fail "$1 failed in $2"
  }
  grep -q '^openssl ' "$ZK_TMP/argv.log" || zk_fail "the shim saw no openssl"
  grep -q '^keytool ' "$ZK_TMP/argv.log" || zk_fail "the shim saw no keytool"
  for pw in "$store_pw" "$ca_pw" "$consumer_pw" "$producer_pw"; do
    if grep -qF -- "$pw" "$ZK_TMP/argv.log"; then
      zk_fail "a password was in the argv of openssl or keytool"
    fi
  done
}

run_check() { # DIR
  sed -i 's|//kafka-[0-9]*:|//localhost:|g' "$1"/kafka-*.properties
  "$ZKTLS" check "$1" > "$ZK_TMP/report" 2>&1 || {
    cat "$ZK_TMP/report" >&2
    zk_fail "check does not accept $1"
  }
}

for kt in rsa2048 ec-p256; do
  answers "$kt" "$kt" > "$ZK_TMP/answers-$kt"
  script=$ZK_TMP/commands-$kt.sh
  export_script "$script" "$ZK_TMP/answers-$kt"
  for pw in "$store_pw" "$ca_pw" "$consumer_pw" "$producer_pw"; do
    if grep -qF -- "$pw" "$script"; then
      zk_fail "$script holds a password"
    fi
  done

  s=$ZK_TMP/script-$kt
  run_script "$script" "$s" with-env
  [ "$(zk_mode "$s")" = 700 ] || zk_fail "$s: mode $(zk_mode "$s")"

  # What the wizard writes for the same answers.
  w=$ZK_TMP/wizard-$kt
  # shellcheck disable=SC2046 # one option per line, none with a newline
  (IFS='
'; "$ZKTLS" --batch $(cat "$ZK_TMP/answers-$kt") --steps zookeeper,brokers,clients "$w") \
    > "$ZK_TMP/batch.out" 2>&1 || {
    cat "$ZK_TMP/batch.out" >&2
    zk_fail "zktls-wizard --batch $w failed"
  }
  for f in "$w"/*; do
    name=${f##*/}
    case $name in
      zktls-wizard.conf | log4j.properties) continue ;;
    esac
    [ -f "$s/$name" ] || zk_fail "the script did not write $name"
    sed "s|$w|$s|g" "$f" | cmp -s - "$s/$name" || {
      sed "s|$w|$s|g" "$f" | diff - "$s/$name" >&2
      zk_fail "$name: the script wrote other bytes than the wizard"
    }
    [ "$(zk_mode "$f")" = "$(zk_mode "$s/$name")" ] ||
      zk_fail "$name: mode $(zk_mode "$s/$name"), the wizard's is $(zk_mode "$f")"
  done
  cmp -s "$ZK_TMP/src/$ZK_TOP/conf/log4j.properties" "$s/log4j.properties" ||
    zk_fail "log4j.properties is not ZooKeeper's own"
  [ -f "$s/removed-jars/$KAFKA_TOP/zookeeper-3.4.14.jar" ] ||
    zk_fail "the 3.4 jar was not kept outside libs/"
  [ ! -e "$s/$KAFKA_TOP/libs/zookeeper-3.4.14.jar" ] || zk_fail "the 3.4 jar is still in libs/"

  run_check "$s"
  # The key type asked for, in the CA and in every keystore; the CA key
  # encrypted with AES-256.
  case $kt in
    ec-p256) want='256-bit EC (secp256r1) key' ca_alg=id-ecPublicKey ;;
    *) want='2048-bit RSA key' ca_alg=rsaEncryption ;;
  esac
  openssl x509 -in "$s/ca-cert" -noout -text | grep -q "Public Key Algorithm: $ca_alg" ||
    zk_fail "ca-cert: not $ca_alg"
  openssl asn1parse -in "$s/ca-key" | grep -q aes-256-cbc || zk_fail "ca-key is not AES-256 encrypted"
  for ks in localhost kafka-1 kafka-2 client; do
    ZKTLS_STORE_PASSWORD=$store_pw keytool -list -v -keystore "$s/$ks.jks" \
      -storepass:env ZKTLS_STORE_PASSWORD > "$ZK_TMP/list" 2>&1 || zk_fail "keytool -list $ks.jks"
    grep -q "Subject Public Key Algorithm: $want" "$ZK_TMP/list" || {
      cat "$ZK_TMP/list" >&2
      zk_fail "$ks.jks does not hold a $want"
    }
  done
done

# --commands-embed-secrets: the passwords are in the script, which then needs
# no environment; still none on a command line.
script=$ZK_TMP/commands-embed.sh
export_script "$script" "$ZK_TMP/answers-rsa2048" --commands-embed-secrets
grep -qF -- "ZKTLS_SASL_PASSWORD_CONSUMER='pä\"ss\\w#rd'" "$script" ||
  zk_fail "--commands-embed-secrets: the consumer's password is not in the script"
run_script "$script" "$ZK_TMP/script-embed"
run_check "$ZK_TMP/script-embed"

# Without the passwords and without a terminal the script stops at once,
# naming the variable, and writes nothing but DIR.
if env -u ZKTLS_STORE_PASSWORD bash "$ZK_TMP/commands-rsa2048.sh" "$ZK_TMP/script-nopw" \
  < /dev/null > "$ZK_TMP/run.out" 2>&1; then
  zk_fail "the script ran without its passwords"
fi
grep -q 'set ZKTLS_STORE_PASSWORD' "$ZK_TMP/run.out" || {
  cat "$ZK_TMP/run.out" >&2
  zk_fail "the script does not say which password is missing"
}
[ -z "$(ls -A "$ZK_TMP/script-nopw")" ] || zk_fail "the script wrote files without its passwords"

exit 0
