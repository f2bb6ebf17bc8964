#!/bin/sh
# A full disk loses nothing and is never taken for success (issue 12, item
# 2).  --batch runs are made to meet a full disk at many points: every such
# run exits 1 with "No space left on device", and what it leaves is the
# previous state or nothing -- no archive under its final name unless whole,
# no unpacked tree unless it equals the release (or the swapped release), no
# temporary folder, every key, keystore and configuration complete and each
# text file a version a complete run writes.  After freeing the space a
# rerun succeeds and equals a clean run: the same files, modes and bytes
# (keys: complete and signed by the CA).  The same for an existing directory
# whose keys are renewed and answers changed, and for a download from a
# mirror (the rerun resumes the .part).  Decompression bombs (one 800 MiB
# entry of zeros; many that exceed the disk) are refused naming the archive
# and the limit, or fail on the full disk, keeping nothing.
#
# The disk: a tmpfs in a user and mount namespace (unshare -rm) when the
# system allows it (Debian's default: kernel.unprivileged_userns_clone=1),
# shrunk (remount size=) to leave N bytes free; the wizard's own preflight
# refuses to start with less than 400 MiB (download) or 4 MiB (the other
# steps) free, so the real file system fills during jars, ca, certs and the
# configuration steps, from 4 MiB free on.  An LD_PRELOAD shim
# (tests/lib/enospc.c) fails writes under DIR after N bytes: for the
# download, the renewals, and everything when no namespace can be made; and
# fsync after N bytes (a file system that finds out late, like NFS).
# ZKTLS_TEST_DISK=tmpfs or shim forces one (tmpfs unavailable then fails).

: "${top_srcdir:?run this test through make check}" "${top_builddir:?run this test through make check}"
if [ -z "${ZK_DISK_BACKEND:-}" ]; then
  want=${ZKTLS_TEST_DISK:-auto}
  # shellcheck disable=SC2016 # expanded by the inner shell
  probe='d=$(mktemp -d) && mount -t tmpfs -o size=1m tmpfs "$d" && umount "$d" && rmdir "$d"'
  if [ "$want" != shim ] && command -v unshare >/dev/null 2>&1 &&
    unshare -rm sh -c "$probe" 2>/dev/null; then
    ZK_DISK_BACKEND=tmpfs
    export ZK_DISK_BACKEND
    exec unshare -rm sh "$0" "$@"
  fi
  if [ "$want" = tmpfs ]; then
    echo "FAIL: ZKTLS_TEST_DISK=tmpfs, but unshare -rm cannot mount a tmpfs here" >&2
    exit 1
  fi
  ZK_DISK_BACKEND=shim
fi

# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
. "$top_srcdir/tests/lib/common.sh"
zk_need python3 tar sha512sum cmp diff find openssl du df "${CC:-cc}"
zk_tmpdir
# shellcheck source-path=SCRIPTDIR source=../lib/releases.sh
. "$top_srcdir/tests/lib/releases.sh"

dircheck="$top_builddir/tests/fuzz/dircheck"
[ -x "$dircheck" ] || zk_fail "$dircheck is not built"
${CC:-cc} -shared -fPIC -o "$ZK_TMP/enospc.so" "$top_srcdir/tests/lib/enospc.c" -ldl ||
  zk_fail "cannot build the LD_PRELOAD shim"

# A Kafka jar of 6 MB: unpacking needs more than the 4 MiB the preflight asks for.
zk_build_releases 6000000
mkdir "$ZK_TMP/archives"
cp "$ZK_TMP/mirror/$KAFKA_PATH" "$ZK_TMP/mirror/$ZK_PATH" "$ZK_TMP/archives/"
FS=$ZK_TMP/fs
mkdir "$FS"
if [ "$ZK_DISK_BACKEND" = tmpfs ]; then
  # A limit, not an allocation: only what is written takes memory.
  mount -t tmpfs -o size=512m,mode=0700 tmpfs "$FS" || zk_fail "cannot mount the tmpfs"
  trap 'umount "$FS" 2>/dev/null; zk_release_cleanup' EXIT
fi
FS=$(cd "$FS" && pwd -P)
W=$FS/w
echo "disk: $ZK_DISK_BACKEND"

# --- running the wizard on a disk with LIMIT bytes left ----------------------

