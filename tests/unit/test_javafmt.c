/*
 * The Java-format readers (src/core/javafmt.c) against tables of what the
 * Java classes make of each input.  The tables are not taken on trust:
 * `test_javafmt --emit DIR` writes every input and its expectation in the
 * forms tests/java/PropsCheck.java, ArgsCheck.java and JaasCheck.java read,
 * and tests/integration/javafmt-java.sh runs the real Java classes on them
 * (Properties.load, the java launcher, Kafka's JaasConfig grammar) and
 * compares their output line for line.
 */
#include <config.h>

#include "unit.h"

#include "core/javafmt.h"

#define NONE ((const char *const[]){ NULL })
#define LIST(...) ((const char *const[]){ __VA_ARGS__, NULL })
/* An input with its length: it may hold NUL bytes. */
#define IN(lit) lit, sizeof(lit) - 1

/* ------------------------------------------------------------ the tables */

struct props_case {
	const char *name;
	const char *in;
	size_t len;
	const char *const *kv;          /* key, value, ...: every key Java has, trimmed value */
	const char *const *absent;      /* keys Java must not have */
	bool refused;                   /* Java throws: "Malformed \uxxxx encoding." */
	const char *c_only;             /* why Java cannot be asked (NULL: it is asked) */
};

static const struct props_case props_cases[] = {
	{ "separators", IN("a=1\nb = 2\nc:3\nd 4\ne\t5\nf\fg\n"),
	  LIST("a", "1", "b", "2", "c", "3", "d", "4", "e", "5", "f", "g"), NONE, false, NULL },
	{ "empty values", IN("k1=\nk2:\nk3\nk4 = \n  k5  \n"),
	  LIST("k1", "", "k2", "", "k3", "", "k4", "", "k5", ""), NONE, false, NULL },
	{ "hostname verification off", IN("ssl.endpoint.identification.algorithm=\n"),
	  LIST("ssl.endpoint.identification.algorithm", ""), NONE, false, NULL },
	{ "second separator is value", IN("a = = b\nc : : d\ne  =x\nf =:g\nh:=i\n"),
	  LIST("a", "= b", "c", ": d", "e", "x", "f", ":g", "h", "=i"), NONE, false, NULL },
	{ "escaped separators in keys", IN("k\\=1=v\nsp\\ ace = w\ncolon\\:x:y\n\\ lead=z\n"),
	  LIST("k=1", "v", "sp ace", "w", "colon:x", "y", " lead", "z"), NONE, false, NULL },
	{ "comments", IN("# c\n! c2\n  # indented\na=1 # not a comment\n#\n"),
	  LIST("a", "1 # not a comment"), LIST("#", "!", "c", "c2"), false, NULL },
	{ "continuation", IN("a=one\\\n    two\\\n\tthree\nb=x\\\n\n\n  y\nc=2\n"),
	  LIST("a", "onetwothree", "b", "x", "y", "", "c", "2"), NONE, false, NULL },
	{ "continuation in a key", IN("ke\\\n  y=v\n"), LIST("key", "v"), LIST("ke"), false, NULL },
	{ "even backslashes do not continue", IN("a=x\\\\\nb=y\n"),
	  LIST("a", "x\\", "b", "y"), NONE, false, NULL },
	{ "backslash at the end of the file", IN("a=x\\"), LIST("a", "x"), NONE, false, NULL },
	{ "a # after a continuation is not a comment", IN("a=1\\\n#2\n"),
	  LIST("a", "1#2"), NONE, false, NULL },
	{ "a lone backslash line, then a comment", IN("\\\n#c\nk=v\n"),
	  LIST("k", "v"), LIST("#c"), false, NULL },
	{ "CR and CRLF", IN("a=1\r\nb=2\rc=3\r\nd=x\\\r\n  y\r\n"),
	  LIST("a", "1", "b", "2", "c", "3", "d", "xy"), NONE, false, NULL },
	{ "escapes", IN("t=a\\tb\\fc\ne=\\q\\\\\\#\nn=\\=\\:\\!\n"),
	  LIST("t", "a\tb\fc", "e", "q\\#", "n", "=:!"), NONE, false, NULL },
	{ "unicode escapes", IN("u=\\u00e4\\u20AC\np=pass\\uD83D\\uDE00word\n\\u006By=v\n"),
	  LIST("u", "\xc3\xa4\xe2\x82\xac", "p", "pass\xf0\x9f\x98\x80word", "ky", "v"),
	  NONE, false, NULL },
	{ "ISO-8859-1", IN("l=\xe4\xdf\nm=\xc3\xa4\n\xe9=1\n"),
	  LIST("l", "\xc3\xa4\xc3\x9f", "m", "\xc3\x83\xc2\xa4", "\xc3\xa9", "1"), NONE, false, NULL },
	{ "NUL bytes", IN("n=a\0b\nz\0z=v\n"),
	  LIST("n", "a\xc0\x80" "b", "z\xc0\x80z", "v"), LIST("z"), false, NULL },
	{ "trim", IN("w=  \t x y \f \nv=\\u0001\nq=\\u0000x\\u0000\n"),
	  LIST("w", "x y", "v", "", "q", "x"), NONE, false, NULL },
	{ "key ends at blanks", IN("key   =   v\nk2\t\t:\tw\n"),
	  LIST("key", "v", "k2", "w"), NONE, false, NULL },
	{ "the last one wins", IN("d=1\nd=2\n"), LIST("d", "2"), NONE, false, NULL },
	{ "empty keys", IN("=value\n"), LIST("", "value"), NONE, false, NULL },
	{ "nothing", IN("  \n\t\n\r\n"), NONE, LIST(""), false, NULL },
	{ "lone surrogate", IN("s=\\uD83D\n"), LIST("s", "\xed\xa0\xbd"), NONE, false,
	  "a lone surrogate cannot travel in PropsCheck's UTF-8 expectations" },
	{ "malformed \\u: too short", IN("a=1\nb=\\u12\n"), LIST("a", "1"), LIST("b"), true, NULL },
	{ "malformed \\u: not hex", IN("b=\\uZZZZ\n"), NONE, LIST("b"), true, NULL },
	{ "malformed \\u in a key", IN("\\u00=x\n"), NONE, NONE, true, NULL },
};

