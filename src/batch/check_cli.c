/* zktls-wizard check [--this-host] DIR: prints the core's findings, the directory's first. */
#include <config.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch/batch.h"
#include "core/catalog.h"
#include "core/check.h"
#include "core/i18n.h"

/* An item is one line: a newline inside a file name or value is shown as \n. */
static char *
one_line(const char *s)
{
	struct buf b;

	buf_init(&b);
	buf_adds(&b, "");
	for (; *s != '\0'; s++)
		if (*s == '\n')
			buf_adds(&b, "\\n");
		else
			buf_addc(&b, *s);
	return buf_steal(&b, NULL);
}

static void
print_level(const struct check_report *r, bool host, enum check_level level, const char *title)
{
	const char *file = NULL;
	bool any = false;

	for (size_t i = 0; i < r->count; i++) {
		const struct check_item *it = &r->items[i];
		char *line;

		if (it->level != level || it->host != host)
			continue;
		if (!any) {
			printf("\n%s\n", title);
			any = true;
		}
		/* One heading per file: the report says per file what is right and wrong. */
		if (file == NULL || strcmp(file, it->file) != 0) {
			file = it->file;
			/* What the checked files hold may be anything: batch_say escapes it. */
			line = one_line(file[0] != '\0' ? file : _("(this machine)"));
			batch_say(stdout, "  %s:\n", line);
			free(line);
		}
		line = one_line(it->text);
		batch_say(stdout, "    %s %s\n",
			  level == CHECK_PROBLEM ? "!" : level == CHECK_WARNING ? "?" : "+", line);
		free(line);
		if (it->hint != NULL) {
			struct buf indented;

			buf_init(&indented);
			buf_adds(&indented, "");
			for (const char *h = it->hint; *h != '\0'; h++) {
				if (*h == '\n')
					buf_adds(&indented, "\n        ");
				else
					buf_addc(&indented, *h);
			}
			batch_say(stdout, "        %s\n", indented.data);
			buf_free(&indented);
		}
	}
}

int
batch_check(const char *dir, bool this_host)
{
	struct check_options opt = { .this_host = this_host };
	struct check_report r;
	struct msg err = { "" };
	int status;

	/* Release facts help but are not needed: check works without them. */
	if (catalog_load(&err) != 0)
		err.text[0] = '\0';
	if (check_dir(dir, &opt, &r, &err) != 0) {
		batch_say(stderr, "%s: %s\n", PACKAGE, err.text);
		check_report_free(&r);
		catalog_free();
		return 1;
	}
	batch_say(stdout, ngettext("%s: %zu problem", "%s: %zu problems", r.problems), dir,
		  r.problems);
	batch_say(stdout, ngettext(", %zu warning\n", ", %zu warnings\n", r.warnings),
		  r.warnings);
	/* TRANSLATORS: the second line of check's report; the rest of it is a sentence of its own. */
	batch_say(stdout, ngettext("this machine: %zu problem", "this machine: %zu problems",
				   r.host_problems),
		  r.host_problems);
	batch_say(stdout, ngettext(", %zu warning", ", %zu warnings", r.host_warnings),
		  r.host_warnings);
	batch_say(stdout, "%s", this_host ? _(" (counted: --this-host)\n")
		  : _(" (not counted; check --this-host counts them and looks the names up)\n"));
	print_level(&r, false, CHECK_PROBLEM, _("Problems:"));
	print_level(&r, false, CHECK_WARNING, _("Warnings:"));
	print_level(&r, false, CHECK_OK, _("Right:"));
	print_level(&r, true, CHECK_PROBLEM, _("This machine, problems:"));
	print_level(&r, true, CHECK_WARNING, _("This machine, warnings:"));
	print_level(&r, true, CHECK_OK, _("This machine, right:"));
	/* The verdict is about the directory; this machine's facts count only when asked for. */
	status = r.problems > 0 || (this_host && r.host_problems > 0) ? 1 : 0;
	check_report_free(&r);
	catalog_free();
	fflush(stdout);
	return status;
}
