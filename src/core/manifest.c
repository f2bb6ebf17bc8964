/*
 * Format, one record a line:
 *   zktls-wizard-manifest 1
 *   step ID INPUT_SHA256 [KEY,KEY,...]
 *   file STEP MODE SHA256[+PENDING_SHA256] PATH
 * PATH comes last so that it may hold any character but a newline.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsutil.h"
#include "i18n.h"
#include "manifest.h"
#include "util.h"

#define MANIFEST_DIR ".zktls-wizard"
#define MANIFEST_PATH MANIFEST_DIR "/manifest"
#define MANIFEST_MAGIC "zktls-wizard-manifest 1"

static bool
is_sha256(const char *s)
{
	return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

/*
 * "HASH" or "HASH+PENDING": copies HASH to hash; leaves PENDING (or "") at
 * hashes + 65.
 */
static bool
split_hashes(char hashes[130], char hash[65])
{
	char *plus = strchr(hashes, '+');

	if (plus != NULL)
		*plus = '\0';
	if (!is_sha256(hashes))
		return false;
	memcpy(hash, hashes, 65);
	if (plus == NULL) {
		hashes[65] = '\0';
		return true;
	}
	if (!is_sha256(plus + 1))
		return false;
	memmove(hashes + 65, plus + 1, 65);
	return true;
}

/* path as a message may show it: control characters as \xNN, at most ~200 bytes. */
static void
shown_path(const char *path, char *out, size_t size)
{
	size_t w = 0;

	for (const unsigned char *c = (const unsigned char *)path; *c != '\0' && w + 8 < size;
	     c++) {
		if (*c < 0x20 || *c == 0x7f)
			w += (size_t)snprintf(out + w, size - w, "\\x%02x", *c);
		else
			out[w++] = (char)*c;
	}
	out[w] = '\0';
}

void
manifest_free(struct manifest *m)
{
	for (size_t i = 0; i < m->file_count; i++) {
		free(m->files[i].path);
		free(m->files[i].step);
	}
	for (size_t i = 0; i < m->step_count; i++) {
		free(m->steps[i].id);
		strlist_free(&m->steps[i].keys);
	}
	free(m->files);
	free(m->steps);
	memset(m, 0, sizeof *m);
}

int
manifest_load(struct manifest *m, const char *dir, struct msg *err)
{
	char *path = fs_join(dir, MANIFEST_PATH);
	char *text, *line, *save = NULL;
	size_t len;
	unsigned line_no = 0;

	memset(m, 0, sizeof *m);
	if (!fs_exists(path)) {
		free(path);
		return 0;
	}
	if (fs_read_file(path, 16 * 1024 * 1024, &text, &len, err) != 0) {
		free(path);
		return -1;
	}
	for (line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		char step[65], hash[65], hashes[130];
		unsigned mode;
		int consumed = 0;

		line_no++;
		if (line_no == 1) {
			if (strcmp(line, MANIFEST_MAGIC) != 0)
				goto malformed;
			continue;
		}
		if (sscanf(line, "step %64s %64s%n", step, hash, &consumed) == 2 &&
		    (line[consumed] == '\0' || line[consumed] == ' ') && is_sha256(hash)) {
			struct strlist keys = { 0 };
			char *list = line + consumed;

			list += strspn(list, " ");
			for (char *key = list; *key != '\0';) {
				size_t n = strcspn(key, ",");
				char *one = xstrndup(key, n);

				if (n > 0)
					strlist_push(&keys, one);
				free(one);
				key += n + (key[n] == ',');
			}
			manifest_set_step(m, step, hash, keys.len > 0 ? &keys : NULL);
			strlist_free(&keys);
		} else if (sscanf(line, "file %64s %o %129s %n", step, &mode, hashes, &consumed) == 3 &&
			   consumed > 0 && line[consumed] != '\0' && split_hashes(hashes, hash)) {
			const char *pending = hashes + 65;

			/*
			 * Reset removes and --force moves what the manifest names:
			 * a name leading outside DIR is refused before any use.
			 */
			if (!fs_rel_path_ok(line + consumed)) {
				char shown[256];

				shown_path(line + consumed, shown, sizeof shown);
				msg_set(err, _("%s:%u: the manifest names '%s', which is not a file "
					       "inside the working directory (an absolute path, '..', "
					       "an empty part or a control character): it was changed "
					       "outside the wizard. Nothing was done; remove the "
					       "manifest to start afresh"),
					path, line_no, shown);
				goto refused;
			}
			manifest_set_file(m, line + consumed, step, hash, mode);
			if (*pending != '\0')
				manifest_set_pending(m, line + consumed, step, pending, mode);
		} else {
			goto malformed;
		}
	}
	free(text);
	free(path);
	return 0;
malformed:
	msg_set(err, _("%s:%u: the manifest is damaged; remove it to start afresh"), path,
		line_no);
refused:
	free(text);
	free(path);
	manifest_free(m);
	return -1;
}

