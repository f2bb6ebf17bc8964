/* The build tree's data and catalogs for the program run from the build tree. */
#include <config.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buildtree.h"

static pthread_once_t decided = PTHREAD_ONCE_INIT;
static bool is_self;

/*
 * Only the path of our own executable is compared with the one configure
 * recorded (both physical): an installed copy of the same program never
 * opens, or even looks up, anything in the build tree.
 */
static void
decide(void)
{
#ifdef BUILD_TREE_PROGRAM
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self);

	if (n > 0 && (size_t)n < sizeof self) {
		self[n] = '\0';
		is_self = strcmp(self, BUILD_TREE_PROGRAM) == 0;
	}
#endif
}

bool
buildtree_is_self(void)
{
	pthread_once(&decided, decide);
	return is_self;
}

static const char *
choose(const char *variable, const char *in_build_tree, const char *installed)
{
	const char *env = getenv(variable);

	if (env != NULL && env[0] != '\0')
		return env;
	if (in_build_tree != NULL && buildtree_is_self())
		return in_build_tree;
	return installed;
}

const char *
datadir(void)
{
#ifdef BUILD_TREE_DATADIR
	return choose("ZKTLS_DATADIR", BUILD_TREE_DATADIR, PKGDATADIR);
#else
	return choose("ZKTLS_DATADIR", NULL, PKGDATADIR);
#endif
}

const char *
localedir(void)
{
#ifdef BUILD_TREE_LOCALEDIR
	return choose("ZKTLS_LOCALEDIR", BUILD_TREE_LOCALEDIR, LOCALEDIR);
#else
	return choose("ZKTLS_LOCALEDIR", NULL, LOCALEDIR);
#endif
}
