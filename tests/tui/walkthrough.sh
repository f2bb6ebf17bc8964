#!/bin/sh
# The wizard in a real terminal (tmux): a walkthrough of every screen on the
# defaults writes what --batch writes; an invalid port is shown at its field
# and blocks moving on; the preview shows a typed port; resizing works; the
# terminal is restored after quitting.
. "$top_srcdir/tests/lib/common.sh"
zk_tmpdir
. "$top_srcdir/tests/lib/releases.sh"
. "$top_srcdir/tests/lib/tui.sh"
zk_need openssl python3

# Releases with the real names and layout, served on 127.0.0.1: the archives
# from a mirror, their .sha512 from a separate "official" site.
zk_build_releases
zk_serve M --root "$ZK_TMP/mirror"
zk_serve C --root "$ZK_TMP/official"
sites="--mirror=http://127.0.0.1:$M --checksums=http://127.0.0.1:$C"

# EC keys keep the PKI steps fast; both runs use the same answers.
# shellcheck disable=SC2086 # $sites is two options
"$ZKTLS" --batch --set key.type=ec-p256 $sites "$ZK_TMP/batch" >/dev/null ||
  zk_fail "the batch run failed"

# shellcheck disable=SC2086
tui_start 80 24 -- --set key.type=ec-p256 $sites "$ZK_TMP/tui"
tui_wait "Welcome"
tui_wait "Enter: start"
tui_keys Enter
tui_wait "Download (1/7)"
tui_keys Enter
tui_wait "Swap jars (2/7)"
tui_keys Enter
tui_wait "Private CA (3/7)"
tui_keys Enter
tui_wait "Node certificates (4/7)"
tui_keys Enter
tui_wait "ZooKeeper (5/7)"

# Going back and forth keeps the answers.
tui_keys Escape
tui_wait "Node certificates (4/7)"
tui_keys Enter
tui_wait "ZooKeeper (5/7)"

# An invalid port: marked at the field with the core's message, and Enter refuses.
tui_keys Tab BSpace BSpace BSpace BSpace 7 0 0 0 0
tui_wait "secureClientPort=70000"
batch_message=$("$ZKTLS" --batch --set zookeeper.secure_port=70000 "$ZK_TMP/never" 2>&1 | head -n 1 | sed 's/^zktls-wizard: //')
tui_wait "$batch_message"
tui_screen | grep -q '70000 *!' || zk_fail "the invalid field carries no '!' mark"
tui_keys Enter
tui_wait "Not yet: zookeeper.secure_port"
tui_screen | grep -qF "ZooKeeper (5/7)" || zk_fail "Enter moved on past an invalid port"
[ ! -e "$ZK_TMP/never" ] || zk_fail "batch with an invalid port wrote files"

# A newly typed port shows in the preview of zoo.cfg at once.
tui_keys BSpace BSpace BSpace BSpace BSpace 2 1 8 3
tui_wait "secureClientPort=2183"
tui_wait "zoo.cfg (0600, new)"
# Back to the article's port before writing, so batch and TUI answers agree.
tui_keys BSpace 2
tui_wait "secureClientPort=2182"

# Resizing: wide layout, too small, back.
tmux -L "$TUI_SOCKET" resize-window -x 130 -y 40
tui_wait "Node certificates"           # the step list of the wide layout
tmux -L "$TUI_SOCKET" resize-window -x 60 -y 20
tui_wait "Terminal too small"
tmux -L "$TUI_SOCKET" resize-window -x 80 -y 24
tui_wait "secureClientPort=2182"
tui_screen | grep -q "2182" || zk_fail "the typed port was lost over the resize"

tui_keys Enter
tui_wait "Brokers (6/7)"
tui_keys Enter
tui_wait "Clients (7/7)"
tui_keys Enter
tui_wait "./cluster.sh start"
tui_keys F10
status=$(tui_exit_status)
[ "$status" = 0 ] || zk_fail "the wizard exited with $status"

# The terminal is back: no alternate screen, cursor visible, echo on.
tui_check_restored "after F10"
tui_check_sanitizers

# The files equal batch's: text byte for byte (the absolute directory aside) ...
for f in java.env zoo.cfg log4j.properties kafka-1.properties kafka-2.properties \
         consumer.config producer.config kafka-1.zk-tls.args kafka-2.zk-tls.args \
         client.zk-tls.args cluster.sh "downloads/$KAFKA_TGZ" "downloads/$ZK_TGZ"; do
  cmp -s "$ZK_TMP/batch/$f" "$ZK_TMP/tui/$f" || { diff -u "$ZK_TMP/batch/$f" "$ZK_TMP/tui/$f" >&2; zk_fail "$f differs from batch"; }
done
sed "s|$ZK_TMP/tui|DIR|" "$ZK_TMP/tui/client.zk-tls.env" >"$ZK_TMP/a"
sed "s|$ZK_TMP/batch|DIR|" "$ZK_TMP/batch/client.zk-tls.env" >"$ZK_TMP/b"
cmp -s "$ZK_TMP/a" "$ZK_TMP/b" || zk_fail "client.zk-tls.env differs beyond the directory"
# The jar swap left the same libs/ in both.
(cd "$ZK_TMP/batch/$KAFKA_TOP/libs" && ls) >"$ZK_TMP/libs.batch"
(cd "$ZK_TMP/tui/$KAFKA_TOP/libs" && ls) >"$ZK_TMP/libs.tui"
cmp -s "$ZK_TMP/libs.batch" "$ZK_TMP/libs.tui" || zk_fail "Kafka's libs/ differ after the swap"
grep -qx 'zookeeper-3.5.5.jar' "$ZK_TMP/libs.tui" || zk_fail "the TUI's swap did not put zookeeper-3.5.5.jar in libs/"
# ... and certificates equal in content (subject, SANs, extensions), each verifying.
for node in zookeeper kafka-1 kafka-2 client; do
  for d in batch tui; do
    openssl x509 -in "$ZK_TMP/$d/$node.pem" -noout -subject -issuer -ext subjectAltName,keyUsage,extendedKeyUsage,basicConstraints \
      >"$ZK_TMP/$d.$node.txt" || zk_fail "$d/$node.pem is not a certificate"
    openssl verify -CAfile "$ZK_TMP/$d/ca-cert" "$ZK_TMP/$d/$node.pem" >/dev/null || zk_fail "$d/$node.pem does not verify"
  done
  cmp -s "$ZK_TMP/batch.$node.txt" "$ZK_TMP/tui.$node.txt" || zk_fail "$node's certificate differs from batch's"
done
echo "ok: the walkthrough writes what batch writes; validation, preview, resize and exit behave"
