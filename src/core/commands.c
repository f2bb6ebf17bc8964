/*
 * "The commands" (see commands.h).  How the configuration files get into the
 * script without their passwords: each step is rendered from a copy of the
 * plan in which every secret answer is a placeholder, and the working
 * directory another.  Each secret span of the result is then matched against
 * the placeholder run through each filter chain the templates use (raw,
 * prop, jaas|prop, argfile, sh): the match says which answer it is and how it
 * was escaped.  The file becomes an unquoted here-document in which that
 * span is a reference to a shell variable holding the answer escaped the
 * same way at run time, and everything else is the rendered bytes, with the
 * shell's $, ` and \ escaped.  A file without secrets or directory is a
 * quoted here-document of exactly the bytes the wizard writes.
 */
#include <config.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "buildtree.h"
#include "catalog.h"
#include "commands.h"
#include "fsutil.h"
#include "i18n.h"
#include "pki.h"
#include "template.h"

#define TEMPLATE_MAX (256 * 1024)
#define SECRET_MARK "zktlsSecret"
/* A path of [A-Za-z0-9._/-] only, like DIR: every filter leaves it as it is. */
#define DIR_TOKEN "/zktlsDirToken"
#define DEFAULT_SITE "https://archive.apache.org/dist"
#define REMOVED_JARS "removed-jars"
#define LOG4J_FILE "log4j.properties"

/* Every variable a commands template may use; unset ones are empty. */
static const char *const var_names[] = {
	"var", "key", "value", "escapes", "files", "log4j", "ca_var", "store_var", "import",
	"genpkey", "keyalg", "name", "dn", "san", "keystore", "program", "version", "archive",
	"url", "sum_url", "pin", "archives", "ca_file", "kafka_top", "kafka_libdir",
	"kafka_archive", "zookeeper_top", "zookeeper_libdir", "zookeeper_archive", "removed",
	"jar", "tls_since", "client", "broker", "broker_port", NULL,
};
#define VAR_COUNT (ARRAY_SIZE(var_names) - 1)

struct section {
	char *name;
	struct template *t;
};

struct tfile {
	struct section *sections;
	size_t count;
};

/* A secret answer the rendered steps read. */
struct secret {
	char *key;          /* ca.password, sasl.password.consumer */
	char *var;          /* ZKTLS_CA_PASSWORD */
	char *placeholder;  /* what the answer is while rendering */
};

/* The filter chains secrets pass through in the templates, and their helpers. */
static const struct chain {
	const char *suffix;  /* of the shell variable; NULL: the variable itself */
	const char *pre, *post; /* the shell expression around "$VAR" */
	void (*first)(struct buf *, const char *);
	void (*second)(struct buf *, const char *);
} chains[] = {
	{ NULL, NULL, NULL, NULL, NULL },
	{ "prop", "zk_prop \"$", "\"", escape_prop, NULL },
	{ "quoted", "zk_quote \"$", "\"", escape_jaas, NULL },
	{ "quoted_prop", "zk_prop \"$(zk_quote \"$", "\")\"", escape_jaas, escape_prop },
	{ "sh", "zk_sh \"$", "\"", escape_sh, NULL },
};

struct ctx {
	const struct plan *orig;
	struct plan *q;             /* the copy with placeholders */
	const struct run_options *opt;
	unsigned mode;
	struct buf *out;
	struct secret *secrets;
	size_t secret_count;
	struct span *spans;         /* embedded secrets in out */
	size_t span_count;
	const char *vals[VAR_COUNT];
	struct msg *err;
};

/* ------------------------------------------------------------ templates */

static void
tfile_free(struct tfile *f)
{
	for (size_t i = 0; i < f->count; i++) {
		free(f->sections[i].name);
		template_free(f->sections[i].t);
	}
	free(f->sections);
	f->sections = NULL;
	f->count = 0;
}

