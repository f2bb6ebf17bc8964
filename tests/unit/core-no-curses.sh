#!/bin/sh
# The core must never depend on curses: no curses header in its sources, and
# no curses symbol referenced by the built library.
. "$top_srcdir/tests/lib/common.sh"

bad=$(grep -lE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"](n?cursesw?/)?(n?curses|form|menu|panel|term)\.h[>"]' \
  "$top_srcdir"/src/core/*.c "$top_srcdir"/src/core/*.h || true)
[ -z "$bad" ] || zk_fail "core files include curses headers: $bad"

# The check itself must be able to fail: the TUI does include curses.
grep -qE '#include <curses.h>' "$top_srcdir/src/tui/tui.c" ||
  zk_fail "the header pattern no longer matches the TUI's include; fix this test"

lib="$top_builddir/src/core/libzkcore.a"
[ -f "$lib" ] || zk_fail "$lib was not built"
zk_need nm
syms=$(nm -u "$lib" 2>/dev/null | grep -wE 'initscr|newterm|endwin|wrefresh|new_form|new_menu|new_panel|setupterm|tigetstr' || true)
[ -z "$syms" ] || zk_fail "libzkcore.a references curses: $syms"
echo "ok: the core neither includes nor links curses"
