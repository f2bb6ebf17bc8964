#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dirlock.h"
#include "fsutil.h"
#include "i18n.h"
#include "steps.h"

extern const struct step step_download, step_jars, step_ca, step_certs, step_zookeeper,
	step_brokers, step_clients;

const struct step *const steps[] = {
	&step_download, &step_jars, &step_ca, &step_certs,
	&step_zookeeper, &step_brokers, &step_clients,
};

const size_t step_count = ARRAY_SIZE(steps);

const struct step *
step_find(const char *id)
{
	for (size_t i = 0; i < step_count; i++)
		if (strcmp(steps[i]->id, id) == 0)
			return steps[i];
	return NULL;
}

int
step_render(const struct step *s, const struct plan *p, const struct inputs *in,
	    struct render_result *out, struct msg *err)
{
	int rc;

	memset(out, 0, sizeof *out);
	if (s->render == NULL)
		return 0;
	plan_record_reads(p, &out->reads);
	rc = s->render(p, in, out, err);
	plan_stop_recording(p);
	if (rc != 0)
		render_result_free(out);
	return rc;
}

enum step_state
step_state(const struct step *s, const struct plan *p, const struct manifest *m)
{
	const struct manifest_step *done = manifest_step_find(m, s->id);
	char hash[65];

	if (done == NULL)
		return STEP_STATE_NEW;
	if (done->keys.len == 0)
		return STEP_STATE_STALE;
	plan_hash_keys(p, &done->keys, hash);
	return strcmp(hash, done->input_hash) == 0 ? STEP_STATE_DONE : STEP_STATE_STALE;
}

