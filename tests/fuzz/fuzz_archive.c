/*
 * The archive entry checks, and the whole unpacker, on arbitrary bytes.  The
 * first byte picks a mode:
 *   0  the rest is "PATH\nTARGET": unpack_path_ok and unpack_symlink_ok with
 *      top "top"; invariants: an accepted path is relative, has no "." or
 *      ".." part and no empty part, and lies under top/; an accepted link,
 *      resolved from its folder, stays under top/;
 *   1  the rest is an archive (tar, gzip, bzip2, xz) unpacked with
 *      unpack_archive into a fresh folder holding a canary file; whatever
 *      the archive holds, nothing appears in that folder but top/, the
 *      canary is untouched, and every link under top/ that resolves leads
 *      into top/.
 */
#include <config.h>

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/unpack.h"
#include "core/util.h"
#include "fuzz.h"

#define TOP "top"

static char base[PATH_MAX];

/* Each run removes what it made: the folder itself goes at exit. */
static void
remove_base(void)
{
	rmdir(base);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");

	(void)argc;
	(void)argv;
	snprintf(base, sizeof base, "%s/zktls-fuzz-archive.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(base) == NULL) {
		perror(base);
		exit(1);
	}
	atexit(remove_base);
	return 0;
}

/* The lexical resolution of target from folder dir: NULL when it climbs above "". */
static char *
resolve(const char *dir, const char *target)
{
	struct strlist parts = { 0 };
	struct buf b;
	char *copy = xasprintf("%s/%s", dir, target), *save = NULL;

	for (char *p = strtok_r(copy, "/", &save); p != NULL; p = strtok_r(NULL, "/", &save)) {
		if (strcmp(p, ".") == 0)
			continue;
		if (strcmp(p, "..") == 0) {
			if (parts.len == 0) {
				strlist_free(&parts);
				free(copy);
				return NULL;
			}
			free(parts.items[--parts.len]);
			continue;
		}
		strlist_push(&parts, p);
	}
	buf_init(&b);
	for (size_t i = 0; i < parts.len; i++)
		buf_printf(&b, "%s%s", i ? "/" : "", parts.items[i]);
	if (b.data == NULL)
		buf_add(&b, "", 0);
	strlist_free(&parts);
	free(copy);
	return buf_steal(&b, NULL);
}

static bool
under_top(const char *p)
{
	return strcmp(p, TOP) == 0 || strncmp(p, TOP "/", sizeof TOP) == 0;
}

static void
check_entry(const char *path, const char *target)
{
	char *normal = NULL;
	const char *why = NULL;

	if (unpack_path_ok(TOP, path, &normal, &why)) {
		char *again = NULL;

		FUZZ_ASSERT(normal != NULL && normal[0] != '/', "'%s' accepted as '%s'", path,
			    normal ? normal : "(null)");
		FUZZ_ASSERT(under_top(normal), "'%s' accepted outside top: '%s'", path, normal);
		FUZZ_ASSERT(strstr(normal, "//") == NULL && normal[strlen(normal) - 1] != '/',
			    "'%s' normalised to '%s', with an empty part", path, normal);
		for (const char *s = normal; s != NULL; s = strchr(s, '/') ? strchr(s, '/') + 1 : NULL)
			FUZZ_ASSERT(strncmp(s, "../", 3) != 0 && strcmp(s, "..") != 0 &&
				    strncmp(s, "./", 2) != 0 && strcmp(s, ".") != 0,
				    "'%s' normalised to '%s', with a dot part", path, normal);
		FUZZ_ASSERT(unpack_path_ok(TOP, normal, &again, &why) && strcmp(again, normal) == 0,
			    "normalising '%s' twice differs", path);
		free(again);
		if (unpack_symlink_ok(TOP, normal, target, &why)) {
			const char *slash = strrchr(normal, '/');
			char *dir = slash ? xstrndup(normal, (size_t)(slash - normal)) : xstrdup("");
			char *end = resolve(dir, target);

			FUZZ_ASSERT(target[0] != '/', "an absolute link target accepted: '%s'", target);
			FUZZ_ASSERT(end != NULL && under_top(end),
				    "link '%s' -> '%s' accepted, leads to '%s'", normal, target,
				    end ? end : "(above the archive)");
			free(end);
			free(dir);
		}
	} else {
		FUZZ_ASSERT(why != NULL && normal == NULL, "a refusal without a reason");
	}
	free(normal);
}

