/*
 * The keystore writers and readers (JKS, PKCS#12, PEM) and the PKI pieces
 * they rest on.  The JKS layout and digest are recomputed here from
 * reference/jks-format.md, not taken from the code under test.
 */
#include <config.h>

#include "unit.h"

#include <stdatomic.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "core/keystore.h"
#include "core/pki.h"

/* Made once: an EC CA, an EC node and an RSA node (RSA exercises a long PKCS#8). */
struct fixture {
	EVP_PKEY *ca_key, *node_key, *rsa_key, *other_key;
	X509 *ca, *node, *rsa_node, *other_ca;
};

static struct fixture fx;

static X509 *
make_node(EVP_PKEY *key, X509 *ca, EVP_PKEY *ca_key, const char *dn_text, long days)
{
	struct msg err;
	X509_NAME *dn = pki_parse_dn(dn_text, &err);
	GENERAL_NAMES *san = pki_parse_san("DNS:kafka-1,DNS:localhost", &err);
	bool clamped;
	X509 *cert;

	assert_non_null(dn);
	assert_non_null(san);
	cert = pki_make_node_cert(key, dn, san, days, ca, ca_key, &clamped, &err);
	X509_NAME_free(dn);
	GENERAL_NAMES_free(san);
	return cert;
}

static X509 *
make_ca(EVP_PKEY *key, const char *subject, long days)
{
	struct msg err;
	X509_NAME *name = pki_parse_subject(subject, &err);
	X509 *cert;

	assert_non_null(name);
	cert = pki_make_ca_cert(key, name, days, &err);
	X509_NAME_free(name);
	return cert;
}

static int
setup(void **state)
{
	struct msg err;

	(void)state;
	fx.ca_key = pki_generate_key(KEY_EC_P256, &err);
	fx.node_key = pki_generate_key(KEY_EC_P256, &err);
	fx.other_key = pki_generate_key(KEY_EC_P256, &err);
	fx.rsa_key = pki_generate_key(KEY_RSA2048, &err);
	if (!fx.ca_key || !fx.node_key || !fx.other_key || !fx.rsa_key)
		return -1;
	fx.ca = make_ca(fx.ca_key, "/C=DE/ST=NRW/L=MS/O=juplo/OU=kafka/CN=Root-CA", 365);
	fx.other_ca = make_ca(fx.other_key, "/CN=Other-CA", 365);
	fx.node = make_node(fx.node_key, fx.ca, fx.ca_key,
			    "CN=kafka-1,OU=kafka,O=juplo,L=MS,ST=NRW,C=DE", 365);
	fx.rsa_node = make_node(fx.rsa_key, fx.ca, fx.ca_key, "CN=kafka-1,O=juplo", 365);
	return fx.ca && fx.other_ca && fx.node && fx.rsa_node ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	EVP_PKEY_free(fx.ca_key);
	EVP_PKEY_free(fx.node_key);
	EVP_PKEY_free(fx.rsa_key);
	EVP_PKEY_free(fx.other_key);
	X509_free(fx.ca);
	X509_free(fx.node);
	X509_free(fx.rsa_node);
	X509_free(fx.other_ca);
	keygen_shutdown();
	return 0;
}

/* The article's keystore: key entry with chain node -> CA, trusted entry ca-root. */
static void
node_store(struct keystore *ks, EVP_PKEY *key, X509 *leaf, X509 *issuer)
{
	STACK_OF(X509) *chain = sk_X509_new_null();

	sk_X509_push(chain, leaf);
	sk_X509_push(chain, issuer);
	keystore_init(ks);
	keystore_add_key(ks, "kafka-1", key, chain);
	keystore_add_trusted(ks, "ca-root", fx.ca);
	sk_X509_free(chain);
}

static void
encode(enum store_type t, const struct keystore *ks, const char *pw, struct buf *out)
{
	struct msg err;

	msg_clear(&err);
	buf_init(out);
	if (keystore_encode(t, ks, pw, 1700000000123LL, out, &err) != 0) {
		print_error("encode: %s\n", err.text);
		fail();
	}
}

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* ------------------------------------------------------------ JKS */

