#include <config.h>

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <signal.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "i18n.h"
#include "keystore.h"
#include "pki.h"

/* ------------------------------------------------------------ key types */

static const struct {
	const char *name;
	const char *text;
	const char *algorithm;
	unsigned bits;
	const char *group;
} key_types[] = {
	[KEY_RSA2048] = { "rsa2048", N_("RSA 2048-bit"), "RSA", 2048, NULL },
	[KEY_RSA3072] = { "rsa3072", N_("RSA 3072-bit"), "RSA", 3072, NULL },
	[KEY_RSA4096] = { "rsa4096", N_("RSA 4096-bit"), "RSA", 4096, NULL },
	[KEY_EC_P256] = { "ec-p256", N_("EC P-256"), "EC", 256, "P-256" },
	[KEY_EC_P384] = { "ec-p384", N_("EC P-384"), "EC", 384, "P-384" },
};

int
key_type_parse(const char *text, enum key_type *out)
{
	for (size_t i = 0; text != NULL && i < ARRAY_SIZE(key_types); i++)
		if (strcmp(text, key_types[i].name) == 0) {
			*out = (enum key_type)i;
			return 0;
		}
	return -1;
}

const char *
key_type_describe(enum key_type t)
{
	return _(key_types[t].text);
}

bool
key_is_type(const EVP_PKEY *key, enum key_type t)
{
	char group[64];
	size_t len = 0;

	if (!EVP_PKEY_is_a(key, key_types[t].algorithm))
		return false;
	if (key_types[t].group == NULL)
		return EVP_PKEY_get_bits(key) == (int)key_types[t].bits;
	if (!EVP_PKEY_get_group_name(key, group, sizeof group, &len))
		return false;
	return OBJ_txt2nid(group) == EC_curve_nist2nid(key_types[t].group);
}

/* ------------------------------------------------------------ key pool */

enum job_state {
	JOB_QUEUED,
	JOB_RUNNING,
	JOB_DONE,
	JOB_FAILED,
};

struct keygen_job {
	enum key_type type;
	enum job_state state;
	atomic_bool abandoned;  /* nobody wants it any more: free it when it finishes */
	EVP_PKEY *key;
	struct msg error;
	struct keygen_job *next;
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t work;    /* a job was queued, or stop */
	pthread_cond_t done;    /* a job finished */
	struct keygen_job *head;
	pthread_t *threads;
	unsigned thread_count;
	atomic_bool stop;
	bool exit_hook;
} pool = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.work = PTHREAD_COND_INITIALIZER,
	.done = PTHREAD_COND_INITIALIZER,
};

unsigned
keygen_workers(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 64 ? 64 : (unsigned)n;
}

/* OpenSSL calls this during prime search: returning 0 aborts within milliseconds. */
static int
keygen_callback(EVP_PKEY_CTX *ctx)
{
	const struct keygen_job *job = EVP_PKEY_CTX_get_app_data(ctx);

	if (job == NULL)
		return 1;
	return !atomic_load(&pool.stop) && !atomic_load(&job->abandoned);
}

static EVP_PKEY *
generate(enum key_type t, struct keygen_job *job, struct msg *err)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, key_types[t].algorithm, NULL);
	EVP_PKEY *key = NULL;
	int ok;

	ok = ctx != NULL && EVP_PKEY_keygen_init(ctx) > 0;
	if (ok && key_types[t].group != NULL)
		ok = EVP_PKEY_CTX_set_group_name(ctx, key_types[t].group) > 0;
	else if (ok)
		ok = EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, (int)key_types[t].bits) > 0;
	if (ok) {
		if (job != NULL) {
			EVP_PKEY_CTX_set_app_data(ctx, job);
			EVP_PKEY_CTX_set_cb(ctx, keygen_callback);
		}
		ok = EVP_PKEY_generate(ctx, &key) > 0;
	}
	if (!ok) {
		msg_set(err, _("cannot generate a %s key"), key_type_describe(t));
		ossl_errors_to_msg(err);
		EVP_PKEY_free(key);
		key = NULL;
	}
	EVP_PKEY_CTX_free(ctx);
	return key;
}

EVP_PKEY *
pki_generate_key(enum key_type t, struct msg *err)
{
	return generate(t, NULL, err);
}

static void
job_free(struct keygen_job *job)
{
	EVP_PKEY_free(job->key); /* RSA and EC keys clear their numbers when freed */
	free(job);
}

