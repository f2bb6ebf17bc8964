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

/* 100 letters, for values of a chosen length. */
#define LONG_LABEL                                                                              \
	"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghij" \
	"klmnopqrst"
/* 64 times 'ä', two bytes each. */
#define U8x8 "\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4\xc3\xa4"
#define U64 U8x8 U8x8 U8x8 U8x8 U8x8 U8x8 U8x8 U8x8

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
	/* A single character is a fine name. */
	p = plan_with("brokers", "b kafka-2");
	expect_no_problem(p, NULL);
	plan_free(p);
	/*
	 * Digits only are a DNS label, but resolvers (and Java) read "2183" as
	 * the IPv4 address 0.0.8.135: as a host name it reaches nothing.
	 */
	p = plan_with("brokers", "1 b");
	expect_problem(p, "brokers", "'1'", "IP address");
	plan_free(p);
	p = plan_with("zookeeper.host", "2183");
	expect_problem(p, "zookeeper.host", "'2183'", "letter");
	plan_free(p);
	expect_value_ok("clients", "client-1 1client");
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
	unit_set(p, "broker.kafka-1.id", "1");
	expect_problem(p, "broker.kafka-2.id", "unique");
	expect_problem(p, "broker.kafka-1.id", "1");
	plan_free(p);
	/* A default (never yet saved, so never run) makes way for an answered id. */
	p = plan_with("broker.kafka-2.id", "1");
	expect_no_problem(p, NULL);
	assert_string_equal(plan_get(p, "broker.kafka-1.id"), "2");
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

/* Empty SAN entries (two commas, a comma at either end) were dropped silently. */
static void
test_san_empty_entries(void **state)
{
	static const char *const bad[] = {
		"DNS:{name},,DNS:localhost", ",DNS:{name}", "DNS:{name},", ",", "DNS:{name},,",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct plan *p = plan_with("cert.san", bad[i]);

		expect_problem(p, "cert.san", "cert.san", "empty entry");
		plan_free(p);
	}
	expect_value_refused("cert.san", "", "at least one");
	/* An address as a DNS entry: no name check would ever match it. */
	expect_value_refused("cert.san", "DNS:{name},DNS:10.0.0.1", "IP:10.0.0.1");
	expect_value_refused("cert.san", "DNS:{name},DNS:1.2.3.4.5", "not a SAN entry");
	expect_value_refused("cert.san", "DNS:x{name}", "not a SAN entry");
	expect_value_ok("cert.san", "DNS:{name},DNS:{name}.example.com,DNS:*.example.com");
}

/* zookeeper.secure_address: an IP address or a host name; 999.1.1.1 and 2183 are neither. */
static void
test_secure_address(void **state)
{
	(void)state;
	expect_value_refused("zookeeper.secure_address", "999.1.1.1", "not an IP address");
	expect_value_refused("zookeeper.secure_address", "1.2.3.4.5", "not an IP address");
	expect_value_refused("zookeeper.secure_address", "2183", "zookeeper.secure_port");
	expect_value_refused("zookeeper.secure_address", "zk.example.123", "neither");
	expect_value_refused("zookeeper.secure_address", "*.example.com", "neither");
	expect_value_refused("zookeeper.secure_address", "{name}", "neither");
	expect_value_refused("zookeeper.secure_address", "zk..example.com", "neither");
	expect_value_refused("zookeeper.secure_address", "-zk.example.com", "neither");
	expect_value_ok("zookeeper.secure_address", "");
	expect_value_ok("zookeeper.secure_address", "127.0.0.1");
	expect_value_ok("zookeeper.secure_address", "::1");
	expect_value_ok("zookeeper.secure_address", "zk-1.example.com");
	expect_value_ok("zookeeper.secure_address", "localhost");
}

/*
 * A version names an archive: kafka_2.12-2.3.06.tgz exists nowhere.  Three
 * numbers without leading zeros, or what the catalog lists; Scala x.y.
 */
