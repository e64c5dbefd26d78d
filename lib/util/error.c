#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local char message[ERR_MSG_MAX];
static _Thread_local int last_errnum;

int err_set(int errnum, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	last_errnum = errnum;
	return -errnum;
}

int err_default(int errnum, const char *fmt, ...)
{
	va_list ap;

	if (message[0])
		return -errnum;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	last_errnum = errnum;
	return -errnum;
}

void err_prefix(const char *fmt, ...)
{
	char prefix[ERR_MSG_MAX], old[ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	snprintf(old, sizeof(old), "%s", err_msg());
	/* Both halves fit ERR_MSG_MAX; the result is cut there if need be. */
	size_t plen = strnlen(prefix, sizeof(message) - 3);
	memcpy(message, prefix, plen);
	memcpy(message + plen, ": ", 2);
	size_t room = sizeof(message) - plen - 3;
	size_t olen = strnlen(old, room);
	memcpy(message + plen + 2, old, olen);
	message[plen + 2 + olen] = '\0';
}

const char *err_msg(void)
{
	if (message[0])
		return message;
	return strerror(last_errnum ? last_errnum : EIO);
}

void err_clear(void)
{
	message[0] = '\0';
	last_errnum = 0;
}
