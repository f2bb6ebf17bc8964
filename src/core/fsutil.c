#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "fileread.h"
#include "fsutil.h"
#include "i18n.h"
#include "util.h"

#define TEMP_SUFFIX ".zktls-tmp"
#define MAX_PINNED 4

/* ------------------------------------------------------ pinned directories */

struct pinned {
	char *names[2];         /* as given and absolute, without trailing slashes */
	int fd;
};

static struct pinned pinned[MAX_PINNED];
static pthread_mutex_t pinned_lock = PTHREAD_MUTEX_INITIALIZER;

static char *
without_trailing_slashes(const char *path)
{
	char *s = xstrdup(path);
	size_t n = strlen(s);

	while (n > 1 && s[n - 1] == '/')
		s[--n] = '\0';
	return s;
}

void
fs_pin_dir(const char *dir, int fd)
{
	pthread_mutex_lock(&pinned_lock);
	for (size_t i = 0; i < MAX_PINNED; i++) {
		if (pinned[i].names[0] != NULL)
			continue;
		pinned[i].names[0] = without_trailing_slashes(dir);
		pinned[i].names[1] = fs_absolute(dir);
		pinned[i].fd = fd;
		fd = -1;
		break;
	}
	pthread_mutex_unlock(&pinned_lock);
	if (fd >= 0)
		close(fd);
}

void
fs_unpin_dir(const char *dir)
{
	char *name = without_trailing_slashes(dir);

	pthread_mutex_lock(&pinned_lock);
	for (size_t i = 0; i < MAX_PINNED; i++) {
		if (pinned[i].names[0] == NULL || strcmp(pinned[i].names[0], name) != 0)
			continue;
		free(pinned[i].names[0]);
		free(pinned[i].names[1]);
		close(pinned[i].fd);
		memset(&pinned[i], 0, sizeof pinned[i]);
	}
	pthread_mutex_unlock(&pinned_lock);
	free(name);
}

/* What follows prefix in path ("." for prefix itself), or NULL. */
static const char *
under(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);

	if (prefix[0] == '\0' || strncmp(path, prefix, n) != 0)
		return NULL;
	if (path[n] == '\0')
		return ".";
	if (path[n] != '/')
		return NULL;
	while (path[n] == '/')
		n++;
	return path[n] != '\0' ? path + n : ".";
}

/* The pinned descriptor path lies under, and the rest of path; -1 if none. */
static int
pinned_lookup(const char *path, const char **rel)
{
	int fd = -1;

	pthread_mutex_lock(&pinned_lock);
	for (size_t i = 0; fd < 0 && i < MAX_PINNED; i++)
		for (size_t k = 0; fd < 0 && k < 2 && pinned[i].names[k] != NULL; k++)
			if ((*rel = under(path, pinned[i].names[k])) != NULL)
				fd = pinned[i].fd;
	pthread_mutex_unlock(&pinned_lock);
	return fd;
}

int
fs_pinned_fd(const char *dir)
{
	const char *rel;
	int fd = pinned_lookup(dir, &rel);

	return fd >= 0 && strcmp(rel, ".") == 0 ? fd : -1;
}

bool
fs_rel_path_ok(const char *rel)
{
	const char *p = rel;

	if (rel == NULL || rel[0] == '\0' || rel[0] == '/' || strlen(rel) >= PATH_MAX)
		return false;
	for (const unsigned char *c = (const unsigned char *)rel; *c != '\0'; c++)
		if (*c < 0x20 || *c == 0x7f)
			return false;
	for (;;) {
		size_t n = strcspn(p, "/");

		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		if (p[n] == '\0')
			return true;
		p += n + 1;
	}
}

/* ---------------------------------------------------------------- location */

/*
 * Where a path is: the directory holding its last component (pfd) and that
 * component (base).  Under a pinned DIR the directory is reached from DIR's
 * descriptor one component at a time, following no link; elsewhere it is
 * opened by its name.
 */
struct loc {
	int pfd;
	char *base;
	bool close_pfd;
	bool pinned;
};

static void
loc_free(struct loc *l)
{
	if (l->close_pfd)
		close(l->pfd);
	free(l->base);
	memset(l, 0, sizeof *l);
	l->pfd = -1;
}