limit=      # empty: space enough
at=space    # space (tmpfs, filled), write or fsync (the shim)
wz() {
  rc=0
  if [ -n "$limit" ] && [ "$at" != space ]; then
    ZKTLS_ENOSPC_DIR=$FS ZKTLS_ENOSPC_BYTES=$limit ZKTLS_ENOSPC_AT=$at \
      ZKTLS_ENOSPC_LOG="$ZK_TMP/written" LD_PRELOAD="$ZK_TMP/enospc.so" \
      ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
      "$ZKTLS" --batch "$@" "$W" >"$ZK_TMP/out" 2>"$ZK_TMP/err" || rc=$?
  else
    "$ZKTLS" --batch "$@" "$W" >"$ZK_TMP/out" 2>"$ZK_TMP/err" || rc=$?
  fi
}
# disk_full KIND BYTES: the next runs find BYTES free (space: the tmpfs
# shrunk to what it holds plus BYTES) or may write BYTES (write, fsync: the shim).
disk_full() {
  at=$1
  limit=$2
  [ "$at" = space ] || return 0
  used=$(df -B1 --output=used "$FS" | tail -n 1)
  # One page more: taking DIR writes the lock before the preflight looks.
  mount -t tmpfs -o "remount,size=$((used + limit + 4096))" tmpfs "$FS" || zk_fail "cannot shrink the tmpfs"
}
disk_free() {
  if [ "$at" = space ] && [ -n "$limit" ]; then
    mount -t tmpfs -o remount,size=512m tmpfs "$FS" || zk_fail "cannot grow the tmpfs"
  fi
  limit=
}
used() {
  df -B1 --output=used "$FS" | tail -n 1
}

local_args="--archives $ZK_TMP/archives --set kafka.sha512=$KAFKA_SUM --set zookeeper.sha512=$ZK_SUM"
answers="--set key.type=ec-p256"
# Files with fresh random keys in every run: complete, not equal.
is_random() {
  case $1 in
    ca-key | ca-cert | *.jks | *.p12 | *.pem | .zktls-wizard/manifest) return 0 ;;
  esac
  return 1
}
# The lock (.zktls-wizard/lock) holds the PID and start time of whichever
# run took DIR last: no run's result, so never compared.
list_files() { # DIR: its regular files, relative, sorted
  (cd "$1" && find . -type f ! -path ./.zktls-wizard/lock | sed 's|^\./||' | sort)
}

# snapshot NAME: a clean run's DIR, kept for comparisons.
snapshot() {
  rm -rf "$ZK_TMP/snap-$1"
  cp -a "$W" "$ZK_TMP/snap-$1"
}

