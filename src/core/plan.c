#include <config.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"
#include "plan.h"

struct answer {
	char *key;
	char *value;
	enum answer_origin origin;
};

struct plan {
	struct answer *answers;
	size_t count;
	char *java_home_default;
	/*
	 * Logically const operations fill these: plan_get() caches computed
	 * defaults until the next change, and records reads while asked to.
	 */
	struct strlist cache;
	struct strlist *recording;
};

static const char *const key_types[] = {
	"rsa2048", "rsa3072", "rsa4096", "ec-p256", "ec-p384", NULL,
};
static const char *const store_types[] = { "jks", "pkcs12", "pem", NULL };
static const char *const on_off[] = { "off", "on", NULL };
static const char *const yes_no[] = { "no", "yes", NULL };
static const char *const ca_modes[] = { "create", "import", NULL };

static long
list_position(const struct plan *p, const char *list_key, const char *name)
{
	struct strlist names = { 0 };
	long position = 0;

	plan_get_list(p, list_key, &names);
	for (size_t i = 0; i < names.len; i++)
		if (strcmp(names.items[i], name) == 0) {
			position = (long)i + 1;
			break;
		}
	if (position == 0)
		position = (long)names.len + 1;
	strlist_free(&names);
	return position;
}

/* The value answered for key, or NULL: no default, no read recorded. */
static const char *
answered_value(const struct plan *p, const char *key)
{
	for (size_t i = 0; i < p->count; i++)
		if (strcmp(p->answers[i].key, key) == 0)
			return p->answers[i].value;
	return NULL;
}

/* Whether some broker, listed or not, has id as its answered broker.NAME.id. */
static bool
id_answered(const struct plan *p, long id)
{
	for (size_t i = 0; i < p->count; i++) {
		const char *key = p->answers[i].key;
		long v;

		if (str_starts_with(key, "broker.") && str_ends_with(key, ".id") &&
		    parse_long(p->answers[i].value, 0, 1000, &v) && v == id)
			return true;
	}
	return false;
}

static long
highest_answered_id(const struct plan *p)
{
	long highest = 0, v;

	if (parse_long(answered_value(p, "brokers.max_id"), 0, 1000, &v))
		highest = v;
	for (size_t i = 0; i < p->count; i++) {
		const char *key = p->answers[i].key;

		if (str_starts_with(key, "broker.") && str_ends_with(key, ".id") &&
		    parse_long(p->answers[i].value, 0, 1000, &v) && v > highest)
			highest = v;
	}
	return highest;
}

/*
 * A broker's position in the list, unless that id is another broker's (an
 * answered id, also of a broker no longer listed) or was given out before
 * (brokers.max_id): then the next free one.  Brokers without an id are
 * numbered in list order, so two new ones never share one.
 */
static void
default_broker_id(const struct plan *p, const char *name, char *buf)
{
	struct strlist brokers = { 0 };
	long max_id = 0, next = highest_answered_id(p) + 1, id = 0;
	long *given;
	size_t n_given = 0;

	parse_long(answered_value(p, "brokers.max_id"), 0, 1000, &max_id);
	plan_get_list(p, "brokers", &brokers);
	given = xcalloc(brokers.len + 1, sizeof *given);
	for (size_t i = 0; i <= brokers.len && id == 0; i++) {
		/* A name not (yet) listed is numbered as if it came last. */
		const char *b = i < brokers.len ? brokers.items[i] : name;
		char key[128];
		long mine = (long)i + 1;
		bool taken;

		snprintf(key, sizeof key, "broker.%s.id", b);
		if (i < brokers.len && strcmp(b, name) != 0 && answered_value(p, key) != NULL)
			continue;
		taken = mine <= max_id || id_answered(p, mine);
		for (size_t j = 0; !taken && j < n_given; j++)
			taken = given[j] == mine;
		if (taken)
			mine = next++;
		given[n_given++] = mine;
		if (strcmp(b, name) == 0)
			id = mine;
	}
	snprintf(buf, ZK_VALUE_MAX, "%ld", id);
	free(given);
	strlist_free(&brokers);
}

/* Ports follow the broker id, so a new broker never takes an old one's port. */
static long
broker_number(const struct plan *p, const char *name)
{
	char key[128];
	long id;

	snprintf(key, sizeof key, "broker.%s.id", name);
	if (parse_long(plan_get(p, key), 0, 1000, &id))
		return id;
	return list_position(p, "brokers", name);
}

static void
default_ssl_port(const struct plan *p, const char *name, char *buf)
{
	snprintf(buf, ZK_VALUE_MAX, "%ld", 9193 + 100 * (broker_number(p, name) - 1));
}

