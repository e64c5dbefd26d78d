/* Parsing of dm-crypt cipher specifications, with the kernel's grammar and
 * defaults (a bare cipher name is cbc-plain; every chaining mode but ecb
 * needs an IV mode). */
#include "crypto/cipher_spec.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct {
	const char *name;
	enum iv_mode mode;
} iv_modes[] = {
    {"plain", IV_PLAIN}, {"plain64", IV_PLAIN64}, {"plain64be", IV_PLAIN64BE},
    {"essiv", IV_ESSIV}, {"benbi", IV_BENBI},	  {"null", IV_NULL},
};

/* IV modes the kernel has and ulvm does not (they need per-sector data or
 * integrity metadata): named as unsupported rather than unknown. */
static const char *const iv_unsupported[] = {"lmk", "tcw", "random", "eboiv", "elephant"};

__attribute__((format(printf, 3, 4))) static int spec_fail(char *why, size_t size, const char *fmt,
							   ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, size, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

const char *iv_mode_name(enum iv_mode mode)
{
	for (size_t i = 0; i < sizeof(iv_modes) / sizeof(iv_modes[0]); i++)
		if (iv_modes[i].mode == mode)
			return iv_modes[i].name;
	return "";
}

static int copy_word(char *dst, const char *src, const char *what, char *why, size_t size)
{
	if (!*src || strlen(src) >= CIPHER_NAME_MAX)
		return spec_fail(why, size, "invalid %s '%s'", what, src);
	strcpy(dst, src);
	return 0;
}

static int parse_ivmode(struct cipher_spec *spec, const char *ivmode, const char *ivopts, char *why,
			size_t size)
{
	size_t i;

	if (!ivmode) {
		spec->ivmode = IV_NONE;
		return 0;
	}
	for (i = 0; i < sizeof(iv_modes) / sizeof(iv_modes[0]); i++)
		if (!strcmp(ivmode, iv_modes[i].name))
			break;
	if (i == sizeof(iv_modes) / sizeof(iv_modes[0])) {
		for (size_t j = 0; j < sizeof(iv_unsupported) / sizeof(iv_unsupported[0]); j++)
			if (!strcmp(ivmode, iv_unsupported[j]))
				return spec_fail(why, size, "unsupported iv mode '%s'", ivmode);
		return spec_fail(why, size, "invalid iv mode '%s'", ivmode);
	}
	spec->ivmode = iv_modes[i].mode;
	if (spec->ivmode == IV_ESSIV) {
		if (!ivopts || !*ivopts)
			return spec_fail(why, size, "digest algorithm missing for essiv mode");
		return copy_word(spec->ivopts, ivopts, "essiv digest", why, size);
	}
	return 0;
}

/* capi:chainmode(cipher)-ivmode[:ivopts] */
static int parse_capi(char *tmp, struct cipher_spec *spec, char *why, size_t size)
{
	char *ivopts = strrchr(tmp, ':');
	char *ivmode, *open, *close;

	if (ivopts)
		*ivopts++ = '\0';
	ivmode = strrchr(tmp, '-');
	if (ivmode)
		*ivmode++ = '\0';
	open = strchr(tmp, '(');
	close = strrchr(tmp, ')');
	if (!open || !close || close[1] || close < open || strchr(open + 1, '('))
		return spec_fail(why, size, "unsupported crypto api spec '%s'", tmp);
	*open = *close = '\0';
	if (copy_word(spec->chainmode, tmp, "chaining mode", why, size) ||
	    copy_word(spec->cipher, open + 1, "cipher", why, size))
		return -EINVAL;
	if (!ivmode && strcmp(spec->chainmode, "ecb"))
		return spec_fail(why, size, "iv mechanism required");
	return parse_ivmode(spec, ivmode, ivopts, why, size);
}

/* cipher[:keycount]-chainmode-ivmode[:ivopts] */
static int parse_legacy(char *tmp, struct cipher_spec *spec, char *why, size_t size)
{
	char *keycount = strsep(&tmp, "-");
	char *cipher = strsep(&keycount, ":");
	char *chainmode = strsep(&tmp, "-");
	char *ivmode = strsep(&tmp, ":");
	char *ivopts = tmp;

	if (keycount && strcmp(keycount, "1"))
		return spec_fail(why, size, "unsupported key count '%s'", keycount);
	if (!chainmode || (!strcmp(chainmode, "plain") && !ivmode)) {
		chainmode = "cbc";
		ivmode = "plain";
	}
	if (strcmp(chainmode, "ecb") && !ivmode)
		return spec_fail(why, size, "iv mechanism required");
	if (copy_word(spec->cipher, cipher, "cipher", why, size) ||
	    copy_word(spec->chainmode, chainmode, "chaining mode", why, size))
		return -EINVAL;
	return parse_ivmode(spec, ivmode, ivopts, why, size);
}

int cipher_spec_parse(const char *text, struct cipher_spec *spec, char *why, size_t why_size)
{
	char buf[128];

	memset(spec, 0, sizeof(*spec));
	if (!*text || strlen(text) >= sizeof(buf))
		return spec_fail(why, why_size, "invalid cipher specification '%s'", text);
	strcpy(buf, text);
	if (!strncmp(buf, "capi:", 5))
		return parse_capi(buf + 5, spec, why, why_size);
	if (strchr(buf, '('))
		return spec_fail(why, why_size, "invalid cipher specification '%s'", text);
	return parse_legacy(buf, spec, why, why_size);
}
