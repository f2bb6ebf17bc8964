/* The form: one field per answer on the screen, built from descriptors; edits go to the plan. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "tui/tui-int.h"

static void
free_descs(struct tui *t)
{
	for (size_t i = 0; i < t->form.count; i++)
		secure_free_str(t->form.descs[i].kept);
	free(t->form.descs);
	t->form.descs = NULL;
	t->form.count = 0;
}

static struct field_desc *
add_desc(struct tui *t, const char *key, const char *label, bool secret, bool confirm)
{
	struct field_desc *d;

	t->form.descs = xrealloc(t->form.descs, (t->form.count + 1) * sizeof *t->form.descs);
	d = &t->form.descs[t->form.count++];
	memset(d, 0, sizeof *d);
	snprintf(d->key, sizeof d->key, "%s", key);
	snprintf(d->label, sizeof d->label, "%s", label);
	d->secret = secret;
	d->confirm = confirm;
	d->column = -1;
	if (secret && !confirm)
		d->kept = xstrdup(plan_get(t->plan, key) ? plan_get(t->plan, key) : "");
	d->row = t->form.count > 1 ? t->form.descs[t->form.count - 2].row + 1 : 0;
	return d;
}

static const struct answer_key *
key_by_pattern(const char *pattern)
{
	for (size_t j = 0; j < answer_key_count; j++)
		if (strcmp(answer_keys[j].pattern, pattern) == 0)
			return &answer_keys[j];
	return NULL;
}

/* The list whose names fill broker.*.x or sasl.password.*. */
static const char *
list_of_pattern(const char *pattern)
{
	return str_starts_with(pattern, "broker.") ? "brokers" : "sasl.users";
}

/* Lists with per-name answers change through F5/F6/F8, which keep those answers. */
static bool
list_has_names_keys(const char *key)
{
	return strcmp(key, "brokers") == 0 || strcmp(key, "sasl.users") == 0;
}

/*
 * Expands the step's key patterns into fields.  A run of broker.*.x patterns
 * becomes a table: a header row, then one row per broker with a cell per
 * pattern.
 */
static void
build_descs(struct tui *t)
{
	const struct step *s = current_step(t);

	free_descs(t);
	if (s == NULL)
		return;
	for (size_t i = 0; s->keys[i] != NULL;) {
		const char *pattern = s->keys[i];
		const struct answer_key *k = answer_key_find(pattern, NULL);
		struct strlist names = { 0 };
		struct field_desc *d;
		size_t run_end = i;
		int ncols, row;

		if (strchr(pattern, '*') == NULL) {
			bool secret = k != NULL && k->kind == KIND_SECRET;

			d = add_desc(t, pattern, k ? _(k->label) : pattern, secret, false);
			d->kind = k ? k->kind : KIND_TEXT;
			if (list_has_names_keys(pattern)) {
				d->readonly = true;
				snprintf(d->list_key, sizeof d->list_key, "%s", pattern);
			}
			if (secret)
				add_desc(t, pattern, _("  repeat"), true, true)->kind = KIND_SECRET;
			i++;
			continue;
		}
		while (s->keys[run_end] != NULL && strchr(s->keys[run_end], '*') != NULL &&
		       strncmp(s->keys[run_end], pattern, strcspn(pattern, "*")) == 0)
			run_end++;
		ncols = (int)(run_end - i);
		d = add_desc(t, "", "", false, false);
		d->header = true;
		d->column_count = ncols;
		snprintf(d->list_key, sizeof d->list_key, "%s", list_of_pattern(pattern));
		plan_get_list(t->plan, list_of_pattern(pattern), &names);
		row = d->row;
		for (size_t n = 0; n < names.len; n++) {
			row++;
			for (size_t j = i; j < run_end; j++) {
				const char *star = strchr(s->keys[j], '*');
				const struct answer_key *pk = key_by_pattern(s->keys[j]);
				char key[160];

				snprintf(key, sizeof key, "%.*s%s%s", (int)(star - s->keys[j]),
					 s->keys[j], names.items[n], star + 1);
				/* An invalid name has no answers: the list field shows its problem. */
				if (!plan_has_key(key))
					continue;
				d = add_desc(t, key,
					     pk ? _(pk->column ? pk->column : pk->label) : s->keys[j],
					     pk && pk->kind == KIND_SECRET, false);
				d->row = row;
				d->column = (int)(j - i);
				d->column_count = ncols;
				d->kind = pk ? pk->kind : KIND_TEXT;
				snprintf(d->node, sizeof d->node, "%s", names.items[n]);
				snprintf(d->list_key, sizeof d->list_key, "%s",
					 list_of_pattern(pattern));
			}
		}
		strlist_free(&names);
		i = run_end;
	}
}

