/*
 * The answers file (DESIGN §4) and the plan behind it: parsing, errors that
 * name file, line and key, the exact round trip, --set, origins; the defaults
 * that reproduce the article; node operations that never renumber a broker;
 * virtual keys; read recording and the input hash.
 */
#include <config.h>

#include "unit.h"

static struct plan *
parse_ok(const char *text)
{
	struct plan *p = plan_new();
	struct msg err;

	msg_clear(&err);
	if (answers_parse(p, text, strlen(text), "t.conf", ORIGIN_FILE, &err) != 0) {
		print_error("answers_parse failed: %s\n", err.text);
		fail();
	}
	assert_string_equal(err.text, "");
	return p;
}

/* Parses text expecting failure; returns the message in err. */
static void
parse_fails(const char *text, struct msg *err)
{
	struct plan *p = plan_new();

	msg_clear(err);
	assert_int_not_equal(answers_parse(p, text, strlen(text), "t.conf", ORIGIN_FILE, err), 0);
	plan_free(p);
}

/* ------------------------------------------------------------------ parsing */

static void
test_parse_comments_blank_lines_whitespace(void **state)
{
	struct plan *p;

	(void)state;
	p = parse_ok("# a comment\n"
		     "\n"
		     "   \t \n"
		     "  # an indented comment = not an answer\n"
		     "kafka.version=2.4.1\n"
		     "  zookeeper.heap \t=\t 1g  \t\n"
		     "brokers = b1 b2 b3\n");
	assert_string_equal(plan_get(p, "kafka.version"), "2.4.1");
	assert_string_equal(plan_get(p, "zookeeper.heap"), "1g");
	assert_string_equal(plan_get(p, "brokers"), "b1 b2 b3");
	/* Untouched keys keep their defaults and their origin. */
	assert_string_equal(plan_get(p, "zookeeper.host"), "zookeeper");
	assert_int_equal(plan_origin(p, "zookeeper.host"), ORIGIN_DEFAULT);
	assert_false(plan_is_set(p, "zookeeper.host"));
	plan_free(p);
}

static void
test_parse_crlf(void **state)
{
	struct plan *p;

	(void)state;
	p = parse_ok("# written on Windows\r\n"
		     "store.password = secret99\r\n"
		     "zookeeper.secure_port=2282\r\n"
		     "\r\n"
		     "clients = c1");
	assert_string_equal(plan_get(p, "store.password"), "secret99");
	assert_string_equal(plan_get(p, "zookeeper.secure_port"), "2282");
	/* The last line has no newline at all. */
	assert_string_equal(plan_get(p, "clients"), "c1");
	plan_free(p);
}

static void
test_parse_value_keeps_hash_and_equals(void **state)
{
	struct plan *p;

	(void)state;
	p = parse_ok("store.password = pa#ss=wo:rd # not a comment\n"
		     "sasl.password.consumer=#starts-with-hash\n"
		     "ca.subject = /C=DE/O=juplo/CN=Root#1\n");
	assert_string_equal(plan_get(p, "store.password"), "pa#ss=wo:rd # not a comment");
	assert_string_equal(plan_get(p, "sasl.password.consumer"), "#starts-with-hash");
	assert_string_equal(plan_get(p, "ca.subject"), "/C=DE/O=juplo/CN=Root#1");
	plan_free(p);
}

static void
test_parse_unknown_key_names_file_line_key(void **state)
{
	struct msg err;

	(void)state;
	parse_fails("# header\n"
		    "kafka.version = 2.3.0\n"
		    "kafka.verison = 2.3.0\n", &err);
	assert_contains(err.text, "t.conf:3");
	assert_contains(err.text, "kafka.verison");
	assert_not_contains(err.text, "t.conf:2");
}

static void
test_parse_malformed_line(void **state)
{
	struct msg err;

	(void)state;
	parse_fails("zookeeper.host = zk\n"
		    "just some words\n", &err);
	assert_contains(err.text, "t.conf:2");
	assert_contains(err.text, "key = value");
}

static void
test_parse_bad_value_names_key_and_what_is_valid(void **state)
{
	struct plan *p = plan_new();
	struct msg err;
	const char *text = "\n\nzookeeper.secure_port = 70000\n";

	(void)state;
	msg_clear(&err);
	assert_int_not_equal(answers_parse(p, text, strlen(text), "my.conf", ORIGIN_FILE, &err), 0);
	assert_contains(err.text, "my.conf:3");
	assert_contains(err.text, "zookeeper.secure_port");
	assert_contains(err.text, "70000");
	assert_contains(err.text, "1 to 65535");
	/* A refused value is reported but kept, so the wizard can show it for repair. */
	assert_true(plan_is_set(p, "zookeeper.secure_port"));
	assert_string_equal(plan_get(p, "zookeeper.secure_port"), "70000");
	plan_free(p);
}