/* commands/NAME.sh, split at lines "#@ SECTION" into templates. */
static int
tfile_load(const char *name, struct tfile *f, struct msg *err)
{
	char *rel = xasprintf("templates/commands/%s.sh", name);
	char *path = fs_join(datadir(), rel);
	char *text = NULL, *p;
	size_t len;
	int rc = -1;

	memset(f, 0, sizeof *f);
	free(rel);
	if (fs_read_file(path, TEMPLATE_MAX, &text, &len, err) != 0)
		goto done;
	p = text;
	while (*p != '\0') {
		char *line_end, *next, *end, *body, *tname;
		struct section *s;

		if (!str_starts_with(p, "#@ ")) {
			msg_set(err, _("%s: expected a line \"#@ SECTION\" before the commands"),
				path);
			goto done;
		}
		line_end = strchr(p, '\n');
		if (line_end == NULL)
			line_end = p + strlen(p);
		next = *line_end != '\0' ? line_end + 1 : line_end;
		/* The section runs to the next "#@ " at the start of a line. */
		end = next;
		while (*end != '\0' && !str_starts_with(end, "#@ ")) {
			char *nl = strchr(end, '\n');

			end = nl != NULL ? nl + 1 : end + strlen(end);
		}
		f->sections = xrealloc(f->sections, (f->count + 1) * sizeof *f->sections);
		s = &f->sections[f->count];
		s->name = xstrndup(p + 3, (size_t)(line_end - p - 3));
		s->t = NULL;
		f->count++;
		body = xstrndup(next, (size_t)(end - next));
		tname = xasprintf("%s#%s", path, s->name);
		rc = template_parse(tname, body, var_names, &s->t, err);
		free(tname);
		free(body);
		if (rc != 0)
			goto done;
		rc = -1;
		p = end;
	}
	rc = 0;
done:
	if (rc != 0)
		tfile_free(f);
	free(text);
	free(path);
	return rc;
}

static void
set_var(struct ctx *c, const char *name, const char *value)
{
	for (size_t i = 0; i < VAR_COUNT; i++)
		if (strcmp(var_names[i], name) == 0) {
			c->vals[i] = value;
			return;
		}
	abort();
}

static void
clear_vars(struct ctx *c)
{
	for (size_t i = 0; i < VAR_COUNT; i++)
		c->vals[i] = NULL;
}

/* Renders one section with the current variables; a missing section is an error. */
static int
section(struct ctx *c, const struct tfile *f, const char *file, const char *name)
{
	struct template_var vars[VAR_COUNT];
	struct span *spans = NULL;
	size_t count = 0;
	int rc;

	for (size_t i = 0; i < f->count; i++) {
		if (strcmp(f->sections[i].name, name) != 0)
			continue;
		for (size_t j = 0; j < VAR_COUNT; j++) {
			vars[j].name = var_names[j];
			vars[j].value = c->vals[j] != NULL ? c->vals[j] : "";
		}
		rc = template_render(f->sections[i].t, c->q, vars, VAR_COUNT, c->out, &spans,
				     &count, c->err);
		/* Secrets reach these templates only as placeholders. */
		free(spans);
		return rc;
	}
	return msg_set(c->err, _("template commands/%s.sh has no section \"%s\""), file, name);
}

/* ------------------------------------------------------------ secrets */

char *
commands_secret_var(const char *key)
{
	struct buf b;

	buf_init(&b);
	buf_adds(&b, "ZKTLS_");
	for (const char *s = key; *s != '\0'; s++)
		buf_addc(&b, isalnum((unsigned char)*s) ? (char)toupper((unsigned char)*s) : '_');
	return buf_steal(&b, NULL);
}

static void
secrets_free(struct ctx *c)
{
	for (size_t i = 0; i < c->secret_count; i++) {
		free(c->secrets[i].key);
		free(c->secrets[i].var);
		free(c->secrets[i].placeholder);
	}
	free(c->secrets);
	c->secrets = NULL;
	c->secret_count = 0;
}

static const struct secret *
secret_find(const struct ctx *c, const char *key)
{
	for (size_t i = 0; i < c->secret_count; i++)
		if (strcmp(c->secrets[i].key, key) == 0)
			return &c->secrets[i];
	return NULL;
}

