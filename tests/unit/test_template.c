/*
 * Templates (DESIGN §2): parse errors found at load time, each/if/negation,
 * block-tag lines dropped, {x} interpolation, secret spans; and the escapers
 * for Java properties, JAAS, sh and Java argument files.
 */
#include <config.h>

#include "unit.h"

static const char *const no_vars[] = { NULL };
static const char *const name_var[] = { "name", NULL };

/* Parses text (variables vars) and renders it against p; returns the bytes. */
static char *
render_text(const char *text, const char *const *vars, const struct template_var *values,
	    size_t value_count, const struct plan *p, struct span **spans, size_t *span_count)
{
	struct template *t = NULL;
	struct msg err;
	struct buf out;
	struct span *ignored = NULL;
	size_t ignored_count = 0;

	msg_clear(&err);
	if (template_parse("t", text, vars, &t, &err) != 0) {
		print_error("template_parse: %s\n", err.text);
		fail();
	}
	buf_init(&out);
	if (template_render(t, p, values, value_count, &out, spans ? spans : &ignored,
			    span_count ? span_count : &ignored_count, &err) != 0) {
		print_error("template_render: %s\n", err.text);
		template_free(t);
		fail();
	}
	free(ignored);
	template_free(t);
	return buf_steal(&out, NULL);
}

static void
expect_parse_error_at(const char *text, const char *const *fragments, const char *file, int line)
{
	struct template *t = NULL;
	struct msg err;

	msg_clear(&err);
	if (template_parse("bad.tmpl", text, name_var, &t, &err) == 0) {
		print_error("parsed without error: %s\n", text);
		template_free(t);
		_fail(file, line);
		return;
	}
	for (size_t i = 0; fragments[i] != NULL; i++)
		if (strstr(err.text, fragments[i]) == NULL) {
			print_error("expected \"%s\" in \"%s\"\n", fragments[i], err.text);
			_fail(file, line);
			return;
		}
}

#define expect_parse_error(text, ...) \
	expect_parse_error_at((text), (const char *const[]){ __VA_ARGS__, NULL }, __FILE__, __LINE__)

static char *
escaped(void (*escape)(struct buf *, const char *), const char *value)
{
	struct buf b;

	buf_init(&b);
	escape(&b, value);
	buf_adds(&b, "");
	return buf_steal(&b, NULL);
}

#define assert_escape(fn, value, want) \
	do { \
		char *got_ = escaped((fn), (value)); \
		assert_string_equal(got_, (want)); \
		free(got_); \
	} while (0)

/* ----------------------------------------------------------- parse errors */

static void
test_parse_errors(void **state)
{
	(void)state;
	expect_parse_error("a\nb={{zookeeper.host}}\n", "bad.tmpl:2", "filter", "zookeeper.host");
	expect_parse_error("x={{zookeeper.host|}}\n", "filter");
	expect_parse_error("x={{zookeeper.host|raw|bogus}}\n", "unknown filter", "bogus");
	expect_parse_error("x={{zookeeper.hots|raw}}\n", "unknown key", "zookeeper.hots");
	expect_parse_error("x={{broker.{nope}.id|raw}}\n", "nope");
	expect_parse_error("x={{broker.{name}.colour|raw}}\n", "unknown key");
	expect_parse_error("\n\n{{#if zookeeper.client_port}}\nx\n", "missing", "/if");
	expect_parse_error("{{#each brokers as b}}{{b|raw}}\n", "missing", "/each");
	expect_parse_error("x\n{{/if}}\n", "bad.tmpl:2", "unexpected", "/if");
	expect_parse_error("{{#if store.type}}x{{/each}}", "unexpected", "/each");
	expect_parse_error("x={{zookeeper.host|raw\n", "unclosed");
	expect_parse_error("{{#each brokers}}x{{/each}}", "#each");
	expect_parse_error("{{#each no.list as b}}x{{/each}}", "unknown key", "no.list");
	expect_parse_error("{{#unless store.type}}x{{/unless}}", "unknown block");
	/* A loop variable is gone after its loop. */
	expect_parse_error("{{#each brokers as b}}{{/each}}{{b|raw}}", "unknown key", "b");
	/* A variable the caller does not bind is unknown. */
	expect_parse_error("{{user|raw}}", "user");
}

