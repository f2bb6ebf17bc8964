/*
 * The manifest (DESIGN §2), atomic writes (§8), and step_apply on top of
 * them: byte-identical reruns, refusing to overwrite a file the user edited,
 * --force with a backup.
 */
#include <config.h>

#include "core/fsutil.h"
#include "core/manifest.h"
#include "core/render.h"
#include "core/steps.h"
#include "unit.h"

static const char hash_a[65] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
static const char hash_b[65] = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";

/* Per-test fixture: a fresh working directory. */
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
	unit_rmtree(*state);
	free(*state);
	return 0;
}

static char *
path_in(const char *dir, const char *rel)
{
	return xasprintf("%s/%s", dir, rel);
}

/* -------------------------------------------------------------- manifest */

static void
test_manifest_round_trip(void **state)
{
	const char *dir = *state;
	struct manifest m = { 0 }, back;
	struct msg err;
	char *p;

	manifest_set_step(&m, "zookeeper", hash_a, NULL);
	manifest_set_step(&m, "brokers", hash_b, NULL);
	manifest_set_file(&m, "zoo.cfg", "zookeeper", hash_a, 0600);
	manifest_set_file(&m, "sub dir/odd name #1 ä.txt", "brokers", hash_b, 0644);
	manifest_set_file(&m, "cluster.sh", "clients", hash_b, 0100755);
	/* Setting again replaces, it does not add. */
	manifest_set_file(&m, "zoo.cfg", "zookeeper", hash_b, 0600);
	manifest_set_step(&m, "zookeeper", hash_b, NULL);
	assert_int_equal(m.file_count, 3);
	assert_int_equal(m.step_count, 2);
	assert_int_equal(manifest_save(&m, dir, &err), 0);

	p = path_in(dir, ".zktls-wizard");
	assert_int_equal(unit_mode(p), 0700);
	free(p);
	p = path_in(dir, ".zktls-wizard/manifest");
	assert_int_equal(unit_mode(p), 0600);
	free(p);

	assert_int_equal(manifest_load(&back, dir, &err), 0);
	assert_int_equal(back.file_count, 3);
	assert_int_equal(back.step_count, 2);
	assert_string_equal(manifest_step_find(&back, "zookeeper")->input_hash, hash_b);
	assert_string_equal(manifest_step_find(&back, "brokers")->input_hash, hash_b);
	assert_null(manifest_step_find(&back, "clients"));
	assert_string_equal(manifest_file_find(&back, "zoo.cfg")->sha256, hash_b);
	assert_string_equal(manifest_file_find(&back, "zoo.cfg")->step, "zookeeper");
	assert_int_equal(manifest_file_find(&back, "zoo.cfg")->mode, 0600);
	assert_string_equal(manifest_file_find(&back, "sub dir/odd name #1 ä.txt")->step, "brokers");
	assert_int_equal(manifest_file_find(&back, "sub dir/odd name #1 ä.txt")->mode, 0644);
	/* Only permission bits are kept. */
	assert_int_equal(manifest_file_find(&back, "cluster.sh")->mode, 0755);

	manifest_remove_file(&back, "zoo.cfg");
	assert_null(manifest_file_find(&back, "zoo.cfg"));
	assert_int_equal(back.file_count, 2);
	manifest_free(&back);
	manifest_free(&m);
}

static void
test_manifest_missing_is_empty(void **state)
{
	const char *dir = *state;
	struct manifest m;
	struct msg err;

	msg_clear(&err);
	assert_int_equal(manifest_load(&m, dir, &err), 0);
	assert_int_equal(m.file_count, 0);
	assert_int_equal(m.step_count, 0);
	manifest_free(&m);
}

static void
expect_damaged(const char *dir, const char *text, const char *where)
{
	struct manifest m;
	struct msg err;
	char *mdir = path_in(dir, ".zktls-wizard");

	mkdir(mdir, 0700);
	free(mdir);
	assert_int_equal(unit_write_in(dir, ".zktls-wizard/manifest", text), 0);
	msg_clear(&err);
	assert_int_not_equal(manifest_load(&m, dir, &err), 0);
	assert_contains(err.text, "manifest");
	assert_contains(err.text, where);
	assert_contains(err.text, "damaged");
	assert_int_equal(m.file_count, 0);
}

