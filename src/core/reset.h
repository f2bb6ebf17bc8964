/*
 * Resetting a working directory to the state before a step: what that step
 * and every later one wrote goes, what came before stays (workshops redo a
 * step from a known state).
 */
#ifndef ZK_RESET_H
#define ZK_RESET_H

#include "msg.h"
#include "plan.h"
#include "steps.h"

/*
 * Removes the files the steps from step_id on wrote (as the manifest knows
 * them; the unpacked releases and downloads for jars and download) and their
 * manifest records.  A file the user edited is kept and reported, unless
 * RUN_FORCE, which moves it to the backup folder.  report gets a line per
 * thing done.  Returns 0, or -1 with err set.
 */
int reset_from_step(const struct plan *p, const char *dir, const char *step_id, unsigned flags,
		    report_fn report, void *report_user, struct msg *err);

#endif
