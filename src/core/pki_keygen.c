/* Key types and key generation: a pool with one worker per core, keys made ahead of need. */
#include <config.h>

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>

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
