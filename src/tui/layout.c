/* Layout by width: where the panes go, the title, the step list, the bottom lines; draw(). */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "tui/tui-int.h"

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

		l.steps_y = 1, l.steps_x = 0, l.steps_h = t->term.rows - 3;
		l.steps_w = STEP_LIST_WIDTH;
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

attr_t
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

void
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

void
draw(struct tui *t)
{
	struct layout l;

	erase();
	if (t->term.rows < MIN_ROWS || t->term.cols < MIN_COLS) {
		char line[160];

		snprintf(line, sizeof line, _("Terminal too small: %dx%d, needs %dx%d."),
			 t->term.cols, t->term.rows, MIN_COLS, MIN_ROWS);
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
	}
	/* The boxes over the panes (the running step's), then the cursor. */
	update_panels();
	if (t->job == NULL && !t->review.active && t->form.form != NULL && t->screen >= 1 &&
	    t->screen <= step_count) {
		curs_set(1);
		pos_form_cursor(t->form.form);
		wnoutrefresh(t->form.win);
	}
	doupdate();
	trace_event(t, "drawn");
}
