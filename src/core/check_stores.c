/* check's keystores: opening them as the programs would, what they hold, whom they trust. */
#include <config.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "check_int.h"
#include "fsutil.h"
#include "i18n.h"
#include "keystore.h"
#include "pki.h"
#include "util.h"

/* ZooKeeper's X509Util, when no type is set: from the file name's end. */
int
store_type_from_name(const char *path, enum store_type *out)
{
	if (str_ends_with(path, ".jks") || str_ends_with(path, ".JKS"))
		*out = STORE_JKS;
	else if (str_ends_with(path, ".pem") || str_ends_with(path, ".PEM"))
		*out = STORE_PEM;
	else if (str_ends_with(path, ".p12") || str_ends_with(path, ".pfx") ||
		 str_ends_with(path, ".P12") || str_ends_with(path, ".PFX"))
		*out = STORE_PKCS12;
	else
		return -1;
	return 0;
}

/*
 * The JKS integrity digest alone (jks-format.md §1): tells a wrong store
 * password from a right one whose key opens with another password, which
 * keystore_decode reports alike.  1 right, 0 wrong, -1 unknown.
 */
static int
jks_store_password_ok(const unsigned char *data, size_t len, const char *password)
{
	static const char whitener[] = "Mighty Aphrodite";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	struct msg err;
	struct buf pw;
	EVP_MD_CTX *ctx = NULL;
	int ok = -1;

	buf_init(&pw);
	if (len < 20 || jks_password_bytes(password, &pw, &err) != 0)
		goto done;
	ctx = EVP_MD_CTX_new();
	if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) != 1 ||
	    (pw.len > 0 && EVP_DigestUpdate(ctx, pw.data, pw.len) != 1) ||
	    EVP_DigestUpdate(ctx, whitener, strlen(whitener)) != 1 ||
	    EVP_DigestUpdate(ctx, data, len - 20) != 1 ||
	    EVP_DigestFinal_ex(ctx, md, &md_len) != 1 || md_len != 20)
		goto done;
	ok = CRYPTO_memcmp(md, data + len - 20, 20) == 0;
done:
	EVP_MD_CTX_free(ctx);
	buf_free_secure(&pw);
	return ok;
}

static const struct ks_entry *key_entry(const struct store *s);

struct store *
store_open(struct check_ctx *c, const char *path, enum store_type type, const char *password)
{
	struct msg err = { "" };
	struct store *s;
	char *data = NULL, *full;
	size_t len = 0;

	for (size_t i = 0; i < c->nstores; i++) {
		s = c->stores[i];
		/* A PEM bundle of certificates opens with any password. */
		if (strcmp(s->path, path) == 0 && s->type == type &&
		    (strcmp(s->password, password) == 0 ||
		     (type == STORE_PEM && s->status == KS_OK && key_entry(s) == NULL)))
			return s;
	}
	s = xcalloc(1, sizeof *s);
	s->path = xstrdup(path);
	s->password = xstrdup(password);
	s->type = type;
	keystore_init(&s->ks);
	c->stores = xrealloc(c->stores, (c->nstores + 1) * sizeof *c->stores);
	c->stores[c->nstores++] = s;

	full = check_path(c, path);
	if (check_read_file(full, CHECK_MAX_FILE, &data, &len, &err) != 0) {
		s->missing = !fs_exists(full);
		s->status = KS_CORRUPT;
		s->why = xstrdup(err.text);
		free(full);
		return s;
	}
	free(full);
	/* Java 9+ reads a PKCS#12 file as "JKS" (keystore.type.compat): keytool's default since 9. */
	if (type == STORE_JKS && len >= 4 && (unsigned char)data[0] == 0x30) {
		s->compat_p12 = true;
		type = STORE_PKCS12;
	}
	if (javafmt_has_java_only(password)) {
		/* Java hashes such a char[] as it is; no UTF-8 holds it, so no reader here. */
		s->status = KS_BAD_PASSWORD;
		s->java_only_pw = true;
		secure_wipe(data, len);
		free(data);
		return s;
	}
	s->status = keystore_decode(type, data, len, password, &s->ks, &err);
	if (s->status == KS_OK && !store_password_java_ok(type, password) &&
	    (type == STORE_PKCS12 || key_entry(s) != NULL)) {
		/* OpenSSL opens it, Java does not: what counts is Java. */
		keystore_free(&s->ks);
		keystore_init(&s->ks);
		s->status = KS_BAD_PASSWORD;
		msg_set(&err, _("Java opens PKCS#12 files and PEM keys only with a password of "
				"printable ASCII characters: \"Password is not ASCII\""));
	}
	if (s->status == KS_BAD_PASSWORD && type == STORE_JKS &&
	    jks_store_password_ok((const unsigned char *)data, len, password) == 1)
		s->key_pw_differs = true;
	if (s->status != KS_OK)
		s->why = xstrdup(err.text);
	ERR_clear_error();
	secure_wipe(data, len);
	free(data);
	return s;
}

