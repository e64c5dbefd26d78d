#include "log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *log_file;
static const char *log_prefix = "ulvm";
static bool log_debug_on;

void log_to_file(const char *path)
{
	FILE *f = fopen(path, "ae");

	if (!f)
		return;
	setvbuf(f, NULL, _IOLBF, 0);
	pthread_mutex_lock(&log_lock);
	if (log_file)
		fclose(log_file);
	log_file = f;
	pthread_mutex_unlock(&log_lock);
}

int log_file_fd(void)
{
	int fd;

	pthread_mutex_lock(&log_lock);
	fd = log_file ? fileno(log_file) : -1;
	pthread_mutex_unlock(&log_lock);
	return fd;
}

void log_set_prefix(const char *prefix)
{
	log_prefix = prefix;
}

void log_set_debug(bool on)
{
	log_debug_on = on;
}

static void log_line(const char *level, const char *fmt, va_list ap)
{
	char text[2048];
	FILE *out;

	/* Formatted first, outside the lock (and gcc's sanitizer builds see
	 * no unchecked format path). */
	if (!fmt || vsnprintf(text, sizeof(text), fmt, ap) < 0)
		return;

	pthread_mutex_lock(&log_lock);
	out = log_file ? log_file : stderr;
	if (log_file) {
		char stamp[32];
		time_t t = time(NULL);
		struct tm tm;
		strftime(stamp, sizeof(stamp), "%F %T", localtime_r(&t, &tm));
		fprintf(out, "%s ", stamp);
	}
	fprintf(out, "%s: %s%s\n", log_prefix, level, text);
	pthread_mutex_unlock(&log_lock);
}

#define LOG_FN(fn, level, cond)                                                                    \
	void fn(const char *fmt, ...)                                                              \
	{                                                                                          \
		va_list ap;                                                                        \
		if (!(cond))                                                                       \
			return;                                                                    \
		va_start(ap, fmt);                                                                 \
		log_line(level, fmt, ap);                                                          \
		va_end(ap);                                                                        \
	}

LOG_FN(log_error, "error: ", 1)
LOG_FN(log_warn, "warning: ", 1)
LOG_FN(log_info, "", 1)
LOG_FN(log_debug, "debug: ", log_debug_on)
