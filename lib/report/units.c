/* LVM2's size display (see units.h for the rules). */
#include "units.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

#define KIB UINT64_C(1024)
#define KB  UINT64_C(1000)

/* Bytes per unit for one letter; 0 when the letter is no unit. */
static uint64_t letter_factor(char c)
{
	static const char bin[] = "kmgtpe", dec[] = "KMGTPE";
	const char *p;
	uint64_t f = 1;

	switch (c) {
	case 'h':
	case 'H':
	case 'r':
	case 'R':
	case 'b':
	case 'B':
		return 1;
	case 's':
	case 'S':
		return 512;
	}
	if (c && (p = strchr(bin, c)))
		for (long i = 0; i <= p - bin; i++)
			f *= KIB;
	else if (c && (p = strchr(dec, c)))
		for (long i = 0; i <= p - dec; i++)
			f *= KB;
	else
		return 0;
	return f;
}

int units_parse(const char *arg, struct units *u)
{
	const char *s = arg;
	uint64_t mult = 1;
	double custom = 0;
	char *end;

	if (isdigit((unsigned char)*s)) {
		custom = strtod(s, &end);
		mult = strtoull(s, NULL, 10);
		/* An integral multiple is computed exactly. */
		double diff = (double)mult - custom;
		if (diff < DBL_EPSILON && diff > -DBL_EPSILON)
			custom = 0;
		s = end;
	}
	/* One letter exactly, as LVM2's strict mode. */
	if (!s[0] || s[1] || !letter_factor(s[0]))
		return err_set(EINVAL, "invalid units specification");
	/* LVM2 keeps the letter when the whole part is 1 ("1.5m" prints
	 * "192.00m" for 288 MiB) and shows 'U' for any other multiple. */
	u->type = mult == 1 ? s[0] : 'U';
	if (strchr("hHrR", s[0])) {
		u->type = s[0];
		u->factor = 1;
		return 0;
	}
	u->factor = custom != 0 ? (uint64_t)(custom * (double)letter_factor(s[0]))
				: mult * letter_factor(s[0]);
	return u->factor ? 0 : err_set(EINVAL, "invalid units specification"); /* "0m" */
}

uint64_t units_factor_prefix(const char *s, const char **end)
{
	uint64_t f = letter_factor(*s);

	if (!f || strchr("hHrR", *s))
		return 0;
	*end = s + 1;
	return f;
}

/* The suffix letter LVM2 shows for a unit type that is not human. */
static char unit_letter(char type)
{
	if (strchr("KMGTPE", type) || strchr("kmgtpe", type))
		return type;
	return (char)toupper((unsigned char)type); /* b B s S U */
}

/* LVM2's long suffixes (" MiB", " kB", " B"): *display commands. */
static const char *long_suffix(char letter)
{
	static const char bin[] = "kmgtpe", dec[] = "KMGTPE";
	static const char *const lbin[] = {" KiB", " MiB", " GiB", " TiB", " PiB", " EiB"};
	static const char *const ldec[] = {" kB", " MB", " GB", " TB", " PB", " EB"};
	const char *p;

	if ((p = strchr(bin, letter)))
		return lbin[p - bin];
	if ((p = strchr(dec, letter)))
		return ldec[p - dec];
	return letter == 'S' ? " Se" : letter == 'U' ? " Un" : " B ";
}

void units_format(const struct units *u, uint64_t sectors, char *buf, size_t size)
{
	units_format_form(u, sectors, false, buf, size);
}

static void format_form(const struct units *u, uint64_t sectors, bool long_form, char *buf,
			size_t size);

/* Memo of the last result: the LVs of a VG mostly share a few sizes, and
 * the floating-point formatting was a tenth of `lvs` of 10,000 LVs. */
void units_format_form(const struct units *u, uint64_t sectors, bool long_form, char *buf,
		       size_t size)
{
	static _Thread_local struct units last_u;
	static _Thread_local uint64_t last_sectors;
	static _Thread_local bool last_long, valid;
	static _Thread_local char last[64];

	if (valid && sectors == last_sectors && long_form == last_long && u->type == last_u.type &&
	    u->factor == last_u.factor && u->suffix == last_u.suffix && size <= sizeof(last)) {
		memcpy(buf, last, size);
		buf[size - 1] = 0;
		return;
	}
	format_form(u, sectors, long_form, buf, size);
	if (size <= sizeof(last)) {
		memcpy(last, buf, size);
		last_u = *u;
		last_sectors = sectors;
		last_long = long_form;
		valid = true;
	}
}

static void format_form(const struct units *u, uint64_t sectors, bool long_form, char *buf,
			size_t size)
{
	bool human = strchr("hHrR", u->type) != NULL;
	uint64_t bytes = sectors * 512, div;
	const char *prefix = "";
	char letter;

	if (!human) {
		letter = unit_letter(u->type);
		const char *sfx = !u->suffix  ? ""
				  : long_form ? long_suffix(letter)
					      : (char[2]){letter, 0};
		if (!sectors) {
			snprintf(buf, size, "0%s", sfx);
			return;
		}
		int prec = letter == 'B' || letter == 'S' ? 0 : 2;
		snprintf(buf, size, "%.*f%s", prec, (double)bytes / (double)u->factor, sfx);
		return;
	}
	/* Human forms always carry their suffix; zero's "suffix" is a blank. */
	if (!sectors) {
		snprintf(buf, size, "0%s", !u->suffix ? "" : long_form ? "   " : " ");
		return;
	}
	bool si = u->type == 'H' || u->type == 'R';
	uint64_t step = si ? KB : KIB;
	const char *letters = si ? "EPTGMKB" : "eptgmkb";
	unsigned s;

	div = step * step * step * step * step * step;
	for (s = 0; s < 6 && bytes < div; s++)
		div /= step;
	letter = letters[s];
	if (s < 6 && (u->type == 'r' || u->type == 'R')) {
		/* Mark values that two decimals would round up. */
		double d = 100. * (double)bytes / (double)div;
		uint64_t down = (uint64_t)d, near = (uint64_t)(d + 0.5);
		if (down != near)
			prefix = "<";
	}
	int prec = toupper((unsigned char)letter) == 'B' ? 0 : 2;
	snprintf(buf, size, "%s%.*f%s", prefix, prec, (double)bytes / (double)div,
		 long_form ? long_suffix(letter) : (char[2]){letter, 0});
}
