#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
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
#include <openssl/evp.h>

#include "fileread.h"
#include "i18n.h"
#include "unpack.h"
#include "util.h"

#define READ_BLOCK (1024 * 1024)
#define PROGRESS_INTERVAL_NS 100000000LL
#define HASH_CHUNK (256 * 1024)

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

static bool
cancelled(const struct unpack *u)
{
	return u->cancel != NULL && atomic_load(u->cancel);
}

static bool
matches(const struct strlist *patterns, const char *name)
{
	for (size_t i = 0; patterns != NULL && i < patterns->len; i++)
		if (fnmatch(patterns->items[i], name, FNM_PATHNAME) == 0)
			return true;
	return false;
}

/* What the archive says one entry is: the tree is compared with these. */
struct rec {
	char *name;             /* normalised, "top/..." */
	mode_t type;            /* S_IFREG, S_IFDIR or S_IFLNK */
	bool hardlink;          /* a file whose bytes are another entry's */
	int64_t size;
	char *target;           /* a link's */
	bool compare;           /* bytes compared, by sha256 */
	unsigned char sha256[32];
};

/* One pass over an archive: unpacking it, or reading it to verify a tree. */
struct pass {
	const struct unpack *u;
	const char *archive;
	struct archive *in;
	int fd;
	uint64_t archive_size, declared, max_entry, max_total;
	int64_t last_report;
	struct rec *recs;
	size_t count;
};

static int
pass_open(struct pass *p, const struct unpack *u, const char *archive, struct msg *err)
{
	struct stat st;

	memset(p, 0, sizeof *p);
	p->u = u;
	p->archive = archive;
	p->fd = file_open_regular(AT_FDCWD, archive, FILE_NOFOLLOW, &st, err);
	if (p->fd < 0)
		return -1;
	p->archive_size = (uint64_t)st.st_size;
	p->max_entry = u->max_entry > 0 ? u->max_entry : UNPACK_MAX_ENTRY;
	p->max_total = u->max_total;
	if (p->max_total == 0) {
		p->max_total = UNPACK_MAX_RATIO * p->archive_size;
		if (p->max_total < UNPACK_MIN_TOTAL)
			p->max_total = UNPACK_MIN_TOTAL;
	}
	p->in = archive_read_new();
	archive_read_support_filter_gzip(p->in);
	archive_read_support_filter_bzip2(p->in);
	archive_read_support_filter_xz(p->in);
	archive_read_support_format_tar(p->in);
	if (archive_read_open_fd(p->in, p->fd, READ_BLOCK) != ARCHIVE_OK)
		return msg_set(err, "%s: %s", archive, archive_error_string(p->in));
	return 0;
}

static void
pass_close(struct pass *p)
{
	if (p->in != NULL)
		archive_read_free(p->in);
	if (p->fd >= 0)
		close(p->fd);
	for (size_t i = 0; i < p->count; i++) {
		free(p->recs[i].name);
		free(p->recs[i].target);
	}
	free(p->recs);
	memset(p, 0, sizeof *p);
	p->fd = -1;
}

static void
pass_progress(struct pass *p, bool final)
{
	if (p->u->progress == NULL || (!final && now_ns() - p->last_report < PROGRESS_INTERVAL_NS))
		return;
	p->last_report = now_ns();
	p->u->progress(p->u->user, final ? p->archive_size : (uint64_t)archive_filter_bytes(p->in, -1),
		       p->archive_size);
}

static uint64_t
mib(uint64_t bytes)
{
	return (bytes + (1ULL << 20) - 1) >> 20;
}

