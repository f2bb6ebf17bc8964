/* check's facts about this machine: host names, free ports, this setup's processes, Java. */
#include <config.h>

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>

#include "check_int.h"
#include "i18n.h"
#include "util.h"

/* Lookups at once: 200 brokers take a dozen lookups' time, not 200, and a resolver is not flooded. */
#define LOOKUP_THREADS 16

static bool
is_numeric_address(const char *text)
{
	unsigned char a[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, text, a) == 1 || inet_pton(AF_INET6, text, a) == 1;
}

void
host_note(struct check_ctx *c, const char *name)
{
	struct host *h;

	if (name[0] == '\0')
		return;
	for (size_t i = 0; i < c->nhosts; i++)
		if (strcmp(c->hosts[i].name, name) == 0)
			return;
	c->hosts = xrealloc(c->hosts, (c->nhosts + 1) * sizeof *c->hosts);
	h = &c->hosts[c->nhosts++];
	memset(h, 0, sizeof *h);
	h->name = xstrdup(name);
}

static struct host *
host_find(const struct check_ctx *c, const char *name)
{
	for (size_t i = 0; i < c->nhosts; i++)
		if (strcmp(c->hosts[i].name, name) == 0)
			return &c->hosts[i];
	return NULL;
}

/* ------------------------------------------------------------ lookups */

/*
 * The lookups run on threads that may outlive the wait for them (a
 * resolver can hang far longer than CHECK_LOOKUP_SECONDS, and getaddrinfo
 * cannot be cancelled): what they share is owned by the pool, and the last
 * one to leave it, the caller or a thread, frees it.
 */
struct lookup {
	char *name;
	bool done, resolves;
	char *address;
};

struct lookup_pool {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct lookup *jobs;
	size_t count, next, done;
	int refs;
};

