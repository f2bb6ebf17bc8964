#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "i18n.h"
#include "validate.h"
#include "validate_names.h"

#define MIN_PASSWORD_CHARS 6

static bool
is_unicode_space(unsigned long cp)
{
	return cp == 0xa0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x202f ||
	       cp == 0x205f || cp == 0x3000;
}

/* Rules for every value: safe on screen, in files, and through Java's trimming. */
static bool
check_common(const char *value, size_t *chars, struct msg *why)
{
	const unsigned char *s = (const unsigned char *)value;
	size_t n = 0;

	while (*s != '\0') {
		unsigned long cp;
		size_t len = utf8_decode(s, &cp);

		if (len == 0)
			return msg_set(why, _("the value is not valid UTF-8")), false;
		if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
			return msg_set(why, _("control characters are not allowed")), false;
		if (unicode_is_invisible(cp))
			return msg_set(why, _("invisible or direction-changing characters (U+%04lX) "
					      "are not allowed: they hide on screen"), cp), false;
		if ((n == 0 || s[len] == '\0') && is_unicode_space(cp))
			return msg_set(why, _("the value must not begin or end with a space")),
			       false;
		s += len;
		n++;
	}
	if (value[0] == ' ' || (n > 0 && value[strlen(value) - 1] == ' '))
		return msg_set(why, _("the value must not begin or end with a space "
				      "(Kafka and ZooKeeper trim values)")), false;
	if (chars != NULL)
		*chars = n;
	return true;
}

static bool
is_dns_label(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 63 || s[0] == '-' || s[n - 1] == '-')
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

static bool
check_node_name(const char *name, struct msg *why)
{
	if (!is_dns_label(name))
		return msg_set(why, _("'%s' is not a valid node name: use 1 to 63 lower-case "
				      "letters, digits and '-', not starting or ending with '-'"),
			       name), false;
	/* "2183" resolves to 0.0.8.135: the resolver reads a number as an IPv4 address. */
	if (names_all_digits(name, strlen(name)))
		return msg_set(why, _("'%s' is not a valid node name: a name of digits only is "
				      "read as an IP address; use at least one letter"),
			       name), false;
	if (strcmp(name, "truststore") == 0)
		return msg_set(why, _("'truststore' is taken by the truststore's file name")),
		       false;
	return true;
}

