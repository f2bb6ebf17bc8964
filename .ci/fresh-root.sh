#!/usr/bin/env bash
# .ci/fresh-root.sh [--hosts standard|none|v6first] [--user] [--keep] 'COMMANDS'
#
# Runs COMMANDS with bash in a brand-new minimal Debian 12 (debootstrap
# --variant=minbase bookworm) that holds nothing but a clone of this
# repository's HEAD (committed work only), in the clone: a newcomer's
# machine, nothing installed by hand.  The exit status is COMMANDS'.
#
#   --hosts standard  /etc/hosts as a fresh install writes it (the default):
#                     127.0.0.1 localhost, 127.0.1.1 this machine's name,
#                     ::1 localhost ip6-localhost ip6-loopback
#   --hosts none      no /etc/hosts at all, as in some containers
#   --hosts v6first   ::1 localhost listed before 127.0.0.1 localhost
#   --user            as the unprivileged user zkuser, made in the root, with
#                     the clone in its home; like an administrator's account
#                     it may use sudo (installed for it, NOPASSWD), which
#                     install-deps.sh needs.  Without --user: as root, in /src.
#   --keep            leave the root behind and print where it is
#
# The root shares this machine's network and name; COMMANDS get a clean
# environment: HOME, USER, PATH, LANG=C.UTF-8 and TERM=xterm-256color.
# The debootstrap result is built once and kept as a tarball in
# FRESH_ROOT_CACHE (default /var/cache/zktls-fresh-root); each run unpacks a
# new root from it.  Packages come from FRESH_ROOT_MIRROR (default: the
# Debian mirror this machine's apt uses, else http://deb.debian.org/debian);
# the root uses this machine's Debian apt sources when it has them
# (bookworm-updates and security included), else that mirror alone.
# Needs root, debootstrap, git and tar.  On exit every process left running
# in the root is stopped, the mounts (proc, dev, dev/pts) are undone and
# the root is removed.
set -euo pipefail

usage() {
  sed -n '2,3s/^# \{0,1\}//p' "$0" >&2
  exit 2
}

hosts=standard user='' keep=''
while [ $# -gt 0 ]; do
  case $1 in
    --hosts)
      [ $# -ge 2 ] || usage
      hosts=$2
      shift 2
      ;;
    --hosts=*) hosts=${1#--hosts=}; shift ;;
    --user) user=zkuser; shift ;;
    --keep) keep=1; shift ;;
    --) shift; break ;;
    -*) usage ;;
    *) break ;;
  esac
done
[ $# -eq 1 ] || usage
commands=$1
case $hosts in standard | none | v6first) ;; *) echo "fresh-root.sh: --hosts: standard, none or v6first, not '$hosts'" >&2; exit 2 ;; esac
[ "$(id -u)" -eq 0 ] || { echo "fresh-root.sh: needs root (debootstrap, chroot, mount)" >&2; exit 2; }
for tool in debootstrap git tar chroot mount umount; do
  command -v "$tool" >/dev/null 2>&1 || { echo "fresh-root.sh: $tool is missing (apt-get install debootstrap git)" >&2; exit 2; }
done

repo=$(cd "$(dirname "$0")/.." && pwd -P)
# CI hands the clone to an unprivileged user before this runs as root: git
# refuses a repository of another owner unless its global configuration says
# safe.directory, so this script's git calls get a configuration of their own.
git_config=$(mktemp)
printf '[safe]\n\tdirectory = %s\n\tdirectory = %s/.git\n' "$repo" "$repo" >"$git_config"
export GIT_CONFIG_GLOBAL=$git_config
trap 'rm -f "$git_config"' EXIT
commit=$(git -C "$repo" rev-parse HEAD)
cache=${FRESH_ROOT_CACHE:-/var/cache/zktls-fresh-root}
arch=$(dpkg --print-architecture 2>/dev/null || echo amd64)
base="$cache/bookworm-minbase-$arch.tar"
mkdir -p "$cache"

host_sources=/etc/apt/sources.list.d/debian.sources
mirror=${FRESH_ROOT_MIRROR:-}
if [ -z "$mirror" ] && [ -f "$host_sources" ]; then
  mirror=$(awk '/^URIs:/ { print $2; exit }' "$host_sources")
fi
if [ -z "$mirror" ] && [ -f /etc/apt/sources.list ]; then
  mirror=$(awk '$1 == "deb" && $2 !~ /security/ { print $2; exit }' /etc/apt/sources.list)
