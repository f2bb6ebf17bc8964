/*
 * The steps ca and certs: the private CA, then a key, certificate and
 * keystore per node.  Everything is checked before anything is written, so
 * bad input (a wrong passphrase, a keystore with another password) changes
 * nothing; everything written is read back and proven before it counts.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "fsutil.h"
#include "i18n.h"
#include "keystore.h"
#include "pki.h"
#include "steps.h"
#include "storepass.h"

#define CA_KEY_FILE "ca-key"
#define CA_CERT_FILE "ca-cert"
#define TRUSTED_ALIAS "ca-root"
/* Far above any key or certificate; refuses to slurp a wrong file into memory. */
#define PKI_FILE_MAX (1024 * 1024)

static const char *const ca_keys[] = {
	"ca.mode", "ca.subject", "ca.days", "ca.password", "key.type", "store.type",
	"store.password", NULL,
};

static const char *const certs_keys[] = {
	"cert.dn", "cert.san", "cert.days", "key.type", "store.type", "store.password", NULL,
};

/* ------------------------------------------------------------ shared */

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
format_date(const ASN1_TIME *t, char out[32])
{
	struct tm tm;

	if (ASN1_TIME_to_tm(t, &tm) && strftime(out, 32, "%Y-%m-%d", &tm) > 0)
		return;
	snprintf(out, 32, "?");
}

/* The answers every PKI step needs, parsed once. */
struct pki_answers {
	enum key_type key_type;
	enum store_type store_type;
	const char *store_password;
	const char *ca_password;
	long ca_days, cert_days;
	bool import;
};

static int
read_answers(const struct plan *p, struct pki_answers *a, struct msg *err)
{
	if (key_type_parse(plan_get(p, "key.type"), &a->key_type) < 0)
		return msg_set(err, _("key.type: \"%s\" is not one of rsa2048, rsa3072, rsa4096, "
				      "ec-p256, ec-p384"), plan_get(p, "key.type"));
	if (store_type_parse(plan_get(p, "store.type"), &a->store_type) < 0)
		return msg_set(err, _("store.type: \"%s\" is not one of jks, pkcs12, pem"),
			       plan_get(p, "store.type"));
	if (!parse_long(plan_get(p, "ca.days"), 1, 36500, &a->ca_days))
		return msg_set(err, _("ca.days: a number of days from 1 to 36500 is needed"));
	if (!parse_long(plan_get(p, "cert.days"), 1, 36500, &a->cert_days))
		return msg_set(err, _("cert.days: a number of days from 1 to 36500 is needed"));
	a->store_password = plan_get(p, "store.password");
	a->ca_password = plan_get(p, "ca.password");
	a->import = strcmp(plan_get(p, "ca.mode"), "import") == 0;
	if (*a->store_password == '\0')
		return msg_set(err, _("store.password: a keystore password is needed"));
	/* Java turns PKCS#12 and PEM passwords into a PBEKey, which refuses anything but ASCII. */
	if (a->store_type != STORE_JKS)
		for (const char *c = a->store_password; *c != '\0'; c++)
			if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e)
				return msg_set(err, _("store.password: Java opens %s stores only "
						      "with a password of ASCII characters; use one, "
						      "or store.type=jks"),
					       store_type_java_name(a->store_type));
	return 0;
}

/* Reads DIR/rel; *data is NULL (and 0 returned) when the file does not exist. */
static int
read_dir_file(const struct step_run *run, const char *rel, char **data, size_t *len)
{
	char *full = fs_join(run->dir, rel);
	int rc = 0;

	*data = NULL;
	*len = 0;
	if (fs_exists(full) && fs_read_file(full, PKI_FILE_MAX, data, len, run->msg) != 0)
		rc = msg_prefix(run->msg, "%s", rel);
	free(full);
	return rc;
}

static void
free_secret_file(char *data, size_t len)
{
	if (data != NULL)
		secure_wipe(data, len);
	free(data);
}

/*
 * step_write_file refuses a file the user edited (or never ours) only when it
 * reaches it; asking before the first write keeps a refused step from having
 * written anything.  wanted (may be NULL: random content) is what would be
 * written: a file already holding exactly it is fine.
 */
static int
check_writable(const struct step_run *run, const char *rel, const struct buf *wanted)
{
	char on_disk[65], want[65];
	enum file_state st;

	if (run->manifest == NULL || (run->flags & RUN_FORCE))
		return 0;
	st = manifest_file_state(run->manifest, run->dir, rel, on_disk);
	if (st != FILE_EDITED && st != FILE_FOREIGN)
		return 0;
	if (wanted != NULL) {
		sha256_hex(wanted->data, wanted->len, want);
		if (strcmp(want, on_disk) == 0)
			return 0;
	}
	return msg_set(run->msg,
		       st == FILE_EDITED
			       ? _("%s was changed since the wizard wrote it; not overwriting it "
				   "(nothing was written). Move it away, or use --force to overwrite "
				   "it (a backup is kept)")
			       : _("%s exists and was not written by the wizard; not overwriting it "
				   "(nothing was written). Move it away, or use --force to overwrite "
				   "it (a backup is kept)"),
		       rel);
}

