/* check's report: collecting findings, their advice, and the order a report shows them in. */
#include <config.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_int.h"
#include "msg.h"
#include "util.h"

/* The whole text however long (200 brokers' names make a long line). */
static char *
vformat(const char *fmt, va_list ap)
{
	va_list again;
	char *text;
	int n;

	va_copy(again, ap);
	n = vsnprintf(NULL, 0, fmt, again);
	va_end(again);
	if (n < 0)
		return xstrdup(fmt);
	text = xmalloc((size_t)n + 1);
	vsnprintf(text, (size_t)n + 1, fmt, ap);
	return text;
}

__attribute__((format(printf, 5, 0))) void
check_addv(struct check_report *r, bool host, enum check_level level, const char *file,
	   const char *fmt, va_list ap)
{
	struct check_item *it;

	r->items = xrealloc(r->items, (r->count + 1) * sizeof *r->items);
	it = &r->items[r->count++];
	it->level = level;
	it->file = xstrdup(file != NULL ? file : "");
	it->text = vformat(fmt, ap);
	it->hint = NULL;
	it->order = 1;
	it->host = host;
	if (level == CHECK_PROBLEM)
		(*(host ? &r->host_problems : &r->problems))++;
	else if (level == CHECK_WARNING)
		(*(host ? &r->host_warnings : &r->warnings))++;
}

void
check_add(struct check_report *r, enum check_level level, const char *file, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	check_addv(r, false, level, file, fmt, ap);
	va_end(ap);
}

void
check_add_host(struct check_report *r, enum check_level level, const char *file,
	       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	check_addv(r, true, level, file, fmt, ap);
	va_end(ap);
}

void
check_hint(struct check_report *r, const char *fmt, ...)
{
	struct check_item *it = &r->items[r->count - 1];
	char *line, *joined;
	va_list ap;

	va_start(ap, fmt);
	line = vformat(fmt, ap);
	va_end(ap);
	if (it->hint == NULL) {
		it->hint = line;
	} else {
		joined = xasprintf("%s\n%s", it->hint, line);
		free(it->hint);
		free(line);
		it->hint = joined;
	}
}

void
check_report_free(struct check_report *r)
{
	for (size_t i = 0; i < r->count; i++) {
		free(r->items[i].file);
		free(r->items[i].text);
		free(r->items[i].hint);
	}
	free(r->items);
	free(r->dir);
	memset(r, 0, sizeof *r);
}

struct sort_key {
	struct check_item item;
	size_t group;   /* where the item's file first appeared */
	size_t pos;
};

static int
sort_cmp(const void *a, const void *b)
{
	const struct sort_key *x = a, *y = b;

	if (x->item.host != y->item.host)
		return x->item.host ? 1 : -1;
	if (x->item.level != y->item.level)
		return x->item.level < y->item.level ? -1 : 1;
	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	if (x->item.order != y->item.order)
		return x->item.order < y->item.order ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

void
check_report_sort(struct check_report *r)
{
	struct sort_key *keys = xcalloc(r->count ? r->count : 1, sizeof *keys);

	for (size_t i = 0; i < r->count; i++) {
		size_t g = i;

		for (size_t j = 0; j < i; j++)
			if (strcmp(r->items[j].file, r->items[i].file) == 0) {
				g = j;
				break;
			}
		keys[i] = (struct sort_key){ r->items[i], g, i };
	}
	qsort(keys, r->count, sizeof *keys, sort_cmp);
	for (size_t i = 0; i < r->count; i++)
		r->items[i] = keys[i].item;
	free(keys);
}
