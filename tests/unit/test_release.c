/*
 * The release pieces of the core: the .sha512 reader in every format the
 * Apache projects write, the release catalog, and the unpacker's refusal of
 * entries that would land outside the archive's top folder.
 */
#include <config.h>

#include "unit.h"

#include <dirent.h>

#include <archive.h>
#include <archive_entry.h>

#include "core/fsutil.h"
#include "core/sha512.h"
#include "core/unpack.h"

/* SHA-512 of "abc" (FIPS 180-2, appendix C). */
static const char ABC[] =
	"ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
	"2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f";
static const char ABC_GPG[] =
	"kafka_2.12-2.3.0.tgz: DDAF35A1 93617ABA CC417349 AE204131 12E6FA4E 89A97EA2\n"
	"                      0A9EEEE6 4B55D39A 2192992A 274FC1A8 36BA3C23 A3FEEBBD\n"
	"                      454D4423 643CE80E 2A9AC94F A54CA49F\n";

static void
parse_ok(const char *text, const char *name)
{
	char out[SHA512_HEX_LEN + 1];
	struct msg err;

	msg_clear(&err);
	if (sha512_parse(text, strlen(text), name, out, &err) != 0) {
		print_error("sha512_parse failed on:\n%s\n%s\n", text, err.text);
		fail();
	}
	assert_string_equal(out, ABC);
}

static void
parse_fails(const char *text, const char *name, const char *why)
{
	char out[SHA512_HEX_LEN + 1];
	struct msg err;

	msg_clear(&err);
	assert_int_equal(sha512_parse(text, strlen(text), name, out, &err), -1);
	assert_contains(err.text, why);
}

static void
test_sha512_stream(void **state)
{
	struct sha512 *h = sha512_new();
	char out[SHA512_HEX_LEN + 1];

	(void)state;
	sha512_update(h, "a", 1);
	sha512_update(h, "bc", 2);
	sha512_final_hex(h, out);
	assert_string_equal(out, ABC);
	/* After final the hash starts over. */
	sha512_update(h, "abc", 3);
	sha512_final_hex(h, out);
	assert_string_equal(out, ABC);
	sha512_free(h);
}

static void
test_sha512_formats(void **state)
{
	char *text;

	(void)state;
	/* Kafka: gpg --print-md, upper case, groups, wrapped. */
	parse_ok(ABC_GPG, "kafka_2.12-2.3.0.tgz");
	/* gpg may put the name alone on the first line when it is long. */
	text = xasprintf("kafka_2.12-2.3.0.tgz:\n%s\n", ABC);
	parse_ok(text, "kafka_2.12-2.3.0.tgz");
	free(text);
	/* ZooKeeper (checksum-maven-plugin) and sha512sum, text and binary mode. */
	text = xasprintf("%s  apache-zookeeper-3.5.5-bin.tar.gz\n", ABC);
	parse_ok(text, "apache-zookeeper-3.5.5-bin.tar.gz");
	free(text);
	text = xasprintf("%s *apache-zookeeper-3.5.5-bin.tar.gz\n", ABC);
	parse_ok(text, "apache-zookeeper-3.5.5-bin.tar.gz");
	free(text);
	/* A directory in front of the name does not matter. */
	text = xasprintf("%s  ./dist/x.tgz\n", ABC);
	parse_ok(text, "x.tgz");
	free(text);
	/* Bare, in either case, with CRLF and a BOM. */
	parse_ok(ABC, "x.tgz");
	text = xasprintf("\xef\xbb\xbf%s\r\n", ABC);
	parse_ok(text, "x.tgz");
	free(text);
	/* BSD and OpenSSL. */
	text = xasprintf("SHA512 (x.tgz) = %s\n", ABC);
	parse_ok(text, "x.tgz");
	free(text);
	text = xasprintf("SHA2-512(x.tgz)= %s\n", ABC);
	parse_ok(text, "x.tgz");
	free(text);
	/* A list: the line for our file is picked. */
	text = xasprintf("%0128d  other.tgz\n%s  x.tgz\n", 0, ABC);
	parse_ok(text, "x.tgz");
	free(text);
}