static void
test_jks_roundtrip(void **state)
{
	struct keystore ks, back;
	struct buf bytes;
	struct msg err;
	const struct ks_entry *e;

	(void)state;
	node_store(&ks, fx.rsa_key, fx.rsa_node, fx.ca);
	encode(STORE_JKS, &ks, "confidential", &bytes);
	assert_int_equal(jks_decode(bytes.data, bytes.len, "confidential", &back, &err), KS_OK);
	assert_int_equal(back.count, 2);
	e = keystore_find(&back, "kafka-1");
	assert_non_null(e);
	assert_non_null(e->key);
	assert_int_equal(EVP_PKEY_eq(e->key, fx.rsa_key), 1);
	assert_int_equal(sk_X509_num(e->certs), 2);
	assert_int_equal(X509_cmp(sk_X509_value(e->certs, 0), fx.rsa_node), 0);
	assert_int_equal(X509_cmp(sk_X509_value(e->certs, 1), fx.ca), 0);
	assert_true(e->created_ms == 1700000000123LL);
	e = keystore_find(&back, "ca-root");
	assert_non_null(e);
	assert_null(e->key);
	assert_int_equal(X509_cmp(sk_X509_value(e->certs, 0), fx.ca), 0);
	assert_int_equal(keystore_check(&back, "ca-root", fx.ca, &err), 0);
	keystore_free(&back);
	keystore_free(&ks);
	buf_free_secure(&bytes);
}

/*
 * The layout and the trailing digest, recomputed from the format notes: a
 * password with umlauts, a euro sign and a character outside the BMP must be
 * hashed as Java's UTF-16 code units (the surrogate pair included).
 */
static void
test_jks_layout_and_digest(void **state)
{
	/* "pä€𝄞": p, U+00E4, U+20AC, U+1D11E (D834 DD1E) */
	static const char pw[] = "p\xc3\xa4\xe2\x82\xac\xf0\x9d\x84\x9e";
	static const unsigned char pw_utf16[] = {
		0x00, 0x70, 0x00, 0xe4, 0x20, 0xac, 0xd8, 0x34, 0xdd, 0x1e,
	};
	unsigned char digest[20];
	struct keystore ks, back;
	struct buf bytes;
	struct msg err;
	const unsigned char *p;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	(void)state;
	keystore_init(&ks);
	keystore_add_trusted(&ks, "ca-root", fx.ca);
	encode(STORE_JKS, &ks, pw, &bytes);
	p = (const unsigned char *)bytes.data;
	assert_true(be32(p) == 0xfeedfeedu);
	assert_int_equal(be32(p + 4), 2);
	assert_int_equal(be32(p + 8), 1);
	assert_int_equal(be32(p + 12), 2); /* trusted certificate entry */
	assert_int_equal(p[16] << 8 | p[17], 7);
	assert_memory_equal(p + 18, "ca-root", 7);
	assert_memory_equal(p + 33, "\x00\x05X.509", 7);
	assert_non_null(ctx);
	assert_int_equal(EVP_DigestInit_ex(ctx, EVP_sha1(), NULL), 1);
	EVP_DigestUpdate(ctx, pw_utf16, sizeof pw_utf16);
	EVP_DigestUpdate(ctx, "Mighty Aphrodite", 16);
	EVP_DigestUpdate(ctx, bytes.data, bytes.len - 20);
	EVP_DigestFinal_ex(ctx, digest, NULL);
	EVP_MD_CTX_free(ctx);
	assert_memory_equal(digest, bytes.data + bytes.len - 20, 20);
	assert_int_equal(jks_decode(bytes.data, bytes.len, pw, &back, &err), KS_OK);
	keystore_free(&back);
	keystore_free(&ks);
	buf_free(&bytes);
}

static void
test_jks_wrong_password(void **state)
{
	struct keystore ks, back;
	struct buf bytes;
	struct msg err;

	(void)state;
	node_store(&ks, fx.node_key, fx.node, fx.ca);
	encode(STORE_JKS, &ks, "confidential", &bytes);
	msg_clear(&err);
	assert_int_equal(jks_decode(bytes.data, bytes.len, "Confidential", &back, &err),
			 KS_BAD_PASSWORD);
	assert_contains(err.text, "wrong password");
	assert_null(back.entries);
	keystore_free(&ks);
	buf_free_secure(&bytes);
}

/* A flipped byte anywhere fails; in a certificate, the still-opening key proves damage. */
static void
test_jks_flipped_byte(void **state)
{
	struct keystore ks, back;
	struct buf bytes;
	struct msg err;
	size_t positions[3];

	(void)state;
	node_store(&ks, fx.node_key, fx.node, fx.ca);
	encode(STORE_JKS, &ks, "confidential", &bytes);
	positions[0] = bytes.len - 100; /* inside the trusted CA certificate */
	positions[1] = bytes.len - 1;   /* the digest itself */
	positions[2] = 60;              /* inside the protected key */
	for (size_t i = 0; i < ARRAY_SIZE(positions); i++) {
		bytes.data[positions[i]] ^= 0x01;
		msg_clear(&err);
		assert_int_not_equal(jks_decode(bytes.data, bytes.len, "confidential", &back, &err),
				     KS_OK);
		assert_contains(err.text, "integrity check failed");
		if (i == 0)
			assert_contains(err.text, "password is right");
		bytes.data[positions[i]] ^= 0x01;
	}
	assert_int_equal(jks_decode(bytes.data, bytes.len, "confidential", &back, &err), KS_OK);
	keystore_free(&back);
	keystore_free(&ks);
	buf_free_secure(&bytes);
}

