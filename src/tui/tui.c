#include <config.h>

#include <stdio.h>

#include <curses.h>
#include <term.h>
#include <unistd.h>

#include "core/i18n.h"
#include "tui/tui.h"

int
tui_run(struct plan *p, const char *dir, const struct run_options *options, unsigned flags)
{
	int err = 0;

	(void)p;
	(void)dir;
	(void)options;
	(void)flags;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO) ||
	    setupterm(NULL, STDOUT_FILENO, &err) != OK || tigetstr("cup") == NULL ||
	    tigetstr("cup") == (char *)-1 || tigetstr("clear") == NULL ||
	    tigetstr("clear") == (char *)-1) {
		fprintf(stderr, _("zktls-wizard: needs a full-screen terminal; use --batch\n"));
		return 2;
	}
	fprintf(stderr, _("zktls-wizard: the interactive wizard is not built yet; use --batch\n"));
	return 1;
}
