/* check's Kafka side: brokers' properties, clients' configs and argument files, Kafka's libs/. */
#include <config.h>

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

#include "catalog.h"
#include "check_int.h"
#include "i18n.h"
#include "util.h"

/* "h1:p1,h2:p2/chroot": hosts and ports. */
static void
parse_connect(const char *text, struct strlist *hosts, struct strlist *ports)
{
	char *copy = xstrdup(text), *slash = strchr(copy, '/'), *save = NULL;

	if (slash != NULL)
		*slash = '\0';
	for (char *tok = strtok_r(copy, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		char *colon;

		while (*tok == ' ')
			tok++;
		colon = strrchr(tok, ':');
		if (colon != NULL && strchr(tok, ']') == NULL && colon != strchr(tok, ':'))
			colon = NULL; /* a bare IPv6 address */
		if (colon != NULL) {
			*colon = '\0';
			strlist_push(ports, colon + 1);
		} else {
			strlist_push(ports, "2181");
		}
		if (tok[0] == '[') {
			tok++;
			tok[strcspn(tok, "]")] = '\0';
		}
		strlist_push(hosts, tok);
	}
	free(copy);
}

static char *
name_of(const char *file, const char *suffix)
{
	return xstrndup(file, strlen(file) - strlen(suffix));
}

/* The ZooKeeper client side: where it connects, which port that is. */
static void
check_connect(struct check_ctx *c, const char *file, const char *connect)
{
	struct strlist hosts = { 0 }, ports = { 0 };

	parse_connect(connect, &hosts, &ports);
	for (size_t i = 0; i < hosts.len; i++) {
		long port = 0;

		if (!strlist_contains(&c->zk_hosts, hosts.items[i]))
			strlist_push(&c->zk_hosts, hosts.items[i]);
		host_note(c, hosts.items[i]);
		parse_long(ports.items[i], 0, 65535, &port);
		if (c->secure_port > 0 && port == c->secure_port)
			check_add(c->r, CHECK_OK, file,
			    _("zookeeper.connect reaches ZooKeeper's TLS port (%s:%ld)"),
			    hosts.items[i], port);
		else if (c->plain_port > 0 && port == c->plain_port)
			check_add(c->r, CHECK_PROBLEM, file,
			    _("zookeeper.connect=%s goes to the plaintext clientPort %ld, not the "
			      "TLS port %ld"), connect, port, c->secure_port);
		else if (c->have_zoo)
			check_add(c->r, CHECK_PROBLEM, file,
			    _("zookeeper.connect=%s: ZooKeeper listens on %ld, not %ld"), connect,
			    c->secure_port, port);
	}
	strlist_free(&hosts);
	strlist_free(&ports);
}

/* listeners=NAME://host:port,...: hosts and ports. */
static void
parse_listeners(const char *text, struct strlist *hosts, struct strlist *ports)
{
	char *copy = xstrdup(text), *save = NULL;

	for (char *tok = strtok_r(copy, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		char *h = strstr(tok, "://"), *colon;

		if (h == NULL)
			continue;
		h += 3;
		colon = strrchr(h, ':');
		if (colon == NULL)
			continue;
		*colon = '\0';
		if (h[0] == '[') {
			h++;
			h[strcspn(h, "]")] = '\0';
		}
		strlist_push(hosts, h);
		strlist_push(ports, colon + 1);
	}
	free(copy);
}

static struct store *
open_kafka_store(struct check_ctx *c, const struct kvlist *p, const char *file, bool key)
{
	const char *loc = kv_get(p, key ? "ssl.keystore.location" : "ssl.truststore.location");
	const char *type = kv_get(p, key ? "ssl.keystore.type" : "ssl.truststore.type");
	const char *pw = kv_get(p, key ? "ssl.keystore.password" : "ssl.truststore.password");
	enum store_type t = STORE_JKS;
	struct store *s;

	if (loc == NULL)
		return NULL;
	if (type != NULL && store_type_from_text(type, true, &t) != 0) {
		check_add(c->r, CHECK_PROBLEM, file, _("unknown store type %s"), type);
		return NULL;
	}
	if (key && t == STORE_PEM) {
		/* Kafka's PEM keystore: the key opens with ssl.key.password; a store password is refused. */
		if (pw != NULL)
			check_add(c->r, CHECK_PROBLEM, file,
			    _("ssl.keystore.password is set for a PEM keystore: Kafka refuses to "
			      "start (\"SSL key store password cannot be specified with PEM format\")"));
		pw = kv_get(p, "ssl.key.password");
	}
	s = store_open(c, loc, t, pw != NULL ? pw : "");
	if (key) {
		const char *kpw = kv_get(p, "ssl.key.password");

		if (check_keystore(c, s, file) && t != STORE_PEM && kpw != NULL && pw != NULL &&
		    strcmp(kpw, pw) != 0)
			check_add(c->r, CHECK_WARNING, file,
			    _("ssl.key.password differs from ssl.keystore.password: ZooKeeper's "
			      "client cannot use this keystore"));
	} else {
		check_truststore(c, s, file);
	}
	return s;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Each sasl.jaas.config (also per listener) as Kafka's JaasConfig reads it: exactly one module. */
static void
check_jaas(struct check_ctx *c, const char *file, const struct kvlist *p)
{
	for (size_t i = 0; i < p->len; i++) {
		const char *key = p->items[i].key;
		struct jaas_config jc;
		struct msg why = { "" };

		if (strcmp(key, "sasl.jaas.config") != 0 && !str_ends_with(key, ".sasl.jaas.config"))
			continue;
		if (kv_get(p, key) != p->items[i].value)
			continue; /* a later line wins */
		if (jaas_parse(p->items[i].value, &jc, &why) != 0) {
			check_add(c->r, CHECK_PROBLEM, file, _("%s: Kafka refuses it: %s"), key,
				  why.text);
			check_hint(c->r, _("the form is: MODULE FLAG KEY=\"VALUE\" ...; inside the quotes "
					   "\\\\ is a backslash and \\\" a quote"));
		} else if (jc.count != 1) {
			check_add(c->r, CHECK_PROBLEM, file,
				  _("%s holds %zu login modules: Kafka takes exactly one"), key,
				  jc.count);
		} else {
			const struct jaas_entry *e = &jc.entries[0];
			const char **names = xcalloc(e->noptions + 1, sizeof *names);
			struct buf list;

			for (size_t k = 0; k < e->noptions; k++)
				names[k] = e->options[k].key != NULL ? e->options[k].key : "null";
			qsort((void *)names, e->noptions, sizeof *names, cmp_str);
			buf_init(&list);
			buf_adds(&list, "");
			for (size_t k = 0; k < e->noptions; k++)
				buf_printf(&list, "%s%s", k ? ", " : "", names[k]);
			check_add(c->r, CHECK_OK, file, _("%s reads as Kafka reads it: %s %s (%s)"), key,
				  e->module, e->flag, list.data);
			buf_free(&list);
			free((void *)names);
		}
		jaas_free(&jc);
	}
}

/* What brokers and clients share: hostname verification, JAAS. */
static void
check_kafka_common(struct check_ctx *c, const char *file, const struct kvlist *p)
{
	const char *v = kv_get(p, "ssl.endpoint.identification.algorithm");

	if (v != NULL && v[0] == '\0') {
		check_add(c->r, CHECK_WARNING, file,
			  _("ssl.endpoint.identification.algorithm is empty: hostname verification "
			    "is off, so a certificate the CA signed for any name is accepted for "
			    "every broker"));
		check_hint(c->r, _("remove the line to check the names again (Kafka's default "
				   "is https)"));
	}
	check_jaas(c, file, p);
}

void
check_broker(struct check_ctx *c, const char *file, const struct kvlist *p)
{
	char *name = name_of(file, ".properties"), *args = xasprintf("%s.zk-tls.args", name);
	const char *v;
	struct store *ks, *ts;
	struct strlist hosts = { 0 }, ports = { 0 };
	int pid = running_pid(c, name);

	check_mode(c, file);
	v = kv_get(p, "zookeeper.connect");
	if (v == NULL)
		check_add(c->r, CHECK_PROBLEM, file, _("no zookeeper.connect"));
	else
		check_connect(c, file, v);
	ks = open_kafka_store(c, p, file, true);
	ts = open_kafka_store(c, p, file, false);
	if (ks != NULL && ts != NULL)
		check_chain(c, ks, ts, file, file);

	v = kv_get(p, "listeners");
	if (v != NULL) {
		struct strlist names = { 0 };

		parse_listeners(v, &hosts, &ports);
		for (size_t i = 0; i < hosts.len; i++) {
			const char *h = hosts.items[i];
			long port = 0;

			if (h[0] != '\0' && !strlist_contains(&names, h))
				strlist_push(&names, h);
			if (parse_long(ports.items[i], 1, 65535, &port))
				check_port(c, file, name, h[0] != '\0' ? h : NULL, port, pid, NULL);
		}
		if (ks != NULL)
			check_sans(c, ks, &names, file);
		strlist_free(&names);
	}
	check_kafka_common(c, file, p);
	/* The article passes the same keystore in KAFKA_OPTS: ZooKeeper must trust it too. */
	if (!check_exists_rel(c, args) && ks != NULL && ks->status == KS_OK && c->zk_truststore != NULL)
		check_chain(c, ks, c->zk_truststore, file, "zoo.cfg");
	if (!check_exists_rel(c, args))
		check_add(c->r, CHECK_WARNING, file,
		    _("no %s: the broker's ZooKeeper TLS options must come from KAFKA_OPTS, which "
		      "check cannot see"), args);
	strlist_free(&hosts);
	strlist_free(&ports);
	free(args);
	free(name);
}

/* A ZooKeeper client's keystore or truststore from its -Dzookeeper.ssl.* options; NULL if none. */
static struct store *
args_store(struct check_ctx *c, const struct kvlist *d, const char *file, bool key)
{
	const char *which = key ? "keyStore" : "trustStore";
	char *name = xasprintf("zookeeper.ssl.%s.location", which);
	const char *loc = kv_get(d, name), *type, *pw;
	struct store *s = NULL;
	enum store_type t;

	free(name);
	if (loc == NULL) {
		if (key)
			check_add(c->r, CHECK_PROBLEM, file,
				  _("no zookeeper.ssl.keyStore.location: ZooKeeper wants a client "
				    "certificate"));
		else
			check_add(c->r, CHECK_PROBLEM, file,
				  _("no zookeeper.ssl.trustStore.location: the client cannot check "
				    "ZooKeeper's certificate"));
		return NULL;
	}
	name = xasprintf("zookeeper.ssl.%s.type", which);
	type = kv_get(d, name);
	free(name);
	name = xasprintf("zookeeper.ssl.%s.password", which);
	pw = kv_get(d, name);
	free(name);
	if (type != NULL ? store_type_from_text(type, true, &t) != 0
			 : store_type_from_name(loc, &t) != 0) {
		if (key)
			check_add(c->r, CHECK_PROBLEM, file,
				  _("cannot tell the type of %s: set zookeeper.ssl.keyStore.type"), loc);
		else
			check_add(c->r, CHECK_PROBLEM, file,
				  _("cannot tell the type of %s: set zookeeper.ssl.trustStore.type"),
				  loc);
	} else {
		s = store_open(c, loc, t, pw != NULL ? pw : "");
	}
	return s;
}

/* NAME.zk-tls.args: the JVM options of a ZooKeeper client (a broker or a CLI tool). */
void
check_args(struct check_ctx *c, const char *file)
{
	struct strlist words = { 0 };
	struct kvlist d = { 0 };
	struct msg err = { "" };
	const char *v;
	char *data = NULL;
	size_t len;
	struct store *ks, *ts;

	check_mode(c, file);
	if (check_read_rel(c, file, &data, &len, &err) != 0) {
		check_add(c->r, CHECK_PROBLEM, file, "%s", err.text);
		return;
	}
	argfile_parse(data, len, &words);
	secure_wipe(data, len);
	free(data);
	system_properties(&words, &d);
	for (size_t i = 0; i < words.len; i++)
		secure_wipe(words.items[i], strlen(words.items[i]));
	strlist_free(&words);

	v = kv_get(&d, "zookeeper.clientCnxnSocket");
	if (v == NULL || strcmp(v, NETTY_SOCKET) != 0)
		check_add(c->r, CHECK_PROBLEM, file,
		    _("zookeeper.clientCnxnSocket is %s, not %s: the client cannot use TLS"),
		    v != NULL ? v : _("unset"), NETTY_SOCKET);
	v = kv_get(&d, "zookeeper.client.secure");
	if (v == NULL || strcmp(v, "true") != 0)
		check_add(c->r, CHECK_PROBLEM, file,
		    _("zookeeper.client.secure is not true: the client connects in plaintext"));

	ks = args_store(c, &d, file, true);
	if (ks != NULL && !check_keystore(c, ks, file))
		ks = NULL;
	ts = args_store(c, &d, file, false);
	if (ts != NULL && !check_truststore(c, ts, file))
		ts = NULL;
	/* Both directions of the handshake with ZooKeeper. */
	if (ks != NULL && ts != NULL)
		check_chain(c, ks, ts, file, file);
	if (ks != NULL && c->zk_truststore != NULL)
		check_chain(c, ks, c->zk_truststore, file, "zoo.cfg");
	if (ts != NULL && c->zk_keystore != NULL)
		check_chain(c, c->zk_keystore, ts, file, file);
	if (ks != NULL) {
		char *who = cert_subject(store_leaf(ks));

		check_add(c->r, CHECK_OK, file, _("ZooKeeper will know this client as x509:%s"), who);
		free(who);
	}
	kv_free(&d);
}

void
check_client_config(struct check_ctx *c, const char *file)
{
	struct kvlist p = { 0 };
	struct msg err = { "" };

	if (check_load_props(c, file, &p, true, &err) != 0)
		return;
	check_mode(c, file);
	if (kv_get(&p, "ssl.truststore.location") != NULL)
		open_kafka_store(c, &p, file, false);
	if (kv_get(&p, "ssl.keystore.location") != NULL)
		open_kafka_store(c, &p, file, true);
	check_kafka_common(c, file, &p);
	kv_free(&p);
}

/* ------------------------------------------------------------ Kafka's libs */

static const char *
needed_zk_version(const struct check_ctx *c, char **found_dir)
{
	const char *v = check_answer(c, "zookeeper.version");
	DIR *d;
	struct dirent *de;

	*found_dir = NULL;
	if (v != NULL)
		return v;
	d = opendir(c->dir);
	if (d == NULL)
		return NULL;
	while ((de = readdir(d)) != NULL) {
		if (str_starts_with(de->d_name, "apache-zookeeper-") &&
		    str_ends_with(de->d_name, "-bin")) {
			size_t n = strlen(de->d_name) - strlen("apache-zookeeper-") - strlen("-bin");

			*found_dir = xstrndup(de->d_name + strlen("apache-zookeeper-"), n);
			break;
		}
	}
	closedir(d);
	return *found_dir;
}

void
check_kafka_libs(struct check_ctx *c, const char *kafka)
{
	char *libs = xasprintf("%s/libs", kafka), *path = check_path(c, libs);
	char *found_dir = NULL;
	const char *need = needed_zk_version(c, &found_dir);
	struct strlist zk = { 0 }, jute = { 0 };
	bool netty = false;
	DIR *d = opendir(path);
	struct dirent *de;

	if (d == NULL) {
		free(libs);
		free(path);
		free(found_dir);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		const char *n = de->d_name;

		if (!str_ends_with(n, ".jar"))
			continue;
		if (str_starts_with(n, "zookeeper-jute-"))
			strlist_push(&jute, n);
		else if (str_starts_with(n, "zookeeper-") && n[10] >= '0' && n[10] <= '9')
			strlist_push(&zk, n);
		else if (str_starts_with(n, "netty-"))
			netty = true;
	}
	closedir(d);
	if (zk.len == 0) {
		check_add(c->r, CHECK_PROBLEM, libs, _("holds no ZooKeeper jar: Kafka cannot reach ZooKeeper"));
		check_hint(c->r, _("run the jars step: zktls-wizard --batch --steps jars DIR"));
	} else if (zk.len > 1) {
		struct buf list;

		buf_init(&list);
		for (size_t i = 0; i < zk.len; i++)
			buf_printf(&list, "%s%s", i ? ", " : "", zk.items[i]);
		check_add(c->r, CHECK_PROBLEM, libs,
		    _("holds %zu ZooKeeper jars (%s): Kafka puts every jar in libs/ on its "
		      "classpath, and which ZooKeeper client it gets is chance"), zk.len, list.data);
		check_hint(c->r, _("keep only zookeeper-%s.jar there (the article: rm -v the 3.4 jar)"),
		     need != NULL ? need : "3.5.5");
		buf_free(&list);
	} else {
		const char *n = zk.items[0];
		char *version = xstrndup(n + 10, strlen(n) - 10 - 4);

		if (version_compare(version, "3.5.5") < 0) {
			check_add(c->r, CHECK_PROBLEM, libs,
			    _("holds %s: ZooKeeper's client learned TLS in 3.5.5"), n);
			check_hint(c->r, _("swap it for the 3.5 jars: zktls-wizard --batch --steps jars DIR"));
		} else if (need != NULL && strcmp(version, need) != 0) {
			check_add(c->r, CHECK_PROBLEM, libs,
			    _("holds %s, but the configuration is for ZooKeeper %s"), n, need);
		} else {
			check_add(c->r, CHECK_OK, libs, _("holds exactly one ZooKeeper jar: %s"), n);
		}
		if (version_compare(version, "3.5") >= 0) {
			char *want = xasprintf("zookeeper-jute-%s.jar", version);

			if (!strlist_contains(&jute, want))
				check_add(c->r, CHECK_PROBLEM, libs,
				    _("lacks %s, which ZooKeeper %s's client needs"), want, version);
			free(want);
		}
		free(version);
	}
	if (!netty)
		check_add(c->r, CHECK_PROBLEM, libs,
		    _("holds no Netty jar: the ZooKeeper client needs Netty for TLS"));
	strlist_free(&zk);
	strlist_free(&jute);
	free(found_dir);
	free(libs);
	free(path);
}

/* ------------------------------------------------------------ the article's clients */

/* The first of the client's keystore names that exists in DIR, or NULL. */
static char *
client_keystore(const struct check_ctx *c, const char *name)
{
	static const char *const article[] = { ".jks", ".p12", "-keystore.pem" };
	char *key = xasprintf("keystore.%s", name);
	struct strlist candidates = { 0 };
	char *found = NULL;

	/* The answers' name for it first (zktls-wizard.conf's store.type), then the article's. */
	strlist_push(&candidates, plan_get(c->answers, key));
	free(key);
	for (size_t i = 0; i < ARRAY_SIZE(article); i++) {
		char *n = xasprintf("%s%s", name, article[i]);

		if (!strlist_contains(&candidates, n))
			strlist_push(&candidates, n);
		free(n);
	}
	for (size_t i = 0; i < candidates.len && found == NULL; i++)
		if (check_exists_rel(c, candidates.items[i]))
			found = xstrdup(candidates.items[i]);
	strlist_free(&candidates);
	return found;
}

/* The first password known in DIR that opens the store at rel as t: its source file, or NULL. */
static const char *
known_password(struct check_ctx *c, const char *rel, enum store_type t, const char **password)
{
	char *full = check_path(c, rel), *data = NULL;
	const char *answer = check_answer(c, "store.password"), *from = NULL;
	struct msg err;
	size_t len = 0;

	if (check_read_file(full, CHECK_MAX_FILE, &data, &len, &err) != 0) {
		free(full);
		return NULL;
	}
	free(full);
	if (t == STORE_JKS && len >= 4 && (unsigned char)data[0] == 0x30)
		t = STORE_PKCS12;
	for (size_t i = 0; i <= c->nstores && from == NULL; i++) {
		const char *pw = i == 0 ? answer : c->stores[i - 1]->password;
		struct keystore ks;

		if (pw == NULL || (i > 0 && c->stores[i - 1]->users.len == 0) ||
		    javafmt_has_java_only(pw))
			continue;
		keystore_init(&ks);
		if (keystore_decode(t, data, len, pw, &ks, &err) == KS_OK) {
			*password = pw;
			from = i == 0 ? "zktls-wizard.conf" : c->stores[i - 1]->users.items[0];
		}
		keystore_free(&ks);
	}
	ERR_clear_error();
	secure_wipe(data, len);
	free(data);
	return from;
}

void
check_article_clients(struct check_ctx *c)
{
	struct strlist clients = { 0 };

	plan_get_list(c->answers, "clients", &clients);
	for (size_t i = 0; i < clients.len; i++) {
		char *args = xasprintf("%s.zk-tls.args", clients.items[i]);
		char *rel = NULL;
		const char *from, *pw = NULL;
		enum store_type t;
		struct store *s;

		/* With its argument file the client is checked from there. */
		if (check_exists_rel(c, args) || (rel = client_keystore(c, clients.items[i])) == NULL ||
		    store_type_from_name(rel, &t) != 0) {
			free(args);
			free(rel);
			continue;
		}
		from = known_password(c, rel, t, &pw);
		if (from == NULL) {
			check_add(c->r, CHECK_WARNING, rel,
				  _("the keystore of the client %s (the article's name; its password "
				    "would be in KAFKA_OPTS, which check cannot see) opens with none "
				    "of the passwords the other files give"), clients.items[i]);
			check_hint(c->r, _("write %s to check it, as the wizard does"), args);
		} else {
			s = store_open(c, rel, t, pw);
			if (check_keystore(c, s, from)) {
				char *who = cert_subject(store_leaf(s));

				if (c->zk_truststore != NULL)
					check_chain(c, s, c->zk_truststore, rel, "zoo.cfg");
				check_add(c->r, CHECK_OK, rel,
					  _("ZooKeeper will know this client as x509:%s"), who);
				free(who);
			}
		}
		free(args);
		free(rel);
	}
	strlist_free(&clients);
}