static void
test_manifest_damaged(void **state)
{
	const char *dir = *state;
	char *text;

	expect_damaged(dir, "not a manifest\n", ":1:");
	expect_damaged(dir, "zktls-wizard-manifest 2\n", ":1:");
	text = xasprintf("zktls-wizard-manifest 1\nstep zookeeper %s\nstep brokers nothex\n", hash_a);
	expect_damaged(dir, text, ":3:");
	free(text);
	text = xasprintf("zktls-wizard-manifest 1\nfile zookeeper 0600 %s\n", hash_a);
	expect_damaged(dir, text, ":2:");
	free(text);
	text = xasprintf("zktls-wizard-manifest 1\nfile zookeeper 0600 %.60s zoo.cfg\n", hash_a);
	expect_damaged(dir, text, ":2:");
	free(text);
	expect_damaged(dir, "zktls-wizard-manifest 1\nrubbish\n", ":2:");
}

/*
 * A manifest edited to name files outside DIR (reset would delete them when
 * the hash matches, --force would move them into the backups) is refused when
 * read, naming the line and the name, control characters escaped.
 */
static void
expect_outside(const char *dir, const char *path, const char *shown)
{
	struct manifest m;
	struct msg err;
	char *text = xasprintf("zktls-wizard-manifest 1\nfile ca 0600 %s zoo.cfg\n"
			       "file ca 0600 %s %s\n", hash_a, hash_a, path);

	assert_int_equal(unit_write_in(dir, ".zktls-wizard/manifest", text), 0);
	msg_clear(&err);
	assert_int_not_equal(manifest_load(&m, dir, &err), 0);
	assert_contains(err.text, ":3:");
	assert_contains(err.text, shown);
	assert_contains(err.text, "not a file inside the working directory");
	assert_null(strchr(err.text, '\033'));
	assert_int_equal(m.file_count, 0);
	free(text);
}

static void
test_manifest_refuses_paths_outside(void **state)
{
	const char *dir = *state;
	char *mdir = path_in(dir, ".zktls-wizard"), *outside, *victim;
	struct manifest m = { 0 };
	char *backup = NULL;
	struct msg err;

	mkdir(mdir, 0700);
	expect_outside(dir, "../x", "'../x'");
	expect_outside(dir, "/abs/y", "'/abs/y'");
	expect_outside(dir, "a/../../y", "'a/../../y'");
	expect_outside(dir, "..", "'..'");
	expect_outside(dir, ".", "'.'");
	expect_outside(dir, "./a", "'./a'");
	expect_outside(dir, "a//b", "'a//b'");
	expect_outside(dir, "a/", "'a/'");
	expect_outside(dir, "a\tb", "'a\\x09b'");
	expect_outside(dir, "\033]0;pwned\007x", "'\\x1b]0;pwned\\x07x'");

	/* What the wizard writes passes. */
	assert_true(fs_rel_path_ok("zoo.cfg"));
	assert_true(fs_rel_path_ok("kafka_2.12-2.3.0/libs/zookeeper-3.5.5.jar"));
	assert_true(fs_rel_path_ok(".zktls-wizard/backup/zoo.cfg.1"));
	assert_true(fs_rel_path_ok("sub dir/odd name #1 \xc3\xa4.txt"));
	assert_false(fs_rel_path_ok(""));
	assert_false(fs_rel_path_ok("a\177b"));

	/* Before use, too: nothing outside DIR is looked at, moved or removed. */
	outside = xasprintf("%s-outside", dir);
	assert_int_equal(unit_write(outside, "precious\n"), 0);
	victim = xasprintf("../%s", strrchr(outside, '/') + 1);
	manifest_set_file(&m, victim, "ca", hash_a, 0600);
	assert_int_equal(manifest_file_state(&m, dir, victim, NULL), FILE_ABSENT);
	msg_clear(&err);
	assert_int_not_equal(fs_backup(dir, victim, &backup, &err), 0);
	assert_contains(err.text, "not a file inside the working directory");
	assert_int_not_equal(fs_backup(dir, outside, &backup, &err), 0);
	assert_null(backup);
	{
		size_t len;
		char *text = unit_read(outside, &len);

		assert_text(text, len, "precious\n");
		free(text);
	}
	unlink(outside);
	manifest_free(&m);
	free(victim);
	free(outside);
	free(mdir);
}