static void
test_parse_reports_every_error(void **state)
{
	struct msg err;

	(void)state;
	parse_fails("nope.one = 1\n"
		    "ca.days = 0\n"
		    "garbage\n"
		    "nope.two = 2\n", &err);
	assert_contains(err.text, "t.conf:1");
	assert_contains(err.text, "nope.one");
	assert_contains(err.text, "t.conf:2");
	assert_contains(err.text, "ca.days");
	assert_contains(err.text, "t.conf:3");
	assert_contains(err.text, "t.conf:4");
	assert_contains(err.text, "nope.two");
}

static void
test_parse_nul_byte_refused(void **state)
{
	struct plan *p = plan_new();
	struct msg err;
	static const char text[] = "store.password = abc\0defgh\n";

	(void)state;
	msg_clear(&err);
	assert_int_not_equal(answers_parse(p, text, sizeof text - 1, "t.conf", ORIGIN_FILE, &err),
			     0);
	assert_contains(err.text, "t.conf:1");
	assert_false(plan_is_set(p, "store.password"));
	plan_free(p);
}

static void
test_origins(void **state)
{
	struct plan *p = plan_new();
	struct msg err;
	const char *text = "zookeeper.host = zk\n";

	(void)state;
	assert_int_equal(answers_parse(p, text, strlen(text), "t.conf", ORIGIN_FILE, &err), 0);
	assert_int_equal(plan_origin(p, "zookeeper.host"), ORIGIN_FILE);
	assert_int_equal(plan_set_assignment(p, "zookeeper.heap=1g", &err), 0);
	assert_int_equal(plan_origin(p, "zookeeper.heap"), ORIGIN_SET);
	assert_int_equal(plan_set(p, "zookeeper.host", "zk2", ORIGIN_TUI, &err), 0);
	assert_int_equal(plan_origin(p, "zookeeper.host"), ORIGIN_TUI);
	assert_int_equal(plan_origin(p, "clients"), ORIGIN_DEFAULT);
	plan_unset(p, "zookeeper.host");
	assert_int_equal(plan_origin(p, "zookeeper.host"), ORIGIN_DEFAULT);
	assert_string_equal(plan_get(p, "zookeeper.host"), "zookeeper");
	plan_free(p);
}

/* ------------------------------------------------------------- round trip */

static void
test_format_parse_round_trip_exact(void **state)
{
	struct plan *p = plan_new(), *q;
	struct msg err;
	char *first, *second;

	(void)state;
	unit_set(p, "brokers", "kafka-1 kafka-2 kafka-3");
	unit_set(p, "store.password", "a\"b\\c=d:e#f!g$h;i jä€😀");
	unit_set(p, "sasl.password.producer", "#hash at start");
	unit_set(p, "zookeeper.client_port", "");
	unit_set(p, "broker.kafka-3.log_dir", "/data/k3");
	unit_set(p, "ca.subject", "/C=DE/ST=NRW/L=MS/O=juplo/OU=kafka/CN=Root-CA");
	plan_pin_positional(p);
	first = answers_format(p);

	q = plan_new();
	msg_clear(&err);
	if (answers_parse(q, first, strlen(first), "first", ORIGIN_FILE, &err) != 0) {
		print_error("%s\n--- text:\n%s\n", err.text, first);
		fail();
	}
	second = answers_format(q);
	assert_text_str(second, first);
	assert_string_equal(plan_get(q, "store.password"), "a\"b\\c=d:e#f!g$h;i jä€😀");
	assert_string_equal(plan_get(q, "sasl.password.producer"), "#hash at start");
	assert_string_equal(plan_get(q, "zookeeper.client_port"), "");
	assert_true(plan_is_set(q, "zookeeper.client_port"));
	assert_string_equal(plan_get(q, "broker.kafka-3.id"), "3");
	assert_string_equal(plan_get(q, "broker.kafka-3.sasl_ssl_port"), "9394");
	assert_string_equal(plan_get(q, "broker.kafka-3.log_dir"), "/data/k3");
	free(first);
	free(second);
	plan_free(p);
	plan_free(q);
}