/* Every truncation is refused without reading past the end (ASan would tell). */
static void
test_jks_truncated(void **state)
{
	struct keystore ks, back;
	struct buf bytes;
	struct msg err;

	(void)state;
	node_store(&ks, fx.node_key, fx.node, fx.ca);
	encode(STORE_JKS, &ks, "confidential", &bytes);
	for (size_t n = 0; n < bytes.len; n++) {
		char *copy = xmalloc(n + 1);

		memcpy(copy, bytes.data, n);
		assert_int_not_equal(jks_decode(copy, n, "confidential", &back, &err), KS_OK);
		free(copy);
	}
	keystore_free(&ks);
	buf_free_secure(&bytes);
}

/* ------------------------------------------------------------ checks */

static void
test_key_matches_certificate(void **state)
{
	struct keystore ks;
	struct msg err;

	(void)state;
	node_store(&ks, fx.node_key, fx.node, fx.ca);
	assert_int_equal(keystore_check(&ks, "ca-root", fx.ca, &err), 0);
	keystore_free(&ks);

	/* Another key with the node's certificate. */
	node_store(&ks, fx.other_key, fx.node, fx.ca);
	msg_clear(&err);
	assert_int_equal(keystore_check(&ks, "ca-root", fx.ca, &err), -1);
	assert_contains(err.text, "does not match its certificate");
	keystore_free(&ks);

	/* The right key, but a chain to a CA that did not sign the certificate. */
	node_store(&ks, fx.node_key, fx.node, fx.other_ca);
	msg_clear(&err);
	assert_int_equal(keystore_check(&ks, "ca-root", fx.ca, &err), -1);
	assert_contains(err.text, "chain");
	keystore_free(&ks);

	/* The trusted entry must hold the CA asked for. */
	node_store(&ks, fx.node_key, fx.node, fx.ca);
	msg_clear(&err);
	assert_int_equal(keystore_check(&ks, "ca-root", fx.other_ca, &err), -1);
	assert_contains(err.text, "ca-root");
	keystore_free(&ks);
}

/* ------------------------------------------------------------ PKCS#12 and PEM */

static void
test_p12_roundtrip(void **state)
{
	struct keystore ks, back;
	struct buf bytes;
	struct msg err;
	const struct ks_entry *e;

	(void)state;
	node_store(&ks, fx.rsa_key, fx.rsa_node, fx.ca);
	encode(STORE_PKCS12, &ks, "confidential", &bytes);
	assert_int_equal((unsigned char)bytes.data[0], 0x30);
	assert_int_equal(p12_decode(bytes.data, bytes.len, "confidential", &back, &err), KS_OK);
	e = keystore_find(&back, "kafka-1");
	assert_non_null(e);
	assert_non_null(e->key);
	assert_int_equal(EVP_PKEY_eq(e->key, fx.rsa_key), 1);
	assert_int_equal(sk_X509_num(e->certs), 2);
	/* Only a bag with Oracle's trusted-key-usage attribute becomes a trusted entry. */
	e = keystore_find(&back, "ca-root");
	assert_non_null(e);
	assert_null(e->key);
	assert_int_equal(keystore_check(&back, "ca-root", fx.ca, &err), 0);
	keystore_free(&back);
	msg_clear(&err);
	assert_int_equal(p12_decode(bytes.data, bytes.len, "wrong-password", &back, &err),
			 KS_BAD_PASSWORD);
	bytes.data[bytes.len / 2] ^= 0x01;
	assert_int_not_equal(p12_decode(bytes.data, bytes.len, "confidential", &back, &err), KS_OK);
	keystore_free(&ks);
	buf_free_secure(&bytes);
}