fi
mirror=${mirror:-http://deb.debian.org/debian}

# ------------------------------------------------------------ the base tarball
# Built once, under a lock (two runs at once build it once), and published
# by a rename, so a run never unpacks half a tarball.
(
  flock 9
  if [ ! -s "$base" ]; then
    echo "fresh-root.sh: debootstrap --variant=minbase bookworm from $mirror (a few minutes, once)" >&2
    tmp=$(mktemp -d "$cache/debootstrap.XXXXXX")
    # A mirror drops a download now and then, and debootstrap does not
    # retry; a second run into the same directory reuses what it has.
    try=1
    until debootstrap --variant=minbase --arch="$arch" bookworm "$tmp/root" "$mirror" \
      >"$cache/debootstrap.log" 2>&1; do
      grep '^[EW]:' "$cache/debootstrap.log" | tail -n 5 >&2
      if [ "$try" -ge 3 ]; then
        rm -rf --one-file-system "$tmp"
        echo "fresh-root.sh: debootstrap failed $try times; its log: $cache/debootstrap.log" >&2
        exit 1
      fi
      try=$((try + 1))
      echo "fresh-root.sh: debootstrap failed; again (try $try of 3)" >&2
    done
    tar -C "$tmp/root" -cf "$tmp/base.tar" .
    mv "$tmp/base.tar" "$base"
    rm -rf --one-file-system "$tmp"
  fi
) 9>"$cache/.lock"

# ------------------------------------------------------------ this run's root
root=$(mktemp -d "$cache/root.XXXXXX")
root=$(cd "$root" && pwd -P) # as /proc/PID/root shows it
mounted=()

# Processes still running with the root as their root directory: what
# COMMANDS started and left behind.  Stopped by PID, TERM first.
# shellcheck disable=SC2317 # called from cleanup, the EXIT trap
stop_leftovers() {
  local signal pid left
  for signal in TERM KILL; do
    left=
    for pid in /proc/[0-9]*; do
      pid=${pid#/proc/}
      if [ "$(readlink "/proc/$pid/root" 2>/dev/null)" = "$root" ]; then
        kill -"$signal" "$pid" 2>/dev/null || true
        left=1
      fi
    done
    [ -n "$left" ] || return 0
    for _ in $(seq 50); do
      left=
      for pid in /proc/[0-9]*; do
        if [ "$(readlink "$pid/root" 2>/dev/null)" = "$root" ]; then
          left=1
          break
        fi
      done
      [ -n "$left" ] || return 0
      sleep 0.2
    done
  done
}

# shellcheck disable=SC2317 # the EXIT trap
cleanup() {
  local i status=$?
  rm -f "$git_config"
  stop_leftovers
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    umount "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}" 2>/dev/null || true
  done
  # Never remove anything while something is still mounted below the root.
  if awk -v r="$root/" 'index($2 "/", r) == 1 { found = 1 } END { exit !found }' /proc/self/mounts; then
    echo "fresh-root.sh: $root still has mounts; left in place" >&2
  elif [ -n "$keep" ]; then
    echo "fresh-root.sh: the root is kept in $root" >&2
  else
    rm -rf --one-file-system "$root"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

tar -C "$root" -xf "$base"
cp /etc/resolv.conf "$root/etc/resolv.conf"
name=$(hostname)
case $hosts in
  standard) printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n::1\tlocalhost ip6-localhost ip6-loopback\n' "$name" >"$root/etc/hosts" ;;
  v6first) printf '::1\tlocalhost ip6-localhost ip6-loopback\n127.0.0.1\tlocalhost\n127.0.1.1\t%s\n' "$name" >"$root/etc/hosts" ;;
  none) rm -f "$root/etc/hosts" ;;
esac
if [ -f "$host_sources" ] && grep -q '^Suites:.*bookworm' "$host_sources"; then
  cp "$host_sources" "$root/etc/apt/sources.list.d/debian.sources"
  rm -f "$root/etc/apt/sources.list"
fi

for m in proc dev dev/pts; do
  case $m in
    proc) mount -t proc proc "$root/proc" ;;
    *) mount --bind "/$m" "$root/$m" ;;
  esac
  mounted+=("$root/$m")
done

in_root() { # [NAME=VALUE]... COMMAND...: as root in the root, a clean environment
  chroot "$root" /usr/bin/env -i "$@"
}

# clone DIR: this repository's HEAD, checked out in DIR.  No hard links to
# our objects: the clone may be given to another user.
clone() {
  git clone -q --no-hardlinks "$repo" "$1"
  [ "$(git -C "$1" rev-parse HEAD)" = "$commit" ] || git -C "$1" checkout -q "$commit"
}

if [ -z "$user" ]; then
  home=/root src=/src
  clone "$root$src"
  spec=()
  path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
  who=root
else
  home=/home/$user src=/home/$user/src
  in_root PATH=/usr/sbin:/usr/bin:/sbin:/bin useradd --create-home --shell /bin/bash "$user"
  echo "fresh-root.sh: installing sudo for $user" >&2
  in_root PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
    sh -c 'apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends sudo >/dev/null'
  printf '%s ALL=(ALL:ALL) NOPASSWD: ALL\n' "$user" >"$root/etc/sudoers.d/$user"
  chmod 440 "$root/etc/sudoers.d/$user"
  clone "$root$src"
  uid=$(awk -F: -v u="$user" '$1 == u { print $3 }' "$root/etc/passwd")
  gid=$(awk -F: -v u="$user" '$1 == u { print $4 }' "$root/etc/passwd")
  chown -R "$uid:$gid" "$root$src"
  spec=(--userspec="$uid:$gid" --groups="$gid")
  path=/usr/local/bin:/usr/bin:/bin:/usr/local/games:/usr/games
  who=$user
fi

echo "fresh-root.sh: Debian 12 minbase, /etc/hosts $hosts, as $who, $src at ${commit:0:12}" >&2
start=$(date +%s)
status=0
# With --user, chroot itself drops to the user (coreutils' --userspec, by
# number: no PAM, no name looked up outside the root).
chroot "${spec[@]}" "$root" /usr/bin/env -i HOME="$home" USER="$who" LOGNAME="$who" PATH="$path" \
  SHELL=/bin/bash LANG=C.UTF-8 TERM=xterm-256color \
  /bin/bash -c "cd '$src' && $commands" || status=$?
echo "fresh-root.sh: exit $status after $(($(date +%s) - start)) s" >&2
exit "$status"
