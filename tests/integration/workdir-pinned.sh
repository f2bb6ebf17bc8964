#!/bin/sh
# The working directory cannot be redirected (SECURITY.md §2):
# - a DIR whose path Kafka's scripts would split (a space) is refused up
#   front, naming what is allowed, by batch and by the wizard alike;
# - a symbolic link planted by another user as DIR is refused, and the
#   directory it leads to is left as it was (as root: a link of nobody's into
#   nobody's world-writable directory, to a directory of ours there; as any
#   other user: a link of root's, as the system has them);
# - a DIR that was writable by others and holds another user's file is
#   refused (as root; as another user only the allowed case can be made);
# - DIR swapped for a link to an attacker's directory half-way through a run
#   (an LD_PRELOAD shim does it right after ca-key is in place): every later
#   file still lands in the directory that was opened, none in the
#   attacker's, and the next step stops, saying DIR was moved;
# - the same swap in the jars step, right after its temporary unpack folder
#   is made: the whole tree is unpacked into, and moved into place in, the
#   directory that was opened; nothing lands in the attacker's.
: "${top_srcdir:?run this test through make check}"
# shellcheck source-path=SCRIPTDIR source=../lib/common.sh
. "$top_srcdir/tests/lib/common.sh"
zk_need "${CC:-cc}"
zk_tmpdir
steps=ca,certs,zookeeper,brokers,clients

# refused WHAT DIR GREP: a batch run into DIR fails, saying GREP.
refused() {
  if "$ZKTLS" --batch --set key.type=ec-p256 --steps "$steps" "$2" >"$ZK_TMP/out" 2>&1; then
    zk_fail "$1: accepted"
  fi
  grep -qF -- "$3" "$ZK_TMP/out" || { cat "$ZK_TMP/out" >&2; zk_fail "$1: the refusal does not say '$3'"; }
  if grep -q '^ca: ' "$ZK_TMP/out"; then zk_fail "$1: a step ran"; fi
}

# ---- A path with a space: refused up front, nothing made.
refused "DIR with a space" "$ZK_TMP/my dir" "holds a space"
grep -qF 'only letters, digits and . _ / -' "$ZK_TMP/out" || zk_fail "the refusal does not name the allowed characters"
[ ! -e "$ZK_TMP/my dir" ] || zk_fail "the DIR with a space was made"
# The same for a relative DIR in a folder with a space: what counts is the
# absolute path the configuration will name.
mkdir "$ZK_TMP/sp ace"
(cd "$ZK_TMP/sp ace" && refused "relative DIR under a space" setup "holds a space")
[ ! -e "$ZK_TMP/sp ace/setup" ] || zk_fail "the relative DIR under a space was made"
# The wizard refuses an existing one before it opens the screen.
mkdir "$ZK_TMP/tab	dir"
if "$ZKTLS" "$ZK_TMP/tab	dir" </dev/null >"$ZK_TMP/out" 2>&1; then zk_fail "the wizard accepted a DIR with a tab"; fi
grep -qF 'holds \x09' "$ZK_TMP/out" || { cat "$ZK_TMP/out" >&2; zk_fail "the wizard does not name the tab"; }

# ---- A link planted by another user.
if [ "$(id -u)" -eq 0 ]; then
  mkdir -m 777 "$ZK_TMP/theirs"
  chown nobody "$ZK_TMP/theirs"
  mkdir -m 755 "$ZK_TMP/theirs/mine"     # ours, in their world-writable directory
  ln -s "$ZK_TMP/theirs/mine" "$ZK_TMP/planted"
  chown -h nobody "$ZK_TMP/planted"
  refused "a link of nobody's" "$ZK_TMP/planted" "symbolic link that belongs to another user"
  [ "$(zk_mode "$ZK_TMP/theirs/mine")" = 755 ] || zk_fail "the link's target was chmodded"
  [ -z "$(ls -A "$ZK_TMP/theirs/mine")" ] || zk_fail "files were written through another user's link"
  # Their link to their own directory: refused just the same.
  ln -s "$ZK_TMP/theirs" "$ZK_TMP/planted2"
  chown -h nobody "$ZK_TMP/planted2"
  refused "a link of nobody's to nobody's directory" "$ZK_TMP/planted2" "another user"
  [ "$(ls -A "$ZK_TMP/theirs")" = mine ] || zk_fail "files were written into another user's directory"
