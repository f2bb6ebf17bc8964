#!/bin/sh
# The README's quick start and .ci/run must not drift apart: CI runs exactly
# the README's test command, which .ci/run extracts with this pattern.
. "$top_srcdir/tests/lib/common.sh"
readme="$top_srcdir/README.md"
test_command=$(sed -n 's/^    \(\.\/install-deps\.sh --test && .*\)$/\1/p' "$readme")
[ "$test_command" = "./install-deps.sh --test && autoreconf -fi && ./configure && make -j2 check" ] ||
  zk_fail "the README's test command changed or is missing: '$test_command'"
grep -q 'README.md)$' "$top_srcdir/.ci/run" || zk_fail ".ci/run does not take its command from README.md"
# Exported: "ZKTLS_TEST_STRICT=1 CMD && ..." would reach only the first command.
[ "$(grep -c 'export ZKTLS_TEST_STRICT=1; \$test_command' "$top_srcdir/.ci/run")" -eq 2 ] ||
  zk_fail ".ci/run does not run the test command strictly, on this machine and in a fresh root"
grep -q 'fresh-root.sh .*\$quick_command' "$top_srcdir/.ci/run" ||
  zk_fail ".ci/run does not run the quick start in a fresh root"
start_command=$(grep -c '^    ./install-deps.sh && autoreconf -fi && ./configure && make -j2 && ./zktls-wizard$' "$readme")
[ "$start_command" -eq 1 ] || zk_fail "the README's start command is missing"
echo "ok: README quick start and .ci/run agree"
