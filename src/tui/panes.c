/* The panes: the form's box, the preview of files or commands, text screens, the progress box. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fsutil.h"
#include "core/i18n.h"
#include "tui/tui-int.h"

int
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

void
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

void
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

void
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

			if (!bad || d->row < first_row ||
			    d->row >= first_row + (int)t->form.rows_per_page)
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

void
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

void
draw_progress(struct tui *t)
{
	const struct step *s = current_step(t);
	int width = t->term.cols - 10 < 70 ? t->term.cols - 10 : 70;
	WINDOW *w;
	struct job_view v;
	char line[512], done[32], total[32];

	/* Opened with the job's first frame, closed when it ends or the size changes. */
	if (t->progress.win == NULL &&
	    !overlay_open(&t->progress, 7, width, t->term.rows / 2 - 3, (t->term.cols - width) / 2))
		return;
	w = t->progress.win;
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
}

int
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