static void *
keygen_worker(void *unused)
{
	(void)unused;
	pthread_mutex_lock(&pool.lock);
	while (!atomic_load(&pool.stop)) {
		struct keygen_job *job = pool.head;

		while (job != NULL && job->state != JOB_QUEUED)
			job = job->next;
		if (job == NULL) {
			pthread_cond_wait(&pool.work, &pool.lock);
			continue;
		}
		job->state = JOB_RUNNING;
		pthread_mutex_unlock(&pool.lock);
		job->key = generate(job->type, job, &job->error);
		pthread_mutex_lock(&pool.lock);
		job->state = job->key != NULL ? JOB_DONE : JOB_FAILED;
		pthread_cond_broadcast(&pool.done);
	}
	pthread_mutex_unlock(&pool.lock);
	return NULL;
}

static void
keygen_exit_hook(void)
{
	keygen_shutdown();
}

/* Called with the lock held. */
static void
pool_start_workers(void)
{
	sigset_t all, old;

	if (pool.thread_count > 0)
		return;
	if (!pool.exit_hook) {
		atexit(keygen_exit_hook);
		pool.exit_hook = true;
	}
	atomic_store(&pool.stop, false);
	pool.threads = xcalloc(keygen_workers(), sizeof *pool.threads);
	/* Signals belong to the front end's main thread, never to a worker. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (unsigned i = 0; i < keygen_workers(); i++) {
		if (pthread_create(&pool.threads[pool.thread_count], NULL, keygen_worker, NULL) != 0)
			break;
		pool.thread_count++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* Drops jobs of other key types; called with the lock held. */
static void
pool_drop_other_types(enum key_type t)
{
	struct keygen_job **link = &pool.head;

	while (*link != NULL) {
		struct keygen_job *job = *link;

		if (job->type == t) {
			link = &job->next;
			continue;
		}
		if (job->state == JOB_RUNNING) {
			atomic_store(&job->abandoned, true);
			link = &job->next;
			continue;
		}
		*link = job->next;
		job_free(job);
	}
}

/* Unlinks finished jobs nobody wants; called with the lock held. */
static void
pool_reap(void)
{
	struct keygen_job **link = &pool.head;

	while (*link != NULL) {
		struct keygen_job *job = *link;

		if (atomic_load(&job->abandoned) && job->state != JOB_RUNNING) {
			*link = job->next;
			job_free(job);
		} else {
			link = &job->next;
		}
	}
}

void
keygen_prefetch(enum key_type t, size_t count)
{
	size_t have = 0;
	struct keygen_job **tail;

	pthread_mutex_lock(&pool.lock);
	pool_drop_other_types(t);
	pool_reap();
	tail = &pool.head;
	for (struct keygen_job *job = pool.head; job != NULL; job = job->next) {
		if (!atomic_load(&job->abandoned) && job->state != JOB_FAILED)
			have++;
		tail = &job->next;
	}
	for (; have < count; have++) {
		struct keygen_job *job = xcalloc(1, sizeof *job);

		job->type = t;
		job->state = JOB_QUEUED;
		*tail = job;
		tail = &job->next;
	}
	pool_start_workers();
	pthread_cond_broadcast(&pool.work);
	pthread_mutex_unlock(&pool.lock);
}

/* Abandons every job (a cancelled wait); called with the lock held. */
static void
pool_abandon_all(void)
{
	for (struct keygen_job *job = pool.head; job != NULL; job = job->next)
		atomic_store(&job->abandoned, true);
	pool_reap();
}

enum keygen_status
keygen_take(enum key_type t, const atomic_bool *cancel, EVP_PKEY **out, struct msg *err)
{
	enum keygen_status rc = KEYGEN_FAILED;

	*out = NULL;
	keygen_prefetch(t, 1);
	pthread_mutex_lock(&pool.lock);
	for (;;) {
		struct keygen_job **link, **pick = NULL;
		bool pending = false;
		struct timespec until;

		for (link = &pool.head; *link != NULL; link = &(*link)->next) {
			struct keygen_job *job = *link;

			if (job->type != t || atomic_load(&job->abandoned))
				continue;
			if (job->state == JOB_DONE || job->state == JOB_FAILED) {
				pick = link;
				break;
			}
			pending = true;
		}
		if (pick != NULL) {
			struct keygen_job *job = *pick;

			*pick = job->next;
			if (job->state == JOB_DONE) {
				*out = job->key;
				job->key = NULL;
				rc = KEYGEN_OK;
			} else {
				if (err != NULL)
					memcpy(err->text, job->error.text, sizeof err->text);
			}
			job_free(job);
			break;
		}
		if (!pending || atomic_load(&pool.stop)) {
			msg_set(err, _("key generation stopped"));
			break;
		}
		if (cancel != NULL && atomic_load(cancel)) {
			pool_abandon_all();
			rc = KEYGEN_CANCELLED;
			break;
		}
		/* The cancel flag is set without a signal to this condition: poll it. */
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 50 * 1000 * 1000;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&pool.done, &pool.lock, &until);
	}
	pthread_mutex_unlock(&pool.lock);
	return rc;
}

