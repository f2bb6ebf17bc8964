/*
 * Shared by the fuzz targets.  Each target defines LLVMFuzzerInitialize and
 * LLVMFuzzerTestOneInput; linked with replay.c it is a plain program that
 * feeds the committed seed corpus to them (make check), linked with clang's
 * -fsanitize=fuzzer it is a libFuzzer target (tests/fuzz/run.sh).
 */
#ifndef ZK_FUZZ_H
#define ZK_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken invariant is a finding: abort, so libFuzzer keeps the input. */
#define FUZZ_ASSERT(cond, ...) \
	do { \
		if (!(cond)) { \
			fprintf(stderr, "fuzz invariant broken at %s:%d: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__); \
			fputc('\n', stderr); \
			abort(); \
		} \
	} while (0)

/* Templates come from $ZKTLS_DATADIR (make check and run.sh set it). */
void fuzz_need_datadir(void);

#endif
