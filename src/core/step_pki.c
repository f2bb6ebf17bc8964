#include <config.h>

#include <stddef.h>

#include "i18n.h"
#include "steps.h"

static const char *const ca_keys[] = {
	"ca.subject", "ca.days", "ca.password", "key.type", "store.type", "store.password", NULL,
};

static const char *const certs_keys[] = {
	"cert.dn", "cert.san", "cert.days", "key.type", "store.type", "store.password", NULL,
};

const struct step step_ca = {
	.id = "ca",
	.title = N_("Private CA"),
	.explain = N_("Creates the private certificate authority: its key (ca-key, encrypted), "
		      "its self-signed certificate (ca-cert), and the truststore every node "
		      "uses to trust it."),
	.keys = ca_keys,
	.built = false,
};

const struct step step_certs = {
	.id = "certs",
	.title = N_("Node certificates"),
	.explain = N_("Creates a key and a CA-signed certificate for ZooKeeper, every broker and "
		      "every client, and puts each into its own keystore."),
	.keys = certs_keys,
	.built = false,
};