static void
test_save_load_file(void **state)
{
	char *dir = unit_tmpdir(), *path;
	struct plan *p = plan_new(), *q = plan_new();
	struct msg err;
	char *text;

	(void)state;
	assert_non_null(dir);
	path = xasprintf("%s/zktls-wizard.conf", dir);
	unit_set(p, "zookeeper.heap", "1g");
	unit_set(p, "sasl.password.consumer", "geheim-äöü");
	assert_int_equal(answers_save(p, path, &err), 0);
	/* It holds passwords: 0600 (DESIGN §5). */
	assert_int_equal(unit_mode(path), 0600);
	assert_int_equal(answers_load(q, path, ORIGIN_FILE, &err), 0);
	assert_string_equal(plan_get(q, "zookeeper.heap"), "1g");
	assert_string_equal(plan_get(q, "sasl.password.consumer"), "geheim-äöü");
	assert_int_equal(plan_origin(q, "zookeeper.heap"), ORIGIN_FILE);
	text = unit_read(path, NULL);
	assert_contains(text, "zookeeper.heap = 1g\n");
	free(text);
	plan_free(q);

	/* A missing file is an error naming it. */
	q = plan_new();
	free(path);
	path = xasprintf("%s/absent.conf", dir);
	assert_int_not_equal(answers_load(q, path, ORIGIN_FILE, &err), 0);
	assert_contains(err.text, "absent.conf");
	plan_free(q);
	plan_free(p);
	free(path);
	unit_rmtree(dir);
	free(dir);
}

static void
test_ca_password_saved_only_when_asked(void **state)
{
	struct plan *p = plan_new();
	char *text;

	(void)state;
	unit_set(p, "ca.password", "my-ca-secret");
	unit_set(p, "store.password", "my-store-secret");
	text = answers_format(p);
	assert_not_contains(text, "my-ca-secret");
	assert_not_contains(text, "ca.password");
	/* Only the CA password is held back. */
	assert_contains(text, "store.password = my-store-secret\n");
	free(text);

	unit_set(p, "save.ca_password", "yes");
	text = answers_format(p);
	assert_contains(text, "ca.password = my-ca-secret\n");
	assert_contains(text, "save.ca_password = yes\n");
	free(text);
	plan_free(p);
}

static void
test_set_assignment(void **state)
{
	struct plan *p = plan_new();
	struct msg err;

	(void)state;
	assert_int_equal(plan_set_assignment(p, "store.password=a=b==c", &err), 0);
	assert_string_equal(plan_get(p, "store.password"), "a=b==c");
	assert_int_equal(plan_set_assignment(p, "zookeeper.client_port=", &err), 0);
	assert_string_equal(plan_get(p, "zookeeper.client_port"), "");
	assert_true(plan_is_set(p, "zookeeper.client_port"));

	msg_clear(&err);
	assert_int_not_equal(plan_set_assignment(p, "zookeeper.host", &err), 0);
	assert_contains(err.text, "KEY=VALUE");
	assert_contains(err.text, "zookeeper.host");

	msg_clear(&err);
	assert_int_not_equal(plan_set_assignment(p, "=value", &err), 0);
	assert_contains(err.text, "KEY=VALUE");
	assert_not_contains(err.text, "value'");

	/*
	 * A typo may put a password where a key was meant: only a known key is
	 * ever shown, never what follows it, nor an argument that is no key.
	 */
	{
		static const char *const typos[] = {
			"store.password:hunter2-secret", "hunter2-secret", "=hunter2-secret",
			"store.pasword=hunter2-secret", "sasl.password.consumer hunter2-secret",
		};

		for (size_t i = 0; i < ARRAY_SIZE(typos); i++) {
			msg_clear(&err);
			assert_int_not_equal(plan_set_assignment(p, typos[i], &err), 0);
			assert_true(err.text[0] != '\0');
			assert_not_contains(err.text, "hunter2");
		}
	}

	msg_clear(&err);
	assert_int_not_equal(plan_set_assignment(p, "no.such.key=1", &err), 0);
	assert_contains(err.text, "no.such.key");
	assert_null(plan_get(p, "no.such.key"));

	/* --set stores the text; validation (not the parser) judges it. */
	assert_int_equal(plan_set_assignment(p, "zookeeper.secure_port=70000", &err), 0);
	assert_int_equal(plan_origin(p, "zookeeper.secure_port"), ORIGIN_SET);
	plan_free(p);
}

/* ------------------------------------------------------------ the defaults */

