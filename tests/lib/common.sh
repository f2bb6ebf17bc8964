# Shared helpers for the shell tests; sourced, not run.
# Automake's test driver exports ZKTLS (the built program), ZKTLS_DATADIR,
# top_srcdir and top_builddir.

set -eu

: "${ZKTLS:?run this test through make check}"

# Exit 77 (skip) when a tool is genuinely missing, but never in CI:
# ZKTLS_TEST_STRICT=1 turns every skip into a failure.
zk_skip() {
  if [ "${ZKTLS_TEST_STRICT:-0}" = 1 ]; then
    echo "FAIL (strict mode forbids skipping): $*" >&2
    exit 1
  fi
  echo "SKIP: $*" >&2
  exit 77
}

zk_need() {
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || zk_skip "$tool is not installed"
  done
}

# Sets ZK_TMP to a private temporary directory removed when the test exits.
# Call it directly (not in $(...)): the trap must be set in the test's shell.
zk_tmpdir() {
  ZK_TMP=$(mktemp -d "${TMPDIR:-/tmp}/zktls-test.XXXXXX")
  trap 'rm -rf "$ZK_TMP"' EXIT
}

zk_fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# zk_mode FILE: the octal permission bits.
zk_mode() {
  stat -c %a "$1"
}

# A free TCP port on 127.0.0.1 (bind to port 0 and read what the kernel chose).
zk_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
