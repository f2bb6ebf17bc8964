/* Inside the TUI: the session's state and what the files of src/tui/ share. */
/* Nothing outside src/tui/ includes this. */
#ifndef ZK_TUI_INT_H
#define ZK_TUI_INT_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include <curses.h>
#include <form.h>
#include <menu.h>
#include <panel.h>

#include "core/manifest.h"
#include "core/plan.h"
#include "core/render.h"
#include "core/review.h"
#include "core/steps.h"
#include "core/validate.h"
#include "tui/job.h"
#include "tui/text.h"

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

/* The terminal: its size (re-read only by handle_resize) and what it can show. */
struct tui_term {
	int rows, cols;
	bool utf8;
	bool color;
};

/* Facts from disk, read when a screen is entered, not per keystroke. */
struct tui_disk {
	struct inputs inputs;
	struct manifest manifest;
	struct disk_cache *cache;   /* the files on disk, read once per screen */
};

/* The step's answers as a form, built from descriptors (form.c). */
struct tui_form {
	struct field_desc *descs;
	size_t count;
	FIELD **fields;         /* label and input fields, NULL-terminated */
	FIELD **inputs_of;      /* per desc: its input field */
	size_t rows_per_page;
	FORM *form;
	WINDOW *win;
};

/* What the preview pane shows: the step's files, or its commands. */
struct tui_preview {
	struct render_result render;   /* the step with the answers of the last keystroke */
	size_t file;                   /* F3/F4 */
	int scroll;                    /* PgUp/PgDn */
	bool show_diff;                /* F7: what changes on disk */
	bool show_commands;            /* F2: the step's shell commands */
	char *commands;                /* ... rendered with the answers of the last keystroke */
};

/* F9: every file of every step, as it would be written, with what changes. */
struct tui_review {
	bool active;
	struct render_result results[16];
	size_t selected;
	/* The list of files: a menu in its own window, made for the current size. */
	MENU *menu;
	ITEM **items;
	char **lines;           /* the items' text, which the menu does not copy */
	size_t line_count;
	WINDOW *win, *sub;
};

/* A box over the screen, in a panel: closing it uncovers what it covered. */
struct overlay {
	WINDOW *win;
	PANEL *panel;
};

/* The line above the status line. */
struct tui_message {
	char text[1024];
	bool error;
};

/*
 * What this session saw happen; done and stale come from the manifest, so
 * they survive a restart and follow the answers.
 */
enum screen_event {
	EVENT_NONE,
	EVENT_FAILED,
};

struct tui {
	struct plan *plan;
	const char *dir;
	const struct run_options *options;
	unsigned flags;
	struct tui_term term;

	/* 0: welcome; 1..step_count: steps; step_count + 1: finish. */
	size_t screen;
	enum screen_event events[16];
	struct tui_disk disk;
	struct problems problems;   /* of the whole plan, after every change */

	struct tui_form form;
	struct tui_preview preview;
	struct tui_review review;
	struct tui_message message;

	struct strlist written;     /* what the steps of this run did, for the finish screen */
	struct job *job;            /* the step running on the worker thread, if any */
	struct overlay progress;    /* the running step's box (opened by draw_progress) */
	bool unsaved;
	bool input_gone;            /* reads fail at once, again and again: the terminal is gone */
	bool resize_pending;        /* a dialog read KEY_RESIZE: the loop calls handle_resize */
	FILE *trace;
};

/* Ctrl-C, SIGTERM or SIGHUP: save and leave (set by the signal handler). */
extern volatile sig_atomic_t tui_quit_requested;

/* Geometry of the three panes for the current size. */
struct layout {
	int steps_y, steps_x, steps_h, steps_w; /* step list (wide) or strip (narrow) */
	int form_y, form_x, form_h, form_w;
	int preview_y, preview_x, preview_h, preview_w;
	int message_y, status_y;
	bool wide;
};

/* How the step list shows a step. */
enum shown_state {
	SHOWN_OPEN,
	SHOWN_DONE,
	SHOWN_STALE,
	SHOWN_FAILED,
};

/* ------------------------------------------------ state.c: state, plan, save */

void tui_state_init(struct tui *t, struct plan *p, const char *dir,
		    const struct run_options *options, unsigned flags);