static void
test_defaults_reproduce_article(void **state)
{
	struct plan *p = plan_new();
	static const char *const expected[][2] = {
		{ "kafka.version", "2.3.0" },
		{ "kafka.scala", "2.12" },
		{ "zookeeper.version", "3.5.5" },
		{ "ca.subject", "/C=DE/ST=NRW/L=MS/O=juplo/OU=kafka/CN=Root-CA" },
		{ "ca.days", "365" },
		{ "cert.days", "365" },
		{ "ca.password", "superconfidential" },
		{ "save.ca_password", "no" },
		{ "cert.dn", "CN={name},OU=kafka,O=juplo,L=MS,ST=NRW,C=DE" },
		{ "cert.san", "DNS:{name},DNS:localhost" },
		{ "key.type", "rsa2048" },
		{ "store.type", "jks" },
		{ "store.password", "confidential" },
		{ "zookeeper.host", "zookeeper" },
		{ "zookeeper.secure_port", "2182" },
		{ "zookeeper.client_port", "" },
		{ "zookeeper.data_dir", "/tmp/zookeeper" },
		{ "zookeeper.heap", "512m" },
		{ "zookeeper.admin_server", "off" },
		{ "brokers", "kafka-1 kafka-2" },
		{ "broker.kafka-1.id", "1" },
		{ "broker.kafka-2.id", "2" },
		{ "broker.kafka-1.ssl_port", "9193" },
		{ "broker.kafka-1.sasl_ssl_port", "9194" },
		{ "broker.kafka-2.ssl_port", "9293" },
		{ "broker.kafka-2.sasl_ssl_port", "9294" },
		{ "broker.kafka-1.log_dir", "/tmp/kafka-1-logs" },
		{ "broker.kafka-2.log_dir", "/tmp/kafka-2-logs" },
		{ "offsets.replication_factor", "2" },
		{ "transactions.replication_factor", "2" },
		{ "transactions.min_isr", "2" },
		{ "clients", "client" },
		{ "sasl.users", "consumer producer" },
		{ "sasl.password.consumer", "pw4consumer" },
		{ "sasl.password.producer", "pw4producer" },
		{ "sasl.consumer_user", "consumer" },
		{ "sasl.producer_user", "producer" },
		{ "kafka.sha512", "" },
		{ "zookeeper.sha512", "" },
	};
	struct strlist nodes = { 0 }, answered = { 0 };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(expected); i++) {
		const char *got = plan_get(p, expected[i][0]);

		if (got == NULL || strcmp(got, expected[i][1]) != 0) {
			print_error("%s: got '%s', the article's default is '%s'\n", expected[i][0],
				    got ? got : "(null)", expected[i][1]);
			fail();
		}
		assert_int_equal(plan_origin(p, expected[i][0]), ORIGIN_DEFAULT);
	}
	plan_get_nodes(p, &nodes);
	assert_int_equal(nodes.len, 4);
	assert_string_equal(nodes.items[0], "zookeeper");
	assert_string_equal(nodes.items[1], "kafka-1");
	assert_string_equal(nodes.items[2], "kafka-2");
	assert_string_equal(nodes.items[3], "client");
	/* Nothing is answered yet: a fresh plan saves no keys. */
	plan_answered_keys(p, &answered);
	assert_int_equal(answered.len, 0);
	strlist_free(&nodes);
	strlist_free(&answered);
	plan_free(p);
}

static void
test_replication_defaults_follow_broker_count(void **state)
{
	struct plan *p = plan_new();

	(void)state;
	unit_set(p, "brokers", "solo");
	assert_string_equal(plan_get(p, "offsets.replication_factor"), "1");
	assert_string_equal(plan_get(p, "transactions.replication_factor"), "1");
	assert_string_equal(plan_get(p, "transactions.min_isr"), "1");
	assert_string_equal(plan_get(p, "broker.solo.ssl_port"), "9193");

	unit_set(p, "brokers", "b1 b2 b3 b4");
	assert_string_equal(plan_get(p, "offsets.replication_factor"), "3");
	assert_string_equal(plan_get(p, "transactions.replication_factor"), "3");
	assert_string_equal(plan_get(p, "transactions.min_isr"), "2");
	assert_string_equal(plan_get(p, "broker.b4.id"), "4");
	assert_string_equal(plan_get(p, "broker.b4.ssl_port"), "9493");
	assert_string_equal(plan_get(p, "broker.b4.sasl_ssl_port"), "9494");
	assert_string_equal(plan_get(p, "broker.b4.log_dir"), "/tmp/b4-logs");

	/* min ISR follows an explicit replication factor. */
	unit_set(p, "transactions.replication_factor", "1");
	assert_string_equal(plan_get(p, "transactions.min_isr"), "1");
	plan_free(p);
}

/* ------------------------------------------------------- node operations */

