/* Names for the PKI: the OpenSSL and RFC 2253 notations, Java's getName() form, and SAN lists. */
#include <config.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <sys/socket.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "i18n.h"
#include "keystore.h"
#include "pki.h"

/* ------------------------------------------------------------ names */

/* The keywords Java's getName() prints; any other type comes out as an OID and #hex. */
static const struct {
	const char *keyword;
	int nid;
} rfc2253_keywords[] = {
	{ "CN", NID_commonName },
	{ "C", NID_countryName },
	{ "L", NID_localityName },
	{ "ST", NID_stateOrProvinceName },
	{ "O", NID_organizationName },
	{ "OU", NID_organizationalUnitName },
	{ "STREET", NID_streetAddress },
	{ "DC", NID_domainComponent },
	{ "UID", NID_userId },
};

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Reads one value up to an unescaped character of stops, undoing backslash
 * escapes: "\X" is X, and in RFC 2253 "\HH" is the byte HH.
 */
static char *
read_value(const char **pos, const char *stops, bool hex_pairs)
{
	struct buf v;
	const char *s = *pos;

	buf_init(&v);
	while (*s != '\0' && strchr(stops, *s) == NULL) {
		if (*s == '\\' && s[1] != '\0') {
			if (hex_pairs && hex_value(s[1]) >= 0 && s[2] != '\0' && hex_value(s[2]) >= 0) {
				buf_addc(&v, (char)(hex_value(s[1]) * 16 + hex_value(s[2])));
				s += 3;
			} else {
				buf_addc(&v, s[1]);
				s += 2;
			}
			continue;
		}
		buf_addc(&v, *s++);
	}
	*pos = s;
	if (v.data == NULL)
		buf_adds(&v, "");
	return buf_steal(&v, NULL);
}

static int
add_entry(X509_NAME *name, int nid, const char *value, bool same_rdn, const char *field,
	  struct msg *err)
{
	if (*value == '\0')
		return msg_set(err, _("%s has no value"), field);
	/* UTF-8 in, and the string type OpenSSL's table gives the attribute (C: PrintableString). */
	if (!X509_NAME_add_entry_by_NID(name, nid, MBSTRING_UTF8, (const unsigned char *)value,
					-1, -1, same_rdn ? -1 : 0)) {
		ERR_clear_error();
		return msg_set(err, _("\"%s\" is not a valid value for %s"), value, field);
	}
	return 0;
}

/* OpenSSL's -subj names any attribute OpenSSL knows. */
static int
subject_nid(const char *type, struct msg *err)
{
	int nid = OBJ_txt2nid(type);

	if (nid == NID_undef)
		msg_set(err, _("unknown attribute type \"%s\" (use C, ST, L, O, OU, CN, ...)"), type);
	return nid;
}

/* keytool's -dname: only the keywords Java prints back by name. */
static int
java_nid(const char *type, struct msg *err)
{
	for (size_t k = 0; k < ARRAY_SIZE(rfc2253_keywords); k++)
		if (strcmp(type, rfc2253_keywords[k].keyword) == 0)
			return rfc2253_keywords[k].nid;
	msg_set(err, _("\"%s\" is not one of the attribute types Java prints by name (CN, OU, "
		       "O, L, ST, C, STREET, DC, UID; upper case)"), type);
	return NID_undef;
}

/*
 * One RDN, TYPE=VALUE[+TYPE=VALUE...], from *pos up to a character of stops
 * other than '+'; lookup names the types.  Returns 0 or -1 with err set.
 */
static int
add_rdn(X509_NAME *name, const char **pos, const char *stops, bool hex_pairs,
	int (*lookup)(const char *type, struct msg *err), struct msg *err)
{
	const char *s = *pos;
	bool same_rdn = false;

	for (;;) {
		const char *eq = strchr(s, '=');
		char *type, *value;
		int nid, rc;

		if (eq == NULL)
			return msg_set(err, _("\"%s\" is not TYPE=VALUE"), s);
		type = xstrndup(s, (size_t)(eq - s));
		nid = lookup(type, err);
		if (nid == NID_undef) {
			free(type);
			return -1;
		}
		s = eq + 1;
		value = read_value(&s, stops, hex_pairs);
		rc = add_entry(name, nid, value, same_rdn, type, err);
		free(type);
		free(value);
		if (rc < 0)
			return -1;
		if (*s != '+')
			break;
		s++;
		same_rdn = true;
	}
	*pos = s;
	return 0;
}