static void
test_file_states(void **state)
{
	const char *dir = *state;
	struct manifest m = { 0 };
	char hash[65], got[65];

	sha256_hex("ours\n", 5, hash);
	manifest_set_file(&m, "a.txt", "zookeeper", hash, 0600);
	assert_int_equal(manifest_file_state(&m, dir, "a.txt", NULL), FILE_ABSENT);

	assert_int_equal(unit_write_in(dir, "a.txt", "ours\n"), 0);
	assert_int_equal(manifest_file_state(&m, dir, "a.txt", got), FILE_OURS);
	assert_string_equal(got, hash);

	assert_int_equal(unit_write_in(dir, "a.txt", "ours, edited\n"), 0);
	assert_int_equal(manifest_file_state(&m, dir, "a.txt", got), FILE_EDITED);
	assert_string_not_equal(got, hash);

	assert_int_equal(unit_write_in(dir, "b.txt", "ours\n"), 0);
	assert_int_equal(manifest_file_state(&m, dir, "b.txt", NULL), FILE_FOREIGN);
	manifest_free(&m);
}

/*
 * A replacement in flight: the manifest knows the old and the new version, so
 * after a crash either on disk is the wizard's, and the pair survives a save.
 */
static void
test_pending_version_is_ours(void **state)
{
	const char *dir = *state;
	struct manifest m = { 0 }, back;
	char old_hash[65], new_hash[65];
	struct msg err;

	sha256_hex("old\n", 4, old_hash);
	sha256_hex("new\n", 4, new_hash);
	manifest_set_file(&m, "a.txt", "zookeeper", old_hash, 0600);
	manifest_set_pending(&m, "a.txt", "zookeeper", new_hash, 0600);
	assert_int_equal(manifest_save(&m, dir, &err), 0);
	assert_int_equal(manifest_load(&back, dir, &err), 0);
	assert_int_equal(unit_write_in(dir, "a.txt", "old\n"), 0);
	assert_int_equal(manifest_file_state(&back, dir, "a.txt", NULL), FILE_OURS);
	assert_int_equal(unit_write_in(dir, "a.txt", "new\n"), 0);
	assert_int_equal(manifest_file_state(&back, dir, "a.txt", NULL), FILE_OURS);
	assert_int_equal(unit_write_in(dir, "a.txt", "neither\n"), 0);
	assert_int_equal(manifest_file_state(&back, dir, "a.txt", NULL), FILE_EDITED);
	/* Once written, the new version alone is the wizard's. */
	manifest_set_file(&back, "a.txt", "zookeeper", new_hash, 0600);
	assert_int_equal(unit_write_in(dir, "a.txt", "old\n"), 0);
	assert_int_equal(manifest_file_state(&back, dir, "a.txt", NULL), FILE_EDITED);
	manifest_free(&m);
	manifest_free(&back);
}

/* --------------------------------------------------------- atomic writes */

static void
test_write_atomic_no_temp_left(void **state)
{
	const char *dir = *state;
	char *p = path_in(dir, "f.cfg"), *temp = fs_temp_name(p), *text;
	struct msg err;
	size_t len;

	assert_int_equal(fs_write_atomic(p, "one\n", 4, 0600, &err), 0);
	assert_false(fs_exists(temp));
	text = unit_read(p, &len);
	assert_text(text, len, "one\n");
	free(text);
	/* A temporary file left by a crash is replaced, and gone afterwards. */
	assert_int_equal(unit_write(temp, "half-writ"), 0);
	assert_int_equal(fs_write_atomic(p, "two\n", 4, 0600, &err), 0);
	assert_false(fs_exists(temp));
	text = unit_read(p, &len);
	assert_text(text, len, "two\n");
	free(text);
	/* Zero bytes is a valid file. */
	assert_int_equal(fs_write_atomic(p, "", 0, 0600, &err), 0);
	text = unit_read(p, &len);
	assert_int_equal(len, 0);
	free(text);
	free(temp);
	free(p);
}

