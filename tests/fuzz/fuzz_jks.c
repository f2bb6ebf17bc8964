/*
 * The keystore readers on arbitrary bytes.  The first byte picks a mode:
 *   0  jks_decode as is (most inputs stop at the integrity digest, which is
 *      checked last: the parser runs on every input first);
 *   1  the harness appends the right digest for the password first, so the
 *      fuzzer reaches the key recovery and everything behind the digest;
 *   2  pem_decode;
 *   3  like 1, then keystore_check on what was read.
 * Invariants: no crash or leak; a store that reads back encodes again, and
 * the encoding reads back with the same entries.
 */
#include <config.h>

#include <string.h>

#include <openssl/evp.h>

#include "core/keystore.h"
#include "fuzz.h"

#define PASSWORD "confidential"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

/* SHA-1 over the password as UTF-16BE, "Mighty Aphrodite", then the body. */
static void
jks_digest(const uint8_t *body, size_t len, unsigned char out[20])
{
	static const char pw[] = PASSWORD;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	FUZZ_ASSERT(ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha1(), NULL), "SHA-1");
	for (size_t i = 0; i < sizeof pw - 1; i++) {
		unsigned char be[2] = { 0, (unsigned char)pw[i] };

		EVP_DigestUpdate(ctx, be, 2);
	}
	EVP_DigestUpdate(ctx, "Mighty Aphrodite", 16);
	EVP_DigestUpdate(ctx, body, len);
	EVP_DigestFinal_ex(ctx, out, NULL);
	EVP_MD_CTX_free(ctx);
}

static void
round_trip(const struct keystore *ks)
{
	struct keystore again;
	struct buf out;
	struct msg err;

	buf_init(&out);
	if (jks_encode(ks, PASSWORD, 1500000000000LL, &out, &err) == 0) {
		FUZZ_ASSERT(jks_decode(out.data, out.len, PASSWORD, &again, &err) == KS_OK,
			    "what jks_encode wrote does not read back: %s", err.text);
		FUZZ_ASSERT(again.count == ks->count, "entries: %zu, then %zu", ks->count,
			    again.count);
		for (size_t i = 0; i < ks->count; i++) {
			FUZZ_ASSERT(strcmp(again.entries[i].alias, ks->entries[i].alias) == 0,
				    "alias changed");
			FUZZ_ASSERT((again.entries[i].key == NULL) == (ks->entries[i].key == NULL),
				    "entry kind changed");
		}
		keystore_free(&again);
	}
	buf_free_secure(&out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct keystore ks;
	struct msg err;
	enum ks_status rc;
	uint8_t *fixed = NULL;
	int mode;

	if (size == 0)
		return 0;
	mode = data[0] & 3;
	data++;
	size--;
	msg_clear(&err);
	switch (mode) {
	case 0:
		rc = jks_decode(data, size, PASSWORD, &ks, &err);
		break;
	case 2:
		rc = pem_decode(data, size, PASSWORD, &ks, &err);
		break;
	default:
		fixed = malloc(size + 20);
		FUZZ_ASSERT(fixed != NULL, "malloc");
		memcpy(fixed, data, size);
		jks_digest(data, size, fixed + size);
		rc = jks_decode(fixed, size + 20, PASSWORD, &ks, &err);
		break;
	}
	FUZZ_ASSERT(rc == KS_OK || rc == KS_CORRUPT || rc == KS_BAD_PASSWORD, "status %d", rc);
	FUZZ_ASSERT(rc == KS_OK || err.text[0] != '\0', "a refusal without a reason");
	if (rc == KS_OK) {
		if (mode == 3)
			(void)keystore_check(&ks, NULL, NULL, &err);
		if (mode != 2)
			round_trip(&ks);
		keystore_free(&ks);
	}
	free(fixed);
	return 0;
}
