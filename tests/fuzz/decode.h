/*
 * Small, independent readers of what the templates write, as the consumers
 * read it: java.util.Properties.load(InputStream), the StreamTokenizer of
 * Kafka 2.3.0's JaasConfig, the Java launcher's @argfiles, POSIX sh quoting.
 * They are written from the Java and POSIX sources, not from our escapers, so
 * that "decode(escape(v)) == v" means something.  Results are UTF-8.
 */
#ifndef ZK_FUZZ_DECODE_H
#define ZK_FUZZ_DECODE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/util.h"

/* Java strings: UTF-16 code units. */
struct u16 {
	unsigned short *v;
	size_t len, cap;
};

void u16_free(struct u16 *s);
/* UTF-16 to UTF-8 (an unpaired surrogate fails). */
bool u16_to_utf8(const struct u16 *s, struct buf *out);
/* UTF-8 to UTF-16; false when text is not valid UTF-8. */
bool utf8_to_u16(const char *text, size_t len, struct u16 *out);
bool utf8_valid(const char *text, size_t len);

/* One property of a .properties/.cfg file: key and value as load() gives them. */
struct prop {
	char *key;      /* UTF-8 */
	char *value;    /* UTF-8, then trimmed as Kafka and ZooKeeper do */
	size_t value_at;/* byte offset of the value's first byte in the file */
	size_t value_end;
};

struct props {
	struct prop *items;
	size_t len;
};

/* false when load() would throw (a malformed \uXXXX). */
bool props_load(const char *text, size_t len, struct props *out);
const struct prop *props_find(const struct props *ps, const char *key);
void props_free(struct props *ps);

/*
 * The JAAS option value of key in a sasl.jaas.config value (UTF-8), read with
 * StreamTokenizer as JaasConfig sets it up; NULL when the text does not parse
 * or has no such option.  Caller frees.
 */
char *jaas_option(const char *config, const char *key);

/* The arguments of a Java @argfile, as the JDK 11 launcher splits them. */
bool argfile_split(const char *text, size_t len, struct strlist *out);

/* A single sh word (quotes and backslashes); false when it is more than one word. */
bool sh_word(const char *text, size_t len, struct buf *out);

#endif
