/* Option parsing for `ulvm dmsetup`: one table of the real dmsetup's
 * options, each setting one field of struct dmsetup_opts. Options that
 * only matter to the kernel or udev are accepted and ignored, so scripts
 * written for the real tool run unchanged. */
#include <errno.h>
#include <getopt.h>
#include <string.h>

#include "dmsetup.h"
#include "util/error.h"

enum {
	OPT_NOHEADINGS = 256,
	OPT_TREE,
	OPT_SHOWKEYS,
	OPT_INACTIVE,
	OPT_NOFLUSH,
	OPT_NOLOCKFS,
	OPT_SETUUID,
	OPT_VERSION,
	OPT_SEPARATOR,
	OPT_TABLE,
	OPT_TARGET,
	OPT_IGNORED,	 /* accepted for compatibility, no effect */
	OPT_IGNORED_ARG, /* the same, with an argument */
};

static const struct option long_options[] = {
    {"columns", no_argument, NULL, 'c'},
    {"force", no_argument, NULL, 'f'},
    {"help", no_argument, NULL, 'h'},
    {"notable", no_argument, NULL, 'n'},
    {"options", required_argument, NULL, 'o'},
    {"readonly", no_argument, NULL, 'r'},
    {"uuid", required_argument, NULL, 'u'},
    {"verbose", no_argument, NULL, 'v'},
    {"yes", no_argument, NULL, 'y'},
    {"noheadings", no_argument, NULL, OPT_NOHEADINGS},
    {"tree", no_argument, NULL, OPT_TREE},
    {"showkeys", no_argument, NULL, OPT_SHOWKEYS},
    {"inactive", no_argument, NULL, OPT_INACTIVE},
    {"noflush", no_argument, NULL, OPT_NOFLUSH},
    {"setuuid", no_argument, NULL, OPT_SETUUID},
    {"version", no_argument, NULL, OPT_VERSION},
    {"separator", required_argument, NULL, OPT_SEPARATOR},
    {"table", required_argument, NULL, OPT_TABLE},
    {"target", required_argument, NULL, OPT_TARGET},
    {"nolockfs", no_argument, NULL, OPT_NOLOCKFS},
    {"noopencount", no_argument, NULL, OPT_IGNORED},
    {"noudevrules", no_argument, NULL, OPT_IGNORED},
    {"noudevsync", no_argument, NULL, OPT_IGNORED},
    {"verifyudev", no_argument, NULL, OPT_IGNORED},
    {"checks", no_argument, NULL, OPT_IGNORED},
    {"retry", no_argument, NULL, OPT_IGNORED},
    {"udevcookie", required_argument, NULL, OPT_IGNORED_ARG},
    {"readahead", required_argument, NULL, OPT_IGNORED_ARG},
    {NULL, 0, NULL, 0},
};

/* Applies one option; returns 0 or -EINVAL with the message set. */
static int apply(struct dmsetup_opts *o, int c, const char *arg)
{
	switch (c) {
	case 'c':
	case 'C':
		o->columns = true;
		break;
	case 'f':
		o->force = true;
		break;
	case 'h':
		o->help = true;
		break;
	case 'n':
		o->notable = true;
		break;
	case 'o':
		o->fields = arg;
		break;
	case 'r':
		o->readonly = true;
		break;
	case 'u':
		o->uuid = arg;
		break;
	case 'v':
		o->verbose++;
		break;
	case OPT_NOHEADINGS:
		o->noheadings = true;
		break;
	case OPT_TREE:
		o->tree = true;
		break;
	case OPT_SHOWKEYS:
		o->showkeys = true;
		break;
	case OPT_INACTIVE:
		o->inactive = true;
		break;
	case OPT_NOFLUSH:
		o->noflush = true;
		break;
	case OPT_NOLOCKFS:
		o->nolockfs = true;
		break;
	case OPT_SETUUID:
		o->setuuid = true;
		break;
	case OPT_VERSION:
		o->version = true;
		break;
	case OPT_SEPARATOR:
		o->separator = arg;
		break;
	case OPT_TABLE:
		o->table = arg;
		break;
	case OPT_TARGET:
		o->target = arg;
		break;
	}
	return 0;
}

/* The message for a getopt failure: optopt is the short option or the
 * long option's value, argv[optind - 1] the word that failed. */
static int bad_option(int argc, char **argv)
{
	const char *word = optind > 0 && optind <= argc ? argv[optind - 1] : "";

	if (optopt && optopt < 256 && strncmp(word, "--", 2))
		return err_set(EINVAL, "option '-%c' %s", optopt,
			       strchr("ou", optopt) ? "needs an argument" : "is not recognised");
	for (const struct option *lo = long_options; lo->name; lo++)
		if (lo->has_arg && !strncmp(word + 2, lo->name, strlen(lo->name)) &&
		    word[2 + strlen(lo->name)] == '\0')
			return err_set(EINVAL, "option '%s' needs an argument", word);
	return err_set(EINVAL, "option '%s' is not recognised", word);
}

int dmsetup_parse_options(int argc, char **argv, struct dmsetup_opts *o, int *first)
{
	int c;

	memset(o, 0, sizeof(*o));
	optind = 0; /* GNU: full reset, so the parser can run more than once */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "cCfhno:ru:vy", long_options, NULL)) != -1) {
		if (c == '?' || c == ':')
			return bad_option(argc, argv);
		int r = apply(o, c, optarg);
		if (r)
			return r;
	}
	if (o->table && o->notable)
		return err_set(EINVAL, "--table and --notable are incompatible");
	*first = optind;
	return 0;
}
