/*
 * Template rendering with hostile values.  The input's first byte picks the
 * store type; the rest, split at newlines, gives store.password, the two SASL
 * passwords, zookeeper.secure_address, zookeeper.data_dir and
 * broker.kafka-1.log_dir.  Invariants:
 *   - each escaper, read back by an independent reader of what the consumer
 *     does (Properties.load, JaasConfig's StreamTokenizer, the launcher's
 *     @argfile, sh), gives the value back, for any valid UTF-8 value;
 *   - rendering the config steps never crashes, whatever the values, and
 *     every secret span lies inside its file;
 *   - when the values are valid, the files read back give each password and
 *     path exactly, and every byte that encodes a password is inside a
 *     secret span (so the preview masks it).
 */
#include <config.h>

#include <stdbool.h>
#include <string.h>

#include "core/plan.h"
#include "core/render.h"
#include "core/steps.h"
#include "core/template.h"
#include "core/validate.h"
#include "decode.h"
#include "fuzz.h"

static struct inputs inputs;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct msg err;

	(void)argc;
	(void)argv;
	fuzz_need_datadir();
	if (templates_load_all(&err) != 0) {
		fprintf(stderr, "templates: %s\n", err.text);
		exit(1);
	}
	memset(&inputs, 0, sizeof inputs);
	inputs.dir_abs = xstrdup("/srv/zktls-fuzz");
	return 0;
}

/* Java's String.trim() on UTF-8: chars up to U+0020 off both ends. */
static char *
java_trim(const char *v)
{
	size_t a = 0, b = strlen(v);

	while (a < b && (unsigned char)v[a] <= ' ')
		a++;
	while (b > a && (unsigned char)v[b - 1] <= ' ')
		b--;
	return xstrndup(v + a, b - a);
}

static void
check_escapers(const char *v)
{
	size_t len = strlen(v);
	bool utf8 = utf8_valid(v, len);
	bool one_line = strpbrk(v, "\r\n") == NULL;
	struct buf b, c, d;
	struct props ps;
	struct strlist args = { 0 };

	buf_init(&b);
	buf_init(&c);
	buf_init(&d);
	/* prop: Properties.load, then trimmed as Kafka and ZooKeeper do. */
	if (utf8) {
		char *want = java_trim(v);
		const struct prop *p;

		buf_adds(&b, "k=");
		escape_prop(&b, v);
		buf_adds(&b, "\n");
		FUZZ_ASSERT(props_load(b.data, b.len, &ps), "escape_prop wrote a malformed escape");
		p = props_find(&ps, "k");
		FUZZ_ASSERT(p != NULL && ps.len == 1, "escape_prop: the line is not one property");
		FUZZ_ASSERT(strcmp(p->value, want) == 0, "escape_prop: '%s' reads back as '%s'", want,
			    p->value);
		props_free(&ps);
		free(want);
	}
	/* jaas, and jaas|prop as the templates chain them. */
	if (utf8 && one_line) {
		char *got;

		b.len = 0;
		buf_adds(&b, "M required k=");
		escape_jaas(&b, v);
		buf_adds(&b, ";");
		got = jaas_option(b.data, "k");
		FUZZ_ASSERT(got != NULL && strcmp(got, v) == 0, "escape_jaas: '%s' reads back as '%s'",
			    v, got ? got : "(no parse)");
		free(got);

		buf_adds(&c, "sasl.jaas.config=");
		escape_prop(&c, b.data);
		buf_adds(&c, "\n");
		FUZZ_ASSERT(props_load(c.data, c.len, &ps), "jaas|prop: malformed escape");
		got = jaas_option(props_find(&ps, "sasl.jaas.config")->value, "k");
		FUZZ_ASSERT(got != NULL && strcmp(got, v) == 0, "jaas|prop: '%s' reads back as '%s'",
			    v, got ? got : "(no parse)");
		free(got);
		props_free(&ps);
	}
	/* argfile: one argument, exactly the value. */
	if (one_line) {
		b.len = 0;
		buf_adds(&b, "-Dk=");
		escape_argfile(&b, v);
		buf_adds(&b, "\n-Dnext=1\n");
		FUZZ_ASSERT(argfile_split(b.data, b.len, &args), "escape_argfile: unterminated quote");
		FUZZ_ASSERT(args.len == 2, "escape_argfile: '%s' splits into %zu arguments", v,
			    args.len);
		FUZZ_ASSERT(strncmp(args.items[0], "-Dk=", 4) == 0 &&
			    strcmp(args.items[0] + 4, v) == 0,
			    "escape_argfile: '%s' reads back as '%s'", v, args.items[0]);
		strlist_free(&args);
	}
	/* sh: one word, exactly the value. */
	b.len = 0;
	escape_sh(&b, v);
	FUZZ_ASSERT(sh_word(b.data, b.len, &d), "escape_sh: '%s' is not one word", v);
	FUZZ_ASSERT(strcmp(d.data, v) == 0, "escape_sh: '%s' reads back as '%s'", v, d.data);
	buf_free(&b);
	buf_free(&c);
	buf_free(&d);
}

