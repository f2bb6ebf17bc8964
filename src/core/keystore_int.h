/* What keystore.c shares with the format files (jks.c); not for callers outside the keystore code. */
#ifndef ZK_KEYSTORE_INT_H
#define ZK_KEYSTORE_INT_H

#include "keystore.h"

/* Appends an empty entry named alias (no key, no certificates) and returns it. */
struct ks_entry *keystore_push(struct keystore *ks, const char *alias);

#endif
