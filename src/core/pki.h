/*
 * The private CA and the node certificates: key generation on every core,
 * names in the two notations the answers use, certificates with the
 * extensions Java and ZooKeeper check, and the CA key file.
 */
#ifndef ZK_PKI_H
#define ZK_PKI_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "msg.h"
#include "util.h"

enum key_type {
	KEY_RSA2048,
	KEY_RSA3072,
	KEY_RSA4096,
	KEY_EC_P256,
	KEY_EC_P384,
};

/* "rsa2048", ..., "ec-p384"; -1 for anything else. */
int key_type_parse(const char *text, enum key_type *out);
/* "RSA 2048-bit", "EC P-256". */
const char *key_type_describe(enum key_type t);
bool key_is_type(const EVP_PKEY *key, enum key_type t);

/*
 * Key generation runs on a pool with one worker per core.  Keys can be asked
 * for ahead of need: the ca step asks for the nodes' keys along with its own,
 * so that the two steps together keep every core busy.  A key that was made
 * but never taken is wiped when the pool shuts down or the key type changes.
 */
void keygen_prefetch(enum key_type t, size_t count);

enum keygen_status {
	KEYGEN_OK,
	KEYGEN_FAILED,
	KEYGEN_CANCELLED,
};

/*
 * Takes one key of type t, waiting for one to be made if needed; prefers a
 * key that is ready.  cancel (may be NULL) is polled while waiting; a
 * cancelled wait also stops the keys still being made.
 */
enum keygen_status keygen_take(enum key_type t, const atomic_bool *cancel, EVP_PKEY **out,
			       struct msg *err);
/* Stops every generation, joins the workers and wipes keys nobody took. */
void keygen_shutdown(void);
/* Workers the pool runs: the number of online cores. */
unsigned keygen_workers(void);

/* One key made on the calling thread (the benchmark floor and tests). */
EVP_PKEY *pki_generate_key(enum key_type t, struct msg *err);

/*
 * Names.  parse_subject reads OpenSSL's "/C=DE/.../CN=Root-CA" (first RDN
 * first); parse_dn reads RFC 2253 ("CN=x,OU=y,...,C=DE", last RDN first), as
 * keytool's -dname does, and refuses a string that Java's
 * X500Principal.getName() would not give back unchanged, because that string
 * is the node's ZooKeeper identity.
 */
X509_NAME *pki_parse_subject(const char *text, struct msg *err);
X509_NAME *pki_parse_dn(const char *text, struct msg *err);
/* The name as Java's X500Principal.getName() prints it (RFC 2253). */
void pki_name_java(const X509_NAME *name, struct buf *out);
/* The name in OpenSSL's one-line "/C=DE/.../CN=x" form. */
void pki_name_openssl(const X509_NAME *name, struct buf *out);

/* "DNS:a,IP:1.2.3.4" */
GENERAL_NAMES *pki_parse_san(const char *text, struct msg *err);
/* Each SAN as "DNS:a", "IP:1.2.3.4", comma-separated. */
void pki_san_text(const GENERAL_NAMES *san, struct buf *out);
/* text with every "{name}" replaced by name; caller frees. */
char *pki_expand_name(const char *text, const char *name);

/* The self-signed CA: CA:TRUE, keyCertSign + cRLSign, subject key identifier. */
X509 *pki_make_ca_cert(EVP_PKEY *key, const X509_NAME *subject, long days, struct msg *err);

/*
 * A node certificate signed by the CA: random 128-bit serial, serverAuth +
 * clientAuth, the SANs, authority key identifier, validity days but never
 * past the CA's (clamped is set when it was cut).
 */
X509 *pki_make_node_cert(EVP_PKEY *node_key, const X509_NAME *subject, const GENERAL_NAMES *san,
			 long days, X509 *ca_cert, EVP_PKEY *ca_key, bool *clamped,
			 struct msg *err);

/* Verifies leaf against the CA alone, at the current time (X509_verify_cert). */
int pki_verify_chain(X509 *leaf, X509 *ca, struct msg *err);
/* Seconds until the certificate expires (negative when it has). */
long pki_seconds_left(const X509 *cert);

/*
 * The CA key file: PKCS#8 encrypted with AES-256-CBC (PBKDF2) under password.
 * Bytes are appended to out.
 */
int pki_encode_ca_key(EVP_PKEY *key, const char *password, struct buf *out, struct msg *err);

enum ca_key_status {
	CA_KEY_OK,
	CA_KEY_BAD_PASSWORD,  /* encrypted, and the password does not open it */
	CA_KEY_CORRUPT,       /* not a PEM private key at all */
};
/* Reads a PEM private key in any of OpenSSL's formats; *encrypted tells whether it was. */
enum ca_key_status pki_decode_ca_key(const void *data, size_t len, const char *password,
				     EVP_PKEY **out, bool *encrypted, struct msg *err);
X509 *pki_decode_cert(const void *data, size_t len, struct msg *err);
/* PEM of a certificate, appended to out. */
int pki_encode_cert(X509 *cert, struct buf *out, struct msg *err);

#endif
