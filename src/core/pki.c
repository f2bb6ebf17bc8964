/* Certificates (the CA's and the nodes', as Java and ZooKeeper check them) and the CA files. */
#include <config.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "i18n.h"
#include "keystore.h"
#include "pki.h"

/* ------------------------------------------------------------ certificates */

static const EVP_MD *
digest_for(EVP_PKEY *signer)
{
	/* Match the hash to the curve's strength; RSA keys sign with SHA-256 like keytool. */
	if (EVP_PKEY_is_a(signer, "EC") && EVP_PKEY_get_bits(signer) > 256)
		return EVP_sha384();
	return EVP_sha256();
}

static int
set_random_serial(X509 *x)
{
	unsigned char bytes[16];
	BIGNUM *bn = NULL;
	int ok;

	do {
		if (RAND_bytes(bytes, sizeof bytes) != 1)
			return -1;
		BN_free(bn);
		bn = BN_bin2bn(bytes, sizeof bytes, NULL);
	} while (bn != NULL && BN_is_zero(bn));
	ok = bn != NULL && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL;
	BN_free(bn);
	return ok ? 0 : -1;
}

static int
add_ext(X509 *x, int nid, void *value, bool critical)
{
	return X509_add1_ext_i2d(x, nid, value, critical ? 1 : 0, X509V3_ADD_REPLACE) == 1 ? 0 : -1;
}

static int
add_basic_constraints(X509 *x, bool ca)
{
	BASIC_CONSTRAINTS *bc = BASIC_CONSTRAINTS_new();
	int rc;

	if (bc == NULL)
		return -1;
	bc->ca = ca ? 0xff : 0;
	rc = add_ext(x, NID_basic_constraints, bc, ca);
	BASIC_CONSTRAINTS_free(bc);
	return rc;
}

static int
add_key_usage(X509 *x, const int *bits, size_t n)
{
	ASN1_BIT_STRING *ku = ASN1_BIT_STRING_new();
	int rc = -1;

	if (ku == NULL)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!ASN1_BIT_STRING_set_bit(ku, bits[i], 1))
			goto done;
	rc = add_ext(x, NID_key_usage, ku, true);
done:
	ASN1_BIT_STRING_free(ku);
	return rc;
}

/* RFC 5280 method 1: SHA-1 of the subjectPublicKey bits. */
static ASN1_OCTET_STRING *
key_identifier(const X509 *x)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	ASN1_OCTET_STRING *id;

	if (!X509_pubkey_digest(x, EVP_sha1(), md, &len))
		return NULL;
	id = ASN1_OCTET_STRING_new();
	if (id != NULL && !ASN1_OCTET_STRING_set(id, md, (int)len)) {
		ASN1_OCTET_STRING_free(id);
		id = NULL;
	}
	return id;
}

static int
add_subject_key_id(X509 *x)
{
	ASN1_OCTET_STRING *id = key_identifier(x);
	int rc;

	if (id == NULL)
		return -1;
	rc = add_ext(x, NID_subject_key_identifier, id, false);
	ASN1_OCTET_STRING_free(id);
	return rc;
}

static int
add_authority_key_id(X509 *x, X509 *issuer)
{
	AUTHORITY_KEYID *akid = AUTHORITY_KEYID_new();
	const ASN1_OCTET_STRING *ski = X509_get0_subject_key_id(issuer);
	int rc = -1;

	if (akid == NULL)
		return -1;
	/* An imported CA may lack a subject key identifier: use the one it would have. */
	akid->keyid = ski != NULL ? ASN1_OCTET_STRING_dup(ski) : key_identifier(issuer);
	if (akid->keyid != NULL)
		rc = add_ext(x, NID_authority_key_identifier, akid, false);
	AUTHORITY_KEYID_free(akid);
	return rc;
}

