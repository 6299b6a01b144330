#include "base/log.h"
#include "base/json.h"
#include "base/url.h"

#include <fcntl.h>
#include <stdlib.h>
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

	if (!log || (!log->sink && !log->sink_fields)) {
		return;
	}
	/* Credentials masked in the whole line, before any cut. */
	bg_vformat_masked(message, BG_LOG_MAX, fmt, ap);
	n = (int) strlen(message);
	if (step && ctx) {
		bg_format_duration(took, sizeof(took), ctx->duration_ms);
		snprintf(message + n, sizeof(message) - (size_t) n, " (%s)", took);
	}
	if (!ctx) {
		ctx = &none;
	}
	if (log->sink_fields) {
		const char *slash = log->release ? strrchr(log->release, '/') : NULL;
		bg_log_fields f = { ctx->step, ctx->duration_ms, ctx->commit, ctx->port,
			slash && slash[1] ? slash + 1 : log->release, log->error };

		log->sink_fields(log->data, level, message, &f);
		return;
	}
	log->sink(log->data, level, message, ctx);
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

void bg_log_time(char *buf, unsigned long size)
{
	struct timespec ts;
	struct tm tm;
	char secs[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(secs, sizeof(secs), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, size, "%s.%03ldZ", secs, ts.tv_nsec / 1000000);
}

static void key_str(bg_json_writer *w, const char *key, const char *s)
{
	bg_jw_key(w, key);
	bg_jw_string(w, s);
}

char *bg_log_json_line(bg_log_level level, const char *message, const bg_log_fields *f)
{
	bg_json_writer w;
	char stamp[40], *out = NULL;
	size_t len;

	bg_log_time(stamp, sizeof(stamp));
	bg_jw_init_compact(&w);
	bg_jw_object_begin(&w);
	key_str(&w, "time", stamp);
	key_str(&w, "level", bg_log_level_name(level));
	key_str(&w, "message", message);
	key_str(&w, "step", f->step);
	bg_jw_key(&w, "duration_ms");
	if (f->duration_ms >= 0) {
		bg_jw_int(&w, (long long) (f->duration_ms + 0.5));
	} else {
		bg_jw_null(&w);
	}
	key_str(&w, "commit", f->commit);
	key_str(&w, "release", f->release);
	bg_jw_key(&w, "port");
	if (f->port) {
		bg_jw_int(&w, f->port);
	} else {
		bg_jw_null(&w);
	}
	key_str(&w, "error", f->error);
	bg_jw_object_end(&w);
	if (bg_jw_finish(&w, &out, &len) < 0) {
		return NULL;
	}
	return out;
}

/* Appends one line, opening the file for it (a rotated file is followed, no
 * descriptor stays open); one write() per line: O_APPEND keeps concurrent
 * writers' lines whole. */
static void append_line(const char *path, const char *line, size_t len)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);

	if (fd < 0) {
		return;
	}
	if (write(fd, line, len) < 0) {
		/* Nowhere left to report a failing log; dropping the line is all we can do. */
	}
	close(fd);
}

void bg_log_json_file_sink(void *path, bg_log_level level, const char *message,
	const bg_log_fields *f)
{
	char *line = bg_log_json_line(level, message, f);

	if (line) {
		append_line((const char *) path, line, strlen(line));
		free(line);
	}
}

void bg_log_file_sink(void *path, bg_log_level level, const char *message,
	const bg_log_ctx *ctx)
{
	char line[8400];
	char stamp[32];
	struct tm tm;
	time_t now = time(NULL);
	int len;

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
	append_line((const char *) path, line, (size_t) len);
}
