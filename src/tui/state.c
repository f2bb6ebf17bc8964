/* The session's state: the plan behind the screens, the facts from disk, saving. */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/commands.h"
#include "core/dirlock.h"
#include "core/fsutil.h"
#include "core/i18n.h"
#include "tui/tui-int.h"

void
tui_state_init(struct tui *t, struct plan *p, const char *dir, const struct run_options *options,
	       unsigned flags)
{
	const char *trace_path = getenv("ZKTLS_TRACE");

	memset(t, 0, sizeof *t);
	t->plan = p;
	t->dir = dir;
	t->options = options;
	t->flags = flags;
	if (trace_path != NULL && trace_path[0] != '\0')
		t->trace = fopen(trace_path, "a");
}

void
tui_state_free(struct tui *t)
{
	render_result_free(&t->preview.render);
	problems_free(&t->problems);
	inputs_free(&t->disk.inputs);
	disk_cache_free(t->disk.cache);
	secure_free_str(t->preview.commands);
	manifest_free(&t->disk.manifest);
	strlist_free(&t->written);
	if (t->trace != NULL)
		fclose(t->trace);
}

const struct step *
current_step(const struct tui *t)
{
	if (t->screen == 0 || t->screen > step_count)
		return NULL;
	return steps[t->screen - 1];
}

void
set_message(struct tui *t, bool error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->message.text, sizeof t->message.text, fmt, ap);
	va_end(ap);
	t->message.error = error;
}

void
trace_event(struct tui *t, const char *event)
{
	struct timespec now;

	if (t->trace == NULL)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	fprintf(t->trace, "%s %lld.%09ld\n", event, (long long)now.tv_sec, now.tv_nsec);
	fflush(t->trace);
}

void
refresh_commands(struct tui *t)
{
	const struct step *s = current_step(t);
	struct span *spans = NULL;
	size_t span_count = 0;
	struct msg err = { "" };
	struct buf out;

	secure_free_str(t->preview.commands);
	t->preview.commands = NULL;
	if (!t->preview.show_commands || s == NULL)
		return;
	buf_init(&out);
	if (commands_render(t->plan, s->id, COMMANDS_BODY_ONLY, t->options, &out, &spans,
			    &span_count, &err) != 0) {
		buf_free_secure(&out);
		t->preview.commands = xasprintf(_("The commands cannot be shown: %s"), err.text);
		free(spans);
		return;
	}
	/* Embedded secrets never reach the screen (none are embedded by default). */
	for (size_t i = 0; i < span_count; i++)
		memset(out.data + spans[i].start, '*', spans[i].len);
	free(spans);
	t->preview.commands = buf_steal(&out, NULL);
}

void
refresh_render(struct tui *t, bool follow_change)
{
	const struct step *s = current_step(t);
	struct render_result old = t->preview.render;
	struct msg err = { "" };

	memset(&t->preview.render, 0, sizeof t->preview.render);
	problems_free(&t->problems);
	validate_plan(t->plan, &t->problems);
	if (s != NULL && step_render(s, t->plan, &t->disk.inputs, &t->preview.render, &err) != 0)
		set_message(t, true, "%s", err.text);
	if (follow_change) {
		for (size_t i = 0; i < t->preview.render.count; i++) {
			const struct output *now = &t->preview.render.outputs[i];
			const struct output *before = render_result_find(&old, now->path);

			if (before == NULL || before->len != now->len ||
			    (now->len > 0 && memcmp(before->bytes, now->bytes, now->len) != 0)) {
				if (t->preview.file != i)
					t->preview.scroll = 0;
				t->preview.file = i;
				break;
			}
		}
	}
	render_result_free(&old);
	if (t->preview.file >= t->preview.render.count)
		t->preview.file = 0;
	refresh_commands(t);
}

int
ensure_saved(struct tui *t, struct msg *err)
{
	char *conf;
	int rc;

	if (dirlock_acquire(t->dir, DIRLOCK_NEW, err) != 0)
		return -1;
	plan_pin_positional(t->plan);
	conf = fs_join(t->dir, CONF_NAME);
	rc = answers_save(t->plan, conf, err);
	free(conf);
	if (rc == 0)
		t->unsaved = false;
	return rc;
}

enum shown_state
shown_state(const struct tui *t, size_t i)
{
	if (t->events[i] == EVENT_FAILED)
		return SHOWN_FAILED;
	switch (step_state(steps[i], t->plan, &t->disk.manifest)) {
	case STEP_STATE_DONE:
		return SHOWN_DONE;
	case STEP_STATE_STALE:
		return SHOWN_STALE;
	case STEP_STATE_NEW:
		break;
	}
	return SHOWN_OPEN;
}

size_t
resume_screen(const struct tui *t)
{
	/* A new directory starts at the beginning, download included. */
	if (t->disk.manifest.step_count == 0)
		return 1;
	for (size_t i = 0; i < step_count; i++)
		if (shown_state(t, i) != SHOWN_DONE)
			return i + 1;
	return step_count + 1;
}

void
enter_screen(struct tui *t, size_t screen)
{
	struct msg err = { "" };

	t->screen = screen;
	t->preview.file = 0;
	t->preview.scroll = 0;
	t->message.text[0] = '\0';
	/* Facts from disk are read when a step is entered, not per keystroke. */
	inputs_free(&t->disk.inputs);
	if (inputs_load(&t->disk.inputs, t->plan, t->dir, &err) != 0)
		set_message(t, true, "%s", err.text);
	manifest_free(&t->disk.manifest);
	if (manifest_load(&t->disk.manifest, t->dir, &err) != 0)
		set_message(t, true, "%s", err.text);
	disk_cache_free(t->disk.cache);
	t->disk.cache = disk_cache_new(t->dir, &t->disk.manifest);
	build_form(t, NULL, false);
	refresh_render(t, false);
}
