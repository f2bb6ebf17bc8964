/*
 * Validation (DESIGN §4): every rule yields a problem naming the answer keys
 * it concerns and saying what would be valid; the article's defaults yield
 * none.  The release catalog is loaded once, as the program does.
 */
#include <config.h>

#include "unit.h"

/*
 * Validates p and fails unless some problem names key and its message holds
 * every given fragment.  Returns nothing; frees everything.
 */
static void
expect_problem_at(struct plan *p, const char *key, const char *const *fragments, const char *file,
		  int line)
{
	struct problems ps;
	const struct problem *found = NULL;

	validate_plan(p, &ps);
	for (size_t i = 0; found == NULL && i < ps.len; i++) {
		bool all = strlist_contains(&ps.items[i].keys, key);

		for (size_t f = 0; all && fragments[f] != NULL; f++)
			all = strstr(ps.items[i].message, fragments[f]) != NULL;
		if (all)
			found = &ps.items[i];
	}
	if (found == NULL) {
		char *text = unit_problems_text(&ps);

		print_error("no problem for '%s' with \"%s\"%s; the problems are:\n%s", key,
			    fragments[0] ? fragments[0] : "",
			    fragments[0] && fragments[1] ? " ..." : "", text);
		free(text);
		problems_free(&ps);
		_fail(file, line);
		return;
	}
	problems_free(&ps);
}

#define expect_problem(p, key, ...) \
	expect_problem_at((p), (key), (const char *const[]){ __VA_ARGS__, NULL }, __FILE__, \
			  __LINE__)

/* Fails if any problem names key. */
static void
expect_no_problem_at(struct plan *p, const char *key, const char *file, int line)
{
	struct problems ps;
	const struct problem *pr;

	validate_plan(p, &ps);
	pr = key != NULL ? problems_find(&ps, key) : (ps.len > 0 ? &ps.items[0] : NULL);
	if (pr != NULL) {
		char *text = unit_problems_text(&ps);

		print_error("unexpected problem%s%s:\n%s", key ? " for " : "", key ? key : "", text);
		free(text);
		problems_free(&ps);
		_fail(file, line);
		return;
	}
	problems_free(&ps);
}

#define expect_no_problem(p, key) expect_no_problem_at((p), (key), __FILE__, __LINE__)

/* A plan with one answer changed from the defaults. */
static struct plan *
plan_with(const char *key, const char *value)
{
	struct plan *p = plan_new();

	unit_set(p, key, value);
	return p;
}

/* validate_value on its own: false, and why holds fragment. */
static void
expect_value_refused_at(const char *key, const char *value, const char *fragment,
			const char *file, int line)
{
	struct plan *p = plan_new();
	struct msg why;

	msg_clear(&why);
	if (validate_value(p, key, value, &why)) {
		print_error("%s = '%s' was accepted\n", key, value);
		plan_free(p);
		_fail(file, line);
		return;
	}
	if (strstr(why.text, fragment) == NULL) {
		print_error("%s = '%s': expected \"%s\" in \"%s\"\n", key, value, fragment, why.text);
		plan_free(p);
		_fail(file, line);
		return;
	}
	plan_free(p);
}

#define expect_value_refused(k, v, frag) expect_value_refused_at((k), (v), (frag), __FILE__, __LINE__)

static void
expect_value_ok_at(const char *key, const char *value, const char *file, int line)
{
	struct plan *p = plan_new();
	struct msg why;

	msg_clear(&why);
	if (!validate_value(p, key, value, &why)) {
		print_error("%s = '%s' was refused: %s\n", key, value, why.text);
		plan_free(p);
		_fail(file, line);
		return;
	}
	plan_free(p);
}

#define expect_value_ok(k, v) expect_value_ok_at((k), (v), __FILE__, __LINE__)

/* ------------------------------------------------------------------ tests */

