/*
 * Java keystores: JKS (our own writer and reader, from the format notes in
 * reference/jks-format.md), PKCS#12 that Java 8 reads, and the PEM files
 * ZooKeeper's and Kafka's PEM loaders read.
 *
 * The key password is always the store password: ZooKeeper can only use a
 * key whose password equals the store's.
 */
#ifndef ZK_KEYSTORE_H
#define ZK_KEYSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "msg.h"
#include "util.h"

enum store_type {
	STORE_JKS,
	STORE_PKCS12,
	STORE_PEM,
};

/*
 * "jks", "pkcs12", "pem" (with any_case also as Java's KeyStore.getInstance
 * and ZooKeeper take them: JKS, PKCS12, Pem, ...); -1 for anything else.
 */
int store_type_from_text(const char *text, bool any_case, enum store_type *out);
/* The answers' spelling: store_type_from_text(text, false, out). */
int store_type_parse(const char *text, enum store_type *out);
/* What keytool -list prints as "Keystore type". */
const char *store_type_java_name(enum store_type t);

struct ks_entry {
	char *alias;
	EVP_PKEY *key;          /* NULL for a trusted certificate entry */
	STACK_OF(X509) *certs;  /* a key's chain, leaf first; or the one trusted certificate */
	int64_t created_ms;     /* JKS only; 0 elsewhere */
};

struct keystore {
	struct ks_entry *entries;
	size_t count;
};

void keystore_init(struct keystore *ks);
/* Both take their own references to key and certificates. */
void keystore_add_key(struct keystore *ks, const char *alias, EVP_PKEY *key,
		      STACK_OF(X509) *chain);
void keystore_add_trusted(struct keystore *ks, const char *alias, X509 *cert);
void keystore_free(struct keystore *ks);
const struct ks_entry *keystore_find(const struct keystore *ks, const char *alias);

/*
 * Why a keystore could not be read.  JKS cannot always tell a wrong password
 * from a damaged file: both fail the integrity digest.  It says KS_BAD_PASSWORD
 * unless a private key in the file still opens with the password given, which
 * proves the password right and the file damaged.
 */
enum ks_status {
	KS_OK = 0,
	KS_CORRUPT = -1,
	KS_BAD_PASSWORD = -2,
};

/*
 * Encodes ks as a file of type t (bytes appended to out; out may hold the
 * key in the clear while it is built, so callers free it with
 * buf_free_secure).  For STORE_PEM a store with a key entry becomes the
 * one-file keystore (encrypted PKCS#8 key, then the chain); a store without
 * becomes a certificate bundle (the truststore).
 */
int keystore_encode(enum store_type t, const struct keystore *ks, const char *password,
		    int64_t now_ms, struct buf *out, struct msg *err);
enum ks_status keystore_decode(enum store_type t, const void *data, size_t len,
			       const char *password, struct keystore *out, struct msg *err);

/*
 * Whether Java can open a key of type t with password: PKCS#12 and PEM keys
 * go through Java's PBEKey, which refuses any character outside U+0020 to
 * U+007E ("Password is not ASCII"); JKS takes any.
 */
bool store_password_java_ok(enum store_type t, const char *password);
/*
 * The bytes JKS hashes for a password: Java's char[] (UTF-16 code units,
 * a character beyond U+FFFF as its surrogate pair), high byte first.  The
 * password is UTF-8; anything else is refused.  Appended to out.
 */
int jks_password_bytes(const char *password, struct buf *out, struct msg *err);
int jks_encode(const struct keystore *ks, const char *password, int64_t now_ms, struct buf *out,
	       struct msg *err);
enum ks_status jks_decode(const void *data, size_t len, const char *password,
			  struct keystore *out, struct msg *err);
int p12_encode(const struct keystore *ks, const char *password, struct buf *out,
	       struct msg *err);
enum ks_status p12_decode(const void *data, size_t len, const char *password,
			  struct keystore *out, struct msg *err);
int pem_encode(const struct keystore *ks, const char *password, struct buf *out,
	       struct msg *err);
enum ks_status pem_decode(const void *data, size_t len, const char *password,
			  struct keystore *out, struct msg *err);

/*
 * The checks every keystore we write must pass: each key entry's key matches
 * the first certificate of its chain and each certificate is signed by the
 * next one; when expect_trusted is given, the trusted entry trusted_alias
 * holds it (or, with trusted_alias NULL, for PEM, any certificate in the
 * file is it).  Fails with the reason.
 */
int keystore_check(const struct keystore *ks, const char *trusted_alias,
		   const X509 *expect_trusted, struct msg *err);

/*
 * Appends OpenSSL's error queue of the calling thread to err (and empties it).
 * The queue is per thread, so call it in the thread that failed.
 */
void ossl_errors_to_msg(struct msg *err);

#endif