struct args_case {
	const char *name;
	const char *in;
	size_t len;
	const char *const *words;
};

static const struct args_case args_cases[] = {
	{ "lines", IN("-Dzookeeper.a=1\n-Dzookeeper.b=2\n"),
	  LIST("-Dzookeeper.a=1", "-Dzookeeper.b=2") },
	{ "blanks", IN("  -Dzookeeper.a=1 \t-Dzookeeper.b=2\f\r\n"),
	  LIST("-Dzookeeper.a=1", "-Dzookeeper.b=2") },
	{ "quotes", IN("-Dzookeeper.a=\"x y\"\n-Dzookeeper.b='p q'\n\"-Dzookeeper.c=r s\"\n"),
	  LIST("-Dzookeeper.a=x y", "-Dzookeeper.b=p q", "-Dzookeeper.c=r s") },
	{ "escapes in quotes", IN("-Dzookeeper.a=\"t\\tn\\\\q\\\"x\\y\"\n"),
	  LIST("-Dzookeeper.a=t\tn\\q\"xy") },
	{ "a backslash outside quotes", IN("-Dzookeeper.a=c:\\dir\\x\n"),
	  LIST("-Dzookeeper.a=c:\\dir\\x") },
	{ "comments", IN("# comment\n-Dzookeeper.a=1 # trailing\n  # indented\n-Dzookeeper.b=2\n"),
	  LIST("-Dzookeeper.a=1", "-Dzookeeper.b=2") },
	{ "a # drops the word", IN("-Dzookeeper.a=1\n-Dzookeeper.b=x#y\n"),
	  LIST("-Dzookeeper.a=1") },
	{ "a # keeps quoted parts for the next word",
	  IN("-Dzookeeper.c=\"q\"x#y\n-Dzookeeper.d=1\n"), LIST("-Dzookeeper.c=q-Dzookeeper.d=1") },
	{ "a # inside quotes", IN("-Dzookeeper.a=\"x#y\"\n"), LIST("-Dzookeeper.a=x#y") },
	{ "continuation in quotes", IN("-Dzookeeper.a=\"one\\\n    two\"\n-Dzookeeper.b=\"x\\\n\n  y\"\n"),
	  LIST("-Dzookeeper.a=onetwo", "-Dzookeeper.b=xy") },
	{ "a line end ends a quote", IN("-Dzookeeper.a=\"open\n-Dzookeeper.b=2\n"),
	  LIST("-Dzookeeper.a=open", "-Dzookeeper.b=2") },
	{ "adjacent quotes", IN("-Dzookeeper.a='x'\"y\"z\"'\"\n"), LIST("-Dzookeeper.a=xyz'") },
	{ "no line end at the end", IN("-Dzookeeper.b=2\n-Dzookeeper.a=1"),
	  LIST("-Dzookeeper.b=2", "-Dzookeeper.a=1") },
	{ "the end inside a quote", IN("-Dzookeeper.a=\"abc"), LIST("-Dzookeeper.a=abc") },
	{ "the end after a backslash in a quote", IN("-Dzookeeper.b=1\n-Dzookeeper.a=\"x\\"),
	  LIST("-Dzookeeper.b=1") },
	{ "no value", IN("-Dzookeeper.flag\n-Dzookeeper.a=1\n"),
	  LIST("-Dzookeeper.flag", "-Dzookeeper.a=1") },
	{ "UTF-8", IN("-Dzookeeper.a=pass\xf0\x9f\x98\x80word\n-Dzookeeper.b=\"\xc3\xa4 \xe2\x82\xac\"\n"),
	  LIST("-Dzookeeper.a=pass\xf0\x9f\x98\x80word", "-Dzookeeper.b=\xc3\xa4 \xe2\x82\xac") },
	{ "CR line ends", IN("-Dzookeeper.a=1\r-Dzookeeper.b=2\r\n"),
	  LIST("-Dzookeeper.a=1", "-Dzookeeper.b=2") },
	{ "the last one wins", IN("-Dzookeeper.a=1 -Dzookeeper.a=2\n"),
	  LIST("-Dzookeeper.a=1", "-Dzookeeper.a=2") },
};

