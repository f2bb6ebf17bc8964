/*
 * zktls-wizard check: what is right and wrong in a working directory.
 *
 * Reads a directory the wizard wrote, or one made by hand with the article's
 * openssl and keytool commands, and changes nothing in it.  The
 * configuration files are parsed as the programs read them (zoo.cfg and
 * NAME.properties as Java properties, java.env as the shell would assign it
 * but never run, NAME.zk-tls.args as the Java launcher reads argument
 * files); the keystores are opened with the passwords those files give.
 * The result is a list of findings a front end prints; nothing here prints.
 */
#ifndef ZK_CHECK_H
#define ZK_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "msg.h"

/* In the order a report shows them: what must be fixed first. */
enum check_level {
	CHECK_PROBLEM,  /* something will not work: exit status 1 */
	CHECK_WARNING,  /* works, but soon will not or is unsafe */
	CHECK_OK,       /* checked and right */
};

struct check_item {
	enum check_level level;
	bool host;      /* a fact about this machine, not about the directory */
	char *file;     /* relative to DIR ("" when about the directory or the machine) */
	char *text;     /* one sentence, translated */
	char *hint;     /* what to do about it, may span lines; NULL if nothing */
	int order;      /* within a file and level: 0 whether it opens, 1 the rest */
};

struct check_report {
	char *dir;      /* as given */
	struct check_item *items;  /* in the order checked: grouped by file */
	size_t count;
	size_t problems;        /* about the directory: the verdict */
	size_t warnings;
	size_t host_problems;   /* about this machine (names, ports, Java, data left here) */
	size_t host_warnings;
};

struct check_options {
	/*
	 * Look the names up (concurrently, within CHECK_LOOKUP_SECONDS) and
	 * check the ports on their addresses.  Without it no name is looked
	 * up; what can be known about this machine without (ports on given
	 * addresses, Java, data directories outside DIR) is still reported,
	 * apart from the directory's findings.
	 */
	bool this_host;
};

/*
 * Examines dir and fills r (which the caller frees with check_report_free,
 * also after a failure).  Fails only when dir cannot be examined at all (no
 * directory, no zoo.cfg and no NAME.properties); everything else is a
 * finding in r.  opt may be NULL (no lookups).
 */
int check_dir(const char *dir, const struct check_options *opt, struct check_report *r,
	      struct msg *err);
void check_report_free(struct check_report *r);

/* Days a certificate has left below which check warns. */
#define CHECK_EXPIRY_WARN_DAYS 30
/* How long all name lookups together may take; a name without an answer by then is reported so. */
#define CHECK_LOOKUP_SECONDS 10

#endif
