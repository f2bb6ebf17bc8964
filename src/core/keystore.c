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

/* reference/jks-format.md §1 */
#define JKS_MAGIC 0xFEEDFEEDu
#define JKS_TAG_KEY 1u
#define JKS_TAG_TRUSTED 2u
#define JKS_DIGEST_LEN 20
/* Sun's KeyProtector (§4): salt and check value are SHA-1 sized. */
#define JKS_SALT_LEN 20
#define JKS_KEY_PROTECTOR_OID "1.3.6.1.4.1.42.2.17.1.1"
/* Far more than any store we write; bounds what a damaged count can make us allocate. */
#define JKS_MAX_ENTRIES 4096
/* Oracle's "trusted key usage" bag attribute: without it Java hides a PKCS#12 certificate. */
#define ORACLE_TRUSTED_KEY_USAGE_OID "2.16.840.1.113894.746875.1.1"
#define ANY_EXTENDED_KEY_USAGE_OID "2.5.29.37.0"
/* OpenSSL's PKCS12_DEFAULT_ITER: what every Java reads, cheap enough to stay unnoticed. */
#define P12_ITER 2048

static const char jks_whitener[] = "Mighty Aphrodite";

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

static struct ks_entry *
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

/* ------------------------------------------------------------ JKS helpers */

static void
put_u16(struct buf *b, unsigned v)
{
	unsigned char x[2] = { (unsigned char)(v >> 8), (unsigned char)v };

	buf_add(b, x, sizeof x);
}

static void
put_u32(struct buf *b, uint32_t v)
{
	unsigned char x[4] = {
		(unsigned char)(v >> 24), (unsigned char)(v >> 16),
		(unsigned char)(v >> 8), (unsigned char)v,
	};

	buf_add(b, x, sizeof x);
}

static void
put_u64(struct buf *b, uint64_t v)
{
	put_u32(b, (uint32_t)(v >> 32));
	put_u32(b, (uint32_t)v);
}

/*
 * Java's DataOutputStream.writeUTF writes "modified UTF-8"; for the ASCII
 * names we use (DNS labels, "ca-root", "X.509") that is plain ASCII, and
 * anything else is refused rather than encoded subtly wrong.
 */
static int
put_java_utf(struct buf *b, const char *s, struct msg *err)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return msg_set(err, _("the keystore alias \"%s\" is not printable ASCII"), s);
	if (n > 0xffff)
		return msg_set(err, _("the keystore alias is too long"));
	put_u16(b, (unsigned)n);
	buf_add(b, s, n);
	return 0;
}

static void
put_der_block(struct buf *b, const unsigned char *der, int len)
{
	put_u32(b, (uint32_t)len);
	buf_add(b, der, (size_t)len);
}

static int
put_cert(struct buf *b, X509 *cert, struct msg *err)
{
	unsigned char *der = NULL;
	int len = i2d_X509(cert, &der);

	if (len <= 0) {
		msg_set(err, _("cannot encode a certificate"));
		ossl_errors_to_msg(err);
		return -1;
	}
	if (put_java_utf(b, "X.509", err) < 0) {
		OPENSSL_free(der);
		return -1;
	}
	put_der_block(b, der, len);
	OPENSSL_free(der);
	return 0;
}

/*
 * The password as Java hashes it: each UTF-16 code unit, high byte first
 * (§3).  The input is UTF-8; anything that is not valid UTF-8 is refused,
 * since Java would have hashed different code units than we would.
 */
