/*
 * Rendering the zookeeper, brokers and clients steps: on the defaults the
 * files are the article's (typed in here from reference/recipe-article.txt),
 * with the documented differences only; modes; secrets masked; reads.
 */
#include <config.h>

#include "core/render.h"
#include "core/steps.h"
#include "unit.h"

/* ------------------------------------------------- the article's files */

static const char article_java_env[] =
	"SERVER_JVMFLAGS=\"-Xms512m -Xmx512m "
	"-Dzookeeper.serverCnxnFactory=org.apache.zookeeper.server.NettyServerCnxnFactory\"\n"
	"ZOO_LOG_DIR=.\n";

/* The article's zoo.cfg plus admin.enableServer=false (DESIGN §4). */
static const char article_zoo_cfg[] =
	"dataDir=/tmp/zookeeper\n"
	"secureClientPort=2182\n"
	"maxClientCnxns=0\n"
	"authProvider.1=org.apache.zookeeper.server.auth.X509AuthenticationProvider\n"
	"ssl.keyStore.location=zookeeper.jks\n"
	"ssl.keyStore.password=confidential\n"
	"ssl.trustStore.location=truststore.jks\n"
	"ssl.trustStore.password=confidential\n"
	"admin.enableServer=false\n";

static const char article_kafka_1[] =
	"broker.id=1\n"
	"zookeeper.connect=zookeeper:2182\n"
	"listeners=SSL://kafka-1:9193,SASL_SSL://kafka-1:9194\n"
	"security.inter.broker.protocol=SSL\n"
	"ssl.client.auth=required\n"
	"ssl.keystore.location=kafka-1.jks\n"
	"ssl.keystore.password=confidential\n"
	"ssl.key.password=confidential\n"
	"ssl.truststore.location=truststore.jks\n"
	"ssl.truststore.password=confidential\n"
	"listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain."
	"PlainLoginModule required user_consumer=\"pw4consumer\" user_producer=\"pw4producer\";\n"
	"sasl.enabled.mechanisms=PLAIN\n"
	"log.dirs=/tmp/kafka-1-logs\n"
	"offsets.topic.replication.factor=2\n"
	"transaction.state.log.replication.factor=2\n"
	"transaction.state.log.min.isr=2\n";

/* "Do the same for kafka-2": id, listeners, keystore and log directory adapted. */
static const char article_kafka_2[] =
	"broker.id=2\n"
	"zookeeper.connect=zookeeper:2182\n"
	"listeners=SSL://kafka-2:9293,SASL_SSL://kafka-2:9294\n"
	"security.inter.broker.protocol=SSL\n"
	"ssl.client.auth=required\n"
	"ssl.keystore.location=kafka-2.jks\n"
	"ssl.keystore.password=confidential\n"
	"ssl.key.password=confidential\n"
	"ssl.truststore.location=truststore.jks\n"
	"ssl.truststore.password=confidential\n"
	"listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain."
	"PlainLoginModule required user_consumer=\"pw4consumer\" user_producer=\"pw4producer\";\n"
	"sasl.enabled.mechanisms=PLAIN\n"
	"log.dirs=/tmp/kafka-2-logs\n"
	"offsets.topic.replication.factor=2\n"
	"transaction.state.log.replication.factor=2\n"
	"transaction.state.log.min.isr=2\n";

/* The article's KAFKA_OPTS, one option a line, values quoted as DESIGN §5 asks. */
static const char article_kafka_1_args[] =
	"-Dzookeeper.clientCnxnSocket=org.apache.zookeeper.ClientCnxnSocketNetty\n"
	"-Dzookeeper.client.secure=true\n"
	"-Dzookeeper.ssl.keyStore.location=\"kafka-1.jks\"\n"
	"-Dzookeeper.ssl.keyStore.password=\"confidential\"\n"
	"-Dzookeeper.ssl.trustStore.location=\"truststore.jks\"\n"
	"-Dzookeeper.ssl.trustStore.password=\"confidential\"\n";