static X509 *
cert_begin(EVP_PKEY *key, const X509_NAME *subject, const X509_NAME *issuer, long days)
{
	X509 *x = X509_new();

	if (x == NULL)
		return NULL;
	if (!X509_set_version(x, X509_VERSION_3) || set_random_serial(x) < 0
	    || !X509_set_subject_name(x, subject) || !X509_set_issuer_name(x, issuer)
	    || X509_gmtime_adj(X509_getm_notBefore(x), 0) == NULL
	    || X509_time_adj_ex(X509_getm_notAfter(x), (int)days, 0, NULL) == NULL
	    || !X509_set_pubkey(x, key)) {
		X509_free(x);
		return NULL;
	}
	return x;
}

X509 *
pki_make_ca_cert(EVP_PKEY *key, const X509_NAME *subject, long days, struct msg *err)
{
	static const int usage[] = { 5 /* keyCertSign */, 6 /* cRLSign */ };
	X509 *x = cert_begin(key, subject, subject, days);

	if (x == NULL || add_basic_constraints(x, true) < 0
	    || add_key_usage(x, usage, ARRAY_SIZE(usage)) < 0 || add_subject_key_id(x) < 0
	    || X509_sign(x, key, digest_for(key)) <= 0) {
		msg_set(err, _("cannot make the CA certificate"));
		ossl_errors_to_msg(err);
		X509_free(x);
		return NULL;
	}
	return x;
}

X509 *
pki_make_node_cert(EVP_PKEY *node_key, const X509_NAME *subject, const GENERAL_NAMES *san,
		   long days, X509 *ca_cert, EVP_PKEY *ca_key, bool *clamped, struct msg *err)
{
	/* RSA: the TLS 1.2 RSA exchange needs keyEncipherment, ECDHE_RSA digitalSignature. */
	static const int rsa_usage[] = { 0 /* digitalSignature */, 2 /* keyEncipherment */ };
	static const int ec_usage[] = { 0 /* digitalSignature */ };
	bool rsa = EVP_PKEY_is_a(node_key, "RSA");
	EXTENDED_KEY_USAGE *eku = sk_ASN1_OBJECT_new_null();
	X509 *x = cert_begin(node_key, subject, X509_get_subject_name(ca_cert), days);
	int ok;

	*clamped = false;
	if (x != NULL && ASN1_TIME_compare(X509_get0_notAfter(x), X509_get0_notAfter(ca_cert)) > 0) {
		*clamped = true;
		ok = X509_set1_notAfter(x, X509_get0_notAfter(ca_cert));
	} else {
		ok = x != NULL;
	}
	ok = ok && eku != NULL && sk_ASN1_OBJECT_push(eku, OBJ_nid2obj(NID_server_auth))
	     && sk_ASN1_OBJECT_push(eku, OBJ_nid2obj(NID_client_auth));
	ok = ok && add_basic_constraints(x, false) == 0
	     && add_key_usage(x, rsa ? rsa_usage : ec_usage,
			      rsa ? ARRAY_SIZE(rsa_usage) : ARRAY_SIZE(ec_usage)) == 0
	     && add_ext(x, NID_ext_key_usage, eku, false) == 0
	     && add_ext(x, NID_subject_alt_name, (void *)san, false) == 0
	     && add_subject_key_id(x) == 0 && add_authority_key_id(x, ca_cert) == 0
	     && X509_sign(x, ca_key, digest_for(ca_key)) > 0;
	sk_ASN1_OBJECT_free(eku); /* the objects are OpenSSL's static table entries */
	if (!ok) {
		msg_set(err, _("cannot make the certificate"));
		ossl_errors_to_msg(err);
		X509_free(x);
		return NULL;
	}
	return x;
}