static void
test_write_atomic_mode_despite_umask(void **state)
{
	const char *dir = *state;
	char *p = path_in(dir, "m");
	struct msg err;
	mode_t old = umask(077);

	assert_int_equal(fs_write_atomic(p, "x", 1, 0644, &err), 0);
	assert_int_equal(unit_mode(p), 0644);
	assert_int_equal(fs_write_atomic(p, "x", 1, 0755, &err), 0);
	assert_int_equal(unit_mode(p), 0755);
	umask(022);
	assert_int_equal(fs_write_atomic(p, "y", 1, 0600, &err), 0);
	assert_int_equal(unit_mode(p), 0600);
	umask(0);
	/* No umask narrows a secret's file: 0600 stays 0600. */
	assert_int_equal(fs_write_atomic(p, "z", 1, 0600, &err), 0);
	assert_int_equal(unit_mode(p), 0600);
	umask(old);
	free(p);
}

static void
test_write_atomic_replaces_by_rename(void **state)
{
	const char *dir = *state;
	char *p = path_in(dir, "r"), *link_path = path_in(dir, "r.hardlink");
	char *target = path_in(dir, "target"), *sym = path_in(dir, "sym"), *text;
	struct stat before, after;
	struct msg err;
	size_t len;

	assert_int_equal(fs_write_atomic(p, "old\n", 4, 0600, &err), 0);
	assert_int_equal(link(p, link_path), 0);
	assert_int_equal(stat(p, &before), 0);
	assert_int_equal(fs_write_atomic(p, "new\n", 4, 0600, &err), 0);
	assert_int_equal(stat(p, &after), 0);
	/* A new inode took the name: a reader holding the old file saw it whole. */
	assert_true(before.st_ino != after.st_ino);
	text = unit_read(link_path, &len);
	assert_text(text, len, "old\n");
	free(text);
	text = unit_read(p, &len);
	assert_text(text, len, "new\n");
	free(text);

	/* A symbolic link in the way is replaced, its target left alone. */
	assert_int_equal(unit_write(target, "keep me\n"), 0);
	assert_int_equal(symlink(target, sym), 0);
	assert_int_equal(fs_write_atomic(sym, "data\n", 5, 0600, &err), 0);
	text = unit_read(target, &len);
	assert_text(text, len, "keep me\n");
	free(text);
	assert_int_equal(lstat(sym, &after), 0);
	assert_true(S_ISREG(after.st_mode));

	/* Failure names the file and leaves nothing behind. */
	{
		char *bad = path_in(dir, "no-such-dir/f");

		msg_clear(&err);
		assert_int_not_equal(fs_write_atomic(bad, "x", 1, 0600, &err), 0);
		assert_contains(err.text, "no-such-dir/f");
		free(bad);
	}
	free(p);
	free(link_path);
	free(target);
	free(sym);
}

/* ------------------------------------------------------------ step_apply */

struct reports {
	struct buf text;
};

static void
collect_report(void *user, const char *line)
{
	struct reports *r = user;

	buf_adds(&r->text, line);
	buf_addc(&r->text, '\n');
}

/* Applies one step to dir; returns the result, the message in msg. */
static enum step_result
apply(const char *id, const struct plan *p, const char *dir, unsigned flags, struct msg *msg,
      struct reports *reports)
{
	struct inputs in;
	struct step_run run;
	struct run_options options = { 0 };
	enum step_result result;

	if (inputs_load(&in, p, dir, msg) != 0)
		return STEP_FAILED;
	memset(&run, 0, sizeof run);
	run.plan = p;
	run.dir = dir;
	run.inputs = &in;
	run.options = &options;
	run.flags = flags;
	run.msg = msg;
	if (reports != NULL) {
		run.report = collect_report;
		run.report_user = reports;
	}
	msg_clear(msg);
	result = step_apply(step_find(id), &run);
	inputs_free(&in);
	return result;
}