static int
walk_pinned(int dfd, const char *rel, struct loc *l)
{
	char *copy = xstrdup(rel), *save = NULL, *comp, *last = NULL;
	int cur = dfd;

	l->pinned = true;
	for (comp = strtok_r(copy, "/", &save); comp != NULL; comp = strtok_r(NULL, "/", &save)) {
		if (strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0) {
			/* Nothing the wizard writes is outside DIR: ".." is an attack or a bug. */
			if (cur != dfd)
				close(cur);
			free(copy);
			errno = EXDEV;
			return -1;
		}
		if (last != NULL) {
			int next = openat(cur, last, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (cur != dfd)
				close(cur);
			if (next < 0) {
				free(copy);
				return -1;
			}
			cur = next;
		}
		last = comp;
	}
	l->pfd = cur;
	l->close_pfd = cur != dfd;
	l->base = xstrdup(last != NULL ? last : ".");
	free(copy);
	return 0;
}

static int
locate(const char *path, struct loc *l)
{
	const char *rel = NULL;
	int dfd = pinned_lookup(path, &rel);
	char *copy, *slash;

	memset(l, 0, sizeof *l);
	l->pfd = -1;
	if (dfd >= 0)
		return walk_pinned(dfd, rel, l);
	copy = without_trailing_slashes(path);
	slash = strrchr(copy, '/');
	if (slash == NULL) {
		l->pfd = AT_FDCWD;
		l->base = copy;
		return 0;
	}
	l->base = xstrdup(slash[1] != '\0' ? slash + 1 : ".");
	if (slash == copy)
		slash[1] = '\0';
	else
		*slash = '\0';
	l->pfd = open(copy, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(copy);
	if (l->pfd < 0) {
		free(l->base);
		l->base = NULL;
		return -1;
	}
	l->close_pfd = true;
	return 0;
}

/* errno for a path that would leave a pinned DIR reads as what it is. */
static const char *
why(int e)
{
	return e == EXDEV ? _("it is outside the working directory") : strerror(e);
}

int
fs_open(const char *path, int flags, unsigned mode)
{
	struct loc l;
	int fd, saved;

	if (locate(path, &l) != 0)
		return -1;
	fd = openat(l.pfd, l.base, flags | O_CLOEXEC | (l.pinned ? O_NOFOLLOW : 0), mode);
	saved = errno;
	loc_free(&l);
	errno = saved;
	return fd;
}

int
fs_lstat(const char *path, struct stat *st)
{
	struct loc l;
	int rc, saved;

	if (locate(path, &l) != 0)
		return -1;
	rc = fstatat(l.pfd, l.base, st, AT_SYMLINK_NOFOLLOW);
	saved = errno;
	loc_free(&l);
	errno = saved;
	return rc;
}

ssize_t
fs_readlink(const char *path, char *buf, size_t size)
{
	struct loc l;
	ssize_t n;
	int saved;

	if (locate(path, &l) != 0)
		return -1;
	n = readlinkat(l.pfd, l.base, buf, size);
	saved = errno;
	loc_free(&l);
	errno = saved;
	return n;
}

void
fs_fsync_dir(const char *dir)
{
	int fd = fs_open(dir, O_RDONLY | O_DIRECTORY, 0);

	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

bool
fs_exists(const char *path)
{
	struct stat st;

	return fs_lstat(path, &st) == 0;
}

int
fs_chmod(const char *path, unsigned mode)
{
	struct loc l;
	struct stat st;
	int rc, saved;

	if (locate(path, &l) != 0)
		return -1;
	if (!l.pinned) {
		rc = fchmodat(l.pfd, l.base, mode & 07777, 0);
	} else if (fstatat(l.pfd, l.base, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		rc = -1;
	} else if (S_ISLNK(st.st_mode)) {
		/* fchmodat follows links; under DIR nothing is reached through one. */
		errno = ELOOP;
		rc = -1;
	} else {
		rc = fchmodat(l.pfd, l.base, mode & 07777, 0);
	}
	saved = errno;
	loc_free(&l);
	errno = saved;
	return rc;
}

int
fs_unlink(const char *path)
{
	struct loc l;
	int rc, saved;

	if (locate(path, &l) != 0)
		return -1;
	rc = unlinkat(l.pfd, l.base, 0);
	saved = errno;
	loc_free(&l);
	errno = saved;
	return rc;
}

int
fs_rename(const char *from, const char *to)
{
	struct loc a, b;
	int rc, saved;

	if (locate(from, &a) != 0)
		return -1;
	if (locate(to, &b) != 0) {
		saved = errno;
		loc_free(&a);
		errno = saved;
		return -1;
	}
	rc = renameat(a.pfd, a.base, b.pfd, b.base);
	saved = errno;
	loc_free(&a);
	loc_free(&b);
	errno = saved;
	return rc;
}

/* -------------------------------------------------------- temporary files */

static char *
temp_base(const char *base)
{
	static atomic_uint counter;
	uint32_t r = 0;

	if (getrandom(&r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r)
		r = (uint32_t)time(NULL) ^ (uint32_t)clock();
	r ^= atomic_fetch_add(&counter, 1) * 0x9e3779b9u;
	return xasprintf("%s.%ld-%08x%s", base, (long)getpid(), r, TEMP_SUFFIX);
}

/*
 * "NAME.PID-RANDOM.zktls-tmp" (or "NAME.zktls-tmp", the fixed name of
 * earlier versions): NAME and PID (0 for the old form); false for any
 * other name.
 */
static bool
parse_temp(const char *name, char **stem, long *pid)
{
	size_t len = strlen(name), slen = strlen(TEMP_SUFFIX);
	char *s, *dot, *dash, *end;

	if (len <= slen || !str_ends_with(name, TEMP_SUFFIX))
		return false;
	s = xstrndup(name, len - slen);
	*pid = 0;
	dot = strrchr(s, '.');
	if (dot != NULL && dot != s && (dash = strchr(dot, '-')) != NULL &&
	    strlen(dash + 1) == 8 && strspn(dash + 1, "0123456789abcdef") == 8) {
		long n = strtol(dot + 1, &end, 10);

		if (end == dash && end != dot + 1 && n > 0) {
			*pid = n;
			*dot = '\0';
		}
	}
	*stem = s;
	return true;
}

/*
 * Removes temporary files left by runs that are gone, for base (or for any
 * name when base is NULL): the old fixed name, and those whose PID is no
 * longer running (or is ours: this process has none in flight for a file it
 * is about to write).  One writer per DIR makes this safe there; elsewhere a
 * live PID is left alone.
 */
static void
remove_dead_temps(int pfd, const char *base)
{
	int fd = openat(pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct dirent *e;
	DIR *d;

	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		char *stem;
		long pid;
		bool dead;

		if (e->d_type == DT_DIR || !parse_temp(e->d_name, &stem, &pid))
			continue;
		dead = pid == 0 || pid == (long)getpid() ||
		       (kill((pid_t)pid, 0) != 0 && errno == ESRCH);
		if (dead && (base == NULL || strcmp(stem, base) == 0))
			unlinkat(dirfd(d), e->d_name, 0);
		free(stem);
	}
	closedir(d);
}

void
fs_remove_dead_temps(const char *dir)
{
	struct loc l;
	char *inside = fs_join(dir, ".");

	if (locate(inside, &l) == 0) {
		remove_dead_temps(l.pfd, NULL);
		loc_free(&l);
	}
	free(inside);
}

char *
fs_temp_name(const char *path)
{
	struct loc l;
	char *copy = without_trailing_slashes(path);
	char *slash = strrchr(copy, '/');
	char *name, *out;

	if (locate(path, &l) == 0) {
		remove_dead_temps(l.pfd, l.base);
		loc_free(&l);
	}
	name = temp_base(slash != NULL ? slash + 1 : copy);
	if (slash != NULL) {
		slash[1] = '\0';
		out = xasprintf("%s%s", copy, name);
	} else {
		out = xstrdup(name);
	}
	free(name);
	free(copy);
	return out;
}

int
fs_write_atomic(const char *path, const void *data, size_t len, unsigned mode, struct msg *err)
{
	const char *p = data;
	size_t left = len;
	struct loc l;
	char *temp;
	int fd;

	if (locate(path, &l) != 0)
		return msg_set(err, _("%s: cannot create: %s"), path, why(errno));
	remove_dead_temps(l.pfd, l.base);
	temp = temp_base(l.base);
	fd = openat(l.pfd, temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		    mode & 07777);
	if (fd < 0) {
		msg_set(err, _("%s: cannot create: %s"), path, strerror(errno));
		goto fail;
	}
	while (left > 0) {
		ssize_t n = write(fd, p, left);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			msg_set(err, _("%s: cannot write: %s"), path,
				n == 0 ? strerror(ENOSPC) : strerror(errno));
			close(fd);
			goto fail_unlink;
		}
		p += n;
		left -= (size_t)n;
	}
	/* The umask may have narrowed the mode; the mode is part of the contract. */
	if (fchmod(fd, mode & 07777) != 0 || fsync(fd) != 0) {
		msg_set(err, _("%s: cannot write: %s"), path, strerror(errno));
		close(fd);
		goto fail_unlink;
	}
	if (close(fd) != 0 || renameat(l.pfd, temp, l.pfd, l.base) != 0) {
		msg_set(err, _("%s: cannot write: %s"), path, strerror(errno));
		goto fail_unlink;
	}
	{
		/* Makes the rename durable; a failure here loses nothing but that. */
		int dfd = openat(l.pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (dfd >= 0) {
			(void)fsync(dfd);
			close(dfd);
		}
	}
	free(temp);
	loc_free(&l);
	return 0;
fail_unlink:
	unlinkat(l.pfd, temp, 0);
fail:
	free(temp);
	loc_free(&l);
	return -1;
}

/* ------------------------------------------------------------------ reading */

/*
 * Opens a regular file for reading: resolved as fs_open() resolves it (no link
 * followed under a pinned DIR), then fileread.c's one rule for what may be read.
 */
int
fs_open_regular(const char *path, unsigned flags, struct stat *st, struct msg *err)
{
	struct loc l;
	int fd, fl;

	if (locate(path, &l) != 0)
		return msg_set(err, _("%s: cannot open: %s"), path, why(errno));
	fd = file_open_regular_as(l.pfd, l.base, path, l.pinned ? FILE_NOFOLLOW : flags, st, err);
	loc_free(&l);
	if (fd < 0)
		return -1;
	fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		(void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	return fd;
}

int
fs_read_file(const char *path, size_t max, char **data, size_t *len, struct msg *err)
{
	struct stat st;
	int fd = fs_open_regular(path, FILE_FOLLOW, &st, err);

	*data = NULL;
	*len = 0;
	if (fd < 0)
		return -1;
	return file_read_open(fd, &st, path, max, data, len, err);
}

int
fs_sha256_file(const char *path, char out[65], struct msg *err)
{
	struct stat st;
	int fd = fs_open_regular(path, FILE_FOLLOW, &st, err);
	EVP_MD_CTX *ctx;
	unsigned char chunk[65536], md[32];
	unsigned int mdlen = 0;
	ssize_t n;

	if (fd < 0)
		return -1;
	ctx = EVP_MD_CTX_new();
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	while ((n = read(fd, chunk, sizeof chunk)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			msg_set(err, _("%s: cannot read: %s"), path, strerror(errno));
			EVP_MD_CTX_free(ctx);
			close(fd);
			return -1;
		}
		EVP_DigestUpdate(ctx, chunk, (size_t)n);
	}
	EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	close(fd);
	for (unsigned i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	return 0;
}

/* ------------------------------------------------------------- directories */

static int
mkdirs_pinned(int dfd, const char *path, const char *rel, unsigned mode, struct msg *err)
{
	char *copy = xstrdup(rel), *save = NULL, *comp;
	int cur = dfd, rc = 0;

	for (comp = strtok_r(copy, "/", &save); comp != NULL; comp = strtok_r(NULL, "/", &save)) {
		int next;

		if (strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0) {
			errno = EXDEV;
			rc = -1;
			break;
		}
		if (mkdirat(cur, comp, mode) != 0 && errno != EEXIST) {
			rc = -1;
			break;
		}
		next = openat(cur, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (cur != dfd)
			close(cur);
		cur = next;
		if (cur < 0) {
			cur = dfd;
			rc = -1;
			break;
		}
	}
	if (rc != 0)
		msg_set(err, _("%s: cannot create directory: %s"), path, why(errno));
	if (cur != dfd)
		close(cur);
	free(copy);
	return rc;
}

int
fs_mkdirs(const char *path, unsigned mode, struct msg *err)
{
	const char *rel;
	int dfd = pinned_lookup(path, &rel);
	char *copy;

	if (dfd >= 0)
		return mkdirs_pinned(dfd, path, rel, mode, err);
	copy = xstrdup(path);
	for (char *p = copy + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char saved = *p;

			*p = '\0';
			if (mkdir(copy, mode) != 0 && errno != EEXIST) {
				msg_set(err, _("%s: cannot create directory: %s"), copy,
					strerror(errno));
				free(copy);
				return -1;
			}
			*p = saved;
			if (saved == '\0')
				break;
		}
	}
	free(copy);
	return 0;
}

/* Empties the directory fd (which this closes), depth first, following no link. */
static int
remove_contents(int fd)
{
	DIR *d = fdopendir(fd);
	struct dirent *e;
	int rc = 0;

	if (d == NULL) {
		close(fd);
		return -1;
	}
	while (rc == 0 && (e = readdir(d)) != NULL) {
		struct stat st;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
			rc = errno == ENOENT ? 0 : -1;
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			int sub = openat(dirfd(d), e->d_name,
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			/* A folder made without write permission would stop the removal. */
			if (sub >= 0 && (st.st_mode & 0700) != 0700)
				(void)fchmod(sub, (st.st_mode & 07777) | 0700);
			if (sub < 0 || remove_contents(sub) != 0 ||
			    unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR) != 0)
				rc = -1;
		} else if (unlinkat(dirfd(d), e->d_name, 0) != 0 && errno != ENOENT) {
			rc = -1;
		}
	}
	{
		int saved = errno;

		closedir(d);
		errno = saved;
	}
	return rc;
}

int
fs_remove_tree(const char *path, struct msg *err)
{
	struct loc l;
	struct stat st;
	int rc = 0;

	if (locate(path, &l) != 0)
		return errno == ENOENT ? 0 : msg_set(err, _("%s: cannot remove it: %s"), path,
						       why(errno));
	if (fstatat(l.pfd, l.base, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		if (errno != ENOENT)
			rc = msg_set(err, _("%s: cannot remove it: %s"), path, strerror(errno));
	} else if (!S_ISDIR(st.st_mode)) {
		if (unlinkat(l.pfd, l.base, 0) != 0 && errno != ENOENT)
			rc = msg_set(err, _("%s: cannot remove it: %s"), path, strerror(errno));
	} else {
		int fd = openat(l.pfd, l.base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

		if (fd < 0 || remove_contents(fd) != 0 ||
		    unlinkat(l.pfd, l.base, AT_REMOVEDIR) != 0)
			rc = msg_set(err, _("%s: cannot remove it: %s"), path, strerror(errno));
	}
	loc_free(&l);
	return rc;
}

/* ------------------------------------------------------------------- names */

char *
fs_join(const char *dir, const char *path)
{
	if (path[0] == '/' || dir == NULL || dir[0] == '\0')
		return xstrdup(path);
	if (str_ends_with(dir, "/"))
		return xasprintf("%s%s", dir, path);
	return xasprintf("%s/%s", dir, path);
}

char *
fs_absolute(const char *path)
{
	char cwd[PATH_MAX];
	char *joined, *out, *w;
	const char *r;

	if (path[0] == '/') {
		joined = xstrdup(path);
	} else {
		if (getcwd(cwd, sizeof cwd) == NULL)
			return NULL;
		joined = fs_join(cwd, path);
	}
	/* Drop "." and empty components and resolve ".." lexically. */
	out = xmalloc(strlen(joined) + 2);
	w = out;
	r = joined;
	while (*r != '\0') {
		size_t n;

		while (*r == '/')
			r++;
		n = strcspn(r, "/");
		if (n == 0)
			break;
		if (n == 1 && r[0] == '.') {
			/* nothing */
		} else if (n == 2 && r[0] == '.' && r[1] == '.') {
			while (w > out && *--w != '/')
				;
		} else {
			*w++ = '/';
			memcpy(w, r, n);
			w += n;
		}
		r += n;
	}
	if (w == out)
		*w++ = '/';
	*w = '\0';
	free(joined);
	return out;
}

int
fs_backup(const char *dir, const char *rel, char **backup_rel, struct msg *err)
{
	char *from, *backup_dir;
	const char *base = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;

	/* The name may come from a manifest someone edited: never move anything outside DIR. */
	if (!fs_rel_path_ok(rel))
		return msg_set(err, _("%s: not a file inside the working directory; not moved"),
			       rel);
	from = fs_join(dir, rel);
	backup_dir = fs_join(dir, ".zktls-wizard/backup");
	if (fs_mkdirs(backup_dir, 0700, err) != 0) {
		free(from);
		free(backup_dir);
		return -1;
	}
	for (unsigned n = 1; n < 10000; n++) {
		char *name = xasprintf(".zktls-wizard/backup/%s.%u", base, n);
		char *to = fs_join(dir, name);

		if (!fs_exists(to)) {
			int rc = fs_rename(from, to);

			if (rc != 0)
				msg_set(err, _("%s: cannot keep a backup: %s"), rel,
					why(errno));
			free(to);
			free(from);
			free(backup_dir);
			if (rc != 0) {
				free(name);
				return -1;
			}
			*backup_rel = name;
			return 0;
		}
		free(to);
		free(name);
	}
	free(from);
	free(backup_dir);
	return msg_set(err, _("%s: too many backups"), rel);
}
