#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "catalog.h"
#include "check.h"
#include "fsutil.h"
#include "i18n.h"
#include "keystore.h"
#include "pki.h"
#include "util.h"

/* Configuration files are small; a keystore of a few KiB. Anything far larger is not ours. */
#define CHECK_MAX_FILE (4u << 20)
#define NETTY_FACTORY "org.apache.zookeeper.server.NettyServerCnxnFactory"
#define NIO_FACTORY "org.apache.zookeeper.server.NIOServerCnxnFactory"
#define NETTY_SOCKET "org.apache.zookeeper.ClientCnxnSocketNetty"
#define X509_PROVIDER "org.apache.zookeeper.server.auth.X509AuthenticationProvider"
#define SETUP_MARKER ".zktls-wizard-setup"
#define ADMIN_DEFAULT_PORT 8080

/* ------------------------------------------------------------ the report */

static void
vadd(struct check_report *r, enum check_level level, const char *file, const char *fmt,
     va_list ap)
{
	struct check_item *it;
	struct buf text;

	buf_init(&text);
	{
		char line[ZK_MSG_MAX];

		vsnprintf(line, sizeof line, fmt, ap);
		buf_adds(&text, line);
	}
	r->items = xrealloc(r->items, (r->count + 1) * sizeof *r->items);
	it = &r->items[r->count++];
	it->level = level;
	it->file = xstrdup(file != NULL ? file : "");
	it->text = buf_steal(&text, NULL);
	it->hint = NULL;
	it->order = 1;
	if (level == CHECK_PROBLEM)
		r->problems++;
	else if (level == CHECK_WARNING)
		r->warnings++;
}