static void
apply_ok(const char *id, const struct plan *p, const char *dir, unsigned flags,
	 struct reports *reports)
{
	struct msg msg;

	if (apply(id, p, dir, flags, &msg, reports) != STEP_OK) {
		print_error("step %s failed: %s\n", id, msg.text);
		fail();
	}
}

static void
test_apply_twice_changes_nothing(void **state)
{
	static const char *const files[] = {
		"java.env", "zoo.cfg", "log4j.properties", "kafka-1.properties",
		"kafka-2.zk-tls.args", "consumer.config", "cluster.sh",
	};
	const char *dir = *state;
	struct plan *p = plan_new();
	struct stat first[ARRAY_SIZE(files)], second;
	char *bytes[ARRAY_SIZE(files)];
	size_t lens[ARRAY_SIZE(files)];
	struct manifest m;
	struct msg err;
	char *path;

	apply_ok("zookeeper", p, dir, 0, NULL);
	apply_ok("brokers", p, dir, 0, NULL);
	apply_ok("clients", p, dir, 0, NULL);
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		path = path_in(dir, files[i]);
		assert_int_equal(stat(path, &first[i]), 0);
		bytes[i] = unit_read(path, &lens[i]);
		free(path);
	}
	/* The modes of DESIGN §5 on disk. */
	assert_int_equal(first[1].st_mode & 07777, 0600);
	assert_int_equal(first[0].st_mode & 07777, 0644);
	assert_int_equal(first[3].st_mode & 07777, 0600);
	assert_int_equal(first[4].st_mode & 07777, 0600);
	assert_int_equal(first[5].st_mode & 07777, 0600);
	assert_int_equal(first[6].st_mode & 07777, 0755);

	apply_ok("zookeeper", p, dir, 0, NULL);
	apply_ok("brokers", p, dir, 0, NULL);
	apply_ok("clients", p, dir, 0, NULL);
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		char *again;
		size_t len;

		path = path_in(dir, files[i]);
		assert_int_equal(stat(path, &second), 0);
		again = unit_read(path, &len);
		assert_text(again, len, bytes[i]);
		assert_int_equal(second.st_ino, first[i].st_ino);
		assert_int_equal(second.st_mtim.tv_sec, first[i].st_mtim.tv_sec);
		assert_int_equal(second.st_mtim.tv_nsec, first[i].st_mtim.tv_nsec);
		free(again);
		free(bytes[i]);
		free(path);
	}

	/* The manifest knows every file and each step's input hash. */
	assert_int_equal(manifest_load(&m, dir, &err), 0);
	assert_non_null(manifest_step_find(&m, "zookeeper"));
	assert_non_null(manifest_step_find(&m, "brokers"));
	assert_non_null(manifest_step_find(&m, "clients"));
	assert_string_equal(manifest_file_find(&m, "zoo.cfg")->step, "zookeeper");
	assert_int_equal(manifest_file_find(&m, "zoo.cfg")->mode, 0600);
	assert_string_equal(manifest_file_find(&m, "kafka-2.zk-tls.args")->step, "brokers");
	assert_int_equal(manifest_file_state(&m, dir, "kafka-1.properties", NULL), FILE_OURS);
	manifest_free(&m);
	plan_free(p);
}

/* A step goes stale when an answer it read changes, and only then. */
static void
test_step_state_follows_recorded_reads(void **state)
{
	const char *dir = *state;
	struct plan *p = plan_new();
	struct manifest m;
	struct msg err;

	apply_ok("zookeeper", p, dir, 0, NULL);
	assert_int_equal(manifest_load(&m, dir, &err), 0);
	assert_int_equal(step_state(step_find("zookeeper"), p, &m), STEP_STATE_DONE);
	assert_int_equal(step_state(step_find("brokers"), p, &m), STEP_STATE_NEW);
	unit_set(p, "sasl.password.consumer", "changed-pw");
	assert_int_equal(step_state(step_find("zookeeper"), p, &m), STEP_STATE_DONE);
	unit_set(p, "zookeeper.secure_port", "2999");
	assert_int_equal(step_state(step_find("zookeeper"), p, &m), STEP_STATE_STALE);
	unit_set(p, "zookeeper.secure_port", "2182");
	assert_int_equal(step_state(step_find("zookeeper"), p, &m), STEP_STATE_DONE);
	manifest_free(&m);
	plan_free(p);
}

