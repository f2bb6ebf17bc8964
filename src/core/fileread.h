/*
 * Reading files that may be anything: the working directory, an answers file
 * or a path named in a configuration can hold a FIFO (an open would block
 * forever), a link to /dev/zero (a read would never end) or a huge file.
 * Every reader of such a file goes through file_read (or, for a stream,
 * file_open_regular), which opens regular files only and reads with a limit.
 */
#ifndef ZK_FILEREAD_H
#define ZK_FILEREAD_H

#include <fcntl.h>
#include <stddef.h>
#include <sys/stat.h>

#include "msg.h"

/* Flags for file_open_regular and file_read_at. */
#define FILE_FOLLOW 0u          /* a symbolic link is followed; its target must be regular */
#define FILE_NOFOLLOW 1u        /* a symbolic link itself is refused */

/*
 * Opens path (relative to dirfd: AT_FDCWD or an open directory) for reading
 * when it is a regular file; anything else is refused before it is opened
 * (a device is never opened) and again after (fstat, the same inode), with a
 * message naming path and what it is.  The open never blocks (O_NONBLOCK).
 * Returns the descriptor and fills *st, or -1 with err set.
 */
int file_open_regular(int dirfd, const char *path, unsigned flags, struct stat *st,
		      struct msg *err);
/* As file_open_regular, but messages name shown (e.g. the whole path of a relative one). */
int file_open_regular_as(int dirfd, const char *path, const char *shown, unsigned flags,
			 struct stat *st, struct msg *err);

/*
 * Reads the whole regular file path into *data (NUL-terminated, caller
 * frees), refusing one of more than max bytes with a message naming path and
 * the limit.  A file that grows while read is cut off at max + 1 bytes and
 * refused the same way.  Returns 0, or -1 with err set and *data NULL.
 */
int file_read_at(int dirfd, const char *path, size_t max, unsigned flags, char **data,
		 size_t *len, struct msg *err);
/*
 * As file_read_at, for fd that file_open_regular opened (st is what it
 * filled in); closes fd.
 */
int file_read_open(int fd, const struct stat *st, const char *path, size_t max, char **data,
		   size_t *len, struct msg *err);
/* file_read_at relative to the current directory. */
int file_read(const char *path, size_t max, unsigned flags, char **data, size_t *len,
	      struct msg *err);

/*
 * Writes all of data to fd, retrying after EINTR and short writes.  Returns
 * 0, or -1 with errno set; a write that stops without saying why (a full
 * disk may answer with 0) reports ENOSPC.
 */
int file_write_all(int fd, const void *data, size_t len);

/* "a named pipe (FIFO)", "a folder", ...: what a non-regular file is, for messages. */
const char *file_type_name(mode_t mode);

#endif