static void add(struct check_report *r, enum check_level level, const char *file,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
add(struct check_report *r, enum check_level level, const char *file, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vadd(r, level, file, fmt, ap);
	va_end(ap);
}

static void hint(struct check_report *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Adds a line of advice to the finding added last. */
static void
hint(struct check_report *r, const char *fmt, ...)
{
	struct check_item *it = &r->items[r->count - 1];
	char line[ZK_MSG_MAX];
	char *joined;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (it->hint == NULL) {
		it->hint = xstrdup(line);
	} else {
		joined = xasprintf("%s\n%s", it->hint, line);
		free(it->hint);
		it->hint = joined;
	}
}

void
check_report_free(struct check_report *r)
{
	for (size_t i = 0; i < r->count; i++) {
		free(r->items[i].file);
		free(r->items[i].text);
		free(r->items[i].hint);
	}
	free(r->items);
	free(r->dir);
	memset(r, 0, sizeof *r);
}

struct sort_key {
	struct check_item item;
	size_t group;   /* where the item's file first appeared */
	size_t pos;
};

static int
sort_cmp(const void *a, const void *b)
{
	const struct sort_key *x = a, *y = b;

	if (x->item.level != y->item.level)
		return x->item.level < y->item.level ? -1 : 1;
	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	if (x->item.order != y->item.order)
		return x->item.order < y->item.order ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* Problems first, then warnings, then what is right; per level grouped by file. */
static void
report_sort(struct check_report *r)
{
	struct sort_key *keys = xcalloc(r->count ? r->count : 1, sizeof *keys);

	for (size_t i = 0; i < r->count; i++) {
		size_t g = i;

		for (size_t j = 0; j < i; j++)
			if (strcmp(r->items[j].file, r->items[i].file) == 0) {
				g = j;
				break;
			}
		keys[i] = (struct sort_key){ r->items[i], g, i };
	}
	qsort(keys, r->count, sizeof *keys, sort_cmp);
	for (size_t i = 0; i < r->count; i++)
		r->items[i] = keys[i].item;
	free(keys);
}

/* ------------------------------------------------------------ key = value lists */

struct kv {
	char *key;
	char *value;
};

struct kvlist {
	struct kv *items;
	size_t len;
};

static void
kv_put(struct kvlist *l, const char *key, const char *value)
{
	l->items = xrealloc(l->items, (l->len + 1) * sizeof *l->items);
	l->items[l->len].key = xstrdup(key);
	l->items[l->len].value = xstrdup(value);
	l->len++;
}

/* The last one wins, as in java.util.Properties and the shell. */
static const char *
kv_get(const struct kvlist *l, const char *key)
{
	for (size_t i = l->len; i-- > 0;)
		if (strcmp(l->items[i].key, key) == 0)
			return l->items[i].value;
	return NULL;
}

/* Values may be passwords: wiped. */
static void
kv_free(struct kvlist *l)
{
	for (size_t i = 0; i < l->len; i++) {
		free(l->items[i].key);
		secure_free_str(l->items[i].value);
	}
	free(l->items);
	l->items = NULL;
	l->len = 0;
}

static void
add_utf8(struct buf *b, unsigned long cp)
{
	if (cp < 0x80) {
		buf_addc(b, (char)cp);
	} else if (cp < 0x800) {
		buf_addc(b, (char)(0xC0 | cp >> 6));
		buf_addc(b, (char)(0x80 | (cp & 0x3F)));
	} else {
		buf_addc(b, (char)(0xE0 | cp >> 12));
		buf_addc(b, (char)(0x80 | (cp >> 6 & 0x3F)));
		buf_addc(b, (char)(0x80 | (cp & 0x3F)));
	}
}

static bool
is_prop_space(char c)
{
	return c == ' ' || c == '\t' || c == '\f';
}

/* Java's String.trim(): every character up to U+0020 at either end. */
static void
java_trim(struct buf *b)
{
	size_t start = 0, end = b->len;

	while (start < end && (unsigned char)b->data[start] <= ' ')
		start++;
	while (end > start && (unsigned char)b->data[end - 1] <= ' ')
		end--;
	memmove(b->data, b->data + start, end - start);
	b->len = end - start;
	b->data[b->len] = '\0';
}

/*
 * java.util.Properties.load(InputStream): ISO-8859-1, logical lines joined
 * at a trailing backslash, # and ! comments, key ended by = : or blank,
 * escapes including \uXXXX.  Values are then trimmed, as ZooKeeper's
 * QuorumPeerConfig and Kafka's ConfigDef do.
 */
static void
props_parse(const char *s, size_t n, struct kvlist *out)
{
	size_t i = 0;

	while (i < n) {
		struct buf line, key, value;
		bool in_key = true, after_key = false;

		while (i < n && (is_prop_space(s[i]) || s[i] == '\r' || s[i] == '\n'))
			i++;
		if (i >= n)
			break;
		if (s[i] == '#' || s[i] == '!') {
			while (i < n && s[i] != '\n' && s[i] != '\r')
				i++;
			continue;
		}
		/* The logical line, escapes still in it, continuations joined. */
		buf_init(&line);
		while (i < n && s[i] != '\n' && s[i] != '\r') {
			if (s[i] == '\\' && i + 1 < n && (s[i + 1] == '\n' || s[i + 1] == '\r')) {
				i++;
				if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n')
					i++;
				i++;
				while (i < n && is_prop_space(s[i]))
					i++;
				continue;
			}
			if (s[i] == '\\' && i + 1 < n) {
				buf_addc(&line, s[i++]);
			}
			buf_addc(&line, s[i++]);
		}
		buf_init(&key);
		buf_init(&value);
		for (size_t k = 0; k < line.len; k++) {
			unsigned char c = (unsigned char)line.data[k];
			struct buf *to = in_key ? &key : &value;

			if (in_key && (c == '=' || c == ':' || is_prop_space((char)c))) {
				in_key = false;
				after_key = true;
				while (k + 1 < line.len && is_prop_space(line.data[k + 1]))
					k++;
				if (is_prop_space((char)c) && k + 1 < line.len &&
				    (line.data[k + 1] == '=' || line.data[k + 1] == ':')) {
					k++;
					while (k + 1 < line.len && is_prop_space(line.data[k + 1]))
						k++;
				}
				continue;
			}
			if (c == '\\' && k + 1 < line.len) {
				c = (unsigned char)line.data[++k];
				if (c == 'u' && k + 4 < line.len) {
					char hex[5];
					memcpy(hex, line.data + k + 1, 4);
					hex[4] = '\0';
					add_utf8(to, strtoul(hex, NULL, 16));
					k += 4;
					continue;
				}
				c = c == 't' ? '\t' : c == 'n' ? '\n' : c == 'r' ? '\r'
					: c == 'f' ? '\f' : c;
			}
			add_utf8(to, c);
		}
		(void)after_key;
		java_trim(&value);
		kv_put(out, key.data != NULL ? key.data : "", value.data != NULL ? value.data : "");
		buf_free(&key);
		buf_free_secure(&value);
		buf_free_secure(&line);
	}
}

static bool
is_arg_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f';
}

/*
 * A Java launcher argument file (@file): words split at blanks; '...' or
 * "..." quote, and inside quotes a backslash escapes (\n \t \r \f, a
 * newline continues the line); # starts a comment, even inside a word.
 */
static void
argfile_parse(const char *s, size_t n, struct strlist *out)
{
	size_t i = 0;

	while (i < n) {
		struct buf word;
		bool have = false;

		while (i < n && is_arg_space(s[i]))
			i++;
		if (i >= n)
			break;
		buf_init(&word);
		while (i < n && !is_arg_space(s[i])) {
			if (s[i] == '#') {
				while (i < n && s[i] != '\n' && s[i] != '\r')
					i++;
				break;
			}
			if (s[i] == '"' || s[i] == '\'') {
				char q = s[i++];

				have = true;
				while (i < n && s[i] != q && s[i] != '\n' && s[i] != '\r') {
					char c = s[i++];

					if (c == '\\' && i < n) {
						c = s[i++];
						if (c == '\n' || c == '\r') {
							if (c == '\r' && i < n && s[i] == '\n')
								i++;
							while (i < n && is_arg_space(s[i]))
								i++;
							continue;
						}
						c = c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r'
							: c == 'f' ? '\f' : c;
					}
					buf_addc(&word, c);
				}
				if (i < n && s[i] == q)
					i++;
				continue;
			}
			buf_addc(&word, s[i++]);
			have = true;
		}
		if (have)
			strlist_push(out, word.data != NULL ? word.data : "");
		buf_free_secure(&word);
	}
}

/* From the words of a command line, each -DKEY=VALUE (or -DKEY) into out. */
static void
system_properties(const struct strlist *words, struct kvlist *out)
{
	for (size_t i = 0; i < words->len; i++) {
		const char *w = words->items[i];
		const char *eq;
		char *key;

		if (!str_starts_with(w, "-D"))
			continue;
		eq = strchr(w, '=');
		key = eq != NULL ? xstrndup(w + 2, (size_t)(eq - w - 2)) : xstrdup(w + 2);
		kv_put(out, key, eq != NULL ? eq + 1 : "");
		free(key);
	}
}

static bool
is_name_start(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool
is_name_char(char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9');
}

/*
 * java.env, read as the shell would assign it but never run: NAME=WORD
 * lines (with "export"), quoting as in sh.  A $ or ` (an expansion) or a
 * line that is not an assignment is kept literally and flagged: what the
 * shell would make of it, only the shell knows.
 */
static void
shenv_parse(const char *s, size_t n, struct kvlist *out, bool *unsure)
{
	size_t i = 0;

	*unsure = false;
	while (i < n) {
		struct buf word;
		bool have = false;

		while (i < n && (is_arg_space(s[i]) || s[i] == ';'))
			i++;
		if (i >= n)
			break;
		if (s[i] == '#') {
			while (i < n && s[i] != '\n')
				i++;
			continue;
		}
		buf_init(&word);
		while (i < n && !is_arg_space(s[i]) && s[i] != ';') {
			char c = s[i++];

			have = true;
			if (c == '\'') {
				while (i < n && s[i] != '\'')
					buf_addc(&word, s[i++]);
				i++;
			} else if (c == '"') {
				while (i < n && s[i] != '"') {
					c = s[i++];
					if (c == '\\' && i < n && strchr("\\\"$`\n", s[i]) != NULL) {
						c = s[i++];
						if (c == '\n')
							continue;
					} else if (c == '$' || c == '`') {
						*unsure = true;
					}
					buf_addc(&word, c);
				}
				i++;
			} else if (c == '\\' && i < n) {
				c = s[i++];
				if (c != '\n')
					buf_addc(&word, c);
			} else {
				if (c == '$' || c == '`' || c == '(' || c == '|' || c == '&')
					*unsure = true;
				buf_addc(&word, c);
			}
		}
		if (have && word.data != NULL) {
			const char *w = word.data;
			size_t k = 0;

			if (strcmp(w, "export") == 0) {
				buf_free_secure(&word);
				continue;
			}
			if (is_name_start(w[0])) {
				while (is_name_char(w[k]))
					k++;
			}
			if (k > 0 && w[k] == '=') {
				char *name = xstrndup(w, k);

				kv_put(out, name, w + k + 1);
				free(name);
			} else {
				*unsure = true;
			}
		}
		buf_free_secure(&word);
	}
}

/* zktls-wizard.conf: "key = value", # comments. */
static void
answers_read(const char *s, size_t n, struct kvlist *out)
{
	size_t i = 0;

	while (i < n) {
		size_t end = i;
		const char *eq;
		char *line;

		while (end < n && s[end] != '\n')
			end++;
		line = xstrndup(s + i, end - i);
		i = end + 1;
		eq = strchr(line, '=');
		if (line[0] != '#' && eq != NULL) {
			size_t klen = (size_t)(eq - line);
			const char *v = eq + 1;
			size_t vlen;

			while (klen > 0 && (line[klen - 1] == ' ' || line[klen - 1] == '\t'))
				klen--;
			while (*v == ' ' || *v == '\t')
				v++;
			vlen = strlen(v);
			while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t' ||
					    v[vlen - 1] == '\r'))
				vlen--;
			{
				char *key = xstrndup(line, klen), *value = xstrndup(v, vlen);
				size_t k0 = 0;

				while (key[k0] == ' ' || key[k0] == '\t')
					k0++;
				kv_put(out, key + k0, value);
				free(key);
				secure_free_str(value);
			}
		}
		secure_free_str(line);
	}
}

/* ------------------------------------------------------------ the context */

struct store {
	char *path;             /* as configured */
	char *password;
	enum store_type type;
	enum ks_status status;  /* KS_OK, or why not */
	bool missing;
	bool compat_p12;        /* configured as JKS, but a PKCS#12 file */
	bool key_pw_differs;    /* JKS: the store opens, a key does not */
	bool as_key, as_trust;  /* how the files use it */
	struct strlist users;   /* the files that name it with this password */
	char *why;
	struct keystore ks;
};

struct host {
	char *name;
	bool resolves;
	char *address;          /* the first address, numeric */
};

struct check_ctx {
	const char *dir;
	char *real_dir;
	struct check_report *r;
	struct kvlist answers;  /* zktls-wizard.conf, when there */
	struct kvlist zoo;      /* zoo.cfg */
	struct kvlist jvm;      /* -D flags of SERVER_JVMFLAGS and JVMFLAGS in java.env */
	bool have_zoo;
	long secure_port;       /* 0: none */
	long plain_port;
	struct store **stores;
	size_t nstores;
	struct store *zk_keystore, *zk_truststore;
	struct host *hosts;
	size_t nhosts;
	struct strlist zk_hosts;        /* how clients name ZooKeeper */
	struct strlist pairs_checked;   /* "keystore\ntruststore" already verified */
	int zk_pid;                     /* this setup's running ZooKeeper, or 0 */
};

static char *
path_in_dir(const struct check_ctx *c, const char *path)
{
	return path[0] == '/' ? xstrdup(path) : fs_join(c->dir, path);
}

static int
read_rel(const struct check_ctx *c, const char *rel, char **data, size_t *len, struct msg *err)
{
	char *path = path_in_dir(c, rel);
	int rc = fs_read_file(path, CHECK_MAX_FILE, data, len, err);

	free(path);
	return rc;
}

static bool
exists_rel(const struct check_ctx *c, const char *rel)
{
	char *path = path_in_dir(c, rel);
	bool yes = fs_exists(path);

	free(path);
	return yes;
}

/* Files that hold a key or a password must not be readable by others (DESIGN §5). */
static void
check_mode(struct check_ctx *c, const char *rel)
{
	char *path = path_in_dir(c, rel);
	struct stat st;

	if (stat(path, &st) == 0 && (st.st_mode & 077) != 0) {
		add(c->r, CHECK_WARNING, rel,
		    _("readable by other users (mode %03o) though it holds a key or a password"),
		    (unsigned)(st.st_mode & 0777));
		hint(c->r, _("chmod 600 %s"), rel);
	}
	free(path);
}

static struct host *
host_lookup(struct check_ctx *c, const char *name)
{
	struct addrinfo hints = { 0 }, *res = NULL;
	struct host *h;

	for (size_t i = 0; i < c->nhosts; i++)
		if (strcmp(c->hosts[i].name, name) == 0)
			return &c->hosts[i];
	c->hosts = xrealloc(c->hosts, (c->nhosts + 1) * sizeof *c->hosts);
	h = &c->hosts[c->nhosts++];
	h->name = xstrdup(name);
	h->address = NULL;
	hints.ai_socktype = SOCK_STREAM;
	h->resolves = getaddrinfo(name, NULL, &hints, &res) == 0 && res != NULL;
	if (h->resolves) {
		char text[NI_MAXHOST];

		if (getnameinfo(res->ai_addr, res->ai_addrlen, text, sizeof text, NULL, 0,
				NI_NUMERICHOST) == 0)
			h->address = xstrdup(text);
	}
	if (res != NULL)
		freeaddrinfo(res);
	return h;
}

/* ------------------------------------------------------------ keystores */

static const char *
type_name(enum store_type t)
{
	return store_type_java_name(t);
}

/* A type as the programs spell it (JKS, PKCS12, PEM, any case); -1 otherwise. */
static int
type_from_text(const char *text, enum store_type *out)
{
	if (strcasecmp(text, "jks") == 0)
		*out = STORE_JKS;
	else if (strcasecmp(text, "pkcs12") == 0)
		*out = STORE_PKCS12;
	else if (strcasecmp(text, "pem") == 0)
		*out = STORE_PEM;
	else
		return -1;
	return 0;
}

/* ZooKeeper's X509Util, when no type is set: from the file name's end. */
static int
type_from_name(const char *path, enum store_type *out)
{
	if (str_ends_with(path, ".jks") || str_ends_with(path, ".JKS"))
		*out = STORE_JKS;
	else if (str_ends_with(path, ".pem") || str_ends_with(path, ".PEM"))
		*out = STORE_PEM;
	else if (str_ends_with(path, ".p12") || str_ends_with(path, ".pfx") ||
		 str_ends_with(path, ".P12") || str_ends_with(path, ".PFX"))
		*out = STORE_PKCS12;
	else
		return -1;
	return 0;
}

/*
 * The JKS integrity digest alone (jks-format.md §1): tells a wrong store
 * password from a right one whose key opens with another password, which
 * keystore_decode reports alike.  Only for ASCII passwords; else unknown.
 */
static int
jks_store_password_ok(const unsigned char *data, size_t len, const char *password)
{
	static const char whitener[] = "Mighty Aphrodite";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	EVP_MD_CTX *ctx;
	int ok = -1;

	if (len < 20)
		return -1;
	for (const char *p = password; *p != '\0'; p++)
		if ((unsigned char)*p >= 0x80)
			return -1;
	ctx = EVP_MD_CTX_new();
	if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) != 1)
		goto done;
	for (const char *p = password; *p != '\0'; p++) {
		unsigned char u[2] = { 0, (unsigned char)*p };

		EVP_DigestUpdate(ctx, u, 2);
	}
	EVP_DigestUpdate(ctx, whitener, strlen(whitener));
	EVP_DigestUpdate(ctx, data, len - 20);
	if (EVP_DigestFinal_ex(ctx, md, &md_len) != 1 || md_len != 20)
		goto done;
	ok = CRYPTO_memcmp(md, data + len - 20, 20) == 0;