static const char article_client_args[] =
	"-Dzookeeper.clientCnxnSocket=org.apache.zookeeper.ClientCnxnSocketNetty\n"
	"-Dzookeeper.client.secure=true\n"
	"-Dzookeeper.ssl.keyStore.location=\"client.jks\"\n"
	"-Dzookeeper.ssl.keyStore.password=\"confidential\"\n"
	"-Dzookeeper.ssl.trustStore.location=\"truststore.jks\"\n"
	"-Dzookeeper.ssl.trustStore.password=\"confidential\"\n";

/*
 * The article does not print consumer.config; these are the standard client
 * settings for its SASL_SSL listener (recipe-facts §6, issue 2 item 5).
 */
static const char consumer_config[] =
	"security.protocol=SASL_SSL\n"
	"sasl.mechanism=PLAIN\n"
	"sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required "
	"username=\"consumer\" password=\"pw4consumer\";\n"
	"ssl.truststore.location=truststore.jks\n"
	"ssl.truststore.password=confidential\n";

/* ------------------------------------------------------------ helpers */

#define TEST_DIR "/srv/zktls-test"

static void
render_step(const char *id, const struct plan *p, const char *log4j, struct render_result *r)
{
	const struct step *s = step_find(id);
	struct inputs in;
	struct msg err;

	assert_non_null(s);
	memset(&in, 0, sizeof in);
	in.dir_abs = (char *)TEST_DIR;
	in.zk_log4j = (char *)log4j;
	in.zk_log4j_len = log4j ? strlen(log4j) : 0;
	msg_clear(&err);
	if (step_render(s, p, &in, r, &err) != 0) {
		print_error("step_render %s: %s\n", id, err.text);
		fail();
	}
}

static const struct output *
find_output(const struct render_result *r, const char *path)
{
	const struct output *o = render_result_find(r, path);

	if (o == NULL) {
		print_error("no output %s; there are:\n", path);
		for (size_t i = 0; i < r->count; i++)
			print_error("  %s\n", r->outputs[i].path);
		fail();
	}
	return o;
}

static void
expect_file(const struct render_result *r, const char *path, unsigned mode, const char *want)
{
	const struct output *o = find_output(r, path);

	assert_int_equal(o->kind, OUTPUT_TEXT);
	if (o->mode != mode) {
		print_error("%s: mode %04o, expected %04o\n", path, o->mode, mode);
		fail();
	}
	if (want != NULL)
		assert_text(o->bytes, o->len, want);
	assert_non_null(o->description);
	assert_true(o->description[0] != '\0');
}

/* Every byte outside the secret spans, with the spans replaced by '*'. */
static void
expect_masked_hides(const struct output *o, const char *const *secrets)
{
	char *masked = output_masked(o);

	assert_int_equal(strlen(masked), o->len);
	for (size_t i = 0; secrets[i] != NULL; i++)
		if (strstr(masked, secrets[i]) != NULL) {
			print_error("%s: '%s' shows through the mask:\n%s\n", o->path, secrets[i],
				    masked);
			free(masked);
			fail();
		}
	/* Outside the spans nothing changed. */
	for (size_t b = 0; b < o->len; b++) {
		bool in_span = false;

		for (size_t s = 0; s < o->secret_count; s++)
			in_span = in_span ||
				  (b >= o->secrets[s].start && b < o->secrets[s].start + o->secrets[s].len);
		if (in_span)
			assert_int_equal(masked[b], '*');
		else
			assert_int_equal(masked[b], o->bytes[b]);
	}
	free(masked);
}

/* ------------------------------------------------------------------ tests */

static void
test_zookeeper_files_are_the_articles(void **state)
{
	struct plan *p = plan_new();
	struct render_result r;
	const struct output *log4j;

	(void)state;
	render_step("zookeeper", p, NULL, &r);
	assert_int_equal(r.count, 3);
	expect_file(&r, "java.env", 0644, article_java_env);
	expect_file(&r, "zoo.cfg", 0600, article_zoo_cfg);
	/* Without the unpacked ZooKeeper: the shipped default of ZooKeeper 3.5.5. */
	expect_file(&r, "log4j.properties", 0644, NULL);
	log4j = find_output(&r, "log4j.properties");
	assert_contains(log4j->bytes, "log4j.rootLogger=${zookeeper.root.logger}\n");
	assert_contains(log4j->bytes, "zookeeper.log.dir=.\n");
	assert_int_equal(log4j->secret_count, 0);
	render_result_free(&r);
	plan_free(p);
}

