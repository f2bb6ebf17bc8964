/*
 * Where the program's data and message catalogs are: $ZKTLS_DATADIR and
 * $ZKTLS_LOCALEDIR when set; else, for the program configure built in this
 * build tree and run from there, that tree's data/ and po/locale/; else
 * where make install put them.
 */
#ifndef ZK_BUILDTREE_H
#define ZK_BUILDTREE_H

#include <stdbool.h>

/* Whether this process runs the very file the build tree's program is. */
bool buildtree_is_self(void);

/* The directory holding templates/ and releases.conf. */
const char *datadir(void);

/* The directory bindtextdomain gets: LANG/LC_MESSAGES/zktls-wizard.mo. */
const char *localedir(void);

#endif
