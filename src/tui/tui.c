/* The TUI's entry and loop: terminal set-up, signals, one key handler per mode, resizing. */
/*
 * The ncurses front end: one screen per step, the form on one side and the
 * files the step will write on the other, re-rendered by the core on every
 * keystroke.  Curses is touched only in src/tui/, and only from the main
 * thread (job.c's worker never draws).
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

#include "core/i18n.h"
#include "core/util.h"
#include "core/validate.h"
#include "tui/termprobe.h"
#include "tui/tui-int.h"
#include "tui/tui.h"

/* ------------------------------------------------------------ signals */

volatile sig_atomic_t tui_quit_requested;
static struct termios saved_termios;
static bool termios_saved;
static char reset_sequence[256];
static size_t reset_len;

static void
on_quit_signal(int sig)
{
	(void)sig;
	tui_quit_requested = 1;
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
	/* What only the disk can tell (java.home) is found before anything is written. */
	if (preflight_answers(t->plan, &err) != 0) {
		set_message(t, true, "%s", err.text);
		return;
	}
	set_message(t, false, _("Working: %s..."), _(s->title));
	t->job = job_start(s, t->plan, t->dir, &t->disk.inputs, t->options, t->flags);
}

/* The worker is done: take its result and move on, or stay and say why. */
static void
finish_job(struct tui *t)
{
	const struct step *s = current_step(t);
	struct msg err = { "" };
	enum step_result result = job_finish(t->job, &t->written, &err);

	t->job = NULL;
	overlay_close(&t->progress);
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

/* ------------------------------------------------------------ keys */

/*
 * The one resize path: what was typed goes to the plan, the size is read
 * again, and the form is built for it with the focus where it was; the loop
 * then redraws everything from the new size.
 */
static void
handle_resize(struct tui *t)
{
	const struct field_desc *d;
	char focus[160] = "";
	bool confirm = false;

	/* Nothing is typed while a step runs (job_key takes only Esc). */
	if (t->job == NULL)
		sync_field(t);
	d = current_desc(t, NULL);
	if (d != NULL) {
		snprintf(focus, sizeof focus, "%s", d->key);
		confirm = d->confirm;
	}
	t->resize_pending = false;
	getmaxyx(stdscr, t->term.rows, t->term.cols);
	/* The running step's box opens again, centred for the new size. */
	overlay_close(&t->progress);
	build_form(t, focus[0] ? focus : NULL, confirm);
	if (t->review.active)
		review_relayout(t);
}

/* While a step runs, the UI keeps answering, but only to resize and cancel. */
static bool
job_key(struct tui *t, int status, wint_t key)
{
	if (status == OK && key == 27)
		job_cancel(t->job);
	return true;
}

/* F9's list of files: Up/Down choose, the preview shows the chosen one. */
static bool
review_key(struct tui *t, int status, wint_t key)
{
	if (status != KEY_CODE_YES) {
		if (key == 27 || key == 'q')
			leave_review(t);
		return true;
	}
	switch (key) {
	case KEY_UP:
	case KEY_DOWN:
		review_move(t, key == KEY_DOWN);
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
	default:
		break;
	}
	return true;
}

/* Enter: the welcome screen resumes, a step runs; the finish screen stays. */
static void
enter_key(struct tui *t)
{
	t->message.text[0] = '\0';
	if (t->screen == 0)
		enter_screen(t, resume_screen(t));
	else if (t->screen <= step_count)
		run_current_step(t);
}

static void
escape_key(struct tui *t)
{
	t->message.text[0] = '\0';
	go_back(t);
}

/*
 * The function keys of a step or text screen that do not edit: help, the
 * preview, review, quit.  Returns false when the wizard should end; *used
 * says whether the key was one of them.
 */
static bool
screen_function_key(struct tui *t, wint_t key, bool *used)
{
	*used = true;
	switch (key) {
	case KEY_F(10):
		return !confirm_quit(t);
	case KEY_F(1):
		show_help(t);
		break;
	case KEY_F(9):
		sync_field(t);
		enter_review(t);
		break;
	case KEY_F(3):
		if (t->preview.render.count > 0)
			t->preview.file = (t->preview.file + t->preview.render.count - 1) %
					  t->preview.render.count;
		t->preview.scroll = 0;
		break;
	case KEY_F(4):
		if (t->preview.render.count > 0)
			t->preview.file = (t->preview.file + 1) % t->preview.render.count;
		t->preview.scroll = 0;
		break;
	case KEY_F(7):
		t->preview.show_diff = !t->preview.show_diff;
		t->preview.scroll = t->preview.show_diff ? first_change_row(t) : 0;
		break;
	case KEY_F(2):
		t->preview.show_commands = !t->preview.show_commands;
		t->preview.scroll = 0;
		refresh_commands(t);
		break;
	case KEY_PPAGE:
		t->preview.scroll -= 10;
		break;
	case KEY_NPAGE:
		t->preview.scroll += 10;
		break;
	case KEY_ENTER:
		enter_key(t);
		break;
	default:
		*used = false;
		break;
	}
	return true;
}

/* A step with answers: inside a text field only non-printing keys are commands. */
static bool
form_key(struct tui *t, int status, wint_t key)
{
	if (status == KEY_CODE_YES) {
		bool used, go_on = screen_function_key(t, key, &used);

		if (used)
			return go_on;
		switch (key) {
		case KEY_F(5):
		case KEY_F(6):
		case KEY_F(8):
			sync_field(t);
			edit_list(t, (int)key);
			break;
		case KEY_DOWN:
		case KEY_BTAB:
		case KEY_UP:
			sync_field(t);
			focus_neighbour(t, key == KEY_DOWN);
			break;
		case KEY_LEFT:
			form_request(t, REQ_PREV_CHAR);
			break;
		case KEY_RIGHT:
			form_request(t, REQ_NEXT_CHAR);
			break;
		case KEY_HOME:
			form_request(t, REQ_BEG_LINE);
			break;
		case KEY_END:
			form_request(t, REQ_END_LINE);
			break;
		case KEY_BACKSPACE:
			form_request(t, REQ_DEL_PREV);
			sync_field(t);
			break;
		case KEY_DC:
			form_request(t, REQ_DEL_CHAR);
			sync_field(t);
			break;
		default:
			break;
		}
		return true;
	}
	switch (key) {
	case '\t':
		sync_field(t);
		focus_neighbour(t, true);
		break;
	case '\n':
	case '\r':
		enter_key(t);
		break;
	case 27:
		escape_key(t);
		break;
	case 127:
	case 8:
		form_request(t, REQ_DEL_PREV);
		sync_field(t);
		break;
	default:
		if (key >= 0x20 && key != 0x7f) {
			t->message.text[0] = '\0';
			form_driver_w(t->form.form, OK, (wchar_t)key);
			sync_field(t);
		}
		break;
	}
	return true;
}

/* Welcome, finish, or a step with nothing to answer: letters are commands here. */
static bool
text_screen_key(struct tui *t, int status, wint_t key)
{
	if (status == KEY_CODE_YES) {
		bool used;

		return screen_function_key(t, key, &used);
	}
	switch (key) {
	case '\n':
	case '\r':
		enter_key(t);
		break;
	case 27:
		escape_key(t);
		break;
	case 'q':
		return !confirm_quit(t);
	default:
		/* A digit jumps to that step: for reviewing one step. */
		if (key >= '1' && key < '1' + (wint_t)step_count)
			enter_screen(t, (size_t)(key - '0'));
		break;
	}
	return true;
}

/* Returns false when the wizard should end. */
static bool
handle_key(struct tui *t, int status, wint_t key)
{
	if (status == KEY_CODE_YES && key == KEY_RESIZE) {
		handle_resize(t);
		return true;
	}
	if (t->job != NULL)
		return job_key(t, status, key);
	if (t->review.active)
		return review_key(t, status, key);
	if (t->form.form != NULL && t->screen >= 1 && t->screen <= step_count)
		return form_key(t, status, key);
	return text_screen_key(t, status, key);
}

/* ------------------------------------------------------------ the loop */

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
		/* A dialog took the resize: it is handled as if the loop had read it. */
		if (t.resize_pending)
			handle_resize(&t);
		draw(&t);
		if (exit_after_draw)
			break;
		if (t.input_gone) {
			ensure_saved(&t, &(struct msg){ "" });
			break;
		}
		if (tui_quit_requested && t.job != NULL) {
			/* Ctrl-C cancels running work first; a second one quits. */
			job_cancel(t.job);
			tui_quit_requested = 0;
		}
		if (tui_quit_requested) {
			struct msg err;

			if (ensure_saved(&t, &err) != 0 && t.unsaved) {
				char *visible = str_visible(err.text);

				fprintf(stderr, "zktls-wizard: %s\n", visible);
				free(visible);
			}
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
		overlay_close(&t.progress);
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