struct jaas_case {
	const char *name;
	const char *prop;       /* the value as written in a properties file */
	const char *refused;    /* Kafka's message, or NULL */
	size_t modules;         /* when read: how many login modules */
	const char *module, *flag, *options; /* the one module's name, flag, sorted option names */
	const char *const *kv;  /* option values */
};

static const struct jaas_case jaas_cases[] = {
	{ "the article's broker",
	  "org.apache.kafka.common.security.plain.PlainLoginModule required "
	  "user_consumer=\"pw4consumer\" user_producer=\"pw4producer\";",
	  NULL, 1, "org.apache.kafka.common.security.plain.PlainLoginModule", "REQUIRED",
	  "user_consumer,user_producer", LIST("user_consumer", "pw4consumer", "user_producer",
					      "pw4producer") },
	{ "a client", "org.apache.kafka.common.security.plain.PlainLoginModule required "
	  "username=consumer password=\"pw 4 consumer\";",
	  NULL, 1, "org.apache.kafka.common.security.plain.PlainLoginModule", "REQUIRED",
	  "password,username", LIST("username", "consumer", "password", "pw 4 consumer") },
	{ "flags in any case", "M Sufficient;", NULL, 1, "M", "SUFFICIENT", "", NONE },
	{ "a dotless i makes an I", "M requ\\u0131red;", NULL, 1, "M", "REQUIRED", "", NONE },
	{ "a ffi ligature makes FFI", "M su\\uFB03cient;", NULL, 1, "M", "SUFFICIENT", "", NONE },
	{ "comments", "M required /* c */ a=b; // tail", NULL, 1, "M", "REQUIRED", "a",
	  LIST("a", "b") },
	{ "a slash starts a comment", "M required a=b /x y z;",
	  "JAAS config entry not terminated by semi-colon", 0, NULL, NULL, NULL, NONE },
	{ "quotes and escapes", "M required a=\"x\\\\\"y\" b='c d' e=\"\\\\101\\\\7x\";",
	  NULL, 1, "M", "REQUIRED", "a,b,e", LIST("a", "x\"y", "b", "c d", "e", "A\ax") },
	{ "= and ; in quotes", "M required a=\"x=y;z\";", NULL, 1, "M", "REQUIRED", "a",
	  LIST("a", "x=y;z") },
	{ "a word ends at =", "M required a=b=c;", "Value not specified for key 'null' in JAAS config",
	  0, NULL, NULL, NULL, NONE },
	{ "no semicolon", "M required a=b", "JAAS config entry not terminated by semi-colon",
	  0, NULL, NULL, NULL, NONE },
	{ "no flag", "M", "Login module control flag not specified in JAAS config",
	  0, NULL, NULL, NULL, NONE },
	{ "a bad flag", "M mandatory;", "Invalid login module control flag 'mandatory' in JAAS config",
	  0, NULL, NULL, NULL, NONE },
	{ "a quoted flag", "M \"optional\";", NULL, 1, "M", "OPTIONAL", "", NONE },
	{ "two modules", "A required; B optional;", NULL, 2, NULL, NULL, NULL, NONE },
	{ "nothing", "", "Login module not specified in JAAS config", 0, NULL, NULL, NULL, NONE },
	{ "only a comment", "/* only */", "Login module not specified in JAAS config",
	  0, NULL, NULL, NULL, NONE },
	{ "a key without a value", "M required a;", "Value not specified for key 'a' in JAAS config",
	  0, NULL, NULL, NULL, NONE },
	{ "an empty value", "M required a=;", "Value not specified for key 'a' in JAAS config",
	  0, NULL, NULL, NULL, NONE },
	{ "quoted module and keys", "\"M\" \"required\" \"k\"=\"v\";", NULL, 1, "M", "REQUIRED",
	  "k", LIST("k", "v") },
	{ "non-ASCII", "M required user_\\u00e4=pw\\u20ac\\uD83D\\uDE00;", NULL, 1, "M",
	  "REQUIRED", "user_\xc3\xa4", LIST("user_\xc3\xa4", "pw\xe2\x82\xac\xf0\x9f\x98\x80") },
	{ "a line end ends a quote", "M required a=\"x\\ny\";",
	  "Value not specified for key 'y' in JAAS config", 0, NULL, NULL, NULL, NONE },
	{ "a second entry without a flag", "M required a=\"v\" ;extra",
	  "Login module control flag not specified in JAAS config", 0, NULL, NULL, NULL, NONE },
	{ "a later key wins", "M required a=1 a=2;", NULL, 1, "M", "REQUIRED", "a", LIST("a", "2") },
	{ "an empty quoted module", "\"\" required;", "Invalid null or empty login module name",
	  0, NULL, NULL, NULL, NONE },
};