# same_as_clean WHAT SNAPSHOT: DIR equals what a clean run left in SNAPSHOT.
same_as_clean() {
  ref=$ZK_TMP/snap-$2
  list_files "$ref" >"$ZK_TMP/files.ref"
  list_files "$W" >"$ZK_TMP/files.now"
  diff "$ZK_TMP/files.ref" "$ZK_TMP/files.now" >&2 || zk_fail "$1: other files than a clean run"
  while read -r f; do
    [ "$(stat -c %a "$ref/$f")" = "$(stat -c %a "$W/$f")" ] || zk_fail "$1: $f has mode $(stat -c %a "$W/$f")"
    is_random "$f" || cmp -s "$ref/$f" "$W/$f" || zk_fail "$1: $f differs from a clean run's"
  done <"$ZK_TMP/files.ref"
  "$dircheck" "$W" confidential superconfidential >/dev/null || zk_fail "$1: a file is not complete"
  for pem in "$W"/*.pem; do
    openssl verify -CAfile "$W/ca-cert" "$pem" >/dev/null 2>&1 ||
      zk_fail "$1: $(basename "$pem") is not signed by ca-cert"
  done
}

# tree_is WHAT TREE VERSIONS...: DIR/TREE is absent or equals one of them.
tree_is() {
  what=$1 tree=$2
  shift 2
  [ -e "$W/$tree" ] || return 0
  for v in "$@"; do
    diff -r "$v" "$W/$tree" >/dev/null 2>&1 && return 0
  done
  diff -r "$1" "$W/$tree" >&2 || true
  zk_fail "$what: $tree/ is there but is not what the release holds"
}

# left_whole WHAT SNAPSHOTS...: after a failed run, DIR holds the previous
# state or nothing: each file complete, each text file one of the versions
# the snapshots hold, nothing half-written under a final name.
left_whole() {
  what=$1
  shift
  [ "$rc" = 1 ] || { cat "$ZK_TMP/out" "$ZK_TMP/err" >&2; zk_fail "$what: exit $rc, expected 1"; }
  grep -q "No space left on device" "$ZK_TMP/err" ||
    { cat "$ZK_TMP/err" >&2; zk_fail "$what: the message does not say the disk is full"; }
  [ -d "$W" ] || return 0
  [ ! -e "$W/.zktls-unpack" ] || zk_fail "$what: the unpack's temporary folder is left"
  temps=$(find "$W" -name '*.zktls-tmp')
  [ -z "$temps" ] || zk_fail "$what: temporary files left: $temps"
  for a in "$KAFKA_TGZ" "$ZK_TGZ"; do
    [ ! -e "$W/downloads/$a" ] || cmp -s "$W/downloads/$a" "$ZK_TMP/archives/$a" ||
      zk_fail "$what: downloads/$a is under its final name but incomplete"
  done
  tree_is "$what" "$KAFKA_TOP" "$ZK_TMP/src/$KAFKA_TOP" "$ZK_TMP/snap-$1/$KAFKA_TOP"
  tree_is "$what" "$ZK_TOP" "$ZK_TMP/src/$ZK_TOP"
  tree_is "$what" removed-jars "$ZK_TMP/snap-$1/removed-jars"
  list_files "$W" >"$ZK_TMP/files.left"
  while read -r f; do
    case $f in downloads/*.part | "$KAFKA_TOP"/* | "$ZK_TOP"/* | removed-jars/*) continue ;; esac
    is_random "$f" && continue
    ok=
    for s in "$@"; do
      cmp -s "$W/$f" "$ZK_TMP/snap-$s/$f" && ok=1
    done
    [ -n "$ok" ] || zk_fail "$what: $f is none of the versions a complete run writes"
  done <"$ZK_TMP/files.left"
  "$dircheck" "$W" confidential superconfidential >/dev/null 2>"$ZK_TMP/dircheck.err" ||
    { cat "$ZK_TMP/dircheck.err" >&2; zk_fail "$what: a file is not complete"; }
}

# --- a clean run, for reference ------------------------------------------------

# Step by step, noting what each adds to the disk (tmpfs pages) and how
# many bytes it writes there (the shim, with room for everything).
: >"$ZK_TMP/used"
written=0
for step in download jars ca certs zookeeper brokers clients; do
  : >"$ZK_TMP/written"
  disk_full write 1000000000000
  # shellcheck disable=SC2086 # argument lists without blanks
  wz $answers $local_args --steps "$step"
  [ "$rc" = 0 ] || { cat "$ZK_TMP/err" >&2; zk_fail "a clean run failed at $step"; }
  written=$((written + $(cat "$ZK_TMP/written")))
  echo "$step $(used) $written" >>"$ZK_TMP/used"
done
disk_free
used_after() { # STEP: the disk's use after it, in the clean run
  awk -v s="$1" '$1 == s { print $2 }' "$ZK_TMP/used"
}
written_after() { # STEP: the bytes written until its end, in the clean run
  awk -v s="$1" '$1 == s { print $3 }' "$ZK_TMP/used"
}
snapshot clean
# What renewing every key with a changed answer writes, for its budgets.
: >"$ZK_TMP/written"
disk_full write 1000000000000
# shellcheck disable=SC2086
wz $answers --set zookeeper.heap=1g --renew $local_args
[ "$rc" = 0 ] || { cat "$ZK_TMP/err" >&2; zk_fail "a renewal failed"; }
renew_written=$(cat "$ZK_TMP/written")
disk_free
rm -rf "$W"
# The same path with other answers, for the existing-directory case.
# shellcheck disable=SC2086
wz $answers --set zookeeper.heap=1g $local_args
[ "$rc" = 0 ] || { cat "$ZK_TMP/err" >&2; zk_fail "a clean run with other answers failed"; }
snapshot other
cmp -s "$W/java.env" "$ZK_TMP/snap-clean/java.env" && zk_fail "the two answer sets write the same java.env"
rm -rf "$W"

# --- a fresh directory meets a full disk at many points -----------------------

# check_failed_steps WHAT: which step failed (stdout says "STEP: failed").
failed_steps=
note_failure() {
  step=$(sed -n 's/^\([a-z]*\): failed.*/\1/p' "$ZK_TMP/out" | head -n 1)
  case " $failed_steps " in *" $step "*) ;; *) failed_steps="$failed_steps $step" ;; esac
}