void
keygen_shutdown(void)
{
	pthread_t *threads;
	unsigned count;

	pthread_mutex_lock(&pool.lock);
	atomic_store(&pool.stop, true);
	pthread_cond_broadcast(&pool.work);
	threads = pool.threads;
	count = pool.thread_count;
	pool.threads = NULL;
	pool.thread_count = 0;
	pthread_mutex_unlock(&pool.lock);
	for (unsigned i = 0; i < count; i++)
		pthread_join(threads[i], NULL);
	free(threads);
	pthread_mutex_lock(&pool.lock);
	while (pool.head != NULL) {
		struct keygen_job *job = pool.head;

		pool.head = job->next;
		job_free(job);
	}
	pthread_mutex_unlock(&pool.lock);
}

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

/* ------------------------------------------------------------ certificates */

static const EVP_MD *
digest_for(EVP_PKEY *signer)
{
	/* Match the hash to the curve's strength; RSA keys sign with SHA-256 like keytool. */
	if (EVP_PKEY_is_a(signer, "EC") && EVP_PKEY_get_bits(signer) > 256)
		return EVP_sha384();
	return EVP_sha256();
}

static int
set_random_serial(X509 *x)
{
	unsigned char bytes[16];
	BIGNUM *bn = NULL;
	int ok;

	do {
		if (RAND_bytes(bytes, sizeof bytes) != 1)
			return -1;
		BN_free(bn);
		bn = BN_bin2bn(bytes, sizeof bytes, NULL);
	} while (bn != NULL && BN_is_zero(bn));
	ok = bn != NULL && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL;
	BN_free(bn);
	return ok ? 0 : -1;
}

static int
add_ext(X509 *x, int nid, void *value, bool critical)
{
	return X509_add1_ext_i2d(x, nid, value, critical ? 1 : 0, X509V3_ADD_REPLACE) == 1 ? 0 : -1;
}

static int
add_basic_constraints(X509 *x, bool ca)
{
	BASIC_CONSTRAINTS *bc = BASIC_CONSTRAINTS_new();
	int rc;

	if (bc == NULL)
		return -1;
	bc->ca = ca ? 0xff : 0;
	rc = add_ext(x, NID_basic_constraints, bc, ca);
	BASIC_CONSTRAINTS_free(bc);
	return rc;
}

static int
add_key_usage(X509 *x, const int *bits, size_t n)
{
	ASN1_BIT_STRING *ku = ASN1_BIT_STRING_new();
	int rc = -1;

	if (ku == NULL)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!ASN1_BIT_STRING_set_bit(ku, bits[i], 1))
			goto done;
	rc = add_ext(x, NID_key_usage, ku, true);
done:
	ASN1_BIT_STRING_free(ku);
	return rc;
}

/* RFC 5280 method 1: SHA-1 of the subjectPublicKey bits. */
static ASN1_OCTET_STRING *
key_identifier(const X509 *x)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	ASN1_OCTET_STRING *id;

	if (!X509_pubkey_digest(x, EVP_sha1(), md, &len))
		return NULL;
	id = ASN1_OCTET_STRING_new();
	if (id != NULL && !ASN1_OCTET_STRING_set(id, md, (int)len)) {
		ASN1_OCTET_STRING_free(id);
		id = NULL;
	}
	return id;
}

static int
add_subject_key_id(X509 *x)
{
	ASN1_OCTET_STRING *id = key_identifier(x);
	int rc;

	if (id == NULL)
		return -1;
	rc = add_ext(x, NID_subject_key_identifier, id, false);
	ASN1_OCTET_STRING_free(id);
	return rc;
}

