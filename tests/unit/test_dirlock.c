/*
 * One writer per working directory, and the directory pinned (dirlock.c,
 * fsutil.c): a second taker is refused naming the holder, a check waits for
 * a step's writes, files go where DIR was when it was opened whatever is
 * swapped in its place, nothing under DIR is reached through a link or "..",
 * and temporary files of dead runs are cleaned.
 */
#include <config.h>

#include <signal.h>
#include <sys/wait.h>

#include "core/dirlock.h"
#include "core/fsutil.h"
#include "unit.h"

static int
make_dir(void **state)
{
	char *dir = unit_tmpdir();

	if (dir == NULL)
		return -1;
	*state = dir;
	return 0;
}

static int
remove_dir(void **state)
{
	dirlock_release();
	unit_rmtree(*state);
	free(*state);
	return 0;
}

static char *
path_in(const char *dir, const char *rel)
{
	return xasprintf("%s/%s", dir, rel);
}

/* DIR (dir/w) taken by this process. */
static char *
take(const char *base)
{
	char *dir = path_in(base, "w");
	struct msg err;

	msg_clear(&err);
	if (dirlock_acquire(dir, 0, &err) != 0) {
		print_error("dirlock_acquire %s: %s\n", dir, err.text);
		fail();
	}
	return dir;
}

/* The first line a forked child writes to fd, run(dir) in the child. */
static char *
in_child(const char *dir, void (*run)(const char *dir, int fd), pid_t *child)
{
	int fds[2];
	char line[2048];
	ssize_t n;

	assert_int_equal(pipe(fds), 0);
	*child = fork();
	assert_true(*child >= 0);
	if (*child == 0) {
		close(fds[0]);
		run(dir, fds[1]);
		_exit(0);
	}
	close(fds[1]);
	n = read(fds[0], line, sizeof line - 1);
	close(fds[0]);
	line[n > 0 ? n : 0] = '\0';
	return xstrdup(line);
}

static void
second_taker(const char *dir, int fd)
{
	struct msg err;
	int rc;

	/* The parent's state came along with fork: start as a new process would. */
	dirlock_release();
	msg_clear(&err);
	rc = dirlock_acquire(dir, 0, &err);
	dprintf(fd, "%d %s", rc, err.text);
}

static void
test_second_writer_refused(void **state)
{
	char *dir = take(*state), *line, *want, *lock = path_in(dir, ".zktls-wizard/lock");
	struct msg err;
	pid_t child;
	size_t len;
	char *text;
	long pid = 0;
	long long since = 0;

	/* Taking it again in the same process is nothing new. */
	assert_int_equal(dirlock_acquire(dir, DIRLOCK_NEW, &err), 0);
	assert_true(dirlock_held(dir));
	text = unit_read(lock, &len);
	assert_non_null(text);
	assert_int_equal(sscanf(text, "%ld %lld", &pid, &since), 2);
	assert_int_equal(pid, (long)getpid());
	free(text);

	line = in_child(dir, second_taker, &child);
	waitpid(child, NULL, 0);
	want = xasprintf("-1 %s is in use by zktls-wizard (PID %ld, since ", dir, (long)getpid());
	assert_contains(line, want);
	free(want);
	free(line);

	/* Once the holder is gone, the next run takes it. */
	dirlock_release();
	line = in_child(dir, second_taker, &child);
	waitpid(child, NULL, 0);
	assert_string_equal(line, "0 ");
	free(line);
	free(lock);
	free(dir);
}

static void
reader(const char *dir, int fd)
{
	struct msg err;
	int r;

	dirlock_release();
	if (dirlock_read_begin(dir, NULL, NULL, &r, &err) != 0) {
		dprintf(fd, "error %s", err.text);
		return;
	}
	dprintf(fd, "reading");
	dirlock_read_end(r);
}

static void
tell(void *user, const char *line)
{
	dprintf(*(int *)user, "%s\n", line);
}

static void
waiting_reader(const char *dir, int fd)
{
	struct msg err;
	int r;

	dirlock_release();
	if (dirlock_read_begin(dir, tell, &fd, &r, &err) != 0)
		dprintf(fd, "error %s", err.text);
	dirlock_read_end(r);
}

