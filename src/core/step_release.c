/* The step that fetches the releases: download (the jars step is step_jars.c). */
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
#include "fileread.h"
#include "fsutil.h"
#include "i18n.h"
#include "sha512.h"
#include "steps.h"

#define DOWNLOADS "downloads"
#define SHA512_FILE_MAX (64 * 1024)
#define COPY_CHUNK (256 * 1024)

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
		buf_printf(&d, _("%s %s: %s under the mirror. "), release_display_name(rel),
			   rel->version, rel->path);
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

	/* Only a regular file: a FIFO there would block the run forever. */
	in = file_open_regular(AT_FDCWD, from, FILE_FOLLOW, &st, run->msg);
	if (in < 0) {
		msg_append(run->msg, _("(--archives names the folder holding the release "
				       "archives)"));
		return STEP_FAILED;
	}
	total = (uint64_t)st.st_size;
	/* O_NONBLOCK: a FIFO put there fails the open instead of waiting for a reader. */
	out = fs_open(part, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0644);
	if (out < 0 || fstat(out, &st) != 0 || !S_ISREG(st.st_mode)) {
		if (out < 0)
			msg_set(run->msg, _("%s: cannot write it: %s"), part, strerror(errno));
		else
			msg_set(run->msg, _("%s is %s, not a regular file; move it away"), part,
				file_type_name(st.st_mode));
		if (out >= 0)
			close(out);
		close(in);
		return STEP_FAILED;
	}
	h = sha512_new();
	chunk = xmalloc(COPY_CHUNK);
	while (result == STEP_OK && (n = read(in, chunk, COPY_CHUNK)) != 0) {
		if (n < 0) {
			msg_set(run->msg, _("%s: cannot read it: %s"), from, strerror(errno));
			result = STEP_FAILED;
		} else if (file_write_all(out, chunk, (size_t)n) != 0) {
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
	if (close(out) != 0 && result == STEP_OK) {
		msg_set(run->msg, _("%s: cannot write it: %s"), part, strerror(errno));
		result = STEP_FAILED;
	}
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

	if (file_read(path, SHA512_FILE_MAX, FILE_NOFOLLOW, &text, &len, &ignored) != 0)
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
				  "path %s"), release_display_name(rel), rel->version, rel->path);
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

		fs_fsync_dir(downloads);
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

static const char *const download_keys[] = {
	"kafka.version", "kafka.scala", "zookeeper.version", "kafka.sha512", "zookeeper.sha512",
	NULL,
};
const struct step step_download = {
	.id = "download",
	.title = N_("Download"),
	.explain = N_("Fetches the Kafka and ZooKeeper release archives and checks their "
		      "SHA-512 against the official checksum files."),
	.keys = download_keys,
	.render = render_download,
	.apply = apply_download,
};
