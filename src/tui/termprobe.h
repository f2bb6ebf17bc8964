/* What the terminal can do, asked through terminfo before curses starts. */
/*
 * Kept apart because <term.h> defines macros named like ordinary words
 * (columns, lines, label_width) that must not leak into the rest of the TUI.
 */
#ifndef ZK_TERMPROBE_H
#define ZK_TERMPROBE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * True when stdin and stdout are terminals with cursor addressing and clear.
 * Then reset receives the strings that put the terminal back (sgr0, cnorm,
 * rmcup) for the crash handler, which cannot ask terminfo.
 */
bool termprobe_usable(char *reset, size_t size, size_t *reset_len);
/* True when the current terminal (after newterm) lacks the capability. */
bool termprobe_lacks(const char *capability);

#endif
