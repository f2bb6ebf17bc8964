/* The certs step: a key, a CA-signed certificate and a keystore for every node. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "fsutil.h"
#include "i18n.h"
#include "keystore.h"
#include "pki.h"
#include "pki_step.h"
#include "steps.h"
#include "storepass.h"

static const char *const certs_keys[] = {
	"cert.dn", "cert.san", "cert.days", "key.type", "store.type", "store.password", NULL,
};

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
	if (pki_read_answers(p, &a, err) != 0)
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
cert_mismatch(const struct node_plan *n, X509 *cert, const struct pki_ca *ca)
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
plan_node(const struct step_run *run, const struct pki_answers *a, const struct pki_ca *ca,
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
	if (pki_read_dir_file(run, n->keystore, &data, &len) != 0)
		return -1;
	if (data == NULL)
		return 0;
	st = storepass_decode(a->store_type, data, len, a->store_password, run->dir, run->manifest,
			      &ks, &n->old_password, &why);
	pki_free_secret_file(data, len);
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
write_node(const struct step_run *run, const struct pki_answers *a, const struct pki_ca *ca,
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
	if (pki_encode_and_prove(a->store_type, &ks, a->store_password, ca->cert, n->keystore,
				 &bytes, run->msg) != 0
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
make_node(const struct step_run *run, const struct pki_answers *a, const struct pki_ca *ca,
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
	pki_format_date(X509_get0_notAfter(cert), date);
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
keep_node(const struct step_run *run, const struct pki_answers *a, const struct pki_ca *ca,
	  struct node_plan *n)
{
	struct buf bytes;
	char date[32];
	int rc;

	pki_format_date(X509_get0_notAfter(n->cert), date);
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
		return pki_check_writable(run, n->keystore, NULL) != 0
		       || pki_check_writable(run, n->pem, NULL) != 0 ? -1 : 0;
	if (n->old_password && pki_check_writable(run, n->keystore, NULL) != 0)
		return -1;
	/* A kept keystore is not written (but under a new password); its NAME.pem when it differs. */
	buf_init(&pem);
	rc = pki_encode_cert(n->cert, &pem, run->msg);
	if (rc == 0)
		rc = pki_check_writable(run, n->pem, &pem);
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
	struct pki_ca ca = { NULL, NULL };
	enum step_result result = STEP_FAILED;
	struct progress pr = { .what = _("Generating node keys") };
	bool missing;

	if (pki_read_answers(p, &a, run->msg) != 0)
		return STEP_FAILED;
	if (pki_ca_load(run, &a, &ca, &missing) != 0)
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
	pki_ca_free(&ca);
	return result;
}

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
