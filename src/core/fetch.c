#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "fetch.h"
#include "fileread.h"
#include "fsutil.h"
#include "hashpipe.h"
#include "i18n.h"
#include "util.h"

#define DEFAULT_STALL_SECONDS 30
#define DEFAULT_RETRIES 3
/*
 * Tries per download in all, whatever each brought: a server that sends a
 * few bytes and then stalls, again and again, is given up in bounded time
 * (8 stall timeouts), and a rerun resumes from what was kept.
 */
#define MAX_ATTEMPTS 8
#define STALL_BYTES_PER_SECOND 1024
#define PROGRESS_INTERVAL_NS 100000000LL
#define COALESCE_BYTES (1024 * 1024)
#define BACKOFF_FIRST_MS 500
#define BACKOFF_MAX_MS 8000

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_code;

/*
 * libcurl is set up on first use, not at start: a run that downloads nothing
 * pays nothing (DESIGN §9).  pthread_once because the TUI fetches from its
 * worker thread.
 */
static void
curl_init(void)
{
	curl_init_code = curl_global_init(CURL_GLOBAL_DEFAULT);
}

long
fetch_stall_seconds(void)
{
	const char *env = getenv("ZKTLS_STALL_SECONDS");
	long seconds;

	if (env != NULL && parse_long(env, 1, 3600, &seconds))
		return seconds;
	return DEFAULT_STALL_SECONDS;
}

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Where the bytes go: a file (hashed while written) or a small memory buffer. */
struct sink {
	int fd;                 /* -1: memory */
	struct sha512 *hash;
	struct hashpipe *pipe;  /* hashes on another thread; NULL: inline */
	char *pending;          /* received bytes not yet written: few large writes */
	size_t pending_len;
	struct buf mem;
	size_t max;
	uint64_t offset;        /* bytes the file held when this attempt started */
	uint64_t written;       /* bytes this attempt wrote */
	bool checked_status;
	int write_errno;
	bool too_big;
	CURL *curl;
	const struct fetch *f;
	int64_t last_report_ns;
	uint64_t last_report_done;
	double rate;
};

/* Writes bytes to the file and hashes them. */
static int
sink_store(struct sink *s, const char *data, size_t len)
{
	for (size_t done = 0; done < len;) {
		ssize_t n = write(s->fd, data + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			s->write_errno = errno;
			return -1;
		}
		done += (size_t)n;
	}
	if (s->pipe != NULL)
		hashpipe_push(s->pipe, data, len);
	else
		sha512_update(s->hash, data, len);
	return 0;
}

static int
sink_flush(struct sink *s)
{
	int rc = 0;

	if (s->fd >= 0 && s->pending_len > 0)
		rc = sink_store(s, s->pending, s->pending_len);
	s->pending_len = 0;
	return rc;
}

/* Starting over: the bytes still queued belong to the discarded attempt. */
static void
sink_reset_hash(struct sink *s)
{
	if (s->pipe != NULL)
		hashpipe_drain(s->pipe);
	sha512_reset(s->hash);
}

static size_t
on_data(char *data, size_t size, size_t nmemb, void *user)
{
	struct sink *s = user;
	size_t len = size * nmemb;

	if (!s->checked_status) {
		long code = 0;

		s->checked_status = true;
		curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &code);
		/* A server that ignores Range sends everything again: start over. */
		if (s->fd >= 0 && s->offset > 0 && code == 200) {
			if (ftruncate(s->fd, 0) != 0 || lseek(s->fd, 0, SEEK_SET) != 0) {
				s->write_errno = errno;
				return 0;
			}
			sink_reset_hash(s);
			s->offset = 0;
		}
	}
	if (s->fd < 0) {
		if (s->mem.len + len > s->max) {
			s->too_big = true;
			return 0;
		}
		buf_add(&s->mem, data, len);
		s->written += len;
		return len;
	}
	/* libcurl hands over 16 KiB at a time: gather them into megabyte writes. */
	if (s->pending_len + len > COALESCE_BYTES && sink_flush(s) != 0)
		return 0;
	if (len >= COALESCE_BYTES) {
		if (sink_store(s, data, len) != 0)
			return 0;
	} else {
		memcpy(s->pending + s->pending_len, data, len);
		s->pending_len += len;
	}
	s->written += len;
	return len;
}

