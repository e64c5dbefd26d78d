/* Option parsing for the LVM commands, driven by args.def and the option
 * list of each command in commands.def (LVM2's args.h model): any option
 * may come anywhere among the operands; "--" ends the options. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lvm.h"
#include "lvm_int.h"
#include "metadata/metadata.h"
#include "report/units.h"
#include "util/parse.h"

const struct lvm_arg_def lvm_arg_defs[LVM_ARG_COUNT] = {
#define LVM_ARG(id, lname, sname, type, repeat) {lname, sname, type, repeat},
#include "args.def"
#undef LVM_ARG
};

static const enum lvm_arg_id common_args[] = {LVM_COMMON_ARGS, LVM_ARG_COUNT};

bool lvm_cmd_takes(const struct lvm_command *cmd, enum lvm_arg_id id)
{
	for (const enum lvm_arg_id *a = common_args; *a != LVM_ARG_COUNT; a++)
		if (*a == id)
			return true;
	for (const enum lvm_arg_id *a = cmd->args; *a != LVM_ARG_COUNT; a++)
		if (*a == id)
			return true;
	return false;
}

/* The option of `cmd` with this long name (underscores count as hyphens,
 * as LVM2 allows) or short letter; LVM_ARG_COUNT when none. */
static enum lvm_arg_id find_long(const struct lvm_command *cmd, const char *name, size_t len)
{
	for (int id = 0; id < LVM_ARG_COUNT; id++) {
		const char *l = lvm_arg_defs[id].lname;
		if (strlen(l) != len || !lvm_cmd_takes(cmd, (enum lvm_arg_id)id))
			continue;
		size_t i = 0;
		while (i < len && (name[i] == l[i] || (name[i] == '_' && l[i] == '-')))
			i++;
		if (i == len)
			return (enum lvm_arg_id)id;
	}
	return LVM_ARG_COUNT;
}

static enum lvm_arg_id find_short(const struct lvm_command *cmd, char c)
{
	for (int id = 0; id < LVM_ARG_COUNT; id++)
		if (lvm_arg_defs[id].sname == c && lvm_cmd_takes(cmd, (enum lvm_arg_id)id))
			return (enum lvm_arg_id)id;
	return LVM_ARG_COUNT;
}

/* Multiplier in sectors of unit letter `u` (0 when not a unit); b is a
 * byte and gives a fraction, handled by the caller. */
static uint64_t unit_sectors(char u)
{
	switch (tolower((unsigned char)u)) {
	case 's':
		return 1;
	case 'k':
		return 2;
	case 'm':
		return 2ull << 10;
	case 'g':
		return 2ull << 20;
	case 't':
		return 2ull << 30;
	case 'p':
		return 2ull << 40;
	case 'e':
		return 2ull << 50;
	}
	return 0;
}

int lvm_parse_size(const char *s, char default_unit, uint64_t *sectors, char *sign)
{
	char *end;
	*sign = 0;
	if (*s == '+' || *s == '-')
		*sign = *s++;
	if (!isdigit((unsigned char)*s) && *s != '.')
		return -EINVAL;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || v < 0)
		return -EINVAL;
	char u = *end ? *end++ : default_unit;
	if (*end)
		return -EINVAL;
	if (u == 'b' || u == 'B') {
		*sectors = (uint64_t)(v / 512.0);
		return 0;
	}
	uint64_t mul = unit_sectors(u);
	if (!mul || v * (double)mul > 1.8e19)
		return -EINVAL;
	*sectors = (uint64_t)(v * (double)mul);
	return 0;
}

static int parse_extents(const char *s, struct lvm_arg_value *v)
{
	static const struct {
		const char *suffix;
		enum lvm_percent p;
	} kinds[] = {{"%VG", PERCENT_VG},
		     {"%FREE", PERCENT_FREE},
		     {"%PVS", PERCENT_PVS},
		     {"%ORIGIN", PERCENT_ORIGIN}};
	char buf[64];
	if (*s == '+' || *s == '-')
		v->sign = *s++;
	snprintf(buf, sizeof(buf), "%s", s);
	char *pct = strchr(buf, '%');
	v->percent = PERCENT_NONE;
	if (pct) {
		size_t k;
		for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
			if (!strcasecmp(pct, kinds[k].suffix))
				break;
		if (k == sizeof(kinds) / sizeof(kinds[0]))
			return -EINVAL;
		v->percent = kinds[k].p;
		*pct = 0;
	}
	return parse_u64(buf, &v->num);
}