static void
secret_add(struct ctx *c, const char *key)
{
	struct secret *s;
	char *var;

	if (secret_find(c, key) != NULL)
		return;
	var = commands_secret_var(key);
	/* sasl.password.a.b and sasl.password.a_b would share a name: number the later one. */
	for (unsigned n = 2;; n++) {
		bool taken = false;

		for (size_t i = 0; i < c->secret_count; i++)
			taken = taken || strcmp(c->secrets[i].var, var) == 0;
		if (!taken)
			break;
		free(var);
		var = commands_secret_var(key);
		var = xrealloc(var, strlen(var) + 16);
		sprintf(var + strlen(var), "_%u", n);
	}
	c->secrets = xrealloc(c->secrets, (c->secret_count + 1) * sizeof *c->secrets);
	s = &c->secrets[c->secret_count];
	s->key = xstrdup(key);
	s->var = var;
	/* The backslash tells the filter chains apart: each escapes it differently. */
	s->placeholder = xasprintf(SECRET_MARK "%zu\\", c->secret_count);
	c->secret_count++;
}

/* ------------------------------------------------------------ here-documents */

/* The shell variable (and the line that sets it) for secret s escaped by chain k. */
static char *
escaped_var(const struct secret *s, const struct chain *k, struct strlist *escapes)
{
	struct buf line;
	char *name;

	if (k->suffix == NULL)
		return xstrdup(s->var);
	name = xasprintf("%s_%s", s->var, k->suffix);
	for (char *p = name; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	buf_init(&line);
	buf_printf(&line, "%s=$(%s%s%s)\n", name, k->pre, s->var, k->post);
	if (!strlist_contains(escapes, line.data))
		strlist_push(escapes, line.data);
	buf_free(&line);
	return name;
}

/* Which secret and chain produced bytes [at, at+len) of a rendered file. */
static int
match_span(const struct ctx *c, const char *at, size_t len, const struct secret **s,
	   const struct chain **k)
{
	for (size_t i = 0; i < c->secret_count; i++)
		for (size_t j = 0; j < ARRAY_SIZE(chains); j++) {
			struct buf a, b;
			bool same;

			buf_init(&a);
			buf_init(&b);
			if (chains[j].first == NULL)
				buf_adds(&a, c->secrets[i].placeholder);
			else
				chains[j].first(&a, c->secrets[i].placeholder);
			if (chains[j].second != NULL) {
				chains[j].second(&b, a.data);
				buf_free(&a);
				a = b;
				buf_init(&b);
			}
			same = a.len == len && memcmp(a.data, at, len) == 0;
			buf_free(&a);
			buf_free(&b);
			if (same) {
				*s = &c->secrets[i];
				*k = &chains[j];
				return 0;
			}
		}
	return -1;
}

static bool
has_line(const char *text, size_t len, const char *line)
{
	size_t n = strlen(line);

	for (size_t i = 0; i < len;) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t l = nl != NULL ? (size_t)(nl - text - i) : len - i;

		if (l == n && memcmp(text + i, line, n) == 0)
			return true;
		i += l + 1;
	}
	return false;
}

/* Literal bytes inside an unquoted here-document: $, ` and \ lose their meaning. */
static void
add_heredoc_literal(struct buf *b, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '$' || s[i] == '`' || s[i] == '\\')
			buf_addc(b, '\\');
		buf_addc(b, s[i]);
	}
}

