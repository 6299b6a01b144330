#include "base/log.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* BG_LOG_MAX bytes of message, " (<duration>)" appended when `step`. */
#define BG_LOG_MAX 8192

static void bg_vlog(const bg_logger *log, bg_log_level level, const bg_log_ctx *ctx, int step,
	const char *fmt, va_list ap)
{
	char message[BG_LOG_MAX + 40], took[32];
	bg_log_ctx none = { NULL, -1, NULL, 0 };
	int n;

	if (!log || !log->sink) {
		return;
	}
	n = vsnprintf(message, BG_LOG_MAX, fmt, ap);
	if (step && ctx) {
		n = n < 0 ? 0 : n >= BG_LOG_MAX ? BG_LOG_MAX - 1 : n;
		bg_format_duration(took, sizeof(took), ctx->duration_ms);
		snprintf(message + n, sizeof(message) - (size_t) n, " (%s)", took);
	}
	log->sink(log->data, level, message, ctx ? ctx : &none);
}

void bg_log(const bg_logger *log, bg_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	bg_vlog(log, level, NULL, 0, fmt, ap);
	va_end(ap);
}

void bg_log_with(const bg_logger *log, bg_log_level level, const bg_log_ctx *ctx,
	const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	bg_vlog(log, level, ctx, 0, fmt, ap);
	va_end(ap);
}

void bg_log_step(const bg_logger *log, bg_log_level level, const bg_log_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	bg_vlog(log, level, ctx, 1, fmt, ap);
	va_end(ap);
}

void bg_format_duration(char *buf, unsigned long size, double ms)
{
	if (ms < 1000) {
		snprintf(buf, size, "%.0f ms", ms);
	} else {
		snprintf(buf, size, "%.1f s", ms / 1000);
	}
}

const char *bg_log_level_name(bg_log_level level)
{
	switch (level) {
	case BG_LOG_DEBUG: return "debug";
	case BG_LOG_INFO: return "info";
	case BG_LOG_WARNING: return "warning";
	case BG_LOG_ERROR: return "error";
	}
	return "info";
}

void bg_log_file_sink(void *path, bg_log_level level, const char *message,
	const bg_log_ctx *ctx)
{
	char line[8400];
	char stamp[32];
	struct tm tm;
	time_t now = time(NULL);
	int fd, len;

	(void) ctx;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	len = snprintf(line, sizeof(line), "%s %s: %s\n", stamp, bg_log_level_name(level), message);
	if (len < 0) {
		return;
	}
	if ((size_t) len >= sizeof(line)) {
		len = sizeof(line) - 1;
		line[len - 1] = '\n';
	}
	fd = open((const char *) path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0) {
		return;
	}
	/* One write() per line: O_APPEND keeps concurrent writers' lines whole. */
	if (write(fd, line, (size_t) len) < 0) {
		/* Nowhere left to report a failing log; dropping the line is all we can do. */
	}
	close(fd);
}
