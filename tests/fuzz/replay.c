/*
 * The replay driver: without libFuzzer, a fuzz target is a program that runs
 * LLVMFuzzerTestOneInput on each file named on the command line, or on each
 * file of a directory named there.  A crash or a broken invariant aborts, so
 * make check fails with the input's name on stderr.
 */
#include <config.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static unsigned long replayed;

static void
replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *data = NULL;
	size_t len = 0, cap = 0, n;

	if (f == NULL) {
		perror(path);
		exit(1);
	}
	do {
		if (len == cap) {
			cap = cap ? 2 * cap : 4096;
			data = realloc(data, cap);
			if (data == NULL) {
				perror("realloc");
				exit(1);
			}
		}
		n = fread(data + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	if (ferror(f)) {
		perror(path);
		exit(1);
	}
	fclose(f);
	fprintf(stderr, "replay %s\n", path);
	/* An exact-size copy, so that reading past the input is caught by ASan. */
	{
		unsigned char *exact = malloc(len ? len : 1);

		if (exact == NULL) {
			perror("malloc");
			exit(1);
		}
		memcpy(exact, data, len);
		LLVMFuzzerTestOneInput(exact, len);
		free(exact);
	}
	free(data);
	replayed++;
}

static int
by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static void
replay_path(const char *path)
{
	struct dirent **names;
	struct stat st;
	int n;

	if (stat(path, &st) != 0) {
		perror(path);
		exit(1);
	}
	if (!S_ISDIR(st.st_mode)) {
		replay_file(path);
		return;
	}
	n = scandir(path, &names, NULL, by_name);
	if (n < 0) {
		perror(path);
		exit(1);
	}
	for (int i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			size_t len = strlen(path) + strlen(names[i]->d_name) + 2;
			char *child = malloc(len);

			if (child == NULL) {
				perror("malloc");
				exit(1);
			}
			snprintf(child, len, "%s/%s", path, names[i]->d_name);
			if (stat(child, &st) == 0 && S_ISREG(st.st_mode))
				replay_file(child);
			free(child);
		}
		free(names[i]);
	}
	free(names);
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++)
		replay_path(argv[i]);
	if (replayed == 0) {
		fprintf(stderr, "%s: no input found\n", argv[0]);
		return 1;
	}
	printf("%s: %lu inputs replayed without a finding\n", argv[0], replayed);
	return 0;
}