static void
test_pem_roundtrip(void **state)
{
	struct keystore ks, back;
	struct buf bytes;
	struct msg err;
	const struct ks_entry *e;

	(void)state;
	node_store(&ks, fx.node_key, fx.node, fx.ca);
	encode(STORE_PEM, &ks, "confidential", &bytes);
	assert_contains(bytes.data, "-----BEGIN ENCRYPTED PRIVATE KEY-----");
	assert_not_contains(bytes.data, "-----BEGIN PRIVATE KEY-----");
	assert_int_equal(pem_decode(bytes.data, bytes.len, "confidential", &back, &err), KS_OK);
	e = keystore_find(&back, "key");
	assert_non_null(e);
	assert_int_equal(EVP_PKEY_eq(e->key, fx.node_key), 1);
	assert_int_equal(sk_X509_num(e->certs), 2);
	assert_int_equal(keystore_check(&back, NULL, fx.ca, &err), 0);
	keystore_free(&back);
	msg_clear(&err);
	assert_int_equal(pem_decode(bytes.data, bytes.len, "wrong-password", &back, &err),
			 KS_BAD_PASSWORD);
	assert_contains(err.text, "password");
	keystore_free(&ks);
	buf_free_secure(&bytes);
}

/* ------------------------------------------------------------ names */

static void
expect_java_name(const char *dn_text)
{
	struct msg err;
	X509_NAME *dn = pki_parse_dn(dn_text, &err);
	struct buf java;

	if (dn == NULL) {
		print_error("%s refused: %s\n", dn_text, err.text);
		fail();
	}
	buf_init(&java);
	pki_name_java(dn, &java);
	assert_string_equal(java.data, dn_text);
	buf_free(&java);
	X509_NAME_free(dn);
}

static void
expect_dn_refused(const char *dn_text, const char *why)
{
	struct msg err;
	X509_NAME *dn;

	msg_clear(&err);
	dn = pki_parse_dn(dn_text, &err);
	assert_null(dn);
	assert_contains(err.text, why);
}

static void
test_dn_as_java_reports_it(void **state)
{
	X509_NAME *dn;
	struct msg err;

	(void)state;
	expect_java_name("CN=kafka-1,OU=kafka,O=juplo,L=MS,ST=NRW,C=DE");
	expect_java_name("CN=a\\,b,O=x\\+y,OU=\\\"q\\\"");
	expect_java_name("CN=Jürgen Müller,O=Straße");
	expect_java_name("UID=kafka,DC=example,DC=org");
	/* Java escapes '#' and '=' anywhere in a value: unescaped they would not come back. */
	expect_dn_refused("CN=x,OU=ops #1", "OU=ops \\#1");
	expect_dn_refused("CN=a=b", "CN=a\\=b");
	expect_dn_refused("CN=x, O=y", "\" O\"");
	expect_dn_refused("cn=x", "upper case");
	expect_dn_refused("EMAILADDRESS=a@b,CN=x", "EMAILADDRESS");
	expect_dn_refused("C=DEU,CN=x", "C");

	/* RFC 2253 lists the last RDN first: the encoding must start with C. */
	dn = pki_parse_dn("CN=kafka-1,O=juplo,C=DE", &err);
	assert_non_null(dn);
	assert_int_equal(OBJ_obj2nid(X509_NAME_ENTRY_get_object(X509_NAME_get_entry(dn, 0))),
			 NID_countryName);
	X509_NAME_free(dn);
}

static void
test_subject_openssl_order(void **state)
{
	struct msg err;
	X509_NAME *name;
	struct buf text;

	(void)state;
	name = pki_parse_subject("/C=DE/ST=NRW/L=MS/O=juplo/OU=kafka/CN=Root-CA", &err);
	assert_non_null(name);
	buf_init(&text);
	pki_name_openssl(name, &text);
	assert_string_equal(text.data, "/C=DE/ST=NRW/L=MS/O=juplo/OU=kafka/CN=Root-CA");
	buf_free(&text);
	buf_init(&text);
	pki_name_java(name, &text);
	assert_string_equal(text.data, "CN=Root-CA,OU=kafka,O=juplo,L=MS,ST=NRW,C=DE");
	buf_free(&text);
	X509_NAME_free(name);
	assert_null(pki_parse_subject("C=DE/CN=x", &err));
	assert_null(pki_parse_subject("/XX=1/CN=x", &err));
	assert_contains(err.text, "XX");
}

static void
test_san(void **state)
{
	struct msg err;
	GENERAL_NAMES *san;
	struct buf text;
	char *expanded = pki_expand_name("DNS:{name},DNS:{name}.local,IP:127.0.0.1,IP:::1",
					 "kafka-1");

	(void)state;
	san = pki_parse_san(expanded, &err);
	assert_non_null(san);
	buf_init(&text);
	pki_san_text(san, &text);
	assert_string_equal(text.data, "DNS:kafka-1,DNS:kafka-1.local,IP:127.0.0.1,IP:::1");
	buf_free(&text);
	GENERAL_NAMES_free(san);
	free(expanded);
	assert_null(pki_parse_san("URI:http://x", &err));
	assert_contains(err.text, "URI:http://x");
	assert_null(pki_parse_san("IP:999.1.1.1", &err));
}