static void
test_remove_keeps_other_ids_and_ports(void **state)
{
	struct plan *p = plan_new();
	struct msg err;

	(void)state;
	plan_pin_positional(p);
	assert_true(plan_is_set(p, "broker.kafka-2.id"));
	assert_int_equal(plan_remove_name(p, "brokers", "kafka-1", ORIGIN_TUI, &err), 0);
	assert_string_equal(plan_get(p, "brokers"), "kafka-2");
	assert_string_equal(plan_get(p, "broker.kafka-2.id"), "2");
	assert_string_equal(plan_get(p, "broker.kafka-2.ssl_port"), "9293");
	assert_string_equal(plan_get(p, "broker.kafka-2.sasl_ssl_port"), "9294");
	/* The removed broker's answers go with it. */
	assert_false(plan_is_set(p, "broker.kafka-1.id"));
	assert_false(plan_is_set(p, "broker.kafka-1.ssl_port"));
	assert_false(plan_is_set(p, "broker.kafka-1.sasl_ssl_port"));
	plan_free(p);
}

static void
test_remove_without_pin_still_keeps_ids(void **state)
{
	struct plan *p = plan_new();
	struct msg err;

	(void)state;
	/* No explicit pin: removal itself must freeze the survivors. */
	assert_int_equal(plan_remove_name(p, "brokers", "kafka-1", ORIGIN_TUI, &err), 0);
	assert_string_equal(plan_get(p, "broker.kafka-2.id"), "2");
	assert_string_equal(plan_get(p, "broker.kafka-2.ssl_port"), "9293");

	msg_clear(&err);
	assert_int_not_equal(plan_remove_name(p, "brokers", "kafka-9", ORIGIN_TUI, &err), 0);
	assert_contains(err.text, "kafka-9");
	plan_free(p);
}

static void
test_add_after_removing_first_never_reuses(void **state)
{
	struct plan *p = plan_new();
	struct msg err;

	(void)state;
	assert_int_equal(plan_remove_name(p, "brokers", "kafka-1", ORIGIN_TUI, &err), 0);
	assert_int_equal(plan_add_name(p, "brokers", "kafka-3", ORIGIN_TUI, &err), 0);
	assert_string_equal(plan_get(p, "brokers"), "kafka-2 kafka-3");
	assert_string_equal(plan_get(p, "broker.kafka-3.id"), "3");
	assert_string_equal(plan_get(p, "broker.kafka-3.ssl_port"), "9393");
	assert_string_equal(plan_get(p, "broker.kafka-3.sasl_ssl_port"), "9394");
	assert_string_equal(plan_get(p, "broker.kafka-2.id"), "2");

	msg_clear(&err);
	assert_int_not_equal(plan_add_name(p, "brokers", "kafka-2", ORIGIN_TUI, &err), 0);
	assert_contains(err.text, "kafka-2");
	plan_free(p);
}

/*
 * After removing the broker with the highest id, the next one added must not
 * get that id and its ports again: a broker still running with the old id (or
 * the old id's data) would collide with the new one.
 */
static void
test_add_after_removing_last_never_reuses(void **state)
{
	struct plan *p = plan_new();
	struct msg err;

	(void)state;
	plan_pin_positional(p);
	assert_int_equal(plan_remove_name(p, "brokers", "kafka-2", ORIGIN_TUI, &err), 0);
	assert_int_equal(plan_add_name(p, "brokers", "kafka-3", ORIGIN_TUI, &err), 0);
	assert_string_not_equal(plan_get(p, "broker.kafka-3.id"), "2");
	assert_string_not_equal(plan_get(p, "broker.kafka-3.ssl_port"), "9293");
	assert_string_not_equal(plan_get(p, "broker.kafka-3.sasl_ssl_port"), "9294");
	plan_free(p);
}

/* What a first save writes for the article's two brokers. */
static const char pinned_conf[] =
	"broker.kafka-1.id = 1\nbroker.kafka-2.id = 2\n"
	"broker.kafka-1.ssl_port = 9193\nbroker.kafka-2.ssl_port = 9293\n"
	"broker.kafka-1.sasl_ssl_port = 9194\nbroker.kafka-2.sasl_ssl_port = 9294\n";

/* True when some problem of p names key. */
static bool
has_problem(const struct plan *p, const char *key)
{
	struct problems ps;
	bool found;

	validate_plan(p, &ps);
	found = problems_find(&ps, key) != NULL;
	problems_free(&ps);
	return found;
}

/*
 * --set brokers=kafka-1 on a directory whose zktls-wizard.conf holds the ids
 * the wizard pinned for kafka-2: those were "not in brokers", and batch
 * refused.  They are no problem now and go on save; other keys of a broker
 * not listed (a log_dir, anything given on the command line) still are.
 */
