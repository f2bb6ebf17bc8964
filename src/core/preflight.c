/* Preflight: what validation cannot know without the disk, checked just before a run writes. */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "i18n.h"
#include "validate.h"

int
preflight_dir(const char *dir, unsigned long long need_bytes, struct msg *msg)
{
	char *probe_dir = xstrdup(dir);
	struct statvfs vfs;
	struct stat st;

	/* Someone else's directory (or a link to one) is refused first, by name. */
	if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid != geteuid()) {
		free(probe_dir);
		return msg_set(msg, _("%s belongs to another user: choose a directory of your "
				      "own"), dir);
	}

	/* The nearest existing ancestor decides writability and space. */
	while (stat(probe_dir, &st) != 0) {
		char *slash = strrchr(probe_dir, '/');

		if (errno != ENOENT) {
			msg_set(msg, _("%s: %s"), probe_dir, strerror(errno));
			free(probe_dir);
			return -1;
		}
		if (slash == NULL) {
			free(probe_dir);
			probe_dir = xstrdup(".");
			continue;
		}
		if (slash == probe_dir)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
	if (!S_ISDIR(st.st_mode)) {
		msg_set(msg, _("%s is not a directory"), probe_dir);
		free(probe_dir);
		return -1;
	}
	if (access(probe_dir, W_OK | X_OK) != 0) {
		msg_set(msg, _("%s is not writable: choose another working directory"), probe_dir);
		free(probe_dir);
		return -1;
	}
	if (statvfs(probe_dir, &vfs) == 0 &&
	    (unsigned long long)vfs.f_bavail * vfs.f_frsize < need_bytes) {
		msg_set(msg, _("%s has %llu MiB free; the setup needs about %llu MiB"), probe_dir,
			(unsigned long long)vfs.f_bavail * vfs.f_frsize >> 20, need_bytes >> 20);
		free(probe_dir);
		return -1;
	}
	free(probe_dir);
	return 0;
}

int
preflight_answers(const struct plan *p, struct msg *msg)
{
	const char *home = plan_get(p, "java.home");
	char *java;
	struct stat st;
	int rc = 0;

	if (home[0] == '\0')
		return 0;
	java = xasprintf("%s/bin/java", home);
	/* cluster.sh runs JAVA_HOME/bin/java: without it nothing starts. */
	if (stat(java, &st) != 0)
		rc = msg_set(msg, _("java.home: %s: %s; answer the folder of a Java 9 or later "
				    "runtime, the one holding bin/java, or leave java.home empty "
				    "for the java on PATH"), java, strerror(errno));
	else if (!S_ISREG(st.st_mode) || access(java, X_OK) != 0)
		rc = msg_set(msg, _("java.home: %s is not an executable program; answer the "
				    "folder of a Java 9 or later runtime, the one holding bin/java, "
				    "or leave java.home empty for the java on PATH"), java);
	free(java);
	return rc;
}
