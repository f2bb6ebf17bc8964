#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "buildtree.h"
#include "fsutil.h"
#include "i18n.h"
#include "template.h"

enum tnode_type {
	TNODE_TEXT,
	TNODE_VALUE,
	TNODE_EACH,
	TNODE_IF,
};

enum filter {
	FILTER_RAW,
	FILTER_PROP,
	FILTER_JAAS,
	FILTER_SH,
	FILTER_ARGFILE,
};

#define MAX_FILTERS 4

struct tnode {
	enum tnode_type type;
	char *text;             /* literal text, or the key */
	size_t len;             /* of literal text */
	enum filter filters[MAX_FILTERS];
	size_t filter_count;
	char *var;              /* TNODE_EACH: the loop variable */
	bool negate;            /* TNODE_IF */
	struct tnode *children;
	size_t child_count;
};

struct template {
	char *name;
	struct tnode root;
};

static const struct {
	const char *name;
	enum filter filter;
} filter_names[] = {
	{ "raw", FILTER_RAW }, { "prop", FILTER_PROP }, { "jaas", FILTER_JAAS },
	{ "sh", FILTER_SH }, { "argfile", FILTER_ARGFILE },
};

/* ------------------------------------------------------------------ escaping */

static size_t
utf8_next(const unsigned char *s, unsigned long *cp)
{
	size_t len = 1;

	if (s[0] < 0x80)
		*cp = s[0];
	else if ((s[0] & 0xe0) == 0xc0 && s[1] != 0)
		*cp = ((s[0] & 0x1fUL) << 6) | (s[1] & 0x3f), len = 2;
	else if ((s[0] & 0xf0) == 0xe0 && s[1] != 0 && s[2] != 0)
		*cp = ((s[0] & 0x0fUL) << 12) | ((s[1] & 0x3fUL) << 6) | (s[2] & 0x3f), len = 3;
	else if ((s[0] & 0xf8) == 0xf0 && s[1] != 0 && s[2] != 0 && s[3] != 0)
		*cp = ((s[0] & 0x07UL) << 18) | ((s[1] & 0x3fUL) << 12) |
		      ((s[2] & 0x3fUL) << 6) | (s[3] & 0x3f), len = 4;
	else
		*cp = 0xfffd;
	return len;
}

/*
 * Java's Properties.load(InputStream) reads ISO-8859-1 with \uXXXX escapes:
 * everything outside ASCII becomes an escape (UTF-16, so surrogate pairs
 * above U+FFFF), backslashes are doubled, and leading blanks are escaped
 * because load() skips them.
 */
void
escape_prop(struct buf *out, const char *value)
{
	const unsigned char *s = (const unsigned char *)value;
	bool leading = true;

	while (*s != '\0') {
		unsigned long cp;
		size_t len = utf8_next(s, &cp);

		if (cp == '\\') {
			buf_adds(out, "\\\\");
		} else if (leading && (cp == ' ' || cp == '\t' || cp == '\f')) {
			buf_printf(out, "\\%c", (char)cp);
			leading = false;
			s += len;
			continue;
		} else if (cp < 0x20 || cp >= 0x7f) {
			if (cp > 0xffff) {
				unsigned long v = cp - 0x10000;

				buf_printf(out, "\\u%04lX\\u%04lX", 0xd800 + (v >> 10),
					   0xdc00 + (v & 0x3ff));
			} else {
				buf_printf(out, "\\u%04lX", cp);
			}
		} else {
			buf_addc(out, (char)cp);
		}
		leading = leading && (cp == ' ' || cp == '\t' || cp == '\f');
		s += len;
	}
}

/* A quoted string for java.io.StreamTokenizer as Kafka's JaasConfig sets it up. */
void
escape_jaas(struct buf *out, const char *value)
{
	buf_addc(out, '"');
	for (const char *s = value; *s != '\0'; s++) {
		if (*s == '\\' || *s == '"')
			buf_addc(out, '\\');
		buf_addc(out, *s);
	}
	buf_addc(out, '"');
}