static void
test_defaults_have_no_problem(void **state)
{
	struct plan *p = plan_new();

	(void)state;
	expect_no_problem(p, NULL);
	/* Pinning the positional defaults changes nothing. */
	plan_pin_positional(p);
	expect_no_problem(p, NULL);
	plan_free(p);
}

static void
test_value_characters(void **state)
{
	struct plan *p;

	(void)state;
	p = plan_with("store.password", " leading");
	expect_problem(p, "store.password", "store.password", "space");
	plan_free(p);
	p = plan_with("store.password", "trailing ");
	expect_problem(p, "store.password", "space");
	plan_free(p);
	p = plan_with("zookeeper.data_dir", "/tmp/zk ");
	expect_problem(p, "zookeeper.data_dir", "space");
	plan_free(p);
	p = plan_with("store.password", "tab\there");
	expect_problem(p, "store.password", "control");
	plan_free(p);
	p = plan_with("sasl.password.consumer", "bell\aring");
	expect_problem(p, "sasl.password.consumer", "control");
	plan_free(p);

	expect_value_refused("store.password", "esc\033[2Jape", "control");
	expect_value_refused("store.password", "del\177ete", "control");
	/* C1 controls (U+0085, U+009B) are as dangerous on a terminal. */
	expect_value_refused("store.password", "c1-\xc2\x9b" "31m", "control");
	expect_value_refused("store.password", "new\nline", "control");
	/* Invalid UTF-8: a lone continuation byte, a truncated sequence, overlong '/', a surrogate. */
	expect_value_refused("store.password", "abc\x80xyz", "UTF-8");
	expect_value_refused("store.password", "abcdef\xc3", "UTF-8");
	expect_value_refused("store.password", "abc\xc0\xafxyz", "UTF-8");
	expect_value_refused("store.password", "abc\xed\xa0\x80xyz", "UTF-8");
	expect_value_refused("store.password", "\xff\xfe\xfd\xfc\xfb\xfa", "UTF-8");
	p = plan_with("ca.password", "latin1-\xe4\xf6\xfc");
	expect_problem(p, "ca.password", "UTF-8");
	plan_free(p);
	/* Inner spaces and every printable character are fine. */
	expect_value_ok("store.password", "a\"b\\c=d:e#f!g$h;i jä€😀");
}

static void
test_node_names(void **state)
{
	char long_name[80];
	struct plan *p;

	(void)state;
	p = plan_with("brokers", "Kafka-1 kafka-2");
	expect_problem(p, "brokers", "Kafka-1", "lower-case");
	plan_free(p);
	p = plan_with("brokers", "-kafka kafka-2");
	expect_problem(p, "brokers", "-kafka", "'-'");
	plan_free(p);
	p = plan_with("clients", "client-");
	expect_problem(p, "clients", "client-");
	plan_free(p);
	p = plan_with("zookeeper.host", "zoo_keeper");
	expect_problem(p, "zookeeper.host", "zoo_keeper", "1 to 63");
	plan_free(p);
	p = plan_with("zookeeper.host", "zk.example.com");
	expect_problem(p, "zookeeper.host", "zk.example.com");
	plan_free(p);

	memset(long_name, 'a', 64);
	long_name[64] = '\0';
	p = plan_with("clients", long_name);
	expect_problem(p, "clients", "63");
	plan_free(p);
	long_name[63] = '\0';
	p = plan_with("clients", long_name);
	expect_no_problem(p, NULL);
	plan_free(p);

	p = plan_with("brokers", "kafka-1 truststore");
	expect_problem(p, "brokers", "truststore");
	plan_free(p);
	p = plan_with("zookeeper.host", "truststore");
	expect_problem(p, "zookeeper.host", "truststore");
	plan_free(p);
	p = plan_with("clients", "truststore");
	expect_problem(p, "clients", "truststore");
	plan_free(p);

	p = plan_with("brokers", "");
	expect_problem(p, "brokers", "at least one");
	plan_free(p);
	p = plan_with("brokers", "kafka-1 kafka-2 kafka-1");
	expect_problem(p, "brokers", "kafka-1", "twice");
	plan_free(p);
	/* Digits only, and a single character, are DNS labels. */
	p = plan_with("brokers", "1 b");
	expect_no_problem(p, NULL);
	plan_free(p);
}

