/*
 * "The commands": the article's shell equivalent of a step (or of all of
 * them) for the current answers, from the templates in
 * data/templates/commands/ (one per step id, plus prelude.sh).  The
 * configuration files are not retyped there: each step's own render makes
 * them and they are embedded as here-documents, so the screen, the files
 * the wizard writes and an exported commands.sh cannot drift apart.
 *
 * Passwords are never written into the commands unless asked: the script
 * reads them from ZKTLS_*_PASSWORD environment variables (or asks on a
 * terminal), hands them to openssl as -passin/-passout env:VAR and to keytool
 * as -storepass:env VAR, and puts them into configuration files through
 * shell variables escaped at run time exactly as the templates escape them
 * (zk_prop, zk_quote), so no password reaches a child's argv.
 */
#ifndef ZK_COMMANDS_H
#define ZK_COMMANDS_H

#include <stddef.h>

#include "msg.h"
#include "plan.h"
#include "render.h"
#include "steps.h"
#include "util.h"

enum commands_mode {
	/* Put the password values into the script (only when the user asks). */
	COMMANDS_EMBED_SECRETS = 1u << 0,
	/*
	 * Leave out the prelude (shebang, cd to DIR, the helper functions and
	 * the password lines): the bare commands of the step, for a screen.
	 */
	COMMANDS_BODY_ONLY = 1u << 1,
};

/*
 * Appends to out the commands of step_id (NULL: the whole script, every step
 * in table order).  opt gives --mirror, --checksums, --archives, --ca-file
 * (NULL: the official site).  secrets receives the byte ranges of out that
 * hold passwords (none unless COMMANDS_EMBED_SECRETS); the caller frees it.
 * Returns 0, or -1 with err set (an unknown step, answers a step cannot
 * render, a template that does not parse).
 */
int commands_render(const struct plan *p, const char *step_id, unsigned mode,
		    const struct run_options *opt, struct buf *out, struct span **secrets,
		    size_t *secret_count, struct msg *err);

/* The environment variable an exported script reads a secret answer from. */
char *commands_secret_var(const char *key);

#endif