static bool
is_user_name(const char *s)
{
	static const char first[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_";

	return s[0] != '\0' && strchr(first, s[0]) != NULL &&
	       strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") ==
		       strlen(s);
}

static bool
is_path(const char *s)
{
	return s[0] != '\0' &&
	       strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._/-") ==
		       strlen(s);
}

/* Digits and dots, no empty part: what version_compare can order. */
static bool
is_version(const char *s)
{
	bool digit = false;

	for (; *s != '\0'; s++) {
		if (*s >= '0' && *s <= '9')
			digit = true;
		else if (*s == '.' && digit)
			digit = false;
		else
			return false;
	}
	return digit;
}

/*
 * min to max numbers separated by dots, none with a leading zero (2.3.06
 * is no release: the archive name would be made of it) and none longer than
 * six digits.
 */
static bool
is_strict_version(const char *s, int min_parts, int max_parts)
{
	int parts = 0;

	for (;;) {
		size_t n = strspn(s, "0123456789");

		if (n == 0 || n > 6 || (n > 1 && s[0] == '0'))
			return false;
		parts++;
		s += n;
		if (*s == '\0')
			return parts >= min_parts;
		if (*s != '.' || parts == max_parts)
			return false;
		s++;
	}
}

/* A release data/releases.conf knows exactly. */
static bool
release_listed(const char *program, const char *version)
{
	struct release r;
	struct msg ignored;
	bool listed = false;

	if (catalog_release(program, version, NULL, &r, &ignored) == 0) {
		listed = r.known;
		release_free(&r);
	}
	return listed;
}

static bool
check_version(const char *key, const char *value, struct msg *why)
{
	if (strcmp(key, "kafka.scala") == 0) {
		if (!is_strict_version(value, 2, 3))
			return msg_set(why, _("'%s' is not a Scala version: use numbers without "
					      "leading zeros, as in 2.12 or 2.13"), value), false;
		return true;
	}
	if (!is_strict_version(value, 3, 3) &&
	    !release_listed(strcmp(key, "kafka.version") == 0 ? "kafka" : "zookeeper", value))
		return msg_set(why, _("'%s' is not a version: use three numbers without leading "
				      "zeros, e.g. %s"), value,
			       strcmp(key, "kafka.version") == 0 ? "2.3.0" : "3.5.5"), false;
	return true;
}

static bool
is_hex(const char *s, size_t n)
{
	return strlen(s) == n && strspn(s, "0123456789abcdefABCDEF") == n;
}

static bool
check_heap(const char *value, struct msg *why)
{
	size_t digits = strspn(value, "0123456789");

	/* A bare number is bytes to the JVM: -Xms512 cannot start ZooKeeper. */
	if (digits == 0 || digits > 6 || value[0] == '0' || value[digits] == '\0' ||
	    strchr("kKmMgG", value[digits]) == NULL || value[digits + 1] != '\0')
		return msg_set(why, _("'%s' is not a heap size: use a number with k, m or g, "
				      "e.g. 512m"), value), false;
	return true;
}

static bool
check_words(const struct answer_key *k, const char *value, struct msg *why)
{
	struct strlist words = { 0 };
	bool ok = true;

	strlist_split(&words, value);
	for (size_t i = 0; ok && i < words.len; i++) {
		if (k->kind == KIND_NODES)
			ok = check_node_name(words.items[i], why);
		else if (!is_user_name(words.items[i]))
			ok = false, msg_set(why, _("'%s' is not a valid user name: start with a "
						   "letter or '_', then letters, digits, '.', '_' "
						   "or '-'"), words.items[i]);
		for (size_t j = 0; ok && j < i; j++)
			if (strcmp(words.items[i], words.items[j]) == 0)
				ok = false, msg_set(why, _("'%s' is listed twice"),
						    words.items[i]);
	}
	/* Clients are optional; brokers and SASL users are not. */
	if (ok && words.len == 0 && strcmp(k->pattern, "clients") != 0)
		ok = false, msg_set(why, _("at least one name is needed"));
	strlist_free(&words);
	return ok;
}

bool
validate_value(const struct plan *p, const char *key, const char *value, struct msg *why)
{
	const struct answer_key *k = answer_key_find(key, NULL);
	size_t chars = 0;
	long number;

	(void)p;
	if (k == NULL)
		return msg_set(why, _("unknown answer key")), false;
	if (!check_common(value, &chars, why))
		return false;
	switch (k->kind) {
	case KIND_TEXT:
		if (value[0] == '\0' || names_is_ip(value) || names_is_host(value))
			return true;
		if (names_all_digits(value, strlen(value)))
			return msg_set(why, _("'%s' is not an address (a port goes into "
					      "zookeeper.secure_port): give an IP address or a host "
					      "name, or leave it empty for every address"), value), false;
		if (strspn(value, "0123456789.") == strlen(value))
			return msg_set(why, _("'%s' is not an IP address (four numbers from 0 to 255) "
					      "and not a host name"), value), false;
		return msg_set(why, _("'%s' is neither an IP address nor a host name"), value),
		       false;
	case KIND_VERSION:
		return check_version(key, value, why);
	case KIND_NUMBER:
		if (!parse_long(value, k->min, k->max, &number))
			return msg_set(why, _("'%s' is not a whole number from %ld to %ld"), value,
				       k->min, k->max), false;
		return true;
	case KIND_PORT_OPT:
		if (value[0] == '\0')
			return true;
		/* fall through */
	case KIND_PORT:
		if (!parse_long(value, 1, 65535, &number))
			return msg_set(why, _("'%s' is not a port: use a number from 1 to 65535"),
				       value), false;
		return true;
	case KIND_HOST:
		return check_node_name(value, why);
	case KIND_NODES:
	case KIND_USERS:
		return check_words(k, value, why);
	case KIND_USER:
		if (!is_user_name(value))
			return msg_set(why, _("'%s' is not a valid user name"), value), false;
		return true;
	case KIND_PATH_OPT:
		if (value[0] == '\0')
			return true;
		/* fall through */
	case KIND_PATH:
		if (!is_path(value))
			return msg_set(why, _("'%s' is not a usable path: only letters, digits, "
					      "'.', '_', '/' and '-' (Kafka's and ZooKeeper's "
					      "scripts do not quote paths)"), value), false;
		if (k->kind == KIND_PATH && value[0] != '/')
			return msg_set(why, _("'%s' must be an absolute path"), value), false;
		if (strstr(value, "/../") != NULL || str_ends_with(value, "/.."))
			return msg_set(why, _("'%s' must not contain '..'"), value), false;
		return true;
	case KIND_SECRET:
		if (chars < MIN_PASSWORD_CHARS)
			return msg_set(why, _("a password needs at least %d characters"),
				       MIN_PASSWORD_CHARS), false;
		return true;
	case KIND_CHOICE:
		for (size_t i = 0; k->choices[i] != NULL; i++)
			if (strcmp(value, k->choices[i]) == 0)
				return true;
		{
			struct buf list;

			buf_init(&list);
			for (size_t i = 0; k->choices[i] != NULL; i++)
				buf_printf(&list, "%s%s", i ? ", " : "", k->choices[i]);
			msg_set(why, _("'%s' is not one of: %s"), value, list.data);
			buf_free(&list);
		}
		return false;
	case KIND_SUBJECT:
		return names_check_dn(value, '/', why);
	case KIND_DN:
		return names_check_dn(value, ',', why);
	case KIND_SAN:
		return names_check_san(value, why);
	case KIND_HEAP:
		return check_heap(value, why);
	case KIND_SHA512_OPT:
		if (value[0] != '\0' && !is_hex(value, 128))
			return msg_set(why, _("a SHA-512 is 128 hexadecimal digits")), false;
		return true;
	}
	return true;
}

void
problems_add(struct problems *ps, const char *message, const char *key, ...)
{
	struct problem *pr;
	va_list ap;

	ps->items = xrealloc(ps->items, (ps->len + 1) * sizeof *ps->items);
	pr = &ps->items[ps->len++];
	memset(pr, 0, sizeof *pr);
	pr->message = xstrdup(message);
	va_start(ap, key);
	for (const char *k = key; k != NULL; k = va_arg(ap, const char *))
		strlist_push(&pr->keys, k);
	va_end(ap);
}

static void
check_key(const struct plan *p, const char *key, struct problems *ps)
{
	struct msg why;

	if (!validate_value(p, key, plan_get(p, key), &why)) {
		char *text = xasprintf("%s: %s", key, why.text);

		problems_add(ps, text, key, (const char *)NULL);
		free(text);
	}
}

struct port_use {
	char key[128];
	long port;
};

static void
check_ports(const struct plan *p, const struct strlist *brokers, struct problems *ps)
{
	struct port_use *uses = xcalloc(3 * brokers->len + 3, sizeof *uses);
	size_t n = 0;

	snprintf(uses[n].key, sizeof uses[n].key, "zookeeper.secure_port");
	if (parse_long(plan_get(p, uses[n].key), 1, 65535, &uses[n].port))
		n++;
	snprintf(uses[n].key, sizeof uses[n].key, "zookeeper.client_port");
	if (parse_long(plan_get(p, uses[n].key), 1, 65535, &uses[n].port))
		n++;
	if (strcmp(plan_get(p, "zookeeper.admin_server"), "on") == 0) {
		snprintf(uses[n].key, sizeof uses[n].key, "zookeeper.admin_server");
		uses[n++].port = 8080;
	}
	for (size_t i = 0; i < brokers->len; i++) {
		snprintf(uses[n].key, sizeof uses[n].key, "broker.%s.ssl_port", brokers->items[i]);
		if (parse_long(plan_get(p, uses[n].key), 1, 65535, &uses[n].port))
			n++;
		snprintf(uses[n].key, sizeof uses[n].key, "broker.%s.sasl_ssl_port",
			 brokers->items[i]);
		if (parse_long(plan_get(p, uses[n].key), 1, 65535, &uses[n].port))
			n++;
	}
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < i; j++)
			if (uses[i].port == uses[j].port) {
				char *text = xasprintf(_("%s: port %ld is already used by %s; "
							 "every port must be different"),
						       uses[i].key, uses[i].port, uses[j].key);

				problems_add(ps, text, uses[i].key, uses[j].key,
					    (const char *)NULL);
				free(text);
				break;
			}
	free(uses);
}