/* Every link under top that resolves leads into top; nothing else beside top. */
static void
walk(const char *root_real, const char *path, bool at_root)
{
	DIR *d = opendir(path);
	struct dirent *e;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		char *child;
		struct stat st;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (at_root && strcmp(e->d_name, "canary") == 0)
			continue;
		FUZZ_ASSERT(!at_root || strcmp(e->d_name, TOP) == 0,
			    "unpacking left '%s' beside the top folder", e->d_name);
		child = xasprintf("%s/%s", path, e->d_name);
		if (lstat(child, &st) == 0) {
			if (S_ISLNK(st.st_mode)) {
				char real[PATH_MAX];

				if (realpath(child, real) != NULL)
					FUZZ_ASSERT(strncmp(real, root_real, strlen(root_real)) == 0 &&
						    (real[strlen(root_real)] == '\0' ||
						     real[strlen(root_real)] == '/'),
						    "link %s leads to %s", child, real);
			} else if (S_ISDIR(st.st_mode)) {
				walk(root_real, child, false);
			} else {
				FUZZ_ASSERT(S_ISREG(st.st_mode), "%s is not a file, folder or link",
					    child);
				FUZZ_ASSERT((st.st_mode & 07002) == 0, "%s has mode %o", child,
					    (unsigned)st.st_mode & 07777);
			}
		}
		free(child);
	}
	closedir(d);
}

static void
unpack_bytes(const uint8_t *data, size_t size)
{
	static unsigned long n;
	char *dir = xasprintf("%s/run%lu", base, n++);
	char *archive = xasprintf("%s/archive", base);
	char *canary = xasprintf("%s/canary", dir);
	char *top = xasprintf("%s/" TOP, dir);
	char top_real[PATH_MAX];
	struct unpack u = { 0 };
	struct msg err;
	FILE *f;
	struct stat st;

	FUZZ_ASSERT(mkdir(dir, 0700) == 0, "mkdir %s", dir);
	f = fopen(canary, "w");
	FUZZ_ASSERT(f != NULL && fputs("canary\n", f) >= 0 && fclose(f) == 0, "canary");
	f = fopen(archive, "wb");
	FUZZ_ASSERT(f != NULL && fwrite(data, 1, size, f) == size && fclose(f) == 0, "archive");
	if (unpack_archive(&u, archive, dir, TOP, &err) == UNPACK_OK) {
		FUZZ_ASSERT(lstat(top, &st) == 0 && S_ISDIR(st.st_mode), "no top folder after success");
		FUZZ_ASSERT(realpath(top, top_real) != NULL, "realpath");
		walk(top_real, dir, true);
	} else {
		FUZZ_ASSERT(err.text[0] != '\0', "a failure without a reason");
		FUZZ_ASSERT(lstat(top, &st) != 0, "a refused archive left its top folder");
		walk("/nonexistent", dir, true);
	}
	FUZZ_ASSERT(stat(canary, &st) == 0 && st.st_size == 7, "the canary changed");
	FUZZ_ASSERT(unpack_remove_tree(dir, &err) == 0, "cleaning up: %s", err.text);
	unlink(archive);
	free(dir);
	free(archive);
	free(canary);
	free(top);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (data[0] & 1) {
		unpack_bytes(data + 1, size - 1);
	} else {
		char *text = xstrndup((const char *)data + 1, size - 1);
		char *nl = strchr(text, '\n');

		if (nl != NULL)
			*nl = '\0';
		check_entry(text, nl != NULL ? nl + 1 : "");
		free(text);
	}
	return 0;
}