X509_NAME *
pki_parse_subject(const char *text, struct msg *err)
{
	X509_NAME *name = X509_NAME_new();
	const char *s = text;

	if (name == NULL)
		abort();
	if (*s != '/') {
		msg_set(err, _("must start with \"/\", like /C=DE/O=juplo/CN=Root-CA"));
		goto fail;
	}
	s++;
	while (*s != '\0') {
		if (add_rdn(name, &s, "/+", false, subject_nid, err) != 0)
			goto fail;
		if (*s == '/')
			s++;
	}
	if (X509_NAME_entry_count(name) == 0) {
		msg_set(err, _("the name is empty"));
		goto fail;
	}
	return name;
fail:
	X509_NAME_free(name);
	return NULL;
}

/* The name as it comes back from its DER encoding, where SET OF order is sorted. */
static X509_NAME *
name_roundtrip(const X509_NAME *name)
{
	unsigned char *der = NULL;
	const unsigned char *p;
	int len = i2d_X509_NAME(name, &der);
	X509_NAME *copy;

	if (len <= 0)
		return NULL;
	p = der;
	copy = d2i_X509_NAME(NULL, &p, len);
	OPENSSL_free(der);
	return copy;
}

X509_NAME *
pki_parse_dn(const char *text, struct msg *err)
{
	X509_NAME *name = X509_NAME_new();
	X509_NAME *encoded = NULL;
	struct strlist rdns = { NULL, 0 };
	const char *s = text;
	struct buf java;

	buf_init(&java);
	if (name == NULL)
		abort();
	/* RFC 2253 lists the last RDN first: collect, then add them in reverse. */
	while (*s != '\0') {
		const char *start = s;

		while (*s != '\0' && *s != ',') {
			if (*s == '\\' && s[1] != '\0')
				s++;
			s++;
		}
		{
			char *rdn = xstrndup(start, (size_t)(s - start));

			strlist_push(&rdns, rdn);
			free(rdn);
		}
		if (*s == ',')
			s++;
	}
	for (size_t i = rdns.len; i-- > 0;) {
		const char *r = rdns.items[i];

		if (add_rdn(name, &r, "+", true, java_nid, err) != 0)
			goto fail;
	}
	if (X509_NAME_entry_count(name) == 0) {
		msg_set(err, _("the name is empty"));
		goto fail;
	}
	encoded = name_roundtrip(name);
	if (encoded == NULL) {
		msg_set(err, _("the name cannot be encoded"));
		goto fail;
	}
	pki_name_java(encoded, &java);
	if (strcmp(java.data, text) != 0) {
		msg_set(err, _("Java would report this name as \"%s\"; write it exactly so, since "
			       "that string is the node's identity"), java.data);
		goto fail;
	}
	buf_free(&java);
	strlist_free(&rdns);
	X509_NAME_free(name);
	return encoded;
fail:
	buf_free(&java);
	strlist_free(&rdns);
	X509_NAME_free(encoded);
	X509_NAME_free(name);
	return NULL;
}

