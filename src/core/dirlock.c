/*
 * The lock is DIR/.zktls-wizard/lock with two open-file-description locks
 * (F_OFD_SETLK: per descriptor, so the TUI's worker thread shares its
 * process's lock, and released by the kernel when the process ends, however
 * it ends): byte 0 for the whole run of a writer, byte 1 while a writer is
 * in a step (check takes byte 1 shared).  The file holds "PID START" of the
 * run holding byte 0, for the message a second run gives.
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dirlock.h"
#include "fsutil.h"
#include "i18n.h"
#include "util.h"

#define STATE_DIR ".zktls-wizard"
#define LOCK_FILE "lock"
#define CONF_FILE "zktls-wizard.conf"
#define BYTE_RUN 0
#define BYTE_WRITING 1
#define POLL_NS (20 * 1000 * 1000L)
/* How long a loser waits for the holder to have written its name. */
#define HOLDER_WAIT_POLLS 100

static struct {
	char *dir;
	int lock_fd;
	dev_t dev;
	ino_t ino;
	unsigned writing;
} held = { .lock_fd = -1 };
static pthread_mutex_t held_lock = PTHREAD_MUTEX_INITIALIZER;

static void
nap(void)
{
	struct timespec ts = { 0, POLL_NS };

	nanosleep(&ts, NULL);
}

static int
ofd_lock(int fd, short type, off_t byte)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = byte, .l_len = 1 };

	return fcntl(fd, F_OFD_SETLK, &fl);
}

/* ------------------------------------------------------------ the path */

/*
 * DESIGN §4: Kafka's and ZooKeeper's scripts do not quote paths, and the
 * configuration names files by DIR's absolute path.
 */
static int
check_path_chars(const char *dir, struct msg *err)
{
	char *abs = fs_absolute(dir);
	const char *bad;
	char shown[32];

	if (abs == NULL)
		return msg_set(err, _("%s: cannot tell its absolute path: %s"), dir,
			       strerror(errno));
	bad = abs + strspn(abs, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			   "0123456789._/-");
	if (*bad == '\0') {
		int rc = strcmp(abs, "/") == 0
				 ? msg_set(err, _("/ cannot be the working directory: choose a "
						  "directory of your own"))
				 : 0;

		free(abs);
		return rc;
	}
	if (*bad == ' ')
		snprintf(shown, sizeof shown, "%s", _("a space"));
	else if ((unsigned char)*bad > 0x20 && (unsigned char)*bad < 0x7f)
		snprintf(shown, sizeof shown, "'%c'", *bad);
	else
		snprintf(shown, sizeof shown, "\\x%02x", (unsigned char)*bad);
	free(abs);
	return msg_set(err, _("%s: the working directory's path holds %s; Kafka's and "
			      "ZooKeeper's scripts do not quote paths and would split or misread "
			      "it. Choose a directory whose full path has only letters, digits "
			      "and . _ / -"),
		       dir, shown);
}

/* --------------------------------------------------------- the directory */

static int
refuse_others(const char *dir, const struct stat *st, struct msg *err)
{
	if (!S_ISDIR(st->st_mode))
		return msg_set(err, _("%s exists and is not a directory"), dir);
	if (st->st_uid != geteuid())
		return msg_set(err, _("%s belongs to another user: choose a directory of your "
				      "own"), dir);
	return 0;
}

/*
 * DIR's last component as a link: followed only when the link is ours (one
 * planted by another user is refused), and then only to a directory of ours,
 * opened by its real path with the same rules.
 */