/* Appends to b the commands that write output o (rendered from the placeholder plan). */
static int
add_file(struct ctx *c, const struct output *o, struct strlist *escapes, struct buf *b)
{
	struct buf body;
	bool refs = o->secret_count > 0 || memmem(o->bytes, o->len, DIR_TOKEN,
						   strlen(DIR_TOKEN)) != NULL;
	char delim[32] = "EOF";
	size_t pos = 0;

	buf_init(&body);
	for (unsigned n = 1; has_line(o->bytes, o->len, delim); n++)
		snprintf(delim, sizeof delim, "EOF_%u", n);
	if (!refs) {
		buf_add(&body, o->bytes, o->len);
	} else {
		for (size_t i = 0; i <= o->secret_count; i++) {
			size_t end = i < o->secret_count ? o->secrets[i].start : o->len;
			const char *lit = o->bytes + pos;

			/* The literal part, with the directory as ${ZK_DIR}. */
			while (pos < end) {
				const char *hit = memmem(lit, end - pos, DIR_TOKEN, strlen(DIR_TOKEN));
				size_t n = hit != NULL ? (size_t)(hit - lit) : end - pos;

				add_heredoc_literal(&body, lit, n);
				pos += n;
				lit += n;
				if (hit != NULL) {
					buf_adds(&body, "${ZK_DIR}");
					pos += strlen(DIR_TOKEN);
					lit += strlen(DIR_TOKEN);
				}
			}
			if (i < o->secret_count) {
				const struct secret *s;
				const struct chain *k;
				char *var;

				if (match_span(c, o->bytes + o->secrets[i].start, o->secrets[i].len,
					       &s, &k) != 0) {
					buf_free(&body);
					return msg_set(c->err, _("%s: a password is escaped in a way "
								 "the commands cannot repeat"),
						       o->path);
				}
				var = escaped_var(s, k, escapes);
				buf_printf(&body, "${%s}", var);
				free(var);
				pos = o->secrets[i].start + o->secrets[i].len;
			}
		}
	}
	if (body.len == 0) {
		buf_printf(b, ": > %s\n", o->path);
	} else if (o->len > 0 && o->bytes[o->len - 1] == '\n') {
		buf_printf(b, "cat > %s <<%s%s%s\n", o->path, refs ? "" : "'", delim,
			   refs ? "" : "'");
		buf_add(b, body.data, body.len);
		buf_printf(b, "%s\n", delim);
	} else {
		/* No newline at the end: $(...) drops the one the here-document adds. */
		buf_printf(b, "printf '%%s' \"$(cat <<%s%s%s\n", refs ? "" : "'", delim,
			   refs ? "" : "'");
		buf_add(b, body.data, body.len);
		buf_printf(b, "\n%s\n)\" > %s\n", delim, o->path);
	}
	if ((o->mode & 0777) != 0600)
		buf_printf(b, "chmod %o %s\n", o->mode & 0777, o->path);
	buf_free(&body);
	return 0;
}

/* File names come from the steps: check they need no quoting before using them bare. */
static bool
shell_safe(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr("._/+-", *s) == NULL)
			return false;
	return true;
}

static bool
glob_safe(const char *s)
{
	for (const char *p = s; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr("._+-*", *p) == NULL)
			return false;
	return *s != '\0';
}

/* The text outputs of a step as here-documents: vars escapes, files, log4j. */
static int
text_step(struct ctx *c, const struct step *s, struct buf *escapes_out, struct buf *files,
	  struct buf *log4j)
{
	struct inputs in = { .dir_abs = (char *)DIR_TOKEN };
	struct render_result r;
	struct strlist escapes = { 0 };
	int rc = 0;

	if (step_render(s, c->q, &in, &r, c->err) != 0)
		return -1;
	for (size_t i = 0; rc == 0 && i < r.count; i++) {
		const struct output *o = &r.outputs[i];

		if (o->kind != OUTPUT_TEXT)
			continue;
		if (!shell_safe(o->path)) {
			rc = msg_set(c->err, _("%s: a file name the commands cannot use"), o->path);
			break;
		}
		rc = add_file(c, o, &escapes, strcmp(o->path, LOG4J_FILE) == 0 ? log4j : files);
	}
	for (size_t i = 0; i < escapes.len; i++)
		buf_adds(escapes_out, escapes.items[i]);
	strlist_free(&escapes);
	render_result_free(&r);
	return rc;
}

/* ------------------------------------------------------------ steps */

