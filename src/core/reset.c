#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"
#include "dirlock.h"
#include "fsutil.h"
#include "i18n.h"
#include "manifest.h"
#include "reset.h"

static void
say(report_fn report, void *user, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
say(report_fn report, void *user, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (report == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	report(user, line);
}

/* Removes rel under dir, a whole tree if it is one, following no link; absent is fine. */
static int
remove_tree(const char *dir, const char *rel, report_fn report, void *user, struct msg *err)
{
	char *full = fs_join(dir, rel);
	int rc = 0;

	if (fs_exists(full)) {
		if (fs_remove_tree(full, err) != 0)
			rc = -1;
		else
			say(report, user, _("removed %s"), rel);
	}
	free(full);
	return rc;
}

static bool
step_from(const char *id, size_t first)
{
	for (size_t i = first; i < step_count; i++)
		if (strcmp(steps[i]->id, id) == 0)
			return true;
	return false;
}

int
reset_from_step(const struct plan *p, const char *dir, const char *step_id, unsigned flags,
		report_fn report, void *report_user, struct msg *err)
{
	struct manifest m;
	size_t first = step_count;
	int rc = 0;

	for (size_t i = 0; i < step_count; i++)
		if (strcmp(steps[i]->id, step_id) == 0)
			first = i;
	if (first == step_count)
		return msg_set(err, _("there is no step '%s'"), step_id);
	if (dirlock_write_begin(dir, NULL, err) != 0)
		return -1;
	if (manifest_load(&m, dir, err) != 0) {
		dirlock_write_end(dir);
		return -1;
	}
	for (size_t i = m.file_count; rc == 0 && i-- > 0;) {
		char *path = xstrdup(m.files[i].path);
		char *full = fs_join(dir, path);
		enum file_state state;
		bool gone = true;

		if (!step_from(m.files[i].step, first)) {
			free(path);
			free(full);
			continue;
		}
		/* The manifest was checked when read; what is removed is checked again. */
		if (!fs_rel_path_ok(path)) {
			rc = msg_set(err, _("the manifest names '%s', which is not a file inside the "
					    "working directory; nothing of it was removed"), path);
			free(path);
			free(full);
			break;
		}
		state = manifest_file_state(&m, dir, path, NULL);
		if (state == FILE_OURS) {
			if (fs_unlink(full) != 0 && errno != ENOENT)
				rc = msg_set(err, _("%s: cannot remove it: %s"), path, strerror(errno));
			else
				say(report, report_user, _("removed %s"), path);
		} else if (state == FILE_EDITED || state == FILE_FOREIGN) {
			char *backup = NULL;

			if (!(flags & RUN_FORCE)) {
				/* Still known: a later reset with --force can move it. */
				gone = false;
				say(report, report_user, _("kept %s: you changed it (--force moves it to "
							    "the backups)"), path);
			} else if (fs_backup(dir, path, &backup, err) != 0) {
				rc = -1;
			} else {
				say(report, report_user, _("moved your %s to %s"), path, backup);
				free(backup);
			}
		}
		if (rc == 0 && gone)
			manifest_remove_file(&m, path);
		free(path);
		free(full);
	}
	/* What the release steps made without the manifest: trees and archives. */
	if (rc == 0 && first <= 1) {
		struct releases r;

		if (releases_load(p, &r, err) != 0) {
			rc = -1;
		} else {
			rc = remove_tree(dir, r.kafka.top, report, report_user, err);
			if (rc == 0)
				rc = remove_tree(dir, r.zookeeper.top, report, report_user, err);
			if (rc == 0)
				rc = remove_tree(dir, "removed-jars", report, report_user, err);
			if (rc == 0 && first == 0)
				rc = remove_tree(dir, "downloads", report, report_user, err);
			releases_free(&r);
		}
	}
	for (size_t i = first; rc == 0 && i < step_count; i++) {
		for (size_t j = 0; j < m.step_count; j++)
			if (strcmp(m.steps[j].id, steps[i]->id) == 0) {
				/* Forget the step: it is new again. */
				free(m.steps[j].id);
				strlist_free(&m.steps[j].keys);
				memmove(&m.steps[j], &m.steps[j + 1],
					(m.step_count - j - 1) * sizeof *m.steps);
				m.step_count--;
				break;
			}
	}
	if (manifest_save(&m, dir, rc == 0 ? err : &(struct msg){ "" }) != 0)
		rc = -1;
	manifest_free(&m);
	dirlock_write_end(dir);
	return rc;
}
