#include <config.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fsutil.h"
#include "i18n.h"
#include "review.h"

#define REVIEW_MAX_BYTES (1024 * 1024)
#define DIFF_MAX_LINES 2000

struct cached_file {
	char *path;
	char *bytes;     /* NULL: absent or unreadable */
	size_t len;
	enum file_state state;
};

struct disk_cache {
	char *dir;
	const struct manifest *manifest;
	struct cached_file *files;
	size_t count;
};

struct disk_cache *
disk_cache_new(const char *dir, const struct manifest *m)
{
	struct disk_cache *c = xcalloc(1, sizeof *c);

	c->dir = xstrdup(dir);
	c->manifest = m;
	return c;
}

void
disk_cache_free(struct disk_cache *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->count; i++) {
		free(c->files[i].path);
		secure_wipe(c->files[i].bytes, c->files[i].len);
		free(c->files[i].bytes);
	}
	free(c->files);
	free(c->dir);
	free(c);
}

static struct cached_file *
cached(struct disk_cache *c, const char *path)
{
	struct cached_file *f;
	struct msg ignored;
	char *full;

	for (size_t i = 0; i < c->count; i++)
		if (strcmp(c->files[i].path, path) == 0)
			return &c->files[i];
	c->files = xrealloc(c->files, (c->count + 1) * sizeof *c->files);
	f = &c->files[c->count++];
	memset(f, 0, sizeof *f);
	f->path = xstrdup(path);
	f->state = manifest_file_state(c->manifest, c->dir, path, NULL);
	full = fs_join(c->dir, path);
	if (f->state != FILE_ABSENT &&
	    fs_read_file(full, REVIEW_MAX_BYTES, &f->bytes, &f->len, &ignored) != 0)
		f->bytes = NULL;
	free(full);
	return f;
}

enum disk_change
review_change(struct disk_cache *c, const struct output *o)
{
	struct cached_file *f = cached(c, o->path);

	if (f->state == FILE_ABSENT)
		return CHANGE_NEW;
	if (o->kind == OUTPUT_GENERATED)
		return f->state == FILE_OURS ? CHANGE_SAME
		       : f->state == FILE_EDITED ? CHANGE_EDITED : CHANGE_FOREIGN;
	if (f->bytes != NULL && f->len == o->len && memcmp(f->bytes, o->bytes, o->len) == 0)
		return CHANGE_SAME;
	switch (f->state) {
	case FILE_OURS:
		return CHANGE_UPDATE;
	case FILE_EDITED:
		return CHANGE_EDITED;
	case FILE_FOREIGN:
	case FILE_ABSENT:
		break;
	}
	return CHANGE_FOREIGN;
}

const char *
review_change_name(enum disk_change change)
{
	switch (change) {
	case CHANGE_NEW:
		return _("new");
	case CHANGE_SAME:
		return _("unchanged");
	case CHANGE_UPDATE:
		return _("will change");
	case CHANGE_EDITED:
		return _("edited by you: kept");
	case CHANGE_FOREIGN:
		return _("not the wizard's: kept");
	}
	return "";
}

/* Lines of text, without their newlines. */
static size_t
split_lines(char *text, char ***out)
{
	size_t n = 0, cap = 16;
	char **lines = xmalloc(cap * sizeof *lines);

	for (char *p = text; *p != '\0' && n < DIFF_MAX_LINES;) {
		char *nl = strchr(p, '\n');

		if (n == cap)
			lines = xrealloc(lines, (cap *= 2) * sizeof *lines);
		lines[n++] = p;
		if (nl == NULL)
			break;
		*nl = '\0';
		p = nl + 1;
	}
	*out = lines;
	return n;
}

/* On the disk side secret spans are unknown: hide what follows '=' on secret-looking lines. */
static void
add_disk_line(struct buf *out, const char *prefix, const char *line)
{
	const char *eq = strchr(line, '=');

	buf_adds(out, prefix);
	if (eq != NULL && (strcasestr(line, "password") != NULL || strcasestr(line, "jaas") != NULL)) {
		buf_add(out, line, (size_t)(eq - line) + 1);
		for (const char *p = eq + 1; *p != '\0'; p++)
			buf_addc(out, '*');
	} else {
		buf_adds(out, line);
	}
	buf_addc(out, '\n');
}

char *
review_diff(struct disk_cache *c, const struct output *o)
{
	struct cached_file *f = cached(c, o->path);
	char *old_text = f->bytes ? xstrndup(f->bytes, f->len) : xstrdup("");
	/* Compared unmasked, shown masked: masking keeps every byte offset. */
	char *new_plain = o->bytes ? xstrndup(o->bytes, o->len) : xstrdup("");
	char *new_shown = output_masked(o);
	/* split_lines cuts the texts at their newlines: wipe by these lengths. */
	size_t old_len = strlen(old_text), plain_len = strlen(new_plain);
	size_t shown_len = strlen(new_shown);
	char **a, **b, **shown;
	size_t na = split_lines(old_text, &a), nb = split_lines(new_plain, &b);
	unsigned short *lcs;
	struct buf out;
	size_t i = 0, j = 0;

	split_lines(new_shown, &shown);
	lcs = xcalloc((na + 1) * (nb + 1), sizeof *lcs);
	/* Longest common subsequence of lines, from the end. */
	for (size_t x = na; x-- > 0;)
		for (size_t y = nb; y-- > 0;) {
			unsigned short down = lcs[(x + 1) * (nb + 1) + y];
			unsigned short right = lcs[x * (nb + 1) + y + 1];

			lcs[x * (nb + 1) + y] = strcmp(a[x], b[y]) == 0
							? (unsigned short)(lcs[(x + 1) * (nb + 1) + y + 1] + 1)
							: down >= right ? down : right;
		}
	buf_init(&out);
	while (i < na || j < nb) {
		if (i < na && j < nb && strcmp(a[i], b[j]) == 0) {
			buf_printf(&out, "  %s\n", shown[j]);
			i++, j++;
		} else if (j < nb &&
			   (i == na || lcs[i * (nb + 1) + j + 1] >= lcs[(i + 1) * (nb + 1) + j])) {
			buf_printf(&out, "+ %s\n", shown[j++]);
		} else {
			add_disk_line(&out, "- ", a[i++]);
		}
	}
	free(lcs);
	free(a);
	free(b);
	free(shown);
	secure_wipe(old_text, old_len);
	secure_wipe(new_plain, plain_len);
	secure_wipe(new_shown, shown_len);
	free(old_text);
	free(new_plain);
	free(new_shown);
	if (out.data == NULL)
		buf_adds(&out, "");
	return buf_steal(&out, NULL);
}
