/*
 * The .sha512 reader on arbitrary bytes: the input's first line is the
 * archive's file name, the rest the .sha512 file.  Invariants:
 *   - a sum read is 128 lower-case hex digits, and sha512_normalise agrees;
 *   - for a name such as releases have ([A-Za-z0-9._+-]), the sum read back
 *     from the sha512sum line we write for it is the same, and that line
 *     does not give a sum for another file name;
 *   - sha512_normalise on the first 128 bytes either refuses them or gives
 *     them back in lower case.
 */
#include <config.h>

#include <ctype.h>
#include <string.h>

#include "core/sha512.h"
#include "core/util.h"
#include "fuzz.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static void
check_sum(const char *sum)
{
	FUZZ_ASSERT(strlen(sum) == SHA512_HEX_LEN, "a sum of %zu digits", strlen(sum));
	for (size_t i = 0; i < SHA512_HEX_LEN; i++)
		FUZZ_ASSERT(isdigit((unsigned char)sum[i]) || (sum[i] >= 'a' && sum[i] <= 'f'),
			    "'%c' in a sum", sum[i]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nl = memchr(data, '\n', size);
	size_t name_len = nl ? (size_t)(nl - (const char *)data) : size;
	char *name = xstrndup((const char *)data, name_len);
	const char *text = nl ? nl + 1 : (const char *)data + size;
	size_t text_len = size - (size_t)(text - (const char *)data);
	char sum[SHA512_HEX_LEN + 1], again[SHA512_HEX_LEN + 1];
	struct msg err;

	msg_clear(&err);
	if (sha512_parse(text, text_len, name, sum, &err) == 0) {
		check_sum(sum);
		FUZZ_ASSERT(sha512_normalise(sum, again, &err) == 0 && strcmp(sum, again) == 0,
			    "sha512_normalise refuses a sum sha512_parse read");
	} else {
		FUZZ_ASSERT(err.text[0] != '\0', "a refusal without a reason");
	}
	/* Our own sha512sum line for name: read back when the name is a plain one. */
	if (name[0] != '\0' && strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
					 "0123456789._+-") == strlen(name)) {
		static const char hex[] = "0123456789abcdef";
		char want[SHA512_HEX_LEN + 1];
		struct buf line;

		for (size_t i = 0; i < SHA512_HEX_LEN; i++)
			want[i] = hex[(i < size ? data[i] : i) & 15];
		want[SHA512_HEX_LEN] = '\0';
		buf_init(&line);
		buf_printf(&line, "%s  %s\n", want, name);
		FUZZ_ASSERT(sha512_parse(line.data, line.len, name, sum, &err) == 0,
			    "our own line for '%s' does not read: %s", name, err.text);
		FUZZ_ASSERT(strcmp(sum, want) == 0, "the sum read back differs");
		{
			char *other = xasprintf("%sx", name);

			FUZZ_ASSERT(sha512_parse(line.data, line.len, other, sum, &err) != 0,
				    "the line for '%s' gives a sum for '%s'", name, other);
			free(other);
		}
		buf_free(&line);
	}
	if (size >= SHA512_HEX_LEN) {
		char given[SHA512_HEX_LEN + 1];

		memcpy(given, data, SHA512_HEX_LEN);
		given[SHA512_HEX_LEN] = '\0';
		if (strlen(given) == SHA512_HEX_LEN && sha512_normalise(given, sum, &err) == 0) {
			check_sum(sum);
			for (size_t i = 0; i < SHA512_HEX_LEN; i++)
				FUZZ_ASSERT(sum[i] == tolower((unsigned char)given[i]),
					    "sha512_normalise changed more than the case");
		}
	}
	free(name);
	return 0;
}
