#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "decode.h"

/* ------------------------------------------------------------- UTF-16/UTF-8 */

static void
u16_add(struct u16 *s, unsigned short c)
{
	if (s->len == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		s->v = xrealloc(s->v, s->cap * sizeof *s->v);
	}
	s->v[s->len++] = c;
}

void
u16_free(struct u16 *s)
{
	free(s->v);
	memset(s, 0, sizeof *s);
}

bool
u16_to_utf8(const struct u16 *s, struct buf *out)
{
	for (size_t i = 0; i < s->len; i++) {
		unsigned long cp = s->v[i];

		if (cp >= 0xd800 && cp <= 0xdbff) {
			if (i + 1 >= s->len || s->v[i + 1] < 0xdc00 || s->v[i + 1] > 0xdfff)
				return false;
			cp = 0x10000 + ((cp - 0xd800) << 10) + (s->v[i + 1] - 0xdc00UL);
			i++;
		} else if (cp >= 0xdc00 && cp <= 0xdfff) {
			return false;
		}
		if (cp < 0x80) {
			buf_addc(out, (char)cp);
		} else if (cp < 0x800) {
			buf_addc(out, (char)(0xc0 | cp >> 6));
			buf_addc(out, (char)(0x80 | (cp & 0x3f)));
		} else if (cp < 0x10000) {
			buf_addc(out, (char)(0xe0 | cp >> 12));
			buf_addc(out, (char)(0x80 | (cp >> 6 & 0x3f)));
			buf_addc(out, (char)(0x80 | (cp & 0x3f)));
		} else {
			buf_addc(out, (char)(0xf0 | cp >> 18));
			buf_addc(out, (char)(0x80 | (cp >> 12 & 0x3f)));
			buf_addc(out, (char)(0x80 | (cp >> 6 & 0x3f)));
			buf_addc(out, (char)(0x80 | (cp & 0x3f)));
		}
	}
	if (out->data == NULL)
		buf_add(out, "", 0);
	return true;
}

/* The code point at s (RFC 3629: shortest form, no surrogates); 0 when malformed. */
static size_t
utf8_one(const unsigned char *s, size_t left, unsigned long *cp)
{
	size_t n;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, *cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, *cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, *cp = s[0] & 0x07;
	else
		return 0;
	if (n > left)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = *cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && *cp < 0x800) || (n == 4 && (*cp < 0x10000 || *cp > 0x10ffff)) ||
	    (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return n;
}

bool
utf8_to_u16(const char *text, size_t len, struct u16 *out)
{
	const unsigned char *s = (const unsigned char *)text;

	while (len > 0) {
		unsigned long cp;
		size_t n = utf8_one(s, len, &cp);

		if (n == 0)
			return false;
		if (cp >= 0x10000) {
			u16_add(out, (unsigned short)(0xd800 + ((cp - 0x10000) >> 10)));
			u16_add(out, (unsigned short)(0xdc00 + ((cp - 0x10000) & 0x3ff)));
		} else {
			u16_add(out, (unsigned short)cp);
		}
		s += n;
		len -= n;
	}
	return true;
}

bool
utf8_valid(const char *text, size_t len)
{
	struct u16 tmp = { 0 };
	bool ok = utf8_to_u16(text, len, &tmp);

	u16_free(&tmp);
	return ok;
}

/* ------------------------------------------------- java.util.Properties.load */

/* A logical line: its characters (ISO-8859-1) and where each came from. */
struct line {
	unsigned short *c;
	size_t *at;
	size_t len, cap;
};

static void
line_add(struct line *l, unsigned short c, size_t at)
{
	if (l->len == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 128;
		l->c = xrealloc(l->c, l->cap * sizeof *l->c);
		l->at = xrealloc(l->at, l->cap * sizeof *l->at);
	}
	l->c[l->len] = c;
	l->at[l->len++] = at;
}

/* Properties.LineReader.readLine(): -1 at the end. */
static int
read_line(const unsigned char *text, size_t len, size_t *pos, struct line *l)
{
	bool skip_ws = true, comment = false, new_line = true, appended = false;
	bool backslash = false, skip_lf = false;

	l->len = 0;
	while (*pos < len) {
		unsigned char c = text[*pos];
		size_t at = (*pos)++;

		if (skip_lf) {
			skip_lf = false;
			if (c == '\n')
				continue;
		}
		if (skip_ws) {
			if (c == ' ' || c == '\t' || c == '\f')
				continue;
			if (!appended && (c == '\r' || c == '\n'))
				continue;
			skip_ws = false;
			appended = false;
		}
		if (new_line) {
			new_line = false;
			if (c == '#' || c == '!') {
				comment = true;
				continue;
			}
		}
		if (c != '\n' && c != '\r') {
			line_add(l, c, at);
			backslash = c == '\\' ? !backslash : false;
			continue;
		}
		if (comment || l->len == 0) {
			comment = false;
			new_line = true;
			skip_ws = true;
			l->len = 0;
			continue;
		}
		if (backslash) {
			l->len--;
			skip_ws = true;
			appended = true;
			backslash = false;
			if (c == '\r')
				skip_lf = true;
			continue;
		}
		if (c == '\r')
			skip_lf = true;
		/* A \r\n pair: the \n is skipped on the next call. */
		if (skip_lf && *pos < len && text[*pos] == '\n')
			(*pos)++;
		return (int)l->len;
	}
	if (l->len == 0 || comment)
		return -1;
	if (backslash)
		l->len--;
	return (int)l->len;
}

