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
#include "util.h"

enum unpack_result {
	UNPACK_OK,
	UNPACK_FAILED,
	UNPACK_CANCELLED,
};

struct unpack {
	const atomic_bool *cancel;      /* checked between entries and between blocks */
	/* Archive bytes read so far of total, at most ~10 times a second. */
	void (*progress)(void *user, uint64_t done, uint64_t total);
	void *user;
	/*
	 * Entries whose bytes are compared with the archive's once written
	 * (fnmatch patterns on normalised names, "top/lib/zookeeper-*.jar"):
	 * the jars the swap copies.  Every entry is compared by type and size.
	 */
	const struct strlist *compare;
	/*
	 * unpack_verify only: entries (patterns as above) whose difference
	 * fails the comparison; others are only noted.  NULL: every entry.
	 */
	const struct strlist *critical;
	/*
	 * unpack_verify only: an entry directly in the folder moved_from (a
	 * normalised name, "top/libs") whose name exists in moved_to (relative
	 * to dir) was moved there by the jar swap and is compared there.
	 */
	const char *moved_from, *moved_to;
	uint64_t max_entry;     /* 0: UNPACK_MAX_ENTRY */
	uint64_t max_total;     /* 0: UNPACK_MAX_RATIO times the archive, at least UNPACK_MIN_TOTAL */
};

/*
 * Expansion limits, well above what any Kafka or ZooKeeper release needs
 * (the largest file, rocksdbjni, is under 70 MiB; a release unpacks to
 * about its archive's size): an archive that would fill the disk with
 * zeros is refused, naming the limit.
 */
#define UNPACK_MAX_ENTRY (256ULL << 20)
#define UNPACK_MIN_TOTAL (256ULL << 20)
#define UNPACK_MAX_RATIO 4

/*
 * Unpacks archive into dir/top.  Every entry must lie under top/ with no ".."
 * and no absolute path, and every link must stay inside top/; one bad entry
 * refuses the whole archive.  The entries go to a temporary folder inside dir
 * first (UNPACK_TEMP_DIR); every write is checked, and the tree is compared
 * with the archive (unpack_verify) before it is renamed into place, so a
 * refusal, a failure (a full disk), a limit or a cancel leaves no dir/top.
 * dir/top must not exist.
 */
enum unpack_result unpack_archive(const struct unpack *u, const char *archive, const char *dir,
				  const char *top, struct msg *err);

/*
 * Compares dir/top with archive: every entry is there with its type, its
 * size (a file) or its target (a link), and the entries matching u->compare
 * hold the archive's bytes.  UNPACK_FAILED names the first difference in a
 * critical entry (and how many there are) or why the archive could not be
 * read; differences elsewhere (a script or configuration the user edited)
 * are described in note (empty when none).
 */
enum unpack_result unpack_verify(const struct unpack *u, const char *archive, const char *dir,
				 const char *top, struct msg *note, struct msg *err);

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