static void
test_duplicate_node_names_across_lists(void **state)
{
	struct plan *p;

	(void)state;
	p = plan_with("zookeeper.host", "kafka-1");
	expect_problem(p, "zookeeper.host", "kafka-1");
	expect_problem(p, "brokers", "kafka-1", "distinct");
	plan_free(p);
	p = plan_with("clients", "client kafka-2");
	expect_problem(p, "clients", "kafka-2");
	expect_problem(p, "brokers", "kafka-2");
	plan_free(p);
	p = plan_with("clients", "zookeeper");
	expect_problem(p, "zookeeper.host", "zookeeper");
	expect_problem(p, "clients", "zookeeper");
	plan_free(p);
}

static void
test_sasl_user_names(void **state)
{
	struct plan *p;

	(void)state;
	p = plan_with("sasl.users", "consumer producer 1st");
	expect_problem(p, "sasl.users", "1st", "letter");
	plan_free(p);
	p = plan_with("sasl.users", "consumer producer us$er");
	expect_problem(p, "sasl.users", "us$er");
	plan_free(p);
	p = plan_with("sasl.users", "consumer producer user\"x");
	expect_problem(p, "sasl.users", "user\"x");
	plan_free(p);
	p = plan_with("sasl.users", "consumer producer _svc.a-B9");
	expect_no_problem(p, NULL);
	plan_free(p);
	p = plan_with("sasl.users", "consumer producer consumer");
	expect_problem(p, "sasl.users", "twice");
	plan_free(p);

	/* The consumer and producer users must be among sasl.users. */
	p = plan_with("sasl.consumer_user", "mallory");
	expect_problem(p, "sasl.consumer_user", "mallory", "sasl.users");
	expect_problem(p, "sasl.users", "mallory");
	plan_free(p);
	p = plan_with("sasl.producer_user", "bad name");
	expect_problem(p, "sasl.producer_user", "bad name");
	plan_free(p);
}

static void
test_paths(void **state)
{
	struct plan *p;

	(void)state;
	p = plan_with("zookeeper.data_dir", "/tmp/my zookeeper");
	expect_problem(p, "zookeeper.data_dir", "/tmp/my zookeeper", "letters, digits");
	plan_free(p);
	p = plan_with("zookeeper.data_dir", "tmp/zookeeper");
	expect_problem(p, "zookeeper.data_dir", "absolute");
	plan_free(p);
	p = plan_with("zookeeper.data_dir", "/tmp/../etc/zk");
	expect_problem(p, "zookeeper.data_dir", "..");
	plan_free(p);
	p = plan_with("broker.kafka-1.log_dir", "/var/kafka/..");
	expect_problem(p, "broker.kafka-1.log_dir", "..");
	plan_free(p);
	p = plan_with("broker.kafka-2.log_dir", "/tmp/$HOME");
	expect_problem(p, "broker.kafka-2.log_dir", "$HOME");
	plan_free(p);
	p = plan_with("broker.kafka-2.log_dir", "/tmp/kafka-2-l\xc3\xb6gs");
	expect_problem(p, "broker.kafka-2.log_dir", "letters");
	plan_free(p);
	p = plan_with("java.home", "/opt/my java");
	expect_problem(p, "java.home", "letters");
	plan_free(p);
	/* Names with dots that are not "..", and an empty java.home, are fine. */
	p = plan_with("zookeeper.data_dir", "/tmp/zk..data/.x_y-1");
	unit_set(p, "java.home", "");
	expect_no_problem(p, NULL);
	plan_free(p);
}

