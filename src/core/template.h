/*
 * Templates in data/templates/.  Syntax:
 *   {{key|filter}}               a value, escaped by the filter (required):
 *                                prop, jaas, sh, argfile, raw; filters chain
 *                                left to right: {{k|jaas|prop}}
 *   {{#each list as x}}...{{/each}}  repeat for each word of a list key
 *   {{#if key}}...{{/if}}        when the value is non-empty and not
 *                                no/off/false/0; {{#if !key}} negates
 * A key may contain {x}, replaced by the variable x (a loop variable or one
 * the caller binds, such as name) or else by the value of the key x:
 * broker.{name}.ssl_port, sasl.password.{sasl.consumer_user}.
 * A line holding only a block tag is dropped whole, so blocks do not leave
 * empty lines behind.
 *
 * Templates are parsed once at start; unknown keys, unknown filters and a
 * missing filter are errors then, not while rendering.
 */
#ifndef ZK_TEMPLATE_H
#define ZK_TEMPLATE_H

#include "msg.h"
#include "plan.h"
#include "render.h"
#include "util.h"

struct template;

struct template_var {
	const char *name;
	const char *value;
};

/* vars names the variables the caller will bind when rendering. */
int template_parse(const char *name, const char *text, const char *const *vars,
		   struct template **out, struct msg *err);
void template_free(struct template *t);

/* Appends to out; secrets receives the spans where secret answers were put. */
int template_render(const struct template *t, const struct plan *p,
		    const struct template_var *vars, size_t var_count, struct buf *out,
		    struct span **secrets, size_t *secret_count, struct msg *err);

/* Escapers, exposed for tests and for code that composes values. */
void escape_prop(struct buf *out, const char *value);
void escape_jaas(struct buf *out, const char *value);
void escape_sh(struct buf *out, const char *value);
void escape_argfile(struct buf *out, const char *value);

/* The template set of data/templates, parsed once. */
const struct template *templates_get(const char *name);
int templates_load_all(struct msg *err);
void templates_free_all(void);

#endif