/* Notes what the entry is, within the limits. */
static struct rec *
pass_record(struct pass *p, struct archive_entry *e, const char *normal, struct msg *err)
{
	mode_t type = archive_entry_filetype(e);
	int64_t size = archive_entry_size_is_set(e) ? archive_entry_size(e) : 0;
	struct rec *r;

	if (size < 0)
		size = 0;
	if (type == AE_IFREG && archive_entry_hardlink(e) == NULL) {
		if ((uint64_t)size > p->max_entry) {
			msg_set(err, _("%s: '%s' would expand to %llu MiB, more than the %llu MiB "
				       "any file of a release has; the archive is refused and nothing "
				       "of it was kept"), p->archive, normal,
				(unsigned long long)mib((uint64_t)size),
				(unsigned long long)mib(p->max_entry));
			return NULL;
		}
		p->declared += (uint64_t)size;
		if (p->declared > p->max_total) {
			msg_set(err, _("%s: its files would expand to more than %llu MiB (the limit "
				       "for an archive of %llu MiB: %d times its size, at least %llu "
				       "MiB); a release does not, so the archive is refused and "
				       "nothing of it was kept"), p->archive,
				(unsigned long long)mib(p->max_total),
				(unsigned long long)mib(p->archive_size), UNPACK_MAX_RATIO,
				(unsigned long long)mib(UNPACK_MIN_TOTAL));
			return NULL;
		}
	}
	p->recs = xrealloc(p->recs, (p->count + 1) * sizeof *p->recs);
	r = &p->recs[p->count++];
	memset(r, 0, sizeof *r);
	r->name = xstrdup(normal);
	r->hardlink = archive_entry_hardlink(e) != NULL;
	r->type = r->hardlink || type == AE_IFREG ? S_IFREG : type == AE_IFDIR ? S_IFDIR : S_IFLNK;
	r->size = r->hardlink ? -1 : r->type == S_IFREG ? size : 0;
	if (r->type == S_IFLNK)
		r->target = xstrdup(archive_entry_symlink(e) ? archive_entry_symlink(e) : "");
	r->compare = r->type == S_IFREG && !r->hardlink && matches(p->u->compare, normal);
	return r;
}

/* "Write failed: No space left on device", with what to do about a full disk. */
static void
archive_failure(struct msg *err, const char *archive, const char *entry, struct archive *a)
{
	int e = archive_errno(a);
	const char *text = archive_error_string(a);

	msg_set(err, _("%s: cannot unpack %s: %s%s%s"), archive, entry,
		text != NULL ? text : _("unknown error"), e > 0 ? ": " : "", e > 0 ? strerror(e) : "");
	if (e == ENOSPC || e == EDQUOT)
		msg_append(err, _("Nothing of it was kept: free some space and run the step "
				  "again."));
}

/*
 * Streams the current entry's data: into out (unpacking) or nowhere
 * (verifying), hashed when the entry is compared.
 */
static enum unpack_result
pass_data(struct pass *p, struct rec *r, struct archive *out, struct msg *err)
{
	EVP_MD_CTX *ctx = NULL;
	enum unpack_result result = UNPACK_OK;
	unsigned int len = 0;

	if (r->compare) {
		ctx = EVP_MD_CTX_new();
		EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	}
	for (;;) {
		const void *block;
		size_t size;
		la_int64_t offset;
		int rc = archive_read_data_block(p->in, &block, &size, &offset);

		if (rc == ARCHIVE_EOF)
			break;
		if (rc < ARCHIVE_WARN) {
			msg_set(err, _("%s: cannot read %s: %s"), p->archive, r->name,
				archive_error_string(p->in));
			result = UNPACK_FAILED;
			break;
		}
		/* A short write (a full disk) is only a warning to libarchive: a failure here. */
		if (out != NULL && archive_write_data_block(out, block, size, offset) != ARCHIVE_OK) {
			archive_failure(err, p->archive, r->name, out);
			result = UNPACK_FAILED;
			break;
		}
		if (ctx != NULL)
			EVP_DigestUpdate(ctx, block, size);
		if (cancelled(p->u)) {
			result = UNPACK_CANCELLED;
			break;
		}
		pass_progress(p, false);
	}
	if (ctx != NULL) {
		EVP_DigestFinal_ex(ctx, r->sha256, &len);
		EVP_MD_CTX_free(ctx);
	}
	return result;
}