void
escape_sh(struct buf *out, const char *value)
{
	buf_addc(out, '\'');
	for (const char *s = value; *s != '\0'; s++) {
		if (*s == '\'')
			buf_adds(out, "'\\''");
		else
			buf_addc(out, *s);
	}
	buf_addc(out, '\'');
}

/* The Java launcher's @argfile: inside double quotes only \ and " need escaping. */
void
escape_argfile(struct buf *out, const char *value)
{
	escape_jaas(out, value);
}

static void
apply_filters(const struct tnode *n, const char *value, struct buf *out)
{
	struct buf a, b;

	buf_init(&a);
	buf_init(&b);
	buf_adds(&a, value);
	for (size_t i = 0; i < n->filter_count; i++) {
		struct buf tmp;

		b.len = 0;
		switch (n->filters[i]) {
		case FILTER_RAW:
			buf_add(&b, a.data, a.len);
			break;
		case FILTER_PROP:
			escape_prop(&b, a.data);
			break;
		case FILTER_JAAS:
			escape_jaas(&b, a.data);
			break;
		case FILTER_SH:
			escape_sh(&b, a.data);
			break;
		case FILTER_ARGFILE:
			escape_argfile(&b, a.data);
			break;
		}
		if (b.data == NULL)
			buf_add(&b, "", 0);
		tmp = a;
		a = b;
		b = tmp;
	}
	buf_add(out, a.data, a.len);
	buf_free_secure(&a);
	buf_free_secure(&b);
}

/* ------------------------------------------------------------------- parsing */

struct parser {
	const char *name;
	const char *text;
	const char *pos;
	struct strlist vars;    /* bound by the caller, plus enclosing loop variables */
	struct msg *err;
};

static unsigned
line_of(const struct parser *ps, const char *at)
{
	unsigned line = 1;

	for (const char *p = ps->text; p < at; p++)
		if (*p == '\n')
			line++;
	return line;
}

static int
parse_error(const struct parser *ps, const char *at, const char *what, const char *detail)
{
	return msg_set(ps->err, _("template %s:%u: %s '%s'"), ps->name, line_of(ps, at), what,
		       detail);
}

static struct tnode *
add_child(struct tnode *parent, enum tnode_type type)
{
	struct tnode *n;

	parent->children = xrealloc(parent->children,
				    (parent->child_count + 1) * sizeof *parent->children);
	n = &parent->children[parent->child_count++];
	memset(n, 0, sizeof *n);
	n->type = type;
	return n;
}

static void
add_text(struct tnode *parent, const char *text, size_t len)
{
	struct tnode *n;

	if (len == 0)
		return;
	n = add_child(parent, TNODE_TEXT);
	n->text = xstrndup(text, len);
	n->len = len;
}

/* Checks that a key with {x} placeholders can name something. */
static int
check_key(const struct parser *ps, const char *at, const char *key, bool allow_var)
{
	struct buf sample;
	const char *p = key;
	bool ok;

	if (allow_var && strlist_contains(&ps->vars, key))
		return 0;
	buf_init(&sample);
	while (*p != '\0') {
		if (*p == '{') {
			const char *close = strchr(p, '}');
			char *inner;

			if (close == NULL) {
				buf_free(&sample);
				return parse_error(ps, at, _("unclosed { in key"), key);
			}
			inner = xstrndup(p + 1, (size_t)(close - p - 1));
			if (!strlist_contains(&ps->vars, inner) && !plan_has_key(inner)) {
				int rc = parse_error(ps, at, _("unknown variable or key"), inner);

				free(inner);
				buf_free(&sample);
				return rc;
			}
			free(inner);
			buf_adds(&sample, "x");
			p = close + 1;
		} else {
			buf_addc(&sample, *p++);
		}
	}
	ok = sample.data != NULL && plan_has_key(sample.data);
	buf_free(&sample);
	return ok ? 0 : parse_error(ps, at, _("unknown key"), key);
}

