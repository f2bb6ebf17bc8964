/*
 * Validation is pure (no disk, no name service) and cheap enough to run on
 * every keystroke.  Every problem names the answer keys it concerns, so a
 * front end can put the message next to the field.  Preflight does what needs
 * the disk, just before a step runs.
 */
#ifndef ZK_VALIDATE_H
#define ZK_VALIDATE_H

#include <stdbool.h>

#include "msg.h"
#include "plan.h"

struct problem {
	struct strlist keys;  /* the answer keys the problem is about */
	char *message;        /* translated, names what would be valid */
};

struct problems {
	struct problem *items;
	size_t len;
};

/* Every problem of the plan, in table order of the first key concerned. */
void validate_plan(const struct plan *p, struct problems *out);
/* Checks one value for its key alone; on failure why says what would be valid. */
bool validate_value(const struct plan *p, const char *key, const char *value, struct msg *why);
/* The first problem concerning key, or NULL. */
const struct problem *problems_find(const struct problems *ps, const char *key);
void problems_free(struct problems *ps);

/* Disk checks before apply: DIR usable, free space.  Returns 0 or -1 with msg. */
int preflight_dir(const char *dir, unsigned long long need_bytes, struct msg *msg);
/*
 * What answers say about this machine, checked before anything is written:
 * java.home (when given) holds an executable bin/java.  Returns 0 or -1 with
 * msg naming the key.
 */
int preflight_answers(const struct plan *p, struct msg *msg);

#endif
