#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "i18n.h"
#include "render.h"

struct output *
render_result_add(struct render_result *r, const char *path, enum output_kind kind, unsigned mode)
{
	struct output *o;

	r->outputs = xrealloc(r->outputs, (r->count + 1) * sizeof *r->outputs);
	o = &r->outputs[r->count++];
	memset(o, 0, sizeof *o);
	o->path = xstrdup(path);
	o->kind = kind;
	o->mode = mode;
	return o;
}

const struct output *
render_result_find(const struct render_result *r, const char *path)
{
	for (size_t i = 0; i < r->count; i++)
		if (strcmp(r->outputs[i].path, path) == 0)
			return &r->outputs[i];
	return NULL;
}

void
render_result_free(struct render_result *r)
{
	for (size_t i = 0; i < r->count; i++) {
		struct output *o = &r->outputs[i];

		free(o->path);
		secure_wipe(o->bytes, o->len);
		free(o->bytes);
		free(o->secrets);
		free(o->description);
	}
	free(r->outputs);
	strlist_free(&r->reads);
	memset(r, 0, sizeof *r);
}

char *
output_masked(const struct output *o)
{
	char *copy = xmalloc(o->len + 1);

	if (o->len > 0)
		memcpy(copy, o->bytes, o->len);
	copy[o->len] = '\0';
	for (size_t i = 0; i < o->secret_count; i++)
		memset(copy + o->secrets[i].start, '*', o->secrets[i].len);
	return copy;
}

#define LOG4J_MAX_BYTES (256 * 1024)

int
inputs_load(struct inputs *in, const struct plan *p, const char *dir, struct msg *err)
{
	char *rel, *path;
	struct msg ignored;

	memset(in, 0, sizeof *in);
	in->dir_abs = fs_absolute(dir);
	if (in->dir_abs == NULL)
		return msg_set(err, _("%s: cannot make an absolute path of it"), dir);
	rel = xasprintf("%s/conf/log4j.properties", plan_get(p, "zookeeper.dir"));
	path = fs_join(dir, rel);
	/* Absent until the jars step has unpacked ZooKeeper: then the shipped default serves. */
	if (fs_read_file(path, LOG4J_MAX_BYTES, &in->zk_log4j, &in->zk_log4j_len, &ignored) != 0)
		in->zk_log4j = NULL;
	free(rel);
	free(path);
	return 0;
}

void
inputs_free(struct inputs *in)
{
	free(in->dir_abs);
	free(in->zk_log4j);
	memset(in, 0, sizeof *in);
}