done:
	EVP_MD_CTX_free(ctx);
	return ok;
}

static const struct ks_entry *key_entry(const struct store *s);

static struct store *
store_open(struct check_ctx *c, const char *path, enum store_type type, const char *password)
{
	struct msg err = { "" };
	struct store *s;
	char *data = NULL, *full;
	size_t len = 0;

	for (size_t i = 0; i < c->nstores; i++) {
		s = c->stores[i];
		/* A PEM bundle of certificates opens with any password. */
		if (strcmp(s->path, path) == 0 && s->type == type &&
		    (strcmp(s->password, password) == 0 ||
		     (type == STORE_PEM && s->status == KS_OK && key_entry(s) == NULL)))
			return s;
	}
	s = xcalloc(1, sizeof *s);
	s->path = xstrdup(path);
	s->password = xstrdup(password);
	s->type = type;
	keystore_init(&s->ks);
	c->stores = xrealloc(c->stores, (c->nstores + 1) * sizeof *c->stores);
	c->stores[c->nstores++] = s;

	full = path_in_dir(c, path);
	if (fs_read_file(full, CHECK_MAX_FILE, &data, &len, &err) != 0) {
		s->missing = !fs_exists(full);
		s->status = KS_CORRUPT;
		s->why = xstrdup(err.text);
		free(full);
		return s;
	}
	free(full);
	/* Java 9+ reads a PKCS#12 file as "JKS" (keystore.type.compat): keytool's default since 9. */
	if (type == STORE_JKS && len >= 4 && (unsigned char)data[0] == 0x30) {
		s->compat_p12 = true;
		type = STORE_PKCS12;
	}
	s->status = keystore_decode(type, data, len, password, &s->ks, &err);
	if (s->status == KS_BAD_PASSWORD && type == STORE_JKS &&
	    jks_store_password_ok((const unsigned char *)data, len, password) == 1)
		s->key_pw_differs = true;
	if (s->status != KS_OK)
		s->why = xstrdup(err.text);
	ERR_clear_error();
	secure_wipe(data, len);
	free(data);
	return s;
}

/* The first key entry: its chain, leaf first. */
static const struct ks_entry *
key_entry(const struct store *s)
{
	for (size_t i = 0; i < s->ks.count; i++)
		if (s->ks.entries[i].key != NULL)
			return &s->ks.entries[i];
	return NULL;
}

static X509 *
leaf_of(const struct store *s)
{
	const struct ks_entry *e = key_entry(s);

	return e != NULL && sk_X509_num(e->certs) > 0 ? sk_X509_value(e->certs, 0) : NULL;
}

static void
cert_date(const X509 *cert, char out[16])
{
	struct tm tm;

	if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm) == 1)
		strftime(out, 16, "%Y-%m-%d", &tm);
	else
		snprintf(out, 16, "?");
}

static char *
subject_of(const X509 *cert)
{
	struct buf b;

	buf_init(&b);
	pki_name_java(X509_get_subject_name(cert), &b);
	return buf_steal(&b, NULL);
}

static void
check_expiry(struct check_ctx *c, const char *file, const X509 *cert)
{
	long left = pki_seconds_left(cert);
	char date[16], *who = subject_of(cert);

	cert_date(cert, date);
	if (left < 0) {
		add(c->r, CHECK_PROBLEM, file, _("the certificate %s expired on %s"), who, date);
		hint(c->r, _("make new certificates: zktls-wizard --batch --renew --steps ca,certs DIR"));
	} else if (left < (long)CHECK_EXPIRY_WARN_DAYS * 86400) {
		add(c->r, CHECK_WARNING, file, _("the certificate %s expires in %ld days (%s)"), who,
		    left / 86400, date);
		hint(c->r, _("renew it before then: zktls-wizard --batch --renew --steps ca,certs DIR"));
	} else if (X509_cmp_time(X509_get0_notBefore(cert), NULL) > 0) {
		add(c->r, CHECK_PROBLEM, file, _("the certificate %s is not valid yet"), who);
		hint(c->r, _("is this machine's clock right?"));
	}
	free(who);
}

static bool
store_has_trusted(const struct store *s)
{
	for (size_t i = 0; i < s->ks.count; i++)
		if (s->ks.entries[i].key == NULL && sk_X509_num(s->ks.entries[i].certs) > 0)
			return true;
	return false;
}

/*
 * Notes that from uses s as a keystore (as_key) or truststore; true when
 * it can.  What is found is reported once per store by report_stores, for
 * all the files that use it with that password.
 */
static bool
use_store(struct store *s, const char *from, bool as_key)
{
	if (!strlist_contains(&s->users, from))
		strlist_push(&s->users, from);
	if (as_key)
		s->as_key = true;
	else
		s->as_trust = true;
	if (s->status != KS_OK)
		return false;
	return as_key ? leaf_of(s) != NULL : store_has_trusted(s);
}

static bool
check_keystore(struct check_ctx *c, struct store *s, const char *from)
{
	(void)c;
	return use_store(s, from, true);
}

static bool
check_truststore(struct check_ctx *c, struct store *s, const char *from)
{
	(void)c;
	return use_store(s, from, false);
}

