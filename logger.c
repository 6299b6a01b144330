/* Where the core's log lines go from PHP: a file (handled by the core), a
 * user callable(string $level, string $message, array $context), or PHP's
 * error_log. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "php.h"
#include "zend_exceptions.h"
#include "php_bluegreen.h"
#include "ext/json/php_json.h"

static void context_array(zval *ctx_zv, const bg_log_ctx *ctx)
{
	array_init(ctx_zv);
	if (ctx->step) {
		add_assoc_string(ctx_zv, "step", (char *) ctx->step);
	}
	if (ctx->duration_ms >= 0) {
		add_assoc_double(ctx_zv, "duration_ms", ctx->duration_ms);
	}
	if (ctx->commit) {
		add_assoc_string(ctx_zv, "commit", (char *) ctx->commit);
	}
	if (ctx->port) {
		add_assoc_long(ctx_zv, "port", ctx->port);
	}
}

/* A logger must not abort a deploy half-way: an exception thrown by the
 * callable is reported through error_log and dropped. Takes the context
 * array (ctx_zv) over. */
static void call_log_callable(php_bluegreen_releaser *r, bg_log_level level, const char *message, zval *ctx_zv)
{
	zval args[3], retval;
	zend_object *pending = EG(exception);

	if (pending) {
		/* Called while an exception is already on its way out: calling user
		 * code now is not allowed, so fall back to error_log. */
		php_log_err_with_severity((char *) message, LOG_NOTICE);
		zval_ptr_dtor(ctx_zv);
		return;
	}
	ZVAL_STRING(&args[0], bg_log_level_name(level));
	ZVAL_STRING(&args[1], message);
	ZVAL_COPY_VALUE(&args[2], ctx_zv);
	ZVAL_UNDEF(&retval);

	call_user_function(NULL, NULL, &r->log_callable, &retval, 3, args);

	zval_ptr_dtor(&retval);
	zval_ptr_dtor(&args[0]);
	zval_ptr_dtor(&args[1]);
	zval_ptr_dtor(&args[2]);

	if (EG(exception)) {
		zend_object *ex = EG(exception);
		zval rv;
		zend_string *what = zval_get_string(zend_read_property(
			zend_get_exception_base(ex), ex, "message", sizeof("message") - 1, 1, &rv));
		char *line;

		spprintf(&line, 0, "bluegreen: the log callable threw %s (%s); the line was: %s",
			ZSTR_VAL(ex->ce->name), ZSTR_VAL(what), message);
		zend_string_release(what);
		zend_clear_exception();
		php_log_err_with_severity(line, LOG_WARNING);
		efree(line);
	}
}

static void callable_sink(void *data, bg_log_level level, const char *message,
	const bg_log_ctx *ctx)
{
	zval ctx_zv;

	context_array(&ctx_zv, ctx);
	call_log_callable(data, level, message, &ctx_zv);
}

/* log_format 'json': the context is the file's JSON line, decoded (time,
 * level, message, step, duration_ms, commit, release, port, error). */
static void callable_fields_sink(void *data, bg_log_level level, const char *message,
	const bg_log_fields *f)
{
	char *line = bg_log_json_line(level, message, f);
	zval ctx_zv;

	ZVAL_UNDEF(&ctx_zv);
	if (!line || php_json_decode_ex(&ctx_zv, line, strlen(line), PHP_JSON_OBJECT_AS_ARRAY, 4) == FAILURE
		|| Z_TYPE(ctx_zv) != IS_ARRAY) {
		zval_ptr_dtor(&ctx_zv);
		array_init(&ctx_zv);
	}
	free(line);
	call_log_callable(data, level, message, &ctx_zv);
}

/* log_format 'json' without a log option: PHP's error_log gets the JSON line. */
static void error_log_fields_sink(void *data, bg_log_level level, const char *message,
	const bg_log_fields *f)
{
	char *line = bg_log_json_line(level, message, f);

	(void) data;
	if (line) {
		line[strcspn(line, "\n")] = '\0';
		php_log_err_with_severity(line, level >= BG_LOG_WARNING ? LOG_WARNING : LOG_NOTICE);
		free(line);
	}
}

static void error_log_sink(void *data, bg_log_level level, const char *message,
	const bg_log_ctx *ctx)
{
	char *line;

	(void) data;
	(void) ctx;
	spprintf(&line, 0, "bluegreen %s: %s", bg_log_level_name(level), message);
	php_log_err_with_severity(line, level >= BG_LOG_WARNING ? LOG_WARNING : LOG_NOTICE);
	efree(line);
}

void php_bluegreen_logger_init(php_bluegreen_releaser *r)
{
	r->core.log.sink_fields = NULL;
	if (r->core.opt.log_json) {
		r->core.log.sink = NULL;
		if (Z_TYPE(r->log_callable) != IS_UNDEF) {
			r->core.log.sink_fields = callable_fields_sink;
			r->core.log.data = r;
		} else if (r->core.opt.log_file) {
			r->core.log.sink_fields = bg_log_json_file_sink;
			r->core.log.data = r->core.opt.log_file;
		} else {
			r->core.log.sink_fields = error_log_fields_sink;
			r->core.log.data = NULL;
		}
		return;
	}
	if (Z_TYPE(r->log_callable) != IS_UNDEF) {
		r->core.log.sink = callable_sink;
		r->core.log.data = r;
	} else if (r->core.opt.log_file) {
		r->core.log.sink = bg_log_file_sink;
		r->core.log.data = r->core.opt.log_file;
	} else {
		r->core.log.sink = error_log_sink;
		r->core.log.data = NULL;
	}
}
