#include <config.h>

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "i18n.h"
#include "unpack.h"
#include "util.h"

#define READ_BLOCK (1024 * 1024)
#define PROGRESS_INTERVAL_NS 100000000LL

/* Splits path on '/', dropping empty and "." parts. */
static void
split_path(const char *path, struct strlist *parts)
{
	const char *p = path;

	while (*p != '\0') {
		size_t n = strcspn(p, "/");

		if (n > 0 && !(n == 1 && p[0] == '.')) {
			char *part = xstrndup(p, n);

			strlist_push(parts, part);
			free(part);
		}
		p += n + (p[n] == '/');
	}
}

bool
unpack_path_ok(const char *top, const char *path, char **normal, const char **why)
{
	struct strlist parts = { 0 };
	struct buf b;

	*normal = NULL;
	if (path == NULL || path[0] == '\0') {
		*why = _("an entry without a name");
		return false;
	}
	if (path[0] == '/') {
		*why = _("an absolute path");
		return false;
	}
	split_path(path, &parts);
	for (size_t i = 0; i < parts.len; i++)
		if (strcmp(parts.items[i], "..") == 0) {
			*why = _("a path with '..'");
			strlist_free(&parts);
			return false;
		}
	if (parts.len == 0 || strcmp(parts.items[0], top) != 0) {
		*why = _("a path outside the archive's top folder");
		strlist_free(&parts);
		return false;
	}
	buf_init(&b);
	for (size_t i = 0; i < parts.len; i++)
		buf_printf(&b, "%s%s", i ? "/" : "", parts.items[i]);
	strlist_free(&parts);
	*normal = buf_steal(&b, NULL);
	return true;
}

bool
unpack_symlink_ok(const char *top, const char *path, const char *target, const char **why)
{
	struct strlist where = { 0 }, steps = { 0 };
	bool ok = true, descending = false;

	if (target == NULL || target[0] == '\0') {
		*why = _("a link without a target");
		return false;
	}
	if (target[0] == '/') {
		*why = _("a link to an absolute path");
		return false;
	}
	split_path(path, &where);
	if (where.len > 0) {
		/* The link's own folder is where a relative target starts. */
		free(where.items[--where.len]);
	}
	split_path(target, &steps);
	for (size_t i = 0; ok && i < steps.len; i++) {
		if (strcmp(steps.items[i], "..") != 0) {
			strlist_push(&where, steps.items[i]);
			descending = true;
			continue;
		}
		/*
		 * ".." after a name would climb out of whatever that name is, and
		 * if it is itself a link that is not where the text says: only
		 * leading ".." are resolved, as release archives write them.
		 */
		if (descending || where.len <= 1) {
			ok = false;
			break;
		}
		free(where.items[--where.len]);
	}
	if (ok && (where.len == 0 || strcmp(where.items[0], top) != 0))
		ok = false;
	if (!ok)
		*why = _("a link leading outside the archive's top folder");
	strlist_free(&where);
	strlist_free(&steps);
	return ok;
}

static int
remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(path);
	return unlink(path);
}

int
unpack_remove_tree(const char *path, struct msg *err)
{
	struct stat st;

	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : msg_set(err, "%s: %s", path, strerror(errno));
	if (!S_ISDIR(st.st_mode)) {
		if (unlink(path) != 0)
			return msg_set(err, _("cannot remove %s: %s"), path, strerror(errno));
		return 0;
	}
	/* A folder made without write permission would stop the removal. */
	if (nftw(path, remove_entry, 32, FTW_DEPTH | FTW_PHYS) != 0)
		return msg_set(err, _("cannot remove %s: %s"), path, strerror(errno));
	return 0;
}

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Copies the data of the current entry. */
static int
copy_data(struct archive *in, struct archive *out, const char **error)
{
	for (;;) {
		const void *block;
		size_t size;
		la_int64_t offset;
		int rc = archive_read_data_block(in, &block, &size, &offset);

		if (rc == ARCHIVE_EOF)
			return 0;
		if (rc < ARCHIVE_WARN) {
			*error = archive_error_string(in);
			return -1;
		}
		if (archive_write_data_block(out, block, size, offset) < ARCHIVE_WARN) {
			*error = archive_error_string(out);
			return -1;
		}
	}
}

/* Checks one entry and points it into the temporary folder. */
static int
prepare_entry(struct archive_entry *e, const char *top, const char *temp, struct msg *err)
{
	const char *name = archive_entry_pathname(e);
	const char *hardlink = archive_entry_hardlink(e);
	mode_t type = archive_entry_filetype(e);
	const char *why = NULL;
	char *normal = NULL, *target_normal = NULL, *full;

	if (!unpack_path_ok(top, name, &normal, &why))
		return msg_set(err, _("'%s': %s"), name ? name : "", why);
	if (hardlink != NULL) {
		if (!unpack_path_ok(top, hardlink, &target_normal, &why)) {
			msg_set(err, _("'%s' is a hard link to '%s': %s"), name, hardlink, why);
			free(normal);
			return -1;
		}
		full = xasprintf("%s/%s", temp, target_normal);
		archive_entry_set_hardlink(e, full);
		free(full);
		free(target_normal);
	} else if (type == AE_IFLNK) {
		const char *target = archive_entry_symlink(e);

		if (!unpack_symlink_ok(top, normal, target, &why)) {
			msg_set(err, _("'%s' is a symbolic link to '%s': %s"), name,
				target ? target : "", why);
			free(normal);
			return -1;
		}
	} else if (type != AE_IFREG && type != AE_IFDIR) {
		msg_set(err, _("'%s': a device, pipe or socket, which no release holds"), name);
		free(normal);
		return -1;
	}
	full = xasprintf("%s/%s", temp, normal);
	archive_entry_set_pathname(e, full);
	free(full);
	free(normal);
	/* No set-id bits and nothing writable by others; folders stay ours to remove. */
	if (type == AE_IFDIR)
		archive_entry_set_perm(e, (archive_entry_perm(e) & 0755) | 0700);
	else if (type != AE_IFLNK)
		archive_entry_set_perm(e, (archive_entry_perm(e) & 0755) | 0600);
	return 0;
}