static int
hash_file(const char *path, unsigned char md[32], const atomic_bool *cancel, struct msg *err)
{
	char *chunk;
	struct stat st;
	EVP_MD_CTX *ctx;
	unsigned int len = 0;
	ssize_t n;
	int fd = file_open_regular(AT_FDCWD, path, FILE_NOFOLLOW, &st, err), rc = 0;

	if (fd < 0)
		return -1;
	ctx = EVP_MD_CTX_new();
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	chunk = xmalloc(HASH_CHUNK);
	while ((n = read(fd, chunk, HASH_CHUNK)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = msg_set(err, _("%s: cannot read: %s"), path, strerror(errno));
			break;
		}
		if (cancel != NULL && atomic_load(cancel)) {
			rc = -1;
			break;
		}
		EVP_DigestUpdate(ctx, chunk, (size_t)n);
	}
	EVP_DigestFinal_ex(ctx, md, &len);
	EVP_MD_CTX_free(ctx);
	free(chunk);
	close(fd);
	return rc;
}

/* Where an entry is now: base/name, or dir/moved_to/NAME when the swap put it there. */
static char *
entry_path(const struct unpack *u, const char *dir, const char *base, const char *name,
	   const char **shown)
{
	const char *slash = strrchr(name, '/');

	*shown = name;
	if (dir != NULL && u->moved_from != NULL && u->moved_to != NULL && slash != NULL &&
	    strlen(u->moved_from) == (size_t)(slash - name) &&
	    strncmp(name, u->moved_from, (size_t)(slash - name)) == 0) {
		char *moved = xasprintf("%s/%s/%s", dir, u->moved_to, slash + 1);
		struct stat st;

		if (lstat(moved, &st) == 0) {
			*shown = moved + strlen(dir) + 1;
			return moved;
		}
		free(moved);
	}
	return xasprintf("%s/%s", base, name);
}

/* How one entry differs from what the archive says, or NULL. */
static char *
rec_differs(const struct pass *p, const struct rec *r, const char *path, const char *shown,
	    bool *cancel)
{
	struct stat st;
	char target[PATH_MAX];
	unsigned char md[32];
	struct msg why;
	ssize_t n;

	if (lstat(path, &st) != 0)
		return xasprintf(_("%s is missing"), shown);
	if ((st.st_mode & S_IFMT) != r->type)
		return xasprintf(_("%s is %s; the archive holds %s"), shown,
				 S_ISREG(st.st_mode) ? _("a file") : file_type_name(st.st_mode),
				 r->type == S_IFREG ? _("a file") : file_type_name(r->type));
	if (r->type == S_IFREG && r->size >= 0 && st.st_size != r->size)
		return xasprintf(_("%s holds %lld bytes; the archive %lld"), shown,
				 (long long)st.st_size, (long long)r->size);
	if (r->type == S_IFLNK) {
		n = readlink(path, target, sizeof target - 1);
		target[n > 0 ? n : 0] = '\0';
		if (n < 0 || strcmp(target, r->target) != 0)
			return xasprintf(_("%s leads to '%s'; the archive's link to '%s'"), shown,
					 target, r->target);
	}
	if (r->compare) {
		if (hash_file(path, md, p->u->cancel, &why) != 0) {
			*cancel = cancelled(p->u);
			return *cancel ? NULL : xstrdup(why.text);
		}
		if (memcmp(md, r->sha256, sizeof md) != 0)
			return xasprintf(_("%s holds other bytes than the archive's copy"), shown);
	}
	return NULL;
}

/* Tells which differences stop the step, and gathers them. */
struct differences {
	char *first;
	size_t count;
};

static void
differences_add(struct differences *d, char *why)
{
	if (d->count++ == 0)
		d->first = why;
	else
		free(why);
}

static void
differences_say(struct differences *d, struct msg *m)
{
	if (d->count > 1)
		msg_set(m, _("%s (and %zu more differences)"), d->first, d->count - 1);
	else if (d->count == 1)
		msg_set(m, "%s", d->first);
	free(d->first);
	d->first = NULL;
}

/*
 * Compares the tree under base with the entries read (an entry the archive
 * holds twice counts as its last copy).  dir is where moved_to lies; NULL:
 * nothing was moved (a fresh unpack), and every difference fails.  Else
 * differences outside u->critical (and the compared jars) go to note.
 */
static enum unpack_result
compare_tree(const struct pass *p, const char *dir, const char *base, struct msg *note,
	     struct msg *err)
{
	struct differences fatal = { 0 }, minor = { 0 };
	bool cancel = false;