# fill_fail_free WHAT KIND BYTES STEPS: from the downloads (or nothing),
# the run meets the full disk, leaves the previous state, and the rerun
# after freeing the space equals a clean run.
fill_fail_free() {
  what=$1 kind=$2 bytes=$3 run_steps=$4
  rm -rf "$W"
  if [ "$run_steps" != all ]; then
    mkdir -p "$W"
    cp -a "$ZK_TMP/snap-clean/downloads" "$ZK_TMP/snap-clean/zktls-wizard.conf" "$W/"
    chmod 700 "$W"
  fi
  set -- --steps "$run_steps"
  [ "$run_steps" = all ] && set --
  disk_full "$kind" "$bytes"
  # shellcheck disable=SC2086
  wz $answers $local_args "$@"
  left_whole "$what" clean
  note_failure
  disk_free
  # shellcheck disable=SC2086
  wz $answers $local_args
  [ "$rc" = 0 ] || { cat "$ZK_TMP/err" >&2; zk_fail "$what: the rerun after freeing space failed"; }
  same_as_clean "$what, rerun" clean
}

rest=jars,ca,certs,zookeeper,brokers,clients
if [ "$ZK_DISK_BACKEND" = tmpfs ]; then
  # Free space from the preflight's 4 MiB to just short of each step's end.
  base=$(used_after download)
  prev=$(used_after jars)
  jars_need=$((prev - base))
  [ "$jars_need" -gt $((4 << 20)) ] || zk_fail "the jars step needs only $jars_need bytes: too few to test"
  least=$((4 << 20))
  budgets="$least $((jars_need * 3 / 4)) $((jars_need - 100000)) $((jars_need - 4096))"
  for step in ca certs zookeeper brokers clients; do
    now=$(used_after "$step")
    budgets="$budgets $(((prev + now) / 2 - base)) $((now - base - 4096))"
    prev=$now
  done
  for bytes in $budgets; do
    [ "$bytes" -ge "$least" ] || continue
    fill_fail_free "tmpfs with $bytes bytes free" space "$bytes" "$rest"
  done
  echo "tmpfs: full disk met in:$failed_steps"
  for step in jars ca certs zookeeper brokers clients; do
    case " $failed_steps " in *" $step "*) ;; *) zk_fail "no run met the full disk in the $step step" ;; esac
  done
fi
# The shim: a fresh directory, download included; writes or fsync failing.
for kind in write fsync; do
  [ "$kind" = write ] && [ "$ZK_DISK_BACKEND" = tmpfs ] && continue
  failed_steps=
  budgets=0
  prev=0
  for step in download jars ca certs zookeeper brokers clients; do
    now=$(written_after "$step")
    budgets="$budgets $(((prev + now) / 2)) $((now - 200))"
    prev=$now
  done
  for bytes in $budgets; do
    fill_fail_free "shim, $kind fails after $bytes bytes" "$kind" "$bytes" all
  done
  echo "shim ($kind): full disk met in:$failed_steps"
  for step in download jars ca certs zookeeper brokers clients; do
    case " $failed_steps " in *" $step "*) ;; *) zk_fail "$kind: no run met the full disk in the $step step" ;; esac
  done
done

# A download from a mirror meets the full disk: the .part is kept, and the
# rerun resumes it.
zk_serve M --root "$ZK_TMP/mirror" --log "$ZK_TMP/log.mirror"
zk_serve C --root "$ZK_TMP/official"
http_args="--mirror http://127.0.0.1:$M --checksums http://127.0.0.1:$C"
rm -rf "$W"
# shellcheck disable=SC2086
wz $answers $http_args
[ "$rc" = 0 ] || { cat "$ZK_TMP/err" >&2; zk_fail "a clean run from the mirror failed"; }
snapshot mirror
rm -rf "$W"
disk_full write 3000000
# shellcheck disable=SC2086
wz $answers $http_args
left_whole "download from a mirror" mirror
grep -q "cannot write the download" "$ZK_TMP/err" || { cat "$ZK_TMP/err" >&2; zk_fail "download: not a write failure"; }
part=$(stat -c %s "$W/downloads/$KAFKA_TGZ.part")
: >"$ZK_TMP/log.mirror"
disk_free
# shellcheck disable=SC2086
wz $answers $http_args
[ "$rc" = 0 ] || { cat "$ZK_TMP/err" >&2; zk_fail "download: the rerun failed"; }
grep -q "range=bytes=$part- status=206" "$ZK_TMP/log.mirror" || zk_fail "download: the rerun did not resume at $part"
same_as_clean "download from a mirror, rerun" mirror
echo "download: the full disk stopped it at $part bytes; the rerun resumed there"

