/* check's ZooKeeper side: zoo.cfg, java.env, its stores, ports and data directory. */
#include <config.h>

#include <dirent.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_int.h"
#include "fsutil.h"
#include "i18n.h"
#include "util.h"

static bool
is_sh_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f';
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

		while (i < n && (is_sh_space(s[i]) || s[i] == ';'))
			i++;
		if (i >= n)
			break;
		if (s[i] == '#') {
			while (i < n && s[i] != '\n')
				i++;
			continue;
		}
		buf_init(&word);
		while (i < n && !is_sh_space(s[i]) && s[i] != ';') {
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

	if (check_read_rel(c, "java.env", &data, &len, &err) != 0) {
		if (check_exists_rel(c, "java.env"))
			check_add(c->r, CHECK_PROBLEM, "java.env", "%s", err.text);
		return;
	}
	shenv_parse(data, len, &env, &unsure);
	free(data);
	if (unsure) {
		check_add(c->r, CHECK_WARNING, "java.env",
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
		check_add(c->r, CHECK_PROBLEM, "java.env",
		    _("no -Dzookeeper.serverCnxnFactory: ZooKeeper uses NIO, which cannot do TLS, "
		      "and the secure port would fail every client"));
		check_hint(c->r, _("java.env: SERVER_JVMFLAGS=\"-Dzookeeper.serverCnxnFactory=%s\" (or "
			     "serverCnxnFactory=%s in zoo.cfg)"), NETTY_FACTORY, NETTY_FACTORY);
	} else if (strcmp(f, NETTY_FACTORY) == 0) {
		check_add(c->r, CHECK_OK, zk_source(c, "serverCnxnFactory"),
		    _("ZooKeeper uses Netty (NettyServerCnxnFactory), which TLS needs"));
	} else if (strcmp(f, NIO_FACTORY) == 0) {
		check_add(c->r, CHECK_PROBLEM, zk_source(c, "serverCnxnFactory"),
		    _("ZooKeeper is set to NIOServerCnxnFactory, which cannot do TLS"));
		check_hint(c->r, _("use %s instead"), NETTY_FACTORY);
	} else {
		check_add(c->r, CHECK_WARNING, zk_source(c, "serverCnxnFactory"),
		    _("ZooKeeper's connection factory is %s, not Netty: TLS may not work"), f);
	}
}

/* ZooKeeper's keystore (ssl.keyStore.*) or truststore (ssl.trustStore.*); NULL if none. */
static struct store *
zk_store(struct check_ctx *c, bool key)
{
	const char *which = key ? "keyStore" : "trustStore";
	char *name = xasprintf("ssl.%s.location", which);
	const char *loc = zk_get(c, name), *type, *pw;
	struct store *s = NULL;
	enum store_type t;

	free(name);
	if (loc == NULL) {
		if (key)
			check_add(c->r, CHECK_PROBLEM, "zoo.cfg",
				  _("no ssl.keyStore.location: TLS cannot work"));
		else
			check_add(c->r, CHECK_PROBLEM, "zoo.cfg",
				  _("no ssl.trustStore.location: ZooKeeper cannot check client "
				    "certificates"));
		return NULL;
	}
	name = xasprintf("ssl.%s.type", which);
	type = zk_get(c, name);
	free(name);
	name = xasprintf("ssl.%s.password", which);
	pw = zk_get(c, name);
	free(name);
	if (type != NULL ? store_type_from_text(type, true, &t) != 0
			 : store_type_from_name(loc, &t) != 0) {
		if (key)
			check_add(c->r, CHECK_PROBLEM, "zoo.cfg",
				  _("ZooKeeper cannot tell the type of %s: set ssl.keyStore.type"), loc);
		else
			check_add(c->r, CHECK_PROBLEM, "zoo.cfg",
				  _("ZooKeeper cannot tell the type of %s: set ssl.trustStore.type"),
				  loc);
	} else {
		s = store_open(c, loc, t, pw != NULL ? pw : "");
	}
	return s;
}

void
check_zoo_cfg(struct check_ctx *c)
{
	const char *v, *addr;
	struct store *ks, *ts;
	bool admin;

	check_mode(c, "zoo.cfg");
	read_java_env(c);
	if (kv_get(&c->zoo, "dataDir") == NULL)
		check_add(c->r, CHECK_PROBLEM, "zoo.cfg", _("no dataDir: ZooKeeper refuses to start"));

	v = kv_get(&c->zoo, "secureClientPort");
	if (v == NULL) {
		check_add(c->r, CHECK_PROBLEM, "zoo.cfg",
		    _("no secureClientPort: ZooKeeper offers no TLS port"));
		check_hint(c->r, _("add secureClientPort=2182 (the article's port)"));
	} else if (!parse_long(v, 1, 65535, &c->secure_port)) {
		check_add(c->r, CHECK_PROBLEM, "zoo.cfg", _("secureClientPort=%s is not a port"), v);
	} else {
		check_add(c->r, CHECK_OK, "zoo.cfg", _("secureClientPort=%ld: clients connect with TLS"),
		    c->secure_port);
	}
	v = kv_get(&c->zoo, "clientPort");
	if (v != NULL && v[0] != '\0') {
		parse_long(v, 1, 65535, &c->plain_port);
		check_add(c->r, CHECK_PROBLEM, "zoo.cfg",
		    _("clientPort=%s opens a plaintext port: anyone who reaches it talks to "
		      "ZooKeeper unencrypted, without a certificate"), v);
		check_hint(c->r, _("remove the clientPort line (the article: only if you want "
			     "unencrypted connections too)"));
	} else {
		check_add(c->r, CHECK_OK, "zoo.cfg", _("no plaintext clientPort"));
	}
	check_factory(c);

	v = NULL;
	for (size_t i = 0; i < c->zoo.len; i++)
		if (str_starts_with(c->zoo.items[i].key, "authProvider.") &&
		    strcmp(c->zoo.items[i].value, X509_PROVIDER) == 0)
			v = c->zoo.items[i].value;
	if (v != NULL)
		check_add(c->r, CHECK_OK, "zoo.cfg",
		    _("clients are known by their certificate (X509AuthenticationProvider)"));
	else
		check_add(c->r, CHECK_WARNING, "zoo.cfg",
		    _("no authProvider.N=%s: certificates encrypt, but ZooKeeper knows no client "
		      "by its certificate"), X509_PROVIDER);
	v = zk_get(c, "ssl.clientAuth");
	if (v != NULL && strcasecmp(v, "need") != 0)
		check_add(c->r, CHECK_WARNING, zk_source(c, "ssl.clientAuth"),
		    _("ssl.clientAuth=%s: clients without a certificate are let in"), v);

	/* The keystore and truststore. */
	ks = zk_store(c, true);
	if (ks != NULL && check_keystore(c, ks, "zoo.cfg"))
		c->zk_keystore = ks;
	ts = zk_store(c, false);
	if (ts != NULL && check_truststore(c, ts, "zoo.cfg"))
		c->zk_truststore = ts;
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
		check_add(c->r, CHECK_WARNING, "zoo.cfg",
		    _("the AdminServer is on: plain, unauthenticated HTTP on %s:%ld"),
		    addr != NULL ? addr : "0.0.0.0", port);
		check_hint(c->r, _("add admin.enableServer=false unless you need it"));
		check_port(c, "zoo.cfg", _("AdminServer"), addr, port, c->zk_pid,
			   _("ZooKeeper stops with \"Unable to start AdminServer\" when it cannot "
			     "bind it; or set admin.enableServer=false"));
	} else {
		check_add(c->r, CHECK_OK, zk_source(c, "admin.enableServer"), _("the AdminServer is off"));
	}
	addr = kv_get(&c->zoo, "secureClientPortAddress");
	check_port(c, "zoo.cfg", _("ZooKeeper TLS"), addr, c->secure_port, c->zk_pid, NULL);
	check_port(c, "zoo.cfg", _("ZooKeeper plaintext"), kv_get(&c->zoo, "clientPortAddress"),
		   c->plain_port, c->zk_pid, NULL);
}