static void
form_teardown(struct tui *t)
{
	if (t->form.form != NULL) {
		unpost_form(t->form.form);
		free_form(t->form.form);
		t->form.form = NULL;
	}
	if (t->form.fields != NULL) {
		for (size_t i = 0; t->form.fields[i] != NULL; i++)
			free_field(t->form.fields[i]);
		free(t->form.fields);
		t->form.fields = NULL;
	}
	free(t->form.inputs_of);
	t->form.inputs_of = NULL;
	if (t->form.win != NULL) {
		delwin(t->form.win);
		t->form.win = NULL;
	}
}

/* What the field shows: the answer, or for a secret the answer too (masked by O_PUBLIC). */
static const char *
initial_value(const struct tui *t, const struct field_desc *d)
{
	return plan_get(t->plan, d->key) ? plan_get(t->plan, d->key) : "";
}

static bool
narrow_kind(enum answer_kind kind)
{
	return kind == KIND_NUMBER || kind == KIND_PORT || kind == KIND_PORT_OPT;
}

struct form_builder {
	FIELD **fields;
	size_t count, cap;
	int last_row;           /* to mark the first field of each page */
	size_t rows_per_page;
};

/*
 * A table's geometry: the name column, then a cell per column; numbers and
 * ports get narrow cells, the other columns share the rest.
 */
static void
table_geometry(const struct tui *t, size_t header, int width, int *name_w, int xs[], int ws[])
{
	const struct field_desc *h = &t->form.descs[header];
	int wide_columns = 0, narrow_total = 0, x;

	*name_w = 8;
	for (size_t i = header + 1; i < t->form.count && t->form.descs[i].column >= 0; i++)
		if (text_columns(t->form.descs[i].node) + 1 > *name_w)
			*name_w = text_columns(t->form.descs[i].node) + 1;
	if (*name_w > width / 4)
		*name_w = width / 4;
	for (int c = 0; c < h->column_count; c++) {
		size_t at = header + 1 + (size_t)c;
		const struct field_desc *cell = at < t->form.count ? &t->form.descs[at] : NULL;

		if (cell != NULL && cell->column == c && narrow_kind(cell->kind)) {
			ws[c] = 9;
			narrow_total += 9;
		} else {
			ws[c] = 0;
			wide_columns++;
		}
	}
	x = *name_w;
	for (int c = 0; c < h->column_count; c++) {
		if (ws[c] == 0)
			ws[c] = (width - *name_w - narrow_total) / (wide_columns ? wide_columns : 1);
		if (ws[c] < 4)
			ws[c] = 4;
		xs[c] = x;
		x += ws[c];
	}
}

static FIELD *
builder_add(struct form_builder *b, int row, int x, int width, bool active)
{
	FIELD *f;

	if (width < 1)
		width = 1;
	f = new_field(1, width, row % (int)b->rows_per_page, x, 0, 0);
	if (b->count + 2 > b->cap) {
		b->cap = b->cap ? b->cap * 2 : 64;
		b->fields = xrealloc(b->fields, b->cap * sizeof *b->fields);
	}
	/* More rows than fit: the form library's pages, one screenful each. */
	if (row > 0 && row != b->last_row && row % (int)b->rows_per_page == 0)
		set_new_page(f, TRUE);
	b->last_row = row;
	if (!active)
		field_opts_off(f, O_ACTIVE | O_EDIT);
	b->fields[b->count++] = f;
	b->fields[b->count] = NULL;
	return f;
}

