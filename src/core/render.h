/*
 * What a step will write, computed from the plan: preview and apply use the
 * same result, so what the user sees is what gets written.
 */
#ifndef ZK_RENDER_H
#define ZK_RENDER_H

#include <stddef.h>

#include "msg.h"
#include "plan.h"
#include "util.h"

enum output_kind {
	OUTPUT_TEXT,      /* bytes are the file */
	OUTPUT_GENERATED, /* random until made: description says what it will hold */
};

struct span {
	size_t start;
	size_t len;
};

struct output {
	char *path;           /* relative to DIR */
	enum output_kind kind;
	unsigned mode;        /* 0600, 0644, 0755 */
	char *bytes;          /* OUTPUT_TEXT only */
	size_t len;
	struct span *secrets; /* byte ranges of bytes that hold secrets */
	size_t secret_count;
	char *description;    /* translated: what the file is for (or holds) */
};

/* Facts read from disk when a step is entered, not per keystroke. */
struct inputs {
	char *dir_abs;        /* absolute working directory */
	char *zk_log4j;       /* log4j.properties of the unpacked ZooKeeper, or NULL */
	size_t zk_log4j_len;
};

int inputs_load(struct inputs *in, const struct plan *p, const char *dir, struct msg *err);
void inputs_free(struct inputs *in);

struct render_result {
	struct output *outputs;
	size_t count;
	struct strlist reads; /* the answers the render read: the step's inputs */
};

struct output *render_result_add(struct render_result *r, const char *path, enum output_kind kind,
				 unsigned mode);
const struct output *render_result_find(const struct render_result *r, const char *path);
/* Wipes the bytes (they may hold passwords) and frees everything. */
void render_result_free(struct render_result *r);

/* A copy of the output's bytes with every secret span replaced by '*'. */
char *output_masked(const struct output *o);

#endif