static bool
in_spans(const struct output *o, size_t from, size_t to)
{
	for (size_t at = from; at < to; at++) {
		bool covered = false;

		for (size_t i = 0; i < o->secret_count && !covered; i++)
			covered = at >= o->secrets[i].start &&
				  at < o->secrets[i].start + o->secrets[i].len;
		if (!covered)
			return false;
	}
	return true;
}

/* Every place where prefix + encoded appears: the encoded part is masked. */
static void
check_masked(const struct output *o, const char *prefix, const char *encoded)
{
	size_t pl = strlen(prefix), el = strlen(encoded);

	for (size_t at = 0; at + pl + el <= o->len; at++)
		if (memcmp(o->bytes + at, prefix, pl) == 0 &&
		    memcmp(o->bytes + at + pl, encoded, el) == 0)
			FUZZ_ASSERT(in_spans(o, at + pl, at + pl + el),
				    "%s: the secret after '%s' is not masked", o->path, prefix);
}

static bool
ends_with_password(const char *key)
{
	size_t n = strlen(key);

	return n >= 8 && strcmp(key + n - 8, "password") == 0;
}

struct expect {
	const char *store_pw, *consumer_pw, *producer_pw, *data_dir, *log_dir, *address;
};

static void
check_props(const struct output *o, const struct expect *e)
{
	struct props ps;
	const struct prop *p;
	char *got;

	FUZZ_ASSERT(props_load(o->bytes, o->len, &ps), "%s does not load", o->path);
	for (size_t i = 0; i < ps.len; i++) {
		p = &ps.items[i];
		if (!ends_with_password(p->key))
			continue;
		FUZZ_ASSERT(strcmp(p->value, e->store_pw) == 0, "%s: %s is '%s', not the store password",
			    o->path, p->key, p->value);
		FUZZ_ASSERT(in_spans(o, p->value_at, p->value_end), "%s: %s is not masked", o->path,
			    p->key);
	}
	if ((p = props_find(&ps, "dataDir")) != NULL)
		FUZZ_ASSERT(strcmp(p->value, e->data_dir) == 0, "%s: dataDir '%s'", o->path, p->value);
	if ((p = props_find(&ps, "secureClientPortAddress")) != NULL)
		FUZZ_ASSERT(strcmp(p->value, e->address) == 0, "%s: address '%s'", o->path, p->value);
	if (strcmp(o->path, "kafka-1.properties") == 0) {
		p = props_find(&ps, "log.dirs");
		FUZZ_ASSERT(p != NULL && strcmp(p->value, e->log_dir) == 0, "log.dirs");
		p = props_find(&ps, "listener.name.sasl_ssl.plain.sasl.jaas.config");
		FUZZ_ASSERT(p != NULL, "%s: no JAAS configuration", o->path);
		got = jaas_option(p->value, "user_consumer");
		FUZZ_ASSERT(got != NULL && strcmp(got, e->consumer_pw) == 0,
			    "%s: user_consumer reads back as '%s'", o->path, got ? got : "(no parse)");
		free(got);
		got = jaas_option(p->value, "user_producer");
		FUZZ_ASSERT(got != NULL && strcmp(got, e->producer_pw) == 0,
			    "%s: user_producer reads back as '%s'", o->path, got ? got : "(no parse)");
		free(got);
	}
	if (strcmp(o->path, "consumer.config") == 0 || strcmp(o->path, "producer.config") == 0) {
		bool consumer = o->path[0] == 'c';

		p = props_find(&ps, "sasl.jaas.config");
		FUZZ_ASSERT(p != NULL, "%s: no sasl.jaas.config", o->path);
		got = jaas_option(p->value, "password");
		FUZZ_ASSERT(got != NULL && strcmp(got, consumer ? e->consumer_pw : e->producer_pw) == 0,
			    "%s: password reads back as '%s'", o->path, got ? got : "(no parse)");
		free(got);
	}
	props_free(&ps);
}

static void
check_args(const struct output *o, const struct expect *e)
{
	struct strlist args = { 0 };
	char *ks = xasprintf("-Dzookeeper.ssl.keyStore.password=%s", e->store_pw);
	char *ts = xasprintf("-Dzookeeper.ssl.trustStore.password=%s", e->store_pw);

	FUZZ_ASSERT(argfile_split(o->bytes, o->len, &args), "%s: unterminated quote", o->path);
	FUZZ_ASSERT(strlist_contains(&args, ks) && strlist_contains(&args, ts),
		    "%s: the store password does not come back", o->path);
	for (size_t i = 0; i < args.len; i++)
		FUZZ_ASSERT(str_starts_with(args.items[i], "-D"), "%s: argument '%s' is no option",
			    o->path, args.items[i]);
	strlist_free(&args);
	free(ks);
	free(ts);
}

