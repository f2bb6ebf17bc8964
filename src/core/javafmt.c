/* Java's readers of properties files, JAAS texts and launcher argument files, in C. */
#include <config.h>

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "javafmt.h"
#include "util.h"

/* ------------------------------------------------------------ key = value lists */

void
kv_put(struct kvlist *l, const char *key, const char *value)
{
	l->items = xrealloc(l->items, (l->len + 1) * sizeof *l->items);
	l->items[l->len].key = xstrdup(key);
	l->items[l->len].value = xstrdup(value);
	l->len++;
}

const char *
kv_get(const struct kvlist *l, const char *key)
{
	for (size_t i = l->len; i-- > 0;)
		if (strcmp(l->items[i].key, key) == 0)
			return l->items[i].value;
	return NULL;
}

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

/* ------------------------------------------------------------ Java strings */

/* A Java string being built from UTF-16 units. */
struct jstr {
	struct buf b;
	unsigned high;  /* a high surrogate waiting for its low one, or 0 */
};

static void
put_cp(struct buf *b, unsigned long cp)
{
	if (cp == 0) {
		/* Java's modified UTF-8: a NUL inside a C string */
		buf_addc(b, (char)0xC0);
		buf_addc(b, (char)0x80);
	} else if (cp < 0x80) {
		buf_addc(b, (char)cp);
	} else if (cp < 0x800) {
		buf_addc(b, (char)(0xC0 | cp >> 6));
		buf_addc(b, (char)(0x80 | (cp & 0x3F)));
	} else if (cp < 0x10000) {
		buf_addc(b, (char)(0xE0 | cp >> 12));
		buf_addc(b, (char)(0x80 | (cp >> 6 & 0x3F)));
		buf_addc(b, (char)(0x80 | (cp & 0x3F)));
	} else {
		buf_addc(b, (char)(0xF0 | cp >> 18));
		buf_addc(b, (char)(0x80 | (cp >> 12 & 0x3F)));
		buf_addc(b, (char)(0x80 | (cp >> 6 & 0x3F)));
		buf_addc(b, (char)(0x80 | (cp & 0x3F)));
	}
}

static void
jstr_init(struct jstr *j)
{
	buf_init(&j->b);
	j->high = 0;
}

static void
jstr_flush(struct jstr *j)
{
	if (j->high != 0) {
		put_cp(&j->b, j->high);
		j->high = 0;
	}
}

/* Appends one UTF-16 unit: a surrogate pair becomes its character. */
static void
jstr_add(struct jstr *j, unsigned u)
{
	if (j->high != 0 && u >= 0xDC00 && u <= 0xDFFF) {
		put_cp(&j->b, 0x10000 + ((unsigned long)(j->high - 0xD800) << 10) + (u - 0xDC00));
		j->high = 0;
		return;
	}
	jstr_flush(j);
	if (u >= 0xD800 && u <= 0xDBFF)
		j->high = u;
	else
		put_cp(&j->b, u);
}

static char *
jstr_steal(struct jstr *j)
{
	jstr_flush(j);
	buf_add(&j->b, "", 0); /* terminated even when empty */
	return buf_steal(&j->b, NULL);
}

static void
jstr_free(struct jstr *j)
{
	buf_free_secure(&j->b);
	j->high = 0;
}

/*
 * Reads the next UTF-16 unit from a C string written as above (*low holds
 * the second unit of a character beyond U+FFFF); -1 at the end.  A byte
 * that is not UTF-8 stands for itself, as ISO-8859-1 would read it.
 */
