/*
 * Host names, SAN lists and distinguished names: the part of validation that
 * knows DNS and X.509, and checks what the PKI steps will make of cert.dn,
 * cert.san and ca.subject before anything is written.
 */
#include <config.h>

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "pki.h"
#include "validate_names.h"

bool
names_all_digits(const char *s, size_t n)
{
	return n > 0 && strspn(s, "0123456789") >= n;
}

bool
names_is_ip(const char *s)
{
	unsigned char addr[16];

	return inet_pton(AF_INET, s, addr) == 1 || inet_pton(AF_INET6, s, addr) == 1;
}

/*
 * A host name: labels of [A-Za-z0-9-], at most 253 characters.  The last
 * label must not be all digits, or the resolver reads the whole as an IPv4
 * address (999.1.1.1, 1.2.3.4.5 and 2183 are none of the two).
 */
bool
names_is_host(const char *s)
{
	const char *label = s;
	size_t len = strlen(s);

	if (len == 0 || len > 253)
		return false;
	for (;;) {
		size_t n = strcspn(label, ".");

		if (n == 0 || n > 63 || label[0] == '-' || label[n - 1] == '-' ||
		    strspn(label, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-") <
			    n)
			return false;
		if (label[n] == '\0')
			return !names_all_digits(label, n);
		label += n + 1;
	}
}

/* A DNS name for a SAN: a host name, a leading "*." allowed, {name} as a whole label. */
static bool
is_san_dns(const char *s)
{
	char *expanded;
	bool ok = true;

	if (str_starts_with(s, "*."))
		s += 2;
	for (const char *at = strstr(s, "{name}"); ok && at != NULL; at = strstr(at + 6, "{name}"))
		ok = (at == s || at[-1] == '.') && (at[6] == '\0' || at[6] == '.');
	/* Node names are host-name labels: any one stands for {name} here. */
	expanded = pki_expand_name(s, "node");
	ok = ok && names_is_host(expanded);
	free(expanded);
	return ok;
}

bool
names_check_san(const char *value, struct msg *why)
{
	const char *entry = value;

	if (value[0] == '\0')
		return msg_set(why, _("at least one entry is needed, e.g. DNS:{name}")), false;
	for (;;) {
		size_t n = strcspn(entry, ",");
		char *item = xstrndup(entry, n);
		bool ok;

		if (n == 0) {
			free(item);
			return msg_set(why, _("an empty entry (a comma at the start or end, or two "
					      "in a row): separate DNS:name and IP:address entries "
					      "by single commas")), false;
		}
		if (str_starts_with(item, "DNS:"))
			ok = is_san_dns(item + 4);
		else if (str_starts_with(item, "IP:"))
			ok = names_is_ip(item + 3);
		else
			ok = false;
		if (!ok) {
			if (str_starts_with(item, "DNS:") && names_is_ip(item + 4))
				msg_set(why, _("'%s' is an address: write it as IP:%s"), item, item + 4);
			else
				msg_set(why, _("'%s' is not a SAN entry: use DNS:name or IP:address, "
					       "separated by commas without spaces"), item);
			free(item);
			return false;
		}
		free(item);
		if (entry[n] == '\0')
			return true;
		entry += n + 1;
	}
}

/* Attribute types Java prints by name in RFC 2253 form; others come back as OIDs. */
static const char *const dn_attributes[] = {
	"CN", "OU", "O", "L", "ST", "C", "DC", "STREET", "UID", NULL,
};

static bool
known_attribute(const char *type, size_t n)
{
	for (size_t i = 0; dn_attributes[i] != NULL; i++)
		if (strlen(dn_attributes[i]) == n && strncmp(dn_attributes[i], type, n) == 0)
			return true;
	return false;
}

/*
 * A DN as separator-delimited type=value pairs.  Characters that RFC 2253 (or
 * OpenSSL's -subj) would escape are refused rather than escaped, so the string
 * Java reports is exactly the answer.
 */
/* X.509's upper bounds (RFC 5280, appendix A), in characters; C is checked apart. */
static const struct {
	const char *type;
	size_t max;
} dn_bounds[] = {
	{ "CN", 64 }, { "O", 64 }, { "OU", 64 }, { "L", 128 }, { "ST", 128 },
};

static size_t
utf8_chars(const char *s, size_t n)
{
	size_t chars = 0;

	for (size_t i = 0; i < n; i++)
		chars += ((unsigned char)s[i] & 0xc0) != 0x80;
	return chars;
}

/*
 * OpenSSL refuses a value over its attribute's bound: the CA would not be
 * made (and a node's certificate not signed).  A value holding {name} is
 * measured once the node's name is in it.
 */
static bool
check_dn_bound(const char *type, size_t type_len, const char *value, size_t value_len,
	       struct msg *why)
{
	size_t chars = utf8_chars(value, value_len);

	if (memmem(value, value_len, "{name}", 6) != NULL)
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(dn_bounds); i++)
		if (strlen(dn_bounds[i].type) == type_len &&
		    strncmp(dn_bounds[i].type, type, type_len) == 0 && chars > dn_bounds[i].max)
			return msg_set(why, _("%.*s may have at most %zu characters (X.509's upper "
					      "bound); this one has %zu"), (int)type_len, type,
				       dn_bounds[i].max, chars), false;
	return true;
}