static void
test_apply_input_hash_follows_reads(void **state)
{
	const char *dir = *state;
	struct plan *p = plan_new();
	struct manifest m;
	struct msg err;
	char h0[65], h1[65];

	apply_ok("zookeeper", p, dir, 0, NULL);
	assert_int_equal(manifest_load(&m, dir, &err), 0);
	memcpy(h0, manifest_step_find(&m, "zookeeper")->input_hash, 65);
	manifest_free(&m);

	/* An answer ZooKeeper does not read: same hash. */
	unit_set(p, "sasl.password.consumer", "changed-pw");
	apply_ok("zookeeper", p, dir, 0, NULL);
	assert_int_equal(manifest_load(&m, dir, &err), 0);
	assert_string_equal(manifest_step_find(&m, "zookeeper")->input_hash, h0);
	manifest_free(&m);

	/* A password it reads: the file changes, the hash does not (no guessing oracle). */
	unit_set(p, "store.password", "changed-store-pw");
	apply_ok("zookeeper", p, dir, 0, NULL);
	assert_int_equal(manifest_load(&m, dir, &err), 0);
	assert_string_equal(manifest_step_find(&m, "zookeeper")->input_hash, h0);
	assert_int_equal(manifest_file_state(&m, dir, "zoo.cfg", NULL), FILE_OURS);
	manifest_free(&m);
	{
		char *text = unit_read_in(dir, "zoo.cfg", NULL);

		assert_contains(text, "ssl.keyStore.password=changed-store-pw\n");
		free(text);
	}
	/* A plain answer it reads: the hash changes. */
	unit_set(p, "zookeeper.heap", "1g");
	apply_ok("zookeeper", p, dir, 0, NULL);
	assert_int_equal(manifest_load(&m, dir, &err), 0);
	memcpy(h1, manifest_step_find(&m, "zookeeper")->input_hash, 65);
	assert_string_not_equal(h0, h1);
	manifest_free(&m);
	plan_free(p);
}

static void
test_apply_restores_mode_of_unchanged_file(void **state)
{
	const char *dir = *state;
	struct plan *p = plan_new();
	char *path = path_in(dir, "zoo.cfg");

	apply_ok("zookeeper", p, dir, 0, NULL);
	assert_int_equal(chmod(path, 0644), 0);
	apply_ok("zookeeper", p, dir, 0, NULL);
	assert_int_equal(unit_mode(path), 0600);
	free(path);
	plan_free(p);
}

static void
test_apply_refuses_edited_file(void **state)
{
	static const char edited[] = "# my own zoo.cfg\ndataDir=/srv/zk\n";
	const char *dir = *state;
	struct plan *p = plan_new();
	struct reports reports;
	struct msg msg;
	char *text, *backup;
	size_t len;

	apply_ok("zookeeper", p, dir, 0, NULL);
	assert_int_equal(unit_write_in(dir, "zoo.cfg", edited), 0);

	assert_int_equal(apply("zookeeper", p, dir, 0, &msg, NULL), STEP_FAILED);
	assert_contains(msg.text, "zoo.cfg");
	assert_contains(msg.text, "--force");
	text = unit_read_in(dir, "zoo.cfg", &len);
	assert_text(text, len, edited);
	free(text);
	assert_false(fs_exists(backup = path_in(dir, ".zktls-wizard/backup/zoo.cfg.1")));

	/* --force: the user's version is kept as a backup, ours is written. */
	buf_init(&reports.text);
	apply_ok("zookeeper", p, dir, RUN_FORCE, &reports);
	text = unit_read(backup, &len);
	assert_text(text, len, edited);
	free(text);
	text = unit_read_in(dir, "zoo.cfg", &len);
	assert_contains(text, "secureClientPort=2182\n");
	assert_not_contains(text, "my own");
	free(text);
	assert_contains(reports.text.data, ".zktls-wizard/backup/zoo.cfg.1");
	buf_free(&reports.text);
	free(backup);

	/* A second forced edit gets the next backup number. */
	assert_int_equal(unit_write_in(dir, "zoo.cfg", "again\n"), 0);
	apply_ok("zookeeper", p, dir, RUN_FORCE, NULL);
	backup = path_in(dir, ".zktls-wizard/backup/zoo.cfg.2");
	text = unit_read(backup, &len);
	assert_text(text, len, "again\n");
	free(text);
	free(backup);
	plan_free(p);
}