# --- an existing directory: keys renewed, answers changed --------------------

for kind in write fsync; do
  # Bytes written, manifests included: a renewal needs far less than the
  # preflight's 4 MiB, so only the shim can make it meet a full disk.
  for bytes in 1000 $((renew_written / 4)) $((renew_written / 2)) $((renew_written - 200)); do
    what="existing directory, --renew and a changed answer, $kind full at $bytes bytes"
    rm -rf "$W"
    cp -a "$ZK_TMP/snap-clean" "$W"
    disk_full "$kind" "$bytes"
    # shellcheck disable=SC2086
    wz $answers --set zookeeper.heap=1g --renew $local_args
    left_whole "$what" clean other
    disk_free
    # shellcheck disable=SC2086
    wz $answers --set zookeeper.heap=1g --renew $local_args
    [ "$rc" = 0 ] || { cat "$ZK_TMP/err" >&2; zk_fail "$what: the rerun failed"; }
    same_as_clean "$what, rerun" other
  done
done
echo "existing directory: every renewal that met a full disk left old or new files, whole"

# --- decompression bombs --------------------------------------------------------

mkdir "$ZK_TMP/archives-bomb"
cp "$ZK_TMP/archives/$ZK_TGZ" "$ZK_TMP/archives-bomb/"
bomb() { # COUNT BYTES: a Kafka archive of COUNT files of BYTES zeros
  zk_build_bomb "$ZK_TMP/archives-bomb/$KAFKA_TGZ" "$KAFKA_TOP" "$1" "$2"
  bomb_sum=$(sha512sum "$ZK_TMP/archives-bomb/$KAFKA_TGZ" | cut -d' ' -f1)
}
# One entry of 800 MiB in about 0.8 MB: refused before anything is written.
bomb 1 $((800 << 20))
rm -rf "$W"
# shellcheck disable=SC2086
wz $answers --archives "$ZK_TMP/archives-bomb" --set "kafka.sha512=$bomb_sum" \
  --set "zookeeper.sha512=$ZK_SUM" --steps download,jars
[ "$rc" = 1 ] || zk_fail "800 MiB bomb: exit $rc"
grep -q "downloads/$KAFKA_TGZ: '$KAFKA_TOP/libs/zeros-0.jar' would expand to 800 MiB, more than the 256 MiB" "$ZK_TMP/err" ||
  { cat "$ZK_TMP/err" >&2; zk_fail "800 MiB bomb: no message naming the archive and the limit"; }
if [ -e "$W/$KAFKA_TOP" ] || [ -e "$W/.zktls-unpack" ]; then zk_fail "800 MiB bomb: something was kept"; fi
[ "$(du -sb "$W" | cut -f1)" -lt 4000000 ] || zk_fail "800 MiB bomb: the disk holds its zeros"
# 12 entries of 8 MiB, more than the disk holds: the full disk stops it, nothing is kept.
bomb 12 $((8 << 20))
rm -rf "$W"
# shellcheck disable=SC2086
wz $answers --archives "$ZK_TMP/archives-bomb" --set "kafka.sha512=$bomb_sum" \
  --set "zookeeper.sha512=$ZK_SUM" --steps download
[ "$rc" = 0 ] || { cat "$ZK_TMP/err" >&2; zk_fail "bomb: the download failed"; }
if [ "$ZK_DISK_BACKEND" = tmpfs ]; then disk_full space $((24 << 20)); else disk_full write $((24 << 20)); fi
before=$(du -sb "$W" | cut -f1)
# shellcheck disable=SC2086
wz $answers --steps jars
[ "$rc" = 1 ] || zk_fail "bomb larger than the disk: exit $rc"
grep -q "cannot unpack $KAFKA_TOP/libs/zeros-[0-9]*.jar: .*No space left on device" "$ZK_TMP/err" ||
  { cat "$ZK_TMP/err" >&2; zk_fail "bomb larger than the disk: not a full-disk message"; }
grep -q "Nothing of it was kept: free some space" "$ZK_TMP/err" || zk_fail "bomb: no advice"
if [ -e "$W/$KAFKA_TOP" ] || [ -e "$W/.zktls-unpack" ]; then zk_fail "bomb larger than the disk: something was kept"; fi
[ "$(du -sb "$W" | cut -f1)" -lt $((before + 100000)) ] || zk_fail "bomb larger than the disk: its zeros stay on the disk"
disk_free
echo "ok: a full disk failed every step clearly and kept the previous state; reruns equal a clean run ($ZK_DISK_BACKEND)"