static void
default_sasl_ssl_port(const struct plan *p, const char *name, char *buf)
{
	snprintf(buf, ZK_VALUE_MAX, "%ld", 9194 + 100 * (broker_number(p, name) - 1));
}

static void
default_log_dir(const struct plan *p, const char *name, char *buf)
{
	(void)p;
	snprintf(buf, ZK_VALUE_MAX, "/tmp/%s-logs", name);
}

static void
default_replication(const struct plan *p, const char *star, char *buf)
{
	struct strlist brokers = { 0 };
	size_t n;

	(void)star;
	plan_get_list(p, "brokers", &brokers);
	n = brokers.len < 3 ? brokers.len : 3;
	strlist_free(&brokers);
	snprintf(buf, ZK_VALUE_MAX, "%zu", n > 0 ? n : 1);
}

static void
default_min_isr(const struct plan *p, const char *star, char *buf)
{
	long rf;

	(void)star;
	if (!parse_long(plan_get(p, "transactions.replication_factor"), 1, 1000, &rf))
		rf = 1;
	snprintf(buf, ZK_VALUE_MAX, "%ld", rf < 2 ? rf : 2);
}

static void
default_sasl_password(const struct plan *p, const char *user, char *buf)
{
	(void)p;
	snprintf(buf, ZK_VALUE_MAX, "pw4%s", user);
}

static void
default_java_home(const struct plan *p, const char *star, char *buf)
{
	(void)star;
	snprintf(buf, ZK_VALUE_MAX, "%s", p->java_home_default ? p->java_home_default : "");
}

/*
 * The order of this table is the order of the answers file and of review
 * screens.  Labels and help texts are shown by the front ends.
 */