static void
report_progress(struct sink *s, uint64_t total, bool final)
{
	int64_t now = now_ns();
	uint64_t done = s->offset + s->written;
	double dt = (double)(now - s->last_report_ns) / 1e9;

	if (s->f->progress == NULL || (!final && now - s->last_report_ns < PROGRESS_INTERVAL_NS))
		return;
	if (dt > 0 && done >= s->last_report_done) {
		double inst = (double)(done - s->last_report_done) / dt;

		/* Smoothed, so the ETA a front end derives does not jump about. */
		s->rate = s->rate > 0 ? 0.7 * s->rate + 0.3 * inst : inst;
	}
	s->last_report_ns = now;
	s->last_report_done = done;
	s->f->progress(s->f->user, done, total, s->rate);
}

static int
on_progress(void *user, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
	    curl_off_t ulnow)
{
	struct sink *s = user;

	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	/* libcurl calls this at least once a second even when no data comes. */
	if (s->f->cancel != NULL && atomic_load(s->f->cancel))
		return 1;
	report_progress(s, dltotal > 0 ? s->offset + (uint64_t)dltotal : 0, false);
	return 0;
}

/*
 * --ca-file adds to the system's store instead of replacing it (what
 * CURLOPT_CAINFO would do), so a private mirror and the official site both
 * work in one run.
 */
static CURLcode
on_ssl_ctx(CURL *curl, void *ssl_ctx, void *user)
{
	X509_STORE *store = SSL_CTX_get_cert_store(ssl_ctx);

	(void)curl;
	if (store == NULL || X509_STORE_load_file(store, user) != 1)
		return CURLE_SSL_CACERT_BADFILE;
	return CURLE_OK;
}

static CURL *
make_handle(const struct fetch *f, const char *url, struct sink *s, char *errbuf, long stall)
{
	CURL *curl = curl_easy_init();
	bool https = strncmp(url, "https:", 6) == 0;

	if (curl == NULL)
		return NULL;
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	/* Never from https down to http on a redirect. */
	curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, https ? "https" : "http,https");
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 10L);
	curl_easy_setopt(curl, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(curl, CURLOPT_USERAGENT, PACKAGE_NAME "/" PACKAGE_VERSION);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, stall);
	curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, (long)STALL_BYTES_PER_SECOND);
	curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, stall);
	/* Bigger reads: fewer write(2) and hash calls at loopback speed. */
	curl_easy_setopt(curl, CURLOPT_BUFFERSIZE, 256L * 1024);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(curl, CURLOPT_XFERINFODATA, s);
	if (f->ca_file != NULL) {
		/* A store cached across connections would keep our additions; keep it fresh. */
		curl_easy_setopt(curl, CURLOPT_CA_CACHE_TIMEOUT, 0L);
		if (curl_easy_setopt(curl, CURLOPT_SSL_CTX_FUNCTION, on_ssl_ctx) != CURLE_OK) {
			/* A TLS library without the hook: the file replaces the store. */
			curl_easy_setopt(curl, CURLOPT_CAINFO, f->ca_file);
		} else {
			curl_easy_setopt(curl, CURLOPT_SSL_CTX_DATA, (void *)f->ca_file);
		}
	}
	if (s->offset > 0)
		curl_easy_setopt(curl, CURLOPT_RESUME_FROM_LARGE, (curl_off_t)s->offset);
	return curl;
}

/* Sleeps ms, waking early on cancel; true when cancelled. */
static bool
backoff(const struct fetch *f, unsigned ms)
{
	for (unsigned slept = 0; slept < ms; slept += 100) {
		struct timespec ts = { 0, 100 * 1000000L };

		if (f->cancel != NULL && atomic_load(f->cancel))
			return true;
		nanosleep(&ts, NULL);
	}
	return f->cancel != NULL && atomic_load(f->cancel);
}

static bool
retryable(CURLcode rc, long http_code)
{
	switch (rc) {
	case CURLE_PARTIAL_FILE:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_COULDNT_CONNECT:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_SSL_CONNECT_ERROR:
		return true;
	case CURLE_HTTP_RETURNED_ERROR:
		/* Overloaded or restarting: worth another try.  A 500 is a broken server. */
		return http_code == 502 || http_code == 503 || http_code == 504 ||
		       http_code == 408 || http_code == 429;
	default:
		return false;
	}
}