static int
next_unit(const unsigned char *s, size_t n, size_t *i, unsigned *low)
{
	unsigned long cp;
	size_t more, k;

	if (*low != 0) {
		int u = (int)*low;

		*low = 0;
		return u;
	}
	if (*i >= n)
		return -1;
	if (s[*i] < 0x80)
		return s[(*i)++];
	if (s[*i] == 0xC0 && *i + 1 < n && s[*i + 1] == 0x80) {
		*i += 2;
		return 0;
	}
	if ((s[*i] & 0xE0) == 0xC0) {
		cp = s[*i] & 0x1Fu;
		more = 1;
	} else if ((s[*i] & 0xF0) == 0xE0) {
		cp = s[*i] & 0x0Fu;
		more = 2;
	} else if ((s[*i] & 0xF8) == 0xF0) {
		cp = s[*i] & 0x07u;
		more = 3;
	} else {
		return s[(*i)++];
	}
	if (*i + more >= n)
		return s[(*i)++];
	for (k = 1; k <= more; k++) {
		if ((s[*i + k] & 0xC0) != 0x80)
			return s[(*i)++];
		cp = cp << 6 | (s[*i + k] & 0x3Fu);
	}
	if ((more == 1 && cp < 0x80) || (more == 2 && cp < 0x800) || (more == 3 && cp < 0x10000) ||
	    cp > 0x10FFFF)
		return s[(*i)++];
	*i += more + 1;
	if (cp >= 0x10000) {
		cp -= 0x10000;
		*low = 0xDC00 + (unsigned)(cp & 0x3FF);
		return (int)(0xD800 + (cp >> 10));
	}
	return (int)cp;
}

bool
javafmt_has_java_only(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
		if ((p[0] == 0xC0 && p[1] == 0x80) || (p[0] == 0xED && p[1] >= 0xA0 && p[1] <= 0xBF))
			return true;
	return false;
}

/* ------------------------------------------------------------ java.util.Properties */

static bool
is_prop_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\f';
}

/* Java's LineReader over the bytes of a file. */
struct line_reader {
	const unsigned char *s;
	size_t n, off;
	bool skip_lf;
	struct buf line;        /* the logical line, escapes still in it */
	size_t start;           /* where in s it began */
};

/* LineReader.readLine (Java 9+): the next logical line into lr->line; -1 at the end. */
static int
read_line(struct line_reader *lr)
{
	bool skip_blank = true, continued = false, backslash = false;

	lr->line.len = 0;
	for (;;) {
		unsigned char c;

		if (lr->off >= lr->n) {
			if (lr->line.len == 0)
				return -1;
			if (backslash)
				lr->line.len--;
			return 0;
		}
		c = lr->s[lr->off++];
		if (lr->skip_lf) {
			lr->skip_lf = false;
			if (c == '\n')
				continue;
		}
		if (skip_blank) {
			if (is_prop_blank(c))
				continue;
			/* Blank lines are skipped, except right after a continuation: it ends there. */
			if (!continued && (c == '\r' || c == '\n'))
				continue;
			skip_blank = false;
			continued = false;
		}
		if (lr->line.len == 0 && (c == '#' || c == '!')) {
			/* A comment, up to and with its line end; at the end of the file, the end. */
			while (lr->off < lr->n && lr->s[lr->off] != '\r' && lr->s[lr->off] != '\n')
				lr->off++;
			if (lr->off >= lr->n)
				return -1;
			lr->off++;
			skip_blank = true;
			continue;
		}
		if (c != '\n' && c != '\r') {
			if (lr->line.len == 0)
				lr->start = lr->off - 1;
			buf_addc(&lr->line, (char)c);
			backslash = c == '\\' ? !backslash : false;
			continue;
		}
		if (lr->line.len == 0) {
			skip_blank = true;
			continue;
		}
		if (lr->off >= lr->n) {
			if (backslash)
				lr->line.len--;
			return 0;
		}
		if (!backslash)
			return 0;
		/* A continuation: the backslash goes, the next line's blanks too. */
		lr->line.len--;
		skip_blank = true;
		continued = true;
		backslash = false;
		if (c == '\r')
			lr->skip_lf = true;
	}
}

