/* F9: the review screen, every file of every step as it would be written, with what changes. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>

#include "core/i18n.h"
#include "tui/tui-int.h"

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

size_t
review_count(const struct tui *t)
{
	size_t n = 0;

	for (size_t i = 0; i < step_count; i++)
		n += t->review.results[i].count;
	return n;
}

/*
 * The list is a libmenu menu in its own window, made for the current size;
 * the menu keeps the chosen file and scrolls to keep it in view.
 */
static void
review_menu_free(struct tui_review *r)
{
	if (r->menu != NULL) {
		unpost_menu(r->menu);
		free_menu(r->menu);
		r->menu = NULL;
	}
	for (size_t n = 0; r->items != NULL && r->items[n] != NULL; n++)
		free_item(r->items[n]);
	free(r->items);
	r->items = NULL;
	for (size_t n = 0; n < r->line_count; n++)
		free(r->lines[n]);
	free(r->lines);
	r->lines = NULL;
	r->line_count = 0;
	if (r->sub != NULL)
		delwin(r->sub);
	if (r->win != NULL)
		delwin(r->win);
	r->sub = r->win = NULL;
}

void
review_relayout(struct tui *t)
{
	struct tui_review *r = &t->review;
	struct layout l = compute_layout(t);
	size_t count = review_count(t), made = 0;

	review_menu_free(r);
	if (count == 0 || l.form_h < 3 || l.form_w < 3)
		return;
	r->win = newwin(l.form_h, l.form_w, l.form_y, l.form_x);
	r->sub = r->win != NULL ? derwin(r->win, l.form_h - 2, l.form_w - 2, 1, 1) : NULL;
	if (r->sub == NULL) {
		review_menu_free(r);
		return;
	}
	r->lines = xcalloc(count, sizeof *r->lines);
	r->items = xcalloc(count + 1, sizeof *r->items);
	for (size_t n = 0; n < count; n++) {
		size_t step_index = 0;
		const struct output *o = review_output(t, n, &step_index);
		char line[512], *path;

		if (o == NULL)
			break;
		path = xstrdup(o->path);
		text_sanitize(path);
		snprintf(line, sizeof line, "%-10s %-28s %s", steps[step_index]->id, path,
			 review_change_name(review_change(t->disk.cache, o)));
		free(path);
		text_for_display(line, t->term.utf8);
		/* An item wider than the window would keep the menu from posting. */
		r->lines[r->line_count++] = text_fit(line, l.form_w - 2);
		if ((r->items[made] = new_item(r->lines[n], "")) != NULL)
			made++;
	}
	r->menu = new_menu(r->items);
	if (r->menu == NULL) {
		review_menu_free(r);
		return;
	}
	set_menu_mark(r->menu, "");
	menu_opts_off(r->menu, O_SHOWDESC);
	menu_opts_on(r->menu, O_NONCYCLIC);
	set_menu_format(r->menu, l.form_h - 2, 1);
	set_menu_fore(r->menu, attr_for(t, PAIR_CURRENT));
	set_menu_back(r->menu, A_NORMAL);
	set_menu_win(r->menu, r->win);
	set_menu_sub(r->menu, r->sub);
	if (r->selected < made)
		set_current_item(r->menu, r->items[r->selected]);
	if (post_menu(r->menu) != E_OK)
		review_menu_free(r);
}

void
review_move(struct tui *t, bool down)
{
	struct tui_review *r = &t->review;

	if (r->menu != NULL) {
		if (menu_driver(r->menu, down ? REQ_DOWN_ITEM : REQ_UP_ITEM) != E_OK)
			return;
		r->selected = (size_t)item_index(current_item(r->menu));
	} else if (down ? r->selected + 1 < review_count(t) : r->selected > 0) {
		/* No menu (the terminal is too small for one): the index alone. */
		r->selected = down ? r->selected + 1 : r->selected - 1;
	} else {
		return;
	}
	t->preview.scroll = 0;
}

void
leave_review(struct tui *t)
{
	review_menu_free(&t->review);
	for (size_t i = 0; i < step_count; i++)
		render_result_free(&t->review.results[i]);
	t->review.active = false;
	t->preview.scroll = 0;
}

void
enter_review(struct tui *t)
{
	struct msg err = { "" };

	for (size_t i = 0; i < step_count; i++)
		if (step_render(steps[i], t->plan, &t->disk.inputs, &t->review.results[i],
				&err) != 0)
			set_message(t, true, "%s: %s", steps[i]->id, err.text);
	t->review.active = true;
	t->review.selected = 0;
	t->preview.scroll = 0;
	review_relayout(t);
}

void
draw_review(struct tui *t, const struct layout *l)
{
	size_t count = review_count(t);
	WINDOW *w = t->review.win;
	const struct output *selected;
	size_t by_change[CHANGE_FOREIGN + 1] = { 0 };
	char summary[256];

	for (size_t n = 0; w != NULL && n < count; n++)
		by_change[review_change(t->disk.cache, review_output(t, n, NULL))]++;
	/* TRANSLATORS: counts of files: new, unchanged, to be replaced, kept as they are. */
	snprintf(summary, sizeof summary, _(" Review: %zu files: %zu new, %zu unchanged, %zu to "
					    "change, %zu kept "),
		 count, by_change[CHANGE_NEW], by_change[CHANGE_SAME], by_change[CHANGE_UPDATE],
		 by_change[CHANGE_EDITED] + by_change[CHANGE_FOREIGN]);
	if (w != NULL) {
		/* The border touches every row: the menu's rows go out with it. */
		box(w, 0, 0);
		mvwaddnstr(w, 0, 2, summary, l->form_w - 4);
		wnoutrefresh(w);
	}
	selected = review_output(t, t->review.selected, NULL);
	if (selected != NULL)
		draw_output(t, l, selected, t->review.selected + 1, count, "Up/Down");
}