static void
test_removed_broker_pins_dropped(void **state)
{
	struct plan *p = parse_ok(pinned_conf);
	struct strlist dropped = { 0 };

	(void)state;
	unit_set(p, "brokers", "kafka-1");
	assert_true(plan_is_stale_pin(p, "broker.kafka-2.id"));
	assert_false(plan_is_stale_pin(p, "broker.kafka-1.id"));
	assert_false(has_problem(p, "broker.kafka-2.id"));
	assert_false(has_problem(p, "broker.kafka-2.ssl_port"));
	plan_drop_stale_pins(p, &dropped);
	assert_int_equal(dropped.len, 3);
	assert_string_equal(dropped.items[0], "broker.kafka-2.id");
	assert_false(plan_is_set(p, "broker.kafka-2.id"));
	assert_false(plan_is_set(p, "broker.kafka-2.sasl_ssl_port"));
	assert_string_equal(plan_get(p, "broker.kafka-1.id"), "1");
	/* kafka-2's id is not given out again. */
	assert_string_equal(plan_get(p, "brokers.max_id"), "2");
	strlist_free(&dropped);
	plan_free(p);

	p = parse_ok("broker.kafka-2.log_dir = /data/two\n");
	unit_set(p, "brokers", "kafka-1");
	assert_false(plan_is_stale_pin(p, "broker.kafka-2.log_dir"));
	assert_true(has_problem(p, "broker.kafka-2.log_dir"));
	unit_set(p, "broker.kafka-3.id", "7");
	assert_false(plan_is_stale_pin(p, "broker.kafka-3.id"));
	assert_true(has_problem(p, "broker.kafka-3.id"));
	plan_free(p);
}

/* Removed and added in one --set: the new broker takes a new id, not the removed one's. */
static void
test_new_broker_never_takes_a_pinned_id(void **state)
{
	struct plan *p = parse_ok(pinned_conf);

	(void)state;
	unit_set(p, "brokers", "kafka-1 kafka-3");
	assert_string_equal(plan_get(p, "broker.kafka-3.id"), "3");
	assert_string_equal(plan_get(p, "broker.kafka-3.ssl_port"), "9393");
	assert_false(has_problem(p, "broker.kafka-3.id"));
	plan_drop_stale_pins(p, NULL);
	plan_pin_positional(p);
	assert_string_equal(plan_get(p, "broker.kafka-3.id"), "3");
	plan_free(p);

	/* New ones in front of pinned ones are numbered after them, in list order. */
	p = parse_ok(pinned_conf);
	unit_set(p, "brokers", "kafka-0 kafka-5 kafka-1 kafka-2");
	assert_string_equal(plan_get(p, "broker.kafka-0.id"), "3");
	assert_string_equal(plan_get(p, "broker.kafka-5.id"), "4");
	assert_false(has_problem(p, "broker.kafka-0.id"));
	assert_false(has_problem(p, "broker.kafka-5.id"));
	plan_free(p);

	/* Re-adding a removed name in the wizard starts afresh, not with stale ports. */
	p = parse_ok(pinned_conf);
	{
		struct msg err;

		unit_set(p, "brokers", "kafka-1");
		assert_int_equal(plan_add_name(p, "brokers", "kafka-2", ORIGIN_TUI, &err), 0);
		assert_string_equal(plan_get(p, "broker.kafka-2.id"), "3");
		assert_string_equal(plan_get(p, "broker.kafka-2.ssl_port"), "9393");
	}
	plan_free(p);
}

static void
test_rename_broker_moves_its_keys(void **state)
{
	struct plan *p = plan_new();
	struct msg err;

	(void)state;
	unit_set(p, "broker.kafka-1.log_dir", "/data/one");
	assert_int_equal(plan_rename_name(p, "brokers", "kafka-1", "alpha", ORIGIN_TUI, &err), 0);
	assert_string_equal(plan_get(p, "brokers"), "alpha kafka-2");
	assert_string_equal(plan_get(p, "broker.alpha.id"), "1");
	assert_string_equal(plan_get(p, "broker.alpha.ssl_port"), "9193");
	assert_string_equal(plan_get(p, "broker.alpha.sasl_ssl_port"), "9194");
	assert_string_equal(plan_get(p, "broker.alpha.log_dir"), "/data/one");
	assert_false(plan_is_set(p, "broker.kafka-1.id"));
	assert_false(plan_is_set(p, "broker.kafka-1.log_dir"));
	assert_string_equal(plan_get(p, "broker.kafka-2.id"), "2");
	assert_string_equal(plan_get(p, "broker.kafka-2.ssl_port"), "9293");
	/* A key of kafka-10 is not a key of kafka-1. */
	unit_set(p, "brokers", "alpha kafka-2 kafka-10");
	unit_set(p, "broker.kafka-10.log_dir", "/data/ten");
	assert_int_equal(plan_rename_name(p, "brokers", "kafka-2", "beta", ORIGIN_TUI, &err), 0);
	assert_string_equal(plan_get(p, "broker.kafka-10.log_dir"), "/data/ten");
	assert_string_equal(plan_get(p, "broker.beta.id"), "2");

	msg_clear(&err);
	assert_int_not_equal(plan_rename_name(p, "brokers", "nobody", "x", ORIGIN_TUI, &err), 0);
	assert_contains(err.text, "nobody");
	msg_clear(&err);
	assert_int_not_equal(plan_rename_name(p, "brokers", "alpha", "beta", ORIGIN_TUI, &err), 0);
	assert_contains(err.text, "beta");
	assert_string_equal(plan_get(p, "broker.alpha.log_dir"), "/data/one");
	plan_free(p);
}

