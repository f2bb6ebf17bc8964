#!/bin/sh
# The PKI the batch writes, checked by the real consumers (issue 3):
#   keytool -list -v (JDK 17) on every keystore and truststore, openssl verify
#   on every chain, the private key opening with the store password, the DN
#   Java reports (tests/java/KeystoreCheck.java), the SANs, the extensions,
#   the modes; for jks, pkcs12 and pem, each with a release pair that reads it.
# Then reruns (kept), renewal (made anew), an imported CA made the article's
# way with openssl, and bad input: each must fail naming the file and the
# answer, with every file left as it was.
# Expected values come from this script's answers, never from the program.

. "$top_srcdir/tests/lib/common.sh"

zk_need keytool openssl java
zk_tmpdir

unset JDK_JAVA_OPTIONS JAVA_TOOL_OPTIONS _JAVA_OPTIONS CLASSPATH
LC_ALL=C
export LC_ALL

STOREPW=confidential
CAPW=superconfidential
export STOREPW CAPW
KS_PASSWORD=$STOREPW
export KS_PASSWORD

javasrc=$top_srcdir/tests/java
classes=$ZK_TMP/classes
failures=0
nodes="zookeeper kafka-1 kafka-2 client"

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

pass() {
  echo "ok: $*"
}

# One JVM start per directory: compile the checker once when javac exists.
if command -v javac >/dev/null 2>&1; then
  mkdir "$classes"
  javac -d "$classes" "$javasrc/KeystoreCheck.java" || zk_fail "javac failed on KeystoreCheck.java"
  keystore_check() { java -cp "$classes" KeystoreCheck "$@"; }
else
  keystore_check() { java "$javasrc/KeystoreCheck.java" "$@"; }
fi

wizard() {
  "$ZKTLS" --batch --steps ca,certs "$@"
}

# expect_in FILE TEXT WHAT: FILE contains the fixed string TEXT.
expect_in() {
  if grep -qF -- "$2" "$1"; then
    pass "$3"
  else
    fail "$3: '$2' not found in:"
    sed 's/^/    /' "$1" >&2
  fi
}

expect_mode() {
  m=$(zk_mode "$1")
  [ "$m" = "$2" ] && pass "$(basename "$1") has mode $2" || fail "$1 has mode $m, not $2"
}

# A fingerprint of every file in a directory (names, modes, contents); the
# answers file is the batch's to save, not PKI material.
dir_state() {
  (cd "$1" && find . -type f ! -path './.zktls-wizard/*' ! -name zktls-wizard.conf | LC_ALL=C sort | while read -r f; do
    printf '%s %s %s\n' "$f" "$(zk_mode "$f")" "$(sha256sum <"$f" | cut -c1-64)"
  done)
}