/* An imported key file may come with a lax mode; ours are always 0600. */
static bool
key_file_exposed(const struct step_run *run)
{
	char *full = fs_join(run->dir, CA_KEY_FILE);
	struct stat st;
	bool exposed = fs_lstat(full, &st) == 0 && (st.st_mode & 077) != 0;

	free(full);
	return exposed;
}

/* The CA as the certs step (and an import) uses it. */
struct ca {
	EVP_PKEY *key;
	X509 *cert;
};

static void
ca_free(struct ca *ca)
{
	EVP_PKEY_free(ca->key);
	X509_free(ca->cert);
	ca->key = NULL;
	ca->cert = NULL;
}

/*
 * Loads ca-key and ca-cert from DIR.  *missing is set (and 0 returned) when
 * neither exists; everything else wrong is an error naming file and answer.
 */
static int
ca_load(const struct step_run *run, const struct pki_answers *a, struct ca *ca, bool *missing)
{
	char *key_data = NULL, *cert_data = NULL;
	size_t key_len = 0, cert_len = 0;
	bool encrypted = false;
	struct msg why;
	char date[32];
	int rc = -1;

	ca->key = NULL;
	ca->cert = NULL;
	*missing = false;
	if (read_dir_file(run, CA_KEY_FILE, &key_data, &key_len) != 0
	    || read_dir_file(run, CA_CERT_FILE, &cert_data, &cert_len) != 0)
		goto done;
	if (key_data == NULL && cert_data == NULL) {
		*missing = true;
		rc = 0;
		goto done;
	}
	/*
	 * Only ca-key, and the wizard wrote it: the first run stopped before
	 * ca-cert.  Start the CA again.
	 */
	if (key_data != NULL && cert_data == NULL && !a->import && run->manifest != NULL &&
	    manifest_file_state(run->manifest, run->dir, CA_KEY_FILE, NULL) == FILE_OURS) {
		run_report(run, _("%s has no %s (an interrupted run): making a new CA"),
			   CA_KEY_FILE, CA_CERT_FILE);
		*missing = true;
		rc = 0;
		goto done;
	}
	if (key_data == NULL || cert_data == NULL) {
		msg_set(run->msg, _("%s exists but %s does not: the CA needs both (ca.mode=%s)"),
			key_data != NULL ? CA_KEY_FILE : CA_CERT_FILE,
			key_data != NULL ? CA_CERT_FILE : CA_KEY_FILE, a->import ? "import" : "create");
		goto done;
	}
	ca->cert = pki_decode_cert(cert_data, cert_len, &why);
	if (ca->cert == NULL) {
		msg_set(run->msg, _("%s: %s"), CA_CERT_FILE, why.text);
		goto done;
	}
	switch (pki_decode_ca_key(key_data, key_len, a->ca_password, &ca->key, &encrypted, &why)) {
	case CA_KEY_OK:
		break;
	case CA_KEY_BAD_PASSWORD:
		msg_set(run->msg, _("%s: the passphrase given as ca.password does not open it (or "
				    "the file is damaged)"), CA_KEY_FILE);
		goto done;
	case CA_KEY_CORRUPT:
		msg_set(run->msg, _("%s: %s; it cannot be the CA key"), CA_KEY_FILE, why.text);
		goto done;
	}
	if (!encrypted)
		run_report(run, _("warning: %s is not encrypted; anyone who can read it can issue "
				  "certificates your cluster trusts"), CA_KEY_FILE);
	if (key_file_exposed(run))
		run_report(run, _("warning: %s can be read by other users; chmod 600 it"),
			   CA_KEY_FILE);
	if (X509_check_private_key(ca->cert, ca->key) != 1) {
		/*
		 * Both files the wizard's own, yet apart: a renewal stopped between
		 * writing the key and the certificate.  Finish it with a new CA.
		 */
		if (!a->import && run->manifest != NULL &&
		    manifest_file_state(run->manifest, run->dir, CA_KEY_FILE, NULL) == FILE_OURS &&
		    manifest_file_state(run->manifest, run->dir, CA_CERT_FILE, NULL) == FILE_OURS) {
			run_report(run, _("%s and %s do not belong together (an interrupted run): "
					  "making a new CA"), CA_KEY_FILE, CA_CERT_FILE);
			ca_free(ca);
			*missing = true;
			rc = 0;
			goto done;
		}
		msg_set(run->msg, _("%s does not belong to %s: the certificate's public key is not "
				    "the key's"), CA_CERT_FILE, CA_KEY_FILE);
		goto done;
	}
	if (X509_check_ca(ca->cert) < 1) {
		msg_set(run->msg, _("%s is not a CA certificate (no CA:TRUE basic constraint)"),
			CA_CERT_FILE);
		goto done;
	}
	if (pki_seconds_left(ca->cert) <= 0) {
		format_date(X509_get0_notAfter(ca->cert), date);
		msg_set(run->msg, _("%s expired on %s; %s"), CA_CERT_FILE, date,
			a->import ? _("import a valid CA, or set ca.mode=create")
				  : _("use --renew to make a new CA"));
		goto done;
	}
	rc = 0;
done:
	if (rc != 0)
		ca_free(ca);
	ERR_clear_error();
	free_secret_file(key_data, key_len);
	free(cert_data);
	return rc;
}