static int
open_through_link(const char *dir, int pfd, const char *base, int *fd, struct msg *err)
{
	struct stat st;
	char *real;
	int rfd;

	if (fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return msg_set(err, "%s: %s", dir, strerror(errno));
	if (!S_ISLNK(st.st_mode))
		return msg_set(err, _("%s exists and is not a directory"), dir);
	if (st.st_uid != geteuid())
		return msg_set(err, _("%s is a symbolic link that belongs to another user: "
				      "choose a directory of your own"), dir);
	real = realpath(dir, NULL);
	if (real == NULL)
		return msg_set(err, "%s: %s", dir, strerror(errno));
	{
		char *slash = strrchr(real, '/');
		char *parent = slash == real ? xstrdup("/") : xstrndup(real, (size_t)(slash - real));
		int rpfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		rfd = rpfd < 0 ? -1
			       : openat(rpfd, slash[1] ? slash + 1 : ".",
					O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (rfd < 0)
			msg_set(err, "%s: %s", dir, strerror(errno));
		if (rpfd >= 0)
			close(rpfd);
		free(parent);
	}
	free(real);
	if (rfd < 0)
		return -1;
	*fd = rfd;
	return 0;
}

/*
 * Was DIR writable by others, whatever is in it may be theirs: after closing
 * it (0700), every entry must be ours.
 */
static int
refuse_planted(const char *dir, int fd, struct msg *err)
{
	int copy = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = copy >= 0 ? fdopendir(copy) : NULL;
	struct dirent *e;
	int rc = 0;

	if (d == NULL) {
		if (copy >= 0)
			close(copy);
		return msg_set(err, "%s: %s", dir, strerror(errno));
	}
	while (rc == 0 && (e = readdir(d)) != NULL) {
		struct stat st;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    st.st_uid != geteuid())
			rc = msg_set(err, _("%s was writable by others and holds %s, which belongs "
					    "to another user: move it away, or choose a new "
					    "directory"), dir, e->d_name);
	}
	closedir(d);
	return rc;
}

/* Opens DIR once: the descriptor everything under DIR is then reached from. */
static int
open_workdir(const char *dir, int *out, bool *created, struct msg *err)
{
	char *abs = fs_absolute(dir), *slash, *parent;
	const char *base;
	struct stat st;
	int pfd, fd;

	*created = false;
	slash = strrchr(abs, '/');
	parent = slash == abs ? xstrdup("/") : xstrndup(abs, (size_t)(slash - abs));
	base = slash + 1;
	pfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pfd < 0 && errno == ENOENT) {
		if (fs_mkdirs(parent, 0700, err) != 0)
			goto fail;
		pfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	if (pfd < 0) {
		msg_set(err, "%s: %s", parent, strerror(errno));
		goto fail;
	}
	fd = openat(pfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		if (mkdirat(pfd, base, 0700) == 0)
			*created = true;
		else if (errno != EEXIST) {
			msg_set(err, _("%s: cannot create directory: %s"), dir, strerror(errno));
			goto fail_pfd;
		}
		fd = openat(pfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd < 0 && (errno == ELOOP || errno == ENOTDIR)) {
		if (open_through_link(dir, pfd, base, &fd, err) != 0)
			goto fail_pfd;
	} else if (fd < 0) {
		msg_set(err, "%s: %s", dir, strerror(errno));
		goto fail_pfd;
	}
	close(pfd);
	free(parent);
	free(abs);
	if (fstat(fd, &st) != 0 || refuse_others(dir, &st, err) != 0) {
		if (err->text[0] == '\0')
			msg_set(err, "%s: %s", dir, strerror(errno));
		close(fd);
		return -1;
	}
	if ((st.st_mode & 07777) != 0700 && fchmod(fd, 0700) != 0) {
		msg_set(err, _("%s: cannot make it private (mode 0700): %s"), dir,
			strerror(errno));
		close(fd);
		return -1;
	}
	if ((st.st_mode & 022) != 0 && refuse_planted(dir, fd, err) != 0) {
		close(fd);
		return -1;
	}
	*out = fd;
	return 0;
fail_pfd:
	close(pfd);
fail:
	free(parent);
	free(abs);
	return -1;
}

/* ------------------------------------------------------------- the lock */

/* The lock file, made if absent; it and its folder must be ours. */
static int
open_lock_file(const char *dir, int dfd, struct msg *err)
{
	struct stat st;
	int sfd, fd;

	if (mkdirat(dfd, STATE_DIR, 0700) != 0 && errno != EEXIST)
		return msg_set(err, _("%s/%s: cannot create directory: %s"), dir, STATE_DIR,
			       strerror(errno));
	sfd = openat(dfd, STATE_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sfd < 0 || fstat(sfd, &st) != 0 || st.st_uid != geteuid()) {
		if (sfd >= 0)
			close(sfd);
		return msg_set(err, _("%s/%s is not a directory of yours"), dir, STATE_DIR);
	}
	if ((st.st_mode & 07777) != 0700)
		(void)fchmod(sfd, 0700);
	fd = openat(sfd, LOCK_FILE, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	close(sfd);
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid()) {
		if (fd >= 0)
			close(fd);
		return msg_set(err, _("%s/%s/%s: cannot use it as the lock: %s"), dir, STATE_DIR,
			       LOCK_FILE, fd < 0 ? strerror(errno) : _("not a file of yours"));
	}
	return fd;
}

/* "PID since TIME" of the run that holds fd's lock; false while unknown. */
static bool
holder(int fd, long *pid, char *since, size_t since_size)
{
	char text[64];
	ssize_t n = pread(fd, text, sizeof text - 1, 0);
	long long start;
	int used = 0;
	time_t t;
	struct tm tm;

	/* Written whole after a truncation: a line without its newline is not yet there. */
	if (n <= 0)
		return false;
	text[n] = '\0';
	if (sscanf(text, "%ld %lld\n%n", pid, &start, &used) != 2 || used != n || *pid <= 0 ||
	    text[n - 1] != '\n')
		return false;
	if (kill((pid_t)*pid, 0) != 0 && errno == ESRCH)
		return false;   /* a dead run's: the new holder has not written yet */
	t = (time_t)start;
	if (localtime_r(&t, &tm) == NULL || strftime(since, since_size, "%Y-%m-%d %H:%M:%S",
						      &tm) == 0)
		snprintf(since, since_size, "%lld", start);
	return true;
}

/* Takes byte 0, or says who has it once they have written their name. */
static int
take_run_lock(const char *dir, int fd, struct msg *err)
{
	char since[64];
	long pid;

	for (unsigned i = 0; i < HOLDER_WAIT_POLLS; i++) {
		if (ofd_lock(fd, F_WRLCK, BYTE_RUN) == 0)
			return 0;
		if (errno != EAGAIN && errno != EACCES)
			return msg_set(err, _("%s: cannot lock it: %s"), dir, strerror(errno));
		if (holder(fd, &pid, since, sizeof since))
			return msg_set(err, _("%s is in use by zktls-wizard (PID %ld, since %s); "
					      "nothing was changed. Wait until that run ends, or "
					      "end it"), dir, pid, since);
		nap();
	}
	return msg_set(err, _("%s is in use by another zktls-wizard run; nothing was changed"),
		       dir);
}

int
dirlock_acquire(const char *dir, unsigned flags, struct msg *err)
{
	struct stat st;
	bool created;
	int dfd = -1, fd = -1;
	char line[64];

	pthread_mutex_lock(&held_lock);
	if (held.dir != NULL) {
		int rc = strcmp(held.dir, dir) == 0
				 ? 0
				 : msg_set(err, _("%s: this run already works in %s"), dir, held.dir);

		pthread_mutex_unlock(&held_lock);
		return rc;
	}
	msg_clear(err);
	if (check_path_chars(dir, err) != 0 || open_workdir(dir, &dfd, &created, err) != 0)
		goto fail;
	fd = open_lock_file(dir, dfd, err);
	if (fd < 0 || take_run_lock(dir, fd, err) != 0)
		goto fail;
	if ((flags & DIRLOCK_NEW) && !created &&
	    fstatat(dfd, CONF_FILE, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		msg_set(err, _("%s was made by another run while this one started, and holds its "
			       "answers; nothing was changed. Run again to continue from them"),
			dir);
		goto fail;
	}
	snprintf(line, sizeof line, "%ld %lld\n", (long)getpid(), (long long)time(NULL));
	if (ftruncate(fd, 0) != 0 || pwrite(fd, line, strlen(line), 0) != (ssize_t)strlen(line)) {
		msg_set(err, _("%s/%s/%s: cannot write: %s"), dir, STATE_DIR, LOCK_FILE,
			strerror(errno));
		goto fail;
	}
	if (fstat(dfd, &st) != 0) {
		msg_set(err, "%s: %s", dir, strerror(errno));
		goto fail;
	}
	held.dir = xstrdup(dir);
	held.lock_fd = fd;
	held.dev = st.st_dev;
	held.ino = st.st_ino;
	fs_pin_dir(dir, dfd);
	pthread_mutex_unlock(&held_lock);
	/* Only this run writes here now: temporary files of dead runs can go. */
	fs_remove_dead_temps(dir);
	{
		char *state = fs_join(dir, STATE_DIR);

		fs_remove_dead_temps(state);
		free(state);
	}
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	if (dfd >= 0)
		close(dfd);
	pthread_mutex_unlock(&held_lock);
	return -1;
}

bool
dirlock_held(const char *dir)
{
	bool yes;

	pthread_mutex_lock(&held_lock);
	yes = held.dir != NULL && strcmp(held.dir, dir) == 0;
	pthread_mutex_unlock(&held_lock);
	return yes;
}

void
dirlock_release(void)
{
	pthread_mutex_lock(&held_lock);
	if (held.dir != NULL) {
		fs_unpin_dir(held.dir);
		close(held.lock_fd);
		free(held.dir);
	}
	held.dir = NULL;
	held.lock_fd = -1;
	held.writing = 0;
	pthread_mutex_unlock(&held_lock);
}

int
dirlock_write_begin(const char *dir, const atomic_bool *cancel, struct msg *err)
{
	int rc = 0;

	pthread_mutex_lock(&held_lock);
	if (held.dir == NULL || strcmp(held.dir, dir) != 0) {
		pthread_mutex_unlock(&held_lock);
		return 0;
	}
	if (held.writing == 0) {
		/* A check reads for a moment: wait for it. */
		while (ofd_lock(held.lock_fd, F_WRLCK, BYTE_WRITING) != 0) {
			if (errno != EAGAIN && errno != EACCES) {
				rc = msg_set(err, _("%s: cannot lock it: %s"), dir, strerror(errno));
				break;
			}
			if (cancel != NULL && atomic_load(cancel)) {
				rc = msg_set(err, _("cancelled; run it again to resume"));
				break;
			}
			nap();
		}
	}
	if (rc == 0)
		held.writing++;
	pthread_mutex_unlock(&held_lock);
	return rc;
}

void
dirlock_write_end(const char *dir)
{
	pthread_mutex_lock(&held_lock);
	if (held.dir != NULL && strcmp(held.dir, dir) == 0 && held.writing > 0 &&
	    --held.writing == 0)
		(void)ofd_lock(held.lock_fd, F_UNLCK, BYTE_WRITING);
	pthread_mutex_unlock(&held_lock);
}

int
dirlock_check_same(const char *dir, struct msg *err)
{
	struct stat st;
	int rc = 0;

	pthread_mutex_lock(&held_lock);
	if (held.dir != NULL && strcmp(held.dir, dir) == 0 &&
	    (stat(dir, &st) != 0 || st.st_dev != held.dev || st.st_ino != held.ino))
		rc = msg_set(err, _("%s was moved or replaced while the wizard worked in it; "
				    "nothing more is written. The configuration names files by "
				    "this path: put the directory back, or run again"), dir);
	pthread_mutex_unlock(&held_lock);
	return rc;
}

/* ------------------------------------------------------------- readers */

int
dirlock_read_begin(const char *dir, void (*waiting)(void *user, const char *line), void *user,
		   int *reader, struct msg *err)
{
	char *path = fs_join(dir, STATE_DIR "/" LOCK_FILE);
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	bool told = false;
	struct stat st;

	free(path);
	*reader = -1;
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		/* No writer ever locked this DIR (an article's, or none yet). */
		if (fd >= 0)
			close(fd);
		return 0;
	}
	while (ofd_lock(fd, F_RDLCK, BYTE_WRITING) != 0) {
		char since[64];
		long pid;

		if (errno != EAGAIN && errno != EACCES) {
			msg_set(err, _("%s: cannot lock it: %s"), dir, strerror(errno));
			close(fd);
			return -1;
		}
		if (!told && waiting != NULL && holder(fd, &pid, since, sizeof since)) {
			char line[512];

			snprintf(line, sizeof line,
				 _("waiting: %s is being written by zktls-wizard (PID %ld, since %s)"),
				 dir, pid, since);
			waiting(user, line);
			told = true;
		}
		nap();
	}
	*reader = fd;
	return 0;
}

void
dirlock_read_end(int reader)
{
	if (reader >= 0)
		close(reader);
}