/* One value escaped as Java's sun.security.x509.AVA.toRFC2253String does. */
static void
java_escape_value(const unsigned char *v, size_t n, struct buf *out)
{
	static const char escapees[] = ",=+<>#;\"\\";
	struct buf tmp;
	size_t lead, trail;

	buf_init(&tmp);
	buf_adds(&tmp, "");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = v[i];

		if (c == '\0') {
			buf_adds(&tmp, "\\00");
			continue;
		}
		if (strchr(escapees, c) != NULL)
			buf_addc(&tmp, '\\');
		buf_addc(&tmp, (char)c);
	}
	/* Then leading and trailing blanks (and CRs) get a backslash each. */
	for (lead = 0; lead < tmp.len && (tmp.data[lead] == ' ' || tmp.data[lead] == '\r'); lead++)
		;
	for (trail = tmp.len; trail > lead
	     && (tmp.data[trail - 1] == ' ' || tmp.data[trail - 1] == '\r'); trail--)
		;
	for (size_t i = 0; i < tmp.len; i++) {
		if (i < lead || i >= trail)
			buf_addc(out, '\\');
		buf_addc(out, tmp.data[i]);
	}
	buf_free(&tmp);
}

static const char *
java_keyword(int nid)
{
	for (size_t k = 0; k < ARRAY_SIZE(rfc2253_keywords); k++)
		if (rfc2253_keywords[k].nid == nid)
			return rfc2253_keywords[k].keyword;
	return NULL;
}

/* Java's AVA.isDerString(value, false): the types it prints as text. */
static bool
java_prints_as_text(int type)
{
	return type == V_ASN1_PRINTABLESTRING || type == V_ASN1_T61STRING
	       || type == V_ASN1_IA5STRING || type == V_ASN1_GENERALSTRING
	       || type == V_ASN1_BMPSTRING || type == V_ASN1_UTF8STRING;
}

static void
java_ava(const X509_NAME_ENTRY *e, struct buf *out)
{
	const ASN1_OBJECT *obj = X509_NAME_ENTRY_get_object(e);
	const ASN1_STRING *v = X509_NAME_ENTRY_get_data(e);
	const char *keyword = java_keyword(OBJ_obj2nid(obj));
	unsigned char *utf8 = NULL;
	int len;

	if (keyword != NULL && java_prints_as_text(ASN1_STRING_type(v))
	    && (len = ASN1_STRING_to_UTF8(&utf8, v)) >= 0) {
		buf_printf(out, "%s=", keyword);
		java_escape_value(utf8, (size_t)len, out);
		OPENSSL_free(utf8);
	} else {
		/* Unknown types print as OID=#hex of the value's DER. */
		char oid[128];
		unsigned char *der = NULL;
		ASN1_TYPE *t = ASN1_TYPE_new();
		int der_len = -1;

		OBJ_obj2txt(oid, sizeof oid, obj, 1);
		buf_printf(out, "%s=#", oid);
		if (t != NULL && ASN1_TYPE_set1(t, ASN1_STRING_type(v), v))
			der_len = i2d_ASN1_TYPE(t, &der);
		for (int b = 0; b < der_len; b++)
			buf_printf(out, "%02x", der[b]);
		OPENSSL_free(der);
		ASN1_TYPE_free(t);
	}
}

void
pki_name_java(const X509_NAME *name, struct buf *out)
{
	int end = X509_NAME_entry_count(name);

	buf_adds(out, "");
	/* RDNs last first; the AVAs of a multi-valued RDN in their encoded order. */
	while (end > 0) {
		int set = X509_NAME_ENTRY_set(X509_NAME_get_entry(name, end - 1));
		int start = end - 1;

		while (start > 0 && X509_NAME_ENTRY_set(X509_NAME_get_entry(name, start - 1)) == set)
			start--;
		if (end < X509_NAME_entry_count(name))
			buf_addc(out, ',');
		for (int i = start; i < end; i++) {
			if (i > start)
				buf_addc(out, '+');
			java_ava(X509_NAME_get_entry(name, i), out);
		}
		end = start;
	}
}