static void
describe_failure(struct msg *err, const char *url, CURLcode rc, long http_code,
		 const char *errbuf, long stall, const struct sink *s)
{
	const char *detail = errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc);

	if (s->write_errno != 0)
		msg_set(err, _("%s: cannot write the download: %s"), url, strerror(s->write_errno));
	else if (s->too_big)
		msg_set(err, _("%s: larger than a checksum file can be (%zu bytes)"), url, s->max);
	else if (rc == CURLE_HTTP_RETURNED_ERROR && http_code == 404)
		msg_set(err, _("%s: not found on the server (HTTP 404); check --mirror and the "
			       "versions"), url);
	else if (rc == CURLE_HTTP_RETURNED_ERROR)
		msg_set(err, _("%s: the server answered HTTP %ld"), url, http_code);
	else if (rc == CURLE_OPERATION_TIMEDOUT)
		msg_set(err, _("%s: the transfer stalled (less than 1 KiB/s for %ld seconds); "
			       "the partial download is kept and a rerun resumes it (%s)"),
			url, stall, detail);
	else if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE)
		msg_set(err, _("%s: the server's certificate is not trusted (%s); if it comes "
			       "from a private CA, pass that CA with --ca-file"), url, detail);
	else if (rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_COULDNT_CONNECT)
		msg_set(err, _("%s: cannot connect (%s); without a network, use --archives DIR"),
			url, detail);
	else
		msg_set(err, _("%s: download failed: %s"), url, detail);
}

static enum fetch_result
run_transfer(const struct fetch *f, const char *url, struct sink *s, struct msg *err)
{
	long stall = f->stall_seconds > 0 ? f->stall_seconds : fetch_stall_seconds();
	unsigned retries = f->retries > 0 ? f->retries : DEFAULT_RETRIES;
	unsigned fruitless = 0;
	/* Less than the stall limit asks for in one window is no progress: a trickle. */
	uint64_t progress_bytes = (uint64_t)STALL_BYTES_PER_SECOND * (uint64_t)stall;

	pthread_once(&curl_once, curl_init);
	if (curl_init_code != CURLE_OK)
		return msg_set(err, _("cannot set up libcurl: %s"),
			       curl_easy_strerror(curl_init_code)), FETCH_FAILED;
	for (unsigned attempt = 1;; attempt++) {
		char errbuf[CURL_ERROR_SIZE] = "";
		long http_code = 0;
		CURLcode rc;

		if (s->fd < 0) {
			/* A small file is fetched whole each time, never resumed. */
			s->mem.len = 0;
			s->offset = 0;
		}
		s->written = 0;
		s->checked_status = false;
		s->last_report_ns = now_ns();
		s->last_report_done = s->offset;
		s->curl = make_handle(f, url, s, errbuf, stall);
		if (s->curl == NULL)
			return msg_set(err, _("cannot set up libcurl")), FETCH_FAILED;
		rc = curl_easy_perform(s->curl);
		/* Everything received is on disk before anything counts it. */
		if (sink_flush(s) != 0 && rc == CURLE_OK)
			rc = CURLE_WRITE_ERROR;
		curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &http_code);
		if (rc == CURLE_OK) {
			curl_off_t total = -1;

			curl_easy_getinfo(s->curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &total);
			report_progress(s, total > 0 ? s->offset + (uint64_t)total : 0, true);
			curl_easy_cleanup(s->curl);
			return FETCH_OK;
		}
		curl_easy_cleanup(s->curl);
		s->curl = NULL;
		if (rc == CURLE_ABORTED_BY_CALLBACK && f->cancel != NULL && atomic_load(f->cancel))
			return FETCH_CANCELLED;
		/* What this attempt brought is kept: the next one asks for the rest. */
		if (s->fd >= 0)
			s->offset += s->written;
		/* Progress shortens the wait before the next try; it never adds tries. */
		fruitless = s->written >= progress_bytes ? 1 : fruitless + 1;
		if (((rc == CURLE_HTTP_RETURNED_ERROR && http_code == 416) ||
		     rc == CURLE_RANGE_ERROR) && s->fd >= 0 && s->offset > 0) {
			/*
			 * 416: the partial file is longer than the archive, so it is
			 * not ours; a range error: the server cannot resume.  Either
			 * way the download starts over.
			 */
			if (ftruncate(s->fd, 0) != 0 || lseek(s->fd, 0, SEEK_SET) != 0)
				return msg_set(err, _("%s: cannot start over: %s"), url,
					       strerror(errno)), FETCH_FAILED;
			sink_reset_hash(s);
			s->offset = 0;
		} else if (!retryable(rc, http_code) || s->write_errno != 0 ||
			   fruitless > retries || attempt >= MAX_ATTEMPTS) {
			describe_failure(err, url, rc, http_code, errbuf, stall, s);
			if (attempt > 1 && retryable(rc, http_code) && s->write_errno == 0)
				msg_append(err, _("(gave up after %u tries; a download gets at most "
						  "%u, and %u in a row that bring less than %llu bytes)"),
					   attempt, MAX_ATTEMPTS, retries + 1,
					   (unsigned long long)progress_bytes);
			return FETCH_FAILED;
		}
		if (f->note != NULL) {
			char line[512];

			snprintf(line, sizeof line,
				 _("%s: %s after %llu bytes; trying again (try %u of at most %u)"),
				 url, errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc),
				 (unsigned long long)s->offset, attempt + 1, MAX_ATTEMPTS);
			f->note(f->user, line);
		}
		/* Right away after progress; else 0.5 s, 1 s, 2 s ... */
		if (fruitless > 1) {
			unsigned ms = BACKOFF_FIRST_MS << (fruitless - 2 < 5 ? fruitless - 2 : 5);

			if (backoff(f, ms > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : ms))
				return FETCH_CANCELLED;
		}
	}
}

