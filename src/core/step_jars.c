/* The step that unpacks the releases and swaps Kafka's ZooKeeper jars: jars. */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog.h"
#include "fileread.h"
#include "fsutil.h"
#include "i18n.h"
#include "steps.h"
#include "unpack.h"

#define DOWNLOADS "downloads"
#define REMOVED_JARS "removed-jars"
#define COPY_CHUNK (256 * 1024)

static int
render_jars(const struct plan *p, const struct inputs *in, struct render_result *out,
	    struct msg *err)
{
	struct releases r;
	struct output *o;
	struct buf d;
	char *path;

	(void)in;
	if (releases_load(p, &r, err) != 0)
		return -1;
	for (int i = 0; i < 2; i++) {
		const struct release *rel = i == 0 ? &r.kafka : &r.zookeeper;

		path = xasprintf("%s/", rel->top);
		o = render_result_add(out, path, OUTPUT_GENERATED, 0755);
		o->description = xasprintf(_("%s %s unpacked from %s/%s (entries outside %s/ "
					     "refuse the whole archive)."),
					   release_display_name(rel), rel->version, DOWNLOADS,
					   rel->archive, rel->top);
		free(path);
	}
	path = xasprintf("%s/%s/", r.kafka.top, r.kafka.libdir);
	o = render_result_add(out, path, OUTPUT_GENERATED, 0755);
	free(path);
	buf_init(&d);
	if (r.kafka.zookeeper_jar != NULL)
		buf_printf(&d, _("Kafka %s ships %s. "), r.kafka.version, r.kafka.zookeeper_jar);
	buf_printf(&d, _("If Kafka's ZooKeeper client cannot speak TLS, it is moved to %s/%s/ "
			 "and these jars of %s/%s/ are copied in: "),
		   REMOVED_JARS, r.kafka.top, r.zookeeper.top, r.zookeeper.libdir);
	for (size_t i = 0; i < r.zookeeper.jars.len; i++)
		buf_printf(&d, "%s%s", i ? ", " : "", r.zookeeper.jars.items[i]);
	buf_adds(&d, ". ");
	if (!r.kafka.known || !r.zookeeper.known)
		buf_printf(&d, _("A version not in the release catalog: the jars are found by "
				 "looking into the unpacked archives."));
	o->description = buf_steal(&d, NULL);
	releases_free(&r);
	return 0;
}

struct unpack_state {
	const struct step_run *run;
	char what[256];
};

static void
unpack_progress(void *user, uint64_t done, uint64_t total)
{
	struct unpack_state *s = user;
	struct progress pr = { .what = s->what, .done = done, .total = total };

	run_progress(s->run, &pr);
}

/*
 * The jars the swap takes from this release: compared byte for byte with
 * the archive (every other entry by type and size).
 */
static void
compare_patterns(const struct release *rel, struct strlist *out)
{
	char *p;

	if (strcmp(rel->program, "kafka") == 0) {
		p = xasprintf("%s/%s/zookeeper-*.jar", rel->top, rel->libdir);
		strlist_push(out, p);
		free(p);
		return;
	}
	for (size_t i = 0; i < rel->jars.len; i++) {
		p = xasprintf("%s/%s/%s", rel->top, rel->libdir, rel->jars.items[i]);
		strlist_push(out, p);
		free(p);
	}
}

/*
 * An unpacked tree from an earlier run counts only when it still matches
 * its archive (a full disk or a crash in an older version could leave one
 * that does not); the swap's moves are allowed for.
 */
