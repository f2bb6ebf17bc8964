/* File operations with the safety rules of DESIGN §8. */
#ifndef ZK_FSUTIL_H
#define ZK_FSUTIL_H

#include <stdbool.h>
#include <stddef.h>

#include "msg.h"

/*
 * Writes path atomically: a temporary "path.zktls-tmp" in the same directory,
 * created exclusively with mode, written, fsynced, renamed over path, and the
 * directory fsynced.  An interrupted write leaves the old file or the new one.
 */
int fs_write_atomic(const char *path, const void *data, size_t len, unsigned mode,
		    struct msg *err);
/* The temporary name fs_write_atomic uses for path; caller frees. */
char *fs_temp_name(const char *path);

/* Reads a whole regular file (refusing anything larger than max). */
int fs_read_file(const char *path, size_t max, char **data, size_t *len, struct msg *err);
/* SHA-256 of a file's contents, streaming. */
int fs_sha256_file(const char *path, char out[65], struct msg *err);

/*
 * Makes the working directory (mode 0700) if absent; an existing one (or the
 * directory a symlink leads to) must be a directory owned by us, and is
 * tightened to 0700.
 */
int fs_make_workdir(const char *dir, struct msg *err);
/* mkdir -p with mode for each directory created. */
int fs_mkdirs(const char *path, unsigned mode, struct msg *err);
bool fs_exists(const char *path);
/* path joined to dir; caller frees. */
char *fs_join(const char *dir, const char *path);
/* An absolute, normalised form of path (it need not exist); caller frees. */
char *fs_absolute(const char *path);

/* Moves path to DIR/.zktls-wizard/backup/NAME.N and returns the backup's name. */
int fs_backup(const char *dir, const char *rel, char **backup_rel, struct msg *err);

#endif