static void
check_outputs(const struct render_result *r, const struct expect *e, bool valid)
{
	struct buf enc, jaas;

	buf_init(&enc);
	buf_init(&jaas);
	for (size_t i = 0; i < r->count; i++) {
		const struct output *o = &r->outputs[i];
		char *masked;

		if (o->kind != OUTPUT_TEXT)
			continue;
		for (size_t s = 0; s < o->secret_count; s++)
			FUZZ_ASSERT(o->secrets[s].start <= o->len &&
				    o->secrets[s].len <= o->len - o->secrets[s].start,
				    "%s: a secret span lies outside the file", o->path);
		masked = output_masked(o);
		FUZZ_ASSERT(strlen(masked) <= o->len, "masking changed the length");
		free(masked);
		if (!valid)
			continue;
		if (str_ends_with(o->path, ".properties") || str_ends_with(o->path, ".cfg") ||
		    str_ends_with(o->path, ".config"))
			check_props(o, e);
		if (str_ends_with(o->path, ".args")) {
			check_args(o, e);
			enc.len = 0;
			escape_argfile(&enc, e->store_pw);
			check_masked(o, "-Dzookeeper.ssl.keyStore.password=", enc.data);
			check_masked(o, "-Dzookeeper.ssl.trustStore.password=", enc.data);
		}
		for (int u = 0; u < 2; u++) {
			const char *pw = u ? e->producer_pw : e->consumer_pw;

			jaas.len = 0;
			enc.len = 0;
			escape_jaas(&jaas, pw);
			escape_prop(&enc, jaas.data);
			check_masked(o, u ? "user_producer=" : "user_consumer=", enc.data);
			check_masked(o, " password=", enc.data);
		}
	}
	buf_free(&enc);
	buf_free(&jaas);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const keys[] = {
		"store.password", "sasl.password.consumer", "sasl.password.producer",
		"zookeeper.secure_address", "zookeeper.data_dir", "broker.kafka-1.log_dir",
	};
	static const char *const store_types[] = { "jks", "pkcs12", "pem" };
	char *copy, *field, *rest;
	size_t copy_len;
	struct plan *p;
	struct msg err;
	bool valid = true;
	struct expect e;

	if (size == 0)
		return 0;
	p = plan_new();
	plan_set(p, "store.type", store_types[data[0] % 3], ORIGIN_SET, NULL);
	copy_len = strnlen((const char *)data + 1, size - 1);
	copy = xstrndup((const char *)data + 1, copy_len);
	rest = copy;
	for (size_t k = 0; k < ARRAY_SIZE(keys) && rest != NULL; k++) {
		field = rest;
		rest = strchr(rest, '\n');
		if (rest != NULL)
			*rest++ = '\0';
		check_escapers(field);
		if (field[0] == '\0')
			continue;
		FUZZ_ASSERT(plan_set(p, keys[k], field, ORIGIN_SET, &err) == 0, "plan_set %s: %s",
			    keys[k], err.text);
		if (!validate_value(p, keys[k], field, &err))
			valid = false;
	}
	e.store_pw = plan_get(p, "store.password");
	e.consumer_pw = plan_get(p, "sasl.password.consumer");
	e.producer_pw = plan_get(p, "sasl.password.producer");
	e.data_dir = plan_get(p, "zookeeper.data_dir");
	e.log_dir = plan_get(p, "broker.kafka-1.log_dir");
	e.address = plan_get(p, "zookeeper.secure_address");
	/* plan_get's strings live until the plan changes: copy them. */
	e.store_pw = xstrdup(e.store_pw);
	e.consumer_pw = xstrdup(e.consumer_pw);
	e.producer_pw = xstrdup(e.producer_pw);
	e.data_dir = xstrdup(e.data_dir);
	e.log_dir = xstrdup(e.log_dir);
	e.address = xstrdup(e.address);
	for (size_t i = 0; i < step_count; i++) {
		struct render_result r;

		if (strcmp(steps[i]->id, "zookeeper") != 0 && strcmp(steps[i]->id, "brokers") != 0 &&
		    strcmp(steps[i]->id, "clients") != 0)
			continue;
		memset(&r, 0, sizeof r);
		if (step_render(steps[i], p, &inputs, &r, &err) == 0)
			check_outputs(&r, &e, valid);
		else
			FUZZ_ASSERT(!valid, "%s: rendering valid values failed: %s", steps[i]->id,
				    err.text);
		render_result_free(&r);
	}
	secure_free_str((char *)e.store_pw);
	secure_free_str((char *)e.consumer_pw);
	secure_free_str((char *)e.producer_pw);
	free((char *)e.data_dir);
	free((char *)e.log_dir);
	free((char *)e.address);
	secure_wipe(copy, copy_len);
	free(copy);
	plan_free(p);
	return 0;
}