static void
test_sha512_refusals(void **state)
{
	char *text;

	(void)state;
	parse_fails(ABC_GPG, "kafka_2.12-2.4.0.tgz", "not for kafka_2.12-2.4.0.tgz");
	text = xasprintf("%s  other.tgz\n", ABC);
	parse_fails(text, "x.tgz", "'other.tgz', not for x.tgz");
	free(text);
	text = xasprintf("%s *other.tgz\n", ABC);
	parse_fails(text, "x.tgz", "not for x.tgz");
	free(text);
	text = xasprintf("SHA512 (other.tgz) = %s\n", ABC);
	parse_fails(text, "x.tgz", "not for x.tgz");
	free(text);
	parse_fails("", "x.tgz", "empty");
	/* A SHA-256 is no SHA-512. */
	parse_fails("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  x.tgz",
		    "x.tgz", "no format");
	parse_fails("<html>404 Not Found</html>", "x.tgz", "no format");
	text = xasprintf("%sab\n", ABC);
	parse_fails(text, "x.tgz", "no format");
	free(text);
}

static void
test_sha512_normalise(void **state)
{
	char out[SHA512_HEX_LEN + 1];
	struct msg err;
	char *upper = xstrdup(ABC);

	(void)state;
	for (char *c = upper; *c; c++)
		if (*c >= 'a' && *c <= 'f')
			*c = (char)(*c - 'a' + 'A');
	assert_int_equal(sha512_normalise(upper, out, &err), 0);
	assert_string_equal(out, ABC);
	assert_int_equal(sha512_normalise("abc", out, &err), -1);
	assert_contains(err.text, "128 hex digits");
	free(upper);
}

/* ------------------------------------------------------------- catalog */

static void
test_catalog_known(void **state)
{
	struct release r;
	struct msg err;

	(void)state;
	assert_int_equal(catalog_release("kafka", "2.3.0", "2.12", &r, &err), 0);
	assert_true(r.known);
	assert_string_equal(r.archive, "kafka_2.12-2.3.0.tgz");
	assert_string_equal(r.top, "kafka_2.12-2.3.0");
	assert_string_equal(r.path, "kafka/2.3.0/kafka_2.12-2.3.0.tgz");
	assert_string_equal(r.libdir, "libs");
	assert_string_equal(r.zookeeper_jar, "zookeeper-3.4.14.jar");
	/* Not pinned until checked against the official .sha512 (recipe-facts §3). */
	assert_null(r.sha512);
	release_free(&r);

	assert_int_equal(catalog_release("zookeeper", "3.5.5", NULL, &r, &err), 0);
	assert_true(r.known);
	assert_false(r.jars_are_patterns);
	assert_string_equal(r.archive, "apache-zookeeper-3.5.5-bin.tar.gz");
	assert_string_equal(r.top, "apache-zookeeper-3.5.5-bin");
	assert_string_equal(r.path,
			    "zookeeper/zookeeper-3.5.5/apache-zookeeper-3.5.5-bin.tar.gz");
	assert_string_equal(r.libdir, "lib");
	assert_int_equal(r.jars.len, 4);
	assert_string_equal(r.jars.items[0], "zookeeper-3.5.5.jar");
	assert_string_equal(r.jars.items[1], "zookeeper-jute-3.5.5.jar");
	assert_string_equal(r.jars.items[2], "netty-all-4.1.29.Final.jar");
	assert_string_equal(r.jars.items[3], "commons-cli-1.2.jar");
	release_free(&r);
}