static void
test_check_waits_for_a_step(void **state)
{
	char *dir = take(*state), *line, *want;
	struct msg err;
	pid_t child;
	int status;

	/* Between steps a reader goes right ahead. */
	line = in_child(dir, reader, &child);
	waitpid(child, NULL, 0);
	assert_string_equal(line, "reading");
	free(line);

	/* In a step it waits, saying for whom, until the step is done. */
	assert_int_equal(dirlock_write_begin(dir, NULL, &err), 0);
	assert_int_equal(dirlock_write_begin(dir, NULL, &err), 0);   /* nested */
	line = in_child(dir, waiting_reader, &child);
	want = xasprintf("waiting: %s is being written by zktls-wizard (PID %ld", dir,
			 (long)getpid());
	assert_contains(line, want);
	free(want);
	free(line);
	dirlock_write_end(dir);
	usleep(100 * 1000);
	assert_int_equal(waitpid(child, &status, WNOHANG), 0);       /* still one level */
	dirlock_write_end(dir);
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status));

	/* A directory no writer ever took needs nothing. */
	{
		int r = 0;

		assert_int_equal(dirlock_read_begin(*state, NULL, NULL, &r, &err), 0);
		assert_int_equal(r, -1);
	}
	free(dir);
}

/* Files go where DIR was when it was opened, whatever takes its name later. */
static void
test_swapped_dir_changes_nothing(void **state)
{
	const char *base = *state;
	char *dir = take(base), *moved = path_in(base, "moved"), *att = path_in(base, "att");
	char *f = path_in(dir, "ca-key"), *text;
	struct msg err;
	size_t len;

	assert_int_equal(rename(dir, moved), 0);
	assert_int_equal(mkdir(att, 0777), 0);
	assert_int_equal(symlink(att, dir), 0);
	assert_int_equal(fs_write_atomic(f, "key\n", 4, 0600, &err), 0);
	assert_int_equal(fs_mkdirs(dir, 0700, &err), 0);
	text = unit_read_in(moved, "ca-key", &len);
	assert_text(text, len, "key\n");
	free(text);
	assert_null(unit_read_in(att, "ca-key", &len));
	assert_true(fs_exists(f));
	/* And the next step is told that the name now leads elsewhere. */
	msg_clear(&err);
	assert_int_not_equal(dirlock_check_same(dir, &err), 0);
	assert_contains(err.text, "was moved or replaced");
	free(f);
	free(att);
	free(moved);
	free(dir);
}

static void
test_no_link_or_dotdot_below_dir(void **state)
{
	const char *base = *state;
	char *dir = take(base), *else_dir = path_in(base, "elsewhere"), *p, *q;
	struct msg err;
	char *data;
	size_t len;

	assert_int_equal(mkdir(else_dir, 0700), 0);
	assert_int_equal(unit_write_in(else_dir, "secret", "theirs\n"), 0);
	p = path_in(dir, "sub");
	assert_int_equal(symlink(else_dir, p), 0);
	free(p);

	p = path_in(dir, "../escaped");
	msg_clear(&err);
	assert_int_not_equal(fs_write_atomic(p, "x", 1, 0600, &err), 0);
	assert_contains(err.text, "outside the working directory");
	assert_null(unit_read_in(base, "escaped", &len));
	assert_false(fs_exists(p));
	free(p);

	p = path_in(dir, "sub/new");
	assert_int_not_equal(fs_write_atomic(p, "x", 1, 0600, &err), 0);
	assert_null(unit_read_in(else_dir, "new", &len));
	assert_int_not_equal(fs_mkdirs(p, 0700, &err), 0);
	free(p);
	p = path_in(dir, "sub/secret");
	assert_int_not_equal(fs_read_file(p, 100, &data, &len, &err), 0);
	free(p);
	/* A link as the last component is not followed for reading either. */
	p = path_in(dir, "link");
	q = path_in(else_dir, "secret");
	assert_int_equal(symlink(q, p), 0);
	assert_int_equal(chmod(q, 0640), 0);
	assert_int_not_equal(fs_read_file(p, 100, &data, &len, &err), 0);
	assert_int_not_equal(fs_chmod(p, 0600), 0);
	assert_int_equal(unit_mode(q), 0640);
	free(q);
	free(p);
	/* Removing a tree removes a link in it, never what it leads to. */
	p = path_in(dir, "sub");
	assert_int_equal(fs_remove_tree(p, &err), 0);
	assert_false(fs_exists(p));
	data = unit_read_in(else_dir, "secret", &len);
	assert_text(data, len, "theirs\n");
	free(data);
	free(p);
	free(else_dir);
	free(dir);
}