static const struct {
	const char *type;
	const char *genpkey; /* openssl genpkey */
	const char *keyalg;  /* keytool -genkey (JDK 17 wants it said) */
} key_args[] = {
	{ "rsa2048", "-algorithm RSA -pkeyopt rsa_keygen_bits:2048", "-keyalg RSA -keysize 2048" },
	{ "rsa3072", "-algorithm RSA -pkeyopt rsa_keygen_bits:3072", "-keyalg RSA -keysize 3072" },
	{ "rsa4096", "-algorithm RSA -pkeyopt rsa_keygen_bits:4096", "-keyalg RSA -keysize 4096" },
	{ "ec-p256", "-algorithm EC -pkeyopt ec_paramgen_curve:P-256",
	  "-keyalg EC -groupname secp256r1" },
	{ "ec-p384", "-algorithm EC -pkeyopt ec_paramgen_curve:P-384",
	  "-keyalg EC -groupname secp384r1" },
};

static const char *
secret_var(const struct ctx *c, const char *key)
{
	const struct secret *s = secret_find(c, key);

	return s != NULL ? s->var : "";
}

static int
set_key_vars(struct ctx *c)
{
	const char *type = plan_get(c->q, "key.type");

	for (size_t i = 0; i < ARRAY_SIZE(key_args); i++)
		if (strcmp(key_args[i].type, type) == 0) {
			set_var(c, "genpkey", key_args[i].genpkey);
			set_var(c, "keyalg", key_args[i].keyalg);
			return 0;
		}
	return msg_set(c->err, _("key.type: \"%s\" is not one of rsa2048, rsa3072, rsa4096, "
				 "ec-p256, ec-p384"), type);
}

static char *
join_url(const char *base, const char *path)
{
	size_t n = strlen(base);

	while (n > 0 && base[n - 1] == '/')
		n--;
	return xasprintf("%.*s/%s", (int)n, base, path);
}

/* The catalog's release facts, refused when a name would need shell quoting. */
static int
load_releases(const struct plan *p, struct releases *r, struct msg *err)
{
	if (releases_load(p, r, err) != 0)
		return -1;
	if (!shell_safe(r->kafka.top) || !shell_safe(r->kafka.libdir) ||
	    !shell_safe(r->kafka.archive) || !shell_safe(r->zookeeper.top) ||
	    !shell_safe(r->zookeeper.libdir) || !shell_safe(r->zookeeper.archive)) {
		releases_free(r);
		return msg_set(err, _("the release catalog names a file the commands cannot use"));
	}
	return 0;
}

static int
cmd_download(struct ctx *c, const struct tfile *f)
{
	const char *mirror = c->opt != NULL && c->opt->mirror != NULL ? c->opt->mirror
								    : DEFAULT_SITE;
	const char *sums = c->opt != NULL && c->opt->checksums != NULL ? c->opt->checksums
								     : DEFAULT_SITE;
	struct releases r;
	int rc;

	if (load_releases(c->q, &r, c->err) != 0)
		return -1;
	rc = section(c, f, "download", "head");
	for (int i = 0; rc == 0 && i < 2; i++) {
		const struct release *rel = i == 0 ? &r.kafka : &r.zookeeper;
		const char *answer = plan_get(c->q, i == 0 ? "kafka.sha512" : "zookeeper.sha512");
		char *url = join_url(mirror, rel->path);
		char *sum_path = xasprintf("%s.sha512", rel->path);
		char *sum_url = join_url(sums, sum_path);
		char *pin = xstrdup(answer[0] != '\0' ? answer : rel->sha512 ? rel->sha512 : "");

		for (char *p = pin; *p != '\0'; p++)
			*p = (char)tolower((unsigned char)*p);
		clear_vars(c);
		set_var(c, "program", i == 0 ? "Kafka" : "ZooKeeper");
		set_var(c, "version", rel->version);
		set_var(c, "archive", rel->archive);
		set_var(c, "url", url);
		set_var(c, "sum_url", sum_url);
		set_var(c, "pin", pin);
		if (c->opt != NULL && c->opt->archives_dir != NULL)
			set_var(c, "archives", c->opt->archives_dir);
		if (c->opt != NULL && c->opt->ca_file != NULL)
			set_var(c, "ca_file", c->opt->ca_file);
		rc = section(c, f, "download", "release");
		free(pin);
		free(sum_url);
		free(sum_path);
		free(url);
	}
	releases_free(&r);
	return rc;
}

