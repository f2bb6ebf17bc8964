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

void
leave_review(struct tui *t)
{
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
		if (step_render(steps[i], t->plan, &t->disk.inputs, &t->review.results[i], &err) != 0)
			set_message(t, true, "%s: %s", steps[i]->id, err.text);
	t->review.active = true;
	t->review.selected = 0;
	t->preview.scroll = 0;
}

void
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