const struct answer_key answer_keys[] = {
	{ "kafka.version", KIND_VERSION, 0, 0, NULL, "2.3.0", NULL, N_("Kafka version"),
	  N_("The Kafka release to download. 2.3.0 ships ZooKeeper 3.4.14, which cannot "
	     "speak TLS: the recipe swaps in ZooKeeper 3.5.5's client jars."), NULL },
	{ "kafka.scala", KIND_VERSION, 0, 0, NULL, "2.12", NULL, N_("Scala version"),
	  N_("Kafka is built for several Scala versions; the archive name carries it "
	     "(kafka_2.12-2.3.0.tgz)."), NULL },
	{ "zookeeper.version", KIND_VERSION, 0, 0, NULL, "3.5.5", NULL, N_("ZooKeeper version"),
	  N_("3.5.5 is the first stable ZooKeeper with TLS between clients and server."), NULL },
	{ "java.home", KIND_PATH_OPT, 0, 0, NULL, NULL, default_java_home, N_("Java home"),
	  N_("The Java runtime for ZooKeeper and Kafka. Kafka 2.3.0 runs on Java 11; Java 9 "
	     "or later is needed for argument files, which keep passwords off the process "
	     "list."), NULL },
	{ "ca.mode", KIND_CHOICE, 0, 0, ca_modes, "create", NULL, N_("CA"),
	  N_("create: make a new private CA. import: use an existing ca-cert and ca-key "
	     "placed in the working directory."), NULL },
	{ "ca.subject", KIND_SUBJECT, 0, 0, NULL, "/C=DE/ST=NRW/L=MS/O=juplo/OU=kafka/CN=Root-CA",
	  NULL, N_("CA subject"),
	  N_("The distinguished name of the private CA, in OpenSSL's order "
	     "(/C=../CN=..), as the recipe's openssl req -subj takes it."), NULL },
	{ "ca.days", KIND_NUMBER, 1, 36500, NULL, "365", NULL, N_("CA validity (days)"),
	  N_("How long the CA certificate is valid. Node certificates never outlive it."), NULL },
	{ "ca.password", KIND_SECRET, 0, 0, NULL, "superconfidential", NULL, N_("CA key password"),
	  N_("Encrypts ca-key (AES-256). Anyone with ca-key and this password can issue "
	     "certificates your cluster trusts. It is not saved unless save.ca_password is "
	     "yes."), NULL },
	{ "save.ca_password", KIND_CHOICE, 0, 0, yes_no, "no", NULL, N_("Save CA password"),
	  N_("yes: keep ca.password in zktls-wizard.conf (mode 0600) so reruns need not ask "
	     "for it."), NULL },
	{ "cert.dn", KIND_DN, 0, 0, NULL, "CN={name},OU=kafka,O=juplo,L=MS,ST=NRW,C=DE", NULL,
	  N_("Node certificate DN"),
	  N_("Each node's distinguished name in RFC 2253 order, as keytool -dname takes it; "
	     "{name} is the node. Java reports exactly this string: it is the node's "
	     "ZooKeeper x509 identity and its Kafka principal."), NULL },
	{ "cert.san", KIND_SAN, 0, 0, NULL, "DNS:{name},DNS:localhost", NULL,
	  N_("Subject alternative names"),
	  N_("The names each node's certificate is valid for. ZooKeeper clients check the "
	     "server's name against these, so they must cover the host names in the "
	     "configs. DNS: and IP: entries, comma-separated; {name} is the node."), NULL },
	{ "cert.days", KIND_NUMBER, 1, 36500, NULL, "365", NULL, N_("Certificate validity (days)"),
	  N_("How long node certificates are valid (never past the CA's end)."), NULL },
	{ "key.type", KIND_CHOICE, 0, 0, key_types, "rsa2048", NULL, N_("Key type"),
	  N_("The type of every key: RSA, like the article's CA key, or elliptic-curve "
	     "keys, which are much faster to make."), NULL },
	{ "store.type", KIND_CHOICE, 0, 0, store_types, "jks", NULL, N_("Keystore type"),
	  N_("The format of keystores and truststore. ZooKeeper 3.5.5 reads only JKS and "
	     "PEM, Kafka 2.3.0 only JKS and PKCS12: for that pair only jks works."), NULL },
	{ "store.password", KIND_SECRET, 0, 0, NULL, "confidential", NULL, N_("Keystore password"),
	  N_("Protects every keystore and truststore, and every private key in them: "
	     "ZooKeeper needs the key password to equal the store password."), NULL },
	{ "zookeeper.host", KIND_HOST, 0, 0, NULL, "zookeeper", NULL, N_("ZooKeeper host"),
	  N_("The name brokers and tools use to reach ZooKeeper; its certificate must carry "
	     "it, because clients check the server's name."), NULL },
	{ "zookeeper.secure_port", KIND_PORT, 0, 0, NULL, "2182", NULL, N_("ZooKeeper TLS port"),
	  N_("secureClientPort: ZooKeeper's TLS port for brokers and tools; without a "
	     "plaintext clientPort it is the only client port."), NULL },
	{ "zookeeper.secure_address", KIND_TEXT, 0, 0, NULL, "", NULL,
	  N_("ZooKeeper TLS address"),
	  N_("secureClientPortAddress: the address the TLS port binds. Empty: every "
	     "address."), NULL },
	{ "zookeeper.client_port", KIND_PORT_OPT, 0, 0, NULL, "", NULL,
	  N_("ZooKeeper plaintext port"),
	  N_("clientPort: an unencrypted port next to the TLS one. Empty (the recipe's "
	     "choice): none, so nothing reaches ZooKeeper unencrypted."), NULL },
	{ "zookeeper.data_dir", KIND_PATH, 0, 0, NULL, "/tmp/zookeeper", NULL,
	  N_("ZooKeeper data directory"),
	  N_("Where ZooKeeper keeps its data. Data left from an earlier setup with other "
	     "certificates causes \"NoAuth for /brokers/ids\": cluster.sh cleanup removes "
	     "it."), NULL },
	{ "zookeeper.heap", KIND_HEAP, 0, 0, NULL, "512m", NULL, N_("ZooKeeper heap"),
	  N_("ZooKeeper's Java heap (-Xms and -Xmx in java.env)."), NULL },
	{ "zookeeper.admin_server", KIND_CHOICE, 0, 0, on_off, "off", NULL,
	  N_("ZooKeeper AdminServer"),
	  N_("ZooKeeper 3.5's AdminServer serves plain, unauthenticated HTTP on port 8080 of "
	     "every address. off writes admin.enableServer=false."), NULL },
	{ "brokers", KIND_NODES, 0, 0, NULL, "kafka-1 kafka-2", NULL, N_("Brokers"),
	  N_("The Kafka brokers, by host name. Each gets a certificate, a keystore and a "
	     "NAME.properties file."), NULL },
	{ "brokers.max_id", KIND_NUMBER, 0, 1000, NULL, "0", NULL, N_("Highest broker id used"),
	  N_("The highest broker id this setup has given out, kept so that a broker added "
	     "after a removal never takes an old broker's id (or its ports)."), NULL },
	{ "broker.*.id", KIND_NUMBER, 0, 1000, NULL, NULL, default_broker_id, N_("Broker id"),
	  N_("broker.id: unique per broker, and fixed once the broker has run (Kafka "
	     "refuses to start when its data holds another id)."), N_("Id") },
	{ "broker.*.ssl_port", KIND_PORT, 0, 0, NULL, NULL, default_ssl_port, N_("SSL port"),
	  N_("The broker's SSL listener: other brokers and certificate-authenticated "
	     "clients."), N_("SSL") },
	{ "broker.*.sasl_ssl_port", KIND_PORT, 0, 0, NULL, NULL, default_sasl_ssl_port,
	  N_("SASL_SSL port"),
	  N_("The broker's SASL_SSL listener: clients authenticated with SASL/PLAIN over "
	     "TLS."), N_("SASL_SSL") },
	{ "broker.*.log_dir", KIND_PATH, 0, 0, NULL, NULL, default_log_dir, N_("Log directory"),
	  N_("log.dirs: where the broker keeps its partitions."), N_("Log directory") },
	{ "offsets.replication_factor", KIND_NUMBER, 1, 1000, NULL, NULL, default_replication,
	  N_("Offsets replication"),
	  N_("offsets.topic.replication.factor: at most the number of brokers."), NULL },
	{ "transactions.replication_factor", KIND_NUMBER, 1, 1000, NULL, NULL,
	  default_replication, N_("Transactions replication"),
	  N_("transaction.state.log.replication.factor: at most the number of brokers."), NULL },
	{ "transactions.min_isr", KIND_NUMBER, 1, 1000, NULL, NULL, default_min_isr,
	  N_("Transactions min ISR"),
	  N_("transaction.state.log.min.isr: at most the replication factor."), NULL },
	{ "clients", KIND_NODES, 0, 0, NULL, "client", NULL, N_("Clients"),
	  N_("Command-line clients that talk to ZooKeeper directly (kafka-topics.sh "
	     "--zookeeper, zookeeper-shell.sh). Each gets its own certificate and keystore."), NULL },
	{ "sasl.users", KIND_USERS, 0, 0, NULL, "consumer producer", NULL, N_("SASL users"),
	  N_("The users the brokers accept on the SASL_SSL listener (SASL/PLAIN)."), NULL },
	{ "sasl.password.*", KIND_SECRET, 0, 0, NULL, NULL, default_sasl_password,
	  N_("SASL password"), N_("The user's SASL/PLAIN password."), N_("Password") },
	{ "sasl.consumer_user", KIND_USER, 0, 0, NULL, "consumer", NULL, N_("Consumer user"),
	  N_("The SASL user consumer.config logs in as."), NULL },
	{ "sasl.producer_user", KIND_USER, 0, 0, NULL, "producer", NULL, N_("Producer user"),
	  N_("The SASL user producer.config logs in as."), NULL },
	{ "kafka.sha512", KIND_SHA512_OPT, 0, 0, NULL, "", NULL, N_("Kafka SHA-512"),
	  N_("The expected SHA-512 of the Kafka archive. Empty: taken from the official "
	     ".sha512 file."), NULL },
	{ "zookeeper.sha512", KIND_SHA512_OPT, 0, 0, NULL, "", NULL, N_("ZooKeeper SHA-512"),
	  N_("The expected SHA-512 of the ZooKeeper archive. Empty: taken from the official "
	     ".sha512 file."), NULL },
};

