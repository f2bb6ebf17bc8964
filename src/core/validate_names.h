/*
 * The parts of validation that know DNS and X.509 (validate_names.c), for
 * validate.c only: front ends use validate.h.
 */
#ifndef ZK_VALIDATE_NAMES_H
#define ZK_VALIDATE_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#include "msg.h"
#include "plan.h"
#include "validate.h"

/* n > 0 characters, all digits: a "name" a resolver reads as an IPv4 address. */
bool names_all_digits(const char *s, size_t n);
bool names_is_ip(const char *s);
/* A host name whose last label is not all digits (999.1.1.1 is neither kind). */
bool names_is_host(const char *s);
/* DNS:name and IP:address entries, one comma apart; {name} a whole label. */
bool names_check_san(const char *value, struct msg *why);
/* TYPE=value pairs separated by separator ('/' for OpenSSL, ',' for RFC 2253). */
bool names_check_dn(const char *value, char separator, struct msg *why);
/*
 * ca.subject as OpenSSL will take it, and cert.dn and cert.san per node as
 * the certs step will: what they would refuse after the CA was written.
 */
void names_check_pki(const struct plan *p, const struct strlist *nodes, struct problems *ps);

/* One problem about the NULL-terminated keys. */
void problems_add(struct problems *ps, const char *message, const char *key, ...);

#endif
