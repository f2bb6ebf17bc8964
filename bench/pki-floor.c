/*
 * The physical floor of the PKI step pair: generate N keys of one type in
 * parallel, one worker per online core, and nothing else.  Same OpenSSL calls
 * as the wizard's key pool, no signing, no files.
 *
 *   pki-floor [TYPE [N]]      TYPE rsa2048 (default) ... ec-p384, N 5
 *
 * Built by bench/pki-bench.sh with: cc -O2 pki-floor.c -lcrypto -pthread
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/rsa.h>

static const char *algorithm = "RSA";
static int bits = 2048;
static const char *group;
static int total = 5;
static atomic_int next_key;

static void *
worker(void *unused)
{
	(void)unused;
	while (atomic_fetch_add(&next_key, 1) < total) {
		EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, algorithm, NULL);
		EVP_PKEY *key = NULL;
		int ok = ctx != NULL && EVP_PKEY_keygen_init(ctx) > 0
			 && (group != NULL ? EVP_PKEY_CTX_set_group_name(ctx, group)
					   : EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, bits)) > 0
			 && EVP_PKEY_generate(ctx, &key) > 0;

		if (!ok) {
			fputs("pki-floor: key generation failed\n", stderr);
			exit(1);
		}
		EVP_PKEY_free(key);
		EVP_PKEY_CTX_free(ctx);
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	pthread_t threads[64];
	int n;

	if (argc > 1 && strncmp(argv[1], "rsa", 3) == 0) {
		bits = atoi(argv[1] + 3);
	} else if (argc > 1 && strcmp(argv[1], "ec-p256") == 0) {
		algorithm = "EC";
		group = "P-256";
	} else if (argc > 1 && strcmp(argv[1], "ec-p384") == 0) {
		algorithm = "EC";
		group = "P-384";
	} else if (argc > 1) {
		fprintf(stderr, "pki-floor: unknown key type %s\n", argv[1]);
		return 2;
	}
	if (argc > 2)
		total = atoi(argv[2]);
	n = cores < 1 ? 1 : cores > 64 ? 64 : (int)cores;
	for (int i = 0; i < n; i++)
		pthread_create(&threads[i], NULL, worker, NULL);
	for (int i = 0; i < n; i++)
		pthread_join(threads[i], NULL);
	return 0;
}