void
build_form(struct tui *t, const char *focus_key, bool focus_confirm)
{
	struct layout l = compute_layout(t);
	struct form_builder b = { .last_row = -1 };
	int label_cols = 12, input_cols, width = l.form_w - 3;
	int top = 1 + explain_rows(t, l.form_w - 2);
	int rows_per_page = l.form_h - 1 - top;
	int name_w = 8, xs[16], ws[16];
	size_t focus = 0;
	bool have_focus = false;

	form_teardown(t);
	build_descs(t);
	if (t->form.count == 0 || rows_per_page < 1)
		return;
	/* Labels as wide as the widest (in columns), within half of the form. */
	for (size_t i = 0; i < t->form.count; i++)
		if (t->form.descs[i].column < 0 && !t->form.descs[i].header &&
		    text_columns(t->form.descs[i].label) + 1 > label_cols)
			label_cols = text_columns(t->form.descs[i].label) + 1;
	/* Labels as long as they need, if the answers keep 16 columns. */
	if (label_cols > width - 17)
		label_cols = width - 17;
	input_cols = width - label_cols - 1;
	if (input_cols < 8)
		return;
	t->form.rows_per_page = (size_t)rows_per_page;
	b.rows_per_page = t->form.rows_per_page;
	t->form.inputs_of = xcalloc(t->form.count, sizeof *t->form.inputs_of);
	for (size_t i = 0; i < t->form.count; i++) {
		const struct field_desc *d = &t->form.descs[i];
		FIELD *input;

		if (d->header) {
			table_geometry(t, i, width, &name_w, xs, ws);
			for (int c = 0; c < d->column_count && i + 1 + (size_t)c < t->form.count;
			     c++) {
				FIELD *title = builder_add(&b, d->row, xs[c], ws[c] - 1, false);

				set_field_buffer(title, 0, t->form.descs[i + 1 + (size_t)c].label);
				set_field_fore(title, A_BOLD);
			}
			continue;
		}
		if (d->column >= 0) {
			if (d->column == 0)
				set_field_buffer(builder_add(&b, d->row, 0, name_w - 1, false), 0,
						 d->node);
			input = builder_add(&b, d->row, xs[d->column], ws[d->column] - 1, true);
		} else {
			/* A static field keeps only what fits. */
			set_field_buffer(builder_add(&b, d->row, 0, label_cols, false), 0, d->label);
			input = builder_add(&b, d->row, label_cols + 1, input_cols, true);
		}
		/* No field types: the core's validation is the only validator. */
		field_opts_off(input, O_STATIC | O_AUTOSKIP | O_BLANK);
		set_max_field(input, ZK_VALUE_MAX - 1);
		if (d->secret)
			field_opts_off(input, O_PUBLIC);
		if (d->readonly)
			field_opts_off(input, O_EDIT);
		{
			const char *value = d->secret ? "" : initial_value(t, d);
			bool foreign = !t->term.utf8 && !text_is_ascii(value);

			/*
			 * Outside UTF-8 a non-ASCII answer cannot be edited faithfully:
			 * show it escaped (a secret stays hidden), and leave it as it is.
			 */
			if (foreign) {
				char *escaped = text_escape_non_ascii(value);

				field_opts_off(input, O_EDIT);
				set_field_buffer(input, 0, escaped);
				free(escaped);
			} else {
				set_field_buffer(input, 0, value);
			}
			set_field_back(input, d->readonly || foreign ? A_NORMAL : A_UNDERLINE);
		}
		set_field_status(input, FALSE);
		t->form.inputs_of[i] = input;
		if (!have_focus && focus_key != NULL && strcmp(d->key, focus_key) == 0 &&
		    d->confirm == focus_confirm) {
			focus = i;
			have_focus = true;
		}
	}
	t->form.fields = b.fields;
	t->form.form = new_form(t->form.fields);
	/* Backspace at a field's start must not jump to another field. */
	form_opts_off(t->form.form, O_BS_OVERLOAD | O_NL_OVERLOAD);
	t->form.win = newwin(l.form_h, l.form_w, l.form_y, l.form_x);
	keypad(t->form.win, TRUE);
	set_form_win(t->form.form, t->form.win);
	set_form_sub(t->form.form, derwin(t->form.win, rows_per_page, l.form_w - 2, top, 1));
	post_form(t->form.form);
	if (have_focus)
		set_current_field(t->form.form, t->form.inputs_of[focus]);
	/* Editing starts at the end of the value, as in a shell. */
	form_driver(t->form.form, REQ_END_LINE);
}

const struct field_desc *
current_desc(const struct tui *t, size_t *index)
{
	FIELD *f;

	if (t->form.form == NULL)
		return NULL;
	f = current_field(t->form.form);
	for (size_t i = 0; i < t->form.count; i++)
		if (t->form.inputs_of[i] == f) {
			if (index != NULL)
				*index = i;
			return &t->form.descs[i];
		}
	return NULL;
}

void
focus_neighbour(struct tui *t, bool forward)
{
	size_t index;

	if (current_desc(t, &index) == NULL || t->form.count == 0)
		return;
	do
		index = forward ? (index + 1) % t->form.count
				: (index + t->form.count - 1) % t->form.count;
	while (t->form.inputs_of[index] == NULL);
	set_current_field(t->form.form, t->form.inputs_of[index]);
	form_driver(t->form.form, REQ_END_LINE);
}

char *
field_text(FIELD *f)
{
	char *raw = field_buffer(f, 0);
	size_t n = strlen(raw);

	while (n > 0 && raw[n - 1] == ' ')
		n--;
	return xstrndup(raw, n);
}

const char *
screen_problem(struct tui *t, size_t *field_index)
{
	for (size_t i = 0; i < t->form.count; i++) {
		const struct problem *pr = problems_find(&t->problems, t->form.descs[i].key);

		if (t->form.descs[i].confirm) {
			/* Only a password typed here needs its repeat. */
			char *typed = i > 0 ? field_text(t->form.inputs_of[i - 1]) : xstrdup("");
			char *again = field_text(t->form.inputs_of[i]);
			bool same = typed[0] == '\0' || strcmp(again, typed) == 0;

			secure_free_str(typed);
			secure_free_str(again);
			if (!same) {
				*field_index = i;
				return _("the two passwords differ: type the same one twice");
			}
			continue;
		}
		if (pr != NULL) {
			*field_index = i;
			return pr->message;
		}
	}
	return NULL;
}

