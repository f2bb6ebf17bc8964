/* Text for the terminal, without curses: widths, wrapping, sanitising (see text.h). */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "core/util.h"
#include "tui/text.h"

void
text_sanitize(char *s)
{
	for (unsigned char *p = (unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			*p = '?';
}

void
text_sanitize_lines(char *s)
{
	for (unsigned char *p = (unsigned char *)s; *p != '\0'; p++)
		if ((*p < 0x20 && *p != '\n') || *p == 0x7f)
			*p = '?';
}

bool
text_is_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

char *
text_escape_non_ascii(const char *s)
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

char *
text_word_wrap(const char *text, int width)
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

int
text_line_count(const char *text)
{
	int rows = 1;

	for (const char *p = text; *p != '\0'; p++)
		if (*p == '\n')
			rows++;
	return rows;
}

int
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

size_t
text_chunk(const char *line, size_t len, int width)
{
	int cols = 0;
	size_t bytes = 0;

	while (bytes < len) {
		mbstate_t state;
		wchar_t wc;
		size_t n;
		int w_cols;

		memset(&state, 0, sizeof state);
		n = mbrtowc(&wc, line + bytes, len - bytes, &state);
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
	if (bytes == 0 && len > 0)
		bytes = 1;
	return bytes;
}

char *
text_fit(const char *s, int cols)
{
	size_t len = strlen(s), bytes = 0;
	int used = 0;

	while (bytes < len) {
		mbstate_t state;
		wchar_t wc;
		size_t n;
		int w;

		memset(&state, 0, sizeof state);
		n = mbrtowc(&wc, s + bytes, len - bytes, &state);
		if (n == 0 || n == (size_t)-1 || n == (size_t)-2)
			n = 1, w = 1;
		else if ((w = wcwidth(wc)) < 0)
			w = 1;
		if (used + w > cols)
			break;
		used += w;
		bytes += n;
	}
	return xstrndup(s, bytes);
}

void
text_for_display(char *s, bool utf8)
{
	/* Outside a UTF-8 locale, bytes above ASCII cannot be shown as they are. */
	for (char *p = s; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || (!utf8 && (unsigned char)*p >= 0x80))
			*p = '?';
}

void
text_format_bytes(char *out, size_t size, double bytes)
{
	if (bytes >= 1024.0 * 1024.0)
		snprintf(out, size, "%.1f MiB", bytes / (1024.0 * 1024.0));
	else
		snprintf(out, size, "%.0f KiB", bytes / 1024.0);
}

int
text_first_change(const char *diff)
{
	int row = 0;

	for (const char *line = diff; *line != '\0'; row++) {
		if (line[0] != ' ')
			return row;
		line = strchr(line, '\n');
		if (line == NULL)
			break;
		line++;
	}
	return -1;
}