static char *
trimmed(const char *s, size_t n)
{
	while (n > 0 && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return xstrndup(s, n);
}

static int parse_nodes(struct parser *ps, struct tnode *parent, const char *closing);

static int
parse_value(struct parser *ps, struct tnode *parent, const char *at, char *inner)
{
	struct tnode *n;
	char *bar = strchr(inner, '|');
	char *key, *filters, *save = NULL, *f;

	if (bar == NULL)
		return parse_error(ps, at, _("a value needs a filter (|prop, |jaas, |sh, "
					     "|argfile or |raw)"), inner);
	key = trimmed(inner, (size_t)(bar - inner));
	if (check_key(ps, at, key, true) != 0) {
		free(key);
		return -1;
	}
	n = add_child(parent, TNODE_VALUE);
	n->text = key;
	filters = bar + 1;
	for (f = strtok_r(filters, "|", &save); f != NULL; f = strtok_r(NULL, "|", &save)) {
		char *name = trimmed(f, strlen(f));
		bool found = false;

		for (size_t i = 0; i < ARRAY_SIZE(filter_names); i++)
			if (strcmp(name, filter_names[i].name) == 0 &&
			    n->filter_count < MAX_FILTERS) {
				n->filters[n->filter_count++] = filter_names[i].filter;
				found = true;
			}
		if (!found) {
			int rc = parse_error(ps, at, _("unknown filter"), name);

			free(name);
			return rc;
		}
		free(name);
	}
	if (n->filter_count == 0)
		return parse_error(ps, at, _("a value needs a filter"), key);
	return 0;
}

/* Drops the newline after a block tag that stands alone on its line. */
static void
skip_tag_line(struct parser *ps, const char *tag_start)
{
	bool line_start = tag_start == ps->text || tag_start[-1] == '\n';

	if (line_start && *ps->pos == '\n')
		ps->pos++;
}

static int
parse_block(struct parser *ps, struct tnode *parent, const char *at, char *inner)
{
	struct tnode *n;
	int rc;

	if (str_starts_with(inner, "#each ")) {
		char *spec = inner + strlen("#each ");
		char *as = strstr(spec, " as ");
		char *list, *var;

		if (as == NULL)
			return parse_error(ps, at, _("expected {{#each LIST as VAR}}"), inner);
		list = trimmed(spec, (size_t)(as - spec));
		var = trimmed(as + 4, strlen(as + 4));
		if (check_key(ps, at, list, false) != 0) {
			free(list);
			free(var);
			return -1;
		}
		n = add_child(parent, TNODE_EACH);
		n->text = list;
		n->var = var;
		skip_tag_line(ps, at);
		strlist_push(&ps->vars, var);
		rc = parse_nodes(ps, n, "/each");
		/* The loop variable goes out of scope. */
		free(ps->vars.items[--ps->vars.len]);
		return rc;
	}
	if (str_starts_with(inner, "#if ")) {
		char *key = trimmed(inner + 4, strlen(inner + 4));
		bool negate = key[0] == '!';

		if (negate)
			memmove(key, key + 1, strlen(key));
		if (check_key(ps, at, key, true) != 0) {
			free(key);
			return -1;
		}
		n = add_child(parent, TNODE_IF);
		n->text = key;
		n->negate = negate;
		skip_tag_line(ps, at);
		return parse_nodes(ps, n, "/if");
	}
	return parse_error(ps, at, _("unknown block"), inner);
}

/* Parses until the closing tag (or the end when closing is NULL). */
static int
parse_nodes(struct parser *ps, struct tnode *parent, const char *closing)
{
	for (;;) {
		const char *open = strstr(ps->pos, "{{");
		const char *close;
		char *inner;
		int rc;

		if (open == NULL) {
			add_text(parent, ps->pos, strlen(ps->pos));
			ps->pos += strlen(ps->pos);
			if (closing != NULL)
				return parse_error(ps, ps->pos, _("missing"), closing);
			return 0;
		}
		add_text(parent, ps->pos, (size_t)(open - ps->pos));
		close = strstr(open + 2, "}}");
		if (close == NULL)
			return parse_error(ps, open, _("unclosed tag"), "{{");
		/* A key's own {x} may end right before the tag's }}: take the last }}. */
		while (close[2] == '}')
			close++;
		inner = trimmed(open + 2, (size_t)(close - open - 2));
		ps->pos = close + 2;
		if (inner[0] == '/') {
			if (closing == NULL || strcmp(inner, closing) != 0)
				rc = parse_error(ps, open, _("unexpected"), inner);
			else {
				skip_tag_line(ps, open);
				free(inner);
				return 0;
			}
		} else if (inner[0] == '#') {
			rc = parse_block(ps, parent, open, inner);
		} else {
			rc = parse_value(ps, parent, open, inner);
		}
		free(inner);
		if (rc != 0)
			return rc;
	}
}

static void
free_node(struct tnode *n)
{
	for (size_t i = 0; i < n->child_count; i++)
		free_node(&n->children[i]);
	free(n->children);
	free(n->text);
	free(n->var);
}

void
template_free(struct template *t)
{
	if (t == NULL)
		return;
	free_node(&t->root);
	free(t->name);
	free(t);
}

int
template_parse(const char *name, const char *text, const char *const *vars,
	       struct template **out, struct msg *err)
{
	struct template *t = xcalloc(1, sizeof *t);
	struct parser ps = { .name = name, .text = text, .pos = text, .err = err };
	int rc;

	for (size_t i = 0; vars != NULL && vars[i] != NULL; i++)
		strlist_push(&ps.vars, vars[i]);
	t->name = xstrdup(name);
	rc = parse_nodes(&ps, &t->root, NULL);
	strlist_free(&ps.vars);
	if (rc != 0) {
		template_free(t);
		return -1;
	}
	*out = t;
	return 0;
}

/* ----------------------------------------------------------------- rendering */

struct scope {
	const struct template_var *vars;
	size_t var_count;
	struct scope_var {
		const char *name;
		const char *value;
	} loop[8];
	size_t loop_count;
};

static const char *
scope_lookup(const struct scope *sc, const char *name)
{
	for (size_t i = sc->loop_count; i-- > 0;)
		if (strcmp(sc->loop[i].name, name) == 0)
			return sc->loop[i].value;
	for (size_t i = 0; i < sc->var_count; i++)
		if (strcmp(sc->vars[i].name, name) == 0)
			return sc->vars[i].value;
	return NULL;
}

/* Replaces {x} by variable x, else by the value of key x. */
static char *
resolve_key(const struct scope *sc, const struct plan *p, const char *key)
{
	struct buf out;
	const char *s = key;

	buf_init(&out);
	while (*s != '\0') {
		const char *close;

		if (*s == '{' && (close = strchr(s, '}')) != NULL) {
			char *inner = xstrndup(s + 1, (size_t)(close - s - 1));
			const char *value = scope_lookup(sc, inner);

			if (value == NULL)
				value = plan_get(p, inner);
			buf_adds(&out, value ? value : "");
			free(inner);
			s = close + 1;
		} else {
			buf_addc(&out, *s++);
		}
	}
	return buf_steal(&out, NULL);
}

static bool
truthy(const char *v)
{
	return v != NULL && v[0] != '\0' && strcmp(v, "no") != 0 && strcmp(v, "off") != 0 &&
	       strcmp(v, "false") != 0 && strcmp(v, "0") != 0;
}

struct render_state {
	const struct template *t;
	const struct plan *p;
	struct scope scope;
	struct buf *out;
	struct span *spans;
	size_t span_count;
	struct msg *err;
};

static int
render_nodes(struct render_state *rs, const struct tnode *parent)
{
	for (size_t i = 0; i < parent->child_count; i++) {
		const struct tnode *n = &parent->children[i];
		const char *value;
		char *key;

		switch (n->type) {
		case TNODE_TEXT:
			buf_add(rs->out, n->text, n->len);
			break;
		case TNODE_VALUE: {
			bool secret;
			size_t start = rs->out->len;

			value = scope_lookup(&rs->scope, n->text);
			secret = false;
			if (value == NULL) {
				key = resolve_key(&rs->scope, rs->p, n->text);
				value = plan_get(rs->p, key);
				secret = answer_key_is_secret(key);
				if (value == NULL) {
					msg_set(rs->err, _("template %s: no value for '%s'"),
						rs->t->name, key);
					free(key);
					return -1;
				}
				free(key);
			}
			apply_filters(n, value, rs->out);
			if (secret && rs->out->len > start) {
				rs->spans = xrealloc(rs->spans,
						     (rs->span_count + 1) * sizeof *rs->spans);
				rs->spans[rs->span_count].start = start;
				rs->spans[rs->span_count].len = rs->out->len - start;
				rs->span_count++;
			}
			break;
		}
		case TNODE_IF:
			value = scope_lookup(&rs->scope, n->text);
			if (value == NULL) {
				key = resolve_key(&rs->scope, rs->p, n->text);
				value = plan_get(rs->p, key);
				free(key);
			}
			if (truthy(value) != n->negate && render_nodes(rs, n) != 0)
				return -1;
			break;
		case TNODE_EACH: {
			struct strlist items = { 0 };
			int rc = 0;

			if (rs->scope.loop_count >= ARRAY_SIZE(rs->scope.loop))
				return msg_set(rs->err, _("template %s: loops nested too deeply"),
					       rs->t->name);
			plan_get_list(rs->p, n->text, &items);
			rs->scope.loop_count++;
			for (size_t j = 0; rc == 0 && j < items.len; j++) {
				rs->scope.loop[rs->scope.loop_count - 1].name = n->var;
				rs->scope.loop[rs->scope.loop_count - 1].value = items.items[j];
				rc = render_nodes(rs, n);
			}
			rs->scope.loop_count--;
			strlist_free(&items);
			if (rc != 0)
				return -1;
			break;
		}
		}
	}
	return 0;
}

int
template_render(const struct template *t, const struct plan *p,
		const struct template_var *vars, size_t var_count, struct buf *out,
		struct span **secrets, size_t *secret_count, struct msg *err)
{
	struct render_state rs = {
		.t = t, .p = p, .out = out, .err = err,
		.scope = { .vars = vars, .var_count = var_count },
	};
	int rc = render_nodes(&rs, &t->root);

	if (out->data == NULL)
		buf_add(out, "", 0);
	if (rc != 0 || secrets == NULL) {
		free(rs.spans);
		if (secrets != NULL)
			*secrets = NULL, *secret_count = 0;
		return rc;
	}
	*secrets = rs.spans;
	*secret_count = rs.span_count;
	return 0;
}

/* -------------------------------------------------------- the template set */

static const char *const vars_dir[] = { "dir", NULL };
static const char *const vars_node[] = { "dir", "name", NULL };
static const char *const vars_user[] = { "dir", "user", NULL };

static struct loaded_template {
	const char *file;
	const char *const *vars;
	struct template *parsed;
} template_set[] = {
	{ "java.env", vars_dir, NULL },
	{ "zoo.cfg", vars_dir, NULL },
	{ "log4j.properties", vars_dir, NULL },
	{ "broker.properties", vars_node, NULL },
	{ "zk-tls.args", vars_node, NULL },
	{ "zk-tls.env", vars_node, NULL },
	{ "sasl-client.config", vars_user, NULL },
	{ "cluster.sh", vars_dir, NULL },
};

int
templates_load_all(struct msg *err)
{
	for (size_t i = 0; i < ARRAY_SIZE(template_set); i++) {
		char *rel = xasprintf("templates/%s", template_set[i].file);
		char *path = fs_join(datadir(), rel);
		char *text;
		size_t len;
		int rc;

		free(rel);
		if (template_set[i].parsed != NULL) {
			free(path);
			continue;
		}
		rc = fs_read_file(path, 1024 * 1024, &text, &len, err);
		if (rc == 0) {
			rc = template_parse(path, text, template_set[i].vars,
					    &template_set[i].parsed, err);
			free(text);
		}
		free(path);
		if (rc != 0)
			return -1;
	}
	return 0;
}

const struct template *
templates_get(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(template_set); i++)
		if (strcmp(template_set[i].file, name) == 0)
			return template_set[i].parsed;
	return NULL;
}

void
templates_free_all(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(template_set); i++) {
		template_free(template_set[i].parsed);
		template_set[i].parsed = NULL;
	}
}