int
pki_verify_chain(X509 *leaf, X509 *ca, struct msg *err)
{
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	int rc = -1;

	if (store == NULL || ctx == NULL || !X509_STORE_add_cert(store, ca)
	    || !X509_STORE_CTX_init(ctx, store, leaf, NULL)) {
		msg_set(err, _("cannot set up certificate verification"));
		ossl_errors_to_msg(err);
		goto done;
	}
	if (X509_verify_cert(ctx) != 1) {
		msg_set(err, _("the certificate does not verify against the CA: %s"),
			X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
		goto done;
	}
	if (X509_check_purpose(leaf, X509_PURPOSE_SSL_SERVER, 0) != 1
	    || X509_check_purpose(leaf, X509_PURPOSE_SSL_CLIENT, 0) != 1) {
		msg_set(err, _("the certificate is not valid for both TLS server and client use"));
		goto done;
	}
	rc = 0;
done:
	ERR_clear_error();
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	return rc;
}

long
pki_seconds_left(const X509 *cert)
{
	int days = 0, secs = 0;

	if (!ASN1_TIME_diff(&days, &secs, NULL, X509_get0_notAfter(cert)))
		return -1;
	return (long)days * 86400 + secs;
}

/* ------------------------------------------------------------ files */

int
pki_encode_ca_key(EVP_PKEY *key, const char *password, struct buf *out, struct msg *err)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *mem;
	long n;

	/* PKCS#8 with PBES2: AES-256-CBC under a PBKDF2-HMAC-SHA256 key, as openssl req writes. */
	if (bio == NULL || !PEM_write_bio_PKCS8PrivateKey(bio, key, EVP_aes_256_cbc(), password,
							  (int)strlen(password), NULL, NULL)
	    || (n = BIO_get_mem_data(bio, &mem)) <= 0) {
		msg_set(err, _("cannot encrypt the CA key"));
		ossl_errors_to_msg(err);
		BIO_free(bio);
		return -1;
	}
	buf_add(out, mem, (size_t)n);
	BIO_free(bio);
	return 0;
}

struct passphrase {
	const char *text;
	bool asked;
};

static int
passphrase_cb(char *buf, int size, int rwflag, void *user)
{
	struct passphrase *pp = user;
	size_t len = strlen(pp->text);

	(void)rwflag;
	pp->asked = true;
	if (len > (size_t)size)
		return -1;
	memcpy(buf, pp->text, len);
	return (int)len;
}

enum ca_key_status
pki_decode_ca_key(const void *data, size_t len, const char *password, EVP_PKEY **out,
		  bool *encrypted, struct msg *err)
{
	struct passphrase pp = { password, false };
	BIO *bio = BIO_new_mem_buf(data, (int)len);

	*out = bio != NULL ? PEM_read_bio_PrivateKey(bio, NULL, passphrase_cb, &pp) : NULL;
	BIO_free(bio);
	*encrypted = pp.asked;
	ERR_clear_error();
	if (*out != NULL)
		return CA_KEY_OK;
	if (pp.asked) {
		msg_set(err, _("the passphrase does not open the key"));
		return CA_KEY_BAD_PASSWORD;
	}
	msg_set(err, _("not a PEM private key"));
	return CA_KEY_CORRUPT;
}

X509 *
pki_decode_cert(const void *data, size_t len, struct msg *err)
{
	BIO *bio = BIO_new_mem_buf(data, (int)len);
	X509 *cert = bio != NULL ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;

	BIO_free(bio);
	if (cert == NULL) {
		const unsigned char *p = data;

		cert = d2i_X509(NULL, &p, (long)len);
	}
	ERR_clear_error();
	if (cert == NULL)
		msg_set(err, _("not a certificate (neither PEM nor DER)"));
	return cert;
}

int
pki_encode_cert(X509 *cert, struct buf *out, struct msg *err)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *mem;
	long n;

	if (bio == NULL || !PEM_write_bio_X509(bio, cert) || (n = BIO_get_mem_data(bio, &mem)) <= 0) {
		msg_set(err, _("cannot encode a certificate"));
		ossl_errors_to_msg(err);
		BIO_free(bio);
		return -1;
	}
	buf_add(out, mem, (size_t)n);
	BIO_free(bio);
	return 0;
}