/*
 * Encodes ks, decodes the bytes back with the password and checks them:
 * what is written is what was meant.  The bytes go to out.
 */
static int
encode_and_prove(enum store_type t, const struct keystore *ks, const char *password,
		 const X509 *ca_cert, const char *path, struct buf *out, struct msg *err)
{
	struct keystore back;

	if (keystore_encode(t, ks, password, now_ms(), out, err) != 0)
		return msg_prefix(err, "%s", path);
	if (keystore_decode(t, out->data, out->len, password, &back, err) != KS_OK)
		return msg_prefix(err, _("%s does not read back"), path);
	if (keystore_check(&back, t == STORE_PEM ? NULL : TRUSTED_ALIAS, ca_cert, err) != 0) {
		keystore_free(&back);
		return msg_prefix(err, _("%s does not read back"), path);
	}
	keystore_free(&back);
	return 0;
}

/* ------------------------------------------------------------ ca */

static int
render_ca(const struct plan *p, const struct inputs *in, struct render_result *r,
	  struct msg *err)
{
	struct pki_answers a;
	X509_NAME *subject;
	struct output *o;
	const char *truststore = plan_get(p, "truststore");

	(void)in;
	if (read_answers(p, &a, err) != 0)
		return -1;
	if (!a.import) {
		subject = pki_parse_subject(plan_get(p, "ca.subject"), err);
		if (subject == NULL)
			return msg_prefix(err, "ca.subject");
		X509_NAME_free(subject);
		o = render_result_add(r, CA_KEY_FILE, OUTPUT_GENERATED, 0600);
		o->description = xasprintf(_("The CA's private key: %s, PKCS#8 PEM encrypted with "
					     "AES-256 under ca.password."),
					   key_type_describe(a.key_type));
		o = render_result_add(r, CA_CERT_FILE, OUTPUT_GENERATED, 0644);
		o->description = xasprintf(_("The CA certificate, self-signed.\n"
					     "Subject: %s\n"
					     "Valid: %ld days from when it is made\n"
					     "Key: %s; CA:TRUE, keyCertSign, cRLSign, subject key "
					     "identifier"),
					   plan_get(p, "ca.subject"), a.ca_days,
					   key_type_describe(a.key_type));
	}
	o = render_result_add(r, truststore, OUTPUT_GENERATED, 0600);
	if (a.store_type == STORE_PEM)
		o->description = xasprintf(_("Truststore (PEM certificate bundle): the CA "
					     "certificate%s."),
					   a.import ? _(" imported from ca-cert") : "");
	else
		o->description = xasprintf(_("Truststore, type %s, password store.password.\n"
					     "1 entry: %s, trustedCertEntry: the CA certificate%s."),
					   store_type_java_name(a.store_type), TRUSTED_ALIAS,
					   a.import ? _(" imported from ca-cert") : "");
	return 0;
}

/* Why an existing CA of ours no longer fits the answers, or NULL when it does. */
static char *
ca_mismatch(const struct plan *p, const struct pki_answers *a, const struct ca *ca)
{
	X509_NAME *want = pki_parse_subject(plan_get(p, "ca.subject"), NULL);
	char *why = NULL;

	if (!key_is_type(ca->key, a->key_type))
		why = xasprintf(_("its key is not %s (key.type)"), key_type_describe(a->key_type));
	else if (want != NULL && X509_NAME_cmp(want, X509_get_subject_name(ca->cert)) != 0)
		why = xstrdup(_("its subject is not ca.subject"));
	X509_NAME_free(want);
	return why;
}

/* How many node keys the certs step will make: asked for now so every core works. */
static size_t
nodes_needing_keys(const struct step_run *run)
{
	/* A clone: reading the node list must not make it an input of the ca step. */
	struct plan *p = plan_clone(run->plan);
	struct strlist nodes = { NULL, 0 };
	size_t count = 0;

	plan_get_nodes(p, &nodes);
	for (size_t i = 0; i < nodes.len; i++) {
		char *key = xasprintf("keystore.%s", nodes.items[i]);
		char *full = fs_join(run->dir, plan_get(p, key));

		if ((run->flags & RUN_RENEW) || !fs_exists(full))
			count++;
		free(full);
		free(key);
	}
	strlist_free(&nodes);
	plan_free(p);
	return count;
}

