/* The steps that fetch and unpack the releases: download, jars. */
#include <config.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog.h"
#include "fetch.h"
#include "fsutil.h"
#include "i18n.h"
#include "sha512.h"
#include "steps.h"
#include "unpack.h"

#define DOWNLOADS "downloads"
#define REMOVED_JARS "removed-jars"
#define SHA512_FILE_MAX (64 * 1024)
#define COPY_CHUNK (256 * 1024)

static const char *
display_name(const struct release *r)
{
	return strcmp(r->program, "kafka") == 0 ? "Kafka" : "ZooKeeper";
}

static void
fsync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		/* Makes a rename durable; a failure here loses nothing but that. */
		(void)fsync(fd);
		close(fd);
	}
}

/* ------------------------------------------------------------- download */

static int
render_download(const struct plan *p, const struct inputs *in, struct render_result *out,
		struct msg *err)
{
	struct releases r;
	const struct release *both[2];

	(void)in;
	if (releases_load(p, &r, err) != 0)
		return -1;
	both[0] = &r.kafka;
	both[1] = &r.zookeeper;
	for (size_t i = 0; i < 2; i++) {
		const struct release *rel = both[i];
		const char *sum_key = i == 0 ? "kafka.sha512" : "zookeeper.sha512";
		char *path = xasprintf("%s/%s", DOWNLOADS, rel->archive);
		struct output *o = render_result_add(out, path, OUTPUT_GENERATED, 0644);
		struct buf d;

		buf_init(&d);
		buf_printf(&d, _("%s %s: %s under the mirror. "), display_name(rel), rel->version,
			   rel->path);
		if (plan_get(p, sum_key)[0] != '\0')
			buf_printf(&d, _("Checked against the SHA-512 in %s."), sum_key);
		else if (rel->sha512 != NULL)
			buf_printf(&d, _("Checked against the SHA-512 the release catalog pins."));
		else
			buf_printf(&d, _("Checked against %s.sha512 from the checksum site "
					 "(--checksums, the official site by default)."),
				   rel->path);
		if (!rel->known)
			buf_printf(&d, _(" This version is not in the release catalog: the path "
					 "follows the standard Apache layout."));
		o->description = buf_steal(&d, NULL);
		free(path);
	}
	releases_free(&r);
	return 0;
}

/* State of one archive's download, shared with the progress callbacks. */
struct dl {
	const struct step_run *run;
	char what[256];
};

static void
dl_progress(void *user, uint64_t done, uint64_t total, double rate)
{
	struct dl *d = user;
	struct progress pr = { .what = d->what, .done = done, .total = total, .rate = rate };

	run_progress(d->run, &pr);
}

static void
dl_note(void *user, const char *line)
{
	struct dl *d = user;

	run_report(d->run, "%s", line);
}

static char *
join_url(const char *base, const char *path)
{
	size_t n = strlen(base);

	while (n > 0 && base[n - 1] == '/')
		n--;
	return xasprintf("%.*s/%s", (int)n, base, path);
}

/* scheme://host[:port], lower case, default ports dropped: "one server". */
static char *
url_origin(const char *url)
{
	const char *host = strstr(url, "://");
	size_t n;
	char *origin;

	if (host == NULL)
		return xstrdup(url);
	host += 3;
	n = (size_t)(host - url) + strcspn(host, "/?#");
	origin = xstrndup(url, n);
	for (char *c = origin; *c != '\0'; c++)
		*c = (char)tolower((unsigned char)*c);
	if (str_starts_with(origin, "https://") && str_ends_with(origin, ":443"))
		origin[strlen(origin) - 4] = '\0';
	else if (str_starts_with(origin, "http://") && str_ends_with(origin, ":80"))
		origin[strlen(origin) - 3] = '\0';
	return origin;
}

/*
 * The SHA-512 the archive must have, and where it comes from: the answer,
 * the catalog's pin, or the .sha512 file on the checksum site.  *have is
 * false when none is available and that is acceptable (--archives).
 */
static enum step_result
expected_sum(const struct step_run *run, const struct release *rel, const char *sum_key,
	     struct fetch *f, char sum[SHA512_HEX_LEN + 1], char **source, bool *have)
{
	const char *answer = plan_get(run->plan, sum_key);
	const char *site = run->options != NULL && run->options->checksums != NULL
				   ? run->options->checksums
				   : NULL;
	bool local = run->options != NULL && run->options->archives_dir != NULL;
	enum fetch_result fr;
	char *rel_path, *url, *text = NULL;
	size_t len = 0;