else
  # Links of other users: the system's own, root's, to root's directories.
  link=
  for candidate in /bin /sbin /lib /lib64 /var/run /var/lock; do
    if [ -L "$candidate" ] && [ -d "$candidate" ] && [ "$(stat -c %u "$candidate")" = 0 ]; then
      link=$candidate
      break
    fi
  done
  if [ -n "$link" ]; then
    refused "root's link $link" "$link" "symbolic link that belongs to another user"
    [ ! -e "$link/ca-key" ] || zk_fail "ca-key was written through $link"
  else
    echo "note: no link of root's to a directory here; the link to /tmp below still counts"
  fi
fi
# A link of ours to a world-writable directory of root's: refused as root's.
if [ "$(id -u)" -ne 0 ]; then
  ln -s /tmp "$ZK_TMP/to-tmp"
  refused "our link to /tmp" "$ZK_TMP/to-tmp" "belongs to another user"
fi

# ---- A DIR once writable by others: used only if all it holds is ours.
mkdir "$ZK_TMP/shared"
chmod 777 "$ZK_TMP/shared"
echo mine >"$ZK_TMP/shared/notes"
if [ "$(id -u)" -eq 0 ]; then
  echo planted >"$ZK_TMP/shared/zoo.cfg"
  chown nobody "$ZK_TMP/shared/zoo.cfg"
  refused "a shared DIR holding nobody's zoo.cfg" "$ZK_TMP/shared" "holds zoo.cfg, which belongs to another user"
  rm "$ZK_TMP/shared/zoo.cfg"
fi
"$ZKTLS" --batch --set key.type=ec-p256 --steps ca "$ZK_TMP/shared" >"$ZK_TMP/out" 2>&1 ||
  { cat "$ZK_TMP/out" >&2; zk_fail "a once-shared DIR holding only our files was refused"; }
[ "$(zk_mode "$ZK_TMP/shared")" = 700 ] || zk_fail "the once-shared DIR was not made private"

# ---- DIR swapped for a link half-way through a run.
cat >"$ZK_TMP/swap.c" <<'SHIM'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * Right after ca-key (or ZKTLS_SWAP_AFTER) is in place: DIR moves away, a
 * link takes its name.
 */