/* ------------------------------------------------------------ the C side */

static size_t
distinct_keys(const struct kvlist *l)
{
	size_t n = 0;

	for (size_t i = 0; i < l->len; i++) {
		bool seen = false;

		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(l->items[j].key, l->items[i].key) == 0;
		n += !seen;
	}
	return n;
}

static void
test_props(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(props_cases); i++) {
		const struct props_case *c = &props_cases[i];
		struct kvlist got = { 0 };
		struct msg err;
		size_t want = 0;
		int rc;

		msg_clear(&err);
		rc = props_parse(c->in, c->len, &got, &err);
		print_message("# props: %s\n", c->name);
		assert_int_equal(rc, c->refused ? -1 : 0);
		if (c->refused)
			assert_contains(err.text, "Malformed \\uxxxx encoding.");
		for (const char *const *kv = c->kv; *kv != NULL; kv += 2, want++) {
			const char *v = kv_get(&got, kv[0]);

			if (v == NULL || strcmp(v, kv[1]) != 0) {
				print_error("%s: key \"%s\": got \"%s\", want \"%s\"\n", c->name, kv[0],
					    v != NULL ? v : "(none)", kv[1]);
				fail();
			}
		}
		for (const char *const *k = c->absent; *k != NULL; k++)
			if (kv_get(&got, *k) != NULL) {
				print_error("%s: key \"%s\" should be absent\n", c->name, *k);
				fail();
			}
		assert_int_equal(distinct_keys(&got), want);
		kv_free(&got);
	}
}

