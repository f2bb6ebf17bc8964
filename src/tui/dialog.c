/* Boxes over the screen: questions, a line of text, prose until a key (help, a failed step). */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/i18n.h"
#include "tui/tui-int.h"

bool
overlay_open(struct overlay *o, int height, int width, int y, int x)
{
	o->panel = NULL;
	o->win = newwin(height, width, y, x);
	if (o->win != NULL && (o->panel = new_panel(o->win)) == NULL) {
		delwin(o->win);
		o->win = NULL;
	}
	return o->panel != NULL;
}

void
overlay_close(struct overlay *o)
{
	/* The panel library marks what the box covered, for the next update. */
	if (o->panel != NULL)
		del_panel(o->panel);
	if (o->win != NULL)
		delwin(o->win);
	o->panel = NULL;
	o->win = NULL;
}

/* Puts the boxes on the terminal now: a dialog waits for a key, and the loop draws only after. */
static void
overlay_show(void)
{
	update_panels();
	doupdate();
}

/*
 * A key for a dialog.  Ctrl-C (or SIGTERM, SIGHUP) and a terminal that is
 * gone (read returns at once, again and again) both answer Esc, so no
 * dialog can hold the wizard once its input has ended.
 */
static int
dialog_key(struct tui *t, WINDOW *w, wint_t *key)
{
	unsigned immediate = 0;

	wtimeout(w, 100);
	for (;;) {
		struct timespec before, after;
		long waited_ms;
		int status;

		if (tui_quit_requested || t->input_gone)
			break;
		clock_gettime(CLOCK_MONOTONIC, &before);
		status = wget_wch(w, key);
		/* The box stays where it is; the screen follows when the dialog ends. */
		if (status == KEY_CODE_YES && *key == KEY_RESIZE)
			t->resize_pending = true;
		if (status != ERR)
			return status;
		clock_gettime(CLOCK_MONOTONIC, &after);
		waited_ms = (after.tv_sec - before.tv_sec) * 1000 +
			    (after.tv_nsec - before.tv_nsec) / 1000000;
		if (waited_ms >= 50)
			immediate = 0;
		else if (++immediate >= 50)
			t->input_gone = true;
	}
	*key = 27;
	return OK;
}

int
ask(struct tui *t, const char *question, bool with_cancel)
{
	/* TRANSLATORS: the keys that answer yes, no and cancel, in this order (e.g. "jna"). */
	const char *letters = _("ync");
	int width = t->term.cols - 10, answer = 'c';
	struct overlay box_over;
	WINDOW *w;

	overlay_open(&box_over, 5, width, t->term.rows / 2 - 2, 5);
	w = box_over.win;
	if (strlen(letters) != 3)
		letters = "ync";
	box(w, 0, 0);
	mvwaddnstr(w, 2, 2, question, width - 4);
	overlay_show();
	for (;;) {
		wint_t key;
		const char *at;

		if (dialog_key(t, w, &key) != OK)
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
	overlay_close(&box_over);
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
	struct overlay box_over;
	WINDOW *w, *body;
	char *prose = text_word_wrap(text, width - 4);
	wint_t key;

	overlay_open(&box_over, height, width, (t->term.rows - height) / 2, 4);
	w = box_over.win;
	body = w != NULL ? derwin(w, height - 3, width - 4, 1, 2) : NULL;
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
	/* The body shares the box's cells; the panel shows the box. */
	wsyncup(body);
	overlay_show();
	dialog_key(t, w, &key);
	if (body != NULL)
		delwin(body);
	overlay_close(&box_over);
}

void
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

void
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
	show_box(t, t->term.rows - 8 < 14 ? t->term.rows - 8 : 14, title,
		 attr_for(t, PAIR_ERROR) | A_BOLD, all.data);
	buf_free(&all);
}

bool
prompt_text(struct tui *t, const char *question, const char *initial, char *out, size_t size)
{
	int width = t->term.cols - 10 < 60 ? t->term.cols - 10 : 60;
	struct overlay box_over;
	WINDOW *w, *sub;
	FIELD *fields[2] = { new_field(1, width - 4, 0, 0, 0, 0), NULL };
	FORM *form;
	bool accepted = false;

	overlay_open(&box_over, 6, width, t->term.rows / 2 - 3, (t->term.cols - width) / 2);
	w = box_over.win;
	sub = w != NULL ? derwin(w, 1, width - 4, 3, 2) : NULL;

	field_opts_off(fields[0], O_STATIC | O_AUTOSKIP | O_BLANK);
	set_field_back(fields[0], A_UNDERLINE);
	set_field_buffer(fields[0], 0, initial);
	form = new_form(fields);
	form_opts_off(form, O_BS_OVERLOAD | O_NL_OVERLOAD);
	keypad(w, TRUE);
	set_form_win(form, w);
	set_form_sub(form, sub);
	box(w, 0, 0);
	mvwaddnstr(w, 1, 2, question, width - 4);
	mvwaddnstr(w, 5, 2, _(" Enter: OK  Esc: cancel "), width - 4);
	post_form(form);
	form_driver(form, REQ_END_LINE);
	curs_set(1);
	for (;;) {
		wint_t key;
		int status;

		overlay_show();
		status = dialog_key(t, w, &key);
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
	if (sub != NULL)
		delwin(sub);
	overlay_close(&box_over);
	return accepted;
}