static void
test_apply_refuses_foreign_file(void **state)
{
	const char *dir = *state;
	struct plan *p = plan_new();
	struct msg msg;
	char *text;
	size_t len;

	assert_int_equal(unit_write_in(dir, "java.env", "JVMFLAGS=mine\n"), 0);
	assert_int_equal(apply("zookeeper", p, dir, 0, &msg, NULL), STEP_FAILED);
	assert_contains(msg.text, "java.env");
	text = unit_read_in(dir, "java.env", &len);
	assert_text(text, len, "JVMFLAGS=mine\n");
	free(text);
	/* A file that already holds exactly our bytes is simply adopted. */
	assert_int_equal(unit_write_in(dir, "java.env",
				       "SERVER_JVMFLAGS=\"-Xms512m -Xmx512m -Dzookeeper."
				       "serverCnxnFactory=org.apache.zookeeper.server."
				       "NettyServerCnxnFactory\"\nZOO_LOG_DIR=.\n"), 0);
	apply_ok("zookeeper", p, dir, 0, NULL);
	plan_free(p);
}

/*
 * A step refused because of an edited file must not have rewritten the files
 * before it (here java.env).  DESIGN §3: "Nothing is half-written on
 * failure"; the edit check runs for every output before the first write.
 */
static void
test_refused_step_writes_nothing(void **state)
{
	const char *dir = *state;
	struct plan *p = plan_new();
	struct msg msg;
	char *before, *after;
	size_t before_len, after_len;

	apply_ok("zookeeper", p, dir, 0, NULL);
	before = unit_read_in(dir, "java.env", &before_len);
	assert_int_equal(unit_write_in(dir, "zoo.cfg", "# edited by hand\n"), 0);
	unit_set(p, "zookeeper.heap", "1g");
	assert_int_equal(apply("zookeeper", p, dir, 0, &msg, NULL), STEP_FAILED);
	assert_contains(msg.text, "zoo.cfg");
	after = unit_read_in(dir, "java.env", &after_len);
	assert_text(after, after_len, before);
	free(before);
	free(after);
	plan_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_manifest_round_trip, make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(test_manifest_missing_is_empty, make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(test_manifest_damaged, make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(test_manifest_refuses_paths_outside, make_dir,
						remove_dir),
		cmocka_unit_test_setup_teardown(test_file_states, make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(test_pending_version_is_ours, make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(test_write_atomic_no_temp_left, make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(test_write_atomic_mode_despite_umask, make_dir,
						remove_dir),
		cmocka_unit_test_setup_teardown(test_write_atomic_replaces_by_rename, make_dir,
						remove_dir),
		cmocka_unit_test_setup_teardown(test_apply_twice_changes_nothing, make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(test_step_state_follows_recorded_reads, make_dir,
						remove_dir),
		cmocka_unit_test_setup_teardown(test_apply_input_hash_follows_reads, make_dir,
						remove_dir),
		cmocka_unit_test_setup_teardown(test_apply_restores_mode_of_unchanged_file, make_dir,
						remove_dir),
		cmocka_unit_test_setup_teardown(test_apply_refuses_edited_file, make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(test_apply_refuses_foreign_file, make_dir, remove_dir),
		cmocka_unit_test_setup_teardown(test_refused_step_writes_nothing, make_dir, remove_dir),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, unit_load_data, unit_unload_data);
}