static void
test_catalog_unknown(void **state)
{
	struct release r;
	struct msg err;

	(void)state;
	/* Another Scala build of a known version is not the release the catalog knows. */
	assert_int_equal(catalog_release("kafka", "2.3.0", "2.13", &r, &err), 0);
	assert_false(r.known);
	assert_string_equal(r.path, "kafka/2.3.0/kafka_2.13-2.3.0.tgz");
	release_free(&r);
	/* Kafka 2.4 ships a ZooKeeper client that speaks TLS. */
	assert_int_equal(catalog_release("kafka", "2.4.0", "2.12", &r, &err), 0);
	assert_false(r.known);
	assert_string_equal(r.path, "kafka/2.4.0/kafka_2.12-2.4.0.tgz");
	assert_string_equal(r.zookeeper_jar, "zookeeper-3.5.6.jar");
	release_free(&r);
	assert_int_equal(catalog_release("kafka", "2.2.1", "2.12", &r, &err), 0);
	assert_string_equal(r.zookeeper_jar, "zookeeper-3.4.13.jar");
	release_free(&r);
	/* An unlisted ZooKeeper: patterns to look for in lib/. */
	assert_int_equal(catalog_release("zookeeper", "3.5.6", NULL, &r, &err), 0);
	assert_false(r.known);
	assert_true(r.jars_are_patterns);
	assert_string_equal(r.path,
			    "zookeeper/zookeeper-3.5.6/apache-zookeeper-3.5.6-bin.tar.gz");
	assert_int_equal(r.jars.len, 4);
	assert_string_equal(r.jars.items[0], "zookeeper-3.5.6.jar");
	assert_string_equal(r.jars.items[2], "netty-all-*.jar");
	release_free(&r);
	/* Before 3.5.5 one archive held everything, under another name. */
	assert_int_equal(catalog_release("zookeeper", "3.4.14", NULL, &r, &err), 0);
	assert_string_equal(r.archive, "zookeeper-3.4.14.tar.gz");
	assert_string_equal(r.top, "zookeeper-3.4.14");
	release_free(&r);
}

static void
test_catalog_store_types_unchanged(void **state)
{
	struct strlist types = { 0 };

	(void)state;
	assert_true(catalog_store_types("zookeeper", "3.5.5", &types));
	assert_int_equal(types.len, 2);
	assert_false(strlist_contains(&types, "pkcs12"));
	strlist_free(&types);
	assert_true(catalog_store_types("zookeeper", "3.6.0", &types));
	assert_true(strlist_contains(&types, "pkcs12"));
	strlist_free(&types);
	assert_true(catalog_store_types("kafka", "2.7.0", &types));
	assert_true(strlist_contains(&types, "pem"));
	strlist_free(&types);
	assert_false(catalog_store_types("zookeeper", "3.4.14", &types));
	assert_string_equal(catalog_zookeeper_tls_since(), "3.5.5");
	assert_int_equal(version_compare("2.10.0", "2.9"), 1);
}

static void
test_catalog_parse_errors(void **state)
{
	struct msg err;

	(void)state;
	msg_clear(&err);
	assert_int_equal(catalog_parse("kafka.release.2.3.0.bogus = x\n", "t.conf", &err), -1);
	assert_contains(err.text, "t.conf:1: unknown catalog key 'kafka.release.2.3.0.bogus'");
	assert_int_equal(catalog_parse("# c\nkafka.archive.since.x = y\n", "t.conf", &err), -1);
	assert_contains(err.text, "t.conf:2:");
	assert_int_equal(catalog_parse("nothing here\n", "t.conf", &err), -1);
	assert_contains(err.text, "expected 'key = value'");
	/* An incomplete catalog says what it lacks. */
	assert_int_equal(catalog_parse("zookeeper.tls.since = 3.5.5\n", "t.conf", &err), 0);
	{
		struct release r;

		assert_int_equal(catalog_release("kafka", "2.3.0", "2.12", &r, &err), -1);
		assert_contains(err.text, "no archive for kafka 2.3.0");
	}
	/* Back to the real catalog for the other tests. */
	assert_int_equal(catalog_load(&err), 0);
}

/* -------------------------------------------------------------- unpack */