/*
 * An existing truststore: 1 when it opens and holds the CA (keep it), 0 when
 * absent or holding another CA (write it), -1 when it cannot be opened with
 * store.password (bad input: leave it alone).
 */
static int
truststore_state(const struct step_run *run, const char *path, const struct pki_answers *a,
		 X509 *ca_cert)
{
	char *data;
	size_t len;
	struct keystore ks;
	struct msg why;
	enum ks_status st;
	bool old_password;
	int rc;

	if (read_dir_file(run, path, &data, &len) != 0)
		return -1;
	if (data == NULL)
		return 0;
	st = storepass_decode(a->store_type, data, len, a->store_password, run->dir, run->manifest,
			      &ks, &old_password, &why);
	free(data);
	if (st == KS_BAD_PASSWORD)
		return msg_set(run->msg, _("%s: store.password does not open it (%s). Answer the "
					   "password it was made with, or use --renew to replace it"),
			       path, why.text);
	if (st != KS_OK)
		return msg_set(run->msg, _("%s: cannot read it as %s: %s. Move it away, or use "
					   "--renew to replace it"),
			       path, store_type_java_name(a->store_type), why.text);
	rc = ca_cert != NULL && keystore_check(&ks, a->store_type == STORE_PEM ? NULL
						     : TRUSTED_ALIAS, ca_cert, &why) == 0;
	keystore_free(&ks);
	if (old_password && rc == 1) {
		run_report(run, _("%s was made with the previous store.password: writing it again "
				  "with the new one"), path);
		rc = 0;
	}
	return rc;
}

static enum step_result
apply_ca(const struct step_run *run)
{
	const struct plan *p = run->plan;
	const char *truststore = plan_get(p, "truststore");
	bool renew = (run->flags & RUN_RENEW) != 0;
	struct pki_answers a;
	struct ca ca = { NULL, NULL };
	struct keystore ks;
	struct buf bytes;
	bool missing = false, make_new = false;
	int trust_state = 0;
	enum step_result result = STEP_FAILED;
	char date[32];

	keystore_init(&ks);
	buf_init(&bytes);
	if (read_answers(p, &a, run->msg) != 0)
		return STEP_FAILED;
	/* Everything is checked before anything is written. */
	if (!(renew && !a.import)) {
		if (ca_load(run, &a, &ca, &missing) != 0)
			goto done;
	}
	if (a.import) {
		if (missing) {
			msg_set(run->msg, _("ca.mode is import, but %s and %s are not in %s: put the "
					    "CA's certificate and key there"), CA_CERT_FILE,
				CA_KEY_FILE, run->dir);
			goto done;
		}
		format_date(X509_get0_notAfter(ca.cert), date);
		run_report(run, _("using the imported CA in %s and %s (valid until %s)%s"),
			   CA_CERT_FILE, CA_KEY_FILE, date,
			   renew ? _("; an imported CA is not renewed") : "");
	} else if (renew || missing) {
		make_new = true;
	} else {
		char *why = ca_mismatch(p, &a, &ca);

		if (why != NULL) {
			run_report(run, _("making a new CA: the one in %s no longer fits the "
					  "answers (%s)"), CA_CERT_FILE, why);
			free(why);
			make_new = true;
			ca_free(&ca);
		} else {
			format_date(X509_get0_notAfter(ca.cert), date);
			run_report(run, _("kept %s and %s: still valid (until %s)"), CA_KEY_FILE,
				   CA_CERT_FILE, date);
		}
	}
	if (!renew) {
		trust_state = truststore_state(run, truststore, &a, make_new ? NULL : ca.cert);
		if (trust_state < 0)
			goto done;
	}

	if ((make_new && (check_writable(run, CA_KEY_FILE, NULL) != 0
			  || check_writable(run, CA_CERT_FILE, NULL) != 0))
	    || ((make_new || trust_state != 1) && check_writable(run, truststore, NULL) != 0))
		goto done;

	if (make_new) {
		struct progress pr = { .what = _("Generating the CA key"), .items_total = 1 };
		X509_NAME *subject = pki_parse_subject(plan_get(p, "ca.subject"), run->msg);

		if (subject == NULL) {
			msg_prefix(run->msg, "ca.subject");
			goto done;
		}
		/* The nodes' keys start now on the other cores; the certs step takes them. */
		keygen_prefetch(a.key_type, 1 + nodes_needing_keys(run));
		run_progress(run, &pr);
		switch (keygen_take(a.key_type, run->cancel, &ca.key, run->msg)) {
		case KEYGEN_OK:
			break;
		case KEYGEN_CANCELLED:
			X509_NAME_free(subject);
			result = STEP_CANCELLED;
			goto done;
		case KEYGEN_FAILED:
			X509_NAME_free(subject);
			goto done;
		}
		pr.items_done = 1;
		run_progress(run, &pr);
		ca.cert = pki_make_ca_cert(ca.key, subject, a.ca_days, run->msg);
		X509_NAME_free(subject);
		if (ca.cert == NULL)
			goto done;
		if (pki_encode_ca_key(ca.key, a.ca_password, &bytes, run->msg) != 0
		    || step_write_file(run, CA_KEY_FILE, bytes.data, bytes.len, 0600) != 0)
			goto done;
		buf_free_secure(&bytes);
		if (pki_encode_cert(ca.cert, &bytes, run->msg) != 0
		    || step_write_file(run, CA_CERT_FILE, bytes.data, bytes.len, 0644) != 0)
			goto done;
		buf_free(&bytes);
		format_date(X509_get0_notAfter(ca.cert), date);
		run_report(run, _("made a new CA: %s, valid until %s"),
			   key_type_describe(a.key_type), date);
	}

	if (trust_state == 1 && !make_new) {
		run_report(run, _("kept %s: it holds the CA"), truststore);
	} else {
		keystore_add_trusted(&ks, TRUSTED_ALIAS, ca.cert);
		if (encode_and_prove(a.store_type, &ks, a.store_password, ca.cert, truststore, &bytes,
				     run->msg) != 0
		    || step_write_file(run, truststore, bytes.data, bytes.len, 0600) != 0)
			goto done;
		/* The configuration files still name the password it had. */
		storepass_mark_stale(run->manifest, run->step->id);
	}
	result = STEP_OK;
done:
	buf_free_secure(&bytes);
	keystore_free(&ks);
	ca_free(&ca);
	return result;
}