/* a equals b, or one is a directory holding the other. */
static bool
paths_overlap(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	while (la > 1 && a[la - 1] == '/')
		la--;
	while (lb > 1 && b[lb - 1] == '/')
		lb--;
	if (la > lb)
		return paths_overlap(b, a);
	return strncmp(a, b, la) == 0 && (la == lb || b[la] == '/' || (la == 1 && a[0] == '/'));
}

static void
check_directories(const struct plan *p, const struct strlist *brokers, struct problems *ps)
{
	char key_i[128], key_j[128];

	for (size_t i = 0; i < brokers->len; i++) {
		const char *dir_i;

		snprintf(key_i, sizeof key_i, "broker.%s.log_dir", brokers->items[i]);
		dir_i = plan_get(p, key_i);
		if (paths_overlap(dir_i, plan_get(p, "zookeeper.data_dir"))) {
			char *text = xasprintf(_("%s: %s overlaps ZooKeeper's data directory; "
						 "keep them apart"), key_i, dir_i);

			problems_add(ps, text, key_i, "zookeeper.data_dir", (const char *)NULL);
			free(text);
		}
		for (size_t j = 0; j < i; j++) {
			snprintf(key_j, sizeof key_j, "broker.%s.log_dir", brokers->items[j]);
			if (paths_overlap(dir_i, plan_get(p, key_j))) {
				char *text = xasprintf(_("%s: %s overlaps the log directory of %s; "
							 "each broker needs its own"),
						       key_i, dir_i, brokers->items[j]);

				problems_add(ps, text, key_i, key_j, (const char *)NULL);
				free(text);
			}
		}
	}
}