static void
test_zookeeper_copies_unpacked_log4j(void **state)
{
	static const char shipped[] = "# from apache-zookeeper-3.5.5-bin/conf\nlog4j.rootLogger=X\n";
	struct plan *p = plan_new();
	struct render_result r;

	(void)state;
	render_step("zookeeper", p, shipped, &r);
	expect_file(&r, "log4j.properties", 0644, shipped);
	render_result_free(&r);
	plan_free(p);
}

static void
test_zookeeper_options(void **state)
{
	struct plan *p = plan_new();
	struct render_result r;
	const struct output *o;

	(void)state;
	unit_set(p, "zookeeper.client_port", "2181");
	unit_set(p, "zookeeper.secure_address", "127.0.0.1");
	unit_set(p, "zookeeper.admin_server", "on");
	unit_set(p, "zookeeper.heap", "1g");
	unit_set(p, "zookeeper.data_dir", "/var/lib/zk");
	unit_set(p, "zookeeper.host", "zk1");
	render_step("zookeeper", p, NULL, &r);
	expect_file(&r, "zoo.cfg", 0600,
		    "dataDir=/var/lib/zk\n"
		    "clientPort=2181\n"
		    "secureClientPort=2182\n"
		    "secureClientPortAddress=127.0.0.1\n"
		    "maxClientCnxns=0\n"
		    "authProvider.1=org.apache.zookeeper.server.auth.X509AuthenticationProvider\n"
		    "ssl.keyStore.location=zk1.jks\n"
		    "ssl.keyStore.password=confidential\n"
		    "ssl.trustStore.location=truststore.jks\n"
		    "ssl.trustStore.password=confidential\n");
	o = find_output(&r, "java.env");
	assert_contains(o->bytes, "-Xms1g -Xmx1g ");
	render_result_free(&r);
	plan_free(p);
}

static void
test_zookeeper_masked_and_reads(void **state)
{
	static const char *const secrets[] = { "confidential", NULL };
	struct plan *p = plan_new();
	struct render_result r;
	const struct output *o;
	char *masked;

	(void)state;
	render_step("zookeeper", p, NULL, &r);
	o = find_output(&r, "zoo.cfg");
	assert_int_equal(o->secret_count, 2);
	expect_masked_hides(o, secrets);
	masked = output_masked(o);
	assert_contains(masked, "ssl.keyStore.password=************\n");
	assert_contains(masked, "ssl.trustStore.password=************\n");
	assert_contains(masked, "ssl.keyStore.location=zookeeper.jks\n");
	free(masked);
	assert_int_equal(find_output(&r, "java.env")->secret_count, 0);

	/* The step's inputs are what it read, recorded, not listed by hand. */
	assert_true(strlist_contains(&r.reads, "store.password"));
	assert_true(strlist_contains(&r.reads, "store.type"));
	assert_true(strlist_contains(&r.reads, "zookeeper.host"));
	assert_true(strlist_contains(&r.reads, "zookeeper.secure_port"));
	assert_true(strlist_contains(&r.reads, "zookeeper.data_dir"));
	assert_true(strlist_contains(&r.reads, "zookeeper.heap"));
	assert_true(strlist_contains(&r.reads, "zookeeper.client_port"));
	assert_true(strlist_contains(&r.reads, "zookeeper.admin_server"));
	assert_false(strlist_contains(&r.reads, "brokers"));
	assert_false(strlist_contains(&r.reads, "sasl.users"));
	assert_false(strlist_contains(&r.reads, "ca.password"));
	render_result_free(&r);
	plan_free(p);
}