static int
hex(unsigned short c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Properties.loadConvert(). */
static bool
load_convert(const struct line *l, size_t from, size_t to, struct u16 *out)
{
	for (size_t i = from; i < to;) {
		unsigned short c = l->c[i++];

		if (c != '\\') {
			u16_add(out, c);
			continue;
		}
		if (i >= to)
			break;
		c = l->c[i++];
		if (c == 'u') {
			unsigned v = 0;

			if (to - i < 4)
				return false;
			for (int k = 0; k < 4; k++) {
				int h = hex(l->c[i++]);

				if (h < 0)
					return false;
				v = v << 4 | (unsigned)h;
			}
			u16_add(out, (unsigned short)v);
		} else {
			u16_add(out, c == 't' ? '\t' : c == 'r' ? '\r' : c == 'n' ? '\n' :
				     c == 'f' ? '\f' : c);
		}
	}
	return true;
}

/* String.trim(): every char up to U+0020 off both ends. */
static void
u16_trim(struct u16 *s)
{
	size_t a = 0, b = s->len;

	if (s->len == 0)
		return;
	while (a < b && s->v[a] <= ' ')
		a++;
	while (b > a && s->v[b - 1] <= ' ')
		b--;
	memmove(s->v, s->v + a, (b - a) * sizeof *s->v);
	s->len = b - a;
}

bool
props_load(const char *text, size_t len, struct props *out)
{
	struct line l = { 0 };
	size_t pos = 0;
	bool ok = true;
	int n;

	memset(out, 0, sizeof *out);
	while (ok && (n = read_line((const unsigned char *)text, len, &pos, &l)) >= 0) {
		size_t limit = (size_t)n, key_len = 0, value_start = limit;
		bool sep = false, backslash = false;
		struct u16 key = { 0 }, value = { 0 };
		struct buf k, v;
		struct prop *p;

		while (key_len < limit) {
			unsigned short c = l.c[key_len];

			if ((c == '=' || c == ':') && !backslash) {
				value_start = key_len + 1;
				sep = true;
				break;
			}
			if ((c == ' ' || c == '\t' || c == '\f') && !backslash) {
				value_start = key_len + 1;
				break;
			}
			backslash = c == '\\' ? !backslash : false;
			key_len++;
		}
		while (value_start < limit) {
			unsigned short c = l.c[value_start];

			if (c != ' ' && c != '\t' && c != '\f') {
				if (!sep && (c == '=' || c == ':'))
					sep = true;
				else
					break;
			}
			value_start++;
		}
		buf_init(&k);
		buf_init(&v);
		ok = load_convert(&l, 0, key_len, &key) && load_convert(&l, value_start, limit, &value);
		u16_trim(&value);
		ok = ok && u16_to_utf8(&key, &k) && u16_to_utf8(&value, &v);
		if (ok) {
			out->items = xrealloc(out->items, (out->len + 1) * sizeof *out->items);
			p = &out->items[out->len++];
			p->key = buf_steal(&k, NULL);
			p->value = buf_steal(&v, NULL);
			p->value_at = value_start < limit ? l.at[value_start] : (limit ? l.at[limit - 1] + 1 : 0);
			p->value_end = limit ? l.at[limit - 1] + 1 : p->value_at;
		}
		buf_free(&k);
		buf_free(&v);
		u16_free(&key);
		u16_free(&value);
	}
	free(l.c);
	free(l.at);
	if (!ok)
		props_free(out);
	return ok;
}

const struct prop *
props_find(const struct props *ps, const char *key)
{
	/* load() keeps the last of repeated keys. */
	for (size_t i = ps->len; i-- > 0;)
		if (strcmp(ps->items[i].key, key) == 0)
			return &ps->items[i];
	return NULL;
}

void
props_free(struct props *ps)
{
	for (size_t i = 0; i < ps->len; i++) {
		free(ps->items[i].key);
		free(ps->items[i].value);
	}
	free(ps->items);
	memset(ps, 0, sizeof *ps);
}

/* ------------------------------------- StreamTokenizer as JaasConfig sets it up */

enum { TT_EOF = -1, TT_WORD = -3, TT_NUMBER = -2 };
enum { CT_WS = 1, CT_DIGIT = 2, CT_ALPHA = 4, CT_QUOTE = 8, CT_COMMENT = 16 };

struct tok {
	const struct u16 *in;
	size_t pos;
	int ttype;
	struct u16 sval;
	bool has_sval;
};

static int
ctype(int c)
{
	int t = 0;

	if (c >= 256)
		return CT_ALPHA;
	if (c <= ' ')
		t |= CT_WS;
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 128 + 32)
		t |= CT_ALPHA;
	if ((c >= '0' && c <= '9') || c == '.' || c == '-')
		t |= CT_DIGIT;
	if (c == '-' || c == '_' || c == '$')
		t |= CT_ALPHA;  /* JaasConfig: wordChars('-'), ('_'), ('$') */
	if (c == '"' || c == '\'')
		t |= CT_QUOTE;
	if (c == '/')
		t |= CT_COMMENT;
	return t;
}