static void
report_store(struct check_ctx *c, struct store *s)
{
	size_t first = c->r->count;

	struct buf from;
	const char *role = s->as_key ? _("keystore") : _("truststore");
	const struct ks_entry *e;

	buf_init(&from);
	for (size_t i = 0; i < s->users.len; i++)
		buf_printf(&from, "%s%s", i ? ", " : "", s->users.items[i]);
	if (s->missing) {
		for (size_t i = 0; i < s->users.len; i++)
			add(c->r, CHECK_PROBLEM, s->users.items[i], _("the %s %s does not exist"), role,
			    s->path);
		goto done;
	}
	if (s->status != KS_OK && s->key_pw_differs) {
		add(c->r, CHECK_PROBLEM, s->path,
		    _("opens with the store password from %s, but its key does not: the key "
		      "password differs, and ZooKeeper needs key password = store password"),
		    from.data);
		hint(c->r, _("keytool -keypasswd -keystore %s -alias ALIAS (set the key password to "
			     "the store password)"), s->path);
		goto done;
	}
	if (s->status == KS_BAD_PASSWORD) {
		add(c->r, CHECK_PROBLEM, s->path,
		    _("does not open with the password that %s gives for it (%s)"), from.data,
		    s->why);
		hint(c->r, _("ZooKeeper starts anyway and then fails every TLS handshake with "
			     "\"Failed to create KeyManager\"; put the right password into %s"),
		     from.data);
		goto done;
	}
	if (s->status != KS_OK) {
		add(c->r, CHECK_PROBLEM, s->path, _("cannot be read as %s (%s): %s"),
		    type_name(s->type), from.data, s->why != NULL ? s->why : "?");
		goto done;
	}
	if (s->compat_p12)
		add(c->r, CHECK_OK, s->path,
		    _("opens with the password from %s; a PKCS#12 file named as JKS, which "
		      "Java 9 and later read as JKS (Java 8 does not)"), from.data);
	else
		add(c->r, CHECK_OK, s->path, _("opens as %s with the password from %s"),
		    type_name(s->type), from.data);
	e = key_entry(s);
	if (s->as_key && (e == NULL || sk_X509_num(e->certs) == 0)) {
		add(c->r, CHECK_PROBLEM, s->path,
		    _("holds no private key with a certificate, but %s uses it as keystore"),
		    from.data);
	} else if (e != NULL && sk_X509_num(e->certs) > 0) {
		X509 *leaf = sk_X509_value(e->certs, 0);
		char date[16], *who = subject_of(leaf);

		cert_date(leaf, date);
		add(c->r, CHECK_OK, s->path, _("key entry \"%s\": %s, valid until %s"), e->alias,
		    who, date);
		free(who);
		for (int i = 0; i < sk_X509_num(e->certs); i++)
			check_expiry(c, s->path, sk_X509_value(e->certs, i));
	}
	if (s->as_trust && !store_has_trusted(s)) {
		add(c->r, CHECK_PROBLEM, s->path,
		    _("holds no trusted certificate, but %s uses it as truststore"), from.data);
	} else if (s->as_trust) {
		for (size_t i = 0; i < s->ks.count; i++) {
			const struct ks_entry *t = &s->ks.entries[i];
			X509 *cert;
			char *who;

			if (t->key != NULL || sk_X509_num(t->certs) == 0)
				continue;
			cert = sk_X509_value(t->certs, 0);
			who = subject_of(cert);
			add(c->r, CHECK_OK, s->path, _("trusts \"%s\": %s"), t->alias, who);
			free(who);
			check_expiry(c, s->path, cert);
		}
	}
done:
	/* Whether it opens comes first in its file's findings. */
	for (size_t i = first; i < c->r->count; i++)
		c->r->items[i].order = 0;
	buf_free(&from);
}

/*
 * Whether trust accepts the key entry of ks, as Java's PKIX trust manager
 * would: every certificate in trust (trusted entries and key entries' own
 * certificates) is an anchor; the chain's other certificates may help.
 * Time is left out: expiry is reported on its own.
 */
static bool
chain_trusted(const struct store *ks, const struct store *trust, struct msg *why)
{
	const struct ks_entry *e = key_entry(ks);
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	STACK_OF(X509) *untrusted = sk_X509_new_null();
	bool ok = false;

	if (store == NULL || ctx == NULL || untrusted == NULL || e == NULL)
		goto done;
	for (size_t i = 0; i < trust->ks.count; i++) {
		const struct ks_entry *t = &trust->ks.entries[i];

		if (sk_X509_num(t->certs) > 0)
			X509_STORE_add_cert(store, sk_X509_value(t->certs, 0));
	}
	for (int i = 1; i < sk_X509_num(e->certs); i++)
		sk_X509_push(untrusted, sk_X509_value(e->certs, i));
	X509_STORE_set_flags(store, X509_V_FLAG_PARTIAL_CHAIN | X509_V_FLAG_NO_CHECK_TIME);
	if (X509_STORE_CTX_init(ctx, store, sk_X509_value(e->certs, 0), untrusted) != 1)
		goto done;
	ok = X509_verify_cert(ctx) == 1;
	if (!ok)
		msg_set(why, "%s", X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
done:
	ERR_clear_error();
	sk_X509_free(untrusted);
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	return ok;
}

/* Verifies the key entry of ks against trust once per pair; file names the finding. */
static void
check_chain(struct check_ctx *c, const struct store *ks, const struct store *trust,
	    const char *file, const char *who_trusts)
{
	struct msg why = { "" };
	char *pair, *subject;
	X509 *leaf = leaf_of(ks);

	if (leaf == NULL || ks->status != KS_OK || trust->status != KS_OK)
		return;
	pair = xasprintf("%s\n%s\n%s", ks->path, trust->path, trust->password);
	if (strlist_contains(&c->pairs_checked, pair)) {
		secure_free_str(pair);
		return;
	}
	strlist_push(&c->pairs_checked, pair);
	secure_free_str(pair);
	subject = subject_of(leaf);
	if (chain_trusted(ks, trust, &why)) {
		add(c->r, CHECK_OK, file, _("the certificate %s is trusted by %s (%s)"), subject,
		    trust->path, who_trusts);
	} else {
		add(c->r, CHECK_PROBLEM, file,
		    _("the certificate %s is not trusted by %s (%s): %s"), subject, trust->path,
		    who_trusts, why.text);
		hint(c->r, _("the TLS handshake will fail: the certificate must be signed by a CA "
			     "in %s (a truststore of another CA?)"), trust->path);
	}
	free(subject);
}

/* The key entry's certificate names every host in hosts (as Java's hostname check does). */
static void
check_sans(struct check_ctx *c, const struct store *s, const struct strlist *hosts,
	   const char *why)
{
	X509 *leaf = leaf_of(s);
	struct strlist missing = { 0 };
	GENERAL_NAMES *san;
	struct buf sans;

	if (leaf == NULL || s->status != KS_OK || hosts->len == 0)
		return;
	for (size_t i = 0; i < hosts->len; i++) {
		const char *h = hosts->items[i];
		int hit = X509_check_ip_asc(leaf, h, 0);

		if (hit < 0)
			hit = X509_check_host(leaf, h, 0, 0, NULL);
		if (hit != 1 && !strlist_contains(&missing, h))
			strlist_push(&missing, h);
	}
	buf_init(&sans);
	san = X509_get_ext_d2i(leaf, NID_subject_alt_name, NULL, NULL);
	if (san != NULL)
		pki_san_text(san, &sans);
	GENERAL_NAMES_free(san);
	if (missing.len == 0) {
		struct buf list;

		buf_init(&list);
		for (size_t i = 0; i < hosts->len; i++)
			buf_printf(&list, "%s%s", i ? ", " : "", hosts->items[i]);
		add(c->r, CHECK_OK, s->path, _("its certificate names %s (%s)"), list.data, why);
		buf_free(&list);
	} else {
		struct buf list;

		buf_init(&list);
		for (size_t i = 0; i < missing.len; i++)
			buf_printf(&list, "%s%s", i ? ", " : "", missing.items[i]);
		add(c->r, CHECK_PROBLEM, s->path,
		    _("its certificate does not name %s (%s); its names: %s"), list.data, why,
		    sans.len ? sans.data : _("none"));
		hint(c->r, _("hostname verification will refuse the connection; add the names to "
			     "cert.san and make the certificate again (zktls-wizard --renew)"));
		buf_free(&list);
	}
	buf_free(&sans);
	strlist_free(&missing);
	ERR_clear_error();
}

/* ------------------------------------------------------------ ports */

/*
 * Whether a server could bind port on address (NULL: all addresses) now.
 * SO_REUSEADDR as Java's servers set it: only a listening socket counts,
 * not TIME_WAIT, and two checks running at once do not see each other.
 */
static int
port_bind_errno(const char *address, long port)
{
	struct addrinfo hints = { 0 }, *res = NULL;
	char service[16];
	int fd, one = 1, rc = 0;

	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	hints.ai_family = address == NULL ? AF_INET : AF_UNSPEC;
	snprintf(service, sizeof service, "%ld", port);
	if (getaddrinfo(address, service, &hints, &res) != 0 || res == NULL)
		return EADDRNOTAVAIL;
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		rc = errno;
	} else {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (bind(fd, res->ai_addr, res->ai_addrlen) != 0)
			rc = errno;
		close(fd);
	}
	freeaddrinfo(res);
	return rc;
}

