#include <config.h>

#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch/batch.h"
#include "core/dirlock.h"
#include "core/fsutil.h"
#include "core/i18n.h"
#include "core/reset.h"
#include "core/validate.h"

#define CONF_NAME "zktls-wizard.conf"
/* Room for both archives unpacked, with margin. */
#define DOWNLOAD_SPACE (400ULL << 20)
#define CONFIG_SPACE (4ULL << 20)

/* Ctrl-C, SIGTERM and SIGHUP ask the running step to stop where it can resume. */
static atomic_bool cancel_requested;

static void
on_cancel_signal(int sig)
{
	(void)sig;
	atomic_store(&cancel_requested, true);
}

void
batch_say(FILE *out, const char *fmt, ...)
{
	char *text, *shown;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	text = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(text, (size_t)n + 1, fmt, ap);
	va_end(ap);
	/* Messages carry text from servers, archives and answers: none may drive the terminal. */
	shown = str_visible(text);
	fputs(shown, out);
	free(shown);
	free(text);
}

struct report_line {
	struct buf text;
};

static void
collect_report(void *user, const char *line)
{
	struct report_line *r = user;

	if (r->text.len > 0)
		buf_adds(&r->text, "; ");
	buf_adds(&r->text, line);
}

size_t
batch_print_problems(const struct plan *p)
{
	struct problems problems;
	size_t count;

	validate_plan(p, &problems);
	for (size_t i = 0; i < problems.len; i++)
		batch_say(stderr, "zktls-wizard: %s\n", problems.items[i].message);
	count = problems.len;
	problems_free(&problems);
	return count;
}

/* Turns "a,b" into a selection in table order; unknown ids are a usage error. */
static int
select_steps(const char *step_list, bool selected[], struct msg *err)
{
	struct strlist ids = { 0 };

	for (size_t i = 0; i < step_count; i++)
		selected[i] = step_list == NULL;
	if (step_list == NULL)
		return 0;
	strlist_split(&ids, step_list);
	for (size_t i = 0; i < ids.len; i++) {
		bool known = false;

		for (size_t j = 0; j < step_count; j++)
			if (strcmp(steps[j]->id, ids.items[i]) == 0)
				selected[j] = known = true;
		if (!known) {
			struct buf valid;

			buf_init(&valid);
			for (size_t j = 0; j < step_count; j++)
				buf_printf(&valid, "%s%s", j ? "," : "", steps[j]->id);
			msg_set(err, _("--steps: unknown step '%s'; the steps are %s"),
				ids.items[i], valid.data);
			buf_free(&valid);
			strlist_free(&ids);
			return -1;
		}
	}
	if (ids.len == 0) {
		strlist_free(&ids);
		return msg_set(err, _("--steps: name at least one step"));
	}
	strlist_free(&ids);
	return 0;
}

/* Ids and ports saved for brokers since taken off the list go, with a line each. */
static void
print_dropped_pins(struct plan *p)
{
	struct strlist dropped = { 0 };

	plan_drop_stale_pins(p, &dropped);
	for (size_t i = 0; i < dropped.len; i++)
		batch_say(stdout, _("%s: dropped %s: that broker is no longer in brokers (its id "
				    "is not given out again)\n"), CONF_NAME, dropped.items[i]);
	strlist_free(&dropped);
}

