/*
 * What the steps ca and certs share (step_ca.c, step_certs.c; not for front
 * ends).  Everything is checked before anything is written, so bad input (a
 * wrong passphrase, a keystore with another password) changes nothing;
 * everything written is read back and proven before it counts.
 */
#ifndef ZK_PKI_STEP_H
#define ZK_PKI_STEP_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "keystore.h"
#include "msg.h"
#include "pki.h"
#include "steps.h"
#include "util.h"

/* The files in DIR, and the truststores' alias for the CA. */
#define CA_KEY_FILE "ca-key"
#define CA_CERT_FILE "ca-cert"
#define TRUSTED_ALIAS "ca-root"

/* The answers every PKI step needs, parsed once. */
struct pki_answers {
	enum key_type key_type;
	enum store_type store_type;
	const char *store_password;
	const char *ca_password;
	long ca_days, cert_days;
	bool import;
};


/* The CA as the certs step (and an import) uses it. */
struct pki_ca {
	EVP_PKEY *key;
	X509 *cert;
};

/* A certificate's date as YYYY-MM-DD ("?" when it cannot be read). */
void pki_format_date(const ASN1_TIME *t, char out[32]);
/* Parses and checks the answers into a; the error names the answer. */
int pki_read_answers(const struct plan *p, struct pki_answers *a, struct msg *err);
/* Reads DIR/rel; *data is NULL (and 0 returned) when the file does not exist. */
int pki_read_dir_file(const struct step_run *run, const char *rel, char **data, size_t *len);
/* Wipes and frees what pki_read_dir_file read (data may be NULL). */
void pki_free_secret_file(char *data, size_t len);
/*
 * Fails when step_write_file would refuse DIR/rel, so a step can ask before
 * its first write; wanted (may be NULL) is what would be written.
 */
int pki_check_writable(const struct step_run *run, const char *rel, const struct buf *wanted);
void pki_ca_free(struct pki_ca *ca);
/*
 * Loads ca-key and ca-cert from DIR.  *missing is set (and 0 returned) when
 * neither exists; everything else wrong is an error naming file and answer.
 */
int pki_ca_load(const struct step_run *run, const struct pki_answers *a, struct pki_ca *ca,
		bool *missing);
/*
 * Encodes ks, decodes the bytes back with the password and checks them:
 * what is written is what was meant.  The bytes go to out.
 */
int pki_encode_and_prove(enum store_type t, const struct keystore *ks, const char *password,
			 const X509 *ca_cert, const char *path, struct buf *out, struct msg *err);

#endif
