#!/bin/sh
# Installs what zktls-wizard needs on Debian or Ubuntu: the build dependencies,
# and with --test also the real tools the test suite runs (Java's keytool and
# launcher, Debian's ZooKeeper, tmux, shellcheck, openssl, curl for the
# exported commands.sh, ps and pgrep, nss_wrapper for host names of a test's
# own).  Everything a test needs beyond a minimal Debian (debootstrap
# --variant=minbase) is named here: a test that skips for want of a tool is
# this script's defect.  Installs nothing when everything is present, so it
# needs no root then.
set -eu

packages="build-essential autoconf automake autopoint gettext pkg-config
  libncurses-dev libssl-dev libcurl4-openssl-dev libarchive-dev libcmocka-dev"
if [ "${1:-}" = --test ]; then
  packages="$packages default-jdk-headless zookeeper tmux shellcheck openssl
    python3 procps locales valgrind groff-base curl libnss-wrapper"
fi

missing=
for package in $packages; do
  if ! dpkg-query -W -f='${Status}\n' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing="$missing $package"
  fi
done
[ -n "$missing" ] || exit 0

sudo=
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || {
    echo "install-deps.sh: missing:$missing; run this as root (there is no sudo here)" >&2
    exit 1
  }
  sudo=sudo
fi
echo "install-deps.sh: installing$missing" >&2
$sudo apt-get update
# shellcheck disable=SC2086 # the list is meant to split into words
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends $missing
