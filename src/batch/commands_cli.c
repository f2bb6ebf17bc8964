/*
 * zktls-wizard --batch --export-commands FILE [DIR]: writes the whole recipe
 * as a shell script (mode 0700) that real tools run, without the wizard.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch/batch.h"
#include "core/commands.h"
#include "core/fsutil.h"
#include "core/i18n.h"

int
batch_export_commands(struct plan *p, const char *path, unsigned mode,
		      const struct run_options *options)
{
	struct buf script;
	struct span *secrets = NULL;
	size_t count = 0;
	struct msg err = { "" };
	struct run_options opt = options != NULL ? *options : (struct run_options){ 0 };
	char *archives = NULL, *ca_file = NULL;
	int status = 0;

	if (batch_print_problems(p) > 0) {
		batch_say(stderr, _("zktls-wizard: %s was not written; fix the answers above "
				    "(--set KEY=VALUE or the answers file)\n"), path);
		return 1;
	}
	/* The script must name the same broker ids the wizard would save. */
	plan_pin_positional(p);
	/* The script runs in DIR: folders and files given relative to here must not move. */
	if (opt.archives_dir != NULL && (archives = fs_absolute(opt.archives_dir)) != NULL)
		opt.archives_dir = archives;
	if (opt.ca_file != NULL && (ca_file = fs_absolute(opt.ca_file)) != NULL)
		opt.ca_file = ca_file;
	buf_init(&script);
	if (commands_render(p, NULL, mode, &opt, &script, &secrets, &count, &err) != 0 ||
	    fs_write_atomic(path, script.data, script.len, 0700, &err) != 0) {
		batch_say(stderr, "zktls-wizard: %s\n", err.text);
		status = 1;
	} else {
		batch_say(stdout, _("commands: wrote %s%s\n"), path,
			  count > 0 ? _(" (with the passwords: keep it private)") : "");
		/* The prelude's "zk_secret VAR ANSWER" lines name what the script reads. */
		for (const char *line = script.data; count == 0 && line != NULL && *line != '\0';) {
			const char *nl = strchr(line, '\n');
			size_t len = nl != NULL ? (size_t)(nl - line) : strlen(line);

			if (str_starts_with(line, "zk_secret ") && len > strlen("zk_secret "))
				batch_say(stdout,
					  _("commands: set %.*s (or it asks on a terminal)\n"),
					  (int)(len - strlen("zk_secret ")), line + strlen("zk_secret "));
			line = nl != NULL ? nl + 1 : NULL;
		}
	}
	free(archives);
	free(ca_file);
	free(secrets);
	buf_free_secure(&script);
	return status;
}