/* What DIR's marker file says about a directory: its setup, or NULL. */
static char *
marker_of(const char *dir)
{
	char *path = fs_join(dir, SETUP_MARKER), *data = NULL;
	struct msg err;
	size_t len;

	if (check_read_file(path, 65536, &data, &len, &err) != 0) {
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
/*
 * Whether path (as zoo.cfg gives it) lies in DIR.  A data directory
 * elsewhere (the article's /tmp/zookeeper) is this machine's, not the
 * directory's: what it holds here says nothing about the machine that will
 * run the cluster.
 */
static bool
inside_dir(const struct check_ctx *c, const char *path)
{
	size_t n;

	if (path[0] != '/')
		return strncmp(path, "../", 3) != 0 && strcmp(path, "..") != 0;
	if (c->real_dir == NULL)
		return false;
	n = strlen(c->real_dir);
	return strncmp(path, c->real_dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

static void dd_add(struct check_ctx *c, bool host, enum check_level level, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* A finding about zoo.cfg's data directory: about DIR, or about this machine. */
static void
dd_add(struct check_ctx *c, bool host, enum check_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	check_addv(c->r, host, level, "zoo.cfg", fmt, ap);
	va_end(ap);
}

void
check_data_dir(struct check_ctx *c)
{
	const char *v = kv_get(&c->zoo, "dataDir");
	char *path, *version2, *marker;
	bool has_cluster_sh = check_exists_rel(c, "cluster.sh");
	struct stat st;
	bool host;

	if (v == NULL)
		return;
	path = check_path(c, v);
	host = !inside_dir(c, v);
	if (lstat(path, &st) != 0) {
		dd_add(c, host, CHECK_OK, _("the data directory %s does not exist yet: a fresh "
						 "start"), v);
		free(path);
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		dd_add(c, host, CHECK_PROBLEM, _("dataDir %s is not a directory"), v);
		free(path);
		return;
	}
	if (st.st_uid != geteuid()) {
		dd_add(c, host, CHECK_PROBLEM,
		    _("dataDir %s belongs to another user: ZooKeeper cannot use it"), v);
		check_hint(c->r, _("choose another zookeeper.data_dir"));
	}
	version2 = fs_join(path, "version-2");
	marker = marker_of(path);
	if (!dir_has_entries(version2)) {
		dd_add(c, host, CHECK_OK, _("the data directory %s holds no ZooKeeper data"), v);
	} else if (marker != NULL && c->real_dir != NULL && strcmp(marker, c->real_dir) == 0) {
		dd_add(c, host, CHECK_OK,
		    _("the data directory %s holds this setup's ZooKeeper data (kept across restarts)"),
		    v);
		check_hint(c->r, _("if a broker stops with \"KeeperErrorCode = NoAuth for /brokers/ids\" "
			     "after the certificates changed: ./cluster.sh cleanup && ./cluster.sh "
			     "start"));
	} else {
		dd_add(c, host, has_cluster_sh ? CHECK_PROBLEM : CHECK_WARNING,
		    _("the data directory %s holds ZooKeeper data left from an earlier setup%s%s"),
		    v, marker != NULL ? " in " : "", marker != NULL ? marker : "");
		check_hint(c->r, _("its znodes may carry ACLs for that setup's certificates: a broker "
			     "with another certificate then stops with \"KeeperErrorCode = NoAuth "
			     "for /brokers/ids\""));
		if (marker != NULL)
			check_hint(c->r, _("remove it with that setup's cleanup: (cd %s && ./cluster.sh "
				     "cleanup)"), marker);
		else
			check_hint(c->r, _("if you need none of its data: rm -r %s (./cluster.sh cleanup "
				     "removes only directories marked as this setup's)"), path);
	}
	free(marker);
	free(version2);
	free(path);
}
