/* What the terminal can do, asked through terminfo before curses starts. */
#include <config.h>

#include <string.h>
#include <unistd.h>

#include <curses.h>
#include <term.h>

#include "tui/termprobe.h"

static bool
has_string(const char *name)
{
	char *s = tigetstr(name);

	return s != NULL && s != (char *)-1;
}

static void
append_capability(const char *name, char *reset, size_t size, size_t *len)
{
	char *s = tigetstr(name);
	size_t n;

	if (s == NULL || s == (char *)-1)
		return;
	n = strlen(s);
	if (*len + n < size) {
		memcpy(reset + *len, s, n);
		*len += n;
	}
}

bool
termprobe_usable(char *reset, size_t size, size_t *reset_len)
{
	int err = 0;
	bool usable;

	*reset_len = 0;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return false;
	if (setupterm(NULL, STDOUT_FILENO, &err) != OK)
		return false;
	usable = has_string("cup") && has_string("clear");
	if (usable) {
		append_capability("sgr0", reset, size, reset_len);
		append_capability("cnorm", reset, size, reset_len);
		append_capability("rmcup", reset, size, reset_len);
	}
	/* The probe's terminal is ours to free; newterm makes its own. */
	del_curterm(cur_term);
	return usable;
}

bool
termprobe_lacks(const char *capability)
{
	return !has_string(capability);
}