static enum step_result
keep_unpacked(const struct step_run *run, const struct release *rel, struct unpack *u,
	      const char *archive, const char *rel_archive)
{
	char *moved_from = xasprintf("%s/%s", rel->top, rel->libdir);
	char *moved_to = xasprintf("%s/%s", REMOVED_JARS, rel->top);
	/* The jars are what Kafka runs: a script or a configuration may have been edited. */
	char *jars = xasprintf("%s/%s/*", rel->top, rel->libdir);
	struct strlist critical = { 0 };
	enum step_result result = STEP_OK;
	struct msg note;
	enum unpack_result ur;
	struct stat st;

	if (fs_lstat(archive, &st) != 0) {
		run_report(run, _("kept %s/: already unpacked (not compared with its archive: %s "
				  "is gone)"), rel->top, rel_archive);
		goto out;
	}
	strlist_push(&critical, jars);
	u->moved_from = moved_from;
	u->moved_to = moved_to;
	u->critical = &critical;
	ur = unpack_verify(u, archive, run->dir, rel->top, &note, run->msg);
	if (ur == UNPACK_CANCELLED) {
		msg_set(run->msg, _("cancelled; %s/ was not changed"), rel->top);
		result = STEP_CANCELLED;
	} else if (ur != UNPACK_OK) {
		struct msg detail = *run->msg;

		msg_set(run->msg, _("%s/ is there but its jars do not match %s: %s. Move %s/ away "
				    "(or remove it) and run the jars step again: it unpacks the "
				    "archive afresh."), rel->top, rel_archive, detail.text, rel->top);
		result = STEP_FAILED;
	} else if (note.text[0] != '\0') {
		run_report(run, _("warning: kept %s/, whose jars match %s, but not the rest: %s "
				  "(to start afresh, move %s/ away and rerun the jars step)"),
			   rel->top, rel_archive, note.text, rel->top);
	} else {
		run_report(run, _("kept %s/: already unpacked, and it matches %s"), rel->top,
			   rel_archive);
	}
out:
	u->moved_from = NULL;
	u->moved_to = NULL;
	u->critical = NULL;
	strlist_free(&critical);
	free(jars);
	free(moved_from);
	free(moved_to);
	return result;
}

static enum step_result
unpack_one(const struct step_run *run, const struct release *rel)
{
	struct unpack_state s = { .run = run };
	struct strlist compare = { 0 };
	struct unpack u = {
		.cancel = run->cancel, .progress = unpack_progress, .user = &s, .compare = &compare,
	};
	char *top = fs_join(run->dir, rel->top);
	char *rel_archive = xasprintf("%s/%s", DOWNLOADS, rel->archive);
	char *archive = fs_join(run->dir, rel_archive);
	enum step_result result = STEP_OK;
	enum unpack_result ur;
	struct stat st;

	compare_patterns(rel, &compare);
	if (fs_lstat(top, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			snprintf(s.what, sizeof s.what, _("Comparing %s/ with %s"), rel->top,
				 rel->archive);
			result = keep_unpacked(run, rel, &u, archive, rel_archive);
		} else {
			msg_set(run->msg, _("%s is in the way: it is not a folder"), rel->top);
			result = STEP_FAILED;
		}
		goto out;
	}
	if (fs_lstat(archive, &st) != 0) {
		msg_set(run->msg, _("%s is missing: run the download step first (or give "
				    "--archives DIR)"), rel_archive);
		result = STEP_FAILED;
		goto out;
	}
	snprintf(s.what, sizeof s.what, _("Unpacking %s"), rel->archive);
	ur = unpack_archive(&u, archive, run->dir, rel->top, run->msg);
	if (ur == UNPACK_CANCELLED) {
		msg_set(run->msg, _("cancelled; nothing of %s was unpacked"), rel->archive);
		result = STEP_CANCELLED;
	} else if (ur != UNPACK_OK) {
		result = STEP_FAILED;
	} else {
		run_report(run, _("unpacked %s into %s/ and compared it with the archive"),
			   rel_archive, rel->top);
	}
out:
	strlist_free(&compare);
	free(top);
	free(rel_archive);
	free(archive);
	return result;
}

/* True when both regular files hold the same bytes. */
static bool
same_bytes(const char *a, const char *b)
{
	char *x = xmalloc(COPY_CHUNK), *y = xmalloc(COPY_CHUNK);
	struct stat sa, sb;
	struct msg ignored;
	int fa = file_open_regular(AT_FDCWD, a, FILE_NOFOLLOW, &sa, &ignored);
	int fb = file_open_regular(AT_FDCWD, b, FILE_NOFOLLOW, &sb, &ignored);
	bool same = fa >= 0 && fb >= 0 && sa.st_size == sb.st_size;

	while (same) {
		ssize_t n = read(fa, x, COPY_CHUNK);
		ssize_t m = n > 0 ? read(fb, y, (size_t)n) : read(fb, y, 1);

		if (n < 0 || m != n || memcmp(x, y, (size_t)(n > 0 ? n : 0)) != 0)
			same = false;
		else if (n == 0)
			break;
	}
	if (fa >= 0)
		close(fa);
	if (fb >= 0)
		close(fb);
	free(x);
	free(y);
	return same;
}