static int
password_utf16be(const char *pw, struct buf *out, struct msg *err)
{
	const unsigned char *s = (const unsigned char *)pw;

	while (*s != '\0') {
		uint32_t cp;
		int more;

		if (s[0] < 0x80) {
			cp = s[0];
			more = 0;
		} else if ((s[0] & 0xe0) == 0xc0) {
			cp = s[0] & 0x1fu;
			more = 1;
		} else if ((s[0] & 0xf0) == 0xe0) {
			cp = s[0] & 0x0fu;
			more = 2;
		} else if ((s[0] & 0xf8) == 0xf0) {
			cp = s[0] & 0x07u;
			more = 3;
		} else {
			goto bad;
		}
		for (int i = 1; i <= more; i++) {
			if ((s[i] & 0xc0) != 0x80)
				goto bad;
			cp = (cp << 6) | (s[i] & 0x3fu);
		}
		if ((more == 1 && cp < 0x80) || (more == 2 && cp < 0x800)
		    || (more == 3 && cp < 0x10000) || cp > 0x10ffff
		    || (cp >= 0xd800 && cp <= 0xdfff))
			goto bad;
		s += more + 1;
		if (cp >= 0x10000) {
			cp -= 0x10000;
			put_u16(out, 0xd800u | (cp >> 10));
			put_u16(out, 0xdc00u | (cp & 0x3ffu));
		} else {
			put_u16(out, cp);
		}
	}
	return 0;
bad:
	buf_free_secure(out);
	return msg_set(err, _("the password is not valid UTF-8"));
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

int
jks_password_bytes(const char *password, struct buf *out, struct msg *err)
{
	return password_utf16be(password, out, err);
}

/* SHA-1 over the password's UTF-16BE bytes followed by data. */
static int
sha1_pw(const struct buf *pw, const void *data, size_t len, const void *more, size_t more_len,
	unsigned char out[JKS_DIGEST_LEN])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok;

	ok = ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha1(), NULL)
	     && EVP_DigestUpdate(ctx, pw->data, pw->len)
	     && EVP_DigestUpdate(ctx, data, len)
	     && (more_len == 0 || EVP_DigestUpdate(ctx, more, more_len))
	     && EVP_DigestFinal_ex(ctx, out, NULL);
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -1;
}

/* XORs data with Sun's SHA-1 keystream seeded by salt (§4 step 2). */
static int
jks_keystream_xor(const struct buf *pw, const unsigned char salt[JKS_SALT_LEN],
		  const unsigned char *in, unsigned char *out, size_t len)
{
	unsigned char d[JKS_DIGEST_LEN];
	const unsigned char *prev = salt;
	size_t done = 0;

	while (done < len) {
		size_t take;

		if (sha1_pw(pw, prev, JKS_DIGEST_LEN, NULL, 0, d) < 0) {
			OPENSSL_cleanse(d, sizeof d);
			return -1;
		}
		take = len - done < JKS_DIGEST_LEN ? len - done : JKS_DIGEST_LEN;
		for (size_t i = 0; i < take; i++)
			out[done + i] = in[done + i] ^ d[i];
		done += take;
		prev = d;
	}
	OPENSSL_cleanse(d, sizeof d);
	return 0;
}

/* The key as keytool stores it: EncryptedPrivateKeyInfo with Sun's protector. */
static int
jks_protect_key(EVP_PKEY *key, const struct buf *pw, unsigned char **der_out, int *der_len,
		struct msg *err)
{
	PKCS8_PRIV_KEY_INFO *p8 = EVP_PKEY2PKCS8(key);
	unsigned char *plain = NULL;
	unsigned char *prot = NULL;
	X509_SIG *sig = NULL;
	X509_ALGOR *alg;
	ASN1_OCTET_STRING *octets;
	ASN1_OBJECT *oid = NULL;
	int plain_len = -1;
	size_t prot_len = 0;
	int rc = -1;

	if (p8 == NULL || (plain_len = i2d_PKCS8_PRIV_KEY_INFO(p8, &plain)) <= 0)
		goto fail;
	prot_len = (size_t)plain_len + 2 * JKS_SALT_LEN;
	prot = xmalloc(prot_len);
	if (RAND_bytes(prot, JKS_SALT_LEN) != 1
	    || jks_keystream_xor(pw, prot, plain, prot + JKS_SALT_LEN, (size_t)plain_len) < 0
	    || sha1_pw(pw, plain, (size_t)plain_len, NULL, 0,
		       prot + JKS_SALT_LEN + plain_len) < 0)
		goto fail;
	sig = X509_SIG_new();
	oid = OBJ_txt2obj(JKS_KEY_PROTECTOR_OID, 1);
	if (sig == NULL || oid == NULL)
		goto fail;
	X509_SIG_getm(sig, &alg, &octets);
	if (!X509_ALGOR_set0(alg, oid, V_ASN1_NULL, NULL))
		goto fail;
	oid = NULL;
	if (!ASN1_OCTET_STRING_set(octets, prot, (int)prot_len))
		goto fail;
	*der_out = NULL;
	*der_len = i2d_X509_SIG(sig, der_out);
	if (*der_len <= 0)
		goto fail;
	rc = 0;
fail:
	if (rc < 0) {
		msg_set(err, _("cannot protect the private key"));
		ossl_errors_to_msg(err);
	}
	if (plain != NULL) {
		OPENSSL_cleanse(plain, (size_t)plain_len);
		OPENSSL_free(plain);
	}
	if (prot != NULL)
		secure_wipe(prot, prot_len);
	free(prot);
	ASN1_OBJECT_free(oid);
	X509_SIG_free(sig);
	PKCS8_PRIV_KEY_INFO_free(p8);
	return rc;
}

