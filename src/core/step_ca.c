/* The ca step: the private CA (made or imported) and the truststore every node uses. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>

#include "fsutil.h"
#include "i18n.h"
#include "keystore.h"
#include "pki.h"
#include "pki_step.h"
#include "steps.h"
#include "storepass.h"

static const char *const ca_keys[] = {
	"ca.mode", "ca.subject", "ca.days", "ca.password", "key.type", "store.type",
	"store.password", NULL,
};

static int
render_ca(const struct plan *p, const struct inputs *in, struct render_result *r,
	  struct msg *err)
{
	struct pki_answers a;
	X509_NAME *subject;
	struct output *o;
	const char *truststore = plan_get(p, "truststore");

	(void)in;
	if (pki_read_answers(p, &a, err) != 0)
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
ca_mismatch(const struct plan *p, const struct pki_answers *a, const struct pki_ca *ca)
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

	if (pki_read_dir_file(run, path, &data, &len) != 0)
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
	struct pki_ca ca = { NULL, NULL };
	struct keystore ks;
	struct buf bytes;
	bool missing = false, make_new = false;
	int trust_state = 0;
	enum step_result result = STEP_FAILED;
	char date[32];

	keystore_init(&ks);
	buf_init(&bytes);
	if (pki_read_answers(p, &a, run->msg) != 0)
		return STEP_FAILED;
	/* Everything is checked before anything is written. */
	if (!(renew && !a.import)) {
		if (pki_ca_load(run, &a, &ca, &missing) != 0)
			goto done;
	}
	if (a.import) {
		if (missing) {
			msg_set(run->msg, _("ca.mode is import, but %s and %s are not in %s: put the "
					    "CA's certificate and key there"), CA_CERT_FILE,
				CA_KEY_FILE, run->dir);
			goto done;
		}
		pki_format_date(X509_get0_notAfter(ca.cert), date);
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
			pki_ca_free(&ca);
		} else {
			pki_format_date(X509_get0_notAfter(ca.cert), date);
			run_report(run, _("kept %s and %s: still valid (until %s)"), CA_KEY_FILE,
				   CA_CERT_FILE, date);
		}
	}
	if (!renew) {
		trust_state = truststore_state(run, truststore, &a, make_new ? NULL : ca.cert);
		if (trust_state < 0)
			goto done;
	}

	if ((make_new && (pki_check_writable(run, CA_KEY_FILE, NULL) != 0
			  || pki_check_writable(run, CA_CERT_FILE, NULL) != 0))
	    || ((make_new || trust_state != 1) && pki_check_writable(run, truststore, NULL) != 0))
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
		pki_format_date(X509_get0_notAfter(ca.cert), date);
		run_report(run, _("made a new CA: %s, valid until %s"),
			   key_type_describe(a.key_type), date);
	}

	if (trust_state == 1 && !make_new) {
		run_report(run, _("kept %s: it holds the CA"), truststore);
	} else {
		keystore_add_trusted(&ks, TRUSTED_ALIAS, ca.cert);
		if (pki_encode_and_prove(a.store_type, &ks, a.store_password, ca.cert, truststore,
					 &bytes, run->msg) != 0
		    || step_write_file(run, truststore, bytes.data, bytes.len, 0600) != 0)
			goto done;
		/* The configuration files still name the password it had. */
		storepass_mark_stale(run->manifest, run->step->id);
	}
	result = STEP_OK;
done:
	buf_free_secure(&bytes);
	keystore_free(&ks);
	pki_ca_free(&ca);
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
