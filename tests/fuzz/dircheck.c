/*
 * dircheck DIR STORE-PASSWORD CA-PASSWORD: every file the wizard writes in
 * DIR is complete, read with the core's own readers: keystores open and pass
 * keystore_check, ca-key opens with the CA password, certificates parse,
 * .properties/.cfg/.config files load as Java would and end with a newline,
 * zktls-wizard.conf and the manifest load.  Leftover temporary files
 * (*.zktls-tmp) are allowed: they are never under a final name; each is
 * listed on stdout as "temp NAME".  Exit 0 when everything is complete, 1
 * with the reasons on stderr.  Used by tests/integration/crash-safety.sh.
 */
#include <config.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/pem.h>

#include "core/fsutil.h"
#include "core/keystore.h"
#include "core/manifest.h"
#include "core/plan.h"
#include "decode.h"

static const char *store_pw, *ca_pw;
static int bad;

static void
fail(const char *rel, const char *why)
{
	fprintf(stderr, "dircheck: %s: %s\n", rel, why);
	bad = 1;
}

static void
check_store(const char *rel, enum store_type t, const char *data, size_t len)
{
	struct keystore ks;
	struct msg err;

	if (keystore_decode(t, data, len, store_pw, &ks, &err) != KS_OK) {
		fail(rel, err.text);
		return;
	}
	if (ks.count == 0)
		fail(rel, "an empty keystore");
	else if (keystore_check(&ks, NULL, NULL, &err) != 0)
		fail(rel, err.text);
	keystore_free(&ks);
}

static void
check_pem(const char *rel, const char *data, size_t len, bool key)
{
	BIO *bio = BIO_new_mem_buf(data, (int)len);

	if (key) {
		EVP_PKEY *k = PEM_read_bio_PrivateKey(bio, NULL, NULL, (void *)ca_pw);

		if (k == NULL)
			fail(rel, "does not open with the CA password");
		EVP_PKEY_free(k);
	} else {
		X509 *c = PEM_read_bio_X509(bio, NULL, NULL, NULL);

		if (c == NULL)
			fail(rel, "not a complete PEM certificate");
		X509_free(c);
	}
	BIO_free(bio);
}

static void
check_file(const char *dir, const char *rel)
{
	const char *base = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
	char *path = fs_join(dir, rel), *data;
	size_t len;
	struct msg err;

	if (str_ends_with(base, ".zktls-tmp")) {
		printf("temp %s\n", rel);
		free(path);
		return;
	}
	if (fs_read_file(path, 64 << 20, &data, &len, &err) != 0) {
		fail(rel, err.text);
		free(path);
		return;
	}
	if (str_ends_with(base, ".jks")) {
		check_store(rel, STORE_JKS, data, len);
	} else if (str_ends_with(base, ".p12")) {
		check_store(rel, STORE_PKCS12, data, len);
	} else if (str_ends_with(base, "-keystore.pem") || strcmp(base, "truststore.pem") == 0) {
		check_store(rel, STORE_PEM, data, len);
	} else if (strcmp(rel, "ca-key") == 0) {
		check_pem(rel, data, len, true);
	} else if (strcmp(rel, "ca-cert") == 0 || str_ends_with(base, ".pem")) {
		check_pem(rel, data, len, false);
	} else if (str_ends_with(base, ".properties") || str_ends_with(base, ".cfg") ||
		   str_ends_with(base, ".config")) {
		struct props ps;

		if (len == 0 || data[len - 1] != '\n')
			fail(rel, "does not end with a newline: cut short");
		else if (!props_load(data, len, &ps))
			fail(rel, "does not load as Java properties");
		else if (ps.len == 0)
			fail(rel, "holds no property");
		else
			props_free(&ps);
	} else if (strcmp(rel, "zktls-wizard.conf") == 0) {
		struct plan *p = plan_new();

		if (answers_parse(p, data, len, rel, ORIGIN_FILE, &err) != 0)
			fail(rel, err.text);
		plan_free(p);
	} else if (strcmp(rel, ".zktls-wizard/manifest") == 0) {
		struct manifest m = { 0 };

		if (manifest_load(&m, dir, &err) != 0)
			fail(rel, err.text);
		manifest_free(&m);
	}
	secure_wipe(data, len);
	free(data);
	free(path);
}

static void
walk(const char *dir, const char *sub)
{
	char *path = sub[0] ? fs_join(dir, sub) : xstrdup(dir);
	DIR *d = opendir(path);
	struct dirent *e;

	if (d == NULL) {
		fail(sub[0] ? sub : ".", "cannot open the directory");
		free(path);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		char *rel, *full;
		struct stat st;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		rel = sub[0] ? xasprintf("%s/%s", sub, e->d_name) : xstrdup(e->d_name);
		full = fs_join(dir, rel);
		if (lstat(full, &st) != 0)
			fail(rel, "vanished");
		else if (S_ISDIR(st.st_mode))
			walk(dir, rel);
		else if (S_ISREG(st.st_mode))
			check_file(dir, rel);
		free(rel);
		free(full);
	}
	closedir(d);
	free(path);
}

int
main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: %s DIR STORE-PASSWORD CA-PASSWORD\n", argv[0]);
		return 2;
	}
	store_pw = argv[2];
	ca_pw = argv[3];
	walk(argv[1], "");
	return bad;
}