void
sync_field(struct tui *t)
{
	size_t index;
	const struct field_desc *d = current_desc(t, &index);
	char *value;
	struct msg err;
	bool list_key;

	if (d == NULL)
		return;
	form_driver(t->form.form, REQ_VALIDATION);
	if (!field_status(t->form.inputs_of[index]) || d->confirm)
		return;
	value = field_text(t->form.inputs_of[index]);
	/* An empty password field keeps the password it had. */
	if (d->secret && value[0] == '\0') {
		free(value);
		value = xstrdup(d->kept ? d->kept : "");
	}
	list_key = strcmp(d->key, "brokers") == 0 || strcmp(d->key, "sasl.users") == 0;
	if (strcmp(value, plan_get(t->plan, d->key)) != 0) {
		char key[160];

		plan_set(t->plan, d->key, value, ORIGIN_TUI, &err);
		t->unsaved = true;
		snprintf(key, sizeof key, "%s", d->key);
		/* The secret's repeat must be typed again after a change. */
		if (d->secret && index + 1 < t->form.count && t->form.descs[index + 1].confirm)
			set_field_buffer(t->form.inputs_of[index + 1], 0, "");
		if (list_key) {
			/* The per-name fields follow the list: rebuild, keep the cursor. */
			build_form(t, key, false);
		}
	}
	secure_free_str(value);
	refresh_render(t, true);
}

void
form_request(struct tui *t, int request)
{
	if (t->form.form == NULL)
		return;
	form_driver(t->form.form, request);
}

/*
 * The list and name the focused field belongs to (a table row, or the list
 * itself; node is empty for the list).  Copies: the descriptors they come
 * from are freed when the form is built again after the change.
 */
static bool
focused_list(const struct tui *t, char list_key[32], char node[ZK_NAME_MAX + 1])
{
	const struct field_desc *d = current_desc(t, NULL);

	if (d == NULL || d->list_key[0] == '\0')
		return false;
	snprintf(list_key, 32, "%s", d->list_key);
	snprintf(node, ZK_NAME_MAX + 1, "%s", d->node);
	return true;
}

/* F5 add, F6 rename, F8 remove: through the core, which keeps per-name answers with their names. */
void
edit_list(struct tui *t, int action)
{
	char list_key[sizeof t->form.descs->list_key], node[sizeof t->form.descs->node];
	char name[ZK_NAME_MAX + 1] = "", focus[160] = "";
	struct msg err = { "" }, why;
	bool users;
	int rc = 0;

	if (!focused_list(t, list_key, node)) {
		set_message(t, true, _("F5, F6 and F8 work on brokers and SASL users: move to "
				       "their table first."));
		return;
	}
	users = strcmp(list_key, "sasl.users") == 0;
	if (action != KEY_F(5) && node[0] == '\0') {
		set_message(t, true, _("Move to a row of the table first."));
		return;
	}
	if (action == KEY_F(8)) {
		char question[256];

		snprintf(question, sizeof question, _("Remove %s and its answers? (y/n)"), node);
		if (ask(t, question, false) != 'y')
			return;
		rc = plan_remove_name(t->plan, list_key, node, ORIGIN_TUI, &err);
	} else {
		if (!prompt_text(t, action == KEY_F(5) ? (users ? _("Name of the new SASL user:")
							       : _("Host name of the new broker:"))
						      : _("New name:"),
				 action == KEY_F(5) ? "" : node, name, sizeof name))
			return;
		/* The same rules as everywhere: a DNS label, or a SASL user name. */
		if (!validate_value(t->plan, users ? "sasl.consumer_user" : "zookeeper.host", name,
				    &why)) {
			set_message(t, true, "%s: %s", list_key, why.text);
			return;
		}
		rc = action == KEY_F(5)
			     ? plan_add_name(t->plan, list_key, name, ORIGIN_TUI, &err)
			     : plan_rename_name(t->plan, list_key, node, name, ORIGIN_TUI, &err);
	}
	if (rc != 0) {
		set_message(t, true, "%s", err.text);
		return;
	}
	t->unsaved = true;
	if (action != KEY_F(8))
		snprintf(focus, sizeof focus, users ? "sasl.password.%s" : "broker.%s.id", name);
	build_form(t, focus[0] ? focus : list_key, false);
	refresh_render(t, true);
	set_message(t, false, action == KEY_F(5) ? _("Added %s.") : action == KEY_F(6)
			     ? _("Renamed %s.") : _("Removed %s."),
		    action == KEY_F(8) ? node : name);
}

void
form_free(struct tui *t)
{
	form_teardown(t);
	free_descs(t);
}