static int parse_choice(const char *s, const char *const *words, uint64_t *out)
{
	for (unsigned i = 0; words[i]; i++)
		if (!strcmp(s, words[i])) {
			*out = i;
			return 0;
		}
	return -EINVAL;
}

/* Converts the text of one value by the option's type. */
static int parse_value(enum lvm_val type, const char *s, struct lvm_arg_value *v)
{
	static const char *const bools[] = {"n", "y", NULL};
	static const char *const perms[] = {"r", "rw", NULL};
	enum alloc_policy p;
	int r;

	v->sign = 0;
	switch (type) {
	case VAL_NONE:
	case VAL_STRING:
		return 0;
	case VAL_NUMBER:
		if (*s == '+' || *s == '-')
			v->sign = *s++;
		return parse_u64(s, &v->num);
	case VAL_SIZE_MB:
		return lvm_parse_size(s, 'm', &v->num, &v->sign);
	case VAL_SIZE_KB:
		return lvm_parse_size(s, 'k', &v->num, &v->sign);
	case VAL_EXTENTS:
		return parse_extents(s, v);
	case VAL_BOOL:
		return parse_choice(s, bools, &v->num);
	case VAL_ACTIVATE:
		if ((r = parse_choice(s, bools, &v->num)) == 0)
			return 0;
		if (strlen(s) == 2 && strchr("aesl", s[0]) && (s[1] == 'y' || s[1] == 'n')) {
			v->num = s[1] == 'y';
			return 0;
		}
		return -EINVAL;
	case VAL_ALLOC:
		if ((r = alloc_policy_parse(s, &p)) < 0)
			return r;
		v->num = (uint64_t)p;
		return 0;
	case VAL_PERMISSION:
		return parse_choice(s, perms, &v->num);
	case VAL_UNITS:
		return 0; /* checked once all options are read (lvm_parse_args) */
	}
	return -EINVAL;
}

/* Records one occurrence of option `id` with value `val` (NULL for flags). */
static int set_arg(struct lvm_ctx *ctx, enum lvm_arg_id id, const char *val)
{
	const struct lvm_arg_def *d = &lvm_arg_defs[id];
	struct lvm_arg_value *v = &ctx->args[id];

	if (val && parse_value(d->type, val, v) < 0) {
		lvm_error("Invalid argument for --%s: %s", d->lname, val);
		return -EINVAL;
	}
	v->count++;
	v->str = val;
	if (d->repeat) {
		const char **l = arena_alloc(&ctx->arena, (v->count + 1) * sizeof(*l));
		for (unsigned i = 0; i + 1 < v->count; i++)
			l[i] = v->list[i];
		l[v->count - 1] = val;
		v->list = l;
	}
	return 0;
}

static int parse_long(struct lvm_ctx *ctx, int argc, char **argv, int *i)
{
	const char *name = argv[*i] + 2, *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	enum lvm_arg_id id = find_long(ctx->cmd, name, len);

	if (id == LVM_ARG_COUNT) {
		lvm_error("%s: unrecognized option '%s'", ctx->cmd->name, argv[*i]);
		return -EINVAL;
	}
	if (lvm_arg_defs[id].type == VAL_NONE) {
		if (eq) {
			lvm_error("%s: option '--%s' doesn't allow an argument", ctx->cmd->name,
				  lvm_arg_defs[id].lname);
			return -EINVAL;
		}
		return set_arg(ctx, id, NULL);
	}
	if (eq)
		return set_arg(ctx, id, eq + 1);
	if (*i + 1 >= argc) {
		lvm_error("%s: option '--%s' requires an argument", ctx->cmd->name,
			  lvm_arg_defs[id].lname);
		return -EINVAL;
	}
	return set_arg(ctx, id, argv[++*i]);
}

