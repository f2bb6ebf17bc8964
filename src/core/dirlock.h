/*
 * One writer per working directory (DESIGN §11), and the directory pinned.
 *
 * A run that writes takes DIR with dirlock_acquire(): DIR is opened once
 * (its last component never through someone else's link), checked (ours, not
 * writable by others, a path Kafka's scripts can use) and pinned in fsutil,
 * and DIR/.zktls-wizard/lock is locked for the rest of the process and names
 * the holder.  A second run is refused at once with the holder's PID and
 * start time.  While a step writes, the writer also holds a "writing" lock
 * that `check` waits for, so check reads the directory between steps, never
 * half-way through one.
 */
#ifndef ZK_DIRLOCK_H
#define ZK_DIRLOCK_H

#include <stdatomic.h>
#include <stdbool.h>

#include "msg.h"

enum dirlock_flags {
	/*
	 * DIR did not exist when this run read its answers: if another run
	 * has since made it and saved answers there, refuse rather than
	 * overwrite them with answers that never saw theirs.
	 */
	DIRLOCK_NEW = 1u << 0,
};

/*
 * Opens DIR (making it, 0700, when absent), checks it, takes the lock and
 * pins it.  Calling it again for a DIR this process holds does nothing.
 */
int dirlock_acquire(const char *dir, unsigned flags, struct msg *err);
bool dirlock_held(const char *dir);
/* Ends what dirlock_acquire began (the kernel does it at exit, too). */
void dirlock_release(void);

/*
 * Around a step's writes (nests; a DIR this process does not hold: no-op).
 * Waits while a check is reading; returns -1 with err set when cancel is.
 */
int dirlock_write_begin(const char *dir, const atomic_bool *cancel, struct msg *err);
void dirlock_write_end(const char *dir);
/* Fails, naming DIR, when DIR's name no longer leads to the directory we hold. */
int dirlock_check_same(const char *dir, struct msg *err);

/*
 * For check: waits until no writer is in a step and keeps writers out
 * until dirlock_read_end.  waiting (may be NULL) is told once, with a line
 * naming the writer, if it has to wait.  A DIR no writer ever locked needs
 * nothing: *reader is then -1.
 */
int dirlock_read_begin(const char *dir, void (*waiting)(void *user, const char *line),
		       void *user, int *reader, struct msg *err);
void dirlock_read_end(int reader);

#endif