/* The first key entry: its chain, leaf first. */
static const struct ks_entry *
key_entry(const struct store *s)
{
	for (size_t i = 0; i < s->ks.count; i++)
		if (s->ks.entries[i].key != NULL)
			return &s->ks.entries[i];
	return NULL;
}

X509 *
store_leaf(const struct store *s)
{
	const struct ks_entry *e = key_entry(s);

	return e != NULL && sk_X509_num(e->certs) > 0 ? sk_X509_value(e->certs, 0) : NULL;
}

static void
cert_date(const X509 *cert, char out[16])
{
	struct tm tm;

	if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm) == 1)
		strftime(out, 16, "%Y-%m-%d", &tm);
	else
		snprintf(out, 16, "?");
}

char *
cert_subject(const X509 *cert)
{
	struct buf b;

	buf_init(&b);
	pki_name_java(X509_get_subject_name(cert), &b);
	return buf_steal(&b, NULL);
}

static void
check_expiry(struct check_ctx *c, const char *file, const X509 *cert)
{
	long left = pki_seconds_left(cert);
	char date[16], *who = cert_subject(cert);

	cert_date(cert, date);
	if (left < 0) {
		check_add(c->r, CHECK_PROBLEM, file, _("the certificate %s expired on %s"), who, date);
		check_hint(c->r, _("make new certificates: zktls-wizard --batch --renew --steps ca,certs DIR"));
	} else if (left < (long)CHECK_EXPIRY_WARN_DAYS * 86400) {
		check_add(c->r, CHECK_WARNING, file, _("the certificate %s expires in %ld days (%s)"), who,
		    left / 86400, date);
		check_hint(c->r, _("renew it before then: zktls-wizard --batch --renew --steps ca,certs DIR"));
	} else if (X509_cmp_time(X509_get0_notBefore(cert), NULL) > 0) {
		check_add(c->r, CHECK_PROBLEM, file, _("the certificate %s is not valid yet"), who);
		check_hint(c->r, _("is this machine's clock right?"));
	}
	free(who);
}

static bool
store_has_trusted(const struct store *s)
{
	for (size_t i = 0; i < s->ks.count; i++)
		if (s->ks.entries[i].key == NULL && sk_X509_num(s->ks.entries[i].certs) > 0)
			return true;
	return false;
}

/*
 * Notes that from uses s as a keystore (as_key) or truststore; true when
 * it can.  What is found is reported once per store by report_stores, for
 * all the files that use it with that password.
 */
static bool
use_store(struct store *s, const char *from, bool as_key)
{
	if (!strlist_contains(&s->users, from))
		strlist_push(&s->users, from);
	if (as_key)
		s->as_key = true;
	else
		s->as_trust = true;
	if (s->status != KS_OK)
		return false;
	return as_key ? store_leaf(s) != NULL : store_has_trusted(s);
}

bool
check_keystore(struct check_ctx *c, struct store *s, const char *from)
{
	(void)c;
	return use_store(s, from, true);
}

bool
check_truststore(struct check_ctx *c, struct store *s, const char *from)
{
	(void)c;
	return use_store(s, from, false);
}