static void
test_path_checks(void **state)
{
	static const struct {
		const char *path;
		bool ok;
		const char *normal;
	} cases[] = {
		{ "kafka_2.12-2.3.0/libs/x.jar", true, "kafka_2.12-2.3.0/libs/x.jar" },
		{ "./kafka_2.12-2.3.0//libs/./x.jar", true, "kafka_2.12-2.3.0/libs/x.jar" },
		{ "kafka_2.12-2.3.0/", true, "kafka_2.12-2.3.0" },
		{ "kafka_2.12-2.3.0/../evil", false, NULL },
		{ "../evil", false, NULL },
		{ "/etc/passwd", false, NULL },
		{ "other/x.jar", false, NULL },
		{ "kafka_2.12-2.3.0x/y", false, NULL },
		{ "", false, NULL },
		{ "kafka_2.12-2.3.0/a/..", false, NULL },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *why = NULL;
		char *normal = NULL;
		bool ok = unpack_path_ok("kafka_2.12-2.3.0", cases[i].path, &normal, &why);

		if (ok != cases[i].ok) {
			print_error("%s: expected %s\n", cases[i].path, cases[i].ok ? "ok" : "refusal");
			fail();
		}
		if (ok)
			assert_string_equal(normal, cases[i].normal);
		else
			assert_non_null(why);
		free(normal);
	}
}

static void
test_symlink_checks(void **state)
{
	static const struct {
		const char *path, *target;
		bool ok;
	} cases[] = {
		{ "t/libs/a.jar", "b.jar", true },
		{ "t/bin/x", "../libs/a.jar", true },
		{ "t/a/b/c", "../../d", true },
		{ "t/x", ".", true },
		{ "t/x", "..", false },
		{ "t/bin/x", "../../t/y", false },      /* leaves t/ on the way */
		{ "t/bin/x", "../../outside", false },
		{ "t/x", "/etc/passwd", false },
		{ "t/x", "d/../../y", false },          /* ".." after a name */
		{ "t/x", "d/../y", false },             /* d could be a link itself */
		{ "t/x", "", false },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *why = NULL;
		bool ok = unpack_symlink_ok("t", cases[i].path, cases[i].target, &why);

		if (ok != cases[i].ok) {
			print_error("%s -> %s: expected %s\n", cases[i].path, cases[i].target,
				    cases[i].ok ? "ok" : "refusal");
			fail();
		}
	}
}

/* Writes a .tar.gz with entries "path" (file), "path/" (dir), "path->target", "path=>target" (hard). */
static char *
make_archive(const char *dir, const char *const *entries)
{
	char *path = xasprintf("%s/test.tar.gz", dir);
	struct archive *a = archive_write_new();

	archive_write_add_filter_gzip(a);
	archive_write_set_format_pax_restricted(a);
	assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
	for (size_t i = 0; entries[i] != NULL; i++) {
		struct archive_entry *e = archive_entry_new();
		char *name = xstrdup(entries[i]);
		char *arrow = strstr(name, "->"), *hard = strstr(name, "=>");
		size_t n = strlen(name);

		if (arrow != NULL) {
			*arrow = '\0';
			archive_entry_set_filetype(e, AE_IFLNK);
			archive_entry_set_symlink(e, arrow + 2);
			archive_entry_set_perm(e, 0777);
		} else if (hard != NULL) {
			*hard = '\0';
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_hardlink(e, hard + 2);
			archive_entry_set_perm(e, 0644);
		} else if (n > 0 && name[n - 1] == '/') {
			archive_entry_set_filetype(e, AE_IFDIR);
			archive_entry_set_perm(e, 0755);
		} else if (strcmp(name, "t/dev") == 0) {
			archive_entry_set_filetype(e, AE_IFCHR);
			archive_entry_set_perm(e, 0644);
		} else {
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_perm(e, 04755);   /* set-id bits must go */
			archive_entry_set_size(e, 5);
		}
		archive_entry_set_pathname(e, name);
		assert_true(archive_write_header(a, e) >= ARCHIVE_WARN);
		if (archive_entry_filetype(e) == AE_IFREG && hard == NULL)
			archive_write_data(a, "hello", 5);
		archive_entry_free(e);
		free(name);
	}
	archive_write_close(a);
	archive_write_free(a);
	return path;
}