const size_t answer_key_count = ARRAY_SIZE(answer_keys);

static bool
pattern_match(const char *pattern, const char *key, char star[ZK_NAME_MAX + 1])
{
	const char *asterisk = strchr(pattern, '*');
	size_t prefix, suffix, keylen, middle;

	if (asterisk == NULL)
		return strcmp(pattern, key) == 0;
	prefix = (size_t)(asterisk - pattern);
	suffix = strlen(asterisk + 1);
	keylen = strlen(key);
	if (keylen <= prefix + suffix || strncmp(pattern, key, prefix) != 0 ||
	    strcmp(key + keylen - suffix, asterisk + 1) != 0)
		return false;
	middle = keylen - prefix - suffix;
	if (middle > ZK_NAME_MAX)
		return false;
	if (star != NULL) {
		memcpy(star, key + prefix, middle);
		star[middle] = '\0';
	}
	return true;
}

const struct answer_key *
answer_key_find(const char *key, char star[ZK_NAME_MAX + 1])
{
	char scratch[ZK_NAME_MAX + 1];

	for (size_t i = 0; i < answer_key_count; i++)
		if (pattern_match(answer_keys[i].pattern, key, star ? star : scratch))
			return &answer_keys[i];
	return NULL;
}

bool
answer_key_is_secret(const char *key)
{
	const struct answer_key *k = answer_key_find(key, NULL);

	return k != NULL && k->kind == KIND_SECRET;
}