static void
swap_after(int rc, const char *to)
{
	static int done;
	const char *dir = getenv("ZKTLS_SWAP_DIR"), *att = getenv("ZKTLS_SWAP_TO");
	const char *after = getenv("ZKTLS_SWAP_AFTER") ? getenv("ZKTLS_SWAP_AFTER") : "ca-key";
	const char *base = strrchr(to, '/') ? strrchr(to, '/') + 1 : to;
	int (*real)(const char *, const char *) =
		(int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
	char moved[4096];

	if (rc != 0 || done || dir == NULL || att == NULL || strcmp(base, after) != 0)
		return;
	done = 1;
	snprintf(moved, sizeof moved, "%s.moved", dir);
	if (real(dir, moved) != 0 || symlink(att, dir) != 0)
		abort();
}

int
rename(const char *from, const char *to)
{
	int (*real)(const char *, const char *) =
		(int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
	int rc = real(from, to);

	swap_after(rc, to);
	return rc;
}

int
renameat(int fromfd, const char *from, int tofd, const char *to)
{
	int (*real)(int, const char *, int, const char *) =
		(int (*)(int, const char *, int, const char *))dlsym(RTLD_NEXT, "renameat");
	int rc = real(fromfd, from, tofd, to);

	swap_after(rc, to);
	return rc;
}

int
mkdir(const char *path, mode_t mode)
{
	int (*real)(const char *, mode_t) = (int (*)(const char *, mode_t))dlsym(RTLD_NEXT, "mkdir");
	int rc = real(path, mode);

	swap_after(rc, path);
	return rc;
}

int
mkdirat(int fd, const char *path, mode_t mode)
{
	int (*real)(int, const char *, mode_t) =
		(int (*)(int, const char *, mode_t))dlsym(RTLD_NEXT, "mkdirat");
	int rc = real(fd, path, mode);

	swap_after(rc, path);
	return rc;
}
SHIM
${CC:-cc} -shared -fPIC -o "$ZK_TMP/swap.so" "$ZK_TMP/swap.c" -ldl || zk_fail "cannot build the LD_PRELOAD shim"

d="$ZK_TMP/victim"
att="$ZK_TMP/attacker"
mkdir -m 777 "$att"
chmod 777 "$att"
rc=0
ZKTLS_SWAP_DIR="$d" ZKTLS_SWAP_TO="$att" LD_PRELOAD="$ZK_TMP/swap.so" \
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
  "$ZKTLS" --batch --set key.type=ec-p256 --steps "$steps" "$d" >"$ZK_TMP/out" 2>&1 || rc=$?
if [ ! -L "$d" ] || [ ! -e "$d.moved/ca-key" ]; then cat "$ZK_TMP/out" >&2; zk_fail "the shim did not swap DIR"; fi
[ -z "$(ls -A "$att")" ] || { ls -la "$att" >&2; zk_fail "files were written into the attacker's directory"; }
for f in ca-cert truststore.jks; do
  [ -e "$d.moved/$f" ] || zk_fail "$f, written after the swap, is not in the directory that was opened"
done
grep -q " truststore.jks$" "$d.moved/.zktls-wizard/manifest" || zk_fail "the manifest of the opened directory lacks truststore.jks"
[ "$rc" -eq 1 ] || { cat "$ZK_TMP/out" >&2; zk_fail "the run went on after DIR was swapped (status $rc)"; }
grep -q 'was moved or replaced' "$ZK_TMP/out" || { cat "$ZK_TMP/out" >&2; zk_fail "the run does not say DIR was moved"; }

# ---- DIR swapped for a link while the jars step unpacks Kafka.
# shellcheck source-path=SCRIPTDIR source=../lib/releases.sh
. "$top_srcdir/tests/lib/releases.sh"
zk_need python3 tar sha512sum
# shellcheck disable=SC2119 # no arguments: the default releases
zk_build_releases
zk_serve C --root "$ZK_TMP/official" --log "$ZK_TMP/log.sums"
mkdir -p "$ZK_TMP/archives"
cp "$ZK_TMP/mirror/$KAFKA_PATH" "$ZK_TMP/mirror/$ZK_PATH" "$ZK_TMP/archives/"
d="$ZK_TMP/victim2"
att="$ZK_TMP/attacker2"
mkdir -m 777 "$att"
chmod 777 "$att"
ZKTLS_SWAP_DIR="$d" ZKTLS_SWAP_TO="$att" ZKTLS_SWAP_AFTER=.zktls-unpack LD_PRELOAD="$ZK_TMP/swap.so" \
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
  "$ZKTLS" --batch --steps download,jars --archives "$ZK_TMP/archives" \
  --checksums "http://127.0.0.1:$C" "$d" >"$ZK_TMP/out" 2>&1 || true
if [ ! -L "$d" ] || [ ! -d "$d.moved/downloads" ]; then cat "$ZK_TMP/out" >&2; zk_fail "the shim did not swap DIR in the jars step"; fi
[ -z "$(ls -A "$att")" ] || { ls -laR "$att" >&2; zk_fail "the unpack wrote into the attacker's directory"; }
[ -f "$d.moved/kafka_2.12-2.3.0/libs/kafka_2.12-2.3.0.jar" ] ||
  { cat "$ZK_TMP/out" >&2; ls -la "$d.moved" >&2; zk_fail "Kafka, unpacked after the swap, is not in the directory that was opened"; }
echo "ok: DIR with a space refused; links planted by another user refused; a swapped DIR kept every file in the opened directory (ca and jars steps) and stopped the run"