static void
test_ports_distinct(void **state)
{
	struct plan *p;

	(void)state;
	/* A broker port equal to ZooKeeper's names both keys. */
	p = plan_with("broker.kafka-1.ssl_port", "2182");
	expect_problem(p, "broker.kafka-1.ssl_port", "2182", "zookeeper.secure_port");
	expect_problem(p, "zookeeper.secure_port", "2182");
	plan_free(p);

	p = plan_with("broker.kafka-2.sasl_ssl_port", "9194");
	expect_problem(p, "broker.kafka-2.sasl_ssl_port", "broker.kafka-1.sasl_ssl_port");
	expect_problem(p, "broker.kafka-1.sasl_ssl_port", "9194");
	plan_free(p);

	p = plan_with("broker.kafka-1.sasl_ssl_port", "9193");
	expect_problem(p, "broker.kafka-1.ssl_port", "9193");
	plan_free(p);

	p = plan_with("zookeeper.client_port", "2182");
	expect_problem(p, "zookeeper.client_port", "zookeeper.secure_port");
	plan_free(p);

	/* The AdminServer, when on, takes 8080. */
	p = plan_with("zookeeper.admin_server", "on");
	unit_set(p, "broker.kafka-2.ssl_port", "8080");
	expect_problem(p, "broker.kafka-2.ssl_port", "8080", "zookeeper.admin_server");
	plan_free(p);
	p = plan_with("broker.kafka-2.ssl_port", "8080");
	expect_no_problem(p, NULL);
	plan_free(p);

	/* A plaintext port of its own is fine. */
	p = plan_with("zookeeper.client_port", "2181");
	expect_no_problem(p, NULL);
	plan_free(p);

	p = plan_with("zookeeper.secure_port", "70000");
	expect_problem(p, "zookeeper.secure_port", "70000", "1 to 65535");
	plan_free(p);
	p = plan_with("broker.kafka-1.ssl_port", "0");
	expect_problem(p, "broker.kafka-1.ssl_port", "1 to 65535");
	plan_free(p);
	p = plan_with("broker.kafka-1.ssl_port", "-1");
	expect_problem(p, "broker.kafka-1.ssl_port", "1 to 65535");
	plan_free(p);
	expect_value_refused("zookeeper.client_port", "21 81", "1 to 65535");
	expect_value_ok("zookeeper.client_port", "");
	expect_value_refused("zookeeper.secure_port", "", "1 to 65535");
}

static void
test_log_directories(void **state)
{
	struct plan *p;

	(void)state;
	p = plan_with("broker.kafka-2.log_dir", "/tmp/kafka-1-logs");
	expect_problem(p, "broker.kafka-2.log_dir", "broker.kafka-2.log_dir", "kafka-1");
	expect_problem(p, "broker.kafka-1.log_dir", "/tmp/kafka-1-logs");
	plan_free(p);
	/* A trailing slash is the same directory. */
	p = plan_with("broker.kafka-2.log_dir", "/tmp/kafka-1-logs/");
	expect_problem(p, "broker.kafka-2.log_dir", "kafka-1");
	plan_free(p);
	/* Nested either way. */
	p = plan_with("broker.kafka-2.log_dir", "/tmp/kafka-1-logs/inner");
	expect_problem(p, "broker.kafka-2.log_dir", "kafka-1");
	plan_free(p);
	p = plan_with("broker.kafka-1.log_dir", "/tmp");
	unit_set(p, "zookeeper.data_dir", "/var/zookeeper");
	expect_problem(p, "broker.kafka-2.log_dir", "/tmp/kafka-2-logs", "kafka-1");
	expect_problem(p, "broker.kafka-1.log_dir", "each broker needs its own");
	plan_free(p);
	/* A common prefix is not nesting. */
	p = plan_with("broker.kafka-2.log_dir", "/tmp/kafka-1-logs2");
	expect_no_problem(p, NULL);
	plan_free(p);
	/* Apart from ZooKeeper's data directory. */
	p = plan_with("broker.kafka-1.log_dir", "/tmp/zookeeper/kafka");
	expect_problem(p, "broker.kafka-1.log_dir", "ZooKeeper's data directory", "apart");
	expect_problem(p, "zookeeper.data_dir", "kafka-1");
	plan_free(p);
	p = plan_with("zookeeper.data_dir", "/tmp");
	expect_problem(p, "zookeeper.data_dir", "broker.kafka-1.log_dir");
	expect_problem(p, "broker.kafka-2.log_dir", "data directory");
	plan_free(p);
	p = plan_with("zookeeper.data_dir", "/tmp/kafka-2-logs");
	expect_problem(p, "broker.kafka-2.log_dir", "data directory");
	plan_free(p);
}