static void
test_rename_sasl_user_follows(void **state)
{
	struct plan *p = plan_new();
	struct msg err;

	(void)state;
	unit_set(p, "sasl.password.consumer", "alice-secret");
	assert_int_equal(plan_rename_name(p, "sasl.users", "consumer", "alice", ORIGIN_TUI, &err),
			 0);
	assert_string_equal(plan_get(p, "sasl.users"), "alice producer");
	assert_string_equal(plan_get(p, "sasl.consumer_user"), "alice");
	assert_string_equal(plan_get(p, "sasl.producer_user"), "producer");
	assert_string_equal(plan_get(p, "sasl.password.alice"), "alice-secret");
	assert_false(plan_is_set(p, "sasl.password.consumer"));

	assert_int_equal(plan_remove_name(p, "sasl.users", "producer", ORIGIN_TUI, &err), 0);
	assert_string_equal(plan_get(p, "sasl.users"), "alice");
	plan_free(p);
}

static void
test_virtual_keys(void **state)
{
	struct plan *p = plan_new();

	(void)state;
	assert_string_equal(plan_get(p, "keystore.kafka-1"), "kafka-1.jks");
	assert_string_equal(plan_get(p, "truststore"), "truststore.jks");
	assert_string_equal(plan_get(p, "store.java_type"), "JKS");
	assert_string_equal(plan_get(p, "store.explicit_type"), "");
	assert_string_equal(plan_get(p, "kafka.dir"), "kafka_2.12-2.3.0");
	assert_string_equal(plan_get(p, "zookeeper.dir"), "apache-zookeeper-3.5.5-bin");

	unit_set(p, "store.type", "pkcs12");
	assert_string_equal(plan_get(p, "keystore.zookeeper"), "zookeeper.p12");
	assert_string_equal(plan_get(p, "truststore"), "truststore.p12");
	assert_string_equal(plan_get(p, "store.java_type"), "PKCS12");
	assert_string_equal(plan_get(p, "store.explicit_type"), "yes");

	/* DESIGN §5: NAME-keystore.pem and truststore.pem. */
	unit_set(p, "store.type", "pem");
	assert_string_equal(plan_get(p, "keystore.client"), "client-keystore.pem");
	assert_string_equal(plan_get(p, "truststore"), "truststore.pem");
	assert_string_equal(plan_get(p, "store.java_type"), "PEM");

	unit_set(p, "kafka.version", "2.8.1");
	unit_set(p, "kafka.scala", "2.13");
	unit_set(p, "zookeeper.version", "3.6.3");
	assert_string_equal(plan_get(p, "kafka.dir"), "kafka_2.13-2.8.1");
	assert_string_equal(plan_get(p, "zookeeper.dir"), "apache-zookeeper-3.6.3-bin");

	assert_true(plan_has_key("keystore.anything"));
	assert_false(plan_has_key("no.such.key"));
	assert_null(plan_get(p, "no.such.key"));
	plan_free(p);
}

static void
test_clone_is_independent(void **state)
{
	struct plan *p = plan_new(), *c;

	(void)state;
	unit_set(p, "zookeeper.heap", "1g");
	c = plan_clone(p);
	unit_set(p, "zookeeper.heap", "2g");
	assert_string_equal(plan_get(c, "zookeeper.heap"), "1g");
	assert_int_equal(plan_origin(c, "zookeeper.heap"), ORIGIN_SET);
	plan_free(p);
	assert_string_equal(plan_get(c, "zookeeper.heap"), "1g");
	plan_free(c);
}

/* ------------------------------------------------ reads and the input hash */