void
report_store(struct check_ctx *c, struct store *s)
{
	size_t first = c->r->count;

	struct buf from;
	const char *role = s->as_key ? _("keystore") : _("truststore");
	const struct ks_entry *e;

	buf_init(&from);
	for (size_t i = 0; i < s->users.len; i++)
		buf_printf(&from, "%s%s", i ? ", " : "", s->users.items[i]);
	if (s->missing) {
		for (size_t i = 0; i < s->users.len; i++)
			check_add(c->r, CHECK_PROBLEM, s->users.items[i], _("the %s %s does not exist"), role,
			    s->path);
		goto done;
	}
	if (s->java_only_pw) {
		check_add(c->r, CHECK_WARNING, s->path,
			  _("the password that %s gives for it holds U+0000 or half of a UTF-16 "
			    "surrogate pair (a \\u escape without its partner): check cannot open "
			    "it as Java would"), from.data);
		check_hint(c->r, _("write a character beyond U+FFFF as both of its \\u escapes, "
				   "e.g. \\uD83D\\uDE00"));
		goto done;
	}
	if (s->status != KS_OK && s->key_pw_differs) {
		check_add(c->r, CHECK_PROBLEM, s->path,
		    _("opens with the store password from %s, but its key does not: the key "
		      "password differs, and ZooKeeper needs key password = store password"),
		    from.data);
		check_hint(c->r, _("keytool -keypasswd -keystore %s -alias ALIAS (set the key password to "
			     "the store password)"), s->path);
		goto done;
	}
	if (s->status == KS_BAD_PASSWORD) {
		check_add(c->r, CHECK_PROBLEM, s->path,
		    _("does not open with the password that %s gives for it (%s)"), from.data,
		    s->why);
		check_hint(c->r, _("ZooKeeper starts anyway and then fails every TLS handshake with "
			     "\"Failed to create KeyManager\"; put the right password into %s"),
		     from.data);
		goto done;
	}
	if (s->status != KS_OK) {
		check_add(c->r, CHECK_PROBLEM, s->path, _("cannot be read as %s (%s): %s"),
		    store_type_java_name(s->type), from.data, s->why != NULL ? s->why : "?");
		goto done;
	}
	if (s->compat_p12)
		check_add(c->r, CHECK_OK, s->path,
		    _("opens with the password from %s; a PKCS#12 file named as JKS, which "
		      "Java 9 and later read as JKS (Java 8 does not)"), from.data);
	else
		check_add(c->r, CHECK_OK, s->path, _("opens as %s with the password from %s"),
		    store_type_java_name(s->type), from.data);
	e = key_entry(s);
	if (s->as_key && (e == NULL || sk_X509_num(e->certs) == 0)) {
		check_add(c->r, CHECK_PROBLEM, s->path,
		    _("holds no private key with a certificate, but %s uses it as keystore"),
		    from.data);
	} else if (e != NULL && sk_X509_num(e->certs) > 0) {
		X509 *leaf = sk_X509_value(e->certs, 0);
		char date[16], *who = cert_subject(leaf);

		cert_date(leaf, date);
		check_add(c->r, CHECK_OK, s->path, _("key entry \"%s\": %s, valid until %s"), e->alias,
		    who, date);
		free(who);
		for (int i = 0; i < sk_X509_num(e->certs); i++)
			check_expiry(c, s->path, sk_X509_value(e->certs, i));
	}
	if (s->as_trust && !store_has_trusted(s)) {
		check_add(c->r, CHECK_PROBLEM, s->path,
		    _("holds no trusted certificate, but %s uses it as truststore"), from.data);
	} else if (s->as_trust) {
		for (size_t i = 0; i < s->ks.count; i++) {
			const struct ks_entry *t = &s->ks.entries[i];
			X509 *cert;
			char *who;

			if (t->key != NULL || sk_X509_num(t->certs) == 0)
				continue;
			cert = sk_X509_value(t->certs, 0);
			who = cert_subject(cert);
			check_add(c->r, CHECK_OK, s->path, _("trusts \"%s\": %s"), t->alias, who);
			free(who);
			check_expiry(c, s->path, cert);
		}
	}
done:
	/* Whether it opens comes first in its file's findings. */
	for (size_t i = first; i < c->r->count; i++)
		c->r->items[i].order = 0;
	buf_free(&from);
}

/*
 * Whether trust accepts the key entry of ks, as Java's PKIX trust manager
 * would: every certificate in trust (trusted entries and key entries' own
 * certificates) is an anchor; the chain's other certificates may help.
 * Time is left out: expiry is reported on its own.
 */