	*have = false;
	*source = NULL;
	if (answer != NULL && answer[0] != '\0') {
		if (sha512_normalise(answer, sum, run->msg) != 0)
			return msg_prefix(run->msg, "%s", sum_key), STEP_FAILED;
		*source = xstrdup(sum_key);
		*have = true;
		return STEP_OK;
	}
	if (rel->sha512 != NULL && sha512_normalise(rel->sha512, sum, run->msg) == 0) {
		*source = xstrdup(_("the release catalog"));
		*have = true;
		return STEP_OK;
	}
	if (site == NULL) {
		if (local) {
			run_report(run, _("warning: %s is not checked: no SHA-512 is known (set %s "
					  "or --checksums)"), rel->archive, sum_key);
			return STEP_OK;
		}
		msg_set(run->msg, _("no SHA-512 for %s: set %s or --checksums"), rel->archive,
			sum_key);
		return STEP_FAILED;
	}
	rel_path = xasprintf("%s.sha512", rel->path);
	url = join_url(site, rel_path);
	free(rel_path);
	fr = fetch_small(f, url, SHA512_FILE_MAX, &text, &len, run->msg);
	if (fr == FETCH_CANCELLED) {
		free(url);
		return STEP_CANCELLED;
	}
	if (fr == FETCH_OK && sha512_parse(text, len, rel->archive, sum, run->msg) != 0) {
		msg_prefix(run->msg, "%s", url);
		fr = FETCH_FAILED;
	}
	free(text);
	if (fr != FETCH_OK) {
		if (local) {
			/* Offline with local archives: say so loudly, do not stop. */
			run_report(run, _("warning: %s is not checked: no SHA-512 (%s); set %s to "
					  "check it"), rel->archive, run->msg->text, sum_key);
			msg_clear(run->msg);
			free(url);
			return STEP_OK;
		}
		msg_append(run->msg, _("Without that checksum the archive cannot be trusted: "
				       "set %s to its SHA-512, or point --checksums at a copy "
				       "of the official .sha512 files."), sum_key);
		free(url);
		return STEP_FAILED;
	}
	*source = url;
	*have = true;
	return STEP_OK;
}

/* Copies a local archive into the .part file, hashing it on the way. */
static enum step_result
copy_local(const struct step_run *run, struct dl *d, const char *from, const char *part,
	   char sum[SHA512_HEX_LEN + 1])
{
	struct sha512 *h;
	char *chunk;
	uint64_t done = 0, total = 0;
	struct stat st;
	enum step_result result = STEP_OK;
	ssize_t n;
	int in, out;

	in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0 || fstat(in, &st) != 0 || !S_ISREG(st.st_mode)) {
		msg_set(run->msg, _("%s: %s (--archives names the folder holding the release "
				    "archives)"), from, in < 0 ? strerror(errno) : _("not a file"));
		if (in >= 0)
			close(in);
		return STEP_FAILED;
	}
	total = (uint64_t)st.st_size;
	out = fs_open(part, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (out < 0) {
		msg_set(run->msg, _("%s: cannot write it: %s"), part, strerror(errno));
		close(in);
		return STEP_FAILED;
	}
	h = sha512_new();
	chunk = xmalloc(COPY_CHUNK);
	while (result == STEP_OK && (n = read(in, chunk, COPY_CHUNK)) != 0) {
		if (n < 0) {
			msg_set(run->msg, _("%s: cannot read it: %s"), from, strerror(errno));
			result = STEP_FAILED;
		} else if (write(out, chunk, (size_t)n) != n) {
			msg_set(run->msg, _("%s: cannot write it: %s"), part, strerror(errno));
			result = STEP_FAILED;
		} else {
			sha512_update(h, chunk, (size_t)n);
			done += (uint64_t)n;
			dl_progress(d, done, total, 0);
			if (run_cancelled(run))
				result = STEP_CANCELLED;
		}
	}
	if (result == STEP_OK && fsync(out) != 0) {
		msg_set(run->msg, _("%s: cannot write it: %s"), part, strerror(errno));
		result = STEP_FAILED;
	}
	close(out);
	close(in);
	free(chunk);
	sha512_final_hex(h, sum);
	sha512_free(h);
	return result;
}

/*
 * downloads/NAME.sha512: the sum an archive was verified against, in
 * sha512sum's format (sha512sum -c works on it), so a rerun can check the
 * archive without fetching the checksum again.
 */
static int
write_record(const char *path, const char *name, const char *sum, const char *source,
	     struct msg *err)
{
	char *text = xasprintf("# verified against %s\n%s  %s\n", source, sum, name);
	int rc = fs_write_atomic(path, text, strlen(text), 0644, err);