static int parse_shorts(struct lvm_ctx *ctx, int argc, char **argv, int *i)
{
	for (const char *p = argv[*i] + 1; *p; p++) {
		enum lvm_arg_id id = find_short(ctx->cmd, *p);
		if (id == LVM_ARG_COUNT) {
			lvm_error("%s: invalid option -- '%c'", ctx->cmd->name, *p);
			return -EINVAL;
		}
		if (lvm_arg_defs[id].type == VAL_NONE) {
			if (set_arg(ctx, id, NULL) < 0)
				return -EINVAL;
			continue;
		}
		if (p[1])
			return set_arg(ctx, id, p + 1);
		if (*i + 1 >= argc) {
			lvm_error("%s: option requires an argument -- '%c'", ctx->cmd->name, *p);
			return -EINVAL;
		}
		return set_arg(ctx, id, argv[++*i]);
	}
	return 0;
}

int lvm_parse_args(struct lvm_ctx *ctx, int argc, char **argv)
{
	char **ops = arena_alloc(&ctx->arena, (size_t)(argc + 1) * sizeof(*ops));
	int n = 0, r = 0;
	bool done = false;

	for (int i = 1; i < argc && r == 0; i++) {
		const char *a = argv[i];
		if (done || a[0] != '-' || !a[1])
			ops[n++] = argv[i];
		else if (!strcmp(a, "--"))
			done = true;
		else if (a[1] == '-')
			r = parse_long(ctx, argc, argv, &i);
		else
			r = parse_shorts(ctx, argc, argv, &i);
	}
	ctx->argc = n;
	ctx->argv = ops;
	/* LVM2 checks --units (a letter, or a multiple as "4m") after the
	 * parse, with its own message. */
	struct units u;
	if (r == 0 && lvm_has(ctx, ARG_units) && units_parse(lvm_str(ctx, ARG_units, ""), &u) < 0) {
		lvm_error("Invalid units specification");
		lvm_error("Run `%s --help' for more information.", ctx->cmd->name);
		r = -EINVAL;
	}
	return r;
}

/* The "[ -x|--name VALUE ]" of one option, for usage texts. */
static void print_option(FILE *out, enum lvm_arg_id id)
{
	const struct lvm_arg_def *d = &lvm_arg_defs[id];
	static const char *const vnames[] = {
	    [VAL_NONE] = "",
	    [VAL_STRING] = " String",
	    [VAL_NUMBER] = " Number",
	    [VAL_SIZE_MB] = " Size[m|UNIT]",
	    [VAL_SIZE_KB] = " Size[k|UNIT]",
	    [VAL_EXTENTS] = " Number[PERCENT]",
	    [VAL_BOOL] = " y|n",
	    [VAL_ACTIVATE] = " y|n|ay",
	    [VAL_ALLOC] = " contiguous|cling|cling_by_tags|normal|anywhere|inherit",
	    [VAL_PERMISSION] = " rw|r",
	    [VAL_UNITS] = " r|R|h|H|b|B|s|S|k|K|m|M|g|G|t|T|p|P|e|E",
	};
	if (d->sname)
		fprintf(out, "\t[ -%c|--%s%s ]\n", d->sname, d->lname, vnames[d->type]);
	else
		fprintf(out, "\t[    --%s%s ]\n", d->lname, vnames[d->type]);
}

void lvm_usage(const struct lvm_command *cmd, FILE *out)
{
	fprintf(out, "  %s - %s\n\n  %s %s\n", cmd->name, cmd->help, cmd->name, cmd->usage);
	for (const enum lvm_arg_id *a = cmd->args; *a != LVM_ARG_COUNT; a++)
		print_option(out, *a);
	fprintf(out, "\n  Common options for lvm:\n");
	for (const enum lvm_arg_id *a = common_args; *a != LVM_ARG_COUNT; a++)
		print_option(out, *a);
	fprintf(out, "\n");
}
