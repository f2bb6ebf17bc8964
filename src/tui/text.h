/* Text for the terminal, without curses: display widths, wrapping and sanitising. */
/*
 * Apart from curses so that tests/unit/test_tuitext.c can pin them down.
 * Widths follow the current locale (LC_CTYPE), as the terminal does.
 */
#ifndef ZK_TUI_TEXT_H
#define ZK_TUI_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Text from outside the render (file names, server errors) must not drive the terminal. */
void text_sanitize(char *s);
/* As text_sanitize(), but keeps the newlines that separate lines. */
void text_sanitize_lines(char *s);

bool text_is_ascii(const char *s);
/* \u00e4 for each non-ASCII character (UTF-8 decoded by hand: the locale is not UTF-8). */
char *text_escape_non_ascii(const char *s);

/*
 * Prose (explanations, help, messages) breaks between words; files break
 * anywhere, with a continuation mark (text_chunk).  Returns text with
 * newlines put at the last space that keeps each line within width - 1
 * columns; a word longer than that stays whole.
 */
char *text_word_wrap(const char *text, int width);
/* Lines in text: one more than its newlines. */
int text_line_count(const char *text);
/* Columns the text takes on the terminal (bytes, if it is not valid in the locale). */
int text_columns(const char *text);

/*
 * The bytes of line[0..len) that fit within width - 1 columns, the last one
 * kept for a continuation mark; never splits a character, and takes at least
 * one byte of a non-empty line.  A byte that is not a character counts as one
 * column (it is shown as '?').
 */
size_t text_chunk(const char *line, size_t len, int width);
/* A copy cut to at most cols columns, never inside a character. */
char *text_fit(const char *s, int cols);
/* In place: control bytes, and outside UTF-8 bytes above ASCII, become '?'. */
void text_for_display(char *s, bool utf8);

/* "1.5 MiB", "12 KiB": a size for a progress line. */
void text_format_bytes(char *out, size_t size, double bytes);
/* The row of a diff (review_diff's "  "/"- "/"+ " lines) that first differs; -1 if none. */
int text_first_change(const char *diff);

#endif
