/*
 * check's readers, and the whole check, on arbitrary bytes.  The first byte
 * picks a mode:
 *   0  props_parse: keys and values are Java strings as javafmt.h writes
 *      them (well-formed, no NUL byte but C0 80 for U+0000) and values are
 *      trimmed as String.trim() does;
 *   1  argfile_parse, then system_properties: words hold no NUL, each
 *      -DKEY=VALUE gives KEY and VALUE back;
 *   2  jaas_parse: a read text has at least one entry, each with a module
 *      name and one of the four flags; a refused one says why;
 *   3  check_dir on a directory whose zoo.cfg, kafka-1.properties,
 *      consumer.config, kafka-1.zk-tls.args and java.env are the input's
 *      parts (cut at "\n--\n"), next to real keystores (node.jks,
 *      truststore.jks, password "confidential"): check reports, and its
 *      counts, order and texts are consistent.  Inputs that would name a
 *      path outside the directory (any '/') are skipped: check reading
 *      /dev/zero is another test's matter (the bounded reader).
 * No name is looked up (no --this-host).
 */
#include <config.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/x509.h>

#include "core/check.h"
#include "core/javafmt.h"
#include "core/keystore.h"
#include "core/pki.h"
#include "core/util.h"
#include "fuzz.h"

#define PASSWORD "confidential"

static char *dir;

static void
write_file(const char *name, const void *data, size_t len)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "wb");

	FUZZ_ASSERT(f != NULL, "cannot write %s", path);
	FUZZ_ASSERT(fwrite(data, 1, len, f) == len && fclose(f) == 0, "cannot write %s", path);
	free(path);
}

/* A CA, a node key and certificate signed by it, as node.jks and truststore.jks. */
static void
make_stores(void)
{
	struct msg err;
	EVP_PKEY *ca_key = pki_generate_key(KEY_EC_P256, &err);
	EVP_PKEY *key = pki_generate_key(KEY_EC_P256, &err);
	X509_NAME *ca_name = pki_parse_subject("/CN=Fuzz-CA", &err);
	X509_NAME *name = pki_parse_subject("/CN=node", &err);
	GENERAL_NAMES *san = pki_parse_san("DNS:node,DNS:localhost,IP:127.0.0.1", &err);
	X509 *ca, *cert;
	STACK_OF(X509) *chain = sk_X509_new_null();
	struct keystore ks, ts;
	struct buf out;
	bool clamped;

	FUZZ_ASSERT(ca_key && key && ca_name && name && san && chain, "PKI set-up: %s", err.text);
	ca = pki_make_ca_cert(ca_key, ca_name, 3650, &err);
	FUZZ_ASSERT(ca != NULL, "CA: %s", err.text);
	cert = pki_make_node_cert(key, name, san, 3650, ca, ca_key, &clamped, &err);
	FUZZ_ASSERT(cert != NULL, "node certificate: %s", err.text);
	sk_X509_push(chain, cert);
	sk_X509_push(chain, ca);
	keystore_init(&ks);
	keystore_add_key(&ks, "node", key, chain);
	keystore_add_trusted(&ks, "ca-root", ca);
	keystore_init(&ts);
	keystore_add_trusted(&ts, "ca-root", ca);
	buf_init(&out);
	FUZZ_ASSERT(jks_encode(&ks, PASSWORD, 1500000000000LL, &out, &err) == 0, "%s", err.text);
	write_file("node.jks", out.data, out.len);
	buf_free_secure(&out);
	FUZZ_ASSERT(jks_encode(&ts, PASSWORD, 1500000000000LL, &out, &err) == 0, "%s", err.text);
	write_file("truststore.jks", out.data, out.len);
	buf_free(&out);
	keystore_free(&ks);
	keystore_free(&ts);
	sk_X509_free(chain);
	X509_free(cert);
	X509_free(ca);
	X509_NAME_free(ca_name);
	X509_NAME_free(name);
	GENERAL_NAMES_free(san);
	EVP_PKEY_free(key);
	EVP_PKEY_free(ca_key);
}