static void
check_port(struct check_ctx *c, const char *file, const char *what, const char *address,
	   long port, int ours_pid)
{
	int e;

	if (port <= 0)
		return;
	e = port_bind_errno(address, port);
	if (e == 0) {
		add(c->r, CHECK_OK, file, _("port %ld (%s) on %s is free"), port, what,
		    address != NULL ? address : _("all addresses"));
	} else if (e == EADDRINUSE && ours_pid > 0) {
		add(c->r, CHECK_OK, file, _("port %ld (%s) is in use by this setup's process %d"),
		    port, what, ours_pid);
	} else if (e == EADDRINUSE) {
		add(c->r, CHECK_PROBLEM, file, _("port %ld (%s) on %s is in use by another program"),
		    port, what, address != NULL ? address : _("all addresses"));
		hint(c->r, _("find it with: ss -ltnp 'sport = :%ld'; stop it, or choose another port"),
		     port);
	} else if (e != EACCES) {
		add(c->r, CHECK_PROBLEM, file, _("port %ld (%s) on %s cannot be bound: %s"), port,
		    what, address != NULL ? address : _("all addresses"), strerror(e));
	}
}

/* The PID in DIR/run/NAME.pid when that process runs in DIR. */
static int
running_pid(const struct check_ctx *c, const char *name)
{
	char *rel = xasprintf("run/%s.pid", name), *data = NULL, *cwd_link;
	char cwd[4096];
	struct msg err;
	size_t len;
	long pid = 0;
	ssize_t n;

	if (read_rel(c, rel, &data, &len, &err) != 0) {
		free(rel);
		return 0;
	}
	free(rel);
	data[strcspn(data, "\r\n")] = '\0';
	if (!parse_long(data, 1, 4194304, &pid) || c->real_dir == NULL) {
		free(data);
		return 0;
	}
	free(data);
	cwd_link = xasprintf("/proc/%ld/cwd", pid);
	n = readlink(cwd_link, cwd, sizeof cwd - 1);
	free(cwd_link);
	if (n <= 0)
		return 0;
	cwd[n] = '\0';
	return strcmp(cwd, c->real_dir) == 0 ? (int)pid : 0;
}

/* ------------------------------------------------------------ ZooKeeper */

/* A ZooKeeper setting: zoo.cfg wins, as it sets the system property after java.env did. */
static const char *
zk_get(const struct check_ctx *c, const char *key)
{
	const char *v = kv_get(&c->zoo, key);
	char *sys;

	if (v != NULL)
		return v;
	sys = xasprintf("zookeeper.%s", key);
	v = kv_get(&c->jvm, sys);
	free(sys);
	return v;
}

static const char *
zk_source(const struct check_ctx *c, const char *key)
{
	return kv_get(&c->zoo, key) != NULL ? "zoo.cfg" : "java.env";
}

static void
read_java_env(struct check_ctx *c)
{
	struct kvlist env = { 0 };
	struct strlist words = { 0 };
	struct msg err = { "" };
	char *data = NULL;
	size_t len;
	bool unsure;

	if (read_rel(c, "java.env", &data, &len, &err) != 0) {
		if (exists_rel(c, "java.env"))
			add(c->r, CHECK_PROBLEM, "java.env", "%s", err.text);
		return;
	}
	shenv_parse(data, len, &env, &unsure);
	free(data);
	if (unsure) {
		add(c->r, CHECK_WARNING, "java.env",
		    _("uses shell expansions or commands; check reads its assignments literally "
		      "and runs nothing"));
	}
	for (size_t i = 0; i < env.len; i++)
		if (strcmp(env.items[i].key, "SERVER_JVMFLAGS") == 0 ||
		    strcmp(env.items[i].key, "JVMFLAGS") == 0)
			strlist_split(&words, env.items[i].value);
	system_properties(&words, &c->jvm);
	strlist_free(&words);
	kv_free(&env);
}

static void
check_factory(struct check_ctx *c)
{
	const char *f = zk_get(c, "serverCnxnFactory");

	if (f == NULL) {
		add(c->r, CHECK_PROBLEM, "java.env",
		    _("no -Dzookeeper.serverCnxnFactory: ZooKeeper uses NIO, which cannot do TLS, "
		      "and the secure port would fail every client"));
		hint(c->r, _("java.env: SERVER_JVMFLAGS=\"-Dzookeeper.serverCnxnFactory=%s\" (or "
			     "serverCnxnFactory=%s in zoo.cfg)"), NETTY_FACTORY, NETTY_FACTORY);
	} else if (strcmp(f, NETTY_FACTORY) == 0) {
		add(c->r, CHECK_OK, zk_source(c, "serverCnxnFactory"),
		    _("ZooKeeper uses Netty (NettyServerCnxnFactory), which TLS needs"));
	} else if (strcmp(f, NIO_FACTORY) == 0) {
		add(c->r, CHECK_PROBLEM, zk_source(c, "serverCnxnFactory"),
		    _("ZooKeeper is set to NIOServerCnxnFactory, which cannot do TLS"));
		hint(c->r, _("use %s instead"), NETTY_FACTORY);
	} else {
		add(c->r, CHECK_WARNING, zk_source(c, "serverCnxnFactory"),
		    _("ZooKeeper's connection factory is %s, not Netty: TLS may not work"), f);
	}
}

/* "h1:p1,h2:p2/chroot": hosts and ports. */
static void
parse_connect(const char *text, struct strlist *hosts, struct strlist *ports)
{
	char *copy = xstrdup(text), *slash = strchr(copy, '/'), *save = NULL;

	if (slash != NULL)
		*slash = '\0';
	for (char *tok = strtok_r(copy, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		char *colon;

		while (*tok == ' ')
			tok++;
		colon = strrchr(tok, ':');
		if (colon != NULL && strchr(tok, ']') == NULL && colon != strchr(tok, ':'))
			colon = NULL; /* a bare IPv6 address */
		if (colon != NULL) {
			*colon = '\0';
			strlist_push(ports, colon + 1);
		} else {
			strlist_push(ports, "2181");
		}
		if (tok[0] == '[') {
			tok++;
			tok[strcspn(tok, "]")] = '\0';
		}
		strlist_push(hosts, tok);
	}
	free(copy);
}

static void
check_zoo_cfg(struct check_ctx *c)
{
	const char *v, *addr;
	struct store *ks = NULL, *ts = NULL;
	enum store_type t;
	bool admin;

	check_mode(c, "zoo.cfg");
	read_java_env(c);
	if (kv_get(&c->zoo, "dataDir") == NULL)
		add(c->r, CHECK_PROBLEM, "zoo.cfg", _("no dataDir: ZooKeeper refuses to start"));

	v = kv_get(&c->zoo, "secureClientPort");
	if (v == NULL) {
		add(c->r, CHECK_PROBLEM, "zoo.cfg",
		    _("no secureClientPort: ZooKeeper offers no TLS port"));
		hint(c->r, _("add secureClientPort=2182 (the article's port)"));
	} else if (!parse_long(v, 1, 65535, &c->secure_port)) {
		add(c->r, CHECK_PROBLEM, "zoo.cfg", _("secureClientPort=%s is not a port"), v);
	} else {
		add(c->r, CHECK_OK, "zoo.cfg", _("secureClientPort=%ld: clients connect with TLS"),
		    c->secure_port);
	}
	v = kv_get(&c->zoo, "clientPort");
	if (v != NULL && v[0] != '\0') {
		parse_long(v, 1, 65535, &c->plain_port);
		add(c->r, CHECK_PROBLEM, "zoo.cfg",
		    _("clientPort=%s opens a plaintext port: anyone who reaches it talks to "
		      "ZooKeeper unencrypted, without a certificate"), v);
		hint(c->r, _("remove the clientPort line (the article: only if you want "
			     "unencrypted connections too)"));
	} else {
		add(c->r, CHECK_OK, "zoo.cfg", _("no plaintext clientPort"));
	}
	check_factory(c);

	v = NULL;
	for (size_t i = 0; i < c->zoo.len; i++)
		if (str_starts_with(c->zoo.items[i].key, "authProvider.") &&
		    strcmp(c->zoo.items[i].value, X509_PROVIDER) == 0)
			v = c->zoo.items[i].value;
	if (v != NULL)
		add(c->r, CHECK_OK, "zoo.cfg",
		    _("clients are known by their certificate (X509AuthenticationProvider)"));
	else
		add(c->r, CHECK_WARNING, "zoo.cfg",
		    _("no authProvider.N=%s: certificates encrypt, but ZooKeeper knows no client "
		      "by its certificate"), X509_PROVIDER);
	v = zk_get(c, "ssl.clientAuth");
	if (v != NULL && strcasecmp(v, "need") != 0)
		add(c->r, CHECK_WARNING, zk_source(c, "ssl.clientAuth"),
		    _("ssl.clientAuth=%s: clients without a certificate are let in"), v);

	/* The keystore and truststore. */
	v = zk_get(c, "ssl.keyStore.location");
	if (v == NULL) {
		add(c->r, CHECK_PROBLEM, "zoo.cfg", _("no ssl.keyStore.location: TLS cannot work"));
	} else {
		const char *type = zk_get(c, "ssl.keyStore.type");
		const char *pw = zk_get(c, "ssl.keyStore.password");

		if (type != NULL ? type_from_text(type, &t) != 0 : type_from_name(v, &t) != 0) {
			add(c->r, CHECK_PROBLEM, "zoo.cfg",
			    _("ZooKeeper cannot tell the type of %s: set ssl.keyStore.type"), v);
		} else {
			ks = store_open(c, v, t, pw != NULL ? pw : "");
			if (check_keystore(c, ks, "zoo.cfg"))
				c->zk_keystore = ks;
		}
	}
	v = zk_get(c, "ssl.trustStore.location");
	if (v == NULL) {
		add(c->r, CHECK_PROBLEM, "zoo.cfg",
		    _("no ssl.trustStore.location: ZooKeeper cannot check client certificates"));
	} else {
		const char *type = zk_get(c, "ssl.trustStore.type");
		const char *pw = zk_get(c, "ssl.trustStore.password");

		if (type != NULL ? type_from_text(type, &t) != 0 : type_from_name(v, &t) != 0) {
			add(c->r, CHECK_PROBLEM, "zoo.cfg",
			    _("ZooKeeper cannot tell the type of %s: set ssl.trustStore.type"), v);
		} else {
			ts = store_open(c, v, t, pw != NULL ? pw : "");
			if (check_truststore(c, ts, "zoo.cfg"))
				c->zk_truststore = ts;
		}
	}
	if (c->zk_keystore != NULL && c->zk_truststore != NULL)
		check_chain(c, c->zk_keystore, c->zk_truststore, c->zk_keystore->path, "zoo.cfg");

	/* ZooKeeper 3.5's AdminServer: plain HTTP, every address, port 8080. */
	v = zk_get(c, "admin.enableServer");
	admin = v == NULL || strcasecmp(v, "false") != 0;
	if (admin) {
		long port = ADMIN_DEFAULT_PORT;
		const char *p = zk_get(c, "admin.serverPort");

		if (p != NULL)
			parse_long(p, 1, 65535, &port);
		addr = zk_get(c, "admin.serverAddress");
		add(c->r, CHECK_WARNING, "zoo.cfg",
		    _("the AdminServer is on: plain, unauthenticated HTTP on %s:%ld"),
		    addr != NULL ? addr : "0.0.0.0", port);
		hint(c->r, _("add admin.enableServer=false unless you need it"));
		check_port(c, "zoo.cfg", _("AdminServer"), addr, port, c->zk_pid);
		if (c->r->items[c->r->count - 1].level == CHECK_PROBLEM)
			hint(c->r, _("ZooKeeper stops with \"Unable to start AdminServer\" when it "
				     "cannot bind it; or set admin.enableServer=false"));
	} else {
		add(c->r, CHECK_OK, zk_source(c, "admin.enableServer"), _("the AdminServer is off"));
	}
	addr = kv_get(&c->zoo, "secureClientPortAddress");
	check_port(c, "zoo.cfg", _("ZooKeeper TLS"), addr, c->secure_port, c->zk_pid);
	check_port(c, "zoo.cfg", _("ZooKeeper plaintext"), kv_get(&c->zoo, "clientPortAddress"),
		   c->plain_port, c->zk_pid);
}

/* What DIR's marker file says about a directory: its setup, or NULL. */
static char *
marker_of(const char *dir)
{
	char *path = fs_join(dir, SETUP_MARKER), *data = NULL;
	struct msg err;
	size_t len;

	if (fs_read_file(path, 65536, &data, &len, &err) != 0) {
		free(path);
		return NULL;
	}
	free(path);
	data[strcspn(data, "\r\n")] = '\0';
	return data;
}

static bool
dir_has_entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	bool any = false;

	if (d == NULL)
		return false;
	while (!any && (de = readdir(d)) != NULL)
		any = strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0;
	closedir(d);
	return any;
}