int
manifest_save(const struct manifest *m, const char *dir, struct msg *err)
{
	char *mdir = fs_join(dir, MANIFEST_DIR);
	char *path = fs_join(dir, MANIFEST_PATH);
	struct buf out;
	int rc;

	buf_init(&out);
	buf_printf(&out, "%s\n", MANIFEST_MAGIC);
	for (size_t i = 0; i < m->step_count; i++) {
		buf_printf(&out, "step %s %s", m->steps[i].id, m->steps[i].input_hash);
		for (size_t k = 0; k < m->steps[i].keys.len; k++)
			buf_printf(&out, "%c%s", k ? ',' : ' ', m->steps[i].keys.items[k]);
		buf_addc(&out, '\n');
	}
	for (size_t i = 0; i < m->file_count; i++)
		buf_printf(&out, "file %s %04o %s%s%s %s\n", m->files[i].step, m->files[i].mode,
			   m->files[i].sha256, m->files[i].pending[0] ? "+" : "",
			   m->files[i].pending, m->files[i].path);
	rc = fs_mkdirs(mdir, 0700, err);
	if (rc == 0)
		rc = fs_write_atomic(path, out.data, out.len, 0600, err);
	buf_free(&out);
	free(mdir);
	free(path);
	return rc;
}

const struct manifest_file *
manifest_file_find(const struct manifest *m, const char *path)
{
	for (size_t i = 0; i < m->file_count; i++)
		if (strcmp(m->files[i].path, path) == 0)
			return &m->files[i];
	return NULL;
}

void
manifest_set_file(struct manifest *m, const char *path, const char *step, const char sha256[65],
		  unsigned mode)
{
	struct manifest_file *f = (struct manifest_file *)manifest_file_find(m, path);

	if (f == NULL) {
		m->files = xrealloc(m->files, (m->file_count + 1) * sizeof *m->files);
		f = &m->files[m->file_count++];
		f->path = xstrdup(path);
		f->step = NULL;
	}
	free(f->step);
	f->step = xstrdup(step);
	memcpy(f->sha256, sha256, 65);
	f->sha256[64] = '\0';
	f->pending[0] = '\0';
	f->mode = mode & 07777;
}

void
manifest_set_pending(struct manifest *m, const char *path, const char *step,
		     const char sha256[65], unsigned mode)
{
	struct manifest_file *f = (struct manifest_file *)manifest_file_find(m, path);

	if (f == NULL) {
		/* A new file: absent or complete, either is known. */
		manifest_set_file(m, path, step, sha256, mode);
		return;
	}
	memcpy(f->pending, sha256, 65);
	f->pending[64] = '\0';
}

void
manifest_remove_file(struct manifest *m, const char *path)
{
	struct manifest_file *f = (struct manifest_file *)manifest_file_find(m, path);
	size_t i;

	if (f == NULL)
		return;
	i = (size_t)(f - m->files);
	free(f->path);
	free(f->step);
	memmove(&m->files[i], &m->files[i + 1], (m->file_count - i - 1) * sizeof *m->files);
	m->file_count--;
}

const struct manifest_step *
manifest_step_find(const struct manifest *m, const char *id)
{
	for (size_t i = 0; i < m->step_count; i++)
		if (strcmp(m->steps[i].id, id) == 0)
			return &m->steps[i];
	return NULL;
}

void
manifest_set_step(struct manifest *m, const char *id, const char input_hash[65],
		  const struct strlist *keys)
{
	struct manifest_step *s = (struct manifest_step *)manifest_step_find(m, id);

	if (s == NULL) {
		m->steps = xrealloc(m->steps, (m->step_count + 1) * sizeof *m->steps);
		s = &m->steps[m->step_count++];
		s->id = xstrdup(id);
		memset(&s->keys, 0, sizeof s->keys);
	}
	memcpy(s->input_hash, input_hash, 65);
	s->input_hash[64] = '\0';
	strlist_free(&s->keys);
	for (size_t i = 0; keys != NULL && i < keys->len; i++)
		strlist_push(&s->keys, keys->items[i]);
}

enum file_state
manifest_file_state(const struct manifest *m, const char *dir, const char *path,
		    char sha256[65])
{
	const struct manifest_file *f = manifest_file_find(m, path);
	char *full;
	char hash[65];
	struct msg ignored;

	/* Never looks outside DIR, whatever the caller was given. */
	if (!fs_rel_path_ok(path))
		return FILE_ABSENT;
	full = fs_join(dir, path);
	if (!fs_exists(full)) {
		free(full);
		return FILE_ABSENT;
	}
	if (fs_sha256_file(full, hash, &ignored) != 0)
		memset(hash, '0', 64), hash[64] = '\0';
	free(full);
	if (sha256 != NULL)
		memcpy(sha256, hash, 65);
	if (f == NULL)
		return FILE_FOREIGN;
	return strcmp(f->sha256, hash) == 0 || strcmp(f->pending, hash) == 0 ? FILE_OURS
									      : FILE_EDITED;
}