	free(text);
	return rc;
}

static bool
read_record(const char *path, const char *name, char sum[SHA512_HEX_LEN + 1])
{
	struct msg ignored;
	char *text;
	size_t len;
	bool ok;

	if (fs_read_file(path, SHA512_FILE_MAX, &text, &len, &ignored) != 0)
		return false;
	ok = sha512_parse(text, len, name, sum, &ignored) == 0;
	free(text);
	return ok;
}

static enum step_result
download_one(const struct step_run *run, const struct release *rel, const char *sum_key)
{
	const struct run_options *opt = run->options;
	const char *archives = opt != NULL ? opt->archives_dir : NULL;
	char expected[SHA512_HEX_LEN + 1], actual[SHA512_HEX_LEN + 1];
	char *source = NULL, *rel_final, *final, *part, *bad, *url = NULL, *record = NULL;
	struct dl d = { .run = run };
	struct fetch f = {
		.ca_file = opt != NULL ? opt->ca_file : NULL,
		.cancel = run->cancel,
		.progress = dl_progress,
		.note = dl_note,
		.user = &d,
	};
	enum step_result result;
	bool have_sum = false, from_record;
	uint64_t size = 0;
	struct stat st;

	rel_final = xasprintf("%s/%s", DOWNLOADS, rel->archive);
	final = fs_join(run->dir, rel_final);
	part = xasprintf("%s.part", final);
	bad = xasprintf("%s.bad", final);
	snprintf(d.what, sizeof d.what, _("Checking %s"), rel->archive);
	if (!rel->known)
		run_report(run, _("%s %s is not in the release catalog: using the standard Apache "
				  "path %s"), display_name(rel), rel->version, rel->path);
	record = xasprintf("%s.sha512", final);
	from_record = fs_lstat(final, &st) == 0 && plan_get(run->plan, sum_key)[0] == '\0' &&
		      rel->sha512 == NULL && read_record(record, rel->archive, expected);
	if (from_record) {
		/* Verified before: a rerun needs no network for the checksum. */
		have_sum = true;
		source = xasprintf(_("the sum verified earlier (%s.sha512)"), rel_final);
	} else {
		result = expected_sum(run, rel, sum_key, &f, expected, &source, &have_sum);
		if (result != STEP_OK)
			goto out;
	}
	if (fs_lstat(final, &st) == 0) {
		if (!S_ISREG(st.st_mode)) {
			msg_set(run->msg, _("%s is not a regular file; move it away"), rel_final);
			result = STEP_FAILED;
			goto out;
		}
		if (!have_sum) {
			run_report(run, _("kept %s (not verified)"), rel_final);
			goto out;
		}
		if (sha512_file(final, actual, run->msg) != 0) {
			result = STEP_FAILED;
			goto out;
		}
		if (strcmp(actual, expected) == 0) {
			run_report(run, _("kept %s: SHA-512 verified against %s"), rel_final, source);
			goto out;
		}
		/* Not what it should be: kept aside for a look, then fetched anew. */
		if (fs_rename(final, bad) != 0) {
			msg_set(run->msg, _("cannot move %s aside: %s"), rel_final, strerror(errno));
			result = STEP_FAILED;
			goto out;
		}
		run_report(run, _("%s did not match its SHA-512; moved it to %s.bad"), rel_final,
			   rel_final);
		fs_unlink(record);
		if (from_record) {
			free(source);
			source = NULL;
			result = expected_sum(run, rel, sum_key, &f, expected, &source, &have_sum);
			if (result != STEP_OK)
				goto out;
		}
	}
	if (archives != NULL) {
		char *from = fs_join(archives, rel->archive);

		snprintf(d.what, sizeof d.what, _("Copying %s"), rel->archive);
		result = copy_local(run, &d, from, part, actual);
		if (result == STEP_OK && fs_lstat(part, &st) == 0)
			size = (uint64_t)st.st_size;
		free(from);
	} else {
		enum fetch_result fr;

		url = join_url(opt != NULL && opt->mirror != NULL ? opt->mirror
								    : "https://archive.apache.org/dist",
			       rel->path);
		snprintf(d.what, sizeof d.what, _("Downloading %s"), rel->archive);
		fr = fetch_file(&f, url, part, actual, &size, run->msg);
		result = fr == FETCH_OK ? STEP_OK : fr == FETCH_CANCELLED ? STEP_CANCELLED
									   : STEP_FAILED;
	}
	if (result == STEP_CANCELLED) {
		msg_set(run->msg, _("cancelled; %s.part is kept and a rerun resumes it"), rel_final);
		goto out;
	}
	if (result != STEP_OK)
		goto out;
	if (have_sum && strcmp(actual, expected) != 0) {
		if (fs_rename(part, bad) != 0)
			fs_unlink(part);
		msg_set(run->msg, _("%s does not match its SHA-512 (from %s):\n  expected %s\n  "
				    "got      %s\nIt was moved to %s.bad; nothing was unpacked."),
			rel->archive, source, expected, actual, rel_final);
		result = STEP_FAILED;
		goto out;
	}
	if (have_sum && write_record(record, rel->archive, expected, source, run->msg) != 0) {
		result = STEP_FAILED;
		goto out;
	}
	if (fs_rename(part, final) != 0) {
		msg_set(run->msg, _("cannot rename %s.part to %s: %s"), rel_final, rel_final,
			strerror(errno));
		result = STEP_FAILED;
		goto out;
	}
	{
		char *downloads = fs_join(run->dir, DOWNLOADS);

		fsync_dir(downloads);
		free(downloads);
	}
	if (have_sum)
		run_report(run, _("%s %s (%.1f MiB), SHA-512 verified against %s"),
			   archives != NULL ? _("copied") : _("downloaded"), rel_final,
			   (double)size / (1024.0 * 1024.0), source);
	else
		run_report(run, _("%s %s (%.1f MiB), not verified"),
			   archives != NULL ? _("copied") : _("downloaded"), rel_final,
			   (double)size / (1024.0 * 1024.0));
out:
	free(source);
	free(record);
	free(url);
	free(rel_final);
	free(final);
	free(part);
	free(bad);
	return result;
}

