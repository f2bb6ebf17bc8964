/* Keystores: the model, the store types, PKCS#12 and PEM, and the dispatch to each format. */
#include <config.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "i18n.h"
#include "keystore.h"
#include "keystore_int.h"

/* Oracle's "trusted key usage" bag attribute: without it Java hides a PKCS#12 certificate. */
#define ORACLE_TRUSTED_KEY_USAGE_OID "2.16.840.1.113894.746875.1.1"
#define ANY_EXTENDED_KEY_USAGE_OID "2.5.29.37.0"
/* OpenSSL's PKCS12_DEFAULT_ITER: what every Java reads, cheap enough to stay unnoticed. */
#define P12_ITER 2048

int
store_type_from_text(const char *text, bool any_case, enum store_type *out)
{
	static const struct {
		const char *name;
		enum store_type type;
	} names[] = { { "jks", STORE_JKS }, { "pkcs12", STORE_PKCS12 }, { "pem", STORE_PEM } };

	if (text == NULL)
		return -1;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (any_case ? strcasecmp(text, names[i].name) == 0
			     : strcmp(text, names[i].name) == 0) {
			*out = names[i].type;
			return 0;
		}
	return -1;
}

int
store_type_parse(const char *text, enum store_type *out)
{
	return store_type_from_text(text, false, out);
}

const char *
store_type_java_name(enum store_type t)
{
	switch (t) {
	case STORE_JKS:
		return "JKS";
	case STORE_PKCS12:
		return "PKCS12";
	case STORE_PEM:
		return "PEM";
	}
	return "?";
}

void
ossl_errors_to_msg(struct msg *err)
{
	unsigned long code;
	char text[256];

	while ((code = ERR_get_error()) != 0) {
		ERR_error_string_n(code, text, sizeof text);
		if (err != NULL)
			msg_append(err, "  (%s)", text);
	}
}

/* ------------------------------------------------------------ the model */

void
keystore_init(struct keystore *ks)
{
	ks->entries = NULL;
	ks->count = 0;
}

struct ks_entry *
keystore_push(struct keystore *ks, const char *alias)
{
	struct ks_entry *e;

	ks->entries = xrealloc(ks->entries, (ks->count + 1) * sizeof *ks->entries);
	e = &ks->entries[ks->count++];
	e->alias = xstrdup(alias);
	e->key = NULL;
	e->certs = sk_X509_new_null();
	e->created_ms = 0;
	if (e->certs == NULL)
		abort();
	return e;
}

static void
entry_push_cert(struct ks_entry *e, X509 *cert)
{
	if (!X509_up_ref(cert) || !sk_X509_push(e->certs, cert))
		abort();
}

void
keystore_add_key(struct keystore *ks, const char *alias, EVP_PKEY *key, STACK_OF(X509) *chain)
{
	struct ks_entry *e = keystore_push(ks, alias);

	if (!EVP_PKEY_up_ref(key))
		abort();
	e->key = key;
	for (int i = 0; i < sk_X509_num(chain); i++)
		entry_push_cert(e, sk_X509_value(chain, i));
}

void
keystore_add_trusted(struct keystore *ks, const char *alias, X509 *cert)
{
	entry_push_cert(keystore_push(ks, alias), cert);
}

void
keystore_free(struct keystore *ks)
{
	for (size_t i = 0; i < ks->count; i++) {
		free(ks->entries[i].alias);
		EVP_PKEY_free(ks->entries[i].key);
		sk_X509_pop_free(ks->entries[i].certs, X509_free);
	}
	free(ks->entries);
	keystore_init(ks);
}

const struct ks_entry *
keystore_find(const struct keystore *ks, const char *alias)
{
	for (size_t i = 0; i < ks->count; i++)
		if (strcmp(ks->entries[i].alias, alias) == 0)
			return &ks->entries[i];
	return NULL;
}

