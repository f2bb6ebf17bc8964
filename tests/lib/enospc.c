/*
 * LD_PRELOAD shim for tests/integration/disk-full.sh where no small file
 * system can be mounted (no user namespaces): a disk that fills up under
 * one folder.  The process may write ZKTLS_ENOSPC_BYTES bytes in all to
 * files under ZKTLS_ENOSPC_DIR (an absolute path without symbolic links);
 * which files those are is read from /proc/self/fd at each write, so
 * openat, renames and libraries' own opens are all covered.
 *
 * ZKTLS_ENOSPC_AT=write (the default): the write that reaches the limit
 * writes what fits, the next one fails with ENOSPC, as a full disk does.
 * ZKTLS_ENOSPC_AT=fsync: every write succeeds, and fsync and fdatasync of a
 * file there fail with ENOSPC once the limit is passed, as a file system
 * that allocates late (NFS, thin provisioning) reports a full disk.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static long long used;

static const char *
folder(void)
{
	const char *dir = getenv("ZKTLS_ENOSPC_DIR");

	return dir != NULL && dir[0] == '/' ? dir : NULL;
}

static long long
limit(void)
{
	const char *bytes = getenv("ZKTLS_ENOSPC_BYTES");

	return bytes != NULL ? atoll(bytes) : -1;
}

static int
at_fsync(void)
{
	const char *at = getenv("ZKTLS_ENOSPC_AT");

	return at != NULL && strcmp(at, "fsync") == 0;
}

static int
under(int fd)
{
	char link[64], path[PATH_MAX];
	const char *dir = folder();
	size_t len;
	ssize_t n;

	if (dir == NULL || limit() < 0)
		return 0;
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof path - 1);
	if (n <= 0)
		return 0;
	path[n] = '\0';
	len = strlen(dir);
	return strncmp(path, dir, len) == 0 && (path[len] == '/' || path[len] == '\0');
}

/* How much of n may be written now: all of it, part, or -1 (ENOSPC). */
static ssize_t
allowed(int fd, size_t n, int *counted)
{
	long long left;

	*counted = n > 0 && under(fd);
	if (!*counted || at_fsync())
		return (ssize_t)n;
	left = limit() - __atomic_load_n(&used, __ATOMIC_SEQ_CST);
	if (left <= 0) {
		errno = ENOSPC;
		return -1;
	}
	return (long long)n > left ? (ssize_t)left : (ssize_t)n;
}

static ssize_t
count(ssize_t r, int counted)
{
	if (r > 0 && counted)
		__atomic_add_fetch(&used, (long long)r, __ATOMIC_SEQ_CST);
	return r;
}

/* The next definition of name: libc's (or the sanitizer's, which then calls libc's). */
#define REAL(name) \
	static __typeof__(name) *real_##name; \
	if (real_##name == NULL) \
		real_##name = (__typeof__(name) *)dlsym(RTLD_NEXT, #name)

ssize_t
write(int fd, const void *buf, size_t n)
{
	int counted;
	ssize_t ok;

	REAL(write);
	ok = allowed(fd, n, &counted);
	if (ok < 0)
		return -1;
	return count(real_write(fd, buf, (size_t)ok), counted);
}

ssize_t
pwrite(int fd, const void *buf, size_t n, off_t off)
{
	int counted;
	ssize_t ok;

	REAL(pwrite);
	ok = allowed(fd, n, &counted);
	if (ok < 0)
		return -1;
	return count(real_pwrite(fd, buf, (size_t)ok, off), counted);
}

ssize_t
pwrite64(int fd, const void *buf, size_t n, off_t off)
{
	return pwrite(fd, buf, n, off);
}

ssize_t
writev(int fd, const struct iovec *iov, int iovcnt)
{
	size_t total = 0;
	int counted;
	ssize_t ok;

	REAL(writev);
	for (int i = 0; i < iovcnt; i++)
		total += iov[i].iov_len;
	ok = allowed(fd, total, &counted);
	if (ok < 0)
		return -1;
	if ((size_t)ok < total) {
		/* Not worth splitting vectors: the part that fits is written as one write. */
		return write(fd, iov[0].iov_base, iov[0].iov_len < (size_t)ok ? iov[0].iov_len
									     : (size_t)ok);
	}
	return count(real_writev(fd, iov, iovcnt), counted);
}

static int
late_full(int fd)
{
	if (at_fsync() && under(fd) && __atomic_load_n(&used, __ATOMIC_SEQ_CST) > limit()) {
		errno = ENOSPC;
		return 1;
	}
	return 0;
}

int
fsync(int fd)
{
	REAL(fsync);
	return late_full(fd) ? -1 : real_fsync(fd);
}

int
fdatasync(int fd)
{
	REAL(fdatasync);
	return late_full(fd) ? -1 : real_fdatasync(fd);
}

/* ZKTLS_ENOSPC_LOG: the bytes written under the folder, appended at exit (for budgets). */
__attribute__((destructor)) static void
report(void)
{
	const char *log = getenv("ZKTLS_ENOSPC_LOG");
	FILE *f;

	if (log == NULL || (f = fopen(log, "a")) == NULL)
		return;
	fprintf(f, "%lld\n", __atomic_load_n(&used, __ATOMIC_SEQ_CST));
	fclose(f);
}