/* ------------------------------------------------------------ certs */

/* Whether a node's certificate must carry its own name: the configs reach it by it. */
static bool
node_is_reached_by_name(const struct plan *p, const char *node)
{
	struct strlist clients = { NULL, 0 };
	bool client;

	plan_get_list(p, "clients", &clients);
	client = strlist_contains(&clients, node) && strcmp(node, plan_get(p, "zookeeper.host")) != 0;
	strlist_free(&clients);
	if (client) {
		struct strlist brokers = { NULL, 0 };

		plan_get_list(p, "brokers", &brokers);
		client = !strlist_contains(&brokers, node);
		strlist_free(&brokers);
	}
	return !client;
}

/* A node's subject and SANs from cert.dn and cert.san, or an error naming the answer. */
static int
node_names(const struct plan *p, const char *node, X509_NAME **dn, GENERAL_NAMES **san,
	   struct msg *err)
{
	char *dn_text = pki_expand_name(plan_get(p, "cert.dn"), node);
	char *san_text = pki_expand_name(plan_get(p, "cert.san"), node);
	char *own = xasprintf("DNS:%s", node);
	struct strlist items = { NULL, 0 };
	int rc = -1;

	*san = NULL;
	*dn = pki_parse_dn(dn_text, err);
	if (*dn == NULL) {
		msg_prefix(err, _("cert.dn (for %s)"), node);
		goto done;
	}
	*san = pki_parse_san(san_text, err);
	if (*san == NULL) {
		msg_prefix(err, _("cert.san (for %s)"), node);
		goto done;
	}
	strlist_split(&items, san_text);
	if (node_is_reached_by_name(p, node) && !strlist_contains(&items, own)) {
		msg_set(err, _("cert.san: the certificate of %s must carry %s, the name the "
			       "configs use for it (add DNS:{name})"), node, own);
		goto done;
	}
	rc = 0;
done:
	if (rc != 0) {
		X509_NAME_free(*dn);
		GENERAL_NAMES_free(*san);
		*dn = NULL;
		*san = NULL;
	}
	strlist_free(&items);
	free(own);
	free(san_text);
	free(dn_text);
	return rc;
}

static int
render_certs(const struct plan *p, const struct inputs *in, struct render_result *r,
	     struct msg *err)
{
	struct strlist nodes = { NULL, 0 };
	struct pki_answers a;
	int rc = 0;

	(void)in;
	if (read_answers(p, &a, err) != 0)
		return -1;
	plan_get_nodes(p, &nodes);
	for (size_t i = 0; rc == 0 && i < nodes.len; i++) {
		const char *node = nodes.items[i];
		char *key = xasprintf("keystore.%s", node);
		char *pem = xasprintf("%s.pem", node);
		const char *keystore = plan_get(p, key);
		X509_NAME *dn;
		GENERAL_NAMES *san;
		struct buf dn_text, san_text;
		struct output *o;

		if (node_names(p, node, &dn, &san, err) != 0) {
			rc = -1;
		} else {
			buf_init(&dn_text);
			buf_init(&san_text);
			pki_name_java(dn, &dn_text);
			pki_san_text(san, &san_text);
			o = render_result_add(r, pem, OUTPUT_GENERATED, 0644);
			o->description = xasprintf(
				_("Certificate of %s, signed by the CA.\n"
				  "Subject: %s\n"
				  "SAN: %s\n"
				  "Valid: %ld days from when it is made (never past the CA's end)\n"
				  "Key: %s; extended key usage serverAuth, clientAuth; random "
				  "128-bit serial"),
				node, dn_text.data, san_text.data, a.cert_days,
				key_type_describe(a.key_type));
			o = render_result_add(r, keystore, OUTPUT_GENERATED, 0600);
			if (a.store_type == STORE_PEM)
				o->description = xasprintf(
					_("Keystore of %s (PEM): the %s private key as PKCS#8 "
					  "encrypted with PBE-SHA1-3DES under store.password, then the "
					  "chain %s -> CA."), node, key_type_describe(a.key_type), node);
			else
				o->description = xasprintf(
					_("Keystore of %s, type %s, password store.password (also "
					  "the key's).\n"
					  "%s, PrivateKeyEntry: %s key, chain %s -> CA\n"
					  "%s, trustedCertEntry: the CA certificate"),
					node, store_type_java_name(a.store_type), node,
					key_type_describe(a.key_type), node, TRUSTED_ALIAS);
			buf_free(&dn_text);
			buf_free(&san_text);
			X509_NAME_free(dn);
			GENERAL_NAMES_free(san);
		}
		free(pem);
		free(key);
	}
	strlist_free(&nodes);
	return rc;
}