/* Copies from to to atomically (a temporary name, fsync, rename); every write checked. */
static int
copy_file(const char *from, const char *to, struct msg *err)
{
	char *temp = fs_temp_name(to);
	char *chunk = xmalloc(COPY_CHUNK);
	struct stat st;
	int in = file_open_regular(AT_FDCWD, from, FILE_NOFOLLOW, &st, err), out = -1, rc = 0;
	ssize_t n;

	fs_unlink(temp);
	if (in < 0)
		rc = -1;
	else if ((out = fs_open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
			     0644)) < 0)
		rc = msg_set(err, _("%s: cannot write it: %s"), temp, strerror(errno));
	while (rc == 0 && (n = read(in, chunk, COPY_CHUNK)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || file_write_all(out, chunk, (size_t)n) != 0)
			rc = msg_set(err, _("cannot copy %s to %s: %s"), from, to, strerror(errno));
	}
	if (rc == 0 && fsync(out) != 0)
		rc = msg_set(err, _("%s: cannot write it: %s"), temp, strerror(errno));
	if (out >= 0 && close(out) != 0 && rc == 0)
		rc = msg_set(err, _("%s: cannot write it: %s"), temp, strerror(errno));
	if (rc == 0 && fs_rename(temp, to) != 0)
		rc = msg_set(err, _("cannot rename %s to %s: %s"), temp, to, strerror(errno));
	if (rc != 0)
		fs_unlink(temp);
	if (in >= 0)
		close(in);
	free(chunk);
	free(temp);
	return rc;
}

/* Regular files in dir whose names match pattern, sorted. */
static int
list_matching(const char *dir, const char *pattern, struct strlist *out, struct msg *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (d == NULL)
		return msg_set(err, _("%s: %s"), dir, strerror(errno));
	while ((e = readdir(d)) != NULL) {
		char *path;
		struct stat st;

		if (fnmatch(pattern, e->d_name, 0) != 0)
			continue;
		path = fs_join(dir, e->d_name);
		if (fs_lstat(path, &st) == 0 && S_ISREG(st.st_mode))
			strlist_push(out, e->d_name);
		free(path);
	}
	closedir(d);
	/* readdir order is the file system's: sort for stable messages. */
	for (size_t i = 1; i < out->len; i++)
		for (size_t j = i; j > 0 && strcmp(out->items[j - 1], out->items[j]) > 0; j--) {
			char *t = out->items[j];

			out->items[j] = out->items[j - 1];
			out->items[j - 1] = t;
		}
	return 0;
}

/* "zookeeper-3.4.14.jar" -> "3.4.14" (caller frees), NULL when not that shape. */
static char *
zookeeper_jar_version(const char *name)
{
	size_t n = strlen(name);

	if (!str_starts_with(name, "zookeeper-") || !str_ends_with(name, ".jar") || n <= 14)
		return NULL;
	for (size_t i = 10; i < n - 4; i++)
		if (!(name[i] == '.' || (name[i] >= '0' && name[i] <= '9')))
			return NULL;
	return xstrndup(name + 10, n - 14);
}

/*
 * The ZooKeeper jars to copy, found in its lib/: the catalog's names for a
 * known release (each must be there), else one match per pattern.
 */
static int
find_zookeeper_jars(const struct release *zk, const char *libdir, struct strlist *jars,
		    struct msg *err)
{
	for (size_t i = 0; i < zk->jars.len; i++) {
		struct strlist found = { 0 };

		if (list_matching(libdir, zk->jars.items[i], &found, err) != 0)
			return -1;
		if (found.len != 1) {
			msg_set(err, found.len == 0
					     ? _("%s/%s/ has no %s, which the swap needs")
					     : _("%s/%s/ has several %s; the wizard cannot tell which "
						 "to use"),
				zk->top, zk->libdir, zk->jars.items[i]);
			strlist_free(&found);
			return -1;
		}
		strlist_push(jars, found.items[0]);
		strlist_free(&found);
	}
	return 0;
}

