/* A step on a worker thread; progress and report lines come back through a lock. */
#include <config.h>

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/i18n.h"
#include "tui/job.h"

struct job {
	pthread_t thread;
	pthread_mutex_t lock;
	atomic_bool finished;
	atomic_bool cancel;
	struct timespec started;

	const struct step *step;
	struct plan *plan;          /* the worker's own copy */
	char *dir;
	const struct inputs *inputs;
	const struct run_options *options;
	unsigned flags;

	/* Under lock. */
	struct progress progress;
	char what[256];
	bool has_progress;
	struct strlist lines;

	enum step_result result;
	struct msg msg;
};

static void
on_progress(void *user, const struct progress *pr)
{
	struct job *j = user;

	pthread_mutex_lock(&j->lock);
	j->progress = *pr;
	snprintf(j->what, sizeof j->what, "%s", pr->what ? pr->what : "");
	j->has_progress = true;
	pthread_mutex_unlock(&j->lock);
}

static void
on_report(void *user, const char *line)
{
	struct job *j = user;

	pthread_mutex_lock(&j->lock);
	strlist_push(&j->lines, line);
	pthread_mutex_unlock(&j->lock);
}

static void *
worker(void *arg)
{
	struct job *j = arg;
	struct step_run run = {
		.plan = j->plan, .dir = j->dir, .inputs = j->inputs, .options = j->options,
		.flags = j->flags, .progress = on_progress, .progress_user = j,
		.report = on_report, .report_user = j, .cancel = &j->cancel, .msg = &j->msg,
	};

	j->result = step_apply(j->step, &run);
	atomic_store(&j->finished, true);
	return NULL;
}

struct job *
job_start(const struct step *s, const struct plan *p, const char *dir, const struct inputs *in,
	  const struct run_options *options, unsigned flags)
{
	struct job *j = xcalloc(1, sizeof *j);
	sigset_t all, old;
	int rc;

	pthread_mutex_init(&j->lock, NULL);
	atomic_init(&j->finished, false);
	atomic_init(&j->cancel, false);
	clock_gettime(CLOCK_MONOTONIC, &j->started);
	j->step = s;
	j->plan = plan_clone(p);
	j->dir = xstrdup(dir);
	j->inputs = in;
	j->options = options;
	j->flags = flags;
	/* Signals belong to the main thread: the worker starts with all blocked. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&j->thread, NULL, worker, j);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		/* No thread: run it here, the user just waits without a progress bar. */
		worker(j);
		j->thread = pthread_self();
	}
	return j;
}

bool
job_finished(const struct job *j)
{
	return atomic_load(&j->finished);
}

void
job_cancel(struct job *j)
{
	atomic_store(&j->cancel, true);
}

void
job_view(struct job *j, struct job_view *out)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	pthread_mutex_lock(&j->lock);
	memset(out, 0, sizeof *out);
	out->progress = j->progress;
	memcpy(out->what, j->what, sizeof out->what);
	out->progress.what = out->what;
	out->has_progress = j->has_progress;
	pthread_mutex_unlock(&j->lock);
	out->cancelling = atomic_load(&j->cancel);
	out->seconds = (double)(now.tv_sec - j->started.tv_sec) +
		       (double)(now.tv_nsec - j->started.tv_nsec) / 1e9;
}

enum step_result
job_finish(struct job *j, struct strlist *report_lines, struct msg *msg)
{
	enum step_result result;

	if (!pthread_equal(j->thread, pthread_self()))
		pthread_join(j->thread, NULL);
	result = j->result;
	for (size_t i = 0; i < j->lines.len; i++)
		strlist_push(report_lines, j->lines.items[i]);
	*msg = j->msg;
	strlist_free(&j->lines);
	plan_free(j->plan);
	free(j->dir);
	pthread_mutex_destroy(&j->lock);
	free(j);
	return result;
}
