/* zktls-wizard: options, answers, and the choice of front end. */
#include <config.h>

#include <getopt.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch/batch.h"
#include "core/buildtree.h"
#include "core/catalog.h"
#include "core/commands.h"
#include "core/dirlock.h"
#include "core/fsutil.h"
#include "core/i18n.h"
#include "core/steps.h"
#include "core/template.h"
#include "tui/tui.h"

#define DEFAULT_DIR "zktls-setup"
#define DEFAULT_SITE "https://archive.apache.org/dist"

enum {
	OPT_STEPS = 0x100,
	OPT_ARCHIVES,
	OPT_MIRROR,
	OPT_CHECKSUMS,
	OPT_CA_FILE,
	OPT_FORCE,
	OPT_RENEW,
	OPT_EXIT_AFTER_FIRST_DRAW,
	OPT_EXPORT_COMMANDS,
	OPT_RESET_TO,
	OPT_COMMANDS_EMBED_SECRETS,
	OPT_THIS_HOST,
};

static const struct option long_options[] = {
	{ "batch", no_argument, NULL, 'b' },
	{ "answers", required_argument, NULL, 'a' },
	{ "set", required_argument, NULL, 's' },
	{ "steps", required_argument, NULL, OPT_STEPS },
	{ "archives", required_argument, NULL, OPT_ARCHIVES },
	{ "mirror", required_argument, NULL, OPT_MIRROR },
	{ "checksums", required_argument, NULL, OPT_CHECKSUMS },
	{ "ca-file", required_argument, NULL, OPT_CA_FILE },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "renew", no_argument, NULL, OPT_RENEW },
	{ "export-commands", required_argument, NULL, OPT_EXPORT_COMMANDS },
	{ "reset-to", required_argument, NULL, OPT_RESET_TO },
	{ "commands-embed-secrets", no_argument, NULL, OPT_COMMANDS_EMBED_SECRETS },
	{ "this-host", no_argument, NULL, OPT_THIS_HOST },
	/* Hidden, for bench/: start-up time to the first full screen. */
	{ "exit-after-first-draw", no_argument, NULL, OPT_EXIT_AFTER_FIRST_DRAW },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void
print_help(void)
{
	printf(_("Usage: %s [OPTION]... [DIR]\n"
		 "  or:  %s --batch [OPTION]... [DIR]\n"
		 "  or:  %s check [--this-host] [DIR]\n"),
	       PACKAGE, PACKAGE, PACKAGE);
	fputs(_("Set up TLS between Kafka and ZooKeeper, step by step: download, swap the\n"
		"ZooKeeper jars, create a private CA, keys, certificates and keystores, and\n"
		"write ZooKeeper's and the brokers' configuration into DIR (default\n"
		"./zktls-setup).\n\n"), stdout);
	fputs(_("  -b, --batch            no user interface: validate, then run the steps\n"
		"  -a, --answers=FILE     load answers from FILE (after DIR/zktls-wizard.conf)\n"
		"  -s, --set=KEY=VALUE    set one answer (repeatable; wins over files)\n"
		"      --steps=LIST       comma-separated steps to run (default: all):\n"
		"                         download,jars,ca,certs,zookeeper,brokers,clients\n"
		"      --archives=DIR     take the release archives from DIR\n"
		"      --mirror=URL       where the archives come from\n"
		"      --checksums=URL    where the .sha512 files come from\n"
		"      --ca-file=FILE     extra trusted CA certificates for HTTPS\n"
		"      --force            overwrite files you edited (a backup is kept)\n"
		"      --renew            make new keys and certificates even if still valid\n"
		"      --export-commands=FILE  with --batch: write the recipe as a shell script\n"
		"                         of openssl, keytool, curl and cp commands\n"
		"      --commands-embed-secrets  put the passwords into that script (else it\n"
		"                         reads them from the environment or asks)\n"
		"      --reset-to=STEP    with --batch: put DIR back as it was before STEP\n"
		"                         (removes what STEP and later steps wrote)\n"
		"      --this-host        with check: also judge this machine (look the host\n"
		"                         names up, free ports, Java, data left here); without\n"
		"                         it they are reported apart and do not count\n"
		"  -h, --help             display this help and exit\n"
		"  -V, --version          output version information and exit\n\n"), stdout);
	fputs(_("Exit status: 0 success, 1 a problem with the answers or a failed step,\n"
		"2 a usage error or no usable terminal.\n"), stdout);
}

