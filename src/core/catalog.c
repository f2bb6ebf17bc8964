#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "buildtree.h"
#include "catalog.h"
#include "plan.h"
#include "fsutil.h"
#include "i18n.h"
#include "template.h"

/*
 * Every line of the catalog, kept as text: the catalog is a few dozen lines,
 * so lookups scan it rather than build structures for each kind of fact.
 */
struct entry {
	char *key;
	char *value;
};

static struct entry *entries;
static size_t entry_count;

int
version_compare(const char *a, const char *b)
{
	for (;;) {
		char *end_a, *end_b;
		unsigned long x = strtoul(a, &end_a, 10);
		unsigned long y = strtoul(b, &end_b, 10);
		bool more_a = *end_a == '.', more_b = *end_b == '.';

		if (x != y)
			return x < y ? -1 : 1;
		if (!more_a && !more_b)
			return 0;
		/* A missing component counts as 0: 2.7 equals 2.7.0. */
		a = more_a ? end_a + 1 : end_a;
		b = more_b ? end_b + 1 : end_b;
	}
}

void
catalog_free(void)
{
	for (size_t i = 0; i < entry_count; i++) {
		free(entries[i].key);
		free(entries[i].value);
	}
	free(entries);
	entries = NULL;
	entry_count = 0;
}

static bool
is_version_text(const char *s, size_t n)
{
	if (n == 0 || s[0] < '0' || s[0] > '9' || s[n - 1] == '.')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] == '.' && s[i + 1] != '.')))
			return false;
	return true;
}

/* "NAME" or "NAME.since.VERSION" where NAME is one of names. */
static bool
is_since_key(const char *rest, const char *const *names)
{
	for (size_t i = 0; names[i] != NULL; i++) {
		size_t n = strlen(names[i]);

		if (strncmp(rest, names[i], n) != 0)
			continue;
		if (rest[n] == '\0')
			return true;
		if (str_starts_with(rest + n, ".since."))
			return is_version_text(rest + n + 7, strlen(rest + n + 7));
	}
	return false;
}

/* "release.VERSION.FIELD": the facts of one release. */
static bool
is_release_key(const char *rest)
{
	static const char *const fields[] = { "scala", "zookeeper_jar", "jars", "sha512", NULL };
	const char *v, *field;

	if (!str_starts_with(rest, "release."))
		return false;
	v = rest + 8;
	/* The version ends where a component stops being a number. */
	field = v;
	while (*field >= '0' && *field <= '9') {
		field += strspn(field, "0123456789");
		if (*field != '.')
			return false;
		field++;
	}
	if (!is_version_text(v, (size_t)(field - v - 1)))
		return false;
	for (size_t i = 0; fields[i] != NULL; i++) {
		size_t n = strlen(fields[i]);

		if (strncmp(field, fields[i], n) == 0 &&
		    (field[n] == '\0' ||
		     /* sha512.SCALA: a Kafka archive per Scala version */
		     (strcmp(fields[i], "sha512") == 0 && field[n] == '.' &&
		      is_version_text(field + n + 1, strlen(field + n + 1)))))
			return true;
	}
	return false;
}

static bool
key_shape_ok(const char *key)
{
	static const char *const layout[] = { "archive", "top", "path", "libdir",
					      "store_types", NULL };
	static const char *const kafka_only[] = { "ships_zookeeper", NULL };
	static const char *const zookeeper_only[] = { "jars", NULL };

	if (strcmp(key, "zookeeper.tls.since") == 0)
		return true;
	if (str_starts_with(key, "kafka."))
		return is_since_key(key + 6, layout) || is_since_key(key + 6, kafka_only) ||
		       is_release_key(key + 6);
	if (str_starts_with(key, "zookeeper."))
		return is_since_key(key + 10, layout) || is_since_key(key + 10, zookeeper_only) ||
		       is_release_key(key + 10);
	return false;
}

