/*
 * The step table: one const descriptor per step of the recipe, in the order
 * the recipe runs them.  Front ends walk this table; they never name a step.
 */
#ifndef ZK_STEPS_H
#define ZK_STEPS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "msg.h"
#include "plan.h"
#include "manifest.h"
#include "render.h"

enum step_result {
	STEP_OK,
	STEP_FAILED,
	STEP_CANCELLED,
};

/* A snapshot the worker hands to the front end; copied, never kept. */
struct progress {
	const char *what;       /* translated: "Downloading kafka_2.12-2.3.0.tgz" */
	uint64_t done, total;   /* bytes (total 0: unknown) */
	double rate;            /* bytes per second, 0 when unknown */
	unsigned items_done, items_total; /* "k of N keys" */
};

typedef void (*progress_fn)(void *user, const struct progress *pr);
typedef void (*report_fn)(void *user, const char *line);

enum run_flags {
	RUN_FORCE = 1u << 0, /* overwrite files the user edited, keeping a backup */
	RUN_RENEW = 1u << 1, /* regenerate keys and certificates that are still valid */
};

/* Options of the whole run that are not answers (DESIGN §3). */
struct run_options {
	const char *archives_dir;
	const char *mirror;
	const char *checksums;
	const char *ca_file;
};

struct step_run {
	const struct plan *plan;
	const char *dir;
	const struct inputs *inputs;
	const struct run_options *options;
	unsigned flags;
	/* At most ~10 calls a second, from the thread running the step; must not block. */
	progress_fn progress;
	void *progress_user;
	/* One line per thing done ("wrote zoo.cfg", "kept kafka-1.jks: still valid"). */
	report_fn report;
	void *report_user;
	const atomic_bool *cancel;
	struct msg *msg;        /* why the step failed */
	/* Filled by step_apply() for the step's own writes; front ends leave it NULL. */
	struct manifest *manifest;
	const struct step *step;
};

struct step {
	const char *id;
	const char *title;      /* N_() */
	const char *explain;    /* N_(): why the step exists, in a few sentences */
	const char *const *keys;/* answer key patterns its screen edits, NULL-terminated */
	int (*render)(const struct plan *p, const struct inputs *in, struct render_result *out,
		      struct msg *err);
	enum step_result (*apply)(const struct step_run *run);
};

extern const struct step *const steps[];
extern const size_t step_count;

const struct step *step_find(const char *id);
/* Renders with read recording on, so out->reads lists the step's inputs. */
int step_render(const struct step *s, const struct plan *p, const struct inputs *in,
		struct render_result *out, struct msg *err);
/* Runs a step (render + write + manifest for text steps). */
enum step_result step_apply(const struct step *s, const struct step_run *run);

/*
 * Writes one file of the running step under run->dir: refuses a file the user
 * edited (or one the wizard never wrote) unless RUN_FORCE, which keeps a
 * backup; writes atomically with mode; records it in the manifest; reports
 * "wrote PATH".  An unchanged file is left alone.  Returns 0, or -1 with
 * run->msg set.
 */
int step_write_file(const struct step_run *run, const char *rel, const void *data, size_t len,
		    unsigned mode);

enum step_state {
	STEP_STATE_NEW,     /* never run in this directory */
	STEP_STATE_DONE,    /* run, and the answers it read are unchanged */
	STEP_STATE_STALE,   /* run, but an answer it read has changed since */
};

/* From the manifest: the step's recorded inputs hashed again with today's answers. */
enum step_state step_state(const struct step *s, const struct plan *p, const struct manifest *m);

void run_report(const struct step_run *run, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void run_progress(const struct step_run *run, const struct progress *pr);
bool run_cancelled(const struct step_run *run);

#endif