static char *
revert_script(const char *kafka_top, const char *libdir, const struct strlist *added,
	      const struct strlist *moved)
{
	struct buf b;

	buf_init(&b);
	buf_printf(&b, "#!/bin/sh\n"
		       "# Written by zktls-wizard's jars step: undoes its jar swap in %s/%s/,\n"
		       "# putting back the jars Kafka shipped and removing the ones it added.\n"
		       "# Run it as: sh %s/%s/revert.sh\n"
		       "set -eu\n"
		       "cd \"$(dirname \"$0\")/../..\"\n",
		   kafka_top, libdir, REMOVED_JARS, kafka_top);
	for (size_t i = 0; i < added->len; i++)
		buf_printf(&b, "rm -f '%s/%s/%s'\n", kafka_top, libdir, added->items[i]);
	for (size_t i = 0; i < moved->len; i++)
		buf_printf(&b, "mv '%s/%s/%s' '%s/%s/'\n", REMOVED_JARS, kafka_top,
			   moved->items[i], kafka_top, libdir);
	buf_printf(&b, "echo 'Kafka uses its own ZooKeeper client jars again.'\n");
	return buf_steal(&b, NULL);
}

/* libs/ holds exactly one zookeeper-<version>.jar, and every copy is its source. */
static int
verify_swap(const struct step_run *run, const char *klibs, const char *zlib,
	    const char *target, const struct strlist *jars)
{
	struct strlist zk_jars = { 0 };
	int rc = 0;

	if (list_matching(klibs, "zookeeper-[0-9]*.jar", &zk_jars, run->msg) != 0)
		return -1;
	if (zk_jars.len != 1 || strcmp(zk_jars.items[0], target) != 0) {
		struct buf names;

		buf_init(&names);
		for (size_t i = 0; i < zk_jars.len; i++)
			buf_printf(&names, "%s%s", i ? ", " : "", zk_jars.items[i]);
		rc = msg_set(run->msg, _("after the swap %s should hold exactly one ZooKeeper "
					 "jar, %s, but holds: %s"), klibs, target,
			     names.len ? names.data : _("none"));
		buf_free(&names);
	}
	strlist_free(&zk_jars);
	for (size_t i = 0; rc == 0 && i < jars->len; i++) {
		char *a = fs_join(klibs, jars->items[i]), *b = fs_join(zlib, jars->items[i]);

		if (!same_bytes(a, b))
			rc = msg_set(run->msg, _("%s differs from %s after copying it"), a, b);
		free(a);
		free(b);
	}
	return rc;
}

/*
 * A swap that failed halfway (a full disk, a cancel) is undone: the jars
 * this run copied in are removed and the ones it moved out go back, so the
 * step leaves libs/ as it found it and a rerun starts from there.
 */
static void
undo_swap(const struct step_run *run, const char *klibs, const char *removed, bool made_removed,
	  const struct strlist *moved, const struct strlist *copied)
{
	struct buf failed;

	buf_init(&failed);
	for (size_t i = 0; i < copied->len; i++) {
		char *path = fs_join(klibs, copied->items[i]);

		/* A copy over one of Kafka's own jars is replaced when that goes back. */
		if (!strlist_contains(moved, copied->items[i]) && fs_unlink(path) != 0)
			buf_printf(&failed, "%s%s", failed.len ? ", " : "", path);
		free(path);
	}
	for (size_t i = 0; i < moved->len; i++) {
		char *from = fs_join(removed, moved->items[i]), *to = fs_join(klibs, moved->items[i]);

		if (fs_rename(from, to) != 0)
			buf_printf(&failed, "%s%s", failed.len ? ", " : "", from);
		free(from);
		free(to);
	}
	if (made_removed && rmdir(removed) == 0) {
		char *parent = fs_join(run->dir, REMOVED_JARS);

		/* Only when empty: another Kafka's kept jars stay. */
		(void)rmdir(parent);
		free(parent);
	}
	fs_fsync_dir(klibs);
	if (failed.len > 0)
		msg_append(run->msg, _("Undoing the swap failed for %s; run the jars step again "
				       "to finish it, or sh %s/revert.sh once it exists."),
			   failed.data, REMOVED_JARS);
	else if (moved->len > 0 || copied->len > 0)
		msg_append(run->msg, _("The swap was undone: %s holds Kafka's own jars again, and "
				       "a rerun swaps them afresh."), klibs);
	buf_free(&failed);
}

