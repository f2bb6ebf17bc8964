/*
 * HTTP(S) downloads with libcurl: certificate checks on, redirects followed,
 * resume after a dropped connection, a stall timeout, progress and cancel.
 */
#ifndef ZK_FETCH_H
#define ZK_FETCH_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "msg.h"
#include "sha512.h"

enum fetch_result {
	FETCH_OK,
	FETCH_FAILED,
	FETCH_CANCELLED,
};

struct fetch {
	const char *ca_file;    /* trusted besides the system's store, or NULL */
	long stall_seconds;     /* 0: fetch_stall_seconds() */
	unsigned retries;       /* tries in a row without progress; 0: 3 */
	const atomic_bool *cancel;
	/* At most ~10 times a second; total 0 when the server did not say. */
	void (*progress)(void *user, uint64_t done, uint64_t total, double rate);
	/* A line for the user: "connection dropped at 12 MiB; resuming". */
	void (*note)(void *user, const char *line);
	void *user;
};

/*
 * $ZKTLS_STALL_SECONDS when set (tests use 1 or 2), else 30: a transfer that
 * moves less than 1 KiB a second for that long is given up (and retried).
 */
long fetch_stall_seconds(void);

/*
 * Downloads url into part, continuing from what part already holds (Range);
 * part is created if absent and is the only file written.  sha512 receives
 * the hash of the whole file, computed while writing.  On failure or cancel
 * part stays, so a later call resumes.
 */
enum fetch_result fetch_file(const struct fetch *f, const char *url, const char *part,
			     char sha512[SHA512_HEX_LEN + 1], uint64_t *size, struct msg *err);

/* A small file (a .sha512) into memory: at most max bytes. */
enum fetch_result fetch_small(const struct fetch *f, const char *url, size_t max, char **data,
			      size_t *len, struct msg *err);

#endif