int
keystore_check(const struct keystore *ks, const char *trusted_alias, const X509 *expect_trusted,
	       struct msg *err)
{
	for (size_t i = 0; i < ks->count; i++) {
		const struct ks_entry *e = &ks->entries[i];
		int n = sk_X509_num(e->certs);

		if (n < 1)
			return msg_set(err, _("entry \"%s\" holds no certificate"), e->alias);
		if (e->key == NULL)
			continue;
		if (X509_check_private_key(sk_X509_value(e->certs, 0), e->key) != 1) {
			ERR_clear_error();
			return msg_set(err, _("the key of entry \"%s\" does not match its certificate"),
				       e->alias);
		}
		for (int c = 0; c + 1 < n; c++) {
			EVP_PKEY *issuer_key = X509_get0_pubkey(sk_X509_value(e->certs, c + 1));

			if (issuer_key == NULL
			    || X509_verify(sk_X509_value(e->certs, c), issuer_key) != 1) {
				ERR_clear_error();
				return msg_set(err, _("the chain of entry \"%s\" is broken at "
						      "certificate %d"), e->alias, c + 1);
			}
		}
	}
	if (expect_trusted != NULL) {
		for (size_t i = 0; i < ks->count; i++) {
			const struct ks_entry *e = &ks->entries[i];

			/* PEM has no trusted entries: there the CA only has to be in the file. */
			if (trusted_alias == NULL) {
				for (int c = 0; c < sk_X509_num(e->certs); c++)
					if (X509_cmp(sk_X509_value(e->certs, c), expect_trusted) == 0)
						return 0;
				continue;
			}
			if (e->key == NULL && strcmp(e->alias, trusted_alias) == 0
			    && X509_cmp(sk_X509_value(e->certs, 0), expect_trusted) == 0)
				return 0;
		}
		if (trusted_alias != NULL)
			return msg_set(err, _("the trusted entry \"%s\" with the CA certificate is "
					      "missing"), trusted_alias);
		return msg_set(err, _("the CA certificate is missing"));
	}
	return 0;
}

bool
store_password_java_ok(enum store_type t, const char *password)
{
	if (t == STORE_JKS)
		return true;
	/* com.sun.crypto.provider.PBEKey: only U+0020 to U+007E */
	for (const unsigned char *p = (const unsigned char *)password; *p != '\0'; p++)
		if (*p < 0x20 || *p > 0x7E)
			return false;
	return true;
}

/* ------------------------------------------------------------ PKCS#12 */

static bool
bag_has_attr(const PKCS12_SAFEBAG *bag, const char *oid_text)
{
	const STACK_OF(X509_ATTRIBUTE) *attrs = PKCS12_SAFEBAG_get0_attrs(bag);
	ASN1_OBJECT *oid = OBJ_txt2obj(oid_text, 1);
	bool found = false;

	for (int i = 0; oid != NULL && i < sk_X509_ATTRIBUTE_num(attrs); i++)
		if (OBJ_cmp(X509_ATTRIBUTE_get0_object(sk_X509_ATTRIBUTE_value(attrs, i)), oid) == 0)
			found = true;
	ASN1_OBJECT_free(oid);
	return found;
}

static int
local_key_id(X509 *cert, unsigned char id[20])
{
	unsigned int n = 0;

	return X509_digest(cert, EVP_sha1(), id, &n) && n == 20 ? 0 : -1;
}