/* dir/rel, freed at exit: for paths used once in a call. */
static char *
xasprintf_keep(const char *dir, const char *rel)
{
	static struct strlist kept;
	char *path = xasprintf("%s/%s", dir, rel);

	strlist_push(&kept, path);
	free(path);
	return kept.items[kept.len - 1];
}

/* Unpacks entries into a fresh DIR/work; returns the result, err gets the message. */
static enum unpack_result
try_unpack(const char *const *entries, char **base_out, struct msg *err)
{
	char *base = unit_tmpdir();
	char *work = xasprintf("%s/work", base);
	char *archive;
	struct unpack u = { 0 };
	enum unpack_result r;

	assert_int_equal(mkdir(work, 0700), 0);
	archive = make_archive(base, entries);
	msg_clear(err);
	r = unpack_archive(&u, archive, work, "t", err);
	free(archive);
	free(work);
	*base_out = base;
	return r;
}

/* Nothing but the archive and work/ (itself empty) in base. */
static void
assert_nothing_written(const char *base)
{
	char *path = xasprintf("%s/work", base);
	DIR *d;
	struct dirent *e;
	size_t count = 0;

	d = opendir(path);
	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
			print_error("left in work/: %s\n", e->d_name);
			count++;
		}
	closedir(d);
	free(path);
	d = opendir(base);
	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
		    strcmp(e->d_name, "work") != 0 && strcmp(e->d_name, "test.tar.gz") != 0) {
			print_error("written outside work/: %s\n", e->d_name);
			count++;
		}
	closedir(d);
	assert_int_equal(count, 0);
}

static void
test_unpack_good(void **state)
{
	static const char *const entries[] = {
		"t/", "t/bin/", "t/bin/run", "t/libs/a.jar", "t/libs/b.jar->a.jar",
		"t/bin/lib->../libs", "t/libs/c.jar=>t/libs/a.jar", NULL,
	};
	struct msg err;
	char *base, *text;
	size_t len;

	(void)state;
	assert_int_equal(try_unpack(entries, &base, &err), UNPACK_OK);
	text = unit_read_in(base, "work/t/libs/c.jar", &len);
	assert_text(text, len, "hello");
	free(text);
	text = unit_read_in(base, "work/t/bin/lib/b.jar", &len);
	assert_text(text, len, "hello");
	free(text);
	{
		char *run = xasprintf("%s/work/t/bin/run", base);

		/* No set-id bits survive. */
		assert_int_equal(unit_mode(run), 0755);
		free(run);
	}
	text = xasprintf("%s/work/" UNPACK_TEMP_DIR, base);
	assert_false(fs_exists(text));
	free(text);
	unit_rmtree(base);
	free(base);
}

