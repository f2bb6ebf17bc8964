/* The ncurses front end. */
#ifndef ZK_TUI_H
#define ZK_TUI_H

#include "core/plan.h"
#include "core/steps.h"

/*
 * Runs the wizard; returns the exit status (2: no usable terminal).  notice
 * (may be empty) is shown first: problems found while loading the answers.
 */
/* Hidden: draw the first screen, then exit (for the start-up benchmark). */
#define TUI_EXIT_AFTER_FIRST_DRAW (1u << 16)

int tui_run(struct plan *p, const char *dir, const struct run_options *options, unsigned flags,
	    const char *notice);

#endif
