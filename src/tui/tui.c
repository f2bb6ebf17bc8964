/*
 * The ncurses front end: one screen per step, the form on one side and the
 * files the step will write on the other, re-rendered by the core on every
 * keystroke.  Curses is touched only here, and only from the main thread.
 */
#include <config.h>

#include <errno.h>
#include <langinfo.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include <curses.h>
#include <form.h>

#include "core/commands.h"
#include "core/fsutil.h"
#include "core/i18n.h"
#include "core/render.h"
#include "core/review.h"
#include "core/steps.h"
#include "core/validate.h"
#include "tui/job.h"
#include "tui/termprobe.h"
#include "tui/text.h"
#include "tui/tui-int.h"
#include "tui/tui.h"

/* ------------------------------------------------------------ signals */

static volatile sig_atomic_t quit_requested;
static struct termios saved_termios;
static bool termios_saved;
static char reset_sequence[256];
static size_t reset_len;

static void
on_quit_signal(int sig)
{
	(void)sig;
	quit_requested = 1;
}

/* Async-signal-safe: write the saved reset strings, restore termios, re-raise. */
static void
on_crash_signal(int sig)
{
	ssize_t ignored = write(STDOUT_FILENO, reset_sequence, reset_len);

	(void)ignored;
	if (termios_saved)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
install_signal_handlers(void)
{
	static const int crash_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_quit_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_crash_signal;
	sa.sa_flags = SA_RESETHAND;
	for (size_t i = 0; i < ARRAY_SIZE(crash_signals); i++)
		sigaction(crash_signals[i], &sa, NULL);
}

static attr_t
attr_for(const struct tui *t, enum color_pair pair)
{
	if (t->term.color)
		return COLOR_PAIR(pair);
	switch (pair) {
	case PAIR_TITLE:
		return A_REVERSE;
	case PAIR_ERROR:
		return A_BOLD;
	case PAIR_CURRENT:
		return A_REVERSE;
	case PAIR_DIM:
		return A_DIM;
	case PAIR_DONE:
		break;
	}
	return A_NORMAL;
}

struct layout
compute_layout(const struct tui *t)
{
	struct layout l;

	memset(&l, 0, sizeof l);
	l.wide = t->term.cols >= WIDE_COLS;
	l.status_y = t->term.rows - 1;
	l.message_y = t->term.rows - 2;
	if (l.wide) {
		int rest = t->term.cols - STEP_LIST_WIDTH;

		l.steps_y = 1, l.steps_x = 0, l.steps_h = t->term.rows - 3, l.steps_w = STEP_LIST_WIDTH;
		l.form_y = 1, l.form_x = STEP_LIST_WIDTH, l.form_h = t->term.rows - 3;
		l.form_w = rest / 2;
		l.preview_y = 1, l.preview_x = l.form_x + l.form_w;
		l.preview_h = t->term.rows - 3, l.preview_w = t->term.cols - l.preview_x;
	} else {
		int body = t->term.rows - 4;

		l.steps_y = 1, l.steps_x = 0, l.steps_h = 1, l.steps_w = t->term.cols;
		l.form_y = 2, l.form_x = 0, l.form_w = t->term.cols;
		l.form_h = body * 45 / 100;
		l.preview_y = l.form_y + l.form_h, l.preview_x = 0;
		l.preview_h = body - l.form_h, l.preview_w = t->term.cols;
	}
	return l;
}

/* Rows the step's explanation takes above the form: all it needs, at most 3. */
int
explain_rows(const struct tui *t, int width)
{
	const struct step *s = current_step(t);
	char *prose;
	int rows;

	if (s == NULL)
		return 2;
	prose = text_word_wrap(_(s->explain), width);
	rows = text_line_count(prose);
	free(prose);
	return rows < 2 ? 2 : rows > 3 ? 3 : rows;
}

/* ------------------------------------------------------------ drawing */

static void
draw_title(struct tui *t)
{
	const struct step *s = current_step(t);
	const char *dash = t->term.utf8 ? "—" : "-";
	char title[256];

	move(0, 0);
	attrset(attr_for(t, PAIR_TITLE));
	for (int x = 0; x < t->term.cols; x++)
		addch(' ');
	if (s != NULL)
		snprintf(title, sizeof title, " zktls-wizard %s %s (%zu/%zu)", dash, _(s->title),
			 t->screen, step_count);
	else
		snprintf(title, sizeof title, " zktls-wizard %s %s", dash,
			 t->screen == 0 ? _("Welcome") : _("Finished"));
	mvaddnstr(0, 0, title, t->term.cols);
	attrset(A_NORMAL);
}

/* Where the diff of the shown file first differs, less two rows of context. */
static int
first_change_row(struct tui *t)
{
	const struct output *o;
	char *diff;
	int found;

	if (t->preview.render.count == 0)
		return 0;
	o = &t->preview.render.outputs[t->preview.file];
	if (o->kind != OUTPUT_TEXT)
		return 0;
	diff = review_diff(t->disk.cache, o);
	found = text_first_change(diff);
	secure_free_str(diff);
	return found > 2 ? found - 2 : 0;
}

/* Every state has a glyph as well as a colour, with an ASCII fallback. */
static const char *
state_glyph(const struct tui *t, size_t i)
{
	if (i + 1 == t->screen)
		return t->term.utf8 ? "▶" : ">";
	switch (shown_state(t, i)) {
	case SHOWN_DONE:
		return t->term.utf8 ? "✓" : "+";
	case SHOWN_STALE:
		return t->term.utf8 ? "↻" : "~";
	case SHOWN_FAILED:
		return "!";
	case SHOWN_OPEN:
		break;
	}
	return t->term.utf8 ? "·" : ".";
}

static attr_t
state_attr(const struct tui *t, size_t i)
{
	if (i + 1 == t->screen)
		return attr_for(t, PAIR_CURRENT);
	switch (shown_state(t, i)) {
	case SHOWN_DONE:
		return attr_for(t, PAIR_DONE);
	case SHOWN_STALE:
	case SHOWN_FAILED:
		return attr_for(t, PAIR_ERROR);
	case SHOWN_OPEN:
		break;
	}
	return A_NORMAL;
}

static void
draw_steps(struct tui *t, const struct layout *l)
{
	if (l->wide) {
		for (size_t i = 0; i < step_count && (int)i + 1 < l->steps_h; i++) {
			attrset(state_attr(t, i));
			mvprintw(l->steps_y + 1 + (int)i, 1, "%s %-*.*s", state_glyph(t, i),
				 STEP_LIST_WIDTH - 4, STEP_LIST_WIDTH - 4, _(steps[i]->title));
			attrset(A_NORMAL);
		}
		mvvline(l->steps_y, STEP_LIST_WIDTH - 1, ACS_VLINE, l->steps_h);
		return;
	}
	move(l->steps_y, 0);
	clrtoeol();
	for (size_t i = 0; i < step_count; i++) {
		int y, x;

		getyx(stdscr, y, x);
		(void)y;
		if (x >= t->term.cols - 4)
			break;
		attrset(state_attr(t, i));
		printw(" %s%.*s", state_glyph(t, i), t->term.cols - x - 3, steps[i]->id);
		attrset(A_NORMAL);
	}
}

/* Draws text soft-wrapped into a box; returns the number of rows it needs. */
static int
draw_wrapped(WINDOW *w, int top, int height, int width, const char *text, int skip, bool utf8)
{
	int row = 0;
	const char *line = text;

	while (*line != '\0' || line == text) {
		size_t len = strcspn(line, "\n");
		size_t done = 0;

		do {
			/* Columns, not bytes: what the terminal will take for the chunk. */
			size_t bytes = text_chunk(line + done, len - done, width);
			bool continued = done + bytes < len;

			if (row >= skip && row - skip < height) {
				char *chunk = xstrndup(line + done, bytes);

				text_for_display(chunk, utf8);
				mvwaddstr(w, top + row - skip, 0, chunk);
				if (continued)
					mvwaddstr(w, top + row - skip, width - 1, utf8 ? "↩" : "\\");
				free(chunk);
			}
			row++;
			done += bytes;
		} while (done < len);
		if (line[len] == '\0')
			break;
		line += len + 1;
		if (*line == '\0')
			break;
	}
	return row;
}

/*
 * Draws text into body from the scroll position, after clamping the position
 * to the text's wrapped height (known only once it is wrapped).
 */
static void
draw_scrolled(struct tui *t, WINDOW *body, int height, int width, const char *text)
{
	int total = draw_wrapped(body, 0, height, width, text, 0, t->term.utf8);

	if (t->preview.scroll > total - height)
		t->preview.scroll = total - height;
	if (t->preview.scroll < 0)
		t->preview.scroll = 0;
	werase(body);
	draw_wrapped(body, 0, height, width, text, t->preview.scroll, t->term.utf8);
}

/* One output in the preview pane: its bytes (masked), its diff, or its description. */
static void
draw_output(struct tui *t, const struct layout *l, const struct output *o, size_t number,
	    size_t count, const char *keys)
{
	WINDOW *w = newwin(l->preview_h, l->preview_w, l->preview_y, l->preview_x);
	WINDOW *body = derwin(w, l->preview_h - 2, l->preview_w - 2, 1, 1);
	enum disk_change change = review_change(t->disk.cache, o);
	bool diff = t->preview.show_diff && o->kind == OUTPUT_TEXT;
	char *path = xstrdup(o->path);
	char header[512];

	werase(w);
	box(w, 0, 0);
	text_sanitize(path);
	snprintf(header, sizeof header, " %s (%04o, %s%s) [%zu/%zu %s] ", path, o->mode,
		 review_change_name(change), diff ? _(", diff") : "", number, count, keys);
	free(path);
	mvwaddnstr(w, 0, 2, header, l->preview_w - 4);
	if (o->kind == OUTPUT_TEXT) {
		char *masked = diff ? review_diff(t->disk.cache, o) : output_masked(o);

		draw_scrolled(t, body, l->preview_h - 2, l->preview_w - 2, masked);
		secure_free_str(masked);
	} else {
		draw_wrapped(body, 0, l->preview_h - 2, l->preview_w - 2,
			     o->description ? o->description : "", 0, t->term.utf8);
	}
	wnoutrefresh(w);
	wnoutrefresh(body);
	delwin(body);
	delwin(w);
}

static void
draw_preview(struct tui *t, const struct layout *l)
{
	WINDOW *w;

	if (t->preview.show_commands && t->preview.commands != NULL) {
		WINDOW *body;

		w = newwin(l->preview_h, l->preview_w, l->preview_y, l->preview_x);
		body = derwin(w, l->preview_h - 2, l->preview_w - 2, 1, 1);
		werase(w);
		box(w, 0, 0);
		mvwaddnstr(w, 0, 2, _(" The commands (F2: back to the files) "), l->preview_w - 4);
		draw_scrolled(t, body, l->preview_h - 2, l->preview_w - 2, t->preview.commands);
		wnoutrefresh(w);
		wnoutrefresh(body);
		delwin(body);
		delwin(w);
		return;
	}
	if (t->preview.render.count > 0) {
		draw_output(t, l, &t->preview.render.outputs[t->preview.file], t->preview.file + 1,
			    t->preview.render.count, "F3/F4");
		return;
	}
	w = newwin(l->preview_h, l->preview_w, l->preview_y, l->preview_x);
	werase(w);
	box(w, 0, 0);
	mvwaddnstr(w, 0, 2, _(" Preview "), l->preview_w - 4);
	wnoutrefresh(w);
	delwin(w);
}

static void
draw_form_box(struct tui *t, const struct layout *l)
{
	const struct step *s = current_step(t);
	WINDOW *w = t->form.win;
	size_t problem_index = (size_t)-1;

	if (w == NULL) {
		w = newwin(l->form_h, l->form_w, l->form_y, l->form_x);
		werase(w);
	}
	box(w, 0, 0);
	if (s != NULL) {
		int rows = explain_rows(t, l->form_w - 2);
		WINDOW *explain = derwin(w, rows, l->form_w - 2, 1, 1);

		char *prose = text_word_wrap(_(s->explain), l->form_w - 2);

		werase(explain);
		/* Cut to three rows at most: F1 has the rest. */
		if (draw_wrapped(explain, 0, rows, l->form_w - 2, prose, 0, t->term.utf8) > rows)
			mvwaddnstr(w, 0, l->form_w - 14, _(" F1: more "), 12);
		free(prose);
		wnoutrefresh(explain);
		delwin(explain);
	}
	if (t->form.form != NULL) {
		size_t page = (size_t)form_page(t->form.form);
		int first_row = (int)(page * t->form.rows_per_page);
		int last_row = t->form.count ? t->form.descs[t->form.count - 1].row : 0;
		size_t pages = (size_t)last_row / t->form.rows_per_page + 1;

		screen_problem(t, &problem_index);
		/* A text mark, not colour alone, for every row with a problem. */
		for (int row = first_row; row < first_row + (int)t->form.rows_per_page; row++)
			mvwaddch(w, 1 + explain_rows(t, l->form_w - 2) + row - first_row,
				 l->form_w - 2, ' ');
		for (size_t i = 0; i < t->form.count; i++) {
			const struct field_desc *d = &t->form.descs[i];
			bool bad = i == problem_index ||
				   (!d->header && !d->confirm &&
				    problems_find(&t->problems, d->key) != NULL);

			if (!bad || d->row < first_row || d->row >= first_row + (int)t->form.rows_per_page)
				continue;
			wattrset(w, attr_for(t, PAIR_ERROR) | A_BOLD);
			mvwaddch(w, 1 + explain_rows(t, l->form_w - 2) + d->row - first_row,
				 l->form_w - 2, '!');
			wattrset(w, A_NORMAL);
		}
		if (pages > 1) {
			char more[64];

			snprintf(more, sizeof more, _(" page %zu/%zu: Tab for more "), page + 1,
				 pages);
			mvwaddnstr(w, l->form_h - 1, 2, more, l->form_w - 4);
		}
	}
	wnoutrefresh(w);
	if (w != t->form.win)
		delwin(w);
}

static void
draw_text_screen(struct tui *t, const struct layout *l)
{
	/* Welcome and finish have no preview: they take the whole body. */
	int height = l->wide ? l->form_h : l->form_h + l->preview_h;
	int width = l->wide ? t->term.cols - l->form_x : t->term.cols;
	WINDOW *w = newwin(height, width, l->form_y, l->form_x);
	struct buf text;

	buf_init(&text);
	werase(w);
	box(w, 0, 0);
	if (t->screen == 0) {
		struct msg err = { "" };
		char *conf = fs_join(t->dir, CONF_NAME);
		char *abs = fs_absolute(t->dir);

		buf_printf(&text, "%s\n\n", _("This wizard walks you through \"Encrypt communication "
					     "between Kafka and ZooKeeper with TLS\": download, "
					     "swap jars, a private CA, keys and keystores, and the "
					     "configuration of ZooKeeper and the brokers."));
		buf_printf(&text, _("Working directory: %s\n"), abs ? abs : t->dir);
		if (preflight_dir(t->dir, 4ULL << 20, &err) != 0)
			buf_printf(&text, "! %s\n", err.text);
		else
			buf_printf(&text, "%s\n", _("  usable: writable, with enough free space"));
		if (fs_exists(conf)) {
			size_t resume = resume_screen(t);

			buf_printf(&text, "%s\n", _("  an earlier setup is there: its answers are "
						    "loaded"));
			buf_printf(&text, _("  Enter resumes at: %s\n"),
				   resume <= step_count ? _(steps[resume - 1]->title)
							: _("the end: every step is done"));
		}
		buf_printf(&text, "\n%s", _("Enter: start   1-7: go to a step   F10: quit"));
		free(conf);
		free(abs);
	} else {
		char *abs = fs_absolute(t->dir);

		buf_printf(&text, _("Done: the setup is in %s.\n\n"), abs ? abs : t->dir);
		buf_printf(&text, "%s\n  cd %s\n  ./cluster.sh start     %s\n"
				  "  ./cluster.sh status\n  ./cluster.sh stop\n"
				  "  ./cluster.sh cleanup   %s\n\n",
			   _("To run the cluster:"), abs ? abs : t->dir,
			   _("(ZooKeeper, then the brokers; waits until TLS works)"),
			   _("(stops, then removes data and logs)"));
		buf_printf(&text, "%s\n", _("What this run did:"));
		for (size_t i = 0; i < t->written.len; i++)
			buf_printf(&text, "  %s\n", t->written.items[i]);
		buf_printf(&text, "\n%s", _("F10: quit   Esc: back"));
		free(abs);
	}
	{
		WINDOW *body = derwin(w, height - 2, width - 2, 1, 1);
		char *shown = xstrdup(text.data ? text.data : "");

		char *prose;

		/* PgUp/PgDn scroll a text screen that does not fit. */
		text_sanitize_lines(shown);
		prose = text_word_wrap(shown, width - 2);
		draw_scrolled(t, body, height - 2, width - 2, prose);
		free(prose);
		free(shown);
		wnoutrefresh(body);
		delwin(body);
	}
	wnoutrefresh(w);
	delwin(w);
	buf_free(&text);
}

static void
draw_bottom(struct tui *t, const struct layout *l)
{
	size_t index;
	const char *problem = NULL;
	const struct field_desc *d = current_desc(t, &index);

	move(l->message_y, 0);
	clrtoeol();
	if (d != NULL) {
		const struct problem *pr = problems_find(&t->problems, d->key);

		if (pr != NULL && !d->confirm)
			problem = pr->message;
	}
	if (t->message.text[0] != '\0') {
		attrset(t->message.error ? attr_for(t, PAIR_ERROR) : A_NORMAL);
		mvaddnstr(l->message_y, 0, t->message.text, t->term.cols);
	} else if (problem != NULL) {
		char line[1200];

		snprintf(line, sizeof line, "! %s", problem);
		attrset(attr_for(t, PAIR_ERROR));
		mvaddnstr(l->message_y, 0, line, t->term.cols);
	} else if (d != NULL && d->list_key[0] != '\0') {
		mvaddnstr(l->message_y, 0, _("F5 add  F6 rename  F8 remove"), t->term.cols);
	} else if (d != NULL && d->secret && !d->confirm) {
		char *typed = field_text(t->form.inputs_of[index]);

		if (typed[0] == '\0')
			mvaddnstr(l->message_y, 0,
				  _("(unchanged) Leave it empty to keep the password; type to replace it."),
				  t->term.cols);
		secure_free_str(typed);
	}
	attrset(A_NORMAL);
	move(l->status_y, 0);
	clrtoeol();
	attrset(attr_for(t, PAIR_DIM));
	mvaddnstr(l->status_y, 0,
		  t->review.active ? _("Up/Down file  F7 diff  PgUp/PgDn scroll  Esc back  F10 quit")
			       : _("Tab field  Enter next  Esc back  F1 help  F3/F4 file  F9 review  F10 quit"),
		  t->term.cols);
	attrset(A_NORMAL);
}

/* The running step: what it does, a bar when the size is known, and how to cancel. */
static void
draw_progress(struct tui *t)
{
	const struct step *s = current_step(t);
	int width = t->term.cols - 10 < 70 ? t->term.cols - 10 : 70;
	WINDOW *w = newwin(7, width, t->term.rows / 2 - 3, (t->term.cols - width) / 2);
	struct job_view v;
	char line[512], done[32], total[32];

	job_view(t->job, &v);
	werase(w);
	box(w, 0, 0);
	snprintf(line, sizeof line, " %s ", s ? _(s->title) : "");
	mvwaddnstr(w, 0, 2, line, width - 4);
	snprintf(line, sizeof line, "%s", v.has_progress && v.what[0] ? v.what : _("Working..."));
	text_sanitize(line);
	mvwaddnstr(w, 1, 2, line, width - 4);
	line[0] = '\0';
	if (v.has_progress && v.progress.items_total > 0) {
		snprintf(line, sizeof line, _("%u of %u keys"), v.progress.items_done,
			 v.progress.items_total);
	} else if (v.has_progress && v.progress.total > 0) {
		double fraction = (double)v.progress.done / (double)v.progress.total;
		int bar = width - 12;
		int filled = (int)(fraction * bar);

		mvwaddch(w, 2, 2, '[');
		for (int i = 0; i < bar; i++)
			waddch(w, i < filled ? '#' : ' ');
		wprintw(w, "] %3d%%", (int)(fraction * 100.0));
		text_format_bytes(done, sizeof done, (double)v.progress.done);
		text_format_bytes(total, sizeof total, (double)v.progress.total);
		if (v.progress.rate > 0) {
			double eta = (double)(v.progress.total - v.progress.done) / v.progress.rate;
			char rate[32];

			text_format_bytes(rate, sizeof rate, v.progress.rate);
			snprintf(line, sizeof line, _("%s of %s, %s/s, %d:%02d left"), done, total,
				 rate, (int)eta / 60, (int)eta % 60);
		} else {
			snprintf(line, sizeof line, _("%s of %s"), done, total);
		}
	} else if (v.has_progress && v.progress.done > 0) {
		text_format_bytes(done, sizeof done, (double)v.progress.done);
		snprintf(line, sizeof line, "%s", done);
	}
	mvwaddnstr(w, 3, 2, line, width - 4);
	snprintf(line, sizeof line, "%s (%.0f s)",
		 v.cancelling ? _("Cancelling...") : _("Esc cancels"), v.seconds);
	mvwaddnstr(w, 5, 2, line, width - 4);
	wnoutrefresh(w);
	delwin(w);
}

/* The n-th file of the review, across the steps in table order. */
static const struct output *
review_output(const struct tui *t, size_t n, size_t *step_index)
{
	for (size_t i = 0; i < step_count; i++) {
		if (n < t->review.results[i].count) {
			if (step_index != NULL)
				*step_index = i;
			return &t->review.results[i].outputs[n];
		}
		n -= t->review.results[i].count;
	}
	return NULL;
}

static size_t
review_count(const struct tui *t)
{
	size_t n = 0;

	for (size_t i = 0; i < step_count; i++)
		n += t->review.results[i].count;
	return n;
}

static void
leave_review(struct tui *t)
{
	for (size_t i = 0; i < step_count; i++)
		render_result_free(&t->review.results[i]);
	t->review.active = false;
	t->preview.scroll = 0;
}

static void
enter_review(struct tui *t)
{
	struct msg err = { "" };

	for (size_t i = 0; i < step_count; i++)
		if (step_render(steps[i], t->plan, &t->disk.inputs, &t->review.results[i], &err) != 0)
			set_message(t, true, "%s: %s", steps[i]->id, err.text);
	t->review.active = true;
	t->review.selected = 0;
	t->preview.scroll = 0;
}

static void
draw_review(struct tui *t, const struct layout *l)
{
	size_t count = review_count(t), step_index = 0;
	int height = l->form_h - 2;
	size_t first = t->review.selected >= (size_t)height ? t->review.selected - (size_t)height + 1
							      : 0;
	WINDOW *w = newwin(l->form_h, l->form_w, l->form_y, l->form_x);
	const struct output *selected;

	size_t by_change[CHANGE_FOREIGN + 1] = { 0 };
	char summary[256];

	for (size_t n = 0; n < count; n++)
		by_change[review_change(t->disk.cache, review_output(t, n, NULL))]++;
	werase(w);
	box(w, 0, 0);
	/* TRANSLATORS: counts of files: new, unchanged, to be replaced, kept as they are. */
	snprintf(summary, sizeof summary, _(" Review: %zu files: %zu new, %zu unchanged, %zu to "
					    "change, %zu kept "),
		 count, by_change[CHANGE_NEW], by_change[CHANGE_SAME], by_change[CHANGE_UPDATE],
		 by_change[CHANGE_EDITED] + by_change[CHANGE_FOREIGN]);
	mvwaddnstr(w, 0, 2, summary, l->form_w - 4);
	for (size_t n = first; n < count && (int)(n - first) < height; n++) {
		const struct output *o = review_output(t, n, &step_index);
		char line[512], *path;

		if (o == NULL)
			break;
		path = xstrdup(o->path);
		text_sanitize(path);
		snprintf(line, sizeof line, "%-10s %-28s %s", steps[step_index]->id, path,
			 review_change_name(review_change(t->disk.cache, o)));
		free(path);
		wattrset(w, n == t->review.selected ? attr_for(t, PAIR_CURRENT) : A_NORMAL);
		mvwaddnstr(w, 1 + (int)(n - first), 1, line, l->form_w - 2);
		wattrset(w, A_NORMAL);
	}
	wnoutrefresh(w);
	delwin(w);
	selected = review_output(t, t->review.selected, NULL);
	if (selected != NULL)
		draw_output(t, l, selected, t->review.selected + 1, count, "Up/Down");
}

static void
draw(struct tui *t)
{
	struct layout l;

	getmaxyx(stdscr, t->term.rows, t->term.cols);
	erase();
	if (t->term.rows < MIN_ROWS || t->term.cols < MIN_COLS) {
		char line[160];

		snprintf(line, sizeof line, _("Terminal too small: %dx%d, needs %dx%d."), t->term.cols,
			 t->term.rows, MIN_COLS, MIN_ROWS);
		mvaddnstr(t->term.rows / 2, 0, line, t->term.cols);
		mvaddnstr(t->term.rows / 2 + 1, 0, _("Enlarge it; the wizard goes on by itself."),
			  t->term.cols);
		curs_set(0);
		wnoutrefresh(stdscr);
		doupdate();
		return;
	}
	l = compute_layout(t);
	draw_title(t);
	draw_steps(t, &l);
	draw_bottom(t, &l);
	wnoutrefresh(stdscr);
	if (t->review.active) {
		curs_set(0);
		draw_review(t, &l);
	} else if (t->screen == 0 || t->screen > step_count) {
		curs_set(0);
		draw_text_screen(t, &l);
	} else {
		draw_form_box(t, &l);
		if (t->form.form == NULL) {
			WINDOW *w = newwin(l.form_h - 4, l.form_w - 2, l.form_y + 3, l.form_x + 1);

			mvwaddnstr(w, 0, 0, _("Nothing to answer here: Enter runs the step."),
				   l.form_w - 3);
			wnoutrefresh(w);
			delwin(w);
		}
		draw_preview(t, &l);
	}
	if (t->job != NULL) {
		curs_set(0);
		draw_progress(t);
	} else if (!t->review.active && t->form.form != NULL && t->screen >= 1 && t->screen <= step_count) {
		curs_set(1);
		pos_form_cursor(t->form.form);
		wnoutrefresh(t->form.win);
	}
	doupdate();
	trace_event(t, "drawn");
}

/* ------------------------------------------------------------ dialogs */

/*
 * A key for a dialog.  Ctrl-C (or SIGTERM, SIGHUP) and a terminal that is
 * gone (read returns at once, again and again) both answer Esc, so no
 * dialog can hold the wizard once its input has ended.
 */
static bool input_gone;

static int
dialog_key(WINDOW *w, wint_t *key)
{
	unsigned immediate = 0;

	wtimeout(w, 100);
	for (;;) {
		struct timespec before, after;
		long waited_ms;
		int status;

		if (quit_requested || input_gone)
			break;
		clock_gettime(CLOCK_MONOTONIC, &before);
		status = wget_wch(w, key);
		if (status != ERR)
			return status;
		clock_gettime(CLOCK_MONOTONIC, &after);
		waited_ms = (after.tv_sec - before.tv_sec) * 1000 +
			    (after.tv_nsec - before.tv_nsec) / 1000000;
		if (waited_ms >= 50)
			immediate = 0;
		else if (++immediate >= 50)
			input_gone = true;
	}
	*key = 27;
	return OK;
}

/*
 * A yes/no(/cancel) question.  Returns 'y', 'n' or 'c' (Esc: 'c'), whatever
 * letters the translation uses for them; with_cancel offers the third answer.
 */
int
ask(struct tui *t, const char *question, bool with_cancel)
{
	/* TRANSLATORS: the keys that answer yes, no and cancel, in this order (e.g. "jna"). */
	const char *letters = _("ync");
	int width = t->term.cols - 10, answer = 'c';
	WINDOW *w = newwin(5, width, t->term.rows / 2 - 2, 5);

	if (strlen(letters) != 3)
		letters = "ync";
	box(w, 0, 0);
	mvwaddnstr(w, 2, 2, question, width - 4);
	wrefresh(w);
	for (;;) {
		wint_t key;
		const char *at;

		if (dialog_key(w, &key) != OK)
			continue;
		if (key == 27)
			break;
		/* The English letters always work too. */
		if (key > 0 && key < 128 && (at = strchr(letters, (int)key)) != NULL &&
		    (with_cancel || at - letters < 2)) {
			answer = "ync"[at - letters];
			break;
		}
		if (key > 0 && key < 128 && (at = strchr("ync", (int)key)) != NULL &&
		    (with_cancel || at - "ync" < 2)) {
			answer = (int)key;
			break;
		}
	}
	delwin(w);
	touchwin(stdscr);
	return answer;
}

/*
 * A box of prose over the screen until a key is pressed: the help, a failed
 * step.  title (may be NULL) goes on the top border, in attr.
 */
static void
show_box(struct tui *t, int height, const char *title, attr_t attr, const char *text)
{
	int width = t->term.cols - 8;
	WINDOW *w = newwin(height, width, (t->term.rows - height) / 2, 4);
	WINDOW *body = derwin(w, height - 3, width - 4, 1, 2);
	char *prose = text_word_wrap(text, width - 4);
	wint_t key;

	werase(w);
	box(w, 0, 0);
	if (title != NULL) {
		wattrset(w, attr);
		mvwaddnstr(w, 0, 2, title, width - 4);
		wattrset(w, A_NORMAL);
	}
	mvwaddnstr(w, height - 1, 2, _(" Any key: close "), width - 4);
	draw_wrapped(body, 0, height - 3, width - 4, prose, 0, t->term.utf8);
	free(prose);
	wnoutrefresh(w);
	wnoutrefresh(body);
	doupdate();
	dialog_key(w, &key);
	delwin(body);
	delwin(w);
	touchwin(stdscr);
}

static void
show_help(struct tui *t)
{
	const struct field_desc *d = current_desc(t, NULL);
	const struct answer_key *k = d ? answer_key_find(d->key, NULL) : NULL;
	const struct step *s = current_step(t);
	struct buf text;

	buf_init(&text);
	if (k != NULL)
		buf_printf(&text, "%s (%s)\n\n%s\n\n", _(k->label), d->key, _(k->help));
	if (s != NULL)
		buf_printf(&text, "%s\n\n%s\n\n", _(s->title), _(s->explain));
	buf_adds(&text, _("Keys: Tab, Shift-Tab, Up and Down move between fields; Enter runs "
			  "this step and goes to the next; Esc goes back; F3 and F4 switch the "
			  "file shown; PgUp and PgDn scroll it; F2 shows the article's shell commands "
			  "for this step with your answers, ready to copy; F7 shows what changes against the "
			  "file on disk; F9 reviews every file of every step; F5, F6 and F8 add, "
			  "rename and remove brokers and SASL users; F10 quits."));
	show_box(t, t->term.rows - 6, _(" Help "), A_BOLD, text.data);
	buf_free(&text);
}

/* ------------------------------------------------------------ navigation */

static void
run_current_step(struct tui *t)
{
	const struct step *s = current_step(t);
	size_t problem_index = 0;
	const char *problem;
	struct msg err = { "" };

	sync_field(t);
	problem = screen_problem(t, &problem_index);
	if (problem != NULL) {
		set_message(t, true, _("Not yet: %s"), problem);
		set_current_field(t->form.form, t->form.inputs_of[problem_index]);
		return;
	}
	if (ensure_saved(t, &err) != 0) {
		set_message(t, true, "%s", err.text);
		return;
	}
	/* Whole-plan problems block writing, even those of other screens. */
	if (t->problems.len > 0) {
		set_message(t, true, _("Not yet: %s"), t->problems.items[0].message);
		return;
	}
	set_message(t, false, _("Working: %s..."), _(s->title));
	t->job = job_start(s, t->plan, t->dir, &t->disk.inputs, t->options, t->flags);
}

/* A failed step: the whole message, and what to do next, until a key is pressed. */
static void
show_failure(struct tui *t, const struct step *s, const char *text)
{
	char title[160];
	struct buf all;

	buf_init(&all);
	buf_printf(&all, "%s\n\n%s", text,
		   _("Fix the answer or the cause named above, then press Enter on this step "
		     "to run it again. Files written before the failure are complete; nothing "
		     "is half-written."));
	snprintf(title, sizeof title, _(" %s failed "), _(s->title));
	show_box(t, t->term.rows - 8 < 14 ? t->term.rows - 8 : 14, title, attr_for(t, PAIR_ERROR) | A_BOLD,
		 all.data);
	buf_free(&all);
}

/* The worker is done: take its result and move on, or stay and say why. */
static void
finish_job(struct tui *t)
{
	const struct step *s = current_step(t);
	struct msg err = { "" };
	enum step_result result = job_finish(t->job, &t->written, &err);

	t->job = NULL;
	if (result == STEP_CANCELLED) {
		set_message(t, true, _("%s: cancelled; run it again with Enter."), _(s->title));
		return;
	}
	if (result != STEP_OK) {
		t->events[t->screen - 1] = EVENT_FAILED;
		text_sanitize_lines(err.text);
		show_failure(t, s, err.text);
		text_sanitize(err.text);
		set_message(t, true, "%s: %s", _(s->title), err.text);
		return;
	}
	t->events[t->screen - 1] = EVENT_NONE;
	enter_screen(t, t->screen + 1);
	set_message(t, false, _("%s: done."), _(s->title));
}

static void
go_back(struct tui *t)
{
	if (t->screen == 0)
		return;
	sync_field(t);
	enter_screen(t, t->screen - 1);
}

static bool
confirm_quit(struct tui *t)
{
	struct msg err = { "" };
	int ch;

	if (!t->unsaved)
		return true;
	ch = ask(t, _("Save your answers before quitting? (y)es, (n)o, (c)ancel"), true);
	if (ch == 'c' || ch == 27)
		return false;
	if (ch == 'y' && ensure_saved(t, &err) != 0) {
		set_message(t, true, "%s", err.text);
		return false;
	}
	return true;
}

/*
 * Asks for one line of text in a small form; false when cancelled with Esc.
 * The value starts as initial, with the cursor at its end.
 */
bool
prompt_text(struct tui *t, const char *question, const char *initial, char *out, size_t size)
{
	int width = t->term.cols - 10 < 60 ? t->term.cols - 10 : 60;
	WINDOW *w = newwin(6, width, t->term.rows / 2 - 3, (t->term.cols - width) / 2);
	FIELD *fields[2] = { new_field(1, width - 4, 0, 0, 0, 0), NULL };
	FORM *form;
	bool accepted = false;

	field_opts_off(fields[0], O_STATIC | O_AUTOSKIP | O_BLANK);
	set_field_back(fields[0], A_UNDERLINE);
	set_field_buffer(fields[0], 0, initial);
	form = new_form(fields);
	form_opts_off(form, O_BS_OVERLOAD | O_NL_OVERLOAD);
	keypad(w, TRUE);
	set_form_win(form, w);
	set_form_sub(form, derwin(w, 1, width - 4, 3, 2));
	box(w, 0, 0);
	mvwaddnstr(w, 1, 2, question, width - 4);
	mvwaddnstr(w, 5, 2, _(" Enter: OK  Esc: cancel "), width - 4);
	post_form(form);
	form_driver(form, REQ_END_LINE);
	curs_set(1);
	for (;;) {
		wint_t key;
		int status;

		wrefresh(w);
		status = dialog_key(w, &key);
		if (status == OK && (key == '\r' || key == '\n')) {
			char *text;

			form_driver(form, REQ_VALIDATION);
			text = field_text(fields[0]);
			snprintf(out, size, "%s", text);
			free(text);
			accepted = true;
			break;
		}
		if (status == OK && key == 27)
			break;
		if (status == KEY_CODE_YES) {
			if (key == KEY_BACKSPACE)
				form_driver(form, REQ_DEL_PREV);
			else if (key == KEY_LEFT)
				form_driver(form, REQ_PREV_CHAR);
			else if (key == KEY_RIGHT)
				form_driver(form, REQ_NEXT_CHAR);
			else if (key == KEY_DC)
				form_driver(form, REQ_DEL_CHAR);
		} else if (key == 127 || key == 8) {
			form_driver(form, REQ_DEL_PREV);
		} else if (key >= 0x20) {
			form_driver_w(form, OK, (wchar_t)key);
		}
	}
	unpost_form(form);
	free_form(form);
	free_field(fields[0]);
	delwin(w);
	touchwin(stdscr);
	return accepted;
}

/* Returns false when the wizard should end. */
static bool
handle_key(struct tui *t, int status, wint_t key)
{
	bool in_form = t->form.form != NULL && t->screen >= 1 && t->screen <= step_count;

	/* While a step runs, the UI keeps answering, but only to resize and cancel. */
	if (t->job != NULL) {
		if (status == OK && key == 27)
			job_cancel(t->job);
		if (status == KEY_CODE_YES && key == KEY_RESIZE)
			getmaxyx(stdscr, t->term.rows, t->term.cols);
		return true;
	}
	if (t->review.active) {
		size_t count = review_count(t);

		if (status == KEY_CODE_YES) {
			switch (key) {
			case KEY_UP:
				if (t->review.selected > 0)
					t->review.selected--, t->preview.scroll = 0;
				break;
			case KEY_DOWN:
				if (t->review.selected + 1 < count)
					t->review.selected++, t->preview.scroll = 0;
				break;
			case KEY_PPAGE:
				t->preview.scroll -= 10;
				break;
			case KEY_NPAGE:
				t->preview.scroll += 10;
				break;
			case KEY_F(7):
				t->preview.show_diff = !t->preview.show_diff;
				t->preview.scroll = 0;
				break;
			case KEY_F(9):
				leave_review(t);
				break;
			case KEY_F(10):
				return !confirm_quit(t);
			case KEY_RESIZE:
				getmaxyx(stdscr, t->term.rows, t->term.cols);
				break;
			default:
				break;
			}
		} else if (key == 27 || key == 'q') {
			leave_review(t);
		}
		return true;
	}
	if (status == KEY_CODE_YES && key == KEY_F(9)) {
		sync_field(t);
		enter_review(t);
		return true;
	}

	if (status == KEY_CODE_YES) {
		switch (key) {
		case KEY_RESIZE:
			sync_field(t);
			{
				const struct field_desc *d = current_desc(t, NULL);
				char key_name[160] = "";
				bool confirm = false;

				if (d != NULL) {
					snprintf(key_name, sizeof key_name, "%s", d->key);
					confirm = d->confirm;
				}
				getmaxyx(stdscr, t->term.rows, t->term.cols);
				build_form(t, key_name[0] ? key_name : NULL, confirm);
			}
			return true;
		case KEY_F(10):
			return !confirm_quit(t);
		case KEY_F(1):
			show_help(t);
			return true;
		case KEY_F(3):
			if (t->preview.render.count > 0)
				t->preview.file = (t->preview.file + t->preview.render.count - 1) %
						  t->preview.render.count;
			t->preview.scroll = 0;
			return true;
		case KEY_F(4):
			if (t->preview.render.count > 0)
				t->preview.file = (t->preview.file + 1) % t->preview.render.count;
			t->preview.scroll = 0;
			return true;
		case KEY_F(5):
		case KEY_F(6):
		case KEY_F(8):
			if (in_form) {
				sync_field(t);
				edit_list(t, (int)key);
			}
			return true;
		case KEY_F(7):
			t->preview.show_diff = !t->preview.show_diff;
			t->preview.scroll = t->preview.show_diff ? first_change_row(t) : 0;
			return true;
		case KEY_F(2):
			t->preview.show_commands = !t->preview.show_commands;
			t->preview.scroll = 0;
			refresh_commands(t);
			return true;
		case KEY_PPAGE:
			t->preview.scroll -= 10;
			return true;
		case KEY_NPAGE:
			t->preview.scroll += 10;
			return true;
		case KEY_DOWN:
		case KEY_BTAB:
		case KEY_UP:
			sync_field(t);
			if (t->form.form != NULL)
				focus_neighbour(t, key == KEY_DOWN);
			return true;
		case KEY_ENTER:
			break;
		case KEY_LEFT:
			form_request(t, REQ_PREV_CHAR);
			return true;
		case KEY_RIGHT:
			form_request(t, REQ_NEXT_CHAR);
			return true;
		case KEY_HOME:
			form_request(t, REQ_BEG_LINE);
			return true;
		case KEY_END:
			form_request(t, REQ_END_LINE);
			return true;
		case KEY_BACKSPACE:
			form_request(t, REQ_DEL_PREV);
			sync_field(t);
			return true;
		case KEY_DC:
			form_request(t, REQ_DEL_CHAR);
			sync_field(t);
			return true;
		default:
			return true;
		}
	}
	switch (key) {
	case '\t':
		sync_field(t);
		if (t->form.form != NULL)
			focus_neighbour(t, true);
		return true;
	case '\n':
	case '\r':
	case KEY_ENTER:
		t->message.text[0] = '\0';
		if (t->screen == 0)
			enter_screen(t, resume_screen(t));
		else if (t->screen <= step_count)
			run_current_step(t);
		return true;
	case 27:
		t->message.text[0] = '\0';
		go_back(t);
		return true;
	case 127:
	case 8:
		form_request(t, REQ_DEL_PREV);
		sync_field(t);
		return true;
	default:
		break;
	}
	if (!in_form) {
		if (key == 'q')
			return !confirm_quit(t);
		/* Outside text fields a digit jumps to that step: for reviewing one step. */
		if (key >= '1' && key < '1' + (wint_t)step_count)
			enter_screen(t, (size_t)(key - '0'));
		return true;
	}
	if (key >= 0x20 && key != 0x7f) {
		t->message.text[0] = '\0';
		form_driver_w(t->form.form, OK, (wchar_t)key);
		sync_field(t);
	}
	return true;
}

/* ------------------------------------------------------------ setup */

static void
init_colors(struct tui *t)
{
	const char *no_color = getenv("NO_COLOR");

	t->term.color = has_colors() && (no_color == NULL || no_color[0] == '\0');
	if (!t->term.color)
		return;
	start_color();
	use_default_colors();
	init_pair(PAIR_TITLE, COLOR_WHITE, COLOR_BLUE);
	init_pair(PAIR_ERROR, COLOR_RED, -1);
	init_pair(PAIR_DONE, COLOR_GREEN, -1);
	init_pair(PAIR_CURRENT, COLOR_BLACK, COLOR_CYAN);
	init_pair(PAIR_DIM, COLOR_BLUE, -1);
}

int
tui_run(struct plan *p, const char *dir, const struct run_options *options, unsigned flags,
	const char *notice)
{
	struct tui t;
	SCREEN *screen;
	bool exit_after_draw = (flags & TUI_EXIT_AFTER_FIRST_DRAW) != 0;
	unsigned error_burst = 0;

	if (!termprobe_usable(reset_sequence, sizeof reset_sequence, &reset_len)) {
		fprintf(stderr, _("zktls-wizard: needs a full-screen terminal; use --batch\n"));
		return 2;
	}
	tui_state_init(&t, p, dir, options, flags & ~TUI_EXIT_AFTER_FIRST_DRAW);
	t.term.utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;

	if (tcgetattr(STDIN_FILENO, &saved_termios) == 0)
		termios_saved = true;
	install_signal_handlers();
	if (getenv("ESCDELAY") == NULL)
		set_escdelay(25);
	screen = newterm(NULL, stdout, stdin);
	if (screen == NULL) {
		fprintf(stderr, _("zktls-wizard: needs a full-screen terminal; use --batch\n"));
		return 2;
	}
	set_term(screen);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	if (termprobe_lacks("kcbt"))
		define_key("\033[Z", KEY_BTAB);
	timeout(100);
	/*
	 * Enter the alternate screen before anything hides the cursor: leaving
	 * it restores the cursor state it was entered with.
	 */
	refresh();
	init_colors(&t);
	getmaxyx(stdscr, t.term.rows, t.term.cols);
	enter_screen(&t, 0);
	if (notice != NULL && notice[0] != '\0') {
		char first[sizeof t.message.text];

		/* The first problem fits the message line; the fields show the rest. */
		snprintf(first, sizeof first, "%.*s", (int)strcspn(notice, "\n"), notice);
		text_sanitize(first);
		set_message(&t, true, "%s", first);
	}

	for (;;) {
		struct timespec before;
		wint_t key;
		int status;

		if (t.job != NULL && job_finished(t.job))
			finish_job(&t);
		draw(&t);
		if (exit_after_draw)
			break;
		if (input_gone) {
			ensure_saved(&t, &(struct msg){ "" });
			break;
		}
		if (quit_requested && t.job != NULL) {
			/* Ctrl-C cancels running work first; a second one quits. */
			job_cancel(t.job);
			quit_requested = 0;
		}
		if (quit_requested) {
			struct msg err;

			if (ensure_saved(&t, &err) != 0 && t.unsaved)
				fprintf(stderr, "zktls-wizard: %s\n", err.text);
			break;
		}
		clock_gettime(CLOCK_MONOTONIC, &before);
		status = get_wch(&key);
		if (status == ERR) {
			struct timespec after;
			long waited_ms;

			clock_gettime(CLOCK_MONOTONIC, &after);
			waited_ms = (after.tv_sec - before.tv_sec) * 1000 +
				    (after.tv_nsec - before.tv_nsec) / 1000000;
			/*
			 * A timeout waits ~100 ms; an immediate ERR, again and again,
			 * means the input is gone (EOF): save and leave.
			 */
			if (waited_ms >= 50 || errno == EINTR) {
				error_burst = 0;
				continue;
			}
			if (++error_burst < 50)
				continue;
			ensure_saved(&t, &(struct msg){ "" });
			break;
		}
		error_burst = 0;
		trace_event(&t, "key");
		if (!handle_key(&t, status, key))
			break;
	}
	if (t.job != NULL) {
		struct strlist ignored = { 0 };
		struct msg err;

		job_cancel(t.job);
		job_finish(t.job, &ignored, &err);
		strlist_free(&ignored);
	}
	if (t.review.active)
		leave_review(&t);
	form_free(&t);
	curs_set(1);
	endwin();
	delscreen(screen);
	tui_state_free(&t);
	return 0;
}
