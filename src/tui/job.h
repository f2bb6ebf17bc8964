/* A step running on a worker thread while the main thread keeps drawing and reading keys. */
/*
 * The worker gets its own copy of the plan (a plan is not thread-safe);
 * progress and report lines come back through a lock.
 */
#ifndef ZK_JOB_H
#define ZK_JOB_H

#include <stdbool.h>

#include "core/plan.h"
#include "core/steps.h"

struct job;

struct job_view {
	char what[256];
	struct progress progress;   /* what points into the view's own buffer */
	bool has_progress;
	bool cancelling;
	double seconds;             /* since the job started */
};

struct job *job_start(const struct step *s, const struct plan *p, const char *dir,
		      const struct inputs *in, const struct run_options *options, unsigned flags);
bool job_finished(const struct job *j);
void job_cancel(struct job *j);
void job_view(struct job *j, struct job_view *out);
/* Joins the worker; report_lines receives the step's report lines; frees the job. */
enum step_result job_finish(struct job *j, struct strlist *report_lines, struct msg *msg);

#endif