static void
test_args(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(args_cases); i++) {
		const struct args_case *c = &args_cases[i];
		struct strlist got = { 0 };
		size_t n = 0;

		argfile_parse(c->in, c->len, &got);
		print_message("# args: %s\n", c->name);
		for (; c->words[n] != NULL; n++) {
			if (n >= got.len || strcmp(got.items[n], c->words[n]) != 0) {
				print_error("%s: word %zu: got \"%s\", want \"%s\"\n", c->name, n,
					    n < got.len ? got.items[n] : "(none)", c->words[n]);
				fail();
			}
		}
		assert_int_equal(got.len, n);
		strlist_free(&got);
	}
}

static void
test_system_properties(void **state)
{
	struct strlist words = { 0 };
	struct kvlist d = { 0 };

	(void)state;
	strlist_push(&words, "-Dzookeeper.a=x=y");
	strlist_push(&words, "-Dflag");
	strlist_push(&words, "-Xmx1g");
	strlist_push(&words, "-Dzookeeper.a=z");
	system_properties(&words, &d);
	assert_string_equal(kv_get(&d, "zookeeper.a"), "z");
	assert_string_equal(kv_get(&d, "flag"), "");
	assert_null(kv_get(&d, "Xmx1g"));
	kv_free(&d);
	strlist_free(&words);
}

/* The JAAS text of a case: its properties value read as Kafka reads it. */
static char *
jaas_text(const struct jaas_case *c)
{
	char *line = xasprintf("j=%s\n", c->prop);
	struct kvlist p = { 0 };
	struct msg err;
	char *text;

	assert_int_equal(props_parse(line, strlen(line), &p, &err), 0);
	text = xstrdup(kv_get(&p, "j"));
	kv_free(&p);
	free(line);
	return text;
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The option names sorted and joined by "," (JaasCheck's @options). */
static char *
option_names(const struct jaas_entry *e)
{
	const char **keys = xcalloc(e->noptions + 1, sizeof *keys);
	struct buf b;

	for (size_t i = 0; i < e->noptions; i++)
		keys[i] = e->options[i].key != NULL ? e->options[i].key : "null";
	qsort(keys, e->noptions, sizeof *keys, str_cmp);
	buf_init(&b);
	buf_adds(&b, "");
	for (size_t i = 0; i < e->noptions; i++)
		buf_printf(&b, "%s%s", i ? "," : "", keys[i]);
	free((void *)keys);
	return buf_steal(&b, NULL);
}

static void
test_jaas(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(jaas_cases); i++) {
		const struct jaas_case *c = &jaas_cases[i];
		char *text = jaas_text(c), *names;
		struct jaas_config jc;
		struct msg err;
		int rc;

		msg_clear(&err);
		print_message("# jaas: %s\n", c->name);
		rc = jaas_parse(text, &jc, &err);
		if (c->refused != NULL) {
			assert_int_equal(rc, -1);
			assert_string_equal(err.text, c->refused);
		} else {
			assert_int_equal(rc, 0);
			assert_int_equal(jc.count, c->modules);
		}
		if (c->module != NULL) {
			const struct jaas_entry *e = &jc.entries[0];

			assert_string_equal(e->module, c->module);
			assert_string_equal(e->flag, c->flag);
			names = option_names(e);
			assert_string_equal(names, c->options);
			free(names);
			for (const char *const *kv = c->kv; *kv != NULL; kv += 2) {
				assert_non_null(jaas_option(e, kv[0]));
				assert_string_equal(jaas_option(e, kv[0]), kv[1]);
			}
		}
		jaas_free(&jc);
		free(text);
	}
}

/* ------------------------------------------------------------ the Java side */

/* A Java string as a file holds it in UTF-8: U+0000 back to a NUL byte. */
static void
put_utf8(FILE *f, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		if (p[0] == 0xC0 && p[1] == 0x80) {
			fputc(0, f);
			p++;
		} else {
			fputc(*p, f);
		}
	}
}

