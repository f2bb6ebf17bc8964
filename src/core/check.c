/* zktls-wizard check: reads a working directory, runs each part of the check, sorts the report. */
#include <config.h>

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check_int.h"
#include "fsutil.h"
#include "i18n.h"
#include "plan.h"
#include "util.h"

const char *
check_answer(const struct check_ctx *c, const char *key)
{
	return plan_is_set(c->answers, key) ? plan_get(c->answers, key) : NULL;
}

char *
check_path(const struct check_ctx *c, const char *path)
{
	return path[0] == '/' ? xstrdup(path) : fs_join(c->dir, path);
}

int
check_read_file(const char *path, size_t max, char **data, size_t *len, struct msg *err)
{
	return fs_read_file(path, max, data, len, err);
}

int
check_read_rel(const struct check_ctx *c, const char *rel, char **data, size_t *len,
	       struct msg *err)
{
	char *path = check_path(c, rel);
	int rc = check_read_file(path, CHECK_MAX_FILE, data, len, err);

	free(path);
	return rc;
}

int
check_load_props(struct check_ctx *c, const char *rel, struct kvlist *out, bool report,
		 struct msg *err)
{
	char *data = NULL;
	size_t len = 0;
	struct msg why = { "" };

	if (check_read_rel(c, rel, &data, &len, err) != 0)
		return -1;
	if (props_parse(data, len, out, &why) != 0 && report) {
		check_add(c->r, CHECK_PROBLEM, rel, _("Java cannot read it: %s"), why.text);
		check_hint(c->r, _("a backslash followed by u starts \\uXXXX (four hex digits); "
				   "write a lone backslash as \\\\"));
	}
	secure_wipe(data, len);
	free(data);
	return 0;
}

bool
check_exists_rel(const struct check_ctx *c, const char *rel)
{
	char *path = check_path(c, rel);
	bool yes = fs_exists(path);

	free(path);
	return yes;
}

void
check_mode(struct check_ctx *c, const char *rel)
{
	char *path = check_path(c, rel);
	struct stat st;

	if (stat(path, &st) == 0 && (st.st_mode & 077) != 0) {
		check_add(c->r, CHECK_WARNING, rel,
		    _("readable by other users (mode %03o) though it holds a key or a password"),
		    (unsigned)(st.st_mode & 0777));
		check_hint(c->r, _("chmod 600 %s"), rel);
	}
	free(path);
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
list_dir(const char *dir, struct strlist *out)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			strlist_push(out, de->d_name);
	closedir(d);
	if (out->len > 1)
		qsort(out->items, out->len, sizeof *out->items, name_cmp);
}

static void
ctx_free(struct check_ctx *c)
{
	plan_free(c->answers);
	kv_free(&c->zoo);
	kv_free(&c->jvm);
	for (size_t i = 0; i < c->nstores; i++)
		store_free(c->stores[i]);
	free(c->stores);
	host_ctx_free(c);
	strlist_free(&c->zk_hosts);
	strlist_free(&c->pairs_checked);
	free(c->real_dir);
}

int
check_dir(const char *dir, const struct check_options *opt, struct check_report *r,
	  struct msg *err)
{
	struct check_ctx c = { 0 };
	struct strlist names = { 0 }, brokers = { 0 };
	struct msg e = { "" };
	struct stat st;
	char *data = NULL;
	size_t len;

	memset(r, 0, sizeof *r);
	r->dir = xstrdup(dir);
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return msg_set(err, _("%s: not a directory"), dir);
	c.dir = dir;
	c.r = r;
	c.this_host = opt != NULL && opt->this_host;
	c.answers = plan_new();
	c.real_dir = realpath(dir, NULL);
	list_dir(dir, &names);

	if (check_read_rel(&c, "zktls-wizard.conf", &data, &len, &e) == 0) {
		/* What does not read is left out: the files are what check judges. */
		(void)answers_parse(c.answers, data, len, "zktls-wizard.conf", ORIGIN_FILE, &e);
		secure_wipe(data, len);
		free(data);
	}
	/* The brokers: NAME.properties with broker settings (not log4j's). */
	for (size_t i = 0; i < names.len; i++) {
		const char *n = names.items[i];
		struct kvlist p = { 0 };

		if (!str_ends_with(n, ".properties") || str_starts_with(n, "log4j"))
			continue;
		if (check_load_props(&c, n, &p, false, &e) != 0)
			continue;
		if (kv_get(&p, "broker.id") != NULL || kv_get(&p, "zookeeper.connect") != NULL)
			strlist_push(&brokers, n);
		kv_free(&p);
	}
	if (check_load_props(&c, "zoo.cfg", &c.zoo, true, &e) == 0) {
		c.have_zoo = true;
	} else if (brokers.len == 0) {
		strlist_free(&names);
		ctx_free(&c);
		return msg_set(err, _("%s: neither zoo.cfg nor a broker's NAME.properties: not a "
				      "working directory of this recipe"), dir);
	} else {
		check_add(r, CHECK_PROBLEM, "zoo.cfg", _("missing: ZooKeeper's configuration"));
	}

	if (c.have_zoo) {
		c.zk_pid = running_pid(&c, "zookeeper");
		check_zoo_cfg(&c);
	}
	for (size_t i = 0; i < brokers.len; i++) {
		struct kvlist p = { 0 };

		if (check_load_props(&c, brokers.items[i], &p, true, &e) != 0)
			continue;
		check_broker(&c, brokers.items[i], &p);
		kv_free(&p);
	}
	for (size_t i = 0; i < names.len; i++)
		if (str_ends_with(names.items[i], ".zk-tls.args"))
			check_args(&c, names.items[i]);
	for (size_t i = 0; i < names.len; i++)
		if (str_ends_with(names.items[i], ".config"))
			check_client_config(&c, names.items[i]);
	check_article_clients(&c);
	/* ZooKeeper's certificate must name what the clients connect to. */
	{
		const char *h = check_answer(&c, "zookeeper.host");

		if (h != NULL && !strlist_contains(&c.zk_hosts, h)) {
			strlist_push(&c.zk_hosts, h);
			host_note(&c, h);
		}
	}
	if (c.zk_keystore != NULL)
		check_sans(&c, c.zk_keystore, &c.zk_hosts, _("how the clients reach ZooKeeper"));
	for (size_t i = 0; i < c.nstores; i++)
		report_store(&c, c.stores[i]);
	if (c.have_zoo)
		check_data_dir(&c);
	for (size_t i = 0; i < names.len; i++) {
		struct stat ks;
		char *p = fs_join(dir, names.items[i]);

		if (str_starts_with(names.items[i], "kafka_") && stat(p, &ks) == 0 &&
		    S_ISDIR(ks.st_mode))
			check_kafka_libs(&c, names.items[i]);
		free(p);
	}
	check_this_host(&c);

	strlist_free(&names);
	strlist_free(&brokers);
	ctx_free(&c);
	check_report_sort(r);
	return 0;
}
