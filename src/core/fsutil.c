#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "fsutil.h"
#include "i18n.h"
#include "util.h"

char *
fs_temp_name(const char *path)
{
	return xasprintf("%s.zktls-tmp", path);
}

static char *
parent_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

static void
fsync_dir(const char *path)
{
	char *dir = parent_of(path);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

int
fs_write_atomic(const char *path, const void *data, size_t len, unsigned mode, struct msg *err)
{
	char *temp = fs_temp_name(path);
	const char *p = data;
	size_t left = len;
	int fd;

	/* A temporary file left by a crash is ours to replace. */
	if (unlink(temp) != 0 && errno != ENOENT) {
		msg_set(err, _("%s: cannot remove the old temporary file: %s"), temp,
			strerror(errno));
		free(temp);
		return -1;
	}
	fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode & 07777);
	if (fd < 0) {
		msg_set(err, _("%s: cannot create: %s"), temp, strerror(errno));
		free(temp);
		return -1;
	}
	while (left > 0) {
		ssize_t n = write(fd, p, left);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			msg_set(err, _("%s: cannot write: %s"), path, strerror(errno));
			close(fd);
			unlink(temp);
			free(temp);
			return -1;
		}
		p += n;
		left -= (size_t)n;
	}
	/* The umask may have narrowed the mode; the mode is part of the contract. */
	if (fchmod(fd, mode & 07777) != 0 || fsync(fd) != 0) {
		msg_set(err, _("%s: cannot write: %s"), path, strerror(errno));
		close(fd);
		unlink(temp);
		free(temp);
		return -1;
	}
	if (close(fd) != 0 || rename(temp, path) != 0) {
		msg_set(err, _("%s: cannot write: %s"), path, strerror(errno));
		unlink(temp);
		free(temp);
		return -1;
	}
	fsync_dir(path);
	free(temp);
	return 0;
}

int
fs_read_file(const char *path, size_t max, char **data, size_t *len, struct msg *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	size_t got = 0;
	char *buf;

	if (fd < 0)
		return msg_set(err, _("%s: cannot open: %s"), path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return msg_set(err, _("%s: not a regular file"), path);
	}
	if ((unsigned long long)st.st_size > max) {
		close(fd);
		return msg_set(err, _("%s: larger than %zu bytes"), path, max);
	}
	buf = xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			msg_set(err, _("%s: cannot read: %s"), path, strerror(errno));
			free(buf);
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	*data = buf;
	*len = got;
	return 0;
}

int
fs_sha256_file(const char *path, char out[65], struct msg *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	EVP_MD_CTX *ctx;
	unsigned char chunk[65536], md[32];
	unsigned int mdlen = 0;
	ssize_t n;

	if (fd < 0)
		return msg_set(err, _("%s: cannot open: %s"), path, strerror(errno));
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

int
fs_mkdirs(const char *path, unsigned mode, struct msg *err)
{
	char *copy = xstrdup(path);

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

int
fs_make_workdir(const char *dir, struct msg *err)
{
	struct stat st;

	if (lstat(dir, &st) != 0) {
		if (errno != ENOENT)
			return msg_set(err, _("%s: %s"), dir, strerror(errno));
		if (fs_mkdirs(dir, 0700, err) != 0)
			return -1;
		if (lstat(dir, &st) != 0)
			return msg_set(err, _("%s: %s"), dir, strerror(errno));
	}
	if (S_ISLNK(st.st_mode)) {
		/* A symlink is accepted only when it leads to a directory of ours. */
		if (stat(dir, &st) != 0)
			return msg_set(err, _("%s: %s"), dir, strerror(errno));
	}
	if (!S_ISDIR(st.st_mode))
		return msg_set(err, _("%s exists and is not a directory"), dir);
	if (st.st_uid != geteuid())
		return msg_set(err, _("%s belongs to another user: choose a directory of your "
				      "own"), dir);
	if ((st.st_mode & 07777) != 0700 && chmod(dir, 0700) != 0)
		return msg_set(err, _("%s: cannot make it private (mode 0700): %s"), dir,
			       strerror(errno));
	return 0;
}

bool
fs_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

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
	char *from = fs_join(dir, rel);
	char *backup_dir = fs_join(dir, ".zktls-wizard/backup");
	const char *base = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;

	if (fs_mkdirs(backup_dir, 0700, err) != 0) {
		free(from);
		free(backup_dir);
		return -1;
	}
	for (unsigned n = 1; n < 10000; n++) {
		char *name = xasprintf(".zktls-wizard/backup/%s.%u", base, n);
		char *to = fs_join(dir, name);

		if (!fs_exists(to)) {
			int rc = rename(from, to);

			if (rc != 0)
				msg_set(err, _("%s: cannot keep a backup: %s"), rel,
					strerror(errno));
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
