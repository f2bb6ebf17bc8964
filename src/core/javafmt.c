/* Java's readers of properties files and launcher argument files, in C. */
#include <config.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "javafmt.h"
#include "util.h"

void
kv_put(struct kvlist *l, const char *key, const char *value)
{
	l->items = xrealloc(l->items, (l->len + 1) * sizeof *l->items);
	l->items[l->len].key = xstrdup(key);
	l->items[l->len].value = xstrdup(value);
	l->len++;
}

/* The last one wins, as in java.util.Properties and the shell. */
const char *
kv_get(const struct kvlist *l, const char *key)
{
	for (size_t i = l->len; i-- > 0;)
		if (strcmp(l->items[i].key, key) == 0)
			return l->items[i].value;
	return NULL;
}

/* Values may be passwords: wiped. */
void
kv_free(struct kvlist *l)
{
	for (size_t i = 0; i < l->len; i++) {
		free(l->items[i].key);
		secure_free_str(l->items[i].value);
	}
	free(l->items);
	l->items = NULL;
	l->len = 0;
}

static void
add_utf8(struct buf *b, unsigned long cp)
{
	if (cp < 0x80) {
		buf_addc(b, (char)cp);
	} else if (cp < 0x800) {
		buf_addc(b, (char)(0xC0 | cp >> 6));
		buf_addc(b, (char)(0x80 | (cp & 0x3F)));
	} else {
		buf_addc(b, (char)(0xE0 | cp >> 12));
		buf_addc(b, (char)(0x80 | (cp >> 6 & 0x3F)));
		buf_addc(b, (char)(0x80 | (cp & 0x3F)));
	}
}

static bool
is_prop_space(char c)
{
	return c == ' ' || c == '\t' || c == '\f';
}

/* Java's String.trim(): every character up to U+0020 at either end. */
static void
java_trim(struct buf *b)
{
	size_t start = 0, end = b->len;

	while (start < end && (unsigned char)b->data[start] <= ' ')
		start++;
	while (end > start && (unsigned char)b->data[end - 1] <= ' ')
		end--;
	memmove(b->data, b->data + start, end - start);
	b->len = end - start;
	b->data[b->len] = '\0';
}

/*
 * java.util.Properties.load(InputStream): ISO-8859-1, logical lines joined
 * at a trailing backslash, # and ! comments, key ended by = : or blank,
 * escapes including \uXXXX.  Values are then trimmed, as ZooKeeper's
 * QuorumPeerConfig and Kafka's ConfigDef do.
 */
void
props_parse(const char *s, size_t n, struct kvlist *out)
{
	size_t i = 0;

	while (i < n) {
		struct buf line, key, value;
		bool in_key = true, after_key = false;

		while (i < n && (is_prop_space(s[i]) || s[i] == '\r' || s[i] == '\n'))
			i++;
		if (i >= n)
			break;
		if (s[i] == '#' || s[i] == '!') {
			while (i < n && s[i] != '\n' && s[i] != '\r')
				i++;
			continue;
		}
		/* The logical line, escapes still in it, continuations joined. */
		buf_init(&line);
		while (i < n && s[i] != '\n' && s[i] != '\r') {
			if (s[i] == '\\' && i + 1 < n && (s[i + 1] == '\n' || s[i + 1] == '\r')) {
				i++;
				if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n')
					i++;
				i++;
				while (i < n && is_prop_space(s[i]))
					i++;
				continue;
			}
			if (s[i] == '\\' && i + 1 < n) {
				buf_addc(&line, s[i++]);
			}
			buf_addc(&line, s[i++]);
		}
		buf_init(&key);
		buf_init(&value);
		for (size_t k = 0; k < line.len; k++) {
			unsigned char c = (unsigned char)line.data[k];
			struct buf *to = in_key ? &key : &value;

			if (in_key && (c == '=' || c == ':' || is_prop_space((char)c))) {
				in_key = false;
				after_key = true;
				while (k + 1 < line.len && is_prop_space(line.data[k + 1]))
					k++;
				if (is_prop_space((char)c) && k + 1 < line.len &&
				    (line.data[k + 1] == '=' || line.data[k + 1] == ':')) {
					k++;
					while (k + 1 < line.len && is_prop_space(line.data[k + 1]))
						k++;
				}
				continue;
			}
			if (c == '\\' && k + 1 < line.len) {
				c = (unsigned char)line.data[++k];
				if (c == 'u' && k + 4 < line.len) {
					char hex[5];
					memcpy(hex, line.data + k + 1, 4);
					hex[4] = '\0';
					add_utf8(to, strtoul(hex, NULL, 16));
					k += 4;
					continue;
				}
				c = c == 't' ? '\t' : c == 'n' ? '\n' : c == 'r' ? '\r'
					: c == 'f' ? '\f' : c;
			}
			add_utf8(to, c);
		}
		(void)after_key;
		java_trim(&value);
		kv_put(out, key.data != NULL ? key.data : "", value.data != NULL ? value.data : "");
		buf_free(&key);
		buf_free_secure(&value);
		buf_free_secure(&line);
	}
}

static bool
is_arg_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f';
}

/*
 * A Java launcher argument file (@file): words split at blanks; '...' or
 * "..." quote, and inside quotes a backslash escapes (\n \t \r \f, a
 * newline continues the line); # starts a comment, even inside a word.
 */
void
argfile_parse(const char *s, size_t n, struct strlist *out)
{
	size_t i = 0;

	while (i < n) {
		struct buf word;
		bool have = false;

		while (i < n && is_arg_space(s[i]))
			i++;
		if (i >= n)
			break;
		buf_init(&word);
		while (i < n && !is_arg_space(s[i])) {
			if (s[i] == '#') {
				while (i < n && s[i] != '\n' && s[i] != '\r')
					i++;
				break;
			}
			if (s[i] == '"' || s[i] == '\'') {
				char q = s[i++];

				have = true;
				while (i < n && s[i] != q && s[i] != '\n' && s[i] != '\r') {
					char c = s[i++];

					if (c == '\\' && i < n) {
						c = s[i++];
						if (c == '\n' || c == '\r') {
							if (c == '\r' && i < n && s[i] == '\n')
								i++;
							while (i < n && is_arg_space(s[i]))
								i++;
							continue;
						}
						c = c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r'
							: c == 'f' ? '\f' : c;
					}
					buf_addc(&word, c);
				}
				if (i < n && s[i] == q)
					i++;
				continue;
			}
			buf_addc(&word, s[i++]);
			have = true;
		}
		if (have)
			strlist_push(out, word.data != NULL ? word.data : "");
		buf_free_secure(&word);
	}
}

/* From the words of a command line, each -DKEY=VALUE (or -DKEY) into out. */
void
system_properties(const struct strlist *words, struct kvlist *out)
{
	for (size_t i = 0; i < words->len; i++) {
		const char *w = words->items[i];
		const char *eq;
		char *key;

		if (!str_starts_with(w, "-D"))
			continue;
		eq = strchr(w, '=');
		key = eq != NULL ? xstrndup(w + 2, (size_t)(eq - w - 2)) : xstrdup(w + 2);
		kv_put(out, key, eq != NULL ? eq + 1 : "");
		free(key);
	}
}