static void
print_version(void)
{
	printf("%s %s\n", PACKAGE, PACKAGE_VERSION);
	fputs(_("Copyright (C) 2026 the zktls-wizard developers.\n"
		"License GPLv3+: GNU GPL version 3 or later <https://gnu.org/licenses/gpl.html>.\n"
		"This is free software: you are free to change and redistribute it.\n"
		"There is NO WARRANTY, to the extent permitted by law.\n"), stdout);
}

static void
usage_error(const char *text)
{
	batch_say(stderr, "%s: %s\n", PACKAGE, text);
	batch_say(stderr, _("Try '%s --help' for more information.\n"), PACKAGE);
}

/*
 * getopt's own messages would print a bad option as given, control
 * characters and all: these go through batch_say like every other message.
 */
static void
option_error(int opt, char *const *argv)
{
	const char *given = argv[optind - 1];
	bool is_long = str_starts_with(given, "--");
	char *text;

	if (opt == ':' && !is_long)
		text = xasprintf(_("option requires an argument -- '%c'"), optopt);
	else if (opt == ':')
		text = xasprintf(_("option '%s' requires an argument"), given);
	else if (!is_long)
		text = xasprintf(_("invalid option -- '%c'"), optopt);
	else
		text = xasprintf(_("unrecognized option '%s'"), given);
	usage_error(text);
	free(text);
}

/*
 * DIR/zktls-wizard.conf first (resume), then --answers, then --set.  Every
 * problem is collected into err; the answers that could be read are kept.
 */
static int
load_answers(struct plan *p, const char *dir, const char *answers_file,
	     const struct strlist *assignments, struct msg *err)
{
	char *conf = fs_join(dir, "zktls-wizard.conf");
	struct msg one;
	int rc = 0;

	msg_clear(err);
	if (fs_exists(conf) && answers_load(p, conf, ORIGIN_FILE, &one) != 0) {
		msg_append(err, "%s", one.text);
		rc = -1;
	}
	free(conf);
	if (answers_file != NULL && answers_load(p, answers_file, ORIGIN_FILE, &one) != 0) {
		msg_append(err, "%s", one.text);
		rc = -1;
	}
	/*
	 * A --set value is checked with the whole plan, so its message is the
	 * same as the wizard's for that field; only unknown keys stop here.
	 */
	for (size_t i = 0; i < assignments->len; i++)
		if (plan_set_assignment(p, assignments->items[i], &one) != 0) {
			msg_append(err, "%s", one.text);
			rc = -1;
		}
	return rc;
}

static void
print_waiting(void *user, const char *line)
{
	(void)user;
	fprintf(stderr, "%s: %s\n", PACKAGE, line);
}

