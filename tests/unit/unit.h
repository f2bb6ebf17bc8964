/*
 * Helpers shared by the cmocka unit tests of the core.  Each test binary
 * includes this after <config.h>; everything here is static inline so that a
 * binary that uses only part of it stays warning-free.
 */
#ifndef ZK_TESTS_UNIT_H
#define ZK_TESTS_UNIT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/catalog.h"
#include "core/msg.h"
#include "core/plan.h"
#include "core/template.h"
#include "core/util.h"
#include "core/validate.h"

/* ------------------------------------------------------------ assertions */

/* Fails unless needle occurs in haystack; prints both. */
static inline void
unit_assert_contains(const char *haystack, const char *needle, const char *file, int line)
{
	if (haystack == NULL || strstr(haystack, needle) == NULL) {
		print_error("expected to find \"%s\" in:\n%s\n", needle,
			    haystack ? haystack : "(null)");
		_fail(file, line);
	}
}

static inline void
unit_assert_not_contains(const char *haystack, const char *needle, const char *file, int line)
{
	if (haystack != NULL && strstr(haystack, needle) != NULL) {
		print_error("did not expect \"%s\" in:\n%s\n", needle, haystack);
		_fail(file, line);
	}
}

/* Compares two texts and names the first line that differs. */
static inline void
unit_assert_text(const char *got, size_t got_len, const char *want, const char *file, int line)
{
	size_t want_len = strlen(want), i = 0, line_no = 1, line_start = 0;

	if (got != NULL && got_len == want_len && memcmp(got, want, want_len) == 0)
		return;
	if (got == NULL) {
		print_error("got no text, expected:\n%s\n", want);
		_fail(file, line);
		return;
	}
	while (i < got_len && i < want_len && got[i] == want[i]) {
		if (got[i] == '\n') {
			line_no++;
			line_start = i + 1;
		}
		i++;
	}
	print_error("texts differ at line %zu (byte %zu; lengths %zu and %zu)\n"
		    "got:  \"%.*s\"\nwant: \"%.*s\"\n--- whole text got:\n%.*s\n",
		    line_no, i, got_len, want_len,
		    (int)strcspn(got + line_start, "\n"), got + line_start,
		    (int)strcspn(want + line_start, "\n"), want + line_start,
		    (int)got_len, got);
	_fail(file, line);
}

#define assert_contains(h, n) unit_assert_contains((h), (n), __FILE__, __LINE__)
#define assert_not_contains(h, n) unit_assert_not_contains((h), (n), __FILE__, __LINE__)
#define assert_text(got, len, want) unit_assert_text((got), (len), (want), __FILE__, __LINE__)
#define assert_text_str(got, want) \
	unit_assert_text((got), (got) ? strlen(got) : 0, (want), __FILE__, __LINE__)

/* ------------------------------------------------------------- data/ */

/*
 * make check exports ZKTLS_DATADIR; a test binary run by hand from the build
 * tree falls back to data/ next to this header.
 */
static inline void
unit_set_datadir(void)
{
	char *dir, *slash;

	if (getenv("ZKTLS_DATADIR") != NULL && getenv("ZKTLS_DATADIR")[0] != '\0')
		return;
	dir = xstrdup(__FILE__);
	slash = strstr(dir, "tests/unit/unit.h");
	if (slash != NULL) {
		strcpy(slash, "data");
		setenv("ZKTLS_DATADIR", dir, 1);
	} else {
		setenv("ZKTLS_DATADIR", "data", 1);
	}
	free(dir);
}

/* Group setup: the templates and the release catalog, as the program loads them. */
static inline int
unit_load_data(void **state)
{
	struct msg err;

	(void)state;
	unit_set_datadir();
	msg_clear(&err);
	if (templates_load_all(&err) != 0) {
		print_error("templates_load_all: %s\n", err.text);
		return -1;
	}
	if (catalog_load(&err) != 0) {
		print_error("catalog_load: %s\n", err.text);
		return -1;
	}
	return 0;
}

static inline int
unit_unload_data(void **state)
{
	(void)state;
	templates_free_all();
	catalog_free();
	return 0;
}

/* -------------------------------------------------------------- files */

/* A fresh private directory under $TMPDIR; caller frees (after unit_rmtree). */
static inline char *
unit_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *templ = xasprintf("%s/zktls-unit.XXXXXX", base && base[0] ? base : "/tmp");

	if (mkdtemp(templ) == NULL) {
		print_error("mkdtemp %s: %s\n", templ, strerror(errno));
		free(templ);
		return NULL;
	}
	return templ;
}

static inline int
unit_rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static inline void
unit_rmtree(const char *dir)
{
	if (dir != NULL)
		nftw(dir, unit_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* The whole file, NUL-terminated, or NULL. */
static inline char *
unit_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char chunk[4096];
	size_t n;

	if (f == NULL)
		return NULL;
	buf_init(&b);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	return buf_steal(&b, len);
}

static inline char *
unit_read_in(const char *dir, const char *rel, size_t *len)
{
	char *path = xasprintf("%s/%s", dir, rel);
	char *text = unit_read(path, len);

	free(path);
	return text;
}

static inline int
unit_write(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	size_t n = strlen(text);
	int rc;

	if (f == NULL)
		return -1;
	rc = fwrite(text, 1, n, f) == n ? 0 : -1;
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

static inline int
unit_write_in(const char *dir, const char *rel, const char *text)
{
	char *path = xasprintf("%s/%s", dir, rel);
	int rc = unit_write(path, text);

	free(path);
	return rc;
}

static inline unsigned
unit_mode(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return 07777 + 1;
	return (unsigned)(st.st_mode & 07777);
}

/* ------------------------------------------------------------- plans */

/* Sets key=value or fails the test, naming the key. */
static inline void
unit_set(struct plan *p, const char *key, const char *value)
{
	struct msg err;

	msg_clear(&err);
	if (plan_set(p, key, value, ORIGIN_SET, &err) != 0) {
		print_error("plan_set %s: %s\n", key, err.text);
		fail();
	}
}

/* All problem messages, one a line, for failure output. */
static inline char *
unit_problems_text(const struct problems *ps)
{
	struct buf b;

	buf_init(&b);
	buf_adds(&b, "");
	for (size_t i = 0; i < ps->len; i++) {
		buf_printf(&b, "[");
		for (size_t k = 0; k < ps->items[i].keys.len; k++)
			buf_printf(&b, "%s%s", k ? " " : "", ps->items[i].keys.items[k]);
		buf_printf(&b, "] %s\n", ps->items[i].message);
	}
	return buf_steal(&b, NULL);
}

#endif