static void
remove_dir(void)
{
	static const char *const files[] = { "node.jks", "truststore.jks", "zoo.cfg",
					     "kafka-1.properties", "consumer.config",
					     "kafka-1.zk-tls.args", "java.env" };

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		char *path = xasprintf("%s/%s", dir, files[i]);

		unlink(path);
		free(path);
	}
	rmdir(dir);
	free(dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");
	char *templ;

	(void)argc;
	(void)argv;
	templ = xasprintf("%s/zktls-fuzz-check.XXXXXX", tmp != NULL && tmp[0] ? tmp : "/tmp");
	FUZZ_ASSERT(mkdtemp(templ) != NULL, "mkdtemp %s", templ);
	dir = templ;
	atexit(remove_dir);
	make_stores();
	return 0;
}

/* Well-formed as javafmt.h writes Java strings: UTF-8, C0 80, lone surrogates. */
static bool
java_string_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p != '\0') {
		unsigned long cp;
		int more;

		if (p[0] == 0xC0 && p[1] == 0x80) {
			p += 2;
			continue;
		}
		if (p[0] < 0x80) {
			p++;
			continue;
		}
		if ((p[0] & 0xE0) == 0xC0) {
			cp = p[0] & 0x1Fu;
			more = 1;
		} else if ((p[0] & 0xF0) == 0xE0) {
			cp = p[0] & 0x0Fu;
			more = 2;
		} else if ((p[0] & 0xF8) == 0xF0) {
			cp = p[0] & 0x07u;
			more = 3;
		} else {
			return false;
		}
		for (int k = 1; k <= more; k++) {
			if ((p[k] & 0xC0) != 0x80)
				return false;
			cp = cp << 6 | (p[k] & 0x3Fu);
		}
		if ((more == 1 && cp < 0x80) || (more == 2 && cp < 0x800) ||
		    (more == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
			return false;
		p += more + 1;
	}
	return true;
}

static bool
trimmed(const char *v)
{
	size_t n = strlen(v);

	if (n == 0)
		return true;
	if ((unsigned char)v[0] <= ' ' || (unsigned char)v[n - 1] <= ' ')
		return false;
	return !(strncmp(v, "\xc0\x80", 2) == 0 || (n >= 2 && strcmp(v + n - 2, "\xc0\x80") == 0));
}

static void
fuzz_props(const uint8_t *data, size_t size)
{
	struct kvlist l = { 0 };
	struct msg err;
	int rc;

	msg_clear(&err);
	rc = props_parse((const char *)data, size, &l, &err);
	FUZZ_ASSERT(rc == 0 || err.text[0] != '\0', "a refused file without a reason");
	for (size_t i = 0; i < l.len; i++) {
		FUZZ_ASSERT(java_string_ok(l.items[i].key), "a key is not a Java string");
		FUZZ_ASSERT(java_string_ok(l.items[i].value), "a value is not a Java string");
		FUZZ_ASSERT(trimmed(l.items[i].value), "a value is not trimmed: \"%s\"",
			    l.items[i].value);
	}
	kv_free(&l);
}

static void
fuzz_args(const uint8_t *data, size_t size)
{
	struct strlist words = { 0 };
	struct kvlist d = { 0 };
	size_t k = 0;

	argfile_parse((const char *)data, size, &words);
	system_properties(&words, &d);
	for (size_t i = 0; i < words.len; i++) {
		const char *w = words.items[i];
		const char *eq = strchr(w, '=');

		if (strncmp(w, "-D", 2) != 0)
			continue;
		FUZZ_ASSERT(k < d.len, "a -D word made no property");
		FUZZ_ASSERT(strncmp(d.items[k].key, w + 2, eq ? (size_t)(eq - w - 2) : strlen(w + 2)) == 0,
			    "the property's name is not the word's");
		FUZZ_ASSERT(strcmp(d.items[k].value, eq ? eq + 1 : "") == 0,
			    "the property's value is not the word's");
		k++;
	}
	FUZZ_ASSERT(k == d.len, "properties without a -D word");
	kv_free(&d);
	strlist_free(&words);
}

static void
fuzz_jaas(const uint8_t *data, size_t size)
{
	char *text = xstrndup((const char *)data, size);
	struct jaas_config jc;
	struct msg err;

	msg_clear(&err);
	if (jaas_parse(text, &jc, &err) == 0) {
		FUZZ_ASSERT(jc.count > 0, "read, but no login module");
		for (size_t i = 0; i < jc.count; i++) {
			const struct jaas_entry *e = &jc.entries[i];

			FUZZ_ASSERT(e->module != NULL && e->module[0] != '\0', "an empty module");
			FUZZ_ASSERT(strcmp(e->flag, "REQUIRED") == 0 || strcmp(e->flag, "REQUISITE") == 0 ||
				    strcmp(e->flag, "SUFFICIENT") == 0 || strcmp(e->flag, "OPTIONAL") == 0,
				    "flag %s", e->flag);
			for (size_t k = 0; k < e->noptions; k++)
				FUZZ_ASSERT(e->options[k].value != NULL, "an option without a value");
		}
	} else {
		FUZZ_ASSERT(err.text[0] != '\0', "refused without a reason");
	}
	jaas_free(&jc);
	free(text);
}

/* Whether a file of the directory could name a path outside it. */
static bool
escapes(const char *name, const uint8_t *data, size_t size)
{
	struct kvlist l = { 0 };
	struct strlist words = { 0 };
	struct msg err;
	bool out = memchr(data, '/', size) != NULL;

	if (!out && strcmp(name, "kafka-1.zk-tls.args") != 0 && strcmp(name, "java.env") != 0) {
		(void)props_parse((const char *)data, size, &l, &err);
		for (size_t i = 0; i < l.len && !out; i++)
			out = strchr(l.items[i].value, '/') != NULL || strchr(l.items[i].key, '/') != NULL;
		kv_free(&l);
	} else if (!out && strcmp(name, "kafka-1.zk-tls.args") == 0) {
		argfile_parse((const char *)data, size, &words);
		for (size_t i = 0; i < words.len && !out; i++)
			out = strchr(words.items[i], '/') != NULL;
		strlist_free(&words);
	}
	return out;
}

static void
fuzz_check(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "zoo.cfg", "kafka-1.properties", "consumer.config",
					     "kafka-1.zk-tls.args", "java.env" };
	static const char cut[] = "\n--\n";
	struct check_report r;
	struct msg err;
	size_t problems = 0, warnings = 0, host_problems = 0, host_warnings = 0;

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		const uint8_t *end = NULL;
		size_t len;

		for (size_t k = 0; size >= sizeof cut - 1 && k <= size - (sizeof cut - 1); k++)
			if (memcmp(data + k, cut, sizeof cut - 1) == 0) {
				end = data + k;
				break;
			}
		len = end != NULL ? (size_t)(end - data) : size;
		if (escapes(names[i], data, len))
			return;
		write_file(names[i], data, len);
		data += len;
		size -= len;
		if (end != NULL) {
			data += sizeof cut - 1;
			size -= sizeof cut - 1;
		}
	}
	msg_clear(&err);
	FUZZ_ASSERT(check_dir(dir, NULL, &r, &err) == 0, "check_dir failed with zoo.cfg there: %s",
		    err.text);
	for (size_t i = 0; i < r.count; i++) {
		const struct check_item *it = &r.items[i];

		FUZZ_ASSERT(it->file != NULL && it->text != NULL && it->text[0] != '\0',
			    "an empty finding");
		if (it->level == CHECK_PROBLEM)
			(*(it->host ? &host_problems : &problems))++;
		else if (it->level == CHECK_WARNING)
			(*(it->host ? &host_warnings : &warnings))++;
		if (i > 0) {
			const struct check_item *prev = &r.items[i - 1];

			FUZZ_ASSERT(prev->host < it->host ||
				    (prev->host == it->host && prev->level <= it->level),
				    "the report is not in order");
		}
	}
	FUZZ_ASSERT(problems == r.problems && warnings == r.warnings &&
		    host_problems == r.host_problems && host_warnings == r.host_warnings,
		    "the counts do not match the findings");
	check_report_free(&r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	switch (data[0] % 4) {
	case 0:
		fuzz_props(data + 1, size - 1);
		break;
	case 1:
		fuzz_args(data + 1, size - 1);
		break;
	case 2:
		fuzz_jaas(data + 1, size - 1);
		break;
	default:
		fuzz_check(data + 1, size - 1);
		break;
	}
	return 0;
}