static void
test_brokers_files_are_the_articles(void **state)
{
	static const char *const secrets[] = { "confidential", "pw4consumer", "pw4producer", NULL };
	struct plan *p = plan_new();
	struct render_result r;
	const struct output *o;
	char *masked;

	(void)state;
	render_step("brokers", p, NULL, &r);
	assert_int_equal(r.count, 6);
	expect_file(&r, "kafka-1.properties", 0600, article_kafka_1);
	expect_file(&r, "kafka-2.properties", 0600, article_kafka_2);
	expect_file(&r, "kafka-1.zk-tls.args", 0600, article_kafka_1_args);
	expect_file(&r, "kafka-2.zk-tls.args", 0600, NULL);
	expect_file(&r, "kafka-1.zk-tls.env", 0644, NULL);
	expect_file(&r, "kafka-2.zk-tls.env", 0644, NULL);
	assert_contains(find_output(&r, "kafka-2.zk-tls.args")->bytes,
			"-Dzookeeper.ssl.keyStore.location=\"kafka-2.jks\"\n");
	/* What people source: the argument file by its absolute path. */
	assert_contains(find_output(&r, "kafka-1.zk-tls.env")->bytes,
			"export KAFKA_OPTS=@'" TEST_DIR "'/kafka-1.zk-tls.args\n");
	assert_int_equal(find_output(&r, "kafka-1.zk-tls.env")->secret_count, 0);

	o = find_output(&r, "kafka-1.properties");
	/* Three store passwords and two SASL passwords. */
	assert_int_equal(o->secret_count, 5);
	expect_masked_hides(o, secrets);
	masked = output_masked(o);
	assert_contains(masked, "user_consumer=************* user_producer=*************;\n");
	free(masked);
	o = find_output(&r, "kafka-1.zk-tls.args");
	assert_int_equal(o->secret_count, 2);
	expect_masked_hides(o, secrets);

	assert_true(strlist_contains(&r.reads, "sasl.password.consumer"));
	assert_true(strlist_contains(&r.reads, "sasl.password.producer"));
	assert_true(strlist_contains(&r.reads, "broker.kafka-2.sasl_ssl_port"));
	assert_true(strlist_contains(&r.reads, "transactions.min_isr"));
	render_result_free(&r);
	plan_free(p);
}

static void
test_clients_files(void **state)
{
	static const char *const secrets[] = { "confidential", "pw4consumer", "pw4producer", NULL };
	struct plan *p = plan_new();
	struct render_result r;
	const struct output *o;

	(void)state;
	render_step("clients", p, NULL, &r);
	expect_file(&r, "consumer.config", 0600, consumer_config);
	expect_file(&r, "producer.config", 0600, NULL);
	assert_contains(find_output(&r, "producer.config")->bytes,
			"username=\"producer\" password=\"pw4producer\";\n");
	expect_file(&r, "client.zk-tls.args", 0600, article_client_args);
	expect_file(&r, "client.zk-tls.env", 0644, NULL);
	expect_file(&r, "cluster.sh", 0755, NULL);
	for (size_t i = 0; i < r.count; i++)
		expect_masked_hides(&r.outputs[i], secrets);
	o = find_output(&r, "cluster.sh");
	assert_true(str_starts_with(o->bytes, "#!"));
	assert_contains(o->bytes, "add_broker 'kafka-1' '1' '/tmp/kafka-1-logs' '9193' '9194' "
				  "'kafka-1.jks'\n");
	assert_contains(o->bytes, "add_broker 'kafka-2' '2' '/tmp/kafka-2-logs' '9293' '9294' "
				  "'kafka-2.jks'\n");
	assert_contains(o->bytes, "add_client 'client' 'client.jks'\n");
	assert_contains(o->bytes, "KAFKA_DIR='kafka_2.12-2.3.0'\n");
	assert_contains(o->bytes, "ZK_DIR='apache-zookeeper-3.5.5-bin'\n");
	/* cluster.sh holds no password: the argument files do. */
	assert_int_equal(o->secret_count, 0);
	assert_not_contains(o->bytes, "confidential");

	/* Renaming the consumer user renames what consumer.config logs in as. */
	assert_true(strlist_contains(&r.reads, "sasl.consumer_user"));
	render_result_free(&r);
	unit_set(p, "sasl.users", "alice producer");
	unit_set(p, "sasl.consumer_user", "alice");
	unit_set(p, "sasl.password.alice", "wonder-land");
	render_step("clients", p, NULL, &r);
	assert_contains(find_output(&r, "consumer.config")->bytes,
			"username=\"alice\" password=\"wonder-land\";\n");
	render_result_free(&r);
	plan_free(p);
}