static void
check_numbers(const struct plan *p, const struct strlist *brokers, struct problems *ps)
{
	static const char *const factors[] = {
		"offsets.replication_factor", "transactions.replication_factor",
	};
	long rf, isr, id, other;
	char key_i[128], key_j[128];

	/* With no valid broker the list's own problem says all there is to say. */
	for (size_t i = 0; brokers->len > 0 && i < ARRAY_SIZE(factors); i++)
		if (parse_long(plan_get(p, factors[i]), 1, 1000, &rf) && (size_t)rf > brokers->len) {
			char *text = xasprintf(_("%s: %ld is more than the %zu broker(s); use at "
						 "most %zu"), factors[i], rf, brokers->len,
					       brokers->len);

			problems_add(ps, text, factors[i], "brokers", (const char *)NULL);
			free(text);
		}
	if (parse_long(plan_get(p, "transactions.min_isr"), 1, 1000, &isr) &&
	    parse_long(plan_get(p, "transactions.replication_factor"), 1, 1000, &rf) &&
	    isr > rf) {
		char *text = xasprintf(_("transactions.min_isr: %ld is more than the replication "
					 "factor %ld; use at most %ld"), isr, rf, rf);

		problems_add(ps, text, "transactions.min_isr", "transactions.replication_factor",
			    (const char *)NULL);
		free(text);
	}
	for (size_t i = 0; i < brokers->len; i++) {
		snprintf(key_i, sizeof key_i, "broker.%s.id", brokers->items[i]);
		if (!parse_long(plan_get(p, key_i), 0, 1000000, &id))
			continue;
		for (size_t j = 0; j < i; j++) {
			snprintf(key_j, sizeof key_j, "broker.%s.id", brokers->items[j]);
			if (parse_long(plan_get(p, key_j), 0, 1000000, &other) && other == id) {
				char *text = xasprintf(_("%s: id %ld is already %s's; broker ids "
							 "must be unique"), key_i, id,
						       brokers->items[j]);

				problems_add(ps, text, key_i, key_j, (const char *)NULL);
				free(text);
			}
		}
	}
}