static int
tok_read(struct tok *t)
{
	return t->pos < t->in->len ? t->in->v[t->pos++] : -1;
}

static void
tok_unread(struct tok *t, int c)
{
	if (c >= 0)
		t->pos--;
}

/* StreamTokenizer.nextToken() for the settings JaasConfig uses. */
static int
tok_next(struct tok *t)
{
	int c;

	t->sval.len = 0;
	t->has_sval = false;
	for (;;) {
		c = tok_read(t);
		if (c < 0)
			return t->ttype = TT_EOF;
		if (ctype(c) & CT_WS)
			continue;
		if (c == '/') {
			int d = tok_read(t);

			if (d == '*') {
				int prev = 0;

				while ((d = tok_read(t)) >= 0 && !(prev == '*' && d == '/'))
					prev = d;
				if (d < 0)
					return t->ttype = TT_EOF;
				continue;
			}
			if (d == '/') {
				while ((d = tok_read(t)) >= 0 && d != '\n' && d != '\r')
					;
				continue;
			}
			tok_unread(t, d);
			/* A lone '/' is a comment character: the rest of the line goes. */
			while ((d = tok_read(t)) >= 0 && d != '\n' && d != '\r')
				;
			continue;
		}
		break;
	}
	if (ctype(c) & CT_DIGIT) {
		/* Numbers carry no sval; JaasConfig refuses them as keys and values. */
		if (c == '-') {
			int d = tok_read(t);

			tok_unread(t, d);
			if (d != '.' && (d < '0' || d > '9'))
				return t->ttype = '-';
		}
		while ((c = tok_read(t)) >= 0 && ((c >= '0' && c <= '9') || c == '.'))
			;
		tok_unread(t, c);
		return t->ttype = TT_NUMBER;
	}
	if (ctype(c) & CT_ALPHA) {
		do {
			u16_add(&t->sval, (unsigned short)c);
			c = tok_read(t);
		} while (c >= 0 && (ctype(c) & (CT_ALPHA | CT_DIGIT)));
		tok_unread(t, c);
		t->has_sval = true;
		return t->ttype = TT_WORD;
	}
	if (ctype(c) & CT_QUOTE) {
		int quote = c, d = tok_read(t);

		while (d >= 0 && d != quote && d != '\n' && d != '\r') {
			if (d == '\\') {
				int first;

				c = tok_read(t);
				first = c;
				if (c >= '0' && c <= '7') {
					int c2 = tok_read(t);

					c -= '0';
					if (c2 >= '0' && c2 <= '7') {
						c = (c << 3) + (c2 - '0');
						c2 = tok_read(t);
						if (c2 >= '0' && c2 <= '7' && first <= '3') {
							c = (c << 3) + (c2 - '0');
							d = tok_read(t);
						} else {
							d = c2;
						}
					} else {
						d = c2;
					}
				} else {
					switch (c) {
					case 'a': c = 7; break;
					case 'b': c = '\b'; break;
					case 'f': c = 0xc; break;
					case 'n': c = '\n'; break;
					case 'r': c = '\r'; break;
					case 't': c = '\t'; break;
					case 'v': c = 0xb; break;
					}
					d = tok_read(t);
				}
			} else {
				c = d;
				d = tok_read(t);
			}
			if (c < 0)
				break;
			u16_add(&t->sval, (unsigned short)c);
		}
		if (d != quote)
			tok_unread(t, d);
		t->has_sval = true;
		return t->ttype = quote;
	}
	return t->ttype = c;
}