static enum step_result
apply_download(const struct step_run *run)
{
	const struct run_options *opt = run->options;
	struct releases r;
	enum step_result result;
	char *downloads;

	if (releases_load(run->plan, &r, run->msg) != 0)
		return STEP_FAILED;
	downloads = fs_join(run->dir, DOWNLOADS);
	if (fs_mkdirs(downloads, 0700, run->msg) != 0) {
		free(downloads);
		releases_free(&r);
		return STEP_FAILED;
	}
	free(downloads);
	if (opt != NULL && opt->archives_dir == NULL && opt->mirror != NULL &&
	    opt->checksums != NULL && plan_get(run->plan, "kafka.sha512")[0] == '\0') {
		char *a = url_origin(opt->mirror), *b = url_origin(opt->checksums);

		if (strcmp(a, b) == 0)
			run_report(run, _("warning: the archives and their checksums come from the "
					  "same server (%s): a match proves only that the transfer "
					  "was complete, not that the archive is the official one"),
				   a);
		free(a);
		free(b);
	}
	result = download_one(run, &r.kafka, "kafka.sha512");
	if (result == STEP_OK)
		result = download_one(run, &r.zookeeper, "zookeeper.sha512");
	releases_free(&r);
	return result;
}

/* ----------------------------------------------------------------- jars */

static int
render_jars(const struct plan *p, const struct inputs *in, struct render_result *out,
	    struct msg *err)
{
	struct releases r;
	struct output *o;
	struct buf d;
	char *path;

	(void)in;
	if (releases_load(p, &r, err) != 0)
		return -1;
	for (int i = 0; i < 2; i++) {
		const struct release *rel = i == 0 ? &r.kafka : &r.zookeeper;

		path = xasprintf("%s/", rel->top);
		o = render_result_add(out, path, OUTPUT_GENERATED, 0755);
		o->description = xasprintf(_("%s %s unpacked from %s/%s (entries outside %s/ "
					     "refuse the whole archive)."),
					   display_name(rel), rel->version, DOWNLOADS, rel->archive,
					   rel->top);
		free(path);
	}
	path = xasprintf("%s/%s/", r.kafka.top, r.kafka.libdir);
	o = render_result_add(out, path, OUTPUT_GENERATED, 0755);
	free(path);
	buf_init(&d);
	if (r.kafka.zookeeper_jar != NULL)
		buf_printf(&d, _("Kafka %s ships %s. "), r.kafka.version, r.kafka.zookeeper_jar);
	buf_printf(&d, _("If Kafka's ZooKeeper client cannot speak TLS, it is moved to %s/%s/ "
			 "and these jars of %s/%s/ are copied in: "),
		   REMOVED_JARS, r.kafka.top, r.zookeeper.top, r.zookeeper.libdir);
	for (size_t i = 0; i < r.zookeeper.jars.len; i++)
		buf_printf(&d, "%s%s", i ? ", " : "", r.zookeeper.jars.items[i]);
	buf_adds(&d, ". ");
	if (!r.kafka.known || !r.zookeeper.known)
		buf_printf(&d, _("A version not in the release catalog: the jars are found by "
				 "looking into the unpacked archives."));
	o->description = buf_steal(&d, NULL);
	releases_free(&r);
	return 0;
}