/* The java on PATH, resolved through symlinks, without /bin/java. */
static char *
find_java_home(void)
{
	const char *path = getenv("PATH");
	char *copy, *dir, *save = NULL, *home = NULL;

	if (path == NULL)
		return NULL;
	copy = xstrdup(path);
	for (dir = strtok_r(copy, ":", &save); dir != NULL; dir = strtok_r(NULL, ":", &save)) {
		char candidate[PATH_MAX], real[PATH_MAX];

		if (snprintf(candidate, sizeof candidate, "%s/java", dir) >= (int)sizeof candidate)
			continue;
		if (access(candidate, X_OK) != 0 || realpath(candidate, real) == NULL)
			continue;
		if (str_ends_with(real, "/bin/java")) {
			real[strlen(real) - strlen("/bin/java")] = '\0';
			home = xstrdup(real);
		}
		break;
	}
	free(copy);
	return home;
}

struct plan *
plan_new(void)
{
	struct plan *p = xcalloc(1, sizeof *p);

	p->java_home_default = find_java_home();
	return p;
}

struct plan *
plan_clone(const struct plan *p)
{
	struct plan *c = xcalloc(1, sizeof *c);

	c->answers = xcalloc(p->count, sizeof *c->answers);
	for (size_t i = 0; i < p->count; i++) {
		c->answers[i].key = xstrdup(p->answers[i].key);
		c->answers[i].value = xstrdup(p->answers[i].value);
		c->answers[i].origin = p->answers[i].origin;
	}
	c->count = p->count;
	if (p->java_home_default != NULL)
		c->java_home_default = xstrdup(p->java_home_default);
	return c;
}

static void
cache_clear(struct plan *p)
{
	for (size_t i = 0; i < p->cache.len; i++)
		secure_free_str(p->cache.items[i]);
	free(p->cache.items);
	p->cache.items = NULL;
	p->cache.len = 0;
}

void
plan_free(struct plan *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->count; i++) {
		free(p->answers[i].key);
		secure_free_str(p->answers[i].value);
	}
	free(p->answers);
	cache_clear(p);
	free(p->java_home_default);
	free(p);
}

static struct answer *
find_answer(const struct plan *p, const char *key)
{
	for (size_t i = 0; i < p->count; i++)
		if (strcmp(p->answers[i].key, key) == 0)
			return &p->answers[i];
	return NULL;
}

static const char *
cache_keep(const struct plan *p, const char *value)
{
	struct plan *mutable = (struct plan *)p;

	strlist_push(&mutable->cache, value);
	return mutable->cache.items[mutable->cache.len - 1];
}

static void
record_read(const struct plan *p, const char *key)
{
	if (p->recording != NULL && !strlist_contains(p->recording, key))
		strlist_push(p->recording, key);
}

static const char *
store_suffix(const struct plan *p, bool keystore)
{
	const char *type = plan_get(p, "store.type");

	if (strcmp(type, "pkcs12") == 0)
		return ".p12";
	if (strcmp(type, "pem") == 0)
		return keystore ? "-keystore.pem" : ".pem";
	return ".jks";
}

/* Names derived from answers that templates and steps use; never stored. */
static const char *
virtual_get(const struct plan *p, const char *key)
{
	char value[ZK_VALUE_MAX];

	if (str_starts_with(key, "keystore.") && key[strlen("keystore.")] != '\0') {
		snprintf(value, sizeof value, "%s%s", key + strlen("keystore."),
			 store_suffix(p, true));
	} else if (strcmp(key, "truststore") == 0) {
		snprintf(value, sizeof value, "truststore%s", store_suffix(p, false));
	} else if (strcmp(key, "store.java_type") == 0) {
		const char *type = plan_get(p, "store.type");

		snprintf(value, sizeof value, "%s",
			 strcmp(type, "pkcs12") == 0 ? "PKCS12"
			 : strcmp(type, "pem") == 0 ? "PEM" : "JKS");
	} else if (strcmp(key, "store.explicit_type") == 0) {
		/* JKS is what both programs assume; any other type must be named. */
		snprintf(value, sizeof value, "%s",
			 strcmp(plan_get(p, "store.type"), "jks") == 0 ? "" : "yes");
	} else if (strcmp(key, "store.is_pem") == 0) {
		snprintf(value, sizeof value, "%s",
			 strcmp(plan_get(p, "store.type"), "pem") == 0 ? "yes" : "");
	} else if (strcmp(key, "kafka.dir") == 0) {
		snprintf(value, sizeof value, "kafka_%s-%s", plan_get(p, "kafka.scala"),
			 plan_get(p, "kafka.version"));
	} else if (strcmp(key, "zookeeper.dir") == 0) {
		snprintf(value, sizeof value, "apache-zookeeper-%s-bin",
			 plan_get(p, "zookeeper.version"));
	} else {
		return NULL;
	}
	return cache_keep(p, value);
}

