/* bluegreen: zero-downtime blue/green releases for EasySwoole services.
 *
 * The PHP face of the extension. Everything that deploys lives in src/, which
 * includes no Zend header; the files at the top level only turn PHP values
 * into C ones and C errors into exceptions. */
#ifndef PHP_BLUEGREEN_H
#define PHP_BLUEGREEN_H

#include "php.h"
/* The one core header the glue includes (tests/run.sh checks). */
#include "pipeline/releaser.h"

extern zend_module_entry bluegreen_module_entry;
#define phpext_bluegreen_ptr &bluegreen_module_entry

#define PHP_BLUEGREEN_VERSION "0.1.0"

#if defined(ZTS) && defined(COMPILE_DL_BLUEGREEN)
ZEND_TSRMLS_CACHE_EXTERN()
#endif

extern zend_class_entry *bluegreen_ce_Releaser;
extern zend_class_entry *bluegreen_ce_Release;
extern zend_class_entry *bluegreen_ce_Exception;
extern zend_class_entry *bluegreen_ce_ConfigException;
extern zend_class_entry *bluegreen_ce_GitException;
extern zend_class_entry *bluegreen_ce_BuildException;
extern zend_class_entry *bluegreen_ce_StartException;
extern zend_class_entry *bluegreen_ce_NginxException;
extern zend_class_entry *bluegreen_ce_LockException;

/* A Releaser: the core releaser (options read once, the log sink they name,
 * what it remembers between calls) and the log callable, if any. */
typedef struct {
	bg_releaser core;
	bool constructed;
	zval log_callable;  /* UNDEF unless the `log` option is a callable */
	zend_object std;
} php_bluegreen_releaser;

static inline php_bluegreen_releaser *php_bluegreen_releaser_from_obj(zend_object *obj)
{
	return (php_bluegreen_releaser *) ((char *) obj - XtOffsetOf(php_bluegreen_releaser, std));
}
#define Z_BLUEGREEN_RELEASER_P(zv) php_bluegreen_releaser_from_obj(Z_OBJ_P(zv))

/* releaser.c: object handlers for the registered class. */
void php_bluegreen_releaser_init(zend_class_entry *ce);

/* options.c: reads the constructor's array into opt, or throws (TypeError,
 * ValueError, ConfigException) and returns FAILURE with opt freed. */
zend_result php_bluegreen_options_read(php_bluegreen_releaser *r, HashTable *options);

/* options.c: the options as resolved, defaults included, into the array
 * info (var_dump), credentials masked. */
void php_bluegreen_options_dump(const php_bluegreen_releaser *r, zval *info);

/* logger.c: the PHP sinks for the core's log lines. */
void php_bluegreen_logger_init(php_bluegreen_releaser *r);

/* release.c: a BlueGreen\Release from a bg_release, and back (r owns a
 * malloc'd copy of the path; bg_release_free it). */
void php_bluegreen_release_new(zval *out, const bg_release *r);
zend_result php_bluegreen_release_read(zend_object *obj, bg_release *r);

/* bluegreen.c: throws the exception class that matches err->code. */
void php_bluegreen_throw(const bg_error *err);

#endif