static enum step_result
swap_jars(const struct step_run *run, const struct releases *r)
{
	const char *tls_since = catalog_zookeeper_tls_since();
	char *klibs_rel = xasprintf("%s/%s", r->kafka.top, r->kafka.libdir);
	char *klibs = fs_join(run->dir, klibs_rel);
	char *zlib_rel = xasprintf("%s/%s", r->zookeeper.top, r->zookeeper.libdir);
	char *zlib = fs_join(run->dir, zlib_rel);
	char *removed_rel = xasprintf("%s/%s", REMOVED_JARS, r->kafka.top);
	char *removed = fs_join(run->dir, removed_rel);
	char *script_rel = xasprintf("%s/revert.sh", removed_rel);
	char *target = xasprintf("zookeeper-%s.jar", r->zookeeper.version);
	char *script_path = NULL;
	struct strlist shipped = { 0 }, jars = { 0 }, old = { 0 }, added = { 0 }, moved = { 0 };
	struct strlist kept = { 0 }, copied = { 0 };
	enum step_result result = STEP_OK;
	bool swapped_before, made_removed = false;

	if (tls_since == NULL)
		tls_since = "3.5.5";
	if (!fs_exists(klibs)) {
		msg_set(run->msg, _("%s/ is missing from the unpacked Kafka"), klibs_rel);
		result = STEP_FAILED;
		goto out;
	}
	if (list_matching(klibs, "zookeeper-[0-9]*.jar", &shipped, run->msg) != 0 ||
	    (fs_exists(removed) &&
	     list_matching(removed, "zookeeper-[0-9]*.jar", &kept, run->msg) != 0)) {
		result = STEP_FAILED;
		goto out;
	}
	swapped_before = kept.len > 0;
	/* What Kafka ships is what libs/ holds, not what the catalog expects. */
	for (size_t i = 0; i < shipped.len; i++) {
		char *v = zookeeper_jar_version(shipped.items[i]);

		if (v != NULL && version_compare(v, tls_since) < 0)
			strlist_push(&old, shipped.items[i]);
		free(v);
	}
	if (!swapped_before && r->kafka.zookeeper_jar != NULL &&
	    !strlist_contains(&shipped, r->kafka.zookeeper_jar))
		run_report(run, _("note: the release catalog expected %s in %s/, which holds %s "
				  "instead; going by what is there"), r->kafka.zookeeper_jar,
			   klibs_rel, shipped.len ? shipped.items[0] : _("no ZooKeeper jar"));
	if (old.len == 0 && !swapped_before) {
		run_report(run, _("Kafka %s ships %s, which speaks TLS: no jars swapped"),
			   r->kafka.version, shipped.len ? shipped.items[0] : _("no ZooKeeper jar"));
		goto out;
	}
	if (find_zookeeper_jars(&r->zookeeper, zlib, &jars, run->msg) != 0) {
		result = STEP_FAILED;
		goto out;
	}
	if (!strlist_contains(&jars, target)) {
		msg_set(run->msg, _("%s/ has no %s"), zlib_rel, target);
		result = STEP_FAILED;
		goto out;
	}
	if (!r->zookeeper.known)
		run_report(run, _("ZooKeeper %s is not in the release catalog: found these jars "
				  "in %s/ by looking"), r->zookeeper.version, zlib_rel);
	made_removed = !fs_exists(removed);
	if (fs_mkdirs(removed, 0700, run->msg) != 0) {
		result = STEP_FAILED;
		goto out;
	}
	/* Out of libs/ (Kafka puts every file there on its classpath), kept for revert. */
	for (size_t i = 0; i < old.len; i++) {
		char *from = fs_join(klibs, old.items[i]), *to = fs_join(removed, old.items[i]);

		if (fs_exists(to) && !same_bytes(from, to)) {
			msg_set(run->msg, _("%s/%s exists and differs from %s/%s; move one of them "
					    "away"), removed_rel, old.items[i], klibs_rel,
				old.items[i]);
			result = STEP_FAILED;
		} else if (fs_rename(from, to) != 0) {
			msg_set(run->msg, _("cannot move %s out of %s/: %s"), old.items[i], klibs_rel,
				strerror(errno));
			result = STEP_FAILED;
		} else {
			strlist_push(&moved, old.items[i]);
			run_report(run, _("moved %s/%s to %s/"), klibs_rel, old.items[i],
				   removed_rel);
		}
		free(from);
		free(to);
		if (result != STEP_OK)
			goto out;
	}
	for (size_t i = 0; i < jars.len && result == STEP_OK; i++) {
		char *from = fs_join(zlib, jars.items[i]), *to = fs_join(klibs, jars.items[i]);

		if (run_cancelled(run)) {
			msg_set(run->msg, _("cancelled during the swap"));
			result = STEP_CANCELLED;
		} else if (fs_exists(to) && same_bytes(from, to)) {
			/* Already in place: the second run changes nothing. */
		} else if (fs_exists(to) && !swapped_before) {
			/* Kafka's own jar of that name: kept for revert like the other. */
			char *aside = fs_join(removed, jars.items[i]);

			if (fs_rename(to, aside) != 0) {
				msg_set(run->msg, _("cannot move %s out of %s/: %s"), jars.items[i],
					klibs_rel, strerror(errno));
				result = STEP_FAILED;
			} else {
				strlist_push(&moved, jars.items[i]);
			}
			free(aside);
		} else if (!fs_exists(to)) {
			strlist_push(&added, jars.items[i]);
		}
		if (result == STEP_OK && !(fs_exists(to) && same_bytes(from, to))) {
			if (copy_file(from, to, run->msg) != 0) {
				result = STEP_FAILED;
			} else {
				strlist_push(&copied, jars.items[i]);
				run_report(run, _("copied %s/%s into %s/"), zlib_rel, jars.items[i],
					   klibs_rel);
			}
		}
		free(from);
		free(to);
	}
	if (result != STEP_OK)
		goto out;
	fs_fsync_dir(klibs);
	fs_fsync_dir(removed);
	if (verify_swap(run, klibs, zlib, target, &jars) != 0) {
		result = STEP_FAILED;
		goto out;
	}
	script_path = fs_join(run->dir, script_rel);
	if (!swapped_before || !fs_exists(script_path)) {
		struct strlist put_back = { 0 };
		char *script;

		/* On a rerun "added" is empty: the script of the first swap stays. */
		if (swapped_before)
			for (size_t i = 0; i < jars.len; i++)
				if (!strlist_contains(&added, jars.items[i]))
					strlist_push(&added, jars.items[i]);
		for (size_t i = 0; i < moved.len; i++)
			strlist_push(&put_back, moved.items[i]);
		if (swapped_before)
			for (size_t i = 0; i < kept.len; i++)
				strlist_push(&put_back, kept.items[i]);
		script = revert_script(r->kafka.top, r->kafka.libdir, &added, &put_back);
		if (step_write_file(run, script_rel, script, strlen(script), 0755) != 0)
			result = STEP_FAILED;
		strlist_free(&put_back);
		free(script);
	}
	if (result == STEP_OK)
		run_report(run, _("%s/ holds %s and no other ZooKeeper jar; each copy is "
				  "identical to ZooKeeper's. To undo the swap: sh %s"),
			   klibs_rel, target, script_rel);
out:
	if (result != STEP_OK && (moved.len > 0 || copied.len > 0 || made_removed))
		undo_swap(run, klibs, removed, made_removed, &moved, &copied);
	strlist_free(&copied);
	strlist_free(&shipped);
	strlist_free(&jars);
	strlist_free(&old);
	strlist_free(&added);
	strlist_free(&moved);
	strlist_free(&kept);
	free(klibs_rel);
	free(klibs);
	free(zlib_rel);
	free(zlib);
	free(removed_rel);
	free(removed);
	free(script_rel);
	free(script_path);
	free(target);
	return result;
}

static enum step_result
apply_jars(const struct step_run *run)
{
	struct releases r;
	enum step_result result;

	if (releases_load(run->plan, &r, run->msg) != 0)
		return STEP_FAILED;
	result = unpack_one(run, &r.kafka);
	if (result == STEP_OK)
		result = unpack_one(run, &r.zookeeper);
	if (result == STEP_OK)
		result = swap_jars(run, &r);
	releases_free(&r);
	return result;
}

static const char *const jars_keys[] = { NULL };

const struct step step_jars = {
	.id = "jars",
	.title = N_("Swap jars"),
	.explain = N_("Unpacks both releases, moves Kafka's ZooKeeper 3.4 client jar out of "
		      "libs/ (the article deletes it) and copies in ZooKeeper 3.5's jars, which "
		      "can speak TLS."),
	.keys = jars_keys,
	.render = render_jars,
	.apply = apply_jars,
};
