/*
 * Unpacking release archives with libarchive, refusing anything that would
 * land outside the archive's own top folder.
 */
#ifndef ZK_UNPACK_H
#define ZK_UNPACK_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "msg.h"

enum unpack_result {
	UNPACK_OK,
	UNPACK_FAILED,
	UNPACK_CANCELLED,
};

struct unpack {
	const atomic_bool *cancel;      /* checked once per entry */
	/* Archive bytes read so far of total, at most ~10 times a second. */
	void (*progress)(void *user, uint64_t done, uint64_t total);
	void *user;
};

/*
 * Unpacks archive into dir/top.  Every entry must lie under top/ with no ".."
 * and no absolute path, and every link must stay inside top/; one bad entry
 * refuses the whole archive.  The entries go to a temporary folder inside dir
 * first (UNPACK_TEMP_DIR), which is renamed into place only when the whole
 * archive was good, so a refusal, a failure or a cancel leaves no dir/top.
 * dir/top must not exist.
 */
enum unpack_result unpack_archive(const struct unpack *u, const char *archive, const char *dir,
				  const char *top, struct msg *err);

#define UNPACK_TEMP_DIR ".zktls-unpack"

/*
 * The entry checks, exported for the tests.  path is an archive entry name;
 * on success normal gets it without "./" and empty parts (caller frees).
 */
bool unpack_path_ok(const char *top, const char *path, char **normal, const char **why);
/* A symbolic link at path (normalised) pointing at target stays inside top. */
bool unpack_symlink_ok(const char *top, const char *path, const char *target, const char **why);

/* rm -rf that never follows a symbolic link; a missing path is fine. */
int unpack_remove_tree(const char *path, struct msg *err);

#endif