static bool
chain_trusted(const struct store *ks, const struct store *trust, struct msg *why)
{
	const struct ks_entry *e = key_entry(ks);
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	STACK_OF(X509) *untrusted = sk_X509_new_null();
	bool ok = false;

	if (store == NULL || ctx == NULL || untrusted == NULL || e == NULL)
		goto done;
	for (size_t i = 0; i < trust->ks.count; i++) {
		const struct ks_entry *t = &trust->ks.entries[i];

		if (sk_X509_num(t->certs) > 0)
			X509_STORE_add_cert(store, sk_X509_value(t->certs, 0));
	}
	for (int i = 1; i < sk_X509_num(e->certs); i++)
		sk_X509_push(untrusted, sk_X509_value(e->certs, i));
	X509_STORE_set_flags(store, X509_V_FLAG_PARTIAL_CHAIN | X509_V_FLAG_NO_CHECK_TIME);
	if (X509_STORE_CTX_init(ctx, store, sk_X509_value(e->certs, 0), untrusted) != 1)
		goto done;
	ok = X509_verify_cert(ctx) == 1;
	if (!ok)
		msg_set(why, "%s", X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
done:
	ERR_clear_error();
	sk_X509_free(untrusted);
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	return ok;
}

/* Verifies the key entry of ks against trust once per pair; file names the finding. */
void
check_chain(struct check_ctx *c, const struct store *ks, const struct store *trust,
	    const char *file, const char *who_trusts)
{
	struct msg why = { "" };
	char *pair, *subject;
	X509 *leaf = store_leaf(ks);

	if (leaf == NULL || ks->status != KS_OK || trust->status != KS_OK)
		return;
	pair = xasprintf("%s\n%s\n%s", ks->path, trust->path, trust->password);
	if (strlist_contains(&c->pairs_checked, pair)) {
		secure_free_str(pair);
		return;
	}
	strlist_push(&c->pairs_checked, pair);
	secure_free_str(pair);
	subject = cert_subject(leaf);
	if (chain_trusted(ks, trust, &why)) {
		check_add(c->r, CHECK_OK, file, _("the certificate %s is trusted by %s (%s)"), subject,
		    trust->path, who_trusts);
	} else {
		check_add(c->r, CHECK_PROBLEM, file,
		    _("the certificate %s is not trusted by %s (%s): %s"), subject, trust->path,
		    who_trusts, why.text);
		check_hint(c->r, _("the TLS handshake will fail: the certificate must be signed by a CA "
			     "in %s (a truststore of another CA?)"), trust->path);
	}
	free(subject);
}

/* The key entry's certificate names every host in hosts (as Java's hostname check does). */
void
check_sans(struct check_ctx *c, const struct store *s, const struct strlist *hosts,
	   const char *why)
{
	X509 *leaf = store_leaf(s);
	struct strlist missing = { 0 };
	GENERAL_NAMES *san;
	struct buf sans;

	if (leaf == NULL || s->status != KS_OK || hosts->len == 0)
		return;
	for (size_t i = 0; i < hosts->len; i++) {
		const char *h = hosts->items[i];
		int hit = X509_check_ip_asc(leaf, h, 0);

		if (hit < 0)
			hit = X509_check_host(leaf, h, 0, 0, NULL);
		if (hit != 1 && !strlist_contains(&missing, h))
			strlist_push(&missing, h);
	}
	buf_init(&sans);
	san = X509_get_ext_d2i(leaf, NID_subject_alt_name, NULL, NULL);
	if (san != NULL)
		pki_san_text(san, &sans);
	GENERAL_NAMES_free(san);
	if (missing.len == 0) {
		struct buf list;

		buf_init(&list);
		for (size_t i = 0; i < hosts->len; i++)
			buf_printf(&list, "%s%s", i ? ", " : "", hosts->items[i]);
		check_add(c->r, CHECK_OK, s->path, _("its certificate names %s (%s)"), list.data, why);
		buf_free(&list);
	} else {
		struct buf list;

		buf_init(&list);
		for (size_t i = 0; i < missing.len; i++)
			buf_printf(&list, "%s%s", i ? ", " : "", missing.items[i]);
		check_add(c->r, CHECK_PROBLEM, s->path,
		    _("its certificate does not name %s (%s); its names: %s"), list.data, why,
		    sans.len ? sans.data : _("none"));
		check_hint(c->r, _("hostname verification will refuse the connection; add the names to "
			     "cert.san and make the certificate again (zktls-wizard --renew)"));
		buf_free(&list);
	}
	buf_free(&sans);
	strlist_free(&missing);
	ERR_clear_error();
}


void
store_free(struct store *s)
{
	free(s->path);
	secure_free_str(s->password);
	free(s->why);
	strlist_free(&s->users);
	keystore_free(&s->ks);
	free(s);
}
