/*
 * SHA-512 of release archives: a streaming hash, and a tolerant reader for
 * the .sha512 files Apache projects publish (each project writes its own
 * format: recipe-facts §3).
 */
#ifndef ZK_SHA512_H
#define ZK_SHA512_H

#include <stddef.h>

#include "msg.h"

#define SHA512_HEX_LEN 128

struct sha512;

struct sha512 *sha512_new(void);
void sha512_update(struct sha512 *h, const void *data, size_t len);
/* Lower-case hex; the hash starts over afterwards. */
void sha512_final_hex(struct sha512 *h, char out[SHA512_HEX_LEN + 1]);
void sha512_reset(struct sha512 *h);
void sha512_free(struct sha512 *h);

/* Hashes a whole file, streaming. */
int sha512_file(const char *path, char out[SHA512_HEX_LEN + 1], struct msg *err);

/*
 * Reads the sum for file name out of a .sha512 file, in any of:
 *   kafka_2.12-2.3.0.tgz: A5ED591A B304A1F1 ...     gpg --print-md, wrapped
 *   HEX  name        HEX *name                    sha512sum (one or more lines)
 *   HEX                                           bare
 *   SHA512 (name) = HEX                           BSD, also SHA512(name)= HEX
 * A name in the file must be name (compared without directories).  The sum
 * comes out in lower case.
 */
int sha512_parse(const char *text, size_t len, const char *name,
		 char out[SHA512_HEX_LEN + 1], struct msg *err);

/* A user-given sum (kafka.sha512): 128 hex digits in either case, lowered. */
int sha512_normalise(const char *text, char out[SHA512_HEX_LEN + 1], struct msg *err);

#endif
