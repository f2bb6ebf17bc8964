#!/bin/sh
# HTTPS: a server with a certificate from a test CA made here with the
# openssl CLI.  Untrusted without --ca-file (a clear message naming
# --ca-file), trusted with it; a redirect from https to http is refused.
. "$top_srcdir/tests/lib/common.sh"
zk_need python3 tar sha512sum openssl
zk_tmpdir
. "$top_srcdir/tests/lib/releases.sh"

zk_build_releases 300000
cd "$ZK_TMP"
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 \
  -subj "/CN=zktls test CA" -addext basicConstraints=critical,CA:TRUE \
  -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr \
  -subj "/CN=127.0.0.1" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' \
  > server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
  -extfile server.ext -out server.pem 2>/dev/null
cd - > /dev/null

zk_serve M --root "$ZK_TMP/mirror" --tls "$ZK_TMP/server.pem" "$ZK_TMP/server.key" \
  --log "$ZK_TMP/log.mirror"
zk_serve C --root "$ZK_TMP/official" --tls "$ZK_TMP/server.pem" "$ZK_TMP/server.key"

# Not trusted: the system store does not know the test CA.
rc=0
"$ZKTLS" --batch --steps download,jars --mirror "https://127.0.0.1:$M" \
  --checksums "https://127.0.0.1:$C" "$ZK_TMP/work1" > "$ZK_TMP/out" 2> "$ZK_TMP/err" || rc=$?
[ "$rc" = 1 ] || zk_fail "untrusted certificate: exit $rc"
grep -q "certificate is not trusted" "$ZK_TMP/err" || { cat "$ZK_TMP/err"; zk_fail "no clear message"; }
grep -q -- "--ca-file" "$ZK_TMP/err" || zk_fail "the message does not name --ca-file"
[ ! -e "$ZK_TMP/work1/downloads/$KAFKA_TGZ" ] || zk_fail "an untrusted download was kept"

# A sum given as answer still does not make an untrusted server acceptable.
rc=0
"$ZKTLS" --batch --steps download --mirror "https://127.0.0.1:$M" \
  --set "kafka.sha512=$KAFKA_SUM" --set "zookeeper.sha512=$ZK_SUM" \
  "$ZK_TMP/work2" > "$ZK_TMP/out" 2> "$ZK_TMP/err" || rc=$?
[ "$rc" = 1 ] && grep -q "certificate is not trusted" "$ZK_TMP/err" \
  || zk_fail "untrusted mirror accepted with pinned sums"

# Trusted through --ca-file (added to the system store, not replacing it).
"$ZKTLS" --batch --steps download,jars --mirror "https://127.0.0.1:$M" \
  --checksums "https://127.0.0.1:$C" --ca-file "$ZK_TMP/ca.pem" "$ZK_TMP/work3" \
  > "$ZK_TMP/out" 2> "$ZK_TMP/err" || { cat "$ZK_TMP/err"; zk_fail "--ca-file failed"; }
cmp "$ZK_TMP/work3/downloads/$KAFKA_TGZ" "$ZK_TMP/mirror/$KAFKA_PATH" || zk_fail "archive differs"
[ -e "$ZK_TMP/work3/kafka_2.12-2.3.0/libs/zookeeper-3.5.5.jar" ] || zk_fail "no swap over HTTPS"

# A host name the certificate does not carry is refused.
rc=0
"$ZKTLS" --batch --steps download --mirror "https://127.0.0.2:$M" \
  --checksums "https://127.0.0.1:$C" --ca-file "$ZK_TMP/ca.pem" "$ZK_TMP/work4" \
  > "$ZK_TMP/out" 2> "$ZK_TMP/err" || rc=$?
[ "$rc" = 1 ] || zk_fail "a certificate for another host was accepted"

# Redirects are followed, but never from https down to http.
zk_serve P --root "$ZK_TMP/mirror"
zk_serve R --root "$ZK_TMP/mirror" --tls "$ZK_TMP/server.pem" "$ZK_TMP/server.key" \
  --fault "/$KAFKA_PATH=redirect:https://127.0.0.1:$M/$KAFKA_PATH" \
  --fault "/$ZK_PATH=redirect:http://127.0.0.1:$P/$ZK_PATH"
rc=0
"$ZKTLS" --batch --steps download --mirror "https://127.0.0.1:$R" \
  --checksums "https://127.0.0.1:$C" --ca-file "$ZK_TMP/ca.pem" "$ZK_TMP/work5" \
  > "$ZK_TMP/out" 2> "$ZK_TMP/err" || rc=$?
[ "$rc" = 1 ] || zk_fail "a redirect to http was followed"
cmp "$ZK_TMP/work5/downloads/$KAFKA_TGZ" "$ZK_TMP/mirror/$KAFKA_PATH" \
  || zk_fail "the https redirect was not followed"
[ ! -e "$ZK_TMP/work5/downloads/$ZK_TGZ" ] || zk_fail "downloaded over http after a redirect"
zk_assert_nothing_outside
echo "ok: download over HTTPS"
