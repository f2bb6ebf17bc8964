/*
 * Hashing on a second thread while the first one receives and writes: a
 * download is then bounded by the network and the disk, not by SHA-512.
 */
#ifndef ZK_HASHPIPE_H
#define ZK_HASHPIPE_H

#include <stddef.h>

#include "sha512.h"

struct hashpipe;

/* Feeds h on its own thread; NULL when no thread can be made (hash inline then). */
struct hashpipe *hashpipe_start(struct sha512 *h);
/* Copies data into the queue (blocks while the queue is full). */
void hashpipe_push(struct hashpipe *p, const void *data, size_t len);
/* Returns once everything pushed so far is hashed. */
void hashpipe_drain(struct hashpipe *p);
/* Drains, stops the thread and frees the pipe (the hash stays the caller's). */
void hashpipe_stop(struct hashpipe *p);

#endif
