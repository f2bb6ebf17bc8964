/*
 * The release catalog in data/releases.conf: what each Kafka and ZooKeeper
 * release can do, and where its archive lives.  Loaded once at start, so
 * validation stays pure and cheap.
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

/*
 * One release as the download and jars steps need it.  For a release the
 * catalog lists (known), everything is filled from it; for another one the
 * archive name, folder and path follow the standard Apache layout, and the
 * jars are left to be found in the unpacked archives.
 */
struct release {
	const char *program;    /* "kafka" or "zookeeper" */
	char *version;
	bool known;             /* the catalog lists this exact release */
	char *archive;          /* kafka_2.12-2.3.0.tgz */
	char *top;              /* the folder the archive unpacks to */
	char *path;             /* under the mirror: kafka/2.3.0/kafka_2.12-2.3.0.tgz */
	char *libdir;           /* the jar folder inside top: libs, lib */
	char *sha512;           /* a pin checked against the official .sha512, or NULL */
	/* Kafka: the ZooKeeper client jar it ships (NULL when not known). */
	char *zookeeper_jar;
	/* ZooKeeper: exact jar names (known) or patterns (to find them in lib/). */
	struct strlist jars;
	bool jars_are_patterns;
};

/* Fills out for Kafka (scala given) or ZooKeeper (scala NULL); -1 when the catalog lacks the layout. */
int catalog_release(const char *program, const char *version, const char *scala,
		    struct release *out, struct msg *err);
void release_free(struct release *r);
/* "Kafka" or "ZooKeeper": the program of r as the messages name it. */
const char *release_display_name(const struct release *r);

/* Both releases of a plan: its Kafka (with Scala) and its ZooKeeper. */
struct releases {
	struct release kafka;
	struct release zookeeper;
};

struct plan;
int releases_load(const struct plan *p, struct releases *r, struct msg *err);
void releases_free(struct releases *r);

#endif