/* "zookeeper-3.4.14.jar" speaks TLS when its version is at least the catalog's. */
static bool
jar_speaks_tls(const char *jar)
{
	const char *since = catalog_zookeeper_tls_since();
	char *version;
	bool tls;

	if (since == NULL || !str_starts_with(jar, "zookeeper-") || !str_ends_with(jar, ".jar"))
		return false;
	version = xstrndup(jar + strlen("zookeeper-"), strlen(jar) - strlen("zookeeper-.jar"));
	tls = version_compare(version, since) >= 0;
	free(version);
	return tls;
}

static int
cmd_jars(struct ctx *c, const struct tfile *f)
{
	struct releases r;
	char *removed;
	const char *since = catalog_zookeeper_tls_since();
	int rc;

	if (load_releases(c->q, &r, c->err) != 0)
		return -1;
	/* load_releases checked kafka.top: the folder needs no quoting either. */
	removed = xasprintf("%s/%s", REMOVED_JARS, r.kafka.top);
	clear_vars(c);
	set_var(c, "kafka_top", r.kafka.top);
	set_var(c, "kafka_libdir", r.kafka.libdir);
	set_var(c, "kafka_archive", r.kafka.archive);
	set_var(c, "zookeeper_top", r.zookeeper.top);
	set_var(c, "zookeeper_libdir", r.zookeeper.libdir);
	set_var(c, "zookeeper_archive", r.zookeeper.archive);
	set_var(c, "removed", removed);
	set_var(c, "tls_since", since != NULL ? since : "3.5.5");
	set_var(c, "version", r.kafka.version);
	rc = section(c, f, "jars", "head");
	if (rc == 0 && r.kafka.zookeeper_jar != NULL && jar_speaks_tls(r.kafka.zookeeper_jar)) {
		set_var(c, "jar", r.kafka.zookeeper_jar);
		rc = section(c, f, "jars", "none");
		goto done;
	}
	if (rc == 0 && r.kafka.zookeeper_jar != NULL) {
		if (!shell_safe(r.kafka.zookeeper_jar)) {
			rc = msg_set(c->err, _("the release catalog names a file the commands "
					       "cannot use"));
			goto done;
		}
		set_var(c, "jar", r.kafka.zookeeper_jar);
		rc = section(c, f, "jars", "remove");
	} else if (rc == 0) {
		rc = section(c, f, "jars", "find");
	}
	for (size_t i = 0; rc == 0 && i < r.zookeeper.jars.len; i++) {
		if (!glob_safe(r.zookeeper.jars.items[i])) {
			rc = msg_set(c->err, _("the release catalog names a file the commands "
					       "cannot use"));
			break;
		}
		set_var(c, "jar", r.zookeeper.jars.items[i]);
		rc = section(c, f, "jars", "copy");
	}
	if (rc == 0 && r.kafka.zookeeper_jar == NULL)
		rc = section(c, f, "jars", "find_end");
done:
	free(removed);
	releases_free(&r);
	return rc;
}

static int
cmd_ca(struct ctx *c, const struct tfile *f)
{
	clear_vars(c);
	if (set_key_vars(c) != 0)
		return -1;
	set_var(c, "ca_var", secret_var(c, "ca.password"));
	set_var(c, "store_var", secret_var(c, "store.password"));
	set_var(c, "import", strcmp(plan_get(c->q, "ca.mode"), "import") == 0 ? "yes" : "");
	return section(c, f, "ca", "head");
}

