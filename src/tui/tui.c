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
#include "core/dirlock.h"
#include "core/fsutil.h"
#include "core/i18n.h"
#include "core/render.h"
#include "core/review.h"
#include "core/steps.h"
#include "core/validate.h"
#include "tui/job.h"
#include "tui/termprobe.h"
#include "tui/tui.h"

#define MIN_COLS 80
#define MIN_ROWS 24
#define WIDE_COLS 120
#define STEP_LIST_WIDTH 22
#define CONF_NAME "zktls-wizard.conf"

enum color_pair {
	PAIR_TITLE = 1,
	PAIR_ERROR,
	PAIR_DONE,
	PAIR_CURRENT,
	PAIR_DIM,
};

/* One editable answer on the current screen. */
struct field_desc {
	char key[160];
	char label[160];
	bool secret;
	bool confirm;          /* the repeat of the secret field above it */
	bool readonly;         /* a list edited with F5/F6/F8, not by typing */
	bool header;           /* a table's column titles: no input */
	int row;               /* row in the form, across pages */
	int column;            /* table cell: its column; -1 outside tables */
	int column_count;      /* table cell or header: the table's columns */
	char node[ZK_NAME_MAX + 1];    /* table cell: the row's name */
	char list_key[32];     /* table cell or list field: the list it belongs to */
	enum answer_kind kind;
	/*
	 * A password field starts empty: empty keeps this value (wiped when the
	 * form goes), anything typed replaces it.
	 */
	char *kept;
};

struct tui {
	struct plan *plan;
	const char *dir;
	const struct run_options *options;
	unsigned flags;
	struct inputs inputs;
	bool utf8;
	bool color;

	/* 0: welcome; 1..step_count: steps; step_count + 1: finish. */
	size_t screen;
	/*
	 * What this session saw happen; done and stale come from the manifest,
	 * so they survive a restart and follow the answers.
	 */
	enum screen_event {
		EVENT_NONE,
		EVENT_FAILED,
	} events[16];
	struct manifest manifest;   /* read when a screen is entered */
	struct disk_cache *disk;    /* the files on disk, read once per screen */
	bool show_diff;             /* F7: the preview shows what changes on disk */
	bool show_commands;         /* F2: the preview shows the step's shell commands */
	char *commands;             /* ... rendered with the answers of the last keystroke */
	/* F9: every file of every step, as it would be written, with what changes. */
	bool reviewing;
	struct render_result review[16];
	size_t review_selected;

	struct field_desc *descs;
	size_t desc_count;
	FIELD **fields;         /* label and input fields, NULL-terminated */
	FIELD **inputs_of;      /* per desc: its input field */
	size_t rows_per_page;
	FORM *form;
	WINDOW *form_win;

	struct render_result render;
	size_t preview_file;
	int preview_scroll;
	struct problems problems;
	char message[1024];
	bool message_is_error;
	struct strlist written;
	struct job *job;        /* the step running on the worker thread, if any */
	bool unsaved;
	bool too_small;
	int rows, cols;
	FILE *trace;
};

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

/* ------------------------------------------------------------ helpers */

static const struct step *
current_step(const struct tui *t)
{
	if (t->screen == 0 || t->screen > step_count)
		return NULL;
	return steps[t->screen - 1];
}

static void
set_message(struct tui *t, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
set_message(struct tui *t, bool error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->message, sizeof t->message, fmt, ap);
	va_end(ap);
	t->message_is_error = error;
}

static void
trace_event(struct tui *t, const char *event)
{
	struct timespec now;

	if (t->trace == NULL)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	fprintf(t->trace, "%s %lld.%09ld\n", event, (long long)now.tv_sec, now.tv_nsec);
	fflush(t->trace);
}