/*
 * Recovers a protected key (§4, backwards).  Returns KS_BAD_PASSWORD when the
 * check value does not match, KS_CORRUPT when the blob is not a key.
 */
static enum ks_status
jks_recover_key(const unsigned char *der, size_t der_len, const struct buf *pw, EVP_PKEY **out,
		struct msg *err)
{
	const unsigned char *p = der;
	X509_SIG *sig = d2i_X509_SIG(NULL, &p, (long)der_len);
	const X509_ALGOR *alg;
	const ASN1_OCTET_STRING *octets;
	const ASN1_OBJECT *oid;
	ASN1_OBJECT *want = NULL;
	unsigned char *plain = NULL;
	unsigned char check[JKS_DIGEST_LEN];
	PKCS8_PRIV_KEY_INFO *p8 = NULL;
	const unsigned char *data;
	size_t plain_len = 0;
	enum ks_status rc = KS_CORRUPT;

	*out = NULL;
	if (sig == NULL || p != der + der_len) {
		msg_set(err, _("a private key entry is not an EncryptedPrivateKeyInfo"));
		goto done;
	}
	X509_SIG_get0(sig, &alg, &octets);
	X509_ALGOR_get0(&oid, NULL, NULL, alg);
	want = OBJ_txt2obj(JKS_KEY_PROTECTOR_OID, 1);
	if (want == NULL || OBJ_cmp(oid, want) != 0) {
		msg_set(err, _("a private key is protected by an algorithm other than Sun's "
			       "key protector"));
		goto done;
	}
	if (ASN1_STRING_length(octets) < 2 * JKS_SALT_LEN + 1) {
		msg_set(err, _("a protected private key is too short"));
		goto done;
	}
	data = ASN1_STRING_get0_data(octets);
	plain_len = (size_t)ASN1_STRING_length(octets) - 2 * JKS_SALT_LEN;
	plain = xmalloc(plain_len);
	if (jks_keystream_xor(pw, data, data + JKS_SALT_LEN, plain, plain_len) < 0
	    || sha1_pw(pw, plain, plain_len, NULL, 0, check) < 0) {
		msg_set(err, _("cannot recover the private key"));
		ossl_errors_to_msg(err);
		goto done;
	}
	if (CRYPTO_memcmp(check, data + JKS_SALT_LEN + plain_len, JKS_DIGEST_LEN) != 0) {
		msg_set(err, _("the password does not open the private key"));
		rc = KS_BAD_PASSWORD;
		goto done;
	}
	p = plain;
	p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, (long)plain_len);
	if (p8 == NULL || (*out = EVP_PKCS82PKEY(p8)) == NULL) {
		msg_set(err, _("the recovered private key is not PKCS#8"));
		ossl_errors_to_msg(err);
		goto done;
	}
	rc = KS_OK;
done:
	if (plain != NULL)
		secure_wipe(plain, plain_len);
	free(plain);
	OPENSSL_cleanse(check, sizeof check);
	PKCS8_PRIV_KEY_INFO_free(p8);
	ASN1_OBJECT_free(want);
	X509_SIG_free(sig);
	return rc;
}

int
jks_encode(const struct keystore *ks, const char *password, int64_t now_ms, struct buf *out,
	   struct msg *err)
{
	struct buf pw;
	unsigned char digest[JKS_DIGEST_LEN];
	size_t start = out->len;