static void
test_hostile_password_escaped_per_format(void **state)
{
	static const char *const secrets[] = { "a\"b", "i j", NULL };
	struct plan *p = plan_new();
	struct render_result r;
	const struct output *o;

	(void)state;
	unit_set(p, "store.password", "a\"b\\c=d:e#f!g$h;i jä");
	unit_set(p, "sasl.password.consumer", "x\"y\\z ä");
	render_step("zookeeper", p, NULL, &r);
	o = find_output(&r, "zoo.cfg");
	assert_contains(o->bytes, "ssl.keyStore.password=a\"b\\\\c=d:e#f!g$h;i j\\u00E4\n");
	expect_masked_hides(o, secrets);
	render_result_free(&r);

	render_step("brokers", p, NULL, &r);
	o = find_output(&r, "kafka-1.zk-tls.args");
	assert_contains(o->bytes,
			"-Dzookeeper.ssl.keyStore.password=\"a\\\"b\\\\c=d:e#f!g$h;i jä\"\n");
	expect_masked_hides(o, secrets);
	o = find_output(&r, "kafka-1.properties");
	/* JAAS first (quotes, backslashes), then properties (backslashes again, \u). */
	assert_contains(o->bytes, " user_consumer=\"x\\\\\"y\\\\\\\\z \\u00E4\" ");
	assert_contains(o->bytes, "ssl.key.password=a\"b\\\\c=d:e#f!g$h;i j\\u00E4\n");
	expect_masked_hides(o, secrets);
	render_result_free(&r);
	plan_free(p);
}

static void
test_pkcs12_store_type_is_named(void **state)
{
	struct plan *p = plan_new();
	struct render_result r;

	(void)state;
	unit_set(p, "store.type", "pkcs12");
	unit_set(p, "zookeeper.version", "3.5.6");
	render_step("zookeeper", p, NULL, &r);
	assert_contains(find_output(&r, "zoo.cfg")->bytes,
			"ssl.keyStore.location=zookeeper.p12\n"
			"ssl.keyStore.password=confidential\n"
			"ssl.trustStore.location=truststore.p12\n"
			"ssl.trustStore.password=confidential\n"
			"ssl.keyStore.type=PKCS12\n"
			"ssl.trustStore.type=PKCS12\n");
	render_result_free(&r);
	render_step("brokers", p, NULL, &r);
	assert_contains(find_output(&r, "kafka-1.properties")->bytes,
			"ssl.keystore.location=kafka-1.p12\n");
	assert_contains(find_output(&r, "kafka-1.properties")->bytes,
			"ssl.keystore.type=PKCS12\nssl.truststore.type=PKCS12\n");
	assert_contains(find_output(&r, "kafka-1.zk-tls.args")->bytes,
			"-Dzookeeper.ssl.keyStore.type=\"PKCS12\"\n"
			"-Dzookeeper.ssl.trustStore.type=\"PKCS12\"\n");
	render_result_free(&r);
	render_step("clients", p, NULL, &r);
	assert_contains(find_output(&r, "consumer.config")->bytes,
			"ssl.truststore.location=truststore.p12\n");
	assert_contains(find_output(&r, "consumer.config")->bytes, "ssl.truststore.type=PKCS12\n");
	render_result_free(&r);
	plan_free(p);
}

static void
test_pem_store_files(void **state)
{
	struct plan *p = plan_new();
	struct render_result r;

	(void)state;
	unit_set(p, "store.type", "pem");
	unit_set(p, "zookeeper.version", "3.5.6");
	unit_set(p, "kafka.version", "2.7.0");
	render_step("zookeeper", p, NULL, &r);
	/* DESIGN §5: NAME-keystore.pem, truststore.pem, the type written explicitly. */
	assert_contains(find_output(&r, "zoo.cfg")->bytes,
			"ssl.keyStore.location=zookeeper-keystore.pem\n");
	assert_contains(find_output(&r, "zoo.cfg")->bytes,
			"ssl.trustStore.location=truststore.pem\n");
	assert_contains(find_output(&r, "zoo.cfg")->bytes,
			"ssl.keyStore.type=PEM\nssl.trustStore.type=PEM\n");
	render_result_free(&r);
	render_step("brokers", p, NULL, &r);
	assert_contains(find_output(&r, "kafka-1.properties")->bytes,
			"ssl.keystore.location=kafka-1-keystore.pem\n");
	assert_contains(find_output(&r, "kafka-1.properties")->bytes, "ssl.keystore.type=PEM\n");
	/* The key password decrypts the PKCS#8 key. */
	assert_contains(find_output(&r, "kafka-1.properties")->bytes,
			"ssl.key.password=confidential\n");
	render_result_free(&r);
	plan_free(p);
}

