/*
 * A changed store.password: the keystores and the truststore on disk are
 * still under the password they were made with, and the PKI steps write
 * them again under the new one, keys and certificates unchanged.
 *
 * The old password is not kept anywhere new: the wizard's own configuration
 * files name it (zoo.cfg, NAME.properties, consumer.config, producer.config
 * hold it anyway), and the steps that rewrite them run after the PKI steps.
 * So until every store is written again, those files still hold the password
 * the stores were made with, also after a crash halfway.
 */
#ifndef ZK_STOREPASS_H
#define ZK_STOREPASS_H

#include <stdbool.h>
#include <stddef.h>

#include "keystore.h"
#include "manifest.h"
#include "msg.h"

/*
 * keystore_decode with password; when that is the wrong password, with each
 * store password the configuration files the wizard wrote in dir (as m
 * lists them) name.  *old is set when one of those opened it: the store must
 * be written again under password.
 */
enum ks_status storepass_decode(enum store_type t, const void *data, size_t len,
				const char *password, const char *dir, const struct manifest *m,
				struct keystore *out, bool *old, struct msg *err);

/*
 * After step_id wrote a store under a new password: every later step whose
 * files name store.password (the configuration steps) is marked stale, so
 * the wizard shows them as needing a run.
 */
void storepass_mark_stale(struct manifest *m, const char *step_id);

/* The value of a Java properties line's escapes undone (\\, \uXXXX, ...); NULL if malformed. */
char *storepass_prop_unescape(const char *s, size_t n);

#endif