bool
names_check_dn(const char *value, char separator, struct msg *why)
{
	const char *p = value;
	bool has_cn = false;

	if (separator == '/') {
		if (*p != '/')
			return msg_set(why, _("begin with '/', as in /C=DE/O=juplo/CN=Root-CA")),
			       false;
		p++;
	}
	while (*p != '\0') {
		size_t part = strcspn(p, separator == '/' ? "/" : ",");
		const char *eq = memchr(p, '=', part);
		size_t type_len, value_len;
		const char *attr_value;

		if (eq == NULL)
			return msg_set(why, _("'%.*s' is not TYPE=value"), (int)part, p), false;
		type_len = (size_t)(eq - p);
		attr_value = eq + 1;
		value_len = part - type_len - 1;
		if (!known_attribute(p, type_len))
			return msg_set(why, _("unknown attribute '%.*s': use CN, OU, O, L, ST, C, DC, "
					      "STREET or UID"), (int)type_len, p), false;
		if (value_len == 0 || attr_value[0] == ' ' || attr_value[value_len - 1] == ' ')
			return msg_set(why, _("%.*s needs a value without leading or trailing "
					      "spaces"), (int)type_len, p), false;
		for (size_t i = 0; i < value_len; i++)
			/* '#' is left to check_node_dns, which says how Java prints it. */
			if (strchr(",+\"\\<>;=/", attr_value[i]) != NULL)
				return msg_set(why, _("%.*s: the character '%c' is not allowed in a "
						      "name here"), (int)type_len, p, attr_value[i]),
				       false;
		if (type_len == 1 && p[0] == 'C' &&
		    (value_len != 2 || strspn(attr_value, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") < 2))
			return msg_set(why, _("C must be a two-letter country code, e.g. C=DE")),
			       false;
		if (!check_dn_bound(p, type_len, attr_value, value_len, why))
			return false;
		if (type_len == 2 && strncmp(p, "CN", 2) == 0)
			has_cn = true;
		p += part;
		if (*p != '\0') {
			p++;
			if (*p == '\0')
				return msg_set(why, _("the name ends with a separator")), false;
		}
	}
	if (!has_cn)
		return msg_set(why, _("a CN is needed, e.g. CN={name}")), false;
	return true;
}

/*
 * The exact string Java reports for each node's certificate is its ZooKeeper
 * identity: the PKI's own parser decides whether Java would give it back.
 */
static void
check_node_dns(const struct plan *p, const struct strlist *nodes, struct problems *ps)
{
	struct msg why;

	if (!validate_value(p, "cert.dn", plan_get(p, "cert.dn"), &why))
		return;
	for (size_t i = 0; i < nodes->len; i++) {
		char *dn = pki_expand_name(plan_get(p, "cert.dn"), nodes->items[i]);
		X509_NAME *name = names_check_dn(dn, ',', &why) ? pki_parse_dn(dn, &why) : NULL;

		free(dn);
		if (name == NULL) {
			char *text = xasprintf(_("cert.dn: for node %s: %s"), nodes->items[i],
					       why.text);

			problems_add(ps, text, "cert.dn", (const char *)NULL);
			free(text);
			break;
		}
		X509_NAME_free(name);
	}
}

/* Pure clients are reached by nobody; every other node by its name, which its SANs must hold. */
static bool
reached_by_name(const struct plan *p, const char *node)
{
	struct strlist brokers = { 0 };
	bool reached;

	if (strcmp(node, plan_get(p, "zookeeper.host")) == 0)
		return true;
	plan_get_list(p, "brokers", &brokers);
	reached = strlist_contains(&brokers, node);
	strlist_free(&brokers);
	return reached;
}

/* What the certs step makes of cert.san for each node, checked before anything is written. */
static void
check_node_sans(const struct plan *p, const struct strlist *nodes, struct problems *ps)
{
	const char *san = plan_get(p, "cert.san");
	struct msg why;

	if (!validate_value(p, "cert.san", san, &why))
		return;
	for (size_t i = 0; i < nodes->len; i++) {
		char *expanded = pki_expand_name(san, nodes->items[i]);
		char *own = xasprintf("DNS:%s", nodes->items[i]);
		struct strlist items = { 0 };
		GENERAL_NAMES *names = NULL;
		char *text = NULL;

		strlist_split(&items, expanded);
		if (!names_check_san(expanded, &why) || (names = pki_parse_san(expanded, &why)) == NULL)
			text = xasprintf(_("cert.san: for node %s: %s"), nodes->items[i], why.text);
		else if (reached_by_name(p, nodes->items[i]) && !strlist_contains(&items, own))
			text = strstr(san, "{name}") == NULL
				       ? xasprintf(_("cert.san: without {name} every node gets the "
						     "same names, and the certificate of %s lacks "
						     "%s, the name the configs reach it by; add "
						     "DNS:{name}"), nodes->items[i], own)
				       : xasprintf(_("cert.san: the certificate of %s must carry %s, "
						     "the name the configs reach it by; add "
						     "DNS:{name}"), nodes->items[i], own);
		GENERAL_NAMES_free(names);
		strlist_free(&items);
		free(own);
		free(expanded);
		if (text != NULL) {
			problems_add(ps, text, "cert.san", (const char *)NULL);
			free(text);
			return;
		}
	}
}

/* The CA's subject as the ca step will make it: OpenSSL's refusals come first here. */
static void
check_ca_subject(const struct plan *p, struct problems *ps)
{
	const char *subject = plan_get(p, "ca.subject");
	X509_NAME *name;
	struct msg why;

	if (strcmp(plan_get(p, "ca.mode"), "create") != 0 ||
	    !validate_value(p, "ca.subject", subject, &why))
		return;
	name = pki_parse_subject(subject, &why);
	if (name == NULL) {
		char *text = xasprintf(_("ca.subject: %s"), why.text);

		problems_add(ps, text, "ca.subject", (const char *)NULL);
		free(text);
	}
	X509_NAME_free(name);
}

void
names_check_pki(const struct plan *p, const struct strlist *nodes, struct problems *ps)
{
	check_ca_subject(p, ps);
	check_node_dns(p, nodes, ps);
	check_node_sans(p, nodes, ps);
}
