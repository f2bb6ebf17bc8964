/*
 * "What changes": a rendered file against the one on disk.  The disk is read
 * once per file and cached (a snapshot taken when a screen is entered), so
 * comparing on every keystroke costs no I/O.
 */
#ifndef ZK_REVIEW_H
#define ZK_REVIEW_H

#include "manifest.h"
#include "render.h"
#include "util.h"

enum disk_change {
	CHANGE_NEW,       /* not on disk yet */
	CHANGE_SAME,      /* on disk with these very bytes */
	CHANGE_UPDATE,    /* the wizard's earlier version: it will be replaced */
	CHANGE_EDITED,    /* changed by someone since the wizard wrote it: kept unless forced */
	CHANGE_FOREIGN,   /* not written by the wizard: kept unless forced */
};

struct disk_cache;

struct disk_cache *disk_cache_new(const char *dir, const struct manifest *m);
void disk_cache_free(struct disk_cache *c);

enum disk_change review_change(struct disk_cache *c, const struct output *o);
/* A translated word for the change, for headers and lists. */
const char *review_change_name(enum disk_change change);

/*
 * A line diff of disk against the output: lines prefixed "  ", "- " or "+ ".
 * Secrets are masked: the output's secret spans, and on the disk side the
 * values of lines that name a password or a JAAS configuration.
 */
char *review_diff(struct disk_cache *c, const struct output *o);

#endif
