/* Small helpers used everywhere in the core: memory, growing buffers, hashing. */
#ifndef ZK_UTIL_H
#define ZK_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation failure is not recoverable here: these abort with a message. */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Overwrites memory the compiler may not optimise away, then frees it. */
void secure_wipe(void *p, size_t n);
void secure_free_str(char *s);

/* A growing byte buffer; always NUL-terminated so it can be used as a string. */
struct buf {
	char *data;
	size_t len;
	size_t cap;
};

void buf_init(struct buf *b);
void buf_add(struct buf *b, const void *data, size_t len);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hands the bytes to the caller and leaves the buffer empty. */
char *buf_steal(struct buf *b, size_t *len);
void buf_free(struct buf *b);
/* Wipes the contents before freeing: for buffers that held a secret. */
void buf_free_secure(struct buf *b);

/* Lower-case hex SHA-256 of data: out must hold 65 bytes. */
void sha256_hex(const void *data, size_t len, char out[65]);

/* A list of owned strings. */
struct strlist {
	char **items;
	size_t len;
};

void strlist_push(struct strlist *l, const char *s);
void strlist_free(struct strlist *l);
bool strlist_contains(const struct strlist *l, const char *s);
/* Splits on spaces, tabs and commas; empty words are dropped. */
void strlist_split(struct strlist *l, const char *text);

bool str_starts_with(const char *s, const char *prefix);
bool str_ends_with(const char *s, const char *suffix);
/* Parses a decimal without sign or leading garbage into [min, max]. */
bool parse_long(const char *s, long min, long max, long *out);

/* Decodes one UTF-8 sequence (shortest form, no surrogates); its length, or 0 if malformed. */
size_t utf8_decode(const unsigned char *s, unsigned long *cp);
/* Format characters that show as nothing or reorder the text around them (bidi overrides). */
bool unicode_is_invisible(unsigned long cp);

/*
 * Text from outside (a server's .sha512, an archive's entry names, answers,
 * file contents) made harmless for a terminal: every control character but
 * newline and tab (C0, DEL, C1 U+0080-U+009F), every invisible or
 * direction-changing character, and every byte that is not UTF-8 becomes a
 * visible escape: \x1b, \u009b, \u202e, \xff.  Front ends apply it where
 * they print, so no producer has to remember it.
 */
void buf_add_visible(struct buf *b, const char *s);
/* The same as a new string. */
char *str_visible(const char *s);

#endif