static void
test_versions_strict(void **state)
{
	struct plan *p;

	(void)state;
	p = plan_with("kafka.version", "2.3.06");
	expect_problem(p, "kafka.version", "'2.3.06'", "leading zeros", "2.3.0");
	plan_free(p);
	expect_value_refused("zookeeper.version", "03.5.5", "leading zeros");
	expect_value_refused("zookeeper.version", "3.5", "three numbers");
	expect_value_refused("kafka.version", "2.3.0.1", "three numbers");
	expect_value_refused("kafka.version", "2.3.1234567", "three numbers");
	expect_value_refused("kafka.scala", "2.012", "leading zeros");
	expect_value_refused("kafka.scala", "2", "2.12");
	expect_value_ok("kafka.version", "2.3.0");
	expect_value_ok("kafka.version", "2.10.0");
	expect_value_ok("zookeeper.version", "3.5.10");
	expect_value_ok("kafka.scala", "2.12");
	expect_value_ok("kafka.scala", "2.9.2");
}

/*
 * Every node the configs reach by name needs that name among its SANs, or
 * the certs step refuses after the ca step has written the CA.  Without
 * {name} every node gets the same list: fine only when it names them all.
 */
static void
test_san_names_each_node(void **state)
{
	struct plan *p;

	(void)state;
	p = plan_with("cert.san", "DNS:localhost");
	expect_problem(p, "cert.san", "{name}", "DNS:zookeeper");
	plan_free(p);
	p = plan_with("cert.san", "DNS:zookeeper,DNS:kafka-1");
	expect_problem(p, "cert.san", "DNS:kafka-2");
	plan_free(p);
	/* Clients are reached by nobody: they need not be listed. */
	p = plan_with("cert.san", "DNS:zookeeper,DNS:kafka-1,DNS:kafka-2");
	expect_no_problem(p, NULL);
	plan_free(p);
	p = plan_with("cert.san", "DNS:{name}.example.com");
	expect_problem(p, "cert.san", "must carry DNS:zookeeper");
	plan_free(p);
	/* A name too long for DNS once a node's name is in it. */
	{
		char san[300];

		/* 244 characters after {name}: too many after "zookeeper" (253 at most). */
		snprintf(san, sizeof san, "DNS:{name},DNS:{name}.%.*s.%.*s.%.*s.%.*s", 60,
			 LONG_LABEL, 60, LONG_LABEL, 60, LONG_LABEL, 61, LONG_LABEL);
		p = plan_with("cert.san", san);
		expect_problem(p, "cert.san", "for node zookeeper");
		plan_free(p);
	}
}

/*
 * X.509's upper bounds: OpenSSL refuses a CN or O over 64 characters, so the
 * ca step failed after validation had passed.  Characters, not bytes.
 */
static void
test_dn_upper_bounds(void **state)
{
	static const struct {
		const char *type;
		int max;
	} bounds[] = { { "CN", 64 }, { "O", 64 }, { "OU", 64 }, { "L", 128 }, { "ST", 128 } };
	char value[512], max_text[16];
	struct plan *p;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bounds); i++) {
		bool cn = strcmp(bounds[i].type, "CN") == 0;

		snprintf(value, sizeof value, "/C=DE/%s=%.*s%s", bounds[i].type, bounds[i].max + 1,
			 LONG_LABEL LONG_LABEL, cn ? "" : "/CN=Root-CA");
		snprintf(max_text, sizeof max_text, "%d", bounds[i].max);
		p = plan_with("ca.subject", value);
		expect_problem(p, "ca.subject", bounds[i].type, max_text, "X.509");
		plan_free(p);
		snprintf(value, sizeof value, "/C=DE/%s=%.*s%s", bounds[i].type, bounds[i].max,
			 LONG_LABEL LONG_LABEL, cn ? "" : "/CN=Root-CA");
		p = plan_with("ca.subject", value);
		expect_no_problem(p, NULL);
		plan_free(p);
	}
	/* 64 two-byte characters are 64 characters. */
	p = plan_with("ca.subject", "/O=" U64 "/CN=Root-CA");
	expect_no_problem(p, NULL);
	unit_set(p, "ca.subject", "/O=" U64 "\xc3\xa4/CN=Root-CA");
	expect_problem(p, "ca.subject", "64");
	plan_free(p);
	/* What OpenSSL itself refuses: DC is IA5String, ASCII only. */
	p = plan_with("ca.subject", "/DC=b\xc3\xa4r/CN=Root-CA");
	expect_problem(p, "ca.subject", "DC");
	plan_free(p);
	/* cert.dn is measured with each node's name in it. */
	snprintf(value, sizeof value, "CN={name}%.*s,O=juplo", 58, LONG_LABEL);
	p = plan_with("cert.dn", value);
	expect_problem(p, "cert.dn", "for node zookeeper", "64");
	plan_free(p);
	snprintf(value, sizeof value, "CN={name}%.*s,O=juplo", 55, LONG_LABEL);
	p = plan_with("cert.dn", value);
	expect_no_problem(p, NULL);
	plan_free(p);
}

