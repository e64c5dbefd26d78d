/* `ulvm cryptsetup`: the entry point and the options. LUKS headers are
 * read and written here, in the tool; only the resulting crypt table goes
 * to ulvmd, as cryptsetup hands its table to the kernel. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../commands.h"
#include "cryptsetup.h"
#include "util/error.h"
#include "util/parse.h"

static const struct cs_action actions[] = {
#define CS_ACTION(name, fn, min, max, usage) {#name, fn, min, max, usage},
#include "commands.def"
#undef CS_ACTION
};

#define NUM_ACTIONS (sizeof(actions) / sizeof(actions[0]))

enum {
	OPT_TYPE = 256,
	OPT_ALLOW_DISCARDS,
	OPT_SECTOR_SIZE,
	OPT_PBKDF,
	OPT_PBKDF_ITER,
	OPT_PBKDF_MEMORY,
	OPT_PBKDF_PARALLEL,
	OPT_DUMP_KEY,
	OPT_UUID,
	OPT_LABEL,
	OPT_TEST_PASS,
	OPT_KEYFILE_SIZE,
	OPT_VERSION,
	OPT_HELP,
};

static const struct option long_options[] = {
    {"type", required_argument, NULL, 'M'},
    {"key-file", required_argument, NULL, 'd'},
    {"keyfile-size", required_argument, NULL, 'l'},
    {"readonly", no_argument, NULL, 'r'},
    {"allow-discards", no_argument, NULL, OPT_ALLOW_DISCARDS},
    {"cipher", required_argument, NULL, 'c'},
    {"hash", required_argument, NULL, 'h'},
    {"key-size", required_argument, NULL, 's'},
    {"sector-size", required_argument, NULL, OPT_SECTOR_SIZE},
    {"iter-time", required_argument, NULL, 'i'},
    {"pbkdf", required_argument, NULL, OPT_PBKDF},
    {"pbkdf-force-iterations", required_argument, NULL, OPT_PBKDF_ITER},
    {"pbkdf-memory", required_argument, NULL, OPT_PBKDF_MEMORY},
    {"pbkdf-parallel", required_argument, NULL, OPT_PBKDF_PARALLEL},
    {"batch-mode", no_argument, NULL, 'q'},
    {"dump-volume-key", no_argument, NULL, OPT_DUMP_KEY},
    {"dump-master-key", no_argument, NULL, OPT_DUMP_KEY},
    {"key-slot", required_argument, NULL, 'S'},
    {"uuid", required_argument, NULL, OPT_UUID},
    {"label", required_argument, NULL, OPT_LABEL},
    {"test-passphrase", no_argument, NULL, OPT_TEST_PASS},
    {"offset", required_argument, NULL, 'o'},
    {"skip", required_argument, NULL, 'p'},
    {"size", required_argument, NULL, 'b'},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, OPT_HELP},
    {"version", no_argument, NULL, OPT_VERSION},
    {NULL, 0, NULL, 0},
};

int cs_error(int status, const char *fmt, ...)
{
	va_list ap;

	fputs("cryptsetup: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return status;
}

int cs_fail(int err)
{
	int status = err == -EPERM					   ? CS_EPERM
		     : err == -ENOMEM					   ? CS_ENOMEM
		     : err == -ENOENT || err == -ENODEV || err == -ENOTBLK ? CS_ENODEV
		     : err == -EBUSY || err == -EEXIST			   ? CS_EEXIST
									   : CS_EINVAL;

	return cs_error(status, "%s", err_msg());
}

bool cs_confirm(const struct cs_opts *o, const char *question)
{
	char line[16];

	if (o->batch)
		return true;
	fprintf(stderr,
		"\nWARNING!\n========\n%s\n\nAre you sure? (Type 'yes' in capital letters): ",
		question);
	fflush(stderr);
	return fgets(line, sizeof(line), stdin) && !strcmp(line, "YES\n");
}

static int opt_u32(const char *name, const char *arg, uint32_t *out)
{
	if (parse_u32(arg, out))
		return err_set(EINVAL, "invalid value '%s' for --%s", arg, name);
	return 0;
}

static int opt_u64(const char *name, const char *arg, uint64_t *out)
{
	if (parse_u64(arg, out))
		return err_set(EINVAL, "invalid value '%s' for --%s", arg, name);
	return 0;
}

static int parse_one(int c, const char *arg, struct cs_opts *o)
{
	uint32_t slot;

	switch (c) {
	case 'M':
		o->type = arg;
		return 0;
	case 'd':
		o->key_file = arg;
		return 0;
	case 'l':
		return opt_u64("keyfile-size", arg, &o->keyfile_size);
	case 'r':
		o->readonly = true;
		return 0;
	case OPT_ALLOW_DISCARDS:
		o->allow_discards = true;
		return 0;
	case 'c':
		o->cipher = arg;
		return 0;
	case 'h':
		o->hash = arg;
		return 0;
	case 's':
		return opt_u32("key-size", arg, &o->key_size);
	case OPT_SECTOR_SIZE:
		return opt_u32("sector-size", arg, &o->sector_size);
	case 'i':
		return opt_u32("iter-time", arg, &o->iter_time);
	case OPT_PBKDF:
		o->pbkdf = arg;
		return 0;
	case OPT_PBKDF_ITER:
		return opt_u32("pbkdf-force-iterations", arg, &o->pbkdf_iterations);
	case OPT_PBKDF_MEMORY:
		return opt_u32("pbkdf-memory", arg, &o->pbkdf_memory);
	case OPT_PBKDF_PARALLEL:
		return opt_u32("pbkdf-parallel", arg, &o->pbkdf_parallel);
	case 'q':
		o->batch = true;
		return 0;
	case OPT_DUMP_KEY:
		o->dump_volume_key = true;
		return 0;
	case 'S':
		if (opt_u32("key-slot", arg, &slot) || slot >= LUKS_SLOTS_MAX)
			return err_set(EINVAL, "invalid key slot '%s'", arg);
		o->key_slot = (int)slot;
		return 0;
	case OPT_UUID:
		o->uuid = arg;
		return 0;
	case OPT_LABEL:
		o->label = arg;
		return 0;
	case OPT_TEST_PASS:
		o->test_passphrase = true;
		return 0;
	case 'o':
		return opt_u64("offset", arg, &o->offset);
	case 'p':
		return opt_u64("skip", arg, &o->skip);
	case 'b':
		return opt_u64("size", arg, &o->size);
	case 'v':
		o->verbose = true;
		return 0;
	case OPT_VERSION:
		o->version = true;
		return 0;
	case OPT_HELP:
		o->help = true;
		return 0;
	default:
		return err_set(EINVAL, "unknown option");
	}
}

int cs_parse_options(int argc, char **argv, struct cs_opts *o, int *first)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->key_slot = -1;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "M:d:l:rc:h:s:i:qS:o:p:b:vy", long_options, NULL)) !=
	       -1) {
		if (c == '?')
			return err_set(EINVAL, "unknown option or missing value '%s'",
				       argv[optind - 1]);
		if (c == 'y')
			continue; /* --verify-passphrase: prompts verify on a terminal anyway */
		if (parse_one(c, optarg, o))
			return -EINVAL;
	}
	*first = optind;
	return 0;
}