static void
test_replication_and_min_isr(void **state)
{
	struct plan *p;

	(void)state;
	p = plan_with("offsets.replication_factor", "3");
	expect_problem(p, "offsets.replication_factor", "3", "at most 2");
	expect_problem(p, "brokers", "offsets.replication_factor");
	plan_free(p);
	p = plan_with("transactions.replication_factor", "5");
	expect_problem(p, "transactions.replication_factor", "at most 2");
	plan_free(p);
	/* One broker: the defaults follow, an explicit 2 does not fit. */
	p = plan_with("brokers", "solo");
	expect_no_problem(p, NULL);
	unit_set(p, "offsets.replication_factor", "2");
	expect_problem(p, "offsets.replication_factor", "at most 1");
	plan_free(p);

	p = plan_with("transactions.min_isr", "3");
	expect_problem(p, "transactions.min_isr", "3", "at most 2");
	expect_problem(p, "transactions.replication_factor", "min_isr");
	plan_free(p);
	p = plan_with("transactions.replication_factor", "1");
	unit_set(p, "transactions.min_isr", "2");
	expect_problem(p, "transactions.min_isr", "at most 1");
	plan_free(p);

	p = plan_with("offsets.replication_factor", "0");
	expect_problem(p, "offsets.replication_factor", "1 to");
	plan_free(p);
}

static void
test_broker_ids(void **state)
{
	struct plan *p;

	(void)state;
	p = plan_with("broker.kafka-2.id", "1");
	expect_problem(p, "broker.kafka-2.id", "unique");
	expect_problem(p, "broker.kafka-1.id", "1");
	plan_free(p);
	p = plan_with("broker.kafka-1.id", "one");
	expect_problem(p, "broker.kafka-1.id", "one", "whole number");
	plan_free(p);
	/* An answer for a broker that is not in the list. */
	p = plan_with("broker.kafka-9.ssl_port", "9999");
	expect_problem(p, "broker.kafka-9.ssl_port", "kafka-9", "brokers");
	plan_free(p);
}

static void
test_days(void **state)
{
	struct plan *p;

	(void)state;
	p = plan_with("ca.days", "0");
	expect_problem(p, "ca.days", "0", "1 to 36500");
	plan_free(p);
	p = plan_with("cert.days", "0");
	expect_problem(p, "cert.days", "1 to 36500");
	plan_free(p);
	p = plan_with("cert.days", "-5");
	expect_problem(p, "cert.days", "1 to 36500");
	plan_free(p);
	p = plan_with("cert.days", "1");
	expect_no_problem(p, NULL);
	plan_free(p);
}

static void
test_password_length_counts_characters(void **state)
{
	struct plan *p;

	(void)state;
	p = plan_with("store.password", "12345");
	expect_problem(p, "store.password", "at least 6");
	plan_free(p);
	p = plan_with("ca.password", "abc");
	expect_problem(p, "ca.password", "at least 6");
	plan_free(p);
	p = plan_with("sasl.password.producer", "");
	expect_problem(p, "sasl.password.producer", "at least 6");
	plan_free(p);
	/* Six characters in twelve bytes are enough; five in ten are not. */
	p = plan_with("store.password", "äöüäöü");
	expect_no_problem(p, NULL);
	plan_free(p);
	p = plan_with("store.password", "äöüäö");
	expect_problem(p, "store.password", "at least 6");
	plan_free(p);
	p = plan_with("store.password", "123456");
	expect_no_problem(p, NULL);
	plan_free(p);
}