static void
test_real_templates_parse(void **state)
{
	static const char *const names[] = {
		"java.env", "zoo.cfg", "log4j.properties", "broker.properties",
		"zk-tls.args", "zk-tls.env", "sasl-client.config", "cluster.sh",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (templates_get(names[i]) == NULL) {
			print_error("template %s is not loaded\n", names[i]);
			fail();
		}
	assert_null(templates_get("no-such-template"));
}

/* --------------------------------------------------------------- blocks */

static void
test_each_and_interpolation(void **state)
{
	struct plan *p = plan_new();
	char *out;

	(void)state;
	out = render_text("{{#each brokers as b}}[{{b|raw}} {{broker.{b}.id|raw}} "
			  "{{broker.{b}.ssl_port|raw}}]{{/each}}\n",
			  no_vars, NULL, 0, p, NULL, NULL);
	assert_string_equal(out, "[kafka-1 1 9193][kafka-2 2 9293]\n");
	free(out);

	/* Nested loops; an empty list renders nothing. */
	unit_set(p, "sasl.users", "u1 u2");
	out = render_text("{{#each brokers as b}}{{#each sasl.users as u}}{{b|raw}}/{{u|raw}} "
			  "{{/each}}{{/each}}|",
			  no_vars, NULL, 0, p, NULL, NULL);
	assert_string_equal(out, "kafka-1/u1 kafka-1/u2 kafka-2/u1 kafka-2/u2 |");
	free(out);

	/* {x}: a bound variable, else the value of key x. */
	{
		const struct template_var vars[] = { { "name", "kafka-2" } };

		out = render_text("{{broker.{name}.sasl_ssl_port|raw}} {{keystore.{name}|raw}} "
				  "{{keystore.{zookeeper.host}|raw}} "
				  "{{sasl.password.{sasl.consumer_user}|raw}}",
				  name_var, vars, ARRAY_SIZE(vars), p, NULL, NULL);
		assert_string_equal(out, "9294 kafka-2.jks zookeeper.jks pw4consumer");
		free(out);
	}
	unit_set(p, "sasl.consumer_user", "u2");
	unit_set(p, "zookeeper.host", "zk");
	out = render_text("{{keystore.{zookeeper.host}|raw}} {{sasl.password.{sasl.consumer_user}|raw}}",
			  no_vars, NULL, 0, p, NULL, NULL);
	assert_string_equal(out, "zk.jks pw4u2");
	free(out);
	plan_free(p);
}

static void
test_if_and_negation(void **state)
{
	static const char *const text =
		"{{#if zookeeper.client_port}}C{{/if}}{{#if !zookeeper.client_port}}N{{/if}}"
		"{{#if zookeeper.admin_server}}A{{/if}}{{#if !zookeeper.admin_server}}a{{/if}}"
		"{{#if store.explicit_type}}T{{/if}}";
	struct plan *p = plan_new();
	char *out;

	(void)state;
	out = render_text(text, no_vars, NULL, 0, p, NULL, NULL);
	assert_string_equal(out, "Na");
	free(out);
	unit_set(p, "zookeeper.client_port", "2181");
	unit_set(p, "zookeeper.admin_server", "on");
	unit_set(p, "store.type", "pkcs12");
	out = render_text(text, no_vars, NULL, 0, p, NULL, NULL);
	assert_string_equal(out, "CAT");
	free(out);
	/* no, false and 0 are false too. */
	for (size_t i = 0; i < 3; i++) {
		static const char *const falsy[] = { "no", "false", "0" };

		unit_set(p, "zookeeper.secure_address", falsy[i]);
		out = render_text("{{#if zookeeper.secure_address}}yes{{/if}}"
				  "{{#if !zookeeper.secure_address}}no{{/if}}",
				  no_vars, NULL, 0, p, NULL, NULL);
		assert_string_equal(out, "no");
		free(out);
	}
	plan_free(p);
}

static void
test_block_tag_lines_dropped(void **state)
{
	static const char *const text = "first\n"
					"{{#if zookeeper.client_port}}\n"
					"clientPort={{zookeeper.client_port|raw}}\n"
					"{{/if}}\n"
					"{{#each brokers as b}}\n"
					"b={{b|raw}}\n"
					"{{/each}}\n"
					"last {{#if zookeeper.client_port}}x{{/if}}\n"
					"end\n";
	struct plan *p = plan_new();
	char *out;

	(void)state;
	out = render_text(text, no_vars, NULL, 0, p, NULL, NULL);
	assert_string_equal(out, "first\nb=kafka-1\nb=kafka-2\nlast \nend\n");
	free(out);
	unit_set(p, "zookeeper.client_port", "2181");
	out = render_text(text, no_vars, NULL, 0, p, NULL, NULL);
	assert_string_equal(out, "first\nclientPort=2181\nb=kafka-1\nb=kafka-2\nlast x\nend\n");
	free(out);
	plan_free(p);
}

/* ---------------------------------------------------------------- secrets */

static void
test_secret_spans_cover_escaped_password(void **state)
{
	struct plan *p = plan_new();
	struct span *spans = NULL;
	size_t count = 0;
	char *out;
	/* ä is \u00E4 and the backslash doubles: 11 bytes for the password. */
	static const char *const want_store = "p\\u00E4\\\\ss:w";
	static const char *const want_sasl = "\"pw\\\\4\\\"c\"";

	(void)state;
	unit_set(p, "store.password", "pä\\ss:w");
	unit_set(p, "sasl.password.consumer", "pw\\4\"c");
	out = render_text("host={{zookeeper.host|prop}}\n"
			  "password={{store.password|prop}}\n"
			  "jaas=x {{sasl.password.{sasl.consumer_user}|jaas}};\n"
			  "user={{sasl.consumer_user|jaas}}\n",
			  no_vars, NULL, 0, p, &spans, &count);
	assert_int_equal(count, 2);
	assert_int_equal(spans[0].len, strlen(want_store));
	assert_memory_equal(out + spans[0].start, want_store, spans[0].len);
	assert_int_equal(spans[0].start, strlen("host=zookeeper\npassword="));
	assert_int_equal(spans[1].len, strlen(want_sasl));
	assert_memory_equal(out + spans[1].start, want_sasl, spans[1].len);
	/* The byte after each span is not part of the secret. */
	assert_int_equal(out[spans[0].start + spans[0].len], '\n');
	assert_int_equal(out[spans[1].start + spans[1].len], ';');
	free(spans);
	free(out);

	/* No secret, no span. */
	out = render_text("{{zookeeper.host|raw}}", no_vars, NULL, 0, p, &spans, &count);
	assert_int_equal(count, 0);
	free(spans);
	free(out);
	plan_free(p);
}

/* ---------------------------------------------------------------- escapers */

static void
test_escape_prop(void **state)
{
	(void)state;
	assert_escape(escape_prop, "plain-value_1.jks", "plain-value_1.jks");
	assert_escape(escape_prop, "", "");
	assert_escape(escape_prop, "back\\slash", "back\\\\slash");
	assert_escape(escape_prop, "\\", "\\\\");
	/* load() skips leading blanks: the first must be escaped, later ones are kept. */
	assert_escape(escape_prop, " lead", "\\ lead");
	assert_escape(escape_prop, "  two", "\\  two");
	assert_escape(escape_prop, "in ner", "in ner");
	/* Separators and comment characters inside a value need nothing. */
	assert_escape(escape_prop, "a=b:c#d!e", "a=b:c#d!e");
	assert_escape(escape_prop, "#x", "#x");
	assert_escape(escape_prop, "=x", "=x");
	/* Outside ASCII: \uXXXX (ISO-8859-1 stream), surrogate pairs above U+FFFF. */
	assert_escape(escape_prop, "ä", "\\u00E4");
	assert_escape(escape_prop, "Grüße€", "Gr\\u00FC\\u00DFe\\u20AC");
	assert_escape(escape_prop, "😀", "\\uD83D\\uDE00");
	assert_escape(escape_prop, "a\xf4\x8f\xbf\xbf" "b", "a\\uDBFF\\uDFFFb");
	/* Line breaks cannot end the value early. */
	assert_escape(escape_prop, "a\nb\rc", "a\\u000Ab\\u000Dc");
}

static void
test_escape_jaas(void **state)
{
	(void)state;
	assert_escape(escape_jaas, "pw4consumer", "\"pw4consumer\"");
	assert_escape(escape_jaas, "", "\"\"");
	assert_escape(escape_jaas, "a\"b", "\"a\\\"b\"");
	assert_escape(escape_jaas, "a\\b", "\"a\\\\b\"");
	/* StreamTokenizer would read \n as a newline: the backslash is escaped. */
	assert_escape(escape_jaas, "x\\ny", "\"x\\\\ny\"");
	assert_escape(escape_jaas, "=:;# $'ä", "\"=:;# $'ä\"");
}

static void
test_jaas_then_prop(void **state)
{
	struct plan *p = plan_new();
	char *out;

	(void)state;
	unit_set(p, "sasl.password.consumer", "pä\"s\\s");
	out = render_text("{{sasl.password.consumer|jaas|prop}}", no_vars, NULL, 0, p, NULL, NULL);
	/* jaas: "pä\"s\\s"  then prop: ä escaped, each backslash doubled. */
	assert_string_equal(out, "\"p\\u00E4\\\\\"s\\\\\\\\s\"");
	free(out);
	plan_free(p);
}

static void
test_escape_sh(void **state)
{
	(void)state;
	assert_escape(escape_sh, "kafka-1", "'kafka-1'");
	assert_escape(escape_sh, "", "''");
	assert_escape(escape_sh, "it's", "'it'\\''s'");
	assert_escape(escape_sh, "''", "''\\'''\\'''");
	assert_escape(escape_sh, "$HOME `id` \"x\" \\ *", "'$HOME `id` \"x\" \\ *'");
}

static void
test_escape_argfile(void **state)
{
	(void)state;
	assert_escape(escape_argfile, "kafka-1.jks", "\"kafka-1.jks\"");
	assert_escape(escape_argfile, "", "\"\"");
	/* Inside double quotes # and spaces are literal; only \ and " are escaped. */
	assert_escape(escape_argfile, "a b#c", "\"a b#c\"");
	assert_escape(escape_argfile, "q\"b\\s", "\"q\\\"b\\\\s\"");
	assert_escape(escape_argfile, "it's", "\"it's\"");
	assert_escape(escape_argfile, "C:\\new\\tab", "\"C:\\\\new\\\\tab\"");
	assert_escape(escape_argfile, "äö", "\"äö\"");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_real_templates_parse),
		cmocka_unit_test(test_each_and_interpolation),
		cmocka_unit_test(test_if_and_negation),
		cmocka_unit_test(test_block_tag_lines_dropped),
		cmocka_unit_test(test_secret_spans_cover_escaped_password),
		cmocka_unit_test(test_escape_prop),
		cmocka_unit_test(test_escape_jaas),
		cmocka_unit_test(test_jaas_then_prop),
		cmocka_unit_test(test_escape_sh),
		cmocka_unit_test(test_escape_argfile),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, unit_load_data, unit_unload_data);
}
