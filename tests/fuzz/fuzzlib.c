#include <config.h>

#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"

void
fuzz_need_datadir(void)
{
	const char *d = getenv("ZKTLS_DATADIR");

	if (d == NULL || d[0] == '\0') {
		fprintf(stderr, "set ZKTLS_DATADIR to the source tree's data/ directory\n");
		exit(2);
	}
}