int
catalog_parse(const char *text, const char *source, struct msg *err)
{
	const char *line = text;
	unsigned line_no = 0;

	catalog_free();
	while (*line != '\0') {
		size_t n = strcspn(line, "\n");
		char *copy = xstrndup(line, n);
		char *key = copy, *eq, *value, *end;

		line_no++;
		line += n + (line[n] == '\n');
		key += strspn(key, " \t");
		if (*key == '#' || *key == '\0') {
			free(copy);
			continue;
		}
		eq = strchr(key, '=');
		if (eq == NULL) {
			free(copy);
			return msg_set(err, _("%s:%u: expected 'key = value'"), source, line_no);
		}
		value = eq + 1 + strspn(eq + 1, " \t");
		end = value + strlen(value);
		while (end > value && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
			*--end = '\0';
		while (eq > key && (eq[-1] == ' ' || eq[-1] == '\t'))
			eq--;
		*eq = '\0';
		if (!key_shape_ok(key)) {
			msg_set(err, _("%s:%u: unknown catalog key '%s'"), source, line_no, key);
			free(copy);
			catalog_free();
			return -1;
		}
		entries = xrealloc(entries, (entry_count + 1) * sizeof *entries);
		entries[entry_count].key = xstrdup(key);
		entries[entry_count].value = xstrdup(value);
		entry_count++;
		free(copy);
	}
	return 0;
}

int
catalog_load(struct msg *err)
{
	char *path = fs_join(datadir(), "releases.conf");
	char *text;
	size_t len;
	int rc;

	rc = fs_read_file(path, 1024 * 1024, &text, &len, err);
	if (rc == 0) {
		rc = catalog_parse(text, path, err);
		free(text);
	}
	free(path);
	return rc;
}

/* The value of key exactly (the last line wins), or NULL. */
static const char *
lookup(const char *key)
{
	const char *found = NULL;

	for (size_t i = 0; i < entry_count; i++)
		if (strcmp(entries[i].key, key) == 0)
			found = entries[i].value;
	return found;
}

/*
 * The value of "NAME" or "NAME.since.V" with the greatest V not above
 * version; a plain "NAME" counts as since the beginning.
 */
static const char *
lookup_since(const char *name, const char *version)
{
	const char *best = NULL, *best_since = NULL;
	size_t n = strlen(name);

	for (size_t i = 0; i < entry_count; i++) {
		const char *key = entries[i].key, *since;

		if (strncmp(key, name, n) != 0)
			continue;
		if (key[n] == '\0')
			since = "0";
		else if (str_starts_with(key + n, ".since."))
			since = key + n + 7;
		else
			continue;
		if (version_compare(since, version) > 0)
			continue;
		if (best == NULL || version_compare(since, best_since) >= 0) {
			best = entries[i].value;
			best_since = since;
		}
	}
	return best;
}

bool
catalog_store_types(const char *program, const char *version, struct strlist *out)
{
	char *name = xasprintf("%s.store_types", program);
	const char *types = lookup_since(name, version);

	free(name);
	if (types == NULL)
		return false;
	strlist_split(out, types);
	return true;
}

const char *
catalog_zookeeper_tls_since(void)
{
	return lookup("zookeeper.tls.since");
}

/* Replaces {version} and {scala} in a catalog pattern. */
static char *
expand(const char *pattern, const char *version, const char *scala)
{
	struct buf b;

	buf_init(&b);
	buf_adds(&b, "");
	while (*pattern != '\0') {
		if (str_starts_with(pattern, "{version}")) {
			buf_adds(&b, version);
			pattern += 9;
		} else if (str_starts_with(pattern, "{scala}") && scala != NULL) {
			buf_adds(&b, scala);
			pattern += 7;
		} else {
			buf_addc(&b, *pattern++);
		}
	}
	return buf_steal(&b, NULL);
}

static char *
release_field(const char *program, const char *version, const char *field)
{
	char *key = xasprintf("%s.release.%s.%s", program, version, field);
	const char *value = lookup(key);

	free(key);
	return value != NULL && value[0] != '\0' ? xstrdup(value) : NULL;
}

static bool
release_listed(const char *program, const char *version)
{
	char *prefix = xasprintf("%s.release.%s.", program, version);
	bool listed = false;

	for (size_t i = 0; i < entry_count && !listed; i++)
		listed = str_starts_with(entries[i].key, prefix) &&
			 /* 2.3.0 must not match the entries of 2.3.0.1 */
			 strchr("0123456789", entries[i].key[strlen(prefix)]) == NULL;
	free(prefix);
	return listed;
}

int
catalog_release(const char *program, const char *version, const char *scala,
		struct release *out, struct msg *err)
{
	static const char *const layout[] = { "archive", "top", "path", "libdir" };
	char *values[ARRAY_SIZE(layout)];
	bool kafka = strcmp(program, "kafka") == 0;

	memset(out, 0, sizeof *out);
	out->program = kafka ? "kafka" : "zookeeper";
	for (size_t i = 0; i < ARRAY_SIZE(layout); i++) {
		char *name = xasprintf("%s.%s", out->program, layout[i]);
		const char *pattern = lookup_since(name, version);

		free(name);
		if (pattern == NULL) {
			for (size_t j = 0; j < i; j++)
				free(values[j]);
			return msg_set(err, _("the release catalog has no %s for %s %s"), layout[i],
				       out->program, version);
		}
		values[i] = expand(pattern, version, scala);
	}
	out->version = xstrdup(version);
	out->archive = values[0];
	out->top = values[1];
	out->path = values[2];
	out->libdir = values[3];
	out->known = release_listed(out->program, version);
	if (kafka) {
		char *scalas = release_field("kafka", version, "scala");
		char *field = xasprintf("sha512.%s", scala != NULL ? scala : "");
		const char *ships = lookup_since("kafka.ships_zookeeper", version);

		/* A Scala build the catalog does not list is not the release it knows. */
		if (out->known && scalas != NULL && scala != NULL) {
			struct strlist list = { 0 };

			strlist_split(&list, scalas);
			out->known = strlist_contains(&list, scala);
			strlist_free(&list);
		}
		free(scalas);
		if (out->known) {
			out->sha512 = release_field("kafka", version, field);
			out->zookeeper_jar = release_field("kafka", version, "zookeeper_jar");
		}
		if (out->zookeeper_jar == NULL && ships != NULL)
			/* Expected only: the jars step looks into libs/ before acting on it. */
			out->zookeeper_jar = xasprintf("zookeeper-%s.jar", ships);
		free(field);
	} else {
		char *jars = out->known ? release_field("zookeeper", version, "jars") : NULL;

		if (out->known)
			out->sha512 = release_field("zookeeper", version, "sha512");
		if (jars != NULL) {
			strlist_split(&out->jars, jars);
		} else {
			const char *patterns = lookup_since("zookeeper.jars", version);

			if (patterns != NULL) {
				char *expanded = expand(patterns, version, NULL);

				strlist_split(&out->jars, expanded);
				free(expanded);
			}
			out->jars_are_patterns = true;
		}
		free(jars);
	}
	return 0;
}

void
release_free(struct release *r)
{
	free(r->version);
	free(r->archive);
	free(r->top);
	free(r->path);
	free(r->libdir);
	free(r->sha512);
	free(r->zookeeper_jar);
	strlist_free(&r->jars);
	memset(r, 0, sizeof *r);
}

/* Kafka and ZooKeeper as the plan names them, looked up in the catalog. */
int
releases_load(const struct plan *p, struct releases *r, struct msg *err)
{
	memset(r, 0, sizeof *r);
	if (catalog_release("kafka", plan_get(p, "kafka.version"), plan_get(p, "kafka.scala"),
			    &r->kafka, err) != 0)
		return -1;
	if (catalog_release("zookeeper", plan_get(p, "zookeeper.version"), NULL, &r->zookeeper,
			    err) != 0) {
		release_free(&r->kafka);
		return -1;
	}
	return 0;
}

void
releases_free(struct releases *r)
{
	release_free(&r->kafka);
	release_free(&r->zookeeper);
}

const char *
release_display_name(const struct release *r)
{
	return strcmp(r->program, "kafka") == 0 ? "Kafka" : "ZooKeeper";
}