enum node_action {
	NODE_KEEP,      /* keystore valid as it is */
	NODE_RESIGN,    /* key kept, new certificate */
	NODE_NEW,       /* new key and certificate */
};

struct node_plan {
	const char *name;
	char *keystore;         /* file name */
	char *pem;
	X509_NAME *dn;
	GENERAL_NAMES *san;
	enum node_action action;
	char *why;              /* for RESIGN and NEW of an existing keystore */
	EVP_PKEY *key;          /* the existing key (KEEP, RESIGN) */
	X509 *cert;             /* the existing certificate (KEEP) */
	bool old_password;      /* KEEP: under the previous store.password, to be written again */
};

static void
node_plan_free(struct node_plan *n)
{
	free(n->keystore);
	free(n->pem);
	free(n->why);
	X509_NAME_free(n->dn);
	GENERAL_NAMES_free(n->san);
	EVP_PKEY_free(n->key);
	X509_free(n->cert);
}

/* Why the certificate no longer fits, or NULL when it does. */
static char *
cert_mismatch(const struct node_plan *n, X509 *cert, const struct ca *ca)
{
	GENERAL_NAMES *have = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
	struct buf want_san, have_san;
	struct msg why;
	char *reason = NULL;

	buf_init(&want_san);
	buf_init(&have_san);
	pki_san_text(n->san, &want_san);
	if (have != NULL)
		pki_san_text(have, &have_san);
	else
		buf_adds(&have_san, "");
	if (pki_verify_chain(cert, ca->cert, &why) != 0)
		reason = xasprintf(_("its certificate does not verify against the CA (%s)"),
				   why.text);
	else if (X509_NAME_cmp(X509_get_subject_name(cert), n->dn) != 0)
		reason = xstrdup(_("its subject is not cert.dn"));
	else if (strcmp(want_san.data, have_san.data) != 0)
		reason = xstrdup(_("its names are not cert.san"));
	GENERAL_NAMES_free(have);
	buf_free(&want_san);
	buf_free(&have_san);
	return reason;
}

/* Decides what to do with a node's existing keystore; -1 for bad input. */
static int
plan_node(const struct step_run *run, const struct pki_answers *a, const struct ca *ca,
	  struct node_plan *n)
{
	char *data;
	size_t len;
	struct keystore ks;
	struct msg why;
	enum ks_status st;
	const struct ks_entry *e;

	n->action = NODE_NEW;
	if (run->flags & RUN_RENEW)
		return 0;
	if (read_dir_file(run, n->keystore, &data, &len) != 0)
		return -1;
	if (data == NULL)
		return 0;
	st = storepass_decode(a->store_type, data, len, a->store_password, run->dir, run->manifest,
			      &ks, &n->old_password, &why);
	free_secret_file(data, len);
	if (st == KS_BAD_PASSWORD)
		return msg_set(run->msg, _("%s: store.password does not open it (%s). Answer the "
					   "password it was made with, or use --renew to make a new "
					   "keystore"), n->keystore, why.text);
	if (st != KS_OK)
		return msg_set(run->msg, _("%s: cannot read it as %s: %s. Move it away, or use "
					   "--renew to make a new keystore"),
			       n->keystore, store_type_java_name(a->store_type), why.text);
	e = keystore_find(&ks, a->store_type == STORE_PEM ? "key" : n->name);
	if (e == NULL || e->key == NULL) {
		keystore_free(&ks);
		return msg_set(run->msg, _("%s holds no private key entry \"%s\"; move it away, or "
					   "use --renew"), n->keystore, n->name);
	}
	if (keystore_check(&ks, NULL, NULL, &why) != 0) {
		keystore_free(&ks);
		return msg_set(run->msg, _("%s: %s; move it away, or use --renew"), n->keystore,
			       why.text);
	}
	if (!key_is_type(e->key, a->key_type)) {
		n->why = xasprintf(_("its key is not %s (key.type)"), key_type_describe(a->key_type));
	} else {
		X509 *leaf = sk_X509_value(e->certs, 0);
		bool trusted_ok = keystore_check(&ks, a->store_type == STORE_PEM ? NULL
						 : TRUSTED_ALIAS, ca->cert, &why) == 0;

		if (!EVP_PKEY_up_ref(e->key))
			abort();
		n->key = e->key;
		n->why = cert_mismatch(n, leaf, ca);
		if (n->why == NULL && !trusted_ok)
			n->why = xstrdup(_("it does not hold the CA certificate"));
		if (n->why == NULL) {
			n->action = NODE_KEEP;
			if (!X509_up_ref(leaf))
				abort();
			n->cert = leaf;
		} else {
			n->action = NODE_RESIGN;
		}
	}
	keystore_free(&ks);
	return 0;
}