/* The checkers' quote(): printable ASCII as is, else \uXXXX per UTF-16 unit. */
static void
put_quoted(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	while (*p != '\0') {
		unsigned long cp;
		int more;

		if (p[0] == 0xC0 && p[1] == 0x80) {
			cp = 0;
			more = 1;
		} else if (p[0] < 0x80) {
			cp = p[0];
			more = 0;
		} else if ((p[0] & 0xE0) == 0xC0) {
			cp = p[0] & 0x1Fu;
			more = 1;
		} else if ((p[0] & 0xF0) == 0xE0) {
			cp = p[0] & 0x0Fu;
			more = 2;
		} else {
			cp = p[0] & 0x07u;
			more = 3;
		}
		for (int k = 1; k <= more && !(p[0] == 0xC0 && p[1] == 0x80); k++)
			cp = cp << 6 | (p[k] & 0x3Fu);
		p += more + 1;
		if (cp == '"' || cp == '\\')
			fprintf(f, "\\%c", (int)cp);
		else if (cp >= 0x20 && cp < 0x7F)
			fputc((int)cp, f);
		else if (cp >= 0x10000)
			fprintf(f, "\\u%04lx\\u%04lx", 0xD800 + ((cp - 0x10000) >> 10),
				0xDC00 + ((cp - 0x10000) & 0x3FF));
		else
			fprintf(f, "\\u%04lx", cp);
	}
	fputc('"', f);
}

