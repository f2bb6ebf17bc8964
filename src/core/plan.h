/*
 * The plan: every answer as the text the user gave and where it came from.
 * Typed values are derived on demand, so a half-typed invalid value can still
 * be previewed.  Defaults are computed from other answers (a broker's port from
 * its position), never stored, until plan_pin_positional() freezes the ones
 * that must not move when the list changes.
 *
 * A plan is not thread-safe: plan_get() fills a cache.  A front end that runs a
 * step on another thread hands that thread its own plan_clone().
 */
#ifndef ZK_PLAN_H
#define ZK_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "msg.h"
#include "util.h"

enum answer_origin {
	ORIGIN_DEFAULT,
	ORIGIN_FILE,
	ORIGIN_SET,
	ORIGIN_TUI,
};

enum answer_kind {
	KIND_TEXT,      /* free text without control characters */
	KIND_VERSION,   /* 2.3.0 */
	KIND_NUMBER,    /* a positive decimal within the key's range */
	KIND_PORT,      /* 1..65535 */
	KIND_PORT_OPT,  /* a port, or empty for none */
	KIND_HOST,      /* a DNS label used as host name */
	KIND_NODES,     /* a list of DNS labels */
	KIND_USERS,     /* a list of SASL user names */
	KIND_USER,      /* one SASL user name out of sasl.users */
	KIND_PATH,      /* [A-Za-z0-9._/-] only */
	KIND_PATH_OPT,
	KIND_SECRET,    /* a password: never shown, never logged */
	KIND_CHOICE,    /* one of choices */
	KIND_SUBJECT,   /* OpenSSL-order /C=../CN=.. */
	KIND_DN,        /* RFC 2253 order, as keytool -dname */
	KIND_SAN,       /* DNS:x,IP:y */
	KIND_HEAP,      /* 512m */
	KIND_SHA512_OPT,/* 128 hex digits or empty */
};

struct plan;

struct answer_key {
	const char *pattern;    /* "broker.*.ssl_port": '*' stands for one name */
	enum answer_kind kind;
	long min, max;          /* KIND_NUMBER */
	const char *const *choices; /* KIND_CHOICE, NULL-terminated */
	const char *fixed;      /* the default, when it does not depend on other answers */
	/* Else writes the default into buf (size ZK_VALUE_MAX); star is the '*' part or NULL. */
	void (*default_fn)(const struct plan *p, const char *star, char *buf);
	const char *label;      /* N_(): the field's name on screen */
	const char *help;       /* N_(): why the field exists and what it means */
	const char *column;     /* N_(): short title as a table column, for per-name keys */
};

#define ZK_VALUE_MAX 4096
#define ZK_NAME_MAX 63

extern const struct answer_key answer_keys[];
extern const size_t answer_key_count;

/*
 * The descriptor of a concrete key ("broker.kafka-1.id"), or NULL when no such
 * key exists.  When star is non-NULL it receives the name that '*' matched.
 */
const struct answer_key *answer_key_find(const char *key, char star[ZK_NAME_MAX + 1]);
bool answer_key_is_secret(const char *key);

struct plan *plan_new(void);
struct plan *plan_clone(const struct plan *p);
void plan_free(struct plan *p);

/*
 * The effective text of a key (the answer, else its default), or of a virtual
 * key computed from answers (keystore.NAME, truststore, store.java_type, ...).
 * NULL only for a key that is neither.  The string lives until the next change
 * of the plan.
 */
const char *plan_get(const struct plan *p, const char *key);
bool plan_has_key(const char *key);
enum answer_origin plan_origin(const struct plan *p, const char *key);
bool plan_is_set(const struct plan *p, const char *key);

/* Stores the text as given (validation is separate).  Fails only for an unknown key. */
int plan_set(struct plan *p, const char *key, const char *value, enum answer_origin origin,
	     struct msg *err);
void plan_unset(struct plan *p, const char *key);
/* "KEY=VALUE" from --set. */
int plan_set_assignment(struct plan *p, const char *assignment, struct msg *err);

/* The words of a list key (brokers, clients, sasl.users). */
void plan_get_list(const struct plan *p, const char *key, struct strlist *out);
/* Every node that gets a certificate: zookeeper.host, the brokers, the clients. */
void plan_get_nodes(const struct plan *p, struct strlist *out);

/*
 * Node operations on brokers, clients and sasl.users: they keep the list and
 * the per-name keys (broker.NAME.*, sasl.password.NAME) together.
 */
int plan_add_name(struct plan *p, const char *list_key, const char *name, enum answer_origin origin,
		  struct msg *err);
int plan_rename_name(struct plan *p, const char *list_key, const char *old_name,
		     const char *new_name, enum answer_origin origin, struct msg *err);
int plan_remove_name(struct plan *p, const char *list_key, const char *name,
		     enum answer_origin origin, struct msg *err);

/*
 * Freezes defaults derived from a broker's position (id, ports) as answers, so
 * that removing a broker later renumbers none of the others.
 */
void plan_pin_positional(struct plan *p);
/*
 * A pinned key (broker.NAME.id, .ssl_port, .sasl_ssl_port) from a file while
 * NAME is no longer in brokers: what was saved for a broker since removed
 * from the list by hand, an answers file or --set brokers=...  Not a problem
 * of the answers; dropped on save.
 */
bool plan_is_stale_pin(const struct plan *p, const char *key);
/* Drops every stale pin (listed in dropped, may be NULL); their ids stay given out. */
void plan_drop_stale_pins(struct plan *p, struct strlist *dropped);

/* Each explicitly answered key, in table order; for saving and review. */
void plan_answered_keys(const struct plan *p, struct strlist *out);

/*
 * Read recording: while active, every answer plan_get() reads is added to
 * reads once.  The step input hash is computed from these, so nobody keeps
 * lists of a step's inputs by hand.
 */
void plan_record_reads(const struct plan *p, struct strlist *reads);
void plan_stop_recording(const struct plan *p);
/* SHA-256 over "key=value\n" of the sorted keys: the manifest's input hash. */
void plan_hash_keys(const struct plan *p, const struct strlist *keys, char out[65]);

/* The answers file (DESIGN §4). */
int answers_parse(struct plan *p, const char *text, size_t len, const char *source,
		  enum answer_origin origin, struct msg *err);
int answers_load(struct plan *p, const char *path, enum answer_origin origin, struct msg *err);
/* The text of the answers file; ca.password only when save.ca_password is yes. */
char *answers_format(const struct plan *p);
int answers_save(const struct plan *p, const char *path, struct msg *err);

#endif