/* Builds and proves a node's keystore holding key and cert, then writes it and NAME.pem. */
static int
write_node(const struct step_run *run, const struct pki_answers *a, const struct ca *ca,
	   const struct node_plan *n, EVP_PKEY *key, X509 *cert)
{
	STACK_OF(X509) *chain = sk_X509_new_null();
	struct keystore ks;
	struct buf bytes;
	int rc = -1;

	keystore_init(&ks);
	buf_init(&bytes);
	if (chain == NULL)
		goto done;
	sk_X509_push(chain, cert);
	sk_X509_push(chain, ca->cert);
	keystore_add_key(&ks, n->name, key, chain);
	if (a->store_type != STORE_PEM)
		keystore_add_trusted(&ks, TRUSTED_ALIAS, ca->cert);
	/* Keystore first: a crash before NAME.pem is mended from it on the next run. */
	if (encode_and_prove(a->store_type, &ks, a->store_password, ca->cert, n->keystore, &bytes,
			     run->msg) != 0
	    || step_write_file(run, n->keystore, bytes.data, bytes.len, 0600) != 0)
		goto done;
	buf_free_secure(&bytes);
	if (pki_encode_cert(cert, &bytes, run->msg) != 0
	    || step_write_file(run, n->pem, bytes.data, bytes.len, 0644) != 0)
		goto done;
	rc = 0;
done:
	buf_free_secure(&bytes);
	keystore_free(&ks);
	sk_X509_free(chain);
	return rc;
}

/* Signs a node's certificate, then writes its keystore and NAME.pem. */
static int
make_node(const struct step_run *run, const struct pki_answers *a, const struct ca *ca,
	  struct node_plan *n, EVP_PKEY *key)
{
	bool clamped = false;
	X509 *cert = NULL;
	char date[32];
	int rc = -1;

	cert = pki_make_node_cert(key, n->dn, n->san, a->cert_days, ca->cert, ca->key, &clamped,
				  run->msg);
	if (cert == NULL)
		goto done;
	if (pki_verify_chain(cert, ca->cert, run->msg) != 0) {
		msg_prefix(run->msg, "%s", n->pem);
		goto done;
	}
	if (write_node(run, a, ca, n, key, cert) != 0)
		goto done;
	format_date(X509_get0_notAfter(cert), date);
	if (n->action == NODE_RESIGN)
		run_report(run, _("new certificate for %s, key kept (%s), valid until %s"), n->name,
			   n->why, date);
	else if (n->why != NULL)
		run_report(run, _("new key and certificate for %s (%s), valid until %s"), n->name,
			   n->why, date);
	else
		run_report(run, _("made key and certificate for %s: %s, valid until %s"), n->name,
			   key_type_describe(a->key_type), date);
	/* Made right after the CA with the same days, a certificate is cut by seconds: no news. */
	if (clamped && pki_seconds_left(ca->cert) < a->cert_days * 86400 - 86400)
		run_report(run, _("%s ends with the CA on %s, before cert.days (%ld) would"),
			   n->pem, date, a->cert_days);
	rc = 0;
done:
	X509_free(cert);
	return rc;
}

/*
 * A kept keystore: NAME.pem is mended when missing or not the keystore's
 * certificate; one under the previous store.password is written again.
 */
static int
keep_node(const struct step_run *run, const struct pki_answers *a, const struct ca *ca,
	  struct node_plan *n)
{
	struct buf bytes;
	char date[32];
	int rc;

	format_date(X509_get0_notAfter(n->cert), date);
	if (n->old_password) {
		rc = write_node(run, a, ca, n, n->key, n->cert);
		if (rc == 0)
			run_report(run, _("wrote %s again with the new store.password; key and "
					  "certificate kept (valid until %s)"), n->keystore, date);
		return rc;
	}
	buf_init(&bytes);
	rc = pki_encode_cert(n->cert, &bytes, run->msg);
	if (rc == 0)
		rc = step_write_file(run, n->pem, bytes.data, bytes.len, 0644);
	buf_free(&bytes);
	if (rc == 0)
		run_report(run, _("kept %s and %s: still valid (until %s)"), n->keystore, n->pem,
			   date);
	return rc;
}