struct unpack_state {
	const struct step_run *run;
	char what[256];
};

static void
unpack_progress(void *user, uint64_t done, uint64_t total)
{
	struct unpack_state *s = user;
	struct progress pr = { .what = s->what, .done = done, .total = total };

	run_progress(s->run, &pr);
}

static enum step_result
unpack_one(const struct step_run *run, const struct release *rel)
{
	struct unpack_state s = { .run = run };
	struct unpack u = { .cancel = run->cancel, .progress = unpack_progress, .user = &s };
	char *top = fs_join(run->dir, rel->top);
	char *rel_archive = xasprintf("%s/%s", DOWNLOADS, rel->archive);
	char *archive = fs_join(run->dir, rel_archive);
	enum step_result result = STEP_OK;
	enum unpack_result ur;
	struct stat st;

	if (fs_lstat(top, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			/* Only a finished unpack is ever renamed to this name. */
			run_report(run, _("kept %s/: already unpacked"), rel->top);
		} else {
			msg_set(run->msg, _("%s is in the way: it is not a folder"), rel->top);
			result = STEP_FAILED;
		}
		goto out;
	}
	if (fs_lstat(archive, &st) != 0) {
		msg_set(run->msg, _("%s is missing: run the download step first (or give "
				    "--archives DIR)"), rel_archive);
		result = STEP_FAILED;
		goto out;
	}
	snprintf(s.what, sizeof s.what, _("Unpacking %s"), rel->archive);
	ur = unpack_archive(&u, archive, run->dir, rel->top, run->msg);
	if (ur == UNPACK_CANCELLED) {
		msg_set(run->msg, _("cancelled; nothing of %s was unpacked"), rel->archive);
		result = STEP_CANCELLED;
	} else if (ur != UNPACK_OK) {
		result = STEP_FAILED;
	} else {
		run_report(run, _("unpacked %s into %s/"), rel_archive, rel->top);
	}
out:
	free(top);
	free(rel_archive);
	free(archive);
	return result;
}

/* True when both files hold the same bytes. */
static bool
same_bytes(const char *a, const char *b)
{
	char *x = xmalloc(COPY_CHUNK), *y = xmalloc(COPY_CHUNK);
	int fa = fs_open(a, O_RDONLY, 0), fb = fs_open(b, O_RDONLY, 0);
	bool same = fa >= 0 && fb >= 0;

	while (same) {
		ssize_t n = read(fa, x, COPY_CHUNK);
		ssize_t m = n > 0 ? read(fb, y, (size_t)n) : read(fb, y, 1);

		if (n < 0 || m != n || memcmp(x, y, (size_t)(n > 0 ? n : 0)) != 0)
			same = false;
		else if (n == 0)
			break;
	}
	if (fa >= 0)
		close(fa);
	if (fb >= 0)
		close(fb);
	free(x);
	free(y);
	return same;
}

/* Copies from to to atomically (a temporary name, fsync, rename). */
static int
copy_file(const char *from, const char *to, struct msg *err)
{
	char *temp = fs_temp_name(to);
	char *chunk = xmalloc(COPY_CHUNK);
	int in = fs_open(from, O_RDONLY, 0), out = -1, rc = 0;
	ssize_t n;

	fs_unlink(temp);
	if (in < 0)
		rc = msg_set(err, _("%s: cannot read it: %s"), from, strerror(errno));
	else if ((out = fs_open(temp, O_WRONLY | O_CREAT | O_EXCL, 0644)) < 0)
		rc = msg_set(err, _("%s: cannot write it: %s"), temp, strerror(errno));
	while (rc == 0 && (n = read(in, chunk, COPY_CHUNK)) != 0)
		if (n < 0 || write(out, chunk, (size_t)n) != n)
			rc = msg_set(err, _("cannot copy %s to %s: %s"), from, to, strerror(errno));
	if (rc == 0 && fsync(out) != 0)
		rc = msg_set(err, _("%s: cannot write it: %s"), temp, strerror(errno));
	if (out >= 0 && close(out) != 0 && rc == 0)
		rc = msg_set(err, _("%s: cannot write it: %s"), temp, strerror(errno));
	if (rc == 0 && fs_rename(temp, to) != 0)
		rc = msg_set(err, _("cannot rename %s to %s: %s"), temp, to, strerror(errno));
	if (rc != 0)
		fs_unlink(temp);
	if (in >= 0)
		close(in);
	free(chunk);
	free(temp);
	return rc;
}