enum unpack_result
unpack_archive(const struct unpack *u, const char *archive, const char *dir, const char *top,
	       struct msg *err)
{
	char real_dir[PATH_MAX];
	char *temp, *temp_top, *final;
	struct archive *in, *out;
	struct archive_entry *e;
	enum unpack_result result = UNPACK_OK;
	uint64_t total = 0;
	int64_t last_report = 0;
	struct stat st;
	int rc;

	/*
	 * The real path, without symbolic links: libarchive refuses to write
	 * through any link on the way (ARCHIVE_EXTRACT_SECURE_SYMLINKS), and
	 * entries are checked and prefixed with it, never taken as they are.
	 */
	if (realpath(dir, real_dir) == NULL)
		return msg_set(err, "%s: %s", dir, strerror(errno)), UNPACK_FAILED;
	if (stat(archive, &st) == 0)
		total = (uint64_t)st.st_size;
	temp = xasprintf("%s/%s", real_dir, UNPACK_TEMP_DIR);
	/* Left by a crash or a cancel: it never holds anything finished. */
	if (unpack_remove_tree(temp, err) != 0) {
		free(temp);
		return UNPACK_FAILED;
	}
	if (mkdir(temp, 0700) != 0) {
		msg_set(err, _("cannot make %s: %s"), temp, strerror(errno));
		free(temp);
		return UNPACK_FAILED;
	}
	in = archive_read_new();
	archive_read_support_filter_gzip(in);
	archive_read_support_filter_bzip2(in);
	archive_read_support_filter_xz(in);
	archive_read_support_format_tar(in);
	out = archive_write_disk_new();
	archive_write_disk_set_options(out, ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_PERM |
					       ARCHIVE_EXTRACT_SECURE_SYMLINKS |
					       ARCHIVE_EXTRACT_SECURE_NODOTDOT);
	if (archive_read_open_filename(in, archive, READ_BLOCK) != ARCHIVE_OK) {
		msg_set(err, "%s: %s", archive, archive_error_string(in));
		result = UNPACK_FAILED;
	}
	while (result == UNPACK_OK) {
		const char *error = NULL;

		rc = archive_read_next_header(in, &e);
		if (rc == ARCHIVE_EOF)
			break;
		if (rc < ARCHIVE_WARN) {
			msg_set(err, "%s: %s", archive, archive_error_string(in));
			result = UNPACK_FAILED;
			break;
		}
		if (u->cancel != NULL && atomic_load(u->cancel)) {
			result = UNPACK_CANCELLED;
			break;
		}
		if (prepare_entry(e, top, temp, err) != 0) {
			msg_prefix(err, _("%s is refused, nothing of it was unpacked"), archive);
			result = UNPACK_FAILED;
			break;
		}
		if (archive_write_header(out, e) < ARCHIVE_WARN ||
		    (archive_entry_size(e) > 0 && copy_data(in, out, &error) != 0) ||
		    archive_write_finish_entry(out) < ARCHIVE_WARN) {
			msg_set(err, "%s: %s", archive,
				error ? error : archive_error_string(out));
			result = UNPACK_FAILED;
			break;
		}
		if (u->progress != NULL && now_ns() - last_report >= PROGRESS_INTERVAL_NS) {
			last_report = now_ns();
			u->progress(u->user, (uint64_t)archive_filter_bytes(in, -1), total);
		}
	}
	if (archive_write_close(out) != ARCHIVE_OK && result == UNPACK_OK) {
		msg_set(err, "%s: %s", archive, archive_error_string(out));
		result = UNPACK_FAILED;
	}
	archive_write_free(out);
	archive_read_free(in);
	temp_top = xasprintf("%s/%s", temp, top);
	final = xasprintf("%s/%s", real_dir, top);
	if (result == UNPACK_OK) {
		if (lstat(temp_top, &st) != 0 || !S_ISDIR(st.st_mode)) {
			msg_set(err, _("%s holds no folder %s"), archive, top);
			result = UNPACK_FAILED;
		} else if (rename(temp_top, final) != 0) {
			msg_set(err, _("cannot move the unpacked %s into %s: %s"), top, dir,
				strerror(errno));
			result = UNPACK_FAILED;
		} else if (u->progress != NULL) {
			u->progress(u->user, total, total);
		}
	}
	{
		struct msg ignored;

		unpack_remove_tree(temp, &ignored);
	}
	free(temp_top);
	free(final);
	free(temp);
	return result;
}
