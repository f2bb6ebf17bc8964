/* What the ca and certs steps share: answers to PKI parameters, loading the CA, proving a store. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "fsutil.h"
#include "i18n.h"
#include "keystore.h"
#include "pki.h"
#include "pki_step.h"
#include "steps.h"

/* Far above any key or certificate; refuses to slurp a wrong file into memory. */
#define PKI_FILE_MAX (1024 * 1024)

/* ------------------------------------------------------------ shared */

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
pki_format_date(const ASN1_TIME *t, char out[32])
{
	struct tm tm;

	if (ASN1_TIME_to_tm(t, &tm) && strftime(out, 32, "%Y-%m-%d", &tm) > 0)
		return;
	snprintf(out, 32, "?");
}

int
pki_read_answers(const struct plan *p, struct pki_answers *a, struct msg *err)
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
int
pki_read_dir_file(const struct step_run *run, const char *rel, char **data, size_t *len)
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

void
pki_free_secret_file(char *data, size_t len)
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
int
pki_check_writable(const struct step_run *run, const char *rel, const struct buf *wanted)
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

void
pki_ca_free(struct pki_ca *ca)
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
int
pki_ca_load(const struct step_run *run, const struct pki_answers *a, struct pki_ca *ca,
	    bool *missing)
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
	if (pki_read_dir_file(run, CA_KEY_FILE, &key_data, &key_len) != 0
	    || pki_read_dir_file(run, CA_CERT_FILE, &cert_data, &cert_len) != 0)
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
			pki_ca_free(ca);
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
		pki_format_date(X509_get0_notAfter(ca->cert), date);
		msg_set(run->msg, _("%s expired on %s; %s"), CA_CERT_FILE, date,
			a->import ? _("import a valid CA, or set ca.mode=create")
				  : _("use --renew to make a new CA"));
		goto done;
	}
	rc = 0;
done:
	if (rc != 0)
		pki_ca_free(ca);
	ERR_clear_error();
	pki_free_secret_file(key_data, key_len);
	free(cert_data);
	return rc;
}

/*
 * Encodes ks, decodes the bytes back with the password and checks them:
 * what is written is what was meant.  The bytes go to out.
 */
int
pki_encode_and_prove(enum store_type t, const struct keystore *ks, const char *password,
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