static void
pool_release(struct lookup_pool *p)
{
	bool last;

	pthread_mutex_lock(&p->lock);
	last = --p->refs == 0;
	pthread_mutex_unlock(&p->lock);
	if (!last)
		return;
	for (size_t i = 0; i < p->count; i++) {
		free(p->jobs[i].name);
		free(p->jobs[i].address);
	}
	free(p->jobs);
	pthread_cond_destroy(&p->cond);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

static void *
lookup_thread(void *arg)
{
	struct lookup_pool *p = arg;

	for (;;) {
		struct addrinfo hints = { 0 }, *res = NULL;
		char text[NI_MAXHOST], *name;
		bool resolves;
		size_t i;

		pthread_mutex_lock(&p->lock);
		if (p->next >= p->count) {
			pthread_mutex_unlock(&p->lock);
			break;
		}
		i = p->next++;
		name = xstrdup(p->jobs[i].name);
		pthread_mutex_unlock(&p->lock);

		hints.ai_socktype = SOCK_STREAM;
		resolves = getaddrinfo(name, NULL, &hints, &res) == 0 && res != NULL;
		text[0] = '\0';
		if (resolves && getnameinfo(res->ai_addr, res->ai_addrlen, text, sizeof text, NULL, 0,
					    NI_NUMERICHOST) != 0)
			text[0] = '\0';
		if (res != NULL)
			freeaddrinfo(res);
		free(name);

		pthread_mutex_lock(&p->lock);
		p->jobs[i].resolves = resolves;
		p->jobs[i].address = text[0] != '\0' ? xstrdup(text) : NULL;
		p->jobs[i].done = true;
		p->done++;
		pthread_cond_broadcast(&p->cond);
		pthread_mutex_unlock(&p->lock);
	}
	pool_release(p);
	return NULL;
}

/* Looks every noted name up, concurrently; what has no answer in time counts as no answer. */
static void
resolve_all(struct check_ctx *c)
{
	struct lookup_pool *p;
	pthread_condattr_t attr;
	struct timespec deadline;
	size_t threads;

	if (c->nhosts == 0)
		return;
	p = xcalloc(1, sizeof *p);
	pthread_mutex_init(&p->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&p->cond, &attr);
	pthread_condattr_destroy(&attr);
	p->count = c->nhosts;
	p->jobs = xcalloc(p->count, sizeof *p->jobs);
	for (size_t i = 0; i < p->count; i++)
		p->jobs[i].name = xstrdup(c->hosts[i].name);
	p->refs = 1;
	threads = p->count < LOOKUP_THREADS ? p->count : LOOKUP_THREADS;
	for (size_t i = 0; i < threads; i++) {
		pthread_t t;

		pthread_mutex_lock(&p->lock);
		p->refs++;
		pthread_mutex_unlock(&p->lock);
		if (pthread_create(&t, NULL, lookup_thread, p) != 0) {
			/* No more threads: this one does the rest, and drops the reference taken. */
			lookup_thread(p);
			break;
		}
		pthread_detach(t);
	}
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += CHECK_LOOKUP_SECONDS;
	pthread_mutex_lock(&p->lock);
	while (p->done < p->count &&
	       pthread_cond_timedwait(&p->cond, &p->lock, &deadline) != ETIMEDOUT)
		;
	for (size_t i = 0; i < p->count; i++) {
		struct host *h = &c->hosts[i];

		h->looked_up = p->jobs[i].done;
		h->resolves = p->jobs[i].done && p->jobs[i].resolves;
		h->address = p->jobs[i].address != NULL ? xstrdup(p->jobs[i].address) : NULL;
	}
	pthread_mutex_unlock(&p->lock);
	pool_release(p);
}

/* ------------------------------------------------------------ ports */

/*
 * Whether a server could bind port on address (NULL: all addresses) now.
 * SO_REUSEADDR as Java's servers set it: only a listening socket counts,
 * not TIME_WAIT, and two checks running at once do not see each other.
 * The address is numeric: nothing here looks a name up.
 */
static int
port_bind_errno(const char *address, long port)
{
	struct addrinfo hints = { 0 }, *res = NULL;
	char service[24];
	int fd, one = 1, rc = 0;

	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV | AI_NUMERICHOST;
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

static void
port_now(struct check_ctx *c, const struct port_check *p, const char *address)
{
	const char *where = p->address != NULL ? p->address : _("all addresses");
	int e = port_bind_errno(address, p->port);

	if (e == 0) {
		check_add_host(c->r, CHECK_OK, p->file, _("port %ld (%s) on %s is free"), p->port,
			       p->what, where);
	} else if (e == EADDRINUSE && p->ours_pid > 0) {
		check_add_host(c->r, CHECK_OK, p->file,
			       _("port %ld (%s) is in use by this setup's process %d"), p->port,
			       p->what, p->ours_pid);
	} else if (e == EADDRINUSE) {
		check_add_host(c->r, CHECK_PROBLEM, p->file,
			       _("port %ld (%s) on %s is in use by another program"), p->port, p->what,
			       where);
		check_hint(c->r, _("find it with: ss -ltnp 'sport = :%ld'; stop it, or choose "
				   "another port"), p->port);
		if (p->hint != NULL)
			check_hint(c->r, "%s", p->hint);
	} else if (e != EACCES) {
		check_add_host(c->r, CHECK_PROBLEM, p->file, _("port %ld (%s) on %s cannot be bound: %s"),
			       p->port, p->what, where, strerror(e));
		if (p->hint != NULL)
			check_hint(c->r, "%s", p->hint);
	}
}

void
check_port(struct check_ctx *c, const char *file, const char *what, const char *address,
	   long port, int ours_pid, const char *hint)
{
	struct port_check p = { (char *)file, (char *)what, (char *)address, (char *)hint, port,
				ours_pid };

	if (port <= 0)
		return;
	if (address == NULL || is_numeric_address(address)) {
		port_now(c, &p, address);
		return;
	}
	/* A name: checked once it is looked up, if it is. */
	host_note(c, address);
	c->ports = xrealloc(c->ports, (c->nports + 1) * sizeof *c->ports);
	c->ports[c->nports++] = (struct port_check){ xstrdup(file), xstrdup(what),
						     xstrdup(address),
						     hint != NULL ? xstrdup(hint) : NULL, port,
						     ours_pid };
}

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

/* ------------------------------------------------------------ Java */

/* As cluster.sh finds it: java.home when the answers set it, else java on PATH. */
static void
check_java(struct check_ctx *c)
{
	const char *home = check_answer(c, "java.home");
	const char *path = getenv("PATH");

	if (home != NULL && home[0] != '\0') {
		char *java = xasprintf("%s/bin/java", home);

		if (access(java, X_OK) == 0)
			check_add_host(c->r, CHECK_OK, "zktls-wizard.conf", _("Java: %s"), java);
		else
			check_add_host(c->r, CHECK_PROBLEM, "zktls-wizard.conf",
				       _("java.home=%s, but there is no %s"), home, java);
		free(java);
		return;
	}
	while (path != NULL && *path != '\0') {
		size_t n = strcspn(path, ":");
		char *java = xasprintf("%.*s/java", (int)n, n > 0 ? path : ".");

		if (access(java, X_OK) == 0) {
			check_add_host(c->r, CHECK_OK, "", _("Java: %s (on PATH)"), java);
			free(java);
			return;
		}
		free(java);
		path += n + (path[n] == ':');
	}
	check_add_host(c->r, CHECK_PROBLEM, "",
		       _("no java on PATH: ZooKeeper and Kafka need Java"));
	check_hint(c->r, _("install a JDK, or set java.home in the wizard"));
}

/* ------------------------------------------------------------ the section */

void
check_this_host(struct check_ctx *c)
{
	struct buf bad, late, unlooked;

	buf_init(&bad);
	buf_init(&late);
	buf_init(&unlooked);
	if (c->this_host)
		resolve_all(c);
	for (size_t i = 0; i < c->nhosts; i++) {
		const struct host *h = &c->hosts[i];

		if (!c->this_host)
			buf_printf(&unlooked, "%s%s", unlooked.len ? ", " : "", h->name);
		else if (!h->looked_up)
			buf_printf(&late, " %s", h->name);
		else if (h->resolves)
			check_add_host(c->r, CHECK_OK, "", _("%s resolves to %s"), h->name,
				       h->address != NULL ? h->address : "?");
		else
			buf_printf(&bad, " %s", h->name);
	}
	if (bad.len > 0) {
		check_add_host(c->r, CHECK_PROBLEM, "", _("these host names do not resolve:%s"),
			       bad.data);
		check_hint(c->r, _("for a cluster on this machine, add this line to /etc/hosts "
				   "(as root):"));
		check_hint(c->r, "127.0.0.1%s", bad.data);
	}
	if (late.len > 0)
		check_add_host(c->r, CHECK_PROBLEM, "",
			       _("these host names got no answer within %d s:%s"),
			       CHECK_LOOKUP_SECONDS, late.data);
	if (unlooked.len > 0)
		check_add_host(c->r, CHECK_OK, "",
			       _("not looked up (check --this-host does, and checks the ports on "
				 "them): %s"), unlooked.data);
	for (size_t i = 0; i < c->nports; i++) {
		const struct host *h = host_find(c, c->ports[i].address);

		if (h != NULL && h->resolves && h->address != NULL)
			port_now(c, &c->ports[i], h->address);
	}
	check_java(c);
	buf_free(&bad);
	buf_free(&late);
	buf_free(&unlooked);
}

void
host_ctx_free(struct check_ctx *c)
{
	for (size_t i = 0; i < c->nhosts; i++) {
		free(c->hosts[i].name);
		free(c->hosts[i].address);
	}
	free(c->hosts);
	for (size_t i = 0; i < c->nports; i++) {
		free(c->ports[i].file);
		free(c->ports[i].what);
		free(c->ports[i].address);
		free(c->ports[i].hint);
	}
	free(c->ports);
}