	for (size_t i = 0; i < p->count && !cancel; i++) {
		const struct rec *r = &p->recs[i];
		bool later = false;
		const char *shown;
		char *path, *why;

		for (size_t j = i + 1; j < p->count && !later; j++)
			later = strcmp(p->recs[j].name, r->name) == 0;
		if (later)
			continue;
		path = entry_path(p->u, dir, base, r->name, &shown);
		why = rec_differs(p, r, path, shown, &cancel);
		if (why != NULL) {
			if (dir == NULL || note == NULL || r->compare ||
			    p->u->critical == NULL || matches(p->u->critical, r->name))
				differences_add(&fatal, why);
			else
				differences_add(&minor, why);
		}
		free(path);
		cancel = cancel || cancelled(p->u);
	}
	if (note != NULL)
		differences_say(&minor, note);
	free(minor.first);
	if (cancel) {
		free(fatal.first);
		return UNPACK_CANCELLED;
	}
	if (fatal.count == 0)
		return UNPACK_OK;
	differences_say(&fatal, err);
	return UNPACK_FAILED;
}

/* Checks one entry and points it into the temporary folder; *normal gets its name. */
static int
prepare_entry(struct archive_entry *e, const char *top, const char *temp, char **normal_out,
	      struct msg *err)
{
	const char *name = archive_entry_pathname(e);
	const char *hardlink = archive_entry_hardlink(e);
	mode_t type = archive_entry_filetype(e);
	const char *why = NULL;
	char *normal = NULL, *target_normal = NULL, *full;

	*normal_out = NULL;
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
	*normal_out = normal;
	/* No set-id bits and nothing writable by others; folders stay ours to remove. */
	if (type == AE_IFDIR)
		archive_entry_set_perm(e, (archive_entry_perm(e) & 0755) | 0700);
	else if (type != AE_IFLNK)
		archive_entry_set_perm(e, (archive_entry_perm(e) & 0755) | 0600);
	return 0;
}

/* Unpacks every entry into temp; the records are left in p for the comparison. */
static enum unpack_result
unpack_entries(struct pass *p, struct archive *out, const char *top, const char *temp,
	       struct msg *err)
{
	for (;;) {
		struct archive_entry *e;
		enum unpack_result result;
		char *normal = NULL;
		struct rec *r;
		int rc = archive_read_next_header(p->in, &e);

		if (rc == ARCHIVE_EOF)
			return UNPACK_OK;
		if (rc < ARCHIVE_WARN)
			return msg_set(err, "%s: %s", p->archive, archive_error_string(p->in)),
			       UNPACK_FAILED;
		if (cancelled(p->u))
			return UNPACK_CANCELLED;
		if (prepare_entry(e, top, temp, &normal, err) != 0) {
			msg_prefix(err, _("%s is refused, nothing of it was unpacked"), p->archive);
			return UNPACK_FAILED;
		}
		r = pass_record(p, e, normal, err);
		if (r == NULL) {
			free(normal);
			return UNPACK_FAILED;
		}
		if (archive_write_header(out, e) != ARCHIVE_OK) {
			archive_failure(err, p->archive, normal, out);
			free(normal);
			return UNPACK_FAILED;
		}
		result = archive_entry_size(e) > 0 ? pass_data(p, r, out, err) : UNPACK_OK;
		if (result == UNPACK_OK && archive_write_finish_entry(out) != ARCHIVE_OK) {
			archive_failure(err, p->archive, normal, out);
			result = UNPACK_FAILED;
		}
		free(normal);
		if (result != UNPACK_OK)
			return result;
		pass_progress(p, false);
	}
}

enum unpack_result
unpack_archive(const struct unpack *u, const char *archive, const char *dir, const char *top,
	       struct msg *err)
{
	char real_dir[PATH_MAX];
	char *temp, *temp_top, *final;
	struct archive *out;
	struct pass p;
	enum unpack_result result = UNPACK_OK;
	struct stat st;

