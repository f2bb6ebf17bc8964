#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "i18n.h"
#include "sha512.h"
#include "util.h"

struct sha512 {
	EVP_MD_CTX *ctx;
};

struct sha512 *
sha512_new(void)
{
	struct sha512 *h = xcalloc(1, sizeof *h);

	h->ctx = EVP_MD_CTX_new();
	if (h->ctx == NULL || EVP_DigestInit_ex(h->ctx, EVP_sha512(), NULL) != 1) {
		/* Only an allocation failure gets here: as fatal as xmalloc's. */
		fputs("zktls-wizard: out of memory (SHA-512)\n", stderr);
		abort();
	}
	return h;
}

void
sha512_update(struct sha512 *h, const void *data, size_t len)
{
	EVP_DigestUpdate(h->ctx, data, len);
}

void
sha512_reset(struct sha512 *h)
{
	EVP_DigestInit_ex(h->ctx, EVP_sha512(), NULL);
}

void
sha512_final_hex(struct sha512 *h, char out[SHA512_HEX_LEN + 1])
{
	unsigned char md[64];
	unsigned int n = 0;

	EVP_DigestFinal_ex(h->ctx, md, &n);
	for (unsigned int i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	out[2 * n] = '\0';
	sha512_reset(h);
}

void
sha512_free(struct sha512 *h)
{
	if (h == NULL)
		return;
	EVP_MD_CTX_free(h->ctx);
	free(h);
}

int
sha512_file(const char *path, char out[SHA512_HEX_LEN + 1], struct msg *err)
{
	enum { CHUNK = 256 * 1024 };
	struct sha512 *h;
	char *chunk;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return msg_set(err, _("%s: cannot read it: %s"), path, strerror(errno));
	h = sha512_new();
	chunk = xmalloc(CHUNK);
	while ((n = read(fd, chunk, CHUNK)) > 0)
		sha512_update(h, chunk, (size_t)n);
	if (n < 0) {
		int e = errno;

		close(fd);
		free(chunk);
		sha512_free(h);
		return msg_set(err, _("%s: cannot read it: %s"), path, strerror(e));
	}
	close(fd);
	free(chunk);
	sha512_final_hex(h, out);
	sha512_free(h);
	return 0;
}

/*
 * Collects the hex digits of s[0..n), which may be split by white space (gpg
 * groups them in eights and wraps lines).  True when that is all there is and
 * there are exactly 128 of them.
 */
static bool
collect_hex(const char *s, size_t n, char out[SHA512_HEX_LEN + 1])
{
	size_t got = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (isspace(c))
			continue;
		if (!isxdigit(c) || got == SHA512_HEX_LEN)
			return false;
		out[got++] = (char)tolower(c);
	}
	out[got] = '\0';
	return got == SHA512_HEX_LEN;
}

int
sha512_normalise(const char *text, char out[SHA512_HEX_LEN + 1], struct msg *err)
{
	if (!collect_hex(text, strlen(text), out) || strpbrk(text, " \t\r\n") != NULL)
		return msg_set(err, _("'%s' is not a SHA-512: 128 hex digits expected"), text);
	return 0;
}

static const char *
base_name(const char *path, size_t *len)
{
	size_t n = *len;

	for (size_t i = n; i > 0; i--)
		if (path[i - 1] == '/' || path[i - 1] == '\\') {
			*len = n - i;
			return path + i;
		}
	return path;
}

static bool
same_name(const char *in_file, size_t len, const char *name)
{
	size_t want_len = strlen(name);
	const char *want = base_name(name, &want_len);
	const char *got = base_name(in_file, &len);

	return len == want_len && memcmp(got, want, len) == 0;
}