int
p12_encode(const struct keystore *ks, const char *password, struct buf *out, struct msg *err)
{
	STACK_OF(PKCS12_SAFEBAG) *cert_bags = NULL;
	STACK_OF(PKCS12_SAFEBAG) *key_bags = NULL;
	STACK_OF(PKCS7) *safes = NULL;
	ASN1_OBJECT *any_eku = NULL;
	PKCS12 *p12 = NULL;
	unsigned char *der = NULL;
	int der_len;
	int rc = -1;

	any_eku = OBJ_txt2obj(ANY_EXTENDED_KEY_USAGE_OID, 1);
	if (any_eku == NULL)
		goto fail;
	for (size_t i = 0; i < ks->count; i++) {
		const struct ks_entry *e = &ks->entries[i];
		PKCS12_SAFEBAG *bag;
		unsigned char id[20];

		if (e->key != NULL) {
			X509 *leaf = sk_X509_value(e->certs, 0);

			if (leaf == NULL || local_key_id(leaf, id) < 0)
				goto fail;
			/* Triple-DES with SHA-1 PBE: every Java since 1.4 decrypts it. */
			bag = PKCS12_add_key(&key_bags, e->key, 0, P12_ITER,
					     NID_pbe_WithSHA1And3_Key_TripleDES_CBC, password);
			if (bag == NULL || !PKCS12_add_friendlyname(bag, e->alias, -1)
			    || !PKCS12_add_localkeyid(bag, id, sizeof id))
				goto fail;
			for (int c = 0; c < sk_X509_num(e->certs); c++) {
				bag = PKCS12_add_cert(&cert_bags, sk_X509_value(e->certs, c));
				if (bag == NULL)
					goto fail;
				if (c == 0 && (!PKCS12_add_friendlyname(bag, e->alias, -1)
					       || !PKCS12_add_localkeyid(bag, id, sizeof id)))
					goto fail;
			}
		} else {
			bag = PKCS12_add_cert(&cert_bags, sk_X509_value(e->certs, 0));
			if (bag == NULL || !PKCS12_add_friendlyname(bag, e->alias, -1)
			    || !PKCS12_add1_attr_by_txt(bag, ORACLE_TRUSTED_KEY_USAGE_OID,
							V_ASN1_OBJECT,
							(const unsigned char *)any_eku, -1))
				goto fail;
		}
	}
	/* Certificates are public: an unencrypted safe avoids RC2, which OpenSSL 3 only has
	 * in its legacy provider and which is the only other cipher old Java expects there. */
	if (cert_bags != NULL && !PKCS12_add_safe(&safes, cert_bags, -1, 0, NULL))
		goto fail;
	if (key_bags != NULL && !PKCS12_add_safe(&safes, key_bags, -1, 0, NULL))
		goto fail;
	p12 = PKCS12_add_safes(safes, 0);
	/* An HMAC-SHA1 MAC: HmacPBESHA256 is missing in Java before 8u301 and 11.0.12. */
	if (p12 == NULL || !PKCS12_set_mac(p12, password, -1, NULL, 0, P12_ITER, EVP_sha1()))
		goto fail;
	der_len = i2d_PKCS12(p12, &der);
	if (der_len <= 0)
		goto fail;
	buf_add(out, der, (size_t)der_len);
	OPENSSL_free(der);
	rc = 0;
fail:
	if (rc < 0) {
		msg_set(err, _("cannot build the PKCS#12 keystore"));
		ossl_errors_to_msg(err);
	}
	PKCS12_free(p12);
	sk_PKCS7_pop_free(safes, PKCS7_free);
	sk_PKCS12_SAFEBAG_pop_free(cert_bags, PKCS12_SAFEBAG_free);
	sk_PKCS12_SAFEBAG_pop_free(key_bags, PKCS12_SAFEBAG_free);
	ASN1_OBJECT_free(any_eku);
	return rc;
}

struct p12_cert {
	X509 *cert;
	char *name;
	const ASN1_OCTET_STRING *key_id;
	bool trusted;
};

struct p12_key {
	EVP_PKEY *key;
	char *name;
	const ASN1_OCTET_STRING *key_id;
};

static const ASN1_OCTET_STRING *
bag_key_id(const PKCS12_SAFEBAG *bag)
{
	const ASN1_TYPE *t = PKCS12_SAFEBAG_get0_attr(bag, NID_localKeyID);

	return t != NULL && t->type == V_ASN1_OCTET_STRING ? t->value.octet_string : NULL;
}

