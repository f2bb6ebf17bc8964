/*
 * Readers of the formats Java programs take their settings in, as the Java
 * classes read them: java.util.Properties files and the Java launcher's
 * argument files (@file).
 */
#ifndef ZK_JAVAFMT_H
#define ZK_JAVAFMT_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

struct kv {
	char *key;
	char *value;
};

/* Keys in the order read; a key may occur more than once. */
struct kvlist {
	struct kv *items;
	size_t len;
};

void kv_put(struct kvlist *l, const char *key, const char *value);
/* The last one wins, as in java.util.Properties and the shell. */
const char *kv_get(const struct kvlist *l, const char *key);
/* Values may be passwords: wiped. */
void kv_free(struct kvlist *l);

/*
 * java.util.Properties.load(InputStream): ISO-8859-1, logical lines joined
 * at a trailing backslash, # and ! comments, key ended by = : or blank,
 * escapes including \uXXXX.  Values are then trimmed, as ZooKeeper's
 * QuorumPeerConfig and Kafka's ConfigDef do.
 */
void props_parse(const char *s, size_t n, struct kvlist *out);

/*
 * A Java launcher argument file (@file): words split at blanks; '...' or
 * "..." quote, and inside quotes a backslash escapes (\n \t \r \f, a
 * newline continues the line); # starts a comment, even inside a word.
 */
void argfile_parse(const char *s, size_t n, struct strlist *out);

/* From the words of a command line, each -DKEY=VALUE (or -DKEY) into out. */
void system_properties(const struct strlist *words, struct kvlist *out);

#endif