static int
cmd_certs(struct ctx *c, const struct tfile *f)
{
	struct strlist nodes = { 0 };
	int rc;

	clear_vars(c);
	if (set_key_vars(c) != 0)
		return -1;
	set_var(c, "ca_var", secret_var(c, "ca.password"));
	set_var(c, "store_var", secret_var(c, "store.password"));
	rc = section(c, f, "certs", "head");
	plan_get_nodes(c->q, &nodes);
	for (size_t i = 0; rc == 0 && i < nodes.len; i++) {
		char *dn = pki_expand_name(plan_get(c->q, "cert.dn"), nodes.items[i]);
		char *san = pki_expand_name(plan_get(c->q, "cert.san"), nodes.items[i]);
		char *ks_key = xasprintf("keystore.%s", nodes.items[i]);
		char *keystore = xstrdup(plan_get(c->q, ks_key));

		if (!shell_safe(keystore) || !shell_safe(nodes.items[i])) {
			rc = msg_set(c->err, _("%s: a file name the commands cannot use"), keystore);
		} else {
			set_var(c, "name", nodes.items[i]);
			set_var(c, "dn", dn);
			set_var(c, "san", san);
			set_var(c, "keystore", keystore);
			rc = section(c, f, "certs", "node");
		}
		free(keystore);
		free(ks_key);
		free(san);
		free(dn);
	}
	if (rc == 0)
		rc = section(c, f, "certs", "tail");
	strlist_free(&nodes);
	return rc;
}

/* zookeeper, brokers, clients: the step's own files, then the template's commands. */
static int
cmd_text(struct ctx *c, const struct tfile *f, const struct step *s)
{
	struct buf escapes, files, log4j;
	struct strlist clients = { 0 }, brokers = { 0 };
	struct releases r;
	char *port_key = NULL;
	int rc;

	buf_init(&escapes);
	buf_init(&files);
	buf_init(&log4j);
	if (load_releases(c->q, &r, c->err) != 0)
		return -1;
	rc = text_step(c, s, &escapes, &files, &log4j);
	clear_vars(c);
	set_var(c, "escapes", escapes.data != NULL ? escapes.data : "");
	set_var(c, "files", files.data != NULL ? files.data : "");
	set_var(c, "log4j", log4j.data != NULL ? log4j.data : "");
	set_var(c, "kafka_top", r.kafka.top);
	set_var(c, "zookeeper_top", r.zookeeper.top);
	plan_get_list(c->q, "clients", &clients);
	set_var(c, "client", clients.len > 0 ? clients.items[0] : "");
	plan_get_list(c->q, "brokers", &brokers);
	if (brokers.len > 0) {
		port_key = xasprintf("broker.%s.sasl_ssl_port", brokers.items[0]);
		set_var(c, "broker", brokers.items[0]);
		set_var(c, "broker_port", plan_get(c->q, port_key));
	}
	if (rc == 0)
		rc = section(c, f, s->id, "head");
	free(port_key);
	strlist_free(&clients);
	strlist_free(&brokers);
	releases_free(&r);
	buf_free(&escapes);
	buf_free(&files);
	buf_free(&log4j);
	return rc;
}

static int
cmd_step(struct ctx *c, const struct step *s)
{
	struct tfile f;
	int rc;

	if (tfile_load(s->id, &f, c->err) != 0)
		return -1;
	if (strcmp(s->id, "download") == 0)
		rc = cmd_download(c, &f);
	else if (strcmp(s->id, "jars") == 0)
		rc = cmd_jars(c, &f);
	else if (strcmp(s->id, "ca") == 0)
		rc = cmd_ca(c, &f);
	else if (strcmp(s->id, "certs") == 0)
		rc = cmd_certs(c, &f);
	else
		rc = cmd_text(c, &f, s);
	tfile_free(&f);
	if (rc != 0)
		msg_prefix(c->err, _("the commands of step %s"), s->id);
	return rc;
}

