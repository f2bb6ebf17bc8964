/*
 * The release catalog in data/releases.conf: what each Kafka and ZooKeeper
 * release can do.  Loaded once at start, so validation stays pure and cheap.
 */
#ifndef ZK_CATALOG_H
#define ZK_CATALOG_H

#include <stdbool.h>

#include "msg.h"
#include "util.h"

int catalog_load(struct msg *err);
/* Parses catalog text (for tests); replaces what was loaded. */
int catalog_parse(const char *text, const char *source, struct msg *err);
void catalog_free(void);

/* The store types program ("kafka", "zookeeper") reads in version; false if unknown. */
bool catalog_store_types(const char *program, const char *version, struct strlist *out);
/* The first ZooKeeper version with TLS, or NULL when the catalog is not loaded. */
const char *catalog_zookeeper_tls_since(void);

/* Orders dotted versions numerically: <0, 0, >0. */
int version_compare(const char *a, const char *b);

#endif