void
run_report(const struct step_run *run, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (run->report == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	run->report(run->report_user, line);
}

void
run_progress(const struct step_run *run, const struct progress *pr)
{
	if (run->progress != NULL)
		run->progress(run->progress_user, pr);
}

bool
run_cancelled(const struct step_run *run)
{
	return run->cancel != NULL && atomic_load(run->cancel);
}

int
step_write_file(const struct step_run *run, const char *rel, const void *data, size_t len,
		unsigned mode)
{
	char on_disk[65], wanted[65];
	enum file_state state = manifest_file_state(run->manifest, run->dir, rel, on_disk);
	char *full = fs_join(run->dir, rel);
	int rc = 0;

	if (!fs_rel_path_ok(rel)) {
		free(full);
		return msg_set(run->msg, _("%s: not a file inside the working directory"), rel);
	}
	sha256_hex(data, len, wanted);
	if (state != FILE_ABSENT && strcmp(on_disk, wanted) == 0) {
		/* Same bytes: leave the file (and its timestamp) alone. */
		if (fs_chmod(full, mode & 07777) != 0)
			rc = msg_set(run->msg, _("%s: cannot set its mode"), rel);
		else
			manifest_set_file(run->manifest, rel, run->step->id, wanted, mode);
		free(full);
		return rc;
	}
	if (state == FILE_EDITED || state == FILE_FOREIGN) {
		char *backup = NULL;

		if (!(run->flags & RUN_FORCE)) {
			free(full);
			return msg_set(run->msg,
				       state == FILE_EDITED
					       ? _("%s was changed since the wizard wrote it; not "
						   "overwriting it. Compare it with the preview, or "
						   "use --force to overwrite it (a backup is kept)")
					       : _("%s exists and was not written by the wizard; not "
						   "overwriting it. Move it away, or use --force to "
						   "overwrite it (a backup is kept)"),
				       rel);
		}
		if (fs_backup(run->dir, rel, &backup, run->msg) != 0) {
			free(full);
			return -1;
		}
		run_report(run, _("kept your version of %s as %s"), rel, backup);
		free(backup);
	}
	/*
	 * The manifest learns the new version before the file changes: a crash
	 * right after the rename leaves a file the rerun still knows as ours.
	 */
	manifest_set_pending(run->manifest, rel, run->step->id, wanted, mode);
	if (manifest_save(run->manifest, run->dir, run->msg) != 0 ||
	    fs_write_atomic(full, data, len, mode, run->msg) != 0) {
		free(full);
		return -1;
	}
	manifest_set_file(run->manifest, rel, run->step->id, wanted, mode);
	run_report(run, _("wrote %s"), rel);
	free(full);
	return 0;
}

/*
 * Looks at every text output before the first write, so a refusal leaves the
 * step's files as they were, and names all the files in the way at once.
 */
static int
refuse_edited_outputs(const struct step_run *run, const struct render_result *r)
{
	struct buf names;
	bool edited = false;

	buf_init(&names);
	for (size_t i = 0; i < r->count; i++) {
		const struct output *o = &r->outputs[i];
		char on_disk[65], wanted[65];
		enum file_state state;

		if (o->kind != OUTPUT_TEXT)
			continue;
		state = manifest_file_state(run->manifest, run->dir, o->path, on_disk);
		if (state != FILE_EDITED && state != FILE_FOREIGN)
			continue;
		sha256_hex(o->bytes, o->len, wanted);
		if (strcmp(on_disk, wanted) == 0)
			continue;
		edited = edited || state == FILE_EDITED;
		buf_printf(&names, "%s%s", names.len ? ", " : "", o->path);
	}
	if (names.len == 0) {
		buf_free(&names);
		return 0;
	}
	msg_set(run->msg,
		edited ? _("%s changed since the wizard wrote it (or was not written by it); "
			   "nothing was overwritten. Compare with the preview, move it away, or "
			   "use --force to overwrite (a backup is kept)")
		       : _("%s exists and was not written by the wizard; nothing was "
			   "overwritten. Move it away, or use --force to overwrite (a backup is "
			   "kept)"),
		names.data);
	buf_free(&names);
	return -1;
}

enum step_result
step_apply(const struct step *s, const struct step_run *run_in)
{
	struct step_run run = *run_in;
	struct manifest manifest;
	struct render_result r;
	enum step_result result = STEP_OK;
	char hash[65];
	struct msg save_err;

	/* Another run's writes, or a check half-way through ours, would mix two states. */
	if (dirlock_check_same(run.dir, run.msg) != 0)
		return STEP_FAILED;
	if (dirlock_write_begin(run.dir, run.cancel, run.msg) != 0)
		return run_cancelled(&run) ? STEP_CANCELLED : STEP_FAILED;
	if (manifest_load(&manifest, run.dir, run.msg) != 0) {
		dirlock_write_end(run.dir);
		return STEP_FAILED;
	}
	run.manifest = &manifest;
	run.step = s;
	if (step_render(s, run.plan, run.inputs, &r, run.msg) != 0) {
		manifest_free(&manifest);
		dirlock_write_end(run.dir);
		return STEP_FAILED;
	}
	if (!(run.flags & RUN_FORCE) && refuse_edited_outputs(&run, &r) != 0)
		result = STEP_FAILED;
	for (size_t i = 0; result == STEP_OK && i < r.count; i++) {
		const struct output *o = &r.outputs[i];

		if (run_cancelled(&run))
			result = STEP_CANCELLED;
		else if (o->kind == OUTPUT_TEXT &&
			 step_write_file(&run, o->path, o->bytes, o->len, o->mode) != 0)
			result = STEP_FAILED;
	}
	if (result == STEP_OK && s->apply != NULL) {
		/* What apply reads beyond render (a passphrase, say) is an input too. */
		plan_record_reads(run.plan, &r.reads);
		result = s->apply(&run);
		plan_stop_recording(run.plan);
	}
	if (result == STEP_OK) {
		plan_hash_keys(run.plan, &r.reads, hash);
		manifest_set_step(&manifest, s->id, hash, &r.reads);
	}
	/* Files written before a failure are recorded too. */
	if (manifest_save(&manifest, run.dir, &save_err) != 0 && result == STEP_OK) {
		memcpy(run.msg->text, save_err.text, sizeof save_err.text);
		result = STEP_FAILED;
	}
	render_result_free(&r);
	manifest_free(&manifest);
	dirlock_write_end(run.dir);
	return result;
}