/* The shebang, the helpers and the password lines. */
static int
cmd_prelude(struct ctx *c)
{
	struct tfile f;
	int rc;

	if (tfile_load("prelude", &f, c->err) != 0)
		return -1;
	clear_vars(c);
	rc = section(c, &f, "prelude", "head");
	if (rc == 0 && c->secret_count > 0)
		rc = section(c, &f, "prelude",
			     (c->mode & COMMANDS_EMBED_SECRETS) ? "embed_head" : "secrets");
	for (size_t i = 0; rc == 0 && i < c->secret_count; i++) {
		const struct secret *s = &c->secrets[i];

		clear_vars(c);
		set_var(c, "var", s->var);
		set_var(c, "key", s->key);
		if (c->mode & COMMANDS_EMBED_SECRETS) {
			const char *value = plan_get(c->orig, s->key);
			struct buf quoted;
			size_t from = c->out->len;
			char *hit;

			set_var(c, "value", value);
			rc = section(c, &f, "prelude", "embed");
			if (rc != 0)
				break;
			/* Record where the value went: the caller masks it on screen. */
			buf_init(&quoted);
			escape_sh(&quoted, value);
			hit = memmem(c->out->data + from, c->out->len - from, quoted.data,
				     quoted.len);
			if (hit != NULL) {
				c->spans = xrealloc(c->spans,
						    (c->span_count + 1) * sizeof *c->spans);
				c->spans[c->span_count].start = (size_t)(hit - c->out->data);
				c->spans[c->span_count].len = quoted.len;
				c->span_count++;
			}
			buf_free_secure(&quoted);
		} else {
			rc = section(c, &f, "prelude", "secret");
		}
	}
	tfile_free(&f);
	return rc;
}

/* The secret answers the selected steps read, in the order they read them. */
static int
collect_secrets(struct ctx *c, const struct step *only)
{
	struct inputs in = { .dir_abs = (char *)DIR_TOKEN };

	for (size_t i = 0; i < step_count; i++) {
		struct render_result r;

		if (only != NULL && steps[i] != only)
			continue;
		if (step_render(steps[i], c->q, &in, &r, c->err) != 0)
			return msg_prefix(c->err, _("the commands of step %s"), steps[i]->id);
		for (size_t j = 0; j < r.reads.len; j++)
			if (answer_key_is_secret(r.reads.items[j]))
				secret_add(c, r.reads.items[j]);
		render_result_free(&r);
	}
	/* The placeholders stand in for the answers from now on. */
	for (size_t i = 0; i < c->secret_count; i++)
		if (plan_set(c->q, c->secrets[i].key, c->secrets[i].placeholder, ORIGIN_SET,
			     c->err) != 0)
			return -1;
	return 0;
}

int
commands_render(const struct plan *p, const char *step_id, unsigned mode,
		const struct run_options *opt, struct buf *out, struct span **secrets,
		size_t *secret_count, struct msg *err)
{
	struct ctx c = { .orig = p, .opt = opt, .mode = mode, .out = out, .err = err };
	const struct step *only = NULL;
	size_t start = out->len;
	int rc = 0;

	if (secrets != NULL) {
		*secrets = NULL;
		*secret_count = 0;
	}
	if (step_id != NULL && (only = step_find(step_id)) == NULL)
		return msg_set(err, _("no step named %s"), step_id);
	c.q = plan_clone(p);
	if (collect_secrets(&c, only) != 0)
		rc = -1;
	if (rc == 0 && !(mode & COMMANDS_BODY_ONLY))
		rc = cmd_prelude(&c);
	for (size_t i = 0; rc == 0 && i < step_count; i++)
		if (only == NULL || steps[i] == only)
			rc = cmd_step(&c, steps[i]);
	/* A placeholder left over would be a password the commands lost track of. */
	if (rc == 0 && memmem(out->data + start, out->len - start, SECRET_MARK,
			      strlen(SECRET_MARK)) != NULL)
		rc = msg_set(err, _("the commands would hold a password placeholder; this is "
				    "a bug in a commands template"));
	if (rc != 0) {
		if (out->data != NULL)
			secure_wipe(out->data + start, out->len - start);
		out->len = start;
		if (out->data != NULL)
			out->data[start] = '\0';
		free(c.spans);
	} else if (secrets != NULL) {
		*secrets = c.spans;
		*secret_count = c.span_count;
	} else {
		free(c.spans);
	}
	secrets_free(&c);
	plan_free(c.q);
	return rc;
}