static void
test_unpack_refusals(void **state)
{
	static const char *const dotdot[] = { "t/", "t/a", "t/../evil", NULL };
	static const char *const absolute[] = { "t/", "t/a", "/tmp/zktls-evil-abs", NULL };
	static const char *const outside[] = { "t/a", "other/b", NULL };
	static const char *const symlink_out[] = { "t/", "t/a", "t/esc->../..", NULL };
	static const char *const symlink_abs[] = { "t/", "t/esc->/etc", NULL };
	/* A link to a folder inside, then ".." through it: refused, not followed. */
	static const char *const through[] = { "t/", "t/d->.", "t/x->d/../y", NULL };
	static const char *const hard_out[] = { "t/", "t/h=>../../etc/passwd", NULL };
	static const char *const device[] = { "t/", "t/dev", NULL };
	static const struct {
		const char *const *entries;
		const char *why;
	} cases[] = {
		{ dotdot, "'..'" },
		{ absolute, "absolute path" },
		{ outside, "outside the archive's top folder" },
		{ symlink_out, "symbolic link to '../..'" },
		{ symlink_abs, "link to an absolute path" },
		{ through, "link leading outside" },
		{ hard_out, "hard link" },
		{ device, "device" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct msg err;
		char *base;

		assert_int_equal(try_unpack(cases[i].entries, &base, &err), UNPACK_FAILED);
		assert_contains(err.text, cases[i].why);
		assert_contains(err.text, "refused, nothing of it was unpacked");
		assert_nothing_written(base);
		unit_rmtree(base);
		free(base);
	}
	assert_false(fs_exists("/tmp/zktls-evil-abs"));
}

static void
test_unpack_cancel(void **state)
{
	static const char *const entries[] = { "t/", "t/a", NULL };
	atomic_bool cancel = true;
	struct unpack u = { .cancel = &cancel };
	char *base = unit_tmpdir(), *work, *archive;
	struct msg err;

	(void)state;
	if (base == NULL) {
		fail();
		return;
	}
	work = xasprintf("%s/work", base);
	assert_int_equal(mkdir(work, 0700), 0);
	archive = make_archive(base, entries);
	assert_int_equal(unpack_archive(&u, archive, work, "t", &err), UNPACK_CANCELLED);
	assert_nothing_written(base);
	free(archive);
	free(work);
	unit_rmtree(base);
	free(base);
}


/* Expansion past a limit is refused, naming the archive and the limit, before anything is kept. */
static void
test_unpack_limits(void **state)
{
	static const char *const entries[] = { "t/", "t/a", "t/b", NULL };
	struct unpack per_entry = { .max_entry = 4 }, total = { .max_total = 9 };
	const struct unpack *cases[] = { &per_entry, &total };
	const char *why[] = { "'t/a' would expand to", "its files would expand to more than" };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *base = unit_tmpdir(), *work = xasprintf("%s/work", base), *archive;
		struct msg err;

		assert_int_equal(mkdir(work, 0700), 0);
		archive = make_archive(base, entries);
		assert_int_equal(unpack_archive(cases[i], archive, work, "t", &err), UNPACK_FAILED);
		assert_contains(err.text, why[i]);
		assert_contains(err.text, "test.tar.gz");
		assert_contains(err.text, "nothing of it was kept");
		assert_nothing_written(base);
		free(archive);
		free(work);
		unit_rmtree(base);
		free(base);
	}
}

/* Overwrites the start of base/rel with text, keeping its size. */
static void
scribble(const char *base, const char *rel, const char *text, bool append)
{
	char *path = xasprintf("%s/%s", base, rel);
	int fd = open(path, O_WRONLY | (append ? O_APPEND : 0));

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	free(path);
}