static int
check_node_writable(const struct step_run *run, const struct node_plan *n)
{
	struct buf pem;
	int rc;

	if (n->action != NODE_KEEP)
		return check_writable(run, n->keystore, NULL) != 0
		       || check_writable(run, n->pem, NULL) != 0 ? -1 : 0;
	if (n->old_password && check_writable(run, n->keystore, NULL) != 0)
		return -1;
	/* A kept keystore is not written (but under a new password); its NAME.pem when it differs. */
	buf_init(&pem);
	rc = pki_encode_cert(n->cert, &pem, run->msg);
	if (rc == 0)
		rc = check_writable(run, n->pem, &pem);
	buf_free(&pem);
	return rc;
}

static enum step_result
apply_certs(const struct step_run *run)
{
	const struct plan *p = run->plan;
	struct strlist nodes = { NULL, 0 };
	struct node_plan *np = NULL;
	struct pki_answers a;
	struct ca ca = { NULL, NULL };
	enum step_result result = STEP_FAILED;
	struct progress pr = { .what = _("Generating node keys") };
	bool missing;

	if (read_answers(p, &a, run->msg) != 0)
		return STEP_FAILED;
	if (ca_load(run, &a, &ca, &missing) != 0)
		return STEP_FAILED;
	if (missing) {
		msg_set(run->msg, _("there is no CA in %s yet (%s, %s): run the ca step first"),
			run->dir, CA_CERT_FILE, CA_KEY_FILE);
		return STEP_FAILED;
	}
	plan_get_nodes(p, &nodes);
	np = xcalloc(nodes.len, sizeof *np);
	/* Everything is checked before anything is written. */
	for (size_t i = 0; i < nodes.len; i++) {
		char *key = xasprintf("keystore.%s", nodes.items[i]);

		np[i].name = nodes.items[i];
		np[i].keystore = xstrdup(plan_get(p, key));
		np[i].pem = xasprintf("%s.pem", nodes.items[i]);
		free(key);
		if (node_names(p, np[i].name, &np[i].dn, &np[i].san, run->msg) != 0
		    || plan_node(run, &a, &ca, &np[i]) != 0
		    || check_node_writable(run, &np[i]) != 0)
			goto done;
		if (np[i].action == NODE_NEW)
			pr.items_total++;
	}
	if (pr.items_total > 0) {
		keygen_prefetch(a.key_type, pr.items_total);
		run_progress(run, &pr);
	}
	for (size_t i = 0; i < nodes.len; i++) {
		struct node_plan *n = &np[i];
		EVP_PKEY *key = NULL;

		if (run_cancelled(run)) {
			result = STEP_CANCELLED;
			goto done;
		}
		if (n->action == NODE_KEEP) {
			if (keep_node(run, &a, &ca, n) != 0)
				goto done;
			continue;
		}
		if (n->action == NODE_RESIGN) {
			if (make_node(run, &a, &ca, n, n->key) != 0)
				goto done;
			continue;
		}
		switch (keygen_take(a.key_type, run->cancel, &key, run->msg)) {
		case KEYGEN_OK:
			break;
		case KEYGEN_CANCELLED:
			result = STEP_CANCELLED;
			goto done;
		case KEYGEN_FAILED:
			goto done;
		}
		pr.items_done++;
		run_progress(run, &pr);
		if (make_node(run, &a, &ca, n, key) != 0) {
			EVP_PKEY_free(key);
			goto done;
		}
		EVP_PKEY_free(key);
	}
	result = STEP_OK;
done:
	for (size_t i = 0; np != NULL && i < nodes.len; i++)
		if (np[i].old_password) {
			/* The configuration files still name the password the stores had. */
			storepass_mark_stale(run->manifest, run->step->id);
			break;
		}
	for (size_t i = 0; np != NULL && i < nodes.len; i++)
		node_plan_free(&np[i]);
	free(np);
	strlist_free(&nodes);
	ca_free(&ca);
	return result;
}

const struct step step_ca = {
	.id = "ca",
	.title = N_("Private CA"),
	.explain = N_("Creates the private certificate authority: its key (ca-key, encrypted), "
		      "its self-signed certificate (ca-cert), and the truststore every node "
		      "uses to trust it. With ca.mode=import, an existing ca-cert and ca-key in "
		      "the working directory are used instead."),
	.keys = ca_keys,
	.render = render_ca,
	.apply = apply_ca,
};

const struct step step_certs = {
	.id = "certs",
	.title = N_("Node certificates"),
	.explain = N_("Creates a key and a CA-signed certificate for ZooKeeper, every broker and "
		      "every client, and puts each into its own keystore with the CA as trusted "
		      "entry. Keys are made on every core at once."),
	.keys = certs_keys,
	.render = render_certs,
	.apply = apply_certs,
};
