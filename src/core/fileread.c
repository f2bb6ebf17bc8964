#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileread.h"
#include "i18n.h"
#include "util.h"

/* The first allocation for a file that says it is empty (/proc and the like). */
#define FIRST_GUESS 4096

const char *
file_type_name(mode_t mode)
{
	if (S_ISDIR(mode))
		return _("a folder");
	if (S_ISFIFO(mode))
		return _("a named pipe (FIFO)");
	if (S_ISCHR(mode) || S_ISBLK(mode))
		return _("a device");
	if (S_ISSOCK(mode))
		return _("a socket");
	if (S_ISLNK(mode))
		return _("a symbolic link");
	return _("not a regular file");
}

static int
refuse_type(const char *path, mode_t mode, struct msg *err)
{
	return msg_set(err, _("%s is %s, not a regular file; only regular files are read "
			      "(move it away or point to the file itself)"), path,
		       file_type_name(mode));
}

int
file_open_regular_as(int dirfd, const char *path, const char *shown, unsigned flags,
		     struct stat *st, struct msg *err)
{
	bool nofollow = (flags & FILE_NOFOLLOW) != 0;
	struct stat before;
	int fd;

	/*
	 * Looked at before the open: opening a device can do things (a tape
	 * rewinds), and a FIFO's open would wait for a writer.
	 */
	if (fstatat(dirfd, path, &before, nofollow ? AT_SYMLINK_NOFOLLOW : 0) != 0)
		return msg_set(err, _("%s: cannot open: %s"), shown, strerror(errno));
	if (!S_ISREG(before.st_mode))
		return refuse_type(shown, before.st_mode, err);
	/* O_NONBLOCK in case a FIFO is swapped in between; it changes nothing for a file. */
	fd = openat(dirfd, path,
		    O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | (nofollow ? O_NOFOLLOW : 0));
	if (fd < 0) {
		if (errno == ELOOP && nofollow)
			return refuse_type(shown, S_IFLNK, err);
		return msg_set(err, _("%s: cannot open: %s"), shown, strerror(errno));
	}
	if (fstat(fd, st) != 0) {
		int e = errno;

		close(fd);
		return msg_set(err, _("%s: cannot open: %s"), shown, strerror(e));
	}
	if (!S_ISREG(st->st_mode) || st->st_dev != before.st_dev || st->st_ino != before.st_ino) {
		close(fd);
		if (!S_ISREG(st->st_mode))
			return refuse_type(shown, st->st_mode, err);
		return msg_set(err, _("%s changed while it was opened; try again"), shown);
	}
	return fd;
}

int
file_open_regular(int dirfd, const char *path, unsigned flags, struct stat *st, struct msg *err)
{
	return file_open_regular_as(dirfd, path, path, flags, st, err);
}

int
file_read_at(int dirfd, const char *path, size_t max, unsigned flags, char **data, size_t *len,
	     struct msg *err)
{
	struct stat st;
	int fd;

	*data = NULL;
	*len = 0;
	fd = file_open_regular(dirfd, path, flags, &st, err);
	if (fd < 0)
		return -1;
	return file_read_open(fd, &st, path, max, data, len, err);
}

int
file_read_open(int fd, const struct stat *opened, const char *path, size_t max, char **data,
	       size_t *len, struct msg *err)
{
	const struct stat st = *opened;
	size_t cap, got = 0;
	char *buf;

	*data = NULL;
	*len = 0;
	if ((unsigned long long)st.st_size > max) {
		close(fd);
		return msg_set(err, _("%s is larger than %zu bytes, more than such a file can be; "
				      "is it the right file?"), path, max);
	}
	cap = st.st_size > 0 ? (size_t)st.st_size + 1 : FIRST_GUESS;
	buf = xmalloc(cap + 1);
	for (;;) {
		ssize_t n;

		if (got == cap) {
			/* Growing since the fstat: read on, up to one byte past the limit. */
			if (cap > max)
				break;
			cap = cap > max / 2 ? max + 1 : cap * 2;
			buf = xrealloc(buf, cap + 1);
		}
		n = read(fd, buf + got, cap - got);
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
	if (got > max) {
		free(buf);
		return msg_set(err, _("%s is larger than %zu bytes, more than such a file can be; "
				      "is it the right file?"), path, max);
	}
	buf[got] = '\0';
	*data = buf;
	*len = got;
	return 0;
}

int
file_read(const char *path, size_t max, unsigned flags, char **data, size_t *len,
	  struct msg *err)
{
	return file_read_at(AT_FDCWD, path, max, flags, data, len, err);
}

int
file_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = ENOSPC;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}