/* The issuer of cert among certs (not cert itself), or NULL. */
static X509 *
find_issuer(X509 *cert, const struct p12_cert *certs, size_t n)
{
	if (X509_check_issued(cert, cert) == X509_V_OK)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (certs[i].cert != cert && X509_check_issued(certs[i].cert, cert) == X509_V_OK)
			return certs[i].cert;
	return NULL;
}

enum ks_status
p12_decode(const void *data, size_t len, const char *password, struct keystore *out,
	   struct msg *err)
{
	const unsigned char *p = data;
	PKCS12 *p12 = d2i_PKCS12(NULL, &p, (long)len);
	STACK_OF(PKCS7) *safes = NULL;
	STACK_OF(PKCS12_SAFEBAG) **bag_lists = NULL;
	struct p12_cert *certs = NULL;
	struct p12_key *keys = NULL;
	size_t ncerts = 0, nkeys = 0;
	int nsafes = 0;
	enum ks_status rc = KS_CORRUPT;

	keystore_init(out);
	if (p12 == NULL) {
		msg_set(err, _("not a PKCS#12 file"));
		goto done;
	}
	if (!PKCS12_mac_present(p12)) {
		msg_set(err, _("the PKCS#12 file has no integrity MAC"));
		goto done;
	}
	if (PKCS12_verify_mac(p12, password, -1) != 1) {
		msg_set(err, _("integrity check failed: wrong password, or the file was changed"));
		rc = KS_BAD_PASSWORD;
		goto done;
	}
	safes = PKCS12_unpack_authsafes(p12);
	if (safes == NULL) {
		msg_set(err, _("the PKCS#12 contents do not parse"));
		goto done;
	}
	nsafes = sk_PKCS7_num(safes);
	bag_lists = xcalloc((size_t)nsafes, sizeof *bag_lists);
	for (int s = 0; s < nsafes; s++) {
		PKCS7 *p7 = sk_PKCS7_value(safes, s);
		int nid = OBJ_obj2nid(p7->type);

		if (nid == NID_pkcs7_data)
			bag_lists[s] = PKCS12_unpack_p7data(p7);
		else if (nid == NID_pkcs7_encrypted)
			bag_lists[s] = PKCS12_unpack_p7encdata(p7, password, -1);
		if (bag_lists[s] == NULL) {
			msg_set(err, _("a PKCS#12 safe cannot be read"));
			goto done;
		}
		for (int b = 0; b < sk_PKCS12_SAFEBAG_num(bag_lists[s]); b++) {
			const PKCS12_SAFEBAG *bag = sk_PKCS12_SAFEBAG_value(bag_lists[s], b);

			switch (PKCS12_SAFEBAG_get_nid(bag)) {
			case NID_pkcs8ShroudedKeyBag: {
				PKCS8_PRIV_KEY_INFO *p8 = PKCS12_decrypt_skey(bag, password, -1);
				EVP_PKEY *key = p8 != NULL ? EVP_PKCS82PKEY(p8) : NULL;

				PKCS8_PRIV_KEY_INFO_free(p8);
				if (key == NULL) {
					msg_set(err, _("the password does not open the private key"));
					rc = KS_BAD_PASSWORD;
					goto done;
				}
				keys = xrealloc(keys, (nkeys + 1) * sizeof *keys);
				keys[nkeys++] = (struct p12_key){ key, PKCS12_get_friendlyname(
					(PKCS12_SAFEBAG *)bag), bag_key_id(bag) };
				break;
			}
			case NID_certBag: {
				X509 *cert = PKCS12_SAFEBAG_get1_cert(bag);

				if (cert == NULL) {
					msg_set(err, _("a certificate does not parse"));
					goto done;
				}
				certs = xrealloc(certs, (ncerts + 1) * sizeof *certs);
				certs[ncerts++] = (struct p12_cert){
					cert, PKCS12_get_friendlyname((PKCS12_SAFEBAG *)bag),
					bag_key_id(bag),
					bag_has_attr(bag, ORACLE_TRUSTED_KEY_USAGE_OID) };
				break;
			}
			default:
				break;
			}
		}
	}
	for (size_t k = 0; k < nkeys; k++) {
		STACK_OF(X509) *chain = sk_X509_new_null();
		X509 *leaf = NULL;

		for (size_t c = 0; c < ncerts && leaf == NULL; c++)
			if (keys[k].key_id != NULL && certs[c].key_id != NULL
			    && ASN1_OCTET_STRING_cmp(keys[k].key_id, certs[c].key_id) == 0)
				leaf = certs[c].cert;
		for (X509 *c = leaf; c != NULL && sk_X509_num(chain) < 16;
		     c = find_issuer(c, certs, ncerts))
			sk_X509_push(chain, c);
		keystore_add_key(out, keys[k].name != NULL ? keys[k].name : "", keys[k].key, chain);
		sk_X509_free(chain);
	}
	for (size_t c = 0; c < ncerts; c++)
		if (certs[c].trusted)
			keystore_add_trusted(out, certs[c].name != NULL ? certs[c].name : "",
					     certs[c].cert);
	rc = KS_OK;
done:
	ERR_clear_error();
	if (rc != KS_OK)
		keystore_free(out);
	for (size_t k = 0; k < nkeys; k++) {
		EVP_PKEY_free(keys[k].key);
		OPENSSL_free(keys[k].name);
	}
	for (size_t c = 0; c < ncerts; c++) {
		X509_free(certs[c].cert);
		OPENSSL_free(certs[c].name);
	}
	free(keys);
	free(certs);
	for (int s = 0; s < nsafes; s++)
		sk_PKCS12_SAFEBAG_pop_free(bag_lists[s], PKCS12_SAFEBAG_free);
	free(bag_lists);
	sk_PKCS7_pop_free(safes, PKCS7_free);
	PKCS12_free(p12);
	return rc;
}