	buf_init(&pw);
	if (password_utf16be(password, &pw, err) < 0)
		return -1;
	put_u32(out, JKS_MAGIC);
	put_u32(out, 2);
	put_u32(out, (uint32_t)ks->count);
	for (size_t i = 0; i < ks->count; i++) {
		const struct ks_entry *e = &ks->entries[i];

		put_u32(out, e->key != NULL ? JKS_TAG_KEY : JKS_TAG_TRUSTED);
		if (put_java_utf(out, e->alias, err) < 0)
			goto fail;
		put_u64(out, (uint64_t)(e->created_ms != 0 ? e->created_ms : now_ms));
		if (e->key != NULL) {
			unsigned char *der;
			int der_len;

			if (jks_protect_key(e->key, &pw, &der, &der_len, err) < 0)
				goto fail;
			put_der_block(out, der, der_len);
			OPENSSL_free(der);
			put_u32(out, (uint32_t)sk_X509_num(e->certs));
			for (int c = 0; c < sk_X509_num(e->certs); c++)
				if (put_cert(out, sk_X509_value(e->certs, c), err) < 0)
					goto fail;
		} else {
			if (sk_X509_num(e->certs) != 1) {
				msg_set(err, _("trusted entry \"%s\" must hold one certificate"),
					e->alias);
				goto fail;
			}
			if (put_cert(out, sk_X509_value(e->certs, 0), err) < 0)
				goto fail;
		}
	}
	if (sha1_pw(&pw, jks_whitener, strlen(jks_whitener), out->data + start, out->len - start,
		    digest) < 0) {
		msg_set(err, _("cannot compute the keystore's integrity digest"));
		ossl_errors_to_msg(err);
		goto fail;
	}
	buf_add(out, digest, sizeof digest);
	buf_free_secure(&pw);
	return 0;
fail:
	buf_free_secure(&pw);
	return -1;
}

/* A bounds-checked cursor over the file. */
struct reader {
	const unsigned char *p;
	size_t left;
	bool overrun;
};

static const unsigned char *
take(struct reader *r, size_t n)
{
	const unsigned char *at = r->p;

	if (r->overrun || n > r->left) {
		r->overrun = true;
		return NULL;
	}
	r->p += n;
	r->left -= n;
	return at;
}

static uint32_t
get_u32(struct reader *r)
{
	const unsigned char *x = take(r, 4);

	if (x == NULL)
		return 0;
	return (uint32_t)x[0] << 24 | (uint32_t)x[1] << 16 | (uint32_t)x[2] << 8 | x[3];
}

static unsigned
get_u16(struct reader *r)
{
	const unsigned char *x = take(r, 2);

	return x == NULL ? 0 : (unsigned)x[0] << 8 | x[1];
}

static char *
get_java_utf(struct reader *r)
{
	unsigned n = get_u16(r);
	const unsigned char *s = take(r, n);

	return s == NULL ? NULL : xstrndup((const char *)s, n);
}

/* The protected key of a parsed entry: kept raw until the digest is checked. */
struct raw_key {
	size_t entry;
	const unsigned char *der;
	size_t len;
};

static int
get_cert(struct reader *r, int version, struct ks_entry *e, struct msg *err)
{
	const unsigned char *der;
	const unsigned char *p;
	uint32_t len;
	X509 *cert;

	if (version == 2) {
		char *type = get_java_utf(r);
		bool x509 = type != NULL && strcmp(type, "X.509") == 0;

		free(type);
		if (!r->overrun && !x509)
			return msg_set(err, _("a certificate is not of type X.509"));
	}
	len = get_u32(r);
	der = take(r, len);
	if (der == NULL)
		return msg_set(err, _("the file ends inside an entry"));
	p = der;
	cert = d2i_X509(NULL, &p, (long)len);
	if (cert == NULL || p != der + len) {
		X509_free(cert);
		ERR_clear_error();
		return msg_set(err, _("entry \"%s\" holds a certificate that does not parse"),
			       e->alias);
	}
	if (!sk_X509_push(e->certs, cert))
		abort();
	return 0;
}

enum ks_status
jks_decode(const void *data, size_t len, const char *password, struct keystore *out,
	   struct msg *err)
{
	struct reader r = { data, len, false };
	struct raw_key *raw = NULL;
	size_t raw_count = 0;
	unsigned char digest[JKS_DIGEST_LEN];
	struct buf pw;
	uint32_t magic, version, count;
	enum ks_status rc = KS_CORRUPT;

