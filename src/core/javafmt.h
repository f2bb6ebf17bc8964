/*
 * Readers of the formats the Java programs take their settings in, each as
 * the Java code reads it: java.util.Properties files, Kafka's JAAS
 * configuration text, and the Java launcher's argument files (@file).
 *
 * A Java String read from a file becomes a C string in UTF-8, except that
 * U+0000 is C0 80 and a UTF-16 surrogate without its partner keeps its own
 * three bytes (as Java's modified UTF-8 writes both): no two Java strings
 * give the same C string, and none is cut short.  tests/unit/test_javafmt.c
 * pins each reader to the Java classes' behaviour (tests/java/ proves it).
 */
#ifndef ZK_JAVAFMT_H
#define ZK_JAVAFMT_H

#include <stdbool.h>
#include <stddef.h>

#include "msg.h"
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
 * java.util.Properties.load(InputStream) of Java 9 and later: ISO-8859-1;
 * logical lines joined at an odd number of trailing backslashes, the next
 * line's leading blanks dropped (a blank line there ends it); # and !
 * comments at the start of a logical line; the key ends at an unescaped
 * = : or blank;
 * escapes \t \n \r \f \uXXXX (pairs of surrogates become one character),
 * any other escaped character is itself.  Values are then trimmed as Java's
 * String.trim() does (ZooKeeper's QuorumPeerConfig and Kafka's ConfigDef
 * trim them).  A malformed \uXXXX makes Java refuse the whole file: then
 * -1, err names the line, and out holds what Java had put before.
 */
int props_parse(const char *s, size_t n, struct kvlist *out, struct msg *err);

/*
 * A Java launcher argument file (@file), as the JDK's launcher (args.c)
 * splits it: words end at blanks or a line end, also inside quotes; '...'
 * and "..." quote blanks and #; inside quotes a backslash escapes (\n \t \r
 * \f, any other character is itself, and at a line end joins the next
 * line's first non-blank); # outside quotes starts a comment that also
 * drops the unquoted part of the word before it (quoted parts before it
 * join the next word).  At the end of the file, an unfinished escape and an
 * empty word are dropped.
 */
void argfile_parse(const char *s, size_t n, struct strlist *out);

/* From the words of a command line, each -DKEY=VALUE (or -DKEY) into out. */
void system_properties(const struct strlist *words, struct kvlist *out);

/* One login module of a JAAS text, as Kafka's JaasConfig keeps it. */
struct jaas_option {
	char *key;      /* NULL where Java's key is null (a stray = or ;) */
	char *value;
};

struct jaas_entry {
	char *module;
	char *flag;     /* REQUIRED, REQUISITE, SUFFICIENT or OPTIONAL */
	struct jaas_option *options;
	size_t noptions;        /* a later key replaces an earlier one (a HashMap) */
};

struct jaas_config {
	struct jaas_entry *entries;
	size_t count;
};

/*
 * Kafka's JaasConfig (2.3.0): java.io.StreamTokenizer set up as there
 * (blank ends a word, = and ; are tokens, " and ' quote with C escapes and
 * end at a line end, / // and / * comments), then ( MODULE FLAG (KEY = VALUE)*
 * ; )+.  On what Kafka refuses: -1 and err says what Kafka would say; out
 * holds the entries read before.  sasl.jaas.config must hold exactly one.
 */
int jaas_parse(const char *text, struct jaas_config *out, struct msg *err);
const char *jaas_option(const struct jaas_entry *e, const char *key);
/* Option values may be passwords: wiped. */
void jaas_free(struct jaas_config *c);

/* Whether s holds U+0000 or a lone surrogate (see above): no UTF-8 for them. */
bool javafmt_has_java_only(const char *s);

#endif
