/* check's facts about this machine: host names, free ports, this setup's running processes. */
#include <config.h>

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check_int.h"
#include "i18n.h"
#include "util.h"

struct host *
host_lookup(struct check_ctx *c, const char *name)
{
	struct addrinfo hints = { 0 }, *res = NULL;
	struct host *h;

	for (size_t i = 0; i < c->nhosts; i++)
		if (strcmp(c->hosts[i].name, name) == 0)
			return &c->hosts[i];
	c->hosts = xrealloc(c->hosts, (c->nhosts + 1) * sizeof *c->hosts);
	h = &c->hosts[c->nhosts++];
	h->name = xstrdup(name);
	h->address = NULL;
	hints.ai_socktype = SOCK_STREAM;
	h->resolves = getaddrinfo(name, NULL, &hints, &res) == 0 && res != NULL;
	if (h->resolves) {
		char text[NI_MAXHOST];

		if (getnameinfo(res->ai_addr, res->ai_addrlen, text, sizeof text, NULL, 0,
				NI_NUMERICHOST) == 0)
			h->address = xstrdup(text);
	}
	if (res != NULL)
		freeaddrinfo(res);
	return h;
}

/*
 * Whether a server could bind port on address (NULL: all addresses) now.
 * SO_REUSEADDR as Java's servers set it: only a listening socket counts,
 * not TIME_WAIT, and two checks running at once do not see each other.
 */
static int
port_bind_errno(const char *address, long port)
{
	struct addrinfo hints = { 0 }, *res = NULL;
	char service[24];
	int fd, one = 1, rc = 0;

	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	hints.ai_family = address == NULL ? AF_INET : AF_UNSPEC;
	snprintf(service, sizeof service, "%ld", port);
	if (getaddrinfo(address, service, &hints, &res) != 0 || res == NULL)
		return EADDRNOTAVAIL;
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		rc = errno;
	} else {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (bind(fd, res->ai_addr, res->ai_addrlen) != 0)
			rc = errno;
		close(fd);
	}
	freeaddrinfo(res);
	return rc;
}

void
check_port(struct check_ctx *c, const char *file, const char *what, const char *address,
	   long port, int ours_pid)
{
	int e;

	if (port <= 0)
		return;
	e = port_bind_errno(address, port);
	if (e == 0) {
		check_add(c->r, CHECK_OK, file, _("port %ld (%s) on %s is free"), port, what,
		    address != NULL ? address : _("all addresses"));
	} else if (e == EADDRINUSE && ours_pid > 0) {
		check_add(c->r, CHECK_OK, file, _("port %ld (%s) is in use by this setup's process %d"),
		    port, what, ours_pid);
	} else if (e == EADDRINUSE) {
		check_add(c->r, CHECK_PROBLEM, file, _("port %ld (%s) on %s is in use by another program"),
		    port, what, address != NULL ? address : _("all addresses"));
		check_hint(c->r, _("find it with: ss -ltnp 'sport = :%ld'; stop it, or choose another port"),
		     port);
	} else if (e != EACCES) {
		check_add(c->r, CHECK_PROBLEM, file, _("port %ld (%s) on %s cannot be bound: %s"), port,
		    what, address != NULL ? address : _("all addresses"), strerror(e));
	}
}

/* The PID in DIR/run/NAME.pid when that process runs in DIR. */
int
running_pid(const struct check_ctx *c, const char *name)
{
	char *rel = xasprintf("run/%s.pid", name), *data = NULL, *cwd_link;
	char cwd[4096];
	struct msg err;
	size_t len;
	long pid = 0;
	ssize_t n;

	if (check_read_rel(c, rel, &data, &len, &err) != 0) {
		free(rel);
		return 0;
	}
	free(rel);
	data[strcspn(data, "\r\n")] = '\0';
	if (!parse_long(data, 1, 4194304, &pid) || c->real_dir == NULL) {
		free(data);
		return 0;
	}
	free(data);
	cwd_link = xasprintf("/proc/%ld/cwd", pid);
	n = readlink(cwd_link, cwd, sizeof cwd - 1);
	free(cwd_link);
	if (n <= 0)
		return 0;
	cwd[n] = '\0';
	return strcmp(cwd, c->real_dir) == 0 ? (int)pid : 0;
}

void
check_hosts(struct check_ctx *c)
{
	struct buf bad;

	buf_init(&bad);
	for (size_t i = 0; i < c->nhosts; i++) {
		if (c->hosts[i].resolves)
			check_add(c->r, CHECK_OK, "", _("%s resolves to %s"), c->hosts[i].name,
			    c->hosts[i].address != NULL ? c->hosts[i].address : "?");
		else
			buf_printf(&bad, " %s", c->hosts[i].name);
	}
	if (bad.len > 0) {
		check_add(c->r, CHECK_PROBLEM, "", _("these host names do not resolve:%s"), bad.data);
		check_hint(c->r, _("for a cluster on this machine, add this line to /etc/hosts (as root):"));
		check_hint(c->r, "127.0.0.1%s", bad.data);
	}
	buf_free(&bad);
}