/*
 * data/templates/broker.properties and sasl-client.config:
 * Kafka (2.7+, DefaultSslEngineFactory) refuses to start with a PEM keystore
 * that has ssl.keystore.password ("SSL key store password cannot be specified
 * with PEM format, only key password may be specified") or a PEM truststore
 * with ssl.truststore.password ("SSL trust store password cannot be specified
 * for PEM format").  So the templates leave both out for PEM stores.
 */
static void
test_pem_kafka_files_have_no_store_passwords(void **state)
{
	struct plan *p = plan_new();
	struct render_result r;

	(void)state;
	unit_set(p, "store.type", "pem");
	unit_set(p, "zookeeper.version", "3.5.6");
	unit_set(p, "kafka.version", "2.7.0");
	render_step("brokers", p, NULL, &r);
	assert_not_contains(find_output(&r, "kafka-1.properties")->bytes, "ssl.keystore.password=");
	assert_not_contains(find_output(&r, "kafka-1.properties")->bytes,
			    "ssl.truststore.password=");
	render_result_free(&r);
	render_step("clients", p, NULL, &r);
	assert_not_contains(find_output(&r, "consumer.config")->bytes, "ssl.truststore.password=");
	render_result_free(&r);
	plan_free(p);
}

static void
test_outputs_follow_the_lists(void **state)
{
	struct plan *p = plan_new();
	struct render_result r;

	(void)state;
	unit_set(p, "brokers", "b1 b2 b3");
	unit_set(p, "clients", "admin ops");
	unit_set(p, "sasl.users", "consumer producer extra");
	render_step("brokers", p, NULL, &r);
	assert_int_equal(r.count, 9);
	expect_file(&r, "b3.properties", 0600, NULL);
	assert_contains(find_output(&r, "b3.properties")->bytes,
			"broker.id=3\nzookeeper.connect=zookeeper:2182\n"
			"listeners=SSL://b3:9393,SASL_SSL://b3:9394\n");
	assert_contains(find_output(&r, "b3.properties")->bytes,
			"user_consumer=\"pw4consumer\" user_producer=\"pw4producer\" "
			"user_extra=\"pw4extra\";\n");
	assert_contains(find_output(&r, "b3.properties")->bytes,
			"offsets.topic.replication.factor=3\n"
			"transaction.state.log.replication.factor=3\n"
			"transaction.state.log.min.isr=2\n");
	assert_null(render_result_find(&r, "kafka-1.properties"));
	render_result_free(&r);
	render_step("clients", p, NULL, &r);
	expect_file(&r, "admin.zk-tls.args", 0600, NULL);
	expect_file(&r, "ops.zk-tls.args", 0600, NULL);
	assert_null(render_result_find(&r, "client.zk-tls.args"));
	render_result_free(&r);
	plan_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zookeeper_files_are_the_articles),
		cmocka_unit_test(test_zookeeper_copies_unpacked_log4j),
		cmocka_unit_test(test_zookeeper_options),
		cmocka_unit_test(test_zookeeper_masked_and_reads),
		cmocka_unit_test(test_brokers_files_are_the_articles),
		cmocka_unit_test(test_clients_files),
		cmocka_unit_test(test_hostile_password_escaped_per_format),
		cmocka_unit_test(test_pkcs12_store_type_is_named),
		cmocka_unit_test(test_pem_store_files),
		cmocka_unit_test(test_pem_kafka_files_have_no_store_passwords),
		cmocka_unit_test(test_outputs_follow_the_lists),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, unit_load_data, unit_unload_data);
}
