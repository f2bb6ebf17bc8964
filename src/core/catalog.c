#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "fsutil.h"
#include "i18n.h"
#include "template.h"

struct since_rule {
	char *program;
	char *version;
	char *types;
};

static struct since_rule *rules;
static size_t rule_count;
static char *zookeeper_tls_since;

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
	for (size_t i = 0; i < rule_count; i++) {
		free(rules[i].program);
		free(rules[i].version);
		free(rules[i].types);
	}
	free(rules);
	rules = NULL;
	rule_count = 0;
	free(zookeeper_tls_since);
	zookeeper_tls_since = NULL;
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
		char *key = copy, *eq, *value, *since;

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
		while (eq > key && (eq[-1] == ' ' || eq[-1] == '\t'))
			eq--;
		*eq = '\0';
		since = strstr(key, ".store_types.since.");
		if (strcmp(key, "zookeeper.tls.since") == 0) {
			free(zookeeper_tls_since);
			zookeeper_tls_since = xstrdup(value);
		} else if (since != NULL) {
			rules = xrealloc(rules, (rule_count + 1) * sizeof *rules);
			rules[rule_count].program = xstrndup(key, (size_t)(since - key));
			rules[rule_count].version = xstrdup(since + strlen(".store_types.since."));
			rules[rule_count].types = xstrdup(value);
			rule_count++;
		} else {
			msg_set(err, _("%s:%u: unknown catalog key '%s'"), source, line_no, key);
			free(copy);
			return -1;
		}
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

bool
catalog_store_types(const char *program, const char *version, struct strlist *out)
{
	const struct since_rule *best = NULL;

	for (size_t i = 0; i < rule_count; i++) {
		if (strcmp(rules[i].program, program) != 0 ||
		    version_compare(rules[i].version, version) > 0)
			continue;
		if (best == NULL || version_compare(rules[i].version, best->version) > 0)
			best = &rules[i];
	}
	if (best == NULL)
		return false;
	strlist_split(out, best->types);
	return true;
}

const char *
catalog_zookeeper_tls_since(void)
{
	return zookeeper_tls_since;
}