/* java.home is checked on disk before anything is written: /nonexistent was accepted. */
static void
test_preflight_java_home(void **state)
{
	char *dir = unit_tmpdir();
	char *bin = xasprintf("%s/bin", dir), *java = xasprintf("%s/bin/java", dir);
	struct plan *p = plan_with("java.home", "/nonexistent");
	struct msg err;

	(void)state;
	assert_non_null(dir);
	msg_clear(&err);
	assert_int_equal(preflight_answers(p, &err), -1);
	assert_contains(err.text, "java.home");
	assert_contains(err.text, "/nonexistent/bin/java");
	assert_contains(err.text, "bin/java");
	/* Validation itself stays pure: the path is well-formed. */
	expect_no_problem(p, NULL);
	unit_set(p, "java.home", dir);
	assert_int_equal(mkdir(bin, 0700), 0);
	assert_int_equal(unit_write(java, "#!/bin/sh\n"), 0);
	assert_int_equal(chmod(java, 0600), 0);
	assert_int_equal(preflight_answers(p, &err), -1);
	assert_contains(err.text, "not an executable");
	assert_int_equal(chmod(java, 0700), 0);
	assert_int_equal(preflight_answers(p, &err), 0);
	/* Empty: the java on PATH, found (or not) when cluster.sh runs. */
	unit_set(p, "java.home", "");
	assert_int_equal(preflight_answers(p, &err), 0);
	plan_free(p);
	unit_rmtree(dir);
	free(java);
	free(bin);
	free(dir);
}

/* What front ends print passes str_visible: nothing in it can drive a terminal. */
static void
test_visible_escapes(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "plain text, tab\tand\nnewline", "plain text, tab\tand\nnewline" },
		{ "\033]2;title\007", "\\x1b]2;title\\x07" },
		{ "\033[2J\r\b\177", "\\x1b[2J\\x0d\\x08\\x7f" },
		/* C1: the 8-bit CSI and NEL, as UTF-8. */
		{ "\xc2\x9b" "31m\xc2\x85", "\\u009b31m\\u0085" },
		/* Not UTF-8: a lone byte a terminal may take for a C1 control, a truncated sequence. */
		{ "a\x9b" "b\xc3", "a\\x9bb\\xc3" },
		/* Right-to-left override: the text would lie about its order. */
		{ "abc\xe2\x80\xaetxt.exe", "abc\\u202etxt.exe" },
		{ "Schl\xc3\xbcssel \xe2\x82\xac \xf0\x9f\x98\x80", "Schl\xc3\xbcssel \xe2\x82\xac \xf0\x9f\x98\x80" },
		{ "", "" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *shown = str_visible(cases[i].in);

		assert_string_equal(shown, cases[i].out);
		free(shown);
	}
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
		cmocka_unit_test(test_san_empty_entries),
		cmocka_unit_test(test_secure_address),
		cmocka_unit_test(test_versions_strict),
		cmocka_unit_test(test_san_names_each_node),
		cmocka_unit_test(test_dn_upper_bounds),
		cmocka_unit_test(test_preflight_java_home),
		cmocka_unit_test(test_visible_escapes),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, unit_load_data, unit_unload_data);
}