static void
test_store_types_per_release(void **state)
{
	struct plan *p;

	(void)state;
	/* Kafka 2.3.0 + ZooKeeper 3.5.5: only jks works for both. */
	p = plan_with("store.type", "pkcs12");
	expect_problem(p, "store.type", "ZooKeeper 3.5.5", "jks");
	expect_problem(p, "zookeeper.version", "pkcs12");
	plan_free(p);
	p = plan_with("store.type", "pem");
	expect_problem(p, "store.type", "Kafka 2.3.0", "jks");
	expect_problem(p, "kafka.version", "pem");
	plan_free(p);
	/* ZooKeeper 3.5.6 reads PKCS12 (ZOOKEEPER-3443). */
	p = plan_with("store.type", "pkcs12");
	unit_set(p, "zookeeper.version", "3.5.6");
	expect_no_problem(p, NULL);
	plan_free(p);
	/* PEM needs Kafka 2.7 (KIP-651); ZooKeeper reads PEM from 3.5.5. */
	p = plan_with("store.type", "pem");
	unit_set(p, "zookeeper.version", "3.5.6");
	unit_set(p, "kafka.version", "2.7.0");
	expect_no_problem(p, NULL);
	unit_set(p, "kafka.version", "2.6.3");
	expect_problem(p, "store.type", "Kafka 2.6.3");
	plan_free(p);

	p = plan_with("zookeeper.version", "3.4.14");
	expect_problem(p, "zookeeper.version", "3.4.14", "3.5.5 or later");
	plan_free(p);
	p = plan_with("zookeeper.version", "3.5");
	expect_problem(p, "zookeeper.version", "3.5.5 or later");
	plan_free(p);
	p = plan_with("kafka.version", "2.3.0-rc1");
	expect_problem(p, "kafka.version", "2.3.0-rc1", "e.g. 2.3.0");
	plan_free(p);
	p = plan_with("store.type", "p12");
	expect_problem(p, "store.type", "p12", "jks, pkcs12, pem");
	plan_free(p);
}

static void
test_choices_and_formats(void **state)
{
	struct plan *p;

	(void)state;
	p = plan_with("key.type", "rsa1024");
	expect_problem(p, "key.type", "rsa1024", "rsa2048, rsa3072, rsa4096, ec-p256, ec-p384");
	plan_free(p);
	p = plan_with("zookeeper.admin_server", "yes");
	expect_problem(p, "zookeeper.admin_server", "off, on");
	plan_free(p);
	p = plan_with("cert.dn", "OU=kafka,O=juplo");
	expect_problem(p, "cert.dn", "CN");
	plan_free(p);
	p = plan_with("cert.dn", "CN={name},OU=ka+fka");
	expect_problem(p, "cert.dn", "'+'");
	plan_free(p);
	p = plan_with("ca.subject", "CN=Root-CA");
	expect_problem(p, "ca.subject", "/C=DE");
	plan_free(p);
	p = plan_with("cert.san", "DNS:{name}, DNS:localhost");
	expect_problem(p, "cert.san", "DNS:name or IP:address");
	plan_free(p);
	p = plan_with("cert.san", "DNS:{name},IP:300.1.1.1");
	expect_problem(p, "cert.san", "IP:300.1.1.1");
	plan_free(p);
	p = plan_with("cert.san", "DNS:{name},IP:127.0.0.1,IP:::1,DNS:*.example.com");
	expect_no_problem(p, NULL);
	plan_free(p);
	p = plan_with("zookeeper.heap", "lots");
	expect_problem(p, "zookeeper.heap", "e.g. 512m");
	plan_free(p);
	p = plan_with("kafka.sha512", "abc");
	expect_problem(p, "kafka.sha512", "128 hexadecimal");
	plan_free(p);
	p = plan_with("zookeeper.secure_address", "127.0.0.1");
	expect_no_problem(p, NULL);
	unit_set(p, "zookeeper.secure_address", "not an address");
	expect_problem(p, "zookeeper.secure_address", "IP address");
	plan_free(p);
}