	/*
	 * The real path, without symbolic links: libarchive refuses to write
	 * through any link on the way (ARCHIVE_EXTRACT_SECURE_SYMLINKS), and
	 * entries are checked and prefixed with it, never taken as they are.
	 */
	if (realpath(dir, real_dir) == NULL)
		return msg_set(err, "%s: %s", dir, strerror(errno)), UNPACK_FAILED;
	temp = xasprintf("%s/%s", real_dir, UNPACK_TEMP_DIR);
	/* Left by a crash or a cancel: it never holds anything finished. */
	if (unpack_remove_tree(temp, err) != 0) {
		free(temp);
		return UNPACK_FAILED;
	}
	if (pass_open(&p, u, archive, err) != 0) {
		pass_close(&p);
		free(temp);
		return UNPACK_FAILED;
	}
	if (mkdir(temp, 0700) != 0) {
		msg_set(err, _("cannot make %s: %s"), temp, strerror(errno));
		pass_close(&p);
		free(temp);
		return UNPACK_FAILED;
	}
	out = archive_write_disk_new();
	archive_write_disk_set_options(out, ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_PERM |
					       ARCHIVE_EXTRACT_SECURE_SYMLINKS |
					       ARCHIVE_EXTRACT_SECURE_NODOTDOT);
	result = unpack_entries(&p, out, top, temp, err);
	/* Folder modes and times are set here, after their contents. */
	if (archive_write_close(out) != ARCHIVE_OK && result == UNPACK_OK) {
		archive_failure(err, archive, top, out);
		result = UNPACK_FAILED;
	}
	archive_write_free(out);
	temp_top = xasprintf("%s/%s", temp, top);
	final = xasprintf("%s/%s", real_dir, top);
	if (result == UNPACK_OK && (lstat(temp_top, &st) != 0 || !S_ISDIR(st.st_mode))) {
		msg_set(err, _("%s holds no folder %s"), archive, top);
		result = UNPACK_FAILED;
	}
	if (result == UNPACK_OK) {
		/* What is on disk, not what libarchive said: it counts only when it matches. */
		result = compare_tree(&p, NULL, temp, NULL, err);
		if (result == UNPACK_FAILED)
			msg_prefix(err, _("unpacking %s did not give what it holds, so nothing of it "
					  "was kept"), archive);
	}
	if (result == UNPACK_OK) {
		if (rename(temp_top, final) != 0) {
			msg_set(err, _("cannot move the unpacked %s into %s: %s"), top, dir,
				strerror(errno));
			result = UNPACK_FAILED;
		} else {
			pass_progress(&p, true);
		}
	}
	pass_close(&p);
	{
		struct msg ignored;

		unpack_remove_tree(temp, &ignored);
	}
	free(temp_top);
	free(final);
	free(temp);
	return result;
}

enum unpack_result
unpack_verify(const struct unpack *u, const char *archive, const char *dir, const char *top,
	      struct msg *note, struct msg *err)
{
	enum unpack_result result = UNPACK_OK;
	struct pass p;

	msg_clear(note);
	if (pass_open(&p, u, archive, err) != 0) {
		pass_close(&p);
		return UNPACK_FAILED;
	}
	while (result == UNPACK_OK) {
		struct archive_entry *e;
		const char *why = NULL;
		char *normal = NULL;
		struct rec *r;
		int rc = archive_read_next_header(p.in, &e);

		if (rc == ARCHIVE_EOF)
			break;
		if (rc < ARCHIVE_WARN) {
			msg_set(err, "%s: %s", archive, archive_error_string(p.in));
			result = UNPACK_FAILED;
		} else if (cancelled(u)) {
			result = UNPACK_CANCELLED;
		} else if (!unpack_path_ok(top, archive_entry_pathname(e), &normal, &why)) {
			msg_set(err, _("%s is refused: '%s': %s"), archive,
				archive_entry_pathname(e) ? archive_entry_pathname(e) : "", why);
			result = UNPACK_FAILED;
		} else if ((r = pass_record(&p, e, normal, err)) == NULL) {
			result = UNPACK_FAILED;
		} else if (r->compare) {
			result = pass_data(&p, r, NULL, err);
		}
		free(normal);
		pass_progress(&p, false);
	}
	if (result == UNPACK_OK)
		result = compare_tree(&p, dir, dir, note, err);
	pass_close(&p);
	return result;
}