static void
trim(const char **s, size_t *n)
{
	while (*n > 0 && isspace((unsigned char)**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && isspace((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

/* What a .sha512 names, for the message when it is not our file. */
static void
mismatch(struct msg *err, const char *got, size_t got_len, const char *name)
{
	msg_set(err, _("the checksum file is for '%.*s', not for %s"), (int)(got_len > 200 ? 200 : got_len),
		got, name);
}

/* "SHA512 (name) = HEX", "SHA512(name)= HEX", "SHA2-512(name)= HEX". */
static bool
parse_bsd(const char *line, size_t n, const char **name, size_t *name_len,
	  char hex[SHA512_HEX_LEN + 1])
{
	static const char *const tags[] = { "SHA512", "SHA2-512", "SHA-512" };
	const char *p = NULL, *close_paren = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(tags) && p == NULL; i++) {
		size_t t = strlen(tags[i]);

		if (n > t && strncmp(line, tags[i], t) == 0)
			p = line + t;
	}
	if (p == NULL)
		return false;
	while (p < line + n && *p == ' ')
		p++;
	if (p == line + n || *p != '(')
		return false;
	/* The last ") =" or ")=": a name may hold parentheses itself. */
	for (const char *q = line + n; q > p; q--) {
		const char *r = q;

		if (q[-1] != ')')
			continue;
		while (r < line + n && *r == ' ')
			r++;
		if (r < line + n && *r == '=') {
			close_paren = q - 1;
			break;
		}
	}
	if (close_paren == NULL)
		return false;
	*name = p + 1;
	*name_len = (size_t)(close_paren - p - 1);
	p = strchr(close_paren, '=') + 1;
	return collect_hex(p, (size_t)(line + n - p), hex);
}

/* "HEX", "HEX  name", "HEX *name" (sha512sum, binary or text mode). */
static bool
parse_sum_line(const char *line, size_t n, const char **name, size_t *name_len,
	       char hex[SHA512_HEX_LEN + 1])
{
	size_t hex_len = 0;

	while (hex_len < n && isxdigit((unsigned char)line[hex_len]))
		hex_len++;
	if (hex_len != SHA512_HEX_LEN || !collect_hex(line, hex_len, hex))
		return false;
	*name = NULL;
	*name_len = 0;
	if (hex_len == n)
		return true;
	if (!isspace((unsigned char)line[hex_len]))
		return false;
	line += hex_len;
	n -= hex_len;
	trim(&line, &n);
	if (n > 0 && *line == '*') {
		line++;
		n--;
	}
	if (n == 0)
		return true;
	*name = line;
	*name_len = n;
	return true;
}

int
sha512_parse(const char *text, size_t len, const char *name,
	     char out[SHA512_HEX_LEN + 1], struct msg *err)
{
	const char *s = text, *colon, *line;
	size_t n = len, line_count = 0;
	bool found = false;
	const char *other = NULL;
	size_t other_len = 0;

	if (memchr(text, '\0', len) != NULL)
		return msg_set(err, _("the checksum file is not text"));
	if (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) {
		s += 3;
		n -= 3;
	}
	trim(&s, &n);
	if (n == 0)
		return msg_set(err, _("the checksum file is empty"));
	/* Bare hex, perhaps wrapped. */
	if (collect_hex(s, n, out))
		return 0;
	/* gpg --print-md: "name: HEX HEX ...", the name on the first line. */
	colon = memchr(s, ':', n);
	if (colon != NULL && memchr(s, '\n', (size_t)(colon - s)) == NULL &&
	    collect_hex(colon + 1, n - (size_t)(colon + 1 - s), out)) {
		size_t name_len = (size_t)(colon - s);
		const char *in_file = s;

		trim(&in_file, &name_len);
		if (name_len > 0 && !same_name(in_file, name_len, name)) {
			mismatch(err, in_file, name_len, name);
			return -1;
		}
		return 0;
	}
	/* One sum per line, sha512sum or BSD style; pick the line for name. */
	for (line = s; line < s + n;) {
		const char *end = memchr(line, '\n', (size_t)(s + n - line));
		size_t line_len = end != NULL ? (size_t)(end - line) : (size_t)(s + n - line);
		const char *l = line, *entry_name;
		size_t l_len = line_len, entry_name_len;
		char hex[SHA512_HEX_LEN + 1];

		line = end != NULL ? end + 1 : s + n;
		trim(&l, &l_len);
		if (l_len == 0 || *l == '#')
			continue;
		line_count++;
		if (!parse_bsd(l, l_len, &entry_name, &entry_name_len, hex) &&
		    !parse_sum_line(l, l_len, &entry_name, &entry_name_len, hex))
			return msg_set(err, _("the checksum file is in no format the wizard "
					      "knows (line %zu: '%.*s')"), line_count,
				       (int)(l_len > 80 ? 80 : l_len), l);
		if (entry_name == NULL || same_name(entry_name, entry_name_len, name)) {
			if (!found)
				memcpy(out, hex, sizeof hex);
			found = true;
		} else if (other == NULL) {
			other = entry_name;
			other_len = entry_name_len;
		}
	}
	if (found)
		return 0;
	if (other != NULL) {
		mismatch(err, other, other_len, name);
		return -1;
	}
	return msg_set(err, _("the checksum file holds no SHA-512"));
}