/* A data directory from an earlier setup is what makes brokers fail with NoAuth. */
static void
check_data_dir(struct check_ctx *c)
{
	const char *v = kv_get(&c->zoo, "dataDir");
	char *path, *version2, *marker;
	bool has_cluster_sh = exists_rel(c, "cluster.sh");
	struct stat st;

	if (v == NULL)
		return;
	path = path_in_dir(c, v);
	if (lstat(path, &st) != 0) {
		add(c->r, CHECK_OK, "zoo.cfg", _("the data directory %s does not exist yet: a fresh "
						 "start"), v);
		free(path);
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		add(c->r, CHECK_PROBLEM, "zoo.cfg", _("dataDir %s is not a directory"), v);
		free(path);
		return;
	}
	if (st.st_uid != geteuid()) {
		add(c->r, CHECK_PROBLEM, "zoo.cfg",
		    _("dataDir %s belongs to another user: ZooKeeper cannot use it"), v);
		hint(c->r, _("choose another zookeeper.data_dir"));
	}
	version2 = fs_join(path, "version-2");
	marker = marker_of(path);
	if (!dir_has_entries(version2)) {
		add(c->r, CHECK_OK, "zoo.cfg", _("the data directory %s holds no ZooKeeper data"), v);
	} else if (marker != NULL && c->real_dir != NULL && strcmp(marker, c->real_dir) == 0) {
		add(c->r, CHECK_OK, "zoo.cfg",
		    _("the data directory %s holds this setup's ZooKeeper data (kept across restarts)"),
		    v);
		hint(c->r, _("if a broker stops with \"KeeperErrorCode = NoAuth for /brokers/ids\" "
			     "after the certificates changed: ./cluster.sh cleanup && ./cluster.sh "
			     "start"));
	} else {
		add(c->r, has_cluster_sh ? CHECK_PROBLEM : CHECK_WARNING, "zoo.cfg",
		    _("the data directory %s holds ZooKeeper data left from an earlier setup%s%s"),
		    v, marker != NULL ? " in " : "", marker != NULL ? marker : "");
		hint(c->r, _("its znodes may carry ACLs for that setup's certificates: a broker "
			     "with another certificate then stops with \"KeeperErrorCode = NoAuth "
			     "for /brokers/ids\""));
		if (marker != NULL)
			hint(c->r, _("remove it with that setup's cleanup: (cd %s && ./cluster.sh "
				     "cleanup)"), marker);
		else
			hint(c->r, _("if you need none of its data: rm -r %s (./cluster.sh cleanup "
				     "removes only directories marked as this setup's)"), path);
	}
	free(marker);
	free(version2);
	free(path);
}

/* ------------------------------------------------------------ brokers and clients */

static char *
name_of(const char *file, const char *suffix)
{
	return xstrndup(file, strlen(file) - strlen(suffix));
}

/* The ZooKeeper client side: where it connects, which port that is. */
static void
check_connect(struct check_ctx *c, const char *file, const char *connect)
{
	struct strlist hosts = { 0 }, ports = { 0 };

	parse_connect(connect, &hosts, &ports);
	for (size_t i = 0; i < hosts.len; i++) {
		long port = 0;

		if (!strlist_contains(&c->zk_hosts, hosts.items[i]))
			strlist_push(&c->zk_hosts, hosts.items[i]);
		host_lookup(c, hosts.items[i]);
		parse_long(ports.items[i], 0, 65535, &port);
		if (c->secure_port > 0 && port == c->secure_port)
			add(c->r, CHECK_OK, file,
			    _("zookeeper.connect reaches ZooKeeper's TLS port (%s:%ld)"),
			    hosts.items[i], port);
		else if (c->plain_port > 0 && port == c->plain_port)
			add(c->r, CHECK_PROBLEM, file,
			    _("zookeeper.connect=%s goes to the plaintext clientPort %ld, not the "
			      "TLS port %ld"), connect, port, c->secure_port);
		else if (c->have_zoo)
			add(c->r, CHECK_PROBLEM, file,
			    _("zookeeper.connect=%s: ZooKeeper listens on %ld, not %ld"), connect,
			    c->secure_port, port);
	}
	strlist_free(&hosts);
	strlist_free(&ports);
}