/*
 * A heap without a unit is bytes to the JVM: -Xms512 -Xmx512 makes ZooKeeper
 * die with "Too small initial heap".
 */
static void
test_heap_without_unit_refused(void **state)
{
	struct plan *p;

	(void)state;
	p = plan_with("zookeeper.heap", "512");
	expect_problem(p, "zookeeper.heap", "512m");
	plan_free(p);
}

/* Java prints '#' in a DN value as '\#': the answer would not be the identity. */
static void
test_dn_java_would_print_differently(void **state)
{
	struct plan *p;

	(void)state;
	p = plan_with("cert.dn", "CN={name},OU=ops team #1,O=juplo");
	expect_problem(p, "cert.dn", "\\#1");
	plan_free(p);
	p = plan_with("cert.dn", "CN={name},OU=ops team,O=juplo");
	expect_no_problem(p, "cert.dn");
	plan_free(p);
}

/* Java refuses non-ASCII passwords on PKCS#12 and PEM stores, not on JKS. */
static void
test_non_ascii_store_password_per_type(void **state)
{
	struct plan *p;

	(void)state;
	p = plan_with("store.password", "Käsebrot");
	expect_no_problem(p, "store.password");
	unit_set(p, "store.type", "pem");
	unit_set(p, "zookeeper.version", "3.5.6");
	unit_set(p, "kafka.version", "2.7.0");
	expect_problem(p, "store.password", "ASCII");
	unit_set(p, "store.password", "Kasebrot");
	expect_no_problem(p, "store.password");
	plan_free(p);
}

static void
test_problems_find_and_order(void **state)
{
	struct plan *p = plan_with("ca.days", "0");
	struct problems ps;

	(void)state;
	unit_set(p, "zookeeper.heap", "x");
	validate_plan(p, &ps);
	assert_int_equal(ps.len, 2);
	/* Table order: ca.days comes before zookeeper.heap. */
	assert_true(strlist_contains(&ps.items[0].keys, "ca.days"));
	assert_true(strlist_contains(&ps.items[1].keys, "zookeeper.heap"));
	assert_ptr_equal(problems_find(&ps, "zookeeper.heap"), &ps.items[1]);
	assert_null(problems_find(&ps, "store.password"));
	/* Each message starts with the key it is about. */
	assert_true(str_starts_with(ps.items[0].message, "ca.days"));
	problems_free(&ps);
	assert_int_equal(ps.len, 0);
	plan_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_have_no_problem),
		cmocka_unit_test(test_value_characters),
		cmocka_unit_test(test_node_names),
		cmocka_unit_test(test_duplicate_node_names_across_lists),
		cmocka_unit_test(test_sasl_user_names),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_ports_distinct),
		cmocka_unit_test(test_log_directories),
		cmocka_unit_test(test_replication_and_min_isr),
		cmocka_unit_test(test_broker_ids),
		cmocka_unit_test(test_days),
		cmocka_unit_test(test_password_length_counts_characters),
		cmocka_unit_test(test_store_types_per_release),
		cmocka_unit_test(test_choices_and_formats),
		cmocka_unit_test(test_heap_without_unit_refused),
		cmocka_unit_test(test_dn_java_would_print_differently),
		cmocka_unit_test(test_non_ascii_store_password_per_type),
		cmocka_unit_test(test_problems_find_and_order),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, unit_load_data, unit_unload_data);
}