void
pki_name_openssl(const X509_NAME *name, struct buf *out)
{
	int n = X509_NAME_entry_count(name);

	buf_adds(out, "");
	for (int i = 0; i < n; i++) {
		const X509_NAME_ENTRY *e = X509_NAME_get_entry(name, i);
		int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(e));
		unsigned char *utf8 = NULL;
		int len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(e));
		bool same_rdn = i > 0 && X509_NAME_ENTRY_set(X509_NAME_get_entry(name, i - 1))
					 == X509_NAME_ENTRY_set(e);

		buf_printf(out, "%s%s=", same_rdn ? "+" : "/",
			   nid != NID_undef ? OBJ_nid2sn(nid) : "?");
		for (int c = 0; c < len; c++) {
			if (utf8[c] == '/' || utf8[c] == '+' || utf8[c] == '\\')
				buf_addc(out, '\\');
			buf_addc(out, (char)utf8[c]);
		}
		OPENSSL_free(utf8);
	}
}

/* ------------------------------------------------------------ SANs */

char *
pki_expand_name(const char *text, const char *name)
{
	static const char placeholder[] = "{name}";
	struct buf out;
	const char *s = text, *hit;

	buf_init(&out);
	while ((hit = strstr(s, placeholder)) != NULL) {
		buf_add(&out, s, (size_t)(hit - s));
		buf_adds(&out, name);
		s = hit + strlen(placeholder);
	}
	buf_adds(&out, s);
	return buf_steal(&out, NULL);
}

GENERAL_NAMES *
pki_parse_san(const char *text, struct msg *err)
{
	GENERAL_NAMES *names = GENERAL_NAMES_new();
	struct strlist items = { NULL, 0 };

	if (names == NULL)
		abort();
	strlist_split(&items, text);
	for (size_t i = 0; i < items.len; i++) {
		const char *item = items.items[i];
		GENERAL_NAME *gn = GENERAL_NAME_new();

		if (gn == NULL)
			abort();
		if (str_starts_with(item, "DNS:") && item[4] != '\0') {
			ASN1_IA5STRING *ia5 = ASN1_IA5STRING_new();

			if (ia5 == NULL || !ASN1_STRING_set(ia5, item + 4, -1))
				abort();
			GENERAL_NAME_set0_value(gn, GEN_DNS, ia5);
		} else if (str_starts_with(item, "IP:")) {
			ASN1_OCTET_STRING *ip = a2i_IPADDRESS(item + 3);

			if (ip == NULL) {
				ERR_clear_error();
				GENERAL_NAME_free(gn);
				msg_set(err, _("\"%s\" is not an IP address"), item + 3);
				goto fail;
			}
			GENERAL_NAME_set0_value(gn, GEN_IPADD, ip);
		} else {
			GENERAL_NAME_free(gn);
			msg_set(err, _("\"%s\" is neither DNS:NAME nor IP:ADDRESS"), item);
			goto fail;
		}
		sk_GENERAL_NAME_push(names, gn);
	}
	if (sk_GENERAL_NAME_num(names) == 0) {
		msg_set(err, _("no subject alternative name"));
		goto fail;
	}
	strlist_free(&items);
	return names;
fail:
	strlist_free(&items);
	GENERAL_NAMES_free(names);
	return NULL;
}

void
pki_san_text(const GENERAL_NAMES *san, struct buf *out)
{
	buf_adds(out, "");
	for (int i = 0; i < sk_GENERAL_NAME_num(san); i++) {
		const GENERAL_NAME *gn = sk_GENERAL_NAME_value(san, i);
		int type;
		const ASN1_STRING *value = GENERAL_NAME_get0_value(gn, &type);
		char ip[INET6_ADDRSTRLEN];

		if (i > 0)
			buf_addc(out, ',');
		if (type == GEN_DNS) {
			buf_adds(out, "DNS:");
			buf_add(out, ASN1_STRING_get0_data(value), (size_t)ASN1_STRING_length(value));
		} else if (type == GEN_IPADD && (ASN1_STRING_length(value) == 4
						 || ASN1_STRING_length(value) == 16)) {
			inet_ntop(ASN1_STRING_length(value) == 4 ? AF_INET : AF_INET6,
				  ASN1_STRING_get0_data(value), ip, sizeof ip);
			buf_printf(out, "IP:%s", ip);
		} else {
			buf_adds(out, "?");
		}
	}
}