bool
plan_has_key(const char *key)
{
	return answer_key_find(key, NULL) != NULL || str_starts_with(key, "keystore.") ||
	       strcmp(key, "truststore") == 0 || strcmp(key, "store.java_type") == 0 ||
	       strcmp(key, "store.explicit_type") == 0 || strcmp(key, "store.is_pem") == 0 ||
	       strcmp(key, "kafka.dir") == 0 ||
	       strcmp(key, "zookeeper.dir") == 0;
}

const char *
plan_get(const struct plan *p, const char *key)
{
	char star[ZK_NAME_MAX + 1];
	const struct answer_key *k = answer_key_find(key, star);
	const struct answer *a;
	char value[ZK_VALUE_MAX];

	if (k == NULL)
		return virtual_get(p, key);
	record_read(p, key);
	a = find_answer(p, key);
	if (a != NULL)
		return a->value;
	if (k->fixed != NULL)
		return k->fixed;
	value[0] = '\0';
	if (k->default_fn != NULL)
		k->default_fn(p, strchr(k->pattern, '*') ? star : NULL, value);
	return cache_keep(p, value);
}

enum answer_origin
plan_origin(const struct plan *p, const char *key)
{
	const struct answer *a = find_answer(p, key);

	return a != NULL ? a->origin : ORIGIN_DEFAULT;
}

bool
plan_is_set(const struct plan *p, const char *key)
{
	return find_answer(p, key) != NULL;
}

int
plan_set(struct plan *p, const char *key, const char *value, enum answer_origin origin,
	 struct msg *err)
{
	struct answer *a;

	if (answer_key_find(key, NULL) == NULL)
		return msg_set(err, _("unknown answer key '%s'"), key);
	cache_clear(p);
	a = find_answer(p, key);
	if (a != NULL) {
		char *old = a->value;

		a->value = xstrdup(value);
		a->origin = origin;
		secure_free_str(old);
		return 0;
	}
	p->answers = xrealloc(p->answers, (p->count + 1) * sizeof *p->answers);
	a = &p->answers[p->count++];
	a->key = xstrdup(key);
	a->value = xstrdup(value);
	a->origin = origin;
	return 0;
}

void
plan_unset(struct plan *p, const char *key)
{
	struct answer *a = find_answer(p, key);
	size_t i;

	if (a == NULL)
		return;
	cache_clear(p);
	i = (size_t)(a - p->answers);
	free(a->key);
	secure_free_str(a->value);
	memmove(&p->answers[i], &p->answers[i + 1], (p->count - i - 1) * sizeof *p->answers);
	p->count--;
}

int
plan_set_assignment(struct plan *p, const char *assignment, struct msg *err)
{
	const char *eq = strchr(assignment, '=');
	char *key;
	int rc;

	/* Only a key is shown: anything else may be a password typed in the wrong place. */
	if (eq == NULL && answer_key_find(assignment, NULL) != NULL &&
	    strspn(assignment, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
		    strlen(assignment))
		return msg_set(err, _("--set needs KEY=VALUE: '%s' has no '=' and no value"),
			       assignment);
	if (eq == NULL || eq == assignment)
		return msg_set(err, _("--set needs KEY=VALUE; one was given without a key before "
				      "'=' (not shown: it may hold a password)"));
	key = xstrndup(assignment, (size_t)(eq - assignment));
	rc = plan_set(p, key, eq + 1, ORIGIN_SET, err);
	free(key);
	return rc;
}

void
plan_get_list(const struct plan *p, const char *key, struct strlist *out)
{
	const char *text = plan_get(p, key);

	if (text != NULL)
		strlist_split(out, text);
}

void
plan_get_nodes(const struct plan *p, struct strlist *out)
{
	strlist_push(out, plan_get(p, "zookeeper.host"));
	plan_get_list(p, "brokers", out);
	plan_get_list(p, "clients", out);
}

/* Keys that belong to one name of a list: broker.NAME.*, sasl.password.NAME. */
static bool
key_belongs_to(const char *list_key, const char *key, const char *name, const char **rest)
{
	const char *prefix = strcmp(list_key, "brokers") == 0 ? "broker."
			     : strcmp(list_key, "sasl.users") == 0 ? "sasl.password." : NULL;
	size_t plen, nlen = strlen(name);

	if (prefix == NULL)
		return false;
	plen = strlen(prefix);
	if (strncmp(key, prefix, plen) != 0 || strncmp(key + plen, name, nlen) != 0)
		return false;
	if (strcmp(list_key, "brokers") == 0) {
		if (key[plen + nlen] != '.')
			return false;
	} else if (key[plen + nlen] != '\0') {
		return false;
	}
	*rest = key + plen + nlen;
	return true;
}

static void
set_list(struct plan *p, const char *list_key, const struct strlist *names,
	 enum answer_origin origin)
{
	struct buf text;

	buf_init(&text);
	for (size_t i = 0; i < names->len; i++) {
		if (i > 0)
			buf_addc(&text, ' ');
		buf_adds(&text, names->items[i]);
	}
	plan_set(p, list_key, text.data ? text.data : "", origin, NULL);
	buf_free(&text);
}

/* The highest id among the listed brokers and those removed before. */
static long
highest_broker_id(const struct plan *p, const struct strlist *brokers)
{
	long highest = highest_answered_id(p), id;

	for (size_t i = 0; i < brokers->len; i++) {
		char key[128];

		snprintf(key, sizeof key, "broker.%s.id", brokers->items[i]);
		if (parse_long(plan_get(p, key), 0, 1000, &id) && id > highest)
			highest = id;
	}
	return highest;
}

static const char *const pinned_suffixes[] = { "id", "ssl_port", "sasl_ssl_port" };

bool
plan_is_stale_pin(const struct plan *p, const char *key)
{
	char star[ZK_NAME_MAX + 1];
	const struct answer_key *k = answer_key_find(key, star);
	struct strlist brokers = { 0 };
	bool pinned = false, listed;

	if (k == NULL || !str_starts_with(k->pattern, "broker.") ||
	    plan_origin(p, key) != ORIGIN_FILE)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(pinned_suffixes); i++)
		pinned = pinned || strcmp(k->pattern + strlen("broker.*."), pinned_suffixes[i]) == 0;
	if (!pinned)
		return false;
	plan_get_list(p, "brokers", &brokers);
	listed = strlist_contains(&brokers, star);
	strlist_free(&brokers);
	return !listed;
}