enum fetch_result
fetch_file(const struct fetch *f, const char *url, const char *part,
	   char sha512[SHA512_HEX_LEN + 1], uint64_t *size, struct msg *err)
{
	enum { CHUNK = 256 * 1024 };
	struct sink s = { .fd = -1, .f = f };
	enum fetch_result result;
	struct stat st = { 0 };
	char *chunk;
	ssize_t n;

	/*
	 * Through fsutil: under a pinned DIR the .part is reached from DIR's
	 * descriptor, whatever DIR's name leads to now.  O_NONBLOCK: a FIFO put
	 * there fails the open instead of waiting for a reader.
	 */
	s.fd = fs_open(part, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK, 0644);
	if (s.fd < 0)
		return msg_set(err, _("%s: cannot write it: %s"), part, strerror(errno)),
		       FETCH_FAILED;
	if (fstat(s.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(s.fd);
		return msg_set(err, _("%s is %s, not a regular file; move it away"), part,
			       file_type_name(st.st_mode)), FETCH_FAILED;
	}
	/* What an earlier, interrupted run fetched is hashed first, then continued. */
	s.hash = sha512_new();
	chunk = xmalloc(CHUNK);
	while ((n = read(s.fd, chunk, CHUNK)) > 0) {
		sha512_update(s.hash, chunk, (size_t)n);
		s.offset += (uint64_t)n;
	}
	free(chunk);
	if (n < 0) {
		msg_set(err, _("%s: cannot read it: %s"), part, strerror(errno));
		result = FETCH_FAILED;
	} else {
		if (s.offset > 0 && f->note != NULL) {
			char line[512];

			snprintf(line, sizeof line, _("resuming %s at byte %llu"), url,
				 (unsigned long long)s.offset);
			f->note(f->user, line);
		}
		s.pipe = hashpipe_start(s.hash);
		s.pending = xmalloc(COALESCE_BYTES);
		result = run_transfer(f, url, &s, err);
		hashpipe_stop(s.pipe);
		s.pipe = NULL;
		free(s.pending);
		s.pending = NULL;
	}
	/*
	 * No fsync: the archive is checked against its SHA-512 before it gets
	 * its final name and again on every rerun, so bytes a crash lost are
	 * found and fetched again; an fsync of 100 MB would cost more than the
	 * transfer.
	 */
	if (close(s.fd) != 0 && result == FETCH_OK) {
		msg_set(err, _("%s: cannot write it: %s"), part, strerror(errno));
		result = FETCH_FAILED;
	}
	if (result == FETCH_OK) {
		sha512_final_hex(s.hash, sha512);
		if (size != NULL)
			*size = s.offset + s.written;
	}
	sha512_free(s.hash);
	return result;
}

enum fetch_result
fetch_small(const struct fetch *f, const char *url, size_t max, char **data, size_t *len,
	    struct msg *err)
{
	struct sink s = { .fd = -1, .f = f, .max = max };
	enum fetch_result result;

	buf_init(&s.mem);
	/* Each attempt starts from nothing: a small file is not worth resuming. */
	result = run_transfer(f, url, &s, err);
	if (result != FETCH_OK) {
		buf_free(&s.mem);
		return result;
	}
	*data = buf_steal(&s.mem, len);
	if (*data == NULL) {
		*data = xstrdup("");
		*len = 0;
	}
	return FETCH_OK;
}
