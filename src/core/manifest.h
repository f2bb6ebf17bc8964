/*
 * DIR/.zktls-wizard/manifest: per file the step that wrote it, its SHA-256 and
 * mode; per step the hash of the answers it read.  Written atomically after
 * each step.  Resume, stale marking and "the user edited this file" rest on it.
 */
#ifndef ZK_MANIFEST_H
#define ZK_MANIFEST_H

#include <stdbool.h>

#include "msg.h"
#include "util.h"

struct manifest_file {
	char *path;
	char *step;
	char sha256[65];
	char pending[65];       /* being replaced by this version ("" when not) */
	unsigned mode;
};

struct manifest_step {
	char *id;
	char input_hash[65];
	struct strlist keys;    /* the answers the step read: the hash is over these */
};

struct manifest {
	struct manifest_file *files;
	size_t file_count;
	struct manifest_step *steps;
	size_t step_count;
};

/* A missing manifest is an empty one; a malformed one is an error. */
int manifest_load(struct manifest *m, const char *dir, struct msg *err);
int manifest_save(const struct manifest *m, const char *dir, struct msg *err);
void manifest_free(struct manifest *m);

const struct manifest_file *manifest_file_find(const struct manifest *m, const char *path);
void manifest_set_file(struct manifest *m, const char *path, const char *step,
		       const char sha256[65], unsigned mode);
/*
 * Before a file is replaced: records the version about to be written, so a
 * crash between the rename and the next manifest save still finds the file
 * to be the wizard's (old or new, both are known).
 */
void manifest_set_pending(struct manifest *m, const char *path, const char *step,
			  const char sha256[65], unsigned mode);
void manifest_remove_file(struct manifest *m, const char *path);
const struct manifest_step *manifest_step_find(const struct manifest *m, const char *id);
/* keys may be NULL (a manifest from before keys were recorded). */
void manifest_set_step(struct manifest *m, const char *id, const char input_hash[65],
		       const struct strlist *keys);

enum file_state {
	FILE_ABSENT,    /* not on disk */
	FILE_OURS,      /* on disk as the wizard last wrote it */
	FILE_EDITED,    /* written by the wizard, changed since */
	FILE_FOREIGN,   /* on disk, never written by the wizard */
};

/* Compares the file on disk with the manifest; sha256 (may be NULL) gets its hash. */
enum file_state manifest_file_state(const struct manifest *m, const char *dir, const char *path,
				    char sha256[65]);

#endif