void
plan_drop_stale_pins(struct plan *p, struct strlist *dropped)
{
	long highest = highest_answered_id(p);
	char value[32];

	struct strlist stale = { 0 };

	plan_answered_keys(p, &stale);
	for (size_t i = 0; i < stale.len; i++) {
		if (!plan_is_stale_pin(p, stale.items[i]))
			continue;
		if (dropped != NULL)
			strlist_push(dropped, stale.items[i]);
		plan_unset(p, stale.items[i]);
		/* Their ids stay given out: no broker added later takes one. */
		snprintf(value, sizeof value, "%ld", highest);
		if (strcmp(value, plan_get(p, "brokers.max_id")) != 0)
			plan_set(p, "brokers.max_id", value, ORIGIN_FILE, NULL);
	}
	strlist_free(&stale);
}

int
plan_add_name(struct plan *p, const char *list_key, const char *name, enum answer_origin origin,
	      struct msg *err)
{
	struct strlist names = { 0 };

	plan_get_list(p, list_key, &names);
	if (strlist_contains(&names, name)) {
		strlist_free(&names);
		return msg_set(err, _("%s: '%s' is already in the list"), list_key, name);
	}
	/* What was pinned for a broker of that name before it was removed is not this one's. */
	if (strcmp(list_key, "brokers") == 0)
		plan_drop_stale_pins(p, NULL);
	if (strcmp(list_key, "brokers") == 0) {
		long next = highest_broker_id(p, &names) + 1;
		char key[128], value[32];

		/* A new broker takes the next free id, never an old broker's number. */
		snprintf(key, sizeof key, "broker.%s.id", name);
		snprintf(value, sizeof value, "%ld", next);
		plan_set(p, key, value, origin, NULL);
	}
	strlist_push(&names, name);
	set_list(p, list_key, &names, origin);
	strlist_free(&names);
	plan_pin_positional(p);
	return 0;
}

static void
follow_user_rename(struct plan *p, const char *old_name, const char *new_name,
		   enum answer_origin origin)
{
	static const char *const user_keys[] = { "sasl.consumer_user", "sasl.producer_user" };

	for (size_t i = 0; i < ARRAY_SIZE(user_keys); i++)
		if (strcmp(plan_get(p, user_keys[i]), old_name) == 0)
			plan_set(p, user_keys[i], new_name, origin, NULL);
}

