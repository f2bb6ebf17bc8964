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
#include "fsutil.h"
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
	p->fd = fs_open_regular(archive, FILE_NOFOLLOW, &st, err);
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

/* "cannot unpack ...: No space left on device", with what to do about a full disk. */
static void
write_failure(struct msg *err, const char *archive, const char *entry, const char *what, int e)
{
	msg_set(err, _("%s: cannot unpack %s: %s%s%s"), archive, entry, what, ": ", strerror(e));
	if (e == ENOSPC || e == EDQUOT)
		msg_append(err, _("Nothing of it was kept: free some space and run the step "
				  "again."));
}

/*
 * Streams the current entry's data: into out (unpacking) or nowhere
 * (verifying), hashed when the entry is compared.
 */
static enum unpack_result
pass_data(struct pass *p, struct rec *r, int out, struct msg *err)
{
	EVP_MD_CTX *ctx = NULL;
	enum unpack_result result = UNPACK_OK;
	unsigned int len = 0;
	int64_t pos = 0, end = 0;

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
		/* Every write checked: a short one (a full disk) fails the unpack. */
		if (out >= 0 && offset != pos && lseek(out, offset, SEEK_SET) != offset) {
			write_failure(err, p->archive, r->name, _("cannot seek"), errno);
			result = UNPACK_FAILED;
			break;
		}
		if (out >= 0 && file_write_all(out, block, size) != 0) {
			write_failure(err, p->archive, r->name, _("cannot write"), errno);
			result = UNPACK_FAILED;
			break;
		}
		pos = offset + (int64_t)size;
		if (pos > end)
			end = pos;
		if (ctx != NULL)
			EVP_DigestUpdate(ctx, block, size);
		if (cancelled(p->u)) {
			result = UNPACK_CANCELLED;
			break;
		}
		pass_progress(p, false);
	}
	/* A sparse file's trailing hole. */
	if (result == UNPACK_OK && out >= 0 && ftruncate(out, end) != 0) {
		write_failure(err, p->archive, r->name, _("cannot write"), errno);
		result = UNPACK_FAILED;
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
	int fd = fs_open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK, 0), rc = 0;

	st.st_mode = 0;
	if (fd < 0)
		return msg_set(err, _("%s: cannot read: %s"), path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return msg_set(err, _("%s is %s, not a regular file; move it away"), path,
			       file_type_name(st.st_mode));
	}
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

		if (fs_lstat(moved, &st) == 0) {
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

	if (fs_lstat(path, &st) != 0)
		return xasprintf(_("%s is missing"), shown);
	if ((st.st_mode & S_IFMT) != r->type)
		return xasprintf(_("%s is %s; the archive holds %s"), shown,
				 S_ISREG(st.st_mode) ? _("a file") : file_type_name(st.st_mode),
				 r->type == S_IFREG ? _("a file") : file_type_name(r->type));
	if (r->type == S_IFREG && r->size >= 0 && st.st_size != r->size)
		return xasprintf(_("%s holds %lld bytes; the archive %lld"), shown,
				 (long long)st.st_size, (long long)r->size);
	if (r->type == S_IFLNK) {
		n = fs_readlink(path, target, sizeof target - 1);
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

/* Checks one entry; *normal gets its name (and a hard link its target's). */
static int
prepare_entry(struct archive_entry *e, const char *top, char **normal_out, struct msg *err)
{
	const char *name = archive_entry_pathname(e);
	const char *hardlink = archive_entry_hardlink(e);
	mode_t type = archive_entry_filetype(e);
	const char *why = NULL;
	char *normal = NULL, *target_normal = NULL;

	*normal_out = NULL;
	if (!unpack_path_ok(top, name, &normal, &why))
		return msg_set(err, _("'%s': %s"), name ? name : "", why);
	if (hardlink != NULL) {
		if (!unpack_path_ok(top, hardlink, &target_normal, &why)) {
			msg_set(err, _("'%s' is a hard link to '%s': %s"), name, hardlink, why);
			free(normal);
			return -1;
		}
		archive_entry_set_hardlink(e, target_normal);
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
	*normal_out = normal;
	/* No set-id bits and nothing writable by others; folders stay ours to remove. */
	if (type == AE_IFDIR)
		archive_entry_set_perm(e, (archive_entry_perm(e) & 0755) | 0700);
	else if (type != AE_IFLNK)
		archive_entry_set_perm(e, (archive_entry_perm(e) & 0755) | 0600);
	return 0;
}

/*
 * The folder an entry (a name relative to the temporary folder) goes into,
 * reached from the temporary folder's descriptor without following any link;
 * folders the archive did not list are made on the way.  *base is the
 * entry's last component.  Returns a descriptor, or -1 with errno.
 */
static int
open_parent(int tfd, const char *name, const char **base)
{
	char *copy = xstrdup(name), *part = copy, *slash;
	int cur = fcntl(tfd, F_DUPFD_CLOEXEC, 0);

	while (cur >= 0 && (slash = strchr(part, '/')) != NULL) {
		int next;

		*slash = '\0';
		next = openat(cur, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0 && errno == ENOENT && mkdirat(cur, part, 0755) == 0)
			next = openat(cur, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0) {
			int e = errno;

			close(cur);
			errno = e;
		}
		if (next >= 0)
			close(cur);
		cur = next;
		part = slash + 1;
	}
	*base = name + (part - copy);
	free(copy);
	return cur;
}

/* The entry's times, as libarchive's ARCHIVE_EXTRACT_TIME restored them. */
static void
entry_times(struct archive_entry *e, struct timespec ts[2])
{
	ts[1].tv_sec = archive_entry_mtime(e);
	ts[1].tv_nsec = archive_entry_mtime_nsec(e);
	if (!archive_entry_mtime_is_set(e))
		ts[1].tv_nsec = UTIME_OMIT;
	ts[0] = ts[1];
	if (archive_entry_atime_is_set(e)) {
		ts[0].tv_sec = archive_entry_atime(e);
		ts[0].tv_nsec = archive_entry_atime_nsec(e);
	}
}

/* A folder's times, set once everything in it is written. */
struct dir_time {
	char *name;
	struct timespec ts[2];
};

struct writer {
	int tfd;                /* the temporary folder */
	struct dir_time *dirs;
	size_t ndirs;
};

/*
 * Writes one entry under the temporary folder: every name resolved from its
 * descriptor with no link followed, every write checked.
 */
static enum unpack_result
write_entry(struct pass *p, struct writer *w, struct archive_entry *e, struct rec *r,
	    struct msg *err)
{
	enum unpack_result result = UNPACK_OK;
	mode_t perm = archive_entry_perm(e) & 07777;
	struct timespec ts[2];
	const char *base;
	struct stat st;
	int fd = -1, dfd = open_parent(w->tfd, r->name, &base);

	if (dfd < 0)
		return write_failure(err, p->archive, r->name, _("cannot open its folder"), errno),
		       UNPACK_FAILED;
	entry_times(e, ts);
	/* An entry the archive holds again replaces the earlier copy; a folder stays. */
	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    !(S_ISDIR(st.st_mode) && r->type == S_IFDIR) &&
	    unlinkat(dfd, base, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0) != 0) {
		write_failure(err, p->archive, r->name, _("cannot replace it"), errno);
		close(dfd);
		return UNPACK_FAILED;
	}
	if (r->type == S_IFDIR) {
		if ((mkdirat(dfd, base, 0700) != 0 && errno != EEXIST) ||
		    (fd = openat(dfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0 ||
		    fchmod(fd, perm) != 0) {
			write_failure(err, p->archive, r->name, _("cannot make the folder"), errno);
			result = UNPACK_FAILED;
		} else {
			w->dirs = xrealloc(w->dirs, (w->ndirs + 1) * sizeof *w->dirs);
			w->dirs[w->ndirs].name = xstrdup(r->name);
			memcpy(w->dirs[w->ndirs++].ts, ts, sizeof ts);
		}
	} else if (r->type == S_IFLNK) {
		if (symlinkat(r->target, dfd, base) != 0 ||
		    utimensat(dfd, base, ts, AT_SYMLINK_NOFOLLOW) != 0) {
			write_failure(err, p->archive, r->name, _("cannot make the link"), errno);
			result = UNPACK_FAILED;
		}
	} else if (r->hardlink) {
		const char *from_base;
		int from = open_parent(w->tfd, archive_entry_hardlink(e), &from_base);

		if (from < 0 || linkat(from, from_base, dfd, base, 0) != 0) {
			write_failure(err, p->archive, r->name, _("cannot make the hard link"), errno);
			result = UNPACK_FAILED;
		} else if (archive_entry_size(e) > 0) {
			/* A hard link with bytes of its own (pax allows it): they are the file's. */
			fd = openat(dfd, base, O_WRONLY | O_TRUNC | O_NOFOLLOW | O_CLOEXEC);
			if (fd < 0) {
				write_failure(err, p->archive, r->name, _("cannot write"), errno);
				result = UNPACK_FAILED;
			} else {
				result = pass_data(p, r, fd, err);
			}
		}
		if (from >= 0)
			close(from);
	} else {
		fd = openat(dfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0 || fchmod(fd, perm) != 0) {
			write_failure(err, p->archive, r->name, _("cannot write"), errno);
			result = UNPACK_FAILED;
		} else if (archive_entry_size(e) > 0) {
			result = pass_data(p, r, fd, err);
		}
		if (result == UNPACK_OK && futimens(fd, ts) != 0) {
			write_failure(err, p->archive, r->name, _("cannot set its time"), errno);
			result = UNPACK_FAILED;
		}
	}
	if (fd >= 0 && close(fd) != 0 && result == UNPACK_OK && r->type != S_IFDIR) {
		/* Some file systems report a failed write-back only here. */
		write_failure(err, p->archive, r->name, _("cannot write"), errno);
		result = UNPACK_FAILED;
	}
	close(dfd);
	return result;
}

/* Folder times last: writing into a folder changes its time. */
static int
writer_finish(struct pass *p, struct writer *w, struct msg *err)
{
	int rc = 0;

	for (size_t i = w->ndirs; i-- > 0;) {
		const char *base;
		int dfd = rc == 0 ? open_parent(w->tfd, w->dirs[i].name, &base) : -1;

		if (rc == 0 && (dfd < 0 || utimensat(dfd, base, w->dirs[i].ts,
						      AT_SYMLINK_NOFOLLOW) != 0)) {
			write_failure(err, p->archive, w->dirs[i].name, _("cannot set its time"),
				      errno);
			rc = -1;
		}
		if (dfd >= 0)
			close(dfd);
		free(w->dirs[i].name);
	}
	free(w->dirs);
	w->dirs = NULL;
	w->ndirs = 0;
	return rc;
}

/* Unpacks every entry into temp; the records are left in p for the comparison. */
static enum unpack_result
unpack_entries(struct pass *p, struct writer *w, const char *top, struct msg *err)
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
		if (prepare_entry(e, top, &normal, err) != 0) {
			msg_prefix(err, _("%s is refused, nothing of it was unpacked"), p->archive);
			return UNPACK_FAILED;
		}
		r = pass_record(p, e, normal, err);
		free(normal);
		if (r == NULL)
			return UNPACK_FAILED;
		result = write_entry(p, w, e, r, err);
		if (result != UNPACK_OK)
			return result;
		pass_progress(p, false);
	}
}

enum unpack_result
unpack_archive(const struct unpack *u, const char *archive, const char *dir, const char *top,
	       struct msg *err)
{
	char *temp, *temp_top, *final;
	struct writer w = { .tfd = -1 };
	struct pass p;
	enum unpack_result result = UNPACK_OK;
	struct stat st;

	/*
	 * Everything through fsutil: under a pinned DIR, the temporary folder is
	 * reached from DIR's descriptor, and every entry from the temporary
	 * folder's, no link followed, so swapping DIR for a link changes nothing
	 * about where the tree goes.  Entries are checked first, never taken as
	 * they are.
	 */
	temp = xasprintf("%s/%s", dir, UNPACK_TEMP_DIR);
	/* Left by a crash or a cancel: it never holds anything finished. */
	if (fs_remove_tree(temp, err) != 0) {
		free(temp);
		return UNPACK_FAILED;
	}
	if (pass_open(&p, u, archive, err) != 0) {
		pass_close(&p);
		free(temp);
		return UNPACK_FAILED;
	}
	if (fs_mkdirs(temp, 0700, err) == 0 &&
	    (w.tfd = fs_open(temp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0)) < 0)
		msg_set(err, _("cannot make %s: %s"), temp, strerror(errno));
	if (w.tfd < 0) {
		struct msg ignored;

		pass_close(&p);
		fs_remove_tree(temp, &ignored);
		free(temp);
		return UNPACK_FAILED;
	}
	result = unpack_entries(&p, &w, top, err);
	{
		struct msg late;

		if (writer_finish(&p, &w, &late) != 0 && result == UNPACK_OK) {
			*err = late;
			result = UNPACK_FAILED;
		}
	}
	close(w.tfd);
	temp_top = xasprintf("%s/%s", temp, top);
	final = xasprintf("%s/%s", dir, top);
	if (result == UNPACK_OK && (fs_lstat(temp_top, &st) != 0 || !S_ISDIR(st.st_mode))) {
		msg_set(err, _("%s holds no folder %s"), archive, top);
		result = UNPACK_FAILED;
	}
	if (result == UNPACK_OK) {
		/* What is on disk, not what was written: it counts only when it matches. */
		result = compare_tree(&p, NULL, temp, NULL, err);
		if (result == UNPACK_FAILED)
			msg_prefix(err, _("unpacking %s did not give what it holds, so nothing of it "
					  "was kept"), archive);
	}
	if (result == UNPACK_OK) {
		if (fs_rename(temp_top, final) != 0) {
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

		fs_remove_tree(temp, &ignored);
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
			result = pass_data(&p, r, -1, err);
		}
		free(normal);
		pass_progress(&p, false);
	}
	if (result == UNPACK_OK)
		result = compare_tree(&p, dir, dir, note, err);
	pass_close(&p);
	return result;
}