char *
jaas_option(const char *config, const char *key)
{
	struct u16 in = { 0 }, want = { 0 };
	struct tok t = { 0 };
	char *found = NULL;
	bool ok = false;

	if (!utf8_to_u16(config, strlen(config), &in) || !utf8_to_u16(key, strlen(key), &want))
		goto done;
	t.in = &in;
	/* Exactly one entry: module, control flag, options, ';'. */
	if (tok_next(&t) != TT_WORD || tok_next(&t) != TT_WORD)
		goto done;
	while (tok_next(&t) != TT_EOF && t.ttype != ';') {
		struct u16 k = { 0 };
		bool match;

		if (!t.has_sval)
			goto done;
		for (size_t i = 0; i < t.sval.len; i++)
			u16_add(&k, t.sval.v[i]);
		if (tok_next(&t) != '=' || tok_next(&t) == TT_EOF || !t.has_sval) {
			u16_free(&k);
			goto done;
		}
		match = k.len == want.len && (k.len == 0 || memcmp(k.v, want.v, k.len * sizeof *k.v) == 0);
		u16_free(&k);
		if (match) {
			struct buf b;

			buf_init(&b);
			free(found);
			found = u16_to_utf8(&t.sval, &b) ? buf_steal(&b, NULL) : NULL;
			buf_free(&b);
		}
	}
	ok = t.ttype == ';' && tok_next(&t) == TT_EOF;
done:
	u16_free(&in);
	u16_free(&want);
	u16_free(&t.sval);
	if (!ok) {
		free(found);
		found = NULL;
	}
	return found;
}

/* -------------------------------------------- the JDK 11 launcher's @argfile */

bool
argfile_split(const char *text, size_t len, struct strlist *out)
{
	enum { FIND_NEXT, IN_TOKEN, IN_QUOTE, IN_ESCAPE, SKIP_LEAD_WS, IN_COMMENT } state = FIND_NEXT;
	struct buf tok;
	char quote = 0;
	bool have = false;

	buf_init(&tok);
	for (size_t i = 0; i < len; i++) {
		char c = text[i];
		bool ws = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';

		switch (state) {
		case IN_COMMENT:
			if (c == '\n' || c == '\r')
				state = FIND_NEXT;
			continue;
		case SKIP_LEAD_WS:
			if (ws)
				continue;
			state = IN_QUOTE;
			break;
		case IN_ESCAPE:
			state = IN_QUOTE;
			switch (c) {
			case 'n': buf_addc(&tok, '\n'); continue;
			case 'r': buf_addc(&tok, '\r'); continue;
			case 't': buf_addc(&tok, '\t'); continue;
			case 'f': buf_addc(&tok, '\f'); continue;
			case '\n':
			case '\r':
				state = SKIP_LEAD_WS;
				continue;
			default:
				buf_addc(&tok, c);
				continue;
			}
		case FIND_NEXT:
			if (ws)
				continue;
			state = IN_TOKEN;
			have = true;
			break;
		default:
			break;
		}
		if (state == IN_QUOTE) {
			if (c == '\\')
				state = IN_ESCAPE;
			else if (c == quote)
				state = IN_TOKEN;
			else
				buf_addc(&tok, c);
			continue;
		}
		/* IN_TOKEN */
		if (ws || c == '#') {
			if (have) {
				buf_addc(&tok, '\0');
				strlist_push(out, tok.data);
				tok.len = 0;
				have = false;
			}
			state = c == '#' ? IN_COMMENT : FIND_NEXT;
		} else if (c == '"' || c == '\'') {
			quote = c;
			state = IN_QUOTE;
		} else {
			buf_addc(&tok, c);
		}
	}
	if (state == IN_QUOTE || state == IN_ESCAPE || state == SKIP_LEAD_WS) {
		buf_free(&tok);
		return false;   /* the launcher reports an unterminated quote */
	}
	if (have) {
		buf_addc(&tok, '\0');
		strlist_push(out, tok.data);
	}
	buf_free(&tok);
	return true;
}

/* ------------------------------------------------------------- one sh word */

bool
sh_word(const char *text, size_t len, struct buf *out)
{
	size_t i = 0;

	while (i < len) {
		char c = text[i++];

		if (c == '\'') {
			while (i < len && text[i] != '\'')
				buf_addc(out, text[i++]);
			if (i >= len)
				return false;
			i++;
		} else if (c == '\\') {
			if (i >= len)
				return false;
			if (text[i] != '\n')
				buf_addc(out, text[i]);
			i++;
		} else if (c == '"') {
			while (i < len && text[i] != '"') {
				if (text[i] == '$' || text[i] == '`')
					return false;   /* an expansion: not a constant word */
				if (text[i] == '\\' && i + 1 < len && strchr("$`\"\\\n", text[i + 1]))
					i++;
				buf_addc(out, text[i++]);
			}
			if (i >= len)
				return false;
			i++;
		} else if (strchr(" \t\n;&|<>()$`*?[#~", c) != NULL) {
			return false;   /* a separator, an expansion or a pattern */
		} else {
			buf_addc(out, c);
		}
	}
	if (out->data == NULL)
		buf_add(out, "", 0);
	return true;
}
