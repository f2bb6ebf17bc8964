/*
 * File operations with the safety rules of DESIGN §8.
 *
 * A working directory, once opened and checked (dirlock.c), is pinned here
 * by its descriptor: every function below that is given a path under a
 * pinned DIR (spelled as DIR was given, or as its absolute form) resolves it
 * relative to that descriptor with openat() and friends, refuses ".." and
 * follows no symbolic link below DIR.  Renaming DIR or swapping it for a
 * link after the check then changes nothing about where files go.  Paths
 * elsewhere are used as they are.
 */
#ifndef ZK_FSUTIL_H
#define ZK_FSUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "msg.h"

/* Pins dir to fd (which fsutil then owns and closes on unpin). */
void fs_pin_dir(const char *dir, int fd);
void fs_unpin_dir(const char *dir);
/* The descriptor pinned for dir, or -1. */
int fs_pinned_fd(const char *dir);

/*
 * A plain relative name inside a directory: not empty, not absolute, no
 * "." or ".." component, no empty component, no control character.
 */
bool fs_rel_path_ok(const char *rel);

/*
 * Writes path atomically: a temporary "path.PID-RANDOM.zktls-tmp" in the
 * same directory, created exclusively with mode, written, fsynced, renamed
 * over path, and the directory fsynced.  An interrupted write leaves the old
 * file or the new one; the temporary files of dead runs for the same path
 * are removed first.
 */
int fs_write_atomic(const char *path, const void *data, size_t len, unsigned mode,
		    struct msg *err);
/*
 * A temporary name for path, unique to this run and call; leftovers of dead
 * runs for the same path are removed.  Caller frees.
 */
char *fs_temp_name(const char *path);
/* Removes every such leftover of a dead run directly in dir. */
void fs_remove_dead_temps(const char *dir);

/* Reads a whole regular file (refusing anything larger than max, or not regular). */
int fs_read_file(const char *path, size_t max, char **data, size_t *len, struct msg *err);
/* SHA-256 of a regular file's contents, streaming. */
int fs_sha256_file(const char *path, char out[65], struct msg *err);

/* mkdir -p with mode for each directory created. */
int fs_mkdirs(const char *path, unsigned mode, struct msg *err);
bool fs_exists(const char *path);
/* The system calls, resolved as above (O_CLOEXEC added); -1 with errno. */
int fs_open(const char *path, int flags, unsigned mode);
int fs_lstat(const char *path, struct stat *st);
ssize_t fs_readlink(const char *path, char *buf, size_t size);
/*
 * Opens a regular file for reading, resolved as fs_open() resolves it (flags:
 * FILE_FOLLOW or FILE_NOFOLLOW of fileread.h; under a pinned DIR never a
 * link); anything else is refused before it is opened, with the path named.
 */
int fs_open_regular(const char *path, unsigned flags, struct stat *st, struct msg *err);
int fs_chmod(const char *path, unsigned mode);
int fs_unlink(const char *path);
int fs_rename(const char *from, const char *to);
/* Makes renames in dir durable (fsync of the folder); a failure loses nothing but that. */
void fs_fsync_dir(const char *dir);
/* Removes path, a whole tree if it is one, never following a link; absent is fine. */
int fs_remove_tree(const char *path, struct msg *err);
/* path joined to dir; caller frees. */
char *fs_join(const char *dir, const char *path);
/* An absolute, normalised form of path (it need not exist); caller frees. */
char *fs_absolute(const char *path);

/* Moves DIR/REL to DIR/.zktls-wizard/backup/NAME.N and returns the backup's name. */
int fs_backup(const char *dir, const char *rel, char **backup_rel, struct msg *err);

#endif