static FILE *
open_in(const char *dir, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static FILE *
open_in(const char *dir, const char *fmt, ...)
{
	char name[256], *path;
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(name, sizeof name, fmt, ap);
	va_end(ap);
	path = xasprintf("%s/%s", dir, name);
	f = fopen(path, "wb");
	if (f == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		exit(2);
	}
	free(path);
	return f;
}

static void
emit_props(const char *dir)
{
	FILE *expect = open_in(dir, "props.expect"), *want = open_in(dir, "props.want");
	size_t checked = 0, failed = 0;

	for (size_t i = 0; i < ARRAY_SIZE(props_cases); i++) {
		const struct props_case *c = &props_cases[i];
		FILE *in, *rx;

		if (c->c_only != NULL)
			continue;
		in = open_in(dir, "p%zu.properties", i);
		fwrite(c->in, 1, c->len, in);
		fclose(in);
		if (c->refused) {
			/* Java refuses the file: one run of its own, which must fail so. */
			rx = open_in(dir, "refused-p%zu.expect", i);
			fprintf(rx, "p%zu.properties\tany\tx\n", i);
			fclose(rx);
			continue;
		}
		for (const char *const *kv = c->kv; *kv != NULL; kv += 2) {
			fprintf(expect, "p%zu.properties\t", i);
			put_utf8(expect, kv[0]);
			fputc('\t', expect);
			put_utf8(expect, kv[1]);
			fputc('\n', expect);
			fprintf(want, "ok       p%zu.properties ", i);
			put_utf8(want, kv[0]);
			fputs(" = ", want);
			put_quoted(want, kv[1]);
			fputc('\n', want);
			checked++;
		}
		for (const char *const *k = c->absent; *k != NULL; k++) {
			fprintf(expect, "p%zu.properties\t", i);
			put_utf8(expect, *k);
			fputs("\tx\n", expect);
			fprintf(want, "MISSING  p%zu.properties ", i);
			put_utf8(want, *k);
			fputs(" (expected \"x\")\n", want);
			checked++;
			failed++;
		}
	}
	fprintf(want, "PropsCheck: %zu checked, %zu failed\n", checked, failed);
	fclose(expect);
	fclose(want);
}

static void
emit_args(const char *dir)
{
	for (size_t i = 0; i < ARRAY_SIZE(args_cases); i++) {
		const struct args_case *c = &args_cases[i];
		FILE *in = open_in(dir, "a%zu.args", i), *expect = open_in(dir, "a%zu.expect", i);
		struct strlist words = { 0 };
		struct kvlist d = { 0 };

		fwrite(c->in, 1, c->len, in);
		fclose(in);
		for (size_t k = 0; c->words[k] != NULL; k++)
			strlist_push(&words, c->words[k]);
		system_properties(&words, &d);
		/* ArgsCheck wants each property once, with the value Java ends up with. */
		for (size_t k = 0; k < d.len; k++) {
			bool later = false;

			for (size_t j = k + 1; j < d.len && !later; j++)
				later = strcmp(d.items[j].key, d.items[k].key) == 0;
			if (!later)
				fprintf(expect, "%s\t%s\n", d.items[k].key, d.items[k].value);
		}
		fclose(expect);
		kv_free(&d);
		strlist_free(&words);
	}
}

static void
emit_jaas(const char *dir)
{
	FILE *props = open_in(dir, "j.properties"), *expect = open_in(dir, "jaas.expect");
	FILE *want = open_in(dir, "jaas.want");
	size_t checked = 0, failed = 0;

	for (size_t i = 0; i < ARRAY_SIZE(jaas_cases); i++) {
		const struct jaas_case *c = &jaas_cases[i];
		char *text = jaas_text(c);

		fprintf(props, "j%zu=%s\n", i, c->prop);
		if (c->refused != NULL || c->modules != 1) {
			fprintf(expect, "j.properties\tj%zu\t@module\tx\n", i);
			fprintf(want, "MISMATCH j.properties j%zu @module: ", i);
			if (c->refused != NULL)
				fprintf(want, "Kafka refuses it: %s\n", c->refused);
			else
				fprintf(want, "%zu login modules, Kafka requires exactly 1\n", c->modules);
			fputs("         JAAS text ", want);
			put_quoted(want, text);
			fputc('\n', want);
			checked++;
			failed++;
		} else {
			const char *fixed[][2] = { { "@module", c->module }, { "@flag", c->flag },
						   { "@options", c->options } };

			for (size_t k = 0; k < ARRAY_SIZE(fixed); k++) {
				fprintf(expect, "j.properties\tj%zu\t%s\t%s\n", i, fixed[k][0], fixed[k][1]);
				fprintf(want, "ok       j.properties j%zu %s = ", i, fixed[k][0]);
				put_quoted(want, fixed[k][1]);
				fputc('\n', want);
				checked++;
			}
			for (const char *const *kv = c->kv; *kv != NULL; kv += 2) {
				fprintf(expect, "j.properties\tj%zu\t%s\t", i, kv[0]);
				put_utf8(expect, kv[1]);
				fputc('\n', expect);
				fprintf(want, "ok       j.properties j%zu %s = ", i, kv[0]);
				put_quoted(want, kv[1]);
				fputc('\n', want);
				checked++;
			}
		}
		free(text);
	}
	fprintf(want, "JaasCheck: %zu checked, %zu failed\n", checked, failed);
	fclose(props);
	fclose(expect);
	fclose(want);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_props),
		cmocka_unit_test(test_args),
		cmocka_unit_test(test_system_properties),
		cmocka_unit_test(test_jaas),
	};

	if (argc == 3 && strcmp(argv[1], "--emit") == 0) {
		emit_props(argv[2]);
		emit_args(argv[2]);
		emit_jaas(argv[2]);
		return 0;
	}
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
