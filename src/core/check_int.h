/*
 * What the parts of check share: the context of one run and the helpers
 * that each part (report, stores, ZooKeeper, Kafka, this machine) uses.
 * Not for front ends: they see check.h only.
 */
#ifndef ZK_CHECK_INT_H
#define ZK_CHECK_INT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <openssl/x509.h>

#include "check.h"
#include "javafmt.h"
#include "keystore.h"
#include "plan.h"
#include "util.h"

/* Configuration files are small; a keystore of a few KiB. Anything far larger is not ours. */
#define CHECK_MAX_FILE (4u << 20)
#define NETTY_FACTORY "org.apache.zookeeper.server.NettyServerCnxnFactory"
#define NIO_FACTORY "org.apache.zookeeper.server.NIOServerCnxnFactory"
#define NETTY_SOCKET "org.apache.zookeeper.ClientCnxnSocketNetty"
#define X509_PROVIDER "org.apache.zookeeper.server.auth.X509AuthenticationProvider"
#define SETUP_MARKER ".zktls-wizard-setup"
#define ADMIN_DEFAULT_PORT 8080

/* ------------------------------------------------------------ check_report.c */

void check_add(struct check_report *r, enum check_level level, const char *file,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* A fact about this machine: reported apart, counted only with check_options.this_host. */
void check_add_host(struct check_report *r, enum check_level level, const char *file,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void check_addv(struct check_report *r, bool host, enum check_level level, const char *file,
		const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));
/* Adds a line of advice to the finding added last. */
void check_hint(struct check_report *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The directory, then this machine; problems first, then warnings, then what is right; grouped by file. */
void check_report_sort(struct check_report *r);

/* ------------------------------------------------------------ the context */

struct store {
	char *path;             /* as configured */
	char *password;
	enum store_type type;
	enum ks_status status;  /* KS_OK, or why not */
	bool missing;
	bool compat_p12;        /* configured as JKS, but a PKCS#12 file */
	bool key_pw_differs;    /* JKS: the store opens, a key does not */
	bool java_only_pw;      /* the password holds what only Java strings hold */
	bool as_key, as_trust;  /* how the files use it */
	struct strlist users;   /* the files that name it with this password */
	char *why;
	struct keystore ks;
};

struct host {
	char *name;
	bool looked_up;         /* an answer came (only with this_host) */
	bool resolves;
	char *address;          /* the first address, numeric */
};

/* A port on a named address: checked once the name is looked up. */
struct port_check {
	char *file, *what, *address, *hint;
	long port;
	int ours_pid;
};

struct check_ctx {
	const char *dir;
	char *real_dir;
	struct check_report *r;
	struct plan *answers;   /* zktls-wizard.conf, when there */
	struct kvlist zoo;      /* zoo.cfg */
	struct kvlist jvm;      /* -D flags of SERVER_JVMFLAGS and JVMFLAGS in java.env */
	bool have_zoo;
	long secure_port;       /* 0: none */
	long plain_port;
	struct store **stores;
	size_t nstores;
	struct store *zk_keystore, *zk_truststore;
	bool this_host;         /* check_options.this_host */
	struct host *hosts;     /* every name the files give, looked up only with this_host */
	size_t nhosts;
	struct port_check *ports;
	size_t nports;
	struct strlist zk_hosts;        /* how clients name ZooKeeper */
	struct strlist pairs_checked;   /* "keystore\ntruststore" already verified */
	int zk_pid;                     /* this setup's running ZooKeeper, or 0 */
};

/* ------------------------------------------------------------ check.c: files */

/* What zktls-wizard.conf sets for key, or NULL: check goes by answers given, not defaults. */
const char *check_answer(const struct check_ctx *c, const char *key);

/* path as the files name it: relative to DIR unless absolute. */
char *check_path(const struct check_ctx *c, const char *path);
/*
 * The one place check opens a file to read it (path as check_path gives
 * it): whatever check reads goes through here.
 */
int check_read_file(const char *path, size_t max, char **data, size_t *len, struct msg *err);
int check_read_rel(const struct check_ctx *c, const char *rel, char **data, size_t *len,
		   struct msg *err);
/*
 * rel read as Java reads a properties file; -1 (err says why) when it
 * cannot be read.  With report, a file Java refuses is a problem.
 */
int check_load_props(struct check_ctx *c, const char *rel, struct kvlist *out, bool report,
		     struct msg *err);
bool check_exists_rel(const struct check_ctx *c, const char *rel);
/* Files that hold a key or a password must not be readable by others (DESIGN §5). */
void check_mode(struct check_ctx *c, const char *rel);

/* ------------------------------------------------------------ check_stores.c */

/* The store at path opened as type with password; once per path, type and password. */
struct store *store_open(struct check_ctx *c, const char *path, enum store_type type,
			 const char *password);
/* ZooKeeper's X509Util, when no type is set: from the file name's end. */
int store_type_from_name(const char *path, enum store_type *out);
X509 *store_leaf(const struct store *s);
char *cert_subject(const X509 *cert);
/*
 * Notes that from uses s as a keystore (check_keystore) or truststore; true
 * when it can.  What is found is reported once per store by report_store,
 * for all the files that use it with that password.
 */
bool check_keystore(struct check_ctx *c, struct store *s, const char *from);
bool check_truststore(struct check_ctx *c, struct store *s, const char *from);
void report_store(struct check_ctx *c, struct store *s);
/* Verifies the key entry of ks against trust once per pair; file names the finding. */
void check_chain(struct check_ctx *c, const struct store *ks, const struct store *trust,
		 const char *file, const char *who_trusts);
/* The key entry's certificate names every host in hosts (as Java's hostname check does). */
void check_sans(struct check_ctx *c, const struct store *s, const struct strlist *hosts,
		const char *why);
void store_free(struct store *s);

/* ------------------------------------------------------------ check_host.c */

/* A host name the files give: looked up later, and only with this_host. */
void host_note(struct check_ctx *c, const char *name);
/*
 * Whether port on address (NULL: all) is free, as a fact about this
 * machine; hint is added when it is not.  A named address waits for its
 * lookup.
 */
void check_port(struct check_ctx *c, const char *file, const char *what, const char *address,
		long port, int ours_pid, const char *hint);
/* The PID in DIR/run/NAME.pid when that process runs in DIR. */
int running_pid(const struct check_ctx *c, const char *name);
/* The names (looked up with this_host), the ports waiting for them, Java. */
void check_this_host(struct check_ctx *c);
void host_ctx_free(struct check_ctx *c);

/* ------------------------------------------------------------ check_zookeeper.c */

void check_zoo_cfg(struct check_ctx *c);
/* A data directory from an earlier setup is what makes brokers fail with NoAuth. */
void check_data_dir(struct check_ctx *c);

/* ------------------------------------------------------------ check_kafka.c */

void check_broker(struct check_ctx *c, const char *file, const struct kvlist *p);
/* NAME.zk-tls.args: the JVM options of a ZooKeeper client (a broker or a CLI tool). */
void check_args(struct check_ctx *c, const char *file);
void check_client_config(struct check_ctx *c, const char *file);
void check_kafka_libs(struct check_ctx *c, const char *kafka);
/*
 * The article's clients (client.jks) have no argument file: their keystore
 * is found by its name and checked as ZooKeeper would see it.
 */
void check_article_clients(struct check_ctx *c);

#endif
