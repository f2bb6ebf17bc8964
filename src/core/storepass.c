#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "steps.h"
#include "storepass.h"
#include "util.h"

/* Far above any configuration file the wizard writes. */
#define CONFIG_FILE_MAX (1024 * 1024)

/* The keys under which the templates write store.password (data/templates). */
static const char *const password_keys[] = {
	"ssl.keyStore.password", "ssl.trustStore.password", "ssl.keystore.password",
	"ssl.truststore.password", "ssl.key.password", NULL,
};

static int
hex4(const char *s, size_t n, unsigned long *out)
{
	*out = 0;
	if (n < 4)
		return -1;
	for (size_t i = 0; i < 4; i++) {
		char c = s[i];
		int v = c >= '0' && c <= '9'   ? c - '0'
			: c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10
					       : -1;

		if (v < 0)
			return -1;
		*out = *out << 4 | (unsigned long)v;
	}
	return 0;
}

static void
add_utf8(struct buf *b, unsigned long cp)
{
	if (cp < 0x80) {
		buf_addc(b, (char)cp);
	} else if (cp < 0x800) {
		buf_addc(b, (char)(0xc0 | cp >> 6));
		buf_addc(b, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		buf_addc(b, (char)(0xe0 | cp >> 12));
		buf_addc(b, (char)(0x80 | (cp >> 6 & 0x3f)));
		buf_addc(b, (char)(0x80 | (cp & 0x3f)));
	} else {
		buf_addc(b, (char)(0xf0 | cp >> 18));
		buf_addc(b, (char)(0x80 | (cp >> 12 & 0x3f)));
		buf_addc(b, (char)(0x80 | (cp >> 6 & 0x3f)));
		buf_addc(b, (char)(0x80 | (cp & 0x3f)));
	}
}

/* As Properties.load reads a value: ISO-8859-1 bytes, \uXXXX in UTF-16, \X is X. */
char *
storepass_prop_unescape(const char *s, size_t n)
{
	struct buf out;
	unsigned long high = 0;

	buf_init(&out);
	buf_adds(&out, "");
	for (size_t i = 0; i < n; i++) {
		unsigned long cp = (unsigned char)s[i];

		if (cp == '\\') {
			if (++i == n)
				goto bad; /* a continuation line: never ours */
			cp = (unsigned char)s[i];
			if (cp == 'u') {
				if (hex4(s + i + 1, n - i - 1, &cp) != 0)
					goto bad;
				i += 4;
			} else if (cp == 't' || cp == 'n' || cp == 'r' || cp == 'f') {
				cp = cp == 't' ? '\t' : cp == 'n' ? '\n' : cp == 'r' ? '\r' : '\f';
			}
		}
		if (cp >= 0xd800 && cp < 0xdc00) {
			if (high != 0)
				goto bad;
			high = cp;
			continue;
		}
		if (cp >= 0xdc00 && cp < 0xe000) {
			if (high == 0)
				goto bad;
			cp = 0x10000 + ((high - 0xd800) << 10) + (cp - 0xdc00);
			high = 0;
		} else if (high != 0) {
			goto bad;
		}
		add_utf8(&out, cp);
	}
	if (high != 0)
		goto bad;
	return buf_steal(&out, NULL);
bad:
	buf_free_secure(&out);
	return NULL;
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\f';
}

/* Adds to out the store passwords one configuration file names. */
static void
passwords_in(const char *text, size_t len, struct strlist *out)
{
	const char *line = text, *end = text + len;

	while (line < end) {
		const char *eol = memchr(line, '\n', (size_t)(end - line));
		const char *stop = eol != NULL ? eol : end;
		const char *s = line;

		line = eol != NULL ? eol + 1 : end;
		if (stop > s && stop[-1] == '\r')
			stop--;
		while (s < stop && is_blank(*s))
			s++;
		for (size_t k = 0; password_keys[k] != NULL; k++) {
			size_t n = strlen(password_keys[k]);
			const char *v = s + n;
			char *value;

			if ((size_t)(stop - s) <= n || strncmp(s, password_keys[k], n) != 0 ||
			    (!is_blank(*v) && *v != '=' && *v != ':'))
				continue;
			while (v < stop && is_blank(*v))
				v++;
			if (v < stop && (*v == '=' || *v == ':'))
				v++;
			while (v < stop && is_blank(*v))
				v++;
			value = storepass_prop_unescape(v, (size_t)(stop - v));
			if (value != NULL && value[0] != '\0' && !strlist_contains(out, value))
				strlist_push(out, value);
			secure_free_str(value);
			break;
		}
	}
}

static void
wipe_list(struct strlist *l)
{
	for (size_t i = 0; i < l->len; i++)
		secure_wipe(l->items[i], strlen(l->items[i]));
	strlist_free(l);
}

enum ks_status
storepass_decode(enum store_type t, const void *data, size_t len, const char *password,
		 const char *dir, const struct manifest *m, struct keystore *out, bool *old,
		 struct msg *err)
{
	enum ks_status st = keystore_decode(t, data, len, password, out, err);
	struct strlist candidates = { 0 };

	*old = false;
	if (st != KS_BAD_PASSWORD || m == NULL)
		return st;
	/* Only files the wizard wrote: what it wrote there is what the stores were made with. */
	for (size_t i = 0; i < m->file_count; i++) {
		const char *path = m->files[i].path;
		char *full, *text = NULL;
		size_t text_len = 0;
		struct msg ignored;

		if (!str_ends_with(path, ".cfg") && !str_ends_with(path, ".properties") &&
		    !str_ends_with(path, ".config"))
			continue;
		full = fs_join(dir, path);
		if (fs_exists(full) &&
		    fs_read_file(full, CONFIG_FILE_MAX, &text, &text_len, &ignored) == 0) {
			passwords_in(text, text_len, &candidates);
			secure_wipe(text, text_len);
		}
		free(text);
		free(full);
	}
	for (size_t i = 0; i < candidates.len && !*old; i++) {
		struct msg ignored;

		if (strcmp(candidates.items[i], password) != 0 &&
		    keystore_decode(t, data, len, candidates.items[i], out, &ignored) == KS_OK) {
			*old = true;
			st = KS_OK;
		}
	}
	wipe_list(&candidates);
	return st;
}

void
storepass_mark_stale(struct manifest *m, const char *step_id)
{
	bool later = false;

	for (size_t i = 0; i < step_count; i++) {
		const struct manifest_step *done = manifest_step_find(m, steps[i]->id);
		/* A hash no answers give: the step's recorded inputs no longer describe its files. */
		static const char never[65] =
			"0000000000000000000000000000000000000000000000000000000000000000";
		struct strlist keys = { 0 };

		if (later && done != NULL && strlist_contains(&done->keys, "store.password")) {
			for (size_t k = 0; k < done->keys.len; k++)
				strlist_push(&keys, done->keys.items[k]);
			manifest_set_step(m, steps[i]->id, never, &keys);
			strlist_free(&keys);
		}
		later = later || strcmp(steps[i]->id, step_id) == 0;
	}
}