static int
add_authority_key_id(X509 *x, X509 *issuer)
{
	AUTHORITY_KEYID *akid = AUTHORITY_KEYID_new();
	const ASN1_OCTET_STRING *ski = X509_get0_subject_key_id(issuer);
	int rc = -1;

	if (akid == NULL)
		return -1;
	/* An imported CA may lack a subject key identifier: use the one it would have. */
	akid->keyid = ski != NULL ? ASN1_OCTET_STRING_dup(ski) : key_identifier(issuer);
	if (akid->keyid != NULL)
		rc = add_ext(x, NID_authority_key_identifier, akid, false);
	AUTHORITY_KEYID_free(akid);
	return rc;
}

static X509 *
cert_begin(EVP_PKEY *key, const X509_NAME *subject, const X509_NAME *issuer, long days)
{
	X509 *x = X509_new();

	if (x == NULL)
		return NULL;
	if (!X509_set_version(x, X509_VERSION_3) || set_random_serial(x) < 0
	    || !X509_set_subject_name(x, subject) || !X509_set_issuer_name(x, issuer)
	    || X509_gmtime_adj(X509_getm_notBefore(x), 0) == NULL
	    || X509_time_adj_ex(X509_getm_notAfter(x), (int)days, 0, NULL) == NULL
	    || !X509_set_pubkey(x, key)) {
		X509_free(x);
		return NULL;
	}
	return x;
}

X509 *
pki_make_ca_cert(EVP_PKEY *key, const X509_NAME *subject, long days, struct msg *err)
{
	static const int usage[] = { 5 /* keyCertSign */, 6 /* cRLSign */ };
	X509 *x = cert_begin(key, subject, subject, days);

	if (x == NULL || add_basic_constraints(x, true) < 0
	    || add_key_usage(x, usage, ARRAY_SIZE(usage)) < 0 || add_subject_key_id(x) < 0
	    || X509_sign(x, key, digest_for(key)) <= 0) {
		msg_set(err, _("cannot make the CA certificate"));
		ossl_errors_to_msg(err);
		X509_free(x);
		return NULL;
	}
	return x;
}

X509 *
pki_make_node_cert(EVP_PKEY *node_key, const X509_NAME *subject, const GENERAL_NAMES *san,
		   long days, X509 *ca_cert, EVP_PKEY *ca_key, bool *clamped, struct msg *err)
{
	/* RSA: the TLS 1.2 RSA exchange needs keyEncipherment, ECDHE_RSA digitalSignature. */
	static const int rsa_usage[] = { 0 /* digitalSignature */, 2 /* keyEncipherment */ };
	static const int ec_usage[] = { 0 /* digitalSignature */ };
	bool rsa = EVP_PKEY_is_a(node_key, "RSA");
	EXTENDED_KEY_USAGE *eku = sk_ASN1_OBJECT_new_null();
	X509 *x = cert_begin(node_key, subject, X509_get_subject_name(ca_cert), days);
	int ok;

	*clamped = false;
	if (x != NULL && ASN1_TIME_compare(X509_get0_notAfter(x), X509_get0_notAfter(ca_cert)) > 0) {
		*clamped = true;
		ok = X509_set1_notAfter(x, X509_get0_notAfter(ca_cert));
	} else {
		ok = x != NULL;
	}
	ok = ok && eku != NULL && sk_ASN1_OBJECT_push(eku, OBJ_nid2obj(NID_server_auth))
	     && sk_ASN1_OBJECT_push(eku, OBJ_nid2obj(NID_client_auth));
	ok = ok && add_basic_constraints(x, false) == 0
	     && add_key_usage(x, rsa ? rsa_usage : ec_usage,
			      rsa ? ARRAY_SIZE(rsa_usage) : ARRAY_SIZE(ec_usage)) == 0
	     && add_ext(x, NID_ext_key_usage, eku, false) == 0
	     && add_ext(x, NID_subject_alt_name, (void *)san, false) == 0
	     && add_subject_key_id(x) == 0 && add_authority_key_id(x, ca_cert) == 0
	     && X509_sign(x, ca_key, digest_for(ca_key)) > 0;
	sk_ASN1_OBJECT_free(eku); /* the objects are OpenSSL's static table entries */
	if (!ok) {
		msg_set(err, _("cannot make the certificate"));
		ossl_errors_to_msg(err);
		X509_free(x);
		return NULL;
	}
	return x;
}