static void
check_names(const struct plan *p, struct problems *ps)
{
	struct strlist nodes = { 0 }, users = { 0 };
	static const char *const user_keys[] = { "sasl.consumer_user", "sasl.producer_user" };

	plan_get_nodes(p, &nodes);
	for (size_t i = 0; i < nodes.len; i++)
		for (size_t j = 0; j < i; j++)
			if (strcmp(nodes.items[i], nodes.items[j]) == 0) {
				char *text = xasprintf(_("'%s' names two nodes; ZooKeeper, brokers "
							 "and clients need distinct names (their "
							 "files are named after them)"),
						       nodes.items[i]);

				problems_add(ps, text, "zookeeper.host", "brokers", "clients",
					    (const char *)NULL);
				free(text);
			}
	plan_get_list(p, "sasl.users", &users);
	for (size_t i = 0; i < ARRAY_SIZE(user_keys); i++) {
		const char *user = plan_get(p, user_keys[i]);

		if (is_user_name(user) && !strlist_contains(&users, user)) {
			char *text = xasprintf(_("%s: '%s' is not one of sasl.users"), user_keys[i],
					       user);

			problems_add(ps, text, user_keys[i], "sasl.users", (const char *)NULL);
			free(text);
		}
	}
	strlist_free(&nodes);
	strlist_free(&users);
}

static void
check_orphans(const struct plan *p, const struct strlist *brokers, struct problems *ps)
{
	struct strlist answered = { 0 }, users = { 0 };
	char star[ZK_NAME_MAX + 1];

	plan_get_list(p, "sasl.users", &users);
	plan_answered_keys(p, &answered);
	for (size_t i = 0; i < answered.len; i++) {
		const struct answer_key *k = answer_key_find(answered.items[i], star);
		const char *list = NULL;

		if (k == NULL || strchr(k->pattern, '*') == NULL ||
		    plan_is_stale_pin(p, answered.items[i]))
			continue;
		if (str_starts_with(k->pattern, "broker.") && !strlist_contains(brokers, star))
			list = "brokers";
		else if (str_starts_with(k->pattern, "sasl.password.") &&
			 !strlist_contains(&users, star))
			list = "sasl.users";
		if (list != NULL) {
			char *text = xasprintf(_("%s: '%s' is not in %s"), answered.items[i], star,
					       list);

			problems_add(ps, text, answered.items[i], list, (const char *)NULL);
			free(text);
		}
	}
	strlist_free(&answered);
	strlist_free(&users);
}

static void
refuse_store_type(struct problems *ps, const char *store_type, const char *program,
		  const char *version, const char *version_key, const struct strlist *types)
{
	struct buf readable;
	char *text;

	buf_init(&readable);
	for (size_t i = 0; i < types->len; i++)
		buf_printf(&readable, "%s%s", i ? ", " : "", types->items[i]);
	text = xasprintf(_("store.type: %s %s cannot read %s stores; it reads %s"), program,
			 version, store_type, readable.data ? readable.data : "");
	problems_add(ps, text, "store.type", version_key, (const char *)NULL);
	free(text);
	buf_free(&readable);
}

/* Drops the names that are not node names (or user names) from the list. */
static void
keep_valid_names(struct strlist *names, bool nodes)
{
	size_t kept = 0;

	for (size_t i = 0; i < names->len; i++) {
		const char *name = names->items[i];
		bool ok = strlen(name) <= ZK_NAME_MAX &&
			  (nodes ? is_dns_label(name) && !names_all_digits(name, strlen(name))
				 : is_user_name(name));

		if (ok)
			names->items[kept++] = names->items[i];
		else
			free(names->items[i]);
	}
	names->len = kept;
}

