/* The answers file: "key = value" per line (DESIGN §4). */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "i18n.h"
#include "plan.h"
#include "validate.h"

#define ANSWERS_MAX_BYTES (1024 * 1024)

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static void
trim(const char **start, const char **end)
{
	while (*start < *end && is_blank(**start))
		(*start)++;
	while (*end > *start && is_blank((*end)[-1]))
		(*end)--;
}

static bool
has_nul(const char *s, size_t n)
{
	return memchr(s, '\0', n) != NULL;
}

int
answers_parse(struct plan *p, const char *text, size_t len, const char *source,
	      enum answer_origin origin, struct msg *err)
{
	const char *line = text, *end_of_text = text + len;
	unsigned line_no = 0;
	int rc = 0;

	if (err != NULL)
		msg_clear(err);
	while (line < end_of_text) {
		const char *eol = memchr(line, '\n', (size_t)(end_of_text - line));
		const char *next = eol ? eol + 1 : end_of_text;
		const char *stop = eol ? eol : end_of_text;
		const char *key_start = line, *key_end, *value_start, *value_end;
		struct msg why;
		char *key, *value;

		line_no++;
		if (stop > line && stop[-1] == '\r')
			stop--;
		trim(&key_start, &stop);
		line = next;
		if (key_start == stop || *key_start == '#')
			continue;
		if (has_nul(key_start, (size_t)(stop - key_start))) {
			msg_append(err, _("%s:%u: the line holds a NUL byte"), source, line_no);
			rc = -1;
			continue;
		}
		key_end = memchr(key_start, '=', (size_t)(stop - key_start));
		if (key_end == NULL) {
			msg_append(err, _("%s:%u: expected 'key = value'"), source, line_no);
			rc = -1;
			continue;
		}
		value_start = key_end + 1;
		value_end = stop;
		trim(&key_start, &key_end);
		trim(&value_start, &value_end);
		key = xstrndup(key_start, (size_t)(key_end - key_start));
		value = xstrndup(value_start, (size_t)(value_end - value_start));
		if (answer_key_find(key, NULL) == NULL) {
			msg_append(err, _("%s:%u: unknown answer key '%s'"), source, line_no, key);
			rc = -1;
		} else {
			/*
			 * A bad value is reported but kept, so the wizard can show it at
			 * its field for repair: bad input loses nothing.
			 */
			if (!validate_value(p, key, value, &why)) {
				msg_append(err, _("%s:%u: %s: %s"), source, line_no, key, why.text);
				rc = -1;
			}
			plan_set(p, key, value, origin, NULL);
		}
		free(key);
		secure_free_str(value);
	}
	return rc;
}

int
answers_load(struct plan *p, const char *path, enum answer_origin origin, struct msg *err)
{
	char *text;
	size_t len;
	int rc;

	if (fs_read_file(path, ANSWERS_MAX_BYTES, &text, &len, err) != 0)
		return -1;
	rc = answers_parse(p, text, len, path, origin, err);
	secure_wipe(text, len);
	free(text);
	return rc;
}

char *
answers_format(const struct plan *p)
{
	bool keep_ca_password = strcmp(plan_get(p, "save.ca_password"), "yes") == 0;
	struct strlist keys = { 0 };
	struct buf out;

	buf_init(&out);
	buf_adds(&out, "# zktls-wizard answers: key = value, one per line.\n"
		       "# Keys not listed here take their defaults (zktls-wizard --help).\n");
	plan_answered_keys(p, &keys);
	for (size_t i = 0; i < keys.len; i++) {
		if (strcmp(keys.items[i], "ca.password") == 0 && !keep_ca_password)
			continue;
		const char *value = plan_get(p, keys.items[i]);

		buf_printf(&out, "%s =%s%s\n", keys.items[i], value[0] ? " " : "", value);
	}
	strlist_free(&keys);
	return buf_steal(&out, NULL);
}

int
answers_save(const struct plan *p, const char *path, struct msg *err)
{
	char *text = answers_format(p);
	char *old = NULL;
	size_t old_len = 0;
	struct msg ignored;
	int rc = 0;

	/* Unchanged answers leave the file, and its timestamp, alone. */
	if (fs_read_file(path, ANSWERS_MAX_BYTES, &old, &old_len, &ignored) != 0 ||
	    old_len != strlen(text) || memcmp(old, text, old_len) != 0)
		rc = fs_write_atomic(path, text, strlen(text), 0600, err);
	if (old != NULL) {
		secure_wipe(old, old_len);
		free(old);
	}
	secure_free_str(text);
	return rc;
}