static void
test_dir_refused(void **state)
{
	const char *base = *state;
	char *spaced = path_in(base, "my dir"), *file = path_in(base, "file");
	char *open_dir = path_in(base, "open"), *link = path_in(base, "link");
	struct msg err;

	msg_clear(&err);
	assert_int_not_equal(dirlock_acquire(spaced, 0, &err), 0);
	assert_contains(err.text, "a space");
	assert_contains(err.text, ". _ / -");
	assert_false(fs_exists(spaced));

	assert_int_equal(unit_write(file, "x"), 0);
	assert_int_not_equal(dirlock_acquire(file, 0, &err), 0);
	assert_contains(err.text, "not a directory");

	/* Once writable by others, but holding only our files: closed and used. */
	assert_int_equal(mkdir(open_dir, 0700), 0);
	assert_int_equal(chmod(open_dir, 0777), 0);
	assert_int_equal(unit_write_in(open_dir, "mine", "x"), 0);
	assert_int_equal(symlink(open_dir, link), 0);
	/* Through a link of ours. */
	assert_int_equal(dirlock_acquire(link, 0, &err), 0);
	assert_int_equal(unit_mode(open_dir), 0700);
	dirlock_release();
	free(spaced);
	free(file);
	free(open_dir);
	free(link);
}

static void
test_dead_temps_cleaned(void **state)
{
	const char *base = *state;
	char *dir, *f, *dead, *old, *live, *other;
	struct msg err;
	pid_t child = fork();

	assert_true(child >= 0);
	if (child == 0)
		_exit(0);
	waitpid(child, NULL, 0);        /* a PID that is gone */
	dir = path_in(base, "w");
	assert_int_equal(mkdir(dir, 0700), 0);
	dead = xasprintf("%s/f.cfg.%ld-0123abcd.zktls-tmp", dir, (long)child);
	old = path_in(dir, "f.cfg.zktls-tmp");
	live = xasprintf("%s/f.cfg.%ld-0123abcd.zktls-tmp", dir, (long)getppid());
	other = xasprintf("%s/g.cfg.%ld-0123abcd.zktls-tmp", dir, (long)child);
	assert_int_equal(unit_write(dead, "half"), 0);
	assert_int_equal(unit_write(old, "half"), 0);
	assert_int_equal(unit_write(live, "in flight"), 0);
	assert_int_equal(unit_write(other, "half"), 0);
	f = path_in(dir, "f.cfg");
	assert_int_equal(fs_write_atomic(f, "new\n", 4, 0600, &err), 0);
	assert_false(fs_exists(dead));
	assert_false(fs_exists(old));
	assert_true(fs_exists(live));   /* its writer runs: not ours to remove */
	assert_true(fs_exists(other));  /* another file's: removed when DIR is taken */
	free(take(base));
	assert_false(fs_exists(other));
	assert_true(fs_exists(live));
	free(dead);
	free(old);
	free(live);
	free(other);
	free(f);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_second_writer_refused, make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(test_check_waits_for_a_step, make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(test_swapped_dir_changes_nothing, make_dir,
						remove_dir),
		cmocka_unit_test_setup_teardown(test_no_link_or_dotdot_below_dir, make_dir,
						remove_dir),
		cmocka_unit_test_setup_teardown(test_dir_refused, make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(test_dead_temps_cleaned, make_dir, remove_dir),
	};

	signal(SIGPIPE, SIG_IGN);
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