int
plan_rename_name(struct plan *p, const char *list_key, const char *old_name,
		 const char *new_name, enum answer_origin origin, struct msg *err)
{
	struct strlist names = { 0 };
	size_t at = 0;
	bool found = false;

	plan_get_list(p, list_key, &names);
	for (size_t i = 0; i < names.len; i++)
		if (strcmp(names.items[i], old_name) == 0) {
			at = i;
			found = true;
		}
	if (!found || strlist_contains(&names, new_name)) {
		strlist_free(&names);
		return found ? msg_set(err, _("%s: '%s' is already in the list"), list_key,
				       new_name)
			     : msg_set(err, _("%s: there is no '%s'"), list_key, old_name);
	}
	/* Pin first, so the renamed broker keeps its id and ports. */
	plan_pin_positional(p);
	free(names.items[at]);
	names.items[at] = xstrdup(new_name);
	for (size_t i = 0; i < p->count; i++) {
		const char *rest;

		if (key_belongs_to(list_key, p->answers[i].key, old_name, &rest)) {
			const char *prefix = strcmp(list_key, "brokers") == 0 ? "broker."
									       : "sasl.password.";
			char *renamed = xasprintf("%s%s%s", prefix, new_name, rest);

			free(p->answers[i].key);
			p->answers[i].key = renamed;
		}
	}
	if (strcmp(list_key, "sasl.users") == 0)
		follow_user_rename(p, old_name, new_name, origin);
	set_list(p, list_key, &names, origin);
	strlist_free(&names);
	return 0;
}

int
plan_remove_name(struct plan *p, const char *list_key, const char *name,
		 enum answer_origin origin, struct msg *err)
{
	struct strlist names = { 0 }, kept = { 0 };

	plan_get_list(p, list_key, &names);
	if (!strlist_contains(&names, name)) {
		strlist_free(&names);
		return msg_set(err, _("%s: there is no '%s'"), list_key, name);
	}
	plan_pin_positional(p);
	if (strcmp(list_key, "brokers") == 0) {
		char value[32];

		/* Remember the removed broker's id, so that no later broker reuses it. */
		snprintf(value, sizeof value, "%ld", highest_broker_id(p, &names));
		if (strcmp(value, plan_get(p, "brokers.max_id")) != 0)
			plan_set(p, "brokers.max_id", value, origin, NULL);
	}
	for (size_t i = 0; i < names.len; i++)
		if (strcmp(names.items[i], name) != 0)
			strlist_push(&kept, names.items[i]);
	for (size_t i = p->count; i-- > 0;) {
		const char *rest;

		if (key_belongs_to(list_key, p->answers[i].key, name, &rest))
			plan_unset(p, p->answers[i].key);
	}
	set_list(p, list_key, &kept, origin);
	strlist_free(&names);
	strlist_free(&kept);
	return 0;
}

void
plan_pin_positional(struct plan *p)
{
	struct strlist brokers = { 0 };

	plan_get_list(p, "brokers", &brokers);
	for (size_t i = 0; i < brokers.len; i++)
		for (size_t j = 0; j < ARRAY_SIZE(pinned_suffixes); j++) {
			char key[128];
			char *value;

			snprintf(key, sizeof key, "broker.%s.%s", brokers.items[i], pinned_suffixes[j]);
			/* An invalid name has no such key: nothing to pin until it is fixed. */
			if (plan_is_set(p, key) || plan_get(p, key) == NULL)
				continue;
			value = xstrdup(plan_get(p, key));
			plan_set(p, key, value, ORIGIN_FILE, NULL);
			free(value);
		}
	strlist_free(&brokers);
}

void
plan_answered_keys(const struct plan *p, struct strlist *out)
{
	for (size_t k = 0; k < answer_key_count; k++)
		for (size_t i = 0; i < p->count; i++)
			if (pattern_match(answer_keys[k].pattern, p->answers[i].key, NULL) &&
			    answer_key_find(p->answers[i].key, NULL) == &answer_keys[k])
				strlist_push(out, p->answers[i].key);
}

void
plan_record_reads(const struct plan *p, struct strlist *reads)
{
	((struct plan *)p)->recording = reads;
}

void
plan_stop_recording(const struct plan *p)
{
	((struct plan *)p)->recording = NULL;
}

static int
compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
plan_hash_keys(const struct plan *p, const struct strlist *keys, char out[65])
{
	char **sorted = xcalloc(keys->len, sizeof *sorted);
	struct buf text;

	memcpy(sorted, keys->items, keys->len * sizeof *sorted);
	qsort(sorted, keys->len, sizeof *sorted, compare_strings);
	buf_init(&text);
	/*
	 * Secrets stay out: an unsalted hash of ca.password in the manifest would
	 * let anyone who reads it test guesses faster than against ca-key.
	 */
	for (size_t i = 0; i < keys->len; i++)
		buf_printf(&text, "%s=%s\n", sorted[i],
			   answer_key_is_secret(sorted[i]) ? "(secret)" : plan_get(p, sorted[i]));
	sha256_hex(text.data ? text.data : "", text.len, out);
	buf_free_secure(&text);
	free(sorted);
}