/* Regular files in dir whose names match pattern, sorted. */
static int
list_matching(const char *dir, const char *pattern, struct strlist *out, struct msg *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (d == NULL)
		return msg_set(err, _("%s: %s"), dir, strerror(errno));
	while ((e = readdir(d)) != NULL) {
		char *path;
		struct stat st;

		if (fnmatch(pattern, e->d_name, 0) != 0)
			continue;
		path = fs_join(dir, e->d_name);
		if (fs_lstat(path, &st) == 0 && S_ISREG(st.st_mode))
			strlist_push(out, e->d_name);
		free(path);
	}
	closedir(d);
	/* readdir order is the file system's: sort for stable messages. */
	for (size_t i = 1; i < out->len; i++)
		for (size_t j = i; j > 0 && strcmp(out->items[j - 1], out->items[j]) > 0; j--) {
			char *t = out->items[j];

			out->items[j] = out->items[j - 1];
			out->items[j - 1] = t;
		}
	return 0;
}

/* "zookeeper-3.4.14.jar" -> "3.4.14" (caller frees), NULL when not that shape. */
static char *
zookeeper_jar_version(const char *name)
{
	size_t n = strlen(name);

	if (!str_starts_with(name, "zookeeper-") || !str_ends_with(name, ".jar") || n <= 14)
		return NULL;
	for (size_t i = 10; i < n - 4; i++)
		if (!(name[i] == '.' || (name[i] >= '0' && name[i] <= '9')))
			return NULL;
	return xstrndup(name + 10, n - 14);
}

/*
 * The ZooKeeper jars to copy, found in its lib/: the catalog's names for a
 * known release (each must be there), else one match per pattern.
 */
static int
find_zookeeper_jars(const struct release *zk, const char *libdir, struct strlist *jars,
		    struct msg *err)
{
	for (size_t i = 0; i < zk->jars.len; i++) {
		struct strlist found = { 0 };

		if (list_matching(libdir, zk->jars.items[i], &found, err) != 0)
			return -1;
		if (found.len != 1) {
			msg_set(err, found.len == 0
					     ? _("%s/%s/ has no %s, which the swap needs")
					     : _("%s/%s/ has several %s; the wizard cannot tell which "
						 "to use"),
				zk->top, zk->libdir, zk->jars.items[i]);
			strlist_free(&found);
			return -1;
		}
		strlist_push(jars, found.items[0]);
		strlist_free(&found);
	}
	return 0;
}

static char *
revert_script(const char *kafka_top, const char *libdir, const struct strlist *added,
	      const struct strlist *moved)
{
	struct buf b;

	buf_init(&b);
	buf_printf(&b, "#!/bin/sh\n"
		       "# Written by zktls-wizard's jars step: undoes its jar swap in %s/%s/,\n"
		       "# putting back the jars Kafka shipped and removing the ones it added.\n"
		       "# Run it as: sh %s/%s/revert.sh\n"
		       "set -eu\n"
		       "cd \"$(dirname \"$0\")/../..\"\n",
		   kafka_top, libdir, REMOVED_JARS, kafka_top);
	for (size_t i = 0; i < added->len; i++)
		buf_printf(&b, "rm -f '%s/%s/%s'\n", kafka_top, libdir, added->items[i]);
	for (size_t i = 0; i < moved->len; i++)
		buf_printf(&b, "mv '%s/%s/%s' '%s/%s/'\n", REMOVED_JARS, kafka_top,
			   moved->items[i], kafka_top, libdir);
	buf_printf(&b, "echo 'Kafka uses its own ZooKeeper client jars again.'\n");
	return buf_steal(&b, NULL);
}

/* libs/ holds exactly one zookeeper-<version>.jar, and every copy is its source. */
static int
verify_swap(const struct step_run *run, const char *klibs, const char *zlib,
	    const char *target, const struct strlist *jars)
{
	struct strlist zk_jars = { 0 };
	int rc = 0;

	if (list_matching(klibs, "zookeeper-[0-9]*.jar", &zk_jars, run->msg) != 0)
		return -1;
	if (zk_jars.len != 1 || strcmp(zk_jars.items[0], target) != 0) {
		struct buf names;

		buf_init(&names);
		for (size_t i = 0; i < zk_jars.len; i++)
			buf_printf(&names, "%s%s", i ? ", " : "", zk_jars.items[i]);
		rc = msg_set(run->msg, _("after the swap %s should hold exactly one ZooKeeper "
					 "jar, %s, but holds: %s"), klibs, target,
			     names.len ? names.data : _("none"));
		buf_free(&names);
	}
	strlist_free(&zk_jars);
	for (size_t i = 0; rc == 0 && i < jars->len; i++) {
		char *a = fs_join(klibs, jars->items[i]), *b = fs_join(zlib, jars->items[i]);

		if (!same_bytes(a, b))
			rc = msg_set(run->msg, _("%s differs from %s after copying it"), a, b);
		free(a);
		free(b);
	}
	return rc;
}