	keystore_init(out);
	buf_init(&pw);
	if (password_utf16be(password, &pw, err) < 0)
		return KS_BAD_PASSWORD;
	if (len < 12 + JKS_DIGEST_LEN) {
		msg_set(err, _("too short to be a JKS keystore"));
		goto done;
	}
	r.left = len - JKS_DIGEST_LEN;
	magic = get_u32(&r);
	version = get_u32(&r);
	count = get_u32(&r);
	if (magic != JKS_MAGIC) {
		msg_set(err, _("not a JKS keystore (magic %08x, expected feedfeed)"), magic);
		goto done;
	}
	if (version != 1 && version != 2) {
		msg_set(err, _("unknown JKS version %u"), version);
		goto done;
	}
	if (count > JKS_MAX_ENTRIES) {
		msg_set(err, _("implausible entry count %u"), count);
		goto done;
	}
	for (uint32_t i = 0; i < count; i++) {
		uint32_t tag = get_u32(&r);
		char *alias = get_java_utf(&r);
		const unsigned char *stamp;
		struct ks_entry *e;

		if (alias == NULL) {
			msg_set(err, _("the file ends inside an entry"));
			goto done;
		}
		e = keystore_push(out, alias);
		free(alias);
		stamp = take(&r, 8);
		if (stamp != NULL) {
			uint64_t ms = 0;

			for (int b = 0; b < 8; b++)
				ms = ms << 8 | stamp[b];
			e->created_ms = (int64_t)ms;
		}
		if (tag == JKS_TAG_KEY) {
			uint32_t key_len = get_u32(&r);
			const unsigned char *key_der = take(&r, key_len);
			uint32_t chain;

			raw = xrealloc(raw, (raw_count + 1) * sizeof *raw);
			raw[raw_count++] = (struct raw_key){ out->count - 1, key_der, key_len };
			chain = get_u32(&r);
			if (chain > JKS_MAX_ENTRIES) {
				msg_set(err, _("implausible chain length %u"), chain);
				goto done;
			}
			for (uint32_t c = 0; c < chain && !r.overrun; c++)
				if (get_cert(&r, (int)version, e, err) < 0)
					goto done;
		} else if (tag == JKS_TAG_TRUSTED) {
			if (get_cert(&r, (int)version, e, err) < 0)
				goto done;
		} else if (!r.overrun) {
			msg_set(err, _("unrecognized keystore entry (tag %u)"), tag);
			goto done;
		}
		if (r.overrun) {
			msg_set(err, _("the file ends inside an entry"));
			goto done;
		}
	}
	if (r.left != 0) {
		msg_set(err, _("%zu unexpected bytes after the last entry"), r.left);
		goto done;
	}
	if (sha1_pw(&pw, jks_whitener, strlen(jks_whitener), data, len - JKS_DIGEST_LEN,
		    digest) < 0) {
		msg_set(err, _("cannot compute the keystore's integrity digest"));
		ossl_errors_to_msg(err);
		goto done;
	}
	if (CRYPTO_memcmp(digest, (const unsigned char *)data + len - JKS_DIGEST_LEN,
			  JKS_DIGEST_LEN) != 0) {
		/* A key that still opens proves the password right: then the file changed. */
		for (size_t k = 0; k < raw_count; k++) {
			EVP_PKEY *key;
			struct msg ignored;

			if (jks_recover_key(raw[k].der, raw[k].len, &pw, &key, &ignored) == KS_OK) {
				EVP_PKEY_free(key);
				msg_set(err, _("integrity check failed: the password is right, "
					       "so the file was changed or damaged"));
				goto done;
			}
		}
		msg_set(err, _("integrity check failed: wrong password, or the file was changed"));
		rc = KS_BAD_PASSWORD;
		goto done;
	}
	for (size_t k = 0; k < raw_count; k++) {
		rc = jks_recover_key(raw[k].der, raw[k].len, &pw, &out->entries[raw[k].entry].key,
				     err);
		if (rc != KS_OK) {
			msg_prefix(err, _("entry \"%s\""), out->entries[raw[k].entry].alias);
			/* The digest matched, so the store password is right: the key's differs. */
			goto done;
		}
	}
	rc = KS_OK;
done:
	if (rc != KS_OK)
		keystore_free(out);
	free(raw);
	buf_free_secure(&pw);
	return rc;
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
