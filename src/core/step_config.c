/* The steps that write configuration: zookeeper, brokers, clients. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "steps.h"
#include "template.h"

static int
add_from_template(struct render_result *r, const struct plan *p, const char *template_name,
		  const char *path, unsigned mode, const char *description,
		  const struct template_var *vars, size_t var_count, struct msg *err)
{
	const struct template *t = templates_get(template_name);
	struct output *o;
	struct buf bytes;

	if (t == NULL)
		return msg_set(err, _("template %s is not loaded"), template_name);
	buf_init(&bytes);
	o = render_result_add(r, path, OUTPUT_TEXT, mode);
	o->description = xstrdup(description);
	if (template_render(t, p, vars, var_count, &bytes, &o->secrets, &o->secret_count,
			    err) != 0) {
		buf_free_secure(&bytes);
		return -1;
	}
	o->bytes = buf_steal(&bytes, &o->len);
	return 0;
}

static int
render_zookeeper(const struct plan *p, const struct inputs *in, struct render_result *r,
		 struct msg *err)
{
	struct template_var vars[] = { { "dir", in->dir_abs } };

	if (add_from_template(r, p, "java.env", "java.env", 0644,
			      _("ZooKeeper's JVM options: the heap, and the Netty connection "
				"factory without which ZooKeeper cannot speak TLS."),
			      vars, ARRAY_SIZE(vars), err) != 0 ||
	    add_from_template(r, p, "zoo.cfg", "zoo.cfg", 0600,
			      _("ZooKeeper's configuration: a TLS-only client port, client "
				"certificates as identities, keystore and truststore."),
			      vars, ARRAY_SIZE(vars), err) != 0)
		return -1;
	if (in->zk_log4j != NULL) {
		struct output *o = render_result_add(r, "log4j.properties", OUTPUT_TEXT, 0644);

		o->bytes = xstrndup(in->zk_log4j, in->zk_log4j_len);
		o->len = in->zk_log4j_len;
		o->description = xstrdup(_("ZooKeeper's logging, copied from the unpacked "
					   "ZooKeeper."));
		return 0;
	}
	return add_from_template(r, p, "log4j.properties", "log4j.properties", 0644,
				 _("ZooKeeper's logging (ZooKeeper's own default)."), vars,
				 ARRAY_SIZE(vars), err);
}

/* The argument file with the ZooKeeper-TLS options, and the line that uses it. */
static int
render_zk_tls(const struct plan *p, const struct inputs *in, struct render_result *r,
	      const char *node, struct msg *err)
{
	struct template_var vars[] = { { "dir", in->dir_abs }, { "name", node } };
	char *args = xasprintf("%s.zk-tls.args", node);
	char *env = xasprintf("%s.zk-tls.env", node);
	int rc;

	rc = add_from_template(r, p, "zk-tls.args", args, 0600,
			       _("Java argument file with the ZooKeeper-TLS options and "
				 "passwords, used as KAFKA_OPTS=@FILE so the passwords stay off "
				 "the process list."),
			       vars, ARRAY_SIZE(vars), err);
	if (rc == 0)
		rc = add_from_template(r, p, "zk-tls.env", env, 0644,
				       _("Source it to point KAFKA_OPTS at the argument file."),
				       vars, ARRAY_SIZE(vars), err);
	free(args);
	free(env);
	return rc;
}

static int
render_brokers(const struct plan *p, const struct inputs *in, struct render_result *r,
	       struct msg *err)
{
	struct strlist brokers = { 0 };
	int rc = 0;

	plan_get_list(p, "brokers", &brokers);
	for (size_t i = 0; rc == 0 && i < brokers.len; i++) {
		struct template_var vars[] = { { "dir", in->dir_abs }, { "name", brokers.items[i] } };
		char *path = xasprintf("%s.properties", brokers.items[i]);

		rc = add_from_template(r, p, "broker.properties", path, 0600,
				       _("The broker's configuration: its id, ZooKeeper's TLS "
					 "port, its SSL and SASL_SSL listeners, keystore and "
					 "truststore, the SASL users."),
				       vars, ARRAY_SIZE(vars), err);
		free(path);
		if (rc == 0)
			rc = render_zk_tls(p, in, r, brokers.items[i], err);
	}
	strlist_free(&brokers);
	return rc;
}

static int
render_clients(const struct plan *p, const struct inputs *in, struct render_result *r,
	       struct msg *err)
{
	static const struct {
		const char *path;
		const char *user_key;
	} sasl_clients[] = {
		{ "consumer.config", "sasl.consumer_user" },
		{ "producer.config", "sasl.producer_user" },
	};
	struct template_var dir_var[] = { { "dir", in->dir_abs } };
	struct strlist clients = { 0 };
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < ARRAY_SIZE(sasl_clients); i++) {
		struct template_var vars[] = {
			{ "dir", in->dir_abs },
			{ "user", plan_get(p, sasl_clients[i].user_key) },
		};

		rc = add_from_template(r, p, "sasl-client.config", sasl_clients[i].path, 0600,
				       _("A console client's settings: SASL_SSL with PLAIN, the "
					 "user's credentials, the truststore."),
				       vars, ARRAY_SIZE(vars), err);
	}
	plan_get_list(p, "clients", &clients);
	for (size_t i = 0; rc == 0 && i < clients.len; i++)
		rc = render_zk_tls(p, in, r, clients.items[i], err);
	strlist_free(&clients);
	if (rc == 0)
		rc = add_from_template(r, p, "cluster.sh", "cluster.sh", 0755,
				       _("Starts, checks, stops and cleans up the cluster: "
					 "cluster.sh start|status|stop|cleanup."),
				       dir_var, ARRAY_SIZE(dir_var), err);
	return rc;
}

static const char *const zookeeper_keys[] = {
	"zookeeper.host", "zookeeper.secure_port", "zookeeper.secure_address",
	"zookeeper.client_port", "zookeeper.data_dir", "zookeeper.heap", "zookeeper.admin_server",
	"java.home", NULL,
};
static const char *const brokers_keys[] = {
	"brokers", "broker.*.id", "broker.*.ssl_port", "broker.*.sasl_ssl_port",
	"broker.*.log_dir", "offsets.replication_factor", "transactions.replication_factor",
	"transactions.min_isr", "sasl.users", "sasl.password.*", NULL,
};
static const char *const clients_keys[] = {
	"clients", "sasl.consumer_user", "sasl.producer_user", NULL,
};

const struct step step_zookeeper = {
	.id = "zookeeper",
	.title = N_("ZooKeeper"),
	.explain = N_("Writes ZooKeeper's configuration: a TLS-only port served by the Netty "
		      "connection factory, client certificates as identities, and its "
		      "keystore and truststore."),
	.keys = zookeeper_keys,
	.render = render_zookeeper,
};

const struct step step_brokers = {
	.id = "brokers",
	.title = N_("Brokers"),
	.explain = N_("Writes each broker's configuration, and the JVM options that make its "
		      "ZooKeeper client use TLS with the broker's own certificate."),
	.keys = brokers_keys,
	.render = render_brokers,
};

const struct step step_clients = {
	.id = "clients",
	.title = N_("Clients"),
	.explain = N_("Writes the console clients' settings, the ZooKeeper-TLS options for "
		      "command-line tools, and cluster.sh to start and stop everything."),
	.keys = clients_keys,
	.render = render_clients,
};