/* ------------------------------------------------------------ PEM */

static int
bio_drain(BIO *bio, struct buf *out)
{
	char *mem;
	long n = BIO_get_mem_data(bio, &mem);

	if (n < 0)
		return -1;
	buf_add(out, mem, (size_t)n);
	return 0;
}

int
pem_encode(const struct keystore *ks, const char *password, struct buf *out, struct msg *err)
{
	BIO *bio = BIO_new(BIO_s_mem());
	const struct ks_entry *key_entry = NULL;
	int rc = -1;

	if (bio == NULL)
		goto fail;
	for (size_t i = 0; i < ks->count; i++)
		if (ks->entries[i].key != NULL) {
			if (key_entry != NULL) {
				msg_set(err, _("a PEM keystore holds only one key"));
				BIO_free(bio);
				return -1;
			}
			key_entry = &ks->entries[i];
		}
	if (key_entry != NULL) {
		/* PBE-SHA1-3DES: what ZooKeeper's PemReader on Java 17 and Kafka's PEM store decrypt. */
		if (!PEM_write_bio_PKCS8PrivateKey_nid(bio, key_entry->key,
						       NID_pbe_WithSHA1And3_Key_TripleDES_CBC,
						       password, (int)strlen(password), NULL, NULL))
			goto fail;
		for (int c = 0; c < sk_X509_num(key_entry->certs); c++)
			if (!PEM_write_bio_X509(bio, sk_X509_value(key_entry->certs, c)))
				goto fail;
	} else {
		for (size_t i = 0; i < ks->count; i++)
			if (!PEM_write_bio_X509(bio, sk_X509_value(ks->entries[i].certs, 0)))
				goto fail;
	}
	if (bio_drain(bio, out) < 0)
		goto fail;
	rc = 0;
fail:
	if (rc < 0) {
		msg_set(err, _("cannot write the PEM keystore"));
		ossl_errors_to_msg(err);
	}
	BIO_free(bio);
	return rc;
}