# check_pki DIR STORE_TYPE JAVA_TYPE KEYSTORE_SUFFIX TRUSTSTORE KEY_ALG
check_pki() {
  dir=$1 type=$2 jtype=$3 suffix=$4 truststore=$5 keyalg=$6
  out=$ZK_TMP/out.$type

  # --- the CA
  expect_mode "$dir/ca-key" 600
  expect_mode "$dir/ca-cert" 644
  expect_mode "$dir/$truststore" 600
  head -n 1 "$dir/ca-key" >"$out"
  expect_in "$out" "-----BEGIN ENCRYPTED PRIVATE KEY-----" "$type: ca-key is encrypted PKCS#8"
  openssl asn1parse -in "$dir/ca-key" >"$out"
  expect_in "$out" "aes-256-cbc" "$type: ca-key is encrypted with AES-256"
  if openssl pkey -in "$dir/ca-key" -passin env:CAPW -noout 2>/dev/null; then
    pass "$type: ca-key opens with ca.password"
  else
    fail "$type: ca-key does not open with ca.password"
  fi
  if openssl pkey -in "$dir/ca-key" -passin pass:wrong-password -noout 2>/dev/null; then
    fail "$type: ca-key opens with a wrong password"
  fi
  openssl x509 -in "$dir/ca-cert" -noout -subject -ext basicConstraints,keyUsage,subjectKeyIdentifier \
    -nameopt compat >"$out"
  expect_in "$out" "subject=/C=DE/ST=NRW/L=MS/O=juplo/OU=kafka/CN=Root-CA" "$type: CA subject is ca.subject"
  expect_in "$out" "CA:TRUE" "$type: CA has CA:TRUE"
  expect_in "$out" "Certificate Sign, CRL Sign" "$type: CA key usage keyCertSign, cRLSign"
  expect_in "$out" "X509v3 Subject Key Identifier" "$type: CA has a subject key identifier"
  ca_end=$(date -d "$(openssl x509 -in "$dir/ca-cert" -noout -enddate | cut -d= -f2)" +%s)

  # --- every node: certificate, chain, keystore
  checks=""
  for n in $nodes; do
    ks=$dir/$n$suffix
    expect_mode "$ks" 600
    expect_mode "$dir/$n.pem" 644
    if openssl verify -CAfile "$dir/ca-cert" "$dir/$n.pem" >"$out" 2>&1; then
      pass "$type: openssl verify $n.pem"
    else
      fail "$type: openssl verify $n.pem: $(cat "$out")"
    fi
    openssl x509 -in "$dir/$n.pem" -noout -serial -enddate \
      -ext extendedKeyUsage,authorityKeyIdentifier,subjectAltName >"$out"
    expect_in "$out" "TLS Web Server Authentication, TLS Web Client Authentication" "$type: $n EKU"
    expect_in "$out" "X509v3 Authority Key Identifier" "$type: $n has an authority key identifier"
    expect_in "$out" "DNS:$n, DNS:localhost" "$type: $n SANs"
    serial=$(sed -n 's/^serial=//p' "$out")
    [ ${#serial} -ge 30 ] && pass "$type: $n serial is random 128-bit ($serial)" \
      || fail "$type: $n serial $serial is shorter than 128 bits"
    end=$(date -d "$(sed -n 's/^notAfter=//p' "$out")" +%s)
    [ "$end" -le "$ca_end" ] && pass "$type: $n ends no later than the CA" \
      || fail "$type: $n outlives the CA"
    checks="$checks $jtype:$ks"

    if [ "$type" = pem ]; then
      head -n 1 "$ks" >"$out"
      expect_in "$out" "-----BEGIN ENCRYPTED PRIVATE KEY-----" "$type: $n key is encrypted PKCS#8"
      openssl asn1parse -in "$ks" >"$out"
      expect_in "$out" "pbeWithSHA1And3-KeyTripleDES-CBC" "$type: $n key uses PBE-SHA1-3DES"
      if openssl pkey -in "$ks" -passin env:STOREPW -noout 2>/dev/null; then
        pass "$type: $n key opens with store.password"
      else
        fail "$type: $n key does not open with store.password"
      fi
      openssl crl2pkcs7 -nocrl -certfile "$ks" | openssl pkcs7 -print_certs -noout >"$out"
      expect_in "$out" "subject=C = DE, ST = NRW, L = MS, O = juplo, OU = kafka, CN = $n" \
        "$type: $n chain starts with its certificate"
      expect_in "$out" "CN = Root-CA" "$type: $n chain ends with the CA"
      continue
    fi
    # keytool: the store type, both entries, the chain.
    if keytool -list -v -keystore "$ks" -storetype "$jtype" -storepass:env STOREPW >"$out" 2>&1; then
      pass "$type: keytool -list -v $n$suffix"
    else
      fail "$type: keytool -list -v $n$suffix: $(cat "$out")"
    fi
    expect_in "$out" "Keystore type: $jtype" "$type: $n$suffix is $jtype"
    expect_in "$out" "Your keystore contains 2 entries" "$type: $n$suffix has 2 entries"
    expect_in "$out" "Alias name: $n" "$type: $n$suffix has the key alias $n"
    expect_in "$out" "Entry type: PrivateKeyEntry" "$type: $n$suffix holds a private key"
    expect_in "$out" "Certificate chain length: 2" "$type: $n$suffix chain $n -> CA"
    expect_in "$out" "Alias name: ca-root" "$type: $n$suffix has ca-root"
    expect_in "$out" "Entry type: trustedCertEntry" "$type: $n$suffix trusts the CA"
    expect_in "$out" "Subject Public Key Algorithm: $keyalg" "$type: $n$suffix key is $keyalg"
  done

  # --- the truststore
  if [ "$type" = pem ]; then
    for n in $nodes; do
      openssl verify -CAfile "$dir/$truststore" "$dir/$n.pem" >/dev/null 2>&1 \
        && pass "$type: $n verifies against $truststore" || fail "$type: $n against $truststore"
    done
  else
    if keytool -list -v -keystore "$dir/$truststore" -storetype "$jtype" -storepass:env STOREPW \
      >"$out" 2>&1; then
      pass "$type: keytool -list -v $truststore"
    else
      fail "$type: keytool -list -v $truststore: $(cat "$out")"
    fi
    expect_in "$out" "Your keystore contains 1 entry" "$type: $truststore has 1 entry"
    expect_in "$out" "Alias name: ca-root" "$type: $truststore entry ca-root"
    expect_in "$out" "Entry type: trustedCertEntry" "$type: $truststore entry is trusted"
    # keytool reads the store with a wrong password?  It must not.
    if STOREPW=wrong-password keytool -list -keystore "$dir/$truststore" -storetype "$jtype" \
      -storepass:env STOREPW >/dev/null 2>&1; then
      fail "$type: $truststore opens with a wrong password"
    else
      pass "$type: $truststore refuses a wrong password"
    fi
  fi

  # --- Java: the key opens with the store password, the DN and SANs as answered
  if (cd "$dir" && keystore_check $checks "$jtype:$truststore") >"$out" 2>&1; then
    pass "$type: Java loads every store"
  else
    fail "$type: Java could not load the stores: $(cat "$out")"
  fi
  for n in $nodes; do
    alias=$n
    [ "$type" = pem ] && alias=key
    expect_in "$out" "entry alias=$alias kind=key chain=2 keymatch=yes san=DNS:$n,DNS:localhost subject=CN=$n,OU=kafka,O=juplo,L=MS,ST=NRW,C=DE" \
      "$type: Java opens $n's key with store.password and reports its DN exactly"
  done
}

# ------------------------------------------------------------------ jks (the article)
w=$ZK_TMP/jks
wizard "$w" >"$ZK_TMP/run1" 2>&1 || { cat "$ZK_TMP/run1"; zk_fail "batch ca,certs failed"; }
check_pki "$w" jks JKS .jks truststore.jks "2048-bit RSA key"
for f in "$w"/*.jks; do
  magic=$(od -An -tx1 -N4 "$f" | tr -d ' \n')
  [ "$magic" = feedfeed ] && pass "$(basename "$f") is real JKS" \
    || fail "$(basename "$f") starts with $magic, not feedfeed"
done

# A rerun keeps everything and says so.
before=$(dir_state "$w")
wizard "$w" >"$ZK_TMP/run2" 2>&1 || fail "rerun failed: $(cat "$ZK_TMP/run2")"
expect_in "$ZK_TMP/run2" "kept ca-key and ca-cert" "rerun keeps the CA"
expect_in "$ZK_TMP/run2" "kept kafka-1.jks and kafka-1.pem" "rerun keeps kafka-1"
[ "$before" = "$(dir_state "$w")" ] && pass "rerun changed no file" || fail "rerun changed files"

# Renewal makes everything anew and says so; the result is as good as the first.
"$ZKTLS" --batch --steps ca,certs --renew "$w" >"$ZK_TMP/run3" 2>&1 \
  || fail "renew failed: $(cat "$ZK_TMP/run3")"
expect_in "$ZK_TMP/run3" "made a new CA" "renew makes a new CA"
expect_in "$ZK_TMP/run3" "made key and certificate for client" "renew makes new node keys"
[ "$before" != "$(dir_state "$w")" ] && pass "renew replaced the files" || fail "renew changed nothing"
check_pki "$w" jks JKS .jks truststore.jks "2048-bit RSA key"

# A node whose certificate no longer fits (another SAN) gets a new one, key kept.
"$ZKTLS" --batch --steps certs --set cert.san='DNS:{name},DNS:localhost,IP:127.0.0.1' "$w" \
  >"$ZK_TMP/run4" 2>&1 || fail "SAN change failed: $(cat "$ZK_TMP/run4")"
expect_in "$ZK_TMP/run4" "new certificate for kafka-2, key kept" "changed SANs re-sign, keeping the key"
openssl x509 -in "$w/kafka-2.pem" -noout -ext subjectAltName >"$ZK_TMP/san"
expect_in "$ZK_TMP/san" "IP Address:127.0.0.1" "the new SAN is in the certificate"

# ------------------------------------------------------------------ pkcs12 (ZooKeeper >= 3.5.6)
w=$ZK_TMP/p12
wizard --set store.type=pkcs12 --set zookeeper.version=3.5.6 --set key.type=ec-p256 "$w" \
  >"$ZK_TMP/run" 2>&1 || { cat "$ZK_TMP/run"; zk_fail "batch with store.type=pkcs12 failed"; }
check_pki "$w" pkcs12 PKCS12 .p12 truststore.p12 "256-bit EC (secp256r1) key"
# Algorithms Java 8 before 8u301 reads: HMAC-SHA1 MAC, 3DES key bag.
openssl pkcs12 -info -noout -in "$w/kafka-1.p12" -passin env:STOREPW >"$ZK_TMP/info" 2>&1
expect_in "$ZK_TMP/info" "MAC: sha1" "pkcs12: MAC is HMAC-SHA1 (old Java reads it)"
expect_in "$ZK_TMP/info" "pbeWithSHA1And3-KeyTripleDES-CBC" "pkcs12: key bag is PBE-SHA1-3DES"

# ------------------------------------------------------------------ pem (Kafka >= 2.7)
w=$ZK_TMP/pem
wizard --set store.type=pem --set kafka.version=2.7.0 "$w" >"$ZK_TMP/run" 2>&1 \
  || { cat "$ZK_TMP/run"; zk_fail "batch with store.type=pem failed"; }
check_pki "$w" pem PEM -keystore.pem truststore.pem "2048-bit RSA key"

# ------------------------------------------------------------------ an imported CA
# Made the article's way: openssl req -new -x509 with a passphrase.
w=$ZK_TMP/import
mkdir -m 700 "$w"
openssl req -new -x509 -newkey rsa:2048 -keyout "$w/ca-key" -out "$w/ca-cert" -days 30 \
  -subj /C=DE/O=elsewhere/CN=Imported-CA -passout env:CAPW 2>/dev/null
before=$(sha256sum "$w/ca-key" "$w/ca-cert")
wizard --set ca.mode=import "$w" >"$ZK_TMP/run" 2>&1 \
  || fail "import failed: $(cat "$ZK_TMP/run")"
expect_in "$ZK_TMP/run" "using the imported CA" "import says it uses the imported CA"
[ "$before" = "$(sha256sum "$w/ca-key" "$w/ca-cert")" ] && pass "import leaves ca-key and ca-cert alone" \
  || fail "import changed the imported CA"
for n in $nodes; do
  openssl verify -CAfile "$w/ca-cert" "$w/$n.pem" >/dev/null 2>&1 \
    && pass "import: $n verifies against the imported CA" || fail "import: $n does not verify"
done
keytool -list -keystore "$w/truststore.jks" -storepass:env STOREPW >"$ZK_TMP/out" 2>&1
expect_in "$ZK_TMP/out" "ca-root" "import: truststore.jks trusts the imported CA"
# The CA ends in 30 days: cert.days (365) is cut to the CA's end.
expect_in "$ZK_TMP/run" "ends with the CA" "import: node certificates are cut to the CA's end"

# ------------------------------------------------------------------ bad input
# expect_refusal NAME DIR TEXT... -- ARGS: fails, names every TEXT, changes nothing.
expect_refusal() {
  name=$1 dir=$2
  shift 2
  texts=""
  while [ "$1" != -- ]; do
    texts="$texts
$1"
    shift
  done
  shift
  before=$(dir_state "$dir")
  if "$ZKTLS" --batch "$@" "$dir" >"$ZK_TMP/bad" 2>&1; then
    fail "$name: accepted"
    return
  fi
  echo "$texts" | while IFS= read -r t; do
    [ -z "$t" ] && continue
    grep -qF -- "$t" "$ZK_TMP/bad" || { echo "FAIL: $name: message lacks '$t':" >&2; cat "$ZK_TMP/bad" >&2; echo x; }
  done >"$ZK_TMP/missing"
  [ -s "$ZK_TMP/missing" ] && fail "$name: message incomplete" || pass "$name: refused, naming $(echo $texts | tr '\n' ' ')"
  [ "$before" = "$(dir_state "$dir")" ] && pass "$name: nothing changed" || fail "$name: files changed"
}

# The batch saves the answers of a refused run too: each case gets its own
# copy of the good directory, so one case's answers cannot leak into the next.
fresh() {
  rm -rf "$ZK_TMP/bad.$1"
  cp -a "$ZK_TMP/jks" "$ZK_TMP/bad.$1"
  w=$ZK_TMP/bad.$1
}

fresh capw
expect_refusal "wrong ca.password" "$w" ca-key ca.password -- \
  --steps ca,certs --set ca.password=not-the-password
fresh storepw
expect_refusal "keystore with another password" "$w" zookeeper.jks store.password -- \
  --steps certs --set store.password=another-password
fresh trustpw
expect_refusal "truststore with another password" "$w" truststore.jks store.password -- \
  --steps ca --set store.password=another-password

w=$ZK_TMP/corrupt
mkdir -m 700 "$w"
cp "$ZK_TMP/jks/ca-cert" "$w/"
printf '%s\n' '-----BEGIN ENCRYPTED PRIVATE KEY-----' 'bm90IGEga2V5' \
  '-----END ENCRYPTED PRIVATE KEY-----' >"$w/ca-key"
expect_refusal "corrupt ca-key" "$w" ca-key -- --steps ca,certs --set ca.mode=import

w=$ZK_TMP/mismatch
mkdir -m 700 "$w"
cp "$ZK_TMP/jks/ca-cert" "$w/"
cp "$ZK_TMP/import/ca-key" "$w/"
expect_refusal "ca-cert not matching ca-key" "$w" ca-cert ca-key -- --steps ca,certs --set ca.mode=import

w=$ZK_TMP/expired
mkdir -m 700 "$w" "$ZK_TMP/oldca" "$ZK_TMP/oldca/db"
: >"$ZK_TMP/oldca/db/index"
echo 01 >"$ZK_TMP/oldca/db/serial"
cat >"$ZK_TMP/oldca/ca.cnf" <<'EOF'
[ca]
default_ca = old
[old]
database = db/index
serial = db/serial
new_certs_dir = db
default_md = sha256
policy = any
x509_extensions = v3
[any]
commonName = supplied
[v3]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
EOF
(cd "$ZK_TMP/oldca" &&
  openssl req -new -newkey rsa:2048 -keyout "$w/ca-key" -passout env:CAPW -subj /CN=Old-CA \
    -out ca.csr 2>/dev/null &&
  openssl ca -batch -config ca.cnf -selfsign -keyfile "$w/ca-key" -passin env:CAPW -in ca.csr \
    -startdate 20200101000000Z -enddate 20200201000000Z -out "$w/ca-cert" -notext >/dev/null 2>&1) \
  || zk_fail "could not make an expired CA with openssl ca"
expect_refusal "expired imported CA" "$w" ca-cert expired ca.mode -- --steps ca,certs --set ca.mode=import

# Java opens PKCS#12 and PEM keys only with an ASCII password (its PBEKey
# refuses others): such a password is refused up front for those types.
fresh nonascii
LC_ALL=C.UTF-8 expect_refusal "non-ASCII password for pkcs12" "$w" store.password ASCII -- \
  --steps ca,certs --set store.type=pkcs12 --set zookeeper.version=3.5.6 \
  --set "store.password=p$(printf '\303\244')sswort"

# A file the user edited is refused before anything is written, even when
# renewal would replace every other file of the step.
fresh edited
echo '# my note' >>"$w/kafka-2.pem"
expect_refusal "renewal over an edited kafka-2.pem" "$w" kafka-2.pem "--force" -- --steps certs --renew

# A DN Java would print differently is refused, naming cert.dn and the form
# Java would report (Java escapes '#' anywhere in a value); a DN with a blank
# inside a value comes back from Java exactly as answered.
fresh dn
expect_refusal "DN Java prints differently" "$w" cert.dn 'OU=ops team \#1' -- \
  --steps certs --set 'cert.dn=CN={name},OU=ops team #1,O=juplo'
w=$ZK_TMP/dn
wizard --set 'cert.dn=CN={name},OU=ops team,O=juplo' --set key.type=ec-p256 "$w" >"$ZK_TMP/run" 2>&1 \
  || fail "DN with a blank refused: $(cat "$ZK_TMP/run")"
(cd "$w" && keystore_check JKS:kafka-1.jks) >"$ZK_TMP/out" 2>&1 || true
expect_in "$ZK_TMP/out" "subject=CN=kafka-1,OU=ops team,O=juplo" "Java reports the DN exactly"

# ------------------------------------------------------------------ the checks can fail
# A flipped byte inside a keystore must be caught by keytool and by our reader.
# The byte is in the CA certificate near the end: the key still opens, which
# proves the password right and the file damaged.
fresh damaged
size=$(wc -c <"$w/kafka-1.jks")
printf '\001' | dd of="$w/kafka-1.jks" bs=1 seek=$((size - 100)) conv=notrunc 2>/dev/null
if keytool -list -keystore "$w/kafka-1.jks" -storepass:env STOREPW >/dev/null 2>&1; then
  fail "keytool accepted a damaged keystore: the keytool checks prove nothing"
else
  pass "keytool refuses a damaged keystore"
fi
expect_refusal "damaged keystore" "$w" kafka-1.jks "the password is right, so the file was changed" -- \
  --steps certs --force

if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "all PKI checks passed"
