#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "msg.h"

int
msg_set(struct msg *m, const char *fmt, ...)
{
	va_list ap;

	if (m == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(m->text, sizeof m->text, fmt, ap);
	va_end(ap);
	return -1;
}

int
msg_prefix(struct msg *m, const char *fmt, ...)
{
	char prefix[ZK_MSG_MAX];
	char old[ZK_MSG_MAX];
	char joined[2 * ZK_MSG_MAX + 2];
	va_list ap;

	if (m == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof prefix, fmt, ap);
	va_end(ap);
	memcpy(old, m->text, sizeof old);
	snprintf(joined, sizeof joined, "%s: %s", prefix, old);
	memcpy(m->text, joined, sizeof m->text - 1);
	m->text[sizeof m->text - 1] = '\0';
	return -1;
}

void
msg_append(struct msg *m, const char *fmt, ...)
{
	size_t used;
	va_list ap;

	if (m == NULL)
		return;
	used = strlen(m->text);
	if (used > 0 && used + 1 < sizeof m->text)
		m->text[used++] = '\n';
	if (used >= sizeof m->text)
		return;
	va_start(ap, fmt);
	vsnprintf(m->text + used, sizeof m->text - used, fmt, ap);
	va_end(ap);
}

void
msg_clear(struct msg *m)
{
	if (m != NULL)
		m->text[0] = '\0';
}