enum ks_status
pem_decode(const void *data, size_t len, const char *password, struct keystore *out,
	   struct msg *err)
{
	BIO *bio = BIO_new_mem_buf(data, (int)len);
	EVP_PKEY *key = NULL;
	STACK_OF(X509) *certs = sk_X509_new_null();
	char *name = NULL, *header = NULL;
	unsigned char *der = NULL;
	long der_len = 0;
	enum ks_status rc = KS_CORRUPT;

	keystore_init(out);
	if (bio == NULL || certs == NULL)
		goto done;
	while (PEM_read_bio(bio, &name, &header, &der, &der_len)) {
		const unsigned char *p = der;

		if (strcmp(name, PEM_STRING_X509) == 0) {
			X509 *cert = d2i_X509(NULL, &p, der_len);

			if (cert == NULL) {
				msg_set(err, _("a certificate does not parse"));
				goto done;
			}
			sk_X509_push(certs, cert);
		} else if (strcmp(name, PEM_STRING_PKCS8) == 0 && key == NULL) {
			X509_SIG *sig = d2i_X509_SIG(NULL, &p, der_len);
			PKCS8_PRIV_KEY_INFO *p8 = sig != NULL
				? PKCS8_decrypt(sig, password, (int)strlen(password)) : NULL;

			key = p8 != NULL ? EVP_PKCS82PKEY(p8) : NULL;
			PKCS8_PRIV_KEY_INFO_free(p8);
			X509_SIG_free(sig);
			if (key == NULL) {
				msg_set(err, _("the password does not open the private key"));
				rc = KS_BAD_PASSWORD;
				goto done;
			}
		} else {
			msg_set(err, _("unexpected PEM block \"%s\""), name);
			goto done;
		}
		OPENSSL_free(name);
		OPENSSL_free(header);
		OPENSSL_clear_free(der, (size_t)der_len);
		name = header = NULL;
		der = NULL;
	}
	if (sk_X509_num(certs) == 0) {
		msg_set(err, _("no certificate in the PEM file"));
		goto done;
	}
	/* The aliases ZooKeeper's PemReader gives: "key", and the subject for trusted certs. */
	if (key != NULL) {
		keystore_add_key(out, "key", key, certs);
	} else {
		for (int c = 0; c < sk_X509_num(certs); c++) {
			char *subject = X509_NAME_oneline(X509_get_subject_name(sk_X509_value(certs, c)),
							  NULL, 0);

			keystore_add_trusted(out, subject != NULL ? subject : "",
					     sk_X509_value(certs, c));
			OPENSSL_free(subject);
		}
	}
	rc = KS_OK;
done:
	ERR_clear_error();
	OPENSSL_free(name);
	OPENSSL_free(header);
	if (der != NULL)
		OPENSSL_clear_free(der, (size_t)der_len);
	EVP_PKEY_free(key);
	sk_X509_pop_free(certs, X509_free);
	BIO_free(bio);
	return rc;
}

/* ------------------------------------------------------------ dispatch */

int
keystore_encode(enum store_type t, const struct keystore *ks, const char *password,
		int64_t now_ms, struct buf *out, struct msg *err)
{
	switch (t) {
	case STORE_JKS:
		return jks_encode(ks, password, now_ms, out, err);
	case STORE_PKCS12:
		return p12_encode(ks, password, out, err);
	case STORE_PEM:
		return pem_encode(ks, password, out, err);
	}
	return msg_set(err, _("unknown store type"));
}

enum ks_status
keystore_decode(enum store_type t, const void *data, size_t len, const char *password,
		struct keystore *out, struct msg *err)
{
	switch (t) {
	case STORE_JKS:
		return jks_decode(data, len, password, out, err);
	case STORE_PKCS12:
		return p12_decode(data, len, password, out, err);
	case STORE_PEM:
		return pem_decode(data, len, password, out, err);
	}
	keystore_init(out);
	msg_set(err, _("unknown store type"));
	return KS_CORRUPT;
}