static void usage(FILE *out)
{
	fprintf(out, "Usage: cryptsetup [OPTION...] <action> <action-specific>\n\n"
		     "<action> is one of:\n");
	for (size_t i = 0; i < NUM_ACTIONS; i++)
		fprintf(out, "\t%s %s\n", actions[i].name, actions[i].usage);
	fprintf(out, "\nulvm: mappings are served by ulvmd ($ULVM_RUN_DIR/control).\n");
}

int cmd_cryptsetup(int argc, char **argv)
{
	struct cs_opts o;
	int first;

	err_clear();
	if (cs_parse_options(argc, argv, &o, &first))
		return cs_error(CS_EINVAL, "%s", err_msg());
	if (o.version) {
		printf("cryptsetup 2.6.1 (ulvm %s)\n", ULVM_VERSION);
		return 0;
	}
	if (o.help || first >= argc) {
		usage(o.help ? stdout : stderr);
		return o.help ? 0 : CS_EINVAL;
	}
	for (size_t i = 0; i < NUM_ACTIONS; i++) {
		const struct cs_action *a = &actions[i];
		int nargs = argc - first - 1;

		if (strcmp(a->name, argv[first]))
			continue;
		if (nargs < a->min_args || nargs > a->max_args)
			return cs_error(CS_EINVAL, "%s: wrong number of arguments (usage: %s %s)",
					a->name, a->name, a->usage);
		struct cs_ctx ctx = {.o = &o, .argc = nargs, .argv = argv + first + 1};
		return a->fn(&ctx);
	}
	return cs_error(CS_EINVAL, "unknown action '%s'", argv[first]);
}