static int
hex_digit(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Properties.loadConvert: the escapes of one key or value; NULL for a malformed \uXXXX. */
static char *
load_convert(const unsigned char *in, size_t len)
{
	struct jstr out;
	size_t off = 0;

	jstr_init(&out);
	while (off < len) {
		unsigned c = in[off++];

		if (c == '\\' && off < len) {
			c = in[off++];
			if (c == 'u') {
				unsigned value = 0;

				if (len - off < 4) {
					jstr_free(&out);
					return NULL;
				}
				for (int k = 0; k < 4; k++) {
					int d = hex_digit(in[off++]);

					if (d < 0) {
						jstr_free(&out);
						return NULL;
					}
					value = value << 4 | (unsigned)d;
				}
				c = value;
			} else {
				c = c == 't' ? '\t' : c == 'r' ? '\r' : c == 'n' ? '\n' : c == 'f' ? '\f' : c;
			}
		}
		jstr_add(&out, c);
	}
	return jstr_steal(&out);
}

/* String.trim(): every character up to U+0020 at either end (U+0000 is C0 80 here). */
static void
java_trim(char *s)
{
	size_t start = 0, end = strlen(s);

	for (;;) {
		if (start < end && (unsigned char)s[start] <= ' ')
			start++;
		else if (end - start >= 2 && (unsigned char)s[start] == 0xC0 &&
			 (unsigned char)s[start + 1] == 0x80)
			start += 2;
		else
			break;
	}
	for (;;) {
		if (end > start && (unsigned char)s[end - 1] <= ' ')
			end--;
		else if (end - start >= 2 && (unsigned char)s[end - 2] == 0xC0 &&
			 (unsigned char)s[end - 1] == 0x80)
			end -= 2;
		else
			break;
	}
	memmove(s, s + start, end - start);
	s[end - start] = '\0';
}

/* The number of the line that holds byte off. */
static unsigned
line_number(const unsigned char *s, size_t off)
{
	unsigned line = 1;

	for (size_t i = 0; i < off; i++)
		if (s[i] == '\n' || (s[i] == '\r' && (i + 1 >= off || s[i + 1] != '\n')))
			line++;
	return line;
}

int
props_parse(const char *s, size_t n, struct kvlist *out, struct msg *err)
{
	struct line_reader lr = { (const unsigned char *)s, n, 0, false, { 0 }, 0 };
	int rc = 0;

	buf_init(&lr.line);
	while (read_line(&lr) == 0) {
		const unsigned char *l = (const unsigned char *)lr.line.data;
		size_t limit = lr.line.len, key_len = 0, value_start = limit;
		bool has_sep = false, backslash = false;
		char *key, *value;

		/* Properties.load0: where the key ends and the value begins. */
		while (key_len < limit) {
			unsigned char c = l[key_len];

			if ((c == '=' || c == ':') && !backslash) {
				value_start = key_len + 1;
				has_sep = true;
				break;
			} else if (is_prop_blank(c) && !backslash) {
				value_start = key_len + 1;
				break;
			}
			backslash = c == '\\' ? !backslash : false;
			key_len++;
		}
		while (value_start < limit) {
			unsigned char c = l[value_start];

			if (!is_prop_blank(c)) {
				if (!has_sep && (c == '=' || c == ':'))
					has_sep = true;
				else
					break;
			}
			value_start++;
		}
		key = load_convert(l, key_len);
		value = key != NULL ? load_convert(l + value_start, limit - value_start) : NULL;
		if (value == NULL) {
			free(key);
			rc = msg_set(err, _("line %u: a malformed \\uXXXX escape: Java refuses the "
					    "whole file (\"Malformed \\uxxxx encoding.\")"),
				     line_number(lr.s, lr.start));
			break;
		}
		java_trim(value);
		kv_put(out, key, value);
		free(key);
		secure_free_str(value);
	}
	buf_free_secure(&lr.line);
	return rc;
}

/* ------------------------------------------------------------ argument files */

static bool
is_arg_blank(char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f';
}

/* The parts of a word that quotes and escapes cut into pieces (JLI_List parts). */
struct parts {
	struct buf text;
	size_t count;
};

static void
parts_add(struct parts *p, const char *s, size_t len)
{
	buf_add(&p->text, s, len);
	p->count++;
}

/* The word as the launcher's C string: cut at a NUL, as the launcher's strings are. */
static void
push_word(struct strlist *out, struct parts *p)
{
	strlist_push(out, p->text.data != NULL ? p->text.data : "");
	if (p->text.data != NULL)
		secure_wipe(p->text.data, p->text.len);
	p->text.len = 0;
	p->count = 0;
}

enum arg_state { FIND_NEXT, IN_COMMENT, IN_QUOTE, IN_ESCAPE, SKIP_LEAD_WS, IN_TOKEN };

void
argfile_parse(const char *s, size_t n, struct strlist *out)
{
	enum arg_state state = FIND_NEXT;
	struct parts parts = { { 0 }, 0 };
	size_t anchor = 0, i;
	char quote = 0;

	buf_init(&parts.text);
	/* The JDK's nextToken() over the whole file (its 4 KiB chunks change nothing). */
	for (i = 0; i < n; i++) {
		char ch = s[i];

		if (state == FIND_NEXT || state == SKIP_LEAD_WS) {
			while (is_arg_blank(ch)) {
				if (++i >= n)
					goto end;
				ch = s[i];
			}
			state = state == FIND_NEXT ? IN_TOKEN : IN_QUOTE;
			anchor = i;
		} else if (state == IN_ESCAPE) {
			if (ch == '\n' || ch == '\r') {
				state = SKIP_LEAD_WS;
			} else {
				char e = ch == 'n' ? '\n' : ch == 'r' ? '\r' : ch == 't' ? '\t'
					: ch == 'f' ? '\f' : ch;

				parts_add(&parts, &e, 1);
				state = IN_QUOTE;
			}
			anchor = i + 1;
			continue;
		} else if (state == IN_COMMENT) {
			while (ch != '\n' && ch != '\r') {
				if (++i >= n)
					goto end;
				ch = s[i];
			}
			anchor = i + 1;
			state = FIND_NEXT;
			continue;
		}
		switch (ch) {
		case ' ':
		case '\t':
		case '\f':
			if (state == IN_QUOTE)
				continue;
			/* fall through */
		case '\n':
		case '\r':
			parts_add(&parts, s + anchor, i - anchor);
			push_word(out, &parts);
			state = FIND_NEXT;
			break;
		case '#':
			if (state == IN_QUOTE)
				continue;
			state = IN_COMMENT;
			anchor = i + 1;
			break;
		case '\\':
			if (state != IN_QUOTE)
				continue;
			parts_add(&parts, s + anchor, i - anchor);
			state = IN_ESCAPE;
			anchor = i + 1;
			break;
		case '\'':
		case '"':
			if (state == IN_QUOTE && quote != ch)
				continue;
			if (anchor != i)
				parts_add(&parts, s + anchor, i - anchor);
			anchor = i + 1;
			if (state == IN_TOKEN) {
				quote = ch;
				state = IN_QUOTE;
			} else {
				state = IN_TOKEN;
			}
			break;
		default:
			break;
		}
	}
	if ((state == IN_TOKEN || state == IN_QUOTE) && anchor < n)
		parts_add(&parts, s + anchor, n - anchor);
end:
	/* readArgFile: what is left of a word counts only if some part of it was kept. */
	if ((state == IN_TOKEN || state == IN_QUOTE) && parts.count != 0)
		push_word(out, &parts);
	buf_free_secure(&parts.text);
}

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

/* ------------------------------------------------------------ JAAS */

/* java.io.StreamTokenizer as Kafka's JaasConfig sets it up. */
#define TT_EOF (-1)
#define TT_WORD (-3)
#define NEED_CHAR INT_MAX
#define CT_WHITESPACE 1
#define CT_ALPHA 4
#define CT_QUOTE 8
#define CT_COMMENT 16

struct tokenizer {
	const unsigned char *s;
	size_t n, i;
	unsigned low;
	int peekc;
	int ttype;
	bool has_sval;
	struct jstr sval;
};

/*
 * resetSyntax(); wordChars(32, 128); wordChars(128 + 32, 255);
 * ordinaryChar(';'); ordinaryChar('='); whitespaceChars(0, ' ');
 * commentChar('/'); quoteChar('"'); quoteChar('\'').
 */
static int
ctype_of(int c)
{
	if (c < 0 || c <= ' ')
		return CT_WHITESPACE;
	if (c >= 256)
		return CT_ALPHA;
	if (c == ';' || c == '=')
		return 0;
	if (c == '/')
		return CT_COMMENT;
	if (c == '"' || c == '\'')
		return CT_QUOTE;
	if (c <= 128 || c >= 160)
		return CT_ALPHA;
	return 0;
}

static int
tk_read(struct tokenizer *t)
{
	return next_unit(t->s, t->n, &t->i, &t->low);
}

static void
tk_sval(struct tokenizer *t)
{
	jstr_free(&t->sval);
	jstr_init(&t->sval);
	t->has_sval = true;
}

/* StreamTokenizer.nextToken() (no numbers, line ends not significant). */
static int
tk_next(struct tokenizer *t)
{
	for (;;) {
		int c = t->peekc, ct;

		t->has_sval = false;
		if (c < 0)
			c = NEED_CHAR;
		if (c == NEED_CHAR) {
			c = tk_read(t);
			if (c < 0)
				return t->ttype = TT_EOF;
		}
		t->ttype = c;
		t->peekc = NEED_CHAR;
		ct = ctype_of(c);
		while ((ct & CT_WHITESPACE) != 0) {
			if (c == '\r') {
				c = tk_read(t);
				if (c == '\n')
					c = tk_read(t);
			} else {
				c = tk_read(t);
			}
			if (c < 0)
				return t->ttype = TT_EOF;
			ct = ctype_of(c);
		}
		if ((ct & CT_ALPHA) != 0) {
			tk_sval(t);
			do {
				jstr_add(&t->sval, (unsigned)c);
				c = tk_read(t);
				ct = ctype_of(c);
			} while ((ct & CT_ALPHA) != 0);
			t->peekc = c;
			return t->ttype = TT_WORD;
		}
		if ((ct & CT_QUOTE) != 0) {
			int d = tk_read(t);

			t->ttype = c;
			tk_sval(t);
			while (d >= 0 && d != t->ttype && d != '\n' && d != '\r') {
				if (d == '\\') {
					int first;

					c = tk_read(t);
					first = c;
					if (c >= '0' && c <= '7') {
						int c2 = tk_read(t);

						c -= '0';
						if (c2 >= '0' && c2 <= '7') {
							c = (c << 3) + (c2 - '0');
							c2 = tk_read(t);
							if (c2 >= '0' && c2 <= '7' && first <= '3') {
								c = (c << 3) + (c2 - '0');
								d = tk_read(t);
							} else {
								d = c2;
							}
						} else {
							d = c2;
						}
					} else {
						c = c == 'a' ? 7 : c == 'b' ? '\b' : c == 'f' ? '\f'
							: c == 'n' ? '\n' : c == 'r' ? '\r'
							: c == 't' ? '\t' : c == 'v' ? 0x0B : c;
						d = tk_read(t);
					}
				} else {
					c = d;
					d = tk_read(t);
				}
				/* (char)c: the end of the text after a backslash is U+FFFF */
				jstr_add(&t->sval, (unsigned)c & 0xFFFF);
			}
			t->peekc = d == t->ttype ? NEED_CHAR : d;
			return t->ttype;
		}
		if (c == '/') {
			c = tk_read(t);
			if (c == '*') {
				int prevc = 0;

				while ((c = tk_read(t)) != '/' || prevc != '*') {
					if (c == '\r') {
						c = tk_read(t);
						if (c == '\n')
							c = tk_read(t);
					} else if (c == '\n') {
						c = tk_read(t);
					}
					if (c < 0)
						return t->ttype = TT_EOF;
					prevc = c;
				}
				continue;
			}
			/* "//" and, as '/' is a comment character, "/" alone: to the line end */
			while ((c = tk_read(t)) != '\n' && c != '\r' && c >= 0)
				;
			t->peekc = c;
			continue;
		}
		return t->ttype = c;
	}
}

static char *
tk_take(struct tokenizer *t)
{
	if (!t->has_sval)
		return NULL;
	t->has_sval = false;
	return jstr_steal(&t->sval);
}

/* Locale.ROOT upper case, as far as it can make a control flag of non-ASCII letters. */
static char *
flag_upper(const char *flag)
{
	static const struct {
		unsigned cp;
		const char *upper;
	} special[] = {
		{ 0x131, "I" }, { 0x17F, "S" }, { 0xFB00, "FF" }, { 0xFB01, "FI" }, { 0xFB02, "FL" },
		{ 0xFB03, "FFI" }, { 0xFB04, "FFL" }, { 0xFB05, "ST" }, { 0xFB06, "ST" },
	};
	const unsigned char *s = (const unsigned char *)flag;
	size_t n = strlen(flag), i = 0;
	unsigned low = 0;
	struct buf b;
	int u;

	buf_init(&b);
	buf_adds(&b, "");
	while ((u = next_unit(s, n, &i, &low)) >= 0) {
		size_t k;

		for (k = 0; k < ARRAY_SIZE(special); k++)
			if ((unsigned)u == special[k].cp)
				break;
		if (k < ARRAY_SIZE(special))
			buf_adds(&b, special[k].upper);
		else if (u >= 'a' && u <= 'z')
			buf_addc(&b, (char)(u - 'a' + 'A'));
		else if (u < 0x80)
			buf_addc(&b, (char)u);
		else
			buf_addc(&b, '?'); /* no flag holds it */
	}
	return buf_steal(&b, NULL);
}

static void
entry_free(struct jaas_entry *e)
{
	free(e->module);
	free(e->flag);
	for (size_t i = 0; i < e->noptions; i++) {
		free(e->options[i].key);
		secure_free_str(e->options[i].value);
	}
	free(e->options);
	memset(e, 0, sizeof *e);
}

static void
entry_put(struct jaas_entry *e, char *key, char *value)
{
	for (size_t i = 0; i < e->noptions; i++) {
		struct jaas_option *o = &e->options[i];

		if ((o->key == NULL && key == NULL) ||
		    (o->key != NULL && key != NULL && strcmp(o->key, key) == 0)) {
			free(key);
			secure_free_str(o->value);
			o->value = value;
			return;
		}
	}
	e->options = xrealloc(e->options, (e->noptions + 1) * sizeof *e->options);
	e->options[e->noptions].key = key;
	e->options[e->noptions].value = value;
	e->noptions++;
}

/*
 * JaasConfig.parseAppConfigurationEntry: one module; the tokenizer is at its
 * name.  The messages are Kafka's own words, as its log shows them.
 */
static int
parse_entry(struct tokenizer *t, struct jaas_entry *e, struct msg *err)
{
	char *flag;

	e->module = tk_take(t);
	if (tk_next(t) == TT_EOF)
		return msg_set(err, "Login module control flag not specified in JAAS config");
	flag = tk_take(t);
	if (flag == NULL)
		return msg_set(err, "Login module control flag is not available in the JAAS config");
	e->flag = flag_upper(flag);
	if (strcmp(e->flag, "REQUIRED") != 0 && strcmp(e->flag, "REQUISITE") != 0 &&
	    strcmp(e->flag, "SUFFICIENT") != 0 && strcmp(e->flag, "OPTIONAL") != 0) {
		msg_set(err, "Invalid login module control flag '%s' in JAAS config", flag);
		free(flag);
		return -1;
	}
	free(flag);
	while (tk_next(t) != TT_EOF && t->ttype != ';') {
		char *key = tk_take(t), *value;

		if (tk_next(t) != '=' || tk_next(t) == TT_EOF || !t->has_sval) {
			msg_set(err, "Value not specified for key '%s' in JAAS config",
				key != NULL ? key : "null");
			free(key);
			return -1;
		}
		value = tk_take(t);
		entry_put(e, key, value);
	}
	if (t->ttype != ';')
		return msg_set(err, "JAAS config entry not terminated by semi-colon");
	if (e->module == NULL || e->module[0] == '\0')
		return msg_set(err, "Invalid null or empty login module name");
	return 0;
}

int
jaas_parse(const char *text, struct jaas_config *out, struct msg *err)
{
	struct tokenizer t;
	int rc = 0;

	memset(&t, 0, sizeof t);
	t.s = (const unsigned char *)text;
	t.n = strlen(text);
	t.peekc = NEED_CHAR;
	jstr_init(&t.sval);
	memset(out, 0, sizeof *out);
	while (tk_next(&t) != TT_EOF) {
		struct jaas_entry e = { 0 };

		if (parse_entry(&t, &e, err) != 0) {
			entry_free(&e);
			rc = -1;
			break;
		}
		out->entries = xrealloc(out->entries, (out->count + 1) * sizeof *out->entries);
		out->entries[out->count++] = e;
	}
	if (rc == 0 && out->count == 0)
		rc = msg_set(err, "Login module not specified in JAAS config");
	jstr_free(&t.sval);
	return rc;
}

const char *
jaas_option(const struct jaas_entry *e, const char *key)
{
	for (size_t i = 0; i < e->noptions; i++)
		if (e->options[i].key != NULL && strcmp(e->options[i].key, key) == 0)
			return e->options[i].value;
	return NULL;
}

void
jaas_free(struct jaas_config *c)
{
	for (size_t i = 0; i < c->count; i++)
		entry_free(&c->entries[i]);
	free(c->entries);
	memset(c, 0, sizeof *c);
}