/* listeners=NAME://host:port,...: hosts and ports. */
static void
parse_listeners(const char *text, struct strlist *hosts, struct strlist *ports)
{
	char *copy = xstrdup(text), *save = NULL;

	for (char *tok = strtok_r(copy, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		char *h = strstr(tok, "://"), *colon;

		if (h == NULL)
			continue;
		h += 3;
		colon = strrchr(h, ':');
		if (colon == NULL)
			continue;
		*colon = '\0';
		if (h[0] == '[') {
			h++;
			h[strcspn(h, "]")] = '\0';
		}
		strlist_push(hosts, h);
		strlist_push(ports, colon + 1);
	}
	free(copy);
}

static struct store *
open_kafka_store(struct check_ctx *c, const struct kvlist *p, const char *file, bool key)
{
	const char *loc = kv_get(p, key ? "ssl.keystore.location" : "ssl.truststore.location");
	const char *type = kv_get(p, key ? "ssl.keystore.type" : "ssl.truststore.type");
	const char *pw = kv_get(p, key ? "ssl.keystore.password" : "ssl.truststore.password");
	enum store_type t = STORE_JKS;
	struct store *s;

	if (loc == NULL)
		return NULL;
	if (type != NULL && type_from_text(type, &t) != 0) {
		add(c->r, CHECK_PROBLEM, file, _("unknown store type %s"), type);
		return NULL;
	}
	if (key && t == STORE_PEM) {
		/* Kafka's PEM keystore: the key opens with ssl.key.password; a store password is refused. */
		if (pw != NULL)
			add(c->r, CHECK_PROBLEM, file,
			    _("ssl.keystore.password is set for a PEM keystore: Kafka refuses to "
			      "start (\"SSL key store password cannot be specified with PEM format\")"));
		pw = kv_get(p, "ssl.key.password");
	}
	s = store_open(c, loc, t, pw != NULL ? pw : "");
	if (key) {
		const char *kpw = kv_get(p, "ssl.key.password");

		if (check_keystore(c, s, file) && t != STORE_PEM && kpw != NULL && pw != NULL &&
		    strcmp(kpw, pw) != 0)
			add(c->r, CHECK_WARNING, file,
			    _("ssl.key.password differs from ssl.keystore.password: ZooKeeper's "
			      "client cannot use this keystore"));
	} else {
		check_truststore(c, s, file);
	}
	return s;
}

static void
check_broker(struct check_ctx *c, const char *file, const struct kvlist *p)
{
	char *name = name_of(file, ".properties"), *args = xasprintf("%s.zk-tls.args", name);
	const char *v;
	struct store *ks, *ts;
	struct strlist hosts = { 0 }, ports = { 0 };
	int pid = running_pid(c, name);

	check_mode(c, file);
	v = kv_get(p, "zookeeper.connect");
	if (v == NULL)
		add(c->r, CHECK_PROBLEM, file, _("no zookeeper.connect"));
	else
		check_connect(c, file, v);
	ks = open_kafka_store(c, p, file, true);
	ts = open_kafka_store(c, p, file, false);
	if (ks != NULL && ts != NULL)
		check_chain(c, ks, ts, file, file);

	v = kv_get(p, "listeners");
	if (v != NULL) {
		struct strlist names = { 0 };

		parse_listeners(v, &hosts, &ports);
		for (size_t i = 0; i < hosts.len; i++) {
			struct host *h = hosts.items[i][0] != '\0' ? host_lookup(c, hosts.items[i]) : NULL;
			long port = 0;

			if (h != NULL && !strlist_contains(&names, h->name))
				strlist_push(&names, h->name);
			if (parse_long(ports.items[i], 1, 65535, &port) && (h == NULL || h->resolves))
				check_port(c, file, name, h != NULL ? h->address : NULL, port, pid);
		}
		if (ks != NULL)
			check_sans(c, ks, &names, file);
		strlist_free(&names);
	}
	if (!exists_rel(c, args))
		add(c->r, CHECK_WARNING, file,
		    _("no %s: the broker's ZooKeeper TLS options must come from KAFKA_OPTS, which "
		      "check cannot see"), args);
	strlist_free(&hosts);
	strlist_free(&ports);
	free(args);
	free(name);
}

/* NAME.zk-tls.args: the JVM options of a ZooKeeper client (a broker or a CLI tool). */
static void
check_args(struct check_ctx *c, const char *file)
{
	struct strlist words = { 0 };
	struct kvlist d = { 0 };
	struct msg err = { "" };
	const char *v, *loc;
	char *data = NULL;
	size_t len;
	enum store_type t;
	struct store *ks = NULL, *ts = NULL;

	check_mode(c, file);
	if (read_rel(c, file, &data, &len, &err) != 0) {
		add(c->r, CHECK_PROBLEM, file, "%s", err.text);
		return;
	}
	argfile_parse(data, len, &words);
	secure_wipe(data, len);
	free(data);
	system_properties(&words, &d);
	for (size_t i = 0; i < words.len; i++)
		secure_wipe(words.items[i], strlen(words.items[i]));
	strlist_free(&words);

	v = kv_get(&d, "zookeeper.clientCnxnSocket");
	if (v == NULL || strcmp(v, NETTY_SOCKET) != 0)
		add(c->r, CHECK_PROBLEM, file,
		    _("zookeeper.clientCnxnSocket is %s, not %s: the client cannot use TLS"),
		    v != NULL ? v : _("unset"), NETTY_SOCKET);
	v = kv_get(&d, "zookeeper.client.secure");
	if (v == NULL || strcmp(v, "true") != 0)
		add(c->r, CHECK_PROBLEM, file,
		    _("zookeeper.client.secure is not true: the client connects in plaintext"));

	loc = kv_get(&d, "zookeeper.ssl.keyStore.location");
	v = kv_get(&d, "zookeeper.ssl.keyStore.type");
	if (loc == NULL) {
		add(c->r, CHECK_PROBLEM, file,
		    _("no zookeeper.ssl.keyStore.location: ZooKeeper wants a client certificate"));
	} else if (v != NULL ? type_from_text(v, &t) != 0 : type_from_name(loc, &t) != 0) {
		add(c->r, CHECK_PROBLEM, file, _("cannot tell the type of %s: set "
						 "zookeeper.ssl.keyStore.type"), loc);
	} else {
		v = kv_get(&d, "zookeeper.ssl.keyStore.password");
		ks = store_open(c, loc, t, v != NULL ? v : "");
		if (!check_keystore(c, ks, file))
			ks = NULL;
	}
	loc = kv_get(&d, "zookeeper.ssl.trustStore.location");
	v = kv_get(&d, "zookeeper.ssl.trustStore.type");
	if (loc == NULL) {
		add(c->r, CHECK_PROBLEM, file,
		    _("no zookeeper.ssl.trustStore.location: the client cannot check ZooKeeper's "
		      "certificate"));
	} else if (v != NULL ? type_from_text(v, &t) != 0 : type_from_name(loc, &t) != 0) {
		add(c->r, CHECK_PROBLEM, file, _("cannot tell the type of %s: set "
						 "zookeeper.ssl.trustStore.type"), loc);
	} else {
		v = kv_get(&d, "zookeeper.ssl.trustStore.password");
		ts = store_open(c, loc, t, v != NULL ? v : "");
		if (!check_truststore(c, ts, file))
			ts = NULL;
	}
	/* Both directions of the handshake with ZooKeeper. */
	if (ks != NULL && ts != NULL)
		check_chain(c, ks, ts, file, file);
	if (ks != NULL && c->zk_truststore != NULL)
		check_chain(c, ks, c->zk_truststore, file, "zoo.cfg");
	if (ts != NULL && c->zk_keystore != NULL)
		check_chain(c, c->zk_keystore, ts, file, file);
	if (ks != NULL) {
		char *who = subject_of(leaf_of(ks));

		add(c->r, CHECK_OK, file, _("ZooKeeper will know this client as x509:%s"), who);
		free(who);
	}
	kv_free(&d);
}

static void
check_client_config(struct check_ctx *c, const char *file)
{
	struct kvlist p = { 0 };
	struct msg err = { "" };
	char *data = NULL;
	size_t len;

	if (read_rel(c, file, &data, &len, &err) != 0)
		return;
	check_mode(c, file);
	props_parse(data, len, &p);
	secure_wipe(data, len);
	free(data);
	if (kv_get(&p, "ssl.truststore.location") != NULL)
		open_kafka_store(c, &p, file, false);
	if (kv_get(&p, "ssl.keystore.location") != NULL)
		open_kafka_store(c, &p, file, true);
	kv_free(&p);
}

/* ------------------------------------------------------------ Kafka's libs */

static const char *
needed_zk_version(const struct check_ctx *c, char **found_dir)
{
	const char *v = kv_get(&c->answers, "zookeeper.version");
	DIR *d;
	struct dirent *de;

	*found_dir = NULL;
	if (v != NULL)
		return v;
	d = opendir(c->dir);
	if (d == NULL)
		return NULL;
	while ((de = readdir(d)) != NULL) {
		if (str_starts_with(de->d_name, "apache-zookeeper-") &&
		    str_ends_with(de->d_name, "-bin")) {
			size_t n = strlen(de->d_name) - strlen("apache-zookeeper-") - strlen("-bin");

			*found_dir = xstrndup(de->d_name + strlen("apache-zookeeper-"), n);
			break;
		}
	}
	closedir(d);
	return *found_dir;
}

static void
check_kafka_libs(struct check_ctx *c, const char *kafka)
{
	char *libs = xasprintf("%s/libs", kafka), *path = path_in_dir(c, libs);
	char *found_dir = NULL;
	const char *need = needed_zk_version(c, &found_dir);
	struct strlist zk = { 0 }, jute = { 0 };
	bool netty = false;
	DIR *d = opendir(path);
	struct dirent *de;

	if (d == NULL) {
		free(libs);
		free(path);
		free(found_dir);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		const char *n = de->d_name;

		if (!str_ends_with(n, ".jar"))
			continue;
		if (str_starts_with(n, "zookeeper-jute-"))
			strlist_push(&jute, n);
		else if (str_starts_with(n, "zookeeper-") && n[10] >= '0' && n[10] <= '9')
			strlist_push(&zk, n);
		else if (str_starts_with(n, "netty-"))
			netty = true;
	}
	closedir(d);
	if (zk.len == 0) {
		add(c->r, CHECK_PROBLEM, libs, _("holds no ZooKeeper jar: Kafka cannot reach ZooKeeper"));
		hint(c->r, _("run the jars step: zktls-wizard --batch --steps jars DIR"));
	} else if (zk.len > 1) {
		struct buf list;

		buf_init(&list);
		for (size_t i = 0; i < zk.len; i++)
			buf_printf(&list, "%s%s", i ? ", " : "", zk.items[i]);
		add(c->r, CHECK_PROBLEM, libs,
		    _("holds %zu ZooKeeper jars (%s): Kafka puts every jar in libs/ on its "
		      "classpath, and which ZooKeeper client it gets is chance"), zk.len, list.data);
		hint(c->r, _("keep only zookeeper-%s.jar there (the article: rm -v the 3.4 jar)"),
		     need != NULL ? need : "3.5.5");
		buf_free(&list);
	} else {
		const char *n = zk.items[0];
		char *version = xstrndup(n + 10, strlen(n) - 10 - 4);

		if (version_compare(version, "3.5.5") < 0) {
			add(c->r, CHECK_PROBLEM, libs,
			    _("holds %s: ZooKeeper's client learned TLS in 3.5.5"), n);
			hint(c->r, _("swap it for the 3.5 jars: zktls-wizard --batch --steps jars DIR"));
		} else if (need != NULL && strcmp(version, need) != 0) {
			add(c->r, CHECK_PROBLEM, libs,
			    _("holds %s, but the configuration is for ZooKeeper %s"), n, need);
		} else {
			add(c->r, CHECK_OK, libs, _("holds exactly one ZooKeeper jar: %s"), n);
		}
		if (version_compare(version, "3.5") >= 0) {
			char *want = xasprintf("zookeeper-jute-%s.jar", version);

			if (!strlist_contains(&jute, want))
				add(c->r, CHECK_PROBLEM, libs,
				    _("lacks %s, which ZooKeeper %s's client needs"), want, version);
			free(want);
		}
		free(version);
	}
	if (!netty)
		add(c->r, CHECK_PROBLEM, libs,
		    _("holds no Netty jar: the ZooKeeper client needs Netty for TLS"));
	strlist_free(&zk);
	strlist_free(&jute);
	free(found_dir);
	free(libs);
	free(path);
}

/* ------------------------------------------------------------ the whole directory */

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
list_dir(const char *dir, struct strlist *out)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			strlist_push(out, de->d_name);
	closedir(d);
	if (out->len > 1)
		qsort(out->items, out->len, sizeof *out->items, name_cmp);
}