int
pki_verify_chain(X509 *leaf, X509 *ca, struct msg *err)
{
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	int rc = -1;

	if (store == NULL || ctx == NULL || !X509_STORE_add_cert(store, ca)
	    || !X509_STORE_CTX_init(ctx, store, leaf, NULL)) {
		msg_set(err, _("cannot set up certificate verification"));
		ossl_errors_to_msg(err);
		goto done;
	}
	if (X509_verify_cert(ctx) != 1) {
		msg_set(err, _("the certificate does not verify against the CA: %s"),
			X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
		goto done;
	}
	if (X509_check_purpose(leaf, X509_PURPOSE_SSL_SERVER, 0) != 1
	    || X509_check_purpose(leaf, X509_PURPOSE_SSL_CLIENT, 0) != 1) {
		msg_set(err, _("the certificate is not valid for both TLS server and client use"));
		goto done;
	}
	rc = 0;
done:
	ERR_clear_error();
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	return rc;
}

long
pki_seconds_left(const X509 *cert)
{
	int days = 0, secs = 0;

	if (!ASN1_TIME_diff(&days, &secs, NULL, X509_get0_notAfter(cert)))
		return -1;
	return (long)days * 86400 + secs;
}

/* ------------------------------------------------------------ files */

int
pki_encode_ca_key(EVP_PKEY *key, const char *password, struct buf *out, struct msg *err)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *mem;
	long n;

	/* PKCS#8 with PBES2: AES-256-CBC under a PBKDF2-HMAC-SHA256 key, as openssl req writes. */
	if (bio == NULL || !PEM_write_bio_PKCS8PrivateKey(bio, key, EVP_aes_256_cbc(), password,
							  (int)strlen(password), NULL, NULL)
	    || (n = BIO_get_mem_data(bio, &mem)) <= 0) {
		msg_set(err, _("cannot encrypt the CA key"));
		ossl_errors_to_msg(err);
		BIO_free(bio);
		return -1;
	}
	buf_add(out, mem, (size_t)n);
	BIO_free(bio);
	return 0;
}

struct passphrase {
	const char *text;
	bool asked;
};

static int
passphrase_cb(char *buf, int size, int rwflag, void *user)
{
	struct passphrase *pp = user;
	size_t len = strlen(pp->text);

	(void)rwflag;
	pp->asked = true;
	if (len > (size_t)size)
		return -1;
	memcpy(buf, pp->text, len);
	return (int)len;
}

enum ca_key_status
pki_decode_ca_key(const void *data, size_t len, const char *password, EVP_PKEY **out,
		  bool *encrypted, struct msg *err)
{
	struct passphrase pp = { password, false };
	BIO *bio = BIO_new_mem_buf(data, (int)len);

	*out = bio != NULL ? PEM_read_bio_PrivateKey(bio, NULL, passphrase_cb, &pp) : NULL;
	BIO_free(bio);
	*encrypted = pp.asked;
	ERR_clear_error();
	if (*out != NULL)
		return CA_KEY_OK;
	if (pp.asked) {
		msg_set(err, _("the passphrase does not open the key"));
		return CA_KEY_BAD_PASSWORD;
	}
	msg_set(err, _("not a PEM private key"));
	return CA_KEY_CORRUPT;
}

X509 *
pki_decode_cert(const void *data, size_t len, struct msg *err)
{
	BIO *bio = BIO_new_mem_buf(data, (int)len);
	X509 *cert = bio != NULL ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;

	BIO_free(bio);
	if (cert == NULL) {
		const unsigned char *p = data;

		cert = d2i_X509(NULL, &p, (long)len);
	}
	ERR_clear_error();
	if (cert == NULL)
		msg_set(err, _("not a certificate (neither PEM nor DER)"));
	return cert;
}

int
pki_encode_cert(X509 *cert, struct buf *out, struct msg *err)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *mem;
	long n;

	if (bio == NULL || !PEM_write_bio_X509(bio, cert) || (n = BIO_get_mem_data(bio, &mem)) <= 0) {
		msg_set(err, _("cannot encode a certificate"));
		ossl_errors_to_msg(err);
		BIO_free(bio);
		return -1;
	}
	buf_add(out, mem, (size_t)n);
	BIO_free(bio);
	return 0;
}
