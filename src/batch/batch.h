/* The plain front end: validate, then run the steps in order. */
#ifndef ZK_BATCH_H
#define ZK_BATCH_H

#include <stdio.h>

#include "core/plan.h"
#include "core/steps.h"

/* Returns the exit status: 0, 1 (answers or a step), 2 (usage). */
int batch_run(struct plan *p, const char *dir, const char *step_list, unsigned flags,
	      const struct run_options *options);

/* --export-commands FILE: the whole recipe as a shell script (0700); mode: COMMANDS_*. */
int batch_export_commands(struct plan *p, const char *path, unsigned mode,
			  const struct run_options *options);

/* --reset-to STEP: DIR as it was before STEP; returns the exit status. */
int batch_reset(struct plan *p, const char *dir, const char *step_id, unsigned flags);

/* zktls-wizard check DIR: reports per file, problems first; returns the exit status. */
int batch_check(const char *dir, bool this_host);

/*
 * printf to out with every control character escaped (str_visible): every
 * line the plain front ends print goes through here.
 */
void batch_say(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints every problem of the plan to stderr; returns how many there were. */
size_t batch_print_problems(const struct plan *p);

#endif