/* ------------------------------------------------------------ certificates */

static void
test_node_certificate(void **state)
{
	struct msg err;
	X509 *longer;
	EXTENDED_KEY_USAGE *eku;

	(void)state;
	assert_int_equal(pki_verify_chain(fx.node, fx.ca, &err), 0);
	msg_clear(&err);
	assert_int_equal(pki_verify_chain(fx.node, fx.other_ca, &err), -1);
	assert_contains(err.text, "does not verify");
	/* 128 random bits: 16 or 17 bytes of DER integer content. */
	assert_true(ASN1_STRING_length(X509_get0_serialNumber(fx.node)) >= 15);
	eku = X509_get_ext_d2i(fx.node, NID_ext_key_usage, NULL, NULL);
	assert_non_null(eku);
	assert_int_equal(sk_ASN1_OBJECT_num(eku), 2);
	EXTENDED_KEY_USAGE_free(eku);
	assert_non_null(X509_get0_authority_key_id(fx.node));
	assert_int_equal(ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(fx.node),
					       X509_get0_subject_key_id(fx.ca)), 0);
	/* Never past the CA's end. */
	longer = make_node(fx.node_key, fx.ca, fx.ca_key, "CN=kafka-1", 3650);
	assert_non_null(longer);
	assert_true(ASN1_TIME_compare(X509_get0_notAfter(longer), X509_get0_notAfter(fx.ca)) <= 0);
	X509_free(longer);
	assert_true(X509_check_ca(fx.ca) >= 1);
	assert_true(key_is_type(fx.node_key, KEY_EC_P256));
	assert_false(key_is_type(fx.node_key, KEY_EC_P384));
	assert_true(key_is_type(fx.rsa_key, KEY_RSA2048));
	assert_false(key_is_type(fx.rsa_key, KEY_RSA4096));
}

static void
test_ca_key_file(void **state)
{
	struct buf pem;
	struct msg err;
	EVP_PKEY *key = NULL;
	bool encrypted = false;

	(void)state;
	buf_init(&pem);
	assert_int_equal(pki_encode_ca_key(fx.ca_key, "superconfidential", &pem, &err), 0);
	assert_contains(pem.data, "-----BEGIN ENCRYPTED PRIVATE KEY-----");
	assert_int_equal(pki_decode_ca_key(pem.data, pem.len, "superconfidential", &key, &encrypted,
					   &err), CA_KEY_OK);
	assert_true(encrypted);
	assert_int_equal(EVP_PKEY_eq(key, fx.ca_key), 1);
	EVP_PKEY_free(key);
	assert_int_equal(pki_decode_ca_key(pem.data, pem.len, "not-it", &key, &encrypted, &err),
			 CA_KEY_BAD_PASSWORD);
	assert_null(key);
	assert_int_equal(pki_decode_ca_key("garbage\n", 8, "x", &key, &encrypted, &err),
			 CA_KEY_CORRUPT);
	buf_free(&pem);
}

/* A cancelled wait returns at once and stops a 4096-bit generation. */
static void
test_keygen_cancel(void **state)
{
	atomic_bool cancel = true;
	EVP_PKEY *key = NULL;
	struct msg err;
	struct timespec t0, t1;

	(void)state;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	keygen_prefetch(KEY_RSA4096, keygen_workers());
	assert_int_equal(keygen_take(KEY_RSA4096, &cancel, &key, &err), KEYGEN_CANCELLED);
	assert_null(key);
	keygen_shutdown();
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 < 1000);
	/* The pool works again afterwards. */
	atomic_store(&cancel, false);
	assert_int_equal(keygen_take(KEY_EC_P256, &cancel, &key, &err), KEYGEN_OK);
	assert_true(key_is_type(key, KEY_EC_P256));
	EVP_PKEY_free(key);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jks_roundtrip),
		cmocka_unit_test(test_jks_layout_and_digest),
		cmocka_unit_test(test_jks_wrong_password),
		cmocka_unit_test(test_jks_flipped_byte),
		cmocka_unit_test(test_jks_truncated),
		cmocka_unit_test(test_key_matches_certificate),
		cmocka_unit_test(test_p12_roundtrip),
		cmocka_unit_test(test_pem_roundtrip),
		cmocka_unit_test(test_dn_as_java_reports_it),
		cmocka_unit_test(test_subject_openssl_order),
		cmocka_unit_test(test_san),
		cmocka_unit_test(test_node_certificate),
		cmocka_unit_test(test_ca_key_file),
		cmocka_unit_test(test_keygen_cancel),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, setup, teardown);
}