/* A kept tree is compared with its archive: sizes, links, the compared files' bytes. */
static void
test_unpack_verify(void **state)
{
	static const char *const entries[] = {
		"t/", "t/bin/", "t/bin/run", "t/libs/a.jar", "t/libs/z.jar", "t/libs/b.jar->a.jar",
		"t/libs/c.jar=>t/libs/a.jar", NULL,
	};
	struct strlist compare = { 0 }, critical = { 0 };
	struct unpack u = { .compare = &compare };
	struct msg err, note;
	char *base, *work, *archive, *from, *to;

	(void)state;
	strlist_push(&compare, "t/libs/z*.jar");
	assert_int_equal(try_unpack(entries, &base, &err), UNPACK_OK);
	work = xasprintf("%s/work", base);
	archive = xasprintf("%s/test.tar.gz", base);
	assert_int_equal(unpack_verify(&u, archive, work, "t", &note, &err), UNPACK_OK);
	assert_string_equal(note.text, "");

	/* The same size, other bytes: found only in a compared file. */
	scribble(work, "t/libs/z.jar", "HELLO", false);
	scribble(work, "t/libs/a.jar", "HELLO", false);
	assert_int_equal(unpack_verify(&u, archive, work, "t", &note, &err), UNPACK_FAILED);
	assert_contains(err.text, "t/libs/z.jar holds other bytes than the archive's copy");
	assert_not_contains(err.text, "a.jar");
	scribble(work, "t/libs/z.jar", "hello", false);

	/* A longer script: a failure, or only a note outside the critical entries. */
	scribble(work, "t/bin/run", "!", true);
	assert_int_equal(unpack_verify(&u, archive, work, "t", &note, &err), UNPACK_FAILED);
	assert_contains(err.text, "t/bin/run holds 6 bytes; the archive 5");
	strlist_push(&critical, "t/libs/*");
	u.critical = &critical;
	assert_int_equal(unpack_verify(&u, archive, work, "t", &note, &err), UNPACK_OK);
	assert_contains(note.text, "t/bin/run holds 6 bytes");

	/* A missing jar is critical; one the swap moved is compared where it went. */
	from = xasprintf("%s/t/libs/z.jar", work);
	to = xasprintf("%s/aside/z.jar", work);
	assert_int_equal(mkdir(xasprintf_keep(work, "aside"), 0700), 0);
	assert_int_equal(rename(from, to), 0);
	assert_int_equal(unpack_verify(&u, archive, work, "t", &note, &err), UNPACK_FAILED);
	assert_contains(err.text, "t/libs/z.jar is missing");
	u.moved_from = "t/libs";
	u.moved_to = "aside";
	assert_int_equal(unpack_verify(&u, archive, work, "t", &note, &err), UNPACK_OK);
	scribble(work, "aside/z.jar", "J", false);
	assert_int_equal(unpack_verify(&u, archive, work, "t", &note, &err), UNPACK_FAILED);
	assert_contains(err.text, "aside/z.jar holds other bytes");
	scribble(work, "aside/z.jar", "h", false);

	/* A link that leads elsewhere. */
	assert_int_equal(unlink(xasprintf_keep(work, "t/libs/b.jar")), 0);
	assert_int_equal(symlink("z.jar", xasprintf_keep(work, "t/libs/b.jar")), 0);
	assert_int_equal(unpack_verify(&u, archive, work, "t", &note, &err), UNPACK_FAILED);
	assert_contains(err.text, "leads to 'z.jar'");

	strlist_free(&compare);
	strlist_free(&critical);
	free(from);
	free(to);
	free(archive);
	free(work);
	unit_rmtree(base);
	free(base);
}

/* The archive itself must be a regular file: a FIFO would block the open. */
static void
test_unpack_fifo(void **state)
{
	char *base = unit_tmpdir(), *work = xasprintf("%s/work", base);
	char *fifo = xasprintf("%s/test.tar.gz", base);
	struct unpack u = { 0 };
	struct msg err, note;

	(void)state;
	assert_int_equal(mkdir(work, 0700), 0);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(unpack_archive(&u, fifo, work, "t", &err), UNPACK_FAILED);
	assert_contains(err.text, "named pipe");
	assert_int_equal(unpack_verify(&u, fifo, work, "t", &note, &err), UNPACK_FAILED);
	assert_contains(err.text, "named pipe");
	free(fifo);
	free(work);
	unit_rmtree(base);
	free(base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha512_stream),
		cmocka_unit_test(test_sha512_formats),
		cmocka_unit_test(test_sha512_refusals),
		cmocka_unit_test(test_sha512_normalise),
		cmocka_unit_test(test_catalog_known),
		cmocka_unit_test(test_catalog_unknown),
		cmocka_unit_test(test_catalog_store_types_unchanged),
		cmocka_unit_test(test_catalog_parse_errors),
		cmocka_unit_test(test_path_checks),
		cmocka_unit_test(test_symlink_checks),
		cmocka_unit_test(test_unpack_good),
		cmocka_unit_test(test_unpack_refusals),
		cmocka_unit_test(test_unpack_cancel),
		cmocka_unit_test(test_unpack_limits),
		cmocka_unit_test(test_unpack_verify),
		cmocka_unit_test(test_unpack_fifo),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, unit_load_data, unit_unload_data);
}
