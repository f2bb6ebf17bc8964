/* Our own JKS writer and reader (reference/jks-format.md): Sun's key protector, the digest. */
#include <config.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "i18n.h"
#include "keystore.h"
#include "keystore_int.h"

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

static const char jks_whitener[] = "Mighty Aphrodite";

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