static void
test_read_recording(void **state)
{
	struct plan *p = plan_new();
	struct strlist reads = { 0 };

	(void)state;
	plan_record_reads(p, &reads);
	(void)plan_get(p, "zookeeper.host");
	(void)plan_get(p, "zookeeper.host");
	(void)plan_get(p, "broker.kafka-2.ssl_port");
	(void)plan_get(p, "keystore.kafka-2");
	plan_stop_recording(p);
	(void)plan_get(p, "zookeeper.heap");

	assert_true(strlist_contains(&reads, "zookeeper.host"));
	assert_true(strlist_contains(&reads, "broker.kafka-2.ssl_port"));
	/* The port's default reads the id, and the id's default reads the list. */
	assert_true(strlist_contains(&reads, "broker.kafka-2.id"));
	assert_true(strlist_contains(&reads, "brokers"));
	/* A virtual key records the answers it derives from. */
	assert_true(strlist_contains(&reads, "store.type"));
	/* Read after recording stopped. */
	assert_false(strlist_contains(&reads, "zookeeper.heap"));
	/* Each key once. */
	{
		size_t n = 0;

		for (size_t i = 0; i < reads.len; i++)
			n += strcmp(reads.items[i], "zookeeper.host") == 0;
		assert_int_equal(n, 1);
	}
	strlist_free(&reads);
	plan_free(p);
}

static void
test_hash_changes_with_read_answers_only(void **state)
{
	struct plan *p = plan_new();
	struct strlist keys = { 0 }, reversed = { 0 };
	char h0[65], h1[65], h2[65], h3[65];

	(void)state;
	strlist_push(&keys, "zookeeper.secure_port");
	strlist_push(&keys, "store.password");
	strlist_push(&reversed, "store.password");
	strlist_push(&reversed, "zookeeper.secure_port");
	plan_hash_keys(p, &keys, h0);
	assert_int_equal(strlen(h0), 64);
	plan_hash_keys(p, &reversed, h1);
	assert_string_equal(h0, h1);

	/* An answer that was not read changes nothing. */
	unit_set(p, "zookeeper.heap", "2g");
	plan_hash_keys(p, &keys, h1);
	assert_string_equal(h0, h1);
	/* Answering the default explicitly changes nothing either. */
	unit_set(p, "zookeeper.secure_port", "2182");
	plan_hash_keys(p, &keys, h2);
	assert_string_equal(h0, h2);
	/* A read password that changes does not: the hash is no guessing oracle. */
	unit_set(p, "store.password", "another-one");
	plan_hash_keys(p, &keys, h3);
	assert_string_equal(h0, h3);
	/* A read answer that changes does. */
	unit_set(p, "zookeeper.secure_port", "2999");
	plan_hash_keys(p, &keys, h3);
	assert_string_not_equal(h0, h3);
	strlist_free(&keys);
	strlist_free(&reversed);
	plan_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_comments_blank_lines_whitespace),
		cmocka_unit_test(test_parse_crlf),
		cmocka_unit_test(test_parse_value_keeps_hash_and_equals),
		cmocka_unit_test(test_parse_unknown_key_names_file_line_key),
		cmocka_unit_test(test_parse_malformed_line),
		cmocka_unit_test(test_parse_bad_value_names_key_and_what_is_valid),
		cmocka_unit_test(test_parse_reports_every_error),
		cmocka_unit_test(test_parse_nul_byte_refused),
		cmocka_unit_test(test_origins),
		cmocka_unit_test(test_format_parse_round_trip_exact),
		cmocka_unit_test(test_save_load_file),
		cmocka_unit_test(test_ca_password_saved_only_when_asked),
		cmocka_unit_test(test_set_assignment),
		cmocka_unit_test(test_defaults_reproduce_article),
		cmocka_unit_test(test_replication_defaults_follow_broker_count),
		cmocka_unit_test(test_remove_keeps_other_ids_and_ports),
		cmocka_unit_test(test_remove_without_pin_still_keeps_ids),
		cmocka_unit_test(test_add_after_removing_first_never_reuses),
		cmocka_unit_test(test_add_after_removing_last_never_reuses),
		cmocka_unit_test(test_removed_broker_pins_dropped),
		cmocka_unit_test(test_new_broker_never_takes_a_pinned_id),
		cmocka_unit_test(test_rename_broker_moves_its_keys),
		cmocka_unit_test(test_rename_sasl_user_follows),
		cmocka_unit_test(test_virtual_keys),
		cmocka_unit_test(test_clone_is_independent),
		cmocka_unit_test(test_read_recording),
		cmocka_unit_test(test_hash_changes_with_read_answers_only),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