/* Java refuses non-ASCII passwords on PKCS#12 and PEM stores ("Password is not ASCII"). */
static void
check_store_password(const struct plan *p, struct problems *ps)
{
	const char *type = plan_get(p, "store.type");
	const unsigned char *pw = (const unsigned char *)plan_get(p, "store.password");

	if (strcmp(type, "jks") == 0)
		return;
	for (; *pw != '\0'; pw++)
		if (*pw >= 0x80) {
			char *text = xasprintf(_("store.password: %s stores need an ASCII password "
						 "(Java refuses others); use jks or ASCII "
						 "characters only"), type);

			problems_add(ps, text, "store.password", "store.type", (const char *)NULL);
			free(text);
			return;
		}
}

static void
check_releases(const struct plan *p, struct problems *ps)
{
	const char *zk_version = plan_get(p, "zookeeper.version");
	const char *kafka_version = plan_get(p, "kafka.version");
	const char *store_type = plan_get(p, "store.type");
	const char *tls_since = catalog_zookeeper_tls_since();
	struct strlist types = { 0 };

	if (!is_version(zk_version) || !is_version(kafka_version))
		return;
	if (tls_since != NULL && version_compare(zk_version, tls_since) < 0) {
		char *text = xasprintf(_("zookeeper.version: ZooKeeper %s has no TLS; use %s or "
					 "later"), zk_version, tls_since);

		problems_add(ps, text, "zookeeper.version", (const char *)NULL);
		free(text);
	}
	if (catalog_store_types("zookeeper", zk_version, &types) &&
	    !strlist_contains(&types, store_type))
		refuse_store_type(ps, store_type, "ZooKeeper", zk_version, "zookeeper.version", &types);
	strlist_free(&types);
	if (catalog_store_types("kafka", kafka_version, &types) &&
	    !strlist_contains(&types, store_type))
		refuse_store_type(ps, store_type, "Kafka", kafka_version, "kafka.version", &types);
	strlist_free(&types);
}

void
validate_plan(const struct plan *p, struct problems *out)
{
	struct strlist brokers = { 0 }, users = { 0 }, answered = { 0 }, nodes = { 0 };

	out->items = NULL;
	out->len = 0;
	for (size_t i = 0; i < answer_key_count; i++)
		if (strchr(answer_keys[i].pattern, '*') == NULL)
			check_key(p, answer_keys[i].pattern, out);
	plan_get_list(p, "brokers", &brokers);
	/*
	 * Only valid names have per-name answers: an invalid one is reported
	 * once, on the list itself (check_key above).
	 */
	keep_valid_names(&brokers, true);
	for (size_t i = 0; i < brokers.len; i++) {
		static const char *const suffixes[] = { "id", "ssl_port", "sasl_ssl_port",
							 "log_dir" };

		for (size_t j = 0; j < ARRAY_SIZE(suffixes); j++) {
			char key[128];

			snprintf(key, sizeof key, "broker.%s.%s", brokers.items[i], suffixes[j]);
			check_key(p, key, out);
		}
	}
	plan_get_list(p, "sasl.users", &users);
	keep_valid_names(&users, false);
	for (size_t i = 0; i < users.len; i++) {
		char key[128];

		snprintf(key, sizeof key, "sasl.password.%s", users.items[i]);
		check_key(p, key, out);
	}
	check_orphans(p, &brokers, out);
	check_names(p, out);
	check_ports(p, &brokers, out);
	check_directories(p, &brokers, out);
	check_numbers(p, &brokers, out);
	check_releases(p, out);
	plan_get_nodes(p, &nodes);
	keep_valid_names(&nodes, true);
	names_check_pki(p, &nodes, out);
	strlist_free(&nodes);
	check_store_password(p, out);
	strlist_free(&brokers);
	strlist_free(&users);
	strlist_free(&answered);
}

const struct problem *
problems_find(const struct problems *ps, const char *key)
{
	for (size_t i = 0; i < ps->len; i++)
		if (strlist_contains(&ps->items[i].keys, key))
			return &ps->items[i];
	return NULL;
}

void
problems_free(struct problems *ps)
{
	for (size_t i = 0; i < ps->len; i++) {
		strlist_free(&ps->items[i].keys);
		free(ps->items[i].message);
	}
	free(ps->items);
	ps->items = NULL;
	ps->len = 0;
}