int
batch_run(struct plan *p, const char *dir, const char *step_list, unsigned flags,
	  const struct run_options *options)
{
	bool selected[16];
	struct inputs inputs;
	struct msg err = { "" };
	char *conf;
	int status = 0;

	if (select_steps(step_list, selected, &err) != 0) {
		batch_say(stderr, "zktls-wizard: %s\n", err.text);
		return 2;
	}
	if (batch_print_problems(p) > 0) {
		batch_say(stderr, _("zktls-wizard: nothing was written; fix the answers above "
				  "(--set KEY=VALUE or the answers file)\n"));
		return 1;
	}
	/* Held since start-up when DIR existed (main.c); else DIR is made and taken now. */
	if (preflight_answers(p, &err) != 0 ||
	    preflight_dir(dir, selected[0] ? DOWNLOAD_SPACE : CONFIG_SPACE, &err) != 0 ||
	    dirlock_acquire(dir, DIRLOCK_NEW, &err) != 0) {
		batch_say(stderr, "zktls-wizard: %s\n", err.text);
		return 1;
	}
	{
		struct sigaction sa;

		memset(&sa, 0, sizeof sa);
		sigemptyset(&sa.sa_mask);
		sa.sa_handler = on_cancel_signal;
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGHUP, &sa, NULL);
	}
	print_dropped_pins(p);
	plan_pin_positional(p);
	/* The answers and what the steps make from them change together for a check. */
	if (dirlock_write_begin(dir, &cancel_requested, &err) != 0) {
		fprintf(stderr, "zktls-wizard: %s\n", err.text);
		return 1;
	}
	conf = fs_join(dir, CONF_NAME);
	if (answers_save(p, conf, &err) != 0) {
		batch_say(stderr, "zktls-wizard: %s\n", err.text);
		free(conf);
		dirlock_write_end(dir);
		return 1;
	}
	free(conf);
	for (size_t i = 0; i < step_count && status == 0; i++) {
		struct report_line report;
		struct step_run run = {
			.plan = p, .dir = dir, .inputs = &inputs, .options = options,
			.flags = flags, .report = collect_report, .report_user = &report,
			.cancel = &cancel_requested, .msg = &err,
		};
		enum step_result result;

		if (!selected[i])
			continue;
		/*
		 * Facts from disk are read when a step starts: an earlier step may
		 * have just unpacked ZooKeeper's own log4j.properties.
		 */
		if (inputs_load(&inputs, p, dir, &err) != 0) {
			batch_say(stderr, "zktls-wizard: %s\n", err.text);
			status = 1;
			break;
		}
		buf_init(&report.text);
		msg_clear(&err);
		result = step_apply(steps[i], &run);
		if (result == STEP_OK) {
			batch_say(stdout, "%s: %s%s%s\n", steps[i]->id, _("done"),
			       report.text.len ? ": " : "", report.text.len ? report.text.data : "");
		} else {
			/* What the step said before it stopped (warnings, retries) matters most now. */
			batch_say(stdout, "%s: %s%s%s\n", steps[i]->id,
			       result == STEP_CANCELLED ? _("cancelled") : _("failed"),
			       report.text.len ? ": " : "", report.text.len ? report.text.data : "");
			batch_say(stderr, "zktls-wizard: %s: %s\n", steps[i]->id,
				result == STEP_CANCELLED && err.text[0] == '\0'
					? _("cancelled; run it again to resume")
					: err.text);
			status = 1;
		}
		fflush(stdout);
		buf_free(&report.text);
		inputs_free(&inputs);
	}
	dirlock_write_end(dir);
	return status;
}

static void
print_line(void *user, const char *line)
{
	(void)user;
	batch_say(stdout, "%s\n", line);
}

int
batch_reset(struct plan *p, const char *dir, const char *step_id, unsigned flags)
{
	struct msg err = { "" };

	if (step_find(step_id) == NULL) {
		struct buf valid;

		buf_init(&valid);
		for (size_t j = 0; j < step_count; j++)
			buf_printf(&valid, "%s%s", j ? "," : "", steps[j]->id);
		batch_say(stderr, _("zktls-wizard: --reset-to: unknown step '%s'; the steps are %s\n"),
			step_id, valid.data);
		buf_free(&valid);
		return 2;
	}
	if (!fs_exists(dir)) {
		batch_say(stderr, _("zktls-wizard: %s does not exist: nothing to reset\n"), dir);
		return 1;
	}
	if (dirlock_acquire(dir, 0, &err) != 0) {
		fprintf(stderr, "zktls-wizard: %s\n", err.text);
		return 1;
	}
	if (reset_from_step(p, dir, step_id, flags, print_line, NULL, &err) != 0) {
		batch_say(stderr, "zktls-wizard: %s\n", err.text);
		return 1;
	}
	batch_say(stdout, _("%s is as it was before the step '%s'\n"), dir, step_id);
	return 0;
}