static enum step_result
swap_jars(const struct step_run *run, const struct releases *r)
{
	const char *tls_since = catalog_zookeeper_tls_since();
	char *klibs_rel = xasprintf("%s/%s", r->kafka.top, r->kafka.libdir);
	char *klibs = fs_join(run->dir, klibs_rel);
	char *zlib_rel = xasprintf("%s/%s", r->zookeeper.top, r->zookeeper.libdir);
	char *zlib = fs_join(run->dir, zlib_rel);
	char *removed_rel = xasprintf("%s/%s", REMOVED_JARS, r->kafka.top);
	char *removed = fs_join(run->dir, removed_rel);
	char *script_rel = xasprintf("%s/revert.sh", removed_rel);
	char *target = xasprintf("zookeeper-%s.jar", r->zookeeper.version);
	char *script_path = NULL;
	struct strlist shipped = { 0 }, jars = { 0 }, old = { 0 }, added = { 0 }, moved = { 0 };
	struct strlist kept = { 0 };
	enum step_result result = STEP_OK;
	bool swapped_before;

	if (tls_since == NULL)
		tls_since = "3.5.5";
	if (!fs_exists(klibs)) {
		msg_set(run->msg, _("%s/ is missing from the unpacked Kafka"), klibs_rel);
		result = STEP_FAILED;
		goto out;
	}
	if (list_matching(klibs, "zookeeper-[0-9]*.jar", &shipped, run->msg) != 0 ||
	    (fs_exists(removed) &&
	     list_matching(removed, "zookeeper-[0-9]*.jar", &kept, run->msg) != 0)) {
		result = STEP_FAILED;
		goto out;
	}
	swapped_before = kept.len > 0;
	/* What Kafka ships is what libs/ holds, not what the catalog expects. */
	for (size_t i = 0; i < shipped.len; i++) {
		char *v = zookeeper_jar_version(shipped.items[i]);

		if (v != NULL && version_compare(v, tls_since) < 0)
			strlist_push(&old, shipped.items[i]);
		free(v);
	}
	if (!swapped_before && r->kafka.zookeeper_jar != NULL &&
	    !strlist_contains(&shipped, r->kafka.zookeeper_jar))
		run_report(run, _("note: the release catalog expected %s in %s/, which holds %s "
				  "instead; going by what is there"), r->kafka.zookeeper_jar,
			   klibs_rel, shipped.len ? shipped.items[0] : _("no ZooKeeper jar"));
	if (old.len == 0 && !swapped_before) {
		run_report(run, _("Kafka %s ships %s, which speaks TLS: no jars swapped"),
			   r->kafka.version, shipped.len ? shipped.items[0] : _("no ZooKeeper jar"));
		goto out;
	}
	if (find_zookeeper_jars(&r->zookeeper, zlib, &jars, run->msg) != 0) {
		result = STEP_FAILED;
		goto out;
	}
	if (!strlist_contains(&jars, target)) {
		msg_set(run->msg, _("%s/ has no %s"), zlib_rel, target);
		result = STEP_FAILED;
		goto out;
	}
	if (!r->zookeeper.known)
		run_report(run, _("ZooKeeper %s is not in the release catalog: found these jars "
				  "in %s/ by looking"), r->zookeeper.version, zlib_rel);
	if (fs_mkdirs(removed, 0700, run->msg) != 0) {
		result = STEP_FAILED;
		goto out;
	}
	/* Out of libs/ (Kafka puts every file there on its classpath), kept for revert. */
	for (size_t i = 0; i < old.len; i++) {
		char *from = fs_join(klibs, old.items[i]), *to = fs_join(removed, old.items[i]);

		if (fs_exists(to) && !same_bytes(from, to)) {
			msg_set(run->msg, _("%s/%s exists and differs from %s/%s; move one of them "
					    "away"), removed_rel, old.items[i], klibs_rel,
				old.items[i]);
			result = STEP_FAILED;
		} else if (fs_rename(from, to) != 0) {
			msg_set(run->msg, _("cannot move %s out of %s/: %s"), old.items[i], klibs_rel,
				strerror(errno));
			result = STEP_FAILED;
		} else {
			strlist_push(&moved, old.items[i]);
			run_report(run, _("moved %s/%s to %s/"), klibs_rel, old.items[i],
				   removed_rel);
		}
		free(from);
		free(to);
		if (result != STEP_OK)
			goto out;
	}
	for (size_t i = 0; i < jars.len && result == STEP_OK; i++) {
		char *from = fs_join(zlib, jars.items[i]), *to = fs_join(klibs, jars.items[i]);

		if (run_cancelled(run)) {
			msg_set(run->msg, _("cancelled during the swap; rerun the jars step to "
					    "finish it"));
			result = STEP_CANCELLED;
		} else if (fs_exists(to) && same_bytes(from, to)) {
			/* Already in place: the second run changes nothing. */
		} else if (fs_exists(to) && !swapped_before) {
			/* Kafka's own jar of that name: kept for revert like the other. */
			char *aside = fs_join(removed, jars.items[i]);

			if (fs_rename(to, aside) != 0) {
				msg_set(run->msg, _("cannot move %s out of %s/: %s"), jars.items[i],
					klibs_rel, strerror(errno));
				result = STEP_FAILED;
			} else {
				strlist_push(&moved, jars.items[i]);
			}
			free(aside);
		} else if (!fs_exists(to)) {
			strlist_push(&added, jars.items[i]);
		}
		if (result == STEP_OK && !(fs_exists(to) && same_bytes(from, to))) {
			if (copy_file(from, to, run->msg) != 0)
				result = STEP_FAILED;
			else
				run_report(run, _("copied %s/%s into %s/"), zlib_rel, jars.items[i],
					   klibs_rel);
		}
		free(from);
		free(to);
	}
	if (result != STEP_OK)
		goto out;
	fsync_dir(klibs);
	fsync_dir(removed);
	if (verify_swap(run, klibs, zlib, target, &jars) != 0) {
		result = STEP_FAILED;
		goto out;
	}
	script_path = fs_join(run->dir, script_rel);
	if (!swapped_before || !fs_exists(script_path)) {
		char *script;

		/* On a rerun "added" is empty: the script of the first swap stays. */
		if (swapped_before)
			for (size_t i = 0; i < jars.len; i++)
				if (!strlist_contains(&added, jars.items[i]))
					strlist_push(&added, jars.items[i]);
		if (swapped_before)
			for (size_t i = 0; i < kept.len; i++)
				strlist_push(&moved, kept.items[i]);
		script = revert_script(r->kafka.top, r->kafka.libdir, &added, &moved);
		if (step_write_file(run, script_rel, script, strlen(script), 0755) != 0)
			result = STEP_FAILED;
		free(script);
	}
	if (result == STEP_OK)
		run_report(run, _("%s/ holds %s and no other ZooKeeper jar; each copy is "
				  "identical to ZooKeeper's. To undo the swap: sh %s"),
			   klibs_rel, target, script_rel);
out:
	strlist_free(&shipped);
	strlist_free(&jars);
	strlist_free(&old);
	strlist_free(&added);
	strlist_free(&moved);
	strlist_free(&kept);
	free(klibs_rel);
	free(klibs);
	free(zlib_rel);
	free(zlib);
	free(removed_rel);
	free(removed);
	free(script_rel);
	free(script_path);
	free(target);
	return result;
}