/* Text from outside the render (file names, server errors) must not drive the terminal. */
static void
sanitize(char *s)
{
	for (unsigned char *p = (unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			*p = '?';
}

/* As sanitize(), but keeps the newlines that separate lines. */
static void
sanitize_lines(char *s)
{
	for (unsigned char *p = (unsigned char *)s; *p != '\0'; p++)
		if ((*p < 0x20 && *p != '\n') || *p == 0x7f)
			*p = '?';
}

static attr_t
attr_for(const struct tui *t, enum color_pair pair)
{
	if (t->color)
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

/* ------------------------------------------------------------ the form */

static void
free_descs(struct tui *t)
{
	for (size_t i = 0; i < t->desc_count; i++)
		secure_free_str(t->descs[i].kept);
	free(t->descs);
	t->descs = NULL;
	t->desc_count = 0;
}

static struct field_desc *
add_desc(struct tui *t, const char *key, const char *label, bool secret, bool confirm)
{
	struct field_desc *d;

	t->descs = xrealloc(t->descs, (t->desc_count + 1) * sizeof *t->descs);
	d = &t->descs[t->desc_count++];
	memset(d, 0, sizeof *d);
	snprintf(d->key, sizeof d->key, "%s", key);
	snprintf(d->label, sizeof d->label, "%s", label);
	d->secret = secret;
	d->confirm = confirm;
	d->column = -1;
	if (secret && !confirm)
		d->kept = xstrdup(plan_get(t->plan, key) ? plan_get(t->plan, key) : "");
	d->row = t->desc_count > 1 ? t->descs[t->desc_count - 2].row + 1 : 0;
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
	if (t->form != NULL) {
		unpost_form(t->form);
		free_form(t->form);
		t->form = NULL;
	}
	if (t->fields != NULL) {
		for (size_t i = 0; t->fields[i] != NULL; i++)
			free_field(t->fields[i]);
		free(t->fields);
		t->fields = NULL;
	}
	free(t->inputs_of);
	t->inputs_of = NULL;
	if (t->form_win != NULL) {
		delwin(t->form_win);
		t->form_win = NULL;
	}
}

static bool
is_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

/* \u00e4 for each non-ASCII character (UTF-8 decoded by hand: the locale is not UTF-8). */
static char *
escape_non_ascii(const char *s)
{
	struct buf out;

	buf_init(&out);
	while (*s != '\0') {
		unsigned char c = (unsigned char)*s;
		unsigned long cp = c;
		size_t n = 1;

		if (c >= 0xf0 && s[1] && s[2] && s[3])
			cp = ((c & 0x07UL) << 18) | ((s[1] & 0x3fUL) << 12) | ((s[2] & 0x3fUL) << 6) |
			     (s[3] & 0x3fUL), n = 4;
		else if (c >= 0xe0 && s[1] && s[2])
			cp = ((c & 0x0fUL) << 12) | ((s[1] & 0x3fUL) << 6) | (s[2] & 0x3fUL), n = 3;
		else if (c >= 0xc0 && s[1])
			cp = ((c & 0x1fUL) << 6) | (s[1] & 0x3fUL), n = 2;
		if (cp < 0x80)
			buf_addc(&out, (char)cp);
		else
			buf_printf(&out, "\\u%04lx", cp);
		s += n;
	}
	return out.data ? buf_steal(&out, NULL) : xstrdup("");
}

/* What the field shows: the answer, or for a secret the answer too (masked by O_PUBLIC). */
static const char *
initial_value(const struct tui *t, const struct field_desc *d)
{
	return plan_get(t->plan, d->key) ? plan_get(t->plan, d->key) : "";
}

/* Geometry of the three panes for the current size. */
struct layout {
	int steps_y, steps_x, steps_h, steps_w; /* step list (wide) or strip (narrow) */
	int form_y, form_x, form_h, form_w;
	int preview_y, preview_x, preview_h, preview_w;
	int message_y, status_y;
	bool wide;
};

static struct layout
compute_layout(const struct tui *t)
{
	struct layout l;

	memset(&l, 0, sizeof l);
	l.wide = t->cols >= WIDE_COLS;
	l.status_y = t->rows - 1;
	l.message_y = t->rows - 2;
	if (l.wide) {
		int rest = t->cols - STEP_LIST_WIDTH;

		l.steps_y = 1, l.steps_x = 0, l.steps_h = t->rows - 3, l.steps_w = STEP_LIST_WIDTH;
		l.form_y = 1, l.form_x = STEP_LIST_WIDTH, l.form_h = t->rows - 3;
		l.form_w = rest / 2;
		l.preview_y = 1, l.preview_x = l.form_x + l.form_w;
		l.preview_h = t->rows - 3, l.preview_w = t->cols - l.preview_x;
	} else {
		int body = t->rows - 4;

		l.steps_y = 1, l.steps_x = 0, l.steps_h = 1, l.steps_w = t->cols;
		l.form_y = 2, l.form_x = 0, l.form_w = t->cols;
		l.form_h = body * 45 / 100;
		l.preview_y = l.form_y + l.form_h, l.preview_x = 0;
		l.preview_h = body - l.form_h, l.preview_w = t->cols;
	}
	return l;
}

/*
 * Prose (explanations, help, messages) breaks between words; files break
 * anywhere, with a continuation mark.  Returns text with newlines put at the
 * last space that keeps each line within width - 1 columns.
 */
static char *
word_wrap(const char *text, int width)
{
	char *out = xstrdup(text);
	char *line = out;

	while (*line != '\0') {
		char *last_space = NULL, *p = line;
		int cols = 0;

		while (*p != '\0' && *p != '\n') {
			mbstate_t state;
			wchar_t wc;
			size_t n;
			int w;

			memset(&state, 0, sizeof state);
			n = mbrtowc(&wc, p, strlen(p), &state);
			if (n == 0 || n == (size_t)-1 || n == (size_t)-2)
				n = 1, w = 1;
			else if ((w = wcwidth(wc)) < 0)
				w = 1;
			if (*p == ' ')
				last_space = p;
			if (cols + w > width - 1 && last_space != NULL)
				break;
			cols += w;
			p += n;
		}
		if (*p == '\0')
			break;
		if (*p == '\n') {
			line = p + 1;
			continue;
		}
		*last_space = '\n';
		line = last_space + 1;
	}
	return out;
}

/* Rows the step's explanation takes above the form: all it needs, at most 3. */
static int
explain_rows(const struct tui *t, int width)
{
	const struct step *s = current_step(t);
	char *prose;
	int rows = 1;

	if (s == NULL)
		return 2;
	prose = word_wrap(_(s->explain), width);
	for (const char *p = prose; *p != '\0'; p++)
		if (*p == '\n')
			rows++;
	free(prose);
	return rows < 2 ? 2 : rows > 3 ? 3 : rows;
}

static int
text_columns(const char *text)
{
	wchar_t wide[160];
	size_t n = mbstowcs(wide, text, ARRAY_SIZE(wide) - 1);
	int cols;

	if (n == (size_t)-1)
		return (int)strlen(text);
	cols = wcswidth(wide, n);
	return cols < 0 ? (int)n : cols;
}

static bool
narrow_kind(enum answer_kind kind)
{
	return kind == KIND_NUMBER || kind == KIND_PORT || kind == KIND_PORT_OPT;
}

/*
 * A table's geometry: the name column, then a cell per column; numbers and
 * ports get narrow cells, the other columns share the rest.
 */
static void
table_geometry(const struct tui *t, size_t header, int width, int *name_w, int xs[], int ws[])
{
	const struct field_desc *h = &t->descs[header];
	int wide_columns = 0, narrow_total = 0, x;

	*name_w = 8;
	for (size_t i = header + 1; i < t->desc_count && t->descs[i].column >= 0; i++)
		if (text_columns(t->descs[i].node) + 1 > *name_w)
			*name_w = text_columns(t->descs[i].node) + 1;
	if (*name_w > width / 4)
		*name_w = width / 4;
	for (int c = 0; c < h->column_count; c++) {
		const struct field_desc *cell = header + 1 + (size_t)c < t->desc_count
							? &t->descs[header + 1 + (size_t)c] : NULL;

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

struct form_builder {
	FIELD **fields;
	size_t count, cap;
	int last_row;           /* to mark the first field of each page */
	size_t rows_per_page;
};

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

static void
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
	if (t->desc_count == 0 || rows_per_page < 1)
		return;
	/* Labels as wide as the widest (in columns), within half of the form. */
	for (size_t i = 0; i < t->desc_count; i++)
		if (t->descs[i].column < 0 && !t->descs[i].header &&
		    text_columns(t->descs[i].label) + 1 > label_cols)
			label_cols = text_columns(t->descs[i].label) + 1;
	/* Labels as long as they need, if the answers keep 16 columns. */
	if (label_cols > width - 17)
		label_cols = width - 17;
	input_cols = width - label_cols - 1;
	if (input_cols < 8)
		return;
	t->rows_per_page = (size_t)rows_per_page;
	b.rows_per_page = t->rows_per_page;
	t->inputs_of = xcalloc(t->desc_count, sizeof *t->inputs_of);
	for (size_t i = 0; i < t->desc_count; i++) {
		const struct field_desc *d = &t->descs[i];
		FIELD *input;

		if (d->header) {
			table_geometry(t, i, width, &name_w, xs, ws);
			for (int c = 0; c < d->column_count && i + 1 + (size_t)c < t->desc_count; c++) {
				FIELD *title = builder_add(&b, d->row, xs[c], ws[c] - 1, false);

				set_field_buffer(title, 0, t->descs[i + 1 + (size_t)c].label);
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
			bool foreign = !t->utf8 && !is_ascii(value);

			/*
			 * Outside UTF-8 a non-ASCII answer cannot be edited faithfully:
			 * show it escaped (a secret stays hidden), and leave it as it is.
			 */
			if (foreign) {
				char *escaped = escape_non_ascii(value);

				field_opts_off(input, O_EDIT);
				set_field_buffer(input, 0, escaped);
				free(escaped);
			} else {
				set_field_buffer(input, 0, value);
			}
			set_field_back(input, d->readonly || foreign ? A_NORMAL : A_UNDERLINE);
		}
		set_field_status(input, FALSE);
		t->inputs_of[i] = input;
		if (!have_focus && focus_key != NULL && strcmp(d->key, focus_key) == 0 &&
		    d->confirm == focus_confirm) {
			focus = i;
			have_focus = true;
		}
	}
	t->fields = b.fields;
	t->form = new_form(t->fields);
	/* Backspace at a field's start must not jump to another field. */
	form_opts_off(t->form, O_BS_OVERLOAD | O_NL_OVERLOAD);
	t->form_win = newwin(l.form_h, l.form_w, l.form_y, l.form_x);
	keypad(t->form_win, TRUE);
	set_form_win(t->form, t->form_win);
	set_form_sub(t->form, derwin(t->form_win, rows_per_page, l.form_w - 2, top, 1));
	post_form(t->form);
	if (have_focus)
		set_current_field(t->form, t->inputs_of[focus]);
	/* Editing starts at the end of the value, as in a shell. */
	form_driver(t->form, REQ_END_LINE);
}

static const struct field_desc *
current_desc(const struct tui *t, size_t *index)
{
	FIELD *f;

	if (t->form == NULL)
		return NULL;
	f = current_field(t->form);
	for (size_t i = 0; i < t->desc_count; i++)
		if (t->inputs_of[i] == f) {
			if (index != NULL)
				*index = i;
			return &t->descs[i];
		}
	return NULL;
}

/*
 * Moves to the next or previous answer.  The form library's own requests stay
 * within a page, so crossing pages is done here.
 */
static void
focus_neighbour(struct tui *t, bool forward)
{
	size_t index;

	if (current_desc(t, &index) == NULL || t->desc_count == 0)
		return;
	do
		index = forward ? (index + 1) % t->desc_count
				: (index + t->desc_count - 1) % t->desc_count;
	while (t->inputs_of[index] == NULL);
	set_current_field(t->form, t->inputs_of[index]);
	form_driver(t->form, REQ_END_LINE);
}

/* The field's text without the form library's padding. */
static char *
field_text(FIELD *f)
{
	char *raw = field_buffer(f, 0);
	size_t n = strlen(raw);

	while (n > 0 && raw[n - 1] == ' ')
		n--;
	return xstrndup(raw, n);
}

/* ------------------------------------------------------------ core calls */

/* The article's commands for this step and today's answers (only while F2 shows them). */
static void
refresh_commands(struct tui *t)
{
	const struct step *s = current_step(t);
	struct span *spans = NULL;
	size_t span_count = 0;
	struct msg err = { "" };
	struct buf out;

	secure_free_str(t->commands);
	t->commands = NULL;
	if (!t->show_commands || s == NULL)
		return;
	buf_init(&out);
	if (commands_render(t->plan, s->id, COMMANDS_BODY_ONLY, t->options, &out, &spans,
			    &span_count, &err) != 0) {
		buf_free_secure(&out);
		t->commands = xasprintf(_("The commands cannot be shown: %s"), err.text);
		free(spans);
		return;
	}
	/* Embedded secrets never reach the screen (none are embedded by default). */
	for (size_t i = 0; i < span_count; i++)
		memset(out.data + spans[i].start, '*', spans[i].len);
	free(spans);
	t->commands = buf_steal(&out, NULL);
}

/*
 * Renders the step again.  When follow_change is set, the preview turns to the
 * first file whose bytes changed, so a typed value shows where it lands.
 */
static void
refresh_render(struct tui *t, bool follow_change)
{
	const struct step *s = current_step(t);
	struct render_result old = t->render;
	struct msg err = { "" };

	memset(&t->render, 0, sizeof t->render);
	problems_free(&t->problems);
	validate_plan(t->plan, &t->problems);
	if (s != NULL && step_render(s, t->plan, &t->inputs, &t->render, &err) != 0)
		set_message(t, true, "%s", err.text);
	if (follow_change) {
		for (size_t i = 0; i < t->render.count; i++) {
			const struct output *now = &t->render.outputs[i];
			const struct output *before = render_result_find(&old, now->path);

			if (before == NULL || before->len != now->len ||
			    (now->len > 0 && memcmp(before->bytes, now->bytes, now->len) != 0)) {
				if (t->preview_file != i)
					t->preview_scroll = 0;
				t->preview_file = i;
				break;
			}
		}
	}
	render_result_free(&old);
	if (t->preview_file >= t->render.count)
		t->preview_file = 0;
	refresh_commands(t);
}

/* Problems of the fields on this screen, plus a secret that does not match its repeat. */
static const char *
screen_problem(struct tui *t, size_t *field_index)
{
	for (size_t i = 0; i < t->desc_count; i++) {
		const struct problem *pr = problems_find(&t->problems, t->descs[i].key);

		if (t->descs[i].confirm) {
			/* Only a password typed here needs its repeat. */
			char *typed = i > 0 ? field_text(t->inputs_of[i - 1]) : xstrdup("");
			char *again = field_text(t->inputs_of[i]);
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

static void
sync_field(struct tui *t)
{
	size_t index;
	const struct field_desc *d = current_desc(t, &index);
	char *value;
	struct msg err;
	bool list_key;

	if (d == NULL)
		return;
	form_driver(t->form, REQ_VALIDATION);
	if (!field_status(t->inputs_of[index]) || d->confirm)
		return;
	value = field_text(t->inputs_of[index]);
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
		if (d->secret && index + 1 < t->desc_count && t->descs[index + 1].confirm)
			set_field_buffer(t->inputs_of[index + 1], 0, "");
		if (list_key) {
			/* The per-name fields follow the list: rebuild, keep the cursor. */
			build_form(t, key, false);
		}
	}
	secure_free_str(value);
	refresh_render(t, true);
}

static int
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

/* ------------------------------------------------------------ drawing */

static void
draw_title(struct tui *t)
{
	const struct step *s = current_step(t);
	const char *dash = t->utf8 ? "—" : "-";
	char title[256];

	move(0, 0);
	attrset(attr_for(t, PAIR_TITLE));
	for (int x = 0; x < t->cols; x++)
		addch(' ');
	if (s != NULL)
		snprintf(title, sizeof title, " zktls-wizard %s %s (%zu/%zu)", dash, _(s->title),
			 t->screen, step_count);
	else
		snprintf(title, sizeof title, " zktls-wizard %s %s", dash,
			 t->screen == 0 ? _("Welcome") : _("Finished"));
	mvaddnstr(0, 0, title, t->cols);
	attrset(A_NORMAL);
}

enum shown_state {
	SHOWN_OPEN,
	SHOWN_DONE,
	SHOWN_STALE,
	SHOWN_FAILED,
};

static enum shown_state
shown_state(const struct tui *t, size_t i)
{
	if (t->events[i] == EVENT_FAILED)
		return SHOWN_FAILED;
	switch (step_state(steps[i], t->plan, &t->manifest)) {
	case STEP_STATE_DONE:
		return SHOWN_DONE;
	case STEP_STATE_STALE:
		return SHOWN_STALE;
	case STEP_STATE_NEW:
		break;
	}
	return SHOWN_OPEN;
}

/* Where the diff of the shown file first differs, less two rows of context. */
static int
first_change_row(struct tui *t)
{
	const struct output *o;
	char *diff;
	int row = 0, found = -1;

	if (t->render.count == 0)
		return 0;
	o = &t->render.outputs[t->preview_file];
	if (o->kind != OUTPUT_TEXT)
		return 0;
	diff = review_diff(t->disk, o);
	for (const char *line = diff; *line != '\0' && found < 0; row++) {
		if (line[0] != ' ')
			found = row;
		line = strchr(line, '\n');
		if (line == NULL)
			break;
		line++;
	}
	secure_free_str(diff);
	return found > 2 ? found - 2 : 0;
}

/* Resuming: the first step not done with today's answers (all done: the first). */
static size_t
resume_screen(const struct tui *t)
{
	/* A new directory starts at the beginning, download included. */
	if (t->manifest.step_count == 0)
		return 1;
	for (size_t i = 0; i < step_count; i++)
		if (shown_state(t, i) != SHOWN_DONE)
			return i + 1;
	return step_count + 1;
}

/* Every state has a glyph as well as a colour, with an ASCII fallback. */
static const char *
state_glyph(const struct tui *t, size_t i)
{
	if (i + 1 == t->screen)
		return t->utf8 ? "▶" : ">";
	switch (shown_state(t, i)) {
	case SHOWN_DONE:
		return t->utf8 ? "✓" : "+";
	case SHOWN_STALE:
		return t->utf8 ? "↻" : "~";
	case SHOWN_FAILED:
		return "!";
	case SHOWN_OPEN:
		break;
	}
	return t->utf8 ? "·" : ".";
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
		if (x >= t->cols - 4)
			break;
		attrset(state_attr(t, i));
		printw(" %s%.*s", state_glyph(t, i), t->cols - x - 3, steps[i]->id);
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
			int cols = 0;
			size_t bytes = 0;
			bool continued;

			while (done + bytes < len) {
				mbstate_t state;
				wchar_t wc;
				size_t n;
				int w_cols;

				memset(&state, 0, sizeof state);
				n = mbrtowc(&wc, line + done + bytes, len - done - bytes, &state);
				if (n == 0 || n == (size_t)-1 || n == (size_t)-2) {
					/* Not a character here: one byte, shown as '?'. */
					n = 1;
					w_cols = 1;
				} else {
					w_cols = wcwidth(wc);
					if (w_cols < 0)
						w_cols = 1;
				}
				/* Wide characters count two columns; never split one. */
				if (cols + w_cols > width - 1)
					break;
				bytes += n;
				cols += w_cols;
			}
			if (bytes == 0 && done < len)
				bytes = 1;
			continued = done + bytes < len;
			if (row >= skip && row - skip < height) {
				char *chunk = xstrndup(line + done, bytes);

				/* Outside a UTF-8 locale, bytes above ASCII cannot be shown as they are. */
				for (char *p = chunk; *p != '\0'; p++)
					if ((unsigned char)*p < 0x20 || *p == 0x7f ||
					    (!utf8 && (unsigned char)*p >= 0x80))
						*p = '?';
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
	int total = draw_wrapped(body, 0, height, width, text, 0, t->utf8);

	if (t->preview_scroll > total - height)
		t->preview_scroll = total - height;
	if (t->preview_scroll < 0)
		t->preview_scroll = 0;
	werase(body);
	draw_wrapped(body, 0, height, width, text, t->preview_scroll, t->utf8);
}

/* One output in the preview pane: its bytes (masked), its diff, or its description. */
static void
draw_output(struct tui *t, const struct layout *l, const struct output *o, size_t number,
	    size_t count, const char *keys)
{
	WINDOW *w = newwin(l->preview_h, l->preview_w, l->preview_y, l->preview_x);
	WINDOW *body = derwin(w, l->preview_h - 2, l->preview_w - 2, 1, 1);
	enum disk_change change = review_change(t->disk, o);
	bool diff = t->show_diff && o->kind == OUTPUT_TEXT;
	char *path = xstrdup(o->path);
	char header[512];

	werase(w);
	box(w, 0, 0);
	sanitize(path);
	snprintf(header, sizeof header, " %s (%04o, %s%s) [%zu/%zu %s] ", path, o->mode,
		 review_change_name(change), diff ? _(", diff") : "", number, count, keys);
	free(path);
	mvwaddnstr(w, 0, 2, header, l->preview_w - 4);
	if (o->kind == OUTPUT_TEXT) {
		char *masked = diff ? review_diff(t->disk, o) : output_masked(o);

		draw_scrolled(t, body, l->preview_h - 2, l->preview_w - 2, masked);
		secure_free_str(masked);
	} else {
		draw_wrapped(body, 0, l->preview_h - 2, l->preview_w - 2,
			     o->description ? o->description : "", 0, t->utf8);
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

	if (t->show_commands && t->commands != NULL) {
		WINDOW *body;

		w = newwin(l->preview_h, l->preview_w, l->preview_y, l->preview_x);
		body = derwin(w, l->preview_h - 2, l->preview_w - 2, 1, 1);
		werase(w);
		box(w, 0, 0);
		mvwaddnstr(w, 0, 2, _(" The commands (F2: back to the files) "), l->preview_w - 4);
		draw_scrolled(t, body, l->preview_h - 2, l->preview_w - 2, t->commands);
		wnoutrefresh(w);
		wnoutrefresh(body);
		delwin(body);
		delwin(w);
		return;
	}
	if (t->render.count > 0) {
		draw_output(t, l, &t->render.outputs[t->preview_file], t->preview_file + 1,
			    t->render.count, "F3/F4");
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
	WINDOW *w = t->form_win;
	size_t problem_index = (size_t)-1;

	if (w == NULL) {
		w = newwin(l->form_h, l->form_w, l->form_y, l->form_x);
		werase(w);
	}
	box(w, 0, 0);
	if (s != NULL) {
		int rows = explain_rows(t, l->form_w - 2);
		WINDOW *explain = derwin(w, rows, l->form_w - 2, 1, 1);

		char *prose = word_wrap(_(s->explain), l->form_w - 2);

		werase(explain);
		/* Cut to three rows at most: F1 has the rest. */
		if (draw_wrapped(explain, 0, rows, l->form_w - 2, prose, 0, t->utf8) > rows)
			mvwaddnstr(w, 0, l->form_w - 14, _(" F1: more "), 12);
		free(prose);
		wnoutrefresh(explain);
		delwin(explain);
	}
	if (t->form != NULL) {
		size_t page = (size_t)form_page(t->form);
		int first_row = (int)(page * t->rows_per_page);
		int last_row = t->desc_count ? t->descs[t->desc_count - 1].row : 0;
		size_t pages = (size_t)last_row / t->rows_per_page + 1;

		screen_problem(t, &problem_index);
		/* A text mark, not colour alone, for every row with a problem. */
		for (int row = first_row; row < first_row + (int)t->rows_per_page; row++)
			mvwaddch(w, 1 + explain_rows(t, l->form_w - 2) + row - first_row,
				 l->form_w - 2, ' ');
		for (size_t i = 0; i < t->desc_count; i++) {
			const struct field_desc *d = &t->descs[i];
			bool bad = i == problem_index ||
				   (!d->header && !d->confirm &&
				    problems_find(&t->problems, d->key) != NULL);

			if (!bad || d->row < first_row || d->row >= first_row + (int)t->rows_per_page)
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
	if (w != t->form_win)
		delwin(w);
}

static void
draw_text_screen(struct tui *t, const struct layout *l)
{
	/* Welcome and finish have no preview: they take the whole body. */
	int height = l->wide ? l->form_h : l->form_h + l->preview_h;
	int width = l->wide ? t->cols - l->form_x : t->cols;
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
		sanitize_lines(shown);
		prose = word_wrap(shown, width - 2);
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
	if (t->message[0] != '\0') {
		attrset(t->message_is_error ? attr_for(t, PAIR_ERROR) : A_NORMAL);
		mvaddnstr(l->message_y, 0, t->message, t->cols);
	} else if (problem != NULL) {
		char line[1200];

		snprintf(line, sizeof line, "! %s", problem);
		attrset(attr_for(t, PAIR_ERROR));
		mvaddnstr(l->message_y, 0, line, t->cols);
	} else if (d != NULL && d->list_key[0] != '\0') {
		mvaddnstr(l->message_y, 0, _("F5 add  F6 rename  F8 remove"), t->cols);
	} else if (d != NULL && d->secret && !d->confirm) {
		char *typed = field_text(t->inputs_of[index]);

		if (typed[0] == '\0')
			mvaddnstr(l->message_y, 0,
				  _("(unchanged) Leave it empty to keep the password; type to replace it."),
				  t->cols);
		secure_free_str(typed);
	}
	attrset(A_NORMAL);
	move(l->status_y, 0);
	clrtoeol();
	attrset(attr_for(t, PAIR_DIM));
	mvaddnstr(l->status_y, 0,
		  t->reviewing ? _("Up/Down file  F7 diff  PgUp/PgDn scroll  Esc back  F10 quit")
			       : _("Tab field  Enter next  Esc back  F1 help  F3/F4 file  F9 review  F10 quit"),
		  t->cols);
	attrset(A_NORMAL);
}

static void
format_bytes(char *out, size_t size, double bytes)
{
	if (bytes >= 1024.0 * 1024.0)
		snprintf(out, size, "%.1f MiB", bytes / (1024.0 * 1024.0));
	else
		snprintf(out, size, "%.0f KiB", bytes / 1024.0);
}

/* The running step: what it does, a bar when the size is known, and how to cancel. */
static void
draw_progress(struct tui *t)
{
	const struct step *s = current_step(t);
	int width = t->cols - 10 < 70 ? t->cols - 10 : 70;
	WINDOW *w = newwin(7, width, t->rows / 2 - 3, (t->cols - width) / 2);
	struct job_view v;
	char line[512], done[32], total[32];

	job_view(t->job, &v);
	werase(w);
	box(w, 0, 0);
	snprintf(line, sizeof line, " %s ", s ? _(s->title) : "");
	mvwaddnstr(w, 0, 2, line, width - 4);
	snprintf(line, sizeof line, "%s", v.has_progress && v.what[0] ? v.what : _("Working..."));
	sanitize(line);
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
		format_bytes(done, sizeof done, (double)v.progress.done);
		format_bytes(total, sizeof total, (double)v.progress.total);
		if (v.progress.rate > 0) {
			double eta = (double)(v.progress.total - v.progress.done) / v.progress.rate;
			char rate[32];

			format_bytes(rate, sizeof rate, v.progress.rate);
			snprintf(line, sizeof line, _("%s of %s, %s/s, %d:%02d left"), done, total,
				 rate, (int)eta / 60, (int)eta % 60);
		} else {
			snprintf(line, sizeof line, _("%s of %s"), done, total);
		}
	} else if (v.has_progress && v.progress.done > 0) {
		format_bytes(done, sizeof done, (double)v.progress.done);
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
		if (n < t->review[i].count) {
			if (step_index != NULL)
				*step_index = i;
			return &t->review[i].outputs[n];
		}
		n -= t->review[i].count;
	}
	return NULL;
}

static size_t
review_count(const struct tui *t)
{
	size_t n = 0;

	for (size_t i = 0; i < step_count; i++)
		n += t->review[i].count;
	return n;
}

static void
leave_review(struct tui *t)
{
	for (size_t i = 0; i < step_count; i++)
		render_result_free(&t->review[i]);
	t->reviewing = false;
	t->preview_scroll = 0;
}

static void
enter_review(struct tui *t)
{
	struct msg err = { "" };

	for (size_t i = 0; i < step_count; i++)
		if (step_render(steps[i], t->plan, &t->inputs, &t->review[i], &err) != 0)
			set_message(t, true, "%s: %s", steps[i]->id, err.text);
	t->reviewing = true;
	t->review_selected = 0;
	t->preview_scroll = 0;
}

static void
draw_review(struct tui *t, const struct layout *l)
{
	size_t count = review_count(t), step_index = 0;
	int height = l->form_h - 2;
	size_t first = t->review_selected >= (size_t)height ? t->review_selected - (size_t)height + 1
							      : 0;
	WINDOW *w = newwin(l->form_h, l->form_w, l->form_y, l->form_x);
	const struct output *selected;

	size_t by_change[CHANGE_FOREIGN + 1] = { 0 };
	char summary[256];

	for (size_t n = 0; n < count; n++)
		by_change[review_change(t->disk, review_output(t, n, NULL))]++;
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
		sanitize(path);
		snprintf(line, sizeof line, "%-10s %-28s %s", steps[step_index]->id, path,
			 review_change_name(review_change(t->disk, o)));
		free(path);
		wattrset(w, n == t->review_selected ? attr_for(t, PAIR_CURRENT) : A_NORMAL);
		mvwaddnstr(w, 1 + (int)(n - first), 1, line, l->form_w - 2);
		wattrset(w, A_NORMAL);
	}
	wnoutrefresh(w);
	delwin(w);
	selected = review_output(t, t->review_selected, NULL);
	if (selected != NULL)
		draw_output(t, l, selected, t->review_selected + 1, count, "Up/Down");
}

static void
draw(struct tui *t)
{
	struct layout l;

	getmaxyx(stdscr, t->rows, t->cols);
	erase();
	if (t->rows < MIN_ROWS || t->cols < MIN_COLS) {
		char line[160];

		snprintf(line, sizeof line, _("Terminal too small: %dx%d, needs %dx%d."), t->cols,
			 t->rows, MIN_COLS, MIN_ROWS);
		mvaddnstr(t->rows / 2, 0, line, t->cols);
		mvaddnstr(t->rows / 2 + 1, 0, _("Enlarge it; the wizard goes on by itself."),
			  t->cols);
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
	if (t->reviewing) {
		curs_set(0);
		draw_review(t, &l);
	} else if (t->screen == 0 || t->screen > step_count) {
		curs_set(0);
		draw_text_screen(t, &l);
	} else {
		draw_form_box(t, &l);
		if (t->form == NULL) {
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
	} else if (!t->reviewing && t->form != NULL && t->screen >= 1 && t->screen <= step_count) {
		curs_set(1);
		pos_form_cursor(t->form);
		wnoutrefresh(t->form_win);
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
static int
ask(struct tui *t, const char *question, bool with_cancel)
{
	/* TRANSLATORS: the keys that answer yes, no and cancel, in this order (e.g. "jna"). */
	const char *letters = _("ync");
	int width = t->cols - 10, answer = 'c';
	WINDOW *w = newwin(5, width, t->rows / 2 - 2, 5);

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
	int width = t->cols - 8;
	WINDOW *w = newwin(height, width, (t->rows - height) / 2, 4);
	WINDOW *body = derwin(w, height - 3, width - 4, 1, 2);
	char *prose = word_wrap(text, width - 4);
	wint_t key;

	werase(w);
	box(w, 0, 0);
	if (title != NULL) {
		wattrset(w, attr);
		mvwaddnstr(w, 0, 2, title, width - 4);
		wattrset(w, A_NORMAL);
	}
	mvwaddnstr(w, height - 1, 2, _(" Any key: close "), width - 4);
	draw_wrapped(body, 0, height - 3, width - 4, prose, 0, t->utf8);
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
	show_box(t, t->rows - 6, _(" Help "), A_BOLD, text.data);
	buf_free(&text);
}

/* ------------------------------------------------------------ navigation */

static void
enter_screen(struct tui *t, size_t screen)
{
	struct msg err = { "" };

	t->screen = screen;
	t->preview_file = 0;
	t->preview_scroll = 0;
	t->message[0] = '\0';
	/* Facts from disk are read when a step is entered, not per keystroke. */
	inputs_free(&t->inputs);
	if (inputs_load(&t->inputs, t->plan, t->dir, &err) != 0)
		set_message(t, true, "%s", err.text);
	manifest_free(&t->manifest);
	if (manifest_load(&t->manifest, t->dir, &err) != 0)
		set_message(t, true, "%s", err.text);
	disk_cache_free(t->disk);
	t->disk = disk_cache_new(t->dir, &t->manifest);
	build_form(t, NULL, false);
	refresh_render(t, false);
}

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
		set_current_field(t->form, t->inputs_of[problem_index]);
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
	t->job = job_start(s, t->plan, t->dir, &t->inputs, t->options, t->flags);
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
	show_box(t, t->rows - 8 < 14 ? t->rows - 8 : 14, title, attr_for(t, PAIR_ERROR) | A_BOLD,
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
		sanitize_lines(err.text);
		show_failure(t, s, err.text);
		sanitize(err.text);
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

static void
form_key(struct tui *t, int request)
{
	if (t->form == NULL)
		return;
	form_driver(t->form, request);
}

/*
 * Asks for one line of text in a small form; false when cancelled with Esc.
 * The value starts as initial, with the cursor at its end.
 */
static bool
prompt_text(struct tui *t, const char *question, const char *initial, char *out, size_t size)
{
	int width = t->cols - 10 < 60 ? t->cols - 10 : 60;
	WINDOW *w = newwin(6, width, t->rows / 2 - 3, (t->cols - width) / 2);
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

/* The list and name the focused field belongs to (a table row, or the list itself). */
static bool
focused_list(const struct tui *t, const char **list_key, const char **node)
{
	const struct field_desc *d = current_desc(t, NULL);

	if (d == NULL || d->list_key[0] == '\0')
		return false;
	*list_key = d->list_key;
	*node = d->node[0] ? d->node : NULL;
	return true;
}

/* F5 add, F6 rename, F8 remove: through the core, which keeps per-name answers with their names. */
static void
edit_list(struct tui *t, int action)
{
	const char *list_key, *node;
	char name[ZK_NAME_MAX + 1] = "", focus[160] = "";
	struct msg err = { "" }, why;
	bool users;
	int rc = 0;

	if (!focused_list(t, &list_key, &node)) {
		set_message(t, true, _("F5, F6 and F8 work on brokers and SASL users: move to "
				       "their table first."));
		return;
	}
	users = strcmp(list_key, "sasl.users") == 0;
	if (action != KEY_F(5) && node == NULL) {
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

/* Returns false when the wizard should end. */
static bool
handle_key(struct tui *t, int status, wint_t key)
{
	bool in_form = t->form != NULL && t->screen >= 1 && t->screen <= step_count;

	/* While a step runs, the UI keeps answering, but only to resize and cancel. */
	if (t->job != NULL) {
		if (status == OK && key == 27)
			job_cancel(t->job);
		if (status == KEY_CODE_YES && key == KEY_RESIZE)
			getmaxyx(stdscr, t->rows, t->cols);
		return true;
	}
	if (t->reviewing) {
		size_t count = review_count(t);

		if (status == KEY_CODE_YES) {
			switch (key) {
			case KEY_UP:
				if (t->review_selected > 0)
					t->review_selected--, t->preview_scroll = 0;
				break;
			case KEY_DOWN:
				if (t->review_selected + 1 < count)
					t->review_selected++, t->preview_scroll = 0;
				break;
			case KEY_PPAGE:
				t->preview_scroll -= 10;
				break;
			case KEY_NPAGE:
				t->preview_scroll += 10;
				break;
			case KEY_F(7):
				t->show_diff = !t->show_diff;
				t->preview_scroll = 0;
				break;
			case KEY_F(9):
				leave_review(t);
				break;
			case KEY_F(10):
				return !confirm_quit(t);
			case KEY_RESIZE:
				getmaxyx(stdscr, t->rows, t->cols);
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
				getmaxyx(stdscr, t->rows, t->cols);
				build_form(t, key_name[0] ? key_name : NULL, confirm);
			}
			return true;
		case KEY_F(10):
			return !confirm_quit(t);
		case KEY_F(1):
			show_help(t);
			return true;
		case KEY_F(3):
			if (t->render.count > 0)
				t->preview_file = (t->preview_file + t->render.count - 1) %
						  t->render.count;
			t->preview_scroll = 0;
			return true;
		case KEY_F(4):
			if (t->render.count > 0)
				t->preview_file = (t->preview_file + 1) % t->render.count;
			t->preview_scroll = 0;
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
			t->show_diff = !t->show_diff;
			t->preview_scroll = t->show_diff ? first_change_row(t) : 0;
			return true;
		case KEY_F(2):
			t->show_commands = !t->show_commands;
			t->preview_scroll = 0;
			refresh_commands(t);
			return true;
		case KEY_PPAGE:
			t->preview_scroll -= 10;
			return true;
		case KEY_NPAGE:
			t->preview_scroll += 10;
			return true;
		case KEY_DOWN:
		case KEY_BTAB:
		case KEY_UP:
			sync_field(t);
			if (t->form != NULL)
				focus_neighbour(t, key == KEY_DOWN);
			return true;
		case KEY_ENTER:
			break;
		case KEY_LEFT:
			form_key(t, REQ_PREV_CHAR);
			return true;
		case KEY_RIGHT:
			form_key(t, REQ_NEXT_CHAR);
			return true;
		case KEY_HOME:
			form_key(t, REQ_BEG_LINE);
			return true;
		case KEY_END:
			form_key(t, REQ_END_LINE);
			return true;
		case KEY_BACKSPACE:
			form_key(t, REQ_DEL_PREV);
			sync_field(t);
			return true;
		case KEY_DC:
			form_key(t, REQ_DEL_CHAR);
			sync_field(t);
			return true;
		default:
			return true;
		}
	}
	switch (key) {
	case '\t':
		sync_field(t);
		if (t->form != NULL)
			focus_neighbour(t, true);
		return true;
	case '\n':
	case '\r':
	case KEY_ENTER:
		t->message[0] = '\0';
		if (t->screen == 0)
			enter_screen(t, resume_screen(t));
		else if (t->screen <= step_count)
			run_current_step(t);
		return true;
	case 27:
		t->message[0] = '\0';
		go_back(t);
		return true;
	case 127:
	case 8:
		form_key(t, REQ_DEL_PREV);
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
		t->message[0] = '\0';
		form_driver_w(t->form, OK, (wchar_t)key);
		sync_field(t);
	}
	return true;
}

/* ------------------------------------------------------------ setup */

static void
init_colors(struct tui *t)
{
	const char *no_color = getenv("NO_COLOR");

	t->color = has_colors() && (no_color == NULL || no_color[0] == '\0');
	if (!t->color)
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
	const char *trace_path = getenv("ZKTLS_TRACE");
	bool exit_after_draw = (flags & TUI_EXIT_AFTER_FIRST_DRAW) != 0;
	unsigned error_burst = 0;

	if (!termprobe_usable(reset_sequence, sizeof reset_sequence, &reset_len)) {
		fprintf(stderr, _("zktls-wizard: needs a full-screen terminal; use --batch\n"));
		return 2;
	}
	memset(&t, 0, sizeof t);
	t.plan = p;
	t.dir = dir;
	t.options = options;
	t.flags = flags & ~TUI_EXIT_AFTER_FIRST_DRAW;
	t.utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	if (trace_path != NULL && trace_path[0] != '\0')
		t.trace = fopen(trace_path, "a");

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
	getmaxyx(stdscr, t.rows, t.cols);
	enter_screen(&t, 0);
	if (notice != NULL && notice[0] != '\0') {
		char first[sizeof t.message];

		/* The first problem fits the message line; the fields show the rest. */
		snprintf(first, sizeof first, "%.*s", (int)strcspn(notice, "\n"), notice);
		sanitize(first);
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
	if (t.reviewing)
		leave_review(&t);
	form_teardown(&t);
	curs_set(1);
	endwin();
	delscreen(screen);
	render_result_free(&t.render);
	problems_free(&t.problems);
	inputs_free(&t.inputs);
	disk_cache_free(t.disk);
	secure_free_str(t.commands);
	manifest_free(&t.manifest);
	strlist_free(&t.written);
	free_descs(&t);
	if (t.trace != NULL)
		fclose(t.trace);
	return 0;
}