/* Frees what the state holds outside curses (after endwin). */
void tui_state_free(struct tui *t);
const struct step *current_step(const struct tui *t);
void set_message(struct tui *t, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void trace_event(struct tui *t, const char *event);
/* The article's commands for this step and today's answers (only while F2 shows them). */
void refresh_commands(struct tui *t);
/*
 * Renders the step again.  When follow_change is set, the preview turns to the
 * first file whose bytes changed, so a typed value shows where it lands.
 */
void refresh_render(struct tui *t, bool follow_change);
/* Saves the answers to DIR (creating it); clears unsaved. */
int ensure_saved(struct tui *t, struct msg *err);
enum shown_state shown_state(const struct tui *t, size_t i);
/* Resuming: the first step not done with today's answers (all done: the first). */
size_t resume_screen(const struct tui *t);
/* Shows a screen: reads the facts from disk, builds the form, renders. */
void enter_screen(struct tui *t, size_t screen);

/* ------------------------------------------------ form.c: the form */

/*
 * Builds the form from the step's answer keys and the plan, for the current
 * size; the field of focus_key (its repeat, if focus_confirm) gets the focus.
 */
void build_form(struct tui *t, const char *focus_key, bool focus_confirm);
/* Frees the form and its descriptors. */
void form_free(struct tui *t);
/* The focused field's descriptor (and its index), or NULL. */
const struct field_desc *current_desc(const struct tui *t, size_t *index);
/*
 * Moves to the next or previous answer.  The form library's own requests stay
 * within a page, so crossing pages is done here.
 */
void focus_neighbour(struct tui *t, bool forward);
/* The field's text without the form library's padding. */
char *field_text(FIELD *f);
/* The first problem of the fields on this screen, or a secret that does not match its repeat. */
const char *screen_problem(struct tui *t, size_t *field_index);
/* Puts the focused field's value into the plan if it changed, and renders again. */
void sync_field(struct tui *t);
/* A form driver request, if there is a form. */
void form_request(struct tui *t, int request);
void edit_list(struct tui *t, int action);

/* ------------------------------------------------ layout.c: layout by width, drawing */

/* Geometry of the panes for the current size. */
struct layout compute_layout(const struct tui *t);
/* Rows the step's explanation takes above the form: all it needs, at most 3. */
int explain_rows(const struct tui *t, int width);
/* A colour pair, or under NO_COLOR and on monochrome terminals an attribute. */
attr_t attr_for(const struct tui *t, enum color_pair pair);
void init_colors(struct tui *t);
/* The whole screen, from the state. */
void draw(struct tui *t);

/* ------------------------------------------------ panes.c: the panes */

/* Draws text soft-wrapped into a box; returns the number of rows it needs. */
int draw_wrapped(WINDOW *w, int top, int height, int width, const char *text, int skip,
		 bool utf8);
/* One output in the preview pane: its bytes (masked), its diff, or its description. */
void draw_output(struct tui *t, const struct layout *l, const struct output *o, size_t number,
		 size_t count, const char *keys);
void draw_preview(struct tui *t, const struct layout *l);
void draw_form_box(struct tui *t, const struct layout *l);
/* Welcome and finish. */
void draw_text_screen(struct tui *t, const struct layout *l);
/* The running step: what it does, a bar when the size is known, and how to cancel. */
void draw_progress(struct tui *t);
/* Where the diff of the shown file first differs, less two rows of context. */
int first_change_row(struct tui *t);

/* ------------------------------------------------ review_screen.c: F9 */

/* Renders every step with today's answers and shows the list. */
void enter_review(struct tui *t);
void leave_review(struct tui *t);
/* Files in the review, over all steps. */
size_t review_count(const struct tui *t);
/* Makes the list again for the current size, keeping the chosen file. */
void review_relayout(struct tui *t);
/* Up or Down in the list. */
void review_move(struct tui *t, bool down);
void draw_review(struct tui *t, const struct layout *l);

/* ------------------------------------------------ dialog.c: boxes over the screen */

/*
 * A yes/no(/cancel) question.  Returns 'y', 'n' or 'c' (Esc: 'c'), whatever
 * letters the translation uses for them; with_cancel offers the third answer.
 */
int ask(struct tui *t, const char *question, bool with_cancel);
/*
 * Asks for one line of text in a small form; false when cancelled with Esc.
 * The value starts as initial, with the cursor at its end.
 */
bool prompt_text(struct tui *t, const char *question, const char *initial, char *out,
		 size_t size);
/* A window in a panel above the others; false (and nothing open) if it does not fit. */
bool overlay_open(struct overlay *o, int height, int width, int y, int x);
void overlay_close(struct overlay *o);
/* F1: the focused answer's help, the step's explanation, the keys. */
void show_help(struct tui *t);
/* A failed step: the whole message, and what to do next, until a key is pressed. */
void show_failure(struct tui *t, const struct step *s, const char *text);

#endif