static enum step_result
apply_jars(const struct step_run *run)
{
	struct releases r;
	enum step_result result;

	if (releases_load(run->plan, &r, run->msg) != 0)
		return STEP_FAILED;
	result = unpack_one(run, &r.kafka);
	if (result == STEP_OK)
		result = unpack_one(run, &r.zookeeper);
	if (result == STEP_OK)
		result = swap_jars(run, &r);
	releases_free(&r);
	return result;
}

static const char *const download_keys[] = {
	"kafka.version", "kafka.scala", "zookeeper.version", "kafka.sha512", "zookeeper.sha512",
	NULL,
};
static const char *const jars_keys[] = { NULL };

const struct step step_download = {
	.id = "download",
	.title = N_("Download"),
	.explain = N_("Fetches the Kafka and ZooKeeper release archives and checks their "
		      "SHA-512 against the official checksum files."),
	.keys = download_keys,
	.render = render_download,
	.apply = apply_download,
};

const struct step step_jars = {
	.id = "jars",
	.title = N_("Swap jars"),
	.explain = N_("Unpacks both releases, moves Kafka's ZooKeeper 3.4 client jar out of "
		      "libs/ (the article deletes it) and copies in ZooKeeper 3.5's jars, which "
		      "can speak TLS."),
	.keys = jars_keys,
	.render = render_jars,
	.apply = apply_jars,
};
