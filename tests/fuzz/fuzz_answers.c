/*
 * The answers parser (DESIGN §4) on arbitrary bytes.  Invariants:
 *   - parsing, validating the plan and rendering every step from it never
 *     crash (the TUI renders on every keystroke, valid or not);
 *   - what answers_format() saves loads again (without a complaint when the
 *     input had none; bad values are kept and named again, but every line
 *     reads); from good answers it gives the same text once more and keeps
 *     every answer it wrote;
 *   - ca.password is saved only when save.ca_password is yes.
 */
#include <config.h>

#include <string.h>

#include "core/plan.h"
#include "core/render.h"
#include "core/steps.h"
#include "core/template.h"
#include "core/validate.h"
#include "fuzz.h"

static struct inputs inputs;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct msg err;

	(void)argc;
	(void)argv;
	fuzz_need_datadir();
	if (templates_load_all(&err) != 0) {
		fprintf(stderr, "templates: %s\n", err.text);
		exit(1);
	}
	memset(&inputs, 0, sizeof inputs);
	inputs.dir_abs = xstrdup("/srv/zktls-fuzz");
	return 0;
}

static bool
has_line_starting(const char *text, const char *prefix)
{
	size_t n = strlen(prefix);

	for (const char *line = text; line != NULL && *line != '\0';) {
		if (strncmp(line, prefix, n) == 0)
			return true;
		line = strchr(line, '\n');
		if (line != NULL)
			line++;
	}
	return false;
}

/*
 * The complaints about the saved file ("saved:N: ...") name values only,
 * never a line that is not "key = value" or a key that does not exist.
 */
static bool
every_line_reads(const char *complaints)
{
	static const char *const structural[] = {
		"unknown answer key", "expected 'key = value'", "the line holds a NUL byte",
	};

	for (const char *line = complaints; line != NULL && *line != '\0';) {
		const char *text = line;

		if (strncmp(text, "saved:", 6) == 0) {
			text += 6 + strspn(text + 6, "0123456789");
			if (strncmp(text, ": ", 2) == 0)
				text += 2;
			for (size_t i = 0; i < ARRAY_SIZE(structural); i++)
				if (strncmp(text, structural[i], strlen(structural[i])) == 0)
					return false;
		}
		line = strchr(line, '\n');
		if (line != NULL)
			line++;
	}
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct plan *p = plan_new(), *q = plan_new();
	struct problems probs = { 0 };
	struct strlist keys = { 0 };
	struct msg err;
	char *saved, *again;
	bool keep_ca, valid;

	valid = answers_parse(p, (const char *)data, size, "fuzz", ORIGIN_FILE, &err) == 0;
	FUZZ_ASSERT(memchr(err.text, '\0', sizeof err.text) != NULL, "unterminated message");
	validate_plan(p, &probs);
	problems_free(&probs);
	for (size_t i = 0; i < step_count; i++) {
		struct render_result r;

		if (steps[i]->render == NULL)
			continue;
		memset(&r, 0, sizeof r);
		(void)step_render(steps[i], p, &inputs, &r, &err);
		render_result_free(&r);
	}

	saved = answers_format(p);
	/* Bad values are kept (and complained about again); every line still reads. */
	if (answers_parse(q, saved, strlen(saved), "saved", ORIGIN_FILE, &err) != 0) {
		FUZZ_ASSERT(!valid, "the saved valid answers do not load again: %s\n--- saved:\n%s",
			    err.text, saved);
		FUZZ_ASSERT(every_line_reads(err.text),
			    "a saved line does not read: %s\n--- saved:\n%s", err.text, saved);
	}
	again = answers_format(q);
	/*
	 * Only for good answers: a bad value kept with a trailing CR loses one
	 * CR per save and load (the CR of a CRLF line end), which is harmless.
	 */
	FUZZ_ASSERT(!valid || strcmp(saved, again) == 0, "saving twice differs:\n%s\n---\n%s",
		    saved, again);
	keep_ca = strcmp(plan_get(p, "save.ca_password"), "yes") == 0;
	FUZZ_ASSERT(keep_ca || !has_line_starting(saved, "ca.password"),
		    "ca.password saved without save.ca_password = yes");
	plan_answered_keys(p, &keys);
	for (size_t i = 0; i < keys.len; i++) {
		const char *k = keys.items[i];

		if (!keep_ca && strcmp(k, "ca.password") == 0)
			continue;
		FUZZ_ASSERT(!valid || strcmp(plan_get(p, k), plan_get(q, k)) == 0,
			    "%s changed on the way through the file", k);
	}
	strlist_free(&keys);
	secure_free_str(saved);
	secure_free_str(again);
	plan_free(p);
	plan_free(q);
	return 0;
}