int
main(int argc, char **argv)
{
	struct strlist assignments = { 0 };
	const char *answers_file = NULL, *step_list = NULL, *dir = DEFAULT_DIR;
	struct run_options options = { .mirror = DEFAULT_SITE, .checksums = DEFAULT_SITE };
	bool batch = false, check = false, this_host = false;
	const char *export_commands = NULL, *reset_to = NULL;
	unsigned commands_mode = 0;
	unsigned flags = 0;
	struct msg err = { "" };
	struct plan *p;
	int opt, status;

	setlocale(LC_ALL, "");
	bindtextdomain(PACKAGE, localedir());
	textdomain(PACKAGE);
	signal(SIGPIPE, SIG_IGN);

	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":ba:s:hV", long_options, NULL)) != -1) {
		switch (opt) {
		case 'b':
			batch = true;
			break;
		case 'a':
			answers_file = optarg;
			break;
		case 's':
			strlist_push(&assignments, optarg);
			break;
		case OPT_STEPS:
			step_list = optarg;
			break;
		case OPT_ARCHIVES:
			options.archives_dir = optarg;
			break;
		case OPT_MIRROR:
			options.mirror = optarg;
			break;
		case OPT_CHECKSUMS:
			options.checksums = optarg;
			break;
		case OPT_CA_FILE:
			options.ca_file = optarg;
			break;
		case OPT_FORCE:
			flags |= RUN_FORCE;
			break;
		case OPT_RENEW:
			flags |= RUN_RENEW;
			break;
		case OPT_EXPORT_COMMANDS:
			export_commands = optarg;
			break;
		case OPT_RESET_TO:
			reset_to = optarg;
			break;
		case OPT_COMMANDS_EMBED_SECRETS:
			commands_mode |= COMMANDS_EMBED_SECRETS;
			break;
		case OPT_THIS_HOST:
			this_host = true;
			break;
		case OPT_EXIT_AFTER_FIRST_DRAW:
			flags |= TUI_EXIT_AFTER_FIRST_DRAW;
			break;
		case 'h':
			print_help();
			return 0;
		case 'V':
			print_version();
			return 0;
		default:
			option_error(opt, argv);
			return 2;
		}
	}
	if (optind < argc && strcmp(argv[optind], "check") == 0) {
		check = true;
		optind++;
	}
	if (optind < argc)
		dir = argv[optind++];
	if (optind < argc) {
		usage_error(_("only one working directory may be given"));
		return 2;
	}
	if (this_host && !check) {
		usage_error(_("--this-host goes with check"));
		return 2;
	}
	if (check) {
		int reader;

		/* Between steps, never half-way through one (files are replaced by rename). */
		if (dirlock_read_begin(dir, print_waiting, NULL, &reader, &err) != 0) {
			fprintf(stderr, "%s: %s\n", PACKAGE, err.text);
			strlist_free(&assignments);
			return 1;
		}
		status = batch_check(dir, this_host);
		dirlock_read_end(reader);
		strlist_free(&assignments);
		return status;
	}
	/*
	 * A run that writes takes an existing DIR before it reads DIR's answers:
	 * a second run stops here, having changed nothing.
	 */
	if (!(batch && reset_to == NULL && export_commands != NULL) && fs_exists(dir) &&
	    dirlock_acquire(dir, 0, &err) != 0) {
		fprintf(stderr, "%s: %s\n", PACKAGE, err.text);
		strlist_free(&assignments);
		return 1;
	}

	if (templates_load_all(&err) != 0 || catalog_load(&err) != 0) {
		batch_say(stderr, _("%s: %s\n(is zktls-wizard installed completely? "
				    "ZKTLS_DATADIR overrides where its data is)\n"), PACKAGE, err.text);
		return 1;
	}
	p = plan_new();
	if (load_answers(p, dir, answers_file, &assignments, &err) != 0 && batch) {
		batch_say(stderr, "%s: %s\n", PACKAGE, err.text);
		status = 1;
	} else if (batch && reset_to != NULL) {
		status = batch_reset(p, dir, reset_to, flags);
	} else if (batch && export_commands != NULL) {
		status = batch_export_commands(p, export_commands, commands_mode, &options);
	} else if (batch) {
		status = batch_run(p, dir, step_list, flags, &options);
	} else {
		/* The wizard opens anyway and shows what to repair. */
		status = tui_run(p, dir, &options, flags, err.text);
	}
	plan_free(p);
	strlist_free(&assignments);
	templates_free_all();
	catalog_free();
	return status;
}