static void
check_hosts(struct check_ctx *c)
{
	struct buf bad;

	buf_init(&bad);
	for (size_t i = 0; i < c->nhosts; i++) {
		if (c->hosts[i].resolves)
			add(c->r, CHECK_OK, "", _("%s resolves to %s"), c->hosts[i].name,
			    c->hosts[i].address != NULL ? c->hosts[i].address : "?");
		else
			buf_printf(&bad, " %s", c->hosts[i].name);
	}
	if (bad.len > 0) {
		add(c->r, CHECK_PROBLEM, "", _("these host names do not resolve:%s"), bad.data);
		hint(c->r, _("for a cluster on this machine, add this line to /etc/hosts (as root):"));
		hint(c->r, "127.0.0.1%s", bad.data);
	}
	buf_free(&bad);
}

static void
ctx_free(struct check_ctx *c)
{
	kv_free(&c->answers);
	kv_free(&c->zoo);
	kv_free(&c->jvm);
	for (size_t i = 0; i < c->nstores; i++) {
		struct store *s = c->stores[i];

		free(s->path);
		secure_free_str(s->password);
		free(s->why);
		strlist_free(&s->users);
		keystore_free(&s->ks);
		free(s);
	}
	free(c->stores);
	for (size_t i = 0; i < c->nhosts; i++) {
		free(c->hosts[i].name);
		free(c->hosts[i].address);
	}
	free(c->hosts);
	strlist_free(&c->zk_hosts);
	strlist_free(&c->pairs_checked);
	free(c->real_dir);
}

int
check_dir(const char *dir, struct check_report *r, struct msg *err)
{
	struct check_ctx c = { 0 };
	struct strlist names = { 0 }, brokers = { 0 };
	struct msg e = { "" };
	struct stat st;
	char *data = NULL;
	size_t len;

	memset(r, 0, sizeof *r);
	r->dir = xstrdup(dir);
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return msg_set(err, _("%s: not a directory"), dir);
	c.dir = dir;
	c.r = r;
	c.real_dir = realpath(dir, NULL);
	list_dir(dir, &names);

	if (read_rel(&c, "zktls-wizard.conf", &data, &len, &e) == 0) {
		answers_read(data, len, &c.answers);
		secure_wipe(data, len);
		free(data);
	}
	/* The brokers: NAME.properties with broker settings (not log4j's). */
	for (size_t i = 0; i < names.len; i++) {
		const char *n = names.items[i];
		struct kvlist p = { 0 };

		if (!str_ends_with(n, ".properties") || str_starts_with(n, "log4j"))
			continue;
		if (read_rel(&c, n, &data, &len, &e) != 0)
			continue;
		props_parse(data, len, &p);
		secure_wipe(data, len);
		free(data);
		if (kv_get(&p, "broker.id") != NULL || kv_get(&p, "zookeeper.connect") != NULL)
			strlist_push(&brokers, n);
		kv_free(&p);
	}
	if (read_rel(&c, "zoo.cfg", &data, &len, &e) == 0) {
		c.have_zoo = true;
		props_parse(data, len, &c.zoo);
		secure_wipe(data, len);
		free(data);
	} else if (brokers.len == 0) {
		strlist_free(&names);
		ctx_free(&c);
		return msg_set(err, _("%s: neither zoo.cfg nor a broker's NAME.properties: not a "
				      "working directory of this recipe"), dir);
	} else {
		add(r, CHECK_PROBLEM, "zoo.cfg", _("missing: ZooKeeper's configuration"));
	}

	if (c.have_zoo) {
		c.zk_pid = running_pid(&c, "zookeeper");
		check_zoo_cfg(&c);
	}
	for (size_t i = 0; i < brokers.len; i++) {
		struct kvlist p = { 0 };

		if (read_rel(&c, brokers.items[i], &data, &len, &e) != 0)
			continue;
		props_parse(data, len, &p);
		secure_wipe(data, len);
		free(data);
		check_broker(&c, brokers.items[i], &p);
		kv_free(&p);
	}
	for (size_t i = 0; i < names.len; i++)
		if (str_ends_with(names.items[i], ".zk-tls.args"))
			check_args(&c, names.items[i]);
	for (size_t i = 0; i < names.len; i++)
		if (str_ends_with(names.items[i], ".config"))
			check_client_config(&c, names.items[i]);
	/* ZooKeeper's certificate must name what the clients connect to. */
	{
		const char *h = kv_get(&c.answers, "zookeeper.host");

		if (h != NULL && !strlist_contains(&c.zk_hosts, h)) {
			strlist_push(&c.zk_hosts, h);
			host_lookup(&c, h);
		}
	}
	if (c.zk_keystore != NULL)
		check_sans(&c, c.zk_keystore, &c.zk_hosts, _("how the clients reach ZooKeeper"));
	for (size_t i = 0; i < c.nstores; i++)
		report_store(&c, c.stores[i]);
	if (c.have_zoo)
		check_data_dir(&c);
	for (size_t i = 0; i < names.len; i++) {
		struct stat ks;
		char *p = fs_join(dir, names.items[i]);

		if (str_starts_with(names.items[i], "kafka_") && stat(p, &ks) == 0 &&
		    S_ISDIR(ks.st_mode))
			check_kafka_libs(&c, names.items[i]);
		free(p);
	}
	check_hosts(&c);

	strlist_free(&names);
	strlist_free(&brokers);
	ctx_free(&c);
	report_sort(r);
	return 0;
}
