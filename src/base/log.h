/* Logging for the core: one line per event, with a level and an optional
 * context (the pipeline step and its duration, the commit, the port).
 *
 * The core never decides where lines go: a bg_logger carries a sink function.
 * bg_log_file_sink() writes to a file; the glue provides the PHP sinks
 * (error_log, a user callable). */
#ifndef BG_LOG_H
#define BG_LOG_H

#include "base/clock.h"

typedef enum {
	BG_LOG_DEBUG = 0,
	BG_LOG_INFO,
	BG_LOG_WARNING,
	BG_LOG_ERROR
} bg_log_level;

typedef struct {
	const char *step;    /* "check", "prepare", ...; NULL if none */
	double duration_ms;  /* < 0 when not measured */
	const char *commit;  /* NULL if none */
	int port;            /* 0 if none */
} bg_log_ctx;

typedef void (*bg_log_sink)(void *data, bg_log_level level, const char *message,
	const bg_log_ctx *ctx);

/* Everything a line can say, for the structured sinks (log_format 'json'):
 * the context, plus the release the line is about and the error it reports. */
typedef struct {
	const char *step;    /* NULL if none */
	double duration_ms;  /* < 0 when not measured */
	const char *commit;  /* NULL if none */
	int port;            /* 0 if none */
	const char *release; /* the release directory's name, NULL if none */
	const char *error;   /* NULL if none */
} bg_log_fields;

typedef void (*bg_log_sink_fields)(void *data, bg_log_level level, const char *message,
	const bg_log_fields *f);

typedef struct {
	bg_log_sink sink;
	void *data;
	bg_log_sink_fields sink_fields; /* when set, called instead of sink */
	/* Set by the caller around what it logs, for sink_fields: */
	const char *release;  /* the release directory (a path) a deploy makes live */
	const char *error;    /* the error a failure's line reports */
} bg_logger;

void bg_log(const bg_logger *log, bg_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void bg_log_with(const bg_logger *log, bg_log_level level, const bg_log_ctx *ctx,
	const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* The line that ends a step: the message, then " (<duration>)" from
 * ctx->duration_ms, as every step states how long it took:
 * "prune: 5 release(s) kept, 1 removed (12 ms)". */
void bg_log_step(const bg_logger *log, bg_log_level level, const bg_log_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* "12 ms", "1.2 s": how every step states its duration. */
void bg_format_duration(char *buf, unsigned long size, double ms);

const char *bg_log_level_name(bg_log_level level);

/* A line as one JSON object (log_format 'json'), newline-terminated,
 * malloc'd: {"time","level","message","step","duration_ms","commit",
 * "release","port","error"}, absent ones null; NULL when out of memory. */
char *bg_log_json_line(bg_log_level level, const char *message, const bg_log_fields *f);

/* "2026-11-25T01:02:03.456Z": the time of a JSON line. */
void bg_log_time(char *buf, unsigned long size);

/* A sink whose data is a file path: appends
 * "2026-11-25T01:02:03Z info: message" to it, opening it for each line so that
 * a rotated file is followed and no descriptor stays open. */
void bg_log_file_sink(void *path, bg_log_level level, const char *message,
	const bg_log_ctx *ctx);

/* The same file, one bg_log_json_line() a line (log_format 'json'). */
void bg_log_json_file_sink(void *path, bg_log_level level, const char *message,
	const bg_log_fields *f);

#endif
