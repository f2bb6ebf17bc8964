#include <config.h>

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "hashpipe.h"
#include "util.h"

/* 8 slots of 256 KiB: 2 MiB in flight at most, whatever the archive's size. */
#define SLOT_COUNT 8
#define SLOT_SIZE (256 * 1024)

struct slot {
	char *data;
	size_t len;
};

struct hashpipe {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	struct slot slots[SLOT_COUNT];
	size_t head, count;     /* slots waiting to be hashed, oldest at head */
	bool busy;              /* the thread is hashing a slot it took */
	bool stopping;
	struct sha512 *hash;
};

static void *
hash_worker(void *arg)
{
	struct hashpipe *p = arg;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		struct slot *s;

		while (p->count == 0 && !p->stopping)
			pthread_cond_wait(&p->changed, &p->lock);
		if (p->count == 0)
			break;
		s = &p->slots[p->head];
		p->busy = true;
		pthread_mutex_unlock(&p->lock);
		sha512_update(p->hash, s->data, s->len);
		pthread_mutex_lock(&p->lock);
		p->busy = false;
		p->head = (p->head + 1) % SLOT_COUNT;
		p->count--;
		pthread_cond_broadcast(&p->changed);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

struct hashpipe *
hashpipe_start(struct sha512 *h)
{
	struct hashpipe *p = xcalloc(1, sizeof *p);
	sigset_t all, old;
	int rc;

	for (size_t i = 0; i < SLOT_COUNT; i++)
		p->slots[i].data = xmalloc(SLOT_SIZE);
	p->hash = h;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->changed, NULL);
	/* Signals stay with the threads that act on them. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&p->thread, NULL, hash_worker, p);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		for (size_t i = 0; i < SLOT_COUNT; i++)
			free(p->slots[i].data);
		pthread_mutex_destroy(&p->lock);
		pthread_cond_destroy(&p->changed);
		free(p);
		return NULL;
	}
	return p;
}

void
hashpipe_push(struct hashpipe *p, const void *data, size_t len)
{
	const char *bytes = data;

	while (len > 0) {
		size_t n = len < SLOT_SIZE ? len : SLOT_SIZE;
		struct slot *s;

		pthread_mutex_lock(&p->lock);
		while (p->count == SLOT_COUNT)
			pthread_cond_wait(&p->changed, &p->lock);
		s = &p->slots[(p->head + p->count) % SLOT_COUNT];
		pthread_mutex_unlock(&p->lock);
		/* The slot is free: only this thread fills slots. */
		memcpy(s->data, bytes, n);
		s->len = n;
		pthread_mutex_lock(&p->lock);
		p->count++;
		pthread_cond_broadcast(&p->changed);
		pthread_mutex_unlock(&p->lock);
		bytes += n;
		len -= n;
	}
}

void
hashpipe_drain(struct hashpipe *p)
{
	pthread_mutex_lock(&p->lock);
	while (p->count > 0 || p->busy)
		pthread_cond_wait(&p->changed, &p->lock);
	pthread_mutex_unlock(&p->lock);
}

void
hashpipe_stop(struct hashpipe *p)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	pthread_cond_broadcast(&p->changed);
	pthread_mutex_unlock(&p->lock);
	pthread_join(p->thread, NULL);
	for (size_t i = 0; i < SLOT_COUNT; i++)
		free(p->slots[i].data);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->changed);
	free(p);
}
